//! Hostile inputs: alias bombs, absurd nesting, huge and vanishing files,
//! pathological sizes of otherwise valid files. Each must finish without a
//! panic, and every other file of the scan must still be reported: a normal
//! Dockerfile sits next to each hostile file and its finding is checked.
//!
//! (Symlinks, FIFOs, binary files, a Latin-1 Dockerfile with BOM/CRLF and
//! a merely oversized Dockerfile are in `discovery.rs`.)
//!
//! No test here is timed: a quadratic regression shows up as a very slow
//! test run, not as a flaky failure.

use std::fs;
use std::path::Path;

use skillaudit_engine::{
    classify, scan, Candidate, NameKind, ScanOptions, ScanResult, DEFAULT_MAX_FILE_SIZE,
};
use skillaudit_rules::Severity;

const ROOT_DOCKERFILE: &str = "FROM node:22\nCMD [\"node\", \"x.js\"]\n";

fn scan_dir(dir: &Path) -> ScanResult {
    scan(&ScanOptions {
        targets: vec![dir.display().to_string()],
        min_severity: Severity::Info,
        ..Default::default()
    })
    .expect("scan")
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

fn rules_at(r: &ScanResult, path: &str) -> Vec<&'static str> {
    r.findings
        .iter()
        .filter(|f| f.path == path)
        .map(|f| f.finding.rule.id)
        .collect()
}

/// A repository with a normal Dockerfile at `ok/Dockerfile` (one `missing-user`).
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok/Dockerfile", ROOT_DOCKERFILE);
    dir
}

/// The normal Dockerfile was still scanned.
fn assert_rest_scanned(r: &ScanResult) {
    assert!(
        rules_at(r, "ok/Dockerfile").contains(&"missing-user"),
        "ok/Dockerfile lost: {:?}",
        rules_at(r, "ok/Dockerfile")
    );
}

/// `levels` anchors, each a sequence of ten aliases of the previous one
/// (10^levels leaves when expanded), indented by `indent`.
fn alias_bomb(levels: usize, indent: &str) -> String {
    let mut s = format!("{indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=levels {
        let p = i - 1;
        s.push_str(&format!("{indent}l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"));
    }
    s
}

/// The same with merge keys: each mapping merges the previous one ten times.
fn merge_bomb(levels: usize, indent: &str) -> String {
    let mut s = format!("{indent}m0: &m0 {{privileged: true, k0: v}}\n");
    for i in 1..=levels {
        let p = i - 1;
        s.push_str(&format!("{indent}m{i}: &m{i} {{<<: [*m{p}, *m{p}, *m{p}, *m{p}, *m{p}, *m{p}, *m{p}, *m{p}, *m{p}, *m{p}], k{i}: v}}\n"));
    }
    s
}

#[test]
fn yaml_alias_bomb_in_a_compose_file() {
    let dir = repo();
    let mut text = String::from("x-bomb:\n");
    text.push_str(&alias_bomb(10, "  "));
    text.push_str(&merge_bomb(10, "  "));
    text.push_str("services:\n");
    // The bomb used where the normaliser reads sequences and mappings.
    for key in [
        "command",
        "entrypoint",
        "environment",
        "volumes",
        "ports",
        "cap_add",
        "security_opt",
        "devices",
        "labels",
        "dns",
    ] {
        text.push_str(&format!(
            "  s-{key}:\n    image: nginx:1.27\n    {key}: *l10\n"
        ));
    }
    text.push_str("  merged:\n    <<: *m10\n    image: nginx:1.27\n");
    text.push_str("  env-map:\n    image: nginx:1.27\n    environment: *m10\n    labels: *m10\n    deploy: *m10\n");
    write(dir.path(), "compose.yaml", &text);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    // The merged `privileged: true` (ten levels down) is still seen.
    assert!(
        rules_at(&r, "compose.yaml").contains(&"privileged-container"),
        "{:?}",
        rules_at(&r, "compose.yaml")
    );
}

#[test]
fn yaml_alias_bomb_in_a_workflow() {
    let dir = repo();
    let mut text = String::from("on: push\nx-bomb:\n");
    text.push_str(&alias_bomb(10, "  "));
    text.push_str(&merge_bomb(10, "  "));
    text.push_str("env: *m10\njobs:\n");
    text.push_str("  a:\n    runs-on: ubuntu-latest\n    container:\n      image: node:22\n      options: --privileged\n      env: *m10\n      volumes: *l10\n      ports: *l10\n");
    text.push_str("    services: *m10\n    steps: *l10\n");
    text.push_str("  b:\n    <<: *m10\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker run --privileged nginx:1.27\n");
    write(dir.path(), ".github/workflows/ci.yml", &text);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, ".github/workflows/ci.yml").contains(&"privileged-container"),
        "{:?}",
        rules_at(&r, ".github/workflows/ci.yml")
    );
}

const DEEP: usize = 10_000;

#[test]
fn ten_thousand_levels_of_flow_yaml() {
    let dir = repo();
    let deep = format!("{}x{}", "[".repeat(DEEP), "]".repeat(DEEP));
    write(
        dir.path(),
        "compose.yaml",
        format!("services:\n  web:\n    image: nginx:1.27\n    command: {deep}\n"),
    );
    let deep_map = format!("{}x{}", "{a: ".repeat(DEEP), "}".repeat(DEEP));
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        format!("on: push\njobs:\n  a:\n    runs-on: {deep_map}\n"),
    );
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    // Too deep is a syntax error of that file, nothing more.
    assert!(
        rules_at(&r, "compose.yaml").contains(&"syntax-error"),
        "{:?}",
        rules_at(&r, "compose.yaml")
    );
}

#[test]
fn ten_thousand_levels_of_block_yaml() {
    let dir = repo();
    // `- - - … x`: block sequences nested on one line.
    let deep = format!("{}x", "- ".repeat(DEEP));
    write(
        dir.path(),
        "compose.yaml",
        format!("services:\n  web:\n    image: nginx:1.27\n    command:\n      {deep}\n"),
    );
    // Nested block mappings, one level per line (indentation grows by one).
    let mut nested = String::from("on: push\njobs:\n");
    for i in 0..DEEP {
        nested.push_str(&" ".repeat(i + 1));
        nested.push_str("k:\n");
    }
    write(dir.path(), ".github/workflows/ci.yml", &nested);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, "compose.yaml").contains(&"syntax-error"),
        "{:?}",
        rules_at(&r, "compose.yaml")
    );
}

#[test]
fn ten_thousand_levels_of_json() {
    let dir = repo();
    let deep = format!("{}1{}", "[".repeat(DEEP), "]".repeat(DEEP));
    write(
        dir.path(),
        ".vscode/mcp.json",
        format!("{{\"servers\": {{\"x\": {{\"command\": \"docker\", \"args\": {deep}}}}}}}"),
    );
    let deep_obj = format!("{}1{}", "{\"a\": ".repeat(DEEP), "}".repeat(DEEP));
    write(dir.path(), ".mcp.json", &deep_obj);
    write(dir.path(), ".devcontainer/devcontainer.json", &deep_obj);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, ".vscode/mcp.json").contains(&"syntax-error"),
        "{:?}",
        rules_at(&r, ".vscode/mcp.json")
    );
}

#[test]
fn a_200_mb_compose_file_is_skipped_unread() {
    let dir = repo();
    // Sparse: the test does not write 200 MB, and the scan must not read them.
    let f = fs::File::create(dir.path().join("compose.yaml")).unwrap();
    f.set_len(200 << 20).unwrap();
    drop(f);
    // A big YAML file of unknown purpose is silently not ours.
    let f = fs::File::create(dir.path().join("stack.yml")).unwrap();
    f.set_len(200 << 20).unwrap();
    drop(f);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        r.notices
            .iter()
            .any(|n| n.path == "compose.yaml" && n.message.contains("limit")),
        "{:?}",
        r.notices
    );
    assert!(r
        .project
        .files
        .iter()
        .all(|f| f.path != "compose.yaml" && f.path != "stack.yml"));
}

#[test]
fn invalid_utf8_bom_and_crlf_in_compose_workflow_and_json() {
    let dir = repo();
    write(
        dir.path(),
        "compose.yaml",
        b"\xef\xbb\xbfservices:\r\n  # caf\xe9\r\n  web:\r\n    image: nginx:1.27\r\n    privileged: true\r\n    labels:\r\n      x: \"\xff\xfe\"\r\n",
    );
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        b"\xef\xbb\xbfon: push\r\n# caf\xe9\r\njobs:\r\n  a:\r\n    runs-on: ubuntu-latest\r\n    container:\r\n      image: node:22\r\n      options: --privileged\r\n    steps:\r\n      - run: echo \xff\r\n",
    );
    write(
        dir.path(),
        ".vscode/mcp.json",
        b"\xef\xbb\xbf{\r\n  // caf\xe9\r\n  \"servers\": {\r\n    \"x\": {\r\n      \"command\": \"docker\",\r\n      \"args\": [\"run\", \"--privileged\", \"mcp/\xff:1\"]\r\n    }\r\n  }\r\n}\r\n",
    );
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    for (path, line) in [
        ("compose.yaml", 5),
        (".github/workflows/ci.yml", 8),
        (".vscode/mcp.json", 6),
    ] {
        let f = r
            .findings
            .iter()
            .find(|f| f.path == path && f.finding.rule.id == "privileged-container")
            .unwrap_or_else(|| panic!("{path}: {:?}", rules_at(&r, path)));
        assert_eq!(f.start.line, line, "{path}");
        assert!(
            !rules_at(&r, path).contains(&"syntax-error"),
            "{path}: {:?}",
            rules_at(&r, path)
        );
    }
}

#[test]
fn a_file_that_disappears_before_it_is_read_is_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let abs = dir.path().join("compose.yaml");
    fs::write(&abs, "services: {}\n").unwrap();
    let c = Candidate {
        abs: abs.clone(),
        display: "compose.yaml".into(),
        name_kind: NameKind::Compose,
        explicit: false,
    };
    fs::remove_file(&abs).unwrap();
    match classify::process(&c, DEFAULT_MAX_FILE_SIZE) {
        Err(n) => {
            assert_eq!(n.path, "compose.yaml");
            assert!(n.message.contains("cannot read"), "{}", n.message);
        }
        Ok(_) => panic!("a missing file was processed"),
    }
}

#[test]
fn a_100_000_line_dockerfile() {
    let dir = repo();
    let mut text = String::from("FROM node:22 AS build\nARG V=1\n");
    for i in 0..100_000 {
        match i % 5 {
            0 => text.push_str(&format!(
                "RUN echo {i} && apt-get install -y curl-${{V}} | tee /tmp/x\n"
            )),
            1 => text.push_str(&format!("ENV K{i}=v{i} P=${{K{i}:-x}}\n")),
            2 => text.push_str(&format!("LABEL l{i}=\"x\"\n")),
            3 => text.push_str("COPY --chown=1:1 a b /c/\n"),
            _ => text.push_str("# a comment\n"),
        }
    }
    text.push_str("FROM build\n");
    // One instruction continued over 100,000 lines.
    text.push_str("RUN true");
    for _ in 0..100_000 {
        text.push_str(" \\\n  && x");
    }
    text.push('\n');
    write(dir.path(), "Dockerfile", &text);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, "Dockerfile").contains(&"missing-user"),
        "{:?}",
        rules_at(&r, "Dockerfile")
    );
}

#[test]
fn docker_run_with_50_000_flags() {
    let dir = repo();
    let mut text = String::from("#!/bin/sh\ndocker run");
    for i in 0..50_000 {
        text.push_str(match i % 5 {
            0 => " -e A=1",
            1 => " --rm",
            2 => " -v /a:/b:ro",
            3 => " --cap-add NET_ADMIN",
            _ => " -p 8080:80",
        });
    }
    text.push_str(" --privileged nginx:1.27\n");
    write(dir.path(), "run.sh", &text);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, "run.sh").contains(&"privileged-container"),
        "{:?}",
        rules_at(&r, "run.sh")
    );
}

#[test]
fn deeply_nested_command_substitutions() {
    let dir = repo();
    for (name, depth) in [("a.sh", 100), ("b.sh", 1_000), ("c.sh", 10_000)] {
        let text = format!(
            "#!/bin/sh\necho {}$(docker run --privileged nginx:1.27){}\n",
            "$(echo ".repeat(depth),
            ")".repeat(depth)
        );
        write(dir.path(), name, &text);
        let backticks = format!("#!/bin/sh\nx=\"{}\"\n", "$(\"".repeat(depth));
        write(dir.path(), &format!("unclosed-{name}"), &backticks);
    }
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, "a.sh").contains(&"privileged-container"),
        "{:?}",
        rules_at(&r, "a.sh")
    );
}

#[test]
fn a_readme_with_10_000_code_blocks() {
    let dir = repo();
    let mut text = String::from("# Server\n\n");
    for i in 0..10_000 {
        match i % 4 {
            0 => text.push_str("```bash\ndocker run --privileged mcp/x:1\n```\n\n"),
            1 => text.push_str("```json\n{\"mcpServers\": {\"x\": {\"command\": \"docker\", \"args\": [\"run\", \"-i\", \"mcp/x:1\"]}}}\n```\n\n"),
            2 => text.push_str("~~~\nunclosed? no\n~~~\n"),
            _ => text.push_str("    indented code\n\n"),
        }
    }
    // And one fence never closed, to the end of the file.
    text.push_str("```sh\ndocker run --privileged mcp/y:1\n");
    write(dir.path(), "README.md", &text);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, "README.md").contains(&"privileged-container"),
        "{:?}",
        rules_at(&r, "README.md").len()
    );
}

/// Values built to be slow for the password-strength estimator (runs of
/// characters it reads as `l33t` letters, repeats, keyboard walks) under
/// secret-like names: the estimator works on bounded pieces, so the scan
/// ends and every value is judged.
#[test]
fn values_built_to_be_slow_to_judge() {
    let dir = repo();
    let mut text = String::from("FROM node:22\nUSER node\n");
    let shapes = [
        "1l7|1l7|1l7|1l7|1l7|1l7|1l7|1l7|1l7|1l7|",
        "4@8(3691!|70$5+%24@8(3691!|70$5+%2",
        "qwertyuiopasdfghjklzxcvbnmqwertyuiop",
        "a1b2a1b2a1b2a1b2a1b2a1b2a1b2a1b2a1b2a1b2",
    ];
    for i in 0..2_000 {
        let shape = shapes[i % shapes.len()];
        text.push_str(&format!("ENV DB_PASSWORD_{i}=\"{shape}{i}\"\n"));
    }
    write(dir.path(), "Dockerfile", &text);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    let judged = r
        .findings
        .iter()
        .filter(|f| matches!(f.finding.rule.id, "hardcoded-password" | "secret-in-image"))
        .count();
    assert_eq!(judged, 2_000);
}
