//! The YAML reader: builds the node arena of a [`Stream`] from granit-parser
//! events, keeping a byte span on every key and value and recording anchors,
//! aliases and merge keys as written (the accessors resolve them).
//!
//! # Span conventions
//!
//! granit-parser reports byte ranges for every event, but a few of them are
//! not what a diagnostic wants to underline, so they are adjusted here:
//!
//! * Block scalars (`|`, `>`): granit's range starts at the first content
//!   character and runs through the trailing line breaks (and blank lines).
//!   We move the start back to the `|`/`>` indicator and trim trailing
//!   whitespace, so the span is `|\n  body`.
//! * Block collections: `MappingStart`/`SequenceStart` give an empty range
//!   (at the first key, or at the `-`), and the matching end events are empty
//!   ranges at the *next* token (often on a later line). We cover from the
//!   first entry (including its `&anchor`/`!tag` properties; for sequences
//!   the `-` before it) to the end of the last child. For an "indentless"
//!   sequence (`key:\n- a`) granit's start is after the `- `, which the `-`
//!   search fixes.
//! * An empty plain scalar (`key:` with nothing after it) is reported by
//!   granit with the value `"~"` and an empty range; we store the value `""`
//!   so that `as_str` agrees with the source.
//! * Flow collections and every other scalar keep granit's ranges.

use std::collections::{HashMap, HashSet};

use granit_parser::{Event, Parser, ScanError, StructureStyle, Tag};

pub mod embedded;

use crate::tree::{Document, Node, NodeId, NodeKind, ScalarStyle, Stream};
use crate::{Span, SyntaxError};

/// Parse a YAML stream. Never panics; on an error, the documents completed
/// before it are returned with `error` set.
pub fn parse(text: &str) -> Stream {
    let options = granit_parser::options! {
        // We want the `&name` token span of every anchor.
        emit_anchor_events: true,
        emit_comments: true,
        // granit buffers comments while it looks ahead (e.g. before an
        // indentless sequence) and errors past 96 of them by default; a long
        // commented-out block is common in real files. The buffer is bounded
        // by the input size anyway.
        max_buffered_comment_events: usize::MAX,
    };
    let mut builder = Builder::new(text);
    for item in Parser::new_from_str_with_options(text, options) {
        match item {
            Ok((event, span)) => {
                if let Err(error) = builder.event(event, span) {
                    builder.fail(error);
                    break;
                }
            }
            Err(error) => {
                let error = scan_error(text, &error);
                builder.fail(error);
                break;
            }
        }
    }
    builder.finish()
}

/// Turn granit's error into ours: its message, at an empty span.
fn scan_error(text: &str, error: &ScanError) -> SyntaxError {
    let mut message = error.info();
    if message.is_empty() {
        // Only without granit's `error_messages` feature.
        message = format!("{:?}", error.kind());
    }
    let at = error
        .marker()
        .byte_offset()
        .unwrap_or(text.len())
        .min(text.len());
    SyntaxError::new(message, Span::empty(at))
}

/// A collection whose end event has not arrived yet.
struct Frame {
    id: NodeId,
    is_map: bool,
    flow: bool,
    /// Children in event order; for a mapping, key, value, key, value…
    children: Vec<NodeId>,
}

/// The document being built.
#[derive(Default)]
struct DocState {
    doc: Document,
    frames: Vec<Frame>,
    /// granit anchor id → node.
    anchors: HashMap<usize, NodeId>,
    /// Collections whose end has not been seen (an alias to one of them
    /// would make the tree cyclic).
    open: HashSet<NodeId>,
    /// Per node: the smallest start of its span and its `&anchor`/`!tag`
    /// properties, used to cover a block collection's first entry.
    prop_start: Vec<u32>,
    /// The node the next `Anchor` event belongs to.
    last_node: Option<NodeId>,
}

struct Builder<'t> {
    text: &'t str,
    stream: Stream,
    doc: Option<DocState>,
    /// End of the last structural event (not a comment or anchor): nothing
    /// of the next node can lie before it.
    last_end: usize,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            stream: Stream::default(),
            doc: None,
            last_end: 0,
        }
    }

    /// A granit span as ours (byte offsets, ordered, within the text).
    fn span(&self, span: &granit_parser::Span) -> Span {
        let len = self.text.len();
        match span.byte_range() {
            Some(r) => {
                let start = r.start.min(len);
                Span::new(start, r.end.clamp(start, len))
            }
            None => Span::empty(self.last_end.min(len)),
        }
    }

    fn event(&mut self, event: Event<'_>, raw: granit_parser::Span) -> Result<(), SyntaxError> {
        let span = self.span(&raw);
        match event {
            Event::Comment(..) => {
                self.stream.comments.push(span);
                return Ok(());
            }
            Event::Anchor(_, name) => {
                self.anchor(name.into_owned(), span);
                return Ok(());
            }
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                self.end_document();
                self.doc = Some(DocState::default());
            }
            Event::DocumentEnd => self.end_document(),
            Event::Scalar(value, style, anchor, tag) => {
                let (value, style, span) = self.scalar(value.into_owned(), style, span, &raw);
                let tag = self.tag(&raw, tag.as_deref());
                let kind = NodeKind::Scalar { value, style };
                self.add(kind, span, tag, anchor, &raw);
            }
            Event::SequenceStart(style, anchor, tag) => {
                self.start_collection(false, style, anchor, tag.as_deref(), span, &raw);
            }
            Event::MappingStart(style, anchor, tag) => {
                self.start_collection(true, style, anchor, tag.as_deref(), span, &raw);
            }
            Event::SequenceEnd | Event::MappingEnd => self.end_collection(span),
            Event::Alias(anchor) => self.alias(anchor, span, &raw)?,
            Event::UnresolvedAlias(_) => {
                // Not enabled in our options; treat as an empty value.
                let kind = NodeKind::Scalar {
                    value: String::new(),
                    style: ScalarStyle::Plain,
                };
                self.add(kind, span, None, 0, &raw);
            }
            // `Event` is non-exhaustive; newer metadata events are ignored.
            _ => return Ok(()),
        }
        self.last_end = self.last_end.max(span.end as usize);
        Ok(())
    }

    /// `&name` on the node just added: its span now starts at the anchor.
    fn anchor(&mut self, name: String, span: Span) {
        let doc = self.doc_mut();
        if let Some(id) = doc.last_node {
            let i = id.0 as usize;
            if let Some(start) = doc.prop_start.get_mut(i) {
                *start = (*start).min(span.start);
            }
            if let Some(node) = doc.doc.nodes.get_mut(i) {
                node.anchor = Some((name, span));
            }
        }
    }

    /// `*name`: a node pointing at the anchored one; an error when that
    /// collection is still open (the tree would contain itself).
    fn alias(
        &mut self,
        anchor: usize,
        span: Span,
        raw: &granit_parser::Span,
    ) -> Result<(), SyntaxError> {
        let doc = self.doc_mut();
        match doc.anchors.get(&anchor).copied() {
            Some(target) if doc.open.contains(&target) => {
                // `&a [*a]`: granit accepts it, but the tree would be
                // cyclic; docker compose (yaml.v3) rejects it too.
                let name = doc
                    .doc
                    .node(target)
                    .anchor
                    .as_ref()
                    .map_or("", |(n, _)| n.as_str());
                return Err(SyntaxError::new(
                    format!("alias *{name} refers to a collection that contains it"),
                    span,
                ));
            }
            Some(target) => {
                self.add(NodeKind::Alias(target), span, None, 0, raw);
            }
            None => {
                // granit reports unknown anchors itself; keep the
                // structure intact if it ever does not.
                let kind = NodeKind::Scalar {
                    value: String::new(),
                    style: ScalarStyle::Plain,
                };
                self.add(kind, span, None, 0, raw);
            }
        }
        Ok(())
    }

    /// The current document, starting one if granit did not announce it.
    fn doc_mut(&mut self) -> &mut DocState {
        self.doc.get_or_insert_with(DocState::default)
    }

    /// Value, style and span of a scalar event (see the module docs).
    fn scalar(
        &self,
        value: String,
        style: granit_parser::ScalarStyle,
        span: Span,
        raw: &granit_parser::Span,
    ) -> (String, ScalarStyle, Span) {
        use granit_parser::ScalarStyle as G;
        let style = match style {
            G::Plain => ScalarStyle::Plain,
            G::SingleQuoted => ScalarStyle::SingleQuoted,
            G::DoubleQuoted => ScalarStyle::DoubleQuoted,
            G::Literal => ScalarStyle::Literal,
            G::Folded => ScalarStyle::Folded,
        };
        match style {
            ScalarStyle::Plain if span.is_empty() => (String::new(), style, span),
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let tag_end = raw
                    .tag_span()
                    .and_then(|t| t.byte_range())
                    .map_or(0, |r| r.end);
                let lower = self.last_end.max(tag_end);
                (value, style, block_scalar_span(self.text, lower, span))
            }
            _ => (value, style, span),
        }
    }

    /// The tag as written in the source (`!reset`, `!!str`).
    fn tag(&self, raw: &granit_parser::Span, tag: Option<&Tag>) -> Option<String> {
        let tag = tag?;
        if let Some(written) = raw.tag_span().and_then(|t| t.slice(self.text)) {
            if !written.is_empty() {
                return Some(written.to_owned());
            }
        }
        // No source range (should not happen with string input): rebuild it.
        let handle = tag.original_handle();
        Some(if handle.starts_with('!') {
            format!("{handle}{}", tag.suffix())
        } else {
            format!("!<{}{}>", tag.handle(), tag.suffix())
        })
    }

    /// Push a node and attach it to its parent (or make it the root).
    fn add(
        &mut self,
        kind: NodeKind,
        span: Span,
        tag: Option<String>,
        anchor: usize,
        raw: &granit_parser::Span,
    ) -> NodeId {
        let tag_start = raw
            .tag_span()
            .and_then(|t| t.byte_range())
            .map(|r| r.start as u32);
        let doc = self.doc_mut();
        let id = NodeId(doc.doc.nodes.len() as u32);
        doc.doc.nodes.push(Node {
            kind,
            span,
            tag,
            anchor: None,
        });
        doc.prop_start
            .push(tag_start.map_or(span.start, |t| t.min(span.start)));
        if anchor != 0 {
            doc.anchors.insert(anchor, id);
        }
        doc.last_node = Some(id);
        match doc.frames.last_mut() {
            Some(frame) => frame.children.push(id),
            None => {
                if doc.doc.root.is_none() {
                    doc.doc.root = Some(id);
                }
            }
        }
        id
    }

    /// Open a collection: its node is created now (so that children and a
    /// following `Anchor` event can refer to it) and completed at its end.
    fn start_collection(
        &mut self,
        is_map: bool,
        style: StructureStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
        raw: &granit_parser::Span,
    ) {
        let tag = self.tag(raw, tag);
        let kind = if is_map {
            NodeKind::Mapping(Vec::new())
        } else {
            NodeKind::Sequence(Vec::new())
        };
        let id = self.add(kind, span, tag, anchor, raw);
        let flow = matches!(style, StructureStyle::Flow);
        let doc = self.doc_mut();
        doc.frames.push(Frame {
            id,
            is_map,
            flow,
            children: Vec::new(),
        });
        doc.open.insert(id);
    }

    /// Close the innermost collection: store its children, compute its span
    /// and look for duplicate keys.
    fn end_collection(&mut self, end: Span) {
        let text = self.text;
        let Some(doc) = self.doc.as_mut() else { return };
        let Some(frame) = doc.frames.pop() else {
            return;
        };
        doc.open.remove(&frame.id);
        let nodes = &doc.doc.nodes;
        let Some(own) = nodes.get(frame.id.0 as usize) else {
            return;
        };
        let span = if frame.flow {
            // `[` … `]` / `{` … `}` exactly.
            Span::new(
                own.span.start as usize,
                (end.end.max(own.span.start)) as usize,
            )
        } else {
            let mut start = own.span.start;
            let mut last = own.span.end;
            for child in &frame.children {
                last = last.max(nodes[child.0 as usize].span.end);
            }
            if let Some(first) = frame.children.first() {
                let first_start = doc.prop_start[first.0 as usize];
                start = start.min(first_start);
                if !frame.is_map {
                    if let Some(dash) = dash_before(text, first_start as usize) {
                        start = start.min(dash as u32);
                    }
                }
            }
            Span::new(start as usize, last.max(start) as usize)
        };
        let kind = if frame.is_map {
            let pairs: Vec<(NodeId, NodeId)> = frame
                .children
                .chunks_exact(2)
                .map(|pair| (pair[0], pair[1]))
                .collect();
            find_duplicates(&doc.doc, &pairs, &mut self.stream.duplicate_keys);
            NodeKind::Mapping(pairs)
        } else {
            NodeKind::Sequence(frame.children)
        };
        let i = frame.id.0 as usize;
        if let Some(node) = doc.doc.nodes.get_mut(i) {
            node.kind = kind;
            node.span = span;
        }
        if let Some(p) = doc.prop_start.get_mut(i) {
            *p = (*p).min(span.start);
        }
    }

    /// Store the current document (if any).
    fn end_document(&mut self) {
        let Some(state) = self.doc.take() else { return };
        let mut doc = state.doc;
        // `---` followed by nothing: granit reports an empty plain scalar.
        if let (Some(root), 1) = (doc.root, doc.nodes.len()) {
            let node = doc.node(root);
            let empty = matches!(&node.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty());
            if empty && node.tag.is_none() && node.anchor.is_none() {
                doc.root = None;
                doc.nodes.clear();
            }
        }
        self.stream.documents.push(doc);
    }

    /// Stop at an error: the document in progress is dropped.
    fn fail(&mut self, error: SyntaxError) {
        self.doc = None;
        self.stream.error = Some(error);
    }

    fn finish(mut self) -> Stream {
        // A stream that ends without `DocumentEnd` (never for granit, but
        // cheap to handle) still keeps its document.
        if self.stream.error.is_none() {
            self.end_document();
        }
        self.stream.comments.sort();
        self.stream.comments.dedup();
        self.stream
    }
}

/// The span of a block scalar: from its `|`/`>` indicator (searched between
/// `lower` — the end of whatever precedes it — and the body granit reports)
/// to the last non-blank character of the body.
fn block_scalar_span(text: &str, lower: usize, body: Span) -> Span {
    let bytes = text.as_bytes();
    let body_start = (body.start as usize).min(bytes.len());
    let mut start = body_start;
    let mut i = lower.min(body_start);
    // Between the previous token and the body there can only be `:`, `-`,
    // `?`, properties (`&a`, `!t`), whitespace, comments and the header.
    while i < body_start {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' | b',' => i += 1,
            b'#' => {
                while i < body_start && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'|' | b'>' => {
                start = i;
                break;
            }
            _ => {
                while i < body_start && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
            }
        }
    }
    // Trailing line breaks and blank lines belong to the value, not to what
    // a report should underline. Stop after the indicator at the latest.
    let mut end = (body.end as usize).clamp(start, bytes.len());
    let floor = if start < body_start { start + 1 } else { start };
    while end > floor && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    Span::new(start, end)
}

/// The `-` introducing a block sequence item that starts at `at`, if only
/// whitespace separates them.
fn dash_before(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = at.min(bytes.len());
    while i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\r' | b'\n') {
        i -= 1;
    }
    (i > 0 && bytes[i - 1] == b'-').then(|| i - 1)
}

/// Record keys written twice in one mapping (same scalar value, whatever the
/// quoting, as yaml.v3 compares them).
fn find_duplicates(doc: &Document, pairs: &[(NodeId, NodeId)], out: &mut Vec<(Span, Span)>) {
    if pairs.len() < 2 {
        return;
    }
    let mut first: HashMap<&str, Span> = HashMap::with_capacity(pairs.len());
    for &(key, _) in pairs {
        let node = doc.node(key);
        if let NodeKind::Scalar { value, .. } = &node.kind {
            match first.get(value.as_str()) {
                Some(&earlier) => out.push((node.span, earlier)),
                None => {
                    first.insert(value.as_str(), node.span);
                }
            }
        }
    }
}
