//! `--format html`: one self-contained page — inline CSS, no script, no
//! external resource — with what the hosted report shows: grade, score,
//! counts, the findings grouped by severity with their source lines (the
//! span highlighted), related locations and fix, skipped files, and the
//! documentation of every rule that fired (rule ids link to it).
//!
//! The page is [`page`] around [`fragment`]; a web service embeds the
//! fragment in its own page with [`STYLE`] (every class is `sa-` prefixed).
//! The markup is `maud` templates, so every value spliced into the page is
//! escaped unless marked otherwise; values from the scanned repository or
//! the rules (paths, messages, ids) go in as [`Text`] (maud's escaping plus
//! `'`), and only the source-line and Markdown renderers below, which
//! escape every piece of text they write, produce markup themselves; control
//! and bidirectional-override characters in source lines are shown as
//! visible `\u{…}` marks, and credentials in source lines are starred out
//! (the page may be published).

use std::collections::BTreeSet;
use std::fmt::Write;
use std::ops::RangeInclusive;

use maud::{html, Markup, PreEscaped, Render, DOCTYPE};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use skillaudit_engine::{ScanResult, Shown, ShownRelated};
use skillaudit_rules::registry;
use skillaudit_rules::Severity;
use skillaudit_syntax::Span;

use crate::common::{
    applicability, control_repr, escape_with, is_bad_control, is_invisible, plural, snippet_lines,
    title, Redactor, SnippetLine,
};
use crate::{TOOL_NAME, TOOL_VERSION};

/// Lines of context shown around a finding's own lines.
const CONTEXT: u32 = 1;
/// Longest snippet, in lines; longer spans show their first lines.
const MAX_SNIPPET_LINES: u32 = 12;
/// Longest source line shown whole, in characters; longer ones are clipped
/// around the highlighted part.
const MAX_LINE_CHARS: usize = 240;

/// Escape text for HTML content and double- or single-quoted attributes.
pub fn escape(s: &str) -> String {
    escape_with(s, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&#39;"),
        _ => None,
    })
}

/// Escape a source line, making invisible trouble visible.
fn escape_source(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_bad_control(c) || is_invisible(c) {
            let _ = write!(out, "<span class=\"sa-ctrl\">{}</span>", control_repr(c));
        } else {
            out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    out
}

/// The inline style sheet of the page (and of a page embedding the fragment).
pub const STYLE: &str = r#"
.sa-report{--bg:#fff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--line:#d1d9e0;--mark:#fff3b0;--crit:#b3001b;--high:#d1242f;--med:#bf8700;--low:#0969da;--info:#59636e;
 color:var(--fg);background:var(--bg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;max-width:64rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}
@media (prefers-color-scheme:dark){.sa-report{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#151b23;--line:#3d444d;--mark:#5a4a00;--crit:#ff6b81;--high:#ff7b72;--med:#d29922;--low:#58a6ff;--info:#9198a1}}
.sa-report code,.sa-report pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.875em}
.sa-report a{color:var(--low)}
.sa-head{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.sa-head h1{margin:0;font-size:1.5rem}
.sa-head p{margin:.25rem 0;color:var(--muted)}
.sa-grade{width:4.5rem;height:4.5rem;border-radius:.75rem;display:flex;align-items:center;justify-content:center;font-size:2.75rem;font-weight:700;color:#fff;flex:none}
.sa-grade-A{background:#1a7f37}.sa-grade-B{background:#4c9a2a}.sa-grade-C{background:#9a6700}.sa-grade-D{background:#bc4c00}.sa-grade-F{background:#b3001b}
.sa-score strong{font-size:1.25rem;color:var(--fg)}
.sa-counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:1rem 0}
.sa-counts li{border:1px solid var(--line);border-left-width:.35rem;border-radius:.4rem;padding:.25rem .75rem;background:var(--card)}
.sa-counts .sa-n{font-weight:700;margin-right:.25rem}
.sa-sev-critical{border-left-color:var(--crit)!important}.sa-sev-high{border-left-color:var(--high)!important}.sa-sev-medium{border-left-color:var(--med)!important}.sa-sev-low{border-left-color:var(--low)!important}.sa-sev-info{border-left-color:var(--info)!important}
.sa-group>details>summary{cursor:pointer;list-style-position:outside;margin:1.25rem 0 .5rem}
.sa-group h2{display:inline;font-size:1.25rem}
.sa-finding{border:1px solid var(--line);border-left:.35rem solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0;background:var(--bg)}
.sa-finding>header{display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.sa-badge{font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em;padding:.05rem .45rem;border-radius:1rem;color:#fff;background:var(--info)}
.sa-sev-critical .sa-badge{background:var(--crit)}.sa-sev-high .sa-badge{background:var(--high)}.sa-sev-medium .sa-badge{background:var(--med)}.sa-sev-low .sa-badge{background:var(--low)}
.sa-rule{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600}
.sa-conf,.sa-loc{color:var(--muted);font-size:.875rem}
.sa-ctx{font-size:.75rem;padding:0 .4rem;border:1px solid var(--line);border-radius:1rem;color:var(--muted)}
.sa-msg{margin:.4rem 0;font-weight:500}
.sa-loc{margin:.25rem 0}
.sa-snippet{background:var(--card);border:1px solid var(--line);border-radius:.4rem;padding:.5rem 0;overflow-x:auto;margin:.5rem 0;line-height:1.45}
.sa-snippet code{display:block;min-width:max-content}
.sa-line{display:block;padding-right:.75rem;white-space:pre}
.sa-ln{display:inline-block;min-width:3.5ch;padding:0 .75rem 0 .5rem;margin-right:.5rem;text-align:right;color:var(--muted);border-right:1px solid var(--line);user-select:none}
.sa-hit{background:color-mix(in srgb,var(--mark) 45%,transparent)}
.sa-report mark{background:var(--mark);color:inherit;border-radius:.15rem;box-shadow:0 1px 0 var(--high)}
.sa-ctrl{color:var(--high);font-weight:700}
.sa-clip{color:var(--muted)}
.sa-related{margin:.5rem 0}
.sa-related h3{font-size:.875rem;margin:.5rem 0 .25rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.sa-related ul{margin:0;padding-left:1.25rem}
.sa-fix{margin:.5rem 0 0;padding:.5rem .75rem;border-radius:.4rem;background:var(--card)}
.sa-app{font-size:.75rem;border:1px solid var(--line);border-radius:1rem;padding:0 .4rem;margin:0 .25rem;color:var(--muted)}
.sa-none{font-size:1.125rem}
.sa-notices li,.sa-meta{color:var(--muted)}
.sa-rules section{border-top:1px solid var(--line);padding-top:.5rem;margin-top:1rem}
.sa-rules h3{font-size:1.1rem;margin:.25rem 0}
.sa-doc h4{font-size:1rem;margin:1rem 0 .25rem}
.sa-doc pre{background:var(--card);border:1px solid var(--line);border-radius:.4rem;padding:.5rem .75rem;overflow-x:auto}
.sa-foot{margin-top:2rem;color:var(--muted);font-size:.875rem}
@media (max-width:40rem){.sa-report{padding:.5rem;font-size:15px}.sa-finding{padding:.5rem .6rem}.sa-grade{width:3.5rem;height:3.5rem;font-size:2rem}}
"#;

/// Text in a template, escaped as [`escape`] does: maud's escaping plus
/// `'`, so the page stays byte for byte what it was. Any other value spliced
/// into a template (`(value)`) is escaped by maud itself; only
/// [`PreEscaped`] (the source-line and Markdown renderers, which escape
/// every piece of text they write) goes in as markup.
pub struct Text<'a>(pub &'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&escape(self.0));
    }
}

/// A whole page around [`fragment`].
pub fn page(result: &ScanResult) -> String {
    html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n" meta charset="utf-8";
                "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                "\n" meta name="color-scheme" content="light dark";
                // No request may leave the page, whatever a value manages to smuggle in.
                "\n" meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                "\n" meta name="referrer" content="no-referrer";
                "\n" title { (TOOL_NAME) " report: grade " (result.grade) ", score " (result.score) "/100" }
                "\n" style { (PreEscaped(STYLE)) }
                "\n"
            }
            "\n"
            body style="margin:0" { "\n" (PreEscaped(fragment(result))) }
            "\n"
        }
        "\n"
    }
    .into_string()
}

/// The report itself, a `<div class="sa-report">`, for any page to embed.
pub fn fragment(result: &ScanResult) -> String {
    let redactor = Redactor::new(result);
    let files = result.files_scanned();
    let groups = Severity::ALL.into_iter().filter_map(|sev| {
        let group: Vec<&Shown> = result
            .findings
            .iter()
            .filter(|s| s.finding.severity == sev)
            .collect();
        (!group.is_empty()).then_some((sev, group))
    });
    html! {
        div class="sa-report" {
            "\n"
            (header(result))
            @if result.findings.is_empty() {
                p class="sa-none" { "✅ No findings in " (files) " file" (plural(files)) " scanned." } "\n"
            }
            @for (sev, group) in groups {
                section class="sa-group" id={ "sa-" (sev.name()) } {
                    "\n"
                    details open[sev >= Severity::Medium] {
                        summary { h2 { (title(sev)) " " span class="sa-conf" { "(" (group.len()) ")" } } } "\n"
                        @for s in group { (finding(result, &redactor, s)) }
                    }
                    "\n"
                }
                "\n"
            }
            @if !result.notices.is_empty() {
                section class="sa-notices" {
                    "\n" h2 { "Skipped files" } "\n"
                    ul {
                        "\n"
                        @for n in &result.notices {
                            li { code { (Text(&n.path)) } ": " (Text(&n.message)) } "\n"
                        }
                    }
                    "\n"
                }
                "\n"
            }
            (rules(result))
            p class="sa-foot" { "Generated by " (TOOL_NAME) " " (TOOL_VERSION) "." } "\n"
        }
        "\n"
    }
    .into_string()
}

fn header(result: &ScanResult) -> Markup {
    let files = result.files_scanned();
    let grade = result.grade.to_string();
    html! {
        header class="sa-head" {
            "\n"
            div class={ "sa-grade sa-grade-" (Text(&grade)) } role="img" aria-label={ "grade " (Text(&grade)) } { (Text(&grade)) } "\n"
            div {
                "\n" h1 { (TOOL_NAME) " report" } "\n"
                p class="sa-score" { "Security score " strong { (result.score) } "/100 · grade " (Text(&grade)) } "\n"
                p class="sa-meta" {
                    (files) " file" (plural(files)) " scanned in "
                    @for (i, t) in result.targets.iter().enumerate() {
                        @if i > 0 { ", " }
                        code { (Text(t)) }
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
        @if result.incomplete() {
            p class="sa-incomplete" { strong { "Incomplete:" } " a file was skipped because of a limit (see Skipped files), so the grade is at best C." } "\n"
        }
        ul class="sa-counts" {
            "\n"
            @for sev in Severity::ALL {
                @let n = result.summary.get(sev);
                @let name = sev.name();
                li class={ "sa-sev-" (name) } {
                    @if n > 0 {
                        a href={ "#sa-" (name) } { span class="sa-n" { (n) } (name) }
                    } @else {
                        span class="sa-n" { "0" } (name)
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

fn finding(result: &ScanResult, redactor: &Redactor, s: &Shown) -> Markup {
    let f = &s.finding;
    let sev = f.severity.name();
    let ctx = f.context.name();
    html! {
        article class={ "sa-finding sa-sev-" (sev) } id={ "sa-f-" (Text(&s.fingerprint)) } {
            "\n"
            header {
                span class="sa-badge" { (sev) }
                a class="sa-rule" href={ "#sa-rule-" (Text(f.rule.id)) } { (Text(f.rule.id)) }
                span class={ "sa-ctx sa-ctx-" (ctx) } { (ctx) }
                span class="sa-conf" { "confidence " (f.confidence.name()) }
            }
            "\n"
            p class="sa-msg" { (Text(&skillaudit_engine::group::headline(f))) } "\n"
            p class="sa-loc" { code { (Text(&s.path)) ":" (s.start.line) ":" (s.start.column) } } "\n"
            @if let Some(file) = result.project.files.get(f.file.0 as usize) {
                (snippet(file, redactor, f.span, finding_window(s), s.start.line..=s.end.line.max(s.start.line)))
            }
            @if !s.related.is_empty() {
                div class="sa-related" {
                    h3 { "Related" } "\n"
                    ul { "\n" @for r in &s.related { (related(result, redactor, r)) } }
                }
                "\n"
            }
            @if let Some(fix) = &f.fix {
                p class="sa-fix" { strong { "Fix" } span class="sa-app" { (applicability(fix.applicability)) } (Text(&fix.description)) } "\n"
            }
        }
        "\n"
    }
}

/// The lines a finding's snippet shows: its own lines with one of context
/// either side, at most [`MAX_SNIPPET_LINES`].
fn finding_window(s: &Shown) -> RangeInclusive<u32> {
    let first = s.start.line.saturating_sub(CONTEXT).max(1);
    let last = s
        .end
        .line
        .max(s.start.line)
        .saturating_add(CONTEXT)
        .min(s.start.line.saturating_add(MAX_SNIPPET_LINES - 1));
    first..=last
}

/// The source lines this report shows for a finding (credentials masked by
/// `redactor`), for a renderer that keeps them apart from the scan (the web
/// service's store). Empty when the finding is not in a file that was read.
pub fn finding_lines(result: &ScanResult, redactor: &Redactor, s: &Shown) -> Vec<SnippetLine> {
    match result.project.files.get(s.finding.file.0 as usize) {
        Some(file) => {
            let w = finding_window(s);
            snippet_lines(file, redactor, s.finding.span, *w.start(), *w.end())
        }
        None => Vec::new(),
    }
}

fn related(result: &ScanResult, redactor: &Redactor, r: &ShownRelated) -> Markup {
    let shown = r.span.and_then(|(id, span)| {
        let file = result.project.files.get(id.0 as usize)?;
        let last = r
            .end
            .line
            .max(r.start.line)
            .min(r.start.line.saturating_add(MAX_SNIPPET_LINES - 1));
        Some(snippet(
            file,
            redactor,
            span,
            r.start.line..=last,
            r.start.line..=r.end.line.max(r.start.line),
        ))
    });
    html! {
        li {
            code { (Text(&r.path)) ":" (r.start.line) ":" (r.start.column) } " " (Text(&r.message))
            @if let Some(snippet) = shown { (snippet) }
        }
        "\n"
    }
}

/// The lines `shown` with `span` marked; the lines `hits` (the finding's
/// own) are tinted.
fn snippet(
    file: &skillaudit_model::project::SourceFile,
    redactor: &Redactor,
    span: Span,
    shown: RangeInclusive<u32>,
    hits: RangeInclusive<u32>,
) -> Markup {
    let lines = snippet_lines(file, redactor, span, *shown.start(), *shown.end());
    html! {
        pre class="sa-snippet" {
            code {
                @for line in lines {
                    span class={ "sa-line" @if hits.contains(&line.number) { " sa-hit" } } {
                        span class="sa-ln" { (line.number) }
                        (PreEscaped(source_line_html(&line.text, line.highlight)))
                        // The line break inside the block keeps copied text on its lines.
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}

/// [`source_line`] into a string of its own.
fn source_line_html(text: &str, highlight: Option<(usize, usize)>) -> String {
    let mut out = String::new();
    source_line(&mut out, text, highlight);
    out
}

/// One source line, escaped (control and bidirectional characters shown as
/// visible marks), clipped around the highlight when very long, the
/// highlight (a byte range on character boundaries) in `<mark>`. The web
/// report renders stored lines with it.
pub fn source_line(out: &mut String, text: &str, highlight: Option<(usize, usize)>) {
    let (mut from, mut to) = (0, text.len());
    if text.chars().count() > MAX_LINE_CHARS {
        let anchor = highlight.map(|h| h.0).unwrap_or(0);
        // Up to a quarter of the window before the highlight, the rest after.
        from = text[..anchor]
            .char_indices()
            .rev()
            .nth(MAX_LINE_CHARS / 4 - 1)
            .map(|(i, _)| i)
            .unwrap_or(0);
        to = text[from..]
            .char_indices()
            .nth(MAX_LINE_CHARS)
            .map(|(i, _)| from + i)
            .unwrap_or(text.len());
    }
    if from > 0 {
        out.push_str("<span class=\"sa-clip\">…</span>");
    }
    match highlight {
        Some((a, b)) if b >= a => {
            let (a, b) = (a.clamp(from, to), b.clamp(from, to));
            out.push_str(&escape_source(&text[from..a]));
            let _ = write!(out, "<mark>{}</mark>", escape_source(&text[a..b]));
            out.push_str(&escape_source(&text[b..to]));
        }
        _ => out.push_str(&escape_source(&text[from..to])),
    }
    if to < text.len() {
        out.push_str("<span class=\"sa-clip\">…</span>");
    }
}

/// The documentation of every rule that fired, each the target of its rule
/// id's links.
fn rules(result: &ScanResult) -> Markup {
    let ids: BTreeSet<&str> = result.findings.iter().map(|s| s.finding.rule.id).collect();
    let metas: Vec<_> = ids.into_iter().filter_map(registry::find).collect();
    html! {
        @if !result.findings.is_empty() {
            section class="sa-rules" {
                "\n" h2 { "Rules" } "\n"
                @for meta in metas {
                    section id={ "sa-rule-" (Text(meta.id)) } {
                        "\n" h3 { code { (Text(meta.id)) } " · " (Text(meta.summary)) } "\n"
                        p class="sa-conf" { (meta.severity.name()) " by default · " (meta.target.name()) } "\n"
                        div class="sa-doc" { "\n" (PreEscaped(markdown(&meta.documentation()))) }
                        "\n"
                    }
                    "\n"
                }
            }
            "\n"
        }
    }
}

/// Markdown to HTML for the rule documentation, with every piece of text
/// escaped: raw HTML in the Markdown is shown as text, links are their text
/// followed by their target as text, images only their description — the
/// page never links or loads anything outside itself.
pub fn markdown(md: &str) -> String {
    markdown_from(md, 4)
}

/// [`markdown`] with `#` rendered as `<h{top}>` and each deeper level one
/// below it (at most `<h6>`): 1 for a page of its own, 4 inside a report.
pub fn markdown_from(md: &str, top: u8) -> String {
    let mut out = String::new();
    let mut links: Vec<String> = Vec::new();
    for event in Parser::new(md) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => out.push_str("<p>"),
                Tag::Heading { level, .. } => {
                    let _ = write!(out, "<h{}>", heading(level, top));
                }
                Tag::BlockQuote(_) => out.push_str("<blockquote>"),
                Tag::CodeBlock(kind) => match kind {
                    CodeBlockKind::Fenced(lang) if !lang.is_empty() => {
                        let lang = lang.split_whitespace().next().unwrap_or("");
                        let _ = write!(out, "<pre><code class=\"language-{}\">", escape(lang));
                    }
                    _ => out.push_str("<pre><code>"),
                },
                Tag::List(Some(n)) => {
                    let _ = write!(out, "<ol start=\"{n}\">");
                }
                Tag::List(None) => out.push_str("<ul>"),
                Tag::Item => out.push_str("<li>"),
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                Tag::Link { dest_url, .. } => links.push(dest_url.to_string()),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => out.push_str("</p>\n"),
                TagEnd::Heading(level) => {
                    let _ = writeln!(out, "</h{}>", heading(level, top));
                }
                TagEnd::BlockQuote(_) => out.push_str("</blockquote>\n"),
                TagEnd::CodeBlock => out.push_str("</code></pre>\n"),
                TagEnd::List(true) => out.push_str("</ol>\n"),
                TagEnd::List(false) => out.push_str("</ul>\n"),
                TagEnd::Item => out.push_str("</li>\n"),
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                TagEnd::Link => {
                    if let Some(url) = links.pop() {
                        let _ = write!(out, " (<code>{}</code>)", escape(&url));
                    }
                }
                _ => {}
            },
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&escape(&t)),
            Event::Code(t) => {
                let _ = write!(out, "<code>{}</code>", escape(&t));
            }
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => out.push_str("<hr>\n"),
            _ => {}
        }
    }
    out
}

/// Rule documentation starts at `##`; keep its headings below the page's `h3`.
/// Inside a report (`top` 4) `#` and `##` are both `<h4>`; on a page of its
/// own (`top` 1) the outline is kept.
fn heading(level: HeadingLevel, top: u8) -> u8 {
    let depth = match level {
        HeadingLevel::H1 => 0,
        HeadingLevel::H2 => u8::from(top == 1),
        HeadingLevel::H3 => 1 + u8::from(top == 1),
        HeadingLevel::H4 => 2 + u8::from(top == 1),
        _ => 5,
    };
    (top + depth).min(6)
}

pub fn render(result: &ScanResult) -> String {
    page(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(escape("<script>\"'&"), "&lt;script&gt;&quot;&#39;&amp;");
        assert_eq!(
            escape_source("a\u{202e}b"),
            "a<span class=\"sa-ctrl\">\\u{202e}</span>b"
        );
    }

    #[test]
    fn markdown_never_passes_html_or_links_through() {
        let html = markdown("## Title\nText <script>x</script> [l](https://evil.example) ![i](https://evil.example/i.png)\n\n```yaml\na: <b>\n```\n");
        assert!(html.contains("<h4>Title</h4>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("href="));
        assert!(!html.contains("src="));
        assert!(html.contains("<pre><code class=\"language-yaml\">a: &lt;b&gt;"));
    }

    #[test]
    fn long_lines_are_clipped_around_the_highlight() {
        let text = format!("{}NEEDLE{}", "a".repeat(1000), "b".repeat(1000));
        let mut out = String::new();
        source_line(&mut out, &text, Some((1000, 1006)));
        assert!(out.contains("<mark>NEEDLE</mark>"));
        assert!(out.len() < 400, "{}", out.len());
        assert!(out.starts_with("<span class=\"sa-clip\">…</span>"));
        assert!(out.ends_with("<span class=\"sa-clip\">…</span>"));
    }
}
