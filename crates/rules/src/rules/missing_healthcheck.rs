use skillaudit_model::image::InstrKind;

use crate::{declare_rule, Applicability, Finding, ImageCx, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a final stage that serves over the network (it `EXPOSE`s a
    /// port) but defines no `HEALTHCHECK` (or disables it with
    /// `HEALTHCHECK NONE`), following stage inheritance.
    ///
    /// Dockerfiles of test infrastructure (under `test/`, `tests/`, `e2e/`,
    /// …) are not held to this hardening rule.
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
        summary: "a network server without HEALTHCHECK",
    }
}

impl Rule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        if !cx.image.purpose.is_deployed() {
            return;
        }
        let image = cx.image;
        let Some(stage) = image.final_stage() else {
            return;
        };
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
            out.push(
                Finding::new(
                    &Self::META,
                    image.file,
                    stage.from_span,
                    "the image exposes a port but has no HEALTHCHECK",
                )
                .fix(
                    "add a HEALTHCHECK that probes the server",
                    Applicability::Manual,
                ),
            );
        }
    }
}
