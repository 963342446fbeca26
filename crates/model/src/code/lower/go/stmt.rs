//! Go statements and function declarations.

use skillaudit_syntax::code::tree_sitter::Node;

use super::{base_type, is_numeric_type, Lower, VarKind};
use crate::code::ir::{BinOp, Case, Expr, Func, FuncId, Lit, Param, Pattern, Stmt, TypeHint, UnOp};
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

    fn top_item(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind() {
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
            let rest = match decl.kind() {
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
            if child.kind() == "statement_list" {
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
        match node.kind() {
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
                    .filter(|n| n.kind() != "label_name")
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
        if node.kind() == "call_expression" && self.is_terminator(node) {
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
        let items: Vec<Node<'_>> = if list.kind() == "expression_list" {
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
            Some(a) if a.kind() == "block" => self.block(a),
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
            .filter(|n| n.kind() == "statement_list")
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
            match case.kind() {
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
            .filter(|n| n.kind() == "identifier")
            .map(|n| (self.text(n).to_string(), span(n)));
        if let Some((a, _)) = &alias {
            self.declare(a);
        }
        let mut cases = Vec::new();
        let mut c = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut c).collect();
        for case in children {
            let (tests, types) = match case.kind() {
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
            match case.kind() {
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
            .any(|c| c.kind() == ":=");
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
            match child.kind() {
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
            .any(|c| c.kind() == ":=");
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

    /// `a, b := x, y`, `x = y`, `s += t`.
    fn assignment(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let op = match node.child_by_field_name("operator") {
            Some(o) => self.text(o),
            None => ":=",
        };
        let define = op == ":=";
        let mut c = left.walk();
        let lefts: Vec<Node<'_>> = left.named_children(&mut c).collect();
        let mut c = right.walk();
        let rights: Vec<Node<'_>> = right.named_children(&mut c).collect();
        if op != "=" && op != ":=" {
            // Compound: `x += y` is `x = x + y`.
            let (Some(l), Some(r)) = (lefts.first(), rights.first()) else {
                return;
            };
            let current = self.expr(*l);
            let rhs = self.expr(*r);
            let value = compound(op, current, rhs, span(node));
            if let Some(name) = ident(*l, self.src) {
                self.set_str(name, None);
                if op == "+=" {
                    self.set_kind(name, Some(VarKind::Concat));
                }
            }
            let target = self.target(*l, false);
            out.push(Stmt::Assign {
                target,
                value,
                span: span(node),
            });
            return;
        }
        if lefts.len() == rights.len() {
            for (l, r) in lefts.iter().zip(&rights) {
                self.assign_one(*l, *r, define, out);
            }
            return;
        }
        if let [r] = rights.as_slice() {
            self.assign_multi(&lefts, *r, define, span(node), out);
        }
    }

    /// `x := value` (or `x = value`): lowers the value, tracks what it is.
    pub fn assign_one(&mut self, l: Node<'_>, r: Node<'_>, define: bool, out: &mut Vec<Stmt>) {
        let name = ident(l, self.src).map(str::to_string);
        let value = match (r.kind(), &name) {
            ("func_literal", Some(n)) => self.func_literal(r, Some(n.clone())),
            _ => self.expr(r),
        };
        let kind = self.kind_of_value(r, &value);
        let target = self.target(l, define);
        if let Some(n) = &name {
            let s = match &value {
                Expr::Lit(Lit::Str(s), _) => Some(s.clone()),
                _ => None,
            };
            self.set_str(n, s);
            self.set_kind(n, kind);
        }
        out.push(Stmt::Assign {
            target,
            value,
            span: span(l).cover(span(r)),
        });
    }

    /// `a, b := f()`, `v, ok := m[k]`, `s, ok := x.(string)`.
    fn assign_multi(
        &mut self,
        lefts: &[Node<'_>],
        r: Node<'_>,
        define: bool,
        at: crate::Span,
        out: &mut Vec<Stmt>,
    ) {
        let comma_ok = matches!(r.kind(), "index_expression" | "type_assertion_expression")
            || (r.kind() == "unary_expression"
                && r.child_by_field_name("operator").map(|o| self.text(o)) == Some("<-"));
        let first_kind = self.kind_of_multi(r);
        let value = self.expr(r);
        let names: Vec<Option<String>> = lefts
            .iter()
            .map(|l| ident(*l, self.src).map(str::to_string))
            .collect();
        if comma_ok && lefts.len() == 2 {
            let ok_kind = self.map_ok_kind(r);
            let t0 = self.target(lefts[0], define);
            let t1 = self.target(lefts[1], define);
            if let Some(n) = &names[0] {
                self.set_str(n, None);
                self.set_kind(n, None);
            }
            if let Some(n) = &names[1] {
                self.set_str(n, None);
                self.set_kind(n, ok_kind);
            }
            out.push(Stmt::Assign {
                target: t0,
                value,
                span: at,
            });
            out.push(Stmt::Assign {
                target: t1,
                value: Expr::Lit(Lit::Other, span(lefts[1])),
                span: span(lefts[1]),
            });
            return;
        }
        let items: Vec<Option<Pattern>> = lefts
            .iter()
            .map(|l| match self.target(*l, define) {
                Pattern::Ignore => None,
                p => Some(p),
            })
            .collect();
        for (i, n) in names.iter().enumerate() {
            if let Some(n) = n {
                self.set_str(n, None);
                let k = if i == 0 { first_kind.clone() } else { None };
                self.set_kind(n, k);
            }
        }
        out.push(Stmt::Assign {
            target: Pattern::Seq {
                items,
                rest: None,
                span: span(lefts[0]).cover(span(*lefts.last().unwrap_or(&lefts[0]))),
            },
            value,
            span: at,
        });
    }

    /// `var x T = v`, `const c = "…"`, `var x T`.
    fn var_decl(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut specs = Vec::new();
        let mut c = node.walk();
        for child in node.named_children(&mut c) {
            match child.kind() {
                "var_spec" | "const_spec" => specs.push(child),
                "var_spec_list" => {
                    let mut c2 = child.walk();
                    specs.extend(
                        child
                            .named_children(&mut c2)
                            .filter(|n| n.kind() == "var_spec"),
                    );
                }
                _ => {}
            }
        }
        for spec in specs {
            self.var_spec(spec, out);
        }
    }

    fn var_spec(&mut self, spec: Node<'_>, out: &mut Vec<Stmt>) {
        let mut c = spec.walk();
        let names: Vec<Node<'_>> = spec
            .children_by_field_name("name", &mut c)
            .filter(|n| n.kind() == "identifier")
            .collect();
        let ty = spec
            .child_by_field_name("type")
            .map(|t| self.text(t).to_string());
        let values: Vec<Node<'_>> = match spec.child_by_field_name("value") {
            Some(v) => {
                let mut c = v.walk();
                v.named_children(&mut c).collect()
            }
            None => Vec::new(),
        };
        if values.is_empty() {
            for n in names {
                let name = self.text(n).to_string();
                self.declare(&name);
                let kind = ty.as_deref().and_then(kind_of_type);
                self.set_kind(&name, kind);
                out.push(Stmt::Assign {
                    target: Pattern::Name(name, span(n)),
                    value: Expr::Lit(Lit::Null, span(n)),
                    span: span(spec),
                });
            }
            return;
        }
        if values.len() == names.len() {
            for (n, v) in names.iter().zip(&values) {
                self.assign_one(*n, *v, true, out);
                if let (Some(t), Some(name)) = (ty.as_deref(), ident(*n, self.src)) {
                    if let Some(k) = kind_of_type(t) {
                        let name = name.to_string();
                        self.set_kind(&name, Some(k));
                    }
                }
            }
        } else if let [v] = values.as_slice() {
            self.assign_multi(&names, *v, true, span(spec), out);
        }
    }

    /// An assignment target.
    pub fn target(&mut self, node: Node<'_>, define: bool) -> Pattern {
        // `(x)`, `*p`: the variable itself.
        let mut node = node;
        let mut define = define;
        for _ in 0..16 {
            let inner = match node.kind() {
                "parenthesized_expression" => node.named_child(0),
                "unary_expression" => node.child_by_field_name("operand"),
                _ => break,
            };
            match inner {
                Some(i) => {
                    define = false;
                    node = i;
                }
                None => return Pattern::Ignore,
            }
        }
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if name == "_" {
                    return Pattern::Ignore;
                }
                let name = name.to_string();
                if define {
                    self.declare(&name);
                }
                Pattern::Name(name, span(node))
            }
            "selector_expression" | "index_expression" | "slice_expression" => {
                Pattern::Target(Box::new(self.expr(node)))
            }
            _ => Pattern::Ignore,
        }
    }
}

/// `x op= y` as a value.
fn compound(op: &str, current: Expr, rhs: Expr, at: crate::Span) -> Expr {
    if op == "+=" {
        if matches!(rhs, Expr::Lit(Lit::Str(_), _)) {
            return Expr::Template {
                parts: vec![current, rhs],
                span: at,
            };
        }
        return Expr::Binary {
            op: BinOp::Add,
            left: Box::new(current),
            right: Box::new(rhs),
            span: at,
        };
    }
    Expr::Binary {
        op: BinOp::Other,
        left: Box::new(current),
        right: Box::new(rhs),
        span: at,
    }
}

/// The identifier a node is (through parentheses), if any.
pub(crate) fn ident<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut n = node;
    for _ in 0..16 {
        match n.kind() {
            "identifier" => {
                let t = src.get(n.start_byte()..n.end_byte())?;
                return (t != "_").then_some(t);
            }
            "parenthesized_expression" => n = n.named_child(0)?,
            _ => return None,
        }
    }
    None
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
        _ => None,
    }
}
