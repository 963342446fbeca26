//! A first pass over the whole file (one cursor walk, no recursion) that
//! collects what the lowering needs before it sees a use: imports, module
//! constants and allow-lists, classes (enums, pydantic models and their
//! fields), server variables, and which names are assigned how often.

use skillaudit_syntax::code::NodeKind;
use std::collections::{HashMap, HashSet};

use skillaudit_syntax::code::tree_sitter::Node;

use super::{count, field, nth};

use super::libraries::is_library;
use super::strings::string_value;
use super::types::{is_safe_type, Class, TypeEnv};
use crate::code::ir::Import;
use crate::code::lower::{span, text};
use crate::Span;

/// What a local name is bound to by an import.
#[derive(Clone, Debug)]
pub struct Binding {
    /// The dotted name it stands for (`subprocess`, `os.system`,
    /// `.utils.run_cmd`).
    pub path: String,
    /// A library (not a relative import, not the repository's own code as
    /// far as the file can tell).
    pub library: bool,
}

/// A literal string constant of the module.
#[derive(Clone, Debug)]
pub struct ConstStr {
    pub text: String,
    pub span: Span,
}

#[derive(Default)]
pub struct Facts {
    pub imports: Vec<Import>,
    pub bindings: HashMap<String, Binding>,
    /// Any `import mcp…`/`from fastmcp…`: decorators `@x.tool` are MCP.
    pub mcp_import: bool,
    /// Module-level names bound once to a string literal.
    pub consts: HashMap<String, ConstStr>,
    /// Module-level names bound once to a collection of literals.
    pub allow_lists: HashSet<String>,
    pub classes: HashMap<String, Class>,
    /// Names and `self.x` attributes bound to an MCP server object.
    pub servers: HashSet<String>,
    /// Names bound (somewhere) to a call of something that is not a server.
    pub not_servers: HashSet<String>,
    /// Names defined or bound at module level (shadow builtins).
    pub module_names: HashSet<String>,
    /// How often each name is a binding target anywhere in the file.
    pub assigned: HashMap<String, u32>,
    /// Names used as parameters anywhere in the file.
    pub params: HashSet<String>,
}

/// The nodes the first pass walks into: statements and their parts.
const STRUCTURE: &[&str] = &[
    "module",
    "block",
    "function_definition",
    "class_definition",
    "decorated_definition",
    "if_statement",
    "elif_clause",
    "else_clause",
    "for_statement",
    "while_statement",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "with_clause",
    "with_item",
    "as_pattern",
    "match_statement",
    "case_clause",
    "expression_statement",
    "ERROR",
];

/// Recursion bound of the helpers that look into nested syntax here.
const MAX_NESTING: usize = 64;

/// A callee that constructs an MCP server: `FastMCP(...)`,
/// `Server(...)`, `McpServer(...)`, `ErrorPreservingFastMCP(...)`,
/// `FastMCP.from_fastapi(...)`.
pub fn is_server_ctor(callee: &str) -> bool {
    let lower = callee.to_ascii_lowercase();
    let last = callee.rsplit('.').next().unwrap_or(callee);
    lower.contains("mcp") && !lower.contains("client")
        || last == "Server"
        || last.ends_with("Server")
}

impl Facts {
    pub fn collect(root: Node<'_>, src: &str) -> Facts {
        let mut f = Facts::default();
        let mut cursor = root.walk();
        let mut class_nodes = Vec::new();
        'walk: loop {
            let n = cursor.node();
            // Statements only: expressions are left to the lowering (the
            // bindings inside them — walrus, comprehension and lambda
            // variables — shadow constants there, see `Ctx::name`).
            let descend = STRUCTURE.contains(&n.kind_str());
            match n.kind_str() {
                "import_statement" | "import_from_statement" => f.import(n, src),
                "assignment" => f.assignment(n, src),
                "augmented_assignment" | "for_statement" => {
                    if let Some(l) = field(n, "left") {
                        f.count_targets(l, src);
                    }
                }
                "as_pattern_target" => f.count_targets(n, src),
                "global_statement" | "nonlocal_statement" => {
                    // `global X` in a function: X may be rebound from there.
                    f.count_targets(n, src);
                    f.count_targets(n, src);
                }
                "parameters" => f.parameters(n, src),
                "class_definition" => class_nodes.push(n),
                "function_definition" => {
                    if let Some(name) = field(n, "name") {
                        f.count(text(name, src));
                    }
                }
                _ => {}
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        f.module_level(root, src);
        f.classes(&class_nodes, src);
        f
    }

    fn count(&mut self, name: &str) {
        *self.assigned.entry(name.to_string()).or_default() += 1;
    }

    /// Count every identifier bound by a target (patterns, lists of names).
    fn count_targets(&mut self, n: Node<'_>, src: &str) {
        self.count_targets_at(n, src, 0);
    }

    fn count_targets_at(&mut self, n: Node<'_>, src: &str, depth: usize) {
        if depth > MAX_NESTING {
            return;
        }
        if n.kind_str() == "identifier" {
            self.count(text(n, src));
            return;
        }
        if matches!(n.kind_str(), "attribute" | "subscript") {
            return;
        }
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
        for k in kids {
            if matches!(
                k.kind_str(),
                "identifier"
                    | "pattern_list"
                    | "tuple_pattern"
                    | "list_pattern"
                    | "list_splat_pattern"
                    | "expression_list"
                    | "tuple"
                    | "list"
            ) {
                self.count_targets_at(k, src, depth + 1);
            }
        }
    }

    fn parameters(&mut self, n: Node<'_>, src: &str) {
        let mut c = n.walk();
        for p in n.named_children(&mut c) {
            let name = match p.kind_str() {
                "identifier" => Some(p),
                "default_parameter" | "typed_default_parameter" => field(p, "name"),
                "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                    first_identifier(p)
                }
                _ => None,
            };
            if let Some(name) = name {
                self.params.insert(text(name, src).to_string());
            }
            if let Some(ty) = field(p, "type") {
                if server_type(text(ty, src)) {
                    if let Some(name) = name {
                        self.servers.insert(text(name, src).to_string());
                    }
                }
            }
        }
    }

    fn assignment(&mut self, n: Node<'_>, src: &str) {
        let Some(left) = field(n, "left") else {
            return;
        };
        self.count_targets(left, src);
        let Some(right) = field(n, "right") else {
            return;
        };
        if right.kind_str() == "assignment" {
            // `a = b = value`: each target holds the value.
            self.assignment(right, src);
            if let Some(inner) = field(right, "right") {
                if left.kind_str() == "identifier" && inner.kind_str() == "call" {
                    self.not_servers.insert(text(left, src).to_string());
                }
            }
            return;
        }
        let right = unwrap_await(right);
        if right.kind_str() != "call" {
            return;
        }
        let Some(func) = field(right, "function") else {
            return;
        };
        let callee = text(func, src);
        let target = text(left, src).to_string();
        if !matches!(left.kind_str(), "identifier" | "attribute") {
            return;
        }
        if is_server_ctor(callee) {
            self.servers.insert(target);
        } else {
            self.not_servers.insert(target);
        }
    }

    fn import(&mut self, n: Node<'_>, src: &str) {
        let mut c = n.walk();
        if n.kind_str() == "import_statement" {
            for name in n.children_by_field_name("name", &mut c) {
                let (dotted, alias) = aliased(name, src);
                let module = dotted.to_string();
                // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
                let (local, path) = match alias {
                    Some(a) => (a.to_string(), module.clone()),
                    None => {
                        let top = module.split('.').next().unwrap_or("").to_string();
                        (top.clone(), top)
                    }
                };
                self.bind(local, module, None, path, span(name));
            }
            return;
        }
        let Some(module_node) = field(n, "module_name") else {
            return;
        };
        let module = text(module_node, src).replace(char::is_whitespace, "");
        let names: Vec<Node<'_>> = n.children_by_field_name("name", &mut c).collect();
        if names.is_empty() {
            // `from x import *`
            self.bind(
                "*".into(),
                module.clone(),
                Some("*".into()),
                module,
                span(n),
            );
            return;
        }
        for name in names {
            let (member, alias) = aliased(name, src);
            let local = alias.unwrap_or(member).to_string();
            let path = if module.ends_with('.') {
                format!("{module}{member}")
            } else {
                format!("{module}.{member}")
            };
            self.bind(
                local,
                module.clone(),
                Some(member.to_string()),
                path,
                span(name),
            );
        }
    }

    fn bind(
        &mut self,
        local: String,
        module: String,
        member: Option<String>,
        path: String,
        at: Span,
    ) {
        let top = module.split('.').next().unwrap_or("");
        if top == "mcp" || top == "fastmcp" {
            self.mcp_import = true;
        }
        let library = !module.starts_with('.') && is_library(&module);
        self.count(&local);
        self.bindings
            .insert(local.clone(), Binding { path, library });
        self.imports.push(Import {
            local,
            module,
            member,
            span: at,
        });
    }

    /// Module-level constants, allow-lists and names.
    fn module_level(&mut self, root: Node<'_>, src: &str) {
        let mut c = root.walk();
        let mut stmts: Vec<Node<'_>> = Vec::new();
        for s in root.named_children(&mut c) {
            stmts.push(s);
        }
        for s in stmts {
            match s.kind_str() {
                "function_definition" | "class_definition" => {
                    if let Some(name) = field(s, "name") {
                        self.module_names.insert(text(name, src).to_string());
                    }
                }
                "decorated_definition" => {
                    if let Some(name) = field(s, "definition").and_then(|d| field(d, "name")) {
                        self.module_names.insert(text(name, src).to_string());
                    }
                }
                "expression_statement" => {
                    let Some(a) = nth(s, 0).filter(|a| a.kind_str() == "assignment") else {
                        continue;
                    };
                    self.module_assignment(a, src);
                }
                _ => {}
            }
        }
    }

    fn module_assignment(&mut self, a: Node<'_>, src: &str) {
        let (Some(left), Some(right)) = (field(a, "left"), field(a, "right")) else {
            return;
        };
        if left.kind_str() != "identifier" {
            if let Some(l) = first_identifier(left) {
                self.module_names.insert(text(l, src).to_string());
            }
            return;
        }
        let name = text(left, src).to_string();
        self.module_names.insert(name.clone());
        let once =
            self.assigned.get(&name).copied().unwrap_or(0) <= 1 && !self.params.contains(&name);
        if !once {
            return;
        }
        if matches!(right.kind_str(), "identifier" | "attribute") {
            // `run = subprocess.run`: an alias of a library function.
            let dotted = text(right, src);
            let root = dotted.split('.').next().unwrap_or("");
            if let Some(b) = self.bindings.get(root).filter(|b| b.library).cloned() {
                let path = format!("{}{}", b.path, &dotted[root.len()..]);
                self.bindings.insert(
                    name,
                    Binding {
                        path,
                        library: true,
                    },
                );
            }
        } else if let Some(s) = literal_string(right, src) {
            self.consts.insert(
                name,
                ConstStr {
                    text: s,
                    span: span(right),
                },
            );
        } else if is_literal_collection(right, src) {
            self.allow_lists.insert(name);
        }
    }

    fn classes(&mut self, nodes: &[Node<'_>], src: &str) {
        // Bases and enum-ness first, so fields can use in-file enums.
        let mut parsed = Vec::new();
        for &n in nodes {
            let Some(name) = field(n, "name") else {
                continue;
            };
            let mut class = Class::default();
            if let Some(sup) = field(n, "superclasses") {
                let mut c = sup.walk();
                for b in sup.named_children(&mut c) {
                    if b.kind_str() != "keyword_argument" {
                        class.bases.push(text(b, src).to_string());
                    }
                }
            }
            class.is_enum = class.bases.iter().any(|b| {
                let last = b.rsplit('.').next().unwrap_or(b);
                matches!(last, "Enum" | "IntEnum" | "StrEnum" | "Flag" | "IntFlag")
            });
            parsed.push((text(name, src).to_string(), n, class));
        }
        for (name, _, class) in &parsed {
            self.classes.insert(name.clone(), class.clone());
        }
        // Models: BaseModel, TypedDict, or a subclass of an in-file model.
        for _ in 0..4 {
            for (name, _, class) in parsed.iter_mut() {
                if class.is_model {
                    continue;
                }
                class.is_model = class.bases.iter().any(|b| {
                    let last = b.rsplit('.').next().unwrap_or(b);
                    matches!(last, "BaseModel" | "TypedDict" | "BaseSettings")
                        || self.classes.get(last).is_some_and(|c| c.is_model)
                });
                if let Some(c) = self.classes.get_mut(name.as_str()) {
                    c.is_model = class.is_model;
                }
            }
        }
        for (name, node, mut class) in parsed {
            let env = TypeEnv {
                classes: &self.classes,
            };
            class_body(node, src, &env, &mut class);
            self.classes.insert(name, class);
        }
    }
}

fn class_body(node: Node<'_>, src: &str, env: &TypeEnv<'_>, class: &mut Class) {
    let Some(body) = field(node, "body") else {
        return;
    };
    let mut c = body.walk();
    for s in body.named_children(&mut c) {
        let Some(a) = nth(s, 0).filter(|a| a.kind_str() == "assignment") else {
            continue;
        };
        let Some(left) = field(a, "left").filter(|l| l.kind_str() == "identifier") else {
            continue;
        };
        let name = text(left, src).to_string();
        let right = field(a, "right");
        if let Some(ty) = field(a, "type") {
            class
                .fields
                .push((name.clone(), is_safe_type(ty, src, env)));
            if let Some(d) = ty_field_description(ty, src)
                .or_else(|| right.and_then(|r| field_call_description(r, src)))
            {
                class.field_docs.push((name.clone(), d.0, d.1));
            }
        }
        if let Some(s) = right.and_then(|r| literal_string(r, src)) {
            class.consts.insert(name, s);
        }
    }
}

/// `Annotated[T, Field(description="…")]` inside a type.
pub fn ty_field_description(ty: Node<'_>, src: &str) -> Option<(String, Span)> {
    let g = nth(ty, 0)?;
    if g.kind_str() != "generic_type" || text(nth(g, 0)?, src) != "Annotated" {
        return None;
    }
    let params = nth(g, 1)?;
    let mut c = params.walk();
    let kids: Vec<Node<'_>> = params.named_children(&mut c).skip(1).collect();
    kids.into_iter().find_map(|t| {
        let inner = nth(t, 0).unwrap_or(t);
        field_call_description(inner, src)
            .or_else(|| literal_string(inner, src).map(|s| (s, span(inner))))
    })
}

/// `Field(description="…")` / `Field(..., description="…")`.
pub fn field_call_description(n: Node<'_>, src: &str) -> Option<(String, Span)> {
    if n.kind_str() != "call" {
        return None;
    }
    let f = text(field(n, "function")?, src);
    if f.rsplit('.').next() != Some("Field") {
        return None;
    }
    let args = field(n, "arguments")?;
    let v = keyword_arg(args, "description", src)?;
    literal_string(v, src).map(|s| (s, span(v)))
}

/// A keyword argument's value in an `argument_list`.
pub fn keyword_arg<'t>(args: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    let mut c = args.walk();
    let found = args
        .named_children(&mut c)
        .filter(|k| k.kind_str() == "keyword_argument")
        .find(|k| field(*k, "name").is_some_and(|n| text(n, src) == name))
        .and_then(|k| field(k, "value"));
    found
}

/// The text of a literal string expression: a plain string, implicit
/// concatenation of plain strings, in parentheses. F-strings with holes are
/// not literal.
pub fn literal_string(n: Node<'_>, src: &str) -> Option<String> {
    // Parentheses around a literal, without recursion.
    let mut n = n;
    for _ in 0..MAX_NESTING {
        if n.kind_str() != "parenthesized_expression" {
            break;
        }
        n = nth(n, 0)?;
    }
    match n.kind_str() {
        "string" => string_value(n, src),
        "concatenated_string" => {
            let mut out = String::new();
            let mut c = n.walk();
            for s in n.named_children(&mut c) {
                out.push_str(&string_value(s, src)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// A list/tuple/set/dict of literals, or `frozenset(...)`/`set(...)` of one.
pub fn is_literal_collection(n: Node<'_>, src: &str) -> bool {
    collection_at(n, src, 0)
}

fn collection_at(n: Node<'_>, src: &str, depth: usize) -> bool {
    if depth > MAX_NESTING {
        return false;
    }
    let d = depth + 1;
    match n.kind_str() {
        "list" | "tuple" | "set" => {
            let mut c = n.walk();
            let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
            !kids.is_empty() && kids.iter().all(|k| is_literal(*k, src, d))
        }
        "dictionary" => {
            let mut c = n.walk();
            let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
            !kids.is_empty()
                && kids.iter().all(|p| {
                    p.kind_str() == "pair"
                        && field(*p, "key").is_some_and(|k| is_literal(k, src, d))
                })
        }
        "call" => {
            let f = field(n, "function").map(|f| text(f, src));
            let arg = field(n, "arguments").and_then(|a| nth(a, 0));
            matches!(f, Some("frozenset" | "set" | "tuple" | "list"))
                && field(n, "arguments").is_some_and(|a| count(a) == 1)
                && arg.is_some_and(|a| collection_at(a, src, d))
        }
        "parenthesized_expression" => nth(n, 0).is_some_and(|k| collection_at(k, src, d)),
        _ => false,
    }
}

fn is_literal(n: Node<'_>, src: &str, depth: usize) -> bool {
    match n.kind_str() {
        "integer" | "float" | "true" | "false" | "none" => true,
        "string" | "concatenated_string" => literal_string(n, src).is_some(),
        "unary_operator" => field(n, "argument").is_some_and(|a| is_literal(a, src, depth + 1)),
        "tuple" => collection_at(n, src, depth + 1),
        _ => false,
    }
}

fn aliased<'s>(n: Node<'_>, src: &'s str) -> (&'s str, Option<&'s str>) {
    if n.kind_str() == "aliased_import" {
        let name = field(n, "name").map(|x| text(x, src)).unwrap_or("");
        let alias = field(n, "alias").map(|x| text(x, src));
        (name, alias)
    } else {
        (text(n, src), None)
    }
}

fn first_identifier(n: Node<'_>) -> Option<Node<'_>> {
    let mut c = n.walk();
    let found = n
        .named_children(&mut c)
        .find(|k| k.kind_str() == "identifier");
    found
}

fn unwrap_await(n: Node<'_>) -> Node<'_> {
    if n.kind_str() == "await" {
        nth(n, 0).unwrap_or(n)
    } else {
        n
    }
}

/// A parameter annotation naming a server class (`mcp: FastMCP`).
fn server_type(ty: &str) -> bool {
    let t = ty.trim_matches(|c| c == '"' || c == '\'');
    let last = t.rsplit('.').next().unwrap_or(t);
    matches!(
        last,
        "FastMCP" | "Server" | "McpServer" | "MCPServer" | "FastMCPServer"
    ) || last.ends_with("FastMCP")
}
