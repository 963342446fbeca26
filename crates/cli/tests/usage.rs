//! Usage errors read well and exit 2; `--quiet`; no progress output when
//! standard error is not a terminal; `explain` and `generate-docs`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn skillaudit() -> Command {
    let mut c = Command::cargo_bin("skillaudit").expect("binary");
    c.env_remove("NO_COLOR");
    c
}

/// Run, expect exit 2 and nothing on stdout; return stderr.
fn usage_error(args: &[&str]) -> String {
    let out = skillaudit().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "{args:?} printed a report");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    err
}

#[test]
fn unknown_format_names_the_possible_values() {
    let err = usage_error(&["scan", "--format", "yaml", "."]);
    assert!(
        err.contains("invalid value 'yaml' for '--format <FORMAT>'"),
        "{err}"
    );
    assert!(err.contains("[possible values: text, json, sarif"), "{err}");
}

#[test]
fn unknown_severity_names_the_possible_values() {
    let err = usage_error(&["scan", "--min-severity", "severe", "."]);
    assert!(
        err.contains("invalid value 'severe' for '--min-severity <MIN_SEVERITY>'"),
        "{err}"
    );
    assert!(err.contains("critical, high, medium, low, info"), "{err}");
    let err = usage_error(&["scan", "--fail-on", "sometimes", "."]);
    assert!(err.contains("never"), "fail-on also accepts never: {err}");
}

#[test]
fn a_nonexistent_target_is_named() {
    let err = usage_error(&["scan", "/definitely/not/here"]);
    assert_eq!(
        err,
        "error: cannot read target /definitely/not/here: no such file or directory\n"
    );
    // Also among other, valid targets: nothing is scanned.
    let hardened = examples().join("hardened-mcp-server");
    let err = usage_error(&["scan", hardened.to_str().unwrap(), "missing-dir"]);
    assert!(
        err.contains("cannot read target missing-dir: no such file or directory"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_target_is_an_error_not_an_empty_scan() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("locked");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("Dockerfile"), "FROM alpine:3.20\n").unwrap();
    let file = tmp.path().join("Dockerfile");
    std::fs::write(&file, "FROM alpine:3.20\n").unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    // A privileged user (root in a container) reads them anyway: then
    // there is no unreadable target to test.
    if std::fs::read_dir(&dir).is_err() {
        let err = usage_error(&["scan", dir.to_str().unwrap()]);
        assert!(
            err.contains("cannot read target directory") && err.contains("permission denied"),
            "{err}"
        );
        let err = usage_error(&["scan", file.to_str().unwrap()]);
        assert!(
            err.contains("cannot read target file") && err.contains("permission denied"),
            "{err}"
        );
    } else {
        eprintln!("note: running with privileges that read mode-000 files; the unreadable-target check is skipped");
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_git_url_that_cannot_be_fetched_says_so() {
    let missing = tempfile::tempdir().expect("tmp");
    let url = format!("file://{}/nothing.git", missing.path().display());
    let out = skillaudit()
        .args(["scan", &url])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    // git's own reason, then ours.
    assert!(
        err.contains(&format!("error: could not fetch {url} (git clone failed)")),
        "{err}"
    );
}

#[test]
fn explain_of_an_unknown_rule_suggests_close_ids() {
    let err = usage_error(&["explain", "missing-usr"]);
    assert_eq!(err, "error: unknown rule `missing-usr` (did you mean `missing-user`?)\n       `skillaudit rules` lists every rule\n");
    let err = usage_error(&["explain", "socket"]);
    assert!(
        err.contains("did you mean `docker-socket-in-image`, `docker-socket-mount`?"),
        "{err}"
    );
    let err = usage_error(&["explain", "qqqq"]);
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn output_into_a_directory_or_a_missing_directory_is_refused_before_scanning() {
    let tmp = tempfile::tempdir().unwrap();
    let hardened = examples().join("hardened-mcp-server");
    let err = usage_error(&[
        "scan",
        "--output",
        tmp.path().to_str().unwrap(),
        hardened.to_str().unwrap(),
    ]);
    assert!(
        err.contains("is a directory; give the path of a file"),
        "{err}"
    );
    let target = tmp.path().join("no/such/dir/report.json");
    let err = usage_error(&[
        "scan",
        "--output",
        target.to_str().unwrap(),
        hardened.to_str().unwrap(),
    ]);
    assert!(err.contains("does not exist"), "{err}");
    assert!(!tmp.path().join("no").exists());
}

#[test]
fn flags_with_bad_values_and_unknown_flags_exit_2() {
    let err = usage_error(&["scan", "--max-file-size", "0", "."]);
    assert!(err.contains("0 is not in 1..="), "{err}");
    let err = usage_error(&["scan", "--max-file-size", "lots", "."]);
    assert!(err.contains("invalid value 'lots'"), "{err}");
    let err = usage_error(&["scan", "--no-such-flag"]);
    assert!(
        err.contains("unexpected argument '--no-such-flag'"),
        "{err}"
    );
    let err = usage_error(&["scna"]);
    assert!(
        err.contains("unrecognized subcommand 'scna'")
            && err.contains("similar subcommand exists: 'scan'"),
        "{err}"
    );
    // No subcommand: the usage, on stderr, exit 2.
    let out = skillaudit().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: skillaudit <COMMAND>"));
    // --help and --version are not errors.
    skillaudit()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("scan"));
    skillaudit()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("skillaudit "));
}

#[test]
fn quiet_prints_the_findings_alone() {
    let vulnerable = examples().join("vulnerable-mcp-server");
    let loud = skillaudit()
        .args(["scan"])
        .arg(&vulnerable)
        .output()
        .unwrap();
    let quiet = skillaudit()
        .args(["scan", "--quiet"])
        .arg(&vulnerable)
        .output()
        .unwrap();
    assert_eq!(
        quiet.status.code(),
        loud.status.code(),
        "the exit code does not change"
    );
    let loud = String::from_utf8(loud.stdout).unwrap();
    let quiet = String::from_utf8(quiet.stdout).unwrap();
    assert!(loud.contains("Security score"));
    assert!(!quiet.contains("Security score"), "{quiet}");
    assert!(quiet.contains("critical[host-takeover-chain]"));
    // The same findings, only without the summary.
    assert!(
        loud.starts_with(&quiet),
        "quiet output is the start of the full output"
    );
    // Nothing to report: nothing printed at all.
    skillaudit()
        .args(["scan", "-q"])
        .arg(examples().join("hardened-mcp-server"))
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
    // Machine formats keep their whole document.
    let out = skillaudit()
        .args(["scan", "-q", "--format", "json"])
        .arg(&vulnerable)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["score"].is_u64() && v["notices"].is_array());
}

#[test]
fn quiet_hides_skipped_file_notices_in_text() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("Dockerfile"),
        format!("FROM alpine:3.20\n#{}\n", "x".repeat(2 << 20)),
    )
    .unwrap();
    let loud = skillaudit()
        .args(["scan", "--max-file-size", "1"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&loud.stdout)
        .contains("skipped: Dockerfile: file is 2 MiB, over the 1 MiB limit"));
    skillaudit()
        .args(["scan", "--quiet", "--max-file-size", "1"])
        .arg(tmp.path())
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
}

#[test]
fn no_progress_output_when_stderr_is_not_a_terminal() {
    // A scan that runs past the indicator's delay (a few thousand files).
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        let d = tmp.path().join(format!("s{i}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(
            d.join("compose.yaml"),
            "services:\n  app:\n    image: x/y:1\n    privileged: true\n",
        )
        .unwrap();
    }
    let out = skillaudit()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files_scanned"], 3000);
}

/// Run a command line under a pseudo-terminal (util-linux `script`), so
/// that standard error is a terminal; `None` when `script` is missing.
fn on_a_terminal(command: &str) -> Option<String> {
    let out = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env("SKILLAUDIT_PROGRESS_DELAY_MS", "0")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn progress_on_a_terminal_unless_quiet() {
    let bin = assert_cmd::cargo::cargo_bin("skillaudit");
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("r.json");
    let target = examples().join("vulnerable-mcp-server");
    let cmd = format!(
        "{} scan --fail-on never --format json --output {} {}",
        bin.display(),
        report.display(),
        target.display()
    );
    let Some(shown) = on_a_terminal(&cmd) else {
        eprintln!(
            "note: util-linux `script` is not available; the terminal progress check is skipped"
        );
        return;
    };
    assert!(shown.starts_with('\r'), "{shown:?}");
    assert!(shown.contains("files"), "{shown:?}");
    // Erased at the end: the last thing written returns to the start of a blank line.
    assert!(shown.ends_with('\r'), "{shown:?}");
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("host-takeover-chain"));
    let quiet = on_a_terminal(&format!("{cmd} --quiet")).unwrap();
    assert_eq!(quiet, "", "--quiet draws no progress");
}

#[test]
fn explain_prints_the_generated_page() {
    let out = skillaudit()
        .args(["explain", "missing-user"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    let on_disk = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules/missing-user.md"),
    )
    .unwrap();
    assert_eq!(
        page, on_disk,
        "`explain` and docs/rules/missing-user.md differ: regenerate the docs"
    );
}

#[test]
fn generate_docs_writes_and_checks_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("rules");
    skillaudit()
        .args(["generate-docs", "--check"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("run `skillaudit generate-docs"));
    skillaudit()
        .arg("generate-docs")
        .arg(&dir)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("wrote"));
    skillaudit()
        .args(["generate-docs", "--check"])
        .arg(&dir)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("is up to date"));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        skillaudit_rules::registry::RULES.len() + 1
    );
    std::fs::write(dir.join("root-user.md"), "stale\n").unwrap();
    skillaudit()
        .args(["generate-docs", "--check"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("root-user.md is out of date"));
    // Hidden from the help: it is a maintainer's command.
    skillaudit()
        .arg("--help")
        .assert()
        .stdout(predicate::str::contains("generate-docs").not());
}
