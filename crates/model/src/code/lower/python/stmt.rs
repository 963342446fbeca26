//! Statements: blocks, assignments, control flow, `with`, `match`,
//! function and class definitions.

use super::{field, nth};
use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::track::fact_of_value;
use super::{handlers, Ctx};
use crate::code::ir::{BinOp, Case, Expr, Lit, Pattern, Stmt, UnOp};
use crate::code::lower::span;

impl Ctx<'_> {
    /// The statements of a `block` or `module` node.
    pub fn block(&mut self, n: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        for k in kids {
            self.stmt(k, &mut out);
        }
        out
    }

    /// The statements of a field holding a block (`body`, `consequence`).
    pub fn block_of(&mut self, n: Node<'_>, name: &'static str) -> Vec<Stmt> {
        match field(n, name) {
            Some(b) => self.block(b),
            None => Vec::new(),
        }
    }

    pub fn stmt(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        if !self.b.enter() {
            let e = self.too_deep(n);
            out.push(Stmt::Expr(e));
            return;
        }
        self.stmt_inner(n, out);
        self.drain_guards(out);
        self.b.leave();
    }

    fn stmt_inner(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let sp = span(n);
        match n.kind_str() {
            "expression_statement" => {
                let mut c = n.walk();
                let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
                for k in kids {
                    self.expression_statement(k, out);
                }
            }
            "return_statement" => {
                let e = nth(n, 0).map(|v| self.expr(v));
                out.push(Stmt::Return(e, sp));
            }
            "raise_statement" => {
                let e = n
                    .named_child(0)
                    .filter(|v| field(n, "cause").map(|c| c.id()) != Some(v.id()))
                    .map(|v| self.expr(v));
                out.push(Stmt::Throw(e, sp));
            }
            "assert_statement" => self.assert(n, out),
            "if_statement" => out.push(self.if_stmt(n)),
            "for_statement" => self.for_stmt(n, out),
            "while_statement" => self.while_stmt(n, out),
            "try_statement" => out.push(self.try_stmt(n)),
            "with_statement" => self.with_stmt(n, out),
            "match_statement" => out.push(self.match_stmt(n)),
            "function_definition" => {
                let id = self.function_def(n, &[]);
                if self.class_body.is_none() {
                    out.push(Stmt::Func(id));
                }
            }
            "decorated_definition" => self.decorated(n, out),
            "class_definition" => self.class_def(n, out),
            "break_statement" => out.push(Stmt::Break),
            "continue_statement" => out.push(Stmt::Continue),
            "print_statement" | "exec_statement" => {
                let e = self.opaque_children(n);
                out.push(Stmt::Expr(e));
            }
            "block" => {
                let b = self.block(n);
                out.extend(b);
            }
            "pass_statement"
            | "import_statement"
            | "import_from_statement"
            | "future_import_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "type_alias_statement"
            | "comment"
            | "delete_statement"
            | "line_continuation" => {}
            "ERROR" => {
                let mut c = n.walk();
                let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
                for k in kids {
                    self.stmt(k, out);
                }
            }
            _ => {
                let e = self.expr(n);
                if !matches!(e, Expr::Lit(..)) {
                    out.push(Stmt::Expr(e));
                }
            }
        }
    }

    fn expression_statement(&mut self, k: Node<'_>, out: &mut Vec<Stmt>) {
        match k.kind_str() {
            "assignment" => self.assignment(k, out),
            "augmented_assignment" => self.augmented(k, out),
            // Docstrings and other bare literals do nothing.
            "string" | "concatenated_string" | "integer" | "float" | "ellipsis" | "comment" => {}
            _ => {
                let e = self.expr(k);
                if let Some(t) = self.terminator(&e, span(k)) {
                    out.push(t);
                } else {
                    out.push(Stmt::Expr(e));
                }
            }
        }
    }

    /// `sys.exit(…)`, `exit()`, `os._exit(…)`: control does not continue.
    fn terminator(&self, e: &Expr, sp: crate::Span) -> Option<Stmt> {
        let Expr::Call(c) = e else { return None };
        let q = c.qualified.as_deref();
        let builtin = matches!((&c.callee, q), (Expr::Name(n, _), None) if (n == "exit" || n == "quit") && !self.facts.module_names.contains(n));
        if builtin || matches!(q, Some("sys.exit" | "os._exit" | "os.abort")) {
            return Some(Stmt::Throw(c.args.first().map(|a| a.value.clone()), sp));
        }
        None
    }

    fn assignment(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        // `a = b = v`: targets outermost first, the value innermost.
        let mut targets = Vec::new();
        let mut cur = n;
        let value_node = loop {
            if let Some(l) = field(cur, "left") {
                targets.push(l);
            }
            match field(cur, "right") {
                Some(r) if r.kind_str() == "assignment" => cur = r,
                Some(r) => break Some(r),
                None => break None,
            }
        };
        let Some(value_node) = value_node else {
            return; // `x: int` declares without binding
        };
        let value = if value_node.kind_str() == "augmented_assignment" {
            self.augmented(value_node, out);
            Expr::Lit(Lit::Null, span(value_node))
        } else {
            self.expr(value_node)
        };
        let sp = span(n);
        let mut value = Some(value);
        let mut first: Option<Expr> = None;
        for t in targets.iter().rev() {
            let target = self.pattern(*t);
            let v = match (value.take(), &first) {
                (Some(v), _) => v,
                (None, Some(prev)) => prev.clone(),
                (None, None) => Expr::Lit(Lit::Null, sp),
            };
            self.track_assignment(&target, &v);
            if first.is_none() {
                first = pattern_expr(&target);
            }
            out.push(Stmt::Assign {
                target,
                value: v,
                span: sp,
            });
        }
    }

    /// Remember what a simple target now holds.
    pub fn track_assignment(&mut self, target: &Pattern, value: &Expr) {
        match target {
            Pattern::Name(n, s) => {
                // `run = lambda …`: the function is named after its binding.
                if let Expr::Func(id, _) = value {
                    if let Some(f) = self.b.file.funcs.get_mut(id.0 as usize) {
                        f.name.get_or_insert_with(|| n.clone());
                    }
                }
                let fact = fact_of_value(value, &|e| self.fact_of(e));
                self.set_fact(&Expr::Name(n.clone(), *s), fact);
                handlers::note_binding(self, n, value);
            }
            Pattern::Target(e) => {
                let fact = fact_of_value(value, &|x| self.fact_of(x));
                self.set_fact(e, fact);
            }
            Pattern::Seq { items, rest, .. } => {
                for p in items.iter().flatten() {
                    self.forget(p);
                }
                if let Some(r) = rest {
                    self.forget(r);
                }
            }
            _ => {}
        }
    }

    fn forget(&mut self, p: &Pattern) {
        match p {
            Pattern::Name(n, s) => self.set_fact(&Expr::Name(n.clone(), *s), None),
            Pattern::Seq { items, .. } => {
                for i in items.iter().flatten() {
                    self.forget(i);
                }
            }
            _ => {}
        }
    }

    fn augmented(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let (Some(l), Some(r)) = (field(n, "left"), field(n, "right")) else {
            return;
        };
        let op = field(n, "operator").map(|o| self.text(o)).unwrap_or("");
        let sp = span(n);
        let target = self.pattern(l);
        let current = self.expr(l);
        let rhs = self.expr(r);
        let value = match op {
            "+=" => self.add(current, rhs, sp),
            "/=" => Expr::Binary {
                op: BinOp::PathJoin,
                left: Box::new(current),
                right: Box::new(rhs),
                span: sp,
            },
            "-=" | "//=" | "**=" | "<<=" | ">>=" | "@=" => Expr::Binary {
                op: BinOp::Other,
                left: Box::new(current),
                right: Box::new(rhs),
                span: sp,
            },
            _ => Expr::Opaque {
                children: vec![current, rhs],
                span: sp,
            },
        };
        self.track_assignment(&target, &value);
        out.push(Stmt::Assign {
            target,
            value,
            span: sp,
        });
    }

    /// An assignment target.
    pub fn pattern(&mut self, n: Node<'_>) -> Pattern {
        if !self.b.enter() {
            return Pattern::Ignore;
        }
        let p = self.pattern_inner(n);
        self.b.leave();
        p
    }

    fn pattern_inner(&mut self, n: Node<'_>) -> Pattern {
        match n.kind_str() {
            "identifier" => {
                let name = self.text(n).to_string();
                if name == "_" {
                    return Pattern::Ignore;
                }
                if let Some(class) = self.class_body.clone() {
                    return Pattern::Target(Box::new(Expr::Member {
                        obj: Box::new(Expr::Name(class, span(n))),
                        prop: name,
                        span: span(n),
                    }));
                }
                Pattern::Name(name, span(n))
            }
            "attribute" | "subscript" => Pattern::Target(Box::new(self.expr(n))),
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => {
                let mut items = Vec::new();
                let mut rest = None;
                let mut c = n.walk();
                let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
                for k in kids {
                    if matches!(k.kind_str(), "list_splat_pattern" | "list_splat") {
                        if let Some(inner) = nth(k, 0) {
                            rest = Some(Box::new(self.pattern(inner)));
                        }
                    } else {
                        items.push(Some(self.pattern(k)));
                    }
                }
                Pattern::Seq {
                    items,
                    rest,
                    span: span(n),
                }
            }
            "parenthesized_expression" | "as_pattern_target" | "case_pattern" => match nth(n, 0) {
                Some(k) => self.pattern(k),
                None => Pattern::Ignore,
            },
            _ => Pattern::Ignore,
        }
    }

    /// A condition (of `if`, `while`, `assert`, a case guard).
    pub fn cond(&mut self, n: Node<'_>) -> Expr {
        let was = std::mem::replace(&mut self.in_cond, true);
        let e = self.expr(n);
        self.in_cond = was;
        e
    }

    fn assert(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(c) = nth(n, 0) else { return };
        let cond = self.cond(c);
        let msg = nth(n, 1).map(|m| self.expr(m));
        let sp = span(n);
        out.push(Stmt::If {
            cond: Expr::Unary {
                op: UnOp::Not,
                expr: Box::new(cond),
                span: sp,
            },
            then: vec![Stmt::Throw(msg, sp)],
            els: Vec::new(),
            span: sp,
        });
    }

    fn if_stmt(&mut self, n: Node<'_>) -> Stmt {
        let cond = match field(n, "condition") {
            Some(c) => self.cond(c),
            None => Expr::Lit(Lit::Other, span(n)),
        };
        let then = self.block_of(n, "consequence");
        let mut c = n.walk();
        let alts: Vec<Node<'_>> = n.children_by_field_name("alternative", &mut c).collect();
        let els = self.alternatives(&alts);
        Stmt::If {
            cond,
            then,
            els,
            span: span(n),
        }
    }

    /// `elif … else …` as nested `If`s.
    fn alternatives(&mut self, alts: &[Node<'_>]) -> Vec<Stmt> {
        let Some((first, rest)) = alts.split_first() else {
            return Vec::new();
        };
        if first.kind_str() == "else_clause" {
            return self.block_of(*first, "body");
        }
        if !self.b.enter() {
            return vec![Stmt::Expr(self.too_deep(*first))];
        }
        let cond = match field(*first, "condition") {
            Some(c) => self.cond(c),
            None => Expr::Lit(Lit::Other, span(*first)),
        };
        let then = self.block_of(*first, "consequence");
        let els = self.alternatives(rest);
        self.b.leave();
        vec![Stmt::If {
            cond,
            then,
            els,
            span: span(*first),
        }]
    }

    fn for_stmt(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let bind = match (field(n, "left"), field(n, "right")) {
            (Some(l), Some(r)) => {
                let iter = self.expr(r);
                let p = self.pattern(l);
                self.forget(&p);
                Some((p, iter))
            }
            _ => None,
        };
        let body = self.block_of(n, "body");
        out.push(Stmt::Loop {
            bind,
            cond: None,
            body,
            span: span(n),
        });
        if let Some(e) = field(n, "alternative") {
            let b = self.block_of(e, "body");
            out.push(Stmt::Block(b));
        }
    }

    fn while_stmt(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let cond = field(n, "condition").map(|c| self.cond(c));
        let body = self.block_of(n, "body");
        out.push(Stmt::Loop {
            bind: None,
            cond,
            body,
            span: span(n),
        });
        if let Some(e) = field(n, "alternative") {
            let b = self.block_of(e, "body");
            out.push(Stmt::Block(b));
        }
    }

    fn try_stmt(&mut self, n: Node<'_>) -> Stmt {
        let mut body = self.block_of(n, "body");
        let mut catches = Vec::new();
        let mut finally = Vec::new();
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        for k in kids {
            match k.kind_str() {
                "except_clause" | "except_group_clause" => {
                    let mut alias = None;
                    let mut block = Vec::new();
                    let mut kc = k.walk();
                    let parts: Vec<Node<'_>> = k.named_children(&mut kc).collect();
                    for p in parts {
                        match p.kind_str() {
                            "block" => block = self.block(p),
                            "as_pattern" => {
                                if let Some(t) = field(p, "alias") {
                                    alias = Some(self.pattern(t));
                                }
                            }
                            _ => {}
                        }
                    }
                    catches.push((alias, block));
                }
                // `else:` runs when the body did not raise: after the body.
                "else_clause" => {
                    let b = self.block_of(k, "body");
                    body.extend(b);
                }
                "finally_clause" => {
                    if let Some(b) = nth(k, 0) {
                        finally = self.block(b);
                    }
                }
                _ => {}
            }
        }
        Stmt::Try {
            body,
            catches,
            finally,
        }
    }

    fn with_stmt(&mut self, n: Node<'_>, out: &mut Vec<Stmt>) {
        let mut stmts = Vec::new();
        let mut c = n.walk();
        let clauses: Vec<Node<'_>> = n
            .named_children(&mut c)
            .filter(|k| k.kind_str() == "with_clause")
            .collect();
        for clause in clauses {
            let mut cc = clause.walk();
            let items: Vec<Node<'_>> = clause.named_children(&mut cc).collect();
            for item in items {
                let Some(v) = field(item, "value") else {
                    continue;
                };
                if v.kind_str() == "as_pattern" {
                    let value = nth(v, 0).map(|x| self.expr(x));
                    let target = field(v, "alias").map(|t| self.pattern(t));
                    match (target, value) {
                        (Some(t), Some(val)) => {
                            self.track_assignment(&t, &val);
                            stmts.push(Stmt::Assign {
                                target: t,
                                value: val,
                                span: span(item),
                            });
                        }
                        (None, Some(val)) => stmts.push(Stmt::Expr(val)),
                        _ => {}
                    }
                } else {
                    let e = self.expr(v);
                    stmts.push(Stmt::Expr(e));
                }
            }
        }
        self.drain_guards(&mut stmts);
        let body = self.block_of(n, "body");
        stmts.extend(body);
        out.push(Stmt::Block(stmts));
    }

    fn match_stmt(&mut self, n: Node<'_>) -> Stmt {
        let on = field(n, "subject").map(|s| self.expr(s));
        let mut cases = Vec::new();
        if let Some(body) = field(n, "body") {
            let mut c = body.walk();
            let clauses: Vec<Node<'_>> = body
                .named_children(&mut c)
                .filter(|k| k.kind_str() == "case_clause")
                .collect();
            for clause in clauses {
                cases.push(self.case_clause(clause));
            }
        }
        Stmt::Switch {
            on,
            cases,
            span: span(n),
        }
    }

    fn case_clause(&mut self, clause: Node<'_>) -> Case {
        let mut tests = Vec::new();
        let mut c = clause.walk();
        let pats: Vec<Node<'_>> = clause
            .named_children(&mut c)
            .filter(|k| k.kind_str() == "case_pattern")
            .collect();
        let mut literal = true;
        for p in pats {
            self.case_tests(p, &mut tests, &mut literal);
        }
        if !literal {
            tests.clear();
        }
        let mut body = self.block_of(clause, "consequence");
        if let Some(g) = field(clause, "guard") {
            if let Some(cond) = nth(g, 0) {
                let cond = self.cond(cond);
                body = vec![Stmt::If {
                    cond,
                    then: body,
                    els: Vec::new(),
                    span: span(g),
                }];
            }
        }
        Case { tests, body }
    }

    /// Literal alternatives of a case pattern (`"a" | "b"`, `Tools.X`);
    /// anything else (captures, classes, `_`) makes the case a default.
    fn case_tests(&mut self, p: Node<'_>, tests: &mut Vec<Expr>, literal: &mut bool) {
        if !self.b.enter() {
            *literal = false;
            return;
        }
        self.case_tests_inner(p, tests, literal);
        self.b.leave();
    }

    fn case_tests_inner(&mut self, p: Node<'_>, tests: &mut Vec<Expr>, literal: &mut bool) {
        match p.kind_str() {
            "case_pattern" | "union_pattern" => {
                let mut c = p.walk();
                let kids: Vec<Node<'_>> = p.named_children(&mut c).collect();
                if kids.is_empty() {
                    *literal = false;
                }
                for k in kids {
                    self.case_tests(k, tests, literal);
                }
            }
            "string" | "concatenated_string" | "integer" | "float" | "true" | "false" | "none" => {
                tests.push(self.expr(p))
            }
            "dotted_name" => {
                let e = self.dotted_name(p);
                tests.push(e);
            }
            _ => *literal = false,
        }
    }

    fn opaque_children(&mut self, n: Node<'_>) -> Expr {
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        let children = kids.into_iter().map(|k| self.expr(k)).collect();
        Expr::Opaque {
            children,
            span: span(n),
        }
    }
}

/// The expression a simple target names (to chain `a = b = v`).
fn pattern_expr(p: &Pattern) -> Option<Expr> {
    match p {
        Pattern::Name(n, s) => Some(Expr::Name(n.clone(), *s)),
        Pattern::Target(e) => Some((**e).clone()),
        _ => None,
    }
}
