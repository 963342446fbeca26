use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};
use skillaudit_model::{Remedy, Subject};

declare_rule! {
    /// ## What it does
    /// Flags a container without a process-count limit (`pids_limit`,
    /// `deploy.resources.limits.pids`, `--pids-limit`).
    ///
    /// Containers of CI jobs (GitHub Actions job containers, services and
    /// `docker run` steps on throwaway runners), of test infrastructure
    /// (files under `test/`, `tests/`, `e2e/`, …) and of development setups
    /// (dev containers, compose files named for development) are not held to
    /// this hardening rule.
    ///
    /// Kubernetes containers are not flagged: the process limit is a kubelet
    /// setting, not something a manifest can set per container.
    ///
    /// ## Why is this bad?
    /// A fork bomb — or a server tricked into spawning a process per request
    /// — exhausts the host's process table, which memory and CPU limits do
    /// not prevent.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   mcp-server:
    ///     mem_limit: 256m
    ///     cpus: 0.5
    /// ```
    ///
    /// ## Fix
    /// `pids_limit: 100` (compose) or `--pids-limit 100` (docker run).
    ///
    /// `skillaudit scan --unsafe-fixes` adds a limit of 256 processes
    /// (`deploy.resources.limits.pids` when the service has limits there).
    pub struct MissingPidsLimit {
        id: "missing-pids-limit",
        severity: Low,
        target: Container,
        contexts: Deployed,
        summary: "no process-count limit",
    }
}

impl Rule for MissingPidsLimit {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        if !c.pids_limit_settable() {
            return;
        }
        if c.pids_limit.is_none() {
            out.push(
                Finding::new(
                    &Self::META,
                    c.file,
                    c.definition,
                    format!("{} has no process-count (pids) limit", c.source.describe()),
                )
                .remedy(
                    "set a pids limit (the automatic fix uses 256)",
                    Applicability::Unsafe,
                    Subject::Container(cx.index),
                    Remedy::PidsLimit,
                ),
            );
        }
    }
}
