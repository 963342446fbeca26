use skillaudit_model::{ContainerSource, ImageRef};

use crate::analysis::{base_runs_as_non_root, image_user, runtime_user_is_root, ImageUser};
use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a container whose runtime user is explicitly root:
    /// `user: root`, `user: "0"`, `user: "0:0"`, `--user 0`, `-u root`,
    /// Kubernetes `runAsUser: 0` or `runAsNonRoot: false`, devcontainer
    /// `containerUser`/`remoteUser: root`.
    ///
    /// `runAsNonRoot: false` (in the container's or the pod's
    /// `securityContext`) is reported unless a non-zero `runAsUser` is set
    /// or the image is known to run as a non-root user (a Dockerfile here
    /// whose stage sets one, or a base image known to: see `missing-user`).
    ///
    /// A Kubernetes workload with neither `runAsNonRoot: true` nor a
    /// non-zero `runAsUser` *may* run as root: it runs as whatever user the
    /// image says, and most images say root. That is reported at `medium`,
    /// as a compose service without `user:` over an image without `USER`
    /// would be — except for images built here (the Dockerfile's own rules
    /// judge them) and images known to run as non-root, and not for test or
    /// CI manifests.
    ///
    /// ## Why is this bad?
    /// It overrides whatever non-root `USER` the image set, so the server
    /// runs as root no matter how carefully the image was built. In
    /// Kubernetes, `runAsNonRoot: true` is what makes the kubelet refuse to
    /// start a container that would run as root.
    ///
    /// ## Example
    /// ```yaml
    /// user: "0:0"
    /// ```
    ///
    /// ## Fix
    /// Remove the override or set an unprivileged UID (`user: "1001:1001"`);
    /// in Kubernetes, `securityContext: {runAsNonRoot: true, runAsUser: 10001}`.
    pub struct RunsAsRoot {
        id: "runs-as-root",
        severity: High,
        target: Container,
        summary: "the runtime user is root",
    }
}

impl Rule for RunsAsRoot {
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
            return;
        }
        if !matches!(c.source, ContainerSource::Kubernetes { .. })
            || c.user.is_some()
            || image_runs_as_non_root(cx)
        {
            return;
        }
        const FIX: &str =
            "set `runAsNonRoot: true` and a non-zero `runAsUser` in the securityContext";
        match c.run_as_non_root() {
            Some(allowed) if !allowed.value => out.push(
                Finding::at(
                    &Self::META,
                    c.file,
                    allowed.origin,
                    format!(
                        "{} may run as root: `runAsNonRoot: false` and no non-zero runAsUser",
                        c.source.describe()
                    ),
                )
                .fix(FIX, Applicability::Manual),
            ),
            None if c.purpose.is_deployed() && cx.image().is_none() => {
                let mut f = Finding::new(
                    &Self::META,
                    c.file,
                    c.definition,
                    format!(
                        "{} may run as root: neither `runAsNonRoot: true` nor a non-zero runAsUser",
                        c.source.describe()
                    ),
                )
                .fix(FIX, Applicability::Manual);
                f.severity = Severity::Medium;
                out.push(f);
            }
            _ => {}
        }
    }
}

/// Is the image known to run as a non-root user: a Dockerfile here whose
/// stage sets one, or an external image known (or configured) to?
fn image_runs_as_non_root(cx: &ContainerCx<'_>) -> bool {
    let settings = &cx.project.settings;
    if let (Some((_, image)), Some(stage)) = (cx.image(), cx.stage()) {
        return matches!(image_user(image, stage, settings), Some(ImageUser::NonRoot));
    }
    cx.container.image.as_ref().is_some_and(|i| {
        let r = ImageRef::parse(&i.value);
        base_runs_as_non_root(&r) || settings.is_non_root_image(&r)
    })
}
