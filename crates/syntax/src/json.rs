//! JSON with comments and trailing commas (JSONC), as a [`crate::tree::Stream`]
//! of one document, so every normaliser reads JSON, YAML and TOML through the
//! same [`crate::tree::NodeRef`] API with byte spans.
//!
//! Built on `jsonc-parser`'s AST, which carries byte ranges on every node.
//!
//! # Conventions
//!
//! * Objects become [`NodeKind::Mapping`]s (entries in source order, every
//!   one kept even when a key repeats; see [`Stream::duplicate_keys`]), arrays
//!   [`NodeKind::Sequence`]s.
//! * Strings (values *and* keys) are scalars of style
//!   [`ScalarStyle::DoubleQuoted`] holding the decoded text; their span
//!   includes the quotes. This holds for the JSON5 extras jsonc-parser accepts
//!   too (single-quoted strings, unquoted keys): "not plain" always means
//!   "a string", so `is_null`/`as_bool` never fire on `"null"` or `"true"`.
//! * Numbers, `true`, `false` and `null` are [`ScalarStyle::Plain`] scalars
//!   holding their literal source text (`1e3`, `0x1F`, `null`), which is what
//!   [`crate::tree::NodeRef::is_null`] and `as_bool` expect.
//! * The parser is lenient the way editors are: comments, trailing commas,
//!   missing commas, unquoted keys, single-quoted strings, hex numbers.
//! * On a syntax error, `error` is set and **no document** is returned
//!   (jsonc-parser gives no partial tree); comments are not collected then.
//! * Empty input, or input with only whitespace and comments, gives zero
//!   documents and no error.
//! * A leading byte-order mark is skipped (spans still count its bytes).
//! * Nesting is limited to [`MAX_DEPTH`] levels, checked by a linear scan
//!   before parsing (jsonc-parser and the tree builder recurse per level).

use std::collections::HashMap;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Range;
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::{
    parse_to_ast, CollectOptions, CommentCollectionStrategy, ParseOptions, ParseStringErrorKind,
};

use crate::tree::{Document, Node, NodeId, NodeKind, ScalarStyle, Stream};
use crate::{Span, SyntaxError};

/// Deepest nesting of arrays and objects accepted. Real configuration files
/// stay far below; the limit keeps recursion (ours and the parser's) bounded.
pub const MAX_DEPTH: usize = 256;

/// Parse JSONC (`//` and `/* */` comments, trailing commas allowed). Strings
/// become double-quoted scalars, numbers/booleans/null plain scalars. On an
/// error, `Stream.error` is set with its position. Never panics.
pub fn parse(text: &str) -> Stream {
    let mut stream = Stream::default();
    // jsonc-parser does not treat U+FEFF as whitespace: parse after it and
    // shift every range back.
    let base = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let body = &text[base..];

    if let Some(error) = depth_error(body, base) {
        stream.error = Some(error);
        return stream;
    }

    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Separate,
        tokens: false,
    };
    let options = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: true,
        ..ParseOptions::default()
    };
    let result = match parse_to_ast(body, &collect, &options) {
        Ok(result) => result,
        Err(error) => {
            stream.error = Some(convert_error(text, base, &error));
            return stream;
        }
    };

    if let Some(comments) = &result.comments {
        // Each comment run is stored under two keys (before and after it).
        for run in comments.values() {
            for comment in run.iter() {
                let range = match comment {
                    jsonc_parser::ast::Comment::Line(c) => c.range,
                    jsonc_parser::ast::Comment::Block(c) => c.range,
                };
                stream.comments.push(shift(base, range));
            }
        }
        stream.comments.sort();
        stream.comments.dedup();
    }

    if let Some(value) = &result.value {
        let mut builder = Builder {
            base,
            doc: Document::default(),
            duplicates: Vec::new(),
        };
        let root = builder.value(value);
        builder.doc.root = Some(root);
        stream.documents.push(builder.doc);
        stream.duplicate_keys = builder.duplicates;
    }
    stream
}

/// A jsonc-parser range (relative to the text after the BOM) as our span.
fn shift(base: usize, range: Range) -> Span {
    let start = range.start.saturating_add(base);
    Span::new(start, range.end.saturating_add(base).max(start))
}

struct Builder {
    base: usize,
    doc: Document,
    duplicates: Vec<(Span, Span)>,
}

impl Builder {
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

    fn scalar(&mut self, value: String, style: ScalarStyle, range: Range) -> NodeId {
        let span = shift(self.base, range);
        self.push(NodeKind::Scalar { value, style }, span)
    }

    /// Add a value and its children (parents get lower ids than children, as
    /// in the YAML layer). Recursion depth is bounded by [`MAX_DEPTH`].
    fn value(&mut self, value: &Value<'_>) -> NodeId {
        match value {
            Value::StringLit(s) => {
                self.scalar(s.value.to_string(), ScalarStyle::DoubleQuoted, s.range)
            }
            Value::NumberLit(n) => self.scalar(n.value.to_owned(), ScalarStyle::Plain, n.range),
            Value::BooleanLit(b) => {
                let text = if b.value { "true" } else { "false" };
                self.scalar(text.to_owned(), ScalarStyle::Plain, b.range)
            }
            Value::NullKeyword(n) => self.scalar("null".to_owned(), ScalarStyle::Plain, n.range),
            Value::Array(array) => {
                let id = self.push(
                    NodeKind::Sequence(Vec::new()),
                    shift(self.base, array.range),
                );
                let items: Vec<NodeId> = array
                    .elements
                    .iter()
                    .map(|element| self.value(element))
                    .collect();
                self.doc.nodes[id.0 as usize].kind = NodeKind::Sequence(items);
                id
            }
            Value::Object(object) => {
                let id = self.push(
                    NodeKind::Mapping(Vec::new()),
                    shift(self.base, object.range),
                );
                let mut pairs = Vec::with_capacity(object.properties.len());
                let mut first: HashMap<&str, Span> = HashMap::new();
                for prop in &object.properties {
                    let (name, range) = match &prop.name {
                        ObjectPropName::String(s) => (s.value.as_ref(), s.range),
                        ObjectPropName::Word(w) => (w.value, w.range),
                    };
                    let key = self.scalar(name.to_owned(), ScalarStyle::DoubleQuoted, range);
                    let key_span = self.doc.nodes[key.0 as usize].span;
                    match first.get(name) {
                        Some(&earlier) => self.duplicates.push((key_span, earlier)),
                        None => {
                            first.insert(name, key_span);
                        }
                    }
                    let value = self.value(&prop.value);
                    pairs.push((key, value));
                }
                self.doc.nodes[id.0 as usize].kind = NodeKind::Mapping(pairs);
                id
            }
        }
    }
}

/// jsonc-parser's error as ours: its message (first letter lower-cased, no
/// "on line N column M" — the span carries the position) at its range. For
/// something left open (array, object, string, comment), whose range runs to
/// the end of the text, and for any range crossing a line break, the span is
/// shortened to the first character (the opening `[`, `{`, `"`, `/`).
fn convert_error(text: &str, base: usize, error: &ParseError) -> SyntaxError {
    let message = lower_first(&error.kind().to_string());
    let unterminated = matches!(
        error.kind(),
        ParseErrorKind::UnterminatedArray
            | ParseErrorKind::UnterminatedObject
            | ParseErrorKind::UnterminatedCommentBlock
            | ParseErrorKind::String(ParseStringErrorKind::UnterminatedStringLiteral)
    );
    let range = error.range();
    let start = range.start.saturating_add(base).min(text.len());
    let end = range.end.saturating_add(base).clamp(start, text.len());
    let span = match text.get(start..end) {
        Some(slice) if !unterminated && !slice.contains(['\n', '\r']) => Span::new(start, end),
        _ => first_char(text, start),
    };
    SyntaxError::new(message, span)
}

/// The span of the character at `at` (empty at the end of the text).
fn first_char(text: &str, at: usize) -> Span {
    let len = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    Span::new(at, at + len)
}

fn lower_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        // Keep acronyms ("NaN …") as they are.
        Some(c) if c.is_uppercase() && !chars.next().is_some_and(char::is_uppercase) => {
            let mut out: String = c.to_lowercase().collect();
            out.push_str(&message[c.len_utf8()..]);
            out
        }
        _ => message.to_owned(),
    }
}

/// A linear pre-scan for nesting deeper than [`MAX_DEPTH`], skipping strings
/// (double- and single-quoted, with backslash escapes) and comments the way
/// jsonc-parser's scanner does. `base` is added to reported offsets.
fn depth_error(body: &str, base: usize) -> Option<SyntaxError> {
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let at = base + i;
                    return Some(SyntaxError::new(
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        Span::new(at, at + 1),
                    ));
                }
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::NodeRef;
    use crate::LineIndex;

    const VSCODE: &str = r#"{
  // Docker management server
  "inputs": [{"type": "promptString", "id": "token", "password": true}],
  "servers": {
    "docker": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-v", "/var/run/docker.sock:/var/run/docker.sock", "ghcr.io/example/docker-mcp:0.3.1"],
      "env": {"API_TOKEN": "${input:token}"},
    }
  }
}
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
    fn json_vscode_example_with_comment_and_trailing_comma() {
        let stream = parse(VSCODE);
        let root = root(&stream);
        assert!(root.is_mapping());
        assert_eq!(root.node().span.slice(VSCODE), VSCODE.trim_end());

        let docker = root.value("servers").unwrap().value("docker").unwrap();
        let (command_key, command) = docker.get("command").unwrap();
        assert_eq!(command_key.node().span.slice(VSCODE), "\"command\"");
        assert_eq!(command.as_str(), Some("docker"));
        assert_eq!(command.node().span.slice(VSCODE), "\"docker\"");
        assert_eq!(
            command.node().kind,
            NodeKind::Scalar {
                value: "docker".into(),
                style: ScalarStyle::DoubleQuoted
            }
        );

        let args: Vec<&str> = docker
            .value("args")
            .unwrap()
            .items()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(args[4], "/var/run/docker.sock:/var/run/docker.sock");
        assert_eq!(args.len(), 6);
        let image = docker.value("args").unwrap().items()[5];
        assert_eq!(
            image.node().span.slice(VSCODE),
            "\"ghcr.io/example/docker-mcp:0.3.1\""
        );
        assert_eq!(line_col(VSCODE, image.node().span.start).0, 7);

        let token = docker.value("env").unwrap().value("API_TOKEN").unwrap();
        assert_eq!(token.as_str(), Some("${input:token}"));

        let input = &root.value("inputs").unwrap().items()[0];
        assert_eq!(input.value("password").unwrap().as_bool(), Some(true));
        assert_eq!(
            input.value("password").unwrap().node().span.slice(VSCODE),
            "true"
        );

        assert_eq!(stream.comments.len(), 1);
        assert_eq!(
            stream.comments[0].slice(VSCODE),
            "// Docker management server"
        );
        assert!(stream.duplicate_keys.is_empty());
    }

    #[test]
    fn json_literals_are_plain_with_source_text() {
        let text =
            r#"{"n": null, "t": true, "f": false, "i": -12, "x": 1.5e3, "s": "null", "b": "true"}"#;
        let stream = parse(text);
        let root = root(&stream);
        assert!(root.value("n").unwrap().is_null());
        assert_eq!(root.value("n").unwrap().node().span.slice(text), "null");
        assert_eq!(root.value("t").unwrap().as_bool(), Some(true));
        assert_eq!(root.value("f").unwrap().as_bool(), Some(false));
        assert_eq!(root.value("i").unwrap().as_str(), Some("-12"));
        assert_eq!(root.value("x").unwrap().as_str(), Some("1.5e3"));
        assert_eq!(root.value("x").unwrap().node().span.slice(text), "1.5e3");
        // Strings that look like literals stay strings.
        assert!(!root.value("s").unwrap().is_null());
        assert_eq!(root.value("b").unwrap().as_bool(), None);
        assert_eq!(root.value("b").unwrap().as_str(), Some("true"));
    }

    #[test]
    fn json_nested_arrays_and_objects() {
        let text = r#"[1, [2, [3, {"a": [{"b": {}}]}]], [], {}]"#;
        let stream = parse(text);
        let root = root(&stream);
        let items = root.items();
        assert_eq!(items.len(), 4);
        assert_eq!(
            items[1].node().span.slice(text),
            r#"[2, [3, {"a": [{"b": {}}]}]]"#
        );
        let inner = items[1].items()[1].items()[1];
        assert_eq!(inner.node().span.slice(text), r#"{"a": [{"b": {}}]}"#);
        let b = inner.value("a").unwrap().items()[0].value("b").unwrap();
        assert!(b.is_mapping());
        assert!(b.entries().is_empty());
        assert_eq!(b.node().span.slice(text), "{}");
        assert!(items[2].is_sequence() && items[2].items().is_empty());
        // Parents come before children in the arena.
        assert_eq!(stream.documents[0].root, Some(NodeId(0)));
    }

    #[test]
    fn json_string_escapes_are_decoded_spans_keep_source() {
        let text = r#"{"k\"ey": "a\"b", "e": "caf\u00e9 \\ \n\t\/", "emoji": "\ud83d\ude00", "raw": "é€"}"#;
        let stream = parse(text);
        let root = root(&stream);
        let (key, value) = root.entries()[0];
        assert_eq!(key.as_str(), Some("k\"ey"));
        assert_eq!(key.node().span.slice(text), r#""k\"ey""#);
        assert_eq!(value.as_str(), Some("a\"b"));
        assert_eq!(value.node().span.slice(text), r#""a\"b""#);
        assert_eq!(root.value("e").unwrap().as_str(), Some("café \\ \n\t/"));
        assert_eq!(root.value("emoji").unwrap().as_str(), Some("😀"));
        let raw = root.value("raw").unwrap();
        assert_eq!(raw.as_str(), Some("é€"));
        assert_eq!(raw.node().span.slice(text), "\"é€\"");
    }

    #[test]
    fn json_duplicate_keys_are_kept_and_reported() {
        let text = "{\"a\": 1, \"b\": {\"x\": 1, \"x\": 2}, \"a\": 3, a: 4}";
        let stream = parse(text);
        let root = root(&stream);
        // Every written entry is kept; `get` finds the first.
        assert_eq!(root.entries().len(), 4);
        assert_eq!(root.value("a").unwrap().as_str(), Some("1"));
        assert_eq!(stream.duplicate_keys.len(), 3);
        let pairs: Vec<(&str, u32, u32)> = stream
            .duplicate_keys
            .iter()
            .map(|(dup, first)| (dup.slice(text), dup.start, first.start))
            .collect();
        assert!(pairs.contains(&("\"x\"", 23, 15)));
        assert!(pairs.contains(&("\"a\"", 32, 1)));
        // An unquoted key counts as the same name.
        assert!(pairs.contains(&("a", 40, 1)));
    }

    #[test]
    fn json_error_has_position() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}\n";
        let stream = parse(text);
        let error = stream.error.expect("error");
        assert!(stream.documents.is_empty());
        assert!(error.message.contains("colon"), "{}", error.message);
        // At the token where the colon was expected.
        assert_eq!(error.span.slice(text), "2");
        assert_eq!(line_col(text, error.span.start), (3, 7));

        let text = "{\n  \"a\": [1, 2\n";
        let error = parse(text).error.expect("error");
        assert!(error.message.contains("nterminated"), "{}", error.message);
        // Shortened to the opening bracket.
        assert_eq!(error.span.slice(text), "[");
        assert_eq!(line_col(text, error.span.start), (2, 8));

        let text = "{\"a\": \"unterminated}";
        let error = parse(text).error.expect("error");
        assert_eq!(line_col(text, error.span.start).1, 7);
        assert_eq!(error.span.slice(text), "\"");

        let text = "[1, 2";
        let error = parse(text).error.expect("error");
        assert_eq!(error.span.slice(text), "[");

        let text = "{} {}";
        let error = parse(text).error.expect("error");
        assert_eq!(error.span.start, 3);

        let text = "{\"a\": \"\\u12x\"}";
        let error = parse(text).error.expect("error");
        assert!(error.span.start >= 6, "{error:?}");
    }

    #[test]
    fn json_empty_and_comment_only_inputs() {
        for text in ["", "   \n\t ", "\u{feff}", "// nothing\n/* here */"] {
            let stream = parse(text);
            assert!(stream.error.is_none(), "{text:?}: {:?}", stream.error);
            assert!(stream.documents.is_empty(), "{text:?}");
        }
        assert_eq!(parse("// a\n/* b */").comments.len(), 2);
    }

    #[test]
    fn json_bom_is_skipped_and_spans_count_it() {
        let text = "\u{feff}{\"a\": \"b\"} // c";
        let stream = parse(text);
        let root = root(&stream);
        let (key, value) = root.entries()[0];
        assert_eq!(key.node().span.slice(text), "\"a\"");
        assert_eq!(value.node().span.slice(text), "\"b\"");
        assert_eq!(root.node().span.start, 3);
        assert_eq!(stream.comments[0].slice(text), "// c");

        let text = "\u{feff}{\"a\" 1}";
        let error = parse(text).error.expect("error");
        assert_eq!(error.span.slice(text), "1");
    }

    #[test]
    fn json_deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(10_000);
        let stream = parse(&text);
        let error = stream.error.expect("error");
        assert!(error.message.contains("nesting"), "{}", error.message);
        assert_eq!(error.span.start as usize, MAX_DEPTH);

        let text = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
        assert!(parse(&text).error.is_some());

        // At the limit it parses.
        let text = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let stream = parse(&text);
        assert!(stream.error.is_none(), "{:?}", stream.error);

        // Brackets inside strings and comments do not count.
        let text = format!(
            "[\"{}\", // {}\n /* {} */ 1]",
            "[".repeat(1000),
            "{".repeat(1000),
            "[".repeat(1000)
        );
        let stream = parse(&text);
        assert!(stream.error.is_none(), "{:?}", stream.error);
    }

    #[test]
    fn json_comments_everywhere() {
        let text = "/* head */ {\"a\" /* k */ : // v\n 1, /* tail */ } // end";
        let stream = parse(text);
        let root = root(&stream);
        assert_eq!(root.value("a").unwrap().as_str(), Some("1"));
        let comments: Vec<&str> = stream.comments.iter().map(|c| c.slice(text)).collect();
        assert_eq!(
            comments,
            ["/* head */", "/* k */", "// v", "/* tail */", "// end"]
        );
    }

    #[test]
    fn json_lenient_extras() {
        // Unquoted keys and single-quoted strings (JSON5, accepted by editors).
        let text = "{command: 'docker', args: ['run' 'x']}";
        let stream = parse(text);
        let root = root(&stream);
        let (key, value) = root.get("command").unwrap();
        assert_eq!(key.node().span.slice(text), "command");
        assert_eq!(value.as_str(), Some("docker"));
        assert_eq!(value.node().span.slice(text), "'docker'");
        assert_eq!(root.value("args").unwrap().items().len(), 2);
    }

    #[test]
    fn json_scalar_root() {
        let stream = parse("  \"just a string\"  ");
        let root = root(&stream);
        assert_eq!(root.as_str(), Some("just a string"));
        assert_eq!(root.node().span, Span::new(2, 17));
    }

    #[test]
    fn json_garbage_does_not_panic() {
        let samples = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":}",
            "[1,,2]",
            "\"",
            "'",
            "/*",
            "/",
            "//",
            "\\",
            "\u{feff}\u{feff}",
            "nul",
            "tru",
            "-",
            "+",
            ".",
            "0x",
            "1e",
            "{\"\\u12\"}",
            "\"\\ud800\"",
            "{a b}",
            "[}",
            "{]",
            "\u{0}",
            "é",
            "\u{2028}",
            "[1 2]",
            "{,}",
            "[,]",
            "NaN",
            "-Infinity",
            "{'a':1,}",
        ];
        for sample in samples {
            let _ = parse(sample);
        }
        // Every prefix of a real file.
        for (i, _) in VSCODE.char_indices() {
            let _ = parse(&VSCODE[..i]);
        }
        // Pseudo-random byte soup.
        let alphabet: Vec<char> = "{}[]\",:/*\\ \n'0a-tnué".chars().collect();
        let mut seed = 12345u64;
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
                    assert!(node.span.end as usize <= s.len());
                    assert!(s.get(node.span.range()).is_some(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn json_large_input_is_fast() {
        let mut text = String::from("{\"servers\": {");
        for i in 0..50_000 {
            text.push_str(&format!(
                "\"s{i}\": {{\"command\": \"docker\", \"args\": [\"run\", \"-i\", \"img{i}\"]}}, // c\n"
            ));
        }
        text.push_str("}}");
        let started = std::time::Instant::now();
        let stream = parse(&text);
        assert!(stream.error.is_none());
        assert_eq!(
            root(&stream).value("servers").unwrap().entries().len(),
            50_000
        );
        assert_eq!(stream.comments.len(), 50_000);
        assert!(started.elapsed().as_secs() < 10);
    }
}
