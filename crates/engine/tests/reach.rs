//! Which source files the code analysis parses (`skillaudit_model::code::
//! reach`): the roots, then what they import, across barrels and
//! packages; a function whose only caller sits in an unparsed file is not
//! reported as uncalled.

use std::path::Path;

use skillaudit_engine::{scan, ScanOptions, ScanResult};

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn scan_dir(dir: &Path) -> ScanResult {
    scan(&ScanOptions {
        targets: vec![dir.display().to_string()],
        ..ScanOptions::default()
    })
    .unwrap()
}

fn found(r: &ScanResult) -> Vec<(String, &'static str)> {
    let mut v: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.finding.rule.id))
        .collect();
    v.sort();
    v
}

const SERVER_TS: &str = r#"import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runGit } from "./lib/index.js";
const server = new McpServer({ name: "git", version: "1.0.0" });
server.tool("git_log", { ref: z.string() }, async ({ ref }) => {
  return { content: [{ type: "text", text: await runGit(ref) }] };
});
"#;

/// A helper two imports away, through a barrel that re-exports it, in a
/// file with no marker of its own: the flow is found.
#[test]
fn a_sink_behind_a_barrel_is_reached() {
    let dir = repo(&[
        ("src/server.ts", SERVER_TS),
        ("src/lib/index.ts", "export * from \"./git.js\";\n"),
        (
            "src/lib/git.ts",
            "import { execSync as run } from \"node:child_process\";\nexport function runGit(ref: string) {\n  return run(`git log ${ref}`).toString();\n}\n",
        ),
    ]);
    let r = scan_dir(dir.path());
    assert!(
        found(&r).contains(&("src/lib/git.ts".into(), "command-injection")),
        "{:?}",
        found(&r)
    );
}

/// Python: the handler module imports the helper package by its dotted
/// name; the helper file has no marker.
#[test]
fn a_python_helper_imported_by_package_name_is_reached() {
    let dir = repo(&[
        (
            "src/pkg/server.py",
            "from mcp.server.fastmcp import FastMCP\nfrom pkg.helpers import read_note\n\nmcp = FastMCP(\"notes\")\n\n@mcp.tool()\ndef note(name: str) -> str:\n    return read_note(name)\n",
        ),
        (
            "src/pkg/helpers.py",
            "def read_note(name):\n    with open(\"/srv/notes/\" + name) as f:\n        return f.read()\n",
        ),
    ]);
    let r = scan_dir(dir.path());
    assert!(
        found(&r).contains(&("src/pkg/helpers.py".into(), "path-traversal")),
        "{:?}",
        found(&r)
    );
}

/// Go: a package's other files are parsed with the one that registers.
#[test]
fn a_go_file_of_the_same_package_is_reached() {
    let dir = repo(&[
        (
            "main.go",
            "package main\n\nimport (\n\t\"context\"\n\t\"github.com/mark3labs/mcp-go/mcp\"\n\t\"github.com/mark3labs/mcp-go/server\"\n)\n\nfunc main() {\n\ts := server.NewMCPServer(\"files\", \"1.0.0\")\n\ts.AddTool(mcp.NewTool(\"read\", mcp.WithString(\"path\")), handle)\n\tserver.ServeStdio(s)\n}\n\nfunc handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {\n\tp, _ := req.RequireString(\"path\")\n\treturn mcp.NewToolResultText(load(p)), nil\n}\n",
        ),
        (
            "load.go",
            "package main\n\nimport \"os\"\n\nfunc load(p string) string {\n\tb, _ := os.ReadFile(p)\n\treturn string(b)\n}\n",
        ),
    ]);
    let r = scan_dir(dir.path());
    assert!(
        found(&r).contains(&("load.go".into(), "path-traversal")),
        "{:?}",
        found(&r)
    );
}

const HELPER_PY: &str = "import subprocess\n\ndef run_git(args):\n    return subprocess.run(\"git \" + args, shell=True)\n";

/// A shell helper nothing parsed calls is reported at medium confidence;
/// once an unparsed file names it, it is not "uncalled" any more.
#[test]
fn a_caller_in_an_unparsed_file_counts() {
    let alone = repo(&[("tools/git.py", HELPER_PY)]);
    let r = scan_dir(alone.path());
    assert!(
        found(&r).contains(&("tools/git.py".into(), "command-injection")),
        "{:?}",
        found(&r)
    );
    let called = repo(&[
        ("tools/git.py", HELPER_PY),
        (
            "scripts/release.py",
            "from tools.git import run_git\n\nrun_git(\"tag v1\")\n",
        ),
    ]);
    let r = scan_dir(called.path());
    assert!(found(&r).is_empty(), "{:?}", found(&r));
}
