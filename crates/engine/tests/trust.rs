//! Scanning someone else's repository (`Trust::Untrusted`), the scan
//! deadline, and incomplete scans.

use std::path::Path;
use std::time::Duration;

use skillaudit_engine::{
    config, scan, Deadline, ScanOptions, ScanResult, Trust, TIME_LIMIT_MESSAGE,
};

const PRIVILEGED: &str = "services:\n  app:\n    image: example/app:1.0\n    privileged: true # skillaudit: ignore[privileged-container]\n";

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn options(dir: &Path) -> ScanOptions {
    ScanOptions {
        targets: vec![dir.display().to_string()],
        ..ScanOptions::default()
    }
}

fn rules(r: &ScanResult) -> Vec<&str> {
    r.findings.iter().map(|s| s.finding.rule.id).collect()
}

#[test]
fn an_untrusted_repository_cannot_silence_or_hide_anything() {
    let dir = repo(&[
        ("compose.yaml", PRIVILEGED),
        (
            "skillaudit.toml",
            "disable = [\"missing-no-new-privileges\"]\nexclude = [\"deploy/**\"]\n",
        ),
        (
            "deploy/compose.yaml",
            "services:\n  db:\n    image: x:1\n    privileged: true\n",
        ),
        (".gitignore", "hidden/\n"),
        (".ignore", "other/\n"),
        (
            "hidden/compose.yaml",
            "services:\n  h:\n    image: x:1\n    privileged: true\n",
        ),
        (
            "other/compose.yaml",
            "services:\n  o:\n    image: x:1\n    privileged: true\n",
        ),
    ]);
    let target = dir.path().display().to_string();
    let config = config::for_targets(std::slice::from_ref(&target), None)
        .unwrap()
        .unwrap();
    let own = scan(&ScanOptions {
        config: Some(config.clone()),
        ..options(dir.path())
    })
    .unwrap();
    // The author's own view: one file, its comment and configuration apply.
    assert_eq!(own.files_scanned(), 1);
    assert!(!rules(&own).contains(&"privileged-container"));
    assert!(!rules(&own).contains(&"missing-no-new-privileges"));
    assert_eq!(own.repository_ignores, 0);

    let hosted = scan(&ScanOptions {
        config: Some(config),
        trust: Trust::Untrusted,
        fix_edits: false,
        ..options(dir.path())
    })
    .unwrap();
    assert_eq!(hosted.files_scanned(), 4);
    let privileged = hosted
        .findings
        .iter()
        .filter(|s| s.finding.rule.id == "privileged-container")
        .count();
    assert_eq!(privileged, 4, "{:?}", rules(&hosted));
    assert!(rules(&hosted).contains(&"missing-no-new-privileges"));
    assert!(!rules(&hosted).contains(&"unused-ignore"));
    assert_eq!(hosted.repository_ignores, 1);
    assert_eq!(hosted.grade, 'F');
    // No fix edits were computed.
    assert!(hosted
        .findings
        .iter()
        .filter_map(|s| s.finding.fix.as_ref())
        .all(|f| f.edits.is_empty()));
    assert!(own
        .findings
        .iter()
        .filter_map(|s| s.finding.fix.as_ref())
        .any(|f| !f.edits.is_empty()));
}

#[test]
fn a_scan_past_its_deadline_stops_with_the_time_limit_error() {
    let dir = repo(&[("compose.yaml", PRIVILEGED)]);
    let late = ScanOptions {
        deadline: Some(Deadline::after(Duration::ZERO)),
        ..options(dir.path())
    };
    assert!(late.expired());
    match scan(&late) {
        Err(e) => assert_eq!(e.0, TIME_LIMIT_MESSAGE),
        Ok(_) => panic!("a scan past its deadline finished"),
    }
    let in_time = ScanOptions {
        deadline: Some(Deadline::after(Duration::from_secs(600))),
        ..options(dir.path())
    };
    assert!(scan(&in_time).is_ok());
}

#[test]
fn files_skipped_for_their_size_make_the_scan_incomplete() {
    let padding = "# padding padding padding padding padding padding\n".repeat(30_000);
    let dir = repo(&[
        // Named like a compose file: always ours.
        (
            "compose.yaml",
            &format!("services:\n  app:\n    image: x:1\n{padding}"),
        ),
        // Sniffed by content: the beginning says it is a manifest.
        (
            "k8s/deploy.yaml",
            &format!("apiVersion: v1\nkind: Pod\n{padding}"),
        ),
        // Sniffed, and not ours: a big data file.
        (
            "data/big.json",
            &format!("{{\"rows\": [\"{}\"]}}", "x".repeat(2 << 20)),
        ),
    ]);
    let small = scan(&ScanOptions {
        max_file_size: 1 << 20,
        ..options(dir.path())
    })
    .unwrap();
    assert!(small.incomplete());
    let limited: Vec<&str> = small
        .notices
        .iter()
        .filter(|n| n.limit)
        .map(|n| n.path.as_str())
        .collect();
    assert_eq!(limited, ["compose.yaml", "k8s/deploy.yaml"]);
    assert!(small.findings.is_empty());
    assert_eq!((small.score, small.grade), (100, 'C'));
    let all = scan(&ScanOptions {
        max_file_size: 64 << 20,
        ..options(dir.path())
    })
    .unwrap();
    assert!(!all.incomplete());
    assert!(all.notices.is_empty());
}
