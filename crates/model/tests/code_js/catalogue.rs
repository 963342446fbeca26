//! The catalogue (every entry), guards, and the shared acceptance cases.

use skillaudit_model::code::{dump::dump, CodeFile};
use skillaudit_syntax::code::Lang;

use crate::{dump_ts, lower_src};

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
const SHELL_OPTS = { shell: true, cwd: "/" };
const PLAIN_OPTS = { shell: false };
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

/// The shapes of CVE-2025-53967 (a curl command built in a helper of
/// another file) and CVE-2025-53355 (kubectl commands built with
/// `execSync`): the helper is exported with its shell sink, the tool file
/// imports it by a relative path for the resolver.
#[test]
fn cve_shapes_across_files() {
    let helper = r#"
import { exec } from "child_process";
import { promisify } from "util";
const execAsync = promisify(exec);
export async function fetchWithRetry(url: string, options: RequestInit = {}) {
  try {
    return await fetch(url, options);
  } catch {
    const curlHeaders = Object.entries(options.headers ?? {}).map(([k, v]) => `-H "${k}: ${v}"`);
    const curlCommand = `curl -s -S --fail-with-body -L ${curlHeaders.join(" ")} "${url}"`;
    const { stdout } = await execAsync(curlCommand);
    return JSON.parse(stdout);
  }
}
"#;
    let d = dump_ts(helper);
    assert!(d.contains("func#1 fetchWithRetry in#0 exported"), "{d}");
    assert!(
        d.contains(r#"execAsync(curlCommand) <child_process.exec> !sink[Shell@0 "exec"]"#),
        "{d}"
    );
    assert!(
        d.contains(r#"curlCommand = tpl("curl -s -S --fail-with-body -L " ++ curlHeaders.join(" ") !propagate[recv] ++ " \"" ++ url ++ "\"")"#),
        "{d}"
    );
    let tool = r#"
import { fetchWithRetry } from "../utils/fetch-with-retry.js";
import { execSync } from "node:child_process";
export function registerTools(server: McpServer) {
  server.tool("get_figma_data", "Get data", { fileKey: z.string(), nodeId: z.string().optional() }, async ({ fileKey, nodeId }) => {
    return fetchWithRetry(`https://api.figma.com/v1/files/${fileKey}/nodes?ids=${nodeId}`);
  });
}
export async function deletePod(input: { name: string; namespace?: string }) {
  const command = `kubectl delete pod ${input.name} -n ${input.namespace || "default"}`;
  return execSync(command).toString();
}
"#;
    let d = dump_ts(tool);
    assert!(
        d.contains("import fetchWithRetry = ../utils/fetch-with-retry.js . fetchWithRetry"),
        "{d}"
    );
    assert!(
        d.contains(r#"handler Tool "get_figma_data" @5 [mcp-sdk] func#2 sources=[p0:Arguments]"#),
        "{d}"
    );
    assert!(
        d.contains(r#"return fetchWithRetry(tpl("https://api.figma.com/v1/files/" ++ fileKey ++ "/nodes?ids=" ++ nodeId))"#),
        "{d}"
    );
    assert!(
        d.contains(r#"execSync(command) <child_process.execSync> !sink[Shell@0 "execSync"]"#),
        "{d}"
    );
    assert!(d.contains("func#3 deletePod in#0 exported"), "{d}");
}

#[test]
fn long_concatenated_descriptions_are_kept() {
    let pieces: Vec<String> = (0..60).map(|i| format!("\"line {i}. \"")).collect();
    let src = format!(
        "server.tool(\"t\", {}, {{ q: z.string() }}, async ({{ q }}) => q);\n",
        pieces.join(" +\n  ")
    );
    let f = lower_src(Lang::TypeScript, &src);
    assert_eq!(f.descriptions.len(), 1);
    assert!(f.descriptions[0].text.starts_with("line 0. line 1. "));
    assert!(f.descriptions[0].text.ends_with("line 59. "));
}
