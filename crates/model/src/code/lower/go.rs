//! The Go frontend: lowering, handler discovery and the catalogue of
//! sinks, sanitizers and propagators. (Being written: today it only
//! records the top level, so the engine sees no functions in these files.)

use skillaudit_syntax::code::Parsed;

use super::Builder;
use crate::code::ir::CodeFile;

/// Lower a parsed Go file.
pub fn lower(parsed: &Parsed, _text: &str) -> CodeFile {
    Builder::new(parsed.tree.root_node()).finish()
}
