//! Schemas of tool arguments: which fields cannot carry text (zod shapes,
//! `z.object(…)`, JSON schemas, names bound to one of these).

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::nodes::{arg_nodes, field, literal_text, unwrap, HELPER_DEPTH};
use super::Lx;

pub(super) fn is_zod_name(lx: &Lx<'_>, n: Node<'_>) -> bool {
    n.kind_str() == "identifier"
        && (lx.t(n) == "z"
            || lx
                .aliases
                .get(lx.t(n))
                .is_some_and(|a| a.starts_with("zod")))
}

/// Whether a method chain starts at `z` (`z.string().min(1)`).
pub(super) fn zod_rooted(lx: &Lx<'_>, mut n: Node<'_>) -> bool {
    for _ in 0..64 {
        n = unwrap(n);
        match n.kind_str() {
            "member_expression" => match lx.f(n, "object") {
                Some(o) => n = o,
                None => return false,
            },
            "call_expression" => match lx.f(n, "function") {
                Some(f) => n = f,
                None => return false,
            },
            _ => return is_zod_name(lx, n),
        }
    }
    false
}

/// The fields of a schema that cannot carry text, when `n` is a schema:
/// a zod raw shape, `z.object({…})`, a JSON schema with `properties`, or
/// a name bound to one of these. `None` when `n` is not a schema.
pub(crate) fn schema_safe_fields(lx: &Lx<'_>, n: Node<'_>) -> Option<Vec<String>> {
    safe_fields_at(lx, n, 0)
}

fn safe_fields_at(lx: &Lx<'_>, n: Node<'_>, depth: u8) -> Option<Vec<String>> {
    if depth > HELPER_DEPTH {
        return None;
    }
    let n = unwrap(n);
    match n.kind_str() {
        "identifier" => lx.schemas.get(lx.t(n)).cloned(),
        "member_expression" => {
            let o = lx.f(n, "object")?;
            let p = lx.f(n, "property")?;
            (lx.t(p) == "shape")
                .then(|| safe_fields_at(lx, o, depth + 1))
                .flatten()
        }
        "call_expression" => {
            // `z.object({…})` with `.strict()`, `.describe()` … after it.
            let mut cur = n;
            for _ in 0..32 {
                let f = unwrap(lx.f(cur, "function")?);
                if f.kind_str() != "member_expression" {
                    return None;
                }
                let obj = unwrap(lx.f(f, "object")?);
                let prop = lx.t(lx.f(f, "property")?);
                if is_zod_name(lx, obj) {
                    if prop != "object" && prop != "strictObject" {
                        return None;
                    }
                    let shape = arg_nodes(lx, cur).first().copied()?;
                    return zod_shape(lx, unwrap(shape));
                }
                if obj.kind_str() != "call_expression" {
                    return None;
                }
                cur = obj;
            }
            None
        }
        "object" => {
            if let Some(props) = field(lx, n, "properties") {
                return Some(json_safe_fields(lx, unwrap(props)));
            }
            zod_shape(lx, n)
        }
        _ => None,
    }
}

/// A zod raw shape `{ a: z.number(), b: z.string() }` → safe field names;
/// `None` if no value is a zod schema.
fn zod_shape(lx: &Lx<'_>, obj: Node<'_>) -> Option<Vec<String>> {
    if obj.kind_str() != "object" {
        return None;
    }
    let mut safe = Vec::new();
    let mut any_zod = obj.named_child_count() == 0;
    let mut cursor = obj.walk();
    for c in obj.named_children(&mut cursor) {
        if c.kind_str() != "pair" {
            continue;
        }
        let (Some(k), Some(v)) = (lx.f(c, "key"), lx.f(c, "value")) else {
            continue;
        };
        if zod_rooted(lx, v) {
            any_zod = true;
        }
        if is_safe_zod(lx, v, 0) {
            if let Some(k) = lx.key_name(k) {
                safe.push(k);
            }
        }
    }
    any_zod.then_some(safe)
}

const SAFE_BASES: &[&str] = &[
    "number",
    "boolean",
    "enum",
    "nativeEnum",
    "literal",
    "bigint",
    "date",
    "nan",
    "null",
    "undefined",
    "void",
    "never",
    "int",
    "int32",
    "float32",
    "float64",
    "uuid",
    "uuidv4",
];

/// Methods after a base that keep the value as safe as the base.
const SAFE_CHAIN: &[&str] = &[
    "optional",
    "nullable",
    "nullish",
    "default",
    "describe",
    "int",
    "min",
    "max",
    "positive",
    "negative",
    "nonnegative",
    "nonpositive",
    "finite",
    "safe",
    "multipleOf",
    "step",
    "gt",
    "gte",
    "lt",
    "lte",
    "length",
    "nonempty",
    "catch",
    "readonly",
    "meta",
    "brand",
];

/// String refinements that leave no room for attacker text.
const SAFE_STRING: &[&str] = &[
    "uuid", "cuid", "cuid2", "ulid", "datetime", "date", "time", "ip", "ipv4", "ipv6", "cidr",
    "duration", "nanoid",
];

fn is_safe_zod(lx: &Lx<'_>, n: Node<'_>, depth: u8) -> bool {
    if depth > 8 {
        return false;
    }
    let mut cur = unwrap(n);
    let mut string_refined = false;
    for _ in 0..64 {
        if cur.kind_str() != "call_expression" {
            return false;
        }
        let Some(f) = lx.f(cur, "function").map(unwrap) else {
            return false;
        };
        if f.kind_str() != "member_expression" {
            return false;
        }
        let (Some(obj), Some(p)) = (lx.f(f, "object"), lx.f(f, "property")) else {
            return false;
        };
        let obj = unwrap(obj);
        let prop = lx.t(p);
        let base = is_zod_name(lx, obj)
            || (obj.kind_str() == "member_expression"
                && lx.f(obj, "object").is_some_and(|o| is_zod_name(lx, o))
                && lx.t(obj).ends_with(".coerce"));
        if base {
            let args = arg_nodes(lx, cur);
            return match prop {
                p if SAFE_BASES.contains(&p) => true,
                "string" => string_refined,
                "array" | "optional" | "nullable" | "set" => {
                    args.first().is_some_and(|a| is_safe_zod(lx, *a, depth + 1))
                }
                "union" => args.first().is_some_and(|a| {
                    let a = unwrap(*a);
                    let mut c = a.walk();
                    a.kind_str() == "array"
                        && a.named_child_count() > 0
                        && a.named_children(&mut c)
                            .all(|x| is_safe_zod(lx, x, depth + 1))
                }),
                _ => false,
            };
        }
        if SAFE_STRING.contains(&prop) {
            string_refined = true;
        } else if !SAFE_CHAIN.contains(&prop) {
            return false;
        }
        cur = obj;
    }
    false
}

/// JSON-schema `properties`: names whose type cannot carry text.
fn json_safe_fields(lx: &Lx<'_>, props: Node<'_>) -> Vec<String> {
    let mut safe = Vec::new();
    if props.kind_str() != "object" {
        return safe;
    }
    let mut cursor = props.walk();
    for c in props.named_children(&mut cursor) {
        let (Some(k), Some(v)) = (lx.f(c, "key"), lx.f(c, "value")) else {
            continue;
        };
        if json_safe(lx, unwrap(v), 0) {
            if let Some(k) = lx.key_name(k) {
                safe.push(k);
            }
        }
    }
    safe
}

fn json_safe(lx: &Lx<'_>, v: Node<'_>, depth: u8) -> bool {
    if v.kind_str() != "object" || depth > 4 {
        return false;
    }
    if field(lx, v, "enum").is_some() || field(lx, v, "const").is_some() {
        return true;
    }
    let ty = field(lx, v, "type")
        .and_then(|t| literal_text(lx, t))
        .map(|(s, _)| s);
    match ty.as_deref() {
        Some("number" | "integer" | "boolean" | "null") => true,
        Some("array") => field(lx, v, "items").is_some_and(|i| json_safe(lx, unwrap(i), depth + 1)),
        _ => false,
    }
}
