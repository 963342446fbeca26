//! The fix stage over every rule and source fixture: `--fix
//! --unsafe-fixes` on a copy of each case must apply every automatic fix it
//! offers (nothing left fixable), never produce a file that parses
//! differently (no rejected edit, no new syntax error), and change nothing
//! on a second run.

use std::path::{Path, PathBuf};

use skillaudit_engine::fix::{self, FixOptions};
use skillaudit_engine::{scan, ScanOptions};
use skillaudit_rules::Severity;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(root.join("rules")).unwrap() {
        for polarity in std::fs::read_dir(rule.unwrap().path()).unwrap() {
            for case in std::fs::read_dir(polarity.unwrap().path()).unwrap() {
                out.push(case.unwrap().path());
            }
        }
    }
    for source in std::fs::read_dir(root.join("sources")).unwrap() {
        out.push(source.unwrap().path());
    }
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let ty = entry.file_type().unwrap();
        let dst = to.join(entry.file_name());
        if ty.is_dir() {
            copy_dir(&entry.path(), &dst);
        } else if ty.is_file() {
            std::fs::copy(entry.path(), &dst).unwrap();
        }
    }
}

fn syntax_errors(options: &ScanOptions) -> usize {
    scan(options)
        .unwrap()
        .findings
        .iter()
        .filter(|f| f.finding.rule.id == "syntax-error")
        .count()
}

#[test]
fn every_fixture_is_fixed_completely_and_cleanly() {
    let mut applied = 0;
    for case in cases() {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&case, tmp.path());
        let options = ScanOptions {
            targets: vec![tmp.path().to_string_lossy().into_owned()],
            min_severity: Severity::Info,
            ..ScanOptions::default()
        };
        let errors_before = syntax_errors(&options);
        let (result, outcome) = fix::fix(
            &options,
            FixOptions {
                unsafe_fixes: true,
                write: true,
            },
        )
        .unwrap();
        let name = case.display();
        assert_eq!(
            outcome.rejected, 0,
            "{name}: an edit would have broken the file"
        );
        let left: Vec<String> = result
            .findings
            .iter()
            .filter(|f| f.finding.fix.as_ref().is_some_and(|x| !x.edits.is_empty()))
            .map(|f| format!("{} {}:{}", f.finding.rule.id, f.path, f.start.line))
            .collect();
        assert!(
            left.is_empty(),
            "{name}: still fixable after fixing: {left:?}"
        );
        assert!(
            syntax_errors(&options) <= errors_before,
            "{name}: a fix introduced a syntax error"
        );
        let (_, again) = fix::fix(
            &options,
            FixOptions {
                unsafe_fixes: true,
                write: true,
            },
        )
        .unwrap();
        assert!(
            again.changes.is_empty() && again.applied == 0,
            "{name}: a second fix changed something"
        );
        applied += outcome.applied;
    }
    // The fixtures do exercise the editors.
    assert!(
        applied > 100,
        "only {applied} fixes applied over all fixtures"
    );
}
