//! Go function declarations, function literals and parameters.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::{base_type, is_numeric_type, Lower, VarKind};
use crate::code::ir::{Expr, Func, FuncId, Param, Pattern, Stmt, TypeHint};
use crate::code::lower::span;

impl Lower<'_> {
    /// The file's top level: declarations, and functions bound by name.
    pub fn top_level(&mut self, root: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut cursor = root.walk();
        let children: Vec<Node<'_>> = root.named_children(&mut cursor).collect();
        for child in children {
            self.top_item(child, &mut out);
        }
        out
    }

    pub fn top_item(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind_str() {
            "function_declaration" => {
                let id = self.func_decl(node, false);
                out.push(Stmt::Func(id));
            }
            "method_declaration" => {
                self.func_decl(node, true);
            }
            "package_clause" | "import_declaration" | "comment" | "type_declaration" => {}
            "ERROR" => {
                if !self.b.enter() {
                    let e = self.too_deep(node);
                    out.push(Stmt::Expr(e));
                    return;
                }
                let mut c = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut c).collect();
                for child in children {
                    self.top_item(child, out);
                }
                self.b.leave();
            }
            _ => self.stmt(node, out),
        }
    }

    /// A function or method declaration (top level).
    pub fn func_decl(&mut self, node: Node<'_>, method: bool) -> FuncId {
        let id = self.b.reserve_func();
        let name_node = node.child_by_field_name("name");
        let name = name_node.map(|n| self.text(n).to_string());
        let mut params = Vec::new();
        let mut types = Vec::new();
        let mut class = None;
        if method {
            if let Some(recv) = node.child_by_field_name("receiver") {
                let (p, t) = self.params(recv);
                class = t.first().map(|t| receiver_class(t));
                params.extend(p);
                types.extend(t);
            }
        }
        if let Some(list) = node.child_by_field_name("parameters") {
            let (p, t) = self.params(list);
            params.extend(p);
            types.extend(t);
        }
        let body = self.func_body(node, name.clone(), &params, &types, id);
        self.b.set_func(
            id,
            Func {
                name,
                class,
                parent: Some(FuncId::TOP),
                exported: true,
                span: span(node),
                name_span: name_node.map(span).unwrap_or_else(|| span(node)),
                params,
                body,
            },
        );
        id
    }

    /// A function literal; `name` is the variable it is bound to.
    pub fn func_literal(&mut self, node: Node<'_>, name: Option<String>) -> Expr {
        let id = self.b.reserve_func();
        let (params, types) = match node.child_by_field_name("parameters") {
            Some(list) => self.params(list),
            None => (Vec::new(), Vec::new()),
        };
        let parent = self.cur;
        self.literals.push((id, self.pairing.clone()));
        let body = self.func_body(node, name.clone(), &params, &types, id);
        let first = node.child(0).map(span).unwrap_or_else(|| span(node));
        self.b.set_func(
            id,
            Func {
                name,
                class: None,
                parent: Some(parent),
                exported: false,
                span: span(node),
                name_span: first,
                params,
                body,
            },
        );
        Expr::Func(id, span(node))
    }

    fn func_body(
        &mut self,
        node: Node<'_>,
        name: Option<String>,
        params: &[Param],
        types: &[String],
        id: FuncId,
    ) -> Vec<Stmt> {
        let idx = id.0 as usize;
        if self.param_types.len() <= idx {
            self.param_types.resize(idx + 1, Vec::new());
        }
        self.param_types[idx] = types.to_vec();
        let saved_cur = std::mem::replace(&mut self.cur, id);
        let saved_pairing = self.pairing.take();
        let saved_pending = std::mem::take(&mut self.pending);
        self.push_scope(name);
        for (p, t) in params.iter().zip(types) {
            if let Pattern::Name(n, _) = &p.pattern {
                self.declare(n);
                let kind = kind_of_type(t);
                self.set_kind(n, kind);
            }
        }
        let body = match node.child_by_field_name("body") {
            Some(b) => self.block(b),
            None => Vec::new(),
        };
        self.pop_scope();
        self.pending = saved_pending;
        self.pairing = saved_pairing;
        self.cur = saved_cur;
        body
    }

    /// Parameters and their declared types (one entry per name).
    fn params(&mut self, list: Node<'_>) -> (Vec<Param>, Vec<String>) {
        let mut params = Vec::new();
        let mut types = Vec::new();
        let mut cursor = list.walk();
        for decl in list.named_children(&mut cursor) {
            let rest = match decl.kind_str() {
                "parameter_declaration" => false,
                "variadic_parameter_declaration" => true,
                _ => continue,
            };
            let ty = decl
                .child_by_field_name("type")
                .map(|t| self.text(t).to_string())
                .unwrap_or_default();
            let hint = type_hint(&ty);
            let mut c = decl.walk();
            let names: Vec<Node<'_>> = decl.children_by_field_name("name", &mut c).collect();
            if names.is_empty() {
                params.push(Param {
                    pattern: Pattern::Ignore,
                    span: span(decl),
                    rest,
                    ty: hint.clone(),
                    default: None,
                });
                types.push(ty.clone());
            }
            for n in names {
                let name = self.text(n);
                let pattern = if name == "_" {
                    Pattern::Ignore
                } else {
                    Pattern::Name(name.to_string(), span(n))
                };
                params.push(Param {
                    pattern,
                    span: span(n),
                    rest,
                    ty: hint.clone(),
                    default: None,
                });
                types.push(ty.clone());
            }
        }
        (params, types)
    }
}

/// A method's class: the receiver type without pointer and type parameters.
fn receiver_class(ty: &str) -> String {
    let t = base_type(ty);
    let t = t.split('[').next().unwrap_or(t);
    t.trim().to_string()
}

/// What a parameter's declared type says.
pub(crate) fn type_hint(ty: &str) -> TypeHint {
    let t = base_type(ty);
    if t == "context.Context" {
        return TypeHint::Context;
    }
    if is_numeric_type(t) {
        return TypeHint::Safe;
    }
    let named = t
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && !matches!(t, "string" | "any" | "error" | "interface{}")
        && !t.starts_with("map[")
        && !t.starts_with("func")
        && !t.starts_with("chan")
        && !t.starts_with("interface")
        && !t.starts_with("struct");
    if named {
        TypeHint::Named(t.to_string())
    } else {
        TypeHint::Unknown
    }
}

/// What a declared type tells the catalogue about a variable.
pub(crate) fn kind_of_type(ty: &str) -> Option<VarKind> {
    let t = base_type(ty);
    if t.starts_with("map[") {
        return Some(VarKind::Map);
    }
    match t {
        "sql.DB" | "sql.Tx" | "sql.Conn" | "sqlx.DB" | "sqlx.Tx" | "pgx.Conn" | "pgx.Tx"
        | "pgxpool.Pool" | "pgxpool.Conn" | "gorm.DB" => Some(VarKind::Sql),
        "http.Client" => Some(VarKind::HttpClient),
        "strings.Builder" | "bytes.Buffer" => Some(VarKind::Builder),
        "ssh.Session" => Some(VarKind::SshSession),
        _ => None,
    }
}
