//! The texts the model reads: tool, parameter, prompt, resource and
//! server descriptions in mcp-go option calls (`mcp.WithDescription`,
//! `mcp.Description`, `mcp.WithPromptDescription`, `mcp.ArgumentDescription`,
//! `mcp.WithResourceDescription`, `mcp.WithTemplateDescription`,
//! `server.WithInstructions`), go-sdk struct literals (`mcp.Tool`,
//! `mcp.Prompt`, `mcp.PromptArgument`, `mcp.Resource`, `mcp.ResourceTemplate`,
//! `mcp.ServerOptions{Instructions}`), `jsonschema.Schema` literals, and what
//! a tool definition names (`ToolInfo`).

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::assign::ident;
use super::{Lower, ToolInfo, VarKind};
use super::{GO_SDK, MCP_GO};
use crate::code::ir::{Description, DescriptionOf};
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
    pub fn mcp_alias(&self, alias: &str) -> Option<bool> {
        let path = self.import_path(alias)?;
        if path.starts_with(MCP_GO) {
            Some(true)
        } else if path.starts_with(GO_SDK) {
            Some(false)
        } else {
            None
        }
    }

    pub fn imports_mcp(&self) -> (bool, bool) {
        let go = self.imports.values().any(|p| p.starts_with(MCP_GO));
        let sdk = self.imports.values().any(|p| p.starts_with(GO_SDK));
        (go, sdk)
    }

    pub fn describe(&mut self, text: String, at: Span, of: DescriptionOf, owner: Option<String>) {
        self.b.file.descriptions.push(desc_of(text, at, of, owner));
    }

    /// A literal text: a string literal, literals joined with `+`, or a
    /// string constant.
    pub fn lit_text(&self, node: Node<'_>) -> Option<(String, Span)> {
        self.lit_text_at(node, 0)
    }

    fn lit_text_at(&self, node: Node<'_>, depth: u8) -> Option<(String, Span)> {
        if depth > 16 {
            return None;
        }
        match node.kind_str() {
            "interpreted_string_literal" | "raw_string_literal" => {
                super::lit::string_value(self.text(node)).map(|s| (s, span(node)))
            }
            "identifier" => self.const_str(self.text(node)).map(|s| (s, span(node))),
            "parenthesized_expression" | "literal_element" => {
                self.lit_text_at(node.named_child(0)?, depth + 1)
            }
            "binary_expression" => {
                let mut pieces = Vec::new();
                let mut at = node;
                for _ in 0..4096 {
                    if at.kind_str() != "binary_expression" {
                        pieces.push(self.lit_text_at(at, depth + 1)?.0);
                        break;
                    }
                    let op = at.child_by_field_name("operator").map(|o| self.text(o));
                    if op != Some("+") {
                        return None;
                    }
                    let r = at.child_by_field_name("right")?;
                    pieces.push(self.lit_text_at(r, depth + 1)?.0);
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
            match n.kind_str() {
                "parenthesized_expression" => n = n.named_child(0)?,
                "unary_expression" => n = n.child_by_field_name("operand")?,
                _ => break,
            }
        }
        match n.kind_str() {
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
        if f.kind_str() == "identifier" {
            return self.tool_funcs.get(self.text(f)).cloned();
        }
        if f.kind_str() != "selector_expression" {
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
        if f.kind_str() != "index_expression" {
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
        if depth > 3 || opt.kind_str() != "call_expression" {
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

    pub fn field_node<'n>(&self, body: Node<'n>, key: &str) -> Option<Node<'n>> {
        let mut c = body.walk();
        let found = body.named_children(&mut c).find_map(|k| {
            if k.kind_str() != "keyed_element" {
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
                    if inner.kind_str() == "literal_value" {
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
            if e.kind_str() != "keyed_element" {
                continue;
            }
            if let Some(v) = e.child_by_field_name("value") {
                let v = v.named_child(0).unwrap_or(v);
                if v.kind_str() == "literal_value" {
                    self.schema_descriptions(v, depth + 1);
                }
            }
        }
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

/// `pkg.Name` of a qualified type node.
pub(crate) fn qualified<'s>(ty: Node<'_>, src: &'s str) -> Option<(&'s str, &'s str)> {
    let text = src.get(ty.start_byte()..ty.end_byte())?;
    let t = text.trim_start_matches('*');
    let t = t.split('[').next().unwrap_or(t);
    t.split_once('.')
}
