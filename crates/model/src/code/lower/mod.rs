//! Frontends: a tree-sitter tree of one language becomes a [`CodeFile`].
//!
//! One module per language family — [`js`] (TypeScript, TSX, JavaScript),
//! [`python`], [`go`] — each with its catalogue of sinks, sanitizers and
//! propagators next to it (`catalog` submodules) and its handler discovery.
//! This module holds what they share: spans, bounded recursion, and the
//! builder that numbers functions.

pub mod go;
pub mod js;
pub mod python;

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;
use skillaudit_syntax::code::{Lang, Parsed};

use super::ir::{CodeFile, Expr, Func, FuncId, MAX_DEPTH};
use crate::Span;

/// Lower a parsed file. Never panics; what cannot be understood becomes
/// `Opaque` (and a note in [`CodeFile::truncated`] when a limit was hit).
pub fn lower(parsed: &Parsed, text: &str) -> CodeFile {
    let mut file = match parsed.lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => js::lower(parsed, text),
        Lang::Python => python::lower(parsed, text),
        Lang::Go => go::lower(parsed, text),
    };
    file.lang = Some(parsed.lang);
    file
}

/// The span of a node.
pub fn span(node: Node<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

/// The text of a node (empty if the node's range is not valid UTF-8
/// boundaries of `text`, which tree-sitter never produces for UTF-8 input).
pub fn text<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    text.get(node.start_byte()..node.end_byte()).unwrap_or("")
}

/// The functions of a file being lowered, numbered in creation order,
/// with `funcs[0]` the top level; and the depth guard.
pub struct Builder {
    pub file: CodeFile,
    depth: usize,
}

impl Builder {
    /// A builder whose function 0 is the top level covering `root`.
    pub fn new(root: Node<'_>) -> Builder {
        let top = Func {
            span: span(root),
            name_span: Span::empty(root.start_byte()),
            ..Func::default()
        };
        Builder {
            file: CodeFile {
                funcs: vec![top],
                ..CodeFile::default()
            },
            depth: 0,
        }
    }

    /// Reserve a function id (fill it with [`Builder::set_func`] once its
    /// body is lowered, so nested functions get later ids).
    pub fn reserve_func(&mut self) -> FuncId {
        let id = FuncId(self.file.funcs.len() as u32);
        self.file.funcs.push(Func::default());
        id
    }

    pub fn set_func(&mut self, id: FuncId, func: Func) {
        if let Some(slot) = self.file.funcs.get_mut(id.0 as usize) {
            *slot = func;
        }
    }

    /// Enter one level of nesting; `false` when [`MAX_DEPTH`] is reached
    /// (the caller then uses [`Builder::opaque_below`]). Pair every `true`
    /// with [`Builder::leave`].
    pub fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        true
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A node too deep to lower: `Opaque` over every identifier below it,
    /// collected with a cursor (no recursion). `is_name` tells which node
    /// kinds are variable references in this grammar.
    pub fn opaque_below(&mut self, node: Node<'_>, src: &str, is_name: fn(&str) -> bool) -> Expr {
        if self.file.truncated.is_none() {
            self.file.truncated = Some(format!(
                "nesting deeper than {MAX_DEPTH} levels at byte {}; analysed as one expression",
                node.start_byte()
            ));
        }
        let mut children = Vec::new();
        let mut cursor = node.walk();
        'walk: loop {
            let n = cursor.node();
            if is_name(n.kind_str()) && children.len() < 4096 {
                children.push(Expr::Name(text(n, src).to_string(), span(n)));
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.node().id() == node.id() {
                    break 'walk;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        Expr::Opaque {
            children,
            span: span(node),
        }
    }

    pub fn finish(self) -> CodeFile {
        self.file
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::code::parse;

    #[test]
    fn opaque_below_collects_names_without_recursion() {
        let src = format!("x = {}a + b{}\n", "(".repeat(5_000), ")".repeat(5_000));
        let parsed = parse(Lang::Python, &src).unwrap();
        let root = parsed.tree.root_node();
        let mut b = Builder::new(root);
        let e = b.opaque_below(root, &src, |k| k == "identifier");
        let Expr::Opaque { children, .. } = e else {
            panic!("not opaque")
        };
        let names: Vec<_> = children
            .iter()
            .map(|c| match c {
                Expr::Name(n, _) => n.as_str(),
                _ => "?",
            })
            .collect();
        assert_eq!(names, ["x", "a", "b"]);
        assert!(b.finish().truncated.is_some());
    }

    #[test]
    fn depth_guard_counts() {
        let parsed = parse(Lang::Python, "x = 1\n").unwrap();
        let mut b = Builder::new(parsed.tree.root_node());
        let mut entered = 0;
        while b.enter() {
            entered += 1;
        }
        assert_eq!(entered, MAX_DEPTH);
        b.leave();
        assert!(b.enter());
    }
}
