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
        let flags: Vec<Flag> = raw_flags
            .into_iter()
            .map(|f| {
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
            })
            .collect();

        let args_start = body_end - line[args_from..body_end].trim_start().len();
        let args_range = args_start..body_end;
        let args_text = sub_text(&logical, args_range.clone());

        let mut json_not_strings = false;
        let args = if JSON_CAPABLE.contains(&keyword.as_str()) {
            match json_array(&logical, args_range.clone()) {
                Json::Strings(words) => Args::Exec(words),
                Json::NotStrings => {
                    json_not_strings = true;
                    Args::Shell(args_text)
                }
                Json::Invalid => Args::Shell(args_text),
            }
        } else {
            Args::Shell(args_text)
        };

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

// ---------------------------------------------------------------------------
// Directives

struct ParsedDirective {
    /// Lower-cased.
    name: String,
    /// Byte range of the value inside the line.
    value: Range<usize>,
}

/// Match `#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on a left-trimmed line,
/// with Go RE2's ASCII `\s` around the `=` (as BuildKit's `DirectiveParser`).
fn parse_directive(line: &str) -> Option<ParsedDirective> {
    let is_re_space = |c: char| matches!(c, '\t' | '\n' | '\u{0C}' | '\r' | ' ');
    let after_hash = line.strip_prefix('#')?;
    let name_part = after_hash.trim_start();
    let name_start = line.len() - name_part.len();
    let name_len = name_part
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(name_part.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let name = line[name_start..name_start + name_len].to_ascii_lowercase();
    let after_name = &line[name_start + name_len..];
    let eq = after_name
        .trim_start_matches(is_re_space)
        .strip_prefix('=')?;
    let eq_end = line.len() - eq.len();
    // `\s*(.+?)\s*$`: the value is the rest without surrounding spaces; if
    // the rest is only spaces, the regex backtracks and the value is its
    // last character.
    let trimmed = eq.trim_matches(is_re_space);
    let value = if !trimmed.is_empty() {
        let start = eq_end + (eq.len() - eq.trim_start_matches(is_re_space).len());
        start..start + trimmed.len()
    } else {
        let last = eq.chars().next_back()?;
        line.len() - last.len_utf8()..line.len()
    };
    Some(ParsedDirective { name, value })
}

// ---------------------------------------------------------------------------
// Flags

struct RawFlag {
    /// The whole `--name=value` word in the logical line.
    range: Range<usize>,
    /// The word with quotes and backslash escapes removed.
    text: String,
    /// Where the first `=` is: index in `text`, and the logical offset just
    /// after it in the source.
    eq: Option<(usize, usize)>,
}

/// BuildKit's `extractBuilderFlags`: the words starting with `--` at the
/// start of `line[start..end]`. Quotes are removed and `\` escapes the next
/// character (always backslash, whatever the escape directive says). A bare
/// `--` ends the flags. Returns the flags and where the arguments start.
fn extract_flags(line: &str, start: usize, end: usize) -> (Vec<RawFlag>, usize) {
    let s = &line[..end];
    let mut flags = Vec::new();
    let mut pos = start;
    loop {
        let rest = &s[pos..];
        pos += rest.len() - rest.trim_start().len();
        if pos >= end {
            return (flags, end);
        }
        if !s[pos..].starts_with("--") {
            return (flags, pos);
        }
        let word_start = pos;
        let mut text = String::new();
        let mut eq = None;
        let mut quote: Option<char> = None;
        let mut word_end = end;
        let mut it = s[pos..].char_indices();
        while let Some((i, c)) = it.next() {
            let (c, at) = if quote.is_none() && c.is_whitespace() {
                word_end = pos + i;
                break;
            } else if quote.is_none() && (c == '\'' || c == '"') {
                quote = Some(c);
                continue;
            } else if quote == Some(c) {
                quote = None;
                continue;
            } else if c == '\\' {
                match it.next() {
                    Some((j, n)) => (n, pos + j),
                    None => {
                        // A backslash at the very end is skipped.
                        quote = None;
                        continue;
                    }
                }
            } else {
                (c, pos + i)
            };
            if c == '=' && eq.is_none() {
                eq = Some((text.len(), at + 1));
            }
            text.push(c);
        }
        if text == "--" {
            return (flags, word_end);
        }
        flags.push(RawFlag {
            range: word_start..word_end,
            text,
            eq,
        });
        pos = word_end;
    }
}

// ---------------------------------------------------------------------------
// Exec form

enum Json {
    /// Not a JSON array: shell form.
    Invalid,
    /// A JSON array with something other than strings: BuildKit's error.
    NotStrings,
    Strings(Vec<Word>),
}

/// BuildKit's `parseJSON` on `range` of the logical line, with each string
/// literal's span.
fn json_array(logical: &Text, range: Range<usize>) -> Json {
    let s = logical.value.get(range.clone()).unwrap_or("");
    match json_strings(s) {
        Json::Strings(mut words) => {
            for w in &mut words {
                let r = w.span.range();
                w.span = logical.span_of(range.start + r.start..range.start + r.end);
            }
            Json::Strings(words)
        }
        other => other,
    }
}

/// Parse `s` as a JSON array of strings; word spans are relative to `s`.
fn json_strings(s: &str) -> Json {
    let s_trimmed = s.trim_start();
    let offset = s.len() - s_trimmed.len();
    if !s_trimmed.starts_with('[') {
        return Json::Invalid;
    }
    // serde_json stops at its nesting limit instead of overflowing the stack.
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(s_trimmed)
    else {
        return Json::Invalid;
    };
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        match item {
            serde_json::Value::String(v) => values.push(v),
            _ => return Json::NotStrings,
        }
    }
    // Valid JSON whose elements are all strings: every `"` outside a string
    // starts the next element's literal.
    let ranges = string_literals(s_trimmed);
    let whole = Span::new(offset, s.len());
    let spans_ok = ranges.len() == values.len();
    let words = values
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let span = match ranges.get(i) {
                Some(r) if spans_ok => Span::new(offset + r.start, offset + r.end),
                _ => whole,
            };
            Word { value, span }
        })
        .collect();
    Json::Strings(words)
}

/// Byte ranges of the string literals (quotes included) at any depth of a
/// valid JSON text.
fn string_literals(s: &str) -> Vec<Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            let end = (i + 1).min(b.len());
            out.push(start..end);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Heredocs

struct HeredocSpec {
    name: String,
    expand: bool,
    chomp: bool,
}

/// A word of BuildKit's shell lexer (`ProcessWords`, escape `\`, no
/// variable expansion): its source range, its text with quotes and escapes
/// processed, and whether quotes were used.
struct LexWord {
    range: Range<usize>,
    text: String,
    quoted: bool,
}

/// Split like BuildKit's `ProcessWords`; `None` when a quote is not closed
/// (BuildKit's lexer fails and the line then has no heredocs). With `raw`
/// (BuildKit's `RawQuotes`/`RawEscapes`), a word made only of quotes (`''`)
/// still counts as a word; without, it is dropped.
fn lex_words(s: &str, raw: bool) -> Option<Vec<LexWord>> {
    let mut words = Vec::new();
    let mut text = String::new();
    let mut start: Option<usize> = None;
    let mut quoted = false;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '\'' => {
                start.get_or_insert(i);
                quoted = true;
                loop {
                    match it.next()? {
                        (_, '\'') => break,
                        (_, ch) => text.push(ch),
                    }
                }
            }
            '"' => {
                start.get_or_insert(i);
                quoted = true;
                loop {
                    match it.next()? {
                        (_, '"') => break,
                        (_, '\\') => match it.peek() {
                            Some(&(_, n)) if matches!(n, '"' | '$' | '\\') => {
                                text.push(n);
                                it.next();
                            }
                            Some(_) => text.push('\\'),
                            None => {}
                        },
                        (_, ch) => text.push(ch),
                    }
                }
            }
            '\\' => {
                start.get_or_insert(i);
                match it.next() {
                    Some((_, n)) => text.push(n),
                    None => break,
                }
            }
            c if c.is_whitespace() => {
                if let Some(st) = start {
                    if raw || !text.is_empty() {
                        words.push(LexWord {
                            range: st..i,
                            text: std::mem::take(&mut text),
                            quoted,
                        });
                        start = None;
                        quoted = false;
                    }
                }
            }
            c => {
                start.get_or_insert(i);
                text.push(c);
            }
        }
    }
    if let Some(st) = start {
        if raw || !text.is_empty() {
            words.push(LexWord {
                range: st..s.len(),
                text,
                quoted,
            });
        }
    }
    Some(words)
}

/// BuildKit's `ParseHeredoc`: `^(\d*)<<(-?)([^<]*)$` on a raw word, whose
/// rest must lex to exactly one word (the delimiter).
fn parse_heredoc_word(word: &str) -> Option<HeredocSpec> {
    let rest = word
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let mut words = lex_words(rest, false)?;
    if words.len() != 1 {
        return None;
    }
    let w = words.pop()?;
    Some(HeredocSpec {
        name: w.text,
        expand: !w.quoted,
        chomp,
    })
}

/// The heredocs named on a logical line, with the range of each `<<` word.
fn heredocs_in_line(line: &str) -> Vec<(HeredocSpec, Range<usize>)> {
    if !line.contains("<<") {
        return Vec::new();
    }
    let Some(words) = lex_words(line, true) else {
        return Vec::new();
    };
    words
        .into_iter()
        .filter_map(|w| {
            let raw = line.get(w.range.clone())?;
            parse_heredoc_word(raw).map(|h| (h, w.range))
        })
        .collect()
}

/// Does `ONBUILD <args>` wrap a RUN/COPY/ADD in shell form (which takes
/// heredocs, BuildKit's `canContainHeredoc`)?
fn onbuild_takes_heredocs(args: &str) -> bool {
    let body = args.trim();
    let kw_end = body.find(is_token_ws).unwrap_or(body.len());
    if !HEREDOC_CAPABLE
        .iter()
        .any(|k| k.eq_ignore_ascii_case(&body[..kw_end]))
    {
        return false;
    }
    let rest =
        kw_end + (body[kw_end..].len() - body[kw_end..].trim_start_matches(is_token_ws).len());
    let (_, args_from) = extract_flags(body, rest, body.len());
    !matches!(json_strings(body[args_from..].trim()), Json::Strings(_))
}

// ---------------------------------------------------------------------------
// Argument helpers behind `Instruction::{words, key_values, copy_sources_dest}`

/// Runs of non-`[\t\v\f\r ]` characters (BuildKit's
/// `parseStringsWhitespaceDelimited`).
fn token_ranges(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if is_token_ws(c) {
            if let Some(st) = start.take() {
                out.push(st..i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

/// BuildKit's `parseWords`: words separated by unquoted whitespace; quotes
/// and escapes stay in the words (these are source ranges).
fn shell_words(s: &str, escape: char) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut it = s.char_indices();
    while let Some((i, c)) = it.next() {
        match quote {
            None => {
                if c.is_whitespace() {
                    if let Some(st) = start.take() {
                        out.push(st..i);
                    }
                    continue;
                }
                start.get_or_insert(i);
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == escape {
                    it.next(); // the escaped character belongs to the word
                }
            }
            Some(q) => {
                // The closing quote, or an escape at the very end, ends the
                // quoted part; an escape otherwise takes the next character.
                if c == q || (c == escape && q != '\'' && it.next().is_none()) {
                    quote = None;
                }
            }
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

/// ENV/LABEL legacy form `KEY value with spaces`: split at the first run of
/// `[\t\v\f\r ]`; `None` if there is no value.
fn legacy_split(s: &str) -> Option<(Range<usize>, Range<usize>)> {
    let key_end = s.find(is_token_ws)?;
    let value_start = s.len() - s[key_end..].trim_start_matches(is_token_ws).len();
    if value_start >= s.len() {
        return None;
    }
    Some((0..key_end, value_start..s.len()))
}

pub(super) fn whitespace_words(ins: &Instruction) -> Vec<Word> {
    match &ins.args {
        Args::Exec(words) => words.clone(),
        Args::Shell(t) => token_ranges(&t.value)
            .into_iter()
            .map(|r| Word {
                value: t.value[r.clone()].to_string(),
                span: t.span_of(r),
            })
            .collect(),
    }
}

pub(super) fn key_values(ins: &Instruction) -> Vec<KeyValue> {
    let Args::Shell(t) = &ins.args else {
        return Vec::new();
    };
    let word = |r: Range<usize>| Word {
        value: unquote(&t.value[r.clone()], ins.escape),
        span: t.span_of(r),
    };
    let words = shell_words(&t.value, ins.escape);
    let Some(first) = words.first() else {
        return Vec::new();
    };

    let is_arg = ins.is("ARG");
    if !is_arg && !t.value[first.clone()].contains('=') {
        // Legacy `ENV KEY value with spaces`: one pair, the value is the rest.
        return match legacy_split(&t.value) {
            Some((k, v)) => vec![KeyValue {
                key: word(k),
                value: Some(word(v)),
                span: t.span,
            }],
            None => Vec::new(),
        };
    }
    words
        .into_iter()
        .filter_map(|r| {
            let raw = &t.value[r.clone()];
            match raw.find('=') {
                Some(0) => None, // blank name: reported by the parser
                Some(eq) => Some(KeyValue {
                    key: word(r.start..r.start + eq),
                    value: Some(word(r.start + eq + 1..r.end)),
                    span: t.span_of(r),
                }),
                None if is_arg => Some(KeyValue {
                    key: word(r.clone()),
                    value: None,
                    span: t.span_of(r),
                }),
                None => None, // `ENV a=b c`: reported by the parser
            }
        })
        .collect()
}

pub(super) fn quoted_words(ins: &Instruction) -> Vec<Word> {
    match &ins.args {
        Args::Exec(words) => words.clone(),
        Args::Shell(t) => shell_words(&t.value, ins.escape)
            .into_iter()
            .map(|r| Word {
                value: unquote(&t.value[r.clone()], ins.escape),
                span: t.span_of(r),
            })
            .collect(),
    }
}
