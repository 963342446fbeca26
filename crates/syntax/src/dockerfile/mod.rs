//! Dockerfile / Containerfile syntax tree, faithful to BuildKit's parser
//! (moby/buildkit `frontend/dockerfile/parser`).
//!
//! The parser keeps every instruction, flag, argument and heredoc body with
//! its byte span in the original file, so rules can point at exact positions.

mod expand;
mod parser;
#[cfg(test)]
mod tests;

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
    /// The file's escape character (`Dockerfile::escape`), needed to split
    /// and unquote the arguments (`key_values`, `copy_sources_dest`).
    pub escape: char,
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
        // Positions past the end of `value` are clamped to it, and a reversed
        // range is treated as empty, so this never panics or overflows.
        let len = self.value.len();
        let lo = range.start.min(len);
        let hi = range.end.min(len).max(lo);
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
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
                Some(&(v, f)) => f.saturating_add(to_u32(pos.saturating_sub(v as usize))),
                None => self.span.start.saturating_add(to_u32(pos)),
            }
        };
        if self.pieces.is_empty() {
            let start = self.span.start.saturating_add(to_u32(lo));
            return Span {
                start,
                end: self.span.start.saturating_add(to_u32(hi)).max(start),
            };
        }
        let start = map(lo, false);
        let end = if hi == lo { start } else { map(hi, true) };
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The inverse of [`Text::span_of`]: the byte range of `value` that was
    /// copied from `span` of the file. `None` when `span` does not start and
    /// end inside this text (e.g. it starts on a removed continuation
    /// character) or would split a character.
    pub fn range_of(&self, span: Span) -> Option<std::ops::Range<usize>> {
        let len = self.value.len();
        let to_value = |x: u32, is_end: bool| -> Option<usize> {
            if self.pieces.is_empty() {
                let off = x.checked_sub(self.span.start)? as usize;
                return (off <= len).then_some(off);
            }
            // The piece holding file offset `x` (for an end, the piece it
            // ends; pieces come from different lines, so never touch).
            let idx = self
                .pieces
                .partition_point(|&(_, f)| if is_end { f < x } else { f <= x });
            let i = idx.checked_sub(1)?;
            let (v, f) = *self.pieces.get(i)?;
            let piece_end = self.pieces.get(i + 1).map_or(len, |p| p.0 as usize);
            let pos = (v as usize).checked_add(x.checked_sub(f)? as usize)?;
            (pos <= piece_end).then_some(pos)
        };
        let a = to_value(span.start, false)?;
        let b = if span.is_empty() {
            a
        } else {
            to_value(span.end, true)?
        };
        (a <= b && self.value.is_char_boundary(a) && self.value.is_char_boundary(b)).then_some(a..b)
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
            Args::Exec(words) => words
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// The shell-form argument text at `span` (a span this instruction
    /// produced, e.g. a [`KeyValue`] value or a `copy_sources_dest` word) as
    /// written: quotes and escapes kept, continuation lines joined. This is
    /// what [`expand`] should be given to see the word as BuildKit does
    /// (`Word::value` has quotes already removed). `None` for exec form or a
    /// span outside the arguments.
    pub fn source_text(&self, span: Span) -> Option<&str> {
        match &self.args {
            Args::Shell(t) => t.range_of(span).and_then(|r| t.value.get(r)),
            Args::Exec(_) => None,
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
