use skillaudit_model::image::InstrKind;

use crate::analysis::{base_name, unwrap_command};
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` of the final stage (or a stage it builds on) that
    /// invokes `sudo` or installs the `sudo` package (`apt-get install sudo`,
    /// `apk add sudo`, `dnf install sudo`, …).
    ///
    /// ## Why is this bad?
    /// Build steps already run as root, so `sudo` there is pointless; its
    /// presence in the runtime image gives an attacker who compromises the
    /// unprivileged server user a ready path back to root (a misconfigured
    /// sudoers entry, a sudo vulnerability).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y sudo
    /// ```
    ///
    /// ## Fix
    /// Remove `sudo`: run root steps before `USER`, and use `gosu`/`su-exec`
    /// only in an entrypoint that drops privileges.
    pub struct SudoInImage {
        id: "sudo-in-image",
        severity: Medium,
        target: Image,
        summary: "RUN uses or installs sudo",
    }
}

const INSTALLERS: &[(&str, &[&str])] = &[
    ("apt-get", &["install"]),
    ("apt", &["install"]),
    ("aptitude", &["install"]),
    ("yum", &["install"]),
    ("dnf", &["install"]),
    ("microdnf", &["install"]),
    ("zypper", &["install", "in"]),
    ("apk", &["add"]),
    ("pacman", &["-S", "-Sy", "-Syu"]),
];

impl Rule for SudoInImage {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        for instr in cx.instructions_of(&cx.run_stages()) {
            let InstrKind::Run(run) = &instr.kind else {
                continue;
            };
            let mut reason = None;
            for cmd in &run.commands {
                if cmd
                    .words
                    .first()
                    .is_some_and(|w| matches!(base_name(&w.value), "sudo"))
                {
                    reason = Some("invokes sudo");
                    break;
                }
                let argv = unwrap_command(&cmd.words);
                let Some(name) = argv.first().map(|w| base_name(&w.value)) else {
                    continue;
                };
                let Some((_, verbs)) = INSTALLERS.iter().find(|(n, _)| *n == name) else {
                    continue;
                };
                let installs = argv
                    .iter()
                    .skip(1)
                    .any(|w| verbs.contains(&w.value.as_str()));
                if installs && argv.iter().skip(2).any(|w| is_sudo_package(&w.value)) {
                    reason = Some("installs the sudo package");
                    break;
                }
            }
            if let Some(reason) = reason {
                out.push(
                    Finding::new(&Self::META, image.file, instr.span, format!("RUN {reason}")).fix(
                        "remove sudo; run privileged build steps before switching USER",
                        Applicability::Manual,
                    ),
                );
            }
        }
    }
}

/// `sudo`, also pinned (`sudo=1.9.13p3-1` for apt/apk, `sudo~1.9`,
/// `sudo:amd64`, rpm's `sudo-1.9.15`) and its variants `sudo-ldap` / `sudo-rs`.
fn is_sudo_package(word: &str) -> bool {
    let name = word.split(['=', '~', '<', '>', ':']).next().unwrap_or(word);
    if matches!(name, "sudo" | "sudo-ldap" | "sudo-rs") {
        return true;
    }
    name.strip_prefix("sudo-")
        .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::is_sudo_package;

    #[test]
    fn sudo_packages() {
        for p in [
            "sudo",
            "sudo=1.9.13p3-1+deb12u1",
            "sudo~=1.9",
            "sudo:amd64",
            "sudo-1.9.15-1.fc41",
            "sudo-ldap",
            "sudo-rs",
        ] {
            assert!(is_sudo_package(p), "{p}");
        }
        for p in ["sudoku", "gosu", "su-exec", "sudo-doc", "libsudo", "-y"] {
            assert!(!is_sudo_package(p), "{p}");
        }
    }
}
