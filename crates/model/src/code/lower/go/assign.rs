//! Go assignments, declarations and assignment targets.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::func::kind_of_type;
use super::{Lower, VarKind};
use crate::code::ir::{BinOp, Expr, Lit, Pattern, Stmt};
use crate::code::lower::span;

impl Lower<'_> {
    /// `a, b := x, y`, `x = y`, `s += t`.
    pub fn assignment(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
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
        let value = match (r.kind_str(), &name) {
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
        let comma_ok = matches!(
            r.kind_str(),
            "index_expression" | "type_assertion_expression"
        ) || (r.kind_str() == "unary_expression"
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
    pub fn var_decl(&mut self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut specs = Vec::new();
        let mut c = node.walk();
        for child in node.named_children(&mut c) {
            match child.kind_str() {
                "var_spec" | "const_spec" => specs.push(child),
                "var_spec_list" => {
                    let mut c2 = child.walk();
                    specs.extend(
                        child
                            .named_children(&mut c2)
                            .filter(|n| n.kind_str() == "var_spec"),
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
            .filter(|n| n.kind_str() == "identifier")
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
            let inner = match node.kind_str() {
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
        match node.kind_str() {
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
        match n.kind_str() {
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
