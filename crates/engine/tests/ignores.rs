//! Ignore comments, the project configuration and baselines, end to end.
//!
//! The comment syntaxes themselves are fixture cases of the `unused-ignore`
//! rule (`tests/fixtures/rules/unused-ignore/`, run by `rules.rs`); here we
//! prove that those ignores really suppress something, and cover every
//! configuration key and the baseline round trip on small repositories
//! written to temporary directories.

use std::path::Path;

use skillaudit_engine::baseline::Baseline;
use skillaudit_engine::config::{self, Threshold};
use skillaudit_engine::{scan, ScanOptions, ScanResult};
use skillaudit_rules::Severity;

fn options(dir: &Path) -> ScanOptions {
    ScanOptions {
        targets: vec![dir.display().to_string()],
        min_severity: Severity::Info,
        ..ScanOptions::default()
    }
}

fn rules_at(r: &ScanResult, path: &str) -> Vec<(String, u32, Severity)> {
    r.findings
        .iter()
        .filter(|f| f.path == path)
        .map(|f| {
            (
                f.finding.rule.id.to_string(),
                f.start.line,
                f.finding.severity,
            )
        })
        .collect()
}

fn has(r: &ScanResult, rule: &str, path: &str, line: u32) -> bool {
    r.findings
        .iter()
        .any(|f| f.finding.rule.id == rule && f.path == path && f.start.line == line)
}

fn count(r: &ScanResult, rule: &str) -> usize {
    r.findings
        .iter()
        .filter(|f| f.finding.rule.id == rule)
        .count()
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// Each `none <rule>` of the negative `unused-ignore` cases names a rule an
/// ignore comment suppresses: without ignores, that rule must be reported,
/// or the case proves nothing.
#[test]
fn the_ignore_fixtures_suppress_real_findings() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/unused-ignore/negative");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 9, "{cases:?}");
    let mut problems = Vec::new();
    for case in cases {
        let expect = std::fs::read_to_string(case.join("expect.txt")).unwrap_or_default();
        let suppressed: Vec<&str> = expect
            .lines()
            .filter_map(|l| l.strip_prefix("none "))
            .map(str::trim)
            .collect();
        let shown = scan(&ScanOptions {
            no_ignores: true,
            ..options(&case)
        })
        .expect("scan");
        let normal = scan(&options(&case)).expect("scan");
        for rule in &suppressed {
            if count(&shown, rule) == 0 {
                problems.push(format!(
                    "{}: `{rule}` is not reported even with --no-ignores",
                    case.display()
                ));
            }
        }
        if !suppressed.is_empty() && normal.ignored == 0 {
            problems.push(format!("{}: nothing counted as ignored", case.display()));
        }
        // --no-ignores reads no comments, so reports no unused ones either.
        if count(&shown, "unused-ignore") != 0 {
            problems.push(format!(
                "{}: unused-ignore with --no-ignores",
                case.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_readme_comment_covers_only_the_block_after_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules/unused-ignore/negative/readme-block");
    let r = scan(&options(&root)).expect("scan");
    assert!(!has(&r, "privileged-container", "README.md", 9));
    assert!(has(&r, "privileged-container", "README.md", 15));
    let all = scan(&ScanOptions {
        no_ignores: true,
        ..options(&root)
    })
    .expect("scan");
    assert!(has(&all, "privileged-container", "README.md", 9));
}

const COMPOSE: &str = r#"services:
  web:
    image: nginx:1.27
    privileged: true
    volumes:
      - ./data:/data
  manager:
    build: .
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
  both:
    build: .
    privileged: true
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"#;

/// A repository with a compose file, a Dockerfile on a company base image,
/// an example directory and a directory of broken files.
fn repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "compose.yaml", COMPOSE);
    write(
        dir.path(),
        "Dockerfile",
        "FROM ghcr.io/acme/base:2\nCMD [\"server\"]\n",
    );
    write(
        dir.path(),
        "examples/compose.yaml",
        "services:\n  demo:\n    image: demo:1\n    volumes:\n      - ./data:/data\n",
    );
    write(
        dir.path(),
        "legacy/Dockerfile",
        "FROM node:22\nBROKEN instruction\n",
    );
    write(dir.path(), "skillaudit.toml", config);
    dir
}

fn scan_with_config(dir: &Path, no_ignores: bool) -> ScanResult {
    let target = dir.display().to_string();
    let config = config::for_targets(std::slice::from_ref(&target), None)
        .expect("valid config")
        .expect("a config");
    scan(&ScanOptions {
        config: Some(config),
        no_ignores,
        ..options(dir)
    })
    .expect("scan")
}

#[test]
fn without_configuration() {
    let dir = repository("");
    let r = scan_with_config(dir.path(), false);
    assert!(has(&r, "syntax-error", "legacy/Dockerfile", 2));
    assert!(has(&r, "missing-user", "Dockerfile", 1));
    assert!(has(&r, "writable-bind-mount", "examples/compose.yaml", 5));
    assert!(has(&r, "writable-bind-mount", "compose.yaml", 6));
    assert!(r
        .findings
        .iter()
        .any(|f| f.finding.rule.id == "docker-socket-mount"
            && f.finding.severity == Severity::Critical));
    assert_eq!(count(&r, "host-takeover-chain"), 2);
    assert!(count(&r, "missing-pids-limit") >= 3);
    assert_eq!(r.ignored, 0);
}

#[test]
fn every_configuration_key() {
    let dir = repository(
        r#"
fail-on = "critical"
min-severity = "info"
disable = ["missing-pids-limit", "full-os-base-image"]
exclude = ["legacy"]
non-root-images = ["ghcr.io/acme/base"]

[severity]
privileged-container = "medium"

[[ignore]]
rules = ["writable-bind-mount"]
paths = ["examples/**"]
reason = "examples are run by hand"

[allow.docker-socket]
reason = "this server manages containers"
paths = ["compose.yaml"]
"#,
    );
    let config = config::for_targets(&[dir.path().display().to_string()], None)
        .expect("valid")
        .expect("found");
    assert_eq!(config.fail_on, Some(Threshold::At(Severity::Critical)));
    assert_eq!(config.min_severity, Some(Severity::Info));
    let r = scan_with_config(dir.path(), false);

    // exclude: not even read.
    assert!(!r
        .project
        .files
        .iter()
        .any(|f| f.path.starts_with("legacy/")));
    assert_eq!(count(&r, "syntax-error"), 0);
    // disable.
    assert_eq!(
        count(&r, "full-os-base-image") + count(&r, "missing-pids-limit"),
        0
    );
    // non-root-images: the company base image runs as non-root, and so the
    // containers built from it are not effectively root.
    assert_eq!(count(&r, "missing-user"), 0);
    // [[ignore]] by path.
    assert!(!has(&r, "writable-bind-mount", "examples/compose.yaml", 5));
    assert!(has(&r, "writable-bind-mount", "compose.yaml", 6));
    // [severity].
    assert!(r
        .findings
        .iter()
        .filter(|f| f.finding.rule.id == "privileged-container")
        .all(|f| f.finding.severity == Severity::Medium));
    assert_eq!(count(&r, "privileged-container"), 2);
    // [allow.docker-socket]: kept at info with the reason.
    let sockets: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.finding.rule.id == "docker-socket-mount")
        .collect();
    assert_eq!(sockets.len(), 2);
    for f in &sockets {
        assert_eq!(f.finding.severity, Severity::Info);
        assert!(
            f.finding
                .message
                .ends_with("(allowed by skillaudit.toml: this server manages containers)"),
            "{}",
            f.finding.message
        );
    }
    // Counted as ignored: the disabled pids findings and the example's mount.
    let pids = count(
        &scan_with_config(repository("").path(), false),
        "missing-pids-limit",
    );
    assert!(pids >= 3);
    assert_eq!(r.ignored, pids + 1);
}

#[test]
fn the_socket_allowance_covers_a_chain_only_when_the_socket_is_its_only_host_access() {
    let dir = repository("[allow.docker-socket]\nreason = \"manages containers\"\n");
    let r = scan_with_config(dir.path(), false);
    let chains: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.finding.rule.id == "host-takeover-chain")
        .collect();
    assert_eq!(chains.len(), 2);
    // `manager` (line 7): root + socket only → info. `both` (line 11): also privileged → critical.
    let at = |line: u32| {
        chains
            .iter()
            .find(|f| f.start.line == line)
            .map(|f| f.finding.severity)
    };
    assert_eq!(at(7), Some(Severity::Info));
    assert_eq!(at(11), Some(Severity::Critical));
    // docker-socket-in-image is covered too.
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "Dockerfile",
        "FROM docker:27-cli\nUSER 1000\nVOLUME /var/run/docker.sock\n",
    );
    write(
        dir.path(),
        "skillaudit.toml",
        "[allow.docker-socket]\nreason = \"manages containers\"\n",
    );
    let r = scan_with_config(dir.path(), false);
    assert_eq!(
        rules_at(&r, "Dockerfile")
            .into_iter()
            .filter(|(rule, _, _)| rule == "docker-socket-in-image")
            .map(|(_, l, s)| (l, s))
            .collect::<Vec<_>>(),
        [(3, Severity::Info)]
    );
}

#[test]
fn no_ignores_shows_what_the_configuration_hides_but_keeps_exclude_and_severity() {
    let dir = repository(
        "exclude = [\"legacy/**\"]\ndisable = [\"full-os-base-image\"]\n[severity]\nprivileged-container = \"low\"\n[[ignore]]\nrules = [\"writable-bind-mount\"]\npaths = [\"examples\"]\n[allow.docker-socket]\nreason = \"r\"\n",
    );
    let r = scan_with_config(dir.path(), true);
    assert!(has(&r, "writable-bind-mount", "examples/compose.yaml", 5));
    assert!(r
        .findings
        .iter()
        .filter(|f| f.finding.rule.id == "docker-socket-mount")
        .all(|f| f.finding.severity == Severity::Critical));
    assert_eq!(r.ignored, 0);
    // Kept: exclude and severity overrides.
    assert!(!r
        .project
        .files
        .iter()
        .any(|f| f.path.starts_with("legacy/")));
    assert!(r
        .findings
        .iter()
        .filter(|f| f.finding.rule.id == "privileged-container")
        .all(|f| f.finding.severity == Severity::Low));
}

#[test]
fn globs_are_relative_to_the_directory_of_a_file_target() {
    let dir =
        repository("[[ignore]]\nrules = [\"writable-bind-mount\"]\npaths = [\"compose.yaml\"]\n");
    // The file target's directory is the scan root: its config is found and
    // `compose.yaml` names the file.
    let target = dir.path().join("compose.yaml").display().to_string();
    let config = config::for_targets(std::slice::from_ref(&target), None)
        .expect("valid")
        .expect("found");
    let r = scan(&ScanOptions {
        targets: vec![target],
        config: Some(config),
        min_severity: Severity::Info,
        ..ScanOptions::default()
    })
    .expect("scan");
    assert_eq!(count(&r, "writable-bind-mount"), 0);
    assert!(count(&r, "privileged-container") > 0);
    // A git URL's own configuration is not read.
    assert!(
        config::for_targets(&["https://example.invalid/x.git".into()], None)
            .expect("no error")
            .is_none()
    );
}

#[test]
fn configuration_errors_name_the_file_and_position() {
    let dir = repository("disable = [\"missing-user\"]\n\n[severity]\nmissing-user = \"severe\"\n");
    let e = config::for_targets(&[dir.path().display().to_string()], None).expect_err("invalid");
    assert_eq!(e.line, 4);
    assert_eq!(e.column, 16);
    assert!(
        e.to_string()
            .ends_with("skillaudit.toml:4:16: `severity.missing-user`: `severe` is not a severity (critical, high, medium, low or info)"),
        "{e}"
    );
    let missing =
        config::for_targets(&[], Some(&dir.path().join("nope.toml"))).expect_err("missing");
    assert!(
        missing
            .to_string()
            .contains("nope.toml: cannot read the configuration"),
        "{missing}"
    );
    // `.skillaudit.toml` is found too.
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        ".skillaudit.toml",
        "disable = [\"missing-user\"]\n",
    );
    let c = config::for_targets(&[dir.path().display().to_string()], None)
        .expect("valid")
        .expect("found");
    assert!(c.is_disabled("missing-user"));
}

const BEFORE: &str = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n    ports:\n      - \"8080:80\"\n";

/// The same file with lines inserted above, re-indented, and a comment.
const AFTER: &str = "# Production services.\nname: shop\n\nservices:\n\n    web:\n        # the web front end\n        image: nginx:1.27\n        privileged:    true\n        ports:\n            - \"8080:80\"\n";

#[test]
fn a_baseline_survives_edits_above_and_reindentation_but_not_new_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "compose.yaml", BEFORE);
    let first = scan(&ScanOptions {
        record_baseline: true,
        ..options(dir.path())
    })
    .expect("scan");
    assert!(first.findings.len() >= 3);
    assert_eq!(first.baseline_entries.len(), first.findings.len());
    let entry = first
        .baseline_entries
        .iter()
        .find(|e| e.rule == "privileged-container")
        .expect("recorded");
    assert_eq!((entry.path.as_str(), entry.line), ("compose.yaml", 4));

    // Round trip through the file.
    let file = dir.path().join("baseline.json");
    skillaudit_engine::baseline::write(&file, "0.0.0", &first.baseline_entries).expect("written");
    let baseline = Baseline::load(&file).expect("loaded");
    assert_eq!(baseline.len(), first.findings.len());

    // Unrelated lines above, re-indentation: everything still matches.
    write(dir.path(), "compose.yaml", AFTER);
    let again = scan(&ScanOptions {
        baseline: Some(baseline.clone()),
        ..options(dir.path())
    })
    .expect("scan");
    assert!(
        again.findings.is_empty(),
        "{:?}",
        rules_at(&again, "compose.yaml")
    );
    assert_eq!(again.baselined, first.findings.len());
    assert_eq!((again.score, again.grade), (100, 'A'));

    // A genuinely new finding is reported, alone.
    write(
        dir.path(),
        "compose.yaml",
        &format!("{AFTER}        cap_add:\n            - SYS_ADMIN\n"),
    );
    let new = scan(&ScanOptions {
        baseline: Some(baseline),
        ..options(dir.path())
    })
    .expect("scan");
    assert_eq!(
        rules_at(&new, "compose.yaml"),
        [("dangerous-capability".to_string(), 13, Severity::High)]
    );
    assert_eq!(new.baselined, first.findings.len());
    assert_eq!(new.summary.high, 1);
    assert!(new.score < 100);
}

#[test]
fn a_baseline_records_findings_after_ignores_whatever_the_minimum_severity() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true # skillaudit: ignore[privileged-container]\n",
    );
    let r = scan(&ScanOptions {
        record_baseline: true,
        min_severity: Severity::Critical,
        ..options(dir.path())
    })
    .expect("scan");
    assert!(r.findings.is_empty());
    assert!(!r
        .baseline_entries
        .iter()
        .any(|e| e.rule == "privileged-container"));
    assert!(r
        .baseline_entries
        .iter()
        .any(|e| e.rule == "missing-resource-limits"));
    // Adding an ignore never changes the fingerprints of other findings.
    let without = scan(&ScanOptions {
        record_baseline: true,
        no_ignores: true,
        ..options(dir.path())
    })
    .expect("scan");
    for e in &r.baseline_entries {
        assert!(
            without
                .baseline_entries
                .iter()
                .any(|w| w.fingerprint == e.fingerprint),
            "{e:?}"
        );
    }
}
