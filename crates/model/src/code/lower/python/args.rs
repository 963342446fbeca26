//! A Python call's arguments: by position, by keyword, and where a value
//! given either way is (shared by the catalogue, processes and handlers).

use crate::code::ir::{ArgRef, Call, Expr, SinkKind, SinkSite};

/// The `n`-th positional argument.
pub fn pos(call: &Call, n: usize) -> Option<&Expr> {
    call.args
        .iter()
        .filter(|a| a.name.is_none())
        .nth(n)
        .map(|a| &a.value)
}

pub fn kw<'c>(call: &'c Call, name: &str) -> Option<&'c Expr> {
    call.args
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .map(|a| &a.value)
}

pub fn positional_count(call: &Call) -> usize {
    call.args.iter().filter(|a| a.name.is_none()).count()
}

/// Where a value given positionally at `n` or by keyword `name` is.
pub fn at(call: &Call, n: usize, name: &str) -> Option<ArgRef> {
    if pos(call, n).is_some() {
        return Some(ArgRef::Arg(n as u16));
    }
    kw(call, name).map(|_| ArgRef::Keyword(name.to_string()))
}

pub fn site(kind: SinkKind, at: ArgRef, what: &str) -> SinkSite {
    SinkSite {
        kind,
        at,
        what: what.to_string(),
    }
}
