//! The integrations at the repository root, checked against the command
//! line they drive: the GitHub Action (`action.yml`), the pre-commit hooks
//! (`.pre-commit-hooks.yaml`), skillaudit's own `Dockerfile` with its
//! `.dockerignore`, and a scan of the repository itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;
use skillaudit_syntax::dockerignore::DockerIgnore;
use skillaudit_syntax::tree::{yaml, NodeRef, Stream};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("skillaudit")
}

fn skillaudit() -> Command {
    let mut c = Command::cargo_bin("skillaudit").expect("binary");
    c.env_remove("NO_COLOR");
    c
}

fn parse_yaml(path: &Path) -> (String, Stream) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let stream = yaml::parse(&text);
    assert!(
        stream.error.is_none(),
        "{}: {:?}",
        path.display(),
        stream.error
    );
    assert!(
        stream.duplicate_keys.is_empty(),
        "{}: duplicate keys",
        path.display()
    );
    (text, stream)
}

fn root(stream: &Stream) -> NodeRef<'_> {
    stream
        .documents
        .first()
        .and_then(|d| d.root())
        .expect("a document")
}

fn str_of<'a>(node: NodeRef<'a>, key: &str) -> Option<&'a str> {
    node.value(key).and_then(|v| v.as_str())
}

/// The long flags `skillaudit scan` accepts, from its help.
fn scan_flags() -> BTreeSet<String> {
    let out = skillaudit().args(["scan", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    Regex::new(r"--[a-z][a-z-]*")
        .unwrap()
        .find_iter(&help)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// The JSON report of a scan run in `dir` with `args`.
fn scan_json(dir: &Path, args: &[&str]) -> Value {
    let out = skillaudit()
        .current_dir(dir)
        .args([
            "scan",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--min-severity",
            "info",
        ])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn findings(report: &Value) -> BTreeSet<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- action.yml

struct Action {
    text: String,
    stream: Stream,
}

fn action() -> Action {
    let (text, stream) = parse_yaml(&repo().join("action.yml"));
    Action { text, stream }
}

impl Action {
    fn steps(&self) -> Vec<NodeRef<'_>> {
        let runs = root(&self.stream).value("runs").expect("runs");
        assert_eq!(str_of(runs, "using"), Some("composite"));
        runs.value("steps").expect("steps").items()
    }

    fn step(&self, id: &str) -> NodeRef<'_> {
        self.steps()
            .into_iter()
            .find(|s| str_of(*s, "id") == Some(id))
            .unwrap_or_else(|| panic!("no step {id}"))
    }
}

#[test]
fn action_inputs_are_declared_and_used_and_steps_are_well_formed() {
    let a = action();
    let doc = root(&a.stream);
    let declared: BTreeSet<String> = doc
        .value("inputs")
        .expect("inputs")
        .entries()
        .iter()
        .filter_map(|(k, _)| k.as_str().map(String::from))
        .collect();
    // Everything after `inputs:` that refers to an input.
    let body = &a.text[a.text.find("\noutputs:").expect("outputs")..];
    let used: BTreeSet<String> = Regex::new(r"inputs\.([A-Za-z0-9_-]+)")
        .unwrap()
        .captures_iter(body)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(
        declared, used,
        "declared inputs (left) and inputs the steps use (right)"
    );
    for required in ["paths", "min-severity", "fail-on", "args"] {
        assert!(declared.contains(required), "{required}");
    }

    let mut ids = BTreeSet::new();
    let step_ref = Regex::new(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)").unwrap();
    let pinned = Regex::new(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$").unwrap();
    for step in a.steps() {
        let span = step.node().span;
        let step_text = &a.text[span.start as usize..span.end as usize];
        for c in step_ref.captures_iter(step_text) {
            assert!(
                ids.contains(&c[1]),
                "step output {} used before step {} runs",
                &c[0],
                &c[1]
            );
        }
        if let Some(uses) = str_of(step, "uses") {
            assert!(
                pinned.is_match(uses),
                "{uses} is not pinned to a major version or a commit"
            );
        }
        if step.value("run").is_some() {
            assert_eq!(
                str_of(step, "shell"),
                Some("bash"),
                "a composite run step needs a shell"
            );
            // No expression is spliced into a script: inputs go through env.
            assert!(!str_of(step, "run").unwrap().contains("${{"), "{step_text}");
        }
        if let Some(id) = str_of(step, "id") {
            ids.insert(id.to_string());
        }
    }
    // The upload comes before the step that fails on findings.
    let names: Vec<String> = a
        .steps()
        .iter()
        .map(|s| {
            str_of(*s, "uses")
                .or(str_of(*s, "name"))
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let upload = names
        .iter()
        .position(|n| n.starts_with("github/codeql-action/upload-sarif@"))
        .expect("upload-sarif step");
    let fail = names
        .iter()
        .position(|n| n.starts_with("Fail on findings"))
        .expect("fail step");
    assert!(upload < fail, "{names:?}");
}

#[test]
fn action_scripts_use_only_flags_the_cli_has() {
    let a = action();
    let flags = scan_flags();
    let mut checked = 0;
    let flag_re = Regex::new(r"\s(--[a-z][a-z-]*)").unwrap();
    for step in a.steps() {
        let Some(script) = str_of(step, "run") else {
            continue;
        };
        for line in script.lines().filter(|l| {
            l.trim_start().starts_with("skillaudit scan") || l.contains(" skillaudit scan ")
        }) {
            for flag in flag_re.captures_iter(line) {
                assert!(
                    flags.contains(&flag[1]),
                    "`{}` is not a flag of `skillaudit scan`: {line}",
                    &flag[1]
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 8,
        "only {checked} flags found in the action's scripts"
    );
    assert!(a
        .text
        .contains("cargo install --locked --force --path \"$GITHUB_ACTION_PATH/crates/cli\""));
    assert!(repo().join("crates/cli/Cargo.toml").exists());
}

/// Run the action's scan step as the runner would: bash with `-eo pipefail`,
/// inputs in the environment, outputs in `$GITHUB_OUTPUT`.
fn run_scan_step(workspace: &Path, inputs: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let a = action();
    let step = a.step("scan");
    let script = str_of(step, "run").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("step.sh");
    std::fs::write(&file, script).unwrap();
    let output = tmp.path().join("github_output");
    std::fs::write(&output, "").unwrap();
    let path = format!(
        "{}:{}",
        bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&file)
        .current_dir(workspace)
        .env("PATH", path)
        .env("HOME", tmp.path())
        .env("GITHUB_OUTPUT", &output);
    // The step's env: block, with the action's defaults for inputs not given.
    let doc = root(&a.stream);
    let defaults = doc.value("inputs").unwrap();
    let from_input = Regex::new(r"^\$\{\{ inputs\.([a-z-]+) \}\}$").unwrap();
    for (k, v) in step.value("env").expect("env").entries() {
        let input = from_input
            .captures(v.as_str().unwrap())
            .expect("env from an input")[1]
            .to_string();
        let value = inputs
            .iter()
            .find(|(n, _)| *n == input)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| {
                str_of(defaults.value(&input).unwrap(), "default")
                    .unwrap()
                    .to_string()
            });
        cmd.env(k.as_str().unwrap(), value);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        std::fs::read_to_string(&output).unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_action_scan_step_writes_sarif_and_defers_failure_until_after_the_upload() {
    let examples = repo().join("examples");
    // Findings at fail-on: the step itself succeeds, exit-code says 1.
    let (code, outputs, log) = run_scan_step(
        &examples,
        &[
            ("paths", "vulnerable-mcp-server\nhardened-mcp-server"),
            ("sarif-file", "out.sarif"),
        ],
    );
    let sarif_path = examples.join("out.sarif");
    let sarif = std::fs::read_to_string(&sarif_path);
    let _ = std::fs::remove_file(&sarif_path);
    assert_eq!(code, Some(0), "{log}");
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(outputs.contains("sarif-file=out.sarif\n"), "{outputs}");
    assert!(
        log.contains("host-takeover-chain"),
        "the findings are in the log"
    );
    let sarif: Value = serde_json::from_str(&sarif.expect("SARIF written")).unwrap();
    let uris: BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.iter().any(|u| u.starts_with("vulnerable-mcp-server/")),
        "{uris:?}"
    );

    // fail-on never and extra arguments.
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("r.sarif");
    let (code, outputs, _) = run_scan_step(
        &examples,
        &[
            ("paths", "vulnerable-mcp-server"),
            ("fail-on", "never"),
            ("min-severity", "critical"),
            ("args", "--max-file-size 4"),
            ("sarif-file", report.to_str().unwrap()),
        ],
    );
    assert_eq!(code, Some(0));
    assert!(outputs.contains("exit-code=0\n"), "{outputs}");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let rule = skillaudit_rules::registry::find(r["ruleId"].as_str().unwrap()).unwrap();
        assert_eq!(
            rule.severity,
            skillaudit_rules::Severity::Critical,
            "min-severity critical shows {}",
            rule.id
        );
    }

    // A usage error fails the step at once (exit 2), before any upload.
    let (code, outputs, _) = run_scan_step(
        &examples,
        &[
            ("paths", "hardened-mcp-server"),
            ("fail-on", "severe"),
            ("sarif-file", report.to_str().unwrap()),
        ],
    );
    assert_eq!(code, Some(2));
    assert!(outputs.contains("exit-code=2\n"), "{outputs}");
}

#[test]
fn the_action_file_scans_without_a_syntax_error() {
    let report = scan_json(
        &repo(),
        &[
            "action.yml",
            ".pre-commit-hooks.yaml",
            "Dockerfile",
            "skillaudit.toml",
        ],
    );
    let errors: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "syntax-error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(report["notices"].as_array().unwrap().is_empty(), "{report}");
}

// ------------------------------------------------------------- pre-commit

fn hooks() -> Vec<(String, String, Regex)> {
    let (_, stream) = parse_yaml(&repo().join(".pre-commit-hooks.yaml"));
    root(&stream)
        .items()
        .into_iter()
        .map(|h| {
            assert_eq!(
                h.value("pass_filenames").and_then(|v| v.as_bool()),
                Some(true)
            );
            let language = str_of(h, "language").expect("language").to_string();
            assert!(
                matches!(language.as_str(), "docker" | "system"),
                "{language}"
            );
            let entry = str_of(h, "entry").expect("entry");
            assert_eq!(entry, "skillaudit scan");
            let files = Regex::new(str_of(h, "files").expect("files")).expect("files is a regex");
            (str_of(h, "id").expect("id").to_string(), language, files)
        })
        .collect()
}

#[test]
fn pre_commit_hooks_select_the_files_skillaudit_reads() {
    let hooks = hooks();
    assert!(hooks.iter().any(|(id, _, _)| id == "skillaudit"));
    for (id, language, files) in &hooks {
        for path in [
            "Dockerfile",
            "api/Dockerfile.prod",
            "Containerfile",
            "images/app.dockerfile",
            "compose.yaml",
            "deploy/docker-compose.override.yml",
            ".github/workflows/ci.yml",
            ".mcp.json",
            ".vscode/mcp.json",
            ".codex/config.toml",
            ".devcontainer/devcontainer.json",
            "k8s/deploy.yaml",
            "scripts/run.sh",
            "Makefile",
            "justfile",
            "README.md",
            "docs/readme.markdown",
            "server.json",
        ] {
            assert!(files.is_match(path), "hook {id} misses {path}");
        }
        for path in [
            "src/main.rs",
            "docs/guide.md",
            "package-lock.jsonl",
            "image.png",
            "LICENSE",
        ] {
            assert!(!files.is_match(path), "hook {id} selects {path}");
        }
        if language == "docker" {
            // pre-commit builds the repository's Dockerfile and runs the entry's first word in it.
            let df = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
            assert!(
                df.contains("/usr/local/bin/skillaudit"),
                "skillaudit must be on the image's PATH"
            );
        }
    }
}

/// Every file under `base` (relative, `/`-separated), not descending into
/// entries named in `skip`.
fn files_under(base: &Path, skip: &[&str]) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, skip: &[&str], out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if skip.iter().any(|s| e.file_name() == *s) {
                continue;
            }
            if p.is_dir() {
                walk(base, &p, skip, out);
            } else {
                out.push(
                    p.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(base, base, skip, &mut out);
    out
}

/// Files under `dir` (relative, `/`-separated) that a hook's `files` selects.
fn selected(dir: &Path, files: &Regex) -> Vec<String> {
    let mut all = files_under(dir, &[]);
    all.retain(|p| files.is_match(p));
    all.sort();
    all
}

#[test]
fn explicit_files_as_pre_commit_passes_them_find_what_a_directory_scan_finds() {
    let (_, _, files) = hooks()
        .into_iter()
        .find(|(id, _, _)| id == "skillaudit")
        .unwrap();
    let sources = repo().join("crates/engine/tests/fixtures/sources");
    let mut dirs = vec![
        repo().join("examples/vulnerable-mcp-server"),
        repo().join("examples/hardened-mcp-server"),
    ];
    dirs.extend(
        std::fs::read_dir(&sources)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir()),
    );
    let mut compared = 0;
    for dir in dirs {
        let paths = selected(&dir, &files);
        assert!(!paths.is_empty(), "{}", dir.display());
        let args: Vec<&str> = paths.iter().map(String::as_str).collect();
        let explicit = scan_json(&dir, &args);
        let walked = scan_json(&dir, &["."]);
        assert_eq!(
            findings(&explicit),
            findings(&walked),
            "{}: files {paths:?}",
            dir.display()
        );
        assert_eq!(
            explicit["files_scanned"],
            walked["files_scanned"],
            "{}",
            dir.display()
        );
        compared += findings(&walked).len();
    }
    assert!(compared > 50, "only {compared} findings compared");
}

// -------------------------------------------------------- the Dockerfile

#[test]
fn the_dockerfile_scores_grade_a_with_no_finding() {
    let report = scan_json(&repo(), &["Dockerfile"]);
    assert_eq!(report["files_scanned"], 1);
    assert_eq!(report["grade"], "A");
    assert_eq!(report["score"], 100);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{report:#}"
    );
    // Its run instructions: non-root user, skillaudit as the entrypoint.
    let df = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let last_from = df.lines().rfind(|l| l.starts_with("FROM ")).unwrap();
    assert!(
        last_from.contains("distroless") && last_from.contains(":nonroot"),
        "{last_from}"
    );
    assert!(df.contains("\nUSER 65532:65532\n"));
    assert!(df.contains("\nENTRYPOINT [\"skillaudit\"]\n"));
    assert!(df.contains("cargo build --release --locked -p skillaudit"));
}

/// Every file of the repository (outside `.git` and build output), relative.
fn repo_files() -> Vec<String> {
    files_under(&repo(), &[".git", "target"])
}

#[test]
fn the_build_context_holds_what_cargo_needs_and_no_secret_looking_file() {
    let ignore =
        DockerIgnore::parse(&std::fs::read_to_string(repo().join(".dockerignore")).unwrap());
    let files = repo_files();
    let needed = Regex::new(
        r"^(Cargo\.(toml|lock)|crates/[^/]+/(Cargo\.toml|src/.+\.rs|benches/[^/]+\.rs))$",
    )
    .unwrap();
    let mut n = 0;
    for f in &files {
        if needed.is_match(f) {
            assert!(
                !ignore.is_excluded(f),
                "{f} is needed by `cargo build` but .dockerignore excludes it"
            );
            n += 1;
        }
        if skillaudit_rules::analysis::secret_file_kind(f).is_some() {
            assert!(
                ignore.is_excluded(f),
                "{f} looks like a secret and would be sent to the build"
            );
        }
    }
    assert!(n > 50, "only {n} needed files found");
    for f in [
        ".git/config",
        "target/release/skillaudit",
        "README.md",
        "crates/engine/tests/rules.rs",
        "examples/vulnerable-mcp-server/Dockerfile",
    ] {
        assert!(ignore.is_excluded(f), "{f} reaches the build context");
    }
    // What the Dockerfile copies exists.
    let df = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    for line in df
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        for src in &words[1..words.len() - 1] {
            assert!(repo().join(src).exists(), "{line}");
        }
    }
}

// ------------------------------------------------- the repository itself

#[test]
fn scanning_the_repository_reports_only_its_deliberately_insecure_material() {
    // The paths skillaudit.toml excludes (test fixtures, benchmark inputs,
    // the vulnerable example), as globs.
    let config = std::fs::read_to_string(repo().join("skillaudit.toml")).unwrap();
    let excluded: Vec<Regex> = Regex::new(r#""([^"]+)""#)
        .unwrap()
        .captures_iter(&config)
        .map(|c| {
            Regex::new(&format!(
                "^{}(/|$)",
                regex::escape(&c[1]).replace(r"\*", "[^/]*")
            ))
            .unwrap()
        })
        .collect();
    assert!(excluded.len() >= 3);
    let report = scan_json(&repo(), &["."]);
    let outside: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            !excluded
                .iter()
                .any(|e| e.is_match(f["path"].as_str().unwrap()))
        })
        .map(|f| {
            format!(
                "{}:{}: {} {}",
                f["path"], f["line"], f["rule"], f["message"]
            )
        })
        .collect();
    assert!(
        outside.is_empty(),
        "findings outside the excluded material:\n{}",
        outside.join("\n")
    );
    assert!(
        report["notices"].as_array().unwrap().is_empty(),
        "{}",
        report["notices"]
    );
}
