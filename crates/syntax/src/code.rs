//! Source code of MCP servers — TypeScript/TSX, JavaScript, Python and Go —
//! parsed with the languages' tree-sitter grammars.
//!
//! Only parsing lives here: which language a path is, whether a file is
//! worth parsing (declaration files, minified bundles and oversized files
//! are not), and a bounded parse. Turning the tree into the code model
//! (functions, handlers, calls, data flow) is the job of
//! `skillaudit_model::code::lower`, per language.
//!
//! tree-sitter is error-tolerant: a file with a construct the grammar does
//! not know still yields a tree with `ERROR` nodes around that construct,
//! and the rest is analysed. Grammars lag their languages (new TypeScript
//! syntax, decorators, `satisfies`), so an `ERROR` node is **not** evidence
//! that a toolchain would refuse the file: the code layer never reports a
//! `syntax-error` from one (see [`Parsed::partial`]).

use std::cell::RefCell;
use std::time::Duration;

pub use crate::kinds::NodeKind;
use crate::Span;
pub use tree_sitter;
use tree_sitter::{Language, Parser, Tree};

/// A source language the code layer understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    TypeScript,
    /// TypeScript with JSX (`.tsx`): its own grammar.
    Tsx,
    /// JavaScript, with JSX (`.js .jsx .mjs .cjs`).
    JavaScript,
    Python,
    Go,
}

impl Lang {
    pub const ALL: [Lang; 5] = [
        Lang::TypeScript,
        Lang::Tsx,
        Lang::JavaScript,
        Lang::Python,
        Lang::Go,
    ];

    /// The language of a path by its extension; `None` for other files and
    /// for TypeScript declaration files (`.d.ts`, `.d.mts`, `.d.cts`), which
    /// hold types only and never run.
    pub fn from_path(path: &str) -> Option<Lang> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        let (stem, ext) = lower.rsplit_once('.')?;
        let lang = match ext {
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "py" => Lang::Python,
            "go" => Lang::Go,
            _ => return None,
        };
        if matches!(lang, Lang::TypeScript) && stem.ends_with(".d") {
            return None;
        }
        Some(lang)
    }

    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Lang::TypeScript => "TypeScript",
            Lang::Tsx => "TSX",
            Lang::JavaScript => "JavaScript",
            Lang::Python => "Python",
            Lang::Go => "Go",
        }
    }

    /// The family whose frontend lowers this language (`Tsx` and
    /// `JavaScript` share TypeScript's).
    pub fn is_js_family(self) -> bool {
        matches!(self, Lang::TypeScript | Lang::Tsx | Lang::JavaScript)
    }

    pub(crate) fn grammar(self) -> Language {
        match self {
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
        }
    }
}

/// Source files larger than this are not parsed (a notice says so). Real
/// hand-written sources are far smaller; what is larger is generated.
pub const MAX_SOURCE_BYTES: usize = 4 << 20;

/// Why a source file is not parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Larger than [`MAX_SOURCE_BYTES`].
    TooLarge { bytes: usize },
    /// A minified or bundled file (very long lines): generated code whose
    /// source, if it is in the repository, is analysed instead.
    Minified { longest_line: usize },
    /// Parsing took longer than its time limit.
    TimedOut,
}

impl Skip {
    pub fn message(&self) -> String {
        match self {
            Skip::TooLarge { bytes } => format!(
                "source file is {} KiB, over the {} MiB limit for code analysis; not analysed",
                bytes >> 10,
                MAX_SOURCE_BYTES >> 20
            ),
            Skip::Minified { longest_line } => format!(
                "minified or bundled code (a line of {longest_line} characters); not analysed"
            ),
            Skip::TimedOut => "source file too complex to parse in time; not analysed".into(),
        }
    }
}

/// A line longer than this marks a file as minified...
const MINIFIED_LINE: usize = 5_000;
/// ...when lines are this long on average, or when that line holds most of
/// the file (a bundle with a license header).
const MINIFIED_AVERAGE: usize = 300;

/// Whether a file should be parsed at all: `Err` says why not.
pub fn check(path: &str, text: &str) -> Result<(), Skip> {
    if text.len() > MAX_SOURCE_BYTES {
        return Err(Skip::TooLarge { bytes: text.len() });
    }
    let lower = path.to_ascii_lowercase();
    let named_minified = lower.ends_with(".min.js") || lower.ends_with(".min.mjs");
    let mut longest = 0;
    let mut lines = 0usize;
    for line in text.split('\n') {
        longest = longest.max(line.len());
        lines += 1;
    }
    let average = text.len() / lines.max(1);
    let minified = longest > MINIFIED_LINE
        && (average > MINIFIED_AVERAGE || longest * 2 > text.len() || named_minified);
    if minified || (named_minified && longest > 1_000) {
        return Err(Skip::Minified {
            longest_line: longest,
        });
    }
    Ok(())
}

/// A parsed source file.
pub struct Parsed {
    pub lang: Lang,
    pub tree: Tree,
    /// The tree has `ERROR` or `MISSING` nodes: parts of the file were not
    /// understood and are analysed as far as they go. Not a syntax error
    /// (module doc).
    pub partial: bool,
}

/// Parsing is abandoned after this long plus [`PARSE_TIME_PER_MIB`] per MiB.
const PARSE_TIME_BASE: Duration = Duration::from_secs(5);
const PARSE_TIME_PER_MIB: Duration = Duration::from_secs(5);

thread_local! {
    /// One parser per language and thread, reused across files.
    static PARSERS: RefCell<Vec<(Lang, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parse `text` as `lang`, within a time limit proportional to its size.
/// Call [`check`] first; this does not look at sizes.
pub fn parse(lang: Lang, text: &str) -> Result<Parsed, Skip> {
    let mib = u32::try_from(text.len() >> 20).unwrap_or(u32::MAX);
    let limit = PARSE_TIME_BASE.saturating_add(PARSE_TIME_PER_MIB.saturating_mul(mib));
    let tree = PARSERS
        .try_with(|cell| {
            let mut parsers = cell.try_borrow_mut().ok()?;
            let at = match parsers.iter().position(|(l, _)| *l == lang) {
                Some(i) => i,
                None => {
                    parsers.push((lang, new_parser(lang)?));
                    parsers.len() - 1
                }
            };
            Some(crate::ts::parse_within(&mut parsers[at].1, text, limit))
        })
        .ok()
        .flatten()
        .or_else(|| Some(crate::ts::parse_within(&mut new_parser(lang)?, text, limit)))
        .flatten()
        .ok_or(Skip::TimedOut)?;
    let partial = tree.root_node().has_error();
    Ok(Parsed {
        lang,
        tree,
        partial,
    })
}

/// The spans of a source file's comments: tree-sitter's `comment` nodes,
/// so text inside strings, template literals, regular expressions and
/// docstrings is never one. Empty when the file is not parsed ([`check`],
/// [`parse`]).
pub fn comments(lang: Lang, path: &str, text: &str) -> Vec<Span> {
    if check(path, text).is_err() {
        return Vec::new();
    }
    let Ok(parsed) = parse(lang, text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cursor = parsed.tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.kind().ends_with("comment") {
            out.push(Span::new(node.start_byte(), node.end_byte()));
        } else if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

fn new_parser(lang: Lang) -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(&lang.grammar()).ok()?;
    Some(parser)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_extension() {
        assert_eq!(Lang::from_path("src/index.ts"), Some(Lang::TypeScript));
        assert_eq!(Lang::from_path("a/b.MTS"), Some(Lang::TypeScript));
        assert_eq!(Lang::from_path("ui/App.tsx"), Some(Lang::Tsx));
        assert_eq!(Lang::from_path("x.cjs"), Some(Lang::JavaScript));
        assert_eq!(Lang::from_path("server.py"), Some(Lang::Python));
        assert_eq!(Lang::from_path("cmd/main.go"), Some(Lang::Go));
        assert_eq!(Lang::from_path("worker-configuration.d.ts"), None);
        assert_eq!(Lang::from_path("types.d.mts"), None);
        assert_eq!(Lang::from_path("README.md"), None);
        assert_eq!(Lang::from_path("Makefile"), None);
    }

    #[test]
    fn every_language_parses() {
        for (lang, src) in [
            (Lang::TypeScript, "const x: number = 1;\n"),
            (Lang::Tsx, "const e = <div>{x}</div>;\n"),
            (Lang::JavaScript, "const e = require('x');\n"),
            (Lang::Python, "def f(x):\n    return x\n"),
            (Lang::Go, "package main\nfunc main() {}\n"),
        ] {
            let p = parse(lang, src).unwrap();
            assert!(!p.partial, "{lang:?}: {}", p.tree.root_node().to_sexp());
        }
        let p = parse(Lang::Python, "def f(:\n").unwrap();
        assert!(p.partial);
    }

    #[test]
    fn minified_and_oversized_files_are_not_parsed() {
        let line = "var a=1;".repeat(2_000);
        assert!(matches!(
            check("dist/bundle.js", &line),
            Err(Skip::Minified { .. })
        ));
        let with_header = format!("/*! license */\n{line}\n");
        assert!(matches!(
            check("dist/bundle.js", &with_header),
            Err(Skip::Minified { .. })
        ));
        // One long data line among ordinary code is not a bundle.
        let ordinary = "const x = 1;\n".repeat(5_000);
        let data = format!(
            "{ordinary}const TABLE = \"{}\";\n{ordinary}",
            "a".repeat(6_000)
        );
        assert_eq!(check("src/table.ts", &data), Ok(()));
        let big = "x".repeat(MAX_SOURCE_BYTES + 1);
        assert!(matches!(check("a.py", &big), Err(Skip::TooLarge { .. })));
        assert!(Skip::TooLarge { bytes: 5 << 20 }
            .message()
            .contains("5120 KiB"));
    }

    #[test]
    fn deep_nesting_parses_without_overflow() {
        let deep = format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000));
        let p = parse(Lang::Python, &deep).unwrap();
        assert!(p.tree.root_node().child_count() > 0);
        let deep = format!("const x = {}1{};\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(Lang::TypeScript, &deep).is_ok());
    }

    #[test]
    fn comments_are_the_grammar_s() {
        let found = |lang, text: &'static str| -> Vec<&'static str> {
            comments(lang, "f", text)
                .into_iter()
                .map(|s| s.slice(text))
                .collect()
        };
        let ts = "const a = \"// no\"; // one\nconst b = `/* no ${x} */`; /* two */\nconst r = /\\/\\/no/;\n";
        assert_eq!(found(Lang::TypeScript, ts), ["// one", "/* two */"]);
        let py = "s = \"# no\"  # one\nd = '''\n# no\n'''\n# two\n";
        assert_eq!(found(Lang::Python, py), ["# one", "# two"]);
        let go = "package m\n// one\nvar s = `// no`\n";
        assert_eq!(found(Lang::Go, go), ["// one"]);
        // Not parsed, so no comments.
        let minified = format!("// x\n{}", "var a=1;".repeat(2_000));
        assert!(comments(Lang::JavaScript, "m.js", &minified).is_empty());
    }
}
