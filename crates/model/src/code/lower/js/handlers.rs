//! MCP registrations and the texts the model reads.
//!
//! - TS SDK high-level: `x.tool(name, [description], [paramsSchema |
//!   annotations], [annotations], handler)`, `x.prompt(…)`, `x.resource(name,
//!   uri | new ResourceTemplate(…), [metadata], handler)`,
//!   `x.registerTool(name, { description, inputSchema, … }, handler)`,
//!   `registerPrompt`, `registerResource` — on any receiver
//!   (`server`, `this.server`, `mcpServer`, a parameter);
//! - TS SDK low-level: `x.setRequestHandler(CallToolRequestSchema, (request)
//!   => …)` (a dispatcher: `request.params.arguments`, `request.params.name`),
//!   `GetPromptRequestSchema`, `ReadResourceRequestSchema`;
//! - `fastmcp`: `x.addTool({ name, description, parameters, execute })`,
//!   `addPrompt({ …, load })`, `addResourceTemplate({ …, load })`.
//!
//! Safe fields come from zod shapes (`z.number()`, `z.boolean()`,
//! `z.enum([…])`, `z.literal(…)`, `z.nativeEnum(…)`, with `.int()`,
//! `.optional()`, `.default()`, `.describe()` …) and JSON schemas
//! (`type: "number" | "integer" | "boolean"`, `enum`, `const`).

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::super::span;
use super::nodes::{arg_nodes, field, is_function_kind, literal_text, unwrap};
use super::Lx;
use crate::code::ir::{
    Call, Description, DescriptionOf, Entry, Expr, Handler, HandlerFunc, HandlerKind, SourceParam,
    SourceRole, TypeHint,
};
use crate::Span;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    /// `tool`/`prompt` (positional overloads).
    Positional(HandlerKind),
    /// `resource(name, uri | template, [metadata], cb)`.
    Resource,
    /// `registerTool`/`registerPrompt`/`registerResource`.
    Register(HandlerKind),
    /// `setRequestHandler(XRequestSchema, cb)`.
    LowLevel(HandlerKind),
    /// fastmcp `addTool({ … execute })` and friends.
    Fast(HandlerKind),
}

pub(super) struct Reg {
    style: Style,
    name: Option<String>,
    prev_owner: Option<String>,
}

/// A registered name: a literal, or the default of `toolName || "x"`.
fn name_text(lx: &Lx<'_>, n: Node<'_>) -> Option<String> {
    if let Some((s, _)) = literal_text(lx, n) {
        return Some(s);
    }
    let n = unwrap(n);
    let op = lx.f(n, "operator").map(|o| lx.t(o));
    if n.kind_str() == "binary_expression" && matches!(op, Some("||" | "??")) {
        return literal_text(lx, lx.f(n, "right")?).map(|(s, _)| s);
    }
    None
}

fn is_handler_like(n: Node<'_>) -> bool {
    let n = unwrap(n);
    is_function_kind(n.kind_str())
        || matches!(
            n.kind_str(),
            "identifier" | "member_expression" | "call_expression"
        )
}

fn schema_name(lx: &Lx<'_>, n: Node<'_>) -> Option<HandlerKind> {
    let t = lx.t(n);
    let last = t.rsplit('.').next().unwrap_or(t);
    match last {
        "CallToolRequestSchema" => Some(HandlerKind::Dispatch),
        "GetPromptRequestSchema" => Some(HandlerKind::Prompt),
        "ReadResourceRequestSchema" => Some(HandlerKind::Resource),
        _ => None,
    }
}

/// Is this call a registration? Sets the owner of descriptions met while
/// its arguments are lowered.
pub(super) fn registration_start(lx: &mut Lx<'_>, n: Node<'_>) -> Option<Reg> {
    let f = unwrap(lx.f(n, "function")?);
    if f.kind_str() != "member_expression" {
        return None;
    }
    let method = lx.t(lx.f(f, "property")?);
    let args = arg_nodes(lx, n);
    let last = *args.last()?;
    let first = args[0];
    let style = match method {
        "tool" | "prompt" if (2..=5).contains(&args.len()) && is_handler_like(last) => {
            let kind = if method == "tool" {
                HandlerKind::Tool
            } else {
                HandlerKind::Prompt
            };
            Style::Positional(kind)
        }
        "resource" if (3..=4).contains(&args.len()) && is_handler_like(last) => Style::Resource,
        "registerTool" | "registerPrompt" | "registerResource"
            if args.len() >= 3 && is_handler_like(last) =>
        {
            Style::Register(match method {
                "registerTool" => HandlerKind::Tool,
                "registerPrompt" => HandlerKind::Prompt,
                _ => HandlerKind::Resource,
            })
        }
        "setRequestHandler" if args.len() == 2 => Style::LowLevel(schema_name(lx, first)?),
        "addTool" | "addPrompt" | "addResourceTemplate" | "addResource"
            if args.len() == 1 && unwrap(first).kind_str() == "object" =>
        {
            let key = if method == "addTool" {
                "execute"
            } else {
                "load"
            };
            field(lx, unwrap(first), key)?;
            Style::Fast(match method {
                "addTool" => HandlerKind::Tool,
                "addPrompt" => HandlerKind::Prompt,
                _ => HandlerKind::Resource,
            })
        }
        _ => return None,
    };
    if matches!(
        style,
        Style::Positional(_) | Style::Resource | Style::Register(_)
    ) && !matches!(
        unwrap(first).kind_str(),
        "string" | "template_string" | "identifier" | "member_expression" | "binary_expression"
    ) {
        return None;
    }
    let name = match style {
        Style::LowLevel(_) => None,
        Style::Fast(_) => field(lx, unwrap(first), "name").and_then(|v| name_text(lx, v)),
        _ => name_text(lx, first),
    };
    let prev_owner = std::mem::replace(&mut lx.cur_owner, name.clone());
    Some(Reg {
        style,
        name,
        prev_owner,
    })
}

/// The function that handles a registration, from the lowered argument.
fn handler_func(e: &Expr) -> Option<HandlerFunc> {
    match e {
        Expr::Func(id, _) => Some(HandlerFunc::Local(*id)),
        Expr::Name(..) | Expr::Member { .. } => Some(HandlerFunc::Named { callee: e.clone() }),
        // `this.handle.bind(this)`: the method.
        Expr::Call(c) if matches!(&c.callee, Expr::Member { prop, .. } if prop == "bind") => {
            let Expr::Member { obj, .. } = &c.callee else {
                return None;
            };
            handler_func(obj)
        }
        // `withErrors(async (args) => …)`: the wrapped function.
        Expr::Call(c) => c.args.iter().rev().find_map(|a| match &a.value {
            Expr::Func(id, _) => Some(HandlerFunc::Local(*id)),
            _ => None,
        }),
        _ => None,
    }
}

fn lowered_field<'e>(e: &'e Expr, key: &str) -> Option<&'e Expr> {
    let Expr::Object { entries, .. } = e else {
        return None;
    };
    entries.iter().find_map(|en| match en {
        Entry::Field(k, v, _) if k == key => Some(v),
        _ => None,
    })
}

fn annotation_keys(lx: &Lx<'_>, obj: Node<'_>) -> bool {
    let mut cursor = obj.walk();
    let mut any = false;
    let all = obj.named_children(&mut cursor).all(|c| {
        let Some(k) = lx.f(c, "key") else {
            return c.kind_str() == "comment";
        };
        any = true;
        matches!(
            lx.key_name(k).as_deref(),
            Some("title" | "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint")
        )
    });
    any && all
}

/// Finish a registration once its arguments are lowered: the handler,
/// its sources, its description.
/// What a registration's arguments say: the handler expression, the
/// description, the schema's safe fields (`Some(None)`: a schema whose
/// fields are unknown), and whether a resource is a URI template.
type Parts = (
    Option<Expr>,
    Option<(String, Span)>,
    Option<Option<Vec<String>>>,
    bool,
);

fn registration_parts(lx: &Lx<'_>, style: Style, args: &[Node<'_>], call: &Call) -> Parts {
    match style {
        Style::Positional(_) => {
            let middle = &args[1..args.len() - 1];
            let mut desc = None;
            let mut schema: Option<Option<Vec<String>>> = None;
            for (i, m) in middle.iter().enumerate() {
                let mu = unwrap(*m);
                if let Some(t) = literal_text(lx, mu).filter(|_| i == 0 && desc.is_none()) {
                    desc = Some(t);
                } else if mu.kind_str() == "object" && annotation_keys(lx, mu) {
                } else if schema.is_none() {
                    schema = Some(super::schema::schema_safe_fields(lx, mu));
                }
            }
            (
                call.args.last().map(|a| a.value.clone()),
                desc,
                schema,
                false,
            )
        }
        Style::Resource => {
            let tpl = unwrap(args[1]).kind_str() == "new_expression"
                && lx.t(args[1]).contains("ResourceTemplate");
            let desc = if args.len() == 4 {
                let meta = unwrap(args[2]);
                (meta.kind_str() == "object")
                    .then(|| field(lx, meta, "description"))
                    .flatten()
                    .and_then(|d| literal_text(lx, d))
            } else {
                None
            };
            (call.args.last().map(|a| a.value.clone()), desc, None, tpl)
        }
        Style::Register(kind) => {
            // `registerResource(name, uri, metadata, cb)` has its texts third.
            let at = if kind == HandlerKind::Resource { 2 } else { 1 };
            let config = unwrap(args[at.min(args.len() - 1)]);
            let (desc, schema) = if config.kind_str() == "object" {
                let desc = field(lx, config, "description").and_then(|d| literal_text(lx, d));
                let key = if kind == HandlerKind::Prompt {
                    "argsSchema"
                } else {
                    "inputSchema"
                };
                let schema =
                    field(lx, config, key).map(|s| super::schema::schema_safe_fields(lx, s));
                (desc, schema)
            } else {
                (None, None)
            };
            let tpl = kind == HandlerKind::Resource && lx.t(args[1]).contains("ResourceTemplate");
            (call.args.last().map(|a| a.value.clone()), desc, schema, tpl)
        }
        Style::LowLevel(_) => (call.args.get(1).map(|a| a.value.clone()), None, None, false),
        Style::Fast(kind) => {
            let obj = unwrap(args[0]);
            let key = if kind == HandlerKind::Tool {
                "execute"
            } else {
                "load"
            };
            let func = call
                .args
                .first()
                .and_then(|a| lowered_field(&a.value, key))
                .cloned();
            let desc = field(lx, obj, "description").and_then(|d| literal_text(lx, d));
            let schema =
                field(lx, obj, "parameters").map(|s| super::schema::schema_safe_fields(lx, s));
            (func, desc, Some(schema.flatten()), false)
        }
    }
}

/// The parameters that carry model data, and the index of the context
/// parameter (`extra`).
fn registration_sources(
    lx: &Lx<'_>,
    style: Style,
    kind: HandlerKind,
    parts: &Parts,
    local_params: Option<usize>,
    args: &[Node<'_>],
) -> (Vec<SourceParam>, usize) {
    let (_, _, schema, template) = parts;
    let template = *template;
    let mut sources = Vec::new();
    let context_param;
    match style {
        Style::LowLevel(_) => {
            sources.push(source(0, SourceRole::Request, Vec::new(), None));
            context_param = 1;
        }
        Style::Fast(_) => {
            if kind != HandlerKind::Resource || lx.t(args[0]).contains("uriTemplate") {
                let safe = schema.clone().flatten().unwrap_or_default();
                sources.push(source(0, SourceRole::Arguments, safe, None));
            }
            context_param = 1;
        }
        Style::Resource | Style::Register(HandlerKind::Resource) => {
            if template {
                sources.push(source(0, SourceRole::Arguments, Vec::new(), Some("uri")));
                sources.push(source(1, SourceRole::Arguments, Vec::new(), None));
                context_param = 2;
            } else {
                context_param = 1;
            }
        }
        _ => {
            // With a schema the handler is `(args, extra)`, else `(extra)`.
            let has_schema =
                schema.is_some() || local_params.is_some_and(|p| p >= 2) || local_params.is_none();
            if has_schema {
                let safe = schema.clone().flatten().unwrap_or_default();
                sources.push(source(0, SourceRole::Arguments, safe, None));
                context_param = 1;
            } else {
                context_param = 0;
            }
        }
    }
    (sources, context_param)
}

pub(super) fn registration_finish(lx: &mut Lx<'_>, mut reg: Reg, n: Node<'_>, call: &mut Call) {
    lx.cur_owner = reg.prev_owner.take();
    let args = arg_nodes(lx, n);
    let parts = registration_parts(lx, reg.style, &args, call);
    let func_expr = parts.0.clone();
    let Some(func) = func_expr.as_ref().and_then(handler_func) else {
        return;
    };
    let local_params = match &func {
        HandlerFunc::Local(id) => lx.b.file.funcs.get(id.0 as usize).map(|f| f.params.len()),
        HandlerFunc::Named { .. } => None,
    };
    let kind = match reg.style {
        Style::Positional(k) | Style::Register(k) | Style::LowLevel(k) | Style::Fast(k) => k,
        Style::Resource => HandlerKind::Resource,
    };
    let (sources, context_param) =
        registration_sources(lx, reg.style, kind, &parts, local_params, &args);
    let context_param = Some(context_param);
    let description = parts.1.clone();
    if let (HandlerFunc::Local(id), Some(ci)) = (&func, context_param) {
        if let Some(p) =
            lx.b.file
                .funcs
                .get_mut(id.0 as usize)
                .and_then(|f| f.params.get_mut(ci))
        {
            if p.ty == TypeHint::Unknown {
                p.ty = TypeHint::Context;
            }
        }
    }
    let of = match kind {
        HandlerKind::Tool | HandlerKind::Dispatch => DescriptionOf::Tool,
        HandlerKind::Prompt => DescriptionOf::Prompt,
        HandlerKind::Resource => DescriptionOf::Resource,
    };
    if let Some((text, at)) = &description {
        add_description(lx, text.clone(), *at, of, reg.name.clone());
    }
    let framework = match reg.style {
        Style::Fast(_) => "fastmcp",
        _ => "mcp-sdk",
    };
    // A registration of a tool definition object replaces the definition's handler.
    if let HandlerFunc::Local(id) = &func {
        lx.b.file
            .handlers
            .retain(|h| !matches!(h.func, HandlerFunc::Local(x) if x == *id));
    }
    lx.b.file.handlers.push(Handler {
        kind,
        name: reg.name,
        span: call.span,
        func,
        sources,
        description: description.map(|(t, _)| t),
        framework,
    });
}

fn source(param: u16, role: SourceRole, safe: Vec<String>, name: Option<&str>) -> SourceParam {
    SourceParam {
        param,
        role,
        safe_fields: safe,
        name: name.map(str::to_string),
    }
}

pub(super) fn add_description(
    lx: &mut Lx<'_>,
    text: String,
    at: Span,
    of: DescriptionOf,
    owner: Option<String>,
) {
    if !lx.desc_spans.insert(at) {
        return;
    }
    lx.b.file.descriptions.push(Description {
        text,
        span: at,
        of,
        owner,
    });
}

/// Descriptions in object literals: tool definitions (`{ name, description,
/// inputSchema }` in a `tools/list` answer or a constant), JSON-schema
/// properties (`{ type, description }`), prompt arguments (`{ name,
/// description }` under `arguments`). Returns the owner to use for the
/// descriptions nested in it (a tool definition's name).
pub(super) fn object_descriptions(lx: &mut Lx<'_>, n: Node<'_>) -> Option<String> {
    if !has_any_key(lx, n, &["name", "description"]) {
        return None;
    }
    let name = field(lx, n, "name")
        .and_then(|v| literal_text(lx, v))
        .map(|(s, _)| s);
    let has = |k: &str| field(lx, n, k).is_some();
    let tool = name.is_some()
        && (has("inputSchema") || has("input_schema") || has("execute") || has("parameters"));
    let nested_owner = if tool { name.clone() } else { None };
    let Some((text, at)) = field(lx, n, "description").and_then(|d| literal_text(lx, d)) else {
        return nested_owner;
    };
    let (of, owner) = if tool {
        (DescriptionOf::Tool, name)
    } else if has("uriTemplate") || has("uri") || has("mimeType") {
        (DescriptionOf::Resource, name)
    } else if name.is_some() && (has("load") || has("arguments") || has("argsSchema")) {
        (DescriptionOf::Prompt, name)
    } else if has("type") || has("enum") || (name.is_some() && (has("required") || lx.in_arguments))
    {
        (DescriptionOf::Parameter, lx.cur_owner.clone())
    } else {
        return nested_owner;
    };
    add_description(lx, text, at, of, owner);
    nested_owner
}

/// `z.string().describe("…")`: a parameter description.
pub(super) fn describe_call(lx: &mut Lx<'_>, n: Node<'_>, f: Node<'_>) {
    let f = unwrap(f);
    if f.kind_str() != "member_expression" {
        return;
    }
    let is_describe = lx.f(f, "property").is_some_and(|p| lx.t(p) == "describe");
    if !is_describe || !super::schema::zod_rooted(lx, f) {
        return;
    }
    let Some(a) = arg_nodes(lx, n).first().copied() else {
        return;
    };
    if let Some((text, at)) = literal_text(lx, a) {
        let owner = lx.cur_owner.clone();
        add_description(lx, text, at, DescriptionOf::Parameter, owner);
    }
}

/// `new McpServer(info, { instructions })`, `new Server(…)`, `new
/// FastMCP({ instructions })`: the server's instructions.
pub(super) fn server_instructions(lx: &mut Lx<'_>, n: Node<'_>) {
    let Some(ctor) = lx.f(n, "constructor") else {
        return;
    };
    let c = lx.t(ctor);
    if !(c.ends_with("Server") || c.ends_with("FastMCP")) {
        return;
    }
    for a in arg_nodes(lx, n) {
        let a = unwrap(a);
        if a.kind_str() != "object" {
            continue;
        }
        if let Some((text, at)) = field(lx, a, "instructions").and_then(|v| literal_text(lx, v)) {
            add_description(lx, text, at, DescriptionOf::Server, None);
        }
    }
}

/// A tool definition object, registered elsewhere (`defineTool({ name,
/// description, inputSchema, async handler(params, context) { … } })`,
/// a list of `{ name, inputSchema, execute }`): its function receives the
/// tool's arguments.
pub(super) fn definition_handler(lx: &mut Lx<'_>, n: Node<'_>, lowered: &Expr) {
    if !has_any_key(lx, n, &["name"]) {
        return;
    }
    let Some(name) = field(lx, n, "name").and_then(|v| name_text(lx, v)) else {
        return;
    };
    let schema_node = ["inputSchema", "parameters", "input_schema", "schema"]
        .iter()
        .find_map(|k| field(lx, n, k));
    let Some(schema_node) = schema_node else {
        return;
    };
    let Expr::Object { entries, .. } = lowered else {
        return;
    };
    let func = entries.iter().find_map(|e| match e {
        Entry::Field(k, Expr::Func(id, _), _)
            if matches!(
                k.as_str(),
                "handler" | "execute" | "run" | "call" | "callback" | "func" | "fn"
            ) =>
        {
            Some(*id)
        }
        _ => None,
    });
    let Some(id) = func else { return };
    let safe = super::schema::schema_safe_fields(lx, schema_node).unwrap_or_default();
    if let Some(p) =
        lx.b.file
            .funcs
            .get_mut(id.0 as usize)
            .and_then(|f| f.params.get_mut(1))
    {
        if p.ty == TypeHint::Unknown {
            p.ty = TypeHint::Context;
        }
    }
    let description = field(lx, n, "description")
        .and_then(|d| literal_text(lx, d))
        .map(|(t, _)| t);
    lx.b.file.handlers.push(Handler {
        kind: HandlerKind::Tool,
        name: Some(name),
        span: span(n),
        func: HandlerFunc::Local(id),
        sources: vec![source(0, SourceRole::Arguments, safe, None)],
        description,
        framework: "tool-definition",
    });
}

/// Whether an object literal has one of these (plain) keys: a cheap test
/// before looking fields up one by one.
fn has_any_key(lx: &Lx<'_>, obj: Node<'_>, keys: &[&str]) -> bool {
    let mut cursor = obj.walk();
    let found = obj.named_children(&mut cursor).any(|c| {
        let k = match c.kind_str() {
            "pair" => lx.f(c, "key"),
            "shorthand_property_identifier" => Some(c),
            _ => None,
        };
        k.is_some_and(|k| {
            let t = lx.t(k);
            let t = t.trim_matches(|ch| ch == '"' || ch == '\'');
            keys.contains(&t)
        })
    });
    found
}
