//! Go statements.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::assign::ident;
use super::{is_numeric_type, Lower};
use crate::code::ir::{Case, Expr, Lit, Pattern, Stmt, UnOp};
use crate::code::lower::span;

impl Lower<'_> {
    /// The statements of a `block` node.
    pub fn block(&mut self, node: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        if !self.b.enter() {
            let e = self.too_deep(node);
            out.push(Stmt::Expr(e));
            return out;
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for child in children {
            if child.kind_str() == "statement_list" {
                let mut c = child.walk();
                let stmts: Vec<Node<'_>> = child.named_children(&mut c).collect();
                for s in stmts {
                    self.stmt(s, &mut out);
                }
            } else {
                self.stmt(child, &mut out);
            }
        }
        self.b.leave();
        out
    }

    /// Lower one statement into `out`, preceded by the statements its
    /// expressions produced (out-parameters).
    pub fn stmt(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        if !self.b.enter() {
            let e = self.too_deep(node);
            out.push(Stmt::Expr(e));
            return;
        }
        let saved = std::mem::take(&mut self.pending);
        let mut local = Vec::new();
        self.stmt_inner(node, &mut local);
        let produced = std::mem::replace(&mut self.pending, saved);
        out.extend(produced);
        out.extend(local);
        self.b.leave();
    }

    fn stmt_inner(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind_str() {
            "expression_statement" => {
                if let Some(e) = node.named_child(0) {
                    let s = self.expr_stmt(e);
                    out.push(s);
                }
            }
            "short_var_declaration" | "assignment_statement" => self.assignment(node, out),
            "var_declaration" | "const_declaration" => self.var_decl(node, out),
            "return_statement" => {
                let s = self.return_stmt(node);
                out.push(s);
            }
            "if_statement" => self.if_stmt(node, out),
            "expression_switch_statement" => self.switch_stmt(node, out),
            "type_switch_statement" => self.type_switch(node, out),
            "select_statement" => self.select_stmt(node, out),
            "for_statement" => self.for_stmt(node, out),
            "block" => {
                let b = self.block(node);
                out.push(Stmt::Block(b));
            }
            "defer_statement" | "go_statement" => {
                if let Some(e) = node.named_child(0) {
                    let e = self.expr(e);
                    out.push(Stmt::Block(vec![Stmt::Expr(e)]));
                }
            }
            "labeled_statement" => {
                let mut c = node.walk();
                let inner: Vec<Node<'_>> = node
                    .named_children(&mut c)
                    .filter(|n| n.kind_str() != "label_name")
                    .collect();
                for s in inner {
                    self.stmt(s, out);
                }
            }
            "break_statement" => out.push(Stmt::Break),
            "continue_statement" => out.push(Stmt::Continue),
            "send_statement" => {
                let (Some(ch), Some(v)) = (
                    node.child_by_field_name("channel"),
                    node.child_by_field_name("value"),
                ) else {
                    return;
                };
                let target = self.expr(ch);
                let value = self.expr(v);
                out.push(Stmt::Assign {
                    target: Pattern::Target(Box::new(target)),
                    value,
                    span: span(node),
                });
            }
            "receive_statement" => self.receive(node, out),
            "goto_statement"
            | "fallthrough_statement"
            | "empty_statement"
            | "comment"
            | "type_declaration"
            | "inc_statement"
            | "dec_statement" => {}
            "function_declaration" | "method_declaration" | "ERROR" => {
                self.top_item(node, out);
            }
            _ => {
                let e = self.expr(node);
                out.push(Stmt::Expr(e));
            }
        }
    }

    /// An expression statement: terminators become `Throw`.
    fn expr_stmt(&mut self, node: Node<'_>) -> Stmt {
        if node.kind_str() == "call_expression" && self.is_terminator(node) {
            let e = self.expr(node);
            let arg = match e {
                Expr::Call(c) if c.callee_name() == Some("panic") && c.args.len() == 1 => {
                    c.args.into_iter().next().map(|a| a.value)
                }
                other => Some(other),
            };
            return Stmt::Throw(arg, span(node));
        }
        Stmt::Expr(self.expr(node))
    }

    fn return_stmt(&mut self, node: Node<'_>) -> Stmt {
        let Some(list) = node.named_child(0) else {
            return Stmt::Return(None, span(node));
        };
        let items: Vec<Node<'_>> = if list.kind_str() == "expression_list" {
            let mut c = list.walk();
            list.named_children(&mut c).collect()
        } else {
            vec![list]
        };
        // `return mcp.NewTool(…), func(…) {…}`: the literal handles that tool.
        let saved = self.pairing.take();
        for item in &items {
            if let Some(info) = self.tool_info(*item) {
                if let Some(f) = self.func_name() {
                    self.tool_funcs.insert(f.to_string(), info.clone());
                }
                self.pairing = Some(info);
            }
        }
        let mut values: Vec<Expr> = items.iter().map(|n| self.expr(*n)).collect();
        self.pairing = saved;
        let value = if values.len() == 1 {
            values.pop()
        } else {
            Some(Expr::Array {
                items: values,
                span: span(list),
            })
        };
        Stmt::Return(value, span(node))
    }

    fn if_stmt(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, out);
        }
        let cond = match node.child_by_field_name("condition") {
            Some(c) => self.cond(c),
            None => Expr::Lit(Lit::Other, span(node)),
        };
        let then = match node.child_by_field_name("consequence") {
            Some(b) => self.block(b),
            None => Vec::new(),
        };
        let els = match node.child_by_field_name("alternative") {
            Some(a) if a.kind_str() == "block" => self.block(a),
            Some(a) => {
                let mut v = Vec::new();
                self.stmt(a, &mut v);
                v
            }
            None => Vec::new(),
        };
        out.push(Stmt::If {
            cond,
            then,
            els,
            span: span(node),
        });
    }

    fn case_body(&mut self, case: Node<'_>) -> Vec<Stmt> {
        let mut body = Vec::new();
        let mut c = case.walk();
        let lists: Vec<Node<'_>> = case
            .named_children(&mut c)
            .filter(|n| n.kind_str() == "statement_list")
            .collect();
        for list in lists {
            let mut c2 = list.walk();
            let stmts: Vec<Node<'_>> = list.named_children(&mut c2).collect();
            for s in stmts {
                self.stmt(s, &mut body);
            }
        }
        body
    }

    fn switch_stmt(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, out);
        }
        let on = node.child_by_field_name("value").map(|v| self.expr(v));
        let mut cases = Vec::new();
        let mut c = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut c).collect();
        for case in children {
            match case.kind_str() {
                "expression_case" => {
                    let tests = match case.child_by_field_name("value") {
                        Some(list) => {
                            let mut c2 = list.walk();
                            let nodes: Vec<Node<'_>> = list.named_children(&mut c2).collect();
                            nodes.into_iter().map(|n| self.expr(n)).collect()
                        }
                        None => Vec::new(),
                    };
                    let body = self.case_body(case);
                    cases.push(Case { tests, body });
                }
                "default_case" => {
                    let body = self.case_body(case);
                    cases.push(Case {
                        tests: Vec::new(),
                        body,
                    });
                }
                _ => {}
            }
        }
        out.push(Stmt::Switch {
            on,
            cases,
            span: span(node),
        });
    }

    /// `switch t := v.(type) { case int: … }`: in each case `t` is `v`,
    /// numeric when the case names one numeric type.
    fn type_switch(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, out);
        }
        let value = match node.child_by_field_name("value") {
            Some(v) => self.expr(v),
            None => Expr::Lit(Lit::Other, span(node)),
        };
        let alias = node
            .child_by_field_name("alias")
            .and_then(|l| l.named_child(0))
            .filter(|n| n.kind_str() == "identifier")
            .map(|n| (self.text(n).to_string(), span(n)));
        if let Some((a, _)) = &alias {
            self.declare(a);
        }
        let mut cases = Vec::new();
        let mut c = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut c).collect();
        for case in children {
            let (tests, types) = match case.kind_str() {
                "type_case" => {
                    let mut c2 = case.walk();
                    let types: Vec<String> = case
                        .children_by_field_name("type", &mut c2)
                        .filter(|t| t.is_named())
                        .map(|t| self.text(t).to_string())
                        .collect();
                    (vec![Expr::Lit(Lit::Other, span(case))], types)
                }
                "default_case" => (Vec::new(), Vec::new()),
                _ => continue,
            };
            let mut body = Vec::new();
            if let Some((a, a_span)) = &alias {
                let v = if types.len() == 1 && is_numeric_type(&types[0]) {
                    Expr::Unary {
                        op: UnOp::Numeric,
                        expr: Box::new(value.clone()),
                        span: *a_span,
                    }
                } else {
                    value.clone()
                };
                body.push(Stmt::Assign {
                    target: Pattern::Name(a.clone(), *a_span),
                    value: v,
                    span: *a_span,
                });
            }
            body.extend(self.case_body(case));
            cases.push(Case { tests, body });
        }
        out.push(Stmt::Switch {
            on: None,
            cases,
            span: span(node),
        });
    }

    fn select_stmt(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cases = Vec::new();
        let mut c = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut c).collect();
        for case in children {
            match case.kind_str() {
                "communication_case" => {
                    let mut body = Vec::new();
                    if let Some(comm) = case.child_by_field_name("communication") {
                        self.stmt(comm, &mut body);
                    }
                    body.extend(self.case_body(case));
                    cases.push(Case {
                        tests: vec![Expr::Lit(Lit::Other, span(case))],
                        body,
                    });
                }
                "default_case" => {
                    let body = self.case_body(case);
                    cases.push(Case {
                        tests: Vec::new(),
                        body,
                    });
                }
                _ => {}
            }
        }
        out.push(Stmt::Switch {
            on: None,
            cases,
            span: span(node),
        });
    }

    /// `v := <-ch`, `v, ok := <-ch` (select cases).
    fn receive(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(right) = node.child_by_field_name("right") else {
            return;
        };
        let value = self.expr(right);
        let define = (0..node.child_count())
            .filter_map(|i| node.child(i))
            .any(|c| c.kind_str() == ":=");
        let Some(left) = node.child_by_field_name("left") else {
            out.push(Stmt::Expr(value));
            return;
        };
        let mut c = left.walk();
        let targets: Vec<Node<'_>> = left.named_children(&mut c).collect();
        if let Some(first) = targets.first() {
            let target = self.target(*first, define);
            out.push(Stmt::Assign {
                target,
                value,
                span: span(node),
            });
        }
        for t in targets.iter().skip(1) {
            let target = self.target(*t, define);
            out.push(Stmt::Assign {
                target,
                value: Expr::Lit(Lit::Other, span(*t)),
                span: span(*t),
            });
        }
    }

    fn for_stmt(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut c = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut c).collect();
        let mut cond = None;
        let mut bind = None;
        let mut prefix = Vec::new();
        let mut update = Vec::new();
        for child in &children {
            match child.kind_str() {
                "block" => {}
                "for_clause" => {
                    if let Some(init) = child.child_by_field_name("initializer") {
                        self.stmt(init, out);
                    }
                    cond = child.child_by_field_name("condition").map(|n| self.cond(n));
                    if let Some(u) = child.child_by_field_name("update") {
                        self.stmt(u, &mut update);
                    }
                }
                "range_clause" => {
                    let (b, c, p) = self.range_clause(*child);
                    bind = b;
                    cond = c;
                    prefix = p;
                }
                "comment" => {}
                _ => cond = Some(self.cond(*child)),
            }
        }
        let mut body = prefix;
        if let Some(b) = node.child_by_field_name("body") {
            body.extend(self.block(b));
        }
        body.extend(update);
        out.push(Stmt::Loop {
            bind,
            cond,
            body,
            span: span(node),
        });
    }

    /// `for k, v := range xs`: `v` is bound to the items; `k` is an index
    /// (a number) or, over a map, a key (model text when the map is the
    /// tool's arguments).
    #[allow(clippy::type_complexity)]
    fn range_clause(
        &mut self,
        node: Node<'_>,
    ) -> (Option<(Pattern, Expr)>, Option<Expr>, Vec<Stmt>) {
        let Some(right) = node.child_by_field_name("right") else {
            return (None, None, Vec::new());
        };
        let map_like = self.is_map_like(right);
        let xs = self.expr(right);
        let define = (0..node.child_count())
            .filter_map(|i| node.child(i))
            .any(|c| c.kind_str() == ":=");
        let targets: Vec<Node<'_>> = match node.child_by_field_name("left") {
            Some(l) => {
                let mut c = l.walk();
                l.named_children(&mut c).collect()
            }
            None => Vec::new(),
        };
        let mut prefix = Vec::new();
        if let Some(k) = targets.first().filter(|k| ident(**k, self.src).is_some()) {
            let target = self.target(*k, define);
            let value = if map_like {
                Expr::Opaque {
                    children: vec![xs.clone()],
                    span: span(*k),
                }
            } else {
                Expr::Lit(Lit::Num, span(*k))
            };
            prefix.push(Stmt::Assign {
                target,
                value,
                span: span(*k),
            });
        }
        match targets.get(1) {
            Some(v) => {
                let target = self.target(*v, define);
                (Some((target, xs)), None, prefix)
            }
            None => (None, Some(xs), prefix),
        }
    }
}
