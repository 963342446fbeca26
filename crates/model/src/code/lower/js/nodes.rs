//! Small helpers over JavaScript/TypeScript syntax nodes that every part
//! of the lowering shares: wrappers stripped, call arguments, object
//! fields, literal texts. A leaf of the JS lowering.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::super::span;
use super::text::{plain_template, string_value};
use super::Lx;
use crate::Span;

/// Helpers that look at syntax directly stop this deep.
pub(crate) const HELPER_DEPTH: u8 = 32;

pub(crate) fn is_function_kind(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

/// Strip `await`, parentheses and type assertions.
pub(crate) fn unwrap(mut n: Node<'_>) -> Node<'_> {
    for _ in 0..32 {
        match n.kind_str() {
            "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => {
                let mut cursor = n.walk();
                let inner = n
                    .named_children(&mut cursor)
                    .find(|c| !c.kind_str().ends_with("type") && !c.kind_str().contains("type_"));
                match inner {
                    Some(i) => n = i,
                    None => return n,
                }
            }
            _ => return n,
        }
    }
    n
}

pub(crate) fn arg_nodes<'t>(lx: &Lx<'_>, n: Node<'t>) -> Vec<Node<'t>> {
    let Some(args) = lx.f(n, "arguments") else {
        return Vec::new();
    };
    let mut cursor = args.walk();
    let v = args
        .named_children(&mut cursor)
        .filter(|c| c.kind_str() != "comment")
        .collect();
    v
}

/// A literal text: a string, a template without substitutions, a name
/// bound to one, or a `+` of those; with the span of the literal.
pub(crate) fn literal_text(lx: &Lx<'_>, n: Node<'_>) -> Option<(String, Span)> {
    literal_text_at(lx, n, 0)
}

fn literal_text_at(lx: &Lx<'_>, n: Node<'_>, depth: u8) -> Option<(String, Span)> {
    if depth > HELPER_DEPTH {
        return None;
    }
    let n = unwrap(n);
    match n.kind_str() {
        "string" => Some((string_value(n, lx.src), span(n))),
        "template_string" => match plain_template(n, lx.src) {
            Some(s) => Some((s, span(n))),
            None => template_of_constants(lx, n).map(|s| (s, span(n))),
        },
        "identifier" => lx.const_strs.get(lx.t(n)).cloned(),
        // `["line 1", "line 2"].join("\n")`.
        "call_expression" => {
            let f = unwrap(lx.f(n, "function")?);
            if f.kind_str() != "member_expression"
                || lx.f(f, "property").map(|p| lx.t(p)) != Some("join")
            {
                return None;
            }
            let arr = unwrap(lx.f(f, "object")?);
            if arr.kind_str() != "array" {
                return None;
            }
            let sep = match arg_nodes(lx, n).first() {
                Some(a) => literal_text_at(lx, *a, depth + 1)?.0,
                None => ",".to_string(),
            };
            let mut parts = Vec::new();
            let mut cursor = arr.walk();
            for item in arr.named_children(&mut cursor) {
                if item.kind_str() != "comment" {
                    parts.push(literal_text_at(lx, item, depth + 1)?.0);
                }
            }
            Some((parts.join(&sep), span(n)))
        }
        "binary_expression" => {
            // A `+` chain of literals, walked down its left spine.
            let mut rights = Vec::new();
            let mut cur = n;
            while cur.kind_str() == "binary_expression" && rights.len() < 10_000 {
                if lx.f(cur, "operator").map(|o| lx.t(o)) != Some("+") {
                    return None;
                }
                rights.push(lx.f(cur, "right")?);
                cur = unwrap(lx.f(cur, "left")?);
            }
            let mut text = literal_text_at(lx, cur, depth + 1)?.0;
            for r in rights.iter().rev() {
                text.push_str(&literal_text_at(lx, *r, depth + 1)?.0);
            }
            Some((text, span(n)))
        }
        _ => None,
    }
}

/// `` `Search ${PRODUCT} docs` `` whose substitutions are all names of
/// string constants: the text with them filled in.
fn template_of_constants(lx: &Lx<'_>, n: Node<'_>) -> Option<String> {
    let raw = lx.t(n);
    let start = n.start_byte() + 1;
    let end = n.end_byte().checked_sub(1)?;
    if !raw.ends_with('`') || end < start {
        return None;
    }
    let mut out = String::new();
    let mut pos = start;
    let mut cursor = n.walk();
    for c in n.named_children(&mut cursor) {
        if c.kind_str() != "template_substitution" {
            continue;
        }
        out.push_str(&super::text::unescape(lx.src.get(pos..c.start_byte())?));
        let inner = c.named_child(0)?;
        if inner.kind_str() != "identifier" {
            return None;
        }
        out.push_str(&lx.const_strs.get(lx.t(inner))?.0);
        pos = c.end_byte();
    }
    out.push_str(&super::text::unescape(lx.src.get(pos..end)?));
    Some(out)
}

/// The value node of `key` in an object literal node.
pub(crate) fn field<'t>(lx: &Lx<'_>, obj: Node<'t>, key: &str) -> Option<Node<'t>> {
    let mut cursor = obj.walk();
    let found = obj
        .named_children(&mut cursor)
        .find_map(|c| match c.kind_str() {
            "pair" => {
                let k = lx.f(c, "key")?;
                (lx.key_name(k).as_deref() == Some(key)).then(|| lx.f(c, "value"))?
            }
            "method_definition" => {
                let k = lx.f(c, "name")?;
                (lx.t(k) == key).then_some(c)
            }
            "shorthand_property_identifier" => (lx.t(c) == key).then_some(c),
            _ => None,
        });
    found
}
