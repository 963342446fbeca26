use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};
use skillaudit_model::{Remedy, Subject};

declare_rule! {
    /// ## What it does
    /// Flags a container run in privileged mode: compose `privileged: true`,
    /// `docker run --privileged`, Kubernetes
    /// `securityContext.privileged: true`, devcontainer `"privileged": true`.
    ///
    /// ## Why is this bad?
    /// Privileged mode switches off nearly all isolation: the container sees
    /// every host device, can load kernel modules and mount the host's
    /// disks. A prompt-injected MCP server in a privileged container is a
    /// host compromise.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   mcp-server:
    ///     image: myorg/mcp-server:1.4.2
    ///     privileged: true
    /// ```
    ///
    /// ## Fix
    /// Remove it. If one capability is really needed, add just that one
    /// (`cap_add: [NET_BIND_SERVICE]`); keep development-only privileged
    /// setups out of the committed configuration.
    ///
    /// `skillaudit scan --unsafe-fixes` removes `privileged: true` (its line)
    /// or the `--privileged` flag. Unsafe: whatever needed it stops working.
    pub struct PrivilegedContainer {
        id: "privileged-container",
        severity: High,
        target: Container,
        summary: "the container runs privileged",
    }
}

impl Rule for PrivilegedContainer {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        if let Some(origin) = c.privileged {
            out.push(
                Finding::at(
                    &Self::META,
                    c.file,
                    origin,
                    format!(
                        "{} runs in privileged mode: host devices and kernel are exposed",
                        c.source.describe()
                    ),
                )
                .remedy(
                    "remove privileged mode; add only the specific capability needed",
                    Applicability::Unsafe,
                    Subject::Container(cx.index),
                    Remedy::RemovePrivileged,
                ),
            );
        }
    }
}
