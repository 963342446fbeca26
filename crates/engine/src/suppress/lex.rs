//! The comment lexers of inline ignores: one small pass per format (the
//! module doc of `suppress` says what each treats as a comment).

use std::ops::Range;

use skillaudit_model::Format;
use skillaudit_syntax::code::Lang;
use skillaudit_syntax::{markdown, Span};

/// How comments are written in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Shell,
    Make,
    Yaml,
    Toml,
    Json,
    Markdown,
}

impl Syntax {
    /// The comment syntax of a file written in `format` (decided once,
    /// when the file was recognised).
    pub fn of(format: Format) -> Syntax {
        match format {
            Format::Dockerfile | Format::Shell => Syntax::Shell,
            Format::Make => Syntax::Make,
            Format::Markdown => Syntax::Markdown,
            Format::Yaml => Syntax::Yaml,
            Format::Json => Syntax::Json,
            Format::Toml => Syntax::Toml,
            // Python's `#` comments and (triple-)quoted strings lex as
            // TOML's; `//` and `/* */` outside strings as JSONC's (JS
            // template literals and Go raw strings are read as code, which
            // can only make a comment inside one look like a comment).
            Format::Code(Lang::Python) => Syntax::Toml,
            Format::Code(_) => Syntax::Json,
        }
    }

    /// The comment syntax of a Markdown code block's language.
    fn of_block(lang: &str) -> Syntax {
        match lang {
            "json" | "jsonc" | "json5" => Syntax::Json,
            "yaml" | "yml" => Syntax::Yaml,
            "toml" => Syntax::Toml,
            "make" | "makefile" => Syntax::Make,
            // Prose and output: no comments inside (a README that documents
            // the ignore syntax in a `text` block is not ignoring anything).
            "text" | "txt" | "plain" | "plaintext" | "output" | "markdown" | "md" => {
                Syntax::Markdown
            }
            _ => Syntax::Shell,
        }
    }
}

/// One comment found by a lexer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From the delimiter to the comment's end (without trailing blanks).
    pub span: Span,
    /// The text inside the delimiters.
    pub body: Span,
    /// Nothing but blanks before it on its line.
    pub alone: bool,
    /// A Markdown HTML comment: blank lines after it do not end its reach.
    pub html: bool,
}

/// Every comment of a text, in order.
pub fn comments(text: &str, syntax: Syntax) -> Vec<Comment> {
    let mut out = Vec::new();
    match syntax {
        Syntax::Shell => {
            let mut sh = Shell::default();
            for (start, line) in lines(text) {
                sh.line(text, start, line, true, &mut out);
            }
        }
        Syntax::Make => make(text, &mut out),
        Syntax::Yaml => yaml(text, &mut out),
        Syntax::Toml => toml(text, &mut out),
        Syntax::Json => json(text, &mut out),
        Syntax::Markdown => return markdown_comments(text).0,
    }
    out
}

/// `(start offset, line without its line break)` of every line.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |raw| {
        let at = start;
        start += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        (at, line.strip_suffix('\r').unwrap_or(line))
    })
}

/// Is there nothing but blanks in `text[..at]` since the last line break?
fn alone_before(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    let from = before.rfind('\n').map_or(0, |i| i + 1);
    before[from..].trim().is_empty()
}

/// A comment from `start` (its delimiter, `delim` bytes long) to `end`.
fn comment(text: &str, start: usize, delim: usize, end: usize, close: usize) -> Comment {
    let trimmed = start + text[start..end].trim_end().len();
    let body_end = trimmed.saturating_sub(close).max(start + delim);
    Comment {
        span: Span::new(start, trimmed),
        body: Span::new(start + delim, body_end),
        alone: alone_before(text, start),
        html: false,
    }
}

/// End of the line containing `at` (the offset of its `\n`, or the end).
pub(super) fn line_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| at + i)
}

// --- shell --------------------------------------------------------------------

/// Shell lexer state carried from line to line: open heredocs.
#[derive(Default)]
struct Shell {
    /// The heredoc being read: its delimiter and whether tabs are stripped (`<<-`).
    heredoc: Option<(String, bool)>,
    /// Heredocs started on the current line after the first.
    queued: Vec<(String, bool)>,
}

impl Shell {
    /// Lex one line (`line` starts at `start` in `text`).
    fn line(
        &mut self,
        text: &str,
        start: usize,
        line: &str,
        heredocs: bool,
        out: &mut Vec<Comment>,
    ) {
        if let Some((delim, strip)) = &self.heredoc {
            let l = if *strip {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if l == delim {
                self.heredoc = if self.queued.is_empty() {
                    None
                } else {
                    Some(self.queued.remove(0))
                };
            }
            return;
        }
        let b = line.as_bytes();
        let (mut sq, mut dq) = (false, false);
        let mut arith = 0u32;
        let mut started: Vec<(String, bool)> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if sq {
                sq = c != b'\'';
                i += 1;
                continue;
            }
            if c == b'\\' {
                i += 2;
                continue;
            }
            if dq {
                dq = c != b'"';
                i += 1;
                continue;
            }
            match c {
                b'\'' => sq = true,
                b'"' => dq = true,
                b'#' if i == 0
                    || matches!(
                        b[i - 1],
                        b' ' | b'\t' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
                    ) =>
                {
                    out.push(comment(text, start + i, 1, start + b.len(), 0));
                    break;
                }
                b'(' if b.get(i + 1) == Some(&b'(') => {
                    arith += 1;
                    i += 2;
                    continue;
                }
                b')' if arith > 0 && b.get(i + 1) == Some(&b')') => {
                    arith -= 1;
                    i += 2;
                    continue;
                }
                // `<<<` is a here-string.
                b'<' if b.get(i + 1) == Some(&b'<') && b.get(i + 2) == Some(&b'<') => {
                    i += 3;
                    continue;
                }
                b'<' if heredocs && arith == 0 && b.get(i + 1) == Some(&b'<') => {
                    match heredoc_delimiter(line, i + 2) {
                        Some((delim, strip, next)) => {
                            started.push((delim, strip));
                            i = next;
                        }
                        None => i += 2,
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        if !started.is_empty() {
            self.heredoc = Some(started.remove(0));
            self.queued = started;
        }
    }
}

/// The delimiter of a heredoc whose `<<` ends just before `at`: the word
/// (quotes removed), whether tabs are stripped, and where lexing goes on.
fn heredoc_delimiter(line: &str, at: usize) -> Option<(String, bool, usize)> {
    let b = line.as_bytes();
    let mut i = at;
    let strip = b.get(i) == Some(&b'-');
    if strip {
        i += 1;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if b.get(i) == Some(&b'\\') {
        i += 1;
    }
    let (word, next) = match b.get(i) {
        Some(&q @ (b'\'' | b'"')) => {
            let close = line[i + 1..].find(q as char)? + i + 1;
            (&line[i + 1..close], close + 1)
        }
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
            let len = line[i..]
                .find(|ch: char| {
                    !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || ch == '.')
                })
                .unwrap_or(line.len() - i);
            (&line[i..i + len], i + len)
        }
        _ => return None,
    };
    // What follows a real delimiter: the end, a blank, or an operator.
    if word.is_empty()
        || !matches!(
            b.get(next),
            None | Some(b' ' | b'\t' | b';' | b'|' | b'&' | b'>')
        )
    {
        return None;
    }
    Some((word.to_string(), strip, next))
}

// --- Makefile -----------------------------------------------------------------

/// Recipe lines (indented) are shell; other lines are make, where `#`
/// starts a comment anywhere unless escaped.
fn make(text: &str, out: &mut Vec<Comment>) {
    let mut sh = Shell::default();
    for (start, line) in lines(text) {
        if line.starts_with([' ', '\t']) {
            sh.line(text, start, line, false, out);
            continue;
        }
        let b = line.as_bytes();
        if let Some(i) = (0..b.len()).find(|&i| b[i] == b'#' && (i == 0 || b[i - 1] != b'\\')) {
            out.push(comment(text, start + i, 1, start + b.len(), 0));
        }
    }
}

// --- YAML ---------------------------------------------------------------------

fn yaml(text: &str, out: &mut Vec<Comment>) {
    // Inside a block scalar: the indentation its content must exceed.
    let mut block: Option<usize> = None;
    let mut sh = Shell::default();
    // Inside a quoted scalar that goes on over lines.
    let mut quote: Option<u8> = None;
    let mut flow = 0usize;
    for (start, line) in lines(text) {
        let b = line.as_bytes();
        let indent = b.iter().take_while(|&&c| c == b' ').count();
        if let Some(parent) = block {
            if line.trim().is_empty() {
                continue;
            }
            if indent > parent {
                sh.line(text, start, line, true, out);
                continue;
            }
            block = None;
            sh = Shell::default();
        }
        let mut value_start = quote.is_none();
        let (mut key_col, mut dash_col, mut token_col) = (None, None, indent);
        let mut header = false;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if let Some(q) = quote {
                if q == b'"' && c == b'\\' {
                    i += 2;
                    continue;
                }
                if c == q {
                    if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                }
                i += 1;
                continue;
            }
            let prev_blank = i == 0 || matches!(b[i - 1], b' ' | b'\t');
            let next_blank = matches!(b.get(i + 1), None | Some(b' ' | b'\t'));
            match c {
                b' ' | b'\t' => {}
                b'#' if prev_blank => {
                    out.push(comment(text, start + i, 1, start + b.len(), 0));
                    break;
                }
                b'"' | b'\'' if value_start => {
                    quote = Some(c);
                    value_start = false;
                    token_col = i;
                }
                b'-' | b'?' if value_start && next_blank => {
                    if c == b'-' {
                        dash_col = Some(i);
                    }
                }
                b':' if next_blank
                    || (flow > 0 && matches!(b.get(i + 1), Some(b',' | b']' | b'}'))) =>
                {
                    value_start = true;
                    key_col = Some(token_col);
                }
                b'[' | b'{' if value_start || flow > 0 => {
                    flow += 1;
                    value_start = true;
                }
                b']' | b'}' if flow > 0 => {
                    flow -= 1;
                    value_start = false;
                }
                b',' if flow > 0 => value_start = true,
                b'|' | b'>' if value_start && flow == 0 => {
                    let mut j = i + 1;
                    while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'+' || b[j] == b'-') {
                        j += 1;
                    }
                    let rest = &line[j..];
                    let t = rest.trim_start();
                    header = t.is_empty() || (t.starts_with('#') && t.len() < rest.len());
                    value_start = false;
                    i = j;
                    continue;
                }
                // Anchors and tags come before the value they label.
                b'&' | b'!' if value_start => {
                    while i < b.len() && !matches!(b[i], b' ' | b'\t') {
                        i += 1;
                    }
                    continue;
                }
                _ => {
                    if value_start {
                        value_start = false;
                        token_col = i;
                    }
                }
            }
            i += 1;
        }
        if header && quote.is_none() {
            block = Some(key_col.or(dash_col).unwrap_or(indent));
        }
    }
}

// --- TOML ---------------------------------------------------------------------

fn toml(text: &str, out: &mut Vec<Comment>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                let end = line_end(text, i);
                out.push(comment(text, i, 1, end, 0));
                i = end;
            }
            q @ (b'"' | b'\'') => {
                let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    let c = b[i];
                    if q == b'"' && c == b'\\' && b.get(i + 1) != Some(&b'\n') {
                        i += 2;
                        continue;
                    }
                    if !triple && c == b'\n' {
                        break;
                    }
                    if c == q && (!triple || (b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q)))
                    {
                        i += if triple { 3 } else { 1 };
                        // Up to two more quotes belong to a multi-line string's content.
                        while triple && b.get(i) == Some(&q) {
                            i += 1;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
}

// --- JSON / JSONC -------------------------------------------------------------

fn json(text: &str, out: &mut Vec<Comment>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' && b.get(i + 1) != Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = line_end(text, i);
                out.push(comment(text, i, 2, end, 0));
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(text.len(), |k| i + 2 + k + 2);
                let close = if text[..end].ends_with("*/") && end >= i + 4 {
                    2
                } else {
                    0
                };
                out.push(comment(text, i, 2, end, close));
                i = end;
            }
            _ => i += 1,
        }
    }
}

// --- Markdown -----------------------------------------------------------------

/// The comments of a README (HTML comments outside code, and each code
/// block's comments in its language) and, per fenced code block, its fence
/// and the bytes from the fence to the block's last content byte.
pub(super) fn markdown_comments(text: &str) -> (Vec<Comment>, Vec<(Span, Range<usize>)>) {
    let mut out = Vec::new();
    for span in markdown::html_comments(text) {
        let (s, e) = (span.start as usize, span.end as usize);
        let close = if text[s..e].ends_with("-->") && e >= s + 7 {
            3
        } else {
            0
        };
        let mut c = comment(text, s, 4.min(e - s), e, close);
        c.html = true;
        c.span = span;
        out.push(c);
    }
    let mut blocks = Vec::new();
    for block in markdown::code_blocks(text) {
        let mut inner = Vec::new();
        match Syntax::of_block(&block.lang) {
            Syntax::Markdown => {}
            syntax => {
                let content = &block.content;
                let mapped = comments(content, syntax);
                for c in mapped {
                    inner.push(Comment {
                        span: block.map.span(c.span),
                        body: block.map.span(c.body),
                        alone: c.alone,
                        html: false,
                    });
                }
            }
        }
        out.extend(inner);
        let last = if block.content.is_empty() {
            block.fence.end as usize
        } else {
            block.map.offset(block.content.len() - 1) as usize
        };
        blocks.push((
            block.fence,
            block.fence.start as usize..last.min(text.len()),
        ));
    }
    out.sort_by_key(|c| (c.span.start, c.span.end));
    (out, blocks)
}
