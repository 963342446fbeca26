use skillaudit_model::image::InstrKind;

use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` of a port below 1024 in the final stage (or a stage
    /// it builds on).
    ///
    /// Dockerfiles of test infrastructure (under `test/`, `tests/`, `e2e/`,
    /// …) are not held to this hardening rule.
    ///
    /// ## Why is this bad?
    /// Binding a port below 1024 needs root or `CAP_NET_BIND_SERVICE`, so a
    /// server that listens there is pushed towards running with privileges.
    /// The port inside the container does not need to match the one users
    /// reach: publish `-p 443:8443` or put a proxy in front.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80
    /// ```
    ///
    /// ## Fix
    /// Listen on a port above 1024 (`EXPOSE 8080`) and map it when publishing.
    pub struct PrivilegedPort {
        id: "privileged-port",
        severity: Low,
        target: Image,
        contexts: Deployed,
        summary: "EXPOSE of a port below 1024",
    }
}

impl Rule for PrivilegedPort {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        for instr in cx.instructions_of(&cx.run_stages()) {
            let InstrKind::Expose(ports) = &instr.kind else {
                continue;
            };
            for port in ports {
                let number = port.value.split(['/', '-']).next().unwrap_or("");
                if let Ok(n) = number.parse::<u32>() {
                    if n < 1024 {
                        out.push(
                            Finding::new(
                                &Self::META,
                                image.file,
                                port.origin.span,
                                format!("EXPOSE {} is a privileged port (below 1024)", port.value),
                            )
                            .fix(
                                "listen on a port above 1024 and map it when publishing",
                                Applicability::Manual,
                            ),
                        );
                    }
                }
            }
        }
    }
}
