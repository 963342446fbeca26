use crate::analysis::capability_name;
use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};
use skillaudit_model::{Remedy, Subject};

declare_rule! {
    /// ## What it does
    /// Flags a container that does not drop all capabilities
    /// (`cap_drop: [ALL]`, `--cap-drop=ALL`, `capabilities.drop: [ALL]`).
    ///
    /// Containers of CI jobs (GitHub Actions job containers, services and
    /// `docker run` steps on throwaway runners), of test infrastructure
    /// (files under `test/`, `tests/`, `e2e/`, …) and of development setups
    /// (dev containers, compose files named for development) are not held to
    /// this hardening rule.
    ///
    /// ## Why is this bad?
    /// Docker's default set still includes capabilities such as `CHOWN`,
    /// `DAC_OVERRIDE`, `SETUID`, `NET_RAW` and `MKNOD`, which a Node or
    /// Python MCP server never needs and which help an attacker who gets
    /// code execution. Dropping everything and adding back what is needed
    /// costs one line.
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
    ///     cap_drop: [ALL]
    /// ```
    ///
    /// `skillaudit scan --fix` adds `cap_drop: [ALL]` (appended to the
    /// service's own list) or `--cap-drop ALL` (a safe fix); capabilities that
    /// `cap_add` gives back keep working.
    pub struct CapabilitiesNotDropped {
        id: "capabilities-not-dropped",
        severity: Medium,
        target: Container,
        contexts: Deployed,
        summary: "capabilities are not dropped with ALL",
    }
}

impl Rule for CapabilitiesNotDropped {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        if c.cap_drop
            .iter()
            .any(|cap| capability_name(&cap.value) == "ALL")
        {
            return;
        }
        out.push(
            Finding::new(&Self::META, c.file, c.definition, format!("{} keeps Docker's default capabilities (no cap_drop: ALL)", c.source.describe()))
                .remedy(
                    "drop all capabilities (cap_drop: [ALL], --cap-drop ALL) and add back only what is needed",
                    Applicability::Safe,
                    Subject::Container(cx.index),
                    Remedy::DropAllCapabilities,
                ),
        );
    }
}
