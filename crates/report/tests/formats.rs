//! Every output format on a small but rich scan (all five severities,
//! related locations, fixes, a skipped file, a Unicode path and message,
//! a source line holding `<script>`), plus targeted tests of escaping and of
//! what each consumer requires.
//!
//! Scans run with the crate directory as working directory (cargo's rule
//! for integration tests), so targets and paths in the reports are relative.

use std::collections::HashSet;

use quick_xml::events::Event;
use serde_json::Value;
use skillaudit_engine::{scan, ScanOptions, ScanResult};
use skillaudit_report::{github, gitlab, html, junit, markdown, render, Format};
use skillaudit_rules::Severity;

fn scan_fixture(name: &str) -> ScanResult {
    let options = ScanOptions {
        targets: vec![format!("tests/fixtures/{name}")],
        min_severity: Severity::Info,
        ..ScanOptions::default()
    };
    scan(&options).expect("fixture scans")
}

/// The rich scan with hostile values put where a repository could put them:
/// a message, a path, a fix and a related location's message.
fn hostile() -> ScanResult {
    let mut r = scan_fixture("rich");
    let f = &mut r.findings[0];
    f.finding.message = "<script>alert('x')</script> & \"q\" | *b* `c` [l](javascript:x) @team %0A\r\n::error::injected\u{1b}[31m\u{0}".into();
    f.path = "dir,with:odd <chars> & \"quotes\"/Dockerfile".into();
    if let Some(fix) = &mut f.finding.fix {
        fix.description = "use <b>this</b> & 'that'".into();
    }
    r
}

#[test]
fn the_rich_fixture_is_rich() {
    let r = scan_fixture("rich");
    for sev in Severity::ALL {
        assert!(r.summary.get(sev) > 0, "no {sev} finding in the fixture");
    }
    assert!(r.findings.iter().any(|s| !s.related.is_empty()));
    assert!(
        r.findings
            .iter()
            .any(|s| s.related.iter().any(|x| x.path != s.path)),
        "a related location in another file"
    );
    assert!(r.findings.iter().any(|s| s.finding.fix.is_some()));
    assert!(
        r.findings.iter().any(|s| s.path.contains('启')),
        "a Unicode path"
    );
    assert!(
        r.findings.iter().any(|s| s.finding.message.contains('é')),
        "a Unicode message"
    );
    assert_eq!(r.notices.len(), 1, "the dangling compose.override.yaml");
}

// ---------------------------------------------------------------- snapshots

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(render(&scan_fixture("rich"), Format::Github, false));
}

#[test]
fn gitlab_snapshot() {
    insta::assert_snapshot!(render(&scan_fixture("rich"), Format::Gitlab, false));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(render(&scan_fixture("rich"), Format::Junit, false));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(render(&scan_fixture("rich"), Format::Markdown, false));
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!(render(&scan_fixture("rich"), Format::Html, false));
}

#[test]
fn clean_snapshots() {
    let r = scan_fixture("clean");
    assert!(r.findings.is_empty());
    insta::assert_snapshot!("clean_github", render(&r, Format::Github, false));
    insta::assert_snapshot!("clean_gitlab", render(&r, Format::Gitlab, false));
    insta::assert_snapshot!("clean_junit", render(&r, Format::Junit, false));
    insta::assert_snapshot!("clean_markdown", render(&r, Format::Markdown, false));
}

// ------------------------------------------------------------------- github

#[test]
fn github_one_command_per_line_and_nothing_injected() {
    let r = hostile();
    let out = github::render(&r);
    let lines: Vec<&str> = out.lines().collect();
    // One annotation per finding and notice, plus the summary.
    assert_eq!(lines.len(), r.findings.len() + r.notices.len() + 1);
    for l in &lines {
        assert!(
            l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice "),
            "{l}"
        );
        // Exactly one `::` ends the properties: none inside them.
        let props = &l[2..l[2..].find("::").expect("data separator") + 2];
        assert!(!props.contains('\r') && !props.contains('\n'));
    }
    let first = lines
        .iter()
        .find(|l| l.contains("injected"))
        .expect("the hostile finding");
    assert!(
        first.starts_with("::notice file=dir%2Cwith%3Aodd <chars> & \"quotes\"/Dockerfile,line="),
        "{first}"
    );
    assert!(
        first.contains("%250A%0D%0A::error::injected\\u{1b}[31m\\u{0}%0AFix"),
        "{first}"
    );
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{0}'),
        "no raw control characters in the log"
    );
    assert!(
        first.contains("%0AFix (manual): use <b>this</b> & 'that'"),
        "{first}"
    );
}

#[test]
fn github_levels_follow_severity() {
    let r = scan_fixture("rich");
    let out = github::render(&r);
    for (s, line) in r.findings.iter().zip(out.lines()) {
        let want = match s.finding.severity {
            Severity::Critical | Severity::High => "::error ",
            Severity::Medium => "::warning ",
            Severity::Low | Severity::Info => "::notice ",
        };
        assert!(line.starts_with(want), "{line}");
        assert!(line.contains(&format!(
            ",line={},col={},endLine={},endColumn={},",
            s.start.line, s.start.column, s.end.line, s.end.column
        )));
        assert!(line.contains(&format!("title={} (", s.finding.rule.id)));
    }
    assert!(out.lines().any(
        |l| l.starts_with("::warning file=compose.override.yaml,title=skillaudit%3A skipped::")
    ));
    assert!(out
        .ends_with("::notice title=skillaudit::grade F, security score 0/100: 22 findings (2 critical, 4 high, 9 medium, 6 low, 1 info) in 4 files scanned\n"));
}

// ------------------------------------------------------------------- gitlab

fn validator(schema: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(schema).expect("schema is JSON");
    jsonschema::draft7::new(&schema).expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn gitlab_report_is_valid_against_gitlabs_schema_and_documentation() {
    let gitlabs = validator(include_str!("schemas/gitlab-codeclimate.json"));
    let documented = validator(include_str!("schemas/gitlab-code-quality-report.json"));
    for r in [scan_fixture("rich"), scan_fixture("clean"), hostile()] {
        let report: Value = serde_json::from_str(&gitlab::render(&r)).expect("JSON");
        let issues = report.as_array().expect("an array");
        assert_eq!(issues.len(), r.findings.len());
        let e = errors(&documented, &report);
        assert!(e.is_empty(), "{e:#?}");
        for issue in issues {
            let e = errors(&gitlabs, issue);
            assert!(e.is_empty(), "{e:#?}");
        }
        let fingerprints: HashSet<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
    }
}

#[test]
fn the_gitlab_schemas_reject_what_gitlab_rejects() {
    // The validation above would mean nothing if the schemas accepted anything.
    let gitlabs = validator(include_str!("schemas/gitlab-codeclimate.json"));
    let documented = validator(include_str!("schemas/gitlab-code-quality-report.json"));
    let no_fingerprint = serde_json::json!({"description": "d", "severity": "major", "location": {"path": "a", "lines": {"begin": 1}}});
    assert!(!errors(&gitlabs, &no_fingerprint).is_empty());
    let bad = serde_json::json!([{"description": "d", "check_name": "c", "fingerprint": "f", "severity": "high", "location": {"path": "a", "lines": {"begin": 1}}}]);
    assert!(
        !errors(&documented, &bad).is_empty(),
        "`high` is not a GitLab severity"
    );
    let no_line = serde_json::json!([{"description": "d", "check_name": "c", "fingerprint": "f", "severity": "major", "location": {"path": "a"}}]);
    assert!(!errors(&documented, &no_line).is_empty());
}

#[test]
fn gitlab_severities_and_fields() {
    let r = scan_fixture("rich");
    let report: Value = serde_json::from_str(&gitlab::render(&r)).unwrap();
    for (s, issue) in r.findings.iter().zip(report.as_array().unwrap()) {
        let want = match s.finding.severity {
            Severity::Critical => "blocker",
            Severity::High => "critical",
            Severity::Medium => "major",
            Severity::Low => "minor",
            Severity::Info => "info",
        };
        assert_eq!(issue["severity"], want);
        assert_eq!(issue["check_name"], s.finding.rule.id);
        assert_eq!(issue["location"]["path"], s.path.as_str());
        assert_eq!(issue["location"]["lines"]["begin"], s.start.line);
        assert_eq!(issue["fingerprint"], s.fingerprint.as_str());
        if let Some(fix) = &s.finding.fix {
            assert!(issue["description"]
                .as_str()
                .unwrap()
                .ends_with(&fix.description));
        }
        assert_eq!(
            issue["other_locations"].as_array().map_or(0, |a| a.len()),
            s.related.len()
        );
    }
}

#[test]
fn gitlab_fingerprints_stay_unique_if_the_engine_ever_repeats_one() {
    let mut r = scan_fixture("rich");
    let fp = r.findings[0].fingerprint.clone();
    r.findings[1].fingerprint = fp.clone();
    r.findings[2].fingerprint = fp;
    let report: Value = serde_json::from_str(&gitlab::render(&r)).unwrap();
    let fingerprints: HashSet<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), r.findings.len());
}

// -------------------------------------------------------------------- junit

/// XML 1.0's `Char` production.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// Parse a whole document, failing on anything not well-formed: one root,
/// balanced and matching tags, well-formed attributes, only predefined
/// entities and legal characters (also through character references).
/// Returns the element names in document order and the unescaped
/// `message` attributes of `<failure>` and `<skipped>`.
fn parse_xml(xml: &str) -> (Vec<String>, Vec<String>) {
    if let Some(bad) = xml.chars().find(|c| !xml_char(*c)) {
        panic!("illegal character U+{:04X}", bad as u32);
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut names = Vec::new();
    let mut messages = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.error_position()));
        match event {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.name().as_ref().to_string();
                if stack.is_empty() {
                    roots += 1;
                }
                for a in e.attributes() {
                    let a = a.expect("well-formed attribute");
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("attribute value unescapes");
                    if a.key.as_ref() == "message" {
                        messages.push(value.into_owned());
                    }
                }
                names.push(name.clone());
                if matches!(event, Event::Start(_)) {
                    stack.push(name);
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                assert_eq!(
                    stack.pop().as_deref(),
                    Some(name.as_str()),
                    "mismatched end tag"
                );
            }
            Event::GeneralRef(r) => {
                match r.resolve_char_ref().expect("valid character reference") {
                    Some(c) => assert!(
                        xml_char(c),
                        "illegal character reference U+{:04X}",
                        c as u32
                    ),
                    None => {
                        let name: &str = r.as_ref();
                        assert!(
                            quick_xml::escape::resolve_predefined_entity(name).is_some(),
                            "undeclared entity &{name};"
                        );
                    }
                }
            }
            Event::Text(_) | Event::Decl(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "one root element");
    (names, messages)
}

#[test]
fn junit_is_well_formed_and_counts_add_up() {
    let r = scan_fixture("rich");
    let xml = junit::render(&r);
    let (names, messages) = parse_xml(&xml);
    let count = |n: &str| names.iter().filter(|x| *x == n).count();
    assert_eq!(names[0], "testsuites");
    assert_eq!(count("failure"), r.findings.len());
    assert_eq!(count("skipped"), r.notices.len());
    assert_eq!(count("testcase"), r.findings.len() + r.notices.len());
    // One suite per file with a finding or a notice.
    let paths: HashSet<&str> = r
        .findings
        .iter()
        .map(|s| s.path.as_str())
        .chain(r.notices.iter().map(|n| n.path.as_str()))
        .collect();
    assert_eq!(count("testsuite"), paths.len());
    assert!(xml.contains(&format!(
        "<testsuites name=\"skillaudit\" tests=\"{}\" failures=\"{}\"",
        r.findings.len() + 1,
        r.findings.len()
    )));
    // The failure messages are the findings' messages, unescaped back exactly.
    let want: Vec<&str> = r
        .findings
        .iter()
        .map(|s| s.finding.message.as_str())
        .collect();
    assert_eq!(&messages[..want.len()], &want[..]);
}

#[test]
fn junit_escapes_markup_quotes_and_illegal_characters() {
    let r = hostile();
    let xml = junit::render(&r);
    let (_, messages) = parse_xml(&xml);
    // Markup, quotes and line breaks survive the round trip; the characters
    // XML 1.0 cannot carry at all are written as `\u{…}`.
    let want = r.findings[0]
        .finding
        .message
        .replace('\u{1b}', "\\u{1b}")
        .replace('\u{0}', "\\u{0}");
    assert_eq!(messages[0], want);
    assert!(!xml.contains("<script>"));
    assert!(xml
        .contains("classname=\"dir,with:odd &lt;chars&gt; &amp; &quot;quotes&quot;/Dockerfile\""));
}

#[test]
fn junit_without_findings_has_one_passing_test() {
    let r = scan_fixture("clean");
    let xml = junit::render(&r);
    let (names, _) = parse_xml(&xml);
    assert_eq!(names.iter().filter(|n| *n == "testcase").count(), 1);
    assert!(!names.iter().any(|n| n == "failure"));
    assert!(xml.contains("tests=\"1\" failures=\"0\""));
}

// ----------------------------------------------------------------- markdown

/// Unescaped `|` in a table row: the column separators.
fn cells(row: &str) -> usize {
    let mut n = 0usize;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n.saturating_sub(1)
}

#[test]
fn markdown_escapes_values() {
    let r = hostile();
    let md = markdown::render(&r);
    let row = md
        .lines()
        .find(|l| l.contains("injected"))
        .expect("the hostile row");
    assert_eq!(cells(row), 4, "{row}");
    assert!(!md.contains("<script"));
    assert!(!md.contains("<b>"));
    assert!(row.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"q\" \\| \\*b\\* \\`c\\` \\[l\\](javascript:x) @&#8203;team"), "{row}");
    assert!(
        row.contains("[dir,with:odd &lt;chars&gt; &amp; \"quotes\"/Dockerfile:"),
        "{row}"
    );
    // The link target is percent-encoded: no space or parenthesis can end it.
    assert!(
        row.contains("](dir%2Cwith%3Aodd%20%3Cchars%3E%20%26%20%22quotes%22/Dockerfile#L"),
        "{row}"
    );
    for l in md.lines().filter(|l| l.starts_with("| ")) {
        assert!(cells(l) == 4 || cells(l) == 5, "{l}");
    }
}

#[test]
fn markdown_says_no_findings_cleanly() {
    let md = markdown::render(&scan_fixture("clean"));
    assert!(md.contains("✅ **No findings** in 1 file scanned."));
    assert!(!md.contains("| Severity"));
    assert!(!md.contains("<details>"));
}

#[test]
fn markdown_stays_readable_with_hundreds_of_findings() {
    let mut r = scan_fixture("rich");
    let base = r.findings.clone();
    while r.findings.len() < 600 {
        r.findings.extend(base.iter().cloned());
    }
    let md = markdown::render(&r);
    let major = r
        .findings
        .iter()
        .filter(|s| s.finding.severity >= Severity::Medium)
        .count();
    let minor = r.findings.len() - major;
    assert!(major > markdown::MAX_ROWS && minor > markdown::MAX_ROWS);
    let is_row = |l: &&str| {
        ["| 🔴 c", "| 🟠 h", "| 🟡 m", "| 🔵 l", "| ⚪ i"]
            .iter()
            .any(|p| l.starts_with(p))
    };
    let details = md.find("<details>").unwrap();
    let major_rows = md[..details].lines().filter(is_row).count();
    let minor_rows = md[details..].lines().filter(is_row).count();
    assert!(
        major_rows > 50 && major_rows <= markdown::MAX_ROWS,
        "{major_rows}"
    );
    assert!(
        minor_rows > 0 && minor_rows <= markdown::MAX_ROWS,
        "{minor_rows}"
    );
    assert!(md.contains(&format!(
        "…and {} more findings not listed here",
        major - major_rows
    )));
    assert!(md.contains(&format!(
        "…and {} more findings not listed here",
        minor - minor_rows
    )));
    // Low and info are folded away; worst first in the main table.
    assert!(md[details..].contains("| 🔵 low"));
    assert!(!md[..details].contains("| 🔵 low"));
    assert!(md.find("| 🔴 critical").unwrap() < md.find("| 🟠 high").unwrap());
    assert!(
        md.chars().count() < 65_536,
        "fits a GitHub comment: {}",
        md.len()
    );
}

// --------------------------------------------------------------------- html

/// Every attribute value named `attr` in the page.
fn attr_values<'a>(page: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        out.push(&rest[..rest.find('"').unwrap()]);
    }
    out
}

#[test]
fn html_escapes_every_repository_value() {
    let r = hostile();
    let page = html::render(&r);
    assert!(
        !page.contains("<script"),
        "no script element, from any value"
    );
    assert!(!page.contains("<b>"));
    // The message, path and fix as text.
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert!(page.contains("dir,with:odd &lt;chars&gt; &amp; &quot;quotes&quot;/Dockerfile"));
    assert!(page.contains("use &lt;b&gt;this&lt;/b&gt; &amp; &#39;that&#39;"));
    // Control characters are visible marks, not raw bytes.
    assert!(!page.contains('\u{1b}') && !page.contains('\u{0}'));
    assert!(page.contains("injected\\u{1b}[31m\\u{0}"));
    // The snippet of compose.yaml line 4 holds `<script>` with both quotes and `&`.
    assert!(page.contains("# &lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"));
    // Unicode paths and messages come through as they are.
    assert!(page.contains("ünïcode/启动.sh"));
    assert!(page.contains("/home/josé/.ssh"));
}

#[test]
fn html_makes_no_external_request() {
    for r in [scan_fixture("rich"), scan_fixture("clean"), hostile()] {
        let page = html::render(&r);
        let lower = page.to_ascii_lowercase();
        for bad in [
            "<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", " src=",
            "srcset=", " action=", "<base",
        ] {
            assert!(!lower.contains(bad), "{bad}");
        }
        for href in attr_values(&page, "href") {
            assert!(href.starts_with('#'), "only in-page links: {href}");
        }
        // Every in-page link has its target.
        for href in attr_values(&page, "href") {
            assert!(
                page.contains(&format!(" id=\"{}\"", &href[1..])),
                "dangling {href}"
            );
        }
        assert!(page
            .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        assert!(page.contains("default-src 'none'"));
    }
}

#[test]
fn html_shows_grade_counts_snippets_related_fixes_and_docs() {
    let r = scan_fixture("rich");
    let page = html::render(&r);
    assert!(page.contains(
        "<div class=\"sa-grade sa-grade-F\" role=\"img\" aria-label=\"grade F\">F</div>"
    ));
    assert!(page.contains("Security score <strong>0</strong>/100"));
    for sev in Severity::ALL {
        assert!(page.contains(&format!(
            "<span class=\"sa-n\">{}</span>{}",
            r.summary.get(sev),
            sev.name()
        )));
        assert!(page.contains(&format!("id=\"sa-{}\"", sev.name())));
    }
    assert_eq!(
        page.matches("<article class=\"sa-finding").count(),
        r.findings.len()
    );
    // The socket mount, highlighted in its line.
    assert!(page.contains("<span class=\"sa-ln\">6</span>      - <mark>/var/run/docker.sock:/var/run/docker.sock</mark>"));
    // A related location in another file, with its own snippet.
    assert!(page.contains("<li><code>Dockerfile:2:1</code> the image never sets a non-root USER<pre class=\"sa-snippet\">"));
    assert!(page.contains(
        "<strong>Fix</strong><span class=\"sa-app\">manual</span>remove the socket mount"
    ));
    // Rule documentation for every rule that fired, and only those.
    let fired: HashSet<&str> = r.findings.iter().map(|s| s.finding.rule.id).collect();
    assert_eq!(page.matches("<section id=\"sa-rule-").count(), fired.len());
    assert!(page.contains("<h4>Why is this bad?</h4>"));
    assert!(page.contains("<li><code>compose.override.yaml</code>: cannot read: No such file or directory (os error 2)</li>"));
    // Low and info groups start folded, the others open.
    assert!(page.contains("<section class=\"sa-group\" id=\"sa-high\">\n<details open>"));
    assert!(page.contains("<section class=\"sa-group\" id=\"sa-low\">\n<details>"));
}

#[test]
fn html_fragment_is_the_page_body() {
    let r = scan_fixture("rich");
    let fragment = html::fragment(&r);
    assert!(fragment.starts_with("<div class=\"sa-report\">"));
    assert!(!fragment.contains("<html") && !fragment.contains("<style"));
    let page = html::page(&r);
    assert!(page.contains(&fragment));
    assert!(page.contains(html::STYLE));
}

#[test]
fn html_says_no_findings() {
    let page = html::render(&scan_fixture("clean"));
    assert!(page.contains("<p class=\"sa-none\">✅ No findings in 1 file scanned.</p>"));
    assert!(page.contains("sa-grade-A"));
    assert!(!page.contains("<article"));
}

// ---------------------------------------------------------------------- all

#[test]
fn every_format_has_a_name_and_renders_the_empty_and_rich_scans() {
    assert_eq!(Format::ALL.map(Format::name).as_slice(), Format::NAMES);
    for name in Format::NAMES {
        let format = Format::parse(name).expect(name);
        assert_eq!(format.name(), *name);
        for r in [scan_fixture("rich"), scan_fixture("clean")] {
            assert!(!render(&r, format, false).is_empty(), "{name}");
        }
    }
}

#[test]
fn no_format_prints_a_credential_from_the_source() {
    // ENV and compose values found by the secret rules, and a token in a RUN
    // line that no rule reports: the source lines are quoted, the values not.
    let r = scan_fixture("secrets");
    assert!(r
        .findings
        .iter()
        .any(|s| s.finding.rule.id == "secret-in-image"));
    assert!(r
        .findings
        .iter()
        .any(|s| s.finding.rule.id == "secret-in-environment"));
    // Weak default passwords (`hardcoded-password`) are masked the same way.
    assert_eq!(
        r.findings
            .iter()
            .filter(|s| s.finding.rule.id == "hardcoded-password")
            .count(),
        2
    );
    for name in Format::NAMES {
        let out = render(&r, Format::parse(name).unwrap(), false);
        assert!(!out.contains("R2d7kQ9vXw3L"), "{name}");
        assert!(!out.contains("93kdl2mMx0vB"), "{name}");
        assert!(!out.contains("adminadmin123"), "{name}");
        assert!(!out.contains("hunter2hunter2"), "{name}");
    }
    let text = render(&r, Format::Text, false);
    assert!(
        text.contains("2 | ENV GITHUB_TOKEN=ghp_************************************\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "token ghp_************************************\" https://example.com/i.sh | sh"
        ),
        "{text}"
    );
    assert!(text.contains("DB_PASSWORD: \"Zq8v************\""), "{text}");
    // Offsets survive the redaction: the highlight still covers the entry.
    let page = html::render(&r);
    assert!(
        page.contains("<mark>DB_PASSWORD: &quot;Zq8v************&quot;</mark>"),
        "{page}"
    );
}

/// Every element of an HTML fragment closed, in order (void elements aside).
fn assert_balanced(html: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("tag closed");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
        } else if !tag.starts_with('!') {
            let name = tag.split([' ', '/']).next().unwrap();
            if !["br", "hr", "meta"].contains(&name) {
                stack.push(name);
            }
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

#[test]
fn html_elements_are_balanced() {
    for r in [
        scan_fixture("rich"),
        scan_fixture("clean"),
        scan_fixture("secrets"),
        hostile(),
    ] {
        assert_balanced(&html::fragment(&r));
    }
}
