//! The deployment example (`deploy/compose.yaml`, docs/DEPLOYMENT.md)
//! practises what skillaudit preaches: scanned at every severity, it has
//! no finding and grades A.

use std::process::Command;

#[test]
fn the_compose_file_of_the_deployment_grades_a() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy");
    let out = Command::new(env!("CARGO_BIN_EXE_skillaudit"))
        .args(["scan", "--format", "json", "--min-severity", "info", dir])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(report["files_scanned"], 1, "{report}");
    assert_eq!(report["findings"], serde_json::json!([]), "{report}");
    assert_eq!(report["grade"], "A", "{report}");
    assert_eq!(out.status.code(), Some(0));
}
