//! The BuildKit-faithful Dockerfile parser.
//!
//! Follows moby/buildkit `frontend/dockerfile/parser` (`parser.go`,
//! `split_command.go`, `line_parsers.go`, `directives.go`) and the argument
//! checks of `instructions/parse.go`:
//!
//! 1. Parser directives (`# syntax=`, `# escape=`, `# check=`) are read from
//!    the comment lines at the very top; the first other line ends them.
//! 2. Lines are joined at continuations (the escape character, then only
//!    spaces/tabs, at the end of a line). Inside a continuation, comment
//!    lines and blank lines are dropped. The joined *logical line* is a
//!    [`Text`] whose `pieces` map every byte back to the file.
//! 3. The logical line is split into keyword, `--flags` and arguments; the
//!    arguments are exec form (a JSON array of strings) or shell form.
//! 4. RUN, COPY and ADD (also behind ONBUILD) read heredoc bodies from the
//!    lines after the instruction.
//! 5. The same argument checks as BuildKit's instruction parser produce
//!    [`SyntaxError`]s; unlike BuildKit we carry on after each one.
//!
//! Nothing here panics on any input, and everything is linear in the size
//! of the file.

use std::ops::Range;

use super::expand::unquote;
use super::*;

mod directives;
mod exec_form;
mod flags;
mod heredocs;
mod words;

use directives::*;
use exec_form::*;
use flags::*;
use heredocs::*;
use words::*;
pub(crate) use words::{key_values, quoted_words, whitespace_words};

/// The instructions BuildKit knows.
const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Instructions whose arguments may be a JSON array (BuildKit's
/// `parseMaybeJSON` / `parseMaybeJSONToList`).
const JSON_CAPABLE: &[&str] = &["ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"];

/// Instructions that take heredocs.
const HEREDOC_CAPABLE: &[&str] = &["ADD", "COPY", "RUN"];

const BOM: char = '\u{feff}';

/// Parse a Dockerfile. Never panics; problems are collected in `errors`.
pub fn parse(text: &str) -> Dockerfile {
    let start = if text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    let mut parser = Parser {
        text,
        pos: start,
        escape: '\\',
        directives_done: false,
        seen_from: false,
        df: Dockerfile {
            escape: '\\',
            ..Dockerfile::default()
        },
    };
    parser.run();
    parser.df.escape = parser.escape;
    parser.df
}

/// One physical line: `start..end` is its content without the line
/// terminator (trailing `\r`s removed, as BuildKit's `trimNewline`).
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
}

struct Parser<'a> {
    text: &'a str,
    /// Start of the next unread line.
    pos: usize,
    escape: char,
    directives_done: bool,
    seen_from: bool,
    df: Dockerfile,
}

impl<'a> Parser<'a> {
    fn next_line(&mut self) -> Option<Line> {
        let rest = self.text.get(self.pos..).filter(|r| !r.is_empty())?;
        let (len, next) = match rest.find('\n') {
            Some(i) => (i, self.pos + i + 1),
            None => (rest.len(), self.text.len()),
        };
        let content = rest[..len].trim_end_matches('\r');
        let line = Line {
            start: self.pos,
            end: self.pos + content.len(),
        };
        self.pos = next;
        Some(line)
    }

    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.df.errors.push(SyntaxError::new(message, span));
    }

    /// BuildKit's `Parse` loop.
    fn run(&mut self) {
        while let Some(first) = self.next_line() {
            let raw = &self.text[first.start..first.end];
            // The first line of an instruction loses its leading whitespace.
            let content = raw.trim_start();
            let content_start = first.end - content.len();
            if !self.directives_done && self.directive(content, content_start) {
                continue;
            }
            if content.starts_with('#') {
                continue; // full-line comment
            }
            let (piece, mut more) = self.trim_continuation(content);
            if !more && piece.is_empty() {
                continue; // blank line
            }

            let mut logical = Text::default();
            push_piece(&mut logical, piece, content_start);
            let mut end = first.end;
            while more {
                let Some(line) = self.next_line() else { break };
                let raw = &self.text[line.start..line.end];
                let trimmed = raw.trim_start();
                // Comment lines and empty lines inside a continuation are
                // skipped (BuildKit warns about the empty ones).
                if trimmed.starts_with('#') || trimmed.is_empty() {
                    continue;
                }
                // Continuation lines keep their leading whitespace.
                let (piece, m) = self.trim_continuation(raw);
                push_piece(&mut logical, piece, line.start);
                end = line.end;
                more = m;
            }
            logical.span = Span::new(content_start, end.max(content_start));
            self.instruction(logical);
        }
    }

    /// A parser directive at the top of the file? Returns true when the line
    /// was one (it is then consumed); otherwise directive processing ends.
    fn directive(&mut self, content: &str, offset: usize) -> bool {
        let Some(d) = parse_directive(content) else {
            self.directives_done = true;
            return false;
        };
        if !matches!(d.name.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return false;
        }
        let span = Span::new(offset, offset + content.len());
        if self.df.directives.iter().any(|x| x.name == d.name) {
            self.error(
                format!("only one {} parser directive can be used", d.name),
                span,
            );
            return true;
        }
        let value = content[d.value.clone()].to_string();
        if d.name == "escape" {
            match value.as_str() {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => {
                    let vspan = Span::new(offset + d.value.start, offset + d.value.end);
                    self.error(
                        format!("invalid escape token '{value}' does not match ` or \\"),
                        vspan,
                    );
                }
            }
        }
        self.df.directives.push(Directive {
            name: d.name,
            value,
            span,
        });
        true
    }

    /// BuildKit's `trimContinuationCharacter`: the escape character followed
    /// only by spaces/tabs ends the line, unless it is itself escaped
    /// (preceded by another escape character). Returns the line without it
    /// and whether the instruction continues.
    fn trim_continuation<'s>(&self, s: &'s str) -> (&'s str, bool) {
        let esc = self.escape;
        let trimmed = s.trim_end_matches([' ', '\t']);
        match trimmed.strip_suffix(esc) {
            Some(before) => match before.chars().next_back() {
                None => ("", true),
                Some(c) if c == esc => (s, false),
                Some(_) => (before, true),
            },
            None => (s, false),
        }
    }

    /// Turn one logical line into an [`Instruction`] (BuildKit's
    /// `newNodeFromLine` + `splitCommand`), check it and read its heredocs.
    fn instruction(&mut self, logical: Text) {
        let line = logical.value.as_str();
        let body_start = line.len() - line.trim_start().len();
        let body_end = line.trim_end().len();
        if body_start >= body_end {
            return; // only whitespace joined from continuation lines
        }
        // The keyword ends at the first space/tab (BuildKit's `[\t\v\f\r ]+`).
        let kw_end = line[body_start..body_end]
            .find(is_token_ws)
            .map_or(body_end, |i| body_start + i);
        let keyword = line[body_start..kw_end].to_ascii_uppercase();
        let keyword_span = logical.span_of(body_start..kw_end);
        let rest = kw_end
            + (line[kw_end..body_end].len()
                - line[kw_end..body_end].trim_start_matches(is_token_ws).len());

        let (raw_flags, args_from) = extract_flags(line, rest, body_end);
        let flags: Vec<Flag> = raw_flags.into_iter().map(|f| flag(&logical, f)).collect();

        let args_start = body_end - line[args_from..body_end].trim_start().len();
        let (args, json_not_strings) = arguments(&logical, &keyword, args_start..body_end);

        let takes_heredocs = match (keyword.as_str(), &args) {
            ("RUN" | "COPY" | "ADD", Args::Shell(_)) => true,
            ("ONBUILD", Args::Shell(t)) => onbuild_takes_heredocs(&t.value),
            _ => false,
        };

        let mut ins = Instruction {
            keyword,
            keyword_span,
            span: Span::new(
                keyword_span.start as usize,
                (logical.span.end.max(keyword_span.start)) as usize,
            ),
            flags,
            args,
            heredocs: Vec::new(),
            escape: self.escape,
        };

        self.check(&ins, json_not_strings);

        if takes_heredocs {
            self.read_heredocs(&logical, &mut ins);
        }
        self.df.instructions.push(ins);
    }

    /// The argument checks of BuildKit's `instructions/parse.go` (and the
    /// ones its line parsers make), plus "no build stage" before FROM.
    fn check(&mut self, ins: &Instruction, json_not_strings: bool) {
        let kw = ins.keyword.as_str();
        let whole = ins.span;
        let shell = match &ins.args {
            Args::Shell(t) => Some(t),
            Args::Exec(_) => None,
        };
        let empty = match &ins.args {
            Args::Shell(t) => t.value.is_empty(),
            Args::Exec(w) => w.is_empty(),
        };

        if !INSTRUCTIONS.contains(&kw) {
            self.error(format!("unknown instruction: {kw}"), ins.keyword_span);
            return;
        }
        if kw == "FROM" {
            self.seen_from = true;
        } else if !self.seen_from && kw != "ARG" {
            self.error("no build stage in current context", ins.keyword_span);
        }
        if json_not_strings {
            self.error(
                "when using JSON array syntax, arrays must be comprised of strings only",
                ins.args_span(),
            );
        }
        match kw {
            "FROM" => self.check_from(ins),
            "ENV" | "LABEL" => {
                if let Some(t) = shell {
                    self.check_key_values(kw, t, ins.escape, whole);
                }
            }
            "ARG" => {
                if let Some(t) = shell {
                    self.check_arg(t, ins.escape, whole);
                }
            }
            "MAINTAINER" | "USER" | "WORKDIR" | "STOPSIGNAL" if empty => {
                self.error(format!("{kw} requires exactly one argument"), whole);
            }
            "EXPOSE" if empty => self.error("EXPOSE requires at least one argument", whole),
            "VOLUME" => {
                if empty && !json_not_strings {
                    self.error("VOLUME requires at least one argument", whole);
                }
                if let Args::Exec(words) = &ins.args {
                    for w in words.iter().filter(|w| w.value.trim().is_empty()) {
                        self.error("VOLUME specified can not be an empty string", w.span);
                    }
                }
            }
            "COPY" | "ADD" if !json_not_strings => self.check_copy(kw, ins),
            "HEALTHCHECK" => {
                if let Some(t) = shell {
                    self.check_healthcheck(t, whole);
                }
            }
            "SHELL" => self.check_shell(ins, json_not_strings),
            "ONBUILD" => {
                if let Some(t) = shell {
                    self.check_onbuild(t, whole);
                }
            }
            _ => {} // RUN, CMD, ENTRYPOINT take anything
        }
    }

    /// `FROM image [AS name]`.
    fn check_from(&mut self, ins: &Instruction) {
        let words = whitespace_words(ins);
        match words.len() {
            1 => {}
            3 if words[1].value.eq_ignore_ascii_case("as") => {
                let name = words[2].value.to_lowercase();
                if !is_stage_name(&name) {
                    self.error(
                        format!(
                            "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                            words[2].value
                        ),
                        words[2].span,
                    );
                }
            }
            _ => self.error("FROM requires either one or three arguments", ins.span),
        }
    }

    /// `ENV` and `LABEL`: `name=value` pairs, or the legacy `name value`.
    fn check_key_values(&mut self, kw: &str, t: &Text, escape: char, whole: Span) {
        let words = shell_words(&t.value, escape);
        let Some(first) = words.first() else {
            self.error(format!("{kw} requires at least one argument"), whole);
            return;
        };
        if !t.value[first.clone()].contains('=') {
            if legacy_split(&t.value).is_none() {
                self.error(format!("{kw} must have two arguments"), whole);
            }
            return;
        }
        for w in words {
            let raw = &t.value[w.clone()];
            match raw.find('=') {
                None => self.error(
                    format!(
                        "Syntax error - can't find = in {raw:?}. Must be of the form: name=value"
                    ),
                    t.span_of(w),
                ),
                Some(0) => self.error(format!("{kw} names can not be blank"), t.span_of(w)),
                Some(_) => {}
            }
        }
    }

    fn check_arg(&mut self, t: &Text, escape: char, whole: Span) {
        let words = shell_words(&t.value, escape);
        if words.is_empty() {
            self.error("ARG requires at least one argument", whole);
        }
        for w in words {
            if t.value[w.clone()].starts_with('=') {
                self.error("ARG names can not be blank", t.span_of(w));
            }
        }
    }

    /// `COPY`/`ADD`: sources and a destination that is not a heredoc.
    fn check_copy(&mut self, kw: &str, ins: &Instruction) {
        let words = whitespace_words(ins);
        match words.last() {
            Some(dest) if words.len() >= 2 => {
                if parse_heredoc_word(&dest.value).is_some() {
                    self.error(format!("{kw} cannot accept a heredoc as a destination"), dest.span);
                }
            }
            _ => self.error(
                format!(
                    "{kw} requires at least two arguments, but only one was provided. Destination could not be determined"
                ),
                ins.span,
            ),
        }
    }

    fn check_shell(&mut self, ins: &Instruction, json_not_strings: bool) {
        match &ins.args {
            Args::Exec(w) if w.is_empty() => {
                self.error("SHELL requires at least one argument", ins.span)
            }
            Args::Exec(_) => {}
            Args::Shell(t) if t.value.is_empty() => {
                self.error("SHELL requires at least one argument", ins.span)
            }
            Args::Shell(_) if json_not_strings => {}
            Args::Shell(_) => self.error(
                "SHELL requires the arguments to be in JSON form",
                ins.args_span(),
            ),
        }
    }

    /// `ONBUILD`: a trigger that is not ONBUILD, MAINTAINER or FROM.
    fn check_onbuild(&mut self, t: &Text, whole: Span) {
        if t.value.is_empty() {
            self.error("ONBUILD requires at least one argument", whole);
            return;
        }
        let end = t.value.find(is_token_ws).unwrap_or(t.value.len());
        let trigger = t.value[..end].to_ascii_uppercase();
        let span = t.span_of(0..end);
        match trigger.as_str() {
            "ONBUILD" => self.error("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", span),
            "MAINTAINER" | "FROM" => self.error(
                format!("{trigger} isn't allowed as an ONBUILD trigger"),
                span,
            ),
            _ => {}
        }
    }

    /// BuildKit's `parseHealthConfig` + `parseHealthcheck`.
    fn check_healthcheck(&mut self, t: &Text, whole: Span) {
        let value = t.value.as_str();
        if value.is_empty() {
            self.error("HEALTHCHECK requires at least one argument", whole);
            return;
        }
        let sep = value.find(char::is_whitespace).unwrap_or(value.len());
        let typ = value[..sep].to_uppercase();
        let rest = value[sep..].trim_start();
        let rest_start = value.len() - rest.len();
        let rest_span = t.span_of(rest_start..value.len());
        match typ.as_str() {
            "NONE" => {
                if !rest.is_empty() {
                    self.error("HEALTHCHECK NONE takes no arguments", rest_span);
                }
            }
            "CMD" => match json_strings(rest) {
                Json::Strings(w) if w.is_empty() => {
                    self.error("Missing command after HEALTHCHECK CMD", whole)
                }
                Json::NotStrings => self.error(
                    "when using JSON array syntax, arrays must be comprised of strings only",
                    rest_span,
                ),
                _ if rest.is_empty() => self.error("Missing command after HEALTHCHECK CMD", whole),
                _ => {}
            },
            _ => self.error(
                format!("Unknown type {typ:?} in HEALTHCHECK (try CMD)"),
                t.span_of(0..sep),
            ),
        }
    }

    /// Read the heredoc bodies named on the instruction's line from the
    /// lines that follow it (BuildKit's `heredocsFromLine` and the body loop
    /// of `Parse`).
    fn read_heredocs(&mut self, logical: &Text, ins: &mut Instruction) {
        for (doc, word) in heredocs_in_line(&logical.value) {
            let mut content = String::new();
            let mut body: Option<Span> = None;
            let mut terminated = false;
            while let Some(line) = self.next_line() {
                let raw = &self.text[line.start..line.end];
                let candidate = if doc.chomp {
                    raw.trim_start_matches('\t')
                } else {
                    raw
                };
                if candidate == doc.name {
                    terminated = true;
                    if body.is_none() {
                        body = Some(Span::empty(line.start));
                    }
                    break;
                }
                // `<<-`: BuildKit strips leading tabs from the content too
                // (`ChompHeredocContent`) before it is used.
                content.push_str(candidate);
                content.push('\n');
                let span = Span::new(line.start, line.end);
                body = Some(body.map_or(span, |b| b.cover(span)));
            }
            if !terminated {
                self.error("unterminated heredoc", logical.span_of(word));
                return;
            }
            ins.heredocs.push(Heredoc {
                name: doc.name,
                expand: doc.expand,
                chomp: doc.chomp,
                content,
                span: body.unwrap_or_default(),
            });
        }
    }
}

fn push_piece(text: &mut Text, piece: &str, file_start: usize) {
    if piece.is_empty() {
        return;
    }
    let v = u32::try_from(text.value.len()).unwrap_or(u32::MAX);
    let f = u32::try_from(file_start).unwrap_or(u32::MAX);
    text.pieces.push((v, f));
    text.value.push_str(piece);
}

/// The part `range` of a logical text, with its own offset map.
/// A flag of an instruction (`--name=value`), its value with its span.
fn flag(logical: &Text, f: RawFlag) -> Flag {
    let (name, value) = match f.eq {
        Some((i, raw_after)) => (
            f.text.get(2..i).unwrap_or("").to_string(),
            Some(Word {
                value: f.text.get(i + 1..).unwrap_or("").to_string(),
                span: logical.span_of(raw_after..f.range.end),
            }),
        ),
        None => (f.text.get(2..).unwrap_or("").to_string(), None),
    };
    Flag {
        name,
        value,
        span: logical.span_of(f.range),
    }
}

/// An instruction's arguments: exec form when the keyword takes it and they
/// are a JSON array of strings, else shell form; and whether they were a
/// JSON array with something other than strings.
fn arguments(logical: &Text, keyword: &str, range: Range<usize>) -> (Args, bool) {
    let args_text = sub_text(logical, range.clone());
    if !JSON_CAPABLE.contains(&keyword) {
        return (Args::Shell(args_text), false);
    }
    match json_array(logical, range) {
        Json::Strings(words) => (Args::Exec(words), false),
        Json::NotStrings => (Args::Shell(args_text), true),
        Json::Invalid => (Args::Shell(args_text), false),
    }
}

fn sub_text(t: &Text, range: Range<usize>) -> Text {
    let len = t.value.len();
    let a = range.start.min(len);
    let b = range.end.min(len).max(a);
    let value = t.value.get(a..b).unwrap_or("").to_string();
    let span = t.span_of(a..b);
    let mut pieces = Vec::new();
    if a < b && !value.is_empty() {
        let first = t
            .pieces
            .partition_point(|&(v, _)| (v as usize) <= a)
            .saturating_sub(1);
        for (i, &(v, f)) in t.pieces.iter().enumerate().skip(first) {
            let v = v as usize;
            if v >= b {
                break;
            }
            let next = t.pieces.get(i + 1).map_or(len, |p| p.0 as usize);
            let lo = v.max(a);
            if lo >= next {
                continue;
            }
            let off = u32::try_from(lo - a).unwrap_or(u32::MAX);
            pieces.push((
                off,
                f.saturating_add(u32::try_from(lo - v).unwrap_or(u32::MAX)),
            ));
        }
    }
    Text {
        value,
        span,
        pieces,
    }
}

/// BuildKit's `tokenWhitespace` / `reWhitespace`: `[\t\v\f\r ]`.
fn is_token_ws(c: char) -> bool {
    matches!(c, '\t' | '\u{0B}' | '\u{0C}' | '\r' | ' ')
}

/// The `^[a-z][a-z0-9-_\.]*$` check on a (lower-cased) stage name.
fn is_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}
