use crate::analysis::full_os_base;
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a final stage built on a general-purpose distribution image that
    /// ships a shell and a package manager: alpine, debian, ubuntu,
    /// amazonlinux, fedora, centos, rockylinux, wolfi-base, UBI, and the
    /// language images built on them (`node`, `python`, `golang`,
    /// `eclipse-temurin`, … — `-slim` and `-alpine` variants included).
    /// Distroless, Chainguard/Wolfi static images, `scratch` and
    /// `ubi-minimal`/`ubi-micro` are fine.
    ///
    /// The stages judged are the ones that run: the final stage, and every
    /// stage a build here selects and runs or ships — a compose or
    /// devcontainer `build.target`, a tagged `docker build --target`, a
    /// workflow `docker/build-push-action` `target:` (slack-mcp-server's
    /// `target: dev`). The final stage is left out when everything here
    /// builds or runs another stage of the Dockerfile and one of those is
    /// deployed or shipped (a CI-only `--target test` run does not count). A
    /// finding about a targeted stage names it and points at the builds
    /// that select it.
    ///
    /// Dockerfiles of test infrastructure (under `test/`, `tests/`, `e2e/`,
    /// …) are not held to this hardening rule.
    ///
    /// ## Why is this bad?
    /// A shell, a package manager and the usual Unix tools are exactly what
    /// an attacker who gets code execution through the server uses next:
    /// to explore, download tools and persist. A distroless runtime image
    /// has none of them, and far fewer packages to patch.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// ```
    ///
    /// ## Fix
    /// Build in a full image and copy the result into a minimal runtime
    /// stage, e.g. `FROM gcr.io/distroless/nodejs22-debian12` with
    /// `USER nonroot`.
    pub struct FullOsBaseImage {
        id: "full-os-base-image",
        severity: Low,
        target: Image,
        contexts: Deployed,
        summary: "the final stage ships a shell and a package manager",
    }
}

impl Rule for FullOsBaseImage {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        for st in cx.run_stages() {
            let stage = st.stage;
            let Some(base) = image.base_image(stage) else {
                continue;
            };
            if base.is_templated() {
                continue;
            }
            if let Some(family) = full_os_base(base) {
                let what = st.describe();
                let f = Finding::new(
                    &Self::META,
                    image.file,
                    stage.from_span,
                    format!("{what} is based on {} ({family}), which ships a shell and a package manager", base.raw),
                )
                .fix(format!("use a distroless or Chainguard runtime image for the {what}"), Applicability::Manual);
                out.push(st.with_selectors(f));
            }
        }
    }
}
