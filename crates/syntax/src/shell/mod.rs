//! Shell command lines as simple commands with words and spans: RUN
//! instructions now; scripts, workflow `run:` steps and README blocks later.
//!
//! Built on tree-sitter-bash: a real shell grammar, so `echo "docker run"`
//! is one `echo` command with a string argument, `$(…)` and `<(…)` nest, and
//! `&&`, `;`, `|`, `if`, loops and subshells are understood.

mod comments;
mod parse;
pub mod placeholder;

pub use comments::{comments, comments_in, make_comments};
pub use parse::{parse, parse_documentation};

use crate::{Span, SyntaxError};

/// A parsed shell script: every simple command in it, in source order
/// (outer command before the commands nested in its substitutions).
#[derive(Clone, Debug, Default)]
pub struct Script {
    pub commands: Vec<Command>,
    /// Parse problems (tree-sitter ERROR / MISSING nodes), with positions.
    pub errors: Vec<SyntaxError>,
}

impl Script {
    /// The error saying the parser stopped at one of its limits (time,
    /// size, word budget): the script, or its rest, was not read.
    pub fn limit_error(&self) -> Option<&SyntaxError> {
        self.errors
            .iter()
            .find(|e| parse::LIMIT_MESSAGES.contains(&e.message.as_str()))
    }
}

/// One simple command: `[VAR=x ...] name arg ...` with its redirections dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// `VAR=value` assignments written before the command name.
    pub assignments: Vec<Word>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    /// Covers the whole simple command.
    pub span: Span,
    /// Position in a pipeline `a | b | c`: `Some((pipeline_id, index))`.
    /// Commands of one pipeline share the id; ids are unique per script.
    pub pipeline: Option<(u32, u32)>,
    /// Set when this command runs inside a `$(…)`/`` `…` `` command
    /// substitution or a `<(…)`/`>(…)` process substitution: the index in
    /// `Script::commands` of the command whose word contains it, and which kind.
    pub nested_in: Option<(usize, Nesting)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    CommandSubstitution,
    ProcessSubstitution,
}

/// One shell word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed and backslash escapes processed; any
    /// expansion (`$X`, `${X}`, `$(…)`, `${{ … }}`) is kept as written.
    pub value: String,
    /// Covers the word as written, quotes included.
    pub span: Span,
    /// True when the word contains no expansion at all (its value is exactly
    /// known without running anything).
    pub literal: bool,
}

impl Command {
    /// The command name, if any (the first word).
    pub fn name(&self) -> Option<&str> {
        self.words.first().map(|w| w.value.as_str())
    }
    /// The command name without a directory (`/usr/bin/curl` → `curl`).
    pub fn base_name(&self) -> Option<&str> {
        self.name().map(|n| n.rsplit('/').next().unwrap_or(n))
    }
}
