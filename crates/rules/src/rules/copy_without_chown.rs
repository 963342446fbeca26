use skillaudit_model::image::{is_root_user, Image, InstrKind, Stage};

use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Reports, for information, a `COPY`/`ADD` into the working directory
    /// without `--chown` that comes after the final stage switched to a
    /// non-root `USER` (directly or in the stage it builds `FROM`).
    ///
    /// Dockerfiles of test infrastructure (under `test/`, `tests/`, `e2e/`,
    /// …) are not held to this hardening rule.
    ///
    /// ## Why is this bad?
    /// Copied files are owned by root whatever `USER` says, so the server
    /// cannot write them, and a later `RUN chown -R` doubles the layer size.
    /// Often that is intended (read-only application code is good); when the
    /// server must write there, use `--chown` rather than a recursive chown.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER mcp
    /// COPY src/ ./src/
    /// ```
    ///
    /// ## Fix
    /// `COPY --chown=mcp:mcp src/ ./src/` where the server needs to write,
    /// or copy before `USER` to make the intent explicit.
    pub struct CopyWithoutChown {
        id: "copy-without-chown",
        severity: Info,
        target: Image,
        contexts: Deployed,
        summary: "COPY after a non-root USER without --chown",
    }
}

impl Rule for CopyWithoutChown {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        // Each stage that runs; an instruction two of them share is reported once.
        let mut found: Vec<Finding> = Vec::new();
        for st in cx.run_stages() {
            let mut more = Vec::new();
            check_stage(cx.image, st.stage, &mut more);
            for f in more {
                if !found.iter().any(|g| g.span == f.span) {
                    found.push(f);
                }
            }
        }
        out.extend(found);
    }
}

fn check_stage(image: &Image, stage: &Stage, out: &mut Vec<Finding>) {
    let mut non_root = false;
    let mut workdir: Option<String> = None;
    // Follow `FROM <earlier stage>`: a USER or WORKDIR set there is in effect here.
    for instr in image.instructions_in_order(stage) {
        match &instr.kind {
            InstrKind::User(u) => non_root = !u.unresolved && !is_root_user(&u.value),
            InstrKind::Other { text } if instr.keyword == "WORKDIR" => {
                workdir = Some(text.trim().to_string())
            }
            InstrKind::Copy(copy) if non_root && !copy.chown => {
                let Some(dest) = &copy.dest else { continue };
                let d = dest.value.trim();
                let into_workdir = !d.starts_with('/')
                    || workdir.as_deref().is_some_and(|w| {
                        d.trim_end_matches('/').starts_with(w.trim_end_matches('/'))
                    });
                if into_workdir {
                    out.push(
                        Finding::new(
                            &CopyWithoutChown::META,
                            image.file,
                            instr.span,
                            format!(
                                "{} after a non-root USER leaves the files owned by root",
                                instr.keyword
                            ),
                        )
                        .fix(
                            "add --chown=<user>:<group> if the server must write these files",
                            Applicability::Manual,
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}
