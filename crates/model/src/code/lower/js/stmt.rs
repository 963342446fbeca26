//! Statements and declarations.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::super::span;
use super::nodes::is_function_kind;
use super::Lx;
use crate::code::ir::{Case, Expr, Lit, Pattern, Stmt};

impl Lx<'_> {
    /// The statements of a block-like node (program, statement block,
    /// switch case body, namespace body).
    pub fn block_items(&mut self, n: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            out.extend(self.stmt(c));
        }
        out
    }

    /// Lower one statement into zero or more IR statements (bounded).
    pub fn stmt(&mut self, n: Node<'_>) -> Vec<Stmt> {
        if !self.b.enter() {
            let e = self.too_deep(n);
            return vec![Stmt::Expr(e)];
        }
        let out = self.stmt_inner(n, false);
        self.b.leave();
        out
    }

    fn stmt_inner(&mut self, n: Node<'_>, exported: bool) -> Vec<Stmt> {
        let s = span(n);
        match n.kind_str() {
            "expression_statement" => match n.named_child(0) {
                Some(e) => vec![self.expression_statement(e)],
                None => Vec::new(),
            },
            "lexical_declaration" | "variable_declaration" => self.declaration(n, exported),
            "function_declaration" | "generator_function_declaration" => {
                vec![self.function_declaration(n, exported)]
            }
            "class_declaration" | "abstract_class_declaration" => {
                let name = self.f(n, "name").map(|x| self.t(x).to_string());
                self.class(n, name, exported);
                Vec::new()
            }
            "export_statement" => self.export(n),
            "return_statement" => {
                let e = n.named_child(0).map(|c| self.expr(c));
                vec![Stmt::Return(e, s)]
            }
            "throw_statement" => {
                let e = n.named_child(0).map(|c| self.expr(c));
                vec![Stmt::Throw(e, s)]
            }
            "if_statement" => self.if_stmt(n),
            "switch_statement" => self.switch(n),
            "for_statement" => self.for_loop(n),
            "for_in_statement" => self.for_in(n),
            "while_statement" | "do_statement" => vec![self.while_loop(n)],
            "try_statement" => self.try_stmt(n),
            "statement_block" => vec![Stmt::Block(self.block_items(n))],
            "labeled_statement" => self.body(self.f(n, "body")),
            "break_statement" => vec![Stmt::Break],
            "continue_statement" => vec![Stmt::Continue],
            "internal_module" | "module" => match self.f(n, "body") {
                Some(b) => vec![Stmt::Block(self.block_items(b))],
                None => Vec::new(),
            },
            "ambient_declaration" => Vec::new(),
            "import_statement"
            | "empty_statement"
            | "comment"
            | "debugger_statement"
            | "hash_bang_line"
            | "type_alias_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "import_alias"
            | "function_signature" => Vec::new(),
            "with_statement" => vec![self.with_stmt(n)],
            _ => {
                let e = self.opaque_children(n);
                match &e {
                    Expr::Opaque { children, .. } if children.is_empty() => Vec::new(),
                    _ => vec![Stmt::Expr(e)],
                }
            }
        }
    }

    /// A named function declaration: the function, bound to its name.
    fn function_declaration(&mut self, n: Node<'_>, exported: bool) -> Stmt {
        let name = self.f(n, "name");
        let id = self.func(
            n,
            name.map(|x| self.t(x).to_string()),
            name.map(span),
            exported,
        );
        Stmt::Func(id)
    }

    /// `while (c) …` / `do … while (c)`: a loop with its condition.
    fn while_loop(&mut self, n: Node<'_>) -> Stmt {
        let cond = self.f(n, "condition").map(|c| self.expr(c));
        let body = self.body(self.f(n, "body"));
        Stmt::Loop {
            bind: None,
            cond,
            body,
            span: span(n),
        }
    }

    /// `with (obj) …`: the object evaluated, then the body, as a block.
    fn with_stmt(&mut self, n: Node<'_>) -> Stmt {
        let obj = self.field_expr(n, "object");
        let mut b = vec![Stmt::Expr(obj)];
        b.extend(self.body(self.f(n, "body")));
        Stmt::Block(b)
    }

    fn export(&mut self, n: Node<'_>) -> Vec<Stmt> {
        if let Some(d) = self.f(n, "declaration") {
            return self.stmt_inner(d, true);
        }
        match self.f(n, "value") {
            Some(v) if is_function_kind(v.kind_str()) => {
                let e = self.named_func(v, None, true);
                vec![Stmt::Expr(e)]
            }
            Some(v) if v.kind_str() == "class" => {
                self.class(v, None, true);
                Vec::new()
            }
            Some(v) => vec![Stmt::Expr(self.expr(v))],
            None => Vec::new(),
        }
    }

    fn if_stmt(&mut self, n: Node<'_>) -> Vec<Stmt> {
        let s = span(n);
        let cond = self.field_expr(n, "condition");
        let then = self.body(self.f(n, "consequence"));
        let els = match self.f(n, "alternative") {
            Some(alt) => {
                let inner = alt.named_child(0);
                self.body(inner)
            }
            None => Vec::new(),
        };
        vec![Stmt::If {
            cond,
            then,
            els,
            span: s,
        }]
    }

    fn for_in(&mut self, n: Node<'_>) -> Vec<Stmt> {
        let s = span(n);
        let left = self.f(n, "left");
        let pat = match left {
            Some(l) => self.pattern(l),
            None => Pattern::Ignore,
        };
        let right = self.field_expr(n, "right");
        let body = self.body(self.f(n, "body"));
        vec![Stmt::Loop {
            bind: Some((pat, right)),
            cond: None,
            body,
            span: s,
        }]
    }

    fn try_stmt(&mut self, n: Node<'_>) -> Vec<Stmt> {
        let body = self.body(self.f(n, "body"));
        let mut catches = Vec::new();
        if let Some(h) = self.f(n, "handler") {
            let p = self.f(h, "parameter").map(|p| self.pattern(p));
            let b = self.body(self.f(h, "body"));
            catches.push((p, b));
        }
        let finally = match self.f(n, "finalizer") {
            Some(f) => self.body(self.f(f, "body")),
            None => Vec::new(),
        };
        vec![Stmt::Try {
            body,
            catches,
            finally,
        }]
    }

    /// A statement used as a body (block or single statement).
    fn body(&mut self, n: Option<Node<'_>>) -> Vec<Stmt> {
        let Some(n) = n else { return Vec::new() };
        if n.kind_str() == "statement_block" {
            return self.block_items(n);
        }
        self.stmt(n)
    }

    fn expression_statement(&mut self, e: Node<'_>) -> Stmt {
        let s = span(e);
        let inner = super::nodes::unwrap(e);
        match inner.kind_str() {
            "assignment_expression" | "augmented_assignment_expression" => {
                let (target, value) = self.assignment(inner);
                return Stmt::Assign {
                    target,
                    value,
                    span: s,
                };
            }
            "call_expression" if self.is_exit(inner) => {
                let arg = self
                    .f(inner, "arguments")
                    .and_then(|a| a.named_child(0))
                    .map(|a| self.expr(a));
                return Stmt::Throw(arg, s);
            }
            _ => {}
        }
        let value = self.expr(e);
        match mutated_target(&value) {
            Some(target) => Stmt::Assign {
                target,
                value,
                span: s,
            },
            None => Stmt::Expr(value),
        }
    }

    /// `process.exit(…)`, `process.abort()`: control does not continue.
    fn is_exit(&self, call: Node<'_>) -> bool {
        let Some(f) = self.f(call, "function") else {
            return false;
        };
        matches!(self.t(f), "process.exit" | "process.abort" | "Deno.exit")
    }

    fn declaration(&mut self, n: Node<'_>, exported: bool) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut cursor = n.walk();
        for d in n.named_children(&mut cursor) {
            if d.kind_str() != "variable_declarator" {
                continue;
            }
            let Some(name) = self.f(d, "name") else {
                continue;
            };
            let Some(value) = self.f(d, "value") else {
                continue;
            };
            let unwrapped = super::nodes::unwrap(value);
            let (target, value_expr) =
                if is_function_kind(unwrapped.kind_str()) && name.kind_str() == "identifier" {
                    let nm = (self.t(name).to_string(), span(name));
                    (
                        Pattern::Name(nm.0.clone(), nm.1),
                        self.named_func(unwrapped, Some(nm), exported),
                    )
                } else if unwrapped.kind_str() == "class" && name.kind_str() == "identifier" {
                    let nm = self.t(name).to_string();
                    self.class(unwrapped, Some(nm.clone()), exported);
                    (
                        Pattern::Name(nm, span(name)),
                        Expr::Opaque {
                            children: Vec::new(),
                            span: span(unwrapped),
                        },
                    )
                } else {
                    let p = self.pattern(name);
                    let v = self.expr(value);
                    (p, v)
                };
            if let Pattern::Name(local, _) = &target {
                self.remember_derived(local, &value_expr);
            }
            out.push(Stmt::Assign {
                target,
                value: value_expr,
                span: span(d),
            });
        }
        out
    }

    /// Remember `const rel = path.relative(root, p)` and `const u = new
    /// URL(x)` for the guards that check them later.
    fn remember_derived(&mut self, local: &str, value: &Expr) {
        let Expr::Call(c) = value else { return };
        let global_url = c.new && matches!(&c.callee, Expr::Name(n, _) if n == "URL");
        let q = if global_url {
            Some("URL")
        } else {
            c.qualified.as_deref()
        };
        match q {
            Some("path.relative") => {
                if let Some(p) = c.args.get(1) {
                    self.rel_vars.push((local.to_string(), p.value.clone()));
                }
            }
            Some("URL" | "url.URL") if c.new => {
                if let Some(x) = c.args.first() {
                    self.url_vars.push((local.to_string(), x.value.clone()));
                }
            }
            _ => {}
        }
    }

    fn switch(&mut self, n: Node<'_>) -> Vec<Stmt> {
        let on = self.field_expr(n, "value");
        let mut cases: Vec<Case> = Vec::new();
        let mut pending: Vec<Expr> = Vec::new();
        if let Some(body) = self.f(n, "body") {
            let mut cursor = body.walk();
            for c in body.named_children(&mut cursor) {
                let is_default = c.kind_str() == "switch_default";
                if c.kind_str() != "switch_case" && !is_default {
                    continue;
                }
                if let Some(v) = self.f(c, "value") {
                    pending.push(self.expr(v));
                }
                let mut stmts = Vec::new();
                let mut c2 = c.walk();
                for b in c.children_by_field_name("body", &mut c2) {
                    stmts.extend(self.stmt(b));
                }
                // `case "a": case "b": …` share one body.
                if stmts.is_empty() && !is_default {
                    continue;
                }
                let tests = if is_default {
                    pending.clear();
                    Vec::new()
                } else {
                    std::mem::take(&mut pending)
                };
                cases.push(Case { tests, body: stmts });
            }
        }
        if !pending.is_empty() {
            cases.push(Case {
                tests: pending,
                body: Vec::new(),
            });
        }
        vec![Stmt::Switch {
            on: Some(on),
            cases,
            span: span(n),
        }]
    }

    fn for_loop(&mut self, n: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        if let Some(init) = self.f(n, "initializer") {
            if init.kind_str().ends_with("declaration") {
                out.extend(self.declaration(init, false));
            } else if init.kind_str() != "empty_statement" {
                out.extend(self.stmt(init));
            }
        }
        let cond = self
            .f(n, "condition")
            .filter(|c| c.kind_str() != "empty_statement")
            .map(|c| match c.kind_str() {
                "expression_statement" => c
                    .named_child(0)
                    .map(|e| self.expr(e))
                    .unwrap_or(Expr::Lit(Lit::Bool(true), span(c))),
                _ => self.expr(c),
            });
        let mut body = self.body(self.f(n, "body"));
        if let Some(inc) = self.f(n, "increment") {
            body.push(Stmt::Expr(self.expr(inc)));
        }
        out.push(Stmt::Loop {
            bind: None,
            cond,
            body,
            span: span(n),
        });
        out
    }

    /// A class: each method becomes a function with `class` set; field
    /// initialisers that are functions become methods.
    pub fn class(&mut self, n: Node<'_>, name: Option<String>, exported: bool) {
        let name = name.or_else(|| self.f(n, "name").map(|x| self.t(x).to_string()));
        let Some(body) = self.f(n, "body") else {
            return;
        };
        let saved = std::mem::replace(&mut self.cur_class, name);
        let mut cursor = body.walk();
        for m in body.named_children(&mut cursor) {
            match m.kind_str() {
                "method_definition" => {
                    let nm = self.f(m, "name");
                    self.func(m, nm.map(|x| self.t(x).to_string()), nm.map(span), exported);
                }
                "public_field_definition" | "field_definition" => {
                    let nm = self.f(m, "name").or_else(|| self.f(m, "property"));
                    if let Some(v) = self.f(m, "value") {
                        if is_function_kind(v.kind_str()) {
                            let name = nm.map(|x| (self.t(x).to_string(), span(x)));
                            self.named_func(v, name, exported);
                        } else {
                            // Evaluated for its effects (registrations, calls).
                            self.expr(v);
                        }
                    }
                }
                "class_static_block" => {
                    let id = self.b.reserve_func();
                    let saved_func = self.cur_func;
                    self.cur_func = id;
                    let stmts = match self.f(m, "body") {
                        Some(b) => self.block_items(b),
                        None => Vec::new(),
                    };
                    self.cur_func = saved_func;
                    let f = crate::code::ir::Func {
                        class: self.cur_class.clone(),
                        parent: Some(saved_func),
                        span: span(m),
                        name_span: span(m),
                        body: stmts,
                        ..Default::default()
                    };
                    self.b.set_func(id, f);
                }
                _ => {}
            }
        }
        self.cur_class = saved;
    }
}

/// A call that puts its arguments into its receiver (`args.push(x)`,
/// `params.set(k, v)`, `Object.assign(target, x)`) as a statement: lowered
/// as an assignment of the call to the receiver, so the receiver carries
/// what was put in it.
fn mutated_target(e: &Expr) -> Option<Pattern> {
    let Expr::Call(c) = e else { return None };
    let Expr::Member { obj, prop, .. } = &c.callee else {
        return None;
    };
    if c.args.is_empty() {
        return None;
    }
    let target = match prop.as_str() {
        "push" | "unshift" | "splice" | "set" | "append" | "add" => obj.as_ref(),
        "assign" if matches!(obj.as_ref(), Expr::Name(n, _) if n == "Object") => &c.args[0].value,
        _ => return None,
    };
    match target {
        Expr::Name(n, s) => Some(Pattern::Name(n.clone(), *s)),
        Expr::Member { .. } | Expr::Index { .. } | Expr::This(_) => {
            Some(Pattern::Target(Box::new(target.clone())))
        }
        _ => None,
    }
}
