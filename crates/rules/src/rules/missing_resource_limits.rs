use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};
use skillaudit_model::{Remedy, Subject};

declare_rule! {
    /// ## What it does
    /// Flags a container without a memory limit or without a CPU limit
    /// (`mem_limit`, `cpus`, `deploy.resources.limits.*`, `--memory`/`-m`,
    /// `--cpus`, `--cpu-quota`, Kubernetes `resources.limits.*`). One finding
    /// per container names what is missing.
    ///
    /// Containers of CI jobs (GitHub Actions job containers, services and
    /// `docker run` steps on throwaway runners), of test infrastructure
    /// (files under `test/`, `tests/`, `e2e/`, …) and of development setups
    /// (dev containers, compose files named for development) are not held to
    /// this hardening rule.
    ///
    /// ## Why is this bad?
    /// An LLM can ask a server for expensive work, and a prompt injection can
    /// put it in a loop. Without limits one session can exhaust the host's
    /// memory or CPU and take every other service — and every other user's
    /// session — down with it.
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
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           cpus: "0.5"
    ///           memory: 256M
    /// ```
    ///
    /// `skillaudit scan --unsafe-fixes` adds conservative defaults for what is
    /// missing — 512m of memory and 1.0 CPU — in the service's own
    /// `deploy.resources.limits` when it has one, else as `mem_limit:` and
    /// `cpus:` (compose-spec keys that need no swarm); for `docker run`,
    /// `--memory 512m --cpus 1.0`. Unsafe: adjust them to the server.
    pub struct MissingResourceLimits {
        id: "missing-resource-limits",
        severity: Medium,
        target: Container,
        contexts: Deployed,
        summary: "no memory or no CPU limit",
    }
}

impl Rule for MissingResourceLimits {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        let missing = match (c.memory_limit.is_some(), c.cpu_limit.is_some()) {
            (true, true) => return,
            (false, false) => "no memory limit and no CPU limit",
            (false, true) => "no memory limit",
            (true, false) => "no CPU limit",
        };
        out.push(
            Finding::new(&Self::META, c.file, c.definition, format!("{} has {missing}", c.source.describe()))
                .remedy(
                    "set memory and CPU limits (the automatic fix uses 512m and 1.0 CPUs: adjust to the server)",
                    Applicability::Unsafe,
                    Subject::Container(cx.index),
                    Remedy::ResourceLimits,
                ),
        );
    }
}
