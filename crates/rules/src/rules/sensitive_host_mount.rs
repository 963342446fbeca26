use crate::analysis::{classify_mount, untyped_note, MountClass};
use crate::{declare_rule, Applicability, Confidence, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a bind mount of a sensitive host location, read-only or not:
    ///
    /// * system directories, exactly: `/`, `/etc`, `/root`, `/home`,
    ///   `/Users`, `/boot`, `/dev`, `/proc`, `/sys`, `/run`, `/var/run`
    ///   (sub-paths such as `/etc/localtime` are not flagged);
    /// * these directories and everything under them: `/var/lib/docker`,
    ///   `/var/lib/containerd`, `/var/lib/containers` (the engines' data),
    ///   `/var/lib/kubelet` (every pod's volumes, secrets and
    ///   service-account tokens), `/etc/kubernetes` (the cluster's
    ///   configuration and keys);
    /// * a whole user home: `~`, `~/`, `~/.`, `$HOME`, `${HOME}`,
    ///   `%USERPROFILE%`, `/home/<name>`, `/Users/<name>`, `C:\Users\<name>`;
    /// * credential directories under a home, with everything in them:
    ///   `~/.ssh`, `~/.aws`, `~/.kube`, `~/.gnupg`, `~/.azure`,
    ///   `~/.config/gcloud`, `~/.config/gh`, `~/.docker/contexts`,
    ///   `~/.docker/machine`; and `~/.config` as a whole;
    /// * Docker's credentials: `~/.docker` as a whole and
    ///   `~/.docker/config.json`, `~/.docker/{key,cert,ca}.pem`. Other
    ///   paths under `~/.docker` are not credentials — `~/.docker/mcp` is
    ///   the MCP Toolkit's catalog, `~/.docker/cli-plugins` holds plugins —
    ///   and are judged like any other bind mount;
    /// * credential files by name, anywhere: `.npmrc`, `.netrc`, `.pypirc`,
    ///   `.git-credentials`, `id_rsa*`, `id_ed25519*`, `id_ecdsa*`.
    ///
    /// A compose long-syntax entry with a host-path `source` but no `type:`
    /// is read as the bind mount it means (medium confidence, with a note
    /// that the entry is incomplete); a short entry with one path only
    /// (`- /root/.ssh`) is an anonymous volume, not a host path.
    ///
    /// ## Why is this bad?
    /// A prompt injection that makes the server read or write files now
    /// reaches everything the host user can: SSH keys, cloud credentials,
    /// shell start-up files. Read-only still leaks every secret.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v ~/.:/home/user mcp-server
    /// ```
    ///
    /// ## Fix
    /// Mount only the directory the server needs, read-only where possible:
    /// `docker run -v ~/workspace/project:/app/workspace:ro mcp-server`.
    pub struct SensitiveHostMount {
        id: "sensitive-host-mount",
        severity: High,
        target: Container,
        summary: "a sensitive host path or the home directory is mounted",
    }
}

impl Rule for SensitiveHostMount {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for m in &c.mounts {
            if let MountClass::Sensitive(why) = classify_mount(m) {
                let ro = if m.read_only == Some(true) {
                    " (read-only, but still readable)"
                } else {
                    ""
                };
                let note = untyped_note(m);
                out.push(
                    Finding::at(
                        &Self::META,
                        c.file,
                        m.origin,
                        format!(
                            "{} mounts {} from the host: {why}{ro}{}",
                            c.source.describe(),
                            m.source,
                            note.unwrap_or("")
                        ),
                    )
                    .confidence(if note.is_some() {
                        Confidence::Medium
                    } else {
                        Confidence::High
                    })
                    .fix(
                        "mount only the directory the server needs, read-only",
                        Applicability::Manual,
                    ),
                );
            }
        }
    }
}
