//! TOML as a [`crate::tree::Stream`] of one document with byte spans (for
//! Codex's `config.toml`), built from `toml_edit`'s span-keeping parse.
//!
//! # Conventions
//!
//! * The document is always one [`Document`] whose root is a mapping (a TOML
//!   file is a table), even for an empty file.
//! * Tables — `[a.b]` headers, dotted keys (`a.b = 1`), inline tables,
//!   implicit parents — become nested mappings, arrays and arrays of tables
//!   (`[[x]]`) sequences. Entries keep `toml_edit`'s order (first appearance).
//! * Keys and string values (basic, literal, multi-line) are scalars of style
//!   [`ScalarStyle::DoubleQuoted`] with the decoded text: "not plain" always
//!   means "a string". Integers, floats, booleans and date-times are
//!   [`ScalarStyle::Plain`] scalars holding their literal source text
//!   (`1_000`, `0x1f`, `true`, `1979-05-27T07:32:00Z`).
//! * Spans: a key's span is the key as written (quotes included); a key that
//!   names a table in several headers (`mcp_servers` in `[mcp_servers.a]`
//!   and `[mcp_servers.b]`) points at its first occurrence. A value's span is
//!   its source text. A table's span covers its header (if any) and
//!   everything in it (for a table split over several headers that can
//!   include unrelated lines in between); the root's covers its entries.
//! * Comments (`#` to the end of the line, not in strings) are collected.
//! * TOML forbids duplicate keys, so they are a syntax error (reported in
//!   `error` by `toml_edit`), and `duplicate_keys` stays empty.
//! * On an error, `error` is set and no document is returned.
//! * Nesting is bounded by `toml_edit` (errors past 80 levels).

use toml_edit::{Array, ArrayOfTables, InlineTable, Item, Key, Table, Value};

use crate::tree::{Document, Node, NodeId, NodeKind, ScalarStyle, Stream};
use crate::{Span, SyntaxError};

/// Our own guard on recursion, in case `toml_edit` ever stops limiting depth.
const MAX_DEPTH: usize = 512;

/// Parse TOML. Tables become mappings, arrays sequences, values scalars
/// (strings double-quoted style, others plain). Never panics.
pub fn parse(text: &str) -> Stream {
    let mut stream = Stream::default();
    let parsed = match toml_edit::Document::parse(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            stream.error = Some(convert_error(text, error.message(), error.span()));
            return stream;
        }
    };
    let mut builder = Builder {
        text,
        doc: Document::default(),
        too_deep: None,
    };
    let root = builder.table(parsed.as_table(), None, 0);
    if let Some(at) = builder.too_deep {
        stream.error = Some(SyntaxError::new(
            format!("nesting deeper than {MAX_DEPTH} levels"),
            at,
        ));
        return stream;
    }
    builder.doc.root = Some(root);
    stream.documents.push(builder.doc);
    stream.comments = comments(text);
    stream
}

/// `toml_edit`'s error as ours. Its message is one line ("invalid basic
/// string, expected `\"`"); a missing span means the start of the file.
fn convert_error(text: &str, message: &str, span: Option<std::ops::Range<usize>>) -> SyntaxError {
    let span = match span {
        Some(range) => clamp(text, range),
        None => Span::empty(0),
    };
    let message = message.lines().next().unwrap_or("invalid TOML").trim();
    let message = if message.is_empty() {
        "invalid TOML"
    } else {
        message
    };
    SyntaxError::new(message, span)
}

/// A range as a span within the text, on char boundaries.
fn clamp(text: &str, range: std::ops::Range<usize>) -> Span {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

struct Builder<'t> {
    text: &'t str,
    doc: Document,
    /// Where recursion was cut off, if it was.
    too_deep: Option<Span>,
}

impl Builder<'_> {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Option<Span> {
        range.map(|range| clamp(self.text, range))
    }

    fn push(&mut self, kind: NodeKind, span: Span) -> NodeId {
        let id = NodeId(self.doc.nodes.len() as u32);
        self.doc.nodes.push(Node {
            kind,
            span,
            tag: None,
            anchor: None,
        });
        id
    }

    fn span_of(&self, id: NodeId) -> Span {
        self.doc.nodes[id.0 as usize].span
    }

    /// Set a collection's kind and its span: its own span (header, `[`…`]`)
    /// covered with its children's.
    fn finish(&mut self, id: NodeId, kind: NodeKind, own: Option<Span>, children: &[NodeId]) {
        let mut span = own;
        for &child in children {
            let child = self.span_of(child);
            span = Some(span.map_or(child, |s| s.cover(child)));
        }
        let node = &mut self.doc.nodes[id.0 as usize];
        node.kind = kind;
        node.span = span.unwrap_or_default();
    }

    fn key(&mut self, key: &Key, fallback: Span) -> NodeId {
        let span = self.span(key.span()).unwrap_or(fallback);
        self.push(
            NodeKind::Scalar {
                value: key.get().to_owned(),
                style: ScalarStyle::DoubleQuoted,
            },
            span,
        )
    }

    /// Placeholder for a subtree past [`MAX_DEPTH`].
    fn cut(&mut self, span: Option<Span>) -> NodeId {
        let span = span.unwrap_or_default();
        self.too_deep.get_or_insert(span);
        self.push(
            NodeKind::Scalar {
                value: String::new(),
                style: ScalarStyle::Plain,
            },
            span,
        )
    }

    /// A table (standard, implicit or dotted). `own` is its span (`None` for
    /// the root, whose `toml_edit` span is empty).
    fn table(&mut self, table: &Table, own: Option<Span>, depth: usize) -> NodeId {
        if depth > MAX_DEPTH {
            return self.cut(own);
        }
        let id = self.push(NodeKind::Mapping(Vec::new()), own.unwrap_or_default());
        let mut pairs = Vec::with_capacity(table.len());
        let mut children = Vec::with_capacity(table.len() * 2);
        for (name, _) in table.iter() {
            let Some((key, item)) = table.get_key_value(name) else {
                continue;
            };
            let fallback = own.unwrap_or_default();
            let key = self.key(key, fallback);
            let value = match item {
                Item::None => continue,
                Item::Value(value) => self.value(value, depth + 1),
                Item::Table(inner) => {
                    let span = self.span(inner.span());
                    self.table(inner, span, depth + 1)
                }
                Item::ArrayOfTables(array) => self.array_of_tables(array, depth + 1),
            };
            pairs.push((key, value));
            children.extend([key, value]);
        }
        self.finish(id, NodeKind::Mapping(pairs), own, &children);
        id
    }

    fn array_of_tables(&mut self, array: &ArrayOfTables, depth: usize) -> NodeId {
        let own = self.span(array.span());
        if depth > MAX_DEPTH {
            return self.cut(own);
        }
        let id = self.push(NodeKind::Sequence(Vec::new()), own.unwrap_or_default());
        let mut items = Vec::with_capacity(array.len());
        for table in array.iter() {
            let span = self.span(table.span());
            items.push(self.table(table, span, depth + 1));
        }
        self.finish(id, NodeKind::Sequence(items.clone()), own, &items);
        id
    }

    fn value(&mut self, value: &Value, depth: usize) -> NodeId {
        let own = self.span(value.span());
        if depth > MAX_DEPTH {
            return self.cut(own);
        }
        match value {
            Value::String(s) => {
                let kind = NodeKind::Scalar {
                    value: s.value().clone(),
                    style: ScalarStyle::DoubleQuoted,
                };
                self.push(kind, own.unwrap_or_default())
            }
            Value::Integer(_) | Value::Float(_) | Value::Boolean(_) | Value::Datetime(_) => {
                let literal = match own {
                    Some(span) if !span.is_empty() => span.slice(self.text).to_owned(),
                    _ => literal_fallback(value),
                };
                self.push(
                    NodeKind::Scalar {
                        value: literal,
                        style: ScalarStyle::Plain,
                    },
                    own.unwrap_or_default(),
                )
            }
            Value::Array(array) => self.array(array, own, depth),
            Value::InlineTable(table) => self.inline_table(table, own, depth),
        }
    }

    fn array(&mut self, array: &Array, own: Option<Span>, depth: usize) -> NodeId {
        let id = self.push(NodeKind::Sequence(Vec::new()), own.unwrap_or_default());
        let items: Vec<NodeId> = array
            .iter()
            .map(|item| self.value(item, depth + 1))
            .collect();
        self.finish(id, NodeKind::Sequence(items.clone()), own, &items);
        id
    }

    fn inline_table(&mut self, table: &InlineTable, own: Option<Span>, depth: usize) -> NodeId {
        let id = self.push(NodeKind::Mapping(Vec::new()), own.unwrap_or_default());
        let mut pairs = Vec::with_capacity(table.len());
        let mut children = Vec::with_capacity(table.len() * 2);
        for (name, _) in table.iter() {
            let Some((key, item)) = table.get_key_value(name) else {
                continue;
            };
            let key = self.key(key, own.unwrap_or_default());
            let value = match item {
                Item::Value(value) => self.value(value, depth + 1),
                Item::Table(inner) => {
                    let span = self.span(inner.span());
                    self.table(inner, span, depth + 1)
                }
                Item::ArrayOfTables(array) => self.array_of_tables(array, depth + 1),
                Item::None => continue,
            };
            pairs.push((key, value));
            children.extend([key, value]);
        }
        self.finish(id, NodeKind::Mapping(pairs), own, &children);
        id
    }
}

/// A scalar's text when it has no source span (never for parsed input).
fn literal_fallback(value: &Value) -> String {
    match value {
        Value::Integer(v) => v.value().to_string(),
        Value::Float(v) => v.value().to_string(),
        Value::Boolean(v) => v.value().to_string(),
        Value::Datetime(v) => v.value().to_string(),
        Value::String(v) => v.value().clone(),
        Value::Array(_) | Value::InlineTable(_) => String::new(),
    }
}

/// Spans of every comment (`#` to the end of its line, without the line
/// break), skipping strings. Only run on text `toml_edit` accepted, so
/// strings are well-formed; stays linear and in bounds regardless.
fn comments(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                let end = if i > start && bytes[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                out.push(Span::new(start, end));
            }
            quote @ (b'"' | b'\'') => {
                let escapes = quote == b'"';
                if bytes[i..].starts_with(&[quote; 3]) {
                    // Multi-line string: ends at the first unescaped triple
                    // quote, plus up to two more quotes that belong to it.
                    i += 3;
                    loop {
                        if i >= bytes.len() {
                            break;
                        }
                        if escapes && bytes[i] == b'\\' {
                            i += 2;
                        } else if bytes[i..].starts_with(&[quote; 3]) {
                            i += 3;
                            let mut extra = 0;
                            while extra < 2 && bytes.get(i) == Some(&quote) {
                                i += 1;
                                extra += 1;
                            }
                            break;
                        } else {
                            i += 1;
                        }
                    }
                } else {
                    i += 1;
                    while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                        i += if escapes && bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::NodeRef;
    use crate::LineIndex;

    const CODEX: &str = r#"[mcp_servers.github]
command = "docker"
args = ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"]
env = { "GITHUB_PERSONAL_ACCESS_TOKEN" = "ghp_xxx" }
"#;

    fn root(stream: &Stream) -> NodeRef<'_> {
        assert!(
            stream.error.is_none(),
            "unexpected error: {:?}",
            stream.error
        );
        assert_eq!(stream.documents.len(), 1);
        stream.documents[0].root().expect("root")
    }

    fn line_col(text: &str, offset: u32) -> (u32, u32) {
        let lc = LineIndex::new(text).line_col(text, offset);
        (lc.line, lc.column)
    }

    #[test]
    fn toml_codex_config_with_spans() {
        let stream = parse(CODEX);
        let root = root(&stream);
        let (servers_key, servers) = root.get("mcp_servers").unwrap();
        assert_eq!(servers_key.node().span.slice(CODEX), "mcp_servers");
        let (github_key, github) = servers.get("github").unwrap();
        assert_eq!(github_key.node().span.slice(CODEX), "github");
        assert!(github
            .node()
            .span
            .slice(CODEX)
            .starts_with("[mcp_servers.github]\ncommand"));
        assert!(github.node().span.slice(CODEX).ends_with("\"ghp_xxx\" }"));

        let (command_key, command) = github.get("command").unwrap();
        assert_eq!(command_key.node().span.slice(CODEX), "command");
        assert_eq!(command.as_str(), Some("docker"));
        assert_eq!(command.node().span.slice(CODEX), "\"docker\"");
        assert_eq!(
            command.node().kind,
            NodeKind::Scalar {
                value: "docker".into(),
                style: ScalarStyle::DoubleQuoted
            }
        );

        let args = github.value("args").unwrap();
        assert!(args.node().span.slice(CODEX).starts_with("[\"run\""));
        let items = args.items();
        assert_eq!(items.len(), 6);
        assert_eq!(items[5].as_str(), Some("ghcr.io/github/github-mcp-server"));
        assert_eq!(
            items[5].node().span.slice(CODEX),
            "\"ghcr.io/github/github-mcp-server\""
        );
        assert_eq!(line_col(CODEX, items[5].node().span.start), (3, 68));

        let env = github.value("env").unwrap();
        assert!(env.is_mapping());
        assert_eq!(
            env.node().span.slice(CODEX),
            "{ \"GITHUB_PERSONAL_ACCESS_TOKEN\" = \"ghp_xxx\" }"
        );
        let (key, token) = env.get("GITHUB_PERSONAL_ACCESS_TOKEN").unwrap();
        assert_eq!(
            key.node().span.slice(CODEX),
            "\"GITHUB_PERSONAL_ACCESS_TOKEN\""
        );
        assert_eq!(token.as_str(), Some("ghp_xxx"));
        assert_eq!(line_col(CODEX, token.node().span.start), (4, 42));
        assert!(stream.comments.is_empty());
        assert!(stream.duplicate_keys.is_empty());
    }

    #[test]
    fn toml_scalars_literal_text_and_strings() {
        let text = "a = 1_000\nb = 0x1F\nc = 6.5e-1\nd = true\ne = false\nf = 1979-05-27T07:32:00Z\n\
                    g = 'lit\\eral'\nh = \"\"\"\nmulti\\\n  line\"\"\"\ni = '''raw\nx'''\nj = \"true\"\nk = inf\n";
        let stream = parse(text);
        let root = root(&stream);
        let get = |k: &str| root.value(k).unwrap();
        assert_eq!(get("a").as_str(), Some("1_000"));
        assert_eq!(get("b").as_str(), Some("0x1F"));
        assert_eq!(get("c").as_str(), Some("6.5e-1"));
        assert_eq!(get("d").as_bool(), Some(true));
        assert_eq!(get("e").as_bool(), Some(false));
        assert_eq!(get("f").as_str(), Some("1979-05-27T07:32:00Z"));
        assert_eq!(get("f").node().span.slice(text), "1979-05-27T07:32:00Z");
        assert_eq!(get("g").as_str(), Some("lit\\eral"));
        assert_eq!(get("g").node().span.slice(text), "'lit\\eral'");
        assert_eq!(get("h").as_str(), Some("multiline"));
        assert_eq!(get("i").as_str(), Some("raw\nx"));
        assert_eq!(get("j").as_bool(), None);
        assert_eq!(get("j").as_str(), Some("true"));
        assert_eq!(get("k").as_str(), Some("inf"));
        for key in ["g", "h", "i", "j"] {
            assert!(matches!(
                get(key).node().kind,
                NodeKind::Scalar {
                    style: ScalarStyle::DoubleQuoted,
                    ..
                }
            ));
        }
        for key in ["a", "d", "f", "k"] {
            assert!(matches!(
                get(key).node().kind,
                NodeKind::Scalar {
                    style: ScalarStyle::Plain,
                    ..
                }
            ));
        }
    }

    #[test]
    fn toml_inline_tables_arrays_and_dotted_keys() {
        let text = "srv.a.command = \"x\"\nsrv.a.env.K = \"v\"\n\
                    [t]\nnested = [[1, 2], [\"a\"], []]\ninline = { a.b = 1, c = { d = [ { e = 'f' } ] } }\n";
        let stream = parse(text);
        let root = root(&stream);
        let a = root.value("srv").unwrap().value("a").unwrap();
        assert_eq!(a.value("command").unwrap().as_str(), Some("x"));
        let (k, v) = a.value("env").unwrap().get("K").unwrap();
        assert_eq!(k.node().span.slice(text), "K");
        assert_eq!(v.node().span.slice(text), "\"v\"");
        // A dotted table spans its keys and values.
        assert_eq!(
            a.node().span.slice(text),
            "a.command = \"x\"\nsrv.a.env.K = \"v\""
        );

        let t = root.value("t").unwrap();
        let nested = t.value("nested").unwrap();
        assert_eq!(nested.node().span.slice(text), "[[1, 2], [\"a\"], []]");
        assert_eq!(nested.items()[0].items()[1].as_str(), Some("2"));
        assert_eq!(nested.items()[1].items()[0].as_str(), Some("a"));
        assert!(nested.items()[2].is_sequence());

        let inline = t.value("inline").unwrap();
        assert_eq!(
            inline.value("a").unwrap().value("b").unwrap().as_str(),
            Some("1")
        );
        let e = inline.value("c").unwrap().value("d").unwrap().items()[0]
            .value("e")
            .unwrap();
        assert_eq!(e.as_str(), Some("f"));
        assert_eq!(e.node().span.slice(text), "'f'");
    }

    #[test]
    fn toml_array_of_tables_and_split_tables() {
        let text = "[[servers]]\nname = \"a\"\n\n[other]\nx = 1\n\n[[servers]]\nname = \"b\"\n\n\
                    [mcp_servers.one]\ncommand = \"docker\"\n[mid]\n[mcp_servers.two]\ncommand = \"podman\"\n";
        let stream = parse(text);
        let root = root(&stream);
        let servers = root.value("servers").unwrap();
        assert!(servers.is_sequence());
        let items = servers.items();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].value("name").unwrap().as_str(), Some("a"));
        assert_eq!(
            items[1].node().span.slice(text),
            "[[servers]]\nname = \"b\""
        );
        let mcp = root.value("mcp_servers").unwrap();
        let names: Vec<&str> = mcp
            .entries()
            .iter()
            .map(|(k, _)| k.as_str().unwrap())
            .collect();
        assert_eq!(names, ["one", "two"]);
        let two = mcp.value("two").unwrap().value("command").unwrap();
        assert_eq!(line_col(text, two.node().span.start), (14, 11));
    }

    #[test]
    fn toml_comments_skip_strings() {
        let text = "# head\na = \"#no\" # yes\r\nb = '#no'\nc = \"\"\"\n# no\n\"\"\"  # tail\nd = '''x\n#no''' #\n";
        let stream = parse(text);
        root(&stream);
        let comments: Vec<&str> = stream.comments.iter().map(|c| c.slice(text)).collect();
        assert_eq!(comments, ["# head", "# yes", "# tail", "#"]);
    }

    #[test]
    fn toml_errors_have_positions() {
        let text = "[a]\nb = \"x\"\nb = \"y\"\n";
        let stream = parse(text);
        let error = stream.error.expect("duplicate key");
        assert!(stream.documents.is_empty());
        assert!(error.message.contains("duplicate"), "{}", error.message);
        assert_eq!(line_col(text, error.span.start).0, 3);

        let text = "[mcp_servers.x]\ncommand = \"docker\nargs = []\n";
        let error = parse(text).error.expect("unterminated string");
        assert_eq!(line_col(text, error.span.start).0, 2);
        assert!(!error.message.is_empty() && !error.message.contains('\n'));

        let text = "a = [1, 2\nb = 3";
        let error = parse(text).error.expect("unterminated array");
        assert!(error.span.end as usize <= text.len());

        let text = "key = \n";
        assert!(parse(text).error.is_some());
    }

    #[test]
    fn toml_empty_bom_and_deep_nesting() {
        for text in ["", "  \n", "# only a comment\n"] {
            let stream = parse(text);
            let root = root(&stream);
            assert!(root.is_mapping() && root.entries().is_empty());
        }
        let text = "\u{feff}a = \"b\"\n";
        let stream = parse(text);
        let (key, value) = root(&stream).entries()[0];
        assert_eq!(key.node().span.slice(text), "a");
        assert_eq!(value.node().span.slice(text), "\"b\"");

        for text in [
            format!("a = {}", "[".repeat(10_000)),
            format!("a = {}", "{b=".repeat(10_000)),
            format!("[{}]", vec!["a"; 10_000].join(".")),
            format!("{} = 1", vec!["a"; 10_000].join(".")),
        ] {
            let stream = parse(&text);
            assert!(stream.error.is_some());
        }
    }

    #[test]
    fn toml_garbage_does_not_panic() {
        let samples = [
            "[",
            "]",
            "[[",
            "[a",
            "[[a]",
            "=",
            "a =",
            "a = \"",
            "a = '''",
            "a = \"\"\"",
            "a = {",
            "a = [",
            "a.=1",
            "\"\" = 1",
            "a = 1979-13-99",
            "a = 0x",
            "a = \"\\u00\"",
            "\u{0}",
            "é = 1",
            "a = 1\n[a]",
            "[a]\n[a]",
            "a = { b = 1, }",
            "a = [1,,]",
            "\r",
            "a = 1 b = 2",
            "[[a]]\n[a]",
        ];
        for sample in samples {
            let _ = parse(sample);
        }
        for (i, _) in CODEX.char_indices() {
            let _ = parse(&CODEX[..i]);
        }
        let alphabet: Vec<char> = "[]{}\"'=.,#\\ \na1é_-:".chars().collect();
        let mut seed = 99u64;
        for _ in 0..2000 {
            let mut s = String::new();
            for _ in 0..24 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let stream = parse(&s);
            for doc in &stream.documents {
                for node in &doc.nodes {
                    assert!(s.get(node.span.range()).is_some(), "{s:?}");
                }
            }
            for comment in &stream.comments {
                assert!(s.get(comment.range()).is_some(), "{s:?}");
            }
        }
    }

    #[test]
    fn toml_large_input() {
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!(
                "[mcp_servers.s{i}]\ncommand = \"docker\" # c\nargs = [\"run\", \"img{i}\"]\n"
            ));
        }
        let started = std::time::Instant::now();
        let stream = parse(&text);
        assert_eq!(
            root(&stream).value("mcp_servers").unwrap().entries().len(),
            20_000
        );
        assert_eq!(stream.comments.len(), 20_000);
        assert!(started.elapsed().as_secs() < 10);
    }
}
