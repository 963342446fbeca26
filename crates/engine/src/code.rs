//! The code stages of the pipeline for source files: check, parse and
//! lower one file (in the parallel read stage).

use std::path::Path;

use skillaudit_model::code::{dump, lower, CodeFile};
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
