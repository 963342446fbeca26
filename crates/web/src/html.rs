//! The pages, rendered by hand: every value that comes from a repository,
//! the store or the request goes through [`esc`] (or [`source_line`] for
//! source text), and nothing else is spliced into markup. No page has a
//! script, an inline style or an event attribute; the style sheet is
//! `/static/style.css`.

use std::fmt::Write;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use skillaudit_report::html::{escape, markdown_from};
use skillaudit_rules::docs;
use skillaudit_rules::registry::{self, RULES};
use skillaudit_store::{AuditSummary, CorpusStats};

/// The severities, worst first, as the store spells them.
pub const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

/// Escape for HTML text and quoted attributes.
pub fn esc(s: &str) -> String {
    escape(s)
}

/// Everything but RFC 3986's unreserved characters is percent-encoded.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encode one URL path segment (then it is safe in an attribute too).
pub fn segment(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

pub(crate) fn title_case(sev: &str) -> &'static str {
    match sev {
        "critical" => "Critical",
        "high" => "High",
        "medium" => "Medium",
        "low" => "Low",
        "info" => "Info",
        _ => "Other",
    }
}

pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A grade as a class-name-safe letter (anything unexpected becomes `X`).
pub(crate) fn grade_letter(g: char) -> char {
    if skillaudit_store::GRADES.contains(&g) {
        g
    } else {
        'X'
    }
}

/// `YYYY-MM-DD HH:MM UTC` for milliseconds since the Unix epoch.
pub fn date(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// The page around `main`: landmarks, navigation, the style sheet.
pub fn layout(title: &str, main: &str) -> String {
    layout_with(title, main, "")
}

/// [`layout`] with extra `<head>` elements (already safe markup).
pub fn layout_with(title: &str, main: &str, head: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"color-scheme\" content=\"light dark\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n{head}\
<title>{title} · skillaudit</title>\n\
<link rel=\"stylesheet\" href=\"/static/style.css\">\n<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n</head>\n<body>\n\
<a class=\"skip\" href=\"#main\">Skip to content</a>\n\
<header class=\"site\">\n<nav aria-label=\"Main\">\n<a class=\"brand\" href=\"/\">skillaudit</a>\n\
<ul>\n<li><a href=\"/\">Audit</a></li>\n<li><a href=\"/history\">History</a></li>\n\
<li><a href=\"/corpus\">Corpus</a></li>\n<li><a href=\"/rules\">Rules</a></li>\n</ul>\n</nav>\n</header>\n\
<main id=\"main\" class=\"sa-report\">\n{main}</main>\n\
<footer class=\"site\"><p>skillaudit {version} · security audit of the container setup of MCP servers · \
<a href=\"/api/corpus\">JSON API</a></p></footer>\n</body>\n</html>\n",
        title = esc(title),
        version = esc(skillaudit_store::TOOL_VERSION),
    )
}

/// The home page: the form, an error when the last submission was refused,
/// and the latest audits.
pub fn home(url: &str, error: Option<&str>, recent: &[AuditSummary]) -> String {
    let mut m = String::new();
    m.push_str("<section class=\"intro\">\n<h1>Audit an MCP server's container setup</h1>\n");
    m.push_str("<p>Paste the URL of a public git repository. skillaudit clones it, reads its Dockerfiles, compose files, \
<code>docker run</code> lines, MCP client configs and Kubernetes manifests, and grades how safely the server runs.</p>\n</section>\n");
    if let Some(e) = error {
        let _ = writeln!(m, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = writeln!(
        m,
        "<form class=\"submit\" method=\"post\" action=\"/audits\">\n\
<label for=\"url\">Repository URL</label>\n\
<div class=\"row\">\n<input type=\"url\" name=\"url\" id=\"url\" required placeholder=\"https://github.com/owner/repo\" \
autocomplete=\"url\" spellcheck=\"false\"{}{}>\n\
<button type=\"submit\" id=\"run\">Run audit</button>\n</div>\n</form>",
        if url.is_empty() {
            String::new()
        } else {
            format!(" value=\"{}\"", esc(url))
        },
        if error.is_some() {
            " aria-invalid=\"true\""
        } else {
            ""
        }
    );
    if !recent.is_empty() {
        m.push_str("<section>\n<h2>Latest audits</h2>\n");
        audit_table(&mut m, recent);
        m.push_str("<p><a href=\"/history\">All audits</a></p>\n</section>\n");
    }
    layout("Audit", &m)
}

/// A table of audits (history, home).
fn audit_table(m: &mut String, audits: &[AuditSummary]) {
    m.push_str("<div class=\"scroll\">\n<table class=\"audits\">\n<thead><tr><th scope=\"col\">Grade</th><th scope=\"col\">Repository</th>\
<th scope=\"col\">Score</th><th scope=\"col\">Findings</th><th scope=\"col\">When</th></tr></thead>\n<tbody>\n");
    for a in audits {
        let g = grade_letter(a.grade);
        let _ = writeln!(
            m,
            "<tr><td><span class=\"chip sa-grade-{g}\">{g}</span></td><td><a href=\"/audits/{id}\">{src}</a></td>\
<td>{score}</td><td>{n}</td><td>{when}</td></tr>",
            id = a.id,
            src = esc(&a.source),
            score = a.score,
            n = a.summary.total(),
            when = date(a.finished_at),
        );
    }
    m.push_str("</tbody>\n</table>\n</div>\n");
}

/// What a job page shows besides its state.
pub struct JobView<'a> {
    /// The repository (its audits' source).
    pub source: &'a str,
    /// Seconds since the submission (waiting) or that the audit took (failed).
    pub elapsed_secs: u64,
}

/// `2 min 5 s`, `42 s`.
pub fn duration(secs: u64) -> String {
    if secs >= 60 {
        format!("{} min {} s", secs / 60, secs % 60)
    } else {
        format!("{secs} s")
    }
}

/// A job that is still queued or running: the repository, how long it
/// has been, and a page that reloads itself every second (a meta refresh,
/// no script).
pub fn job_waiting(job: &JobView<'_>, status: &str, detail: &str) -> String {
    let m = format!(
        "<h1>Auditing <span class=\"source\" id=\"job-source\">{src}</span></h1>\n\
<p class=\"status\" role=\"status\" id=\"status\" data-status=\"{s}\">{s}{d} · <span id=\"elapsed\" data-seconds=\"{secs}\">{el}</span> since it was submitted</p>\n\
<p>This page reloads every second until the report is ready.</p>\n",
        src = esc(job.source),
        s = esc(status),
        d = if detail.is_empty() {
            String::new()
        } else {
            format!(" — {}", esc(detail))
        },
        secs = job.elapsed_secs,
        el = duration(job.elapsed_secs),
    );
    layout_with(
        "Audit in progress",
        &m,
        "<meta http-equiv=\"refresh\" content=\"1\">\n",
    )
}

/// The form that submits `source` again (retry, re-scan).
pub fn resubmit_form(source: &str, label: &str, id: &str) -> String {
    format!(
        "<form class=\"resubmit\" method=\"post\" action=\"/audits\"><input type=\"hidden\" name=\"url\" value=\"{}\">\
<button type=\"submit\" id=\"{}\">{}</button></form>\n",
        esc(source),
        esc(id),
        esc(label)
    )
}

/// Can this source be submitted again (a URL, not a directory)?
pub fn resubmittable(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

/// A job that failed: the repository, why, after how long, and a retry.
pub fn job_failed(job: &JobView<'_>, reason: &str) -> String {
    let mut m = format!(
        "<h1>The audit of <span class=\"source\" id=\"job-source\">{}</span> failed</h1>\n\
<p class=\"error\" role=\"alert\">{}</p>\n<p class=\"meta\">after {}</p>\n",
        esc(job.source),
        esc(reason),
        duration(job.elapsed_secs)
    );
    if resubmittable(job.source) {
        m.push_str(&resubmit_form(job.source, "Try again", "retry"));
    }
    m.push_str("<p><a href=\"/\">Audit another repository</a></p>\n");
    layout("Audit failed", &m)
}

/// A page that says something was not found (or another error).
pub fn message(title: &str, text: &str) -> String {
    let m = format!(
        "<h1>{}</h1>\n<p class=\"error\" role=\"alert\">{}</p>\n<p><a href=\"/\">Back to the start page</a></p>\n",
        esc(title),
        esc(text)
    );
    layout(title, &m)
}

/// The history: newest first, `older` is the id to continue from.
pub fn history(audits: &[AuditSummary], older: Option<i64>) -> String {
    let mut m = String::from("<h1>Audit history</h1>\n");
    if audits.is_empty() {
        m.push_str("<p>No audits yet. <a href=\"/\">Run one.</a></p>\n");
    } else {
        audit_table(&mut m, audits);
    }
    if let Some(id) = older {
        let _ = writeln!(
            m,
            "<nav aria-label=\"Pages\"><a rel=\"next\" href=\"/history?before={id}\">Older audits</a></nav>"
        );
    }
    layout("History", &m)
}

/// The corpus view: grades, and which misconfigurations are most common.
pub fn corpus(c: &CorpusStats) -> String {
    let mut m = String::from("<h1>Corpus</h1>\n");
    let _ = writeln!(
        m,
        "<p id=\"corpus-summary\" data-repositories=\"{r}\">Over the latest audit of <strong>{r}</strong> repositor{y} \
({f} file{fp} scanned, {n} finding{np}).</p>",
        r = c.repositories,
        y = if c.repositories == 1 { "y" } else { "ies" },
        f = c.files_scanned,
        fp = plural(c.files_scanned),
        n = c.findings.total(),
        np = plural(c.findings.total()),
    );
    let total = c.repositories.max(1) as f64;
    // The answer operators come for first: the five most common, in words.
    if !c.rules.is_empty() {
        m.push_str("<section aria-labelledby=\"h-top\">\n<h2 id=\"h-top\">Top five</h2>\n<ol class=\"top-rules\">\n");
        for r in c.rules.iter().take(5) {
            let summary = registry::find(&r.rule).map_or("", |meta| meta.summary);
            let _ = writeln!(
                m,
                "<li data-rule=\"{id}\"><a href=\"/rules/{link}\"><code>{id}</code></a> ({sev}): {summary} \
<span class=\"share\">{pct:.0}% of repositories</span></li>",
                id = esc(&r.rule),
                link = segment(&r.rule),
                sev = esc(&r.severity),
                summary = esc(summary),
                pct = r.share * 100.0,
            );
        }
        m.push_str("</ol>\n</section>\n");
    }
    m.push_str("<section aria-labelledby=\"h-grades\">\n<h2 id=\"h-grades\">Grades</h2>\n<div class=\"scroll\">\n<table class=\"grades\">\n\
<thead><tr><th scope=\"col\">Grade</th><th scope=\"col\">Repositories</th><th scope=\"col\">Share</th></tr></thead>\n<tbody>\n");
    for gc in &c.grades {
        let g = grade_letter(gc.grade);
        let share = gc.repositories as f64 / total;
        let _ = writeln!(
            m,
            "<tr data-grade=\"{g}\"><th scope=\"row\"><span class=\"chip sa-grade-{g}\">{g}</span></th><td>{n}</td>\
<td><meter min=\"0\" max=\"1\" value=\"{share:.4}\">{pct:.0}%</meter> {pct:.0}%</td></tr>",
            n = gc.repositories,
            pct = share * 100.0,
        );
    }
    m.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    m.push_str("<section aria-labelledby=\"h-rules\">\n<h2 id=\"h-rules\">Most common misconfigurations</h2>\n");
    if c.rules.is_empty() {
        m.push_str("<p>No findings yet.</p>\n");
    } else {
        m.push_str("<div class=\"scroll\">\n<table class=\"rules\">\n<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Severity</th>\
<th scope=\"col\">Repositories</th><th scope=\"col\">Share</th><th scope=\"col\">Findings</th></tr></thead>\n<tbody>\n");
        for r in &c.rules {
            let share = if r.share.is_finite() {
                r.share.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let _ = writeln!(
                m,
                "<tr data-rule=\"{rule}\"><th scope=\"row\"><a href=\"/rules/{link}\"><code>{rule}</code></a></th>\
<td class=\"sev-{sevc}\">{sev}</td><td>{repos}</td>\
<td><meter class=\"warn\" min=\"0\" max=\"1\" value=\"{share:.4}\">{pct:.0}%</meter> {pct:.0}%</td><td>{n}</td></tr>",
                rule = esc(&r.rule),
                link = esc(&segment(&r.rule)),
                sevc = segment(&r.severity),
                sev = esc(&r.severity),
                repos = r.repositories,
                pct = share * 100.0,
                n = r.findings,
            );
        }
        m.push_str("</tbody>\n</table>\n</div>\n");
    }
    m.push_str("</section>\n");
    layout("Corpus", &m)
}

/// The documentation of one rule.
pub fn rule(id: &str) -> Option<String> {
    let meta = registry::find(id)?;
    let m = format!(
        "<article class=\"rule-doc sa-doc\" data-rule=\"{}\">\n{}</article>\n<p><a href=\"/rules\">All rules</a></p>\n",
        esc(meta.id),
        markdown_from(&docs::page(meta), 1)
    );
    Some(layout(&format!("Rule {}", meta.id), &m))
}

/// A rule that does not exist, with the ids that look like it.
pub fn unknown_rule(id: &str) -> String {
    let close: Vec<String> = registry::similar(id)
        .iter()
        .map(|s| {
            format!(
                "<a href=\"/rules/{}\"><code>{}</code></a>",
                segment(s),
                esc(s)
            )
        })
        .collect();
    let mut m = format!(
        "<h1>Unknown rule</h1>\n<p class=\"error\" role=\"alert\">There is no rule <code>{}</code>.</p>\n",
        esc(id)
    );
    if !close.is_empty() {
        let _ = writeln!(m, "<p>Did you mean {}?</p>", close.join(", "));
    }
    m.push_str("<p><a href=\"/rules\">All rules</a></p>\n");
    layout("Unknown rule", &m)
}

/// The catalogue.
pub fn rules_index() -> String {
    let mut m = String::from("<h1>Rules</h1>\n<div class=\"scroll\">\n<table class=\"rules\">\n<thead><tr><th scope=\"col\">Rule</th>\
<th scope=\"col\">Severity</th><th scope=\"col\">Summary</th></tr></thead>\n<tbody>\n");
    for r in RULES {
        let meta = r.meta();
        let _ = writeln!(
            m,
            "<tr><th scope=\"row\"><a href=\"/rules/{}\"><code>{}</code></a></th><td>{}</td><td>{}</td></tr>",
            segment(meta.id),
            esc(meta.id),
            meta.severity.name(),
            esc(meta.summary)
        );
    }
    m.push_str("</tbody>\n</table>\n</div>\n");
    layout("Rules", &m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01 00:00 UTC");
        assert_eq!(date(1_700_000_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(date(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(date(-86_400_000), "1969-12-31 00:00 UTC");
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(segment("missing-user"), "missing-user");
        assert_eq!(segment("a/b\"<c> d"), "a%2Fb%22%3Cc%3E%20d");
        assert_eq!(segment("é~%"), "%C3%A9~%25");
    }
}
