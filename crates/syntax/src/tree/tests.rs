//! Tests of the tree as the YAML reader builds it: spans, anchors/aliases, merge keys, errors,
//! limits and robustness.

use super::yaml::parse;
use super::*;
use crate::LineIndex;
use std::time::{Duration, Instant};

/// Parse and insist on no error.
fn ok(text: &str) -> Stream {
    let stream = parse(text);
    assert!(
        stream.error.is_none(),
        "unexpected error {:?} in {text:?}",
        stream.error
    );
    stream
}

fn root(stream: &Stream) -> NodeRef<'_> {
    stream.documents[0].root().expect("document has a root")
}

/// The source text of a node as seen from here.
fn src<'t>(text: &'t str, node: &NodeRef<'_>) -> &'t str {
    node.node().span.slice(text)
}

fn key_src<'t>(text: &'t str, map: &NodeRef<'_>, key: &str) -> &'t str {
    let (k, _) = map.get(key).unwrap_or_else(|| panic!("no key {key}"));
    src(text, &k)
}

fn val_src<'t>(text: &'t str, map: &NodeRef<'_>, key: &str) -> &'t str {
    src(
        text,
        &map.value(key).unwrap_or_else(|| panic!("no key {key}")),
    )
}

// ---------------------------------------------------------------- spans

#[test]
fn scalar_spans_plain_and_quoted() {
    let text =
        "plain: hello world\nsingle: 'it''s'\ndouble: \"a\\tb\"\n\"quoted key\": 1\nmulti: \"one\n  two\"\nnum: 42\n";
    let s = ok(text);
    let r = root(&s);
    assert_eq!(key_src(text, &r, "plain"), "plain");
    assert_eq!(val_src(text, &r, "plain"), "hello world");
    assert_eq!(val_src(text, &r, "single"), "'it''s'");
    assert_eq!(r.value("single").unwrap().as_str(), Some("it's"));
    assert_eq!(val_src(text, &r, "double"), "\"a\\tb\"");
    assert_eq!(r.value("double").unwrap().as_str(), Some("a\tb"));
    assert_eq!(key_src(text, &r, "quoted key"), "\"quoted key\"");
    assert_eq!(val_src(text, &r, "multi"), "\"one\n  two\"");
    assert_eq!(r.value("multi").unwrap().as_str(), Some("one two"));
    assert_eq!(val_src(text, &r, "num"), "42");
    let styles: Vec<ScalarStyle> = r
        .entries()
        .iter()
        .map(|(_, v)| match v.node().kind {
            NodeKind::Scalar { style, .. } => style,
            _ => panic!("not a scalar"),
        })
        .collect();
    use ScalarStyle::*;
    assert_eq!(
        styles,
        [
            Plain,
            SingleQuoted,
            DoubleQuoted,
            Plain,
            DoubleQuoted,
            Plain
        ]
    );
}

#[test]
fn block_scalar_spans_cover_indicator_and_body() {
    let text = "run: |\n  echo one\n  echo two\n\n\nfolded: >-\n  a\n  b\nkeep: |+ # note | >\n    x\n\nindented: >2\n    deep\nempty: |\nlast: !t &a |\n  z\n";
    let s = ok(text);
    let r = root(&s);
    assert_eq!(val_src(text, &r, "run"), "|\n  echo one\n  echo two");
    assert_eq!(
        r.value("run").unwrap().as_str(),
        Some("echo one\necho two\n")
    );
    assert_eq!(val_src(text, &r, "folded"), ">-\n  a\n  b");
    assert_eq!(r.value("folded").unwrap().as_str(), Some("a b"));
    assert_eq!(val_src(text, &r, "keep"), "|+ # note | >\n    x");
    assert_eq!(r.value("keep").unwrap().as_str(), Some("x\n\n"));
    assert_eq!(val_src(text, &r, "indented"), ">2\n    deep");
    assert_eq!(r.value("indented").unwrap().as_str(), Some("  deep\n"));
    assert_eq!(val_src(text, &r, "empty"), "|");
    assert_eq!(r.value("empty").unwrap().as_str(), Some(""));
    let last = r.value("last").unwrap();
    assert_eq!(src(text, &last), "|\n  z");
    assert_eq!(last.tag(), Some("!t"));
    assert_eq!(
        last.node()
            .anchor
            .as_ref()
            .map(|(n, sp)| (n.as_str(), sp.slice(text))),
        Some(("a", "&a"))
    );
    let styles: Vec<_> = ["run", "folded"]
        .iter()
        .map(|k| match r.value(k).unwrap().node().kind {
            NodeKind::Scalar { style, .. } => style,
            _ => panic!(),
        })
        .collect();
    assert_eq!(styles, [ScalarStyle::Literal, ScalarStyle::Folded]);
}

#[test]
fn block_scalars_in_sequences_and_documents() {
    let text = "steps:\n  - run: |\n      make\n  - >\n    folded\n  - |-\n    lit\n";
    let s = ok(text);
    let steps = root(&s).value("steps").unwrap().items();
    assert_eq!(val_src(text, &steps[0], "run"), "|\n      make");
    assert_eq!(src(text, &steps[1]), ">\n    folded");
    assert_eq!(src(text, &steps[2]), "|-\n    lit");

    let text = "--- |\n  doc\n";
    let s = ok(text);
    assert_eq!(src(text, &root(&s)), "|\n  doc");
}

#[test]
fn collection_spans() {
    let text = "flow: [1, {a: b}, [c]]\nmap:\n  x: 1\n  y:\n    - p\n    - q\nindentless:\n- i1\n- i2\nnested:\n- - a\n  - b\n- k: v\n  w: z\nlast: x\n";
    let s = ok(text);
    let r = root(&s);
    assert_eq!(src(text, &r), text.trim_end());
    let flow = r.value("flow").unwrap();
    assert_eq!(src(text, &flow), "[1, {a: b}, [c]]");
    assert_eq!(src(text, &flow.items()[1]), "{a: b}");
    assert_eq!(src(text, &flow.items()[2]), "[c]");
    assert_eq!(val_src(text, &r, "map"), "x: 1\n  y:\n    - p\n    - q");
    assert_eq!(val_src(text, &r.value("map").unwrap(), "y"), "- p\n    - q");
    assert_eq!(val_src(text, &r, "indentless"), "- i1\n- i2");
    let nested = r.value("nested").unwrap();
    assert_eq!(src(text, &nested), "- - a\n  - b\n- k: v\n  w: z");
    assert_eq!(src(text, &nested.items()[0]), "- a\n  - b");
    assert_eq!(src(text, &nested.items()[1]), "k: v\n  w: z");
    assert!(nested.is_sequence() && nested.items()[1].is_mapping());
}

#[test]
fn collection_spans_with_properties_and_odd_items() {
    let text = "a: &m\n  k: v\nb: !t\n  - 1\nc:\n-\n- x\nd:\n- &i item\n- ? q\n  : r\n";
    let s = ok(text);
    let r = root(&s);
    // Properties are kept apart from the collection's own span.
    let a = r.value("a").unwrap();
    assert_eq!(src(text, &a), "k: v");
    assert_eq!(a.node().anchor.as_ref().unwrap().1.slice(text), "&m");
    let b = r.value("b").unwrap();
    assert_eq!(src(text, &b), "- 1");
    assert_eq!(b.tag(), Some("!t"));
    let c = r.value("c").unwrap();
    assert_eq!(src(text, &c), "-\n- x");
    assert!(c.items()[0].is_null());
    let d = r.value("d").unwrap();
    assert_eq!(src(text, &d), "- &i item\n- ? q\n  : r");
    assert_eq!(src(text, &d.items()[1]), "? q\n  : r");
    assert_eq!(d.items()[1].value("q").unwrap().as_str(), Some("r"));
}

#[test]
fn empty_values_and_nulls() {
    let text = "a:\nb: ~\nc: null\nd: NULL\ne: 'null'\nf: \"\"\ng: !!str null\nh: Nil\n";
    let s = ok(text);
    let r = root(&s);
    let a = r.value("a").unwrap();
    assert!(a.is_null());
    assert_eq!(a.as_str(), Some(""));
    assert!(a.node().span.is_empty());
    for k in ["b", "c", "d"] {
        assert!(r.value(k).unwrap().is_null(), "{k}");
    }
    for k in ["e", "f", "g", "h"] {
        assert!(!r.value(k).unwrap().is_null(), "{k}");
    }
    assert!(!r.is_null());
}

#[test]
fn booleans_are_yaml_1_2_core() {
    let text = "a: true\nb: False\nc: TRUE\nd: yes\ne: 'true'\nf: on\ng: tRue\nh: !!str true\n";
    let s = ok(text);
    let r = root(&s);
    let got: Vec<_> = ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .map(|k| r.value(k).unwrap().as_bool())
        .collect();
    assert_eq!(
        got,
        [
            Some(true),
            Some(false),
            Some(true),
            None,
            None,
            None,
            None,
            None
        ]
    );
}

// ----------------------------------------------------- anchors & aliases

#[test]
fn scalar_alias_via_and_definition() {
    let text = "image: &img nginx:1.25\nother: *img\n";
    let s = ok(text);
    let r = root(&s);
    let image = r.value("image").unwrap();
    assert_eq!(image.via, None);
    assert_eq!(image.definition_span(), None);
    assert_eq!(image.report_span().slice(text), "nginx:1.25");
    let (name, anchor_span) = image.node().anchor.clone().unwrap();
    assert_eq!((name.as_str(), anchor_span.slice(text)), ("img", "&img"));

    let other = r.value("other").unwrap();
    assert_eq!(other.as_str(), Some("nginx:1.25"));
    assert_eq!(other.report_span().slice(text), "*img");
    assert_eq!(other.definition_span().unwrap().slice(text), "nginx:1.25");
    // The arena keeps the alias as an alias.
    let NodeKind::Mapping(pairs) = &s.documents[0].node(s.documents[0].root.unwrap()).kind else {
        panic!()
    };
    let alias = s.documents[0].node(pairs[1].1);
    assert!(matches!(alias.kind, NodeKind::Alias(_)));
    assert_eq!(alias.span.slice(text), "*img");
}

#[test]
fn mapping_alias_children_keep_outer_via() {
    let text = "base: &b\n  k: v\n  list: [1, 2]\nuse: *b\n";
    let s = ok(text);
    let r = root(&s);
    let used = r.value("use").unwrap();
    assert!(used.is_mapping());
    assert_eq!(used.report_span().slice(text), "*b");
    let k = used.value("k").unwrap();
    assert_eq!(k.report_span().slice(text), "*b");
    assert_eq!(k.definition_span().unwrap().slice(text), "v");
    let items = used.value("list").unwrap().items();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].report_span().slice(text), "*b");
    assert_eq!(items[1].definition_span().unwrap().slice(text), "2");
    // Through the definition itself: no via.
    assert_eq!(r.value("base").unwrap().value("k").unwrap().via, None);
}

#[test]
fn alias_as_sequence_item_and_key() {
    let text = "x: &x hello\nlist:\n  - *x\n  - y\n*x : aliased key\n";
    let s = ok(text);
    let r = root(&s);
    let items = r.value("list").unwrap().items();
    assert_eq!(items[0].as_str(), Some("hello"));
    assert_eq!(items[0].report_span().slice(text), "*x");
    assert_eq!(items[1].via, None);
    let (k, v) = r.get("hello").unwrap();
    assert_eq!(k.report_span().slice(text), "*x");
    assert_eq!(v.as_str(), Some("aliased key"));
}

#[test]
fn root_alias_and_resolve_on_root() {
    let text = "--- &r\na: 1\n";
    let s = ok(text);
    let r = root(&s);
    assert_eq!(r.value("a").unwrap().as_str(), Some("1"));
    assert_eq!(r.node().anchor.as_ref().unwrap().0, "r");
}

#[test]
fn recursive_alias_is_an_error() {
    let text = "ok: 1\n---\na: &a [1, *a]\n";
    let s = parse(text);
    let err = s.error.expect("recursive alias rejected");
    assert_eq!(err.span.slice(text), "*a");
    assert_eq!(s.documents.len(), 1);
}

// ------------------------------------------------------------ merge keys

#[test]
fn merge_single_alias() {
    let text = "base: &base\n  a: 1\n  b: 2\nsvc:\n  <<: *base\n  c: 3\n";
    let s = ok(text);
    let svc = root(&s).value("svc").unwrap();
    let keys: Vec<_> = svc
        .entries()
        .iter()
        .map(|(k, _)| k.as_str().unwrap())
        .collect();
    assert_eq!(keys, ["c", "a", "b"]);
    let a = svc.value("a").unwrap();
    assert_eq!(a.as_str(), Some("1"));
    assert_eq!(a.report_span().slice(text), "*base");
    assert_eq!(a.definition_span().unwrap().slice(text), "1");
    let (ka, _) = svc.get("a").unwrap();
    assert_eq!(ka.report_span().slice(text), "*base");
    assert_eq!(ka.definition_span().unwrap().slice(text), "a");
    assert_eq!(svc.value("c").unwrap().via, None);
    assert!(svc.get("<<").is_none());
}

#[test]
fn merge_list_of_aliases_earlier_wins() {
    let text = "one: &one {a: 1, b: 1}\ntwo: &two {b: 2, c: 2}\nm:\n  <<: [*one, *two]\n  c: own\n";
    let s = ok(text);
    let m = root(&s).value("m").unwrap();
    let got: Vec<_> = m
        .entries()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap(),
                v.as_str().unwrap(),
                v.report_span().slice(text),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("c", "own", "own"), ("a", "1", "*one"), ("b", "1", "*one")]
    );
}

#[test]
fn merge_override_precedence_and_several_merge_entries() {
    // Explicit keys win even when written after the merge.
    let text = "d: &d {image: old, user: root}\ns:\n  image: new\n  <<: *d\n";
    let s = ok(text);
    let svc = root(&s).value("s").unwrap();
    assert_eq!(svc.value("image").unwrap().as_str(), Some("new"));
    assert_eq!(svc.value("image").unwrap().via, None);
    assert_eq!(svc.value("user").unwrap().as_str(), Some("root"));
    assert_eq!(svc.entries().len(), 2);
}

#[test]
fn nested_merges_keep_outermost_via() {
    let text = "a: &a {deep: 1, shared: a}\nb: &b\n  <<: *a\n  mid: 2\n  shared: b\nc:\n  <<: *b\n  top: 3\n";
    let s = ok(text);
    let c = root(&s).value("c").unwrap();
    let got: Vec<_> = c
        .entries()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap(),
                v.as_str().unwrap(),
                v.report_span().slice(text),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("top", "3", "3"),
            ("mid", "2", "*b"),
            ("shared", "b", "*b"),
            ("deep", "1", "*b")
        ]
    );
    assert_eq!(
        c.value("deep")
            .unwrap()
            .definition_span()
            .unwrap()
            .slice(text),
        "1"
    );
    // From b's point of view, deep came through *a.
    let b = root(&s).value("b").unwrap();
    assert_eq!(b.value("deep").unwrap().report_span().slice(text), "*a");
}

#[test]
fn merge_from_inline_mapping_has_no_via() {
    let text = "m:\n  <<: {x: 1}\n  <<: [{y: 2}, {x: 9}]\n  z: 3\n";
    let s = ok(text);
    let m = root(&s).value("m").unwrap();
    let got: Vec<_> = m
        .entries()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap(), v.as_str().unwrap(), v.via))
        .collect();
    assert_eq!(got, [("z", "3", None), ("x", "1", None), ("y", "2", None)]);
}

#[test]
fn merge_through_aliased_mapping_keeps_outer_via() {
    // A mapping reached through `*svc` whose values come from a merge: the
    // outermost use site (`*svc`) is what a report points at.
    let text = "base: &base {k: v}\nsvc: &svc\n  <<: *base\ncopy: *svc\n";
    let s = ok(text);
    let k = root(&s).value("copy").unwrap().value("k").unwrap();
    assert_eq!(k.report_span().slice(text), "*svc");
    assert_eq!(k.definition_span().unwrap().slice(text), "v");
}

#[test]
fn invalid_merge_values_are_ignored() {
    let text = "s: &s scalar\nm:\n  <<: *s\n  <<: [1, *s]\n  <<: 5\n  a: 1\n  '<<': quoted\n";
    let s = ok(text);
    let m = root(&s).value("m").unwrap();
    let got: Vec<_> = m
        .entries()
        .iter()
        .map(|(k, _)| k.as_str().unwrap())
        .collect();
    // A quoted `<<` is an ordinary key.
    assert_eq!(got, ["a", "<<"]);
}

#[test]
fn compose_extension_field_merge() {
    let text = "\
x-common: &common
  restart: unless-stopped
  security_opt:
    - no-new-privileges:false
  cap_add: [SYS_ADMIN]

services:
  mcp:
    <<: *common
    image: example/mcp-server:latest
    cap_add: []
  other:
    image: x
";
    let s = ok(text);
    let mcp = root(&s).value("services").unwrap().value("mcp").unwrap();
    let (key, opt) = mcp.get("security_opt").unwrap();
    let line_of = |span: Span| LineIndex::new(text).line_col(text, span.start);
    // Reported on the service's `<<: *common` line, at the alias token.
    assert_eq!(opt.report_span().slice(text), "*common");
    let at = line_of(opt.report_span());
    assert_eq!((at.line, at.column), (9, 9));
    // Related location: the value in the anchor.
    assert_eq!(
        opt.definition_span().unwrap().slice(text),
        "- no-new-privileges:false"
    );
    assert_eq!(line_of(opt.definition_span().unwrap()).line, 4);
    assert_eq!(key.definition_span().unwrap().slice(text), "security_opt");
    let items = opt.items();
    assert_eq!(items[0].as_str(), Some("no-new-privileges:false"));
    assert_eq!(items[0].report_span().slice(text), "*common");
    assert_eq!(
        items[0].definition_span().unwrap().slice(text),
        "no-new-privileges:false"
    );
    // The explicit cap_add wins over the anchor's.
    let cap_add = mcp.value("cap_add").unwrap();
    assert_eq!(cap_add.via, None);
    assert!(cap_add.items().is_empty());
    assert_eq!(
        mcp.value("restart").unwrap().as_str(),
        Some("unless-stopped")
    );
    assert!(root(&s)
        .value("services")
        .unwrap()
        .value("other")
        .unwrap()
        .value("restart")
        .is_none());
}

// ------------------------------------------------------------------ tags

#[test]
fn tags_as_written() {
    let text = "a: !reset null\nb: !override\n  - x\nc: !!str 5\nd: !<tag:example.com,2000:x> v\ne: !!merge <<\nf: !reset []\n";
    let s = ok(text);
    let r = root(&s);
    let a = r.value("a").unwrap();
    assert_eq!(a.tag(), Some("!reset"));
    assert!(a.is_null());
    assert_eq!(src(text, &a), "null");
    let b = r.value("b").unwrap();
    assert_eq!(b.tag(), Some("!override"));
    assert_eq!(src(text, &b), "- x");
    assert_eq!(r.value("c").unwrap().tag(), Some("!!str"));
    assert_eq!(r.value("c").unwrap().as_str(), Some("5"));
    assert_eq!(
        r.value("d").unwrap().tag(),
        Some("!<tag:example.com,2000:x>")
    );
    assert_eq!(r.value("f").unwrap().tag(), Some("!reset"));
    assert!(r.value("f").unwrap().items().is_empty());
    assert_eq!(r.get("a").unwrap().0.tag(), None);
}

// -------------------------------------------------------- duplicate keys

#[test]
fn duplicate_keys_reported_as_written() {
    let text =
        "a: 1\nb:\n  x: 1\n  \"x\": 2\na: 3\nc: {k: 1, k: 2}\nm: &m {z: 1}\nn:\n  <<: *m\n  z: 2\n";
    let s = ok(text);
    let dups: Vec<_> = s
        .duplicate_keys
        .iter()
        .map(|(d, f)| (d.slice(text), f.slice(text), d.start > f.start))
        .collect();
    assert_eq!(dups.len(), 3, "{dups:?}");
    assert!(dups.contains(&("\"x\"", "x", true)));
    assert!(dups.contains(&("a", "a", true)));
    assert!(dups.contains(&("k", "k", true)));
    let first_a = s
        .duplicate_keys
        .iter()
        .find(|(d, _)| d.slice(text) == "a")
        .unwrap();
    assert_eq!(
        (first_a.0.start, first_a.1.start),
        (text.find("\na: 3").unwrap() as u32 + 1, 0)
    );
    // entries() keeps both written entries; get() finds the first.
    let r = root(&s);
    assert_eq!(
        r.entries()
            .iter()
            .filter(|(k, _)| k.as_str() == Some("a"))
            .count(),
        2
    );
    assert_eq!(r.value("a").unwrap().as_str(), Some("1"));
}

// --------------------------------------------------- streams & documents

#[test]
fn multi_document_streams() {
    let text = "a: 1\n---\nb: 2\n...\n---\n# comment only\n--- [x]\n";
    let s = ok(text);
    assert_eq!(s.documents.len(), 4);
    assert_eq!(root(&s).value("a").unwrap().as_str(), Some("1"));
    assert_eq!(
        s.documents[1].root().unwrap().value("b").unwrap().as_str(),
        Some("2")
    );
    assert!(s.documents[2].root().is_none());
    assert!(s.documents[2].nodes.is_empty());
    assert_eq!(
        s.documents[3].root().unwrap().items()[0].as_str(),
        Some("x")
    );
    assert_eq!(s.comments.len(), 1);
    assert_eq!(s.comments[0].slice(text), "# comment only");
}

#[test]
fn anchors_do_not_cross_documents() {
    let s = parse("a: &x 1\n---\nb: *x\n");
    assert_eq!(s.documents.len(), 1);
    assert!(s.error.is_some());
}

#[test]
fn empty_and_comment_only_streams() {
    for text in ["", "\n\n", "# just a comment\n", "\u{feff}", "   \n# c\n"] {
        let s = ok(text);
        assert!(s.documents.is_empty(), "{text:?}");
    }
    let s = ok("---\n");
    assert_eq!(s.documents.len(), 1);
    assert!(s.documents[0].root().is_none());
}

#[test]
fn comments_are_recorded_in_order() {
    let text = "# head\na: 1 # right\nb: |  # hdr\n  x\n# tail\n";
    let s = ok(text);
    let got: Vec<_> = s.comments.iter().map(|c| c.slice(text)).collect();
    assert_eq!(got, ["# head", "# right", "# hdr", "# tail"]);
}

#[test]
fn long_comment_blocks_are_fine() {
    let mut text = String::from("services:\n  a:\n    image: x\n");
    for i in 0..300 {
        text.push_str(&format!("#  old line {i}\n"));
    }
    text.push_str("  b:\n    cap_add:\n");
    for i in 0..300 {
        text.push_str(&format!("    # option {i}\n"));
    }
    text.push_str("    - NET_ADMIN\n");
    let s = ok(&text);
    assert_eq!(s.comments.len(), 600);
    let cap = root(&s)
        .value("services")
        .unwrap()
        .value("b")
        .unwrap()
        .value("cap_add")
        .unwrap();
    assert_eq!(cap.items()[0].as_str(), Some("NET_ADMIN"));
}

#[test]
fn bom_crlf_tabs_and_unicode() {
    let text = "\u{feff}name: caf\u{e9}\r\nlist:\r\n  - \"\u{1F600}\"\r\n  - x\t# tab before comment\r\nblock: |\r\n  l\u{f6}\r\n";
    let s = ok(text);
    let r = root(&s);
    assert_eq!(val_src(text, &r, "name"), "caf\u{e9}");
    assert_eq!(key_src(text, &r, "name"), "name");
    let items = r.value("list").unwrap().items();
    assert_eq!(src(text, &items[0]), "\"\u{1F600}\"");
    assert_eq!(items[1].as_str(), Some("x"));
    assert_eq!(val_src(text, &r, "block"), "|\r\n  l\u{f6}");
    assert_eq!(r.value("block").unwrap().as_str(), Some("l\u{f6}\n"));
}

// ---------------------------------------------------------------- errors

#[test]
fn syntax_error_position_and_earlier_documents_kept() {
    let text = "ok: 1\n---\nservices:\n  web:\n    image: x\n   bad: y\n";
    let s = parse(text);
    assert_eq!(s.documents.len(), 1);
    assert_eq!(root(&s).value("ok").unwrap().as_str(), Some("1"));
    let err = s.error.expect("error");
    assert!(err.span.is_empty());
    assert!(!err.message.is_empty());
    let at = LineIndex::new(text).line_col(text, err.span.start);
    assert_eq!(at.line, 6, "{err:?}");
}

#[test]
fn syntax_error_messages_from_granit() {
    let cases = [
        ("a: b: c\n", "mapping values are not allowed", (1, 5)),
        ("a: \"unterminated", "unclosed quote", (1, 4)),
        ("a: \"unterminated\n", "quoted scalar", (2, 1)),
        ("x: [1, 2\n", "", (1, 4)),
        ("a: *missing\n", "unknown anchor", (1, 4)),
        ("a: @x\n", "unexpected character", (1, 4)),
    ];
    for (text, message, (line, column)) in cases {
        let s = parse(text);
        let err = s.error.unwrap_or_else(|| panic!("no error for {text:?}"));
        assert!(err.message.contains(message), "{text:?}: {}", err.message);
        let at = LineIndex::new(text).line_col(text, err.span.start);
        assert_eq!((at.line, at.column), (line, column), "{text:?}: {err:?}");
        assert!(s.documents.is_empty());
    }
}

// ---------------------------------------------------- limits & robustness

#[test]
fn billion_laughs_stays_linear() {
    let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=10 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
    }
    let mut map_bomb = String::from("m0: &m0 {a: 1, b: 2}\n");
    for level in 1..=10 {
        let refs = vec![format!("*m{}", level - 1); 10].join(", ");
        map_bomb.push_str(&format!(
            "m{level}: &m{level}\n  <<: [{refs}]\n  k{level}: {level}\n"
        ));
    }
    text.push_str(&map_bomb);
    let started = Instant::now();
    let s = ok(&text);
    assert!(
        s.documents[0].nodes.len() < 500,
        "{} nodes",
        s.documents[0].nodes.len()
    );
    let r = root(&s);
    let top = r.value("l10").unwrap();
    assert_eq!(top.items().len(), 10);
    assert_eq!(top.items()[0].items().len(), 10);
    assert_eq!(top.items()[3].items()[0].report_span().slice(&text), "*l9");
    let m = r.value("m10").unwrap();
    let keys: Vec<_> = m
        .entries()
        .iter()
        .map(|(k, _)| k.as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["k10", "k9", "k8", "k7", "k6", "k5", "k4", "k3", "k2", "k1", "a", "b"]
    );
    assert_eq!(m.value("a").unwrap().report_span().slice(&text), "*m9");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn merge_chain_depth_is_bounded() {
    // 200 mappings each merging the previous one: entries() stops at the
    // depth limit instead of walking all of them, and does not blow up.
    let mut text = String::from("m0: &m0 {k0: 0}\n");
    for i in 1..200 {
        text.push_str(&format!("m{i}: &m{i} {{<<: *m{}, k{i}: {i}}}\n", i - 1));
    }
    let s = ok(&text);
    let last = root(&s).value("m199").unwrap();
    let n = last.entries().len();
    assert!((30..=40).contains(&n), "{n}");
    assert!(last.value("k199").is_some() && last.value("k190").is_some());
}

#[test]
fn deep_flow_nesting_is_an_error_not_a_crash() {
    let text = "[".repeat(10_000) + &"]".repeat(10_000);
    let s = parse(&text);
    assert!(s.error.is_some());
    let text = "{a: ".repeat(10_000);
    assert!(parse(&text).error.is_some());
    // Within the limit it parses.
    let text = "[".repeat(100) + &"]".repeat(100);
    ok(&text);
}

#[test]
fn deep_block_nesting_is_an_error_not_a_crash() {
    let mut text = String::new();
    for depth in 0..10_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("a:\n");
    }
    assert!(parse(&text).error.is_some());
    let mut text = String::new();
    for depth in 0..10_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("-\n");
    }
    assert!(parse(&text).error.is_some());
    let text = "- ".repeat(10_000) + "x\n";
    assert!(parse(&text).error.is_some());
}

#[test]
fn garbage_does_not_panic() {
    let samples = [
        "\0",
        "\u{feff}\u{feff}",
        ":",
        "- - - :",
        "? ? ?",
        "&",
        "*",
        "!",
        "!<",
        "&a",
        "*a",
        "|",
        ">",
        "|9\n x",
        "a: |\n\tx",
        "{",
        "}",
        "[",
        "]",
        "{[}]",
        "'",
        "\"",
        "\"\\",
        "\"\\u00",
        "%YAML 1.2\n%YAML 1.2\n---",
        "%TAG ! !x\n--- !a b",
        "--- ---",
        "... ...",
        "a: &a &b c",
        "a: !t !u c",
        "- &a\n- *a\n- *a",
        "<<: *x",
        "<<: [",
        "a:\n  <<: *a",
        "\r",
        "\r\r\n\n",
        "a:\r b",
        "é: ü\n\u{1F600}: x",
        "\t",
        "a: 'b\n\tc'",
        "? |\n x\n: >\n y",
        "- !!map {}\n- !!seq []",
        "a: b\n- c",
        "[a: b, c: d]",
        "{? a}",
        ",",
        "#",
        "a: #\n#",
    ];
    for text in samples {
        let s = parse(text);
        walk(&s);
    }
}

#[test]
fn pseudo_random_inputs_do_not_panic() {
    // A tiny deterministic fuzzer over YAML-ish fragments.
    let pieces = [
        "a", "b", ":", ": ", "- ", "\n", "  ", "\t", "&x ", "*x", "&y ", "*y", "<<: ", "!t ",
        "!!str ", "|", ">-", "[", "]", "{", "}", ", ", "'", "\"", "#c", "? ", "---\n", "...\n",
        "\r\n", "é", "\u{feff}", "\\", "%", "~",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 40) as usize;
        let text: String = (0..len)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        let s = parse(&text);
        for sp in s.comments.iter().chain(s.error.iter().map(|e| &e.span)) {
            assert!(sp.end as usize <= text.len());
        }
        for doc in &s.documents {
            for node in &doc.nodes {
                assert!(
                    node.span.start <= node.span.end && node.span.end as usize <= text.len(),
                    "{text:?}"
                );
                assert!(
                    text.get(node.span.range()).is_some(),
                    "span off char boundary in {text:?}"
                );
            }
        }
        walk(&s);
    }
}

/// Visit every node reachable from each root through the accessors (with a
/// visit bound, since aliases make it a DAG).
fn walk(stream: &Stream) {
    for doc in &stream.documents {
        let Some(root) = doc.root() else { continue };
        let mut todo = vec![root];
        let mut visits = 0;
        while let Some(node) = todo.pop() {
            visits += 1;
            if visits > 10_000 {
                break;
            }
            let _ = (
                node.as_str(),
                node.is_null(),
                node.as_bool(),
                node.tag(),
                node.report_span(),
                node.definition_span(),
            );
            for (k, v) in node.entries() {
                todo.push(k);
                todo.push(v);
            }
            todo.extend(node.items());
        }
    }
}
