//! Helpers shared by the normalisers that read YAML, JSON and TOML trees:
//! where a value came from, and its text.

use skillaudit_syntax::yaml::NodeRef;

use crate::Origin;

/// Origin of a value: where it is used, plus the anchor definition when it
/// came through an alias or merge.
pub fn origin(n: NodeRef<'_>) -> Origin {
    match n.via {
        Some(use_site) => Origin {
            span: use_site,
            anchor: Some(n.node().span),
        },
        None => Origin::at(n.node().span),
    }
}

/// Origin of a `key: value` entry: covers both, or the alias / merge key
/// through which the entry was used.
pub fn entry_origin(k: NodeRef<'_>, v: NodeRef<'_>) -> Origin {
    let written = k.node().span.cover(v.node().span);
    match v.via.or(k.via) {
        Some(use_site) => Origin {
            span: use_site,
            anchor: Some(written),
        },
        None => Origin::at(written),
    }
}

/// Like [`origin`] for an item of a collection reached through `parent`:
/// an item of an aliased list is reported where the list is used.
pub fn item_origin(parent: NodeRef<'_>, item: NodeRef<'_>) -> Origin {
    match item.via.or(parent.via) {
        Some(use_site) => Origin {
            span: use_site,
            anchor: Some(item.node().span),
        },
        None => Origin::at(item.node().span),
    }
}

/// Scalar text of a node (numbers and booleans as written).
pub fn text(n: NodeRef<'_>) -> Option<String> {
    if n.is_null() {
        return None;
    }
    n.as_str().map(str::to_string)
}
