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

use super::stmt::ident;
use super::{base_type, is_numeric_type, Lower, Reg, RegFunc, Style, ToolInfo, ToolRef, VarKind};
use super::{GO_SDK, MCP_GO};
use crate::code::ir::{
    Arg, Description, DescriptionOf, Entry, Expr, FuncId, Handler, HandlerFunc, HandlerKind,
    SourceParam, SourceRole,
};
use crate::code::lower::span;
use crate::Span;

/// Options of `mcp.NewTool` (and prompts) that declare a parameter.
const PARAM_OPTIONS: &[&str] = &[
    "WithString",
    "WithNumber",
    "WithInteger",
    "WithBoolean",
    "WithArray",
    "WithObject",
    "WithAny",
    "WithArgument",
    "Property",
];

impl Lower<'_> {
    /// Which MCP library an import alias names: `Some(true)` for mcp-go,
    /// `Some(false)` for the go-sdk.
    fn mcp_alias(&self, alias: &str) -> Option<bool> {
        let path = self.import_path(alias)?;
        if path.starts_with(MCP_GO) {
            Some(true)
        } else if path.starts_with(GO_SDK) {
            Some(false)
        } else {
            None
        }
    }

    fn imports_mcp(&self) -> (bool, bool) {
        let go = self.imports.values().any(|p| p.starts_with(MCP_GO));
        let sdk = self.imports.values().any(|p| p.starts_with(GO_SDK));
        (go, sdk)
    }

    fn describe(&mut self, text: String, at: Span, of: DescriptionOf, owner: Option<String>) {
        self.b.file.descriptions.push(desc_of(text, at, of, owner));
    }

    /// A literal text: a string literal, literals joined with `+`, or a
    /// string constant.
    pub fn lit_text(&self, node: Node<'_>) -> Option<(String, Span)> {
        match node.kind() {
            "interpreted_string_literal" | "raw_string_literal" => {
                super::lit::string_value(self.text(node)).map(|s| (s, span(node)))
            }
            "identifier" => self.const_str(self.text(node)).map(|s| (s, span(node))),
            "parenthesized_expression" => self.lit_text(node.named_child(0)?),
            "literal_element" => self.lit_text(node.named_child(0)?),
            "binary_expression" => {
                let mut pieces = Vec::new();
                let mut at = node;
                for _ in 0..4096 {
                    if at.kind() != "binary_expression" {
                        pieces.push(self.lit_text(at)?.0);
                        break;
                    }
                    let op = at.child_by_field_name("operator").map(|o| self.text(o));
                    if op != Some("+") {
                        return None;
                    }
                    let r = at.child_by_field_name("right")?;
                    if r.kind() == "binary_expression" {
                        return None;
                    }
                    pieces.push(self.lit_text(r)?.0);
                    at = at.child_by_field_name("left")?;
                }
                pieces.reverse();
                Some((pieces.concat(), span(node)))
            }
            _ => None,
        }
    }

    /// Calls of the MCP packages that define tools, prompts, resources or
    /// server instructions: their descriptions are recorded.
    pub fn constructor(&mut self, path: &str, func: &str, node: Node<'_>, nodes: &[Node<'_>]) {
        if !(path.starts_with(MCP_GO) || path.starts_with(GO_SDK)) {
            return;
        }
        if func == "WithInstructions" {
            if let Some((t, at)) = nodes.first().and_then(|n| self.lit_text(*n)) {
                self.describe(t, at, DescriptionOf::Server, None);
            }
            return;
        }
        let mut found = Vec::new();
        self.tool_info_into(node, Some(&mut found));
        self.b.file.descriptions.extend(found);
    }

    /// What a tool (prompt, resource template) definition says; with
    /// `record`, its descriptions are recorded (constructor calls only:
    /// composite literals record theirs when lowered).
    pub fn tool_info(&self, node: Node<'_>) -> Option<ToolInfo> {
        self.tool_info_into(node, None)
    }

    fn tool_info_into(
        &self,
        node: Node<'_>,
        rec: Option<&mut Vec<Description>>,
    ) -> Option<ToolInfo> {
        let mut n = node;
        for _ in 0..4 {
            match n.kind() {
                "parenthesized_expression" => n = n.named_child(0)?,
                "unary_expression" => n = n.child_by_field_name("operand")?,
                _ => break,
            }
        }
        match n.kind() {
            "identifier" => match self.kind(self.text(n)) {
                Some(VarKind::Tool(info)) => Some(info.clone()),
                _ => None,
            },
            "composite_literal" => self.literal_tool(n),
            "call_expression" => self.constructed_tool(n, rec),
            _ => None,
        }
    }

    fn constructed_tool(
        &self,
        n: Node<'_>,
        mut rec: Option<&mut Vec<Description>>,
    ) -> Option<ToolInfo> {
        let f = n.child_by_field_name("function")?;
        if f.kind() == "identifier" {
            return self.tool_funcs.get(self.text(f)).cloned();
        }
        if f.kind() != "selector_expression" {
            return None;
        }
        let alias = ident(f.child_by_field_name("operand")?, self.src)?;
        let mcp_go = self.mcp_alias(alias)?;
        let func = self.text(f.child_by_field_name("field")?);
        let nodes = self.arg_nodes(n);
        let (of, name_at, opts_from) = match (mcp_go, func) {
            (true, "NewTool") => (DescriptionOf::Tool, 0, 1),
            (true, "NewPrompt") => (DescriptionOf::Prompt, 0, 1),
            (true, "NewResource" | "NewResourceTemplate") => (DescriptionOf::Resource, 0, 2),
            (false, "NewServerTool") => {
                let name = nodes.first().and_then(|x| self.lit_text(*x)).map(|x| x.0);
                let desc = nodes.get(1).and_then(|x| self.lit_text(*x));
                if let Some(out) = rec.as_deref_mut() {
                    if let Some((t, at)) = desc.clone() {
                        out.push(desc_of(t, at, DescriptionOf::Tool, name.clone()));
                    }
                    for opt in nodes.iter().skip(3) {
                        self.option(*opt, &name, 0, out);
                    }
                }
                return Some(ToolInfo {
                    name,
                    description: desc.map(|d| d.0),
                    input: None,
                });
            }
            _ => return None,
        };
        let name = nodes
            .get(name_at)
            .and_then(|x| self.lit_text(*x))
            .map(|x| x.0);
        let mut info = ToolInfo {
            name: name.clone(),
            ..ToolInfo::default()
        };
        for opt in nodes.iter().skip(opts_from) {
            if let Some((t, at)) = self.main_description(*opt) {
                info.description.get_or_insert_with(|| t.clone());
                if let Some(out) = rec.as_deref_mut() {
                    out.push(desc_of(t, at, of, name.clone()));
                }
            } else if let Some(t) = self.input_schema(*opt) {
                info.input = Some(t);
            } else if let Some(out) = rec.as_deref_mut() {
                self.option(*opt, &name, 0, out);
            }
        }
        Some(info)
    }

    /// `mcp.WithDescription("…")` and its prompt/resource variants.
    fn main_description(&self, opt: Node<'_>) -> Option<(String, Span)> {
        let f = opt.child_by_field_name("function")?;
        let field = self.text(f.child_by_field_name("field")?);
        if !matches!(
            field,
            "WithDescription"
                | "WithPromptDescription"
                | "WithResourceDescription"
                | "WithTemplateDescription"
        ) {
            return None;
        }
        self.lit_text(*self.arg_nodes(opt).first()?)
    }

    /// `mcp.WithInputSchema[T]()`: the typed input struct.
    fn input_schema(&self, opt: Node<'_>) -> Option<String> {
        let f = opt.child_by_field_name("function")?;
        if f.kind() != "index_expression" {
            return None;
        }
        let sel = f.child_by_field_name("operand")?;
        let field = self.text(sel.child_by_field_name("field")?);
        (field == "WithInputSchema")
            .then(|| {
                f.child_by_field_name("index")
                    .map(|i| self.text(i).to_string())
            })
            .flatten()
    }

    /// A parameter option (`mcp.WithString("x", mcp.Description("…"))`):
    /// its descriptions, recorded as the parameter's.
    fn option(&self, opt: Node<'_>, owner: &Option<String>, depth: u8, out: &mut Vec<Description>) {
        if depth > 3 || opt.kind() != "call_expression" {
            return;
        }
        let Some(field) = opt
            .child_by_field_name("function")
            .and_then(|f| f.child_by_field_name("field"))
        else {
            return;
        };
        let field = self.text(field);
        let nodes = self.arg_nodes(opt);
        match field {
            "Description" | "ArgumentDescription" => {
                if let Some((t, at)) = nodes.first().and_then(|n| self.lit_text(*n)) {
                    out.push(desc_of(t, at, DescriptionOf::Parameter, owner.clone()));
                }
            }
            f if PARAM_OPTIONS.contains(&f) || f == "Input" || f == "Items" => {
                for inner in nodes {
                    self.option(inner, owner, depth + 1, out);
                }
            }
            _ => {}
        }
    }

    /// `&mcp.Tool{Name: "x", Description: "…"}` (go-sdk and mcp-go).
    fn literal_tool(&self, n: Node<'_>) -> Option<ToolInfo> {
        let ty = n.child_by_field_name("type")?;
        let (alias, name) = qualified(ty, self.src)?;
        self.mcp_alias(alias)?;
        let body = n.child_by_field_name("body")?;
        let name_field = match name {
            "Tool" | "Prompt" | "Resource" => "Name",
            "ResourceTemplate" => "URITemplate",
            _ => return None,
        };
        Some(ToolInfo {
            name: self.field_text(body, name_field).map(|x| x.0),
            description: self.field_text(body, "Description").map(|x| x.0),
            input: None,
        })
    }

    /// The literal text of a field of a keyed literal.
    fn field_text(&self, body: Node<'_>, key: &str) -> Option<(String, Span)> {
        self.field_node(body, key).and_then(|v| self.lit_text(v))
    }

    fn field_node<'n>(&self, body: Node<'n>, key: &str) -> Option<Node<'n>> {
        let mut c = body.walk();
        let found = body.named_children(&mut c).find_map(|k| {
            if k.kind() != "keyed_element" {
                return None;
            }
            let kn = k.child_by_field_name("key")?;
            let kn = kn.named_child(0).unwrap_or(kn);
            (self.text(kn) == key)
                .then(|| k.child_by_field_name("value"))
                .flatten()
        });
        found.map(|v| v.named_child(0).unwrap_or(v))
    }

    /// Descriptions in the MCP packages' struct literals (go-sdk `mcp.Tool`,
    /// `mcp.Prompt` with its arguments, `mcp.Resource`,
    /// `mcp.ResourceTemplate`, `mcp.ServerOptions{Instructions}`) and in
    /// `jsonschema.Schema` literals.
    pub fn composite_descriptions(&mut self, ty: &str, body: Node<'_>) {
        let Some((alias, name)) = ty.trim_start_matches('*').split_once('.') else {
            return;
        };
        if self
            .import_path(alias)
            .is_some_and(|p| p.contains("jsonschema"))
            && name == "Schema"
        {
            self.schema_descriptions(body, 0);
            return;
        }
        if self.mcp_alias(alias).is_none() {
            return;
        }
        let owner_key = if name == "ResourceTemplate" {
            "URITemplate"
        } else {
            "Name"
        };
        let owner = self.field_text(body, owner_key).map(|x| x.0);
        let of = match name {
            "Tool" => DescriptionOf::Tool,
            "Prompt" => DescriptionOf::Prompt,
            "Resource" | "ResourceTemplate" => DescriptionOf::Resource,
            "PromptArgument" => DescriptionOf::Parameter,
            "ServerOptions" => {
                if let Some((t, at)) = self.field_text(body, "Instructions") {
                    self.describe(t, at, DescriptionOf::Server, None);
                }
                return;
            }
            _ => return,
        };
        if let Some((t, at)) = self.field_text(body, "Description") {
            self.describe(t, at, of, owner.clone());
        }
        if name == "Prompt" {
            // Arguments: []*mcp.PromptArgument{{Name: "x", Description: "…"}}
            if let Some(list) = self.field_node(body, "Arguments") {
                let list = list.child_by_field_name("body").unwrap_or(list);
                let mut c = list.walk();
                let items: Vec<Node<'_>> = list.named_children(&mut c).collect();
                for item in items {
                    let inner = item.named_child(0).unwrap_or(item);
                    if inner.kind() == "literal_value" {
                        if let Some((t, at)) = self.field_text(inner, "Description") {
                            self.describe(t, at, DescriptionOf::Parameter, owner.clone());
                        }
                    }
                }
            }
        }
    }

    /// A JSON schema literal: its description, and its properties'.
    /// (The tool it belongs to is not known here: no owner.)
    fn schema_descriptions(&mut self, body: Node<'_>, depth: u8) {
        if depth > 4 {
            return;
        }
        if let Some((t, at)) = self.field_text(body, "Description") {
            self.describe(t, at, DescriptionOf::Parameter, None);
        }
        let Some(props) = self.field_node(body, "Properties") else {
            return;
        };
        let Some(props) = props.child_by_field_name("body") else {
            return;
        };
        let mut c = props.walk();
        let entries: Vec<Node<'_>> = props.named_children(&mut c).collect();
        for e in entries {
            if e.kind() != "keyed_element" {
                continue;
            }
            if let Some(v) = e.child_by_field_name("value") {
                let v = v.named_child(0).unwrap_or(v);
                if v.kind() == "literal_value" {
                    self.schema_descriptions(v, depth + 1);
                }
            }
        }
    }

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
        if node.kind() == "call_expression" {
            if let Some(f) = node.child_by_field_name("function") {
                if f.kind() == "identifier" && self.top_funcs.contains(self.text(f)) {
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
        match node.kind() {
            "identifier" => Some(RegFunc::Named {
                callee: value.clone(),
                method: false,
            }),
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

    /// `s.AddTool(tool, handler)`, `s.AddPrompt(…)`, `s.AddResourceTemplate(…)`.
    pub fn method_registration(
        &mut self,
        node: Node<'_>,
        method: &str,
        nodes: &[Node<'_>],
        args: &[Arg],
    ) {
        let kind = match method {
            "AddTool" => HandlerKind::Tool,
            "AddPrompt" => HandlerKind::Prompt,
            "AddResourceTemplate" => HandlerKind::Resource,
            _ => return,
        };
        if nodes.len() != 2 {
            return;
        }
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
        if node.kind() != "call_expression" {
            return None;
        }
        let f = node.child_by_field_name("function")?;
        let f = if f.kind() == "index_expression" {
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
        let n = if node.kind() == "unary_expression" {
            node.child_by_field_name("operand")
        } else {
            Some(node)
        };
        n.filter(|n| n.kind() == "composite_literal")
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

fn desc_of(text: String, at: Span, of: DescriptionOf, owner: Option<String>) -> Description {
    Description {
        text,
        span: at,
        of,
        owner,
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

/// `pkg.Name` of a qualified type node.
fn qualified<'s>(ty: Node<'_>, src: &'s str) -> Option<(&'s str, &'s str)> {
    let text = src.get(ty.start_byte()..ty.end_byte())?;
    let t = text.trim_start_matches('*');
    let t = t.split('[').next().unwrap_or(t);
    t.split_once('.')
}
