//! The pages, as `maud` templates: every value spliced into a template is
//! escaped by the macro (text from a repository, the store or the request
//! as [`Text`], which also escapes `'`); only markup built by another
//! template or by the report's source-line and Markdown renderers goes in
//! as `PreEscaped`. No page has a script, an inline style or an event
//! attribute; the style sheet is `/static/style.css`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use maud::{html, Markup, PreEscaped, DOCTYPE};
use skillaudit_report::html::{markdown_from, Text};
use skillaudit_rules::docs;
use skillaudit_rules::registry::{self, RULES};
use skillaudit_store::{severity, AuditSummary, CorpusStats};

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

/// A stored severity's name as a heading (`Critical`); `Other` for a name
/// that is no severity.
pub(crate) fn title_case(sev: &str) -> String {
    match severity::parse(sev) {
        Some(s) => {
            let name = s.name();
            name[..1].to_ascii_uppercase() + &name[1..]
        }
        None => "Other".to_string(),
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

/// [`layout`] with extra `<head>` elements. `main` and `head` are markup
/// built by the page's own template (or, for the report page, by
/// [`crate::report`]).
pub fn layout_with(title: &str, main: &str, head: &str) -> String {
    html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n" meta charset="utf-8";
                "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                "\n" meta name="color-scheme" content="light dark";
                "\n" meta name="referrer" content="no-referrer";
                "\n" (PreEscaped(head))
                title { (Text(title)) " · skillaudit" } "\n"
                link rel="stylesheet" href="/static/style.css"; "\n"
                link rel="icon" href="/static/icon.svg" type="image/svg+xml"; "\n"
            }
            "\n"
            body {
                "\n" a class="skip" href="#main" { "Skip to content" } "\n"
                header class="site" {
                    "\n"
                    nav aria-label="Main" {
                        "\n" a class="brand" href="/" { "skillaudit" } "\n"
                        ul {
                            "\n" li { a href="/" { "Audit" } }
                            "\n" li { a href="/history" { "History" } }
                            "\n" li { a href="/corpus" { "Corpus" } }
                            "\n" li { a href="/rules" { "Rules" } } "\n"
                        }
                        "\n"
                    }
                    "\n"
                }
                "\n" main id="main" class="sa-report" { "\n" (PreEscaped(main)) } "\n"
                footer class="site" {
                    p {
                        "skillaudit " (Text(skillaudit_store::TOOL_VERSION))
                        " · security audit of the container setup of MCP servers · "
                        a href="/api/corpus" { "JSON API" }
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
    .into_string()
}

/// The home page: the form, an error when the last submission was refused,
/// and the latest audits.
pub fn home(url: &str, error: Option<&str>, recent: &[AuditSummary]) -> String {
    let m = html! {
        section class="intro" {
            "\n" h1 { "Audit an MCP server's container setup" } "\n"
            p {
                "Paste the URL of a public git repository. skillaudit clones it, reads its Dockerfiles, compose files, "
                code { "docker run" }
                " lines, MCP client configs and Kubernetes manifests, and grades how safely the server runs."
            }
            "\n"
        }
        "\n"
        @if let Some(e) = error {
            p class="error" role="alert" { (Text(e)) } "\n"
        }
        form class="submit" method="post" action="/audits" {
            "\n" label for="url" { "Repository URL" } "\n"
            div class="row" {
                "\n"
                input type="url" name="url" id="url" required placeholder="https://github.com/owner/repo"
                    autocomplete="url" spellcheck="false" value=[(!url.is_empty()).then_some(Text(url))]
                    aria-invalid=[error.is_some().then_some("true")];
                "\n" button type="submit" id="run" { "Run audit" } "\n"
            }
            "\n"
        }
        "\n"
        @if !recent.is_empty() {
            section {
                "\n" h2 { "Latest audits" } "\n"
                (audit_table(recent))
                p { a href="/history" { "All audits" } } "\n"
            }
            "\n"
        }
    };
    layout("Audit", &m.into_string())
}

/// A table of audits (history, home).
fn audit_table(audits: &[AuditSummary]) -> Markup {
    html! {
        div class="scroll" {
            "\n"
            table class="audits" {
                "\n"
                thead { tr {
                    th scope="col" { "Grade" } th scope="col" { "Repository" }
                    th scope="col" { "Score" } th scope="col" { "Findings" } th scope="col" { "When" }
                } }
                "\n"
                tbody {
                    "\n"
                    @for a in audits {
                        @let g = grade_letter(a.grade);
                        tr {
                            td { span class={ "chip sa-grade-" (g) } { (g) } }
                            td { a href={ "/audits/" (a.id) } { (Text(&a.source)) } }
                            td { (a.score) }
                            td { (a.summary.total()) }
                            td { (date(a.finished_at)) }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
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
    let m = html! {
        h1 { "Auditing " span class="source" id="job-source" { (Text(job.source)) } } "\n"
        p class="status" role="status" id="status" data-status=(Text(status)) {
            (Text(status))
            @if !detail.is_empty() { " — " (Text(detail)) }
            " · " span id="elapsed" data-seconds=(job.elapsed_secs) { (duration(job.elapsed_secs)) }
            " since it was submitted"
        }
        "\n" p { "This page reloads every second until the report is ready." } "\n"
    };
    let refresh = html! { meta http-equiv="refresh" content="1"; "\n" };
    layout_with(
        "Audit in progress",
        &m.into_string(),
        &refresh.into_string(),
    )
}

/// The form that submits `source` again (retry, re-scan).
pub fn resubmit_form(source: &str, label: &str, id: &str) -> String {
    html! {
        form class="resubmit" method="post" action="/audits" {
            input type="hidden" name="url" value=(Text(source));
            button type="submit" id=(Text(id)) { (Text(label)) }
        }
        "\n"
    }
    .into_string()
}

/// Can this source be submitted again (a URL, not a directory)?
pub fn resubmittable(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

/// A job that failed: the repository, why, after how long, and a retry.
pub fn job_failed(job: &JobView<'_>, reason: &str) -> String {
    let m = html! {
        h1 { "The audit of " span class="source" id="job-source" { (Text(job.source)) } " failed" } "\n"
        p class="error" role="alert" { (Text(reason)) } "\n"
        p class="meta" { "after " (duration(job.elapsed_secs)) } "\n"
        @if resubmittable(job.source) {
            (PreEscaped(resubmit_form(job.source, "Try again", "retry")))
        }
        p { a href="/" { "Audit another repository" } } "\n"
    };
    layout("Audit failed", &m.into_string())
}

/// A page that says something was not found (or another error).
pub fn message(title: &str, text: &str) -> String {
    let m = html! {
        h1 { (Text(title)) } "\n"
        p class="error" role="alert" { (Text(text)) } "\n"
        p { a href="/" { "Back to the start page" } } "\n"
    };
    layout(title, &m.into_string())
}

/// The history: newest first, `older` is the id to continue from.
pub fn history(audits: &[AuditSummary], older: Option<i64>) -> String {
    let m = html! {
        h1 { "Audit history" } "\n"
        @if audits.is_empty() {
            p { "No audits yet. " a href="/" { "Run one." } } "\n"
        } @else {
            (audit_table(audits))
        }
        @if let Some(id) = older {
            nav aria-label="Pages" { a rel="next" href={ "/history?before=" (id) } { "Older audits" } } "\n"
        }
    };
    layout("History", &m.into_string())
}

/// The corpus view: grades, and which misconfigurations are most common.
pub fn corpus(c: &CorpusStats) -> String {
    let total = c.repositories.max(1) as f64;
    let m = html! {
        h1 { "Corpus" } "\n"
        p id="corpus-summary" data-repositories=(c.repositories) {
            "Over the latest audit of " strong { (c.repositories) } " repositor"
            (if c.repositories == 1 { "y" } else { "ies" })
            " (" (c.files_scanned) " file" (plural(c.files_scanned)) " scanned, "
            (c.findings.total()) " finding" (plural(c.findings.total())) ")."
        }
        "\n"
        // The answer operators come for first: the five most common, in words.
        @if !c.rules.is_empty() {
            section aria-labelledby="h-top" {
                "\n" h2 id="h-top" { "Top five" } "\n"
                ol class="top-rules" {
                    "\n"
                    @for r in c.rules.iter().take(5) {
                        @let summary = registry::find(&r.rule).map_or("", |meta| meta.summary);
                        li data-rule=(Text(&r.rule)) {
                            a href={ "/rules/" (segment(&r.rule)) } { code { (Text(&r.rule)) } }
                            " (" (Text(&r.severity)) "): " (Text(summary)) " "
                            span class="share" { (format!("{:.0}", r.share * 100.0)) "% of repositories" }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
        (grades_section(c, total))
        (rules_section(c))
    };
    layout("Corpus", &m.into_string())
}

/// The corpus's grade table.
fn grades_section(c: &CorpusStats, total: f64) -> Markup {
    html! {
        section aria-labelledby="h-grades" {
            "\n" h2 id="h-grades" { "Grades" } "\n"
            div class="scroll" {
                "\n"
                table class="grades" {
                    "\n"
                    thead { tr { th scope="col" { "Grade" } th scope="col" { "Repositories" } th scope="col" { "Share" } } }
                    "\n"
                    tbody {
                        "\n"
                        @for gc in &c.grades {
                            @let g = grade_letter(gc.grade);
                            @let share = gc.repositories as f64 / total;
                            @let pct = format!("{:.0}%", share * 100.0);
                            tr data-grade=(g) {
                                th scope="row" { span class={ "chip sa-grade-" (g) } { (g) } }
                                td { (gc.repositories) }
                                td { meter min="0" max="1" value=(format!("{share:.4}")) { (pct) } " " (pct) }
                            }
                            "\n"
                        }
                    }
                    "\n"
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

/// The corpus's table of rules, most common first.
fn rules_section(c: &CorpusStats) -> Markup {
    html! {
        section aria-labelledby="h-rules" {
            "\n" h2 id="h-rules" { "Most common misconfigurations" } "\n"
            @if c.rules.is_empty() {
                p { "No findings yet." } "\n"
            } @else {
                div class="scroll" {
                    "\n"
                    table class="rules" {
                        "\n"
                        thead { tr {
                            th scope="col" { "Rule" } th scope="col" { "Severity" }
                            th scope="col" { "Repositories" } th scope="col" { "Share" } th scope="col" { "Findings" }
                        } }
                        "\n"
                        tbody {
                            "\n"
                            @for r in &c.rules {
                                @let share = if r.share.is_finite() { r.share.clamp(0.0, 1.0) } else { 0.0 };
                                @let pct = format!("{:.0}%", share * 100.0);
                                tr data-rule=(Text(&r.rule)) {
                                    th scope="row" { a href={ "/rules/" (segment(&r.rule)) } { code { (Text(&r.rule)) } } }
                                    td class={ "sev-" (segment(&r.severity)) } { (Text(&r.severity)) }
                                    td { (r.repositories) }
                                    td { meter class="warn" min="0" max="1" value=(format!("{share:.4}")) { (pct) } " " (pct) }
                                    td { (r.findings) }
                                }
                                "\n"
                            }
                        }
                        "\n"
                    }
                    "\n"
                }
                "\n"
            }
        }
        "\n"
    }
}

/// The documentation of one rule.
pub fn rule(id: &str) -> Option<String> {
    let meta = registry::find(id)?;
    let m = html! {
        article class="rule-doc sa-doc" data-rule=(Text(meta.id)) {
            "\n" (PreEscaped(markdown_from(&docs::page(meta), 1)))
        }
        "\n" p { a href="/rules" { "All rules" } } "\n"
    };
    Some(layout(&format!("Rule {}", meta.id), &m.into_string()))
}

/// A rule that does not exist, with the ids that look like it.
pub fn unknown_rule(id: &str) -> String {
    let close = registry::did_you_mean(id);
    let m = html! {
        h1 { "Unknown rule" } "\n"
        p class="error" role="alert" { "There is no rule " code { (Text(id)) } "." } "\n"
        @if !close.is_empty() {
            p {
                "Did you mean "
                @for (i, s) in close.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "/rules/" (segment(s)) } { code { (Text(s)) } }
                }
                "?"
            }
            "\n"
        }
        p { a href="/rules" { "All rules" } } "\n"
    };
    layout("Unknown rule", &m.into_string())
}

/// The catalogue.
pub fn rules_index() -> String {
    let m = html! {
        h1 { "Rules" } "\n"
        div class="scroll" {
            "\n"
            table class="rules" {
                "\n"
                thead { tr { th scope="col" { "Rule" } th scope="col" { "Severity" } th scope="col" { "Summary" } } }
                "\n"
                tbody {
                    "\n"
                    @for r in RULES {
                        @let meta = r.meta();
                        tr {
                            th scope="row" { a href={ "/rules/" (segment(meta.id)) } { code { (Text(meta.id)) } } }
                            td { (meta.severity.name()) }
                            td { (Text(meta.summary)) }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    };
    layout("Rules", &m.into_string())
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
