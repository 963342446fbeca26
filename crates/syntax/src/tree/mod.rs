//! The format-neutral tree every structured configuration file is read
//! into (YAML by [`yaml`], JSON by [`crate::json`], TOML by
//! [`crate::toml`]): an arena of nodes with a byte span on every key and
//! value. [`NodeRef`] resolves anchors, aliases and merge keys (`<<`)
//! without copying (alias bombs stay linear), and remembers for each value
//! reached through an alias both the place that uses it and the anchor
//! definition.

mod access;
#[cfg(test)]
mod tests;
pub mod yaml;

use crate::{Span, SyntaxError};

/// Index of a node in its [`Document`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeId(pub u32);

/// All documents of a stream (YAML's are `---` separated; JSON and TOML
/// give one).
#[derive(Clone, Debug, Default)]
pub struct Stream {
    pub documents: Vec<Document>,
    /// The first error that stopped parsing (documents before it are kept).
    pub error: Option<SyntaxError>,
    /// Keys written twice in one mapping: `(duplicate, first)` key spans.
    /// YAML forbids them and docker compose, kubectl and GitHub reject them.
    pub duplicate_keys: Vec<(Span, Span)>,
    /// Spans of every comment (`#` to end of line).
    pub comments: Vec<Span>,
}

/// One document: an arena of nodes.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub nodes: Vec<Node>,
    /// `None` for an empty document.
    pub root: Option<NodeId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// The node's text: a scalar's source (quotes included), or a whole
    /// collection. For an alias, the `*name` token.
    pub span: Span,
    /// Explicit tag as written (`!reset`, `!override`, `!!str`), if any.
    pub tag: Option<String>,
    /// `&name` defined on this node: (name, span of the `&name` token).
    pub anchor: Option<(String, Span)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Sequence(Vec<NodeId>),
    /// Entries in source order, including any `<<` merge entries as written.
    Mapping(Vec<(NodeId, NodeId)>),
    /// `*name`, pointing at the anchored node it refers to.
    Alias(NodeId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A node as seen from where it is used: follows aliases and merges, and
/// remembers the outermost use site it was reached through.
#[derive(Clone, Copy, Debug)]
pub struct NodeRef<'a> {
    pub doc: &'a Document,
    pub id: NodeId,
    /// Span of the alias (`*name`) through which this node was reached, if any.
    pub via: Option<Span>,
}

impl Document {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// The root node, aliases resolved.
    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.root.map(|id| {
            NodeRef {
                doc: self,
                id,
                via: None,
            }
            .resolve()
        })
    }
}
