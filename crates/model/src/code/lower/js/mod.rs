//! The TypeScript, TSX and JavaScript frontend (one for the three grammars:
//! tree-sitter-typescript's two and tree-sitter-javascript share their node
//! kinds for everything lowered here).
//!
//! - [`prepass`]: imports and library aliases (`import { exec } from
//!   "node:child_process"`, `require`, `const run = promisify(exec)`), and
//!   facts about constants the other parts look up (allow-lists, string
//!   constants, zod schemas, database handles);
//! - [`stmt`], [`expr`]: statements, expressions and patterns;
//! - [`call`] with [`catalog`]: what a call is (sink, sanitizer,
//!   propagator, clean);
//! - [`guards`]: containment checks, allow-lists, host allow-lists;
//! - [`handlers`]: MCP registrations (TS SDK high- and low-level,
//!   `fastmcp`), zod/JSON schemas and the descriptions the model reads.

mod call;
mod catalog;
mod expr;
mod guards;
mod handlers;
mod nodes;
mod prepass;
mod regex;
mod schema;
mod stmt;
mod text;

use skillaudit_syntax::code::NodeKind;
use std::collections::{HashMap, HashSet};

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::Parsed;

use super::{span, text, Builder};
use crate::code::ir::{CodeFile, Expr, Func, FuncId, Param, Stmt, TypeHint};
use crate::Span;

/// Lower a parsed TypeScript, TSX or JavaScript file.
pub fn lower(parsed: &Parsed, src: &str) -> CodeFile {
    let root = parsed.tree.root_node();
    let mut lx = Lx::new(root, src);
    let language = parsed.tree.language();
    for (slot, name) in lx.field_ids.iter_mut().zip(FIELDS) {
        *slot = language.field_id_for_name(name);
    }
    prepass::run(&mut lx, root);
    let body = lx.block_items(root);
    lx.b.file.funcs[0].body = body;
    lx.mark_exported();
    lx.b.finish()
}

/// Field names looked up by the frontend, resolved once per file into the
/// grammar's field ids (`child_by_field_name` compares names on every call).
const FIELDS: [&str; 29] = [
    "name",
    "property",
    "object",
    "value",
    "function",
    "body",
    "left",
    "arguments",
    "right",
    "key",
    "operator",
    "constructor",
    "condition",
    "pattern",
    "parameter",
    "index",
    "alternative",
    "type",
    "source",
    "parameters",
    "initializer",
    "increment",
    "handler",
    "flags",
    "finalizer",
    "declaration",
    "consequence",
    "alias",
    "argument",
];

fn field_index(name: &str) -> Option<usize> {
    Some(match name {
        "name" => 0,
        "property" => 1,
        "object" => 2,
        "value" => 3,
        "function" => 4,
        "body" => 5,
        "left" => 6,
        "arguments" => 7,
        "right" => 8,
        "key" => 9,
        "operator" => 10,
        "constructor" => 11,
        "condition" => 12,
        "pattern" => 13,
        "parameter" => 14,
        "index" => 15,
        "alternative" => 16,
        "type" => 17,
        "source" => 18,
        "parameters" => 19,
        "initializer" => 20,
        "increment" => 21,
        "handler" => 22,
        "flags" => 23,
        "finalizer" => 24,
        "declaration" => 25,
        "consequence" => 26,
        "alias" => 27,
        "argument" => 28,
        _ => return None,
    })
}

/// Depth units one nested function costs (see [`Lx::func`]).
const FUNC_DEPTH_COST: usize = 4;

/// Node kinds that are variable references (for `opaque_below`).
fn is_name(kind: &str) -> bool {
    matches!(kind, "identifier" | "shorthand_property_identifier")
}

/// The lowering state of one file.
pub(crate) struct Lx<'s> {
    pub b: Builder,
    pub src: &'s str,
    /// Local name → canonical library path (`child_process.exec`,
    /// `fs/promises`, `axios`): imports, `require`s and module-level
    /// aliases of library functions.
    pub aliases: HashMap<String, String>,
    /// Names declared in the file (functions, classes, variables): a
    /// global such as `fetch` redeclared here is not the global.
    pub declared: HashSet<String>,
    /// Names bound to literal lists, sets or objects (allow-list receivers).
    pub const_lists: HashSet<String>,
    /// Names bound to a string constant.
    pub const_strs: HashMap<String, (String, Span)>,
    /// Names bound to a zod or JSON schema: the fields that cannot carry text.
    pub schemas: HashMap<String, Vec<String>>,
    /// Names whose value ends with a path separator (`root + path.sep`).
    pub sep_names: HashSet<String>,
    /// Names bound to an options object with a true `shell` (`const opts =
    /// { shell: true }; spawn(cmd, args, opts)`).
    pub shell_opts: HashSet<String>,
    /// Names holding a database handle (`new Database(…)`, `new Pool()`).
    pub db_names: HashSet<String>,
    /// The file imports a SQL client library.
    pub sql_lib: bool,
    /// `const rel = path.relative(root, p)`: rel → the checked path `p`,
    /// scoped to the function being lowered.
    pub rel_vars: Vec<(String, Expr)>,
    /// `const u = new URL(x)`: u → `x`, scoped like `rel_vars`.
    pub url_vars: Vec<(String, Expr)>,
    /// Names exported by `export { a }`, `module.exports = { a }`, `exports.a = …`.
    pub exported_names: HashSet<String>,
    pub cur_func: FuncId,
    pub cur_class: Option<String>,
    /// The tool being registered while its arguments are lowered (owner of
    /// parameter descriptions).
    pub cur_owner: Option<String>,
    /// Spans of descriptions already recorded.
    pub desc_spans: HashSet<Span>,
    /// Lowering the value of an `arguments` field (prompt arguments).
    pub in_arguments: bool,
    /// `FIELDS` as the grammar's field ids.
    field_ids: [Option<std::num::NonZeroU16>; FIELDS.len()],
    /// The parameter names of the function being lowered: a prefix check
    /// on one of them (or a field of one) checks text never resolved, so
    /// it is not a containment check (`../` passes it).
    pub raw_params: Vec<String>,
}

impl<'s> Lx<'s> {
    fn new(root: Node<'_>, src: &'s str) -> Lx<'s> {
        Lx {
            b: Builder::new(root),
            src,
            aliases: HashMap::new(),
            declared: HashSet::new(),
            const_lists: HashSet::new(),
            const_strs: HashMap::new(),
            schemas: HashMap::new(),
            sep_names: HashSet::new(),
            db_names: HashSet::new(),
            shell_opts: HashSet::new(),
            sql_lib: false,
            rel_vars: Vec::new(),
            url_vars: Vec::new(),
            exported_names: HashSet::new(),
            cur_func: FuncId::TOP,
            cur_class: None,
            cur_owner: None,
            desc_spans: HashSet::new(),
            in_arguments: false,
            raw_params: Vec::new(),
            field_ids: [None; FIELDS.len()],
        }
    }

    /// The child of `n` in field `name` (one of `FIELDS`).
    pub fn f<'t>(&self, n: Node<'t>, name: &str) -> Option<Node<'t>> {
        match field_index(name).and_then(|i| self.field_ids[i]) {
            Some(id) => n.child_by_field_id(id.get()),
            None => n.child_by_field_name(name),
        }
    }

    pub fn t(&self, node: Node<'_>) -> &'s str {
        text(node, self.src)
    }

    /// The opaque summary of a node past the depth limit.
    pub fn too_deep(&mut self, node: Node<'_>) -> Expr {
        self.b.opaque_below(node, self.src, is_name)
    }

    /// Lower a function-like node (declaration, expression, arrow, method)
    /// into a new [`Func`]; returns its id.
    pub fn func(
        &mut self,
        node: Node<'_>,
        name: Option<String>,
        name_span: Option<Span>,
        exported: bool,
    ) -> FuncId {
        // A function level costs several depth units: its frames are the
        // largest of the lowering (statements, parameters, body).
        let mut entered = 0;
        while entered < FUNC_DEPTH_COST && self.b.enter() {
            entered += 1;
        }
        if entered < FUNC_DEPTH_COST {
            for _ in 0..entered {
                self.b.leave();
            }
            let e = self.too_deep(node);
            let id = self.b.reserve_func();
            let func = Func {
                name,
                class: self.cur_class.clone(),
                parent: Some(self.cur_func),
                exported,
                span: span(node),
                name_span: name_span.unwrap_or_else(|| first_token_span(node)),
                params: Vec::new(),
                body: vec![Stmt::Expr(e)],
            };
            self.b.set_func(id, func);
            return id;
        }
        let id = self.func_body(node, name, name_span, exported);
        for _ in 0..entered {
            self.b.leave();
        }
        id
    }

    fn func_body(
        &mut self,
        node: Node<'_>,
        name: Option<String>,
        name_span: Option<Span>,
        exported: bool,
    ) -> FuncId {
        let id = self.b.reserve_func();
        let parent = self.cur_func;
        self.cur_func = id;
        let (rel_len, url_len) = (self.rel_vars.len(), self.url_vars.len());
        let params = self.params(node);
        let mut raw = Vec::new();
        for p in &params {
            pattern_names(&p.pattern, &mut raw);
        }
        let saved_raw = std::mem::replace(&mut self.raw_params, raw);
        let body = match self.f(node, "body") {
            Some(b) if b.kind_str() == "statement_block" => self.block_items(b),
            Some(b) => {
                let e = self.expr(b);
                vec![Stmt::Return(Some(e), span(b))]
            }
            None => Vec::new(),
        };
        self.raw_params = saved_raw;
        self.rel_vars.truncate(rel_len);
        self.url_vars.truncate(url_len);
        self.cur_func = parent;
        let name_span = name_span.unwrap_or_else(|| first_token_span(node));
        let func = Func {
            name,
            class: self.cur_class.clone(),
            parent: Some(parent),
            exported,
            span: span(node),
            name_span,
            params,
            body,
        };
        self.b.set_func(id, func);
        id
    }

    fn params(&mut self, node: Node<'_>) -> Vec<Param> {
        if let Some(p) = self.f(node, "parameter") {
            return vec![Param {
                pattern: self.pattern(p),
                span: span(p),
                rest: false,
                ty: TypeHint::Unknown,
                default: None,
            }];
        }
        let Some(list) = self.f(node, "parameters") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut cursor = list.walk();
        for p in list.named_children(&mut cursor) {
            if let Some(param) = self.param(p) {
                out.push(param);
            }
        }
        out
    }

    fn param(&mut self, p: Node<'_>) -> Option<Param> {
        let (pat_node, ty, default) = match p.kind_str() {
            "required_parameter" | "optional_parameter" => {
                let pat = self.f(p, "pattern")?;
                let ty = self
                    .f(p, "type")
                    .map(|t| self.type_hint(t))
                    .unwrap_or_default();
                let default = self.f(p, "value").map(|v| self.expr(v));
                (pat, ty, default)
            }
            "assignment_pattern" => {
                let left = self.f(p, "left")?;
                let default = self.f(p, "right").map(|v| self.expr(v));
                (left, TypeHint::Unknown, default)
            }
            "comment" => return None,
            _ if p.kind_str().ends_with("decorator") => return None,
            _ => (p, TypeHint::Unknown, None),
        };
        if pat_node.kind_str() == "this" {
            return None;
        }
        let (rest, inner) = if pat_node.kind_str() == "rest_pattern" {
            (true, pat_node.named_child(0).unwrap_or(pat_node))
        } else {
            (false, pat_node)
        };
        Some(Param {
            pattern: self.pattern(inner),
            span: span(p),
            rest,
            ty,
            default,
        })
    }

    /// What a type annotation says about a parameter's data.
    fn type_hint(&self, annotation: Node<'_>) -> TypeHint {
        let Some(ty) = annotation.named_child(0) else {
            return TypeHint::Unknown;
        };
        type_hint_of(ty, self.src)
    }

    /// Mark functions named in `export { … }` / `module.exports`.
    fn mark_exported(&mut self) {
        if self.exported_names.is_empty() {
            return;
        }
        for f in self.b.file.funcs.iter_mut().skip(1) {
            let top_level = f.parent == Some(FuncId::TOP);
            if let Some(n) = &f.name {
                if top_level && self.exported_names.contains(n) {
                    f.exported = true;
                }
            }
        }
    }
}

/// What a type node says about the data a value of it can hold.
pub(crate) fn type_hint_of(ty: Node<'_>, src: &str) -> TypeHint {
    type_hint_at(ty, src, 0)
}

fn type_hint_at(ty: Node<'_>, src: &str, depth: u8) -> TypeHint {
    if depth > nodes::HELPER_DEPTH {
        return TypeHint::Unknown;
    }
    match ty.kind_str() {
        "predefined_type" => match text(ty, src) {
            "number" | "boolean" | "bigint" => TypeHint::Safe,
            _ => TypeHint::Unknown,
        },
        "literal_type" => {
            let lit = ty.named_child(0).map(|c| c.kind_str()).unwrap_or("");
            if lit == "string" || lit == "number" || lit == "true" || lit == "false" {
                TypeHint::Safe
            } else {
                TypeHint::Unknown
            }
        }
        "union_type" => {
            let mut cursor = ty.walk();
            let all_safe = ty
                .named_children(&mut cursor)
                .all(|c| type_hint_at(c, src, depth + 1) == TypeHint::Safe);
            if all_safe {
                TypeHint::Safe
            } else {
                TypeHint::Unknown
            }
        }
        "type_identifier" | "generic_type" | "nested_type_identifier" => {
            let name_node = ty.child_by_field_name("name").unwrap_or(ty);
            let name = text(name_node, src);
            let last = name.rsplit('.').next().unwrap_or(name);
            if matches!(last, "RequestHandlerExtra" | "Context" | "ToolContext")
                || last.ends_with("Extra")
            {
                TypeHint::Context
            } else if last.is_empty() {
                TypeHint::Unknown
            } else {
                TypeHint::Named(last.to_string())
            }
        }
        "parenthesized_type" => ty
            .named_child(0)
            .map(|c| type_hint_at(c, src, depth + 1))
            .unwrap_or_default(),
        _ => TypeHint::Unknown,
    }
}

/// The names a pattern binds (bounded).
fn pattern_names(p: &crate::code::ir::Pattern, out: &mut Vec<String>) {
    use crate::code::ir::Pattern;
    if out.len() > 256 {
        return;
    }
    match p {
        Pattern::Name(n, _) => out.push(n.clone()),
        Pattern::Object { fields, rest, .. } => {
            for (_, f) in fields {
                pattern_names(f, out);
            }
            if let Some(r) = rest {
                pattern_names(r, out);
            }
        }
        Pattern::Seq { items, rest, .. } => {
            for f in items.iter().flatten() {
                pattern_names(f, out);
            }
            if let Some(r) = rest {
                pattern_names(r, out);
            }
        }
        Pattern::Target(_) | Pattern::Ignore => {}
    }
}

/// The span of a node's first token (where to point at an anonymous function).
fn first_token_span(node: Node<'_>) -> Span {
    match node.child(0) {
        Some(c) => span(c),
        None => span(node),
    }
}
