use crate::analysis::runtime_user_is_root;
use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a container whose runtime user is explicitly root:
    /// `user: root`, `user: "0"`, `user: "0:0"`, `--user 0`, `-u root`,
    /// Kubernetes `runAsUser: 0` or `runAsNonRoot: false`, devcontainer
    /// `containerUser`/`remoteUser: root`.
    ///
    /// ## Why is this bad?
    /// It overrides whatever non-root `USER` the image set, so the server
    /// runs as root no matter how carefully the image was built.
    ///
    /// ## Example
    /// ```yaml
    /// user: "0:0"
    /// ```
    ///
    /// ## Fix
    /// Remove the override or set an unprivileged UID (`user: "1001:1001"`).
    pub struct RunsAsRoot {
        id: "runs-as-root",
        severity: High,
        target: Container,
        summary: "the runtime user is root",
    }
}

impl Rule for RunsAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        if let Some(origin) = runtime_user_is_root(c) {
            out.push(
                Finding::at(
                    &Self::META,
                    c.file,
                    origin,
                    format!("{} runs as root", c.source.describe()),
                )
                .fix(
                    "run as an unprivileged UID (e.g. 1001:1001)",
                    Applicability::Manual,
                ),
            );
        }
    }
}
