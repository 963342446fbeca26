use crate::analysis::{image_user, ImageUser};
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a final stage whose last `USER` instruction (following stage
    /// inheritance, after ARG/ENV substitution) is `root`, `0`, `root:<group>`
    /// or `0:<group>`.
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
    /// ## Why is this bad?
    /// An explicit `USER root` is worse than a missing one: it reads as a
    /// decision. The server process runs as root, so any code execution
    /// obtained through the MCP server starts with full privileges inside
    /// the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ARG RUN_AS=0
    /// USER ${RUN_AS}
    /// ```
    ///
    /// ## Fix
    /// Switch to root only for the steps that need it, then back to an
    /// unprivileged user as the last `USER` of the final stage.
    pub struct RootUser {
        id: "root-user",
        severity: High,
        target: Image,
        summary: "the final stage's last USER is root",
    }
}

impl Rule for RootUser {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let mut reported = Vec::new();
        for st in cx.run_stages() {
            let Some(ImageUser::Root(span)) = image_user(cx.image, st.stage, &cx.project.settings)
            else {
                continue;
            };
            // Two stages built on one that ends with `USER root`: one finding.
            if reported.contains(&span) {
                continue;
            }
            reported.push(span);
            let what = st.describe();
            let f = Finding::new(
                &Self::META,
                cx.image.file,
                span,
                format!("{what} runs as root: the last USER is root"),
            )
            .fix(
                format!("make the last USER of the {what} an unprivileged user"),
                Applicability::Manual,
            );
            out.push(st.with_selectors(f));
        }
    }
}
