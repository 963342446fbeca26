//! `--fix`, `--unsafe-fixes` and `--diff`, end to end on copies of the
//! acceptance seeds and of a richer fixture (comments, anchors, flow
//! mappings, CRLF, MCP args arrays inline and one per line, a shell script,
//! node and distroless Dockerfiles).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn skillaudit() -> Command {
    let mut c = Command::cargo_bin("skillaudit").expect("binary");
    c.env("NO_COLOR", "1");
    c
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dst = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dst);
        } else {
            std::fs::copy(entry.path(), &dst).unwrap();
        }
    }
}

/// Every file under `dir` with its content, by relative path.
fn contents(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

fn seeds() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(fixtures().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    assert!(out.len() >= 7, "the seed fixtures are missing");
    out
}

fn scan_json(dir: &Path) -> Value {
    let out = skillaudit()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Run a fix command; returns (exit code, stdout, stderr).
fn run(dir: &Path, flags: &[&str]) -> (i32, String, String) {
    let out = skillaudit()
        .arg("scan")
        .args(flags)
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every YAML and JSON file still parses with the project's own parsers.
fn assert_files_parse(dir: &Path) {
    for (path, text) in contents(dir) {
        let stream = if path.ends_with(".yml") || path.ends_with(".yaml") {
            skillaudit_syntax::tree::yaml::parse(&text)
        } else if path.ends_with(".json") {
            skillaudit_syntax::json::parse(&text)
        } else {
            continue;
        };
        assert!(
            stream.error.is_none(),
            "{path} no longer parses: {:?}\n{text}",
            stream.error
        );
        assert!(
            stream.duplicate_keys.is_empty(),
            "{path} has duplicate keys\n{text}"
        );
    }
}

#[test]
fn seeds_fixed_leave_no_fixable_finding_above_low() {
    for (name, seed) in seeds() {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&seed, tmp.path());
        let (code, _, stderr) = run(
            tmp.path(),
            &["--fix", "--unsafe-fixes", "--fail-on", "never"],
        );
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(stderr.contains("fixed "), "{name}: {stderr}");
        let report = scan_json(tmp.path());
        for f in report["findings"].as_array().unwrap() {
            assert_ne!(f["rule"], "syntax-error", "{name}: {f}");
            let applicability = f["fix"]["applicability"].as_str().unwrap_or("manual");
            let above_low = !matches!(f["severity"].as_str(), Some("low" | "info"));
            assert!(
                !(above_low && applicability != "manual"),
                "{name}: still fixable after --fix --unsafe-fixes: {f}"
            );
        }
        assert_files_parse(tmp.path());
    }
}

#[test]
fn seeds_diff_snapshot_and_diff_writes_nothing() {
    let mut all = String::new();
    for (name, seed) in seeds() {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&seed, tmp.path());
        let before = contents(tmp.path());
        let (code, stdout, stderr) = run(tmp.path(), &["--diff", "--unsafe-fixes"]);
        assert_eq!(contents(tmp.path()), before, "{name}: --diff wrote files");
        assert_eq!(
            code,
            if stdout.is_empty() { 0 } else { 1 },
            "{name}: {stderr}"
        );
        all.push_str(&format!("=== {name}\n{stdout}"));
    }
    insta::assert_snapshot!("seeds_diff", all);
}

/// The rich fixture plus a CRLF compose file made here (so that no git
/// setting can change its line endings).
fn rich() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("fix-rich"), tmp.path());
    let crlf =
        "services:\n  api:\n    image: mcp/api:1.0.0 # pinned\n    ports:\n      - \"8080:8080\"\n"
            .replace('\n', "\r\n");
    std::fs::create_dir_all(tmp.path().join("crlf")).unwrap();
    std::fs::write(tmp.path().join("crlf/compose.yaml"), crlf).unwrap();
    tmp
}

#[test]
fn rich_fixture_diff_snapshots() {
    let tmp = rich();
    let before = contents(tmp.path());
    let (code, safe_only, _) = run(tmp.path(), &["--diff"]);
    assert_eq!(code, 1);
    let (_, with_unsafe, stderr) = run(tmp.path(), &["--diff", "--unsafe-fixes"]);
    assert!(stderr.contains("would be applied"), "{stderr}");
    assert_eq!(contents(tmp.path()), before, "--diff wrote files");
    // Line endings shown, so that the snapshot proves CRLF stays CRLF.
    let show = |s: &str| s.replace('\r', "␍");
    insta::assert_snapshot!("rich_diff_safe", show(&safe_only));
    insta::assert_snapshot!("rich_diff_unsafe", show(&with_unsafe));
}

#[test]
fn fix_writes_the_diff_and_is_idempotent() {
    let tmp = rich();
    let (_, diff, _) = run(tmp.path(), &["--diff", "--unsafe-fixes"]);
    let (_, _, stderr) = run(tmp.path(), &["--fix", "--unsafe-fixes"]);
    assert!(stderr.starts_with("fixed "), "{stderr}");
    let fixed = contents(tmp.path());
    let crlf = &fixed["crlf/compose.yaml"];
    assert!(
        crlf.contains("127.0.0.1:8080:8080") && crlf.contains("cap_drop:"),
        "{crlf}"
    );
    assert_eq!(
        crlf.matches('\n').count(),
        crlf.matches("\r\n").count(),
        "a bare LF in a CRLF file:\n{crlf:?}"
    );
    assert!(
        fixed.values().all(|t| !t.contains('\t')),
        "a tab was introduced"
    );
    assert!(
        fixed["compose.yaml"].contains("    # The GitHub server: pinned, but not hardened.\n"),
        "comments are kept"
    );
    // What --fix wrote is what --diff showed: nothing left to change.
    assert!(!diff.is_empty());
    let (code, again, stderr) = run(tmp.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!((code, again.as_str()), (0, ""), "{stderr}");
    let (_, _, stderr) = run(tmp.path(), &["--fix", "--unsafe-fixes"]);
    assert!(
        stderr.starts_with("fixed 0 findings in 0 files"),
        "{stderr}"
    );
    assert_eq!(contents(tmp.path()), fixed, "a second --fix changed files");
    assert_files_parse(tmp.path());
    let report = scan_json(tmp.path());
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "syntax-error"));
}

#[test]
fn fix_alone_applies_only_safe_fixes_and_says_what_remains() {
    let tmp = rich();
    let (code, stdout, stderr) = run(tmp.path(), &["--fix", "--format", "json"]);
    assert!(
        stderr.contains("still fixable (unsafe ones need --unsafe-fixes)"),
        "{stderr}"
    );
    // The report is of the fixed files: no safe fix is left in it.
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["fix"]["applicability"] != "safe"),
        "{report}"
    );
    assert!(findings
        .iter()
        .any(|f| f["fix"]["applicability"] == "unsafe"));
    assert_eq!(
        code, 1,
        "exit code from the remaining findings (privileged is high)"
    );
    let fixed = contents(tmp.path());
    assert!(
        fixed["run.sh"].contains("--privileged"),
        "an unsafe fix was applied without --unsafe-fixes"
    );
    assert!(fixed["run.sh"].contains("-p 127.0.0.1:8000:8000"));
}

#[test]
fn applicability_says_whether_an_edit_exists() {
    // A merged security_opt cannot be extended without dropping its items:
    // the no-new-privileges fix of that service is manual.
    let report = scan_json(&fixtures().join("fix-rich"));
    let nnp: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "missing-no-new-privileges" && f["path"] == "compose.yaml")
        .map(|f| f["fix"]["applicability"].as_str().unwrap())
        .collect();
    assert_eq!(nnp, ["safe", "manual", "safe"]);
}

#[test]
fn git_urls_are_not_fixed() {
    let (code, _, stderr) = run(Path::new("https://example.invalid/repo.git"), &["--fix"]);
    assert_eq!(code, 2, "{stderr}");
}
