//! The alias- and merge-aware accessors on [`NodeRef`], shared by every
//! format the tree holds (aliases and merge keys only occur in YAML).

use std::collections::HashSet;

use super::*;

/// How many alias hops [`NodeRef::resolve`] follows. YAML aliases cannot
/// themselves carry anchors, so real chains have length one.
const MAX_ALIAS_HOPS: usize = 16;
/// How deep merge keys may nest (`<<` in a mapping merged through `<<` …).
const MAX_MERGE_DEPTH: u32 = 32;
/// Total number of merged entries one [`NodeRef::entries`] call may examine.
const MERGE_BUDGET: usize = 1_000_000;

/// A `<<` key: plain (or `!!merge`-tagged), not an alias.
fn is_merge_key(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value == "<<")
        && matches!(node.tag.as_deref(), None | Some("!!merge"))
}

impl<'a> NodeRef<'a> {
    /// Follow aliases to the node they name (keeping the first use site in `via`).
    pub fn resolve(self) -> NodeRef<'a> {
        let mut current = self;
        for _ in 0..MAX_ALIAS_HOPS {
            let node = current.node();
            match node.kind {
                NodeKind::Alias(target) => {
                    current = NodeRef {
                        doc: current.doc,
                        id: target,
                        via: current.via.or(Some(node.span)),
                    };
                }
                _ => break,
            }
        }
        current
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
    /// The scalar (resolved) as `(value, style, tag)`.
    fn scalar(&self) -> Option<(&'a str, ScalarStyle, Option<&'a str>)> {
        let node = self.resolve().node();
        match &node.kind {
            NodeKind::Scalar { value, style } => {
                Some((value.as_str(), *style, node.tag.as_deref()))
            }
            _ => None,
        }
    }
    /// The scalar text (after escape processing), if this is a scalar.
    pub fn as_str(&self) -> Option<&'a str> {
        self.scalar().map(|(value, _, _)| value)
    }
    /// Plain `null`, `~` or empty scalar. (A `!!str` tag makes it a string.)
    pub fn is_null(&self) -> bool {
        matches!(
            self.scalar(),
            Some(("null" | "Null" | "NULL" | "~" | "", ScalarStyle::Plain, tag)) if tag != Some("!!str")
        )
    }
    /// YAML 1.2 core-schema booleans (`true`/`True`/`TRUE`/`false`/…),
    /// plain scalars only. (A `!!str` tag makes it a string.)
    pub fn as_bool(&self) -> Option<bool> {
        match self.scalar()? {
            (_, _, Some("!!str")) => None,
            ("true" | "True" | "TRUE", ScalarStyle::Plain, _) => Some(true),
            ("false" | "False" | "FALSE", ScalarStyle::Plain, _) => Some(false),
            _ => None,
        }
    }
    pub fn is_mapping(&self) -> bool {
        matches!(self.resolve().node().kind, NodeKind::Mapping(_))
    }
    pub fn is_sequence(&self) -> bool {
        matches!(self.resolve().node().kind, NodeKind::Sequence(_))
    }
    /// Sequence items (aliases resolved), empty for non-sequences.
    pub fn items(&self) -> Vec<NodeRef<'a>> {
        let this = self.resolve();
        match &this.node().kind {
            NodeKind::Sequence(items) => items
                .iter()
                .map(|&id| {
                    NodeRef {
                        doc: this.doc,
                        id,
                        via: this.via,
                    }
                    .resolve()
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    /// Mapping entries with merge keys applied: explicit keys first win,
    /// then `<<: *a` / `<<: [*a, *b]` entries in order; merged entries carry
    /// `via` = the alias in the `<<` entry. Empty for non-mappings.
    ///
    /// Every explicitly written entry is returned (a duplicated key twice, see
    /// [`Stream::duplicate_keys`]); a merged entry only if its key was not
    /// seen before. Merge sources are walked depth-first in order (the YAML
    /// merge rule), each mapping at most once per call, so alias bombs and
    /// merge chains stay linear.
    pub fn entries(&self) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        let this = self.resolve();
        let doc = this.doc;
        let NodeKind::Mapping(pairs) = &this.node().kind else {
            return Vec::new();
        };
        if !pairs.iter().any(|&(k, _)| is_merge_key(doc.node(k))) {
            // Common case: nothing to merge, no bookkeeping needed.
            return pairs
                .iter()
                .map(|&(k, v)| {
                    (
                        NodeRef {
                            doc,
                            id: k,
                            via: this.via,
                        }
                        .resolve(),
                        NodeRef {
                            doc,
                            id: v,
                            via: this.via,
                        }
                        .resolve(),
                    )
                })
                .collect();
        }
        let mut out = Vec::new();
        let mut seen: HashSet<&'a str> = HashSet::new();
        let mut visited: HashSet<NodeId> = HashSet::new();
        let mut budget = MERGE_BUDGET;
        // (mapping, via for its entries, merge depth); popped depth-first.
        let mut stack = vec![(this.id, this.via, 0u32)];
        let mut sources = Vec::new();
        while let Some((map, via, depth)) = stack.pop() {
            if !visited.insert(map) {
                continue;
            }
            let NodeKind::Mapping(pairs) = &doc.node(map).kind else {
                continue;
            };
            sources.clear();
            for &(k, v) in pairs {
                if is_merge_key(doc.node(k)) {
                    merge_sources(doc, v, via, &mut sources);
                    continue;
                }
                if depth > 0 {
                    if budget == 0 {
                        break;
                    }
                    budget -= 1;
                }
                let key = NodeRef { doc, id: k, via }.resolve();
                let value = NodeRef { doc, id: v, via }.resolve();
                match key.as_str() {
                    // Explicit entries are all kept; merged ones only if new.
                    Some(name) => {
                        if seen.insert(name) || depth == 0 {
                            out.push((key, value));
                        }
                    }
                    None => out.push((key, value)),
                }
            }
            if depth < MAX_MERGE_DEPTH {
                // Reverse so that the first source is processed first.
                for &(source, source_via) in sources.iter().rev() {
                    stack.push((source, source_via, depth + 1));
                }
            }
        }
        out
    }
    /// The entry whose key is the scalar `key` (after merges).
    pub fn get(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        self.entries()
            .into_iter()
            .find(|(k, _)| k.as_str() == Some(key))
    }
    /// Just the value of `get`.
    pub fn value(&self, key: &str) -> Option<NodeRef<'a>> {
        self.get(key).map(|(_, v)| v)
    }
}

/// The mappings named by the value of a `<<` entry: an alias to a mapping,
/// an inline mapping, or a sequence of those. `via` is the outermost alias
/// already on the way; otherwise the alias in the `<<` entry.
fn merge_sources(
    doc: &Document,
    value: NodeId,
    via: Option<Span>,
    out: &mut Vec<(NodeId, Option<Span>)>,
) {
    let value = NodeRef {
        doc,
        id: value,
        via,
    }
    .resolve();
    match &value.node().kind {
        NodeKind::Mapping(_) => out.push((value.id, value.via)),
        NodeKind::Sequence(items) => {
            for &item in items {
                let item = NodeRef {
                    doc,
                    id: item,
                    via: value.via,
                }
                .resolve();
                if let NodeKind::Mapping(_) = item.node().kind {
                    out.push((item.id, item.via));
                }
            }
        }
        // Anything else is invalid as a merge source; ignore it.
        _ => {}
    }
}
