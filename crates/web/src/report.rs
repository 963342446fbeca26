//! The report page of a stored audit (`/audits/{id}` and a repository's
//! permanent page): the grade, whether the audit is complete, what the
//! repository's own comments would have hidden, the findings a page at a
//! time (most severe first, [`PAGE_SIZE`] a page, so a page stays small
//! whatever the audit holds), the findings counted but not stored, what
//! changed since the previous audit of the repository, and what to share
//! (the badge as Markdown, the downloads, a re-scan).

use std::collections::HashSet;
use std::fmt::Write;

use skillaudit_store::{Audit, FindingRecord, SourceLine};

use crate::download::FORMATS;
use crate::html::{
    date, esc, grade_letter, layout, plural, resubmit_form, resubmittable, segment, title_case,
    SEVERITIES,
};
use crate::links;

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

fn rank(sev: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|s| *s == sev)
        .unwrap_or(SEVERITIES.len())
}

/// The report page.
pub fn page(v: &ReportView<'_>) -> String {
    let a = v.audit;
    let s = &a.summary;
    let g = grade_letter(s.grade);
    let mut m = String::new();
    head(&mut m, v);
    if s.incomplete {
        let skipped = a.notices.iter().filter(|n| n.limit).count();
        let _ = writeln!(
            m,
            "<p class=\"warning incomplete\" id=\"incomplete\" role=\"note\"><strong>Incomplete audit.</strong> \
{skipped} file{} could not be read because of a limit (listed below under Skipped files): \
whatever they hold is not in this grade, so it is at best C.</p>",
            plural(skipped as u64)
        );
    }
    if s.repository_ignores > 0 {
        let _ = writeln!(
            m,
            "<p class=\"note\" id=\"repository-ignores\" data-count=\"{n}\">The repository's own ignore comments would have hidden \
{n} of these finding{}. A hosted audit does not apply a repository's ignore comments, <code>skillaudit.toml</code> \
or <code>.gitignore</code>; <code>skillaudit scan</code> on your own checkout does.</p>",
            plural(s.repository_ignores),
            n = s.repository_ignores,
        );
    }
    counts(&mut m, a);
    if let Some(prev) = v.previous {
        changes(&mut m, a, prev);
    }
    findings(&mut m, v);
    omitted(&mut m, a);
    notices(&mut m, a);
    share(&mut m, v);
    layout(&format!("Grade {g} for {}", s.source), &m)
}

fn head(m: &mut String, v: &ReportView<'_>) {
    let s = &v.audit.summary;
    let g = grade_letter(s.grade);
    let repo_link = match links::repository_page(&s.source) {
        Some(p) if !v.latest => format!(
            " · <a href=\"{}\" id=\"repository-page\">latest audit of this repository</a>",
            esc(&p)
        ),
        _ => String::new(),
    };
    let _ = writeln!(
        m,
        "<header class=\"report-head\">\n\
<div class=\"grade sa-grade sa-grade-{g}\" id=\"grade\" data-grade=\"{g}\" data-incomplete=\"{inc}\" role=\"img\" aria-label=\"Security grade {g}{inc_label}\">{g}</div>\n\
<div>\n<h1>Audit of <span class=\"source\">{src}</span></h1>\n\
<p class=\"score\" id=\"score\" data-score=\"{score}\">Security score <strong>{score}</strong>/100 · grade {g}{inc_label}</p>\n\
<p class=\"meta\">{files} file{fp} scanned{commit} · {when} · skillaudit {ver}{latest}{repo_link}</p>\n</div>\n</header>",
        inc = s.incomplete,
        inc_label = if s.incomplete { " (incomplete)" } else { "" },
        src = esc(&s.source),
        score = s.score,
        files = s.files_scanned,
        fp = plural(s.files_scanned),
        commit = match &s.commit {
            Some(c) => format!(
                " at commit <code title=\"{}\">{}</code>",
                esc(c),
                esc(&c.chars().take(12).collect::<String>())
            ),
            None => String::new(),
        },
        when = date(s.finished_at),
        ver = esc(&s.tool_version),
        latest = if v.latest {
            format!(
                " · the latest audit of this repository (<a href=\"/audits/{}\" id=\"permalink\">audit {}</a>)",
                s.id, s.id
            )
        } else {
            String::new()
        },
    );
}

fn counts(m: &mut String, a: &Audit) {
    m.push_str("<ul class=\"sa-counts counts\" aria-label=\"Findings by severity\">\n");
    for sev in SEVERITIES {
        let n = a.summary.summary.get(sev);
        if n > 0 {
            let _ = writeln!(m, "<li class=\"sa-sev-{sev}\"><a href=\"#{sev}\"><span class=\"sa-n\">{n}</span> {sev}</a></li>");
        } else {
            let _ = writeln!(
                m,
                "<li class=\"sa-sev-{sev}\"><span class=\"sa-n\">0</span> {sev}</li>"
            );
        }
    }
    m.push_str("</ul>\n");
}

/// New and fixed findings since `prev` (by fingerprint).
fn changes(m: &mut String, a: &Audit, prev: &Audit) {
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
    let _ = writeln!(
        m,
        "<section class=\"changes\" id=\"changes\" aria-labelledby=\"h-changes\" data-new=\"{}\" data-fixed=\"{}\">\n\
<h2 id=\"h-changes\">Changes since the previous audit</h2>\n\
<p>Since <a href=\"/audits/{}\">the audit of {}</a> (grade {} → {}): <strong>{}</strong> new finding{}, <strong>{}</strong> fixed.</p>",
        new.len(),
        fixed.len(),
        p.id,
        date(p.finished_at),
        grade_letter(p.grade),
        grade_letter(a.summary.grade),
        new.len(),
        plural(new.len() as u64),
        fixed.len(),
    );
    for (title, list, id) in [
        ("New", &new, "changes-new"),
        ("Fixed", &fixed, "changes-fixed"),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(m, "<h3>{title}</h3>\n<ul id=\"{id}\">");
        for f in list.iter().take(CHANGES_LISTED) {
            let _ = writeln!(
                m,
                "<li><span class=\"sa-badge sa-sev-{}\">{}</span> <code>{}</code> <code>{}:{}</code> {}</li>",
                segment(&f.severity),
                esc(&f.severity),
                esc(&f.rule),
                esc(&f.path),
                f.line,
                esc(&f.message)
            );
        }
        if list.len() > CHANGES_LISTED {
            let _ = writeln!(m, "<li>and {} more</li>", list.len() - CHANGES_LISTED);
        }
        m.push_str("</ul>\n");
    }
    if a.summary.omitted_findings > 0 || p.omitted_findings > 0 {
        m.push_str("<p class=\"meta\">Findings counted but not listed are not compared.</p>\n");
    }
    m.push_str("</section>\n");
}

/// This page's findings, most severe first, grouped by severity, with
/// links to the other pages.
fn findings(m: &mut String, v: &ReportView<'_>) {
    let a = v.audit;
    if a.findings.is_empty() {
        let _ = writeln!(
            m,
            "<p class=\"none\">No findings in {} file{} scanned.</p>",
            a.summary.files_scanned,
            plural(a.summary.files_scanned)
        );
        return;
    }
    let mut order: Vec<&FindingRecord> = a.findings.iter().collect();
    order.sort_by_key(|f| rank(&f.severity));
    let pages = order.len().div_ceil(PAGE_SIZE);
    let page = v.page.clamp(1, pages);
    let shown = &order[(page - 1) * PAGE_SIZE..(page * PAGE_SIZE).min(order.len())];
    if pages > 1 {
        pager(m, a.summary.id.0, page, pages, order.len());
    }
    let mut i = 0;
    while i < shown.len() {
        let sev = shown[i].severity.as_str();
        let group: Vec<&FindingRecord> = shown[i..]
            .iter()
            .take_while(|f| f.severity == sev)
            .copied()
            .collect();
        i += group.len();
        let known = SEVERITIES.contains(&sev);
        let id = if known { sev } else { "other" };
        let _ = writeln!(
            m,
            "<section class=\"group\" id=\"{id}\" aria-labelledby=\"h-{id}\">\n<h2 id=\"h-{id}\">{} <span class=\"n\">({})</span></h2>",
            title_case(sev),
            a.summary.summary.get(sev).max(group.len() as u64)
        );
        for f in group {
            finding(m, f, a);
        }
        m.push_str("</section>\n");
    }
    if pages > 1 {
        pager(m, a.summary.id.0, page, pages, order.len());
    }
}

fn pager(m: &mut String, id: i64, page: usize, pages: usize, total: usize) {
    let first = (page - 1) * PAGE_SIZE + 1;
    let last = (page * PAGE_SIZE).min(total);
    let _ = write!(
        m,
        "<nav class=\"pager\" aria-label=\"Pages of findings\"><span>Findings {first}–{last} of {total} (page {page} of {pages})</span>"
    );
    if page > 1 {
        let _ = write!(
            m,
            " <a rel=\"prev\" href=\"/audits/{id}?page={}\">Previous page</a>",
            page - 1
        );
    }
    if page < pages {
        let _ = write!(
            m,
            " <a rel=\"next\" href=\"/audits/{id}?page={}\">Next page</a>",
            page + 1
        );
    }
    m.push_str("</nav>\n");
}

fn finding(m: &mut String, f: &FindingRecord, a: &Audit) {
    let sev = segment(&f.severity);
    let rule = esc(&f.rule);
    let at = format!("{}:{}:{}", f.path, f.line, f.column);
    let location = match a
        .summary
        .commit
        .as_deref()
        .and_then(|c| links::source_line(&a.summary.source, c, &f.path, f.line))
    {
        Some(url) => format!(
            "<a class=\"location\" href=\"{}\" rel=\"nofollow noopener noreferrer\"><code>{}</code></a>",
            esc(&url),
            esc(&at)
        ),
        None => format!("<code class=\"location\">{}</code>", esc(&at)),
    };
    let _ = writeln!(
        m,
        "<article class=\"finding sa-finding sa-sev-{sev}\" data-rule=\"{rule}\" id=\"f-{fp}\">\n\
<header><span class=\"sa-badge\">{sevtext}</span><a class=\"sa-rule\" href=\"/rules/{link}\">{rule}</a>\
<span class=\"sa-conf\">confidence {conf}</span></header>\n\
<p class=\"sa-msg message\">{msg}</p>\n\
<p class=\"sa-loc\">{location}</p>",
        fp = segment(&f.fingerprint),
        sevtext = esc(&f.severity),
        link = esc(&segment(&f.rule)),
        conf = esc(&f.confidence),
        msg = esc(&f.message),
    );
    if !f.snippet.is_empty() {
        snippet(m, f);
    }
    if !f.related.is_empty() {
        m.push_str("<div class=\"sa-related\"><h3>Related</h3>\n<ul>\n");
        for r in &f.related {
            let _ = writeln!(
                m,
                "<li><code>{}:{}:{}</code> {}</li>",
                esc(&r.path),
                r.line,
                r.column,
                esc(&r.message)
            );
        }
        m.push_str("</ul></div>\n");
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(
            m,
            "<p class=\"sa-fix fix\"><strong>Fix</strong><span class=\"sa-app\">{}</span>{}</p>",
            esc(&fix.applicability),
            esc(&fix.description)
        );
    }
    m.push_str("</article>\n");
}

fn snippet(m: &mut String, f: &FindingRecord) {
    let own = f.line..=f.end_line.max(f.line);
    m.push_str("<pre class=\"sa-snippet snippet\"><code>");
    for l in &f.snippet {
        let _ = write!(
            m,
            "<span class=\"sa-line{}\"><span class=\"sa-ln\">{}</span>",
            if own.contains(&l.line) { " sa-hit" } else { "" },
            l.line
        );
        source_line(m, l);
        m.push_str("\n</span>");
    }
    m.push_str("</code></pre>\n");
}

/// One stored source line, escaped, with its highlight in `<mark>` (a
/// highlight that does not fall on character boundaries is dropped).
fn source_line(m: &mut String, l: &SourceLine) {
    let highlight = l.highlight.and_then(|(a, b)| {
        let (a, b) = (a as usize, b as usize);
        (a <= b && l.text.is_char_boundary(a) && l.text.is_char_boundary(b) && b <= l.text.len())
            .then_some((a, b))
    });
    skillaudit_report::html::source_line(m, &l.text, highlight);
}

fn omitted(m: &mut String, a: &Audit) {
    if a.omitted.is_empty() {
        return;
    }
    let _ = writeln!(
        m,
        "<section class=\"omitted\" id=\"omitted\" aria-labelledby=\"h-omitted\" data-count=\"{}\">\n\
<h2 id=\"h-omitted\">Counted, not listed</h2>\n\
<p>{} more finding{} repeat the ones above (at most 20 of one rule in one file are kept, 2,000 in all).</p>\n<ul>",
        a.summary.omitted_findings,
        a.summary.omitted_findings,
        plural(a.summary.omitted_findings)
    );
    for o in &a.omitted {
        let place = if o.path.is_empty() {
            "in several files".to_string()
        } else {
            format!("in <code>{}</code>", esc(&o.path))
        };
        let _ = writeln!(
            m,
            "<li data-rule=\"{r}\">{n} more <a href=\"/rules/{link}\"><code>{r}</code></a> ({sev}) {place}</li>",
            n = o.count,
            r = esc(&o.rule),
            link = esc(&segment(&o.rule)),
            sev = esc(&o.severity),
        );
    }
    m.push_str("</ul>\n</section>\n");
}

fn notices(m: &mut String, a: &Audit) {
    if a.notices.is_empty() {
        return;
    }
    m.push_str("<section class=\"notices\">\n<h2>Skipped files</h2>\n<ul class=\"sa-notices\">\n");
    for n in &a.notices {
        let _ = writeln!(
            m,
            "<li{}><code>{}</code>: {}</li>",
            if n.limit { " class=\"limit\"" } else { "" },
            esc(&n.path),
            esc(&n.message)
        );
    }
    m.push_str("</ul>\n</section>\n");
}

/// Downloads, the badge as Markdown, a re-scan.
fn share(m: &mut String, v: &ReportView<'_>) {
    let s = &v.audit.summary;
    m.push_str("<section class=\"share\" id=\"share\">\n<h2>Use this report</h2>\n<ul class=\"downloads\">\n");
    for (format, label) in FORMATS {
        let _ = writeln!(
            m,
            "<li><a id=\"download-{format}\" href=\"/audits/{}/{format}\" download>Download as {label}</a></li>",
            s.id
        );
    }
    let _ = writeln!(
        m,
        "<li><a href=\"/api/audits/{}\">This audit in the JSON API</a></li>",
        s.id
    );
    m.push_str("</ul>\n");
    if let Some(badge) = links::badge(&s.source) {
        let g = grade_letter(s.grade);
        let _ = writeln!(
            m,
            "<p>Badge: <img src=\"{b}\" alt=\"skillaudit grade {g}\" height=\"20\"></p>",
            b = esc(&badge)
        );
        if let Some(md) = v
            .base
            .as_deref()
            .and_then(|base| links::badge_markdown(base, &s.source))
        {
            let _ = writeln!(
                m,
                "<label for=\"badge-markdown\">Markdown for your README</label>\n\
<textarea id=\"badge-markdown\" class=\"snippet\" readonly rows=\"2\" spellcheck=\"false\">{}</textarea>",
                esc(&md)
            );
        }
    }
    if resubmittable(&s.source) {
        m.push_str(&resubmit_form(
            &s.source,
            "Re-scan this repository",
            "rescan",
        ));
    }
    m.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_highlights_are_dropped_not_panicked_on() {
        let mut m = String::new();
        source_line(
            &mut m,
            &SourceLine {
                line: 1,
                text: "é<x>".into(),
                highlight: Some((1, 9)),
            },
        );
        assert_eq!(m, "é&lt;x&gt;");
        let mut m = String::new();
        source_line(
            &mut m,
            &SourceLine {
                line: 1,
                text: "ab<x>".into(),
                highlight: Some((2, 5)),
            },
        );
        assert_eq!(m, "ab<mark>&lt;x&gt;</mark>");
    }
}
