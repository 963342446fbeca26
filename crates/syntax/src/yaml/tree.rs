//! Building the node arena from granit-parser events. (Being written.)
use super::*;

/// Parse a YAML stream. Never panics; on an error, the documents completed
/// before it are returned with `error` set.
pub fn parse(_text: &str) -> Stream {
    unimplemented!("yaml layer")
}

impl<'a> NodeRef<'a> {
    /// Follow aliases to the node they name (keeping the first use site in `via`).
    pub fn resolve(self) -> NodeRef<'a> {
        unimplemented!()
    }
    pub fn node(&self) -> &'a Node {
        self.doc.node(self.id)
    }
    /// Where a finding about this value should point: the alias use site if
    /// it was reached through one, otherwise the node itself.
    pub fn report_span(&self) -> Span {
        self.via.unwrap_or(self.node().span)
    }
    /// The anchor definition's span when this value came through an alias.
    pub fn definition_span(&self) -> Option<Span> {
        self.via.map(|_| self.node().span)
    }
    pub fn tag(&self) -> Option<&'a str> {
        self.node().tag.as_deref()
    }
    /// The scalar text (after escape processing), if this is a scalar.
    pub fn as_str(&self) -> Option<&'a str> {
        unimplemented!()
    }
    /// Plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        unimplemented!()
    }
    /// YAML 1.2 core-schema booleans (`true`/`True`/`TRUE`/`false`/…).
    pub fn as_bool(&self) -> Option<bool> {
        unimplemented!()
    }
    pub fn is_mapping(&self) -> bool {
        unimplemented!()
    }
    pub fn is_sequence(&self) -> bool {
        unimplemented!()
    }
    /// Sequence items (aliases resolved), empty for non-sequences.
    pub fn items(&self) -> Vec<NodeRef<'a>> {
        unimplemented!()
    }
    /// Mapping entries with merge keys applied: explicit keys first win,
    /// then `<<: *a` / `<<: [*a, *b]` entries in order; merged entries carry
    /// `via` = the alias in the `<<` entry. Empty for non-mappings.
    pub fn entries(&self) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        unimplemented!()
    }
    /// The entry whose key is the scalar `key` (after merges).
    pub fn get(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        self.entries().into_iter().find(|(k, _)| k.as_str() == Some(key))
    }
    /// Just the value of `get`.
    pub fn value(&self, key: &str) -> Option<NodeRef<'a>> {
        self.get(key).map(|(_, v)| v)
    }
}
