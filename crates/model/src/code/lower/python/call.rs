//! Calls: arguments, the callee's library name through the imports, and
//! the forms lowered specially — `"…".format(…)` and `" ".join([…])` as
//! templates, `d.get("k", default)` as a field read, and
//! `asyncio.to_thread(f, …)`/`loop.run_in_executor(None, f, …)` as a call
//! of `f`.

use super::{count, field, nth};
use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::expr::{dict_value, push_text};
use super::facts::literal_string;
use super::strings::{split_brace, HoleKey, Piece};
use super::track::Obj;
use super::{catalog, guards, handlers, Ctx};
use crate::code::ir::{Arg, BinOp, Call, Effect, Expr, Lit, UnOp};
use crate::code::lower::span;
use crate::Span;

/// Callees that run their first argument with the rest as its arguments.
const RUNNERS: &[&str] = &[
    "asyncio.to_thread",
    "anyio.to_thread.run_sync",
    "trio.to_thread.run_sync",
];

impl Ctx<'_> {
    pub fn call(&mut self, n: Node<'_>) -> Expr {
        let sp = span(n);
        let Some(f) = field(n, "function") else {
            return self.opaque(n);
        };
        let args_node = field(n, "arguments");
        if let Some(e) = self.special_call(n, f, args_node) {
            return e;
        }
        let qualified = self.qualify(f);
        // `asyncio.to_thread(subprocess.run, cmd, shell=True)`.
        let runner = qualified.as_deref().is_some_and(|q| RUNNERS.contains(&q))
            || matches!(self.method_name(f), Some("run_in_executor" | "submit"));
        if runner {
            if let Some(e) = self.runner_call(f, args_node, sp) {
                return e;
            }
        }
        let callee = self.expr(f);
        let args = match args_node {
            Some(a) => self.args(a),
            None => Vec::new(),
        };
        self.finish_call(f, callee, args, qualified, sp)
    }

    /// Decide the effect of a call, note registrations, recognise guards.
    fn finish_call(
        &mut self,
        f: Node<'_>,
        callee: Expr,
        args: Vec<Arg>,
        qualified: Option<String>,
        sp: Span,
    ) -> Expr {
        let key = qualified.clone().or_else(|| self.builtin(f));
        let mut call = Call {
            callee,
            args,
            span: sp,
            new: false,
            qualified,
            effect: Effect::Unknown,
        };
        call.effect = catalog::effect(self, &call, key.as_deref());
        handlers::call_registration(self, &call, key.as_deref());
        guards::call_guard(self, call, key.as_deref())
    }

    fn runner_call(&mut self, f: Node<'_>, args_node: Option<Node<'_>>, sp: Span) -> Option<Expr> {
        let a = args_node?;
        let mut c = a.walk();
        let kids: Vec<Node<'_>> = a.named_children(&mut c).collect();
        let skip = usize::from(self.method_name(f) == Some("run_in_executor"));
        let target = *kids.get(skip)?;
        if !matches!(target.kind_str(), "identifier" | "attribute") {
            return None;
        }
        // `executor.submit(f, …)`: only for a function we can name.
        if self.method_name(f) == Some("submit")
            && !(self.facts.module_names.contains(self.text(target))
                || self.qualify(target).is_some())
        {
            return None;
        }
        let qualified = self.qualify(target);
        let callee = self.expr(target);
        let mut args = Vec::new();
        for k in kids.into_iter().skip(skip + 1) {
            args.push(self.arg(k));
        }
        Some(self.finish_call(target, callee, args, qualified, sp))
    }

    fn method_name<'n>(&self, f: Node<'n>) -> Option<&str> {
        if f.kind_str() != "attribute" {
            return None;
        }
        field(f, "attribute").map(|a| self.text(a))
    }

    pub fn args(&mut self, a: Node<'_>) -> Vec<Arg> {
        if a.kind_str() == "generator_expression" {
            let value = self.expr(a);
            return vec![Arg {
                name: None,
                value,
                spread: false,
            }];
        }
        let mut c = a.walk();
        let kids: Vec<Node<'_>> = a
            .named_children(&mut c)
            .filter(|k| k.kind_str() != "comment")
            .collect();
        kids.into_iter().map(|k| self.arg(k)).collect()
    }

    fn arg(&mut self, k: Node<'_>) -> Arg {
        match k.kind_str() {
            "keyword_argument" => {
                let name = field(k, "name").map(|x| self.text(x).to_string());
                let value = match field(k, "value") {
                    Some(v) => self.expr(v),
                    None => Expr::Lit(Lit::Null, span(k)),
                };
                Arg {
                    name,
                    value,
                    spread: false,
                }
            }
            "list_splat" | "dictionary_splat" => {
                let value = match nth(k, 0) {
                    Some(v) => self.expr(v),
                    None => Expr::Lit(Lit::Null, span(k)),
                };
                Arg {
                    name: (k.kind_str() == "dictionary_splat").then(|| "**".to_string()),
                    value,
                    spread: true,
                }
            }
            _ => Arg {
                name: None,
                value: self.expr(k),
                spread: false,
            },
        }
    }

    /// The library name of a callee (`sp.run` → `subprocess.run`), when
    /// its root is bound by an import of a library.
    pub fn qualify(&self, f: Node<'_>) -> Option<String> {
        let mut segs = Vec::new();
        let mut cur = f;
        loop {
            match cur.kind_str() {
                "identifier" => {
                    segs.push(self.text(cur));
                    break;
                }
                "attribute" => {
                    segs.push(self.text(field(cur, "attribute")?));
                    cur = field(cur, "object")?;
                }
                _ => return None,
            }
        }
        segs.reverse();
        let root = segs[0];
        if self.shadowed(root) {
            return None;
        }
        let b = self.facts.bindings.get(root)?;
        if !b.library {
            return None;
        }
        let mut q = b.path.clone();
        for s in &segs[1..] {
            q.push('.');
            q.push_str(s);
        }
        Some(normalise(q))
    }

    /// `builtins.open` for a bare call of a builtin not shadowed in the file.
    fn builtin(&self, f: Node<'_>) -> Option<String> {
        if f.kind_str() != "identifier" {
            return None;
        }
        let name = self.text(f);
        let shadowed = self.facts.bindings.contains_key(name)
            || self.facts.module_names.contains(name)
            || self.facts.assigned.contains_key(name)
            || self.facts.params.contains(name);
        (!shadowed).then(|| format!("builtins.{name}"))
    }

    fn special_call(&mut self, n: Node<'_>, f: Node<'_>, args: Option<Node<'_>>) -> Option<Expr> {
        if f.kind_str() != "attribute" {
            return None;
        }
        let obj = field(f, "object")?;
        let method = self.text(field(f, "attribute")?);
        let args = args.filter(|a| a.kind_str() == "argument_list")?;
        match method {
            "format" => {
                let fmt = literal_string(obj, self.src)?;
                let pieces = split_brace(&fmt)?;
                let lowered = self
                    .args(args)
                    .into_iter()
                    .map(|mut a| {
                        a.value = self.fold(a.value);
                        a
                    })
                    .collect();
                Some(format_template(pieces, lowered, span(n)))
            }
            "join" => {
                let sep = literal_string(obj, self.src)?;
                let list = nth(args, 0).filter(|_| count(args) == 1)?;
                if !matches!(list.kind_str(), "list" | "tuple") {
                    return None;
                }
                let mut c = list.walk();
                let items: Vec<Node<'_>> = list.named_children(&mut c).collect();
                if items.iter().any(|i| i.kind_str() == "list_splat") {
                    return None;
                }
                let mut parts = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        push_text(&mut parts, sep.clone(), span(obj));
                    }
                    let e = self.expr(item);
                    match self.fold(e) {
                        Expr::Lit(Lit::Str(s), sp) => push_text(&mut parts, s, sp),
                        e => parts.push(e),
                    }
                }
                Some(Expr::Template {
                    parts,
                    span: span(n),
                })
            }
            "get" => self.dict_get(n, obj, args),
            _ => None,
        }
    }

    /// `args.get("path")` → `args.path`; `args.get("path", d)` → either.
    fn dict_get(&mut self, n: Node<'_>, obj: Node<'_>, args: Node<'_>) -> Option<Expr> {
        let count = count(args);
        if !(1..=2).contains(&count) {
            return None;
        }
        let key_node = nth(args, 0)?;
        let key = literal_string(key_node, self.src)?;
        if count == 2 && nth(args, 1)?.kind_str() == "keyword_argument" {
            return None;
        }
        if !matches!(obj.kind_str(), "identifier" | "attribute" | "subscript") {
            return None;
        }
        if self.qualify(obj).is_some() {
            return None; // os.environ.get(...) and other library objects
        }
        let recv = self.expr(obj);
        if self.fact_of(&recv).is_some_and(|f| f.obj.is_some()) {
            return None; // an HTTP client's get(url)
        }
        let sp = span(n);
        let member = Expr::Member {
            obj: Box::new(recv),
            prop: key,
            span: sp,
        };
        if count == 1 {
            return Some(member);
        }
        let default = self.expr(nth(args, 1)?);
        Some(Expr::Binary {
            op: BinOp::Coalesce,
            left: Box::new(member),
            right: Box::new(default),
            span: sp,
        })
    }

    /// The kind of object an expression holds, if known.
    pub fn obj_of(&self, e: &Expr) -> Option<Obj> {
        self.fact_of(e).and_then(|f| f.obj)
    }
}

/// `"git log {} -- {path}".format(a, path=b)` as a template.
fn format_template(pieces: Vec<Piece>, args: Vec<Arg>, sp: Span) -> Expr {
    let positional: Vec<&Expr> = args
        .iter()
        .filter(|a| a.name.is_none() && !a.spread)
        .map(|a| &a.value)
        .collect();
    let mapping = args
        .iter()
        .find(|a| a.name.as_deref() == Some("**"))
        .map(|a| &a.value);
    let mut parts = Vec::new();
    let mut used_any = false;
    for p in pieces {
        match p {
            Piece::Text(t) => push_text(&mut parts, t, sp),
            Piece::Hole(h) => {
                let v = match &h.key {
                    HoleKey::Index(i) => positional.get(*i).map(|e| (*e).clone()),
                    HoleKey::Name(k) => args
                        .iter()
                        .find(|a| a.name.as_deref() == Some(k.as_str()))
                        .map(|a| a.value.clone())
                        .or_else(|| mapping.map(|m| dict_value(m, k, sp))),
                };
                let Some(v) = v else { continue };
                used_any = true;
                parts.push(if h.numeric {
                    Expr::Unary {
                        op: UnOp::Numeric,
                        expr: Box::new(v),
                        span: sp,
                    }
                } else {
                    v
                });
            }
        }
    }
    // `*args` or unmatched holes: the arguments still flow into the text.
    if !used_any || args.iter().any(|a| a.spread && a.name.is_none()) {
        for a in &args {
            if a.spread && a.name.is_none() {
                parts.push(a.value.clone());
            }
        }
    }
    Expr::Template { parts, span: sp }
}

/// Canonical spellings: `os.path` is `posixpath` on POSIX, and a few
/// re-exports.
fn normalise(q: String) -> String {
    for (from, to) in [
        ("posixpath.", "os.path."),
        ("ntpath.", "os.path."),
        ("_pickle.", "pickle."),
        ("cPickle.", "pickle."),
        ("asyncio.subprocess.", "asyncio."),
        ("aiofiles.os.", "os."),
        ("urllib2.urlopen", "urllib.request.urlopen"),
    ] {
        if let Some(rest) = q.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    q
}
