//! The code stages of the pipeline: check, parse and lower one source file
//! (in the parallel read stage); after linking, the taint analysis over
//! every lowered file.

use std::path::Path;

use skillaudit_model::code::resolve::CodeUnit;
use skillaudit_model::code::taint::{self, Analysis};
use skillaudit_model::code::{dump, lower, CodeFile};
use skillaudit_model::FileId;
use skillaudit_syntax::code::{self as syntax_code, Lang, Skip};

/// Parse and lower one source file, or say why it is not analysed.
pub fn lower_file(lang: Lang, path: &str, text: &str) -> Result<CodeFile, Skip> {
    syntax_code::check(path, text)?;
    let parsed = syntax_code::parse(lang, text)?;
    Ok(lower::lower(&parsed, text))
}

/// `skillaudit debug-code FILE`: the lowered model of one file as text.
pub fn dump_file(path: &Path) -> Result<String, String> {
    let display = path.to_string_lossy();
    let lang = Lang::from_path(&display)
        .ok_or_else(|| format!("{display}: not a TypeScript, JavaScript, Python or Go file"))?;
    let bytes = std::fs::read(path).map_err(|e| format!("{display}: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let file =
        lower_file(lang, &display, &text).map_err(|s| format!("{display}: {}", s.message()))?;
    Ok(dump::dump(&file, &text))
}

/// A lowered file as a unit of the code model; test files are recognised
/// by their path (code-rules.md "test code").
pub fn unit(file: FileId, path: &str, code: CodeFile) -> CodeUnit {
    CodeUnit {
        file,
        path: path.to_string(),
        code,
        test: is_test_path(path),
    }
}

/// Directories whose code is tests.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "e2e",
];

/// `tests/x.py`, `src/__tests__/a.ts`, `a.test.ts`, `a.spec.js`,
/// `x_test.go`, `test_x.py`, `conftest.py`.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split('/').rev();
    let name = parts.next().unwrap_or("");
    if parts.any(|d| TEST_DIRS.contains(&d)) {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name);
    name.contains(".test.")
        || name.contains(".spec.")
        || name.ends_with("_test.go")
        || (name.ends_with(".py") && (stem.starts_with("test_") || stem.ends_with("_test")))
        || name == "conftest.py"
}

/// The taint analysis, on a thread of its own with a large stack: the
/// interpreter recurses over expressions (bounded by the lowering's depth
/// limit) and into closures (bounded too), and must not depend on the
/// caller's stack size.
pub fn analyse(units: &[CodeUnit], deadline: Option<std::time::Instant>) -> Analysis {
    if units
        .iter()
        .all(|u| u.code.handlers.is_empty() && u.code.funcs.len() <= 1)
    {
        return Analysis::default();
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("taint".into())
            .stack_size(256 << 20)
            .spawn_scoped(s, || taint::analyse_until(units, deadline))
            .ok()
            .and_then(|h| h.join().ok())
            .unwrap_or_else(|| Analysis {
                flows: Vec::new(),
                notes: vec!["code analysis failed; code findings are incomplete".into()],
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths() {
        for p in [
            "tests/test_server.py",
            "src/__tests__/tools.ts",
            "src/tools.test.ts",
            "src/tools.spec.js",
            "pkg/run_test.go",
            "test_tools.py",
            "conftest.py",
            "packages/x/test/helpers.ts",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "src/server.py",
            "src/testing_tools.ts",
            "cmd/main.go",
            "src/latest.py",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
