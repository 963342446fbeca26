//! The JavaScript/TypeScript catalogue: which library functions and methods
//! are sinks, sanitizers, propagators or clean, decided from the callee's
//! canonical name (resolved through imports, `node:` stripped) or, for
//! methods of values the frontend cannot type, from the method's name and
//! the receiver's name.

use crate::code::ir::{Arg, ArgRef, Effect, Entry, Expr, FileOp, Kinds, Lit, SinkKind, SinkSite};
use skillaudit_syntax::code::NodeKind;

/// Node built-ins and npm packages the catalogue knows: imports of these
/// are resolved into `Call::qualified`; other packages are left alone.
const KNOWN_MODULES: &[&str] = &[
    "child_process",
    "fs",
    "fs/promises",
    "path",
    "path/posix",
    "path/win32",
    "util",
    "vm",
    "http",
    "https",
    "http2",
    "net",
    "url",
    "os",
    "crypto",
    "querystring",
    "buffer",
    "fs-extra",
    "execa",
    "zx",
    "shelljs",
    "cross-spawn",
    "shell-quote",
    "shescape",
    "shell-escape",
    "sanitize-filename",
    "axios",
    "got",
    "undici",
    "node-fetch",
    "cross-fetch",
    "isomorphic-fetch",
    "ky",
    "ws",
    "isomorphic-ws",
    "superagent",
    "pg",
    "mysql",
    "mysql2",
    "better-sqlite3",
    "sqlite3",
    "sqlite",
    "knex",
    "sequelize",
    "postgres",
    "@prisma/client",
    "mssql",
    "sqlstring",
    "safe-eval",
    "vm2",
    "zod",
    "fastmcp",
];

/// The canonical name of an imported module when the catalogue knows it
/// (`node:` stripped, aliases folded: `graceful-fs` is `fs`,
/// `mysql2/promise` is `mysql2`, `zod/v4` is `zod`).
pub(crate) fn lib_module(module: &str) -> Option<String> {
    let m = module.strip_prefix("node:").unwrap_or(module);
    let m = match m {
        "graceful-fs" => "fs",
        "mysql2/promise" => "mysql2",
        "zx/core" | "zx/globals" => "zx",
        "zod/v4" | "zod/v3" | "zod/mini" => "zod",
        "execa/sync" => "execa",
        _ => m,
    };
    KNOWN_MODULES.contains(&m).then(|| m.to_string())
}

/// `base.member`, with `fs.promises.x` folded into `fs/promises.x` and
/// `path.posix.x`/`path.win32.x` into `path.x`.
pub(crate) fn join(base: &str, member: &str) -> String {
    let full = format!("{base}.{member}");
    fold(&full)
}

fn fold(full: &str) -> String {
    for (from, to) in [
        ("fs.promises", "fs/promises"),
        ("fs-extra.promises", "fs/promises"),
        ("path.posix", "path"),
        ("path.win32", "path"),
        ("path/posix", "path"),
        ("path/win32", "path"),
    ] {
        if full == from {
            return to.to_string();
        }
        if let Some(rest) = full.strip_prefix(from).and_then(|r| r.strip_prefix('.')) {
            return format!("{to}.{rest}");
        }
    }
    full.to_string()
}

/// `new Database(…)`, `new Pool()`, `mysql.createPool(…)`, `knex(…)`,
/// `postgres(…)`: a value that is a database handle.
pub(crate) fn is_db_constructor(
    lx: &super::Lx<'_>,
    v: skillaudit_syntax::code::tree_sitter::Node<'_>,
) -> bool {
    let (callee, _new) = match v.kind_str() {
        "new_expression" => (lx.f(v, "constructor"), true),
        "call_expression" => (lx.f(v, "function"), false),
        _ => return false,
    };
    let Some(callee) = callee else { return false };
    let Some(path) = lx.lib_path(callee) else {
        return false;
    };
    let module = path.split('.').next().unwrap_or("");
    matches!(
        module,
        "pg" | "mysql"
            | "mysql2"
            | "better-sqlite3"
            | "sqlite3"
            | "sqlite"
            | "knex"
            | "sequelize"
            | "postgres"
            | "@prisma/client"
            | "mssql"
    )
}

fn site(kind: SinkKind, at: ArgRef, what: &str) -> SinkSite {
    SinkSite {
        kind,
        at,
        what: what.to_string(),
    }
}

fn sinks(v: Vec<SinkSite>) -> Option<Effect> {
    Some(Effect::Sinks(v))
}

fn one(kind: SinkKind, at: ArgRef, what: &str) -> Option<Effect> {
    sinks(vec![site(kind, at, what)])
}

/// The field `key` of an object literal argument.
pub(crate) fn option<'a>(args: &'a [Arg], key: &str) -> Option<&'a Expr> {
    args.iter().find_map(|a| match &a.value {
        Expr::Object { entries, .. } => entries.iter().find_map(|e| match e {
            Entry::Field(k, v, _) if k == key => Some(v),
            _ => None,
        }),
        _ => None,
    })
}

/// `{ shell: true }`, `{ shell: "/bin/bash" }`, `{ shell: someVar }`: the
/// process runs through a shell (a variable may be true, so it counts).
fn shell_option(args: &[Arg]) -> bool {
    match option(args, "shell") {
        None => false,
        Some(Expr::Lit(Lit::Bool(false), _)) | Some(Expr::Lit(Lit::Null, _)) => false,
        Some(_) => true,
    }
}

fn is_object(a: Option<&Arg>) -> bool {
    matches!(a.map(|a| &a.value), Some(Expr::Object { .. }))
}

fn lit_str(e: &Expr) -> Option<&str> {
    match e {
        Expr::Lit(Lit::Str(s), _) => Some(s),
        _ => None,
    }
}

/// Which interpreter flag makes the next argument code (`sh -c`, `node -e`).
fn code_flag(program: &str, flag: &str) -> Option<SinkKind> {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base
        .strip_suffix(".exe")
        .unwrap_or(base)
        .to_ascii_lowercase();
    match base.as_str() {
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "fish"
            if flag == "-c"
                || (flag.starts_with('-') && !flag.starts_with("--") && flag.ends_with('c')) =>
        {
            Some(SinkKind::Shell)
        }
        "cmd" if flag.eq_ignore_ascii_case("/c") || flag.eq_ignore_ascii_case("/k") => {
            Some(SinkKind::Shell)
        }
        "powershell" | "pwsh"
            if flag.eq_ignore_ascii_case("-command") || flag.eq_ignore_ascii_case("-c") =>
        {
            Some(SinkKind::Shell)
        }
        "node" | "deno" | "bun" if matches!(flag, "-e" | "--eval" | "-p" | "--print") => {
            Some(SinkKind::Eval)
        }
        "python" | "python3" | "python2" | "py" if flag == "-c" => Some(SinkKind::Eval),
        "ruby" | "perl" if flag == "-e" => Some(SinkKind::Eval),
        "php" if flag == "-r" => Some(SinkKind::Eval),
        _ => None,
    }
}

/// Sinks of a process started with `program` at argument `p` and its
/// arguments at `p + 1` (`execFile`, `spawn`, `execa`): through a shell
/// when the options say so; else the program, each literal array item
/// (knowing whether a `--` precedes it; `sh -c x` and `node -e x` make `x`
/// shell text or code), or the whole list when it is not written out.
pub(crate) fn process_sinks(args: &[Arg], what: &str) -> Option<Effect> {
    if shell_option(args) {
        let label = format!("{what}(shell: true)");
        let mut v = vec![site(SinkKind::Shell, ArgRef::Arg(0), &label)];
        if args.len() > 1 && !is_object(args.get(1)) {
            v.push(site(SinkKind::Shell, ArgRef::Arg(1), &label));
        }
        return sinks(v);
    }
    let mut v = vec![site(SinkKind::Program, ArgRef::Arg(0), what)];
    let program = args.first().and_then(|a| lit_str(&a.value));
    match args.get(1).map(|a| &a.value) {
        Some(Expr::Array { items, .. }) => {
            let mut after_dashes = false;
            let mut prev: Option<&str> = None;
            for (i, item) in items.iter().enumerate() {
                let at = ArgRef::Elem(1, i.min(u16::MAX as usize) as u16);
                let s = lit_str(item);
                let code = match (program, prev) {
                    (Some(p), Some(f)) if !after_dashes => code_flag(p, f),
                    _ => None,
                };
                match code {
                    Some(kind) => v.push(site(
                        kind,
                        at,
                        &format!(
                            "{what}({:?}, [{:?}, …])",
                            program.unwrap_or(""),
                            prev.unwrap_or("")
                        ),
                    )),
                    None => v.push(site(SinkKind::ProgramArg { after_dashes }, at, what)),
                }
                if s == Some("--") {
                    after_dashes = true;
                }
                prev = s;
            }
        }
        Some(Expr::Object { .. }) | None => {}
        Some(_) => v.push(site(SinkKind::ProgramArgs, ArgRef::Arg(1), what)),
    }
    sinks(v)
}

/// The file operation of an `fs`/`fs-extra` function (without `Sync`).
fn fs_op(name: &str) -> Option<Vec<(u16, FileOp)>> {
    use FileOp::*;
    let base = name.strip_suffix("Sync").unwrap_or(name);
    Some(match base {
        "readFile" | "createReadStream" | "readJson" | "readJSON" | "readlink" | "readJsonFile" => {
            vec![(0, Read)]
        }
        "writeFile" | "appendFile" | "createWriteStream" | "mkdir" | "truncate" | "outputFile"
        | "outputJson" | "outputJSON" | "writeJson" | "writeJSON" | "ensureDir" | "ensureFile"
        | "mkdirp" | "mkdirs" | "chmod" | "chown" | "lchown" | "utimes" | "mkdtemp" => {
            vec![(0, Write)]
        }
        "unlink" | "rm" | "rmdir" | "remove" | "emptyDir" | "emptydir" => vec![(0, Delete)],
        "readdir" | "opendir" | "watch" => vec![(0, List)],
        "copyFile" | "cp" | "copy" => vec![(0, Read), (1, Write)],
        "rename" | "move" => vec![(0, Delete), (1, Write)],
        "symlink" | "link" | "ensureSymlink" | "ensureLink" => vec![(1, Write)],
        "open" => vec![(0, Open)],
        _ => return None,
    })
}

fn fs_sinks(name: &str, args: &[Arg]) -> Option<Effect> {
    let ops = fs_op(name)?;
    let base = name.strip_suffix("Sync").unwrap_or(name);
    let v = ops
        .into_iter()
        .map(|(i, op)| {
            // `open(p, "r")`: the mode says read or write.
            let op = if base == "open" {
                match args.get(1).and_then(|a| lit_str(&a.value)) {
                    Some(m) if m.starts_with('r') && !m.contains('+') => FileOp::Read,
                    Some(_) => FileOp::Write,
                    None if args.len() == 1 => FileOp::Read,
                    None => op,
                }
            } else {
                op
            };
            site(SinkKind::Path(op), ArgRef::Arg(i), name)
        })
        .collect();
    sinks(v)
}

/// The URL of a request: the first argument, or its `url`/`baseURL`
/// (axios, got) or `host`/`hostname` (`http.request`) field when it is an
/// options object.
fn url_sink(args: &[Arg], what: &str, fields: &[&str]) -> Option<Effect> {
    if is_object(args.first()) {
        let v: Vec<SinkSite> = fields
            .iter()
            .filter(|f| option(&args[..1], f).is_some())
            .map(|f| site(SinkKind::Url, ArgRef::Keyword(f.to_string()), what))
            .collect();
        return sinks(v);
    }
    one(SinkKind::Url, ArgRef::Arg(0), what)
}

const HTTP_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

fn propagate(from: Vec<ArgRef>, keeps_whole: bool) -> Option<Effect> {
    Some(Effect::Propagate { from, keeps_whole })
}

fn all_args(args: &[Arg]) -> Vec<ArgRef> {
    (0..args.len().min(64))
        .map(|i| ArgRef::Arg(i as u16))
        .collect()
}

/// The effect of a call to a library or global function by its canonical
/// name. `None`: not in the catalogue.
pub(crate) fn by_name(canon: &str, new: bool, args: &[Arg]) -> Option<Effect> {
    let (module, func) = match canon.rsplit_once('.') {
        Some((m, f)) => (m, f),
        None => (canon, ""),
    };
    sink_by_name(module, func, new, args).or_else(|| other_by_name(module, func, args))
}

/// Sinks: processes, evaluation, files, requests.
fn sink_by_name(module: &str, func: &str, new: bool, args: &[Arg]) -> Option<Effect> {
    match (module, func) {
        // Processes.
        ("child_process", "exec" | "execSync") => one(SinkKind::Shell, ArgRef::Arg(0), func),
        ("child_process", "execFile" | "execFileSync" | "spawn" | "spawnSync" | "fork") => {
            process_sinks(args, func)
        }
        ("cross-spawn", "" | "sync" | "spawn") => process_sinks(args, "spawn"),
        ("execa", "" | "execa" | "execaSync" | "sync" | "execaNode") => {
            process_sinks(args, "execa")
        }
        ("execa", "execaCommand" | "execaCommandSync" | "command" | "commandSync") => {
            one(SinkKind::Shell, ArgRef::Arg(0), func)
        }
        ("shelljs", "exec") => one(SinkKind::Shell, ArgRef::Arg(0), "shell.exec"),
        // Code evaluation.
        ("eval", "") | ("safe-eval", "") => one(SinkKind::Eval, ArgRef::Arg(0), "eval"),
        ("Function", "") => one(SinkKind::Eval, ArgRef::From(0), "new Function"),
        ("vm", "runInNewContext" | "runInThisContext" | "runInContext" | "compileFunction") => {
            one(SinkKind::Eval, ArgRef::Arg(0), &format!("vm.{func}"))
        }
        ("vm", "Script") if new => one(SinkKind::Eval, ArgRef::Arg(0), "new vm.Script"),
        ("setTimeout" | "setInterval", "") => match args.first().map(|a| &a.value) {
            Some(Expr::Func(..)) | None => Some(Effect::Unknown),
            Some(_) => one(SinkKind::Eval, ArgRef::Arg(0), module),
        },
        // Files.
        ("fs" | "fs/promises" | "fs-extra", f) => fs_sinks(f, args).or_else(|| fs_clean(f)),
        // Requests.
        ("fetch" | "node-fetch" | "cross-fetch" | "isomorphic-fetch", "") => {
            one(SinkKind::Url, ArgRef::Arg(0), "fetch")
        }
        ("node-fetch" | "undici", "fetch" | "default") | ("undici", "request" | "stream") => {
            one(SinkKind::Url, ArgRef::Arg(0), func)
        }
        ("axios", "") => url_sink(args, "axios", &["url", "baseURL"]),
        ("axios", "request") => url_sink(args, "axios.request", &["url", "baseURL"]),
        ("axios", m) if HTTP_METHODS.contains(&m) => {
            one(SinkKind::Url, ArgRef::Arg(0), &format!("axios.{m}"))
        }
        ("got", "") => url_sink(args, "got", &["url", "prefixUrl"]),
        ("got", m) if HTTP_METHODS.contains(&m) || m == "stream" => {
            one(SinkKind::Url, ArgRef::Arg(0), &format!("got.{m}"))
        }
        ("ky", "") => one(SinkKind::Url, ArgRef::Arg(0), "ky"),
        ("ky" | "superagent", m) if HTTP_METHODS.contains(&m) => {
            one(SinkKind::Url, ArgRef::Arg(0), &format!("{module}.{m}"))
        }
        ("http" | "https", "request" | "get") => {
            url_sink(args, &format!("{module}.{func}"), &["host", "hostname"])
        }
        ("WebSocket" | "ws" | "isomorphic-ws", "") | ("ws", "WebSocket") => {
            one(SinkKind::Url, ArgRef::Arg(0), "new WebSocket")
        }
        _ => None,
    }
}

/// Sanitizers, clean functions and propagators.
fn other_by_name(module: &str, func: &str, args: &[Arg]) -> Option<Effect> {
    match (module, func) {
        // Sanitizers.
        ("shell-quote", "quote") => sanitize(ArgRef::Arg(0), Kinds::SHELL),
        ("shescape", "quote" | "quoteAll" | "escape" | "escapeAll") => {
            sanitize(ArgRef::Arg(0), Kinds::SHELL)
        }
        ("shell-escape", "") => sanitize(ArgRef::Arg(0), Kinds::SHELL),
        ("sanitize-filename", "") | ("path", "basename") => sanitize(ArgRef::Arg(0), Kinds::PATH),
        // Percent-encoding leaves only `A-Za-z0-9-_.!~*'()`: no shell
        // metacharacter that starts a command or expansion, no `/ : @ ? #`
        // to change a URL's origin; `..` and a leading `-` survive (not a
        // PATH or PROCESS sanitizer), and `'` survives (not SQL).
        ("encodeURIComponent", "") => sanitize(ArgRef::Arg(0), Kinds::SHELL | Kinds::URL),
        ("sqlstring" | "mysql" | "mysql2", "escape" | "escapeId") => {
            sanitize(ArgRef::Arg(0), Kinds::SQL)
        }
        // Numbers and booleans.
        (
            "parseInt" | "parseFloat" | "Number" | "Boolean" | "BigInt" | "isNaN" | "isFinite",
            "",
        )
        | ("Math" | "Date", _)
        | (
            "Number",
            "parseInt" | "parseFloat" | "isInteger" | "isFinite" | "isNaN" | "isSafeInteger",
        )
        | ("Array", "isArray")
        | ("path", "isAbsolute")
        | ("crypto", _)
        | ("Symbol", _) => Some(Effect::Clean),
        // Propagators.
        ("String" | "structuredClone" | "decodeURIComponent" | "decodeURI", "") => {
            propagate(vec![ArgRef::Arg(0)], true)
        }
        ("Buffer", "from") => propagate(vec![ArgRef::Arg(0)], true),
        ("util", "promisify") => propagate(vec![ArgRef::Arg(0)], true),
        ("URL", "") if args.len() <= 1 => propagate(vec![ArgRef::Arg(0)], true),
        ("URL", "") => propagate(all_args(args), false),
        // A Request is its URL as far as requests go: the init object's
        // body and headers do not choose where it is sent.
        ("Request", "") => propagate(vec![ArgRef::Arg(0)], true),
        ("encodeURI" | "escape" | "unescape", "") => propagate(vec![ArgRef::Arg(0)], false),
        ("path", _)
        | ("url", _)
        | ("querystring", _)
        | ("JSON", _)
        | ("Object", _)
        | ("Array", _)
        | ("util", "format" | "inspect") => propagate(all_args(args), false),
        _ => None,
    }
}

fn sanitize(from: ArgRef, kinds: Kinds) -> Option<Effect> {
    Some(Effect::Sanitize { from, kinds })
}

/// `existsSync`, `stat`, `access`: not sinks, and they return no text.
fn fs_clean(name: &str) -> Option<Effect> {
    let base = name.strip_suffix("Sync").unwrap_or(name);
    matches!(
        base,
        "exists" | "stat" | "lstat" | "access" | "pathExists" | "realpath"
    )
    .then(|| {
        if base == "realpath" {
            Effect::Propagate {
                from: vec![ArgRef::Arg(0)],
                keeps_whole: false,
            }
        } else {
            Effect::Clean
        }
    })
}

/// Split a receiver's name into lowercase words (`mainDb` → `main`, `db`;
/// `SQL_POOL` → `sql`, `pool`).
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '$' || c == '-' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// What the receiver of a method call is known or named to be.
pub(crate) struct Receiver<'a> {
    /// The receiver's last name (`db` of `this.db.query`).
    pub name: Option<&'a str>,
    /// Bound to a database constructor in this file.
    pub is_db: bool,
    /// The file imports a SQL client.
    pub sql_lib: bool,
}

impl Receiver<'_> {
    fn db_like(&self, strict: bool) -> bool {
        if self.is_db {
            return true;
        }
        let Some(name) = self.name else { return false };
        let w = words(name);
        let strong = [
            "db",
            "database",
            "sql",
            "sqlite",
            "pool",
            "knex",
            "sequelize",
            "prisma",
            "pg",
            "mysql",
            "postgres",
            "trx",
            "tx",
            "transaction",
            "conn",
            "connection",
        ];
        if w.iter().any(|x| strong.contains(&x.as_str())) {
            return true;
        }
        !strict && self.sql_lib && w.iter().any(|x| x == "client")
    }
}

/// SQL text sinks on database handles: `query`/`execute`/`raw`/`prepare`
/// (pg, mysql2, better-sqlite3, knex, sequelize), `exec`/`run`/`all`/`get`
/// (sqlite), `unsafe` (postgres.js), knex's `*Raw`, prisma's `*Unsafe`.
/// An options object's `text`/`sql` field is the text; the second argument
/// of `query(text, values)` is bound, never a sink.
fn sql_sink(method: &str, recv: &Receiver<'_>, args: &[Arg]) -> Option<Effect> {
    let any_receiver = matches!(
        method,
        "$queryRawUnsafe"
            | "$executeRawUnsafe"
            | "whereRaw"
            | "orWhereRaw"
            | "havingRaw"
            | "orderByRaw"
            | "joinRaw"
            | "groupByRaw"
            | "fromRaw"
    );
    let db_method = match method {
        "query" | "execute" | "raw" | "prepare" | "unsafe" => recv.db_like(false),
        "exec" | "run" | "all" | "get" | "each" | "queryRaw" | "executeRaw" => recv.db_like(true),
        _ => false,
    };
    if !any_receiver && !db_method {
        return None;
    }
    if is_object(args.first()) {
        let v: Vec<SinkSite> = ["text", "sql", "query"]
            .iter()
            .filter(|f| option(&args[..1], f).is_some())
            .map(|f| site(SinkKind::Sql, ArgRef::Keyword(f.to_string()), method))
            .collect();
        return sinks(v);
    }
    // `run`/`all`/`get` take SQL text only on a known database handle, or
    // when the text is written out; a key or statement object is not SQL.
    let text_written = matches!(
        args.first().map(|a| &a.value),
        Some(Expr::Lit(Lit::Str(_), _) | Expr::Template { .. })
    );
    let loose = matches!(method, "run" | "all" | "get" | "each");
    match args.first().map(|a| &a.value) {
        None | Some(Expr::Lit(Lit::Num | Lit::Bool(_) | Lit::Null, _)) => None,
        Some(_) if loose && !recv.is_db && !text_written => None,
        Some(_) => one(SinkKind::Sql, ArgRef::Arg(0), method),
    }
}

/// Methods known by name whatever their receiver: string methods,
/// boolean tests, `res.sendFile`, SQL sinks on database-like receivers.
pub(crate) fn by_method(method: &str, recv: &Receiver<'_>, args: &[Arg]) -> Option<Effect> {
    if let Some(e) = sql_sink(method, recv, args) {
        return Some(e);
    }
    let recv_words = recv.name.map(words).unwrap_or_default();
    match method {
        "sendFile" | "download" | "sendfile" => {
            one(SinkKind::Path(FileOp::Serve), ArgRef::Arg(0), method)
        }
        "quote" | "quoteAll" | "escape" if recv_words.iter().any(|w| w == "shescape") => {
            sanitize(ArgRef::Arg(0), Kinds::SHELL)
        }
        "trim" | "trimStart" | "trimEnd" | "trimLeft" | "trimRight" | "toLowerCase"
        | "toUpperCase" | "toLocaleLowerCase" | "toLocaleUpperCase" | "toString" | "valueOf"
        | "normalize" | "toWellFormed" => propagate(vec![ArgRef::Receiver], true),
        "split" | "slice" | "substring" | "substr" | "replace" | "replaceAll" | "padStart"
        | "padEnd" | "at" | "charAt" | "repeat" | "match" | "matchAll" | "filter" | "flat"
        | "reverse" | "sort" | "toSorted" | "toReversed" | "keys" | "values" | "entries"
        | "join" | "shift" | "pop" | "find" | "findLast" => {
            propagate(vec![ArgRef::Receiver], false)
        }
        "concat" => {
            let mut from = vec![ArgRef::Receiver];
            from.extend(all_args(args));
            propagate(from, false)
        }
        "startsWith" | "endsWith" | "includes" | "test" | "has" | "indexOf" | "lastIndexOf"
        | "localeCompare" | "search" | "some" | "every" | "charCodeAt" | "codePointAt"
        | "findIndex" | "digest" | "isFile" | "isDirectory" | "getTime" => Some(Effect::Clean),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_names() {
        assert_eq!(words("mainDb"), ["main", "db"]);
        assert_eq!(words("SQL_POOL"), ["sql", "pool"]);
        assert_eq!(words("feedback"), ["feedback"]);
        assert_eq!(words("dbClient"), ["db", "client"]);
    }

    #[test]
    fn modules_fold() {
        assert_eq!(
            lib_module("node:child_process").as_deref(),
            Some("child_process")
        );
        assert_eq!(lib_module("graceful-fs").as_deref(), Some("fs"));
        assert_eq!(lib_module("./tools/git.js"), None);
        assert_eq!(lib_module("left-pad"), None);
        assert_eq!(join("fs", "promises"), "fs/promises");
        assert_eq!(join("fs.promises", "readFile"), "fs/promises.readFile");
        assert_eq!(join("path.posix", "join"), "path.join");
    }

    #[test]
    fn interpreter_flags() {
        assert_eq!(code_flag("/bin/sh", "-c"), Some(SinkKind::Shell));
        assert_eq!(code_flag("bash", "-lc"), Some(SinkKind::Shell));
        assert_eq!(code_flag("cmd.exe", "/C"), Some(SinkKind::Shell));
        assert_eq!(code_flag("node", "-e"), Some(SinkKind::Eval));
        assert_eq!(code_flag("python3", "-c"), Some(SinkKind::Eval));
        assert_eq!(code_flag("git", "-c"), None);
        assert_eq!(code_flag("bash", "--norc"), None);
    }
}
