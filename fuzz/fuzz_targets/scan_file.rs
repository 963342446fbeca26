//! The whole pipeline: the input is written under several container-related
//! names in a temporary directory, which is then scanned.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_engine::{scan, ScanOptions};
use skillaudit_rules::Severity;

const NAMES: &[&str] = &["Dockerfile", "compose.yaml", "README.md", ".vscode/mcp.json", ".github/workflows/ci.yml", "run.sh"];

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    for name in NAMES {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            if std::fs::create_dir_all(parent).is_err() {
                return;
            }
        }
        if std::fs::write(&path, data).is_err() {
            return;
        }
    }
    let options = ScanOptions { targets: vec![dir.path().display().to_string()], min_severity: Severity::Info, ..Default::default() };
    let _ = scan(&options);
});
