//! Hostile source code through the whole scan: absurd nesting, huge and
//! minified files, one-line files, invalid UTF-8, recursion, very many
//! functions. Each must finish without a panic, with a notice where
//! something was not analysed, and the rest of the repository must still be
//! reported: a normal server with a shell injection (`ok/server.ts`) sits
//! next to each hostile file and its finding is checked.
//!
//! Per-language lowering limits are tested in `crates/model/tests`; this
//! file checks the engine's handling end to end. No test here is timed.

use std::fs;
use std::path::Path;

use skillaudit_engine::{scan, ScanOptions, ScanResult};
use skillaudit_rules::Severity;

const OK_SERVER: &str = r#"import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { exec } from "node:child_process";
import { z } from "zod";
const server = new McpServer({ name: "ok", version: "1.0.0" });
server.tool("run", { cmd: z.string() }, async ({ cmd }) => {
  exec(`ls ${cmd}`);
  return { content: [] };
});
"#;

fn scan_dir(dir: &Path) -> ScanResult {
    scan(&ScanOptions {
        targets: vec![dir.display().to_string()],
        min_severity: Severity::Info,
        ..Default::default()
    })
    .expect("scan")
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok/server.ts", OK_SERVER);
    dir
}

fn rules_at(r: &ScanResult, path: &str) -> Vec<&'static str> {
    r.findings
        .iter()
        .filter(|f| f.path == path)
        .map(|f| f.finding.rule.id)
        .collect()
}

fn assert_rest_scanned(r: &ScanResult) {
    assert!(
        rules_at(r, "ok/server.ts").contains(&"command-injection"),
        "ok/server.ts lost: {:?} {:?}",
        rules_at(r, "ok/server.ts"),
        r.notices
    );
}

fn notice_for<'a>(r: &'a ScanResult, path: &str) -> Option<&'a str> {
    r.notices
        .iter()
        .find(|n| n.path == path)
        .map(|n| n.message.as_str())
}

/// 10,000 levels of nested expressions in each language, each file also a
/// root (it registers a tool), so it is parsed and lowered.
#[test]
fn ten_thousand_levels_of_nesting_in_every_language() {
    let dir = repo();
    let n = 10_000;
    let ts = format!(
        "import {{ exec }} from \"child_process\";\nserver.tool(\"t\", {{}}, async ({{ a }}) => {{ const x = {}a{}; exec(x); }});\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    write(dir.path(), "deep/a.ts", ts);
    let js = format!(
        "const {{ exec }} = require(\"child_process\");\nserver.tool(\"t\", {{}}, async ({{ a }}) => exec({}a{}));\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    write(dir.path(), "deep/b.js", js);
    let py = format!(
        "import subprocess\n@mcp.tool()\ndef t(a: str):\n    subprocess.run({}a{}, shell=True)\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    write(dir.path(), "deep/c.py", py);
    let go = format!(
        "package main\nimport \"os/exec\"\nfunc h(req mcp.CallToolRequest) {{ a := req.GetString(\"a\", \"\"); exec.Command(\"sh\", \"-c\", {}a{}) }}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    write(dir.path(), "deep/d.go", go);
    let lambdas: String = (0..n).map(|_| "() => ").collect();
    write(
        dir.path(),
        "deep/e.ts",
        format!("server.tool(\"t\", {{}}, {lambdas}1);\n"),
    );
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
}

/// A 50 MB minified bundle is over the size limit: a notice, not read.
#[test]
fn a_50_mb_minified_bundle() {
    let dir = repo();
    let chunk = "var a=function(b){return require(\"child_process\").exec(b)};";
    let mut s = String::with_capacity(50 << 20);
    while s.len() < 50 << 20 {
        s.push_str(chunk);
    }
    write(dir.path(), "public/bundle.js", &s);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    let n = notice_for(&r, "public/bundle.js").expect("a notice for the bundle");
    assert!(n.contains("limit") || n.contains("minified"), "{n}");
    assert!(rules_at(&r, "public/bundle.js").is_empty());
}

/// One 5 MB line (over the source limit) and one 1 MB line (under it, but
/// minified): both are notices, neither is analysed.
#[test]
fn files_of_one_long_line() {
    let dir = repo();
    let line = |len: usize| {
        let mut s =
            String::from("server.tool(\"x\",{},async({c})=>{require(\"child_process\").exec(c)});");
        while s.len() < len {
            s.push_str("var q=1;");
        }
        s
    };
    write(dir.path(), "five.js", line(5 << 20));
    write(dir.path(), "one.js", line(1 << 20));
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    for path in ["five.js", "one.js"] {
        assert!(notice_for(&r, path).is_some(), "{path}: {:?}", r.notices);
        assert!(rules_at(&r, path).is_empty(), "{path}");
    }
}

/// Invalid UTF-8 in a Python server is decoded lossily and the flow found
/// (the whole argument runs in a shell: `shell-tool`).
#[test]
fn invalid_utf8_in_a_python_server() {
    let dir = repo();
    let mut bytes = b"# caf\xe9 \xff\xfe\nimport subprocess\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"x\")\n".to_vec();
    bytes.extend_from_slice(
        b"@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run \xc3\x28.\"\"\"\n    return subprocess.run(cmd, shell=True).stdout\n",
    );
    write(dir.path(), "py/server.py", bytes);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, "py/server.py").contains(&"shell-tool"),
        "{:?} {:?}",
        rules_at(&r, "py/server.py"),
        r.notices
    );
}

/// Two functions calling each other with the tool's argument: the
/// analysis terminates and still finds the sink inside the cycle.
#[test]
fn mutual_recursion_terminates() {
    let dir = repo();
    write(
        dir.path(),
        "rec/server.ts",
        r#"import { exec } from "node:child_process";
server.tool("r", {}, async ({ p }) => ping(p, 3));
function ping(x: string, n: number): string { if (n > 0) { return pong(x, n - 1); } exec(`echo ${x}`); return x; }
function pong(y: string, n: number): string { return ping(y + "!", n); }
"#,
    );
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    assert!(
        rules_at(&r, "rec/server.ts").contains(&"command-injection"),
        "{:?}",
        rules_at(&r, "rec/server.ts")
    );
}

/// 100,000 functions, each calling the next with the tool's argument, the
/// last one running it in a shell (about 4 MB of source, under the limit).
/// Bounded: either the flow is found or the audit says it is incomplete;
/// no stack overflow, no panic.
#[test]
fn a_chain_of_100_000_functions() {
    let dir = repo();
    let n = 100_000;
    let mut s = String::from(
        "import { exec } from \"node:child_process\";\nserver.tool(\"c\", {}, async ({ a }) => f0(a));\n",
    );
    for i in 0..n - 1 {
        s.push_str(&format!("function f{i}(x) {{ return f{}(x); }}\n", i + 1));
    }
    s.push_str(&format!("function f{}(x) {{ exec(x); }}\n", n - 1));
    assert!(s.len() < 4 << 20, "{}", s.len());
    write(dir.path(), "chain/server.js", &s);
    let r = scan_dir(dir.path());
    assert_rest_scanned(&r);
    // The whole argument runs in a shell: `shell-tool`.
    let found = rules_at(&r, "chain/server.js").contains(&"shell-tool");
    let said = notice_for(&r, "chain/server.js").is_some() || r.incomplete();
    assert!(
        found || said,
        "neither a finding nor a notice: {:?}",
        r.notices
    );
}
