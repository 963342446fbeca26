use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};
use skillaudit_model::{Remedy, Subject};

declare_rule! {
    /// ## What it does
    /// Flags a container whose root filesystem is not read-only
    /// (`read_only: true`, `--read-only`, `readOnlyRootFilesystem: true`).
    /// An explicit `read_only: false` is reported at that line.
    ///
    /// Containers of CI jobs (GitHub Actions job containers, services and
    /// `docker run` steps on throwaway runners), of test infrastructure
    /// (files under `test/`, `tests/`, `e2e/`, …) and of development setups
    /// (dev containers, compose files named for development) are not held to
    /// this hardening rule.
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an attacker who gets code execution
    /// through the server drop tools, modify the server's own code and
    /// persist. Most servers only need a writable `/tmp`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   mcp-server:
    ///     image: myorg/mcp-server:1.4.2
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp:size=50m
    /// ```
    /// Test the server with it: some runtimes write caches at start-up.
    ///
    /// `skillaudit scan --unsafe-fixes` adds `read_only: true` (or turns
    /// `false` into `true`) with `tmpfs: [/tmp]` unless something is mounted at
    /// `/tmp`; for `docker run`, `--read-only --tmpfs /tmp`. It is unsafe: a
    /// server that writes elsewhere fails until that path gets a tmpfs or volume.
    pub struct WritableRootFilesystem {
        id: "writable-root-filesystem",
        severity: Medium,
        target: Container,
        contexts: Deployed,
        summary: "the root filesystem is writable",
    }
}

impl Rule for WritableRootFilesystem {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        let f = match &c.read_only {
            Some(ro) if ro.value => return,
            Some(ro) => Finding::at(
                &Self::META,
                c.file,
                ro.origin,
                format!(
                    "{} turns the read-only root filesystem off",
                    c.source.describe()
                ),
            ),
            None => Finding::new(
                &Self::META,
                c.file,
                c.definition,
                format!("{} has a writable root filesystem", c.source.describe()),
            ),
        };
        out.push(f.remedy(
            "make the root filesystem read-only with a tmpfs at /tmp for scratch space (test the server: some runtimes write elsewhere)",
            Applicability::Unsafe,
            Subject::Container(cx.index),
            Remedy::ReadOnlyRoot,
        ));
    }
}
