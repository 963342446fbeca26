//! What a type annotation tells about the data a parameter can hold:
//! numbers, booleans, `Literal[…]`, in-file enums cannot carry text
//! ([`TypeHint::Safe`]); `Context` is the framework's; a class name may be
//! a pydantic model ([`TypeHint::Named`]).

use skillaudit_syntax::code::NodeKind;
use std::collections::HashMap;

use skillaudit_syntax::code::tree_sitter::Node;

use super::{field, nth};

use super::strings::string_value;
use crate::code::ir::TypeHint;
use crate::code::lower::text;
use crate::Span;

/// A class of the file.
#[derive(Clone, Debug, Default)]
pub struct Class {
    pub bases: Vec<String>,
    pub is_enum: bool,
    pub is_model: bool,
    /// Annotated fields: name, whether the annotation cannot carry text.
    pub fields: Vec<(String, bool)>,
    /// `Field(description="…")` texts of the fields: (field, text, span).
    pub field_docs: Vec<(String, String, Span)>,
    /// Class attributes bound to string literals (enum members).
    pub consts: HashMap<String, String>,
}

pub struct TypeEnv<'a> {
    pub classes: &'a HashMap<String, Class>,
}

#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Safe,
    None,
    Context,
    Named(String),
    Unknown,
}

/// Types whose values are never attacker-chosen text.
const SAFE: &[&str] = &[
    "int",
    "float",
    "bool",
    "complex",
    "datetime",
    "date",
    "time",
    "timedelta",
    "UUID",
    "Decimal",
    "PositiveInt",
    "NegativeInt",
    "NonNegativeInt",
    "NonPositiveInt",
    "StrictInt",
    "StrictFloat",
    "StrictBool",
    "PositiveFloat",
    "NegativeFloat",
    "NonNegativeFloat",
    "FiniteFloat",
    "IPv4Address",
    "IPv6Address",
    "IPvAnyAddress",
    "PastDate",
    "FutureDate",
    "AwareDatetime",
    "NaiveDatetime",
];

/// Containers whose items decide.
const SEQUENCES: &[&str] = &[
    "list",
    "List",
    "set",
    "Set",
    "frozenset",
    "FrozenSet",
    "tuple",
    "Tuple",
    "Sequence",
    "Iterable",
    "Collection",
    "MutableSequence",
    "AbstractSet",
    "Iterator",
];

/// Types that hold text or anything: not worth naming.
const OPAQUE: &[&str] = &[
    "str",
    "bytes",
    "Any",
    "object",
    "dict",
    "Dict",
    "Mapping",
    "MutableMapping",
    "AnyUrl",
    "HttpUrl",
    "Path",
    "PurePath",
    "Json",
    "SecretStr",
    "EmailStr",
    "bytearray",
    "type",
    "Callable",
    "Awaitable",
    "Coroutine",
    "LiteralString",
    "Self",
];

pub fn type_hint(ty: Node<'_>, src: &str, env: &TypeEnv<'_>) -> TypeHint {
    match classify(ty, src, env, 0) {
        Ty::Safe => TypeHint::Safe,
        Ty::Context => TypeHint::Context,
        Ty::Named(n) => TypeHint::Named(n),
        Ty::None | Ty::Unknown => TypeHint::Unknown,
    }
}

pub fn is_safe_type(ty: Node<'_>, src: &str, env: &TypeEnv<'_>) -> bool {
    classify(ty, src, env, 0) == Ty::Safe
}

fn classify(n: Node<'_>, src: &str, env: &TypeEnv<'_>, depth: usize) -> Ty {
    if depth > 16 {
        return Ty::Unknown;
    }
    let d = depth + 1;
    match n.kind_str() {
        "type" | "parenthesized_expression" => match nth(n, 0) {
            Some(c) => classify(c, src, env, d),
            None => Ty::Unknown,
        },
        "none" => Ty::None,
        "identifier" | "attribute" | "dotted_name" => by_name(text(n, src), env),
        "string" => match string_value(n, src) {
            Some(s) => by_name(s.trim(), env),
            None => Ty::Unknown,
        },
        "binary_operator" => {
            let l = field(n, "left").map(|x| classify(x, src, env, d));
            let r = field(n, "right").map(|x| classify(x, src, env, d));
            union(l.into_iter().chain(r).collect())
        }
        "generic_type" => {
            let name = nth(n, 0).map(|x| text(x, src)).unwrap_or("");
            let params: Vec<Node<'_>> = match nth(n, 1) {
                Some(p) => {
                    let mut c = p.walk();
                    p.named_children(&mut c).collect()
                }
                None => Vec::new(),
            };
            generic(name, &params, src, env, d)
        }
        "subscript" => {
            let name = field(n, "value").map(|x| text(x, src)).unwrap_or("");
            let mut c = n.walk();
            let params: Vec<Node<'_>> = n.children_by_field_name("subscript", &mut c).collect();
            generic(name, &params, src, env, d)
        }
        "ellipsis" => Ty::Safe,
        _ => Ty::Unknown,
    }
}

fn generic(name: &str, params: &[Node<'_>], src: &str, env: &TypeEnv<'_>, d: usize) -> Ty {
    let last = name.rsplit('.').next().unwrap_or(name);
    match last {
        "Literal" => Ty::Safe,
        "Annotated" => match params.first() {
            Some(p) => classify(*p, src, env, d),
            None => Ty::Unknown,
        },
        "Optional" => {
            let mut parts: Vec<Ty> = params.iter().map(|p| classify(*p, src, env, d)).collect();
            parts.push(Ty::None);
            union(parts)
        }
        "Union" => union(params.iter().map(|p| classify(*p, src, env, d)).collect()),
        _ if SEQUENCES.contains(&last) => {
            let all_safe =
                !params.is_empty() && params.iter().all(|p| classify(*p, src, env, d) == Ty::Safe);
            if all_safe {
                Ty::Safe
            } else {
                Ty::Unknown
            }
        }
        _ if last.ends_with("Context") => Ty::Context,
        _ => Ty::Unknown,
    }
}

fn by_name(name: &str, env: &TypeEnv<'_>) -> Ty {
    let last = name.rsplit('.').next().unwrap_or(name);
    if last == "None" {
        return Ty::None;
    }
    if SAFE.contains(&last) {
        return Ty::Safe;
    }
    if last == "Context" || last.ends_with("Context") {
        return Ty::Context;
    }
    if OPAQUE.contains(&last) {
        return Ty::Unknown;
    }
    if let Some(c) = env.classes.get(last) {
        return if c.is_enum {
            Ty::Safe
        } else {
            Ty::Named(last.to_string())
        };
    }
    if last.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && last.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Ty::Named(last.to_string());
    }
    Ty::Unknown
}

/// `A | B | None`: safe when every part is; a named or context type when
/// it is the only part besides safe ones and `None`.
fn union(parts: Vec<Ty>) -> Ty {
    let mut out = Ty::None;
    for p in parts {
        out = match (out, p) {
            (Ty::Unknown, _) | (_, Ty::Unknown) => return Ty::Unknown,
            (Ty::None, x) | (x, Ty::None) => x,
            (Ty::Safe, Ty::Safe) => Ty::Safe,
            (Ty::Safe, x) | (x, Ty::Safe) => x,
            (Ty::Context, Ty::Context) => Ty::Context,
            (Ty::Named(a), Ty::Named(b)) if a == b => Ty::Named(a),
            _ => return Ty::Unknown,
        };
    }
    out
}
