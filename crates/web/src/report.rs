//! The report page of a stored audit (`/audits/{id}` and a repository's
//! permanent page): the grade, whether the audit is complete, what the
//! repository's own comments would have hidden, the findings a page at a
//! time (most severe first, [`PAGE_SIZE`] a page, so a page stays small
//! whatever the audit holds), the findings counted but not stored, what
//! changed since the previous audit of the repository, and what to share
//! (the badge as Markdown, the downloads, a re-scan).

use std::cmp::Reverse;
use std::collections::HashSet;

use maud::{html, Markup, PreEscaped};
use skillaudit_report::html::Text;
use skillaudit_store::{severity, Audit, FindingRecord, Severity, SourceLine};

use crate::html::{
    date, grade_letter, layout, plural, resubmit_form, resubmittable, segment, title_case,
};
use crate::links::{self, FORMATS};

/// Findings on one page of a report.
pub const PAGE_SIZE: usize = 100;

/// Findings listed per kind of change (new, fixed).
const CHANGES_LISTED: usize = 20;

/// What a report page shows.
pub struct ReportView<'a> {
    pub audit: &'a Audit,
    /// The audit of the same repository before this one.
    pub previous: Option<&'a Audit>,
    /// 1-based page of findings.
    pub page: usize,
    /// The absolute base of this service's URLs, for the badge snippet.
    pub base: Option<String>,
    /// Shown on a repository's page: the report is its latest audit.
    pub latest: bool,
}

/// The order of the findings: most severe first, any name that is no
/// severity last.
fn rank(sev: &str) -> Reverse<Option<Severity>> {
    Reverse(severity::parse(sev))
}

/// The report page.
pub fn page(v: &ReportView<'_>) -> String {
    let a = v.audit;
    let s = &a.summary;
    let g = grade_letter(s.grade);
    let skipped = a.notices.iter().filter(|n| n.limit).count() as u64;
    let m = html! {
        (head(v))
        @if s.incomplete {
            p class="warning incomplete" id="incomplete" role="note" {
                strong { "Incomplete audit." } " "
                (skipped) " file" (plural(skipped)) " could not be read because of a limit (listed below under Skipped files): "
                "whatever they hold is not in this grade, so it is at best C."
            }
            "\n"
        }
        @if s.repository_ignores > 0 {
            p class="note" id="repository-ignores" data-count=(s.repository_ignores) {
                "The repository's own ignore comments would have hidden "
                (s.repository_ignores) " of these finding" (plural(s.repository_ignores))
                ". A hosted audit does not apply a repository's ignore comments, " code { "skillaudit.toml" }
                " or " code { ".gitignore" } "; " code { "skillaudit scan" } " on your own checkout does."
            }
            "\n"
        }
        (counts(a))
        @if let Some(prev) = v.previous { (changes(a, prev)) }
        (findings(v))
        (omitted(a))
        (notices(a))
        (share(v))
    };
    layout(&format!("Grade {g} for {}", s.source), &m.into_string())
}

fn head(v: &ReportView<'_>) -> Markup {
    let s = &v.audit.summary;
    let g = grade_letter(s.grade);
    let inc_label = if s.incomplete { " (incomplete)" } else { "" };
    let repo_page = links::repository_page(&s.source).filter(|_| !v.latest);
    html! {
        header class="report-head" {
            "\n"
            div class={ "grade sa-grade sa-grade-" (g) } id="grade" data-grade=(g) data-incomplete=(s.incomplete)
                role="img" aria-label={ "Security grade " (g) (inc_label) } { (g) }
            "\n"
            div {
                "\n" h1 { "Audit of " span class="source" { (Text(&s.source)) } } "\n"
                p class="score" id="score" data-score=(s.score) {
                    "Security score " strong { (s.score) } "/100 · grade " (g) (inc_label)
                }
                "\n"
                p class="meta" {
                    (s.files_scanned) " file" (plural(s.files_scanned)) " scanned"
                    @if let Some(c) = &s.commit {
                        " at commit " code title=(Text(c)) { (Text(&c.chars().take(12).collect::<String>())) }
                    }
                    " · " (date(s.finished_at)) " · skillaudit " (Text(&s.tool_version))
                    @if v.latest {
                        " · the latest audit of this repository ("
                        a href={ "/audits/" (s.id) } id="permalink" { "audit " (s.id) } ")"
                    }
                    @if let Some(p) = &repo_page {
                        " · " a href=(Text(p)) id="repository-page" { "latest audit of this repository" }
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

fn counts(a: &Audit) -> Markup {
    html! {
        ul class="sa-counts counts" aria-label="Findings by severity" {
            "\n"
            @for sev in Severity::ALL.map(Severity::name) {
                @let n = a.summary.summary.get(sev);
                li class={ "sa-sev-" (sev) } {
                    @if n > 0 {
                        a href={ "#" (sev) } { span class="sa-n" { (n) } " " (sev) }
                    } @else {
                        span class="sa-n" { "0" } " " (sev)
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// New and fixed findings since `prev` (by fingerprint).
fn changes(a: &Audit, prev: &Audit) -> Markup {
    let now: HashSet<&str> = a.findings.iter().map(|f| f.fingerprint.as_str()).collect();
    let before: HashSet<&str> = prev
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let new: Vec<&FindingRecord> = a
        .findings
        .iter()
        .filter(|f| !before.contains(f.fingerprint.as_str()))
        .collect();
    let fixed: Vec<&FindingRecord> = prev
        .findings
        .iter()
        .filter(|f| !now.contains(f.fingerprint.as_str()))
        .collect();
    let p = &prev.summary;
    let lists = [
        ("New", &new, "changes-new"),
        ("Fixed", &fixed, "changes-fixed"),
    ];
    html! {
        section class="changes" id="changes" aria-labelledby="h-changes" data-new=(new.len()) data-fixed=(fixed.len()) {
            "\n" h2 id="h-changes" { "Changes since the previous audit" } "\n"
            p {
                "Since " a href={ "/audits/" (p.id) } { "the audit of " (date(p.finished_at)) }
                " (grade " (grade_letter(p.grade)) " → " (grade_letter(a.summary.grade)) "): "
                strong { (new.len()) } " new finding" (plural(new.len() as u64)) ", "
                strong { (fixed.len()) } " fixed."
            }
            "\n"
            @for (title, list, id) in lists {
                @if !list.is_empty() {
                    h3 { (title) } "\n"
                    ul id=(id) {
                        "\n"
                        @for f in list.iter().take(CHANGES_LISTED) {
                            li {
                                span class={ "sa-badge sa-sev-" (segment(&f.severity)) } { (Text(&f.severity)) } " "
                                code { (Text(&f.rule)) } " "
                                code { (Text(&f.path)) ":" (f.line) } " "
                                (Text(&f.message))
                            }
                            "\n"
                        }
                        @if list.len() > CHANGES_LISTED {
                            li { "and " (list.len() - CHANGES_LISTED) " more" } "\n"
                        }
                    }
                    "\n"
                }
            }
            @if a.summary.omitted_findings > 0 || p.omitted_findings > 0 {
                p class="meta" { "Findings counted but not listed are not compared." } "\n"
            }
        }
        "\n"
    }
}

/// This page's findings, most severe first, grouped by severity, with
/// links to the other pages.
fn findings(v: &ReportView<'_>) -> Markup {
    let a = v.audit;
    if a.findings.is_empty() {
        return html! {
            p class="none" {
                "No findings in " (a.summary.files_scanned) " file" (plural(a.summary.files_scanned)) " scanned."
            }
            "\n"
        };
    }
    let mut order: Vec<&FindingRecord> = a.findings.iter().collect();
    order.sort_by_key(|f| rank(&f.severity));
    let pages = order.len().div_ceil(PAGE_SIZE);
    let page = v.page.clamp(1, pages);
    let shown = &order[(page - 1) * PAGE_SIZE..(page * PAGE_SIZE).min(order.len())];
    let pager = (pages > 1).then(|| pager(a.summary.id.0, page, pages, order.len()));
    html! {
        @if let Some(p) = &pager { (p) }
        @for group in shown.chunk_by(|x, y| x.severity == y.severity) {
            @let sev = group[0].severity.as_str();
            @let id = if severity::parse(sev).is_some() { sev } else { "other" };
            section class="group" id=(id) aria-labelledby={ "h-" (id) } {
                "\n"
                h2 id={ "h-" (id) } {
                    (title_case(sev)) " " span class="n" { "(" (a.summary.summary.get(sev).max(group.len() as u64)) ")" }
                }
                "\n"
                @for f in group { (finding(f, a)) }
            }
            "\n"
        }
        @if let Some(p) = &pager { (p) }
    }
}

fn pager(id: i64, page: usize, pages: usize, total: usize) -> Markup {
    let first = (page - 1) * PAGE_SIZE + 1;
    let last = (page * PAGE_SIZE).min(total);
    html! {
        nav class="pager" aria-label="Pages of findings" {
            span { "Findings " (first) "–" (last) " of " (total) " (page " (page) " of " (pages) ")" }
            @if page > 1 {
                " " a rel="prev" href={ "/audits/" (id) "?page=" (page - 1) } { "Previous page" }
            }
            @if page < pages {
                " " a rel="next" href={ "/audits/" (id) "?page=" (page + 1) } { "Next page" }
            }
        }
        "\n"
    }
}

fn finding(f: &FindingRecord, a: &Audit) -> Markup {
    let at = format!("{}:{}:{}", f.path, f.line, f.column);
    let url = a
        .summary
        .commit
        .as_deref()
        .and_then(|c| links::source_line(&a.summary.source, c, &f.path, f.line));
    html! {
        article class={ "finding sa-finding sa-sev-" (segment(&f.severity)) } data-rule=(Text(&f.rule)) id={ "f-" (segment(&f.fingerprint)) } {
            "\n"
            header {
                span class="sa-badge" { (Text(&f.severity)) }
                a class="sa-rule" href={ "/rules/" (segment(&f.rule)) } { (Text(&f.rule)) }
                span class="sa-conf" { "confidence " (Text(&f.confidence)) }
            }
            "\n" p class="sa-msg message" { (Text(&f.message)) } "\n"
            p class="sa-loc" {
                @if let Some(url) = &url {
                    a class="location" href=(Text(url)) rel="nofollow noopener noreferrer" { code { (Text(&at)) } }
                } @else {
                    code class="location" { (Text(&at)) }
                }
            }
            "\n"
            @if !f.snippet.is_empty() { (snippet(f)) }
            @if !f.related.is_empty() {
                div class="sa-related" {
                    h3 { "Related" } "\n"
                    ul {
                        "\n"
                        @for r in &f.related {
                            li { code { (Text(&r.path)) ":" (r.line) ":" (r.column) } " " (Text(&r.message)) } "\n"
                        }
                    }
                }
                "\n"
            }
            @if let Some(fix) = &f.fix {
                p class="sa-fix fix" { strong { "Fix" } span class="sa-app" { (Text(&fix.applicability)) } (Text(&fix.description)) }
                "\n"
            }
        }
        "\n"
    }
}

fn snippet(f: &FindingRecord) -> Markup {
    let own = f.line..=f.end_line.max(f.line);
    html! {
        pre class="sa-snippet snippet" {
            code {
                @for l in &f.snippet {
                    span class={ "sa-line" @if own.contains(&l.line) { " sa-hit" } } {
                        span class="sa-ln" { (l.line) }
                        (PreEscaped(source_line(l)))
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}

/// One stored source line, escaped, with its highlight in `<mark>` (a
/// highlight that does not fall on character boundaries is dropped).
fn source_line(l: &SourceLine) -> String {
    let highlight = l.highlight.and_then(|(a, b)| {
        let (a, b) = (a as usize, b as usize);
        (a <= b && l.text.is_char_boundary(a) && l.text.is_char_boundary(b) && b <= l.text.len())
            .then_some((a, b))
    });
    let mut out = String::new();
    skillaudit_report::html::source_line(&mut out, &l.text, highlight);
    out
}

fn omitted(a: &Audit) -> Markup {
    let n = a.summary.omitted_findings;
    html! {
        @if !a.omitted.is_empty() {
            section class="omitted" id="omitted" aria-labelledby="h-omitted" data-count=(n) {
                "\n" h2 id="h-omitted" { "Counted, not listed" } "\n"
                p { (n) " more finding" (plural(n)) " repeat the ones above (at most 20 of one rule in one file are kept, 2,000 in all)." }
                "\n"
                ul {
                    "\n"
                    @for o in &a.omitted {
                        li data-rule=(Text(&o.rule)) {
                            (o.count) " more " a href={ "/rules/" (segment(&o.rule)) } { code { (Text(&o.rule)) } }
                            " (" (Text(&o.severity)) ") "
                            @if o.path.is_empty() { "in several files" } @else { "in " code { (Text(&o.path)) } }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
    }
}

fn notices(a: &Audit) -> Markup {
    html! {
        @if !a.notices.is_empty() {
            section class="notices" {
                "\n" h2 { "Skipped files" } "\n"
                ul class="sa-notices" {
                    "\n"
                    @for n in &a.notices {
                        li class=[n.limit.then_some("limit")] { code { (Text(&n.path)) } ": " (Text(&n.message)) }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
    }
}

/// Downloads, the badge as Markdown, a re-scan.
fn share(v: &ReportView<'_>) -> Markup {
    let s = &v.audit.summary;
    let badge = links::badge(&s.source);
    let markdown = v
        .base
        .as_deref()
        .and_then(|base| links::badge_markdown(base, &s.source));
    html! {
        section class="share" id="share" {
            "\n" h2 { "Use this report" } "\n"
            ul class="downloads" {
                "\n"
                @for (format, label) in FORMATS {
                    li { a id={ "download-" (format) } href={ "/audits/" (s.id) "/" (format) } download { "Download as " (label) } }
                    "\n"
                }
                li { a href={ "/api/audits/" (s.id) } { "This audit in the JSON API" } } "\n"
            }
            "\n"
            @if let Some(badge) = &badge {
                p { "Badge: " img src=(Text(badge)) alt={ "skillaudit grade " (grade_letter(s.grade)) } height="20"; } "\n"
                @if let Some(md) = &markdown {
                    label for="badge-markdown" { "Markdown for your README" } "\n"
                    textarea id="badge-markdown" class="snippet" readonly rows="2" spellcheck="false" { (Text(md)) } "\n"
                }
            }
            @if resubmittable(&s.source) {
                (PreEscaped(resubmit_form(&s.source, "Re-scan this repository", "rescan")))
            }
        }
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_highlights_are_dropped_not_panicked_on() {
        let m = source_line(&SourceLine {
            line: 1,
            text: "é<x>".into(),
            highlight: Some((1, 9)),
        });
        assert_eq!(m, "é&lt;x&gt;");
        let m = source_line(&SourceLine {
            line: 1,
            text: "ab<x>".into(),
            highlight: Some((2, 5)),
        });
        assert_eq!(m, "ab<mark>&lt;x&gt;</mark>");
    }
}
