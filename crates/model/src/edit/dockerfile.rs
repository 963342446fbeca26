//! Dockerfile editor: `USER` for a stage that runs (the final stage, or
//! the one a build targets; not one that later stages are built `FROM`).
//!
//! The line `USER <user>` goes before the stage's first `CMD` /
//! `ENTRYPOINT` that follows its last build step (`RUN`, `COPY`, `WORKDIR`,
//! …), so every build step still runs as before; comment lines directly
//! above that instruction stay with it. A stage without `CMD` or
//! `ENTRYPOINT` gets the line at its end. Indentation and line endings
//! follow the file. Heredocs (`RUN <<EOF`) next to the insertion point are
//! not edited: their bodies are outside the instruction spans.

use super::{line_prefix, line_start, newline, next_line_start};
use crate::image::Image;
use crate::project::SourceFile;
use crate::remedy::{Remedy, TextEdit};

/// Instructions that only describe how the image runs; `USER` may come before them.
const RUNTIME_ONLY: &[&str] = &[
    "CMD",
    "ENTRYPOINT",
    "EXPOSE",
    "HEALTHCHECK",
    "LABEL",
    "STOPSIGNAL",
    "VOLUME",
    "ENV",
    "ARG",
    "MAINTAINER",
    "SHELL",
    "ONBUILD",
];

pub fn edits(file: &SourceFile, image: &Image, remedy: &Remedy) -> Option<Vec<TextEdit>> {
    let Remedy::SetUser { user, stage } = remedy else {
        return None;
    };
    let stage = image.stages.get(*stage)?;
    // Later stages built `FROM` this one would run their build steps as the
    // new user too: not an edit to make blindly.
    if image
        .stages
        .iter()
        .any(|s| s.base == crate::image::Base::Stage(stage.index))
    {
        return None;
    }
    let text = file.text.as_str();
    let nl = newline(text);
    let instrs = &stage.instructions;
    let tail = instrs
        .iter()
        .rposition(|i| !RUNTIME_ONLY.contains(&i.keyword.as_str()))
        .map_or(0, |p| p + 1);
    let target =
        (tail..instrs.len()).find(|&i| matches!(instrs[i].keyword.as_str(), "CMD" | "ENTRYPOINT"));
    let heredoc = |span: skillaudit_syntax::Span| span.slice(text).contains("<<");
    let edit = match target {
        Some(t) => {
            let instr = &instrs[t];
            let start = instr.span.start as usize;
            let indent = line_prefix(text, start);
            if !indent.bytes().all(|b| b == b' ' || b == b'\t') || heredoc(instr.span) {
                return None;
            }
            let previous = if t == 0 {
                stage.from_span
            } else {
                instrs[t - 1].span
            };
            if heredoc(previous) {
                return None;
            }
            // Keep the comment lines just above the instruction with it.
            let floor = previous.end as usize;
            let mut at = line_start(text, start);
            while at > floor {
                let above = line_start(text, at - 1);
                if above < floor || !text[above..at].trim_start().starts_with('#') {
                    break;
                }
                at = above;
            }
            TextEdit::insert(file.id, at, format!("{indent}USER {user}{nl}"))
        }
        None => {
            let last = instrs.last().map_or(stage.from_span, |i| i.span);
            if heredoc(last) {
                return None;
            }
            match next_line_start(text, last.end as usize) {
                Some(at) => TextEdit::insert(file.id, at, format!("USER {user}{nl}")),
                None => TextEdit::insert(file.id, text.len(), format!("{nl}USER {user}")),
            }
        }
    };
    Some(vec![edit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::{FileId, FileKind};
    use crate::normalise::dockerfile;
    use crate::remedy::apply;

    fn fix(text: &str) -> Option<String> {
        let image = dockerfile::image(FileId(0), &skillaudit_syntax::dockerfile::parse(text));
        let last = image.stages.len().checked_sub(1)?;
        fix_stage(text, last)
    }

    fn fix_stage(text: &str, stage: usize) -> Option<String> {
        let image = dockerfile::image(FileId(0), &skillaudit_syntax::dockerfile::parse(text));
        let file = SourceFile::new(
            FileId(0),
            "Dockerfile".into(),
            "Dockerfile".into(),
            FileKind::Dockerfile,
            text.into(),
        );
        let e = edits(
            &file,
            &image,
            &Remedy::SetUser {
                user: "node".into(),
                stage,
            },
        )?;
        apply(text, &e.iter().collect::<Vec<_>>())
    }

    #[test]
    fn in_a_targeted_stage_but_not_one_others_build_on() {
        // slack-mcp-server: `FROM build AS dev` … `ENTRYPOINT ["mcp-server"]`, then `FROM alpine:3.22 AS production`.
        let text = "FROM golang:1.24 AS build\nRUN go build\nFROM build AS dev\nRUN go install dlv\nENTRYPOINT [\"mcp-server\"]\nFROM alpine:3.22 AS production\nCMD [\"x\"]\n";
        assert_eq!(
            fix_stage(text, 1).unwrap(),
            "FROM golang:1.24 AS build\nRUN go build\nFROM build AS dev\nRUN go install dlv\nUSER node\nENTRYPOINT [\"mcp-server\"]\nFROM alpine:3.22 AS production\nCMD [\"x\"]\n"
        );
        // `build` is the base of `dev`.
        assert_eq!(fix_stage(text, 0), None);
        assert_eq!(fix_stage(text, 7), None);
    }

    #[test]
    fn before_cmd_after_the_last_build_step() {
        assert_eq!(
            fix("FROM node:20\nRUN npm ci\nEXPOSE 3000\n# start\nCMD [\"node\", \"s.js\"]\n")
                .unwrap(),
            "FROM node:20\nRUN npm ci\nEXPOSE 3000\nUSER node\n# start\nCMD [\"node\", \"s.js\"]\n"
        );
        // A CMD followed by a build step: the USER goes after that step.
        assert_eq!(
            fix("FROM node\nCMD x\nRUN y\n").unwrap(),
            "FROM node\nCMD x\nRUN y\nUSER node\n"
        );
        assert_eq!(
            fix("FROM a AS b\nRUN x\nFROM node\r\nCOPY . .").unwrap(),
            "FROM a AS b\nRUN x\nFROM node\r\nCOPY . .\r\nUSER node"
        );
        assert_eq!(fix("FROM node\nRUN <<EOF\n# hi\nEOF\nCMD x\n"), None);
    }
}
