//! The Image model: what a Dockerfile builds, stage by stage.

use crate::file::FileId;
use crate::imageref::ImageRef;
use crate::{Origin, Span, Spanned};

/// One Dockerfile, normalised.
#[derive(Clone, Debug)]
pub struct Image {
    pub file: FileId,
    /// Set by the pipeline from where the Dockerfile is.
    pub purpose: crate::container::Purpose,
    /// Instructions before the first FROM (global ARGs).
    pub preamble: Vec<Instr>,
    pub stages: Vec<Stage>,
}

/// One build stage (`FROM … [AS name]` up to the next FROM).
#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    /// `AS name`, lower-cased as BuildKit compares them.
    pub name: Option<String>,
    /// The whole FROM instruction.
    pub from_span: Span,
    /// The base image reference after ARG substitution.
    pub from: Spanned<String>,
    /// False when the reference used a build argument without a known value.
    pub from_resolved: bool,
    pub base: Base,
    pub instructions: Vec<Instr>,
}

/// What a stage builds on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// An earlier stage of the same Dockerfile.
    Stage(usize),
    Scratch,
    Image(ImageRef),
}

/// One instruction of a stage, with what rules need from it.
#[derive(Clone, Debug)]
pub struct Instr {
    /// Upper-case keyword.
    pub keyword: String,
    /// The whole instruction (continuation lines included, heredoc bodies not).
    pub span: Span,
    pub kind: InstrKind,
}

#[derive(Clone, Debug)]
pub enum InstrKind {
    Env(Vec<Var>),
    Arg(Vec<Var>),
    User(User),
    Copy(CopySpec),
    Expose(Vec<Spanned<String>>),
    Healthcheck {
        none: bool,
    },
    Run(RunSpec),
    /// CMD / ENTRYPOINT / VOLUME / WORKDIR / SHELL and the rest: the argument text.
    Other {
        text: String,
    },
}

/// A variable set by ENV or declared by ARG.
#[derive(Clone, Debug)]
pub struct Var {
    pub key: String,
    /// The literal value as written (quotes removed), `None` for `ARG X`.
    pub value: Option<String>,
    /// `KEY=value`.
    pub span: Span,
}

/// `USER name[:group]` after substitution.
#[derive(Clone, Debug)]
pub struct User {
    pub value: String,
    /// The value referenced a variable with no known value.
    pub unresolved: bool,
}

impl User {
    /// `root`, `0`, `root:<g>`, `0:<g>`.
    pub fn is_root(&self) -> bool {
        !self.unresolved && is_root_user(&self.value)
    }
}

/// Is a user spec (`name[:group]`, uid or name) the root user?
pub fn is_root_user(spec: &str) -> bool {
    let user = spec.trim().split(':').next().unwrap_or("").trim();
    user == "root" || (!user.is_empty() && user.bytes().all(|b| b == b'0'))
}

/// COPY or ADD.
#[derive(Clone, Debug)]
pub struct CopySpec {
    pub is_add: bool,
    pub sources: Vec<Spanned<String>>,
    pub dest: Option<Spanned<String>>,
    /// `--from=stage|image`.
    pub from: Option<String>,
    /// `--chown` given.
    pub chown: bool,
}

/// RUN, split into simple shell commands (spans in the Dockerfile).
#[derive(Clone, Debug, Default)]
pub struct RunSpec {
    pub commands: Vec<ShellCommand>,
}

/// A simple command inside a RUN.
#[derive(Clone, Debug)]
pub struct ShellCommand {
    /// `VAR=value` written before the command name.
    pub assignments: Vec<String>,
    pub words: Vec<Spanned<String>>,
    /// Commands of one pipeline share an id; `(id, position)`.
    pub pipeline: Option<(u32, u32)>,
    /// Runs inside `$(…)` / `<(…)` of the command at this index (within the RUN).
    pub nested_in: Option<usize>,
    pub span: Span,
}

impl ShellCommand {
    /// The command name without any directory, skipping `sudo`/`env`-style
    /// wrappers is left to callers.
    pub fn name(&self) -> Option<&str> {
        self.words
            .first()
            .map(|w| w.value.rsplit('/').next().unwrap_or(&w.value))
    }
    pub fn args(&self) -> impl Iterator<Item = &str> {
        self.words.iter().skip(1).map(|w| w.value.as_str())
    }
}

impl Image {
    /// The stage `docker build` produces without `--target`: the last one.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage chain from `stage` up through `FROM <earlier stage>`,
    /// starting with `stage` itself.
    pub fn chain<'a>(&'a self, stage: &'a Stage) -> Vec<&'a Stage> {
        let mut out = vec![stage];
        let mut cur = stage;
        while let Base::Stage(i) = cur.base {
            match self.stages.get(i) {
                // Stage references only ever point backwards; guard anyway.
                Some(parent) if parent.index < cur.index => {
                    out.push(parent);
                    cur = parent;
                }
                _ => break,
            }
        }
        out
    }

    /// Does the stage only carry files? It is built `FROM scratch`
    /// (directly or through earlier stages) and nothing in its chain runs
    /// or prepares to run: no `CMD`, `ENTRYPOINT`, `RUN`, `USER` or
    /// `HEALTHCHECK`. Such an image is a package of files (copied into other
    /// images or extracted by tools: mcp-gateway's `module-image`), never a
    /// container.
    pub fn is_data_only(&self, stage: &Stage) -> bool {
        let chain = self.chain(stage);
        matches!(chain.last().map(|s| &s.base), Some(Base::Scratch))
            && !chain.iter().flat_map(|s| &s.instructions).any(|i| {
                matches!(
                    i.keyword.as_str(),
                    "CMD" | "ENTRYPOINT" | "RUN" | "USER" | "HEALTHCHECK"
                )
            })
    }

    /// The external base image the stage ultimately builds on (None for scratch).
    pub fn base_image<'a>(&'a self, stage: &'a Stage) -> Option<&'a ImageRef> {
        match &self.chain(stage).last()?.base {
            Base::Image(r) => Some(r),
            _ => None,
        }
    }

    /// The last `USER` in effect for `stage`, following stage inheritance:
    /// the instruction's span and its value.
    pub fn effective_user<'a>(&'a self, stage: &'a Stage) -> Option<(&'a Instr, &'a User)> {
        for s in self.chain(stage) {
            if let Some(found) = s.instructions.iter().rev().find_map(|i| match &i.kind {
                InstrKind::User(u) => Some((i, u)),
                _ => None,
            }) {
                return Some(found);
            }
        }
        None
    }

    /// Instructions of the stage chain in build order (ancestors first).
    pub fn instructions_in_order<'a>(
        &'a self,
        stage: &'a Stage,
    ) -> impl Iterator<Item = &'a Instr> + 'a {
        let mut chain = self.chain(stage);
        chain.reverse();
        chain.into_iter().flat_map(|s| s.instructions.iter())
    }
}

impl Origin {
    /// Convenience for a span in a Dockerfile (no anchors there).
    pub fn of(span: Span) -> Origin {
        Origin::at(span)
    }
}
