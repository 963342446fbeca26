use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};
use skillaudit_model::{Remedy, Subject};

declare_rule! {
    /// ## What it does
    /// Flags a container that does not set `no-new-privileges`
    /// (`security_opt: [no-new-privileges:true]`,
    /// `--security-opt no-new-privileges`, Kubernetes
    /// `allowPrivilegeEscalation: false`).
    ///
    /// Containers of CI jobs (GitHub Actions job containers, services and
    /// `docker run` steps on throwaway runners), of test infrastructure
    /// (files under `test/`, `tests/`, `e2e/`, …) and of development setups
    /// (dev containers, compose files named for development) are not held to
    /// this hardening rule.
    ///
    /// ## Why is this bad?
    /// Without it, a setuid binary in the image (`su`, `passwd`, `sudo`,
    /// `mount`) lets a compromised non-root server process become root
    /// again. The flag makes `execve` unable to grant privileges.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   mcp-server:
    ///     user: "1001:1001"
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     security_opt:
    ///       - no-new-privileges:true
    /// ```
    ///
    /// `skillaudit scan --fix` adds it (a safe fix): `security_opt:` with
    /// `no-new-privileges:true` in a compose service (appended to its own
    /// list, or switching a `no-new-privileges:false` on), `--security-opt
    /// no-new-privileges:true` after `docker run`, an args item pair in an MCP
    /// config. A list the service only gets through a merge key stays manual.
    pub struct MissingNoNewPrivileges {
        id: "missing-no-new-privileges",
        severity: Medium,
        target: Container,
        contexts: Deployed,
        summary: "no-new-privileges is not set",
    }
}

impl Rule for MissingNoNewPrivileges {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        if c.no_new_privileges.is_none() {
            out.push(
                Finding::new(
                    &Self::META,
                    c.file,
                    c.definition,
                    format!("{} does not set no-new-privileges", c.source.describe()),
                )
                .remedy(
                    "add the security option no-new-privileges:true",
                    Applicability::Safe,
                    Subject::Container(cx.index),
                    Remedy::NoNewPrivileges,
                ),
            );
        }
    }
}
