//! Helpers shared by the normalisers that read YAML, JSON and TOML trees:
//! where a value came from, its text, and mappings and sequences read under
//! a work budget ([`Budget`], [`Fields`], [`items`]).

use skillaudit_syntax::tree::NodeRef;

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

/// A cap on the work done for one file (the Kubernetes and devcontainer
/// normalisers: see their module docs).
pub(crate) struct Budget {
    left: usize,
}

impl Budget {
    pub(crate) fn new(units: usize) -> Budget {
        Budget { left: units }
    }

    /// Spend `n` units; false (and nothing left) when there are not enough.
    pub(crate) fn take(&mut self, n: usize) -> bool {
        match self.left.checked_sub(n) {
            Some(rest) => {
                self.left = rest;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }

    pub(crate) fn exhausted(&self) -> bool {
        self.left == 0
    }
}

/// A mapping's entries, read once (and charged to the budget).
#[derive(Clone, Default)]
pub(crate) struct Fields<'a> {
    entries: Vec<(NodeRef<'a>, NodeRef<'a>)>,
}

impl<'a> Fields<'a> {
    /// The entries of `node` if it is a mapping; none otherwise, or when the
    /// budget cannot pay for them.
    pub(crate) fn of(node: Option<NodeRef<'a>>, budget: &mut Budget) -> Fields<'a> {
        let Some(node) = node.filter(|n| n.is_mapping()) else {
            return Fields::default();
        };
        let entries = node.entries();
        if !budget.take(entries.len() + 1) {
            return Fields::default();
        }
        Fields { entries }
    }

    /// The `key: value` entry, unless its value is null (`key:`, `key: null`
    /// mean "not set" to Kubernetes). The first one when written twice.
    pub(crate) fn entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let (k, v) = self
            .entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .copied()?;
        (!v.is_null()).then_some((k, v))
    }

    /// Every entry, in order (null values included).
    pub(crate) fn all(&self) -> &[(NodeRef<'a>, NodeRef<'a>)] {
        &self.entries
    }

    pub(crate) fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    pub(crate) fn str(&self, key: &str) -> Option<String> {
        self.get(key).and_then(text)
    }

    pub(crate) fn bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(|v| v.as_bool())
    }
}

/// Items of a sequence (none for anything else), charged to the budget.
pub(crate) fn items<'a>(node: Option<NodeRef<'a>>, budget: &mut Budget) -> Vec<NodeRef<'a>> {
    let Some(node) = node.filter(|n| n.is_sequence()) else {
        return Vec::new();
    };
    let items = node.items();
    if !budget.take(items.len() + 1) {
        return Vec::new();
    }
    items
}
