//! Inline ignore comments: `# skillaudit: ignore[rule-a, rule-b] reason`.
//!
//! A comment covers the line it is on when it ends that line, or — alone on
//! its line — the next line that is not itself a comment (in Markdown, blank
//! lines are skipped too, and a comment before a fenced code block covers
//! the whole block). A finding is on a line by its start position.
//!
//! Comments are found by one small lexer pass per file, and only in files
//! whose text contains the marker `skillaudit:`. Each lexer knows what is a
//! comment in its format and what is a string:
//!
//! - shell (scripts, Dockerfiles, Makefile recipes, workflow `run:` blocks,
//!   code blocks): `#` at the start of a word, outside quotes, not in a
//!   heredoc;
//! - Makefile lines that are not recipes: `#` not escaped by `\`;
//! - YAML: `#` after a blank, outside quoted scalars; inside a block scalar
//!   (`run: |`) the content is read as shell;
//! - TOML: `#` outside (multi-line) basic and literal strings;
//! - JSON/JSONC: `//` and `/* */` outside strings;
//! - Markdown: `<!-- -->` outside code (CommonMark), and inside fenced code
//!   blocks the comments of the block's language.
//!
//! Quotes are tracked line by line in shell, so a quoted string left open
//! at the end of a line cannot hide the rest of a script.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use skillaudit_model::project::SourceFile;
use skillaudit_model::{FileId, Format, Project};
use skillaudit_rules::registry;
use skillaudit_rules::Finding;
use skillaudit_syntax::code::Lang;
use skillaudit_syntax::{markdown, Span};

/// Every ignore comment starts with this (after the comment delimiter).
pub const MARKER: &str = "skillaudit:";

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
fn line_end(text: &str, at: usize) -> usize {
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
fn markdown_comments(text: &str) -> (Vec<Comment>, Vec<(Span, Range<usize>)>) {
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

// --- directives ---------------------------------------------------------------

/// One ignore comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The whole comment.
    pub span: Span,
    /// The rule ids it names, as written, and whether each is a rule id.
    pub rules: Vec<(String, bool)>,
    pub reason: Option<String>,
    /// Why the comment could not be read, when it could not.
    pub error: Option<String>,
    /// The lines (0-based) whose findings it covers.
    pub lines: Range<usize>,
}

/// The rule ids and the reason of an ignore comment.
pub type Parsed = (Vec<String>, Option<String>);

/// What follows the marker: rule ids and a reason, or what is wrong.
/// `None` when the comment is not an ignore comment at all.
pub fn parse_body(body: &str) -> Option<Result<Parsed, String>> {
    let rest = body
        .trim_start_matches(['#', ' ', '\t'])
        .strip_prefix(MARKER)?;
    let expected = "expected `skillaudit: ignore[rule-id, ...]`";
    let Some(rest) = rest.trim_start().strip_prefix("ignore") else {
        return Some(Err(expected.into()));
    };
    let Some(rest) = rest.trim_start().strip_prefix('[') else {
        return Some(Err(expected.into()));
    };
    let Some(close) = rest.find(']') else {
        return Some(Err("the rule list has no closing `]`".into()));
    };
    let ids: Vec<String> = rest[..close]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Some(Err("no rule id between `[` and `]`".into()));
    }
    let reason = rest[close + 1..]
        .trim()
        .trim_start_matches([':', '-', '\u{2014}', '\u{2013}'])
        .trim();
    Some(Ok((ids, (!reason.is_empty()).then(|| reason.to_string()))))
}

/// The ignore comments of one file, with what each covers.
pub fn directives(file: &SourceFile) -> Vec<Directive> {
    let text = file.text.as_str();
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let syntax = Syntax::of(file.format);
    let (found, blocks) = match syntax {
        Syntax::Markdown => markdown_comments(text),
        _ => (comments(text, syntax), Vec::new()),
    };
    let idx = file.lines();
    let line_count = idx.line_count();
    // Lines that hold nothing but a comment.
    let mut comment_only = vec![false; line_count + 1];
    for c in found.iter().filter(|c| c.alone) {
        let first = idx.line_of(c.span.start);
        let last = idx.line_of(c.span.end.saturating_sub(1).max(c.span.start));
        let after_end = text
            .get(c.span.end as usize..line_end(text, c.span.end as usize))
            .unwrap_or("");
        if after_end.trim().is_empty() {
            comment_only[first..=last.min(line_count)].fill(true);
        }
    }
    // From each line: the first line at or after it that is not comment-only
    // (and, for `blank`, not blank either).
    let next_code = |blank: bool| -> Vec<usize> {
        let mut next = vec![line_count; line_count + 1];
        for l in (0..line_count).rev() {
            let skip =
                comment_only[l] || (blank && text[idx.line_range(text, l)].trim().is_empty());
            next[l] = if skip { next[l + 1] } else { l };
        }
        next
    };
    let next_plain = next_code(false);
    let next_html = if syntax == Syntax::Markdown {
        next_code(true)
    } else {
        Vec::new()
    };
    let fences: HashMap<usize, Range<usize>> = blocks
        .iter()
        .map(|(fence, bytes)| {
            let first = idx.line_of(fence.start);
            (first, first..idx.line_of(bytes.end as u32) + 2)
        })
        .collect();

    let mut out = Vec::new();
    for c in &found {
        let Some(parsed) = parse_body(c.body.slice(text)) else {
            continue;
        };
        let first = idx.line_of(c.span.start);
        let last = idx.line_of(c.span.end.saturating_sub(1).max(c.span.start));
        let lines = if c.alone && comment_only[first] {
            let next = if c.html { &next_html } else { &next_plain };
            let target = next.get(last + 1).copied().unwrap_or(line_count);
            match fences.get(&target) {
                Some(block) if syntax == Syntax::Markdown => block.clone(),
                _ => target..target + 1,
            }
        } else {
            last..last + 1
        };
        let d = match parsed {
            Ok((ids, reason)) => Directive {
                span: c.span,
                rules: ids
                    .into_iter()
                    .map(|id| {
                        let known = registry::find(&id).is_some();
                        (id, known)
                    })
                    .collect(),
                reason,
                error: None,
                lines,
            },
            Err(e) => Directive {
                span: c.span,
                rules: Vec::new(),
                reason: None,
                error: Some(e),
                lines,
            },
        };
        out.push(d);
    }
    out
}

// --- matching -----------------------------------------------------------------

/// The ignore comments of a project, and which of their rule ids matched.
#[derive(Default)]
pub struct Ignores {
    files: HashMap<FileId, FileIgnores>,
}

struct FileIgnores {
    directives: Vec<Directive>,
    /// Per directive, per rule id: did it suppress a finding?
    used: Vec<Vec<bool>>,
    /// Directives covering one line, by line.
    by_line: HashMap<usize, Vec<usize>>,
    /// Directives covering several lines (a Markdown code block), by start.
    ranges: Vec<(Range<usize>, usize)>,
}

impl FileIgnores {
    fn new(directives: Vec<Directive>) -> FileIgnores {
        let mut by_line: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut ranges = Vec::new();
        for (i, d) in directives.iter().enumerate() {
            if d.lines.len() == 1 {
                by_line.entry(d.lines.start).or_default().push(i);
            } else if !d.lines.is_empty() {
                ranges.push((d.lines.clone(), i));
            }
        }
        ranges.sort_by_key(|(r, i)| (r.start, *i));
        let used = directives
            .iter()
            .map(|d| vec![false; d.rules.len()])
            .collect();
        FileIgnores {
            directives,
            used,
            by_line,
            ranges,
        }
    }

    /// The directives covering a line.
    fn covering(&self, line: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.by_line.get(&line).cloned().unwrap_or_default();
        // Code blocks do not overlap: only those starting at the last start
        // at or before the line can contain it.
        let end = self.ranges.partition_point(|(r, _)| r.start <= line);
        if end > 0 {
            let start = self.ranges[end - 1].0.start;
            for (r, i) in self.ranges[..end]
                .iter()
                .rev()
                .take_while(|(r, _)| r.start == start)
            {
                if r.contains(&line) {
                    out.push(*i);
                }
            }
        }
        out
    }
}

impl Ignores {
    /// Read the ignore comments of every file that has the marker.
    pub fn read(project: &Project) -> Ignores {
        let files = project
            .files
            .par_iter()
            .filter(|f| f.text.contains(MARKER))
            .map(|f| (f.id, directives(f)))
            .filter(|(_, d)| !d.is_empty())
            .map(|(id, d)| (id, FileIgnores::new(d)))
            .collect();
        Ignores { files }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Does an ignore comment cover a finding of `rule` on this 0-based
    /// line? Every comment that does counts as used.
    pub fn suppresses(&mut self, file: FileId, line: usize, rule: &str) -> bool {
        let Some(f) = self.files.get_mut(&file) else {
            return false;
        };
        let mut hit = false;
        for d in f.covering(line) {
            for (k, (id, _)) in f.directives[d].rules.iter().enumerate() {
                if id == rule {
                    f.used[d][k] = true;
                    hit = true;
                }
            }
        }
        hit
    }

    /// An `unused-ignore` finding for every comment that names something
    /// other than a rule with a finding it covers, or cannot be read. A
    /// comment that names `unused-ignore` itself is never reported.
    pub fn unused(&self) -> Vec<Finding> {
        let rule = registry::unused_ignore();
        let mut out = Vec::new();
        for (&file, f) in &self.files {
            for (d, used) in f.directives.iter().zip(&f.used) {
                if d.rules.iter().any(|(id, _)| id == rule.id) {
                    continue;
                }
                let mut problems = Vec::new();
                if let Some(e) = &d.error {
                    problems.push(format!("malformed ignore comment: {e}"));
                }
                let unknown: Vec<String> = d
                    .rules
                    .iter()
                    .filter(|(_, known)| !known)
                    .map(|(id, _)| format!("`{id}`{}", crate::config::did_you_mean(id)))
                    .collect();
                if !unknown.is_empty() {
                    problems.push(format!("unknown rule id {}", unknown.join(", ")));
                }
                let unused: Vec<String> = d
                    .rules
                    .iter()
                    .zip(used)
                    .filter(|((_, known), u)| *known && !**u)
                    .map(|((id, _), _)| format!("`{id}`"))
                    .collect();
                if !unused.is_empty() {
                    let what = if d.lines.len() > 1 {
                        "in the code block it covers"
                    } else {
                        "on the line it covers"
                    };
                    problems.push(format!(
                        "unused ignore: no {} finding {what}",
                        unused.join(", ")
                    ));
                }
                if !problems.is_empty() {
                    out.push(Finding::new(rule, file, d.span, problems.join("; ")).fix(
                        "remove the comment, or correct its rule ids (`skillaudit rules` lists them)",
                        skillaudit_rules::Applicability::Manual,
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_model::FileKind;

    /// The text of every comment.
    fn found(text: &str, syntax: Syntax) -> Vec<&str> {
        comments(text, syntax)
            .iter()
            .map(|c| c.span.slice(text))
            .collect()
    }

    fn file(path: &str, kind: FileKind, text: &str) -> SourceFile {
        SourceFile::new(FileId(0), path.into(), path.into(), kind, text.into())
    }

    #[test]
    fn comments_are_read_in_the_format_the_file_was_recognised_in() {
        let text = "# skillaudit: ignore[privileged]\n[mcp_servers.x]\n";
        let as_toml = file("config", FileKind::McpConfig, text).with_format(Format::Toml);
        let as_json = file("config", FileKind::McpConfig, text).with_format(Format::Json);
        assert_eq!(directives(&as_toml).len(), 1);
        // `#` is no comment in JSON: the same text read as JSON ignores nothing.
        assert!(directives(&as_json).is_empty());
    }

    /// `(1-based first line covered, lines covered, ids)` of each directive.
    fn covered(path: &str, kind: FileKind, text: &str) -> Vec<(usize, usize, Vec<String>)> {
        directives(&file(path, kind, text))
            .into_iter()
            .map(|d| {
                (
                    d.lines.start + 1,
                    d.lines.len(),
                    d.rules.into_iter().map(|(id, _)| id).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn shell_comments_outside_quotes_and_heredocs() {
        let text = "echo \"a # b\" 'c # d' # real\nx=${#y} a#b \\# no\n# whole line\ncat <<'EOF' >f\n# in heredoc\nEOF\ncat <<-END\n\t# in heredoc too\n\tEND\necho $((1 << 2)) # after arithmetic\necho x;# after semicolon\n";
        assert_eq!(
            found(text, Syntax::Shell),
            [
                "# real",
                "# whole line",
                "# after arithmetic",
                "# after semicolon"
            ]
        );
        // An unclosed quote does not hide the next line.
        assert_eq!(found("echo \"open\n# next\n", Syntax::Shell), ["# next"]);
        // `<<<` is a here-string, not a heredoc.
        assert_eq!(found("cat <<< EOF\n# seen\n", Syntax::Shell), ["# seen"]);
    }

    #[test]
    fn makefile_recipes_are_shell() {
        let text =
            "X = a # make comment\nY = \\# not\nrun:\n\tdocker run \"x # y\" # recipe comment\n";
        assert_eq!(
            found(text, Syntax::Make),
            ["# make comment", "# recipe comment"]
        );
    }

    #[test]
    fn yaml_comments_quotes_and_block_scalars() {
        let text = r##"a: "x # y" # one
b: 'it''s # no' # two
c: it's # three
d: http://x#frag
e: [a, "b # c"] # four
f: "multi
  # not a comment
  line" # five
steps:
  - run: |
      # six (shell)
      echo "# no"
      docker run x # seven
  - name: y # eight
g: >-
  folded # nine
# ten
"##;
        assert_eq!(
            found(text, Syntax::Yaml),
            [
                "# one",
                "# two",
                "# three",
                "# four",
                "# five",
                "# six (shell)",
                "# seven",
                "# eight",
                "# nine",
                "# ten"
            ]
        );
        // `key: |` with a trailing comment is still a block header.
        assert_eq!(
            found("k: | # header\n  echo '# no'\n  # yes\n", Syntax::Yaml),
            ["# header", "# yes"]
        );
    }

    #[test]
    fn toml_and_json_strings() {
        let text = "a = \"x # y\" # one\nb = \"\"\"\n# no\n\"\"\" # two\nc = '# no' # three\nd = '''\n# no'''\n";
        assert_eq!(found(text, Syntax::Toml), ["# one", "# two", "# three"]);
        let text =
            "{\n  \"a\": \"// no\", // one\n  \"b\": \"q\\\"// no\" /* two */,\n  // three\n}\n";
        assert_eq!(
            found(text, Syntax::Json),
            ["// one", "/* two */", "// three"]
        );
    }

    #[test]
    fn markdown_text_blocks_have_no_comments() {
        let text = "```text\n# skillaudit: ignore[privileged-container]\n```\n```\n# two\n```\n";
        assert_eq!(found(text, Syntax::Markdown), ["# two"]);
    }

    #[test]
    fn markdown_comments_outside_and_inside_code() {
        let text = "<!-- one -->\n\n```sh\n# two\necho '<!-- no -->'\n```\n\n```json\n{ \"a\": 1 // three\n}\n```\n";
        assert_eq!(
            found(text, Syntax::Markdown),
            ["<!-- one -->", "# two", "// three"]
        );
    }

    #[test]
    fn bodies() {
        assert_eq!(
            parse_body(" skillaudit: ignore[a, b] because"),
            Some(Ok((vec!["a".into(), "b".into()], Some("because".into()))))
        );
        assert_eq!(
            parse_body("# skillaudit:ignore [a]: -- why "),
            Some(Ok((vec!["a".into()], Some("-- why".into()))))
        );
        assert_eq!(
            parse_body(" skillaudit: ignore[a] \u{2014} why"),
            Some(Ok((vec!["a".into()], Some("why".into()))))
        );
        assert_eq!(
            parse_body(" skillaudit: ignore[a,]"),
            Some(Ok((vec!["a".into()], None)))
        );
        assert_eq!(parse_body(" plain comment"), None);
        assert_eq!(parse_body(" see skillaudit: docs"), None);
        assert!(matches!(parse_body(" skillaudit: ignore a"), Some(Err(_))));
        assert!(matches!(parse_body(" skillaudit: ignore[a"), Some(Err(_))));
        assert!(matches!(parse_body(" skillaudit: ignore[ ]"), Some(Err(_))));
        assert!(matches!(
            parse_body(" skillaudit: disable[a]"),
            Some(Err(_))
        ));
    }

    #[test]
    fn what_a_directive_covers() {
        // Trailing: its own line. Alone: the next line that is not a comment.
        let text = "FROM a # skillaudit: ignore[missing-user]\n# skillaudit: ignore[root-user] reason\n# another comment\nUSER root\n\n# skillaudit: ignore[x]\n\nRUN y\n";
        assert_eq!(
            covered("Dockerfile", FileKind::Dockerfile, text),
            [
                (1, 1, vec!["missing-user".to_string()]),
                (4, 1, vec!["root-user".to_string()]),
                (7, 1, vec!["x".to_string()])
            ]
        );
        // Markdown: before a fence, the whole block (blank lines in between are fine).
        let text = "# Run\n\n<!-- skillaudit: ignore[privileged-container] demo only -->\n\n```sh\ndocker run \\\n  --privileged x\n```\n<!-- skillaudit: ignore[a] -->\ntext\n";
        assert_eq!(
            covered("README.md", FileKind::Readme, text),
            [
                (5, 4, vec!["privileged-container".to_string()]),
                (10, 1, vec!["a".to_string()])
            ]
        );
        // A workflow run block: a shell comment alone covers the next script line.
        let text = "jobs:\n  a:\n    steps:\n      - run: |\n          # skillaudit: ignore[privileged-container]\n          docker run --privileged x\n";
        assert_eq!(
            covered(".github/workflows/ci.yml", FileKind::Workflow, text),
            [(6, 1, vec!["privileged-container".to_string()])]
        );
        // Not a comment: inside a quoted YAML value.
        assert!(covered(
            "compose.yaml",
            FileKind::Compose,
            "x: \"# skillaudit: ignore[a]\"\n"
        )
        .is_empty());
        // No marker, no work.
        assert!(covered("compose.yaml", FileKind::Compose, "# ignore[a]\n").is_empty());
    }

    #[test]
    fn matching_marks_use_and_reports_the_rest() {
        let project = Project {
            files: vec![file(
                "Dockerfile",
                FileKind::Dockerfile,
                "# skillaudit: ignore[missing-user, nope, root-user]\nFROM a\n# skillaudit: ignre[x]\n",
            )],
            ..Project::default()
        };
        let mut ig = Ignores::read(&project);
        assert!(ig.suppresses(FileId(0), 1, "missing-user"));
        assert!(!ig.suppresses(FileId(0), 1, "full-os-base-image"));
        assert!(!ig.suppresses(FileId(0), 0, "missing-user"));
        let mut messages: Vec<String> = ig.unused().into_iter().map(|f| f.message).collect();
        messages.sort();
        assert_eq!(
            messages,
            [
                "malformed ignore comment: expected `skillaudit: ignore[rule-id, ...]`",
                "unknown rule id `nope`; unused ignore: no `root-user` finding on the line it covers"
            ]
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        // Fragments that stress every lexer, combined pseudo-randomly.
        let parts = [
            "# skillaudit: ignore[a]",
            "<!-- skillaudit: ignore[b] -->",
            "// skillaudit: ignore[c]",
            "/* skillaudit:",
            "*/",
            "\"",
            "'",
            "\\",
            "\n",
            "\r\n",
            "```",
            "~~~",
            "é€",
            "<<EOF",
            "EOF",
            "|",
            ">-",
            "- ",
            ": ",
            "[",
            "{",
            "\"\"\"",
            "'''",
            "\t",
            " ",
            "$((",
            "))",
            "-->",
        ];
        let kinds = [
            ("Dockerfile", FileKind::Dockerfile, Format::Dockerfile),
            ("Makefile", FileKind::Makefile, Format::Make),
            ("compose.yaml", FileKind::Compose, Format::Yaml),
            ("c.toml", FileKind::McpConfig, Format::Toml),
            ("mcp.json", FileKind::McpConfig, Format::Json),
            ("README.md", FileKind::Readme, Format::Markdown),
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..24 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(parts[(seed % parts.len() as u64) as usize]);
            }
            for (path, kind, format) in kinds {
                let f = file(path, kind, &text).with_format(format);
                for d in directives(&f) {
                    assert!(d.span.end as usize <= text.len() && d.lines.start <= d.lines.end);
                }
            }
        }
    }
}
