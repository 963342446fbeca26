//! Which source files the analysis needs to parse.
//!
//! Parsing is most of the cost of the code analysis (tree-sitter reads
//! about 13 MB/s), and most of a server's files can carry no finding: a
//! flow starts at an MCP handler, so only the files that register or define
//! handlers, and the files those import (transitively), can hold one. The
//! other file rules look for constructs with a fixed spelling (a shell or
//! interpreter call with no known caller, TLS switches, network transports,
//! secrets of a known format, descriptions changed at run time).
//!
//! So the engine parses the *roots* — files whose text contains one of the
//! markers below, found in one pass of an Aho–Corasick automaton built once
//! — then the files they import ([`imported`]), until nothing new is
//! reached. A file no root reaches is read but never parsed. The markers
//! are deliberately broad (a marker in a comment makes a root too): a
//! missed root loses findings, an extra one only costs a parse.
//!
//! `secret-in-source` also judges high-entropy literals under a secret-like
//! name (`apiKey = "Zs6N…"`), so a file with such an assignment is a root
//! too: [`SECRET_WORDS`] finds a word of the secret-like names (in any ASCII
//! case), then within the line an `=`, `:`, `??`, `||` or `,` and a quoted
//! literal of at least eight characters without spaces — the shortest value
//! `secrets::is_strong` can accept. The bare words `pass` and `auth` are
//! left out: `pass` is a Python keyword and `auth` is in every OAuth import,
//! and neither alone names a secret often enough to pay for parsing every
//! file that has one (`password`, `auth_token`, `AUTH_KEY` still match
//! through their other words). The caller then judges each candidate
//! (the whole identifier and the literal) as the rule would, so a file
//! whose only candidates are placeholders (`token="test-token"`, the
//! bulk of test suites) is not a root: the model crate does not know the
//! secret detector, the engine passes it in.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::ir::{CodeFile, Lang};
use super::modules::{dir_of, family, ModuleIndex};

/// Markers shared by every language: TLS switches, transports, secrets of
/// a known format, run-time description changes.
const COMMON: &[&str] = &[
    "StreamableHTTP",
    "streamable-http",
    "streamable_http",
    "SSEServer",
    "SseServer",
    "sse_app",
    "\"sse\"",
    "'sse'",
    ".listen(",
    "Listen(",
    "ListenAndServe",
    "rejectUnauthorized",
    "REJECT_UNAUTHORIZED",
    "verify=",
    "verify =",
    "verify_ssl",
    "ssl_verify",
    "CERT_NONE",
    "check_hostname",
    "unverified_context",
    "InsecureSkipVerify",
    "__doc__",
    "list_changed",
    "ListChanged",
    "listChanged",
    "ghp_",
    "gho_",
    "ghs_",
    "ghu_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xapp-",
    "\"sk-",
    "'sk-",
    "`sk-",
    "sk_live_",
    "rk_live_",
    "AKIA",
    "ASIA",
    "AIza",
    "eyJ",
    "-----BEGIN",
    "\"hf_",
    "'hf_",
    "\"npm_",
    "'npm_",
    "pypi-",
];

/// JavaScript and TypeScript: MCP registrations and tool definitions,
/// processes and interpreters.
const JS: &[&str] = &[
    "fastmcp",
    "FastMCP",
    "McpServer",
    "registerTool",
    "registerPrompt",
    "registerResource",
    "setRequestHandler",
    ".tool(",
    ".prompt(",
    ".resource(",
    "addTool",
    "addPrompt",
    "addResource",
    "inputSchema",
    "input_schema",
    "argsSchema",
    "parameters:",
    "schema:",
    "child_process",
    "execa",
    "shelljs",
    "zx",
    "eval(",
    "Function(",
    "vm.",
    "node:vm",
    "\"vm\"",
    "'vm'",
];

/// Python: MCP servers and registrations, processes and interpreters.
const PYTHON: &[&str] = &[
    "FastMCP",
    "fastmcp",
    "Server(",
    ".tool",
    ".prompt(",
    ".prompt\n",
    ".resource(",
    ".resource\n",
    "call_tool()",
    "list_tools()",
    "get_prompt()",
    "read_resource()",
    "add_tool",
    "inputSchema",
    "input_schema",
    "subprocess",
    "os.system",
    "popen",
    "pexpect",
    "import pty",
    "pty.spawn",
    "exec(",
    "os.exec",
    "os.spawn",
    "eval(",
    "pickle",
    "yaml.",
    "marshal",
    "uvicorn",
];

/// Go: mcp-go and the official SDK, processes.
const GO: &[&str] = &[
    "mcp-go",
    "go-sdk",
    "AddTool",
    "AddPrompt",
    "AddResource",
    "AddSessionTool",
    "NewTool",
    "ServerTool",
    "CallTool",
    "os/exec",
    "syscall",
    "Getenv",
];

/// The words of the secret-like names (those of `secrets::is_secret_name`)
/// that make an assignment a candidate, in any ASCII case.
const SECRET_WORDS: &[&str] = &[
    "passw",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "accesskey",
    "private_key",
    "privatekey",
    "credential",
    "creds",
    "encryption_key",
    "encryptionkey",
    "signing_key",
    "signingkey",
    "master_key",
    "masterkey",
    "auth_key",
    "authkey",
];

/// A secret-like name given a literal on one line: `API_KEY = "…"`,
/// `apiKey: "…"`, `"token": "…"`, `const key: string = "…"`,
/// `password := "…"`, `process.env.X_TOKEN ?? "…"`,
/// `os.environ.get("X_SECRET", "…")`, `f(token="…")`, matched from the
/// start of one of the [`SECRET_WORDS`]: the name (group 1, from the word to
/// the end of its identifier) and the literal (group 2) are captured. A
/// match only makes the file a root, the rule then judges the literal.
fn secret_assignment() -> String {
    let words: Vec<String> = SECRET_WORDS.iter().map(|w| regex::escape(w)).collect();
    format!(
        r#"\A(?i)((?:{})\w*)["']?[^"'`\n=;(){{}}]{{0,40}}?(?:=|:|\?\?|\|\||,)\s*[fbruFBRU]{{0,2}}["'`]([^"'`\s]{{8,}})["'`]"#,
        words.join("|")
    )
}

fn automaton(parts: &[&[&str]]) -> AhoCorasick {
    let patterns: Vec<&str> = parts.iter().flat_map(|p| p.iter().copied()).collect();
    AhoCorasick::new(patterns).expect("the marker patterns are valid")
}

static JS_ROOTS: LazyLock<AhoCorasick> = LazyLock::new(|| automaton(&[COMMON, JS]));
static PYTHON_ROOTS: LazyLock<AhoCorasick> = LazyLock::new(|| automaton(&[COMMON, PYTHON]));
static GO_ROOTS: LazyLock<AhoCorasick> = LazyLock::new(|| automaton(&[COMMON, GO]));
static SECRET_WORD: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(SECRET_WORDS)
        .expect("the secret words are valid")
});
static SECRET_ASSIGNMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&secret_assignment()).expect("the pattern is valid"));

/// Whether a file must be parsed whatever imports it (see the module doc):
/// it has a marker, or a secret assignment whose name and literal
/// `secret(name, value)` accepts.
pub fn is_root(lang: Lang, text: &str, secret: impl Fn(&str, &str) -> bool) -> bool {
    let ac = match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => &*JS_ROOTS,
        Lang::Python => &*PYTHON_ROOTS,
        Lang::Go => &*GO_ROOTS,
    };
    ac.is_match(text) || has_secret_assignment(text, secret)
}

/// Whether a [`secret_assignment`] in `text` has a name and literal that
/// `secret` accepts. The name is the whole identifier around the matched
/// word (`openaiApiKey`, not `ApiKey`). The pattern is tried, anchored,
/// where a [`SECRET_WORDS`] word starts, in text order, so the first
/// success is the leftmost match (a search of the whole file for the
/// pattern was most of this function's time); after a candidate is
/// refused the words inside its name are skipped, so a match that reached
/// across an earlier secret-like word (`pwd_hint: x, apiKey: "…"`) does
/// not hide the later one.
fn has_secret_assignment(text: &str, secret: impl Fn(&str, &str) -> bool) -> bool {
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_' || ch == '$';
    let mut starts: Vec<usize> = SECRET_WORD
        .find_overlapping_iter(text)
        .map(|m| m.start())
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut at = 0;
    for p in starts {
        if p < at {
            continue;
        }
        let Some(c) = SECRET_ASSIGNMENT.captures(&text[p..]) else {
            continue;
        };
        let (Some(name), Some(value)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let (name_start, name_end) = (p + name.start(), p + name.end());
        let start = text[..name_start]
            .char_indices()
            .rev()
            .take_while(|&(_, ch)| ident(ch))
            .last()
            .map_or(name_start, |(i, _)| i);
        if secret(&text[start..name_end], value.as_str()) {
            return true;
        }
        at = name_end;
    }
    false
}

/// The files (indices of `index`) a parsed file at `from` imports: JS
/// imports, `require`s and re-exports; Python imports (a `from pkg import
/// mod` names the submodule); Go's imported packages and its own package's
/// other files.
pub fn imported(index: &ModuleIndex<'_>, from: &str, code: &CodeFile) -> Vec<u32> {
    let fam = family(code.lang);
    let mut out = Vec::new();
    match fam {
        0 => {
            let modules = code.imports.iter().map(|i| i.module.as_str());
            for m in modules.chain(code.reexports.iter().map(String::as_str)) {
                out.extend(index.js_module(from, m));
            }
        }
        1 => {
            for i in &code.imports {
                out.extend(index.py_module(from, &i.module, i.member.as_deref()));
                if i.member.is_some() {
                    out.extend(index.py_module(from, &i.module, None));
                }
            }
        }
        2 => {
            out.extend_from_slice(index.go_dir(dir_of(from)));
            for i in &code.imports {
                out.extend(index.go_package(&i.module));
            }
        }
        _ => {}
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::ir::Import;
    use crate::Span;

    /// Every secret candidate accepted, as a secret detector that knows no
    /// placeholders would.
    fn root(lang: Lang, text: &str) -> bool {
        is_root(lang, text, |_, _| true)
    }

    #[test]
    fn secret_candidates_are_judged_by_the_caller_with_the_whole_name() {
        let seen = std::cell::RefCell::new(Vec::new());
        let refuse_all = |name: &str, value: &str| {
            seen.borrow_mut()
                .push((name.to_string(), value.to_string()));
            false
        };
        let text =
            "const openaiApiKey = \"test-key-123\";\nx = { pwd_hint: y, apiKey: \"Zs6Nd1Hy5J\" }";
        assert!(!is_root(Lang::TypeScript, text, refuse_all));
        assert_eq!(
            seen.into_inner(),
            [
                ("openaiApiKey".to_string(), "test-key-123".to_string()),
                ("pwd_hint".to_string(), "Zs6Nd1Hy5J".to_string()),
                ("apiKey".to_string(), "Zs6Nd1Hy5J".to_string()),
            ]
        );
        // Accepting the last candidate makes the file a root.
        assert!(is_root(Lang::TypeScript, text, |name, _| name == "apiKey"));
        // A marker makes a root whatever the caller says of secrets.
        assert!(is_root(Lang::Go, "import \"os/exec\"", |_, _| false));
    }

    #[test]
    fn roots_by_marker() {
        assert!(root(
            Lang::TypeScript,
            "server.registerTool('x', {}, async () => {})"
        ));
        assert!(root(
            Lang::JavaScript,
            "import { exec } from 'child_process'"
        ));
        assert!(root(Lang::Python, "from mcp.server.fastmcp import FastMCP"));
        assert!(root(Lang::Go, "import \"os/exec\""));
        assert!(root(
            Lang::TypeScript,
            "const apiKey = \"Zs6Nd1Hy5Jb0Gcq8Vf2Lx9Rt4Wm7Kp3\";"
        ));
        assert!(root(Lang::Python, "DB_PASSWORD = 'Wm7Kp3Zs6N'\n"));
        assert!(root(
            Lang::TypeScript,
            "const key: string = process.env.X_TOKEN ?? `q8Vf2Lx9Rt4W`;"
        ));
        assert!(root(
            Lang::Go,
            "package x\nvar cfg = Config{APIKey: \"Hy5Jb0Gcq8\"}"
        ));
        assert!(root(
            Lang::Python,
            "SECRET = os.environ.get(\"CRM_SECRET\", \"Wm7Kp3Zs6N\")\n"
        ));
        // A secret-like name alone, or with a short or spaced literal, is not.
        assert!(!root(Lang::Python, "DB_PASSWORD = 'x'\n"));
        assert!(!root(
            Lang::TypeScript,
            "const tokenError = \"invalid token given\";"
        ));
        assert!(!root(
            Lang::Python,
            "def refresh(token):\n    return token\n"
        ));
        assert!(!root(
            Lang::TypeScript,
            "export function add(a: number, b: number) { return a + b }"
        ));
        assert!(!root(Lang::Python, "def add(a, b):\n    return a + b\n"));
        assert!(!root(
            Lang::Go,
            "package util\nfunc Add(a, b int) int { return a + b }"
        ));
    }

    fn import(module: &str, member: Option<&str>) -> Import {
        Import {
            local: "x".into(),
            module: module.into(),
            member: member.map(str::to_string),
            span: Span::empty(0),
        }
    }

    #[test]
    fn imports_and_reexports_lead_to_files() {
        let ix = ModuleIndex::new([
            ("src/index.ts", 0),
            ("src/tools/index.ts", 0),
            ("src/tools/git.ts", 0),
            ("pkg/server.py", 1),
            ("pkg/tools/run.py", 1),
            ("cmd/main.go", 2),
            ("cmd/tools.go", 2),
            ("internal/run/run.go", 2),
        ]);
        let barrel = CodeFile {
            lang: Some(Lang::TypeScript),
            reexports: vec!["./git.js".into()],
            ..CodeFile::default()
        };
        assert_eq!(imported(&ix, "src/tools/index.ts", &barrel), vec![2]);
        let index = CodeFile {
            lang: Some(Lang::TypeScript),
            imports: vec![import("./tools/index.js", None), import("zod", None)],
            ..CodeFile::default()
        };
        assert_eq!(imported(&ix, "src/index.ts", &index), vec![1]);
        let server = CodeFile {
            lang: Some(Lang::Python),
            imports: vec![import(".tools", Some("run"))],
            ..CodeFile::default()
        };
        assert_eq!(imported(&ix, "pkg/server.py", &server), vec![4]);
        let main = CodeFile {
            lang: Some(Lang::Go),
            imports: vec![import("github.com/o/r/internal/run", None)],
            ..CodeFile::default()
        };
        assert_eq!(imported(&ix, "cmd/main.go", &main), vec![5, 6, 7]);
    }
}
