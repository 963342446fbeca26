//! The Python frontend: lowering a tree-sitter-python tree to the code IR,
//! MCP handler discovery (FastMCP and the official SDK, on any server
//! variable), and the catalogue of sinks, sanitizers and propagators.
//!
//! One pass (`facts`) collects what must be known before a use (imports,
//! module constants and allow-lists, classes, server variables); the
//! lowering pass then walks statements in order, keeping a few facts about
//! local variables (`track`: HTTP clients, database cursors, paths and
//! whether they were normalised, parsed URLs) that decide what a method
//! call is and whether a check is a guard.
//!
//! Modules: `stmt` statements, `defs` functions, lambdas and classes,
//! `expr` expressions, `strings` string literals and format strings,
//! `call` calls (names, special forms), `libraries` which imports are
//! libraries, `catalog` and `process` the catalogue, `guards` checks
//! that make a value safe, `handlers` registrations and descriptions,
//! `types` annotations.

mod args;
mod call;
mod catalog;
mod defs;
mod expr;
mod facts;
mod guards;
mod handlers;
mod libraries;
mod process;
mod stmt;
mod strings;
mod track;
mod types;

use skillaudit_syntax::code::NodeKind;
use std::collections::HashMap;

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::Parsed;

use super::{span, text, Builder};
use crate::code::ir::{CodeFile, Expr, FuncId, Stmt};
use crate::Span;
use facts::Facts;
use handlers::Registry;
use track::Fact;

/// Lower a parsed Python file.
pub fn lower(parsed: &Parsed, src: &str) -> CodeFile {
    let root = parsed.tree.root_node();
    let facts = Facts::collect(root, src);
    let mut cx = Ctx {
        b: Builder::new(root),
        src,
        facts,
        scopes: vec![Scope {
            func: FuncId::TOP,
            class: None,
            locals: HashMap::new(),
            params: Vec::new(),
        }],
        class_facts: HashMap::new(),
        class_body: None,
        func_names: HashMap::new(),
        pending_guards: Vec::new(),
        in_cond: false,
        reg: Registry::default(),
    };
    cx.b.file.imports = std::mem::take(&mut cx.facts.imports);
    let body = cx.block(root);
    if let Some(top) = cx.b.file.funcs.first_mut() {
        top.body = body;
    }
    cx.finish()
}

/// The variables of one function being lowered.
pub(super) struct Scope {
    pub func: FuncId,
    /// The class whose `self` this function sees (methods and the
    /// functions nested in them).
    pub class: Option<String>,
    pub locals: HashMap<String, Fact>,
    /// The function's parameter names (they shadow imports).
    pub params: Vec<String>,
}

pub(super) struct Ctx<'s> {
    pub b: Builder,
    pub src: &'s str,
    pub facts: Facts,
    pub scopes: Vec<Scope>,
    /// Facts about `self.x` per class (`"Class.x"`).
    pub class_facts: HashMap<String, Fact>,
    /// Lowering the body of this class (its simple assignments bind class
    /// attributes, its `def`s are methods).
    pub class_body: Option<String>,
    /// Functions by (enclosing function, name), for registrations by name.
    pub func_names: HashMap<(u32, String), FuncId>,
    /// `p.relative_to(root)` seen in the current statement: after it, `p`
    /// is inside `root` (the call raises otherwise).
    pub pending_guards: Vec<(FuncId, Expr, Span)>,
    /// Lowering a condition (`if`, `while`, `assert`): `or` is a boolean.
    pub in_cond: bool,
    pub reg: Registry,
}

/// The `i`-th named child that is not a comment (comments are named
/// nodes that may sit anywhere, even inside parentheses).
pub(super) fn nth(n: Node<'_>, i: usize) -> Option<Node<'_>> {
    let mut c = n.walk();
    let k = n
        .named_children(&mut c)
        .filter(|k| k.kind_str() != "comment")
        .nth(i);
    k
}

thread_local! {
    /// Field ids of the Python grammar by field name (the address of the
    /// `&'static str`), so that lookups skip tree-sitter's string search.
    static FIELDS: std::cell::RefCell<Vec<(usize, u16)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The child of `n` in field `name` (`child_by_field_name` with the field's
/// id cached).
pub(super) fn field<'t>(n: Node<'t>, name: &'static str) -> Option<Node<'t>> {
    let key = name.as_ptr() as usize;
    let id = FIELDS
        .try_with(|cell| {
            let mut cache = cell.try_borrow_mut().ok()?;
            if let Some((_, id)) = cache.iter().find(|(k, _)| *k == key) {
                return Some(*id);
            }
            let id = n.language().field_id_for_name(name).map_or(0, |x| x.get());
            cache.push((key, id));
            Some(id)
        })
        .ok()
        .flatten();
    match id {
        Some(0) => None,
        Some(id) => n.child_by_field_id(id),
        None => n.child_by_field_name(name),
    }
}

/// How many named children that are not comments.
pub(super) fn count(n: Node<'_>) -> usize {
    let mut c = n.walk();
    let k = n
        .named_children(&mut c)
        .filter(|k| k.kind_str() != "comment")
        .count();
    k
}

/// Node kinds that are variable references (for `opaque_below`).
pub(super) fn is_name(kind: &str) -> bool {
    kind == "identifier"
}

impl<'s> Ctx<'s> {
    pub fn text(&self, n: Node<'_>) -> &'s str {
        text(n, self.src)
    }

    pub fn func(&self) -> FuncId {
        self.scopes.last().map(|s| s.func).unwrap_or(FuncId::TOP)
    }

    /// The class `self` refers to in the current function.
    pub fn self_class(&self) -> Option<&str> {
        self.scopes.last().and_then(|s| s.class.as_deref())
    }

    /// The fact about a variable, looking outwards through the enclosing
    /// functions (closures) to the module.
    pub fn fact(&self, name: &str) -> Option<&Fact> {
        self.scopes.iter().rev().find_map(|s| s.locals.get(name))
    }

    /// A name bound in a function being lowered (a local or a parameter):
    /// it hides the module's variable, constant or import of that name.
    pub fn shadowed(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .skip(1)
            .any(|s| s.locals.contains_key(name) || s.params.iter().any(|p| p == name))
    }

    /// The fact about a name or `self.attr` expression.
    pub fn fact_of(&self, e: &Expr) -> Option<&Fact> {
        match e {
            Expr::Name(n, _) => self.fact(n),
            Expr::Member { obj, prop, .. } => match obj.as_ref() {
                Expr::Name(s, _) if s == "self" || s == "cls" => {
                    let class = self.self_class().unwrap_or("");
                    self.class_facts.get(&format!("{class}.{prop}"))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Record what a target now holds. A local bound to something the
    /// lowering knows nothing about gets an empty fact: it shadows the
    /// module's variable (and constant) of the same name.
    pub fn set_fact(&mut self, target: &Expr, fact: Option<Fact>) {
        match target {
            Expr::Name(n, _) => {
                if let Some(scope) = self.scopes.last_mut() {
                    scope.locals.insert(n.clone(), fact.unwrap_or_default());
                }
            }
            Expr::Member { obj, prop, .. } => {
                let Expr::Name(s, _) = obj.as_ref() else {
                    return;
                };
                if s != "self" {
                    return;
                }
                let key = format!("{}.{prop}", self.self_class().unwrap_or(""));
                match fact {
                    Some(f) => {
                        self.class_facts.insert(key, f);
                    }
                    None => {
                        self.class_facts.remove(&key);
                    }
                }
            }
            _ => {}
        }
    }

    /// A node too deep to lower.
    pub fn too_deep(&mut self, n: Node<'_>) -> Expr {
        self.b.opaque_below(n, self.src, is_name)
    }

    /// `Opaque` over the identifiers below a node (ERROR nodes), without
    /// recursion and without marking the file truncated.
    pub fn names_below(&self, n: Node<'_>) -> Expr {
        let mut children = Vec::new();
        let mut cursor = n.walk();
        'walk: loop {
            let c = cursor.node();
            if c.kind_str() == "identifier" && children.len() < 4096 {
                children.push(Expr::Name(self.text(c).to_string(), span(c)));
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.node().id() == n.id() {
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
            span: span(n),
        }
    }

    /// Statements for the `relative_to` checks seen since the last call:
    /// `if not guard(p): raise`.
    pub fn drain_guards(&mut self, out: &mut Vec<Stmt>) {
        if self.pending_guards.is_empty() {
            return;
        }
        let here = self.func();
        for (func, guard, at) in std::mem::take(&mut self.pending_guards) {
            if func != here {
                continue;
            }
            out.push(Stmt::If {
                cond: Expr::Unary {
                    op: crate::code::ir::UnOp::Not,
                    expr: Box::new(guard),
                    span: at,
                },
                then: vec![Stmt::Throw(None, at)],
                els: Vec::new(),
                span: at,
            });
        }
    }

    fn finish(mut self) -> CodeFile {
        handlers::resolve_pending(&mut self);
        self.b.finish()
    }
}
