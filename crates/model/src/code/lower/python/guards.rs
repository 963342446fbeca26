//! Checks that make a value safe when they hold, wrapped in `Expr::Guard`:
//! containment with the separator (`p.is_relative_to(root)`,
//! `os.path.commonpath([root, p]) == root`, `p.startswith(root + os.sep)`,
//! `root in p.parents`, `p.relative_to(root)` which raises otherwise),
//! allow-lists (`x in ALLOWED`, `all(v in ALLOWED for v in xs)`), host
//! allow-lists (`urlparse(u).hostname in HOSTS`). A prefix check without
//! the separator is not a guard (CVE-2025-53110), nor is a containment
//! check of a path still holding `..` (joined and not normalised).

use super::{field, nth};
use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::track::fact_of_value;
use super::Ctx;
use crate::code::ir::{BinOp, Call, Expr, Kinds, Lit, UnOp};
use crate::code::lower::span;
use crate::Span;

fn guard(subject: Expr, kinds: Kinds, check: Expr, sp: Span) -> Expr {
    Expr::Guard {
        subject: Box::new(subject),
        kinds,
        check: Box::new(check),
        span: sp,
    }
}

fn not(e: Expr, sp: Span) -> Expr {
    Expr::Unary {
        op: UnOp::Not,
        expr: Box::new(e),
        span: sp,
    }
}

/// A guard made of a call (method checks, `all(…)`), or the call itself.
pub fn call_guard(cx: &mut Ctx<'_>, call: Call, key: Option<&str>) -> Expr {
    let sp = call.span;
    if key == Some("builtins.any") {
        if let Some(subject) = any_dash(&call) {
            return not(
                guard(subject, Kinds::PROCESS, Expr::Call(Box::new(call)), sp),
                sp,
            );
        }
    }
    if matches!(key, Some("builtins.all" | "builtins.any")) {
        if let Some((subject, kinds, negated)) = all_any(&call, key == Some("builtins.any")) {
            let g = guard(subject, kinds, Expr::Call(Box::new(call)), sp);
            return if negated { not(g, sp) } else { g };
        }
        return Expr::Call(Box::new(call));
    }
    let Expr::Member { obj, prop, .. } = &call.callee else {
        return Expr::Call(Box::new(call));
    };
    let obj = (**obj).clone();
    let arg0 = call
        .args
        .first()
        .filter(|a| a.name.is_none())
        .map(|a| a.value.clone());
    match prop.as_str() {
        "is_relative_to" if arg0.is_some() && !cx.unresolved(&obj) => {
            guard(subject(&obj), Kinds::PATH, Expr::Call(Box::new(call)), sp)
        }
        "relative_to" if arg0.is_some() && !cx.unresolved(&obj) => {
            let g = guard(subject(&obj), Kinds::PATH, Expr::Lit(Lit::Other, sp), sp);
            let func = cx.func();
            cx.pending_guards.push((func, g, sp));
            Expr::Call(Box::new(call))
        }
        "isdigit" | "isdecimal" | "isnumeric" | "isalnum" | "isalpha" | "isidentifier"
            if call.args.is_empty() =>
        {
            guard(obj, Kinds::ALL, Expr::Call(Box::new(call)), sp)
        }
        "issubset" if arg0.as_ref().is_some_and(|a| cx.is_allow_list(a)) => match &obj {
            Expr::Call(inner) if inner.args.len() == 1 => {
                let s = inner.args[0].value.clone();
                guard(s, Kinds::ALL, Expr::Call(Box::new(call)), sp)
            }
            _ => Expr::Call(Box::new(call)),
        },
        "startswith" => match arg0.map(|a| cx.fold(a)) {
            Some(prefix) => startswith(cx, obj, &prefix, call),
            None => Expr::Call(Box::new(call)),
        },
        _ => Expr::Call(Box::new(call)),
    }
}

/// `all(v in ALLOWED for v in xs)` / `any(v not in ALLOWED for v in xs)`:
/// the generator lowers to `opaque(xs, guard(v))`.
fn all_any(call: &Call, any: bool) -> Option<(Expr, Kinds, bool)> {
    let [arg] = call.args.as_slice() else {
        return None;
    };
    let Expr::Opaque { children, .. } = &arg.value else {
        return None;
    };
    let [body, iter] = children.as_slice() else {
        return None;
    };
    let (g, negated) = match body {
        Expr::Unary {
            op: UnOp::Not,
            expr,
            ..
        } => (expr.as_ref(), true),
        other => (other, false),
    };
    let Expr::Guard { subject, kinds, .. } = g else {
        return None;
    };
    if !matches!(subject.as_ref(), Expr::Name(..)) {
        return None;
    }
    // all(ok) is a guard; any(not ok) is its negation.
    match (any, negated) {
        (false, false) => Some((iter.clone(), *kinds, false)),
        (true, true) => Some((iter.clone(), *kinds, true)),
        _ => None,
    }
}

/// `any(t.startswith("-") for t in xs)`: some item could be an option.
fn any_dash(call: &Call) -> Option<Expr> {
    let [arg] = call.args.as_slice() else {
        return None;
    };
    let Expr::Opaque { children, .. } = &arg.value else {
        return None;
    };
    let [Expr::Call(body), iter] = children.as_slice() else {
        return None;
    };
    let Expr::Member { obj, prop, .. } = &body.callee else {
        return None;
    };
    let dash =
        matches!(body.args.first().map(|a| &a.value), Some(Expr::Lit(Lit::Str(s), _)) if s == "-");
    (prop == "startswith" && dash && matches!(obj.as_ref(), Expr::Name(..))).then(|| iter.clone())
}

/// `p.startswith(root + os.sep)` and its spellings; `rel.startswith("..")`
/// after `rel = os.path.relpath(p, root)`; `url.startswith("https://host/")`.
fn startswith(cx: &mut Ctx<'_>, obj: Expr, prefix: &Expr, call: Call) -> Expr {
    let sp = call.span;
    let subj = strip_str(&obj);
    if let Some(rel) = cx.fact_of(subj).and_then(|f| f.rel_of.clone()) {
        if is_parent_ref(prefix) {
            return not(
                guard(subject(&rel), Kinds::PATH, Expr::Call(Box::new(call)), sp),
                sp,
            );
        }
    }
    // `if x.startswith("-"): raise`: x is not an option after it.
    if matches!(prefix, Expr::Lit(Lit::Str(s), _) if s == "-") {
        return not(
            guard(obj, Kinds::PROCESS, Expr::Call(Box::new(call)), sp),
            sp,
        );
    }
    match prefix_kinds(cx, prefix) {
        Some(k) if k == Kinds::URL => guard(subject(&obj), k, Expr::Call(Box::new(call)), sp),
        Some(k) if !cx.unresolved(&obj) => guard(subject(&obj), k, Expr::Call(Box::new(call)), sp),
        _ => Expr::Call(Box::new(call)),
    }
}

fn is_parent_ref(e: &Expr) -> bool {
    match e {
        Expr::Lit(Lit::Str(s), _) => s == ".." || s == "../",
        Expr::Member { prop, .. } => prop == "pardir",
        _ => false,
    }
}

/// What a prefix proves: PATH for a directory ending with the separator,
/// URL for `scheme://host/`.
fn prefix_kinds(cx: &Ctx<'_>, prefix: &Expr) -> Option<Kinds> {
    match prefix {
        Expr::Lit(Lit::Str(s), _) => {
            if let Some(rest) = s.split_once("://").map(|(_, r)| r) {
                let host_end = rest.find('/')?;
                return (host_end > 0).then_some(Kinds::URL);
            }
            let absolute = s.starts_with('/') || s.starts_with('~') || s.get(1..3) == Some(":\\");
            (absolute && s.len() > 1 && (s.ends_with('/') || s.ends_with('\\')))
                .then_some(Kinds::PATH)
        }
        Expr::Array { items, .. } if !items.is_empty() => {
            let kinds: Vec<Option<Kinds>> = items.iter().map(|i| prefix_kinds(cx, i)).collect();
            let first = kinds[0]?;
            kinds.iter().all(|k| *k == Some(first)).then_some(first)
        }
        Expr::Call(c) if is_str_call(c) && c.args.len() == 1 => prefix_kinds(cx, &c.args[0].value),
        _ => {
            let f = fact_of_value(prefix, &|e| cx.fact_of(e))?;
            f.sep_ended.then_some(Kinds::PATH)
        }
    }
}

fn is_str_call(c: &Call) -> bool {
    c.qualified.is_none() && matches!(&c.callee, Expr::Name(n, _) if n == "str" || n == "fspath")
        || c.qualified.as_deref() == Some("os.fspath")
}

/// `str(p)` → `p`.
fn strip_str(e: &Expr) -> &Expr {
    match e {
        Expr::Call(c) if is_str_call(c) && c.args.len() == 1 => strip_str(&c.args[0].value),
        other => other,
    }
}

/// The value a containment check is about: `p` of `str(p)`,
/// `os.path.realpath(p)`, `p.resolve()`, `Path(p)`.
pub fn subject(e: &Expr) -> Expr {
    let mut cur = e;
    for _ in 0..16 {
        let Expr::Call(c) = cur else { break };
        let q = c.qualified.as_deref().unwrap_or("");
        let inner = if is_str_call(c)
            || matches!(
                q,
                "os.path.realpath"
                    | "os.path.abspath"
                    | "os.path.normpath"
                    | "pathlib.Path"
                    | "pathlib.PurePath"
            ) {
            c.args
                .first()
                .filter(|_| c.args.len() == 1)
                .map(|a| &a.value)
        } else {
            match &c.callee {
                Expr::Member { obj, prop, .. }
                    if matches!(prop.as_str(), "resolve" | "absolute" | "expanduser") =>
                {
                    Some(obj.as_ref())
                }
                _ => None,
            }
        };
        match inner {
            Some(i) => cur = i,
            None => break,
        }
    }
    cur.clone()
}

impl Ctx<'_> {
    /// A path known to be joined and not normalised (`..` still in it).
    pub fn unresolved(&self, e: &Expr) -> bool {
        let e = strip_str(e);
        match e {
            Expr::Binary {
                op: BinOp::PathJoin | BinOp::Add,
                ..
            }
            | Expr::Template { .. } => true,
            Expr::Call(c) => c.qualified.as_deref() == Some("os.path.join"),
            Expr::Name(..) | Expr::Member { .. } => {
                self.fact_of(e).is_some_and(|f| f.resolved == Some(false))
            }
            _ => false,
        }
    }

    /// A collection of literals: written out, a constant of the module, a
    /// local bound to one, an enum's members.
    pub fn is_allow_list(&self, e: &Expr) -> bool {
        match e {
            Expr::Name(n, _) if self.shadowed(n) => self.fact(n).is_some_and(|f| f.allow_list),
            Expr::Name(n, _) => self.facts.allow_lists.contains(n),
            Expr::Member { obj, prop, .. } => {
                if matches!(
                    prop.as_str(),
                    "__members__" | "_value2member_map_" | "_member_map_"
                ) {
                    if let Expr::Name(c, _) = obj.as_ref() {
                        return self.facts.classes.get(c).is_some_and(|c| c.is_enum);
                    }
                }
                self.fact_of(e).is_some_and(|f| f.allow_list)
            }
            Expr::Call(c) => {
                if let Expr::Member { obj, prop, .. } = &c.callee {
                    if prop == "keys" && c.args.is_empty() {
                        return self.is_allow_list(obj);
                    }
                }
                fact_of_value(e, &|x| self.fact_of(x)).is_some_and(|f| f.allow_list)
            }
            Expr::Array { .. } | Expr::Object { .. } => {
                fact_of_value(e, &|x| self.fact_of(x)).is_some_and(|f| f.allow_list)
            }
            _ => false,
        }
    }

    /// `urlparse(x).hostname`, `parsed.netloc` (with `parsed = urlparse(x)`):
    /// the `x`.
    fn host_of(&self, e: &Expr) -> Option<Expr> {
        let Expr::Member { obj, prop, .. } = e else {
            return None;
        };
        if !matches!(prop.as_str(), "hostname" | "netloc" | "host") {
            return None;
        }
        match obj.as_ref() {
            Expr::Call(c)
                if matches!(
                    c.qualified.as_deref(),
                    Some("urllib.parse.urlparse" | "urllib.parse.urlsplit")
                ) =>
            {
                c.args.first().map(|a| a.value.clone())
            }
            other => self.fact_of(other).and_then(|f| f.parsed_of.clone()),
        }
    }

    /// A comparison: `in`/`not in` allow-lists, containment and host
    /// checks; chains become `and`.
    pub fn comparison(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        let mut c = n.walk();
        let operands: Vec<Node<'_>> = n
            .named_children(&mut c)
            .filter(|k| k.kind_str() != "comment")
            .collect();
        let mut c2 = n.walk();
        let ops: Vec<String> = n
            .children_by_field_name("operators", &mut c2)
            .map(|o| {
                self.text(o)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let values: Vec<Expr> = operands
            .iter()
            .map(|o| {
                let e = self.expr(*o);
                self.fold(e)
            })
            .collect();
        if ops.len() > 16 {
            // A long chain `a < b < c …`: one value, not a deep tree.
            return Expr::Opaque {
                children: values,
                span: sp,
            };
        }
        let mut result: Option<Expr> = None;
        for (i, op) in ops.iter().enumerate() {
            let (Some(l), Some(r)) = (values.get(i), values.get(i + 1)) else {
                break;
            };
            let one = self.compare(l.clone(), op, r.clone(), sp);
            result = Some(match result {
                None => one,
                Some(prev) => Expr::Binary {
                    op: BinOp::And,
                    left: Box::new(prev),
                    right: Box::new(one),
                    span: sp,
                },
            });
        }
        result.unwrap_or(Expr::Opaque {
            children: values,
            span: sp,
        })
    }

    fn compare(&self, l: Expr, op: &str, r: Expr, sp: Span) -> Expr {
        let binary = |op: BinOp, l: Expr, r: Expr| Expr::Binary {
            op,
            left: Box::new(l),
            right: Box::new(r),
            span: sp,
        };
        match op {
            "in" | "not in" => {
                let negate = op == "not in";
                let check = binary(
                    if negate { BinOp::NotIn } else { BinOp::In },
                    l.clone(),
                    r.clone(),
                );
                let g = if self.is_allow_list(&r) {
                    match self.host_of(&l) {
                        Some(x) => Some(guard(x, Kinds::URL, check.clone(), sp)),
                        None => Some(guard(l.clone(), Kinds::ALL, check.clone(), sp)),
                    }
                } else if let Expr::Member { obj, prop, .. } = &r {
                    (prop == "parents" && !self.unresolved(obj))
                        .then(|| guard(subject(obj), Kinds::PATH, check.clone(), sp))
                } else {
                    None
                };
                match (g, negate) {
                    (Some(g), true) => not(g, sp),
                    (Some(g), false) => g,
                    (None, _) => check,
                }
            }
            "==" | "!=" | "is" | "is not" => {
                let negate = op == "!=" || op == "is not";
                let check = binary(
                    if negate { BinOp::Ne } else { BinOp::Eq },
                    l.clone(),
                    r.clone(),
                );
                let g = self
                    .commonpath(&l, &r, &check, sp)
                    .or_else(|| self.host_eq(&l, &r, &check, sp));
                match (g, negate) {
                    (Some(g), true) => not(g, sp),
                    (Some(g), false) => g,
                    (None, _) => check,
                }
            }
            _ => binary(BinOp::Other, l, r),
        }
    }

    /// `os.path.commonpath([root, p]) == root` (either order, either side).
    fn commonpath(&self, l: &Expr, r: &Expr, check: &Expr, sp: Span) -> Option<Expr> {
        for (cp, other) in [(l, r), (r, l)] {
            let Expr::Call(c) = cp else { continue };
            if c.qualified.as_deref() != Some("os.path.commonpath") {
                continue;
            }
            let Some(Expr::Array { items, .. }) = c.args.first().map(|a| &a.value) else {
                continue;
            };
            let [a, b] = items.as_slice() else { continue };
            let root = key(other)?;
            let subj = if key(a).as_deref() == Some(root.as_str()) {
                b
            } else if key(b).as_deref() == Some(root.as_str()) {
                a
            } else {
                continue;
            };
            if self.unresolved(subj) {
                return None;
            }
            return Some(guard(subject(subj), Kinds::PATH, check.clone(), sp));
        }
        None
    }

    /// `urlparse(x).hostname == "api.example.com"`.
    fn host_eq(&self, l: &Expr, r: &Expr, check: &Expr, sp: Span) -> Option<Expr> {
        for (h, other) in [(l, r), (r, l)] {
            if let (Some(x), Expr::Lit(Lit::Str(s), _)) = (self.host_of(h), other) {
                if !s.is_empty() {
                    return Some(guard(x, Kinds::URL, check.clone(), sp));
                }
            }
        }
        None
    }

    /// In a condition, `[v for v in xs if v not in ALLOWED]` is true when
    /// some item is not allowed: `not guard(xs)`.
    pub fn comprehension_guard(&mut self, n: Node<'_>) -> Option<Expr> {
        let body = field(n, "body")?;
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        let fors: Vec<&Node<'_>> = kids
            .iter()
            .filter(|k| k.kind_str() == "for_in_clause")
            .collect();
        let ifs: Vec<&Node<'_>> = kids
            .iter()
            .filter(|k| k.kind_str() == "if_clause")
            .collect();
        let ([f], [i]) = (fors.as_slice(), ifs.as_slice()) else {
            return None;
        };
        let var = field(**f, "left").filter(|l| l.kind_str() == "identifier")?;
        let iter =
            field(**f, "right").filter(|r| matches!(r.kind_str(), "identifier" | "attribute"))?;
        if body.kind_str() != "identifier" || self.text(body) != self.text(var) {
            return None;
        }
        let cmp = nth(**i, 0).filter(|x| x.kind_str() == "comparison_operator")?;
        let test = self.cond(cmp);
        let Expr::Unary {
            op: UnOp::Not,
            expr,
            ..
        } = &test
        else {
            return None;
        };
        let Expr::Guard {
            subject: s, kinds, ..
        } = expr.as_ref()
        else {
            return None;
        };
        if !matches!(s.as_ref(), Expr::Name(v, _) if v == self.text(var)) {
            return None;
        }
        let kinds = *kinds;
        let sp = span(n);
        let subject = self.expr(iter);
        Some(not(guard(subject, kinds, test, sp), sp))
    }
}

/// A comparable key for names and member chains (`root`, `self.root`,
/// `str(root)`, `os.path.realpath(root)`).
fn key(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n, _) => Some(n.clone()),
        Expr::Member { obj, prop, .. } => Some(format!("{}.{prop}", key(obj)?)),
        Expr::Lit(Lit::Str(s), _) => Some(format!("{s:?}")),
        Expr::Call(c) if c.args.len() == 1 => {
            let inner = key(&c.args[0].value)?;
            let f = match (&c.qualified, &c.callee) {
                (Some(q), _) => q.clone(),
                (None, Expr::Name(n, _)) => n.clone(),
                _ => return None,
            };
            Some(format!("{f}({inner})"))
        }
        _ => None,
    }
}
