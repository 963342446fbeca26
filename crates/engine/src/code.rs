//! The code stages of the pipeline: check, parse and lower the root source
//! files (in the parallel read stage), then the files they import
//! ([`lower_reached`], see `skillaudit_model::code::reach`); after linking,
//! the taint analysis over every lowered file.

use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;
use skillaudit_model::code::modules::{family, ModuleIndex};
use skillaudit_model::code::reach;
use skillaudit_model::code::resolve::CodeUnit;
use skillaudit_model::code::taint::{self, Analysis, FlowSource};
use skillaudit_model::code::{dump, lower, CodeFile};
use skillaudit_model::{FileId, FileKind, SourceFile};
use skillaudit_rules::secrets::{self, Verdict};
use skillaudit_syntax::code::{self as syntax_code, Lang, Skip};

use crate::Notice;

/// Whether a source file is parsed whatever imports it
/// (`skillaudit_model::code::reach`). A secret assignment makes a root only
/// when `secret-in-source` could report its literal: a credential of a
/// known format, or — outside test code, where only known formats are
/// reported — a strong value under a secret-like name. Placeholders
/// (`token="test-token"`, the bulk of every test suite) never do.
pub fn is_root(lang: Lang, path: &str, text: &str) -> bool {
    let test = is_test_path(path);
    reach::is_root(lang, text, |name, value| {
        match secrets::classify(Some(name), value) {
            Verdict::Known(_) => true,
            Verdict::HighEntropy(_) => !test,
            Verdict::WeakPassword(_) | Verdict::Placeholder | Verdict::Nothing => false,
        }
    })
}

/// Parse and lower one source file, or say why it is not analysed.
pub fn lower_file(lang: Lang, path: &str, text: &str) -> Result<CodeFile, Skip> {
    syntax_code::check(path, text)?;
    let parsed = syntax_code::parse(lang, text)?;
    Ok(lower::lower(&parsed, text))
}

/// [`lower_file`], a file that cannot be analysed being a notice: minified
/// bundles are generated code whose source is analysed instead; a file too
/// large or too slow to parse is a limit (the audit is incomplete).
pub fn lower_or_notice(lang: Lang, path: &str, text: &str) -> Result<CodeFile, Notice> {
    lower_file(lang, path, text).map_err(|skip| match skip {
        Skip::Minified { .. } => Notice::new(path, skip.message()),
        _ => Notice::limit(path, skip.message()),
    })
}

/// Parse and lower the source files the lowered ones import, round after
/// round (each in parallel), until no new file is reached; the units end
/// in file order, as if every file had been lowered while reading.
pub fn lower_reached(
    files: &[SourceFile],
    units: &mut Vec<CodeUnit>,
    notices: &Mutex<Vec<Notice>>,
) {
    let sources: Vec<(&SourceFile, Lang)> = files
        .iter()
        .filter_map(|f| match f.kind {
            FileKind::Source(lang) => Some((f, lang)),
            _ => None,
        })
        .collect();
    let index = ModuleIndex::new(
        sources
            .iter()
            .map(|(f, lang)| (f.path.as_str(), family(Some(*lang)))),
    );
    let at: std::collections::HashMap<FileId, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (f.id, i))
        .collect();
    let mut done = vec![false; sources.len()];
    for u in units.iter() {
        if let Some(&i) = at.get(&u.file) {
            done[i] = true;
        }
    }
    let mut frontier: Vec<usize> = (0..units.len()).collect();
    while !frontier.is_empty() {
        let mut next: Vec<usize> = Vec::new();
        for &ui in &frontier {
            let u = &units[ui];
            for t in reach::imported(&index, &u.path, &u.code) {
                let t = t as usize;
                if !done[t] {
                    done[t] = true;
                    next.push(t);
                }
            }
        }
        let lowered: Vec<(usize, Result<CodeFile, Notice>)> = next
            .par_iter()
            .map(|&t| {
                let (f, lang) = sources[t];
                (t, lower_or_notice(lang, &f.path, &f.text))
            })
            .collect();
        let start = units.len();
        for (t, result) in lowered {
            let f = sources[t].0;
            match result {
                Ok(code) => units.push(unit(f.id, &f.path, code)),
                Err(n) => notices.lock().expect("notices").push(n),
            }
        }
        frontier = (start..units.len()).collect();
    }
    units.sort_by_key(|u| u.file);
}

/// Drop the flows from a parameter of a function "nothing calls" when a
/// source file that was not parsed (no root reaches it) names the
/// function: that file may well call it, and parsing every file would
/// have found the call (`reach`). Whole-word, same language family.
pub fn drop_called_elsewhere(files: &[SourceFile], units: &[CodeUnit], analysis: &mut Analysis) {
    let parsed: std::collections::HashSet<FileId> = units.iter().map(|u| u.file).collect();
    let unparsed: Vec<(&str, u8)> = files
        .iter()
        .filter(|f| !parsed.contains(&f.id))
        .filter_map(|f| match f.kind {
            FileKind::Source(lang) => Some((f.text.as_str(), family(Some(lang)))),
            _ => None,
        })
        .collect();
    if unparsed.is_empty() {
        return;
    }
    analysis.flows.retain(|flow| {
        let FlowSource::Param { unit, func, .. } = flow.source else {
            return true;
        };
        let u = &units[unit as usize];
        let Some(name) = u
            .code
            .funcs
            .get(func as usize)
            .and_then(|f| f.name.as_deref())
        else {
            return true;
        };
        let fam = family(u.code.lang);
        !unparsed
            .iter()
            .any(|&(text, f)| f == fam && names_word(text, name))
    });
}

/// `text` contains `word` with no identifier character on either side.
fn names_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(ident)
            && !text[i + word.len()..].chars().next().is_some_and(ident)
    })
}

/// `skillaudit debug-code FILE`: the lowered model of one file as text.
pub fn dump_file(path: &Path) -> Result<String, DumpError> {
    let display = path.to_string_lossy();
    let lang = Lang::from_path(&display).ok_or_else(|| DumpError::Language {
        path: display.to_string(),
    })?;
    let bytes = std::fs::read(path).map_err(|source| DumpError::Read {
        path: display.to_string(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let file = lower_file(lang, &display, &text).map_err(|s| DumpError::Skipped {
        path: display.to_string(),
        message: s.message(),
    })?;
    Ok(dump::dump(&file, &text))
}

/// Why [`dump_file`] has no model to show.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("{path}: not a TypeScript, JavaScript, Python or Go file")]
    Language { path: String },
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The file is not lowered (too large, minified, unparsable …).
    #[error("{path}: {message}")]
    Skipped { path: String, message: String },
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
    fn whole_words() {
        assert!(names_word("x = run_git(a)", "run_git"));
        assert!(!names_word("x = run_git_all(a)", "run_git"));
        assert!(!names_word("x = $run_git(a)", "run_git"));
        assert!(!names_word("", "run_git"));
    }

    #[test]
    fn secret_roots_are_literals_the_rule_could_report() {
        let strong = "const apiKey = \"Zs6Nd1Hy5Jb0Gcq8Vf2Lx9Rt4Wm7Kp3\";\n";
        let placeholder = "client = Client(token=\"test-token\", api_key=\"your-api-key\")\n";
        assert!(is_root(Lang::TypeScript, "src/config.ts", strong));
        assert!(!is_root(Lang::Python, "src/client.py", placeholder));
        // Test code reports only known formats, so a strong literal under
        // a secret-like name there is no reason to parse the file.
        assert!(!is_root(Lang::TypeScript, "src/config.test.ts", strong));
        let stripe = "API_KEY = \"sk_live_51Hy5Jb0Gcq8Vf2Lx9Rt4Wm7Kp3Zs6N\"\n";
        assert!(is_root(Lang::Python, "tests/test_billing.py", stripe));
    }

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
