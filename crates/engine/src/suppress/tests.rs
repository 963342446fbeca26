use super::*;
use skillaudit_model::{FileId, FileKind, Format};
use skillaudit_syntax::code::Lang;

/// The text of every comment.
fn found(text: &str, syntax: Syntax) -> Vec<&str> {
    comments("f", text, syntax)
        .iter()
        .map(|c| c.span.slice(text))
        .collect()
}

fn file(path: &str, kind: FileKind, text: &str) -> SourceFile {
    SourceFile::new(FileId(0), path.into(), path.into(), kind, text.into())
}

#[test]
fn comments_are_read_in_the_format_the_file_was_recognised_in() {
    let text = "# skillaudit: ignore[privileged]\n[mcp_servers.x]\n";
    let as_toml = file("config", FileKind::McpConfig, text).with_format(Format::Toml);
    let as_json = file("config", FileKind::McpConfig, text).with_format(Format::Json);
    assert_eq!(directives(&as_toml).len(), 1);
    // `#` is no comment in JSON: the same text read as JSON ignores nothing.
    assert!(directives(&as_json).is_empty());
}

/// `(1-based first line covered, lines covered, ids)` of each directive.
fn covered(path: &str, kind: FileKind, text: &str) -> Vec<(usize, usize, Vec<String>)> {
    directives(&file(path, kind, text))
        .into_iter()
        .map(|d| {
            (
                d.lines.start + 1,
                d.lines.len(),
                d.rules.into_iter().map(|(id, _)| id).collect(),
            )
        })
        .collect()
}

#[test]
fn yaml_comments_quotes_and_block_scalars() {
    let text = r##"a: "x # y" # one
b: 'it''s # no' # two
c: it's # three
d: http://x#frag
e: [a, "b # c"] # four
f: "multi
  # not a comment
  line" # five
steps:
  - run: |
      # six (shell)
      echo "# no"
      docker run x # seven
  - name: y # eight
g: >-
  folded # nine
# ten
"##;
    assert_eq!(
        found(text, Syntax::Yaml),
        [
            "# one",
            "# two",
            "# three",
            "# four",
            "# five",
            "# six (shell)",
            "# seven",
            "# eight",
            "# nine",
            "# ten"
        ]
    );
    // `key: |` with a trailing comment is still a block header.
    assert_eq!(
        found("k: | # header\n  echo '# no'\n  # yes\n", Syntax::Yaml),
        ["# header", "# yes"]
    );
}

#[test]
fn toml_and_json_strings() {
    let text = "a = \"x # y\" # one\nb = \"\"\"\n# no\n\"\"\" # two\nc = '# no' # three\nd = '''\n# no'''\n";
    assert_eq!(found(text, Syntax::Toml), ["# one", "# two", "# three"]);
    let text = "{\n  \"a\": \"// no\", // one\n  \"b\": \"q\\\"// no\" /* two */,\n  // three\n}\n";
    assert_eq!(
        found(text, Syntax::Json),
        ["// one", "/* two */", "// three"]
    );
}

#[test]
fn source_comments_are_the_grammar_s() {
    let ts = "const a = `\n// skillaudit: ignore[sql-injection]\n`;\n// skillaudit: ignore[command-injection] fixed list\nexec(cmd);\n";
    assert_eq!(
        covered("src/a.ts", FileKind::Source(Lang::TypeScript), ts),
        [(5, 1, vec!["command-injection".to_string()])]
    );
    let py = "s = \"\"\"\n# skillaudit: ignore[sql-injection]\n\"\"\"\nrun(cmd)  # skillaudit: ignore[command-injection]\n";
    assert_eq!(
        covered("a.py", FileKind::Source(Lang::Python), py),
        [(4, 1, vec!["command-injection".to_string()])]
    );
}

#[test]
fn markdown_text_blocks_have_no_comments() {
    let text = "```text\n# skillaudit: ignore[privileged-container]\n```\n```\n# two\n```\n";
    assert_eq!(found(text, Syntax::Markdown), ["# two"]);
}

#[test]
fn markdown_comments_outside_and_inside_code() {
    let text = "<!-- one -->\n\n```sh\n# two\necho '<!-- no -->'\n```\n\n```json\n{ \"a\": 1 // three\n}\n```\n";
    assert_eq!(
        found(text, Syntax::Markdown),
        ["<!-- one -->", "# two", "// three"]
    );
    // JSON blocks are read as the README reader reads them: a server entry
    // without its braces, `#` lines, and nothing from a block that no
    // reading parses.
    let text = "```json\n# Add to your config\n\"x\": {\"command\": \"docker\"}, // four\n```\n```json\n{\"a\": [1} // no\n```\n";
    assert_eq!(found(text, Syntax::Markdown), ["// four"]);
}

#[test]
fn bodies() {
    assert_eq!(
        parse_body(" skillaudit: ignore[a, b] because"),
        Some(Ok((vec!["a".into(), "b".into()], Some("because".into()))))
    );
    assert_eq!(
        parse_body("# skillaudit:ignore [a]: -- why "),
        Some(Ok((vec!["a".into()], Some("-- why".into()))))
    );
    assert_eq!(
        parse_body(" skillaudit: ignore[a] \u{2014} why"),
        Some(Ok((vec!["a".into()], Some("why".into()))))
    );
    assert_eq!(
        parse_body(" skillaudit: ignore[a,]"),
        Some(Ok((vec!["a".into()], None)))
    );
    assert_eq!(parse_body(" plain comment"), None);
    assert_eq!(parse_body(" see skillaudit: docs"), None);
    let error = |body: &str| {
        parse_body(body)
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let expected = "expected `skillaudit: ignore[rule-id, ...]`";
    assert_eq!(error(" skillaudit: ignore a").as_deref(), Some(expected));
    assert_eq!(error(" skillaudit: disable[a]").as_deref(), Some(expected));
    assert_eq!(
        error(" skillaudit: ignore[a").as_deref(),
        Some("the rule list has no closing `]`")
    );
    assert_eq!(
        error(" skillaudit: ignore[ ]").as_deref(),
        Some("no rule id between `[` and `]`")
    );
}

#[test]
fn what_a_directive_covers() {
    // Trailing: its own line. Alone: the next line that is not a comment.
    let text = "FROM a # skillaudit: ignore[missing-user]\n# skillaudit: ignore[root-user] reason\n# another comment\nUSER root\n\n# skillaudit: ignore[x]\n\nRUN y\n";
    assert_eq!(
        covered("Dockerfile", FileKind::Dockerfile, text),
        [
            (1, 1, vec!["missing-user".to_string()]),
            (4, 1, vec!["root-user".to_string()]),
            (7, 1, vec!["x".to_string()])
        ]
    );
    // Markdown: before a fence, the whole block (blank lines in between are fine).
    let text = "# Run\n\n<!-- skillaudit: ignore[privileged-container] demo only -->\n\n```sh\ndocker run \\\n  --privileged x\n```\n<!-- skillaudit: ignore[a] -->\ntext\n";
    assert_eq!(
        covered("README.md", FileKind::Readme, text),
        [
            (5, 4, vec!["privileged-container".to_string()]),
            (10, 1, vec!["a".to_string()])
        ]
    );
    // A workflow run block: a shell comment alone covers the next script line.
    let text = "jobs:\n  a:\n    steps:\n      - run: |\n          # skillaudit: ignore[privileged-container]\n          docker run --privileged x\n";
    assert_eq!(
        covered(".github/workflows/ci.yml", FileKind::Workflow, text),
        [(6, 1, vec!["privileged-container".to_string()])]
    );
    // Not a comment: inside a quoted YAML value.
    assert!(covered(
        "compose.yaml",
        FileKind::Compose,
        "x: \"# skillaudit: ignore[a]\"\n"
    )
    .is_empty());
    // No marker, no work.
    assert!(covered("compose.yaml", FileKind::Compose, "# ignore[a]\n").is_empty());
}

#[test]
fn matching_marks_use_and_reports_the_rest() {
    let project = Project {
        files: vec![file(
            "Dockerfile",
            FileKind::Dockerfile,
            "# skillaudit: ignore[missing-user, nope, root-user]\nFROM a\n# skillaudit: ignre[x]\n",
        )],
        ..Project::default()
    };
    let mut ig = Ignores::read(&project);
    assert!(ig.suppresses(FileId(0), 1, "missing-user"));
    assert!(!ig.suppresses(FileId(0), 1, "full-os-base-image"));
    assert!(!ig.suppresses(FileId(0), 0, "missing-user"));
    let mut messages: Vec<String> = ig.unused().into_iter().map(|f| f.message).collect();
    messages.sort();
    assert_eq!(
        messages,
        [
            "malformed ignore comment: expected `skillaudit: ignore[rule-id, ...]`",
            "unknown rule id `nope`; unused ignore: no `root-user` finding on the line it covers"
        ]
    );
}

#[test]
fn never_panics_on_odd_input() {
    // Fragments that stress every lexer, combined pseudo-randomly.
    let parts = [
        "# skillaudit: ignore[a]",
        "<!-- skillaudit: ignore[b] -->",
        "// skillaudit: ignore[c]",
        "/* skillaudit:",
        "*/",
        "\"",
        "'",
        "\\",
        "\n",
        "\r\n",
        "```",
        "~~~",
        "é€",
        "<<EOF",
        "EOF",
        "|",
        ">-",
        "- ",
        ": ",
        "[",
        "{",
        "\"\"\"",
        "'''",
        "\t",
        " ",
        "$((",
        "))",
        "-->",
    ];
    let kinds = [
        ("Dockerfile", FileKind::Dockerfile, Format::Dockerfile),
        ("Makefile", FileKind::Makefile, Format::Make),
        ("compose.yaml", FileKind::Compose, Format::Yaml),
        ("c.toml", FileKind::McpConfig, Format::Toml),
        ("mcp.json", FileKind::McpConfig, Format::Json),
        ("README.md", FileKind::Readme, Format::Markdown),
        (
            "a.ts",
            FileKind::Source(Lang::TypeScript),
            Format::Code(Lang::TypeScript),
        ),
        (
            "a.py",
            FileKind::Source(Lang::Python),
            Format::Code(Lang::Python),
        ),
        ("a.go", FileKind::Source(Lang::Go), Format::Code(Lang::Go)),
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..400 {
        let mut text = String::new();
        for _ in 0..24 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(parts[(seed % parts.len() as u64) as usize]);
        }
        for (path, kind, format) in kinds {
            let f = file(path, kind, &text).with_format(format);
            for d in directives(&f) {
                assert!(d.span.end as usize <= text.len() && d.lines.start <= d.lines.end);
            }
        }
    }
}
