//! Inline ignore comments: `# skillaudit: ignore[rule-a, rule-b] reason`.
//!
//! A comment covers the line it is on when it ends that line, or — alone on
//! its line — the next line that is not itself a comment (in Markdown, blank
//! lines are skipped too, and a comment before a fenced code block covers
//! the whole block). A finding is on a line by its start position.
//!
//! Comments are read only in files whose text contains the marker
//! `skillaudit:`, by the syntax crate's reader of the file's format
//! ([`comments`] says which): suppression knows what a directive says and
//! what it covers, not how comments are written.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use skillaudit_model::project::SourceFile;
use skillaudit_model::{FileId, Project};
use skillaudit_rules::registry;
use skillaudit_rules::Finding;
use skillaudit_syntax::Span;

mod comments;

pub use comments::{comments, Syntax};
use comments::{line_end, markdown_comments};
pub use skillaudit_syntax::comment::Comment;

/// Every ignore comment starts with this (after the comment delimiter).
pub const MARKER: &str = "skillaudit:";

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
    pub error: Option<BodyError>,
    /// The lines (0-based) whose findings it covers.
    pub lines: Range<usize>,
}

/// The rule ids and the reason of an ignore comment.
pub type Parsed = (Vec<String>, Option<String>);

/// Why the text after the marker is not an ignore comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("expected `skillaudit: ignore[rule-id, ...]`")]
    Expected,
    #[error("the rule list has no closing `]`")]
    Unclosed,
    #[error("no rule id between `[` and `]`")]
    NoRule,
}

/// What follows the marker: rule ids and a reason, or what is wrong.
/// `None` when the comment is not an ignore comment at all.
pub fn parse_body(body: &str) -> Option<Result<Parsed, BodyError>> {
    let rest = body
        .trim_start_matches(['#', ' ', '\t'])
        .strip_prefix(MARKER)?;
    let Some(rest) = rest.trim_start().strip_prefix("ignore") else {
        return Some(Err(BodyError::Expected));
    };
    let Some(rest) = rest.trim_start().strip_prefix('[') else {
        return Some(Err(BodyError::Expected));
    };
    let Some(close) = rest.find(']') else {
        return Some(Err(BodyError::Unclosed));
    };
    let ids: Vec<String> = rest[..close]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Some(Err(BodyError::NoRule));
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
        _ => (comments(&file.path, text, syntax), Vec::new()),
    };
    let layout = Layout::new(file, &found, &blocks, syntax == Syntax::Markdown);
    found
        .iter()
        .filter_map(|c| {
            let parsed = parse_body(c.body.slice(text))?;
            Some(directive(c, parsed, layout.covered(file, c)))
        })
        .collect()
}

/// The directive of a comment whose body parsed as `parsed`, covering `lines`.
fn directive(c: &Comment, parsed: Result<Parsed, BodyError>, lines: Range<usize>) -> Directive {
    match parsed {
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
    }
}

/// Which lines of a file hold only comments, and where the reach of a
/// comment alone on its line ends.
struct Layout {
    /// Lines that hold nothing but a comment.
    comment_only: Vec<bool>,
    /// From each line: the first line at or after it that is not comment-only.
    next_plain: Vec<usize>,
    /// The same, skipping blank lines too (Markdown HTML comments).
    next_html: Vec<usize>,
    /// Markdown: the lines of each fenced block, by its fence's line.
    fences: HashMap<usize, Range<usize>>,
    line_count: usize,
}

impl Layout {
    fn new(
        file: &SourceFile,
        found: &[Comment],
        blocks: &[(Span, Range<usize>)],
        markdown: bool,
    ) -> Layout {
        let text = file.text.as_str();
        let idx = file.lines();
        let line_count = idx.line_count();
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
        let next_html = if markdown {
            next_code(true)
        } else {
            Vec::new()
        };
        let fences = blocks
            .iter()
            .map(|(fence, bytes)| {
                let first = idx.line_of(fence.start);
                (first, first..idx.line_of(bytes.end as u32) + 2)
            })
            .collect();
        Layout {
            comment_only,
            next_plain,
            next_html,
            fences,
            line_count,
        }
    }

    /// The lines a comment covers: its own line when code precedes it on
    /// that line; alone, the next line that is not a comment (in Markdown,
    /// the whole fenced block that follows).
    fn covered(&self, file: &SourceFile, c: &Comment) -> Range<usize> {
        let idx = file.lines();
        let first = idx.line_of(c.span.start);
        let last = idx.line_of(c.span.end.saturating_sub(1).max(c.span.start));
        if !(c.alone && self.comment_only[first]) {
            return last..last + 1;
        }
        let next = if c.html {
            &self.next_html
        } else {
            &self.next_plain
        };
        let target = next.get(last + 1).copied().unwrap_or(self.line_count);
        match self.fences.get(&target) {
            Some(block) => block.clone(),
            None => target..target + 1,
        }
    }
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
mod tests;
