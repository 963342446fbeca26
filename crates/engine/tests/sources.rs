//! Every source of container descriptions, end to end: each fixture
//! repository under `tests/fixtures/sources/` is scanned and all its
//! findings (with related locations) are snapshotted, and the key facts are
//! asserted explicitly so a wrong snapshot cannot hide a regression.

use std::path::Path;

use skillaudit_engine::{scan, ScanOptions, ScanResult};
use skillaudit_rules::Severity;

fn run(name: &str) -> ScanResult {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sources")
        .join(name);
    scan(&ScanOptions {
        targets: vec![dir.display().to_string()],
        min_severity: Severity::Info,
        ..Default::default()
    })
    .expect("scan")
}

fn render(r: &ScanResult) -> String {
    let mut out = String::new();
    for f in &r.findings {
        out.push_str(&format!(
            "{}:{}:{} {} {} {}\n",
            f.path,
            f.start.line,
            f.start.column,
            f.finding.rule.id,
            f.finding.severity,
            f.finding.message
        ));
        for rel in &f.related {
            out.push_str(&format!(
                "  = {}:{}:{} {}\n",
                rel.path, rel.start.line, rel.start.column, rel.message
            ));
        }
    }
    for n in &r.notices {
        out.push_str(&format!("notice {}: {}\n", n.path, n.message));
    }
    out
}

/// Does a finding of `rule` point at `path:line`?
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

#[test]
fn github_actions_workflow() {
    let r = run("workflow");
    let p = ".github/workflows/ci.yml";
    // Job container options are docker flags: SYS_ADMIN on line 8, user 1001 is not root.
    assert!(has(&r, "dangerous-capability", p, 8));
    assert_eq!(count(&r, "runs-as-root"), 0);
    // A folded `options: >-` of a service.
    assert!(has(&r, "privileged-container", p, 17));
    // The run: | step: grouped short flags across a continuation; the echo is not a container,
    // `--privileged` after the image is the server's.
    assert!(has(&r, "sensitive-host-mount", p, 24));
    assert!(!has(&r, "privileged-container", p, 21));
    assert!(!has(&r, "privileged-container", p, 25));
    // A folded run: > step.
    assert!(has(&r, "host-namespace", p, 27));
    // pwsh steps are not POSIX shell.
    assert!(!has(&r, "privileged-container", p, 30));
    // CI containers are throwaway: no hardening findings, no literal test password.
    assert_eq!(
        count(&r, "missing-resource-limits") + count(&r, "published-on-all-interfaces"),
        0
    );
    assert_eq!(count(&r, "secret-in-environment"), 0);
    assert_eq!(count(&r, "syntax-error"), 0);
    insta::assert_snapshot!("workflow", render(&r));
}

#[test]
fn makefiles_and_justfiles() {
    let r = run("make");
    assert!(has(&r, "sensitive-host-mount", "Makefile", 6));
    assert!(has(&r, "host-namespace", "Makefile", 10));
    assert!(has(&r, "docker-socket-mount", "justfile", 2));
    insta::assert_snapshot!("make", render(&r));
}

#[test]
fn mcp_client_configs() {
    let r = run("mcp");
    // VS Code JSONC: the docker server is read, npx is not a container, ${input:token} is no secret.
    assert!(
        has(&r, "unpinned-image", ".vscode/mcp.json", 7)
            || r.findings.iter().any(|f| f.path == ".vscode/mcp.json")
    );
    assert!(!r
        .findings
        .iter()
        .any(|f| f.path == ".vscode/mcp.json" && f.finding.rule.id == "secret-in-environment"));
    // Cursor: privileged, host network and a literal OpenAI key, masked.
    assert!(has(&r, "privileged-container", ".cursor/mcp.json", 5));
    assert!(has(&r, "host-namespace", ".cursor/mcp.json", 5));
    assert!(has(&r, "secret-in-environment", ".cursor/mcp.json", 6));
    assert!(!render(&r).contains("R2d7kQ9v"));
    // Zed (podman, whole home), Continue YAML (ALL capability), Codex TOML (seccomp off; placeholder key).
    assert!(has(&r, "sensitive-host-mount", ".zed/settings.json", 4));
    assert!(has(
        &r,
        "dangerous-capability",
        ".continue/mcpServers/docker.yaml",
        7
    ));
    assert!(has(
        &r,
        "security-profile-disabled",
        ".codex/config.toml",
        5
    ));
    assert!(!r
        .findings
        .iter()
        .any(|f| f.path == ".codex/config.toml" && f.finding.rule.id == "secret-in-environment"));
    insta::assert_snapshot!("mcp", render(&r));
}

#[test]
fn readme_code_blocks() {
    let r = run("readme");
    // The JSON fragment without outer braces, at README line 8.
    assert!(has(&r, "docker-socket-mount", "README.md", 8));
    // The console block: only the prompt line (with its continuation) is a command.
    assert!(has(&r, "published-on-all-interfaces", "README.md", 13));
    // Prose, command output, a commented command and an indented block are not containers.
    assert!(!r
        .findings
        .iter()
        .any(|f| f.finding.rule.id == "privileged-container"));
    insta::assert_snapshot!("readme", render(&r));
}

#[test]
fn registry_server_json_in_both_spellings() {
    let r = run("registry");
    // {host_path} defaults to "/": the whole host filesystem.
    assert!(has(&r, "sensitive-host-mount", "camel/server.json", 12));
    assert!(has(
        &r,
        "published-on-all-interfaces",
        "camel/server.json",
        13
    ));
    assert!(has(&r, "dangerous-capability", "snake/server.json", 10));
    insta::assert_snapshot!("registry", render(&r));
}

#[test]
fn devcontainer() {
    let r = run("devcontainer");
    let p = ".devcontainer/devcontainer.json";
    assert!(has(&r, "privileged-container", p, 5));
    assert!(has(&r, "docker-socket-mount", p, 6));
    assert!(has(&r, "runs-as-root", p, 7));
    // A development environment: no hardening findings, and its Dockerfile is not held to missing-user.
    assert_eq!(
        count(&r, "missing-resource-limits") + count(&r, "missing-user"),
        0
    );
    // The build links to the Dockerfile, so the chain is proven.
    assert!(r
        .findings
        .iter()
        .any(|f| f.finding.rule.id == "host-takeover-chain" && f.path == p));
    insta::assert_snapshot!("devcontainer", render(&r));
}

#[test]
fn kubernetes_manifests_and_helm_templates() {
    let r = run("k8s");
    // Container runAsUser: 0 overrides the pod's runAsNonRoot.
    assert!(has(&r, "runs-as-root", "deploy.yaml", 23));
    assert!(has(&r, "docker-socket-mount", "deploy.yaml", 27));
    assert!(has(&r, "host-namespace", "deploy.yaml", 16));
    // The CronJob's container: privileged, but limits, no-new-privileges and read-only are set.
    assert!(has(&r, "privileged-container", "deploy.yaml", 48));
    assert!(!r.findings.iter().any(|f| f.start.line == 46
        && [
            "missing-resource-limits",
            "missing-no-new-privileges",
            "writable-root-filesystem"
        ]
        .contains(&f.finding.rule.id)));
    // No per-container pids limit exists in Kubernetes.
    assert_eq!(count(&r, "missing-pids-limit"), 0);
    // The Helm template is skipped without a syntax error.
    assert!(!r.findings.iter().any(|f| f.path.contains("templates")));
    insta::assert_snapshot!("k8s", render(&r));
}
