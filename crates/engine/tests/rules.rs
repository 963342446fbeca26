//! Fixture tests for every rule, in the style of ruff's rule fixtures.
//!
//! Layout: `tests/fixtures/rules/<rule-id>/{positive,negative}/<case>/`, where
//! each `<case>` is a tiny repository (a `Dockerfile`, a `compose.yaml`, a
//! `run.sh`, or several files). Every case is scanned on its own with
//! `min_severity: info`.
//!
//! - A **positive** case must report its rule at least once, and must have an
//!   `expect.txt` (see below) saying where and how severe.
//! - A **negative** case must not report its rule at all.
//! - Neither may report a `syntax-error` unless it is a case of that rule:
//!   a fixture that does not parse proves nothing.
//! - One insta snapshot per rule (`snapshots/rules__<rule-id>.snap`) holds
//!   every finding of that rule across its positive cases, one line each:
//!   `case path:line:column severity message`, followed by its related
//!   locations indented as `  = path:line:column message`.
//!
//! `expect.txt` — one expectation a line; `#` starts a comment:
//!
//! ```text
//! compose.yaml:6 high                   a finding of the case's rule at line 6, severity high
//! compose.yaml:6 high -> compose.yaml:2 ... which also has a related location at line 2
//! not Dockerfile:3                      no finding of the case's rule at line 3
//! count 1                               exactly this many findings of the case's rule
//! also missing-user Dockerfile:1 high   a finding of another rule (proves a file was read)
//! none writable-bind-mount              no finding at all of another rule
//! secret ghp_Zq8Rk3Lm…                  this text appears in no message, related message or fix
//! bug <why>                             a known bug elsewhere: the case states the correct
//!                                       behaviour, is left out of the tests above and the
//!                                       snapshots; `known_bugs_are_still_bugs` fails once it passes
//! ```
//!
//! Regenerate snapshots with
//! `INSTA_UPDATE=always cargo test -p skillaudit-engine --test rules`
//! and read the diff before keeping it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use skillaudit_engine::{scan, ScanOptions};
use skillaudit_rules::registry::RULES;
use skillaudit_rules::Severity;

const SYNTAX_ERROR: &str = "syntax-error";

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Polarity {
    Positive,
    Negative,
}

impl Polarity {
    fn dir(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
        }
    }
}

/// One finding, reduced to what the tests compare.
#[derive(Clone, Debug)]
struct Seen {
    rule: &'static str,
    severity: Severity,
    path: String,
    line: u32,
    column: u32,
    message: String,
    related: Vec<SeenRelated>,
    fix: Option<String>,
}

#[derive(Clone, Debug)]
struct SeenRelated {
    path: String,
    line: u32,
    column: u32,
    message: String,
}

/// A fixture case and what scanning it reported.
struct Case {
    rule: String,
    polarity: Polarity,
    name: String,
    dir: PathBuf,
    files_scanned: usize,
    findings: Vec<Seen>,
    /// `bug <why>` of its expect.txt.
    known_bug: Option<String>,
}

impl Case {
    fn label(&self) -> String {
        format!("{}/{}/{}", self.rule, self.polarity.dir(), self.name)
    }

    fn of_rule<'a>(&'a self, rule: &'a str) -> impl Iterator<Item = &'a Seen> + 'a {
        self.findings.iter().filter(move |f| f.rule == rule)
    }

    fn own(&self) -> impl Iterator<Item = &Seen> + '_ {
        self.of_rule(&self.rule)
    }
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .expect("a directory name")
        .to_string_lossy()
        .into_owned()
}

fn run_scan(dir: &Path) -> (usize, Vec<Seen>) {
    let options = ScanOptions {
        targets: vec![dir.to_string_lossy().into_owned()],
        min_severity: Severity::Info,
        ..ScanOptions::default()
    };
    let result = scan(&options).unwrap_or_else(|e| panic!("scanning {}: {e}", dir.display()));
    let findings = result
        .findings
        .iter()
        .flat_map(|s| {
            // A grouped finding is checked as its occurrences: the rule
            // fixtures are about detection (grouping: tests/posture.rs).
            let own = s.related.len() - s.finding.repeats.len();
            let seen_related = |rs: &[skillaudit_engine::ShownRelated]| {
                rs.iter()
                    .map(|r| SeenRelated {
                        path: r.path.clone(),
                        line: r.start.line,
                        column: r.start.column,
                        message: r.message.clone(),
                    })
                    .collect::<Vec<_>>()
            };
            let first = Seen {
                rule: s.finding.rule.id,
                severity: s.finding.severity,
                path: s.path.clone(),
                line: s.start.line,
                column: s.start.column,
                message: s.finding.message.clone(),
                related: seen_related(&s.related[..own]),
                fix: s.finding.fix.as_ref().map(|f| f.description.clone()),
            };
            let repeats = s
                .finding
                .repeats
                .iter()
                .zip(&s.related[own..])
                .map(|(r, at)| Seen {
                    rule: r.rule.id,
                    severity: r.severity,
                    path: at.path.clone(),
                    line: at.start.line,
                    column: at.start.column,
                    message: r.message.clone(),
                    related: Vec::new(),
                    fix: r.fix.as_ref().map(|f| f.description.clone()),
                });
            std::iter::once(first).chain(repeats).collect::<Vec<_>>()
        })
        .collect::<Vec<_>>();
    let mut findings = findings;
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.rule).cmp(&(&b.path, b.line, b.column, b.rule))
    });
    (result.files_scanned(), findings)
}

/// The cases the tests hold to account: all but known bugs.
fn checked_cases() -> impl Iterator<Item = &'static Case> {
    cases().iter().filter(|c| c.known_bug.is_none())
}

/// Every case of every rule, scanned once and shared by the tests.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut out = Vec::new();
        for rule_dir in sorted_dirs(&fixtures_root()) {
            let rule = name_of(&rule_dir);
            for polarity in [Polarity::Positive, Polarity::Negative] {
                for dir in sorted_dirs(&rule_dir.join(polarity.dir())) {
                    let (files_scanned, findings) = run_scan(&dir);
                    let known_bug = std::fs::read_to_string(dir.join("expect.txt"))
                        .ok()
                        .and_then(|text| {
                            parse_expect(&text).ok()?.into_iter().find_map(|e| match e {
                                Expect::Bug(why) => Some(why),
                                _ => None,
                            })
                        });
                    out.push(Case {
                        rule: rule.clone(),
                        polarity,
                        name: name_of(&dir),
                        dir,
                        files_scanned,
                        findings,
                        known_bug,
                    });
                }
            }
        }
        out
    })
}

// --- expect.txt -------------------------------------------------------------

#[derive(Debug)]
enum Expect {
    /// A finding of the case's rule at `path:line` with this severity and these related lines.
    At {
        path: String,
        line: u32,
        severity: Severity,
        related: Vec<(String, u32)>,
    },
    /// No finding of the case's rule at `path:line`.
    Not {
        path: String,
        line: u32,
    },
    Count(usize),
    /// A finding of another rule.
    Also {
        rule: String,
        path: String,
        line: u32,
        severity: Severity,
    },
    /// No finding of another rule.
    None(String),
    /// Text that must not leave the process.
    Secret(String),
    /// The case fails today because of a known bug outside the rules.
    Bug(String),
}

fn parse_location(s: &str) -> Result<(String, u32), String> {
    let (path, line) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("`{s}` is not path:line"))?;
    let line = line
        .parse()
        .map_err(|_| format!("`{s}`: bad line number"))?;
    Ok((path.to_string(), line))
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("`{s}` is not a severity"))
}

fn parse_expect(text: &str) -> Result<Vec<Expect>, String> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split_once('#').map_or(raw, |(l, _)| l).trim();
        if line.is_empty() {
            continue;
        }
        let err = |e: String| format!("expect.txt line {}: {e}", n + 1);
        let words: Vec<&str> = line.split_whitespace().collect();
        let e = match words[0] {
            "not" if words.len() == 2 => {
                let (path, line) = parse_location(words[1]).map_err(err)?;
                Expect::Not { path, line }
            }
            "count" if words.len() == 2 => {
                Expect::Count(words[1].parse().map_err(|_| err("bad count".into()))?)
            }
            "also" if words.len() == 4 => {
                let (path, line) = parse_location(words[2]).map_err(err)?;
                Expect::Also {
                    rule: words[1].to_string(),
                    path,
                    line,
                    severity: parse_severity(words[3]).map_err(err)?,
                }
            }
            "none" if words.len() == 2 => Expect::None(words[1].to_string()),
            "secret" => Expect::Secret(line["secret".len()..].trim().to_string()),
            "bug" if words.len() >= 2 => Expect::Bug(line["bug".len()..].trim().to_string()),
            _ if words.len() >= 2 => {
                let (path, line) = parse_location(words[0]).map_err(err)?;
                let severity = parse_severity(words[1]).map_err(err)?;
                let mut related = Vec::new();
                let mut rest = &words[2..];
                while let [arrow, loc, tail @ ..] = rest {
                    if *arrow != "->" {
                        return Err(err(format!("expected `-> path:line`, found `{arrow}`")));
                    }
                    related.push(parse_location(loc).map_err(err)?);
                    rest = tail;
                }
                if !rest.is_empty() {
                    return Err(err(format!("unexpected `{}`", rest.join(" "))));
                }
                Expect::At {
                    path,
                    line,
                    severity,
                    related,
                }
            }
            _ => return Err(err(format!("cannot read `{line}`"))),
        };
        out.push(e);
    }
    Ok(out)
}

fn read_expect(case: &Case) -> Result<Option<Vec<Expect>>, String> {
    match std::fs::read_to_string(case.dir.join("expect.txt")) {
        Ok(text) => parse_expect(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read expect.txt: {e}")),
    }
}

fn describe(findings: &[&Seen]) -> String {
    if findings.is_empty() {
        return "    (none)".into();
    }
    findings
        .iter()
        .map(|f| {
            format!(
                "    {}:{}:{} {} [{}] {}",
                f.path, f.line, f.column, f.severity, f.rule, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Check a case against its polarity and `expect.txt`; the problems found.
fn check_case(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let own: Vec<&Seen> = case.own().collect();
    if case.files_scanned == 0 {
        problems.push("no file of the case was recognised".into());
    }
    if case.rule != SYNTAX_ERROR {
        let errors: Vec<&Seen> = case.of_rule(SYNTAX_ERROR).collect();
        if !errors.is_empty() {
            problems.push(format!(
                "the fixture does not parse:\n{}",
                describe(&errors)
            ));
        }
    }
    match case.polarity {
        Polarity::Positive if own.is_empty() => {
            problems.push(format!("expected a `{}` finding, got none", case.rule))
        }
        Polarity::Negative if !own.is_empty() => problems.push(format!(
            "expected no `{}` finding, got:\n{}",
            case.rule,
            describe(&own)
        )),
        _ => {}
    }
    let expects = match read_expect(case) {
        Ok(Some(e)) => e,
        Ok(None) => {
            if case.polarity == Polarity::Positive {
                problems.push(
                    "a positive case needs an expect.txt with at least one `path:line severity`"
                        .into(),
                );
            }
            return problems;
        }
        Err(e) => {
            problems.push(e);
            return problems;
        }
    };
    if case.polarity == Polarity::Positive
        && !expects.iter().any(|e| matches!(e, Expect::At { .. }))
    {
        problems
            .push("expect.txt of a positive case needs at least one `path:line severity`".into());
    }
    let all: Vec<&Seen> = case.findings.iter().collect();
    for e in &expects {
        match e {
            Expect::At {
                path,
                line,
                severity,
                related,
            } => {
                if case.polarity == Polarity::Negative {
                    problems.push("a negative case cannot expect findings of its own rule".into());
                    continue;
                }
                let found = own.iter().any(|f| {
                    &f.path == path
                        && f.line == *line
                        && f.severity == *severity
                        && related.iter().all(|(rp, rl)| {
                            f.related.iter().any(|r| &r.path == rp && r.line == *rl)
                        })
                });
                if !found {
                    let arrows: String = related
                        .iter()
                        .map(|(p, l)| format!(" -> {p}:{l}"))
                        .collect();
                    problems.push(format!(
                        "expected `{}` at {path}:{line} {severity}{arrows}; its findings:\n{}",
                        case.rule,
                        describe_with_related(&own)
                    ));
                }
            }
            Expect::Not { path, line } => {
                if own.iter().any(|f| &f.path == path && f.line == *line) {
                    problems.push(format!(
                        "expected no `{}` at {path}:{line}; its findings:\n{}",
                        case.rule,
                        describe(&own)
                    ));
                }
            }
            Expect::Count(n) => {
                if own.len() != *n {
                    problems.push(format!(
                        "expected exactly {n} `{}` finding(s), got {}:\n{}",
                        case.rule,
                        own.len(),
                        describe(&own)
                    ));
                }
            }
            Expect::Also {
                rule,
                path,
                line,
                severity,
            } => {
                if !case
                    .of_rule(rule)
                    .any(|f| &f.path == path && f.line == *line && f.severity == *severity)
                {
                    problems.push(format!(
                        "expected `{rule}` at {path}:{line} {severity}; all findings:\n{}",
                        describe(&all)
                    ));
                }
            }
            Expect::None(rule) => {
                let other: Vec<&Seen> = case.of_rule(rule).collect();
                if !other.is_empty() {
                    problems.push(format!(
                        "expected no `{rule}` finding, got:\n{}",
                        describe(&other)
                    ));
                }
            }
            Expect::Bug(_) => {}
            Expect::Secret(secret) => {
                if secret.len() < 8 {
                    problems.push(format!(
                        "`secret {secret}`: too short to be a meaningful check"
                    ));
                }
                for f in &case.findings {
                    let texts = std::iter::once(&f.message)
                        .chain(f.fix.iter())
                        .chain(f.related.iter().map(|r| &r.message));
                    for t in texts {
                        if t.contains(secret.as_str()) {
                            problems.push(format!(
                                "the secret {secret:?} leaks in a `{}` finding: {t}",
                                f.rule
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

fn describe_with_related(findings: &[&Seen]) -> String {
    let mut s = describe(findings);
    for f in findings {
        for r in &f.related {
            let _ = write!(
                s,
                "\n      = ({}:{}) {}:{}:{} {}",
                f.path, f.line, r.path, r.line, r.column, r.message
            );
        }
    }
    s
}

fn report(problems: BTreeMap<String, Vec<String>>) {
    if problems.is_empty() {
        return;
    }
    let mut msg = String::new();
    for (case, ps) in &problems {
        let _ = writeln!(msg, "{case}:");
        for p in ps {
            let _ = writeln!(msg, "  - {}", p.replace('\n', "\n    "));
        }
    }
    panic!("{} fixture case(s) failed:\n{msg}", problems.len());
}

// --- tests ------------------------------------------------------------------

#[test]
fn positive_cases_report_their_rule() {
    let mut problems = BTreeMap::new();
    for case in checked_cases().filter(|c| c.polarity == Polarity::Positive) {
        let p = check_case(case);
        if !p.is_empty() {
            problems.insert(case.label(), p);
        }
    }
    report(problems);
}

#[test]
fn negative_cases_do_not_report_their_rule() {
    let mut problems = BTreeMap::new();
    for case in checked_cases().filter(|c| c.polarity == Polarity::Negative) {
        let p = check_case(case);
        if !p.is_empty() {
            problems.insert(case.label(), p);
        }
    }
    report(problems);
}

#[test]
fn every_rule_has_positive_and_negative_cases() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.meta().id).collect();
    let mut problems = Vec::new();
    for id in &ids {
        for polarity in [Polarity::Positive, Polarity::Negative] {
            let n = checked_cases()
                .filter(|c| c.rule == *id && c.polarity == polarity)
                .count();
            if n == 0 {
                problems.push(format!("{id}: no {} case", polarity.dir()));
            }
        }
    }
    for dir in sorted_dirs(&fixtures_root()) {
        let name = name_of(&dir);
        if !ids.contains(&name.as_str()) {
            problems.push(format!("fixtures/rules/{name}: not a rule id"));
        }
        for sub in sorted_dirs(&dir) {
            let s = name_of(&sub);
            if s != "positive" && s != "negative" {
                problems.push(format!(
                    "fixtures/rules/{name}/{s}: expected only positive/ and negative/"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The snapshot text of a rule: every finding of it across its positive cases.
fn snapshot_text(rule: &str) -> String {
    let mut s = String::new();
    for case in checked_cases().filter(|c| c.rule == rule && c.polarity == Polarity::Positive) {
        for f in case.own() {
            let _ = writeln!(
                s,
                "{} {}:{}:{} {} {}",
                case.name, f.path, f.line, f.column, f.severity, f.message
            );
            for r in &f.related {
                let _ = writeln!(s, "  = {}:{}:{} {}", r.path, r.line, r.column, r.message);
            }
        }
    }
    s
}

#[test]
fn snapshots() {
    let mut failed = Vec::new();
    for rule in RULES.iter().map(|r| r.meta().id) {
        let text = snapshot_text(rule);
        let ok = std::panic::catch_unwind(|| {
            let mut settings = insta::Settings::clone_current();
            settings.set_omit_expression(true);
            settings.set_description(format!(
                "every `{rule}` finding of tests/fixtures/rules/{rule}/positive"
            ));
            settings.bind(|| insta::assert_snapshot!(rule, text));
        });
        if ok.is_err() {
            failed.push(rule);
        }
    }
    assert!(
        failed.is_empty(),
        "snapshots differ for: {}",
        failed.join(", ")
    );
}

/// Cases that describe the correct behaviour but fail because of a bug
/// outside the rules (their expect.txt says which) must still fail: when one
/// passes, the bug is fixed and its `bug` line goes, so that the case joins
/// the checks and snapshots above instead of staying unchecked.
#[test]
fn known_bugs_are_still_bugs() {
    let fixed: Vec<String> = cases()
        .iter()
        .filter(|c| c.known_bug.is_some() && check_case(c).is_empty())
        .map(|c| c.label())
        .collect();
    assert!(
        fixed.is_empty(),
        "these cases pass now: remove the `bug` line of their expect.txt: {}",
        fixed.join(", ")
    );
}
