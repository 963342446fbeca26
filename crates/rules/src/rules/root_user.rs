use crate::analysis::{image_user, ImageUser};
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a final stage whose last `USER` instruction (following stage
    /// inheritance, after ARG/ENV substitution) is `root`, `0`, `root:<group>`
    /// or `0:<group>`.
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        if let Some(ImageUser::Root(span)) = image_user(cx.image, &cx.project.settings) {
            out.push(
                Finding::new(
                    &Self::META,
                    cx.image.file,
                    span,
                    "final stage runs as root: the last USER is root",
                )
                .fix(
                    "make the last USER of the final stage an unprivileged user",
                    Applicability::Manual,
                ),
            );
        }
    }
}
