//! Dockerfile / Containerfile syntax tree, faithful to BuildKit's parser
//! (moby/buildkit `frontend/dockerfile/parser`).
//!
//! The parser keeps every instruction, flag, argument and heredoc body with
//! its byte span in the original file, so rules can point at exact positions.

mod expand;
mod parser;

pub use expand::{expand, Expanded};
pub use parser::parse;

use crate::{Span, SyntaxError};

/// A parsed Dockerfile.
#[derive(Clone, Debug, Default)]
pub struct Dockerfile {
    /// Parser directives from the top of the file (`# syntax=`, `# escape=`, `# check=`).
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless `# escape=`` ` `` changed it.
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Problems found; parsing goes on after each, so this may hold several.
    pub errors: Vec<SyntaxError>,
}

/// `# name=value` at the top of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased directive name.
    pub name: String,
    pub value: String,
    /// The whole comment line.
    pub span: Span,
}

/// One instruction, after joining continuation lines.
#[derive(Clone, Debug)]
pub struct Instruction {
    /// Upper-cased instruction name (`FROM`, `RUN`, … or whatever unknown word was written).
    pub keyword: String,
    pub keyword_span: Span,
    /// From the keyword to the end of the instruction's last line (continuations
    /// included, line terminator and heredoc bodies excluded).
    pub span: Span,
    /// `--name[=value]` options written before the arguments.
    pub flags: Vec<Flag>,
    pub args: Args,
    /// Heredoc bodies (`<<EOF` … `EOF`) for RUN, COPY and ADD, in order.
    pub heredocs: Vec<Heredoc>,
}

/// `--name=value` (or a bare `--name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<Word>,
    /// The whole `--name=value` text.
    pub span: Span,
}

/// A piece of text with the span it was written at. `value` has quotes and
/// escapes processed where the context calls for it (JSON strings, quoted
/// words); `span` covers the source text including quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub value: String,
    pub span: Span,
}

/// The arguments after the flags.
#[derive(Clone, Debug)]
pub enum Args {
    /// Exec form: a JSON array of strings (`CMD ["node", "server.js"]`).
    Exec(Vec<Word>),
    /// Shell form / plain text: everything after the flags as one logical line.
    Shell(Text),
}

/// Text made of one or more physical lines joined at continuations; keeps a
/// map back to the original byte offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    /// The logical text: continuation characters, the line breaks after them
    /// and comment lines inside the continuation removed, as BuildKit does.
    pub value: String,
    /// Covers the text in the original file (may span several lines).
    pub span: Span,
    /// Sorted `(offset in value, offset in file)` pairs: each starts a run of
    /// bytes copied verbatim from the file.
    pub pieces: Vec<(u32, u32)>,
}

/// A heredoc body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, without quotes.
    pub name: String,
    /// False when the delimiter was quoted (`<<'EOF'`, `<<"EOF"`): no expansion.
    pub expand: bool,
    /// `<<-EOF`: leading tabs are stripped from the body lines.
    pub chomp: bool,
    /// The body, each line followed by `\n`, terminator line excluded.
    pub content: String,
    /// Covers the body lines in the file (without the terminator line).
    pub span: Span,
}

/// `KEY=value` (or legacy `KEY value`) from ENV, ARG or LABEL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    /// `None` for `ARG NAME` without a default.
    pub value: Option<Word>,
    /// Covers `KEY=value`.
    pub span: Span,
}

impl Text {
    /// Map a byte range of `value` back to a span in the file. Ranges that
    /// cross a continuation are widened to cover the joined lines.
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        let map = |pos: usize, is_end: bool| -> u32 {
            // The last piece starting at or before `pos` (for an end
            // position, strictly before, so an end at a piece boundary stays
            // on the earlier line).
            let idx = self.pieces.partition_point(|&(v, _)| {
                if is_end {
                    (v as usize) < pos
                } else {
                    (v as usize) <= pos
                }
            });
            match idx.checked_sub(1).and_then(|i| self.pieces.get(i)) {
                Some(&(v, f)) => f + (pos as u32 - v),
                None => self.span.start + pos as u32,
            }
        };
        if self.pieces.is_empty() {
            return Span::new(self.span.start as usize + range.start, self.span.start as usize + range.end);
        }
        let start = map(range.start, false);
        let end = if range.end == range.start { start } else { map(range.end, true) };
        Span { start, end: end.max(start) }
    }
}

impl Instruction {
    /// Is this the named instruction (case-insensitive)?
    pub fn is(&self, keyword: &str) -> bool {
        self.keyword.eq_ignore_ascii_case(keyword)
    }

    /// The value of flag `--name`, if given (the last one wins).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    /// The argument text as written (shell form), or the exec-form words
    /// joined with spaces.
    pub fn args_text(&self) -> String {
        match &self.args {
            Args::Shell(t) => t.value.clone(),
            Args::Exec(words) => words.iter().map(|w| w.value.as_str()).collect::<Vec<_>>().join(" "),
        }
    }

    /// Span of the arguments.
    pub fn args_span(&self) -> Span {
        match &self.args {
            Args::Shell(t) => t.span,
            Args::Exec(words) => match (words.first(), words.last()) {
                (Some(a), Some(b)) => a.span.cover(b.span),
                _ => Span::empty(self.span.end as usize),
            },
        }
    }

    /// Whitespace-separated words of the arguments, as BuildKit splits FROM,
    /// EXPOSE, USER and the like (no quote processing). Exec form gives its words.
    pub fn words(&self) -> Vec<Word> {
        parser::whitespace_words(self)
    }

    /// `KEY=value` pairs of ENV / ARG / LABEL, with BuildKit's quote handling
    /// and the legacy one-pair `ENV KEY value with spaces` form.
    pub fn key_values(&self) -> Vec<KeyValue> {
        parser::key_values(self)
    }

    /// The source paths and destination of COPY / ADD (shell or exec form;
    /// heredoc sources appear as `<<NAME` words).
    pub fn copy_sources_dest(&self) -> (Vec<Word>, Option<Word>) {
        let mut words = match &self.args {
            Args::Exec(w) => w.clone(),
            Args::Shell(_) => parser::quoted_words(self),
        };
        let dest = if words.len() >= 2 { words.pop() } else { None };
        (words, dest)
    }
}
