//! `--format text`: each finding with its source lines underlined, as
//! rustc, ruff and zizmor show them; colour only when asked (on a terminal).
//! Credentials in the quoted lines are starred out ([`Redactor`]).

use std::borrow::Cow;
use std::fmt::Write;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use skillaudit_engine::group::headline;
use skillaudit_engine::{Purpose, ScanResult, Shown, ShownRelated};
use skillaudit_model::project::SourceFile;
use skillaudit_rules::Severity;
use skillaudit_syntax::Span;

use crate::common::{reveal, Redactor, Revealed};

/// Lines of context: snippets show the lines of the span only; related
/// spans in the same file within this many lines share the snippet.
const NEAR: u32 = 6;

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Critical => Level::ERROR.with_name(Some("critical")),
        Severity::High => Level::ERROR.with_name(Some("high")),
        Severity::Medium => Level::WARNING.with_name(Some("medium")),
        Severity::Low => Level::NOTE.with_name(Some("low")),
        Severity::Info => Level::INFO.with_name(Some("info")),
    }
}

/// A byte range of a file: `(start, end)`.
type Window = (usize, usize);

/// The byte range of whole lines `first..=last` (1-based) of a file.
fn line_window(file: &SourceFile, first: u32, last: u32) -> (usize, usize) {
    let idx = file.lines();
    let start = idx.line_range(&file.text, first as usize - 1).start;
    let end = idx.line_range(&file.text, last as usize - 1).end;
    (start, end.max(start))
}

/// Clamp a span into a window and make it relative to it.
/// Clamp a span into a window and make it relative to it, in the window's
/// revealed text (invisible characters written as code points).
fn relative(span: Span, window: (usize, usize), shown: &Revealed<'_>) -> std::ops::Range<usize> {
    let s = (span.start as usize).clamp(window.0, window.1) - window.0;
    let e = (span.end as usize).clamp(window.0, window.1) - window.0;
    shown.map(s)..shown.map(e.max(s))
}

/// "the same problem at README.md:12, 18" — per file, in order, when the
/// repeats of a documentation finding span several files
/// ("… at README.md:12; docs/run.md:4, 9"). Repeats come in report order,
/// so one file's lines are consecutive.
fn repeats_note(path: &str, repeats: &[ShownRelated]) -> String {
    let mut parts: Vec<(&str, Vec<String>)> = Vec::new();
    for r in repeats {
        let line = r.start.line.to_string();
        match parts.last_mut() {
            Some((p, lines)) if *p == r.path => lines.push(line),
            _ => parts.push((&r.path, vec![line])),
        }
    }
    if let [(p, lines)] = parts.as_slice() {
        if *p == path {
            return format!("the same problem at {path}:{}", lines.join(", "));
        }
    }
    let places: Vec<String> = parts
        .iter()
        .map(|(p, lines)| format!("{p}:{}", lines.join(", ")))
        .collect();
    format!("the same problem at {}", places.join("; "))
}

fn render_one(
    result: &ScanResult,
    redactor: &Redactor,
    shown: &Shown,
    renderer: &Renderer,
) -> String {
    let f = &shown.finding;
    let file = result.project.file(f.file);
    let mut first = shown.start.line;
    let mut last = shown.end.line.max(first);
    // The repeats of a grouped finding are listed in one note, not quoted.
    let (own, repeats) = shown
        .related
        .split_at(shown.related.len().saturating_sub(f.repeats.len()));
    // Related spans in the same file and nearby join the main snippet.
    let near: Vec<_> = own
        .iter()
        .filter(|r| {
            matches!(r.span, Some((id, _)) if id == f.file)
                && r.start.line + NEAR >= first
                && r.start.line <= last + NEAR
        })
        .collect();
    for r in &near {
        first = first.min(r.start.line);
        last = last.max(r.end.line);
    }
    let window = line_window(file, first, last);
    let source = reveal(redactor.window(file, window.0..window.1));
    // Related locations elsewhere get their own snippets; their (redacted)
    // source must outlive the groups that borrow it.
    let far: Vec<&ShownRelated> = own
        .iter()
        .filter(|r| !near.iter().any(|n| std::ptr::eq(*n, *r)))
        .collect();
    let far_sources: Vec<Option<(Revealed<'_>, Window)>> = far
        .iter()
        .map(|r| far_source(result, redactor, r))
        .collect();
    let mut snippet = Snippet::source(source.text.as_ref())
        .line_start(first as usize)
        .path(shown.path.as_str())
        .fold(true)
        .annotation(AnnotationKind::Primary.span(relative(f.span, window, &source)));
    for r in &near {
        if let Some((_, span)) = r.span {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(relative(span, window, &source))
                    .label(r.message.as_str()),
            );
        }
    }
    let title = match f.context {
        Purpose::Runtime => headline(f),
        other => Cow::Owned(format!("{} [{}]", headline(f), other.name())),
    };
    let mut groups: Vec<Group<'_>> = vec![level(f.severity)
        .primary_title(title)
        .id(f.rule.id)
        .element(snippet)];
    for (r, src) in far.iter().zip(&far_sources) {
        groups.push(far_group(r, src));
    }
    if !repeats.is_empty() {
        groups.push(Group::with_title(
            Level::NOTE.secondary_title(repeats_note(&shown.path, repeats)),
        ));
    }
    if let Some(fix) = &f.fix {
        groups.push(Group::with_title(
            Level::HELP.secondary_title(fix.description.as_str()),
        ));
    }
    renderer.render(&groups)
}

/// The source of a related location that gets its own snippet: its lines,
/// redacted and revealed, with their window; `None` without a span.
fn far_source<'a>(
    result: &'a ScanResult,
    redactor: &Redactor,
    r: &ShownRelated,
) -> Option<(Revealed<'a>, Window)> {
    r.span.map(|(id, _)| {
        let rf = result.project.file(id);
        let w = line_window(rf, r.start.line, r.end.line.max(r.start.line));
        (reveal(redactor.window(rf, w.0..w.1)), w)
    })
}

/// The note of a related location elsewhere: its own snippet, or its path
/// and message when it has no source.
fn far_group<'a>(r: &'a ShownRelated, src: &'a Option<(Revealed<'_>, Window)>) -> Group<'a> {
    match (r.span, src) {
        (Some((_, span)), Some((text, w))) => {
            Group::with_title(Level::NOTE.secondary_title(r.message.as_str())).element(
                Snippet::source(text.text.as_ref())
                    .line_start(r.start.line as usize)
                    .path(r.path.as_str())
                    .fold(true)
                    .annotation(AnnotationKind::Context.span(relative(span, *w, text))),
            )
        }
        _ => Group::with_title(Level::NOTE.secondary_title(format!("{}: {}", r.path, r.message))),
    }
}

pub fn render(result: &ScanResult, color: bool) -> String {
    let mut out = render_findings(result, color);
    for n in &result.notices {
        let _ = writeln!(out, "skipped: {}: {}", n.path, n.message);
    }
    if !result.notices.is_empty() {
        out.push('\n');
    }
    let s = result.summary;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter(|sev| s.get(**sev) > 0)
        .map(|sev| format!("{} {}", s.get(*sev), sev.name()))
        .collect();
    let total = result.findings.len();
    let _ = writeln!(
        out,
        "{} finding{}{} in {} file{} scanned. Security score {}/100, grade {}.",
        total,
        if total == 1 { "" } else { "s" },
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        },
        result.files_scanned(),
        if result.files_scanned() == 1 { "" } else { "s" },
        result.score,
        result.grade
    );
    if result.baselined > 0 {
        let n = result.baselined;
        let _ = writeln!(
            out,
            "{n} finding{} in the baseline not shown.",
            if n == 1 { "" } else { "s" }
        );
    }
    if result.ignored > 0 {
        let n = result.ignored;
        let _ = writeln!(
            out,
            "{n} finding{} ignored by comments or configuration (--no-ignores shows them).",
            if n == 1 { "" } else { "s" }
        );
    }
    if result.repository_ignores > 0 {
        let n = result.repository_ignores;
        let _ = writeln!(
            out,
            "{n} of these finding{} would be hidden by the repository's ignore comments.",
            if n == 1 { "" } else { "s" }
        );
    }
    if result.incomplete() {
        let _ = writeln!(
            out,
            "Incomplete: a file was skipped because of a limit (see above), so the grade is at best C (--max-file-size reads larger files)."
        );
    }
    out
}

/// The findings alone, without skipped-file notices or the summary line
/// (`--quiet`); empty when nothing is shown.
pub fn render_findings(result: &ScanResult, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii);
    let redactor = Redactor::new(result);
    let mut out = String::new();
    for shown in reading_order(result) {
        out.push_str(&render_one(result, &redactor, shown, &renderer));
        out.push_str("\n\n");
    }
    out
}

/// Compound findings first (they say how the others combine), then the
/// rest in the report's one order (path, line, column, rule).
fn reading_order(result: &ScanResult) -> impl Iterator<Item = &Shown> {
    let compound = |s: &&Shown| s.finding.rule.target == skillaudit_rules::Target::Compound;
    result
        .findings
        .iter()
        .filter(compound)
        .chain(result.findings.iter().filter(move |s| !compound(s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::source::LineCol;

    fn at(path: &str, line: u32) -> ShownRelated {
        let pos = LineCol { line, column: 1 };
        ShownRelated {
            path: path.into(),
            start: pos,
            end: pos,
            span: None,
            message: String::new(),
        }
    }

    #[test]
    fn repeats_are_listed_by_file() {
        let same = [at("README.md", 12), at("README.md", 18)];
        assert_eq!(
            repeats_note("README.md", &same),
            "the same problem at README.md:12, 18"
        );
        let across = [
            at("README.md", 12),
            at("docs/run.md", 4),
            at("docs/run.md", 9),
        ];
        assert_eq!(
            repeats_note("README.md", &across),
            "the same problem at README.md:12; docs/run.md:4, 9"
        );
        // The repeats all in another file than the finding: the path is named.
        let other = [at("b/README.md", 3)];
        assert_eq!(
            repeats_note("a/README.md", &other),
            "the same problem at b/README.md:3"
        );
    }
}
