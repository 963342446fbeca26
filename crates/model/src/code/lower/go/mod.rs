//! The Go frontend: lowering a tree-sitter-go tree to the code IR, MCP
//! handler discovery (mcp-go and the official go-sdk), and the catalogue of
//! sinks, sanitizers, propagators and guards.
//!
//! - [`stmt`] statements, [`expr`] expressions, [`call`] calls (builtins,
//!   conversions, out-parameters, terminators);
//! - [`catalog`] what a call does (`os/exec.Command`, `os.ReadFile`,
//!   `http.Get`, `db.Query`, `strconv.Atoi`, `request.GetString`, …),
//!   [`process`] how a process is started (`sh -c`, `python -c`, argv);
//! - [`guards`] containment checks, allow-lists, host allow-lists;
//! - [`handlers`] registrations and the texts the model reads;
//! - [`lit`] string literals, format strings, struct tags.
//!
//! Conventions the engine relies on:
//! - A method's receiver is its first parameter (`Func::class` is the
//!   receiver type). A handler given as a method value (`h.handlePing`)
//!   counts its source parameters with the receiver.
//! - `a, b := f()` is `Pattern::Seq`; `return a, b` returns `Expr::Array`.
//! - Out-parameters are assignments: `json.Unmarshal(data, &v)`,
//!   `request.BindArguments(&v)`, `dec.Decode(&v)` assign `v` from the
//!   data; `sb.WriteString(x)` / `fmt.Fprintf(&sb, …)` on a strings.Builder
//!   or bytes.Buffer append to it (a statement before the call).
//! - `x.(float64)`, `int(x)` and other numeric conversions are
//!   `Unary(Numeric)`: a value of a numeric type never carries text.

mod assign;
mod call;
mod catalog;
mod describe;
mod expr;
mod func;
mod guards;
mod handlers;
pub mod lit;
mod process;
mod regex;
mod stmt;

use skillaudit_syntax::code::NodeKind;
use std::collections::{HashMap, HashSet};

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::Parsed;

use super::{span, text, Builder};
use crate::code::ir::{CodeFile, Expr, FuncId, HandlerKind, Kinds, Stmt};
use crate::Span;

/// Lower a parsed Go file.
pub fn lower(parsed: &Parsed, src: &str) -> CodeFile {
    let root = parsed.tree.root_node();
    let mut l = Lower::new(root, src);
    l.prepass(root);
    let body = l.top_level(root);
    if let Some(top) = l.b.file.funcs.get_mut(0) {
        top.body = body;
    }
    l.finish_handlers();
    l.b.finish()
}

/// The import path of mcp-go's `mcp` package (and its `server` sibling).
const MCP_GO: &str = "github.com/mark3labs/mcp-go";
/// The official Go SDK.
const GO_SDK: &str = "github.com/modelcontextprotocol/go-sdk";

/// A struct field declared in this file.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub name: String,
    pub ty: String,
    pub tag: Option<(String, Span)>,
}

/// What a tool (prompt, resource template) definition says.
#[derive(Clone, Debug, Default)]
pub(crate) struct ToolInfo {
    pub name: Option<String>,
    pub description: Option<String>,
    /// The typed input struct (`mcp.WithInputSchema[T]()`).
    pub input: Option<String>,
}

/// What is known about a local variable, for the catalogue and guards.
#[derive(Clone, Debug)]
pub(crate) enum VarKind {
    /// A `*sql.DB`/`*sql.Tx`/sqlx/pgx/gorm handle.
    Sql,
    /// An `*http.Client`.
    HttpClient,
    /// A `strings.Builder`/`bytes.Buffer`.
    Builder,
    /// An `*ssh.Session` (golang.org/x/crypto/ssh): `Run(cmd)` runs `cmd`
    /// with the remote user's shell.
    SshSession,
    /// A map (ranging over it binds its keys, which may be model text).
    Map,
    /// A map or slice literal of constants (an allow-list).
    AllowList,
    /// Holds a tool definition.
    Tool(ToolInfo),
    /// `u, err := url.Parse(raw)`: the values a host check on `u` makes safe.
    Url(Vec<Expr>),
    /// `rel, err := filepath.Rel(root, p)`: what a check of `rel` makes safe.
    Rel(Vec<Expr>),
    /// `_, ok := m[x]`: what `ok` being true makes safe (the key), and for
    /// which kinds (a host allow-list only protects URLs).
    MapOk(Vec<Expr>, Kinds),
    /// A path built by plain concatenation (a prefix check on it is not a
    /// containment check: `..` was never resolved).
    Concat,
    /// A path with its `..` resolved: from `filepath.Join`/`Clean`/`Abs`/
    /// `EvalSymlinks` (a prefix check on it is a containment check).
    Resolved,
    /// A string ending with a path separator (`root + string(os.PathSeparator)`).
    SepTerminated,
    /// A compiled anchored pattern; a match makes the value safe for these.
    Regex(Kinds),
}

/// The names of one function being lowered.
#[derive(Default)]
pub(crate) struct Scope {
    pub locals: HashSet<String>,
    /// Names holding string literals: the values assigned to them, `None`
    /// once anything else is.
    pub strs: HashMap<String, Option<Vec<String>>>,
    pub kinds: HashMap<String, VarKind>,
    /// The function's name, for tools returned by it.
    pub func_name: Option<String>,
}

/// A registration waiting for the whole file (to find named handlers).
pub(crate) struct Reg {
    pub kind: HandlerKind,
    pub span: Span,
    pub tool: ToolRef,
    pub func: RegFunc,
    pub style: Style,
}

/// How a registration names its tool.
pub(crate) enum ToolRef {
    Known(ToolInfo),
    /// Returned by a function of this file.
    Func(String),
}

/// The handler of a registration.
pub(crate) enum RegFunc {
    Local(FuncId),
    /// By reference; `method` when it is a method value (`h.handle`), whose
    /// receiver is parameter 0.
    Named {
        callee: Expr,
        method: bool,
    },
}

/// The handler signature a registration implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// mcp-go: `func(ctx, request mcp.CallToolRequest)`.
    McpGo,
    /// mcp-go `mcp.NewTypedToolHandler(func(ctx, req, args T))`.
    McpGoTyped,
    /// go-sdk `mcp.AddTool`: `func(ctx, req *mcp.CallToolRequest, in In)`.
    SdkTyped,
    /// go-sdk `server.AddTool`/`AddPrompt`/`AddResourceTemplate`: `func(ctx, req)`.
    SdkRaw,
    /// go-sdk before v0.3: `func(ctx, ss *mcp.ServerSession, params *mcp.CallToolParamsFor[In])`.
    SdkSession,
}

impl Style {
    pub fn framework(self) -> &'static str {
        match self {
            Style::McpGo | Style::McpGoTyped => "mcp-go",
            _ => "go-sdk",
        }
    }
}

pub(crate) struct Lower<'t> {
    pub b: Builder,
    pub src: &'t str,
    /// Import local name → import path.
    pub imports: HashMap<String, String>,
    /// Paths imported with `import . "path"`.
    pub dot_imports: Vec<String>,
    /// Top-level string constants.
    pub consts: HashMap<String, String>,
    pub structs: HashMap<String, Vec<Field>>,
    /// Struct fields of this file declared as database handles, HTTP
    /// clients or builders, by field name.
    pub field_kinds: HashMap<String, VarKind>,
    /// Names of top-level functions (not methods) of this file.
    pub top_funcs: HashSet<String>,
    /// Scopes of the functions being lowered, innermost last; `[0]` is
    /// the file's top level.
    pub scopes: Vec<Scope>,
    pub cur: FuncId,
    /// Statements produced while lowering an expression (out-parameters),
    /// emitted before the statement that holds it.
    pub pending: Vec<Stmt>,
    pub regs: Vec<Reg>,
    /// Function literals given directly to a registration.
    pub registered: HashSet<u32>,
    /// Function literals, with the tool definition written next to them
    /// (`return mcp.NewTool(…), func(…) {…}`).
    pub literals: Vec<(FuncId, Option<ToolInfo>)>,
    /// The tool definition of the return statement being lowered.
    pub pairing: Option<ToolInfo>,
    /// Functions of this file that return a tool definition.
    pub tool_funcs: HashMap<String, ToolInfo>,
    /// Declared parameter types of each function, by function id.
    pub param_types: Vec<Vec<String>>,
}

impl<'t> Lower<'t> {
    fn new(root: Node<'_>, src: &'t str) -> Lower<'t> {
        Lower {
            b: Builder::new(root),
            src,
            imports: HashMap::new(),
            dot_imports: Vec::new(),
            consts: HashMap::new(),
            structs: HashMap::new(),
            field_kinds: HashMap::new(),
            top_funcs: HashSet::new(),
            scopes: vec![Scope::default()],
            cur: FuncId::TOP,
            pending: Vec::new(),
            regs: Vec::new(),
            registered: HashSet::new(),
            literals: Vec::new(),
            pairing: None,
            tool_funcs: HashMap::new(),
            param_types: vec![Vec::new()],
        }
    }

    pub fn text(&self, node: Node<'_>) -> &'t str {
        text(node, self.src)
    }

    /// The import path a package name refers to here, unless a local
    /// variable shadows it.
    pub fn import_path(&self, name: &str) -> Option<&str> {
        if self.is_local(name) {
            return None;
        }
        self.imports.get(name).map(String::as_str)
    }

    /// `name` is a variable or parameter of a function being lowered.
    pub fn is_local(&self, name: &str) -> bool {
        self.scopes[1..].iter().any(|s| s.locals.contains(name))
    }

    pub fn declare(&mut self, name: &str) {
        if name == "_" {
            return;
        }
        let nested = self.scopes.len() > 1;
        if let Some(s) = self.scopes.last_mut() {
            if nested {
                s.locals.insert(name.to_string());
            }
            s.kinds.remove(name);
        }
    }

    /// What is known about a variable, innermost scope first.
    pub fn kind(&self, name: &str) -> Option<&VarKind> {
        self.scopes.iter().rev().find_map(|s| s.kinds.get(name))
    }

    pub fn set_kind(&mut self, name: &str, kind: Option<VarKind>) {
        if name == "_" {
            return;
        }
        if let Some(s) = self.scopes.last_mut() {
            match kind {
                Some(k) => {
                    s.kinds.insert(name.to_string(), k);
                }
                None => {
                    s.kinds.remove(name);
                }
            }
        }
    }

    /// The constant string a name holds, if known (one possible value).
    pub fn const_str(&self, name: &str) -> Option<String> {
        match self.const_strs(name)?.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// The literal values a name may hold (`shell := "sh"; if windows {
    /// shell = "cmd" }`), if it only ever holds literals.
    pub fn const_strs(&self, name: &str) -> Option<Vec<String>> {
        for s in self.scopes.iter().rev() {
            if let Some(v) = s.strs.get(name) {
                return v.clone();
            }
            if s.locals.contains(name) {
                return None;
            }
        }
        self.consts.get(name).map(|v| vec![v.clone()])
    }

    /// Record an assignment of `value` (a literal, or `None`) to `name`.
    pub fn set_str(&mut self, name: &str, value: Option<String>) {
        if name == "_" {
            return;
        }
        let Some(s) = self.scopes.last_mut() else {
            return;
        };
        let next = match (s.strs.remove(name), value) {
            (None, v) => v.map(|v| vec![v]),
            (Some(Some(mut vs)), Some(v)) if vs.len() < 4 => {
                if !vs.contains(&v) {
                    vs.push(v);
                }
                Some(vs)
            }
            _ => None,
        };
        s.strs.insert(name.to_string(), next);
    }

    /// The top-level declarations other declarations refer to: imports,
    /// string constants, struct types, function names.
    fn prepass(&mut self, root: Node<'_>) {
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            match child.kind_str() {
                "package_clause" => {
                    let mut c = child.walk();
                    let name = child
                        .named_children(&mut c)
                        .find(|n| n.kind_str() == "package_identifier")
                        .map(|n| self.text(n).to_string());
                    self.b.file.package = name;
                }
                "import_declaration" => self.imports_of(child),
                "const_declaration" => self.consts_of(child),
                "type_declaration" => self.types_of(child),
                "var_declaration" => self.top_vars(child),
                "function_declaration" => {
                    if let Some(n) = child.child_by_field_name("name") {
                        let name = self.text(n).to_string();
                        self.top_funcs.insert(name);
                    }
                }
                _ => {}
            }
        }
    }

    fn imports_of(&mut self, decl: Node<'_>) {
        let mut specs = Vec::new();
        let mut cursor = decl.walk();
        for c in decl.named_children(&mut cursor) {
            match c.kind_str() {
                "import_spec" => specs.push(c),
                "import_spec_list" => {
                    let mut c2 = c.walk();
                    specs.extend(
                        c.named_children(&mut c2)
                            .filter(|n| n.kind_str() == "import_spec"),
                    );
                }
                _ => {}
            }
        }
        for spec in specs {
            let Some(path_node) = spec.child_by_field_name("path") else {
                continue;
            };
            let Some(path) = lit::string_value(self.text(path_node)) else {
                continue;
            };
            let local = match spec.child_by_field_name("name") {
                Some(n) => self.text(n).to_string(),
                None => lit::default_import_name(&path),
            };
            match local.as_str() {
                "_" => {}
                "." => self.dot_imports.push(path.clone()),
                _ => {
                    self.imports.insert(local.clone(), path.clone());
                }
            }
            self.b.file.imports.push(crate::code::ir::Import {
                local,
                module: path,
                member: None,
                span: span(spec),
            });
        }
    }

    fn consts_of(&mut self, decl: Node<'_>) {
        let mut cursor = decl.walk();
        for spec in decl.named_children(&mut cursor) {
            if spec.kind_str() != "const_spec" {
                continue;
            }
            let mut names = Vec::new();
            let mut c = spec.walk();
            for n in spec.children_by_field_name("name", &mut c) {
                if n.kind_str() == "identifier" {
                    names.push(self.text(n).to_string());
                }
            }
            let Some(values) = spec.child_by_field_name("value") else {
                continue;
            };
            let mut c = values.walk();
            for (name, v) in names.into_iter().zip(values.named_children(&mut c)) {
                if let Some(s) = lit::string_value(self.text(v)) {
                    self.consts.insert(name, s);
                }
            }
        }
    }

    fn types_of(&mut self, decl: Node<'_>) {
        let mut cursor = decl.walk();
        for spec in decl.named_children(&mut cursor) {
            if spec.kind_str() != "type_spec" {
                continue;
            }
            let (Some(name), Some(ty)) = (
                spec.child_by_field_name("name"),
                spec.child_by_field_name("type"),
            ) else {
                continue;
            };
            if ty.kind_str() != "struct_type" {
                continue;
            }
            let fields = self.struct_fields(ty);
            for f in &fields {
                if let Some(k) = func::kind_of_type(&f.ty) {
                    if !matches!(k, VarKind::Map) {
                        self.field_kinds.insert(f.name.clone(), k);
                    }
                }
            }
            self.structs.insert(self.text(name).to_string(), fields);
        }
    }

    /// Package variables' kinds, known before any function uses them
    /// (`var allowed = map[string]bool{…}` may come after its users).
    fn top_vars(&mut self, decl: Node<'_>) {
        let mut specs = Vec::new();
        let mut cursor = decl.walk();
        for c in decl.named_children(&mut cursor) {
            match c.kind_str() {
                "var_spec" => specs.push(c),
                "var_spec_list" => {
                    let mut c2 = c.walk();
                    specs.extend(
                        c.named_children(&mut c2)
                            .filter(|n| n.kind_str() == "var_spec"),
                    );
                }
                _ => {}
            }
        }
        for spec in specs {
            let mut c = spec.walk();
            let names: Vec<String> = spec
                .children_by_field_name("name", &mut c)
                .map(|n| self.text(n).to_string())
                .collect();
            let ty = spec.child_by_field_name("type");
            let values: Vec<Node<'_>> = match spec.child_by_field_name("value") {
                Some(v) => {
                    let mut c = v.walk();
                    v.named_children(&mut c).collect()
                }
                None => Vec::new(),
            };
            for (i, name) in names.iter().enumerate() {
                let kind = match values.get(i) {
                    Some(v) if matches!(v.kind_str(), "composite_literal" | "call_expression") => {
                        let placeholder = Expr::Lit(crate::code::ir::Lit::Other, span(*v));
                        self.kind_of_value(*v, &placeholder)
                    }
                    _ => ty.and_then(|t| func::kind_of_type(self.text(t))),
                };
                if let Some(k) = kind {
                    self.scopes[0].kinds.insert(name.clone(), k);
                }
            }
        }
    }

    fn struct_fields(&self, ty: Node<'_>) -> Vec<Field> {
        let mut out = Vec::new();
        let mut c = ty.walk();
        let Some(list) = ty
            .named_children(&mut c)
            .find(|n| n.kind_str() == "field_declaration_list")
        else {
            return out;
        };
        let mut c = list.walk();
        for decl in list.named_children(&mut c) {
            if decl.kind_str() != "field_declaration" {
                continue;
            }
            let ty = decl
                .child_by_field_name("type")
                .map(|t| self.text(t).to_string())
                .unwrap_or_default();
            let tag = decl
                .child_by_field_name("tag")
                .and_then(|t| lit::string_value(self.text(t)).map(|s| (s, span(t))));
            let mut c2 = decl.walk();
            for n in decl.children_by_field_name("name", &mut c2) {
                out.push(Field {
                    name: self.text(n).to_string(),
                    ty: ty.clone(),
                    tag: tag.clone(),
                });
            }
        }
        out
    }

    /// Enter a function: a new scope.
    pub fn push_scope(&mut self, name: Option<String>) {
        self.scopes.push(Scope {
            func_name: name,
            ..Scope::default()
        });
    }

    pub fn pop_scope(&mut self) {
        if self.scopes.len() > 1 {
            self.scopes.pop();
        }
    }

    /// The name of the innermost named function being lowered.
    pub fn func_name(&self) -> Option<&str> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.func_name.as_deref())
    }

    /// A node too deep to lower.
    pub fn too_deep(&mut self, node: Node<'_>) -> Expr {
        self.b.opaque_below(node, self.src, |k| k == "identifier")
    }
}

/// A type's text without pointers, parentheses and spaces.
pub(crate) fn base_type(ty: &str) -> &str {
    ty.trim()
        .trim_start_matches(['*', '(', ' '])
        .trim_end_matches(')')
}

/// Basic types whose values never carry text.
pub(crate) fn is_numeric_type(ty: &str) -> bool {
    let t = base_type(ty);
    if let Some(elem) = t.strip_prefix("[]") {
        // `[]byte` and `[]rune` are text.
        let elem = base_type(elem);
        return !matches!(elem, "byte" | "rune" | "uint8" | "int32") && is_numeric_type(elem);
    }
    matches!(
        t,
        "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "uintptr"
            | "float32"
            | "float64"
            | "complex64"
            | "complex128"
            | "bool"
            | "byte"
            | "rune"
            | "time.Duration"
            | "time.Time"
    )
}
