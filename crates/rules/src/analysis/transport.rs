//! MCP servers reachable over HTTP: where a streamable-HTTP or SSE
//! transport is created, where the server listens and on which interface,
//! and whether the project authenticates requests or validates their
//! Origin/Host. Shared by `unauthenticated-network-transport` and
//! `missing-origin-check`.
//!
//! Everything is judged from literals: a host or address read from
//! configuration with no literal default is the user's choice and is not
//! reported. Test code is not read.

use skillaudit_model::code::ir::{BinOp, Call, Entry, Expr, Lang, Lit, Pattern, Stmt};
use skillaudit_model::code::resolve::CodeUnit;
use skillaudit_model::code::taint::visit_stmts;
use std::collections::HashSet;

use skillaudit_model::{FileId, Project, Span};

/// An MCP HTTP transport created in the code.
#[derive(Clone, Debug)]
pub struct Transport {
    pub file: FileId,
    pub unit: usize,
    pub span: Span,
    /// `streamable HTTP` or `SSE`.
    pub kind: &'static str,
    /// The SDK's own Origin/Host validation is on for it
    /// (`enableDnsRebindingProtection`, `allowedHosts`, `allowedOrigins`).
    pub origin_checked: bool,
    /// Whether `missing-origin-check` may judge it: the SDK's default is
    /// known to be unprotected (TS SDK transports, mcp-go servers, Python
    /// on a non-loopback host).
    pub judged_for_origin: bool,
    /// Its file authenticates requests (a page rebinding DNS does not hold
    /// the token).
    pub authed_here: bool,
}

/// A place where the server listens on every interface.
#[derive(Clone, Debug)]
pub struct Bind {
    pub file: FileId,
    pub unit: usize,
    pub span: Span,
    /// How it reads: `listen(3000) without a host`, `host="0.0.0.0"`.
    pub how: String,
    /// The outermost function it is in (0: the module's top level).
    pub root: usize,
}

/// What the project shows about HTTP transports.
#[derive(Debug, Default)]
pub struct Facts {
    pub transports: Vec<Transport>,
    pub binds: Vec<Bind>,
    /// The package (directory of the nearest package manifest) of each
    /// unit, by unit index: authentication and Origin checks count within
    /// their package, so one server of a monorepo does not vouch for
    /// another.
    pub package: Vec<usize>,
    /// Packages where some code authenticates requests: an SDK auth
    /// helper, an auth provider or verifier, a function named for auth.
    pub auth: HashSet<usize>,
    /// Code that reads a credential from a request (`Authorization` or an
    /// API-key header, an `apiKey` route parameter or query value), by
    /// (unit, outermost function): it protects the listeners of its own
    /// function, or every listener when its function has none.
    pub reads: Vec<(usize, usize)>,
    /// Packages where some code validates Origin or Host itself.
    pub origin: HashSet<usize>,
}

const ALL_INTERFACES: &[&str] = &["0.0.0.0", "::", "[::]", "*", ""];

/// Names (calls, keyword arguments, fields) that put authentication in
/// front of a route, compared lower-cased.
fn is_auth_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("auth")
        || n.contains("bearer")
        || n.contains("tokenverifier")
        || n.contains("token_verifier")
        || n.contains("verifytoken")
        || n.contains("verify_token")
        || n.contains("apikey")
        || n.contains("api_key")
}

const AUTH_HEADERS: &[&str] = &["authorization", "x-api-key", "api-key", "x-auth-token"];

pub fn facts(project: &Project) -> Facts {
    let mut facts = Facts {
        package: packages(project),
        ..Facts::default()
    };
    for (i, unit) in project.code.units.iter().enumerate() {
        if unit.test {
            continue;
        }
        scan_unit(unit, i, &mut facts);
    }
    facts
}

fn scan_unit(unit: &CodeUnit, index: usize, facts: &mut Facts) {
    let lang = unit.code.lang;
    let mut transports: Vec<Transport> = Vec::new();
    let mut binds: Vec<(Span, String, usize)> = Vec::new();
    let mut py_runs: Vec<PyRun> = Vec::new();
    let mut py_host: Option<String> = None;
    let apps = python_apps(unit);
    let mut auth = false;
    let mut reads: Vec<usize> = Vec::new();
    let mut origin = false;
    for (fi, func) in unit.code.funcs.iter().enumerate() {
        let root = root_of(unit, fi);
        auth |= func.name.as_deref().is_some_and(is_auth_name);
        let mut read = false;
        let mut settings_host: Vec<String> = Vec::new();
        let mut on_stmt = |s: &Stmt| {
            if let Stmt::Assign {
                target: Pattern::Target(t),
                value,
                ..
            } = s
            {
                if matches!(t.as_ref(), Expr::Member { prop, .. } if prop == "host") {
                    if let Some(h) = literal_host(value) {
                        settings_host.push(h);
                    }
                }
            }
        };
        let mut on_expr = |e: &Expr| {
            let Expr::Call(c) = e else {
                let (r, o) = member_evidence(e);
                read |= r;
                origin |= o;
                return;
            };
            let (a, r, o) = call_evidence(c);
            auth |= a;
            read |= r;
            origin |= o;
            match lang {
                Some(Lang::TypeScript | Lang::Tsx | Lang::JavaScript) => {
                    ts_call(unit, index, c, &mut transports, &mut binds, root)
                }
                Some(Lang::Python) => py_call(c, &mut py_runs, &mut py_host, &apps, root),
                Some(Lang::Go) => go_call(unit, index, c, &mut transports, &mut binds, root),
                None => {}
            }
        };
        visit_stmts(&func.body, &mut on_stmt, &mut on_expr);
        if let Some(h) = settings_host.pop() {
            py_host = Some(h);
        }
        if read {
            reads.push(root);
        }
    }
    python_transports(unit, index, py_runs, py_host, &mut transports, &mut binds);
    record(facts, index, auth, origin, &reads);
    if transports.is_empty() {
        return;
    }
    let authed_here = auth || !reads.is_empty();
    facts.transports.extend(
        transports
            .into_iter()
            .map(|t| Transport { authed_here, ..t }),
    );
    facts
        .binds
        .extend(binds.into_iter().map(|(span, how, root)| Bind {
            file: unit.file,
            unit: index,
            span,
            how,
            root,
        }));
}

/// What unit `index` shows about authentication and Origin checks.
fn record(facts: &mut Facts, index: usize, auth: bool, origin: bool, reads: &[usize]) {
    let package = facts.package.get(index).copied().unwrap_or(0);
    if auth {
        facts.auth.insert(package);
    }
    if origin {
        facts.origin.insert(package);
    }
    facts.reads.extend(reads.iter().map(|r| (index, *r)));
}

impl Facts {
    fn package_of(&self, unit: usize) -> usize {
        self.package.get(unit).copied().unwrap_or(0)
    }

    /// Does something authenticate the requests `bind` serves?
    pub fn authenticates(&self, bind: &Bind) -> bool {
        let package = self.package_of(bind.unit);
        self.auth.contains(&package)
            || self.reads.iter().any(|&(u, r)| {
                (u == bind.unit && r == bind.root)
                    || (self.package_of(u) == package
                        && !self.binds.iter().any(|b| b.unit == u && b.root == r))
            })
    }

    /// Does the package of transport `t` validate Origin or Host itself?
    pub fn checks_origin(&self, t: &Transport) -> bool {
        self.origin.contains(&self.package_of(t.unit))
    }
}

/// For each unit, its package: an index standing for the directory of the
/// nearest package manifest above it (0 when there is none).
fn packages(project: &Project) -> Vec<usize> {
    let mut dirs: Vec<String> = project
        .code
        .manifests
        .iter()
        .filter_map(|(f, _)| project.files.get(f.0 as usize))
        .map(|f| match f.path.rfind('/') {
            Some(i) => f.path[..=i].to_string(),
            None => String::new(),
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    project
        .code
        .units
        .iter()
        .map(|u| {
            dirs.iter()
                .enumerate()
                .filter(|(_, d)| u.path.starts_with(d.as_str()))
                .max_by_key(|(_, d)| d.len())
                .map_or(0, |(i, _)| i + 1)
        })
        .collect()
}

/// The outermost function containing function `fi` (0: top level).
fn root_of(unit: &CodeUnit, fi: usize) -> usize {
    let funcs = &unit.code.funcs;
    let mut at = fi;
    for _ in 0..64 {
        match funcs.get(at).and_then(|f| f.parent) {
            Some(p) if p.0 != 0 => at = p.0 as usize,
            _ => return at,
        }
    }
    at
}

/// A Python HTTP run: where, its host if given, its outermost function,
/// its kind.
type PyRun = (Span, Option<String>, usize, &'static str);

/// Python runs become transports; on every interface also binds. The host
/// is the run's own, else the one given to `FastMCP`/`settings.host`, else
/// the SDK's default (loopback).
fn python_transports(
    unit: &CodeUnit,
    index: usize,
    runs: Vec<PyRun>,
    default_host: Option<String>,
    transports: &mut Vec<Transport>,
    binds: &mut Vec<(Span, String, usize)>,
) {
    for (span, host, root, kind) in runs {
        let host = host.or_else(|| default_host.clone());
        let all = host.as_deref().is_some_and(|h| ALL_INTERFACES.contains(&h));
        let loopback = host.as_deref().is_none_or(is_loopback);
        transports.push(Transport {
            file: unit.file,
            unit: index,
            span,
            kind,
            origin_checked: false,
            judged_for_origin: !loopback,
            authed_here: false,
        });
        if all {
            binds.push((span, format!("host=\"{}\"", host.unwrap_or_default()), root));
        }
    }
}

/// `serve({ fetch, port, hostname })`: a bind when the hostname is missing
/// or every interface.
fn hono_serve(span: Span, opts: &Expr, binds: &mut Vec<(Span, String, usize)>, root: usize) {
    match field(opts, "hostname") {
        None => binds.push((
            span,
            "serve({ fetch, port }) without a hostname".into(),
            root,
        )),
        Some(h) => {
            if let Some(h) = literal_host(h).filter(|h| ALL_INTERFACES.contains(&h.as_str())) {
                binds.push((span, format!("hostname \"{h}\""), root));
            }
        }
    }
}

/// The ASGI apps of an MCP server this Python file builds
/// (`mcp.streamable_http_app()`, `mcp.sse_app()`, `mcp.http_app()`).
fn python_apps(unit: &CodeUnit) -> Vec<&'static str> {
    if unit.code.lang != Some(Lang::Python) {
        return Vec::new();
    }
    let mut apps = Vec::new();
    for func in &unit.code.funcs {
        visit_stmts(&func.body, &mut |_| {}, &mut |e| {
            if let Expr::Call(c) = e {
                let app = match c.callee_name() {
                    Some("streamable_http_app") => "streamable_http_app",
                    Some("sse_app") => "sse_app",
                    Some("http_app") => "http_app",
                    _ => return,
                };
                if !apps.contains(&app) {
                    apps.push(app);
                }
            }
        });
    }
    apps
}

/// What a member access shows: (reads a credential from a request,
/// reads its Origin/Host): `req.headers.authorization`,
/// `req.params.apiKey`, `req.query.token`, `request.headers["origin"]`.
fn member_evidence(e: &Expr) -> (bool, bool) {
    let Expr::Member { prop, obj, .. } = e else {
        return (false, false);
    };
    let p = prop.to_ascii_lowercase();
    let from = match obj.as_ref() {
        Expr::Member { prop: h, .. } => h.to_ascii_lowercase(),
        _ => return (false, false),
    };
    let header = from == "headers";
    let read = (header && AUTH_HEADERS.contains(&p.as_str()))
        || (matches!(from.as_str(), "headers" | "params" | "query")
            && (is_auth_name(&p) || p == "token"));
    (read, header && (p == "origin" || p == "host"))
}

/// What a call shows: (an auth helper or auth keyword, reads a
/// credential header, validates Origin/Host).
fn call_evidence(c: &Call) -> (bool, bool, bool) {
    let name = c.callee_name().unwrap_or("");
    let auth = is_auth_name(name)
        || c.args.iter().any(|a| {
            a.name.as_deref().is_some_and(is_auth_name)
                && !matches!(a.value, Expr::Lit(Lit::Null, _))
        });
    let origin = reads_header(c, &["origin", "host"])
        || matches!(
            name,
            "hostHeaderValidation"
                | "localhostHostValidation"
                | "createMcpExpressApp"
                | "NewCrossOriginProtection"
                | "CrossOriginProtection"
                | "TransportSecuritySettings"
        )
        || kw(c, "transport_security").is_some_and(|v| !matches!(v, Expr::Lit(Lit::Null, _)));
    (auth, reads_header(c, AUTH_HEADERS), origin)
}

fn is_loopback(h: &str) -> bool {
    matches!(h, "127.0.0.1" | "localhost" | "::1" | "[::1]")
}

/// `req.headers.get("authorization")`, `r.Header.Get("Authorization")`,
/// `req.header("x-api-key")`, `request.headers["Origin"]` (as a call).
fn reads_header(c: &Call, headers: &[&str]) -> bool {
    let name = c.callee_name().unwrap_or("");
    if !matches!(name, "get" | "Get" | "header" | "getHeader" | "Values") {
        return false;
    }
    c.args.first().is_some_and(|a| {
        matches!(&a.value, Expr::Lit(Lit::Str(s), _) if headers.contains(&s.to_ascii_lowercase().as_str()))
    })
}

/// A host written as a literal, or a literal default of a lookup:
/// `"0.0.0.0"`, `process.env.HOST ?? "0.0.0.0"`, `os.getenv("HOST",
/// "0.0.0.0")`.
fn literal_host(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(Lit::Str(s), _) => Some(s.trim().to_string()),
        Expr::Binary {
            op: BinOp::Coalesce | BinOp::Or,
            right,
            ..
        } => literal_host(right),
        Expr::Call(c) if c.args.len() >= 2 => {
            let callee = c.callee_name().unwrap_or("").to_ascii_lowercase();
            (callee.contains("env") || callee == "get")
                .then(|| literal_host(&c.args[1].value))
                .flatten()
        }
        _ => None,
    }
}

fn field<'e>(e: &'e Expr, key: &str) -> Option<&'e Expr> {
    let Expr::Object { entries, .. } = e else {
        return None;
    };
    entries.iter().find_map(|en| match en {
        Entry::Field(k, v, _) if k == key => Some(v),
        _ => None,
    })
}

fn ts_call(
    unit: &CodeUnit,
    index: usize,
    c: &Call,
    transports: &mut Vec<Transport>,
    binds: &mut Vec<(Span, String, usize)>,
    root: usize,
) {
    let name = c.callee_name().unwrap_or("");
    let kind = match name {
        "StreamableHTTPServerTransport" => Some("streamable HTTP"),
        "SSEServerTransport" => Some("SSE"),
        _ => None,
    };
    if let (Some(kind), true) = (kind, c.new) {
        let checked = c.args.iter().any(|a| {
            let on = |k: &str| field(&a.value, k).is_some();
            on("allowedHosts")
                || on("allowedOrigins")
                || field(&a.value, "enableDnsRebindingProtection")
                    .is_some_and(|v| matches!(v, Expr::Lit(Lit::Bool(true), _)))
        });
        transports.push(Transport {
            file: unit.file,
            unit: index,
            span: c.span,
            kind,
            origin_checked: checked,
            judged_for_origin: true,
            authed_here: false,
        });
        return;
    }
    // `@hono/node-server`'s `serve({ fetch: app.fetch, port })` listens on
    // every interface unless given a `hostname`.
    if name == "serve" && !c.new {
        if let Some(opts) = c.args.first().map(|a| &a.value) {
            if field(opts, "fetch").is_some() {
                hono_serve(c.span, opts, binds, root);
            }
        }
        return;
    }
    if name != "listen" || !matches!(c.callee, Expr::Member { .. }) {
        return;
    }
    let Some(first) = c.args.first() else {
        return;
    };
    if let Expr::Object { .. } = &first.value {
        // Fastify's `listen({ port })` defaults to localhost; Node's to
        // every interface.
        let fastify = unit.code.imports.iter().any(|i| i.module == "fastify");
        match field(&first.value, "host") {
            None if fastify => {}
            None => binds.push((c.span, "listen({ port }) without a host".into(), root)),
            Some(h) => {
                if let Some(h) = literal_host(h).filter(|h| ALL_INTERFACES.contains(&h.as_str())) {
                    binds.push((c.span, format!("host \"{h}\""), root));
                }
            }
        }
        return;
    }
    match c.args.get(1).map(|a| &a.value) {
        None | Some(Expr::Func(..)) => {
            binds.push((c.span, "listen(port) without a host".into(), root));
        }
        Some(h) => {
            if let Some(h) = literal_host(h).filter(|h| ALL_INTERFACES.contains(&h.as_str())) {
                binds.push((c.span, format!("listen(port, \"{h}\")"), root));
            }
        }
    }
}

fn kw<'c>(c: &'c Call, name: &str) -> Option<&'c Expr> {
    c.args
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .map(|a| &a.value)
}

/// Python: `mcp.run(transport="streamable-http"|"sse"|"http", host=…)`,
/// `uvicorn.run(mcp.streamable_http_app(), host=…)`, and the host given
/// to `FastMCP(…, host=…)` (the default host otherwise).
fn py_call(
    c: &Call,
    runs: &mut Vec<PyRun>,
    host: &mut Option<String>,
    apps: &[&'static str],
    root: usize,
) {
    let name = c.callee_name().unwrap_or("");
    if name == "FastMCP" {
        if let Some(h) = kw(c, "host").and_then(literal_host) {
            *host = Some(h);
        }
        return;
    }
    if name != "run" && name != "run_async" {
        return;
    }
    let transport = match kw(c, "transport") {
        Some(Expr::Lit(Lit::Str(s), _)) => s.as_str(),
        _ => match c.args.first().map(|a| &a.value) {
            Some(Expr::Call(inner)) => inner.callee_name().unwrap_or(""),
            // `uvicorn.run(app, …)` with `app = mcp.streamable_http_app()`
            // in this file.
            Some(Expr::Name(..)) if name == "run" => apps.first().copied().unwrap_or(""),
            _ => "",
        },
    };
    let kind = match transport {
        "sse" | "sse_app" => "SSE",
        "streamable-http" | "http" | "streamable_http" | "streamable_http_app" | "http_app" => {
            "streamable HTTP"
        }
        _ => return,
    };
    runs.push((c.span, kw(c, "host").and_then(literal_host), root, kind));
}

/// Go: mcp-go `server.NewStreamableHTTPServer(s)`/`NewSSEServer(s)` and
/// `.Start(":8080")`; `http.ListenAndServe(":8080", …)` in a file that
/// creates such a server or an SDK handler.
fn go_call(
    unit: &CodeUnit,
    index: usize,
    c: &Call,
    transports: &mut Vec<Transport>,
    binds: &mut Vec<(Span, String, usize)>,
    root: usize,
) {
    let name = c.callee_name().unwrap_or("");
    match name {
        "NewStreamableHTTPServer" | "NewSSEServer" => transports.push(Transport {
            file: unit.file,
            unit: index,
            span: c.span,
            kind: if name == "NewSSEServer" {
                "SSE"
            } else {
                "streamable HTTP"
            },
            origin_checked: false,
            judged_for_origin: true,
            authed_here: false,
        }),
        "NewStreamableHTTPHandler" | "NewSSEHandler" => transports.push(Transport {
            file: unit.file,
            unit: index,
            span: c.span,
            kind: if name == "NewSSEHandler" {
                "SSE"
            } else {
                "streamable HTTP"
            },
            origin_checked: false,
            // The go-sdk's handler defaults have changed across versions.
            judged_for_origin: false,
            authed_here: false,
        }),
        "Start" | "ListenAndServe" | "ListenAndServeTLS" => {
            if let Some(addr) = c.args.first().and_then(|a| go_addr(&a.value)) {
                if addr.starts_with(':')
                    || addr.starts_with("0.0.0.0:")
                    || addr.starts_with("[::]:")
                {
                    binds.push((c.span, format!("address \"{addr}\""), root));
                }
            }
        }
        _ => {}
    }
}

/// The literal start of a Go address: `":8080"`, `fmt.Sprintf(":%d", p)`,
/// `":" + port`.
fn go_addr(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(Lit::Str(s), _) => Some(s.clone()),
        Expr::Template { parts, .. } => match parts.first() {
            Some(Expr::Lit(Lit::Str(s), _)) => Some(s.clone()),
            _ => None,
        },
        Expr::Binary {
            op: BinOp::Add,
            left,
            ..
        } => go_addr(left),
        _ => None,
    }
}
