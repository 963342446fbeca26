//! Hostile input and the corpus.

use skillaudit_model::code::dump::dump;
use skillaudit_model::code::{lower, CodeFile};

use crate::*;
use skillaudit_syntax::code::{self as syntax_code, Lang};

fn lower_checked(path: &str, src: &str) -> Option<CodeFile> {
    syntax_code::check(path, src).ok()?;
    let parsed = syntax_code::parse(Lang::Go, src).ok()?;
    Some(lower::lower(&parsed, src))
}

#[test]
fn deep_nesting_is_bounded() {
    let n = 10_000;
    let cases = [
        format!("package p\nvar x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        format!("package p\nvar x = {}y\n", "!".repeat(n)),
        format!("package p\nvar x = {}1\n", "1 + ".repeat(n)),
        format!("package p\nvar x = {}1{}\n", "f(".repeat(n), ")".repeat(n)),
        format!(
            "package p\nvar x = {}1{}\n",
            "[]any{".repeat(n),
            "}".repeat(n)
        ),
        format!(
            "package p\nfunc f() {{ {} }}\n",
            "{".repeat(n) + &"}".repeat(n)
        ),
        format!(
            "package p\nvar x = {}1{}\n",
            "func() any { return ".repeat(2000),
            " }".repeat(2000)
        ),
        format!(
            "package p\nfunc f() {{ {} = 1 }}\n",
            "*(".repeat(n) + "p" + &")".repeat(n)
        ),
        format!(
            "package p\nfunc f() {{ strings.HasPrefix({}p{}, root+\"/\") }}\n",
            "filepath.Clean(".repeat(n),
            ")".repeat(n)
        ),
        format!(
            "package p\nimport \"github.com/mark3labs/mcp-go/server\"\nvar d = server.WithInstructions({}\"a\"{})\n",
            "(\"a\" + ".repeat(n),
            ")".repeat(n)
        ),
        format!(
            "package p\nimport \"os/exec\"\nfunc f() {{ exec.Command({}\"a\"{}) }}\n",
            "(\"a\" + ".repeat(n),
            ")".repeat(n)
        ),
    ];
    for src in &cases {
        // One long line: `check` would skip it as minified; lower it anyway.
        let f = lower_go(src);
        let _ = dump(&f, src);
    }
    let deep = lower_go(&cases[0]);
    assert!(deep.truncated.is_some(), "the depth limit is reported");
}

#[test]
fn long_lines_and_bad_bytes() {
    // A 5 MB line is skipped by the size/minified check.
    let huge = format!("package p\nvar x = \"{}\"\n", "a".repeat(5 << 20));
    assert!(syntax_code::check("x.go", &huge).is_err());
    // A valid 200 KB single-line file is lowered.
    let mut line = String::from("package p; func f() { ");
    while line.len() < 200_000 {
        line.push_str("a := g(\"x\" + b); ");
    }
    line.push('}');
    let parsed = syntax_code::parse(Lang::Go, &line).unwrap();
    let f = lower::lower(&parsed, &line);
    assert!(f.funcs.len() == 2 && f.funcs[1].body.len() > 5_000);
    // Invalid UTF-8, decoded lossily.
    let bytes = b"package p\nfunc f() { x := \"\xff\xfe\" + y; exec.Command(\"sh\", \"-c\", x) }\n";
    let text = String::from_utf8_lossy(bytes);
    let _ = dump(&lower_go(&text), &text);
    // Empty and garbage files.
    assert_eq!(lower_go("").funcs.len(), 1);
    let garbage = "}}}{{{ ))) ((( func func := := \"\"\" ` import ( package";
    let _ = dump(&lower_go(garbage), garbage);
    let errors = "@@@ ### $$$ %%% ^^^ &&& ~~~ ??? !!! ;;; @@@";
    let _ = dump(&lower_go(errors), errors);
}

// ---------------------------------------------------------------------------
// 5. The corpus

#[test]
fn corpus_go_files_lower() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");
    if !std::path::Path::new(root).is_dir() {
        eprintln!("skipped: no corpus at {root}");
        return;
    }
    let mut files = 0;
    let mut named = 0;
    let mut total = 0;
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|x| x.to_str()) != Some("go") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let Some(f) = lower_checked(&p.to_string_lossy(), &text) else {
                continue;
            };
            let _ = dump(&f, &text);
            files += 1;
            total += f.handlers.len();
            named += f.handlers.iter().filter(|h| h.name.is_some()).count();
        }
    }
    // korotovsky/slack-mcp-server registers 16 tools in pkg/server/server.go
    // and one in its server test; the other Go handlers are middleware and
    // test literals taking a CallToolRequest.
    assert!(files >= 30, "{files} Go files");
    assert!(named >= 17, "{named} named handlers");
    assert!(total >= named);
}
