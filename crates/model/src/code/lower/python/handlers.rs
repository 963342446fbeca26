//! MCP registrations: which functions are tools, prompts and resources,
//! which of their parameters carry model data, and the texts the model
//! reads about them.
//!
//! Styles: `@X.tool(...)`/`@X.tool`/`@X.prompt`/`@X.resource("u://{p}")`
//! on any server variable `X` (module, class attribute `self.mcp`, a
//! factory's local, a parameter typed `FastMCP`); `X.add_tool(f, …)`,
//! `X.add_tool(Tool.from_function(f, …))`, `X.tool()(f)`; the low-level
//! SDK's `@server.call_tool()` (dispatch on the tool name),
//! `@server.get_prompt()`, `@server.read_resource()`, and the
//! `types.Tool(name=…, description=…, inputSchema=…)` list of
//! `@server.list_tools()`; project decorators named `…mcp_tool` and
//! `…ToolDefinition(fn=…)` objects (dbt-mcp).

use skillaudit_syntax::code::NodeKind;
use std::collections::HashMap;

use super::{field, nth};
use skillaudit_syntax::code::tree_sitter::Node;

use super::facts::{keyword_arg, literal_string, ty_field_description};
use super::strings::cleandoc;
use super::Ctx;
use crate::code::ir::{
    Call, Description, DescriptionOf, Entry, Expr, Func, FuncId, Handler, HandlerFunc, HandlerKind,
    Lit, Pattern, SourceParam, SourceRole, TypeHint,
};
use crate::code::lower::span;
use crate::Span;

/// What a function's definition says for the model to read.
#[derive(Default)]
pub struct FuncDocs {
    pub docstring: Option<(String, Span)>,
    /// (parameter, text, span) from `Field(description=…)`/`Annotated`.
    pub params: Vec<(String, String, Span)>,
}

#[derive(Default)]
pub struct Registry {
    pub docs: HashMap<FuncId, FuncDocs>,
    pending: Vec<Pending>,
    /// Tool schema properties seen in `Tool(inputSchema=…)`: safe in every
    /// schema they appear in.
    schema_fields: HashMap<String, bool>,
    /// Descriptions already recorded (by literal and kind).
    seen: std::collections::HashSet<(u32, u32, u8)>,
    /// `t = Tool.from_function(f, …)`: the registration `add_tool(t)` makes.
    made: HashMap<(u32, String), (Expr, Call)>,
}

/// A registration naming its function (resolved when the file is done).
struct Pending {
    reg: Reg,
    callee: Expr,
    scope: FuncId,
    /// Only a function of this file counts (project wrappers whose `fn=`
    /// may be anything).
    local_only: bool,
}

/// `name = value` in the current function: an alias of a function of the
/// file (`find_foo = find`), or a tool made for a later `add_tool(name)`.
pub fn note_binding(cx: &mut Ctx<'_>, name: &str, value: &Expr) {
    let scope = cx.func();
    match value {
        Expr::Name(..) | Expr::Func(..) => {
            let chain: Vec<FuncId> = cx.scopes.iter().rev().map(|s| s.func).collect();
            if let Some(id) = find_in(cx, value, &chain) {
                cx.func_names.insert((scope.0, name.to_string()), id);
            }
        }
        Expr::Call(c) if c.callee_name() == Some("from_function") => {
            if let Some(f) = arg(c, 0, "fn") {
                cx.reg
                    .made
                    .insert((scope.0, name.to_string()), (f.clone(), (**c).clone()));
            }
        }
        _ => {}
    }
}

/// What a registration says, whatever its style.
#[derive(Clone)]
struct Reg {
    kind: HandlerKind,
    name: Option<String>,
    /// `description=` given: its literal text (None when not literal).
    description: Option<Option<(String, Span)>>,
    span: Span,
    framework: &'static str,
    layout: Layout,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Every parameter is an argument.
    Params,
    /// `(name, arguments)`: the tool's name and its arguments object.
    Dispatch,
    /// `(uri)`: the resource's URI.
    Uri,
}

/// `Annotated[T, Field(description="…")]` or `Annotated[T, "…"]`.
pub fn annotated_description(ty: Node<'_>, src: &str) -> Option<(String, Span)> {
    ty_field_description(ty, src)
}

/// Whether an expression (its text: `mcp`, `self.mcp`, `app`) holds an MCP
/// server as far as the file tells.
fn server_like(cx: &Ctx<'_>, text: &str) -> bool {
    if cx.facts.servers.contains(text) {
        return true;
    }
    if cx.facts.not_servers.contains(text) {
        return false;
    }
    let root = text.split('.').next().unwrap_or(text);
    if cx.facts.mcp_import {
        return true;
    }
    // `from src.common.server import mcp`: a server of the repository.
    cx.facts.bindings.get(root).is_some_and(|b| !b.library)
}

/// A string the registration gives: a literal, a module constant, an
/// in-file enum member; with the span of the literal itself.
fn const_text(cx: &Ctx<'_>, n: Node<'_>) -> Option<(String, Span)> {
    if let Some(s) = literal_string(n, cx.src) {
        return Some((s, span(n)));
    }
    match n.kind_str() {
        "identifier" => cx
            .facts
            .consts
            .get(cx.text(n))
            .map(|c| (c.text.clone(), c.span)),
        "attribute" => cx.enum_member(cx.text(n)).map(|s| (s, span(n))),
        _ => None,
    }
}

/// The same from a lowered expression (folded constants keep their
/// literal's span).
fn expr_text(cx: &Ctx<'_>, e: &Expr) -> Option<(String, Span)> {
    let Expr::Lit(Lit::Str(s), sp) = e else {
        return None;
    };
    let written = cx.src.get(sp.start as usize..sp.end as usize).unwrap_or("");
    if let Some(c) = cx.facts.consts.get(written) {
        return Some((c.text.clone(), c.span));
    }
    Some((s.clone(), *sp))
}

/// `a.b.c` of a name chain.
fn chain(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n, _) => Some(n.clone()),
        Expr::Member { obj, prop, .. } => Some(format!("{}.{prop}", chain(obj)?)),
        _ => None,
    }
}

/// A decorator of function `id`: a registration?
pub fn decorator(cx: &mut Ctx<'_>, d: Node<'_>, id: FuncId) {
    let Some(e) = nth(d, 0) else { return };
    let (f, args) = if e.kind_str() == "call" {
        (field(e, "function"), field(e, "arguments"))
    } else {
        (Some(e), None)
    };
    let Some(f) = f else { return };
    let sp = span(d);
    if f.kind_str() == "identifier" {
        let name = cx.text(f);
        if name.to_ascii_lowercase().contains("mcp_tool") {
            let reg = decorator_reg(cx, HandlerKind::Tool, args, sp, "custom", Layout::Params);
            add(cx, reg, id);
        }
        return;
    }
    if f.kind_str() != "attribute" {
        return;
    }
    let (Some(obj), Some(m)) = (field(f, "object"), field(f, "attribute")) else {
        return;
    };
    let (kind, framework, layout) = match cx.text(m) {
        "tool" => (HandlerKind::Tool, "fastmcp", Layout::Params),
        "prompt" => (HandlerKind::Prompt, "fastmcp", Layout::Params),
        "resource" => (HandlerKind::Resource, "fastmcp", Layout::Params),
        "call_tool" => (HandlerKind::Dispatch, "mcp-sdk", Layout::Dispatch),
        "get_prompt" => (HandlerKind::Prompt, "mcp-sdk", Layout::Dispatch),
        "read_resource" => (HandlerKind::Resource, "mcp-sdk", Layout::Uri),
        _ => return,
    };
    if !server_like(cx, cx.text(obj)) {
        return;
    }
    let reg = decorator_reg(cx, kind, args, sp, framework, layout);
    add(cx, reg, id);
}

fn decorator_reg(
    cx: &Ctx<'_>,
    kind: HandlerKind,
    args: Option<Node<'_>>,
    sp: Span,
    framework: &'static str,
    layout: Layout,
) -> Reg {
    let mut name = None;
    let mut description = None;
    if let Some(a) = args.filter(|a| a.kind_str() == "argument_list") {
        let first = nth(a, 0).filter(|x| x.kind_str() != "keyword_argument");
        name = keyword_arg(a, "name", cx.src)
            .or(first.filter(|_| kind != HandlerKind::Resource))
            .and_then(|n| const_text(cx, n))
            .map(|(s, _)| s);
        if kind == HandlerKind::Resource && name.is_none() {
            name = keyword_arg(a, "name", cx.src)
                .and_then(|n| const_text(cx, n))
                .map(|(s, _)| s);
        }
        description = keyword_arg(a, "description", cx.src).map(|v| const_text(cx, v));
    }
    Reg {
        kind,
        name,
        description,
        span: sp,
        framework,
        layout,
    }
}

/// A registration seen in a call: `X.add_tool(f, …)`, `X.tool()(f)`,
/// `ToolDefinition(fn=f, …)`; and the texts of `Tool(…)`, `Prompt(…)`,
/// server `instructions=`.
pub fn call_registration(cx: &mut Ctx<'_>, call: &Call, key: Option<&str>) {
    let callee_name = call.callee_name();
    if chain(&call.callee).is_some_and(|full| super::facts::is_server_ctor(&full)) {
        server_texts(cx, call);
    }
    match &call.callee {
        Expr::Member { obj, prop, .. }
            if matches!(prop.as_str(), "add_tool" | "add_prompt" | "add_resource_fn") =>
        {
            add_call(cx, call, obj, prop)
        }
        Expr::Call(inner) => curried(cx, call, inner),
        // `mcp.tool(f)` (fastmcp 2: a function instead of a name)
        Expr::Member { obj, prop, .. } if prop == "tool" => {
            let Some(f @ (Expr::Name(..) | Expr::Member { .. })) = pos(call, 0) else {
                return;
            };
            if chain(obj).is_some_and(|t| server_like(cx, &t)) {
                let reg = call_reg(cx, call, HandlerKind::Tool, call.span, "fastmcp");
                pend(cx, reg, f.clone(), false);
            }
        }
        _ => {}
    }
    if callee_name.is_some_and(|n| n.ends_with("ToolDefinition")) {
        if let Some(f) = arg(call, usize::MAX, "fn") {
            let reg = call_reg(cx, call, HandlerKind::Tool, call.span, "custom");
            pend(cx, reg, f.clone(), true);
        }
    }
    if cx.facts.mcp_import || key.is_some_and(|k| k.starts_with("mcp.")) {
        match callee_name {
            Some("Tool") => schema_texts(cx, call, DescriptionOf::Tool),
            Some("Prompt") => schema_texts(cx, call, DescriptionOf::Prompt),
            Some("Resource" | "ResourceTemplate") => {
                schema_texts(cx, call, DescriptionOf::Resource)
            }
            Some("PromptArgument") => schema_texts(cx, call, DescriptionOf::Parameter),
            _ => {}
        }
    }
}

/// `X.add_tool(f, name=…)`, `X.add_tool(Tool.from_function(f, …))`,
/// `X.add_prompt(p)` with `p = Prompt.from_function(f, …)`.
fn add_call(cx: &mut Ctx<'_>, call: &Call, obj: &Expr, prop: &str) {
    if !chain(obj).is_some_and(|t| server_like(cx, &t)) {
        return;
    }
    let kind = match prop {
        "add_tool" => HandlerKind::Tool,
        "add_prompt" => HandlerKind::Prompt,
        _ => HandlerKind::Resource,
    };
    let target = arg(call, 0, "fn")
        .or_else(|| arg(call, 0, "tool"))
        .or_else(|| arg(call, 0, "prompt"));
    let Some(target) = target else { return };
    let made = match target {
        Expr::Name(n, _) => lookup_made(cx, n),
        _ => None,
    };
    let (func, texts) = match (target, &made) {
        (Expr::Call(inner), _) if inner.callee_name() == Some("from_function") => {
            match arg(inner, 0, "fn") {
                Some(f) => (f.clone(), inner.as_ref()),
                None => return,
            }
        }
        (_, Some((f, c))) => (f.clone(), c),
        (other, None) => (other.clone(), call),
    };
    let reg = call_reg(cx, texts, kind, call.span, "fastmcp");
    pend(cx, reg, func, false);
}

/// `X.tool()(f)`, `X.tool(name="x")(f)`, `X.prompt()(f)`.
fn curried(cx: &mut Ctx<'_>, call: &Call, inner: &Call) {
    let Expr::Member { obj, prop, .. } = &inner.callee else {
        return;
    };
    let kind = match prop.as_str() {
        "tool" => HandlerKind::Tool,
        "prompt" => HandlerKind::Prompt,
        "resource" => HandlerKind::Resource,
        _ => return,
    };
    if !chain(obj).is_some_and(|t| server_like(cx, &t)) {
        return;
    }
    let Some(func) = arg(call, 0, "fn").cloned() else {
        return;
    };
    let mut reg = call_reg(cx, inner, kind, call.span, "fastmcp");
    if kind != HandlerKind::Resource && reg.name.is_none() {
        reg.name = pos(inner, 0).and_then(|e| expr_text(cx, e)).map(|(s, _)| s);
    }
    pend(cx, reg, func, false);
}

fn pos(call: &Call, n: usize) -> Option<&Expr> {
    super::args::pos(call, n)
}

/// Positional `n` or keyword `name`.
fn arg<'c>(call: &'c Call, n: usize, name: &str) -> Option<&'c Expr> {
    pos(call, n).or_else(|| super::args::kw(call, name))
}

fn call_reg(
    cx: &Ctx<'_>,
    call: &Call,
    kind: HandlerKind,
    sp: Span,
    framework: &'static str,
) -> Reg {
    let name = super::args::kw(call, "name")
        .and_then(|e| expr_text(cx, e))
        .map(|(s, _)| s);
    let description = super::args::kw(call, "description").map(|e| expr_text(cx, e));
    Reg {
        kind,
        name,
        description,
        span: sp,
        framework,
        layout: Layout::Params,
    }
}

fn pend(cx: &mut Ctx<'_>, reg: Reg, callee: Expr, local_only: bool) {
    let scope = cx.func();
    cx.reg.pending.push(Pending {
        reg,
        callee,
        scope,
        local_only,
    });
}

/// A tool made by `from_function` and bound to `name`, from this scope out.
fn lookup_made(cx: &Ctx<'_>, name: &str) -> Option<(Expr, Call)> {
    cx.scopes
        .iter()
        .rev()
        .find_map(|s| cx.reg.made.get(&(s.func.0, name.to_string())))
        .cloned()
}

/// `FastMCP("name", instructions="…")`: the server's instructions.
fn server_texts(cx: &mut Ctx<'_>, call: &Call) {
    let Some(text) = super::args::kw(call, "instructions").and_then(|e| expr_text(cx, e)) else {
        return;
    };
    let owner = arg(call, 0, "name")
        .and_then(|e| expr_text(cx, e))
        .map(|(s, _)| s);
    push_description(cx, text, DescriptionOf::Server, owner);
}

/// `types.Tool(name=…, description=…, inputSchema={…})` and friends.
fn schema_texts(cx: &mut Ctx<'_>, call: &Call, of: DescriptionOf) {
    let owner = super::args::kw(call, "name")
        .and_then(|e| expr_text(cx, e))
        .map(|(s, _)| s);
    if let Some(text) = super::args::kw(call, "description").and_then(|e| expr_text(cx, e)) {
        push_description(cx, text, of, owner.clone());
    }
    if of != DescriptionOf::Tool {
        return;
    }
    let schema =
        super::args::kw(call, "inputSchema").or_else(|| super::args::kw(call, "input_schema"));
    match schema {
        Some(Expr::Object { entries, .. }) => {
            let Some(props) = entry(entries, "properties") else {
                return;
            };
            let Expr::Object { entries: props, .. } = props else {
                return;
            };
            for p in props {
                let Entry::Field(pname, Expr::Object { entries: spec, .. }, _) = p else {
                    continue;
                };
                let safe = entry(spec, "enum").is_some()
                    || matches!(entry(spec, "type"), Some(Expr::Lit(Lit::Str(t), _)) if matches!(t.as_str(), "integer" | "number" | "boolean"));
                merge_field(cx, pname, safe);
                if let Some(text) = entry(spec, "description").and_then(|e| expr_text(cx, e)) {
                    push_description(cx, text, DescriptionOf::Parameter, owner.clone());
                }
            }
        }
        // `inputSchema=GitDiff.schema()`: an in-file pydantic model.
        Some(Expr::Call(c)) => {
            let Expr::Member { obj, .. } = &c.callee else {
                return;
            };
            let Expr::Name(model, _) = obj.as_ref() else {
                return;
            };
            let Some(class) = cx.facts.classes.get(model) else {
                return;
            };
            let fields = class.fields.clone();
            for (f, safe) in fields {
                merge_field(cx, &f, safe);
            }
        }
        _ => {}
    }
}

fn merge_field(cx: &mut Ctx<'_>, name: &str, safe: bool) {
    let e = cx.reg.schema_fields.entry(name.to_string()).or_insert(true);
    *e &= safe;
}

fn entry<'e>(entries: &'e [Entry], key: &str) -> Option<&'e Expr> {
    entries.iter().find_map(|e| match e {
        Entry::Field(k, v, _) if k == key => Some(v),
        _ => None,
    })
}

fn push_description(
    cx: &mut Ctx<'_>,
    (text, span): (String, Span),
    of: DescriptionOf,
    owner: Option<String>,
) {
    if cx.reg.seen.insert((span.start, span.end, of as u8)) {
        cx.b.file.descriptions.push(Description {
            text,
            span,
            of,
            owner,
        });
    }
}

/// Record a handler for function `id` of this file.
fn add(cx: &mut Ctx<'_>, reg: Reg, id: FuncId) {
    let Some(func) = cx.b.file.funcs.get(id.0 as usize) else {
        return;
    };
    let name = match reg.layout {
        Layout::Params => reg.name.clone().or_else(|| func.name.clone()),
        // A dispatcher serves every tool (prompt, resource): no one name.
        Layout::Dispatch | Layout::Uri => reg.name.clone(),
    };
    let (sources, named_types) = sources(cx, func, reg.layout);
    let docs = cx.reg.docs.get(&id);
    let description = match &reg.description {
        Some(given) => given.clone(),
        None if reg.layout == Layout::Params => docs
            .and_then(|d| d.docstring.clone())
            .map(|(t, s)| (cleandoc(&t), s)),
        None => None,
    };
    let mut param_docs = docs.map(|d| d.params.clone()).unwrap_or_default();
    for t in named_types {
        if let Some(c) = cx.facts.classes.get(&t) {
            param_docs.extend(c.field_docs.iter().cloned());
        }
    }
    let of = match reg.kind {
        HandlerKind::Prompt => DescriptionOf::Prompt,
        HandlerKind::Resource => DescriptionOf::Resource,
        _ => DescriptionOf::Tool,
    };
    if let Some(d) = &description {
        push_description(cx, d.clone(), of, name.clone());
    }
    for (_, text, at) in param_docs {
        push_description(cx, (text, at), DescriptionOf::Parameter, name.clone());
    }
    cx.b.file.handlers.push(Handler {
        kind: reg.kind,
        name,
        span: reg.span,
        func: HandlerFunc::Local(id),
        sources,
        description: description.map(|(t, _)| t),
        framework: reg.framework,
    });
}

/// The parameters of a handler function that carry model data (not
/// `self`, not a `Context`, not a type that cannot hold text), and the
/// in-file model classes they are typed with.
fn sources(cx: &Ctx<'_>, func: &Func, layout: Layout) -> (Vec<SourceParam>, Vec<String>) {
    let mut sources = Vec::new();
    let mut named_types = Vec::new();
    let mut index = 0u16;
    for (i, p) in func.params.iter().enumerate() {
        let i = i as u16;
        let receiver = matches!(&p.pattern, Pattern::Name(n, _) if n == "self" || n == "cls");
        if (func.class.is_some() && i == 0 && receiver) || matches!(p.ty, TypeHint::Context) {
            continue;
        }
        let role = match (layout, index) {
            (Layout::Dispatch, 0) => SourceRole::ToolName,
            (Layout::Dispatch, 1) | (Layout::Params, _) | (Layout::Uri, 0) => SourceRole::Arguments,
            _ => break,
        };
        index += 1;
        if matches!(p.ty, TypeHint::Safe) && role == SourceRole::Arguments {
            continue;
        }
        let mut safe_fields = Vec::new();
        if let TypeHint::Named(t) = &p.ty {
            if let Some(class) = cx.facts.classes.get(t) {
                safe_fields = class
                    .fields
                    .iter()
                    .filter(|(_, s)| *s)
                    .map(|(f, _)| f.clone())
                    .collect();
                named_types.push(t.clone());
            }
        }
        let one_argument = layout != Layout::Dispatch && !p.rest;
        sources.push(SourceParam {
            param: i,
            role,
            safe_fields,
            name: match &p.pattern {
                Pattern::Name(n, _) if one_argument => Some(n.clone()),
                _ => None,
            },
        });
    }
    (sources, named_types)
}

/// Resolve registrations by name, and give dispatchers the safe fields of
/// the tool schemas.
pub fn resolve_pending(cx: &mut Ctx<'_>) {
    for p in std::mem::take(&mut cx.reg.pending) {
        match find_func(cx, &p.callee, p.scope) {
            Some(id) => add(cx, p.reg, id),
            None if p.local_only => {}
            None => {
                let name = p.reg.name.clone().or_else(|| match &p.callee {
                    Expr::Name(n, _) => Some(n.clone()),
                    _ => None,
                });
                let description = p.reg.description.clone().flatten();
                if let Some(d) = &description {
                    push_description(cx, d.clone(), DescriptionOf::Tool, name.clone());
                }
                cx.b.file.handlers.push(Handler {
                    kind: p.reg.kind,
                    name,
                    span: p.reg.span,
                    func: HandlerFunc::Named { callee: p.callee },
                    sources: Vec::new(),
                    description: description.map(|(t, _)| t),
                    framework: p.reg.framework,
                });
            }
        }
    }
    let mut safe: Vec<String> = cx
        .reg
        .schema_fields
        .iter()
        .filter(|(_, s)| **s)
        .map(|(k, _)| k.clone())
        .collect();
    safe.sort();
    if safe.is_empty() {
        return;
    }
    for h in
        cx.b.file
            .handlers
            .iter_mut()
            .filter(|h| h.kind == HandlerKind::Dispatch)
    {
        for s in h
            .sources
            .iter_mut()
            .filter(|s| s.role == SourceRole::Arguments)
        {
            s.safe_fields = safe.clone();
        }
    }
}

/// A function of the file by name, from the registration's scope outwards
/// (once the file is lowered, parents are known).
fn find_func(cx: &Ctx<'_>, callee: &Expr, scope: FuncId) -> Option<FuncId> {
    let mut chain = Vec::new();
    let mut cur = Some(scope);
    while let Some(s) = cur {
        if chain.len() > 256 {
            break;
        }
        chain.push(s);
        cur = cx.b.file.funcs.get(s.0 as usize).and_then(|f| f.parent);
    }
    find_in(cx, callee, &chain)
}

/// A function by name in the first of `chain`'s scopes that has it.
fn find_in(cx: &Ctx<'_>, callee: &Expr, chain: &[FuncId]) -> Option<FuncId> {
    let n = match callee {
        Expr::Func(id, _) => return Some(*id),
        Expr::Name(n, _) => n,
        _ => return None,
    };
    chain
        .iter()
        .find_map(|s| cx.func_names.get(&(s.0, n.clone())).copied())
}
