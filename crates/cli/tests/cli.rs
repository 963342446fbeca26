//! The command line, end to end: exit codes, every output format, options,
//! and SARIF validated against the official 2.1.0 schema.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn skillaudit() -> Command {
    let mut c = Command::cargo_bin("skillaudit").expect("binary");
    c.env_remove("NO_COLOR");
    c
}

fn json_of(dir: &Path, extra: &[&str]) -> Value {
    let out = skillaudit()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .args(extra)
        .arg(dir)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn exit_code_1_when_a_finding_reaches_fail_on() {
    skillaudit()
        .args(["scan"])
        .arg(examples().join("vulnerable-mcp-server"))
        .assert()
        .code(1);
    skillaudit()
        .args(["scan", "--fail-on", "critical"])
        .arg(examples().join("vulnerable-mcp-server"))
        .assert()
        .code(1);
}

#[test]
fn exit_code_0_when_nothing_reaches_fail_on() {
    skillaudit()
        .args(["scan"])
        .arg(examples().join("hardened-mcp-server"))
        .assert()
        .code(0);
    skillaudit()
        .args(["scan", "--fail-on", "never"])
        .arg(examples().join("vulnerable-mcp-server"))
        .assert()
        .code(0);
    // Only shown findings count: hiding everything below critical leaves nothing at high.
    let dir = fixtures().join("malformed");
    skillaudit()
        .args(["scan", "--min-severity", "critical", "--fail-on", "high"])
        .arg(&dir)
        .assert()
        .code(0);
}

#[test]
fn exit_code_2_for_usage_errors_and_unreadable_targets() {
    skillaudit()
        .args(["scan", "--format", "yaml", "."])
        .assert()
        .code(2);
    skillaudit()
        .args(["scan", "--min-severity", "severe", "."])
        .assert()
        .code(2);
    skillaudit()
        .args(["scan", "--no-such-flag"])
        .assert()
        .code(2);
    skillaudit()
        .args(["scan", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read target"));
    skillaudit()
        .args(["explain", "no-such-rule"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown rule"));
    skillaudit().assert().code(2);
}

#[test]
fn exit_code_2_for_a_git_url_that_cannot_be_fetched() {
    let missing = tempfile::tempdir().expect("tmp");
    let url = format!("file://{}/nothing.git", missing.path().display());
    skillaudit()
        .args(["scan", &url])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("could not fetch"));
}

#[test]
fn scans_a_local_git_url() {
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::copy(
        examples().join("vulnerable-mcp-server/Dockerfile"),
        repo.join("Dockerfile"),
    )
    .unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&[
        "-c",
        "user.email=t@example.com",
        "-c",
        "user.name=t",
        "commit",
        "-qm",
        "x",
    ]);
    let url = format!("file://{}", repo.display());
    let out = skillaudit()
        .args(["scan", "--format", "json", "--fail-on", "never", &url])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "missing-user" && f["path"] == "Dockerfile"));
}

#[test]
fn json_report_has_the_interface_fields() {
    let v = json_of(&examples().join("vulnerable-mcp-server"), &[]);
    assert_eq!(v["tool"]["name"], "skillaudit");
    assert!(v["tool"]["version"].is_string());
    assert!(v["targets"].is_array());
    assert_eq!(v["files_scanned"], 3);
    assert!(v["score"].as_u64().unwrap() <= 100);
    assert_eq!(v["grade"], "F");
    for k in ["critical", "high", "medium", "low", "info"] {
        assert!(v["summary"][k].is_u64(), "summary.{k}");
    }
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for k in [
            "rule",
            "severity",
            "confidence",
            "message",
            "path",
            "fingerprint",
        ] {
            assert!(f[k].is_string(), "{k} in {f}");
        }
        for k in ["line", "column", "end_line", "end_column"] {
            assert!(f[k].as_u64().unwrap() >= 1, "{k} in {f}");
        }
        assert!(f["related"].is_array());
        assert!(f["fix"].is_null() || f["fix"]["applicability"].is_string());
    }
    // Sorted by path, line, column, rule.
    let keys: Vec<(String, u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // The token in the example never leaves the process.
    let text = v.to_string();
    assert!(!text.contains("ghp_R2d7kQ9vXw3LmN8pT5yZa1Bc4De6Fg0Hi2Jk"));
    assert!(!text.contains("R2d7kQ9v"));
}

#[test]
fn min_severity_hides_and_summary_counts_what_is_shown() {
    let all = json_of(
        &examples().join("vulnerable-mcp-server"),
        &["--min-severity", "info"],
    );
    let high = json_of(
        &examples().join("vulnerable-mcp-server"),
        &["--min-severity", "high"],
    );
    let n_all = all["findings"].as_array().unwrap().len();
    let shown = high["findings"].as_array().unwrap();
    assert!(shown.len() < n_all);
    assert!(shown
        .iter()
        .all(|f| f["severity"] == "high" || f["severity"] == "critical"));
    assert_eq!(high["summary"]["medium"], 0);
    assert_eq!(
        high["summary"]["high"].as_u64().unwrap() + high["summary"]["critical"].as_u64().unwrap(),
        shown.len() as u64
    );
}

#[test]
fn output_writes_the_report_to_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    skillaudit()
        .args(["scan", "--format", "json", "--output"])
        .arg(&out)
        .arg(examples().join("vulnerable-mcp-server"))
        .assert()
        .code(1)
        .stdout("");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["tool"]["name"], "skillaudit");
    skillaudit()
        .args(["scan", "--output", "/definitely/not/here/report.txt"])
        .arg(examples().join("hardened-mcp-server"))
        .assert()
        .code(2);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-2.1.0-rtm.5.json")).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    for dir in [
        examples().join("vulnerable-mcp-server"),
        examples().join("hardened-mcp-server"),
        fixtures().join("malformed"),
    ] {
        let out = skillaudit()
            .args(["scan", "--format", "sarif", "--min-severity", "info"])
            .arg(&dir)
            .output()
            .unwrap();
        let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(rules.iter().all(|r| r["help"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("## Why is this bad?"))));
        for r in run["results"].as_array().unwrap() {
            assert!(r["partialFingerprints"]["skillaudit/v1"].is_string());
            let idx = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[idx]["id"], r["ruleId"]);
        }
    }
    // Related locations: the compound finding names every part of the chain.
    let out = skillaudit()
        .args(["scan", "--format", "sarif"])
        .arg(examples().join("vulnerable-mcp-server"))
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let chain = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "host-takeover-chain")
        .expect("chain");
    assert!(chain["relatedLocations"].as_array().unwrap().len() >= 3);
}

#[test]
fn text_output_underlines_the_source_without_colour_when_piped() {
    let out = skillaudit()
        .args(["scan"])
        .arg(fixtures().join("malformed"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "no ANSI escapes when not a terminal"
    );
    insta::assert_snapshot!("text_malformed", text);
    let coloured = skillaudit()
        .args(["scan", "--color", "always"])
        .arg(fixtures().join("malformed"))
        .output()
        .unwrap();
    assert!(String::from_utf8(coloured.stdout)
        .unwrap()
        .contains('\u{1b}'));
}

#[test]
fn a_malformed_file_is_one_syntax_error_and_the_rest_is_still_reported() {
    let v = json_of(&fixtures().join("malformed"), &["--min-severity", "info"]);
    let findings = v["findings"].as_array().unwrap();
    let errors: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "syntax-error")
        .collect();
    let compose: Vec<_> = errors
        .iter()
        .filter(|f| f["path"] == "docker-compose.yml")
        .collect();
    assert_eq!(compose.len(), 1, "{errors:#?}");
    // The unterminated quote opens on line 3.
    assert!(compose[0]["line"].as_u64().unwrap() >= 3);
    let dockerfile: Vec<_> = errors
        .iter()
        .filter(|f| f["path"] == "api/Dockerfile")
        .collect();
    assert_eq!(dockerfile.len(), 1);
    assert_eq!(dockerfile[0]["line"], 3);
    assert_eq!(dockerfile[0]["severity"], "medium");
    // Every other file is still reported, and models of the broken Dockerfile still link.
    assert!(findings
        .iter()
        .any(|f| f["rule"] == "full-os-base-image" && f["path"] == "Dockerfile"));
    assert!(findings
        .iter()
        .any(|f| f["rule"] == "privileged-container" && f["path"] == "api/compose.yaml"));
    assert_eq!(v["files_scanned"], 4);
}

#[test]
fn explicit_files_are_scanned_whatever_their_name() {
    let tmp = tempfile::tempdir().unwrap();
    let odd = tmp.path().join("deploy.conf");
    std::fs::write(
        &odd,
        "services:\n  app:\n    image: x/y:1\n    privileged: true\n",
    )
    .unwrap();
    let df = tmp.path().join("build-recipe");
    std::fs::write(&df, "FROM ubuntu:24.04\nCMD [\"bash\"]\n").unwrap();
    let out = skillaudit()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(&odd)
        .arg(&df)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"privileged-container"), "{rules:?}");
    assert!(rules.contains(&"missing-user"), "{rules:?}");
}

#[test]
fn rules_lists_the_catalogue_and_explain_prints_the_docs() {
    let out = skillaudit().arg("rules").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().count(),
        skillaudit_rules::registry::RULES.len()
    );
    assert!(text.lines().any(|l| l.starts_with("hardcoded-password")
        && l.contains("medium")
        && l.contains("image+container")));
    assert!(text
        .lines()
        .any(|l| l.starts_with("missing-user") && l.contains("high")));
    assert!(text
        .lines()
        .any(|l| l.starts_with("unused-ignore") && l.contains("info")));
    assert!(text
        .lines()
        .any(|l| l.starts_with("host-takeover-chain") && l.contains("critical")));
    let out = skillaudit()
        .args(["explain", "docker-socket-mount"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc = String::from_utf8(out.stdout).unwrap();
    for heading in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Fix",
    ] {
        assert!(doc.contains(heading), "{heading}");
    }
    assert!(doc.starts_with("# docker-socket-mount\n\n- **Severity:** critical"));
}

#[test]
fn every_output_format_is_reachable_from_the_command_line() {
    let dir = examples().join("vulnerable-mcp-server");
    let run = |format: &str| {
        let out = skillaudit()
            .args(["scan", "--format", format])
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: the exit code does not depend on the format"
        );
        let text = String::from_utf8(out.stdout).unwrap();
        // The example's token never leaves the process, whatever the format.
        assert!(!text.contains("R2d7kQ9v"), "{format}");
        text
    };
    assert!(run("github")
        .lines()
        .any(|l| l.starts_with("::error file=compose.yaml,line=")));
    let gitlab: Value = serde_json::from_str(&run("gitlab")).expect("gitlab is JSON");
    assert!(gitlab
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["check_name"] == "docker-socket-mount" && i["severity"] == "blocker"));
    let junit = run("junit");
    assert!(junit.starts_with("<?xml") && junit.contains("<failure message="));
    assert!(run("markdown").starts_with("## skillaudit: grade F"));
    let html = run("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("sa-grade-F"));
}

// --- ignores, configuration, baselines ----------------------------------------

/// A tiny repository: one privileged service with an ignore comment.
fn ignored_repo(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true # skillaudit: ignore[privileged-container] reviewed\n    cap_add: [SYS_ADMIN]\n",
    )
    .unwrap();
    if let Some(c) = config {
        std::fs::write(dir.path().join("skillaudit.toml"), c).unwrap();
    }
    dir
}

fn rules_of(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ignore_comments_and_no_ignores() {
    let dir = ignored_repo(None);
    let v = json_of(dir.path(), &[]);
    assert!(!rules_of(&v).contains(&"privileged-container".to_string()));
    assert!(rules_of(&v).contains(&"dangerous-capability".to_string()));
    assert_eq!(v["ignored"], 1);
    assert_eq!(v["baselined"], 0);
    let v = json_of(dir.path(), &["--no-ignores"]);
    assert!(rules_of(&v).contains(&"privileged-container".to_string()));
    assert_eq!(v["ignored"], 0);
    // The text report says how many were ignored.
    let out = skillaudit()
        .args(["scan", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("1 finding ignored by comments or configuration (--no-ignores shows them)."));
}

#[test]
fn the_configuration_sets_defaults_that_flags_override() {
    // fail-on = never in the config: exit 0 despite a high finding; the flag wins.
    let dir = ignored_repo(Some("fail-on = \"never\"\nmin-severity = \"info\"\n"));
    skillaudit().args(["scan"]).arg(dir.path()).assert().code(0);
    skillaudit()
        .args(["scan", "--fail-on", "high"])
        .arg(dir.path())
        .assert()
        .code(1);
    // min-severity = info in the config shows info findings; --min-severity hides them.
    let has_info = |extra: &[&str]| {
        let v = json_of(dir.path(), extra);
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "info")
    };
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27 # skillaudit: ignore[no-such-rule]\n",
    )
    .unwrap();
    assert!(has_info(&[]));
    assert!(!has_info(&["--min-severity", "low"]));
    // --config FILE elsewhere replaces the one at the root.
    let other = tempfile::tempdir().unwrap();
    let path = other.path().join("ci.toml");
    std::fs::write(&path, "disable = [\"dangerous-capability\"]\n").unwrap();
    let dir = ignored_repo(Some("fail-on = \"never\"\n"));
    skillaudit()
        .args(["scan", "--config"])
        .arg(&path)
        .arg(dir.path())
        .assert()
        .code(0);
    skillaudit()
        .args(["scan", "--no-ignores", "--config"])
        .arg(&path)
        .arg(dir.path())
        .assert()
        .code(1);
}

#[test]
fn exit_code_2_for_an_invalid_or_missing_configuration() {
    let dir = ignored_repo(Some("fail-on = \"high\"\nunknown = 1\n"));
    skillaudit()
        .args(["scan"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "skillaudit.toml:2:1: unknown key `unknown`",
        ));
    let dir = ignored_repo(Some(
        "[[ignore]]\nrules = [\"privileged\"]\npaths = [\"x\"]\n",
    ));
    skillaudit()
        .args(["scan"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "skillaudit.toml:2:10: unknown rule id `privileged`",
        ));
    let dir = ignored_repo(Some("exclude = [\"a/[\"]\n"));
    skillaudit()
        .args(["scan"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "skillaudit.toml:1:12: `exclude`: invalid glob",
        ));
    let dir = ignored_repo(None);
    skillaudit()
        .args(["scan", "--config", "/definitely/not/here.toml"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read the configuration"));
}

#[test]
fn baselines_write_then_compare() {
    let dir = ignored_repo(None);
    let baseline = dir.path().join("baseline.json");
    // Writing exits 0 whatever was found, and says what it wrote.
    skillaudit()
        .args(["scan", "--write-baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicates::str::contains("to the baseline"));
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(file["tool"]["name"], "skillaudit");
    let entries = file["findings"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["fingerprint"].is_string()
        && e["rule"].is_string()
        && e["path"] == "compose.yaml"
        && e["line"].is_u64()
        && e["message"].is_string()));
    assert!(
        !entries.iter().any(|e| e["rule"] == "privileged-container"),
        "ignored findings are not recorded"
    );
    let recorded = entries.len() as u64;

    // Nothing new: exit 0, score 100, and the count of what the baseline hid.
    skillaudit()
        .args(["scan", "--baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("in the baseline not shown"));
    let v = json_of(
        dir.path(),
        &[
            "--baseline",
            baseline.to_str().unwrap(),
            "--min-severity",
            "info",
        ],
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["baselined"], recorded);
    assert_eq!(v["score"], 100);

    // A new finding fails the run again, and only it is reported.
    let compose = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        format!("{compose}    network_mode: host\n"),
    )
    .unwrap();
    skillaudit()
        .args(["scan", "--baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .assert()
        .code(1);
    let v = json_of(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(rules_of(&v), ["host-namespace"]);
}

#[test]
fn exit_code_2_for_a_missing_or_invalid_baseline() {
    let dir = ignored_repo(None);
    skillaudit()
        .args(["scan", "--baseline", "/definitely/not/here.json"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read baseline"));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    skillaudit()
        .args(["scan", "--baseline"])
        .arg(&bad)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a skillaudit baseline"));
    skillaudit()
        .args(["scan", "--write-baseline", "/definitely/not/here/b.json"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot write baseline"));
}

#[test]
fn explain_of_the_secret_rules_says_what_is_credential_shaped_and_what_is_a_placeholder() {
    for id in [
        "secret-in-image",
        "secret-in-environment",
        "secret-file-in-image",
        "hardcoded-password",
    ] {
        let out = skillaudit().args(["explain", id]).output().unwrap();
        assert!(out.status.success(), "{id}");
        let doc = String::from_utf8(out.stdout).unwrap().to_lowercase();
        let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in [
            "known token format",
            "high-entropy",
            "placeholder",
            "changeme",
            "weak",
            "default password",
        ] {
            assert!(
                doc.contains(needle),
                "`explain {id}` does not mention {needle:?}"
            );
        }
    }
}

/// Contexts (issue 14): `context` and `occurrences` in JSON, `--context`,
/// `[context.<name>]` in skillaudit.toml, and the SARIF property.
#[test]
fn contexts_filter_and_configure_and_examples_are_grouped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut readme = String::from("# Demo\n\n");
    for i in 0..3 {
        readme.push_str(&format!(
            "```bash\ndocker run -i --rm ghcr.io/acme/mcp-demo:1.{i}\n```\n\n"
        ));
    }
    std::fs::write(dir.path().join("README.md"), readme).expect("write");
    std::fs::create_dir_all(dir.path().join(".github/workflows")).expect("mkdir");
    std::fs::write(
        dir.path().join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker run --privileged ghcr.io/o/s:1\n",
    )
    .expect("write");
    let all = json_of(dir.path(), &["--min-severity", "info"]);
    let findings = all["findings"].as_array().expect("findings");
    let docs: Vec<&Value> = findings
        .iter()
        .filter(|f| f["path"] == "README.md")
        .collect();
    assert!(!docs.is_empty());
    for f in &docs {
        assert_eq!(f["context"], "documentation", "{f}");
        assert_eq!(f["occurrences"], 3, "{f}");
        assert_eq!(f["related"].as_array().map(Vec::len), Some(2), "{f}");
    }
    assert!(findings.iter().any(|f| f["context"] == "ci"
        && f["rule"] == "privileged-container"
        && f["severity"] == "high"));

    let only_ci = json_of(dir.path(), &["--context", "ci", "--min-severity", "info"]);
    let ci = only_ci["findings"].as_array().expect("findings");
    assert!(!ci.is_empty());
    assert!(ci.iter().all(|f| f["context"] == "ci"));

    std::fs::write(
        dir.path().join("skillaudit.toml"),
        "[context.ci]\nseverity-offset = -1\n",
    )
    .expect("write");
    let lowered = json_of(dir.path(), &["--context", "ci,documentation"]);
    let lowered = lowered["findings"].as_array().expect("findings");
    assert!(lowered.iter().any(|f| f["context"] == "documentation"));
    assert!(lowered
        .iter()
        .any(|f| f["rule"] == "privileged-container" && f["severity"] == "medium"));

    let out = skillaudit()
        .args(["scan", "--format", "sarif", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results
        .iter()
        .any(|r| r["properties"]["context"] == "documentation"
            && r["properties"]["occurrences"] == 3));

    let bad = skillaudit()
        .args(["scan", "--context", "prod"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

/// The README's tour shows real output: every line of each `$ skillaudit
/// scan examples/…` block (other than the `…` and `...` elisions) is a line
/// of what the command prints today.
#[test]
fn the_readme_tour_shows_what_the_scanner_prints() {
    let readme = std::fs::read_to_string(examples().join("../README.md")).expect("README");
    let mut blocks = 0;
    for block in readme.split("```text\n").skip(1) {
        let block = block.split("```").next().unwrap_or_default();
        let Some(rest) = block.strip_prefix("$ skillaudit scan examples/") else {
            continue;
        };
        let (example, shown) = rest.split_once('\n').expect("a command line");
        blocks += 1;
        let out = skillaudit()
            .args(["scan", "--color", "never", "--fail-on", "never"])
            .arg(examples().join(example))
            .output()
            .expect("runs");
        let printed = String::from_utf8_lossy(&out.stdout);
        let lines: std::collections::HashSet<&str> = printed.lines().map(str::trim_end).collect();
        for line in shown.lines().map(str::trim_end) {
            if line == "…" || line == "..." || line.is_empty() {
                continue;
            }
            assert!(
                lines.contains(line),
                "README tour of examples/{example}: this line is not printed any more:\n{line}\n\nprinted:\n{printed}"
            );
        }
    }
    assert!(blocks >= 2, "the tour shows at least two scans");
}
