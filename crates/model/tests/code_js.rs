use skillaudit_model::code::{dump::dump, lower, CodeFile};
use skillaudit_syntax::code::{parse, Lang};

fn lower_src(lang: Lang, src: &str) -> CodeFile {
    let parsed = parse(lang, src).expect("parses");
    lower::lower(&parsed, src)
}

fn dump_ts(src: &str) -> String {
    dump(&lower_src(Lang::TypeScript, src), src)
}

#[test]
#[ignore]
fn print_dump() {
    let path = std::env::var("DUMP").unwrap();
    let src = std::fs::read_to_string(&path).unwrap();
    let lang = Lang::from_path(&path).unwrap();
    if std::env::var("SEXP").is_ok() {
        let p = parse(lang, &src).unwrap();
        println!("{}", p.tree.root_node().to_sexp());
    }
    println!("{}", dump(&lower_src(lang, &src), &src));
}

#[test]
fn smoke() {
    assert!(dump_ts("const x = 1;\n").contains("func#0"));
}

/// Every TS/JS file of a directory tree (skipping node_modules and dist).
fn js_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            if name != "node_modules" && name != ".git" {
                js_files(&p, out);
            }
        } else if Lang::from_path(&p.to_string_lossy()).is_some_and(|l| l.is_js_family()) {
            out.push(p);
        }
    }
}

fn corpus_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ))
}

/// Lower one file the way the pipeline does (skipping minified files).
fn lower_path(p: &std::path::Path) -> Option<CodeFile> {
    let bytes = std::fs::read(p).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let path = p.to_string_lossy();
    let lang = Lang::from_path(&path)?;
    skillaudit_syntax::code::check(&path, &text).ok()?;
    let parsed = parse(lang, &text).ok()?;
    Some(lower::lower(&parsed, &text))
}

#[test]
#[ignore]
fn print_corpus_handlers() {
    let mut files = Vec::new();
    js_files(&corpus_dir(), &mut files);
    files.sort();
    for p in files {
        let Some(f) = lower_path(&p) else { continue };
        for h in &f.handlers {
            println!(
                "{} {:?} {:?} {:?} sources={}",
                p.display(),
                h.kind,
                h.name,
                match &h.func {
                    skillaudit_model::code::ir::HandlerFunc::Local(_) => "local",
                    _ => "named",
                },
                h.sources.len()
            );
        }
    }
}

#[test]
#[ignore]
fn print_corpus_sinks() {
    use skillaudit_model::code::ir::{Effect, Expr, Stmt};
    fn walk_e(e: &Expr, f: &mut dyn FnMut(&skillaudit_model::code::ir::Call)) {
        match e {
            Expr::Call(c) => {
                f(c);
                walk_e(&c.callee, f);
                for a in &c.args {
                    walk_e(&a.value, f);
                }
            }
            Expr::Template { parts, .. } => parts.iter().for_each(|p| walk_e(p, f)),
            Expr::Member { obj, .. } => walk_e(obj, f),
            Expr::Index { obj, index, .. } => {
                walk_e(obj, f);
                walk_e(index, f)
            }
            Expr::Object { entries, .. } => {
                for en in entries {
                    match en {
                        skillaudit_model::code::ir::Entry::Field(_, v, _) => walk_e(v, f),
                        skillaudit_model::code::ir::Entry::Computed(k, v) => {
                            walk_e(k, f);
                            walk_e(v, f)
                        }
                        skillaudit_model::code::ir::Entry::Spread(v) => walk_e(v, f),
                    }
                }
            }
            Expr::Array { items, .. } => items.iter().for_each(|p| walk_e(p, f)),
            Expr::Spread(x, _) => walk_e(x, f),
            Expr::Cond {
                cond, then, els, ..
            } => {
                walk_e(cond, f);
                walk_e(then, f);
                walk_e(els, f)
            }
            Expr::Binary { left, right, .. } => {
                walk_e(left, f);
                walk_e(right, f)
            }
            Expr::Unary { expr, .. } => walk_e(expr, f),
            Expr::Assign { value, .. } => walk_e(value, f),
            Expr::Guard { check, .. } => walk_e(check, f),
            Expr::Opaque { children, .. } => children.iter().for_each(|p| walk_e(p, f)),
            _ => {}
        }
    }
    fn walk_s(s: &[Stmt], f: &mut dyn FnMut(&skillaudit_model::code::ir::Call)) {
        for st in s {
            match st {
                Stmt::Assign { value, .. } => walk_e(value, f),
                Stmt::Expr(e) => walk_e(e, f),
                Stmt::Return(Some(e), _) | Stmt::Throw(Some(e), _) => walk_e(e, f),
                Stmt::If {
                    cond, then, els, ..
                } => {
                    walk_e(cond, f);
                    walk_s(then, f);
                    walk_s(els, f)
                }
                Stmt::Switch { on, cases, .. } => {
                    if let Some(o) = on {
                        walk_e(o, f)
                    }
                    for c in cases {
                        walk_s(&c.body, f)
                    }
                }
                Stmt::Loop {
                    bind, cond, body, ..
                } => {
                    if let Some((_, e)) = bind {
                        walk_e(e, f)
                    }
                    if let Some(c) = cond {
                        walk_e(c, f)
                    }
                    walk_s(body, f)
                }
                Stmt::Try {
                    body,
                    catches,
                    finally,
                } => {
                    walk_s(body, f);
                    for (_, b) in catches {
                        walk_s(b, f)
                    }
                    walk_s(finally, f)
                }
                Stmt::Block(b) => walk_s(b, f),
                _ => {}
            }
        }
    }
    let mut files = Vec::new();
    js_files(&corpus_dir(), &mut files);
    files.sort();
    for p in files {
        let Ok(src) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Some(file) = lower_path(&p) else { continue };
        for func in &file.funcs {
            walk_s(&func.body, &mut |c| {
                if let Effect::Sinks(sites) = &c.effect {
                    let line = src[..c.span.start as usize].matches('\n').count() + 1;
                    let kinds: Vec<String> =
                        sites.iter().map(|s| format!("{:?}", s.kind)).collect();
                    let text: String = src[c.span.range()]
                        .chars()
                        .take(70)
                        .collect::<String>()
                        .replace('\n', " ");
                    println!("{}:{} {} | {}", p.display(), line, kinds.join(","), text);
                }
            });
        }
    }
}

// ---------------------------------------------------------------------
// 1. Constructs, one snapshot per family.

#[test]
fn functions_methods_lambdas_closures() {
    let src = r#"
export function top(a: number, b = "x", ...rest: string[]) { return a; }
export default function () {}
const arrow = async (x) => x.trim();
const single = y => y;
function* gen() { yield 1; }
export class Runner extends Base {
  private count = 0;
  handle = (cmd) => this.run(cmd);
  constructor(private readonly root: string) { super(); }
  async run(cmd: string): Promise<void> { const inner = () => cmd; return inner(); }
  static { init(); }
}
const obj = { method(p) { return p; }, prop: function named(q) { return q; } };
module.exports.helper = function (z) { return z; };
function outer(v) { function nested() { return v; } return nested; }
export { outer };
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn destructuring_and_assignments() {
    let src = r#"
function f({ a, b: { c }, d = 1, ...others }, [x, , y, ...zs]) {
  const { command, args: argv = [] } = others;
  let [first] = zs;
  let s = "a";
  s += command;
  s ??= y;
  n -= 1;
  this.state.last = s;
  cache[key] = argv;
  ({ c } = obj);
  const v = (w = c);
  return [first, v];
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn control_flow() {
    let src = r#"
function f(a, items) {
  if (a) { g(1); } else if (!a) { g(2); } else g(3);
  switch (a.kind) {
    case "x":
    case "y":
      g(4);
      break;
    case Kinds.Z: { g(5); }
    default:
      throw new Error("bad");
  }
  for (let i = 0; i < items.length; i++) { continue; }
  for (const [k, v] of Object.entries(items)) g(k, v);
  for (const key in items) g(key);
  while (a.next()) { break; }
  do { g(6); } while (a);
  outer: for (const it of items) { break; }
  try { risky(a); } catch ({ message }) { log(message); } finally { done(); }
  try { risky(a); } catch { }
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn string_building() {
    let src = r#"
import util from "node:util";
import { format } from "util";
function f(host, n, parts) {
  const a = `ping -c ${n} ${host}\n`;
  const b = "curl " + host + " -o " + n;
  const c = ["git", "log", host].join(" ");
  const d = parts.join(" ");
  const e = util.format("nslookup %s %d%%", host, n);
  const g = format("a %s", host, "extra");
  const h = a + b;
  const k = String.raw`x${host}`;
  const q = sql`SELECT * FROM t WHERE id = ${host}`;
  return [a, b, c, d, e, g, h, k, q];
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn member_and_index_access() {
    let src = r#"
function f(req, i) {
  const a = req.params.arguments?.path;
  const b = req["params"]["name"];
  const c = req.list[0];
  const d = req.list[i];
  const e = req?.a?.b?.(i);
  const g = (req as any).x!;
  const h = <string>req.y;
  return [a, b, c, d, e, g, h];
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn imports_and_aliases() {
    let src = r#"
import fs, { readFile as rf, promises as fsp } from "node:fs";
import * as cp from "child_process";
import { exec } from "node:child_process";
import path from "path";
import { run as gitRun } from "./tools/git.js";
import helpers from "../helpers";
import { something } from "left-pad";
const { execSync, spawn: sp } = require("child_process");
const util = require("util");
const fse = require("fs-extra");
const fsp2 = require("fs").promises;
const local = require("./local");
export const run = promisify(exec);
const runFile = util.promisify(cp.execFile);
async function f(x) {
  const { execFile } = await import("node:child_process");
  rf(x); fsp.readFile(x); fs.promises.writeFile(x, ""); cp.execSync(x); execSync(x); sp(x, [x]);
  run(x); runFile("git", [x]); fse.remove(x); fsp2.rm(x); gitRun(x); helpers.go(x); something(x);
  path.posix.join(x, "a");
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn guards() {
    let src = r#"
import path from "node:path";
import { realpath } from "node:fs/promises";
const ROOT = path.resolve("/srv/data");
const ROOT_SEP = ROOT + path.sep;
const ALLOWED = ["status", "log"];
const TOOLS = { a: 1, b: 2 };
const HOSTS = new Set(["api.example.com"]);
async function f(p, cmd, url, name, n) {
  const full = path.resolve(ROOT, p);
  if (!full.startsWith(ROOT + path.sep)) throw new Error("outside");
  if (full.startsWith(`${ROOT}/`)) g();
  if (full.startsWith(ROOT_SEP)) g();
  if (full.startsWith("/srv/data/")) g();
  if (full.startsWith(ROOT)) g();
  if (full.startsWith("/srv/data")) g();
  if (full === ROOT || full.startsWith(ROOT + path.sep)) g();
  const real = await realpath(full);
  if (!real.startsWith(ROOT + path.sep)) throw new Error("outside");
  const rel = path.relative(ROOT, full);
  if (rel.startsWith("..") || path.isAbsolute(rel)) throw new Error("outside");
  if (!rel.startsWith(".." + path.sep) && !path.isAbsolute(rel)) g();
  if (rel.includes("..")) return;
  if (!ALLOWED.includes(cmd)) throw new Error("no");
  if (["a", "b"].includes(cmd)) g();
  if (cmd.includes(";")) g();
  if (!(name in TOOLS)) throw new Error("no");
  if (!Object.hasOwn(TOOLS, name)) return;
  if (name === "status") g();
  if (name !== "status") return;
  if (typeof n === "number") g();
  if (typeof n === "string") g();
  const u = new URL(url);
  if (u.hostname !== "api.example.com") throw new Error("host");
  if (new URL(url).host === "api.example.com") g();
  if (!HOSTS.has(u.hostname)) return;
  if (u.hostname.endsWith(".example.com")) g();
  if (u.hostname.endsWith("example.com")) g();
  if (!/^[a-z0-9_-]+$/.test(name)) throw new Error("bad");
  if (/^[\w.-]+$/i.test(name)) g();
  if (/[a-z]+/.test(name)) g();
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn terminators() {
    let src = r#"
function f(x) {
  if (!x) throw new Error("missing");
  if (x === "q") process.exit(1);
  if (x === "r") { process.exit(); }
  return x;
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn javascript_and_tsx_grammars() {
    let js = r#"
const { exec } = require("child_process");
class Tools { field = 1; run(cmd) { exec(`sh ${cmd}`); } }
module.exports = { Tools };
"#;
    let f = lower_src(Lang::JavaScript, js);
    insta::assert_snapshot!("javascript", dump(&f, js));
    let tsx = r#"
import { exec } from "child_process";
export function View({ cmd }: { cmd: string }) {
  exec(cmd);
  return <div onClick={() => exec(`x ${cmd}`)}>{cmd}</div>;
}
"#;
    let f = lower_src(Lang::Tsx, tsx);
    insta::assert_snapshot!("tsx", dump(&f, tsx));
}

// ---------------------------------------------------------------------
// 2. Handler discovery, one snapshot per registration style.

#[test]
fn sdk_high_level_tool_overloads() {
    let src = r#"
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
const mcpServer = new McpServer({ name: "x", version: "1" }, { instructions: "Use the tools wisely." });
const DESC = "Echo a message back";
mcpServer.tool("no_args", async (extra) => ({ content: [] }));
mcpServer.tool("desc_only", "Only a description", async (extra) => ({ content: [] }));
mcpServer.tool("echo", DESC, { message: z.string().describe("The message to echo") }, async ({ message }, extra) => ({ content: [] }));
mcpServer.tool("annotated", { n: z.number().int().min(1).optional() }, { readOnlyHint: true }, async (args) => args);
mcpServer.tool(
  "full",
  "All five",
  {
    mode: z.enum(["a", "b"]).default("a"),
    flag: z.boolean(),
    lit: z.literal("x"),
    kind: z.nativeEnum(Kind),
    id: z.string().uuid(),
    ids: z.array(z.number()),
    count: z.coerce.number(),
    path: z.string().min(1),
    union: z.union([z.number(), z.string()]),
  },
  { title: "Full", destructiveHint: false },
  async ({ path }) => path,
);
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn sdk_register_prompt_resource() {
    let src = r#"
import { z } from "zod";
export function registerTools(server: McpServer) {
  server.registerTool(
    "read_file",
    {
      title: "Read",
      description: "Read a file",
      inputSchema: { path: z.string().describe("Path to read"), limit: z.number().optional() },
      annotations: { readOnlyHint: true },
    },
    async ({ path, limit }) => ({ content: [] }),
  );
  server.registerTool("ping", { description: "Ping" }, async (extra) => ({ content: [] }));
  server.registerPrompt("review", { description: "Review code", argsSchema: { code: z.string() } }, ({ code }) => ({ messages: [] }));
  server.prompt("summarize", "Summarize", { text: z.string() }, ({ text }) => ({ messages: [] }));
  server.resource("config", "config://app", async (uri) => ({ contents: [] }));
  server.resource(
    "user",
    new ResourceTemplate("users://{id}/profile", { list: undefined }),
    { description: "A user's profile" },
    async (uri, { id }) => ({ contents: [] }),
  );
  server.registerResource("doc", new ResourceTemplate("docs://{name}", { list: undefined }), { description: "Docs" }, async (uri, vars) => ({ contents: [] }));
}
export class Tools {
  constructor(private server: McpServer) {}
  register() {
    this.server.registerTool("status", { description: "Status", inputSchema: Schema.shape }, this.status.bind(this));
    this.server.tool(toolName || "default_name", "Default", { q: z.string() }, handleQuery);
    this.server.tool("wrapped", { q: z.string() }, withErrors(async ({ q }) => q));
  }
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn sdk_low_level_dispatch() {
    let src = r#"
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema, GetPromptRequestSchema, ReadResourceRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { execSync } from "child_process";
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} }, instructions: "Server text" });
const RUN_TOOL = {
  name: "run",
  description: "Run a command",
  inputSchema: { type: "object", properties: { cmd: { type: "string", description: "The command" }, n: { type: "integer" } } },
};
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [RUN_TOOL] }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  switch (name) {
    case "run":
      return execSync(`sh -c ${args.cmd}`);
    default:
      throw new Error("unknown");
  }
});
server.setRequestHandler(GetPromptRequestSchema, async (req) => ({ messages: [] }));
server.setRequestHandler(ReadResourceRequestSchema, handleRead);
class Proxy {
  setup() {
    this.server.setRequestHandler(CallToolRequestSchema, async (request) => {
      if (request.params.name === "x") { return go(request.params.arguments); }
    });
  }
}
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn fastmcp_registrations() {
    let src = r#"
import { FastMCP } from "fastmcp";
import { z } from "zod";
const server = new FastMCP({ name: "x", version: "1.0.0", instructions: "Be nice" });
server.addTool({
  name: "add",
  description: "Add two numbers",
  parameters: z.object({ a: z.number(), b: z.number(), label: z.string() }),
  execute: async (args, context) => String(args.a + args.b),
});
server.addTool({ name: "method", description: "Method style", parameters: z.object({ q: z.string() }), async execute({ q }) { return q; } });
server.addPrompt({ name: "p", description: "A prompt", arguments: [{ name: "topic", description: "The topic", required: true }], load: async (args) => args.topic });
server.addResourceTemplate({ uriTemplate: "file:///logs/{name}.log", name: "Logs", arguments: [{ name: "name", description: "Log name" }], load: async ({ name }) => ({ text: name }) });
"#;
    insta::assert_snapshot!(dump_ts(src));
}

#[test]
fn schemas_by_name() {
    let src = r#"
import { z } from "zod";
const Shape = { n: z.number(), s: z.string() };
const Obj = z.object({ flag: z.boolean(), text: z.string() }).strict();
const Json = { type: "object", properties: { count: { type: "number" }, level: { enum: ["a", "b"] }, name: { type: "string" }, list: { type: "array", items: { type: "integer" } } } };
server.tool("a", "A", Shape, async (args) => args);
server.registerTool("b", { description: "B", inputSchema: Obj.shape }, async (args) => args);
server.registerTool("c", { description: "C", inputSchema: Json }, async (args) => args);
"#;
    let f = lower_src(Lang::TypeScript, src);
    let safe: Vec<(String, Vec<String>)> = f
        .handlers
        .iter()
        .map(|h| {
            (
                h.name.clone().unwrap_or_default(),
                h.sources
                    .first()
                    .map(|s| s.safe_fields.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        safe,
        [
            ("a".to_string(), vec!["n".to_string()]),
            ("b".to_string(), vec!["flag".to_string()]),
            (
                "c".to_string(),
                vec!["count".to_string(), "level".to_string(), "list".to_string()]
            ),
        ]
    );
}

// ---------------------------------------------------------------------
// 3. Catalogue: every entry exercised.

const PRELUDE: &str = r#"
import cp, { exec, execSync, execFile, execFileSync, spawn, spawnSync, fork } from "node:child_process";
import { promisify } from "node:util";
import util from "util";
import fs from "node:fs";
import fsp from "node:fs/promises";
import fse from "fs-extra";
import path from "node:path";
import vm from "node:vm";
import http from "node:http";
import https from "https";
import axios from "axios";
import got from "got";
import ky from "ky";
import { request as undiciRequest, fetch as undiciFetch } from "undici";
import nodeFetch from "node-fetch";
import WebSocket from "ws";
import { execa, execaCommand, $ } from "execa";
import shell from "shelljs";
import crossSpawn from "cross-spawn";
import { quote } from "shell-quote";
import { Shescape } from "shescape";
import shellEscape from "shell-escape";
import sanitizeFilename from "sanitize-filename";
import Database from "better-sqlite3";
import { Pool } from "pg";
import SqlString from "sqlstring";
const execAsync = promisify(exec);
const pool = new Pool();
const db = new Database("x.db");
"#;

/// (code inside a function with parameter `x`, text expected in the dump).
const CATALOGUE: &[(&str, &str)] = &[
    // Shell sinks.
    ("exec(x)", r#"!sink[Shell@0 "exec"]"#),
    ("execSync(x)", r#"!sink[Shell@0 "execSync"]"#),
    ("cp.exec(x)", r#"<child_process.exec> !sink[Shell@0"#),
    (
        "execAsync(x)",
        r#"<child_process.exec> !sink[Shell@0 "exec"]"#,
    ),
    ("util.promisify(cp.exec)(x)", r#"!sink[Shell@0 "exec"]"#),
    (
        "spawn(x, [], { shell: true })",
        r#"!sink[Shell@0 "spawn(shell: true)";"#,
    ),
    (
        "spawn(x, [x], { shell: true })",
        r#"Shell@1 "spawn(shell: true)""#,
    ),
    (
        "spawnSync(x, { shell: \"/bin/bash\" })",
        r#"Shell@0 "spawnSync(shell: true)""#,
    ),
    (
        "execFile(x, [], { shell: opts.shell })",
        r#"Shell@0 "execFile(shell: true)""#,
    ),
    (
        "execFileSync(x, [], { shell: false })",
        r#"!sink[Program@0 "execFileSync"]"#,
    ),
    (
        "execa(x, [], { shell: true })",
        r#"Shell@0 "execa(shell: true)""#,
    ),
    ("execaCommand(x)", r#"!sink[Shell@0 "execaCommand"]"#),
    ("shell.exec(x)", r#"!sink[Shell@0 "shell.exec"]"#),
    // Programs and arguments.
    ("execFile(x, [\"a\"])", r#"Program@0 "execFile""#),
    (
        "execFile(\"git\", [\"log\", x])",
        r#"ProgramArg { after_dashes: false }@1[1] "execFile""#,
    ),
    (
        "execFile(\"git\", [\"log\", \"--\", x])",
        r#"ProgramArg { after_dashes: true }@1[2] "execFile""#,
    ),
    (
        "execFileSync(\"git\", args)",
        r#"ProgramArgs@1 "execFileSync""#,
    ),
    (
        "spawn(\"kubectl\", x.split(\" \"))",
        r#"ProgramArgs@1 "spawn""#,
    ),
    (
        "spawnSync(\"ls\", [x])",
        r#"ProgramArg { after_dashes: false }@1[0] "spawnSync""#,
    ),
    ("fork(x)", r#"Program@0 "fork""#),
    (
        "execa(\"git\", [x])",
        r#"ProgramArg { after_dashes: false }@1[0] "execa""#,
    ),
    (
        "crossSpawn(\"git\", [x])",
        r#"ProgramArg { after_dashes: false }@1[0] "spawn""#,
    ),
    (
        "spawn(\"sh\", [\"-c\", x])",
        r#"Shell@1[1] "spawn(\"sh\", [\"-c\", …])""#,
    ),
    ("execFile(\"bash\", [\"-lc\", x])", r#"Shell@1[1]"#),
    ("execFile(\"node\", [\"-e\", x])", r#"Eval@1[1]"#),
    ("spawn(\"python3\", [\"-c\", x])", r#"Eval@1[1]"#),
    // Escaped templates, not sinks.
    (
        "$`git log ${x}`",
        r#"$(tpl("git log " ++ x)) <execa.$> !clean"#,
    ),
    // Code evaluation.
    ("eval(x)", r#"!sink[Eval@0 "eval"]"#),
    (
        "new Function(\"a\", x)",
        r#"!sink[Eval@0.. "new Function"]"#,
    ),
    ("Function(x)", r#"!sink[Eval@0.. "new Function"]"#),
    (
        "vm.runInNewContext(x, {})",
        r#"!sink[Eval@0 "vm.runInNewContext"]"#,
    ),
    (
        "vm.runInThisContext(x)",
        r#"!sink[Eval@0 "vm.runInThisContext"]"#,
    ),
    (
        "vm.runInContext(x, ctx)",
        r#"!sink[Eval@0 "vm.runInContext"]"#,
    ),
    ("new vm.Script(x)", r#"!sink[Eval@0 "new vm.Script"]"#),
    ("setTimeout(x, 10)", r#"!sink[Eval@0 "setTimeout"]"#),
    ("setInterval(`${x}`, 10)", r#"!sink[Eval@0 "setInterval"]"#),
    ("setTimeout(() => x, 10)", r#"setTimeout(func#"#),
    // Paths.
    (
        "fs.readFileSync(x)",
        r#"!sink[Path(Read)@0 "readFileSync"]"#,
    ),
    ("fs.readFile(x, cb)", r#"!sink[Path(Read)@0 "readFile"]"#),
    (
        "fsp.writeFile(x, data)",
        r#"!sink[Path(Write)@0 "writeFile"]"#,
    ),
    (
        "fs.promises.appendFile(x, data)",
        r#"<fs/promises.appendFile> !sink[Path(Write)@0"#,
    ),
    ("fs.unlinkSync(x)", r#"!sink[Path(Delete)@0 "unlinkSync"]"#),
    (
        "fsp.rm(x, { recursive: true })",
        r#"!sink[Path(Delete)@0 "rm"]"#,
    ),
    ("fs.rmdirSync(x)", r#"!sink[Path(Delete)@0 "rmdirSync"]"#),
    ("fs.readdirSync(x)", r#"!sink[Path(List)@0 "readdirSync"]"#),
    ("fsp.opendir(x)", r#"!sink[Path(List)@0 "opendir"]"#),
    (
        "fs.createReadStream(x)",
        r#"!sink[Path(Read)@0 "createReadStream"]"#,
    ),
    (
        "fs.createWriteStream(x)",
        r#"!sink[Path(Write)@0 "createWriteStream"]"#,
    ),
    (
        "fs.copyFileSync(x, y)",
        r#"!sink[Path(Read)@0 "copyFileSync"; Path(Write)@1 "copyFileSync"]"#,
    ),
    (
        "fsp.rename(x, y)",
        r#"!sink[Path(Delete)@0 "rename"; Path(Write)@1 "rename"]"#,
    ),
    ("fs.mkdirSync(x)", r#"!sink[Path(Write)@0 "mkdirSync"]"#),
    ("fsp.open(x, \"r\")", r#"!sink[Path(Read)@0 "open"]"#),
    ("fsp.open(x, \"w+\")", r#"!sink[Path(Write)@0 "open"]"#),
    (
        "fse.outputFile(x, d)",
        r#"!sink[Path(Write)@0 "outputFile"]"#,
    ),
    ("fse.remove(x)", r#"!sink[Path(Delete)@0 "remove"]"#),
    ("fse.readJson(x)", r#"!sink[Path(Read)@0 "readJson"]"#),
    ("res.sendFile(x)", r#"!sink[Path(Serve)@0 "sendFile"]"#),
    ("res.download(x)", r#"!sink[Path(Serve)@0 "download"]"#),
    (
        "fs.existsSync(x)",
        r#"fs.existsSync(x) <fs.existsSync> !clean"#,
    ),
    ("fsp.stat(x)", r#"<fs/promises.stat> !clean"#),
    ("fsp.access(x)", r#"<fs/promises.access> !clean"#),
    // URLs.
    ("fetch(x)", r#"!sink[Url@0 "fetch"]"#),
    ("globalThis.fetch(x)", r#"!sink[Url@0 "fetch"]"#),
    ("nodeFetch(x)", r#"!sink[Url@0 "fetch"]"#),
    ("axios(x)", r#"!sink[Url@0 "axios"]"#),
    (
        "axios({ url: x, method: \"get\" })",
        r#"!sink[Url@url= "axios"]"#,
    ),
    ("axios.get(x)", r#"!sink[Url@0 "axios.get"]"#),
    ("axios.post(x, body)", r#"!sink[Url@0 "axios.post"]"#),
    ("axios.put(x, body)", r#"!sink[Url@0 "axios.put"]"#),
    ("axios.delete(x)", r#"!sink[Url@0 "axios.delete"]"#),
    (
        "axios.request({ url: x })",
        r#"!sink[Url@url= "axios.request"]"#,
    ),
    ("got(x)", r#"!sink[Url@0 "got"]"#),
    ("got.post(x)", r#"!sink[Url@0 "got.post"]"#),
    ("undiciRequest(x)", r#"!sink[Url@0 "request"]"#),
    ("undiciFetch(x)", r#"!sink[Url@0 "fetch"]"#),
    ("http.request(x)", r#"!sink[Url@0 "http.request"]"#),
    (
        "https.get({ hostname: x, path: \"/\" })",
        r#"!sink[Url@hostname= "https.get"]"#,
    ),
    ("new WebSocket(x)", r#"!sink[Url@0 "new WebSocket"]"#),
    ("ky(x)", r#"!sink[Url@0 "ky"]"#),
    ("ky.get(x)", r#"!sink[Url@0 "ky.get"]"#),
    // SQL.
    ("pool.query(x)", r#"!sink[Sql@0 "query"]"#),
    ("pool.query(x, [y])", r#"!sink[Sql@0 "query"]"#),
    (
        "pool.query({ text: x, values: [y] })",
        r#"!sink[Sql@text= "query"]"#,
    ),
    ("this.db.execute(x)", r#"!sink[Sql@0 "execute"]"#),
    ("db.prepare(x)", r#"!sink[Sql@0 "prepare"]"#),
    ("db.exec(x)", r#"!sink[Sql@0 "exec"]"#),
    ("db.all(x)", r#"!sink[Sql@0 "all"]"#),
    ("knex.raw(x)", r#"!sink[Sql@0 "raw"]"#),
    ("qb.whereRaw(x)", r#"!sink[Sql@0 "whereRaw"]"#),
    ("sequelize.query(x)", r#"!sink[Sql@0 "query"]"#),
    (
        "prisma.$queryRawUnsafe(x)",
        r#"!sink[Sql@0 "$queryRawUnsafe"]"#,
    ),
    (
        "prisma.$executeRawUnsafe(x)",
        r#"!sink[Sql@0 "$executeRawUnsafe"]"#,
    ),
    ("sql.unsafe(x)", r#"!sink[Sql@0 "unsafe"]"#),
    ("prisma.$queryRaw`SELECT ${x}`", r#"!sanitize[sql 0]"#),
    ("sql`SELECT ${x}`", r#"!sanitize[sql 0]"#),
    // Not SQL: regexes, caches, API namespaces.
    ("/a/.exec(x)", "NOSINK"),
    ("cache.get(x)", "NOSINK"),
    ("client.d1.database.query(x, {})", "NOSINK"),
    ("store.get(x)", "NOSINK"),
    ("db.get(x)", r#"!sink[Sql@0 "get"]"#),
    ("rows.get(\"SELECT 1\")", "NOSINK"),
    // Sanitizers.
    ("quote([x])", r#"!sanitize[shell 0]"#),
    ("shescape.quote(x)", r#"!sanitize[shell 0]"#),
    ("shellEscape([x])", r#"!sanitize[shell 0]"#),
    ("path.basename(x)", r#"!sanitize[path 0]"#),
    ("sanitizeFilename(x)", r#"!sanitize[path 0]"#),
    ("encodeURIComponent(x)", r#"!sanitize[shell|url 0]"#),
    ("SqlString.escape(x)", r#"!sanitize[sql 0]"#),
    // Clean.
    ("parseInt(x, 10)", r#"parseInt(x, #num) !clean"#),
    ("parseFloat(x)", r#"!clean"#),
    ("Number(x)", r#"Number(x) !clean"#),
    ("Boolean(x)", r#"Boolean(x) !clean"#),
    ("Math.max(x, 1)", r#"!clean"#),
    ("Number.parseInt(x)", r#"!clean"#),
    ("x.startsWith(\"a\")", r#"!clean"#),
    // Propagators.
    ("path.join(\"/a\", x)", r#"<path.join> !propagate[0,1]"#),
    ("path.resolve(x)", r#"<path.resolve> !propagate[0]"#),
    ("path.normalize(x)", r#"<path.normalize> !propagate[0]"#),
    ("String(x)", r#"!propagate[0 whole]"#),
    ("x.trim()", r#"!propagate[recv whole]"#),
    ("x.toLowerCase()", r#"!propagate[recv whole]"#),
    ("x.toString()", r#"!propagate[recv whole]"#),
    ("x.split(\" \")", r#"!propagate[recv]"#),
    ("x.slice(1)", r#"!propagate[recv]"#),
    ("x.replace(/a/g, \"\")", r#"!propagate[recv]"#),
    ("x.concat(y)", r#"!propagate[recv,0]"#),
    ("Buffer.from(x)", r#"!propagate[0 whole]"#),
    ("JSON.stringify(x)", r#"JSON.stringify(x) !propagate[0]"#),
    ("new URL(x)", r#"!propagate[0 whole]"#),
    ("new URL(x, \"https://a.example\")", r#"!propagate[0,1]"#),
    ("decodeURIComponent(x)", r#"!propagate[0 whole]"#),
    ("encodeURI(x)", r#"!propagate[0]"#),
    ("promisify(x)", r#"<util.promisify> !propagate[0 whole]"#),
];

#[test]
fn catalogue_entries() {
    let mut failures = Vec::new();
    for (code, want) in CATALOGUE {
        let src = format!("{PRELUDE}\nexport async function f(x, y) {{\n  return {code};\n}}\n");
        let d = dump_ts(&src);
        let line = d
            .lines()
            .find(|l| l.trim_start().starts_with("return "))
            .unwrap_or("")
            .to_string();
        let ok = if *want == "NOSINK" {
            !line.is_empty() && !line.contains("!sink")
        } else {
            line.contains(want)
        };
        if !ok {
            failures.push(format!("{code}\n  want: {want}\n  got:  {line}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn separator_less_prefix_is_not_a_guard() {
    let src = r#"
import path from "node:path";
const ROOT = "/srv/data";
function f(p) {
  const full = path.resolve(ROOT, p);
  if (!full.startsWith(ROOT)) throw new Error("outside");
  if (!full.startsWith("/srv/data")) throw new Error("outside");
  if (!full.startsWith(`${ROOT}`)) throw new Error("outside");
  if (!full.startsWith(ROOT + path.sep)) throw new Error("outside");
}
"#;
    let d = dump_ts(src);
    let guards: Vec<&str> = d.lines().filter(|l| l.contains("guard[")).collect();
    assert_eq!(guards, ["  if Not(guard[path](full))"], "{d}");
}

// The shared acceptance cases' TypeScript files.
fn acceptance(case: &str, file: &str) -> Option<(CodeFile, String)> {
    let p = format!(
        "{}/../../../shared/acceptance/cases/{case}/repo/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let src = std::fs::read_to_string(p).ok()?;
    Some((lower_src(Lang::TypeScript, &src), src))
}

#[test]
fn acceptance_cases() {
    let Some((f, src)) = acceptance("code-ts-command-injection", "src/index.ts") else {
        return;
    };
    let d = dump(&f, &src);
    assert!(
        d.contains(
            r#"handler Tool "git_log" @9 [mcp-sdk] func#1 sources=[p0:Arguments safe=["count"]]"#
        ),
        "{d}"
    );
    assert!(d.contains(r#"execSync(tpl("git -C " ++ repo ++ " log -n " ++ count ++ " --oneline")) <child_process.execSync> !sink[Shell@0 "execSync"]"#), "{d}");
    assert!(
        d.contains(r#"quote([repo]) <shell-quote.quote> !sanitize[shell 0]"#),
        "{d}"
    );

    let (f, src) = acceptance("code-negative-safe", "src/index.ts").expect("case");
    let d = dump(&f, &src);
    for want in [
        r#"handler Tool "issue_status" @33 [mcp-sdk] func#4 sources=[p0:Arguments safe=["id"]]"#,
        r#"handler Tool "doc_format" @38 [mcp-sdk] func#5 sources=[p0:Arguments safe=["format"]]"#,
        r#"db.prepare("SELECT path, snippet FROM docs WHERE doc…") !sink[Sql@0 "prepare"].all(query)"#,
        "  if Not(guard[path](full))\n    throw",
        r#"ProgramArg { after_dashes: true }@1[2] "execFile""#,
        r#"fetch(tpl("https://tracker.example.com/api/issues/" ++ id)) !sink[Url@0 "fetch"]"#,
    ] {
        assert!(d.contains(want), "missing {want}\n{d}");
    }

    let (f, src) = acceptance("code-compound-chain", "src/server.ts").expect("case");
    let d = dump(&f, &src);
    assert!(
        d.contains(r#"handler Tool "run_command" @10 [mcp-sdk] func#1 sources=[p0:Arguments]"#),
        "{d}"
    );
    assert!(
        d.contains(r#"run(command, {timeout: #num}) <child_process.exec> !sink[Shell@0 "exec"]"#),
        "{d}"
    );
}

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

// ---------------------------------------------------------------------
// 5. The corpus: every TS/JS file lowers; the registrations are found.

#[test]
fn corpus_lowers_and_finds_handlers() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        return;
    }
    let mut files = Vec::new();
    js_files(&dir, &mut files);
    assert!(files.len() > 1_000, "{} files", files.len());
    let mut handlers = 0;
    let mut named = 0;
    for p in &files {
        let Some(f) = lower_path(p) else { continue };
        handlers += f.handlers.len();
        named += f.handlers.iter().filter(|h| h.name.is_some()).count();
    }
    // Counted by reading the repositories: 151 registrations of tools,
    // prompts, resource templates and `CallTool`/`GetPrompt`/`ReadResource`
    // handlers (cloudflare 87, docker/mcp-servers 21, exa 16, docker/hub-mcp
    // 13, kubernetes 4, …); 115 of them have a literal name (low-level
    // dispatchers have none; sentry's and figma's names are variables).
    assert!(handlers >= 151, "{handlers} handlers");
    assert!(named >= 115, "{named} named handlers");
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

#[test]
fn prefix_checks_on_unresolved_parameters_are_not_guards() {
    let src = r#"
import path from "node:path";
const ROOT = "/srv/data";
function f(p, args) {
  if (p.startsWith(ROOT + path.sep)) g(p);
  if (args.path.startsWith("/srv/data/")) g(args.path);
  if (p.startsWith("~/")) g(p);
  const full = path.join(ROOT, p);
  if (full.startsWith(ROOT + path.sep)) g(full);
}
"#;
    let d = dump_ts(src);
    let guards: Vec<&str> = d.lines().filter(|l| l.contains("guard[")).collect();
    assert_eq!(guards, ["  if guard[path](full)"], "{d}");
}

/// Parse + lower throughput over the corpus's TS/JS files (run it in
/// release mode: `cargo test --release -p skillaudit-model --test code_js
/// throughput -- --ignored --nocapture`). Not a timed test: it prints.
#[test]
#[ignore]
fn throughput() {
    let mut files = Vec::new();
    js_files(&corpus_dir(), &mut files);
    let texts: Vec<(Lang, String, String)> = files
        .iter()
        .filter_map(|p| {
            let path = p.to_string_lossy().to_string();
            let text = std::fs::read_to_string(p).ok()?;
            skillaudit_syntax::code::check(&path, &text).ok()?;
            Some((Lang::from_path(&path)?, path, text))
        })
        .collect();
    let bytes: usize = texts.iter().map(|t| t.2.len()).sum();
    let start = std::time::Instant::now();
    let mut parse_time = std::time::Duration::ZERO;
    let mut funcs = 0;
    for (lang, _, text) in &texts {
        let t0 = std::time::Instant::now();
        let parsed = parse(*lang, text).unwrap();
        parse_time += t0.elapsed();
        funcs += lower::lower(&parsed, text).funcs.len();
    }
    let total = start.elapsed();
    let lower_time = total - parse_time;
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {mb:.1} MB, {funcs} functions: parse+lower {:.2}s ({:.1} MB/s), lowering alone {:.2}s ({:.1} MB/s)",
        texts.len(),
        total.as_secs_f64(),
        mb / total.as_secs_f64(),
        lower_time.as_secs_f64(),
        mb / lower_time.as_secs_f64()
    );
}

#[test]
fn deny_lists_are_not_allow_lists() {
    let src = r#"
const BLOCKED_COMMANDS = ["rm", "dd"];
const ALLOWED_COMMANDS = ["ls"];
function f(cmd: string, extra: RequestHandlerExtra, other: ToolExtra, n: number, mode: "a" | "b", opts: Options) {
  if (!BLOCKED_COMMANDS.includes(cmd)) g();
  if (ALLOWED_COMMANDS.includes(cmd)) g();
}
"#;
    let d = dump_ts(src);
    assert!(
        d.contains("if Not(BLOCKED_COMMANDS.includes(cmd) !clean)"),
        "{d}"
    );
    assert!(d.contains("if guard[all](cmd)"), "{d}");
    assert!(
        d.contains("f in#0 @4(cmd, extra: Context, other: Context, n: Safe, mode: Safe, opts: Named(\"Options\"))"),
        "{d}"
    );
}
