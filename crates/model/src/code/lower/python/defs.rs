//! Function, lambda, class and decorated definitions.

use skillaudit_syntax::code::NodeKind;
use std::collections::HashMap;

use super::{count, field, nth};
use skillaudit_syntax::code::tree_sitter::Node;

use super::facts::{field_call_description, literal_string};
use super::handlers::{self, FuncDocs};
use super::track::{Fact, Obj};
use super::types::{type_hint, TypeEnv};
use super::{Ctx, Scope};
use crate::code::ir::{Expr, Func, FuncId, Param, Pattern, Stmt, TypeHint};
use crate::code::lower::span;
use crate::Span;

/// Lowered parameters with what the handler discovery needs.
#[derive(Default)]
pub struct Params {
    pub params: Vec<Param>,
    /// (parameter, description text, its literal's span).
    pub docs: Vec<(String, String, Span)>,
    /// Parameters annotated as a path, an HTTP client, a database handle.
    pub objs: Vec<(String, Obj)>,
}

impl Ctx<'_> {
    /// A `def`: a new function (its defaults evaluated here, its body in a
    /// scope of its own). Returns its id.
    pub fn function_def(&mut self, n: Node<'_>, _decorators: &[Node<'_>]) -> FuncId {
        let id = self.b.reserve_func();
        let parent = self.func();
        let class = self.class_body.take();
        let name_node = field(n, "name");
        let name = name_node.map(|x| self.text(x).to_string());
        if let Some(nm) = &name {
            if class.is_none() {
                self.func_names.insert((parent.0, nm.clone()), id);
            }
        }
        let Params { params, docs, objs } = match field(n, "parameters") {
            Some(p) => self.params(p),
            None => Params::default(),
        };
        let self_class = class
            .clone()
            .or_else(|| self.self_class().map(str::to_string));
        self.enter_scope(id, self_class, objs, &params);
        let body_node = field(n, "body");
        let docstring = body_node.and_then(|b| self.docstring(b));
        let body = body_node.map(|b| self.block(b)).unwrap_or_default();
        self.scopes.pop();
        self.class_body = class.clone();
        self.reg.docs.insert(
            id,
            FuncDocs {
                docstring,
                params: docs,
            },
        );
        let exported = parent == FuncId::TOP;
        self.b.set_func(
            id,
            Func {
                name,
                class,
                parent: Some(parent),
                exported,
                span: span(n),
                name_span: name_node
                    .map(span)
                    .unwrap_or_else(|| Span::empty(n.start_byte())),
                params,
                body,
            },
        );
        id
    }

    /// Start the scope of a function; `objs` are parameters whose
    /// annotation says what object they hold.
    fn enter_scope(
        &mut self,
        id: FuncId,
        class: Option<String>,
        objs: Vec<(String, Obj)>,
        params: &[Param],
    ) {
        let mut locals: HashMap<String, Fact> = params
            .iter()
            .filter_map(|p| match &p.pattern {
                Pattern::Name(n, _) => Some((n.clone(), Fact::default())),
                _ => None,
            })
            .collect();
        for (n, obj) in objs {
            locals.insert(
                n,
                Fact {
                    obj: Some(obj),
                    ..Fact::default()
                },
            );
        }
        let params = params
            .iter()
            .filter_map(|p| match &p.pattern {
                Pattern::Name(n, _) => Some(n.clone()),
                _ => None,
            })
            .collect();
        self.scopes.push(Scope {
            func: id,
            class,
            locals,
            params,
        });
    }

    /// The docstring of a body: its first statement when it is a string.
    fn docstring(&self, body: Node<'_>) -> Option<(String, Span)> {
        let first = nth(body, 0)?;
        if first.kind_str() != "expression_statement" || count(first) != 1 {
            return None;
        }
        let s = nth(first, 0)?;
        literal_string(s, self.src).map(|t| (t, span(s)))
    }

    /// Parameters, and the `Field(description=…)`/`Annotated[…, "…"]`
    /// texts of each.
    pub fn params(&mut self, n: Node<'_>) -> Params {
        let mut out = Params::default();
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        for p in kids {
            let (name_node, ty, default, rest) = match p.kind_str() {
                "identifier" => (Some(p), None, None, false),
                "typed_parameter" => {
                    let inner = nth(p, 0);
                    let rest = inner.is_some_and(|i| i.kind_str() != "identifier");
                    let name = inner.map(|i| if rest { nth(i, 0).unwrap_or(i) } else { i });
                    (name, field(p, "type"), None, rest)
                }
                "default_parameter" => (field(p, "name"), None, field(p, "value"), false),
                "typed_default_parameter" => {
                    (field(p, "name"), field(p, "type"), field(p, "value"), false)
                }
                "list_splat_pattern" | "dictionary_splat_pattern" => (nth(p, 0), None, None, true),
                "tuple_pattern" => (Some(p), None, None, false),
                _ => continue, // `*` and `/` separators
            };
            let Some(name_node) = name_node else { continue };
            let pattern = if name_node.kind_str() == "identifier" {
                Pattern::Name(self.text(name_node).to_string(), span(name_node))
            } else {
                self.pattern(name_node)
            };
            let env = TypeEnv {
                classes: &self.facts.classes,
            };
            let hint = ty.map(|t| type_hint(t, self.src, &env)).unwrap_or_default();
            let obj = ty.and_then(|t| annotated_obj(&self.type_path(t)));
            if let Pattern::Name(pn, _) = &pattern {
                if let Some(obj) = obj.filter(|_| hint != TypeHint::Safe) {
                    out.objs.push((pn.clone(), obj));
                }
                let doc = ty
                    .and_then(|t| handlers::annotated_description(t, self.src))
                    .or_else(|| default.and_then(|d| field_call_description(d, self.src)));
                if let Some((text, at)) = doc {
                    out.docs.push((pn.clone(), text, at));
                }
            }
            let default = default.map(|d| self.expr(d));
            out.params.push(Param {
                pattern,
                span: span(p),
                rest,
                ty: hint,
                default,
            });
        }
        out
    }

    /// The main type of an annotation resolved through the imports
    /// (`Session` after `from requests import Session` is
    /// `requests.Session`); `Optional[T]`, `T | None` and quotes removed.
    fn type_path(&self, ty: Node<'_>) -> String {
        let t = self.text(ty).trim_matches(|c| c == '"' || c == '\'');
        let main = t.split('|').next().unwrap_or(t).trim();
        let main = main
            .strip_prefix("Optional[")
            .and_then(|m| m.strip_suffix(']'))
            .unwrap_or(main);
        let root = main.split('.').next().unwrap_or(main);
        match self.facts.bindings.get(root) {
            Some(b) => format!("{}{}", b.path, &main[root.len()..]),
            None => main.to_string(),
        }
    }

    /// `lambda a, b: …`: a function whose body returns the expression.
    pub fn lambda(&mut self, n: Node<'_>) -> Expr {
        let id = self.b.reserve_func();
        let parent = self.func();
        let Params { params, objs, .. } = match field(n, "parameters") {
            Some(p) => self.params(p),
            None => Params::default(),
        };
        let class = self.self_class().map(str::to_string);
        self.enter_scope(id, class, objs, &params);
        let body = match field(n, "body") {
            Some(b) => {
                let e = self.expr(b);
                vec![Stmt::Return(Some(e), span(b))]
            }
            None => Vec::new(),
        };
        self.scopes.pop();
        self.b.set_func(
            id,
            Func {
                name: None,
                class: None,
                parent: Some(parent),
                exported: false,
                span: span(n),
                name_span: Span::empty(n.start_byte()),
                params,
                body,
            },
        );
        Expr::Func(id, span(n))
    }

    /// A class: methods become functions of the class; other statements
    /// of its body run here, binding class attributes.
    pub fn class_def(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(name) = field(n, "name").map(|x| self.text(x).to_string()) else {
            return;
        };
        let outer = self.class_body.replace(name);
        let body = self.block_of(n, "body");
        self.class_body = outer;
        if !body.is_empty() {
            out.push(Stmt::Block(body));
        }
    }

    /// `@decorator … def f` / `class C`.
    pub fn decorated(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let mut c = n.walk();
        let decorators: Vec<Node<'_>> = n
            .named_children(&mut c)
            .filter(|k| k.kind_str() == "decorator")
            .collect();
        let Some(def) = field(n, "definition") else {
            return;
        };
        if def.kind_str() == "class_definition" {
            self.class_def(def, out);
            return;
        }
        let in_class = self.class_body.is_some();
        let id = self.function_def(def, &decorators);
        for d in decorators {
            handlers::decorator(self, d, id);
        }
        if !in_class {
            out.push(Stmt::Func(id));
        }
    }
}

/// What an annotation says a parameter holds: `Path`, `httpx.AsyncClient`,
/// `requests.Session`, `sqlite3.Cursor`, `asyncpg.Connection`, … (`full`
/// is the annotation's main type resolved through the imports).
fn annotated_obj(full: &str) -> Option<Obj> {
    let last = full.rsplit('.').next().unwrap_or(full);
    let top = full.split('.').next().unwrap_or(full);
    match (top, last) {
        (_, "Path" | "PurePath" | "PosixPath") => Some(Obj::Path),
        ("requests", "Session")
        | ("aiohttp", "ClientSession")
        | ("httpx", "Client" | "AsyncClient") => Some(Obj::Http),
        (
            "sqlite3" | "aiosqlite" | "psycopg" | "psycopg2" | "psycopg_pool" | "asyncpg"
            | "sqlalchemy" | "pymysql" | "duckdb" | "clickhouse_connect",
            "Cursor"
            | "AsyncCursor"
            | "Connection"
            | "AsyncConnection"
            | "Pool"
            | "Engine"
            | "AsyncEngine"
            | "Session"
            | "AsyncSession"
            | "ConnectionPool"
            | "AsyncConnectionPool"
            | "DuckDBPyConnection"
            | "Client",
        ) => Some(Obj::Db),
        _ => None,
    }
}
