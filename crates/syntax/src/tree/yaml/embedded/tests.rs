use super::*;
use crate::tree::yaml::parse;
use crate::tree::NodeRef;
use crate::LineIndex;

/// Parse `text` and return the value node of `key` in the root mapping.
fn scalar<'s>(stream: &'s crate::tree::Stream, key: &str) -> NodeRef<'s> {
    assert!(stream.error.is_none(), "{:?}", stream.error);
    stream.documents[0]
        .root()
        .and_then(|r| r.value(key))
        .expect("key")
}

fn value_of(node: &Node) -> &str {
    match &node.kind {
        NodeKind::Scalar { value, .. } => value,
        _ => panic!("not a scalar"),
    }
}

/// Every occurrence of each `needle` in the value must map to the same
/// text in the file, on the expected 1-based line.
fn assert_maps(text: &str, key: &str, expected: &[(&str, usize)]) {
    let stream = parse(text);
    let node = scalar(&stream, key).node();
    let value = value_of(node);
    let map = scalar_map(text, node);
    let index = LineIndex::new(text);
    for &(needle, line) in expected {
        let at = value
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {value:?}"));
        let span = map.span(Span::new(at, at + needle.len()));
        assert_eq!(
            span.slice(text),
            needle,
            "{needle:?} in {value:?} mapped to {span:?}"
        );
        assert_eq!(
            index.line_col(text, span.start).line as usize,
            line,
            "{needle:?}"
        );
    }
}

#[test]
fn literal_block_lines_map_to_their_source_lines() {
    let text = "a: |\n  x  \n\n   y\n  z\n";
    assert_maps(text, "a", &[("x", 2), ("y", 4), ("z", 5), ("x  ", 2)]);
}

#[test]
fn literal_with_crlf_comment_and_chomping() {
    let text = "a: |- # the script\r\n  echo one\r\n\r\n  echo two\r\nb: 1\r\n";
    assert_maps(text, "a", &[("echo one", 2), ("echo two", 4), ("two", 4)]);
    let text = "a: |+\n  keep\n\n\nb: 1\n";
    assert_maps(text, "a", &[("keep", 2)]);
}

#[test]
fn literal_with_explicit_indentation_and_tabs() {
    let text = "a: |2\n     x\n  y\n  \tz\n";
    assert_maps(text, "a", &[("   x", 2), ("y", 3), ("\tz", 4)]);
    let text = "a: |-1\n  x\n b\n";
    assert_maps(text, "a", &[(" x", 2), ("b", 3)]);
}

#[test]
fn literal_in_a_sequence_and_nested_deeply() {
    let text = "steps:\n  - run: |\n      docker run \\\n        --privileged img\n";
    let stream = parse(text);
    let step = stream.documents[0]
        .root()
        .unwrap()
        .value("steps")
        .unwrap()
        .items()[0];
    let node = step.value("run").unwrap().node();
    let map = scalar_map(text, node);
    let value = value_of(node);
    let at = value.find("--privileged").unwrap();
    let span = map.span(Span::new(at, at + 12));
    assert_eq!(span.slice(text), "--privileged");
    assert_eq!(LineIndex::new(text).line_col(text, span.start).line, 4);
}

#[test]
fn folded_block_segments_start_at_their_lines() {
    let text = "a: >\n  one\n  two\n\n  three\n    more\n  four  \n";
    assert_maps(
        text,
        "a",
        &[
            ("one", 2),
            ("two", 3),
            ("three", 5),
            ("  more", 6),
            ("four  ", 7),
        ],
    );
    let text = "o: >-\n  --health-cmd pg_isready\n  --health-interval 10s\n";
    assert_maps(
        text,
        "o",
        &[
            ("--health-cmd", 2),
            ("pg_isready", 2),
            ("--health-interval", 3),
            ("10s", 3),
        ],
    );
}

#[test]
fn folded_with_explicit_indentation_crlf_and_leading_blank_lines() {
    let text = "a: >2\r\n\r\n     kept\r\n  next\r\n";
    assert_maps(text, "a", &[("   kept", 3), ("next", 4)]);
    let text = "a: >\n\n\n  late\n  start\n";
    assert_maps(text, "a", &[("late", 4), ("start", 5)]);
}

#[test]
fn plain_multi_line_scalar() {
    let text = "a: plain one\n  two\n\n  three   # c\nb: 1\n";
    assert_maps(text, "a", &[("plain one", 1), ("two", 2), ("three", 4)]);
    let text = "options: --cap-add SYS_ADMIN\n  --user 1001\n";
    assert_maps(
        text,
        "options",
        &[("SYS_ADMIN", 1), ("--user", 2), ("1001", 2)],
    );
    // A comment line inside is read as a blank line.
    let text = "a: one\n\t# note\n  two\n";
    assert_maps(text, "a", &[("one", 1), ("two", 3)]);
}

#[test]
fn single_line_scalars() {
    let text = "a: --cap-add SYS_ADMIN --user 1001\nb: 'x ''y'' z'\nc: \"p \\\"q\\\" r\"\n";
    assert_maps(text, "a", &[("SYS_ADMIN", 1), ("1001", 1)]);
    assert_maps(text, "b", &[("x", 2), (" z", 2)]);
    assert_maps(text, "c", &[("p", 3), (" r", 3)]);
    // The escape itself maps to its `\"` / `''`.
    let stream = parse(text);
    let node = scalar(&stream, "c").node();
    let at = scalar_map(text, node).offset(2) as usize;
    assert_eq!(&text[at..at + 2], "\\\"");
    let node = scalar(&stream, "b").node();
    let at = scalar_map(text, node).offset(2) as usize;
    assert_eq!(&text[at..at + 2], "''");
}

#[test]
fn quoted_multi_line_with_escapes() {
    let text = "a: \"q\\tx \\u00e9 end\n   two\\\n   three  \n\n  four\"\n";
    // value: "q\tx é end twothree\nfour"
    assert_maps(
        text,
        "a",
        &[("x", 1), ("end", 1), ("two", 2), ("three", 3), ("four", 5)],
    );
    let text = "a: 'it''s\n  x  \n  '\n";
    assert_maps(text, "a", &[("s", 1), ("x", 2)]);
    let text = "a: \"\n  foo\"\n";
    assert_maps(text, "a", &[("foo", 2)]);
    let text = "a: \"\\x41\\U0001F600 b \\N c\"\n";
    assert_maps(text, "a", &[("b", 1), ("c", 1)]);
}

#[test]
fn lone_carriage_returns_are_line_breaks() {
    // (LineIndex counts `\n` only, so check the offsets.)
    let text = "a: >\r  x\r  y\rb: 1\r";
    let stream = parse(text);
    let node = scalar(&stream, "a").node();
    assert_eq!(value_of(node), "x y\n");
    let map = scalar_map(text, node);
    assert_eq!(map.offset(0), 7);
    assert_eq!(map.offset(2), 11);
}

#[test]
fn empty_and_non_scalar_nodes_map_to_their_start() {
    let text = "a: |\nb: []\n";
    let stream = parse(text);
    let root = stream.documents[0].root().unwrap();
    let a = root.value("a").unwrap().node();
    assert_eq!(scalar_map(text, a).offset(0), a.span.start);
    let b = root.value("b").unwrap().node();
    assert_eq!(scalar_map(text, b).offset(0), b.span.start);
}

#[test]
fn document_level_block_scalars() {
    // The tree cannot always find the indicator of a block scalar that
    // is a whole document; its span then starts at the content.
    for (text, first) in [
        (" |\r\n|2# c\n", "|2# c"),
        ("|\nabc\n", "abc"),
        ("--- >\n|x y\n", "|x"),
        (" |\r\n\n\"# c", "\"# c"),
        ("|\n\r\n\n>z\n", ">z"),
        (" >\r\r\n|2", "|2"),
        (" >\n|2\n         |", "|2"),
        ("--- |\n  |\n", "|\n"),
        (" |-\n >\n >\n    ${{ x }}", "  ${{ x }}"),
        (" >\n|2- \n\ndefine X\n    }}i\n \n    ", "define"),
    ] {
        let stream = parse(text);
        assert!(stream.error.is_none(), "{:?}", stream.error);
        let node = stream.documents[0].root().unwrap().node();
        let value = value_of(node);
        let map = scalar_map(text, node);
        let at = map.offset(value.find(first).unwrap()) as usize;
        assert_eq!(
            text.get(at..at + first.len()),
            Some(first),
            "{text:?} → {node:?}"
        );
    }
    assert!(valid_header(""));
    assert!(valid_header("2-"));
    assert!(valid_header("+9 # x"));
    assert!(!valid_header("22"));
    assert!(!valid_header("# x"));
    assert!(!valid_header("x"));
}

#[test]
fn never_panics_on_inconsistent_nodes() {
    // Nodes that do not describe the text (as a fuzzer might produce by
    // pairing a tree with another text) still give a map.
    let styles = [
        ScalarStyle::Plain,
        ScalarStyle::SingleQuoted,
        ScalarStyle::DoubleQuoted,
        ScalarStyle::Literal,
        ScalarStyle::Folded,
    ];
    let texts = [
        "",
        "|",
        ">\n",
        "\"\\",
        "'",
        "é\"\\u",
        "a\r\n\r\n b\\\n \\",
        "\"\\U0011FFFF\\x\"",
        "| é\n  é\n",
    ];
    for text in texts {
        for style in styles {
            for (start, end) in [(0, 0), (0, 100), (1, 2), (3, 3), (5, 2), (50, 60)] {
                for value in ["", "é", "a\nb", "  x\n\n y ", "\n\n\n"] {
                    let node = Node {
                        kind: NodeKind::Scalar {
                            value: value.to_string(),
                            style,
                        },
                        span: Span { start, end },
                        tag: None,
                        anchor: None,
                    };
                    let map = scalar_map(text, &node);
                    assert!(!map.pieces.is_empty());
                    assert!(map.pieces.windows(2).all(|w| w[0].0 <= w[1].0));
                    let _ = map.span(Span::new(0, value.len()));
                }
            }
        }
    }
}

#[test]
fn linear_on_long_scalars() {
    let mut text = String::from("a: >\n");
    for _ in 0..20_000 {
        text.push_str("  word word\n\n");
    }
    let mut quoted = String::from("b: \"");
    for _ in 0..20_000 {
        quoted.push_str("  \\t\\u00e9''\n\n");
    }
    quoted.push_str("\"\n");
    let start = std::time::Instant::now();
    for t in [&text, &quoted] {
        let stream = parse(t);
        assert!(stream.error.is_none(), "{:?}", stream.error);
        let root = stream.documents[0].root().unwrap();
        let (_, v) = root.entries()[0];
        let map = scalar_map(t, v.node());
        assert!(map.pieces.len() >= 20_000);
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}
