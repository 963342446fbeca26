//! Contexts, one finding per problem, the posture score and compose
//! long-syntax mounts without `type:`, end to end on small repositories
//! written to temporary directories (issue 14).

use std::path::Path;

use skillaudit_engine::baseline::Baseline;
use skillaudit_engine::fix::{self, FixOptions};
use skillaudit_engine::{config, scan, Purpose, ScanOptions, ScanResult, Trust};
use skillaudit_rules::Severity;

fn options(dir: &Path) -> ScanOptions {
    ScanOptions {
        targets: vec![dir.display().to_string()],
        min_severity: Severity::Info,
        ..ScanOptions::default()
    }
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// A README with `n` examples of one image lacking every hardening flag,
/// each under its own heading (the versions differ, as they do in READMEs).
fn readme(n: usize) -> String {
    let mut s = String::from("# Demo MCP server\n\n");
    for i in 0..n {
        s.push_str(&format!(
            "## Variant {i}\n\n```bash\ndocker run -i --rm -e API_TOKEN=$API_TOKEN ghcr.io/acme/mcp-demo:1.{i}\n```\n\n"
        ));
    }
    s
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (p, t) in files {
        write(dir.path(), p, t);
    }
    dir
}

fn scanned(dir: &Path) -> ScanResult {
    scan(&options(dir)).expect("scan")
}

#[test]
fn twelve_examples_are_one_finding_per_rule_with_every_example_related() {
    let one = repo(&[("README.md", &readme(1))]);
    let twelve = repo(&[("README.md", &readme(12))]);
    let (r1, r12) = (scanned(one.path()), scanned(twelve.path()));
    assert!(!r1.findings.is_empty());
    assert_eq!(r1.findings.len(), r12.findings.len());
    assert_eq!((r1.score, r1.grade), (r12.score, r12.grade));
    let example_lines: Vec<u32> = (0..12).map(|i| 6 + 6 * i).collect();
    for s in &r12.findings {
        assert_eq!(
            s.finding.context,
            Purpose::Documentation,
            "{}",
            s.finding.message
        );
        assert_eq!(s.finding.repeats.len(), 11, "{}", s.finding.message);
        let mut lines = vec![s.start.line];
        lines.extend(s.related.iter().map(|r| r.start.line));
        assert_eq!(lines, example_lines, "{}", s.finding.message);
    }
}

/// A monorepo's server READMEs, each showing its own image run the same
/// way: the habit is one problem per rule, every README's example related.
#[test]
fn documentation_examples_of_one_habit_are_one_finding_across_files() {
    let readme_of =
        |server: &str| format!("# {server}\n\n```bash\ndocker run -i --rm mcp/{server}:1.0\n```\n");
    let servers = ["fetch", "git", "time"];
    let texts: Vec<(String, String)> = servers
        .iter()
        .map(|s| (format!("src/{s}/README.md"), readme_of(s)))
        .collect();
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let three = repo(&files);
    let one = repo(&files[..1]);
    let (r3, r1) = (scanned(three.path()), scanned(one.path()));
    assert!(!r1.findings.is_empty());
    assert_eq!(r3.findings.len(), r1.findings.len());
    for s in &r3.findings {
        assert_eq!(s.finding.context, Purpose::Documentation);
        assert_eq!(s.finding.repeats.len(), 2, "{}", s.finding.message);
        let mut paths = vec![s.path.as_str()];
        paths.extend(s.related.iter().map(|r| r.path.as_str()));
        assert_eq!(
            paths,
            [
                "src/fetch/README.md",
                "src/git/README.md",
                "src/time/README.md"
            ],
            "{}",
            s.finding.message
        );
        assert!(
            skillaudit_engine::group::headline(&s.finding).ends_with("(3 examples in 3 files)"),
            "{}",
            skillaudit_engine::group::headline(&s.finding)
        );
    }
    // A baseline written from the monorepo records every example, each in
    // its own file, and holds the grouped findings.
    let mut opts = options(three.path());
    opts.record_baseline = true;
    let recorded = scan(&opts).expect("scan");
    let paths: std::collections::BTreeSet<&str> = recorded
        .baseline_entries
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
}

/// Deployments stay per file and container: two Dockerfiles that both run
/// as root are two problems, each an image somebody runs.
#[test]
fn deployment_problems_are_not_grouped_across_files() {
    let dir = repo(&[
        ("a/Dockerfile", "FROM alpine:3.20\nCMD [\"a\"]\n"),
        ("b/Dockerfile", "FROM alpine:3.20\nCMD [\"b\"]\n"),
    ]);
    let r = scanned(dir.path());
    let users: Vec<&str> = r
        .findings
        .iter()
        .filter(|s| s.finding.rule.id == "missing-user")
        .map(|s| s.path.as_str())
        .collect();
    assert_eq!(users, ["a/Dockerfile", "b/Dockerfile"]);
}

#[test]
fn different_problems_of_one_image_stay_apart() {
    // The acceptance case `readme-snippet`: two mounts of different host
    // paths are two problems, even for the same image in the same file.
    let dir = repo(&[(
        "README.md",
        "```bash\ndocker run -i --rm -v $HOME/.ssh:/root/.ssh:ro mcp/files:1.2.0\n```\n\n\
         ```bash\ndocker run -i --rm -v $HOME/.aws:/root/.aws:ro mcp/files:1.2.0\n```\n",
    )]);
    let r = scanned(dir.path());
    let mounts: Vec<u32> = r
        .findings
        .iter()
        .filter(|s| s.finding.rule.id == "sensitive-host-mount")
        .map(|s| s.start.line)
        .collect();
    assert_eq!(mounts, vec![2, 6]);
    // …while their missing limits are one problem.
    let limits: Vec<&_> = r
        .findings
        .iter()
        .filter(|s| s.finding.rule.id == "missing-resource-limits")
        .collect();
    assert_eq!(limits.len(), 1);
    assert_eq!(limits[0].finding.repeats.len(), 1);
}

#[test]
fn an_ignore_on_one_occurrence_suppresses_that_occurrence_only() {
    let mut text = readme(3);
    text = text.replacen(
        "## Variant 1\n\n",
        "## Variant 1\n\n<!-- skillaudit: ignore[writable-root-filesystem] a throwaway demo -->\n",
        1,
    );
    let dir = repo(&[("README.md", &text)]);
    let r = scanned(dir.path());
    let ro: Vec<&_> = r
        .findings
        .iter()
        .filter(|s| s.finding.rule.id == "writable-root-filesystem")
        .collect();
    assert_eq!(ro.len(), 1);
    assert_eq!(ro[0].finding.repeats.len(), 1, "examples 0 and 2 remain");
    assert_eq!(r.ignored, 1);
    let limits = r
        .findings
        .iter()
        .find(|s| s.finding.rule.id == "missing-resource-limits")
        .expect("limits");
    assert_eq!(
        limits.finding.repeats.len(),
        2,
        "other rules keep all three"
    );
}

#[test]
fn a_baseline_survives_reordering_and_removing_examples() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "README.md", &readme(4));
    let first = scan(&ScanOptions {
        record_baseline: true,
        ..options(dir.path())
    })
    .expect("scan");
    assert!(!first.findings.is_empty());
    let baseline = Baseline::from_entries(&first.baseline_entries);
    // Every occurrence is recorded.
    assert_eq!(
        first.baseline_entries.len(),
        first
            .findings
            .iter()
            .map(|s| s.finding.repeats.len() + 1)
            .sum::<usize>()
    );
    // Reverse the examples and drop the first one.
    let text = readme(4);
    let mut blocks: Vec<&str> = text.split("## ").skip(1).collect();
    blocks.reverse();
    blocks.pop();
    write(
        dir.path(),
        "README.md",
        &format!("# Demo MCP server\n\n## {}", blocks.join("## ")),
    );
    let again = scan(&ScanOptions {
        baseline: Some(baseline),
        ..options(dir.path())
    })
    .expect("scan");
    assert!(again.findings.is_empty(), "{:?}", again.findings.len());
    assert_eq!(again.baselined, first.findings.len());
}

#[test]
fn the_group_fingerprint_does_not_depend_on_the_order_of_examples() {
    let fps = |text: &str| {
        let dir = repo(&[("README.md", text)]);
        let mut v: Vec<String> = scanned(dir.path())
            .findings
            .iter()
            .map(|s| s.fingerprint.clone())
            .collect();
        v.sort();
        v
    };
    let a =
        "```sh\ndocker run -i ghcr.io/o/s:1\n```\n\n```sh\ndocker run --rm -i ghcr.io/o/s:2\n```\n";
    let b =
        "```sh\ndocker run --rm -i ghcr.io/o/s:2\n```\n\n```sh\ndocker run -i ghcr.io/o/s:1\n```\n";
    assert_eq!(fps(a), fps(b));
}

#[test]
fn every_finding_has_the_context_of_its_place() {
    let dir = repo(&[
        ("README.md", &readme(1)),
        ("Dockerfile", "FROM node:22\nCMD [\"node\", \"server.js\"]\n"),
        (
            "compose.yaml",
            "services:\n  mcp:\n    build: .\n    privileged: true\n",
        ),
        (
            "docker-compose.dev.yml",
            "services:\n  mcp:\n    image: ghcr.io/o/s:1\n    privileged: true\n",
        ),
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker run --privileged ghcr.io/o/s:1\n",
        ),
        (
            "tests/compose.yaml",
            "services:\n  db:\n    image: postgres:16\n    privileged: true\n",
        ),
    ]);
    let r = scanned(dir.path());
    let context_of = |path: &str| -> Vec<Purpose> {
        let mut v: Vec<Purpose> = r
            .findings
            .iter()
            .filter(|s| s.path == path)
            .map(|s| s.finding.context)
            .collect();
        v.dedup();
        v
    };
    assert_eq!(context_of("README.md"), vec![Purpose::Documentation]);
    assert_eq!(context_of("Dockerfile"), vec![Purpose::Runtime]);
    assert_eq!(context_of("compose.yaml"), vec![Purpose::Runtime]);
    assert_eq!(
        context_of("docker-compose.dev.yml"),
        vec![Purpose::Development]
    );
    assert_eq!(context_of(".github/workflows/ci.yml"), vec![Purpose::Ci]);
    assert_eq!(context_of("tests/compose.yaml"), vec![Purpose::Test]);
    // Privileged stays reported at its severity in every context.
    for path in [
        "compose.yaml",
        "docker-compose.dev.yml",
        ".github/workflows/ci.yml",
        "tests/compose.yaml",
    ] {
        assert!(
            r.findings.iter().any(|s| s.path == path
                && s.finding.rule.id == "privileged-container"
                && s.finding.severity == Severity::High),
            "{path}"
        );
    }

    // `--context` shows only the contexts asked for.
    let only = scan(&ScanOptions {
        contexts: vec![Purpose::Ci, Purpose::Test],
        ..options(dir.path())
    })
    .expect("scan");
    assert!(!only.findings.is_empty());
    assert!(only
        .findings
        .iter()
        .all(|s| matches!(s.finding.context, Purpose::Ci | Purpose::Test)));
}

#[test]
fn contexts_are_configurable_but_not_by_an_untrusted_repository() {
    let dir = repo(&[
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker run --privileged ghcr.io/o/s:1\n",
        ),
        ("README.md", &readme(1)),
    ]);
    let cfg = config::parse(
        "[context.ci]\nseverity-offset = -1\n[context.documentation]\ndisable = true\n",
        "skillaudit.toml",
    )
    .expect("config");
    let with = |trust| {
        scan(&ScanOptions {
            config: Some(cfg.clone()),
            trust,
            ..options(dir.path())
        })
        .expect("scan")
    };
    let own = with(Trust::Own);
    let privileged = own
        .findings
        .iter()
        .find(|s| s.finding.rule.id == "privileged-container")
        .expect("privileged");
    assert_eq!(privileged.finding.severity, Severity::Medium);
    assert!(own.findings.iter().all(|s| s.path != "README.md"));
    assert!(own.ignored > 0);

    let hosted = with(Trust::Untrusted);
    assert!(hosted.findings.iter().any(
        |s| s.finding.rule.id == "privileged-container" && s.finding.severity == Severity::High
    ));
    assert!(hosted.findings.iter().any(|s| s.path == "README.md"));
}

#[test]
fn a_real_deployment_problem_lowers_the_score_of_a_noisy_readme() {
    let docs = repo(&[("README.md", &readme(12))]);
    let with_deploy = repo(&[
        ("README.md", &readme(12)),
        (
            "compose.yaml",
            "services:\n  mcp:\n    image: ghcr.io/acme/mcp-demo:1.0\n    user: \"1000:1000\"\n    cap_drop: [ALL]\n    read_only: true\n    security_opt: [\"no-new-privileges:true\"]\n    mem_limit: 512m\n    cpus: 1\n    pids_limit: 100\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
        ),
    ]);
    let (a, b) = (scanned(docs.path()), scanned(with_deploy.path()));
    assert!(b.score < a.score, "{} then {}", a.score, b.score);
    // Documentation counts, at half weight: not a perfect score.
    assert!(a.score < 100);
    let empty = repo(&[("README.md", "# nothing to run\n")]);
    let e = scanned(empty.path());
    assert_eq!((e.score, e.grade), (100, 'A'));
}

#[test]
fn fixing_a_grouped_finding_fixes_every_example() {
    let dir = repo(&[("README.md", &readme(5))]);
    let before = scanned(dir.path());
    assert!(before
        .findings
        .iter()
        .any(|s| s.finding.rule.id == "missing-no-new-privileges"));
    let (after, outcome) = fix::fix(
        &options(dir.path()),
        FixOptions {
            unsafe_fixes: true,
            write: true,
        },
    )
    .expect("fix");
    assert!(outcome.applied > 0);
    let text = std::fs::read_to_string(dir.path().join("README.md")).expect("read");
    assert_eq!(text.matches("no-new-privileges").count(), 5, "{text}");
    assert!(
        after
            .findings
            .iter()
            .all(|s| s.finding.rule.id != "missing-no-new-privileges"),
        "every example fixed"
    );
}

#[test]
fn a_long_syntax_mount_without_type_is_reported_at_medium_confidence_with_a_note() {
    let dir = repo(&[(
        "compose.yaml",
        "services:\n  mcp:\n    image: ghcr.io/o/s:1\n    user: \"1000:1000\"\n    volumes:\n      - source: /var/run/docker.sock\n        target: /var/run/docker.sock\n      - type: bind\n        source: /var/run/docker.sock\n        target: /run/docker.sock\n",
    )]);
    let r = scanned(dir.path());
    let socket: Vec<&_> = r
        .findings
        .iter()
        .filter(|s| s.finding.rule.id == "docker-socket-mount")
        .collect();
    assert_eq!(socket.len(), 2);
    let (untyped, typed) = (&socket[0].finding, &socket[1].finding);
    assert_eq!(untyped.confidence, skillaudit_rules::Confidence::Medium);
    assert!(
        untyped.message.contains("no `type:`"),
        "{}",
        untyped.message
    );
    assert_eq!(typed.confidence, skillaudit_rules::Confidence::High);
    assert!(!typed.message.contains("type:"), "{}", typed.message);
}

#[test]
fn a_documentation_example_gets_the_whole_hardened_command_in_its_help() {
    let dir = repo(&[(
        "README.md",
        "```bash\ndocker run -i --rm \\\n  --read-only --tmpfs /tmp \\\n  ghcr.io/acme/mcp-demo:1.0 --port 3\n```\n\n\
         ```json\n{\"mcpServers\": {\"d\": {\"command\": \"docker\", \"args\": [\"run\", \"-i\", \"ghcr.io/acme/other:2\"]}}}\n```\n",
    )]);
    let r = scanned(dir.path());
    // Two examples of one habit: one finding (documentation is grouped
    // across images), the first example's command in its help and the
    // second's in its related location.
    let grouped: Vec<&_> = r
        .findings
        .iter()
        .filter(|s| s.finding.rule.id == "missing-no-new-privileges")
        .collect();
    assert_eq!(grouped.len(), 1);
    let f = &grouped[0].finding;
    let help = f.fix.as_ref().map_or("", |x| x.description.as_str());
    // Only the missing flags are added; --read-only was there already.
    assert!(help.ends_with(
        "the example with every missing flag: `docker run --cap-drop ALL --security-opt no-new-privileges:true --pids-limit 256 --memory 512m --cpus 1.0 -i --rm --read-only --tmpfs /tmp ghcr.io/acme/mcp-demo:1.0 --port 3`"
    ), "{help}");
    let second = &grouped[0]
        .related
        .last()
        .expect("the second example")
        .message;
    assert!(second.ends_with(
        "with every missing flag: `[\"run\", \"--cap-drop\", \"ALL\", \"--security-opt\", \"no-new-privileges:true\", \"--pids-limit\", \"256\", \"--memory\", \"512m\", \"--cpus\", \"1.0\", \"--read-only\", \"--tmpfs\", \"/tmp\", \"-i\", \"ghcr.io/acme/other:2\"]`"
    ), "{second}");
    // A deployment's help stays the rule's own.
    let dep = repo(&[(
        "run.sh",
        "#!/bin/sh\ndocker run -i --rm ghcr.io/acme/mcp-demo:1.0\n",
    )]);
    let d = scanned(dep.path());
    assert!(d
        .findings
        .iter()
        .filter_map(|s| s.finding.fix.as_ref())
        .all(|f| !f.description.contains("every missing flag")));
}
