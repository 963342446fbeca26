use skillaudit_model::image::{InstrKind, RunSpec};

use crate::analysis::{base_name, unwrap_command};
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that pipes a download straight into a shell:
    /// `curl … | sh`, `wget -qO- … | sudo bash`, `bash <(curl …)`,
    /// `sh -c "$(curl …)"`. Every stage is checked.
    ///
    /// ## Why is this bad?
    /// The script that runs is whatever the server returns at build time:
    /// unreviewed, unpinned and unverifiable. A compromised or hijacked
    /// download URL becomes code execution as root in your build, and its
    /// output ships in the MCP server image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Fix
    /// Download to a file, verify its checksum or signature, then run it —
    /// or better, install from a package manager or copy a pinned binary
    /// from an official image (`COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/`).
    pub struct RemoteScriptExecution {
        id: "remote-script-execution",
        severity: Medium,
        target: Image,
        summary: "RUN pipes a download into a shell",
    }
}

const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ash", "ksh", "fish"];
const DOWNLOADERS: &[&str] = &["curl", "wget"];

impl Rule for RemoteScriptExecution {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        for stage in &cx.image.stages {
            for instr in &stage.instructions {
                let InstrKind::Run(run) = &instr.kind else {
                    continue;
                };
                if let Some(how) = pipes_download_to_shell(run) {
                    out.push(
                        Finding::new(&Self::META, cx.image.file, instr.span, format!("RUN {how}"))
                            .fix(
                                "download to a file, verify its checksum, then run it",
                                Applicability::Manual,
                            ),
                    );
                }
            }
        }
    }
}

fn command_name(words: &[skillaudit_model::Spanned<String>]) -> Option<&str> {
    unwrap_command(words).first().map(|w| base_name(&w.value))
}

fn pipes_download_to_shell(run: &RunSpec) -> Option<String> {
    for cmd in &run.commands {
        let Some(name) = command_name(&cmd.words) else {
            continue;
        };
        if !DOWNLOADERS.contains(&name) {
            continue;
        }
        // `curl … | sh`: a later command of the same pipeline is a shell.
        if let Some((id, pos)) = cmd.pipeline {
            let shell = run.commands.iter().find(|c| {
                matches!(c.pipeline, Some((cid, cpos)) if cid == id && cpos > pos)
                    && command_name(&c.words).is_some_and(|n| SHELLS.contains(&n))
            });
            if let Some(shell) = shell {
                return Some(format!(
                    "pipes {name} output into {}",
                    command_name(&shell.words).unwrap_or("a shell")
                ));
            }
        }
        // `bash <(curl …)` / `sh -c "$(curl …)"`: the download runs inside a shell's argument.
        if let Some(outer) = cmd.nested_in.and_then(|o| run.commands.get(o)) {
            if let Some(shell) = command_name(&outer.words).filter(|n| SHELLS.contains(n)) {
                return Some(format!("runs {name} output with {shell}"));
            }
        }
    }
    None
}
