//! Guards: checks that make a value safe when they are true.
//!
//! - containment with the separator: `full.startsWith(root + path.sep)`,
//!   `startsWith(`${root}/`)`, `startsWith("/srv/data/")`, a name bound to
//!   such a value; `path.relative(root, p)` then `rel.startsWith("..")` /
//!   `rel.includes("..")` / `rel === ".."` / `path.isAbsolute(rel)` (those
//!   are true when `p` is *outside*: lowered as `!guard(p)`). A
//!   `startsWith(root)` without the separator is **not** a guard.
//! - allow-lists: `LIST.includes(x)`, `SET.has(x)`, `x in OBJ`,
//!   `Object.hasOwn(OBJ, x)`, `x === "literal"`, `typeof x === "number"`,
//!   an anchored regular expression test with a narrow character set.
//! - host allow-lists: `new URL(x).hostname === "api.example.com"`,
//!   `u.host === HOST`, `ALLOWED_HOSTS.includes(u.hostname)`,
//!   `u.hostname.endsWith(".example.com")` (with the leading dot).

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::nodes::{unwrap, HELPER_DEPTH};
use super::text::string_value;
use super::Lx;
use crate::code::ir::{BinOp, Call, Expr, Kinds, Lit, UnOp};
use crate::Span;

/// The span of a lowered expression.
pub(crate) fn expr_span(e: &Expr) -> Span {
    match e {
        Expr::Name(_, s)
        | Expr::This(s)
        | Expr::Lit(_, s)
        | Expr::Spread(_, s)
        | Expr::Func(_, s) => *s,
        Expr::Template { span, .. }
        | Expr::Member { span, .. }
        | Expr::Index { span, .. }
        | Expr::Object { span, .. }
        | Expr::Array { span, .. }
        | Expr::Cond { span, .. }
        | Expr::Binary { span, .. }
        | Expr::Unary { span, .. }
        | Expr::Assign { span, .. }
        | Expr::Guard { span, .. }
        | Expr::Opaque { span, .. } => *span,
        Expr::Call(c) => c.span,
    }
}

fn guard(subject: Expr, kinds: Kinds, check: Expr) -> Expr {
    let span = expr_span(&check);
    Expr::Guard {
        subject: Box::new(subject),
        kinds,
        check: Box::new(check),
        span,
    }
}

/// One guard per subject, joined with `&&` (the first carries the check).
fn guards(subjects: Vec<Expr>, kinds: Kinds, check: Expr) -> Expr {
    let span = expr_span(&check);
    let mut it = subjects.into_iter();
    let Some(first) = it.next() else { return check };
    let mut acc = guard(first, kinds, check);
    for s in it {
        let g = guard(s, kinds, Expr::Lit(Lit::Bool(true), span));
        acc = Expr::Binary {
            op: BinOp::And,
            left: Box::new(acc),
            right: Box::new(g),
            span,
        };
    }
    acc
}

fn not(e: Expr) -> Expr {
    let span = expr_span(&e);
    Expr::Unary {
        op: UnOp::Not,
        expr: Box::new(e),
        span,
    }
}

/// Literal collections: `["a", "b"]`, `new Set([...])`, object literals
/// (keys are the allowed names), through `as const`/`Object.freeze`.
pub(crate) fn is_literal_collection(lx: &Lx<'_>, n: Node<'_>) -> bool {
    literal_collection(lx, n, 0)
}

fn literal_collection(lx: &Lx<'_>, n: Node<'_>, depth: u8) -> bool {
    if depth > HELPER_DEPTH {
        return false;
    }
    let n = unwrap(n);
    match n.kind_str() {
        "array" => {
            let mut cursor = n.walk();
            let mut any = false;
            let all = n.named_children(&mut cursor).all(|c| {
                any = true;
                matches!(c.kind_str(), "string" | "number" | "comment")
            });
            any && all
        }
        "object" => n.named_child_count() > 0,
        "new_expression" => {
            let ctor = lx.f(n, "constructor").map(|c| lx.t(c));
            let arg = lx.f(n, "arguments").and_then(|a| a.named_child(0));
            matches!(ctor, Some("Set" | "Map"))
                && arg.is_some_and(|a| literal_collection(lx, a, depth + 1))
        }
        "call_expression" => {
            let f = lx.f(n, "function").map(|c| lx.t(c));
            let arg = lx.f(n, "arguments").and_then(|a| a.named_child(0));
            matches!(f, Some("Object.freeze" | "Object.keys" | "Object.values"))
                && arg.is_some_and(|a| {
                    literal_collection(lx, a, depth + 1) || allow_list(lx, a, depth + 1)
                })
        }
        _ => false,
    }
}

/// A receiver that holds allowed values: a literal collection, a name
/// bound to one, an UPPER_CASE constant, or a name that says so
/// (`allowedCommands`, `SUPPORTED_FORMATS`, `validTools`).
fn is_allow_list(lx: &Lx<'_>, n: Node<'_>) -> bool {
    allow_list(lx, n, 0)
}

fn allow_list(lx: &Lx<'_>, n: Node<'_>, depth: u8) -> bool {
    let n = unwrap(n);
    if literal_collection(lx, n, depth + 1) {
        return true;
    }
    let name = match n.kind_str() {
        "identifier" => lx.t(n),
        "member_expression" => lx.f(n, "property").map(|p| lx.t(p)).unwrap_or(""),
        _ => return false,
    };
    let words = super::catalog::words(name);
    let deny = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "deny"
                | "denied"
                | "denylist"
                | "block"
                | "blocked"
                | "blocklist"
                | "blacklist"
                | "forbidden"
                | "dangerous"
                | "banned"
                | "disallowed"
        )
    });
    if deny {
        // A deny-list: `!DENY.includes(x)` does not make `x` safe.
        return false;
    }
    if lx.const_lists.contains(name) {
        return true;
    }
    let upper = name.len() > 1
        && name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    upper
        || words.iter().any(|w| {
            matches!(
                w.as_str(),
                "allowed"
                    | "allow"
                    | "allowlist"
                    | "whitelist"
                    | "valid"
                    | "supported"
                    | "permitted"
                    | "known"
            )
        })
}

fn is_sep_node(lx: &Lx<'_>, n: Node<'_>) -> bool {
    let n = unwrap(n);
    match n.kind_str() {
        "member_expression" => {
            let t = lx.t(n);
            t == "path.sep" || t.ends_with(".sep")
        }
        "identifier" => {
            let t = lx.t(n);
            lx.aliases.get(t).is_some_and(|a| a == "path.sep")
                || lx.sep_names.contains(t)
                || lx
                    .const_strs
                    .get(t)
                    .is_some_and(|(s, _)| s.ends_with('/') || s.ends_with('\\'))
        }
        "string" => {
            let s = string_value(n, lx.src);
            s.ends_with('/') || s.ends_with('\\')
        }
        _ => false,
    }
}

/// A value that ends with a path separator: `root + path.sep`, `root +
/// "/"`, `` `${root}/` ``, `"/srv/data/"`, a name bound to one.
pub(crate) fn ends_with_sep(lx: &Lx<'_>, n: Node<'_>) -> bool {
    sep_at_end(lx, n, 0)
}

fn sep_at_end(lx: &Lx<'_>, n: Node<'_>, depth: u8) -> bool {
    if depth > HELPER_DEPTH {
        return false;
    }
    let n = unwrap(n);
    match n.kind_str() {
        "binary_expression" => {
            let plus = lx.f(n, "operator").is_some_and(|o| lx.t(o) == "+");
            plus && lx.f(n, "right").is_some_and(|r| is_sep_node(lx, r))
        }
        "template_string" => {
            let raw = lx.t(n);
            let body = raw.strip_suffix('`').unwrap_or(raw);
            if body.ends_with('/') || body.ends_with("\\\\") {
                return true;
            }
            let mut cursor = n.walk();
            let last = n.named_children(&mut cursor).last();
            last.is_some_and(|l| {
                l.kind_str() == "template_substitution"
                    && l.end_byte() + 1 >= n.end_byte()
                    && l.named_child(0).is_some_and(|x| is_sep_node(lx, x))
            })
        }
        "ternary_expression" => {
            let cond = lx.f(n, "condition").map(|c| lx.t(c)).unwrap_or("");
            cond.contains("endsWith")
                && lx
                    .f(n, "alternative")
                    .is_some_and(|a| sep_at_end(lx, a, depth + 1))
        }
        _ => is_sep_node(lx, n),
    }
}

fn rel_subject(lx: &Lx<'_>, e: &Expr) -> Option<Expr> {
    let Expr::Name(n, _) = e else { return None };
    lx.rel_vars
        .iter()
        .rev()
        .find(|(k, _)| k == n)
        .map(|(_, v)| v.clone())
}

/// `..`, `".." + path.sep`, `"../"`: the text that starts an escaping
/// relative path.
fn is_dotdot(lx: &Lx<'_>, n: Node<'_>) -> bool {
    let n = unwrap(n);
    match n.kind_str() {
        "string" => matches!(string_value(n, lx.src).as_str(), ".." | "../" | "..\\"),
        "binary_expression" | "template_string" => lx.t(n).contains(".."),
        _ => false,
    }
}

/// The subjects a host check protects: `u.hostname` where `u = new URL(x)`
/// protects `u` and `x`; `new URL(x).host` protects `x`.
fn host_subjects(lx: &Lx<'_>, e: &Expr) -> Option<Vec<Expr>> {
    let Expr::Member { obj, prop, .. } = e else {
        return None;
    };
    if !matches!(prop.as_str(), "host" | "hostname" | "origin") {
        return None;
    }
    match obj.as_ref() {
        Expr::Name(n, _) => {
            let mut v = vec![obj.as_ref().clone()];
            if let Some((_, x)) = lx.url_vars.iter().rev().find(|(k, _)| k == n) {
                v.push(x.clone());
            }
            Some(v)
        }
        Expr::Call(c) if c.new && matches!(&c.callee, Expr::Name(n, _) if n == "URL") => {
            c.args.first().map(|a| vec![a.value.clone()])
        }
        other => Some(vec![other.clone()]),
    }
}

/// A parameter of the current function or a field of one: text that was
/// never resolved (`args.path.startsWith(ROOT + "/")` still passes
/// `ROOT/../etc`).
fn is_raw_param(lx: &Lx<'_>, e: &Expr) -> bool {
    let mut cur = e;
    for _ in 0..32 {
        match cur {
            Expr::Member { obj, .. } => cur = obj,
            Expr::Name(n, _) => return lx.raw_params.iter().any(|p| p == n),
            _ => return false,
        }
    }
    false
}

fn first_arg<'t>(lx: &Lx<'_>, n: Node<'t>, i: usize) -> Option<Node<'t>> {
    let args = lx.f(n, "arguments")?;
    let mut cursor = args.walk();
    let found = args
        .named_children(&mut cursor)
        .filter(|c| c.kind_str() != "comment")
        .nth(i);
    found
}

/// Recognise guards among calls; otherwise the call itself.
pub(super) fn call(lx: &mut Lx<'_>, n: Node<'_>, call: Call) -> Expr {
    let kind = guard_of_call(lx, n, &call);
    let e = Expr::Call(Box::new(call));
    match kind {
        Some(Found::Guard(subjects, kinds)) => guards(subjects, kinds, e),
        Some(Found::Outside(subject)) => not(guard(subject, Kinds::PATH, e)),
        None => e,
    }
}

enum Found {
    /// True when the subjects are safe.
    Guard(Vec<Expr>, Kinds),
    /// True when the path is outside its root (`rel.startsWith("..")`).
    Outside(Expr),
}

fn guard_of_call(lx: &Lx<'_>, n: Node<'_>, call: &Call) -> Option<Found> {
    let Expr::Member { obj, prop, .. } = &call.callee else {
        return None;
    };
    let f = unwrap(lx.f(n, "function")?);
    let obj_node = lx.f(f, "object");
    let a0 = first_arg(lx, n, 0);
    let arg = |i: usize| call.args.get(i).map(|a| a.value.clone());
    match prop.as_str() {
        "startsWith" => {
            let a0 = a0?;
            if let Some(p) = rel_subject(lx, obj) {
                return is_dotdot(lx, a0).then_some(Found::Outside(p));
            }
            if is_raw_param(lx, obj) {
                return None;
            }
            ends_with_sep(lx, a0).then(|| Found::Guard(vec![obj.as_ref().clone()], Kinds::PATH))
        }
        "includes" | "has" => {
            let a0n = a0?;
            if let Some(p) = rel_subject(lx, obj) {
                return is_dotdot(lx, a0n).then_some(Found::Outside(p));
            }
            if matches!(unwrap(a0n).kind_str(), "string" | "number")
                || !is_allow_list(lx, obj_node?)
            {
                return None;
            }
            let subject = arg(0)?;
            Some(match host_subjects(lx, &subject) {
                Some(s) => Found::Guard(s, Kinds::URL),
                None => Found::Guard(vec![subject], Kinds::ALL),
            })
        }
        "hasOwnProperty" => is_allow_list(lx, obj_node?)
            .then(|| arg(0).map(|a| Found::Guard(vec![a], Kinds::ALL)))
            .flatten(),
        "hasOwn" if matches!(obj.as_ref(), Expr::Name(o, _) if o == "Object") => {
            is_allow_list(lx, first_arg(lx, n, 0)?)
                .then(|| arg(1).map(|a| Found::Guard(vec![a], Kinds::ALL)))
                .flatten()
        }
        "endsWith" => {
            let s = host_subjects(lx, obj)?;
            let a0 = unwrap(a0?);
            let suffix = match a0.kind_str() {
                "string" => string_value(a0, lx.src),
                _ => return None,
            };
            (suffix.starts_with('.') && suffix.len() > 1).then_some(Found::Guard(s, Kinds::URL))
        }
        "test" => {
            let r = unwrap(obj_node?);
            if r.kind_str() != "regex" {
                return None;
            }
            let pattern = lx.f(r, "pattern").map(|p| lx.t(p))?;
            let flags = lx.f(r, "flags").map(|p| lx.t(p)).unwrap_or("");
            let kinds = super::regex::regex_kinds(pattern, flags)?;
            Some(Found::Guard(vec![arg(0)?], kinds))
        }
        _ => None,
    }
}

/// Recognise guards among binary expressions; otherwise `e` itself.
pub(super) fn binary(
    lx: &mut Lx<'_>,
    op: BinOp,
    ln: Option<Node<'_>>,
    rn: Option<Node<'_>>,
    e: Expr,
) -> Expr {
    let (Some(ln), Some(rn)) = (ln, rn) else {
        return e;
    };
    match op {
        BinOp::Eq | BinOp::Ne => match eq_guard(lx, ln, rn, &e) {
            Some((g, positive)) => {
                if positive == (op == BinOp::Eq) {
                    g
                } else {
                    not(g)
                }
            }
            None => e,
        },
        BinOp::In => {
            if !is_allow_list(lx, rn) {
                return e;
            }
            let Expr::Binary { left, .. } = &e else {
                return e;
            };
            let subject = left.as_ref().clone();
            guard(subject, Kinds::ALL, e)
        }
        BinOp::Or | BinOp::And => fold(lx, op, e),
        _ => e,
    }
}

fn is_const_text(lx: &Lx<'_>, n: Node<'_>) -> bool {
    let n = unwrap(n);
    match n.kind_str() {
        "string" | "number" => true,
        "template_string" => super::text::plain_template(n, lx.src).is_some(),
        "identifier" => lx.const_strs.contains_key(lx.t(n)),
        "member_expression" => {
            // `Tools.RUN`, `CONFIG.HOST`: an enum member or constant.
            let p = lx.f(n, "property").map(|p| lx.t(p)).unwrap_or("");
            p.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        }
        _ => false,
    }
}

/// `x === "a"`, `typeof x === "number"`, `u.host === "api.x.com"`,
/// `rel === ".."`: the guard and whether equality means safe.
fn eq_guard(lx: &Lx<'_>, ln: Node<'_>, rn: Node<'_>, e: &Expr) -> Option<(Expr, bool)> {
    let Expr::Binary { left, right, .. } = e else {
        return None;
    };
    // Put the constant on the right.
    let (vn, cn, v) = if is_const_text(lx, ln) && !is_const_text(lx, rn) {
        (rn, ln, right.as_ref())
    } else {
        (ln, rn, left.as_ref())
    };
    if !is_const_text(lx, cn) {
        return None;
    }
    let vn = unwrap(vn);
    if vn.kind_str() == "unary_expression" && lx.t(vn).starts_with("typeof") {
        let c = unwrap(cn);
        let safe_type = c.kind_str() == "string"
            && matches!(
                string_value(c, lx.src).as_str(),
                "number" | "boolean" | "bigint"
            );
        let Expr::Unary { expr, .. } = v else {
            return None;
        };
        return safe_type.then(|| (guard(expr.as_ref().clone(), Kinds::ALL, e.clone()), true));
    }
    if let Some(p) = rel_subject(lx, v) {
        return is_dotdot(lx, cn).then(|| (guard(p, Kinds::PATH, e.clone()), false));
    }
    if let Some(s) = host_subjects(lx, v) {
        return Some((guards(s, Kinds::URL, e.clone()), true));
    }
    match v {
        Expr::Name(..) | Expr::Member { .. } => {
            if let Expr::Member { prop, .. } = v {
                if matches!(prop.as_str(), "length" | "size") {
                    return None;
                }
            }
            Some((guard(v.clone(), Kinds::ALL, e.clone()), true))
        }
        _ => None,
    }
}

/// A guard's subject and polarity through `!`s.
fn polarity(e: &Expr) -> Option<(bool, &Expr, Kinds)> {
    let mut positive = true;
    let mut cur = e;
    for _ in 0..16 {
        match cur {
            Expr::Unary {
                op: UnOp::Not,
                expr,
                ..
            } => {
                positive = !positive;
                cur = expr;
            }
            Expr::Guard { subject, kinds, .. } => return Some((positive, subject, *kinds)),
            _ => return None,
        }
    }
    None
}

fn same(lx: &Lx<'_>, a: &Expr, b: &Expr) -> bool {
    match (a, b) {
        (Expr::Name(x, _), Expr::Name(y, _)) => x == y,
        _ => {
            let (sa, sb) = (expr_span(a), expr_span(b));
            !sa.is_empty() && sa.slice(lx.src) == sb.slice(lx.src)
        }
    }
}

/// Names in an expression (bounded).
fn names<'e>(e: &'e Expr, out: &mut Vec<&'e str>, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    match e {
        Expr::Name(n, _) => out.push(n),
        Expr::Member { obj, .. } => names(obj, out, budget),
        Expr::Call(c) => {
            names(&c.callee, out, budget);
            for a in &c.args {
                names(&a.value, out, budget);
            }
        }
        Expr::Unary { expr, .. } => names(expr, out, budget),
        Expr::Binary { left, right, .. } => {
            names(left, out, budget);
            names(right, out, budget);
        }
        Expr::Guard { check, .. } => names(check, out, budget),
        _ => {}
    }
}

/// Only about `path.relative` results (`path.isAbsolute(rel)`, `rel === ""`).
fn about_rel(lx: &Lx<'_>, e: &Expr) -> bool {
    let mut v = Vec::new();
    let mut budget = 64;
    names(e, &mut v, &mut budget);
    let mut any = false;
    let ok = v.iter().all(|n| {
        let rel = lx.rel_vars.iter().any(|(k, _)| k == n);
        any |= rel;
        rel || *n == "path"
    });
    ok && any
}

/// `outside(p) || path.isAbsolute(rel)` stays "outside"; `guard(p) &&
/// !path.isAbsolute(rel)` stays a guard; `full === root ||
/// full.startsWith(root + sep)` is a guard on `full`.
fn fold(lx: &Lx<'_>, op: BinOp, e: Expr) -> Expr {
    match fold_decision(lx, op, &e) {
        Some((subject, kinds, negate)) => {
            let g = guard(subject, kinds, e);
            if negate {
                not(g)
            } else {
                g
            }
        }
        None => e,
    }
}

fn fold_decision(lx: &Lx<'_>, op: BinOp, e: &Expr) -> Option<(Expr, Kinds, bool)> {
    let Expr::Binary { left, right, .. } = e else {
        return None;
    };
    // For `||` the side that matters is "outside" (negative); for `&&` "inside".
    let want = op == BinOp::And;
    for (g, other) in [(left, right), (right, left)] {
        let Some((pos, subject, kinds)) = polarity(g) else {
            continue;
        };
        if pos != want {
            // `full === root || full.startsWith(root + sep)`.
            let eq_same = op == BinOp::Or
                && pos
                && matches!(other.as_ref(), Expr::Binary { op: BinOp::Eq, left: l, right: r, .. }
                    if same(lx, l, subject) || same(lx, r, subject));
            if eq_same {
                return Some((subject.clone(), kinds, false));
            }
            continue;
        }
        let other_ok = match polarity(other) {
            Some((p2, s2, _)) => p2 == want && same(lx, s2, subject),
            None => about_rel(lx, other),
        };
        if other_ok {
            return Some((subject.clone(), kinds, !want));
        }
    }
    None
}
