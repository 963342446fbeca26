use skillaudit_model::image::InstrKind;

use crate::analysis::stage_without_shell;
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a final stage that serves over the network (it `EXPOSE`s a
    /// port) but defines no `HEALTHCHECK` (or disables it with
    /// `HEALTHCHECK NONE`), following stage inheritance.
    ///
    /// Dockerfiles of test infrastructure (under `test/`, `tests/`, `e2e/`,
    /// …) are not held to this hardening rule.
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
    /// No health check is demanded of a stage that has nothing to run one
    /// with: one that only carries files (`FROM scratch`, no `CMD` or
    /// `ENTRYPOINT`), or one without a shell or a general-purpose binary
    /// (`FROM scratch` with no `RUN`; distroless `static`, `base`, `cc` and
    /// Chainguard `static`, not their `debug` tags). There only an exec-form
    /// check calling the server's own binary could work
    /// (`HEALTHCHECK CMD ["/server", "health"]`), and only its authors know
    /// whether it has such a mode. Distroless images with a runtime
    /// (`nodejs`, `python3`, `java`) can run an exec-form check and are held
    /// to the rule.
    ///
    /// ## Why is this bad?
    /// Without a health check, an orchestrator keeps routing requests to a
    /// server that hangs — for instance after an LLM-driven request put it
    /// in a loop — and nobody notices the degraded service. It is a
    /// robustness finding, hence `low`.
    ///
    /// Servers that speak MCP over stdio expose no port and are not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// EXPOSE 3000
    /// CMD ["node", "src/index.js"]
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/health').then(r => process.exit(r.ok ? 0 : 1))"
    /// ```
    pub struct MissingHealthcheck {
        id: "missing-healthcheck",
        severity: Low,
        target: Image,
        contexts: Deployed,
        summary: "a network server without HEALTHCHECK",
    }
}

impl Rule for MissingHealthcheck {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        for st in cx.run_stages() {
            let stage = st.stage;
            if image.is_data_only(stage) || stage_without_shell(image, stage) {
                continue;
            }
            let mut exposes = false;
            let mut healthcheck = false;
            for instr in image.instructions_in_order(stage) {
                match &instr.kind {
                    InstrKind::Expose(ports) if !ports.is_empty() => exposes = true,
                    InstrKind::Healthcheck { none } => healthcheck = !none,
                    _ => {}
                }
            }
            if exposes && !healthcheck {
                let message = if st.is_final {
                    "the image exposes a port but has no HEALTHCHECK".to_string()
                } else {
                    format!(
                        "the {} exposes a port but has no HEALTHCHECK",
                        st.describe()
                    )
                };
                let f = Finding::new(&Self::META, image.file, stage.from_span, message).fix(
                    "add a HEALTHCHECK that probes the server",
                    Applicability::Manual,
                );
                out.push(st.with_selectors(f));
            }
        }
    }
}
