use crate::analysis::{classify_mount, MountClass};
use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};
use skillaudit_model::{Remedy, Subject};

declare_rule! {
    /// ## What it does
    /// Flags any other host bind mount that is neither read-only (`:ro`,
    /// `readonly`, `read_only: true`, `readOnly: true`) nor explicitly marked
    /// writable (`:rw`, `read_only: false`). Sockets, sensitive paths and the
    /// project root have rules of their own; named volumes are not host paths.
    ///
    /// Containers of CI jobs (GitHub Actions job containers, services and
    /// `docker run` steps on throwaway runners), of test infrastructure
    /// (files under `test/`, `tests/`, `e2e/`, …) and of development setups
    /// (dev containers, compose files named for development) are not held to
    /// this hardening rule.
    ///
    /// ## Why is this bad?
    /// A writable host directory is a way out of the container for data and
    /// a way in for planted files. Most MCP servers only read what they are
    /// given; writable should be a decision, written down.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - ./data:/data
    /// ```
    ///
    /// ## Fix
    /// Add `:ro` — or `:rw` / `read_only: false` when the server must write,
    /// which records that it is intended.
    ///
    /// `skillaudit scan --unsafe-fixes` adds `:ro` (`,ro` after existing
    /// options, `read_only: true` in the long syntax, `,readonly` for
    /// `--mount`). Unsafe: a server that writes there fails; mark it `:rw`
    /// instead if that is intended.
    pub struct WritableBindMount {
        id: "writable-bind-mount",
        severity: Low,
        target: Container,
        contexts: Deployed,
        summary: "a host directory is mounted writable by default",
    }
}

impl Rule for WritableBindMount {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for (index, m) in c.mounts.iter().enumerate() {
            if classify_mount(m) == MountClass::Writable {
                out.push(
                    Finding::at(
                        &Self::META,
                        c.file,
                        m.origin,
                        format!("{} mounts {} writable", c.source.describe(), m.source),
                    )
                    .remedy(
                        "mount it read-only (:ro), or mark it :rw if writing is intended",
                        Applicability::Unsafe,
                        Subject::Container(cx.index),
                        Remedy::BindReadOnly { mount: index },
                    ),
                );
            }
        }
    }
}
