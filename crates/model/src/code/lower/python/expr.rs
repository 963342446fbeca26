//! Expressions: names (module string constants folded to literals),
//! attributes and subscripts, literals and string building, operators,
//! collections, comprehensions, lambdas.

use super::{field, nth};
use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::strings::string_value;
use super::strings::{decode, split_percent, HoleKey, Piece, Prefix};
use super::track::is_pathish;
use super::Ctx;
use crate::code::ir::{BinOp, Call, Effect, Entry, Expr, Kinds, Lit, UnOp};
use crate::code::lower::span;
use crate::Span;

impl Ctx<'_> {
    pub fn expr(&mut self, n: Node<'_>) -> Expr {
        if !self.b.enter() {
            return self.too_deep(n);
        }
        let e = self.expr_inner(n);
        self.b.leave();
        e
    }

    fn expr_inner(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        match n.kind_str() {
            "identifier" => self.name(n),
            "attribute" => self.attribute(n),
            "subscript" => self.subscript(n),
            "call" => self.call(n),
            "string" => self.string(n),
            "concatenated_string" => self.concatenated(n),
            "integer" | "float" => Expr::Lit(Lit::Num, sp),
            "true" => Expr::Lit(Lit::Bool(true), sp),
            "false" => Expr::Lit(Lit::Bool(false), sp),
            "none" => Expr::Lit(Lit::Null, sp),
            "ellipsis" => Expr::Lit(Lit::Other, sp),
            "list" | "tuple" | "set" | "expression_list" | "pattern_list" => self.array(n),
            "dictionary" => self.dictionary(n),
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => self.comprehension(n),
            "lambda" => self.lambda(n),
            "conditional_expression" => self.conditional(n),
            "boolean_operator" => self.boolean(n),
            "not_operator" | "unary_operator" => self.unary(n),
            "comparison_operator" => self.comparison(n),
            "binary_operator" => self.binary(n),
            "named_expression" => self.walrus(n),
            "await"
            | "parenthesized_expression"
            | "yield"
            | "keyword_argument"
            | "type"
            | "as_pattern" => {
                let inner = if n.kind_str() == "keyword_argument" {
                    field(n, "value")
                } else {
                    nth(n, 0)
                };
                match inner {
                    Some(i) => self.expr(i),
                    None => Expr::Lit(Lit::Null, sp),
                }
            }
            "list_splat" | "dictionary_splat" | "parenthesized_list_splat" => {
                let inner = match nth(n, 0) {
                    Some(i) => self.expr(i),
                    None => Expr::Lit(Lit::Null, sp),
                };
                Expr::Spread(Box::new(inner), sp)
            }
            "dotted_name" => self.dotted_name(n),
            "ERROR" => self.names_below(n),
            _ => self.opaque(n),
        }
    }

    /// `a if c else b`.
    fn conditional(&mut self, n: Node<'_>) -> Expr {
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n
            .named_children(&mut c)
            .filter(|k| k.kind_str() != "comment")
            .collect();
        let [then, cond, els] = kids.as_slice() else {
            return self.opaque(n);
        };
        let then = self.expr(*then);
        let cond = self.cond(*cond);
        let els = self.expr(*els);
        Expr::Cond {
            cond: Box::new(cond),
            then: Box::new(then),
            els: Box::new(els),
            span: span(n),
        }
    }

    /// `not x`, `-x`, `~x`.
    fn unary(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        let inner = match field(n, "argument") {
            Some(a) => self.expr(a),
            None => Expr::Lit(Lit::Other, sp),
        };
        if n.kind_str() == "not_operator" {
            return Expr::Unary {
                op: UnOp::Not,
                expr: Box::new(inner),
                span: sp,
            };
        }
        if matches!(inner, Expr::Lit(Lit::Num, _)) {
            return Expr::Lit(Lit::Num, sp);
        }
        Expr::Unary {
            op: UnOp::Numeric,
            expr: Box::new(inner),
            span: sp,
        }
    }

    /// `(name := value)`.
    fn walrus(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        let target = field(n, "name").map(|t| self.pattern(t));
        let value = match field(n, "value") {
            Some(v) => self.expr(v),
            None => Expr::Lit(Lit::Null, sp),
        };
        let Some(target) = target else { return value };
        self.track_assignment(&target, &value);
        Expr::Assign {
            target: Box::new(target),
            value: Box::new(value),
            span: sp,
        }
    }

    /// `Opaque` over the lowered named children.
    pub fn opaque(&mut self, n: Node<'_>) -> Expr {
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n
            .named_children(&mut c)
            .filter(|k| k.kind_str() != "comment")
            .collect();
        let children = kids.into_iter().map(|k| self.expr(k)).collect();
        Expr::Opaque {
            children,
            span: span(n),
        }
    }

    /// A variable; a module-level string constant becomes its literal.
    fn name(&mut self, n: Node<'_>) -> Expr {
        Expr::Name(self.text(n).to_string(), span(n))
    }

    /// A module-level string constant used where its text matters — in
    /// string building, a list (a command line), a comparison — becomes
    /// its literal, with the span of the use (whose source text is the
    /// name, not a quote: that is how a folded constant is told apart).
    pub fn fold(&self, e: Expr) -> Expr {
        if let Expr::Name(n, sp) = &e {
            if let Some(c) = self.facts.consts.get(n) {
                if !self.shadowed(n) {
                    return Expr::Lit(Lit::Str(c.text.clone()), *sp);
                }
            }
        }
        e
    }

    /// `a.b.c` in a case pattern.
    pub fn dotted_name(&mut self, n: Node<'_>) -> Expr {
        if let Some(s) = self.enum_member(self.text(n)) {
            return Expr::Lit(Lit::Str(s), span(n));
        }
        let mut c = n.walk();
        let ids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        let mut e: Option<Expr> = None;
        for id in ids {
            let prop = self.text(id).to_string();
            e = Some(match e {
                None => self.name(id),
                Some(obj) => Expr::Member {
                    obj: Box::new(obj),
                    prop,
                    span: Span::new(n.start_byte(), id.end_byte()),
                },
            });
        }
        e.unwrap_or(Expr::Lit(Lit::Other, span(n)))
    }

    /// The string value of an in-file enum member (`Tools.STATUS`).
    pub fn enum_member(&self, dotted: &str) -> Option<String> {
        let (class, member) = dotted.rsplit_once('.')?;
        let c = self.facts.classes.get(class)?;
        if !c.is_enum {
            return None;
        }
        c.consts.get(member).cloned()
    }

    fn attribute(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        if let Some(s) = self.enum_member(self.text(n)) {
            return Expr::Lit(Lit::Str(s), sp);
        }
        let (Some(o), Some(a)) = (field(n, "object"), field(n, "attribute")) else {
            return self.opaque(n);
        };
        let obj = self.expr(o);
        let prop = self.text(a).to_string();
        // `Path(x).name`: the last component only (a PATH sanitizer).
        if matches!(prop.as_str(), "name" | "stem") && is_pathish(&obj, &|e| self.fact_of(e)) {
            return Expr::Call(Box::new(Call {
                callee: Expr::Member {
                    obj: Box::new(obj),
                    prop,
                    span: sp,
                },
                args: Vec::new(),
                span: sp,
                new: false,
                qualified: None,
                effect: Effect::Sanitize {
                    from: crate::code::ir::ArgRef::Receiver,
                    kinds: Kinds::PATH,
                },
            }));
        }
        Expr::Member {
            obj: Box::new(obj),
            prop,
            span: sp,
        }
    }

    fn subscript(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        let Some(v) = field(n, "value") else {
            return self.opaque(n);
        };
        let obj = self.expr(v);
        let mut c = n.walk();
        let subs: Vec<Node<'_>> = n.children_by_field_name("subscript", &mut c).collect();
        if let [one] = subs.as_slice() {
            if let Some(key) = string_value(*one, self.src) {
                return Expr::Member {
                    obj: Box::new(obj),
                    prop: key,
                    span: sp,
                };
            }
            let index = if one.kind_str() == "slice" {
                self.opaque(*one)
            } else {
                self.expr(*one)
            };
            if let Expr::Lit(Lit::Str(key), _) = &index {
                return Expr::Member {
                    obj: Box::new(obj),
                    prop: key.clone(),
                    span: sp,
                };
            }
            return Expr::Index {
                obj: Box::new(obj),
                index: Box::new(index),
                span: sp,
            };
        }
        let items = subs.into_iter().map(|s| self.expr(s)).collect();
        Expr::Index {
            obj: Box::new(obj),
            index: Box::new(Expr::Array { items, span: sp }),
            span: sp,
        }
    }

    /// A string literal: `Lit::Str`, or a `Template` for an f-string.
    pub fn string(&mut self, n: Node<'_>) -> Expr {
        let mut parts = Vec::new();
        self.string_parts(n, &mut parts);
        match parts.as_slice() {
            [] => Expr::Lit(Lit::Str(String::new()), span(n)),
            [Expr::Lit(Lit::Str(s), _)] => Expr::Lit(Lit::Str(s.clone()), span(n)),
            _ => Expr::Template {
                parts,
                span: span(n),
            },
        }
    }

    /// The pieces of one string node, in order (adjacent text merged).
    fn string_parts(&mut self, n: Node<'_>, parts: &mut Vec<Expr>) {
        let mut prefix = Prefix::default();
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.children(&mut c).collect();
        for k in kids {
            match k.kind_str() {
                "string_start" => prefix = Prefix::of(self.text(k)),
                "string_content" => push_text(parts, decode(self.text(k), prefix), span(k)),
                "interpolation" => {
                    let Some(e) = field(k, "expression") else {
                        continue;
                    };
                    let v = self.expr(e);
                    let v = self.fold(v);
                    let numeric = field(k, "format_specifier").is_some_and(|f| {
                        self.text(f)
                            .chars()
                            .last()
                            .is_some_and(|c| "bcdoxXneEfFgG%".contains(c))
                    });
                    parts.push(if numeric {
                        Expr::Unary {
                            op: UnOp::Numeric,
                            expr: Box::new(v),
                            span: span(k),
                        }
                    } else {
                        v
                    });
                }
                _ => {}
            }
        }
    }

    fn concatenated(&mut self, n: Node<'_>) -> Expr {
        let mut parts = Vec::new();
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        for k in kids {
            let mut p = Vec::new();
            self.string_parts(k, &mut p);
            for e in p {
                match e {
                    Expr::Lit(Lit::Str(s), sp) => push_text(&mut parts, s, sp),
                    other => parts.push(other),
                }
            }
        }
        match parts.as_slice() {
            [] => Expr::Lit(Lit::Str(String::new()), span(n)),
            [Expr::Lit(Lit::Str(s), _)] => Expr::Lit(Lit::Str(s.clone()), span(n)),
            _ => Expr::Template {
                parts,
                span: span(n),
            },
        }
    }

    /// `a + b`: string building when either side is text we can see
    /// (a literal, an f-string, another `+` of text), else `Binary::Add`.
    pub fn add(&mut self, l: Expr, r: Expr, sp: Span) -> Expr {
        let (l, r) = (self.fold(l), self.fold(r));
        let texty = |e: &Expr| matches!(e, Expr::Lit(Lit::Str(_), _) | Expr::Template { .. });
        if !texty(&l) && !texty(&r) {
            return Expr::Binary {
                op: BinOp::Add,
                left: Box::new(l),
                right: Box::new(r),
                span: sp,
            };
        }
        let mut parts = Vec::new();
        for side in [l, r] {
            match side {
                Expr::Template { parts: p, .. } => {
                    for e in p {
                        match e {
                            Expr::Lit(Lit::Str(s), s_sp) => push_text(&mut parts, s, s_sp),
                            other => parts.push(other),
                        }
                    }
                }
                Expr::Lit(Lit::Str(s), s_sp) => push_text(&mut parts, s, s_sp),
                other => parts.push(other),
            }
        }
        match parts.as_slice() {
            [Expr::Lit(Lit::Str(s), _)] => Expr::Lit(Lit::Str(s.clone()), sp),
            _ => Expr::Template { parts, span: sp },
        }
    }

    fn binary(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        let (Some(ln), Some(rn)) = (field(n, "left"), field(n, "right")) else {
            return self.opaque(n);
        };
        let op = field(n, "operator").map(|o| self.text(o)).unwrap_or("");
        let l = self.expr(ln);
        let r = self.expr(rn);
        match op {
            "+" => self.add(l, r, sp),
            "%" => match (self.fold(l), self.fold(r)) {
                (Expr::Lit(Lit::Str(fmt), fsp), r) => match split_percent(&fmt) {
                    Some(pieces) => percent_template(pieces, r, sp),
                    None => Expr::Opaque {
                        children: vec![Expr::Lit(Lit::Str(fmt), fsp), r],
                        span: sp,
                    },
                },
                (l, r) if is_numeric(&l) => other(l, r, sp),
                (l, r) => Expr::Opaque {
                    children: vec![l, r],
                    span: sp,
                },
            },
            "/" if !is_numeric(&l) && !is_numeric(&r) => Expr::Binary {
                op: BinOp::PathJoin,
                left: Box::new(l),
                right: Box::new(r),
                span: sp,
            },
            "-" | "/" | "//" | "**" | "<<" | ">>" | "@" => other(l, r, sp),
            _ => Expr::Opaque {
                children: vec![l, r],
                span: sp,
            },
        }
    }

    /// `and`/`or`: `or` between values (`x or "default"`) is either side's
    /// value; in conditions both are booleans.
    fn boolean(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        let (Some(ln), Some(rn)) = (field(n, "left"), field(n, "right")) else {
            return self.opaque(n);
        };
        let is_or = field(n, "operator").is_some_and(|o| self.text(o) == "or");
        let l = self.expr(ln);
        let r = self.expr(rn);
        let op = match (is_or, self.in_cond) {
            (false, _) => BinOp::And,
            (true, true) => BinOp::Or,
            (true, false) => BinOp::Coalesce,
        };
        Expr::Binary {
            op,
            left: Box::new(l),
            right: Box::new(r),
            span: sp,
        }
    }

    fn array(&mut self, n: Node<'_>) -> Expr {
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n
            .named_children(&mut c)
            .filter(|k| k.kind_str() != "comment")
            .collect();
        let items = kids
            .into_iter()
            .map(|k| {
                let e = self.expr(k);
                self.fold(e)
            })
            .collect();
        Expr::Array {
            items,
            span: span(n),
        }
    }

    fn dictionary(&mut self, n: Node<'_>) -> Expr {
        let mut entries = Vec::new();
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        for k in kids {
            match k.kind_str() {
                "pair" => {
                    let (Some(kn), Some(vn)) = (field(k, "key"), field(k, "value")) else {
                        continue;
                    };
                    let value = self.expr(vn);
                    match self.expr(kn) {
                        Expr::Lit(Lit::Str(key), _) => {
                            entries.push(Entry::Field(key, value, span(k)))
                        }
                        key => entries.push(Entry::Computed(key, value)),
                    }
                }
                "dictionary_splat" => {
                    if let Some(i) = nth(k, 0) {
                        let e = self.expr(i);
                        entries.push(Entry::Spread(e));
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

    /// `[f(v) for v in xs if c]`: the iterables, the element and the
    /// conditions, as one value. In a condition, `[v for v in xs if v not
    /// in ALLOWED]` is true exactly when some item is not allowed.
    fn comprehension(&mut self, n: Node<'_>) -> Expr {
        if self.in_cond && n.kind_str() == "list_comprehension" {
            if let Some(g) = self.comprehension_guard(n) {
                return g;
            }
        }
        let mut children = Vec::new();
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        for k in kids {
            match k.kind_str() {
                "for_in_clause" => {
                    let mut kc = k.walk();
                    let rights: Vec<Node<'_>> =
                        k.children_by_field_name("right", &mut kc).collect();
                    for r in rights {
                        if r.is_named() {
                            children.push(self.expr(r));
                        }
                    }
                    if let Some(l) = field(k, "left") {
                        let p = self.pattern(l);
                        self.track_assignment(&p, &Expr::Lit(Lit::Other, span(l)));
                    }
                }
                "if_clause" => {
                    if let Some(e) = nth(k, 0) {
                        let e = self.cond(e);
                        children.push(e);
                    }
                }
                "pair" => {
                    for f in ["key", "value"] {
                        if let Some(x) = field(k, f) {
                            children.push(self.expr(x));
                        }
                    }
                }
                _ => children.push(self.expr(k)),
            }
        }
        Expr::Opaque {
            children,
            span: span(n),
        }
    }
}

/// Append constant text, merging with a preceding constant piece.
pub fn push_text(parts: &mut Vec<Expr>, s: String, sp: Span) {
    if let Some(Expr::Lit(Lit::Str(prev), psp)) = parts.last_mut() {
        prev.push_str(&s);
        *psp = Span::new(
            psp.start.min(sp.start) as usize,
            psp.end.max(sp.end) as usize,
        );
        return;
    }
    parts.push(Expr::Lit(Lit::Str(s), sp));
}

fn other(l: Expr, r: Expr, sp: Span) -> Expr {
    Expr::Binary {
        op: BinOp::Other,
        left: Box::new(l),
        right: Box::new(r),
        span: sp,
    }
}

/// A number, or something only numbers come from.
fn is_numeric(e: &Expr) -> bool {
    match e {
        Expr::Lit(Lit::Num, _) => true,
        Expr::Unary {
            op: UnOp::Numeric, ..
        } => true,
        Expr::Binary {
            op: BinOp::Other, ..
        } => true,
        Expr::Call(c) => c.effect == Effect::Clean,
        _ => false,
    }
}

/// `"ping -c %d %s" % (n, host)` as a template.
fn percent_template(pieces: Vec<Piece>, values: Expr, sp: Span) -> Expr {
    let named = pieces
        .iter()
        .any(|p| matches!(p, Piece::Hole(h) if matches!(h.key, HoleKey::Name(_))));
    let (items, dict) = match values {
        Expr::Array { items, .. } => (items, None),
        Expr::Object { .. } => (Vec::new(), Some(values)),
        mapping if named => (Vec::new(), Some(mapping)),
        single => (vec![single], None),
    };
    let mut used = vec![false; items.len()];
    let mut parts = Vec::new();
    for p in pieces {
        match p {
            Piece::Text(t) => push_text(&mut parts, t, sp),
            Piece::Hole(h) => {
                let v = match (&h.key, &dict) {
                    (HoleKey::Index(i), _) => items.get(*i).cloned().inspect(|_| {
                        if let Some(u) = used.get_mut(*i) {
                            *u = true;
                        }
                    }),
                    (HoleKey::Name(k), Some(d)) => Some(dict_value(d, k, sp)),
                    (HoleKey::Name(_), None) => items.first().cloned(),
                };
                let Some(v) = v else { continue };
                parts.push(if h.numeric {
                    Expr::Unary {
                        op: UnOp::Numeric,
                        expr: Box::new(v),
                        span: sp,
                    }
                } else {
                    v
                });
            }
        }
    }
    // Values the format does not mention still flow (a mismatch raises).
    for (i, item) in items.into_iter().enumerate() {
        if !used.get(i).copied().unwrap_or(true) {
            parts.push(item);
        }
    }
    Expr::Template { parts, span: sp }
}

/// `{"k": v}["k"]` for `%(k)s`.
pub fn dict_value(d: &Expr, key: &str, sp: Span) -> Expr {
    if let Expr::Object { entries, .. } = d {
        for e in entries {
            if let Entry::Field(k, v, _) = e {
                if k == key {
                    return v.clone();
                }
            }
        }
    }
    Expr::Member {
        obj: Box::new(d.clone()),
        prop: key.to_string(),
        span: sp,
    }
}
