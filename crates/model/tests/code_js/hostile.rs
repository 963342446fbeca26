//! Hostile input: no panic, bounded work and stack.

use skillaudit_model::code::dump::dump;
use skillaudit_syntax::code::Lang;

use crate::lower_src;

// ---------------------------------------------------------------------
// 4. Hostile input: no panic, bounded work.

#[test]
fn deep_nesting_is_summarised() {
    for (open, close) in [("(", ")"), ("[", "]"), ("f(", ")"), ("{a:", "}"), ("!", "")] {
        let src = format!(
            "const x = {}y{};\n",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        let f = lower_src(Lang::TypeScript, &src);
        assert!(f.truncated.is_some(), "{open}");
    }
    let chain = format!("const x = a{};\n", " + b".repeat(10_000));
    let f = lower_src(Lang::JavaScript, &chain);
    let d = dump(&f, &chain);
    assert!(d.contains("opaque(a, b, b"));
    let members = format!("const x = a{};\n", ".b".repeat(10_000));
    lower_src(Lang::TypeScript, &members);
    let calls = format!("cp.exec(x){};\n", ".then(f)".repeat(5_000));
    lower_src(Lang::TypeScript, &calls);
    let fns = format!(
        "{}x{}",
        "function f() {\n".repeat(3_000),
        "}\n".repeat(3_000)
    );
    let f = lower_src(Lang::JavaScript, &fns);
    assert!(f.truncated.is_some());
    let stmts = format!("{}x{}", "if (a) {\n".repeat(5_000), "}\n".repeat(5_000));
    lower_src(Lang::TypeScript, &stmts);
}

#[test]
fn long_lines_and_bad_bytes() {
    // A 5 MB line is skipped before parsing (minified / too large).
    let line = "a+".repeat(2_500_000);
    assert!(skillaudit_syntax::code::check("src/big.js", &line).is_err());
    // A valid 200 KB single-line file is lowered.
    let one = "server.tool(\"t\", {}, async ({x}) => exec(`a ${x}`));".repeat(4_000);
    assert!(one.len() > 200_000);
    let f = lower_src(Lang::TypeScript, &one);
    assert_eq!(f.handlers.len(), 4_000);
    // Invalid UTF-8, lossily decoded.
    let bytes = b"const a = \"\xff\xfe\"; exec(`x ${\xc3(}`);\n";
    let text = String::from_utf8_lossy(bytes);
    lower_src(Lang::JavaScript, &text);
    // Empty and all-error files.
    let f = lower_src(Lang::TypeScript, "");
    assert_eq!(f.funcs.len(), 1);
    let junk = ")))}}}]]] @@ ### ``` ;;; <<>> ".repeat(500);
    lower_src(Lang::TypeScript, &junk);
    lower_src(Lang::Tsx, &junk);
    lower_src(Lang::JavaScript, &junk);
    let half = "server.tool(\"a\", { x: z.string() }, async ({ x }) => { exec(x); if (";
    let f = lower_src(Lang::TypeScript, half);
    assert!(f.funcs.len() >= 2);
}

#[test]
fn many_functions_are_linear() {
    let mut src = String::new();
    for i in 0..20_000 {
        src.push_str(&format!("function f{i}(x) {{ return f{}(x); }}\n", i + 1));
    }
    let f = lower_src(Lang::JavaScript, &src);
    assert_eq!(f.funcs.len(), 20_001);
}

/// Every nesting shape, 2,000 to 10,000 levels deep: lowered and dumped
/// without exhausting a 2 MiB thread stack (the test harness's).
#[test]
fn hostile_nesting_shapes() {
    let srcs = [
        format!("const x = {}y{};\n", "(".repeat(10_000), ")".repeat(10_000)),
        format!("const x = {}y{};\n", "[".repeat(10_000), "]".repeat(10_000)),
        format!(
            "const x = {}y{};\n",
            "f(".repeat(10_000),
            ")".repeat(10_000)
        ),
        format!(
            "const x = {}y{};\n",
            "{a:".repeat(10_000),
            "}".repeat(10_000)
        ),
        format!("const x = {}y;\n", "!".repeat(10_000)),
        format!("const x = a{};\n", " + b".repeat(10_000)),
        format!("const x = a{};\n", ".b".repeat(10_000)),
        format!("cp.exec(x){};\n", ".then(f)".repeat(5_000)),
        format!("{}x{}", "function f() {\n".repeat(199), "}\n".repeat(199)),
        format!("{}x{}", "if (a) {\n".repeat(5_000), "}\n".repeat(5_000)),
        format!(
            "const x = {}y{};\n",
            "() => (".repeat(5_000),
            ")".repeat(5_000)
        ),
        format!(
            "{}y{}",
            "f(function () {\n".repeat(3_000),
            "});\n".repeat(3_000)
        ),
        format!(
            "{}y{}",
            "class A { m() {\n".repeat(3_000),
            "}}\n".repeat(3_000)
        ),
        format!(
            "{}y{}",
            "try { for (const a of b) { switch (a) { case 1: {\n".repeat(2_000),
            "}}}}\n".repeat(2_000)
        ),
    ];
    for src in &srcs {
        for lang in [Lang::TypeScript, Lang::JavaScript] {
            let f = lower_src(lang, src);
            assert!(!dump(&f, src).is_empty());
        }
    }
}

/// Deep shapes met by the helpers that look at syntax directly (allow-list
/// constants, separators, descriptions, type unions, schema names).
#[test]
fn hostile_shapes_for_syntax_helpers() {
    let n = 5_000;
    let srcs = [
        format!(
            "const X = {}[1]{};\n",
            "Object.freeze(".repeat(n),
            ")".repeat(n)
        ),
        format!("const S = {}c;\n", "x.endsWith(\"/\") ? y : ".repeat(n)),
        format!(
            "server.tool(\"n\", {}\"a\", {{}}, async (a) => a);\n",
            "\"a\" + ".repeat(n)
        ),
        format!("function f(x: {}number) {{}}\n", "1 | ".repeat(n)),
        format!(
            "server.tool(\"n\", \"d\", X{}, async (a) => a);\n",
            ".shape".repeat(n)
        ),
        format!(
            "const s = {}root + path.sep;\n",
            "(".repeat(n / 10) + &")".repeat(n / 10)
        ),
        format!(
            "if (a.startsWith({}b + path.sep{})) g();\n",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!("const x = {}{{}}{};\n", "{ a: ".repeat(n), " }".repeat(n)),
        format!("f(x){};\n", ".bind(this)".repeat(n)),
    ];
    for src in &srcs {
        for lang in [Lang::TypeScript, Lang::JavaScript] {
            let f = lower_src(lang, src);
            assert!(!dump(&f, src).is_empty());
        }
    }
}
