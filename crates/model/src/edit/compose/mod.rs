//! Compose editor: a remedy for a service, as edits of the compose file.
//!
//! The file is re-parsed with the YAML layer (spans on every key and
//! value). Only what the service itself writes is changed:
//!
//! * a new key goes into the service's own mapping, after its last entry
//!   (so comments and blank lines before the next service stay where they
//!   are), at the indentation of the service's keys; a flow mapping
//!   (`web: {image: x}`) gets `, key: value` before its `}`;
//! * an item is appended to an existing `security_opt` / `cap_drop` list,
//!   block (one `- item` line at the items' indentation) or flow (`[a, b]`);
//! * a scalar is replaced in place (`read_only: false` → `true`), a short
//!   port or volume string gets `127.0.0.1:` / `:ro` inside its quotes;
//! * `privileged: true` is removed with its line.
//!
//! Conservative with anchors: a service whose body is an alias, or any node
//! to change that carries an anchor, is not edited (the change would reach
//! every user of the anchor); a list that the service only gets through a
//! merge key (`<<: *common`) is not overridden (that would drop the merged
//! items). Line endings follow the file (CRLF stays CRLF); indentation is
//! copied, never a tab.
//!
//! Linear in the file: what every edit looks up across services (a service
//! by name, whether a mapping is a service body, the file's `- item`
//! indentation) is computed once per file ([`Services`]), so a file of N
//! services costs O(N), not O(N²).

use std::collections::{HashMap, HashSet};

use skillaudit_syntax::tree::{Document, NodeId, NodeKind, NodeRef, ScalarStyle, Stream};
use skillaudit_syntax::Span;

use super::{line_end, line_prefix, line_start, newline, next_line_start};
use crate::container::{Container, MountKind};
use crate::normalise::runtime::{self, SecurityOpt};
use crate::project::SourceFile;
use crate::remedy::{Remedy, TextEdit, CPU_LIMIT, MEMORY_LIMIT, PIDS_LIMIT};

/// A value to write under a new key.
pub(crate) enum Value {
    Scalar(String),
    List(Vec<String>),
    Map(Vec<(&'static str, Value)>),
}

/// `key: value` in block style at `pad` spaces, nested mappings `step`
/// further in, `- item` lines `seq_off` past their key.
fn render_block(
    out: &mut String,
    pad: usize,
    step: usize,
    seq_off: usize,
    key: &str,
    v: &Value,
    nl: &str,
) {
    let p = " ".repeat(pad);
    match v {
        Value::Scalar(s) => out.push_str(&format!("{p}{key}: {s}{nl}")),
        Value::List(items) => {
            out.push_str(&format!("{p}{key}:{nl}"));
            for i in items {
                out.push_str(&format!("{}- {i}{nl}", " ".repeat(pad + seq_off)));
            }
        }
        Value::Map(entries) => {
            out.push_str(&format!("{p}{key}:{nl}"));
            for (k, v) in entries {
                render_block(out, pad + step, step, seq_off, k, v, nl);
            }
        }
    }
}

/// `key: value` in flow style.
fn render_flow(key: &str, v: &Value) -> String {
    match v {
        Value::Scalar(s) => format!("{key}: {}", flow_scalar(s)),
        Value::List(items) => format!(
            "{key}: [{}]",
            items
                .iter()
                .map(|i| flow_scalar(i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Map(entries) => format!(
            "{key}: {{{}}}",
            entries
                .iter()
                .map(|(k, v)| render_flow(k, v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub(crate) struct Cx<'a> {
    file: &'a SourceFile,
    text: &'a str,
    doc: &'a Document,
    nl: &'static str,
    /// The file's services, indexed once (absent for other YAML files).
    services: Option<&'a Services>,
}

/// What edits look up across a compose file's services, computed once per
/// file (one pass over the services).
#[derive(Debug, Default)]
pub struct Services {
    /// Service name → its body (the first entry of that name, as
    /// [`Cx::own`] finds it).
    by_name: HashMap<String, NodeId>,
    bodies: HashSet<NodeId>,
    /// The `- item` offset past its key in the first service that has a
    /// block sequence under a key.
    sequence_offset: Option<usize>,
    /// The file's line ending.
    nl: &'static str,
}

impl Services {
    /// Index the services of the first document of `stream`.
    pub fn new(file: &SourceFile, stream: &Stream) -> Services {
        let cx_nl = newline(&file.text);
        let mut out = Services {
            nl: cx_nl,
            ..Services::default()
        };
        let Some(doc) = stream.documents.first() else {
            return out;
        };
        let cx = Cx::with_newline(file, doc, cx_nl);
        let Some((_, services)) = doc.root.and_then(|r| cx.own(r, "services")) else {
            return out;
        };
        if let NodeKind::Mapping(pairs) = cx.kind(services) {
            for &(k, v) in pairs {
                if let Some(name) = cx.scalar(k) {
                    out.by_name.entry(name.to_string()).or_insert(v);
                }
                out.bodies.insert(v);
                if out.sequence_offset.is_none() {
                    out.sequence_offset = cx.own_sequence_offset(v);
                }
            }
        }
        out
    }
}

/// The edits for `remedy` on the service `name`; `services` is
/// [`Services::new`] of this file.
pub fn edits(
    file: &SourceFile,
    stream: &Stream,
    services: &Services,
    name: &str,
    c: &Container,
    remedy: &Remedy,
) -> Option<Vec<TextEdit>> {
    let doc = stream.documents.first()?;
    let cx = Cx {
        services: Some(services),
        ..Cx::with_newline(file, doc, services.nl)
    };
    let body = *services.by_name.get(name)?;
    if !cx.is_mapping(body) || cx.anchored(body) {
        return None;
    }
    match remedy {
        Remedy::NoNewPrivileges => no_new_privileges(&cx, body),
        Remedy::DropAllCapabilities => cx.add_to_list(body, "cap_drop", "ALL").map(|e| vec![e]),
        Remedy::ReadOnlyRoot => {
            let mut out = vec![cx.set_scalar(body, "read_only", "true")?];
            let tmp_mounted = c
                .mounts
                .iter()
                .any(|m| m.target.trim_end_matches('/') == "/tmp");
            if !tmp_mounted && cx.lookup(body, "tmpfs").is_none() {
                out.push(cx.add_entries(body, &[("tmpfs", Value::List(vec!["/tmp".into()]))])?);
            }
            Some(out)
        }
        Remedy::ResourceLimits => resource_limits(&cx, body, c),
        Remedy::PidsLimit => match cx.limits(body) {
            Some(limits) => cx.set_scalars(limits, &[("pids", PIDS_LIMIT.to_string())]),
            None => cx.set_scalars(body, &[("pids_limit", PIDS_LIMIT.to_string())]),
        },
        Remedy::BindReadOnly { mount } => bind_read_only(&cx, body, c, *mount),
        Remedy::PublishOnLoopback { port } => publish_on_loopback(&cx, body, c, *port),
        Remedy::RemovePrivileged => cx.remove_entry(body, "privileged").map(|e| vec![e]),
        Remedy::SetUser { .. } => None,
    }
}

/// `no-new-privileges:true` in `security_opt`: a `no-new-privileges:false`
/// item is switched on, not contradicted.
fn no_new_privileges(cx: &Cx<'_>, body: NodeId) -> Option<Vec<TextEdit>> {
    if let Some((_, list)) = cx.own(body, "security_opt") {
        let items = cx.items(list)?;
        for item in items {
            let value = cx.scalar(item)?;
            if runtime::classify_security_opt(value) == SecurityOpt::NoNewPrivileges(false) {
                return Some(vec![cx.replace_scalar(item, "no-new-privileges:true")?]);
            }
        }
    }
    cx.add_to_list(body, "security_opt", "no-new-privileges:true")
        .map(|e| vec![e])
}

/// The missing memory and CPU limits, under `deploy.resources.limits` when
/// the service has one, as the service's own keys otherwise.
fn resource_limits(cx: &Cx<'_>, body: NodeId, c: &Container) -> Option<Vec<TextEdit>> {
    let mut want = Vec::new();
    match cx.limits(body) {
        Some(limits) => {
            if c.memory_limit.is_none() {
                want.push(("memory", MEMORY_LIMIT.to_ascii_uppercase()));
            }
            if c.cpu_limit.is_none() {
                want.push(("cpus", format!("\"{CPU_LIMIT}\"")));
            }
            cx.set_scalars(limits, &want)
        }
        None => {
            if c.memory_limit.is_none() {
                want.push(("mem_limit", MEMORY_LIMIT.to_string()));
            }
            if c.cpu_limit.is_none() {
                want.push(("cpus", CPU_LIMIT.to_string()));
            }
            cx.set_scalars(body, &want)
        }
    }
}

/// `:ro` on a short-syntax volume, `read_only: true` on a long one.
fn bind_read_only(cx: &Cx<'_>, body: NodeId, c: &Container, mount: usize) -> Option<Vec<TextEdit>> {
    let m = c.mounts.get(mount)?;
    if m.kind != MountKind::Bind || m.origin.anchor.is_some() {
        return None;
    }
    let item = cx.own_item(body, "volumes", m.origin.span)?;
    if let Some(spec) = cx.scalar(item) {
        let at = cx.scalar_value_end(item)?;
        return Some(vec![TextEdit::insert(
            cx.file.id,
            at,
            runtime::read_only_volume_suffix(spec),
        )]);
    }
    cx.set_scalars(item, &[("read_only", "true".into())])
}

/// A published port bound to the loopback address: in a short-syntax
/// spec, or as the long syntax's `host_ip`.
fn publish_on_loopback(
    cx: &Cx<'_>,
    body: NodeId,
    c: &Container,
    port: usize,
) -> Option<Vec<TextEdit>> {
    let p = c.ports.get(port)?;
    if p.origin.anchor.is_some() {
        return None;
    }
    let item = cx.own_item(body, "ports", p.origin.span)?;
    if let Some(spec) = cx.scalar(item) {
        let start = cx.scalar_value_start(item)?;
        return loopback_edit(cx.file, spec, start).map(|e| vec![e]);
    }
    match cx.own(item, "host_ip") {
        Some((_, ip)) => {
            let ip_text = cx
                .scalar(ip)?
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']');
            let new = if ip_text.contains(':') {
                "\"::1\""
            } else {
                "127.0.0.1"
            };
            Some(vec![TextEdit::replace(cx.file.id, cx.span(ip), new)])
        }
        None => cx.set_scalars(item, &[("host_ip", "127.0.0.1".into())]),
    }
}

/// `8080:80` → `127.0.0.1:8080:80`, `3000` → `127.0.0.1::3000`,
/// `0.0.0.0:8080:80` → `127.0.0.1:8080:80`, `[::]:8080:80` → `[::1]:8080:80`.
/// `start` is where the spec's text begins in the file.
pub(crate) fn loopback_edit(file: &SourceFile, spec: &str, start: usize) -> Option<TextEdit> {
    let parsed = runtime::parse_port(spec);
    match parsed.host_ip.as_deref() {
        None => {
            let prefix = if parsed.host_port.is_some() {
                "127.0.0.1:"
            } else {
                "127.0.0.1::"
            };
            Some(TextEdit::insert(file.id, start, prefix))
        }
        Some(_) if spec.starts_with("0.0.0.0:") => Some(TextEdit::replace(
            file.id,
            Span::new(start, start + 7),
            "127.0.0.1",
        )),
        Some(_) if spec.starts_with("[::]:") => Some(TextEdit::replace(
            file.id,
            Span::new(start, start + 4),
            "[::1]",
        )),
        Some(_) => None,
    }
}

impl<'a> Cx<'a> {
    /// A context for `doc` of `file`, whose line ending is `nl` (read once
    /// per file: [`super::newline`] reads the whole text).
    pub(crate) fn with_newline(
        file: &'a SourceFile,
        doc: &'a Document,
        nl: &'static str,
    ) -> Cx<'a> {
        Cx {
            file,
            text: &file.text,
            doc,
            nl,
            services: None,
        }
    }
    fn kind(&self, id: NodeId) -> &'a NodeKind {
        &self.doc.node(id).kind
    }
    pub(crate) fn span(&self, id: NodeId) -> Span {
        self.doc.node(id).span
    }
    pub(crate) fn anchored(&self, id: NodeId) -> bool {
        self.doc.node(id).anchor.is_some()
    }
    pub(crate) fn is_mapping(&self, id: NodeId) -> bool {
        matches!(self.kind(id), NodeKind::Mapping(_))
    }
    /// A flow collection (`{…}` / `[…]`) rather than a block one.
    pub(crate) fn is_flow(&self, id: NodeId) -> bool {
        matches!(
            self.text.as_bytes().get(self.span(id).start as usize),
            Some(b'{' | b'[')
        )
    }
    /// The scalar value of a node written here (not through an alias).
    pub(crate) fn scalar(&self, id: NodeId) -> Option<&'a str> {
        match self.kind(id) {
            NodeKind::Scalar { value, .. } => Some(value.as_str()),
            _ => None,
        }
    }
    /// An entry written in this mapping itself (not merged, not through an alias).
    pub(crate) fn own(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        match self.kind(map) {
            NodeKind::Mapping(pairs) => pairs
                .iter()
                .copied()
                .find(|&(k, _)| self.scalar(k) == Some(key)),
            _ => None,
        }
    }
    /// The value of `key` as compose sees it (own entries, then merge keys).
    fn lookup(&self, map: NodeId, key: &str) -> Option<NodeRef<'a>> {
        NodeRef {
            doc: self.doc,
            id: map,
            via: None,
        }
        .value(key)
    }
    /// Items of a sequence written here; `None` for anything else.
    fn items(&self, seq: NodeId) -> Option<Vec<NodeId>> {
        match self.kind(seq) {
            NodeKind::Sequence(items) => Some(items.clone()),
            _ => None,
        }
    }
    /// The item of the service's own `key` list written at `span`.
    fn own_item(&self, body: NodeId, key: &str, span: Span) -> Option<NodeId> {
        let (_, list) = self.own(body, key)?;
        if self.anchored(list) {
            return None;
        }
        self.items(list)?
            .into_iter()
            .find(|&i| self.span(i) == span && !self.anchored(i))
    }
    /// Indentation (in bytes) of a block collection starting at `start`:
    /// the text before it on its line must be spaces (and the `- ` of a
    /// sequence item).
    fn block_indent(&self, start: usize) -> Option<usize> {
        let prefix = line_prefix(self.text, start);
        prefix
            .bytes()
            .all(|b| b == b' ' || b == b'-')
            .then_some(prefix.len())
    }
    /// `deploy.resources.limits` when the service writes it as block mappings of its own.
    fn limits(&self, body: NodeId) -> Option<NodeId> {
        let (_, deploy) = self.own(body, "deploy")?;
        let (_, resources) = self.own(deploy, "resources")?;
        let (_, limits) = self.own(resources, "limits")?;
        let plain = |id| self.is_mapping(id) && !self.anchored(id) && !self.is_flow(id);
        (plain(deploy) && plain(resources) && plain(limits)).then_some(limits)
    }
    /// Where a plain or quoted scalar's value text starts and ends in the
    /// file, when the text between the quotes is exactly the value.
    fn scalar_value_bounds(&self, id: NodeId) -> Option<(usize, usize)> {
        let node = self.doc.node(id);
        let NodeKind::Scalar { value, style } = &node.kind else {
            return None;
        };
        let raw = node.span.slice(self.text);
        let (s, e) = (node.span.start as usize, node.span.end as usize);
        let (s, e) = match style {
            ScalarStyle::Plain => (s, e),
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if raw.len() >= 2 => {
                (s + 1, e - 1)
            }
            _ => return None,
        };
        (self.text.get(s..e) == Some(value.as_str()) && !value.is_empty()).then_some((s, e))
    }
    fn scalar_value_start(&self, id: NodeId) -> Option<usize> {
        self.scalar_value_bounds(id).map(|(s, _)| s)
    }
    fn scalar_value_end(&self, id: NodeId) -> Option<usize> {
        self.scalar_value_bounds(id).map(|(_, e)| e)
    }
    /// Replace a scalar with `value`, keeping its quotes.
    fn replace_scalar(&self, id: NodeId, value: &str) -> Option<TextEdit> {
        let (s, e) = self.scalar_value_bounds(id)?;
        Some(TextEdit::replace(self.file.id, Span::new(s, e), value))
    }

    /// Add `item` to the service's own `key` list, or create the list.
    fn add_to_list(&self, body: NodeId, key: &str, item: &str) -> Option<TextEdit> {
        match self.own(body, key) {
            Some((_, list)) => self.append_item(list, item),
            // Overriding a merged list would drop its items.
            None if self.lookup(body, key).is_some() => None,
            None => self.add_entries(body, &[(key, Value::List(vec![item.to_string()]))]),
        }
    }

    /// Append an item to a sequence written here.
    pub(crate) fn append_item(&self, list: NodeId, item: &str) -> Option<TextEdit> {
        if self.anchored(list) {
            return None;
        }
        let items = self.items(list)?;
        let span = self.span(list);
        if self.is_flow(list) {
            let close = (span.end as usize).saturating_sub(1);
            if span.len() < 2 || self.text.as_bytes().get(close) != Some(&b']') {
                return None;
            }
            let inner = &self.text[span.start as usize + 1..close];
            let item = flow_scalar(item);
            if items.is_empty() && inner.trim().is_empty() {
                return Some(TextEdit::insert(self.file.id, close, item));
            }
            let last = span.start as usize + 1 + inner.trim_end().len();
            let sep = if self.text.as_bytes()[last - 1] == b',' {
                " "
            } else {
                ", "
            };
            return Some(TextEdit::insert(self.file.id, last, format!("{sep}{item}")));
        }
        // Block: one more `- item` line, at the first item's indentation.
        let indent = self.block_indent(span.start as usize)?;
        if !line_prefix(self.text, span.start as usize)
            .bytes()
            .all(|b| b == b' ')
            || items.is_empty()
        {
            return None;
        }
        let at = line_end(self.text, span.end as usize);
        Some(TextEdit::insert(
            self.file.id,
            at,
            format!("{}{}- {item}", self.nl, " ".repeat(indent)),
        ))
    }

    /// Set scalar entries of a mapping: replace own values, add the others
    /// (one edit; `None` if any cannot be made).
    pub(crate) fn set_scalars(
        &self,
        map: NodeId,
        entries: &[(&str, String)],
    ) -> Option<Vec<TextEdit>> {
        let mut out = Vec::new();
        let mut new = Vec::new();
        for (key, value) in entries {
            match self.own(map, key) {
                Some((_, v)) => {
                    if self.anchored(v) || self.scalar(v).is_none() {
                        return None;
                    }
                    out.push(TextEdit::replace(self.file.id, self.span(v), value.clone()));
                }
                None => new.push((*key, Value::Scalar(value.clone()))),
            }
        }
        if !new.is_empty() {
            out.push(self.add_entries(map, &new)?);
        }
        (!out.is_empty()).then_some(out)
    }

    fn set_scalar(&self, map: NodeId, key: &str, value: &str) -> Option<TextEdit> {
        let mut edits = self.set_scalars(map, &[(key, value.to_string())])?;
        (edits.len() == 1).then(|| edits.remove(0))
    }

    /// Insert new entries into a mapping written here.
    pub(crate) fn add_entries(&self, map: NodeId, entries: &[(&str, Value)]) -> Option<TextEdit> {
        if !self.is_mapping(map) || self.anchored(map) {
            return None;
        }
        let span = self.span(map);
        if self.is_flow(map) {
            let close = (span.end as usize).saturating_sub(1);
            if span.len() < 2 || self.text.as_bytes().get(close) != Some(&b'}') {
                return None;
            }
            let rendered: Vec<String> = entries.iter().map(|(k, v)| render_flow(k, v)).collect();
            let inner = &self.text[span.start as usize + 1..close];
            if inner.trim().is_empty() {
                return Some(TextEdit::insert(self.file.id, close, rendered.join(", ")));
            }
            let last = span.start as usize + 1 + inner.trim_end().len();
            let sep = if self.text.as_bytes()[last - 1] == b',' {
                " "
            } else {
                ", "
            };
            return Some(TextEdit::insert(
                self.file.id,
                last,
                format!("{sep}{}", rendered.join(", ")),
            ));
        }
        let indent = self.block_indent(span.start as usize)?;
        let nl = self.nl;
        let (step, seq_off) = (self.mapping_step(map), self.sequence_offset(map));
        let mut block = String::new();
        for (k, v) in entries {
            render_block(&mut block, indent, step, seq_off, k, v, nl);
        }
        // A mapping that is a list item or nested deeper gets its entries at
        // the end of its last line; a service's after that line, so that a
        // nested insertion at the same place stays inside its own mapping.
        let nested =
            line_prefix(self.text, span.start as usize).contains('-') || !self.is_service(map);
        if nested {
            let at = line_end(self.text, span.end as usize);
            let block = block.strip_suffix(nl).unwrap_or(&block);
            return Some(TextEdit::insert(self.file.id, at, format!("{nl}{block}")));
        }
        let at = next_line_start(self.text, span.end as usize)?;
        Some(TextEdit::insert(self.file.id, at, block))
    }

    /// How far this file indents a nested block mapping past its key, read
    /// from one of the mapping's own entries; 2 by default.
    fn mapping_step(&self, map: NodeId) -> usize {
        let NodeKind::Mapping(pairs) = self.kind(map) else {
            return 2;
        };
        pairs
            .iter()
            .find_map(|&(k, v)| {
                if !self.is_mapping(v) || self.is_flow(v) {
                    return None;
                }
                let (ks, vs) = (self.span(k).start as usize, self.span(v).start as usize);
                let (kl, vl) = (line_start(self.text, ks), line_start(self.text, vs));
                (kl != vl && vs - vl > ks - kl).then(|| (vs - vl) - (ks - kl))
            })
            .unwrap_or(2)
    }

    /// Is this mapping a service body (a value of the top-level `services`)?
    fn is_service(&self, map: NodeId) -> bool {
        if let Some(s) = self.services {
            return s.bodies.contains(&map);
        }
        let Some(root) = self.doc.root else {
            return false;
        };
        let Some((_, services)) = self.own(root, "services") else {
            return false;
        };
        match self.kind(services) {
            NodeKind::Mapping(pairs) => pairs.iter().any(|&(_, v)| v == map),
            _ => false,
        }
    }

    /// How far `- item` lines are indented past their key in a block
    /// sequence of this mapping, if it has one.
    fn own_sequence_offset(&self, m: NodeId) -> Option<usize> {
        let key_col = |k: NodeId| {
            self.span(k).start as usize - line_start(self.text, self.span(k).start as usize)
        };
        let NodeKind::Mapping(pairs) = self.kind(m) else {
            return None;
        };
        pairs.iter().find_map(|&(k, v)| {
            if !matches!(self.kind(v), NodeKind::Sequence(_)) || self.is_flow(v) {
                return None;
            }
            let dash = self.span(v).start as usize;
            let dash_col = dash - line_start(self.text, dash);
            (line_start(self.text, dash) != line_start(self.text, self.span(k).start as usize))
                .then(|| dash_col.saturating_sub(key_col(k)))
        })
    }

    /// How far this file indents `- item` lines past their key, read from
    /// a block sequence of the mapping (or of any service); 2 by default.
    fn sequence_offset(&self, map: NodeId) -> usize {
        if let Some(off) = self.own_sequence_offset(map) {
            return off;
        }
        if let Some(s) = self.services {
            return s.sequence_offset.unwrap_or(2);
        }
        if let Some((_, services)) = self.doc.root.and_then(|r| self.own(r, "services")) {
            if let NodeKind::Mapping(pairs) = self.kind(services) {
                if let Some(off) = pairs.iter().find_map(|&(_, v)| self.own_sequence_offset(v)) {
                    return off;
                }
            }
        }
        2
    }

    /// Remove an entry with its line(s): a block mapping entry alone on its
    /// line(s), whose value is a scalar, in a mapping with other entries.
    fn remove_entry(&self, map: NodeId, key: &str) -> Option<TextEdit> {
        let (k, v) = self.own(map, key)?;
        let NodeKind::Mapping(pairs) = self.kind(map) else {
            return None;
        };
        if self.is_flow(map)
            || self.anchored(map)
            || pairs.len() < 2
            || self.scalar(v).is_none()
            || self.anchored(v)
        {
            return None;
        }
        let ks = self.span(k).start as usize;
        if !line_prefix(self.text, ks).bytes().all(|b| b == b' ') {
            return None;
        }
        let ve = self.span(v).end as usize;
        let rest = &self.text[ve..line_end(self.text, ve)];
        let rest = rest.trim_start_matches([' ', '\t']);
        if !(rest.is_empty() || rest.starts_with('#')) {
            return None;
        }
        let start = line_start(self.text, ks);
        match next_line_start(self.text, ve) {
            Some(end) => Some(TextEdit::delete(self.file.id, Span::new(start, end))),
            // The last line of a file without a final line break: take the
            // line break before it instead.
            None if start > 0 => {
                let prev_end = line_end(self.text, start - 1);
                Some(TextEdit::delete(
                    self.file.id,
                    Span::new(prev_end, self.text.len()),
                ))
            }
            None => None,
        }
    }
}

/// A scalar for a flow collection: quoted unless it is a plain word.
fn flow_scalar(s: &str) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-'))
        && !s.starts_with('-')
    {
        s.to_string()
    } else {
        format!("\"{s}\"")
    }
}

#[cfg(test)]
mod tests;
