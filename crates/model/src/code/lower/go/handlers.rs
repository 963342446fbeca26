//! MCP registrations (mcp-go and the official go-sdk) and the texts the
//! model reads (tool, parameter, prompt, resource and server descriptions).
//!
//! Registration styles:
//! - mcp-go: `s.AddTool(mcp.NewTool("name", mcp.WithDescription(…), mcp.WithString("x",
//!   mcp.Description(…))), handler)` on any server variable, the tool
//!   inline, in a variable or returned by a function of the file;
//!   `s.AddTools(server.ServerTool{Tool: …, Handler: …})`; `s.AddPrompt`;
//!   `s.AddResourceTemplate`; `mcp.NewTypedToolHandler(h)`.
//! - go-sdk: `mcp.AddTool(server, &mcp.Tool{Name: …}, handler)` (typed
//!   input), `server.AddTool(&mcp.Tool{…}, raw)`, `server.AddPrompt`,
//!   `server.AddResourceTemplate`, and before v0.3 `mcp.NewServerTool(name,
//!   description, handler)`.
//! - Function literals with a handler's signature (a parameter of type
//!   `mcp.CallToolRequest`/`*mcp.CallToolRequest`/`GetPromptRequest`) that
//!   no registration of the file takes directly: tool factories
//!   (`return mcp.NewTool("x", …), func(ctx, req mcp.CallToolRequest) …`)
//!   register them elsewhere; the tool written next to the literal names it.
//!
//! Static resources (`AddResource`) have no model-chosen input: only their
//! descriptions are recorded.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::assign::ident;
use super::describe::qualified;
use super::GO_SDK;
use super::{base_type, is_numeric_type, Lower, Reg, RegFunc, Style, ToolInfo, ToolRef};
use crate::code::ir::{
    Arg, DescriptionOf, Entry, Expr, FuncId, Handler, HandlerFunc, HandlerKind, SourceParam,
    SourceRole,
};
use crate::code::lower::span;
use crate::Span;

impl Lower<'_> {
    /// `server.ServerTool{Tool: …, Handler: …}` (mcp-go `AddTools`).
    pub fn server_tool_literal(&mut self, ty: &str, body: Node<'_>, value: &Expr, at: Span) {
        let Some((alias, name)) = ty.trim_start_matches('*').split_once('.') else {
            return;
        };
        let Some(mcp_go) = self.mcp_alias(alias) else {
            return;
        };
        if name != "ServerTool" {
            return;
        }
        let Expr::Object { entries, .. } = value else {
            return;
        };
        let handler = entries.iter().find_map(|e| match e {
            Entry::Field(k, v, _) if k == "Handler" => Some(v.clone()),
            _ => None,
        });
        let (Some(handler), Some(hnode)) = (handler, self.field_node(body, "Handler")) else {
            return;
        };
        let Some(func) = self.reg_func(hnode, &handler) else {
            return;
        };
        let tool = match self.field_node(body, "Tool") {
            Some(t) => self.tool_ref(t),
            None => ToolRef::Known(ToolInfo::default()),
        };
        let style = if mcp_go { Style::McpGo } else { Style::SdkRaw };
        self.regs.push(Reg {
            kind: HandlerKind::Tool,
            span: at,
            tool,
            func,
            style,
        });
    }

    fn tool_ref(&mut self, node: Node<'_>) -> ToolRef {
        if node.kind_str() == "call_expression" {
            if let Some(f) = node.child_by_field_name("function") {
                if f.kind_str() == "identifier" && self.top_funcs.contains(self.text(f)) {
                    return ToolRef::Func(self.text(f).to_string());
                }
            }
        }
        ToolRef::Known(self.tool_info(node).unwrap_or_default())
    }

    /// The handler given to a registration.
    fn reg_func(&mut self, node: Node<'_>, value: &Expr) -> Option<RegFunc> {
        if let Expr::Func(id, _) = value {
            self.registered.insert(id.0);
            return Some(RegFunc::Local(*id));
        }
        match node.kind_str() {
            "identifier" => {
                // `h := func(…) {…}; s.AddTool(t, h)`: that literal.
                let name = self.text(node);
                let cur = Some(self.cur);
                let local = self.b.file.funcs.iter().rposition(|f| {
                    f.parent == cur && f.class.is_none() && f.name.as_deref() == Some(name)
                });
                if let (Some(i), true) = (local, self.is_local(name)) {
                    self.registered.insert(i as u32);
                    return Some(RegFunc::Local(FuncId(i as u32)));
                }
                Some(RegFunc::Named {
                    callee: value.clone(),
                    method: false,
                })
            }
            "selector_expression" => {
                let operand = node.child_by_field_name("operand")?;
                let package =
                    ident(operand, self.src).is_some_and(|p| self.import_path(p).is_some());
                Some(RegFunc::Named {
                    callee: value.clone(),
                    method: !package,
                })
            }
            _ => None,
        }
    }

    /// go-sdk `mcp.AddTool(server, tool, handler)`, `mcp.NewServerTool(…)`.
    pub fn library_registration(
        &mut self,
        path: &str,
        func: &str,
        node: Node<'_>,
        nodes: &[Node<'_>],
        args: &[Arg],
    ) {
        if !path.starts_with(GO_SDK) {
            return;
        }
        let (tool, at, style) = match (func, nodes.len()) {
            ("AddTool", 3) => (self.tool_ref(nodes[1]), 2, Style::SdkTyped),
            ("NewServerTool", n) if n >= 3 => {
                let info = self.tool_info(node).unwrap_or_default();
                (ToolRef::Known(info), 2, Style::SdkSession)
            }
            _ => return,
        };
        if let Some(f) = self.reg_func(nodes[at], &args[at].value) {
            self.regs.push(Reg {
                kind: HandlerKind::Tool,
                span: span(node),
                tool,
                func: f,
                style,
            });
        }
    }

    /// `s.AddTool(tool, handler)`, `s.AddSessionTool(id, tool, handler)`,
    /// `s.AddPrompt(…)`, `s.AddResourceTemplate(…)`.
    pub fn method_registration(
        &mut self,
        node: Node<'_>,
        method: &str,
        nodes: &[Node<'_>],
        args: &[Arg],
    ) {
        // `AddSessionTool(sessionID, tool, handler)`: the same, one later.
        let (kind, skip) = match (method, nodes.len()) {
            ("AddTool", 2) => (HandlerKind::Tool, 0),
            ("AddSessionTool", 3) => (HandlerKind::Tool, 1),
            ("AddPrompt", 2) => (HandlerKind::Prompt, 0),
            ("AddResourceTemplate", 2) => (HandlerKind::Resource, 0),
            _ => return,
        };
        let (nodes, args) = (&nodes[skip..], &args[skip..]);
        let (go, sdk) = self.imports_mcp();
        if !go && !sdk {
            return;
        }
        let sdk_tool = self.is_sdk_literal(nodes[0]);
        let mut style = if sdk_tool || (sdk && !go) {
            Style::SdkRaw
        } else {
            Style::McpGo
        };
        let mut hnode = nodes[1];
        let mut hvalue = args[1].value.clone();
        // mcp.NewTypedToolHandler(h) / NewStructuredToolHandler(h)
        if let (Some(inner), Expr::Call(c)) = (self.typed_wrapper(hnode), &args[1].value) {
            if let Some(a) = c.args.first() {
                hnode = inner;
                hvalue = a.value.clone();
                style = Style::McpGoTyped;
            }
        }
        let tool = self.tool_ref(nodes[0]);
        if let Some(f) = self.reg_func(hnode, &hvalue) {
            self.regs.push(Reg {
                kind,
                span: span(node),
                tool,
                func: f,
                style,
            });
        }
    }

    fn typed_wrapper<'n>(&self, node: Node<'n>) -> Option<Node<'n>> {
        if node.kind_str() != "call_expression" {
            return None;
        }
        let f = node.child_by_field_name("function")?;
        let f = if f.kind_str() == "index_expression" {
            f.child_by_field_name("operand")?
        } else {
            f
        };
        let field = self.text(f.child_by_field_name("field")?);
        if !matches!(field, "NewTypedToolHandler" | "NewStructuredToolHandler") {
            return None;
        }
        self.arg_nodes(node).first().copied()
    }

    fn is_sdk_literal(&self, node: Node<'_>) -> bool {
        let n = if node.kind_str() == "unary_expression" {
            node.child_by_field_name("operand")
        } else {
            Some(node)
        };
        n.filter(|n| n.kind_str() == "composite_literal")
            .and_then(|n| n.child_by_field_name("type"))
            .and_then(|t| qualified(t, self.src))
            .is_some_and(|(alias, _)| self.mcp_alias(alias) == Some(false))
    }

    /// After the whole file: registrations become handlers (named handlers
    /// of this file get their exact parameters), then unregistered handler
    /// literals, then the parameter descriptions in struct tags.
    pub fn finish_handlers(&mut self) {
        let regs = std::mem::take(&mut self.regs);
        let mut owners: Vec<(String, String)> = Vec::new();
        for reg in regs {
            let info = match reg.tool {
                ToolRef::Known(i) => i,
                ToolRef::Func(n) => self.tool_funcs.get(&n).cloned().unwrap_or_default(),
            };
            let (func, found, method) = match reg.func {
                RegFunc::Local(id) => (HandlerFunc::Local(id), Some(id), false),
                RegFunc::Named { callee, method } => {
                    let found = self.find_named(&callee, method);
                    (HandlerFunc::Named { callee }, found, method)
                }
            };
            let types = found.and_then(|id| self.param_types.get(id.0 as usize).cloned());
            let sources = match &types {
                Some(t) if t.iter().any(|x| request_type(x)) => {
                    self.sources_from_types(t, reg.kind)
                }
                _ => default_sources(reg.style, reg.kind, method),
            };
            if let (Some(name), Some(input)) = (&info.name, &info.input) {
                owners.push((input.clone(), name.clone()));
            }
            if let (Some(name), Some(t)) = (&info.name, &types) {
                for s in &sources {
                    if s.role == SourceRole::Arguments {
                        if let Some(ty) = t.get(s.param as usize) {
                            owners.push((base_type(ty).to_string(), name.clone()));
                        }
                    }
                }
            }
            self.b.file.handlers.push(Handler {
                kind: reg.kind,
                name: info.name,
                span: reg.span,
                func,
                sources,
                description: info.description,
                framework: reg.style.framework(),
            });
        }
        self.literal_handlers(&mut owners);
        self.tag_descriptions(&owners);
    }

    fn literal_handlers(&mut self, owners: &mut Vec<(String, String)>) {
        let literals = std::mem::take(&mut self.literals);
        for (id, pairing) in literals {
            if self.registered.contains(&id.0) {
                continue;
            }
            let Some(types) = self.param_types.get(id.0 as usize).cloned() else {
                continue;
            };
            let Some(req) = types.iter().find(|t| request_type(t)) else {
                continue;
            };
            let last = type_name(req);
            let kind = match last {
                "CallToolRequest" | "CallToolParamsFor" => HandlerKind::Tool,
                "GetPromptRequest" => HandlerKind::Prompt,
                _ => continue,
            };
            let alias = base_type(req).split('.').next().unwrap_or("");
            let framework = match self.mcp_alias(alias) {
                Some(true) => "mcp-go",
                Some(false) => "go-sdk",
                None => continue,
            };
            let sources = self.sources_from_types(&types, kind);
            let info = pairing.unwrap_or_default();
            if let Some(name) = &info.name {
                for s in &sources {
                    if let (SourceRole::Arguments, Some(ty)) = (s.role, types.get(s.param as usize))
                    {
                        owners.push((base_type(ty).to_string(), name.clone()));
                    }
                }
            }
            let at = self
                .b
                .file
                .funcs
                .get(id.0 as usize)
                .map(|f| f.span)
                .unwrap_or_default();
            self.b.file.handlers.push(Handler {
                kind,
                name: info.name,
                span: at,
                func: HandlerFunc::Local(id),
                sources,
                description: info.description,
                framework,
            });
        }
    }

    /// `jsonschema:"…"` tags: parameter descriptions, owned by the tool
    /// whose typed input the struct is.
    fn tag_descriptions(&mut self, owners: &[(String, String)]) {
        let mut tags: Vec<(Span, String, String)> = Vec::new();
        for (name, fields) in &self.structs {
            for f in fields {
                if let Some((tag, at)) = &f.tag {
                    if let Some(d) = super::lit::tag_description(tag) {
                        tags.push((*at, d, name.clone()));
                    }
                }
            }
        }
        tags.sort_by_key(|t| (t.0.start, t.0.end));
        tags.dedup_by_key(|t| (t.0.start, t.0.end));
        for (at, text, st) in tags {
            let owner = owners
                .iter()
                .find(|(s, _)| *s == st)
                .map(|(_, o)| o.clone());
            self.describe(text, at, DescriptionOf::Parameter, owner);
        }
    }

    /// A function of this file a handler reference names.
    fn find_named(&self, callee: &Expr, method: bool) -> Option<FuncId> {
        let funcs = &self.b.file.funcs;
        let found: Vec<usize> = match callee {
            Expr::Name(n, _) => funcs
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, f)| f.class.is_none() && f.name.as_deref() == Some(n))
                .map(|(i, _)| i)
                .collect(),
            Expr::Member { prop, .. } if method => funcs
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, f)| f.class.is_some() && f.name.as_deref() == Some(prop))
                .map(|(i, _)| i)
                .collect(),
            _ => Vec::new(),
        };
        match found.as_slice() {
            [one] => Some(FuncId(*one as u32)),
            _ => None,
        }
    }

    /// Sources from a handler's declared parameter types: the request
    /// (`mcp.CallToolRequest`, `*mcp.CallToolRequest`, go-sdk params) and,
    /// for tools, the typed input after it.
    pub fn sources_from_types(&self, types: &[String], kind: HandlerKind) -> Vec<SourceParam> {
        let mut out = Vec::new();
        let mut seen_request = false;
        for (i, t) in types.iter().enumerate() {
            let b = base_type(t);
            if request_type(t) {
                let safe_fields = generic_arg(b)
                    .map(|inner| self.safe_fields(inner))
                    .unwrap_or_default();
                out.push(SourceParam {
                    param: i as u16,
                    role: SourceRole::Request,
                    safe_fields,
                    name: None,
                });
                seen_request = true;
                continue;
            }
            if !seen_request || kind != HandlerKind::Tool || b == "context.Context" {
                continue;
            }
            if b.ends_with("ServerSession") || b.ends_with("ClientSession") {
                continue;
            }
            out.push(SourceParam {
                param: i as u16,
                role: SourceRole::Arguments,
                safe_fields: self.safe_fields(b),
                name: None,
            });
            break;
        }
        out
    }

    /// Fields of a struct of this file whose types cannot carry text.
    fn safe_fields(&self, ty: &str) -> Vec<String> {
        let name = base_type(ty);
        self.structs
            .get(name)
            .map(|fields| {
                fields
                    .iter()
                    .filter(|f| is_numeric_type(&f.ty))
                    .map(|f| f.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The sources a registration implies when its handler is not in this file.
fn default_sources(style: Style, kind: HandlerKind, method: bool) -> Vec<SourceParam> {
    let off = u16::from(method);
    let request = |p: u16| SourceParam {
        param: p + off,
        role: SourceRole::Request,
        safe_fields: Vec::new(),
        name: None,
    };
    let arguments = |p: u16| SourceParam {
        param: p + off,
        role: SourceRole::Arguments,
        safe_fields: Vec::new(),
        name: None,
    };
    match (style, kind) {
        (Style::McpGoTyped | Style::SdkTyped, HandlerKind::Tool) => vec![request(1), arguments(2)],
        (Style::SdkSession, _) => vec![request(2)],
        _ => vec![request(1)],
    }
}

/// The last name of a type (`*mcp.CallToolParamsFor[In]` → `CallToolParamsFor`).
fn type_name(ty: &str) -> &str {
    let b = base_type(ty);
    let b = b.split('[').next().unwrap_or(b);
    b.rsplit('.').next().unwrap_or(b)
}

/// `[In]` of a generic type.
fn generic_arg(ty: &str) -> Option<&str> {
    let open = ty.find('[')?;
    let close = ty.rfind(']')?;
    (close > open).then(|| ty[open + 1..close].trim())
}

/// A parameter type that is the MCP request of a handler.
pub(crate) fn request_type(ty: &str) -> bool {
    matches!(
        type_name(ty),
        "CallToolRequest"
            | "GetPromptRequest"
            | "ReadResourceRequest"
            | "CallToolParamsFor"
            | "CallToolParams"
            | "GetPromptParams"
            | "ReadResourceParams"
    )
}
