use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};
use skillaudit_model::{Remedy, Subject};

declare_rule! {
    /// ## What it does
    /// Flags a port published without a host address or on `0.0.0.0`/`::`
    /// (`"8080:8080"`, `-p 8080:8080`). `127.0.0.1:8080:8080` and
    /// `[::1]:8080:8080` are fine.
    ///
    /// Containers of CI jobs (GitHub Actions job containers, services and
    /// `docker run` steps on throwaway runners) and of test infrastructure
    /// (files under `test/`, `tests/`, `e2e/`, …) are not held to this
    /// hardening rule. Development setups are: a dev compose file's debugger
    /// or database port on every interface is open to the developer's whole
    /// network (a café's Wi-Fi), not only to the developer.
    ///
    /// ## Why is this bad?
    /// Docker publishes on every interface by default and bypasses host
    /// firewalls such as `ufw`. An MCP server meant for the local client is
    /// then reachable from the whole network — often without authentication.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - "8080:8080"
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// ports:
    ///   - "127.0.0.1:8080:8080"
    /// ```
    ///
    /// `skillaudit scan --fix` does this (a safe fix): `127.0.0.1:` is put in
    /// front, or replaces `0.0.0.0:` (`[::]:` becomes `[::1]:`); the long
    /// syntax gets `host_ip: 127.0.0.1`. `-P` stays manual.
    pub struct PublishedOnAllInterfaces {
        id: "published-on-all-interfaces",
        severity: Medium,
        target: Container,
        contexts: NotCiOrTest,
        summary: "a port is published on every interface",
    }
}

impl Rule for PublishedOnAllInterfaces {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for (index, p) in c.ports.iter().enumerate() {
            if p.on_all_interfaces() {
                // `-P` publishes every EXPOSEd port (the model's container_port says so).
                let all = p.container_port == "every exposed port";
                let what = if all {
                    "every exposed port".to_string()
                } else {
                    format!("container port {}", p.container_port)
                };
                let host = match (p.host_port.as_deref(), all) {
                    (Some(h), _) => format!("on host port {h}"),
                    (None, false) => "on a random host port".to_string(),
                    (None, true) => "on random host ports".to_string(),
                };
                out.push(
                    Finding::at(
                        &Self::META,
                        c.file,
                        p.origin,
                        format!(
                            "{} publishes {what} {host} on every network interface",
                            c.source.describe()
                        ),
                    )
                    .remedy(
                        "bind the port to 127.0.0.1",
                        Applicability::Safe,
                        Subject::Container(cx.index),
                        Remedy::PublishOnLoopback { port: index },
                    ),
                );
            }
        }
    }
}
