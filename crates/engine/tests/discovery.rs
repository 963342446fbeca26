//! Discovery on awkward trees: symlinks out of the target and in loops,
//! FIFOs, binary files named like configs, unreadable and oversized files,
//! `.gitignore`. Each is reported (or skipped) and the rest is scanned.

use std::fs;
use std::path::Path;

use skillaudit_engine::{scan, ScanOptions, ScanResult};
use skillaudit_rules::Severity;

fn scan_dir(dir: &Path) -> ScanResult {
    scan(&ScanOptions {
        targets: vec![dir.display().to_string()],
        min_severity: Severity::Info,
        ..Default::default()
    })
    .expect("scan")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn rules_at(r: &ScanResult, path: &str) -> Vec<&'static str> {
    r.findings
        .iter()
        .filter(|f| f.path == path)
        .map(|f| f.finding.rule.id)
        .collect()
}

const ROOT_DOCKERFILE: &str = "FROM node:22\nCMD [\"node\", \"x.js\"]\n";

#[cfg(unix)]
#[test]
fn symlinks_never_lead_out_of_the_target() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "Dockerfile", ROOT_DOCKERFILE);
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "app/Dockerfile", ROOT_DOCKERFILE);
    std::os::unix::fs::symlink(
        outside.path().join("Dockerfile"),
        repo.path().join("Dockerfile"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("linked-dir")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", repo.path().join("Containerfile")).unwrap();
    // A link inside the target is followed.
    std::os::unix::fs::symlink(
        repo.path().join("app/Dockerfile"),
        repo.path().join("Dockerfile.inner"),
    )
    .unwrap();
    let r = scan_dir(repo.path());
    let paths: Vec<&str> = r.project.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["Dockerfile.inner", "app/Dockerfile"]);
    for skipped in ["Dockerfile", "linked-dir", "Containerfile"] {
        assert!(
            r.notices
                .iter()
                .any(|n| n.path == skipped && n.message.contains("outside")),
            "{skipped}: {:?}",
            r.notices
        );
    }
    // Nothing of /etc/passwd reaches the report.
    assert!(r
        .project
        .files
        .iter()
        .all(|f| !f.text.contains("root:x:0:0")));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_and_skipped() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "a/Dockerfile", ROOT_DOCKERFILE);
    std::os::unix::fs::symlink("..", repo.path().join("a/loop")).unwrap();
    let r = scan_dir(repo.path());
    assert_eq!(r.project.files.len(), 1);
    assert!(rules_at(&r, "a/Dockerfile").contains(&"missing-user"));
    assert!(!r.notices.is_empty(), "the loop is reported");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_compose_file_does_not_block() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "Dockerfile", ROOT_DOCKERFILE);
    let fifo = repo.path().join("compose.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let r = scan_dir(repo.path());
    assert!(rules_at(&r, "Dockerfile").contains(&"missing-user"));
    // Not a regular file: the walk never hands it over, or it is refused with a notice.
    assert!(r.project.files.iter().all(|f| f.path != "compose.yaml"));
}

#[test]
fn a_binary_file_named_dockerfile_is_one_syntax_error() {
    let repo = tempfile::tempdir().unwrap();
    fs::write(
        repo.path().join("Dockerfile"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00garbage\xff\xfe",
    )
    .unwrap();
    write(
        repo.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    );
    let r = scan_dir(repo.path());
    let errs: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.finding.rule.id == "syntax-error")
        .collect();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].path, "Dockerfile");
    assert!(errs[0].finding.message.contains("binary"));
    assert!(rules_at(&r, "compose.yaml").contains(&"privileged-container"));
}

#[test]
fn invalid_utf8_bom_and_crlf_are_read() {
    let repo = tempfile::tempdir().unwrap();
    let mut bytes = b"\xef\xbb\xbfFROM node:22\r\n# caf\xe9 in Latin-1\r\nUSER root\r\n".to_vec();
    bytes.extend_from_slice(b"CMD [\"node\"]\r\n");
    fs::write(repo.path().join("Dockerfile"), bytes).unwrap();
    let r = scan_dir(repo.path());
    let root = r
        .findings
        .iter()
        .find(|f| f.finding.rule.id == "root-user")
        .expect("root-user");
    assert_eq!(root.start.line, 3);
    assert!(r
        .findings
        .iter()
        .all(|f| f.finding.rule.id != "syntax-error"));
}

#[test]
fn oversized_files_are_skipped_with_a_notice() {
    let repo = tempfile::tempdir().unwrap();
    let big = "# padding\n".repeat(120_000);
    write(repo.path(), "Dockerfile", &format!("FROM node:22\n{big}"));
    write(repo.path(), "small/Dockerfile", ROOT_DOCKERFILE);
    let r = scan(&ScanOptions {
        targets: vec![repo.path().display().to_string()],
        min_severity: Severity::Info,
        max_file_size: 1 << 20,
        ..Default::default()
    })
    .unwrap();
    assert!(r
        .notices
        .iter()
        .any(|n| n.path == "Dockerfile" && n.message.contains("limit")));
    assert!(rules_at(&r, "small/Dockerfile").contains(&"missing-user"));
}

#[test]
fn gitignored_and_vendored_files_are_not_scanned_but_explicit_ones_are() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), ".gitignore", "build/\n");
    write(repo.path(), "build/Dockerfile", ROOT_DOCKERFILE);
    write(repo.path(), "node_modules/pkg/Dockerfile", ROOT_DOCKERFILE);
    write(repo.path(), "vendor/x/Dockerfile", ROOT_DOCKERFILE);
    write(repo.path(), ".github/Dockerfile", ROOT_DOCKERFILE);
    let r = scan_dir(repo.path());
    let paths: Vec<&str> = r.project.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec![".github/Dockerfile"]);
    let explicit = repo.path().join("build/Dockerfile").display().to_string();
    let r = scan(&ScanOptions {
        targets: vec![explicit],
        min_severity: Severity::Info,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(r.project.files.len(), 1);
}

#[test]
fn yaml_that_is_not_compose_is_ignored_and_compose_without_a_compose_name_is_found() {
    let repo = tempfile::tempdir().unwrap();
    // azure.yaml has `services:` too, but not compose services.
    write(repo.path(), "azure.yaml", "name: app\nservices:\n  api:\n    project: ./src\n    language: python\n    host: containerapp\n");
    write(
        repo.path(),
        ".gitlab-ci.yml",
        "services:\n  - docker:dind\n",
    );
    write(
        repo.path(),
        "deploy/stack.yml",
        "services:\n  web:\n    image: nginx:1.27\n    network_mode: host\n",
    );
    let r = scan_dir(repo.path());
    let paths: Vec<&str> = r.project.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["deploy/stack.yml"]);
    assert!(rules_at(&r, "deploy/stack.yml").contains(&"host-namespace"));
}

#[test]
fn secret_files_in_a_build_context_respect_dockerignore() {
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "Dockerfile",
        "FROM node:22\nCOPY . .\nUSER node\n",
    );
    write(
        repo.path(),
        ".env",
        "TOKEN=ghp_Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8Gh0Ij1Kl3\n",
    );
    write(repo.path(), ".env.example", "TOKEN=\n");
    let r = scan_dir(repo.path());
    let f = r
        .findings
        .iter()
        .find(|f| f.finding.rule.id == "secret-file-in-image")
        .expect("finding");
    assert_eq!(f.start.line, 2);
    assert_eq!(f.related.len(), 1);
    assert_eq!(f.related[0].path, ".env");
    write(repo.path(), ".dockerignore", ".env*\n!.env.example\n");
    let r = scan_dir(repo.path());
    assert!(r
        .findings
        .iter()
        .all(|f| f.finding.rule.id != "secret-file-in-image"));
}

/// (line, severity, confidence) of each `rule` finding.
fn graded(r: &ScanResult, rule: &str) -> Vec<(u32, Severity, skillaudit_rules::Confidence)> {
    r.findings
        .iter()
        .filter(|f| f.finding.rule.id == rule)
        .map(|f| (f.start.line, f.finding.severity, f.finding.confidence))
        .collect()
}

#[test]
fn a_copied_secret_file_is_graded_by_what_it_holds_and_where_it_goes() {
    use skillaudit_rules::Confidence::{High as Sure, Medium as Likely};
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "Dockerfile",
        "FROM node:22 AS deps\nCOPY .npmrc ./\nRUN npm ci\n\n\
         FROM node:22 AS build\nCOPY .pypirc ./\nRUN npm run build\n\n\
         FROM node:22-slim\nCOPY --from=build /app /app\nCOPY .npmrc ./\nCOPY .netrc ./\nUSER node\n",
    );
    write(
        repo.path(),
        ".npmrc",
        "//registry.npmjs.org/:_authToken=npm_Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8Gh0Ij1Kl3\n",
    );
    write(repo.path(), ".pypirc", "[pypi]\npassword = Vk7qZ2xR9wLp\n");
    // .netrc is not in the tree: its content is unknown.
    let r = scan_dir(repo.path());
    assert_eq!(
        graded(&r, "secret-file-in-image"),
        vec![
            // A stage nothing reaches the final image from: low.
            (2, Severity::Low, Sure),
            // A stage the final stage copies from: high, but it may not pass the file on.
            (6, Severity::High, Likely),
            // The final stage, with a token in the file: high, sure.
            (11, Severity::High, Sure),
            // Not in the scanned tree: kept, at medium confidence.
            (12, Severity::High, Likely),
        ]
    );
    let text: String = r
        .findings
        .iter()
        .map(|f| f.finding.message.clone())
        .collect();
    assert!(!text.contains("Zq8Rk3Lm5Np7"), "{text}");
    assert!(!text.contains("Vk7qZ2xR9wLp"), "{text}");

    // The same .npmrc with settings only: no finding at all.
    write(repo.path(), ".npmrc", "ignore-scripts=true\n");
    write(repo.path(), ".pypirc", "[pypi]\nusername = __token__\n");
    write(repo.path(), ".netrc", "machine example.org login me\n");
    let r = scan_dir(repo.path());
    assert_eq!(graded(&r, "secret-file-in-image"), vec![]);
}

#[test]
fn weak_default_passwords_are_medium_with_medium_confidence() {
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "compose.yaml",
        "services:\n  db:\n    image: neo4j:5.26\n    environment:\n      NEO4J_AUTH: neo4j/password\n      \
         GITHUB_TOKEN: ghp_Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8Gh0Ij1Kl3\n      API_TOKEN: yyy\n",
    );
    let r = scan_dir(repo.path());
    use skillaudit_rules::Confidence;
    assert_eq!(
        graded(&r, "hardcoded-password"),
        vec![(5, Severity::Medium, Confidence::Medium)]
    );
    assert_eq!(
        graded(&r, "secret-in-environment"),
        vec![(6, Severity::Critical, Confidence::High)]
    );
}
