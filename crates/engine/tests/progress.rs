//! The progress counters a scan updates for the command line's indicator.

use std::path::Path;

use skillaudit_engine::{scan_with_progress, Phase, Progress, ScanOptions};

#[test]
fn a_scan_counts_every_discovered_file_and_ends_done() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/vulnerable-mcp-server");
    let progress = Progress::new();
    assert_eq!(progress.phase(), Phase::Discovering);
    let result = scan_with_progress(
        &ScanOptions {
            targets: vec![dir.display().to_string()],
            ..Default::default()
        },
        &progress,
    )
    .expect("scan");
    assert_eq!(progress.phase(), Phase::Done);
    assert!(progress.discovered() >= result.files_scanned() && result.files_scanned() > 0);
    assert_eq!(progress.processed(), progress.discovered());
}
