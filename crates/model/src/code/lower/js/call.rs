//! Calls: the callee's canonical name (through imports and aliases, or a
//! global), the catalogue's effect, registrations and guards.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::super::span;
use super::catalog::{self, join, lib_module, Receiver};
use super::nodes::unwrap;
use super::prepass::required_module;
use super::{guards, handlers, Lx};
use crate::code::ir::{Arg, ArgRef, Call, Effect, Expr, Kinds, Lit};

/// Globals the catalogue knows (unless the file declares or imports the name).
const GLOBALS: &[&str] = &[
    "eval",
    "fetch",
    "setTimeout",
    "setInterval",
    "parseInt",
    "parseFloat",
    "Number",
    "String",
    "Boolean",
    "BigInt",
    "isNaN",
    "isFinite",
    "encodeURIComponent",
    "encodeURI",
    "decodeURIComponent",
    "decodeURI",
    "escape",
    "unescape",
    "Function",
    "WebSocket",
    "URL",
    "Request",
    "Buffer",
    "JSON",
    "Math",
    "Object",
    "Array",
    "Date",
    "Symbol",
    "structuredClone",
];

impl Lx<'_> {
    /// The canonical library path a callee or value names through the
    /// file's imports and aliases (`cp.execSync` → `child_process.execSync`,
    /// `promisify(exec)` → `child_process.exec`, `require("fs").promises`
    /// → `fs/promises`).
    pub fn lib_path(&self, n: Node<'_>) -> Option<String> {
        self.lib_path_depth(n, 0)
    }

    fn lib_path_depth(&self, n: Node<'_>, depth: u8) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let root = self.chain_root(n);
        let base = match root.kind_str() {
            "identifier" => self.aliases.get(self.t(root)).cloned()?,
            "call_expression" => {
                if let Some(m) = required_module(self, root) {
                    lib_module(&m)?
                } else {
                    self.promisified(root, depth)?
                }
            }
            _ => return None,
        };
        let (_, props) = self.member_chain(n);
        Some(props.iter().fold(base, |acc, p| join(&acc, p)))
    }

    /// The root of a member chain (`a` of `a.b["c"].d`), without allocating.
    fn chain_root<'t>(&self, n: Node<'t>) -> Node<'t> {
        let mut cur = unwrap(n);
        for _ in 0..64 {
            let next = match cur.kind_str() {
                "member_expression" | "subscript_expression" => self.f(cur, "object"),
                _ => None,
            };
            match next {
                Some(o) => cur = unwrap(o),
                None => break,
            }
        }
        cur
    }

    /// `promisify(f)` / `util.promisify(f)`: the path of `f`.
    fn promisified(&self, call: Node<'_>, depth: u8) -> Option<String> {
        let f = self.f(call, "function")?;
        let callee = self.lib_path_depth(f, depth + 1)?;
        if callee != "util.promisify" {
            return None;
        }
        let arg = self.f(call, "arguments")?.named_child(0)?;
        self.lib_path_depth(arg, depth + 1)
    }

    /// A member chain `a.b.c` as its root node and the properties, without
    /// recursion (`a["b"]` counts as a property).
    fn member_chain<'t>(&self, n: Node<'t>) -> (Node<'t>, Vec<String>) {
        let mut props = Vec::new();
        let mut cur = unwrap(n);
        loop {
            match cur.kind_str() {
                "member_expression" => {
                    let (Some(o), Some(p)) = (self.f(cur, "object"), self.f(cur, "property"))
                    else {
                        break;
                    };
                    props.push(self.t(p).to_string());
                    cur = unwrap(o);
                }
                "subscript_expression" => {
                    let (Some(o), Some(i)) = (self.f(cur, "object"), self.f(cur, "index")) else {
                        break;
                    };
                    if i.kind_str() != "string" {
                        break;
                    }
                    props.push(super::text::string_value(i, self.src));
                    cur = unwrap(o);
                }
                _ => break,
            }
            if props.len() > 64 {
                break;
            }
        }
        props.reverse();
        (cur, props)
    }

    /// A global function or namespace member (`fetch`, `JSON.stringify`,
    /// `globalThis.fetch`) not shadowed by the file.
    pub fn global_path(&self, n: Node<'_>) -> Option<String> {
        let root = self.chain_root(n);
        if root.kind_str() != "identifier" {
            return None;
        }
        let root_name = self.t(root);
        let via_global = matches!(root_name, "globalThis" | "window" | "global" | "self");
        if !via_global && !GLOBALS.contains(&root_name) {
            return None;
        }
        let (root, mut props) = self.member_chain(n);
        let mut name = self.t(root).to_string();
        if matches!(name.as_str(), "globalThis" | "window" | "global" | "self") && !props.is_empty()
        {
            name = props.remove(0);
        }
        if !GLOBALS.contains(&name.as_str())
            || self.declared.contains(&name)
            || self.aliases.contains_key(&name)
        {
            return None;
        }
        Some(props.iter().fold(name, |acc, p| format!("{acc}.{p}")))
    }

    /// The name of a receiver, for method catalogues: the last identifier
    /// or property (`db` of `this.db`, `getDb` of `getDb()`).
    fn receiver_name(&self, obj: Node<'_>) -> Option<String> {
        let mut obj = unwrap(obj);
        // `getDb().query`: the called function's name (through `a()()`).
        for _ in 0..8 {
            if obj.kind_str() != "call_expression" {
                break;
            }
            obj = unwrap(self.f(obj, "function")?);
        }
        match obj.kind_str() {
            "identifier" => Some(self.t(obj).to_string()),
            "member_expression" => self.f(obj, "property").map(|p| self.t(p).to_string()),
            _ => None,
        }
    }

    fn args(&mut self, args: Option<Node<'_>>) -> Vec<Arg> {
        let Some(args) = args else { return Vec::new() };
        if args.kind_str() == "template_string" {
            return vec![Arg {
                name: None,
                value: self.template(args),
                spread: false,
            }];
        }
        let mut out = Vec::new();
        let mut cursor = args.walk();
        for a in args.named_children(&mut cursor) {
            if a.kind_str() == "comment" {
                continue;
            }
            if a.kind_str() == "spread_element" {
                let v = match a.named_child(0) {
                    Some(i) => self.expr(i),
                    None => Expr::Lit(Lit::Null, span(a)),
                };
                out.push(Arg {
                    name: None,
                    value: v,
                    spread: true,
                });
            } else {
                out.push(Arg {
                    name: None,
                    value: self.expr(a),
                    spread: false,
                });
            }
        }
        out
    }

    /// A call expression (also tagged templates).
    pub fn call(&mut self, n: Node<'_>) -> Expr {
        let Some(f) = self.f(n, "function") else {
            return self.opaque_children(n);
        };
        let args_node = self.f(n, "arguments");
        let tagged = args_node.is_some_and(|a| a.kind_str() == "template_string");
        let reg = if tagged {
            None
        } else {
            handlers::registration_start(self, n)
        };
        let callee = self.expr(f);
        let args = self.args(args_node);
        let qualified = self.lib_path(f);
        let effect = if tagged {
            self.tag_effect(f, qualified.as_deref())
        } else {
            self.effect(f, qualified.as_deref(), false, &args, &callee)
        };
        let mut call = Call {
            callee,
            args,
            span: span(n),
            new: false,
            qualified,
            effect,
        };
        if let Some(t) = self.join_template(f, &call) {
            return t;
        }
        if let Some(t) = self.format_template(&call) {
            return t;
        }
        if let Some(reg) = reg {
            handlers::registration_finish(self, reg, n, &mut call);
        }
        handlers::describe_call(self, n, f);
        guards::call(self, n, call)
    }

    /// `new X(…)`.
    pub fn new_call(&mut self, n: Node<'_>) -> Expr {
        let Some(ctor) = self.f(n, "constructor") else {
            return self.opaque_children(n);
        };
        let callee = self.expr(ctor);
        let args = self.args(self.f(n, "arguments"));
        let qualified = self.lib_path(ctor);
        let effect = self.effect(ctor, qualified.as_deref(), true, &args, &callee);
        handlers::server_instructions(self, n);
        Expr::Call(Box::new(Call {
            callee,
            args,
            span: span(n),
            new: true,
            qualified,
            effect,
        }))
    }

    fn effect(
        &self,
        f: Node<'_>,
        qualified: Option<&str>,
        new: bool,
        args: &[Arg],
        callee: &Expr,
    ) -> Effect {
        let canon = qualified
            .map(str::to_string)
            .or_else(|| self.global_path(f));
        if let Some(c) = &canon {
            let named_shell = args
                .iter()
                .any(|a| matches!(&a.value, Expr::Name(n, _) if self.shell_opts.contains(n)));
            let with_shell;
            let args = if named_shell {
                // The options are a name bound to `{ shell: true }`.
                let mut v = args.to_vec();
                v.push(Arg {
                    name: None,
                    value: Expr::Object {
                        entries: vec![crate::code::ir::Entry::Field(
                            "shell".into(),
                            Expr::Lit(Lit::Bool(true), callee_span(callee)),
                            callee_span(callee),
                        )],
                        span: callee_span(callee),
                    },
                    spread: false,
                });
                with_shell = v;
                &with_shell[..]
            } else {
                args
            };
            if let Some(e) = catalog::by_name(c, new, args) {
                return e;
            }
            if qualified.is_some() {
                return Effect::Unknown;
            }
        }
        let f = unwrap(f);
        if f.kind_str() != "member_expression" {
            return Effect::Unknown;
        }
        let Expr::Member { prop, .. } = callee else {
            return Effect::Unknown;
        };
        let obj = self.f(f, "object");
        let name = obj.and_then(|o| self.receiver_name(o));
        let is_db = obj.is_some_and(|o| {
            let o = unwrap(o);
            let simple = o.kind_str() == "identifier"
                || (o.kind_str() == "member_expression"
                    && self.f(o, "object").is_some_and(|x| x.kind_str() == "this"));
            simple && name.as_ref().is_some_and(|nm| self.db_names.contains(nm))
        });
        // `client.d1.database.query(…)` is an API namespace, not a handle:
        // only `x.m`, `this.x.m`, `a.x.m` and `getX().m` receivers count.
        let shallow = obj.is_some_and(|o| member_depth(self, o) <= 1);
        let recv = Receiver {
            name: if shallow { name.as_deref() } else { None },
            is_db,
            sql_lib: self.sql_lib,
        };
        catalog::by_method(prop, &recv, args).unwrap_or_default()
    }

    /// Tagged templates: `sql\`…${x}\`` (and prisma's `$queryRaw`) bind
    /// their values as parameters; zx/execa `$\`…\`` quote each one.
    fn tag_effect(&self, f: Node<'_>, qualified: Option<&str>) -> Effect {
        let (root, props) = self.member_chain(f);
        let last = props.last().map(String::as_str).unwrap_or_else(|| {
            if root.kind_str() == "identifier" {
                self.t(root)
            } else {
                ""
            }
        });
        match last {
            "sql" | "SQL" | "$queryRaw" | "$executeRaw" | "query" => Effect::Sanitize {
                from: ArgRef::Arg(0),
                kinds: Kinds::SQL,
            },
            "$" if qualified.is_some_and(|q| q.starts_with("zx") || q.starts_with("execa")) => {
                Effect::Clean
            }
            _ => Effect::Unknown,
        }
    }

    /// `[a, "b", c].join(" ")`: string building.
    fn join_template(&self, f: Node<'_>, call: &Call) -> Option<Expr> {
        let Expr::Member { obj, prop, .. } = &call.callee else {
            return None;
        };
        if prop != "join" || f.kind_str() != "member_expression" {
            return None;
        }
        let Expr::Array { items, .. } = obj.as_ref() else {
            return None;
        };
        let sep = match call.args.first().map(|a| &a.value) {
            None => ",".to_string(),
            Some(Expr::Lit(Lit::Str(s), _)) => s.clone(),
            Some(_) => return None,
        };
        let mut parts = Vec::new();
        for (i, it) in items.iter().enumerate() {
            if i > 0 && !sep.is_empty() {
                parts.push(Expr::Lit(Lit::Str(sep.clone()), call.span));
            }
            parts.push(it.clone());
        }
        Some(Expr::Template {
            parts,
            span: call.span,
        })
    }

    /// `util.format("git log %s", x)`: string building split at the
    /// placeholders.
    fn format_template(&self, call: &Call) -> Option<Expr> {
        if call.qualified.as_deref() != Some("util.format") {
            return None;
        }
        let (Expr::Lit(Lit::Str(fmt), fs), rest) = (&call.args.first()?.value, &call.args[1..])
        else {
            return None;
        };
        Some(Expr::Template {
            parts: split_format(fmt, *fs, rest),
            span: call.span,
        })
    }
}

fn callee_span(e: &Expr) -> crate::Span {
    super::guards::expr_span(e)
}

/// How many member accesses a receiver is made of (`a` 0, `this.db` 1).
fn member_depth(lx: &Lx<'_>, n: Node<'_>) -> usize {
    let mut depth = 0;
    let mut cur = unwrap(n);
    while cur.kind_str() == "member_expression" && depth < 8 {
        depth += 1;
        match lx.f(cur, "object") {
            Some(o) => cur = unwrap(o),
            None => break,
        }
    }
    depth
}

/// Split a printf-style format at its placeholders (`%s %d %i %f %j %o
/// %O %c`), `%%` being a literal `%`; extra values are appended with a
/// space, like `util.format` does.
pub(crate) fn split_format(fmt: &str, at: crate::Span, values: &[Arg]) -> Vec<Expr> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut vals = values.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('%') => {
                chars.next();
                lit.push('%');
            }
            Some('s' | 'd' | 'i' | 'f' | 'j' | 'o' | 'O' | 'c') => {
                chars.next();
                if !lit.is_empty() {
                    parts.push(Expr::Lit(Lit::Str(std::mem::take(&mut lit)), at));
                }
                match vals.next() {
                    Some(v) => parts.push(v.value.clone()),
                    None => lit.push_str("%s"),
                }
            }
            _ => lit.push('%'),
        }
    }
    if !lit.is_empty() {
        parts.push(Expr::Lit(Lit::Str(lit), at));
    }
    for v in vals {
        parts.push(Expr::Lit(Lit::Str(" ".into()), at));
        parts.push(v.value.clone());
    }
    parts
}
