//! Expressions, string building and patterns.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::super::span;
use super::nodes::is_function_kind;
use super::text::{string_value, unescape};
use super::{guards, Lx};
use crate::code::ir::{BinOp, Entry, Expr, FuncId, Lit, Pattern, UnOp};
use crate::Span;

/// Kinds that hold types only (skipped in generic lowering).
fn is_type_kind(kind: &str) -> bool {
    kind.ends_with("type")
        || kind.starts_with("type_")
        || kind.contains("_type_")
        || matches!(
            kind,
            "type_annotation" | "type_arguments" | "type_parameters" | "comment" | "decorator"
        )
}

impl Lx<'_> {
    /// Lower an expression (bounded: past the depth limit, an `Opaque`
    /// over the names below).
    pub fn expr(&mut self, n: Node<'_>) -> Expr {
        if !self.b.enter() {
            return self.too_deep(n);
        }
        let e = self.expr_inner(n);
        self.b.leave();
        e
    }

    /// A function expression bound to `name` where it is created.
    pub fn named_func(
        &mut self,
        n: Node<'_>,
        name: Option<(String, Span)>,
        exported: bool,
    ) -> Expr {
        let (name, at) = match name {
            Some((n, s)) => (Some(n), Some(s)),
            None => (None, None),
        };
        let name = name.or_else(|| self.f(n, "name").map(|x| self.t(x).to_string()));
        let id: FuncId = self.func(n, name, at, exported);
        Expr::Func(id, span(n))
    }

    fn expr_inner(&mut self, n: Node<'_>) -> Expr {
        let s = span(n);
        match n.kind_str() {
            "identifier" | "shorthand_property_identifier" | "private_property_identifier" => {
                Expr::Name(self.t(n).to_string(), s)
            }
            "undefined" | "null" => Expr::Lit(Lit::Null, s),
            "this" => Expr::This(s),
            "super" => Expr::Name("super".into(), s),
            "string" => Expr::Lit(Lit::Str(string_value(n, self.src)), s),
            "template_string" => self.template(n),
            "number" => Expr::Lit(Lit::Num, s),
            "true" => Expr::Lit(Lit::Bool(true), s),
            "false" => Expr::Lit(Lit::Bool(false), s),
            "regex" => Expr::Lit(Lit::Other, s),
            "parenthesized_expression"
            | "await_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "yield_expression" => self.first_expr(n),
            "member_expression" => self.member(n),
            "subscript_expression" => self.subscript(n),
            "call_expression" => self.call(n),
            "new_expression" => self.new_call(n),
            "object" => self.object(n),
            "array" => self.array(n),
            "spread_element" => {
                let inner = self.first_expr(n);
                Expr::Spread(Box::new(inner), s)
            }
            k if is_function_kind(k) => self.named_func(n, None, false),
            "class" => {
                self.class(n, None, false);
                Expr::Opaque {
                    children: Vec::new(),
                    span: s,
                }
            }
            "ternary_expression" => self.ternary(n),
            "binary_expression" => self.binary(n),
            "unary_expression" | "update_expression" => self.unary(n),
            "assignment_expression" | "augmented_assignment_expression" => {
                let (target, value) = self.assignment(n);
                Expr::Assign {
                    target: Box::new(target),
                    value: Box::new(value),
                    span: s,
                }
            }
            _ => self.opaque_children(n),
        }
    }

    /// The first non-type child, lowered (parentheses, `await`, casts).
    fn first_expr(&mut self, n: Node<'_>) -> Expr {
        let mut cursor = n.walk();
        let inner = n
            .named_children(&mut cursor)
            .find(|c| !is_type_kind(c.kind_str()));
        match inner {
            Some(i) => self.expr(i),
            None => Expr::Lit(Lit::Null, span(n)),
        }
    }

    fn array(&mut self, n: Node<'_>) -> Expr {
        let mut items = Vec::new();
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            if c.kind_str() != "comment" {
                items.push(self.expr(c));
            }
        }
        Expr::Array {
            items,
            span: span(n),
        }
    }

    fn ternary(&mut self, n: Node<'_>) -> Expr {
        let cond = self.field_expr(n, "condition");
        let then = self.field_expr(n, "consequence");
        let els = self.field_expr(n, "alternative");
        Expr::Cond {
            cond: Box::new(cond),
            then: Box::new(then),
            els: Box::new(els),
            span: span(n),
        }
    }

    /// `!x` (a negation the engine follows), `typeof x`, `-x`, `x++`
    /// (never text), `delete x`.
    fn unary(&mut self, n: Node<'_>) -> Expr {
        let op = self.f(n, "operator").map(|o| self.t(o)).unwrap_or("");
        let arg = self.field_expr(n, "argument");
        let op = match (n.kind_str(), op) {
            ("unary_expression", "!") => UnOp::Not,
            ("unary_expression", "delete") => UnOp::Other,
            _ => UnOp::Numeric,
        };
        Expr::Unary {
            op,
            expr: Box::new(arg),
            span: span(n),
        }
    }

    /// `Opaque` over the lowered named children (constructs the IR has no
    /// word for: sequences, JSX, `ERROR` nodes).
    pub fn opaque_children(&mut self, n: Node<'_>) -> Expr {
        let mut children = Vec::new();
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            if is_type_kind(c.kind_str()) || c.kind_str() == "property_identifier" {
                continue;
            }
            if is_statement_kind(c.kind_str()) {
                // An ERROR node may wrap statements: keep their effects.
                let stmts = self.stmt(c);
                if !stmts.is_empty() {
                    let id = self.b.reserve_func();
                    let f = crate::code::ir::Func {
                        parent: Some(self.cur_func),
                        span: span(c),
                        name_span: span(c),
                        body: stmts,
                        ..Default::default()
                    };
                    self.b.set_func(id, f);
                    children.push(Expr::Func(id, span(c)));
                }
                continue;
            }
            children.push(self.expr(c));
        }
        Expr::Opaque {
            children,
            span: span(n),
        }
    }

    pub fn field_expr(&mut self, n: Node<'_>, field: &str) -> Expr {
        match self.f(n, field) {
            Some(c) => self.expr(c),
            None => Expr::Lit(Lit::Null, span(n)),
        }
    }

    fn member(&mut self, n: Node<'_>) -> Expr {
        let obj = self.field_expr(n, "object");
        let prop = self
            .f(n, "property")
            .map(|p| self.t(p).to_string())
            .unwrap_or_default();
        Expr::Member {
            obj: Box::new(obj),
            prop,
            span: span(n),
        }
    }

    fn subscript(&mut self, n: Node<'_>) -> Expr {
        let obj = self.field_expr(n, "object");
        let index = self.f(n, "index");
        if let Some(i) = index.filter(|i| i.kind_str() == "string") {
            return Expr::Member {
                obj: Box::new(obj),
                prop: string_value(i, self.src),
                span: span(n),
            };
        }
        let index = match index {
            Some(i) => self.expr(i),
            None => Expr::Lit(Lit::Null, span(n)),
        };
        Expr::Index {
            obj: Box::new(obj),
            index: Box::new(index),
            span: span(n),
        }
    }

    /// A template literal: constant pieces (escapes processed) and the
    /// substituted expressions, in text order.
    pub fn template(&mut self, n: Node<'_>) -> Expr {
        let raw = self.t(n);
        let start = n.start_byte() + usize::from(raw.starts_with('`'));
        let end = n.end_byte() - usize::from(raw.len() > 1 && raw.ends_with('`'));
        let mut parts = Vec::new();
        let mut pos = start;
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            if c.kind_str() != "template_substitution" {
                continue;
            }
            self.push_lit(&mut parts, pos, c.start_byte());
            let inner = c.named_child(0);
            match inner {
                Some(i) => parts.push(self.expr(i)),
                None => parts.push(Expr::Lit(Lit::Null, span(c))),
            }
            pos = c.end_byte();
        }
        self.push_lit(&mut parts, pos, end.max(pos));
        Expr::Template {
            parts,
            span: span(n),
        }
    }

    fn push_lit(&self, parts: &mut Vec<Expr>, from: usize, to: usize) {
        if to <= from {
            return;
        }
        if let Some(raw) = self.src.get(from..to) {
            parts.push(Expr::Lit(Lit::Str(unescape(raw)), Span::new(from, to)));
        }
    }

    fn binary(&mut self, n: Node<'_>) -> Expr {
        let op = self.f(n, "operator").map(|o| self.t(o)).unwrap_or("");
        if op == "+" {
            return self.concat(n);
        }
        let left_node = self.f(n, "left");
        let right_node = self.f(n, "right");
        let left = self.field_expr(n, "left");
        let right = self.field_expr(n, "right");
        let bop = match op {
            "===" | "==" => BinOp::Eq,
            "!==" | "!=" => BinOp::Ne,
            "&&" => BinOp::And,
            // `input.name || ""` is a default (either side's value);
            // `a.startsWith(x) || b === c` is a condition.
            "||" if !is_boolish(&left) && !is_boolish(&right) => BinOp::Coalesce,
            "||" => BinOp::Or,
            "??" => BinOp::Coalesce,
            "in" => BinOp::In,
            _ => BinOp::Other,
        };
        let e = Expr::Binary {
            op: bop,
            left: Box::new(left),
            right: Box::new(right),
            span: span(n),
        };
        guards::binary(self, bop, left_node, right_node, e)
    }

    /// A chain of `+`: string building (`Template`) when any operand is a
    /// string or template literal, else nested `Binary(Add)`.
    fn concat(&mut self, n: Node<'_>) -> Expr {
        // Collect the operands of a left-leaning chain without recursion.
        let mut operands = Vec::new();
        let mut cur = n;
        loop {
            let is_plus = cur.kind_str() == "binary_expression"
                && self.f(cur, "operator").is_some_and(|o| self.t(o) == "+");
            if !is_plus || operands.len() > 100_000 {
                operands.push(cur);
                break;
            }
            if let Some(r) = self.f(cur, "right") {
                operands.push(r);
            }
            match self.f(cur, "left") {
                Some(l) => cur = l,
                None => break,
            }
        }
        operands.reverse();
        let stringy = operands
            .iter()
            .any(|o| matches!(o.kind_str(), "string" | "template_string"));
        let lowered: Vec<Expr> = operands.iter().map(|o| self.expr(*o)).collect();
        if stringy {
            let mut parts = Vec::new();
            for (node, e) in operands.iter().zip(lowered) {
                match e {
                    Expr::Template { parts: p, .. } if node.kind_str() == "template_string" => {
                        parts.extend(p)
                    }
                    other => parts.push(other),
                }
            }
            return Expr::Template {
                parts,
                span: span(n),
            };
        }
        if lowered.len() > 32 {
            // A long arithmetic chain: one flat node, not a deep tree.
            return Expr::Opaque {
                children: lowered,
                span: span(n),
            };
        }
        let mut it = lowered.into_iter();
        let Some(mut acc) = it.next() else {
            return Expr::Lit(Lit::Null, span(n));
        };
        for e in it {
            let sp = guards::expr_span(&acc).cover(guards::expr_span(&e));
            acc = Expr::Binary {
                op: BinOp::Add,
                left: Box::new(acc),
                right: Box::new(e),
                span: sp,
            };
        }
        acc
    }

    /// An object literal (and the descriptions in it, for tool objects and
    /// JSON-schema properties).
    fn object(&mut self, n: Node<'_>) -> Expr {
        let owner = super::handlers::object_descriptions(self, n);
        let saved_owner = match owner {
            Some(o) => Some(self.cur_owner.replace(o)),
            None => None,
        };
        let e = self.object_entries(n);
        if let Some(o) = saved_owner {
            self.cur_owner = o;
        }
        super::handlers::definition_handler(self, n, &e);
        e
    }

    fn object_entries(&mut self, n: Node<'_>) -> Expr {
        let mut entries = Vec::new();
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            match c.kind_str() {
                "pair" => {
                    let (Some(k), Some(v)) = (self.f(c, "key"), self.f(c, "value")) else {
                        continue;
                    };
                    let key = self.key_name(k);
                    let value = if is_function_kind(v.kind_str()) {
                        let name = key.clone().map(|k| (k, span(c.child(0).unwrap_or(c))));
                        self.named_func(v, name, false)
                    } else {
                        // Objects under `arguments` are prompt/resource arguments.
                        let args = matches!(key.as_deref(), Some("arguments"));
                        let saved = std::mem::replace(&mut self.in_arguments, args);
                        let e = self.expr(v);
                        self.in_arguments = saved;
                        e
                    };
                    match key {
                        Some(k) => entries.push(Entry::Field(k, value, span(c))),
                        None => {
                            let ke = k
                                .named_child(0)
                                .map(|x| self.expr(x))
                                .unwrap_or(Expr::Lit(Lit::Null, span(k)));
                            entries.push(Entry::Computed(ke, value));
                        }
                    }
                }
                "shorthand_property_identifier" => {
                    let k = self.t(c).to_string();
                    entries.push(Entry::Field(k.clone(), Expr::Name(k, span(c)), span(c)));
                }
                "spread_element" => {
                    let inner = c
                        .named_child(0)
                        .map(|x| self.expr(x))
                        .unwrap_or(Expr::Lit(Lit::Null, span(c)));
                    entries.push(Entry::Spread(inner));
                }
                "method_definition" => {
                    let name = self.f(c, "name").map(|x| self.t(x).to_string());
                    let at = self.f(c, "name").map(span);
                    let id = self.func(c, name.clone(), at, false);
                    if let Some(k) = name {
                        entries.push(Entry::Field(k, Expr::Func(id, span(c)), span(c)));
                    }
                }
                _ => {}
            }
        }
        Expr::Object {
            entries,
            span: span(n),
        }
    }

    /// A property key's name, or `None` for a computed key.
    pub fn key_name(&self, k: Node<'_>) -> Option<String> {
        match k.kind_str() {
            "string" => Some(string_value(k, self.src)),
            "computed_property_name" => {
                let inner = k.named_child(0)?;
                (inner.kind_str() == "string").then(|| string_value(inner, self.src))
            }
            _ => Some(self.t(k).to_string()),
        }
    }

    /// An assignment: the target pattern and the value (compound
    /// assignment `x += y` as string building of `x` and `y`).
    pub fn assignment(&mut self, n: Node<'_>) -> (Pattern, Expr) {
        let left = self.f(n, "left");
        let target = left.map(|l| self.pattern(l)).unwrap_or(Pattern::Ignore);
        let right = self.f(n, "right");
        let op = self.f(n, "operator").map(|o| self.t(o)).unwrap_or("=");
        let value = match right {
            Some(r) if is_function_kind(r.kind_str()) => {
                let name = left.and_then(|l| self.assigned_name(l));
                self.named_func(r, name, false)
            }
            Some(r) => self.expr(r),
            None => Expr::Lit(Lit::Null, span(n)),
        };
        if op == "=" || n.kind_str() == "assignment_expression" {
            return (target, value);
        }
        let old = left
            .map(|l| self.expr(l))
            .unwrap_or(Expr::Lit(Lit::Null, span(n)));
        let value = match op {
            "+=" => Expr::Template {
                parts: vec![old, value],
                span: span(n),
            },
            "??=" | "||=" | "&&=" => Expr::Binary {
                op: BinOp::Coalesce,
                left: Box::new(old),
                right: Box::new(value),
                span: span(n),
            },
            _ => Expr::Binary {
                op: BinOp::Other,
                left: Box::new(old),
                right: Box::new(value),
                span: span(n),
            },
        };
        (target, value)
    }

    /// The name a function assigned to `left` is known by (`x.run = …` → `run`).
    pub fn assigned_name(&self, left: Node<'_>) -> Option<(String, Span)> {
        match left.kind_str() {
            "identifier" => Some((self.t(left).to_string(), span(left))),
            "member_expression" => {
                let p = self.f(left, "property")?;
                Some((self.t(p).to_string(), span(p)))
            }
            _ => None,
        }
    }

    /// An assignment target or a parameter.
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
            "identifier" | "shorthand_property_identifier_pattern" => {
                Pattern::Name(self.t(n).to_string(), span(n))
            }
            "object_pattern" => self.object_pattern(n),
            "array_pattern" => self.array_pattern(n),
            "assignment_pattern" => match self.f(n, "left") {
                Some(l) => self.pattern(l),
                None => Pattern::Ignore,
            },
            "rest_pattern" => match n.named_child(0) {
                Some(i) => self.pattern(i),
                None => Pattern::Ignore,
            },
            "member_expression" | "subscript_expression" => Pattern::Target(Box::new(self.expr(n))),
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {
                match n.named_child(0) {
                    Some(i) => self.pattern(i),
                    None => Pattern::Ignore,
                }
            }
            _ => Pattern::Ignore,
        }
    }

    fn object_pattern(&mut self, n: Node<'_>) -> Pattern {
        let mut fields = Vec::new();
        let mut rest = None;
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            match c.kind_str() {
                "shorthand_property_identifier_pattern" => {
                    let k = self.t(c).to_string();
                    fields.push((k.clone(), Pattern::Name(k, span(c))));
                }
                "object_assignment_pattern" => {
                    if let Some(l) = self.f(c, "left") {
                        let k = self.t(l).to_string();
                        let p = self.pattern(l);
                        fields.push((k, p));
                    }
                }
                "pair_pattern" => {
                    let (Some(k), Some(v)) = (self.f(c, "key"), self.f(c, "value")) else {
                        continue;
                    };
                    let Some(key) = self.key_name(k) else {
                        continue;
                    };
                    let p = self.pattern(v);
                    fields.push((key, p));
                }
                "rest_pattern" => {
                    if let Some(inner) = c.named_child(0) {
                        rest = Some(Box::new(self.pattern(inner)));
                    }
                }
                _ => {}
            }
        }
        Pattern::Object {
            fields,
            rest,
            span: span(n),
        }
    }

    fn array_pattern(&mut self, n: Node<'_>) -> Pattern {
        let mut items: Vec<Option<Pattern>> = vec![None];
        let mut rest = None;
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            match c.kind_str() {
                "," => items.push(None),
                "[" | "]" | "comment" => {}
                "rest_pattern" => {
                    if let Some(inner) = c.named_child(0) {
                        rest = Some(Box::new(self.pattern(inner)));
                    }
                }
                _ if c.is_named() => {
                    let p = self.pattern(c);
                    if let Some(last) = items.last_mut() {
                        *last = Some(p);
                    }
                }
                _ => {}
            }
        }
        if rest.is_some() || items.last().is_some_and(|l| l.is_none()) {
            items.pop();
        }
        Pattern::Seq {
            items,
            rest,
            span: span(n),
        }
    }
}

/// Statement kinds (an `ERROR` node's children may be statements).
pub(crate) fn is_statement_kind(kind: &str) -> bool {
    kind.ends_with("_statement") || kind.ends_with("_declaration") || kind == "statement_block"
}

/// An expression whose value is a boolean (a test), not data.
fn is_boolish(e: &Expr) -> bool {
    match e {
        Expr::Guard { .. } | Expr::Lit(Lit::Bool(_), _) => true,
        Expr::Unary { op, .. } => *op == UnOp::Not,
        Expr::Binary { op, .. } => !matches!(op, BinOp::Add | BinOp::Coalesce),
        Expr::Call(c) => c.effect == crate::code::ir::Effect::Clean,
        _ => false,
    }
}
