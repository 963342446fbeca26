use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that shares a namespace with the host: network
    /// (`network_mode: host`, `--network host`, `--net=host`,
    /// `hostNetwork: true`), PID (`pid: host`, `hostPID`), IPC, UTS, user
    /// namespace (`userns_mode: host`) or cgroup namespace.
    ///
    /// ## Why is this bad?
    /// Host networking exposes every service bound to the host's
    /// `localhost` — databases, cloud metadata proxies, other MCP servers —
    /// to the container, and lets it listen on host ports. A shared PID
    /// namespace lets it see and signal host processes and read their
    /// environment.
    ///
    /// ## Example
    /// ```yaml
    /// network_mode: host
    /// ```
    ///
    /// ## Fix
    /// Use the default bridge network and publish only the ports needed,
    /// bound to `127.0.0.1`.
    pub struct HostNamespace {
        id: "host-namespace",
        severity: High,
        target: Container,
        summary: "a host namespace is shared",
    }
}

impl Rule for HostNamespace {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for ns in c.host_namespaces() {
            out.push(
                Finding::at(
                    &Self::META,
                    c.file,
                    ns.origin,
                    format!(
                        "{} shares the host's {} namespace",
                        c.source.describe(),
                        ns.kind.name()
                    ),
                )
                .fix("remove the host namespace setting", Applicability::Manual),
            );
        }
    }
}
