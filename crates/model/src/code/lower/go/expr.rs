//! Go expressions.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::assign::ident;
use super::func::kind_of_type;
use super::{is_numeric_type, lit, Lower, VarKind};
use crate::code::ir::{BinOp, Entry, Expr, Lit, UnOp};
use crate::code::lower::span;

impl Lower<'_> {
    /// Lower an expression (bounded: past the depth limit, `Opaque`).
    pub fn expr(&mut self, node: Node<'_>) -> Expr {
        if !self.b.enter() {
            return self.too_deep(node);
        }
        let e = self.expr_inner(node);
        self.b.leave();
        e
    }

    fn expr_inner(&mut self, node: Node<'_>) -> Expr {
        let at = span(node);
        match node.kind_str() {
            "identifier" => {
                let name = self.text(node);
                // A package-level string constant is its value (a fixed
                // origin in `apiBase + "/users/" + id` stays visible).
                match self.consts.get(name) {
                    Some(v) if !self.is_local(name) => Expr::Lit(Lit::Str(v.clone()), at),
                    _ => Expr::Name(name.to_string(), at),
                }
            }
            "nil" => Expr::Lit(Lit::Null, at),
            "true" => Expr::Lit(Lit::Bool(true), at),
            "false" => Expr::Lit(Lit::Bool(false), at),
            "int_literal" | "float_literal" | "imaginary_literal" | "rune_literal" | "iota" => {
                Expr::Lit(Lit::Num, at)
            }
            "interpreted_string_literal" | "raw_string_literal" => {
                match lit::string_value(self.text(node)) {
                    Some(s) => Expr::Lit(Lit::Str(s), at),
                    None => Expr::Lit(Lit::Other, at),
                }
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.expr(inner),
                None => Expr::Lit(Lit::Other, at),
            },
            "binary_expression" => self.binary(node),
            "unary_expression" => self.unary(node),
            "call_expression" => self.call(node),
            "selector_expression" | "index_expression" | "slice_expression" => self.access(node),
            "type_conversion_expression" if self.generic_call(node) => {
                // `f[T](x)`: a call of a generic function.
                let callee = node
                    .child_by_field_name("type")
                    .and_then(|t| t.child_by_field_name("type"))
                    .map(|t| Expr::Name(self.text(t).to_string(), span(t)))
                    .unwrap_or(Expr::Lit(Lit::Other, at));
                let args = node
                    .child_by_field_name("operand")
                    .map(|o| {
                        vec![crate::code::ir::Arg {
                            name: None,
                            value: self.expr(o),
                            spread: false,
                        }]
                    })
                    .unwrap_or_default();
                super::call::call_expr(callee, args, at, None, crate::code::ir::Effect::Unknown)
            }
            "type_assertion_expression" | "type_conversion_expression" => {
                let Some(operand) = node.child_by_field_name("operand") else {
                    return self.opaque_children(node);
                };
                let ty = node
                    .child_by_field_name("type")
                    .map(|t| self.text(t))
                    .unwrap_or("");
                let inner = self.expr(operand);
                numeric_if(is_numeric_type(ty), inner, at)
            }
            "composite_literal" => self.composite(node),
            "literal_value" => self.literal_value(node, false),
            "func_literal" => self.func_literal(node, None),
            "type_instantiation_expression"
            | "generic_type"
            | "qualified_type"
            | "type_identifier" => Expr::Lit(Lit::Other, at),
            _ => self.opaque_children(node),
        }
    }

    /// `obj.field`, `obj[index]` (a constant key is a member), `obj[a:b]`.
    fn access(&mut self, node: Node<'_>) -> Expr {
        let at = span(node);
        match node.kind_str() {
            "selector_expression" => {
                let (Some(obj), Some(field)) = (
                    node.child_by_field_name("operand"),
                    node.child_by_field_name("field"),
                ) else {
                    return self.opaque_children(node);
                };
                Expr::Member {
                    obj: Box::new(self.expr(obj)),
                    prop: self.text(field).to_string(),
                    span: at,
                }
            }
            "index_expression" => {
                let (Some(obj), Some(index)) = (
                    node.child_by_field_name("operand"),
                    node.child_by_field_name("index"),
                ) else {
                    return self.opaque_children(node);
                };
                let obj = Box::new(self.expr(obj));
                match self.expr(index) {
                    Expr::Lit(Lit::Str(key), _) => Expr::Member {
                        obj,
                        prop: key,
                        span: at,
                    },
                    index => Expr::Index {
                        obj,
                        index: Box::new(index),
                        span: at,
                    },
                }
            }
            "slice_expression" => {
                let Some(obj) = node.child_by_field_name("operand") else {
                    return self.opaque_children(node);
                };
                let obj = Box::new(self.expr(obj));
                let mut bounds = Vec::new();
                for f in ["start", "end", "capacity"] {
                    if let Some(b) = node.child_by_field_name(f) {
                        bounds.push(self.expr(b));
                    }
                }
                Expr::Index {
                    obj,
                    index: Box::new(Expr::Opaque {
                        children: bounds,
                        span: at,
                    }),
                    span: at,
                }
            }
            _ => self.opaque_children(node),
        }
    }

    /// `f[T](x)` that is a call: the generic type is not a struct of this file.
    fn generic_call(&self, node: Node<'_>) -> bool {
        let Some(t) = node.child_by_field_name("type") else {
            return false;
        };
        t.kind_str() == "generic_type"
            && t.child_by_field_name("type").is_some_and(|b| {
                b.kind_str() == "type_identifier" && !self.structs.contains_key(self.text(b))
            })
    }

    /// `Opaque` over the named children that are expressions.
    pub fn opaque_children(&mut self, node: Node<'_>) -> Expr {
        let mut c = node.walk();
        let kids: Vec<Node<'_>> = node.named_children(&mut c).collect();
        let children = kids
            .into_iter()
            .filter(|k| k.kind_str() != "comment")
            .map(|k| self.expr(k))
            .collect();
        Expr::Opaque {
            children,
            span: span(node),
        }
    }

    fn binary(&mut self, node: Node<'_>) -> Expr {
        let at = span(node);
        let op = node
            .child_by_field_name("operator")
            .map(|o| self.text(o))
            .unwrap_or("");
        if op == "+" {
            return self.concat(node);
        }
        if op == "==" || op == "!=" {
            if let Some(g) = self.host_compare(node, op == "!=") {
                return g;
            }
        }
        let (Some(l), Some(r)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return self.opaque_children(node);
        };
        let bop = match op {
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "&&" => BinOp::And,
            "||" => BinOp::Or,
            _ => BinOp::Other,
        };
        let (left, right) = if matches!(bop, BinOp::And | BinOp::Or) {
            (self.cond(l), self.cond(r))
        } else {
            (self.expr(l), self.expr(r))
        };
        Expr::Binary {
            op: bop,
            left: Box::new(left),
            right: Box::new(right),
            span: at,
        }
    }

    /// `a + b + c`: flattened along the left spine (no recursion for long
    /// chains); string building when a piece is a string literal or there
    /// are more than two pieces.
    fn concat(&mut self, node: Node<'_>) -> Expr {
        let mut leaves = Vec::new();
        let mut at = node;
        loop {
            let is_plus = at.kind_str() == "binary_expression"
                && at.child_by_field_name("operator").map(|o| self.text(o)) == Some("+");
            if !is_plus {
                leaves.push(at);
                break;
            }
            match (
                at.child_by_field_name("left"),
                at.child_by_field_name("right"),
            ) {
                (Some(l), Some(r)) => {
                    leaves.push(r);
                    at = l;
                }
                _ => {
                    leaves.push(at);
                    break;
                }
            }
        }
        leaves.reverse();
        let stringy = leaves.iter().any(|n| {
            matches!(
                n.kind_str(),
                "interpreted_string_literal" | "raw_string_literal"
            )
        });
        let mut parts: Vec<Expr> = leaves.iter().map(|n| self.expr(*n)).collect();
        if stringy || parts.len() > 2 {
            return Expr::Template {
                parts,
                span: span(node),
            };
        }
        let right = parts.pop().unwrap_or(Expr::Lit(Lit::Other, span(node)));
        let left = parts.pop().unwrap_or(Expr::Lit(Lit::Other, span(node)));
        Expr::Binary {
            op: BinOp::Add,
            left: Box::new(left),
            right: Box::new(right),
            span: span(node),
        }
    }

    fn unary(&mut self, node: Node<'_>) -> Expr {
        let at = span(node);
        let Some(operand) = node.child_by_field_name("operand") else {
            return self.opaque_children(node);
        };
        let op = node
            .child_by_field_name("operator")
            .map(|o| self.text(o))
            .unwrap_or("");
        let (op, inner) = match op {
            "!" => (UnOp::Not, self.cond(operand)),
            "-" | "+" | "^" => (UnOp::Numeric, self.expr(operand)),
            _ => (UnOp::Other, self.expr(operand)),
        };
        Expr::Unary {
            op,
            expr: Box::new(inner),
            span: at,
        }
    }

    /// A condition: like an expression, plus the comma-ok and map
    /// allow-list forms that only mean something as a truth value
    /// (`if !ok`, `if !allowed[x]`).
    pub fn cond(&mut self, node: Node<'_>) -> Expr {
        if !self.b.enter() {
            return self.too_deep(node);
        }
        let e = match node.kind_str() {
            "identifier" => self
                .ok_guard(node)
                .unwrap_or_else(|| Expr::Name(self.text(node).to_string(), span(node))),
            "index_expression" => match self.map_guard(node) {
                Some(g) => g,
                None => self.expr(node),
            },
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.cond(inner),
                None => self.expr(node),
            },
            _ => self.expr(node),
        };
        self.b.leave();
        e
    }

    /// Struct, map, slice and array literals.
    fn composite(&mut self, node: Node<'_>) -> Expr {
        let ty = node.child_by_field_name("type");
        let Some(body) = node.child_by_field_name("body") else {
            return Expr::Lit(Lit::Other, span(node));
        };
        let ty_kind = ty.map(|t| t.kind_str()).unwrap_or("");
        let ty_text = ty.map(|t| self.text(t)).unwrap_or("");
        self.composite_descriptions(ty_text, body);
        let is_map = ty_kind == "map_type";
        let is_list = matches!(
            ty_kind,
            "slice_type" | "array_type" | "implicit_length_array_type"
        );
        let value = if is_list {
            self.literal_items(body, span(node))
        } else {
            self.literal_entries(body, is_map, span(node))
        };
        self.server_tool_literal(ty_text, body, &value, span(node));
        value
    }

    /// A nested literal without a type (`{Name: "x"}` in a slice of structs).
    fn literal_value(&mut self, node: Node<'_>, is_map: bool) -> Expr {
        let keyed = {
            let mut c = node.walk();
            let found = node
                .named_children(&mut c)
                .any(|n| n.kind_str() == "keyed_element");
            found
        };
        if keyed {
            self.literal_entries(node, is_map, span(node))
        } else {
            self.literal_items(node, span(node))
        }
    }

    fn element(&mut self, node: Node<'_>) -> Expr {
        // `literal_element` wraps an expression or a nested literal_value.
        match node.named_child(0) {
            Some(inner) if node.kind_str() == "literal_element" => self.expr(inner),
            _ => self.expr(node),
        }
    }

    fn literal_items(&mut self, body: Node<'_>, at: crate::Span) -> Expr {
        let mut c = body.walk();
        let kids: Vec<Node<'_>> = body.named_children(&mut c).collect();
        let mut items = Vec::new();
        for k in kids {
            match k.kind_str() {
                "literal_element" => items.push(self.element(k)),
                "keyed_element" => {
                    if let Some(v) = k.child_by_field_name("value") {
                        items.push(self.element(v));
                    }
                }
                "comment" => {}
                _ => items.push(self.expr(k)),
            }
        }
        Expr::Array { items, span: at }
    }

    fn literal_entries(&mut self, body: Node<'_>, is_map: bool, at: crate::Span) -> Expr {
        let mut c = body.walk();
        let kids: Vec<Node<'_>> = body.named_children(&mut c).collect();
        let mut entries = Vec::new();
        for k in kids {
            match k.kind_str() {
                "keyed_element" => {
                    let (Some(key), Some(value)) =
                        (k.child_by_field_name("key"), k.child_by_field_name("value"))
                    else {
                        continue;
                    };
                    let v = self.element(value);
                    let key_inner = key.named_child(0).unwrap_or(key);
                    let field = match key_inner.kind_str() {
                        "identifier" | "field_identifier" if !is_map => {
                            Some(self.text(key_inner).to_string())
                        }
                        "interpreted_string_literal" | "raw_string_literal" => {
                            lit::string_value(self.text(key_inner))
                        }
                        _ => None,
                    };
                    match field {
                        Some(f) => entries.push(Entry::Field(f, v, span(k))),
                        None => {
                            let key = self.element(key);
                            entries.push(Entry::Computed(key, v));
                        }
                    }
                }
                "literal_element" => {
                    let v = self.element(k);
                    entries.push(Entry::Spread(v));
                }
                _ => {}
            }
        }
        Expr::Object { entries, span: at }
    }

    /// Whether ranging over `node` binds keys that may be model text: the
    /// tool's arguments map, a map variable or literal.
    pub fn is_map_like(&self, node: Node<'_>) -> bool {
        let mut node = node;
        for _ in 0..16 {
            if node.kind_str() != "parenthesized_expression" {
                break;
            }
            match node.named_child(0) {
                Some(inner) => node = inner,
                None => return false,
            }
        }
        match node.kind_str() {
            "identifier" => matches!(
                self.kind(self.text(node)),
                Some(VarKind::Map | VarKind::AllowList)
            ),
            "selector_expression" => node
                .child_by_field_name("field")
                .is_some_and(|f| self.text(f) == "Arguments"),
            "call_expression" => node
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("field"))
                .is_some_and(|f| matches!(self.text(f), "GetArguments" | "GetRawArguments")),
            "composite_literal" => node
                .child_by_field_name("type")
                .is_some_and(|t| t.kind_str() == "map_type"),
            _ => false,
        }
    }

    /// What a value assigned to a variable tells about the variable.
    pub fn kind_of_value(&self, node: Node<'_>, value: &Expr) -> Option<VarKind> {
        match value {
            Expr::Template { parts, .. } => {
                return Some(if parts.last().is_some_and(is_separator) {
                    VarKind::SepTerminated
                } else {
                    VarKind::Concat
                })
            }
            Expr::Binary {
                op: BinOp::Add,
                right,
                ..
            } => {
                return Some(if is_separator(right) {
                    VarKind::SepTerminated
                } else {
                    VarKind::Concat
                })
            }
            _ => {}
        }
        if let Some(info) = self.tool_info(node) {
            return Some(VarKind::Tool(info));
        }
        if self.is_map_like(node) {
            return Some(VarKind::Map);
        }
        let mut n = node;
        if n.kind_str() == "unary_expression" {
            n = n.child_by_field_name("operand")?;
        }
        match n.kind_str() {
            "composite_literal" => {
                let ty = n.child_by_field_name("type")?;
                if let Some(k) = kind_of_type(self.text(ty)) {
                    if !matches!(k, VarKind::Map) {
                        return Some(k);
                    }
                }
                let body = n.child_by_field_name("body")?;
                let constant = self.all_constant(body, ty.kind_str() == "map_type");
                match (ty.kind_str(), constant) {
                    (
                        "map_type" | "slice_type" | "array_type" | "implicit_length_array_type",
                        true,
                    ) => Some(VarKind::AllowList),
                    ("map_type", false) => Some(VarKind::Map),
                    _ => None,
                }
            }
            "call_expression" => self.kind_of_call(n),
            "selector_expression" => {
                (self.text(n) == "http.DefaultClient").then_some(VarKind::HttpClient)
            }
            _ => None,
        }
    }

    fn kind_of_call(&self, n: Node<'_>) -> Option<VarKind> {
        let f = n.child_by_field_name("function")?;
        if f.kind_str() == "identifier" {
            // make(map[…]…), new(strings.Builder)
            let arg = n.child_by_field_name("arguments")?.named_child(0)?;
            return match self.text(f) {
                "make" if arg.kind_str() == "map_type" => Some(VarKind::Map),
                "new" => kind_of_type(self.text(arg)).filter(|k| !matches!(k, VarKind::Map)),
                _ => None,
            };
        }
        if f.kind_str() != "selector_expression" {
            return None;
        }
        let field = self.text(f.child_by_field_name("field")?);
        let operand = f.child_by_field_name("operand")?;
        let pkg = ident(operand, self.src).and_then(|p| self.import_path(p));
        let pkg = pkg.map(lit::default_import_name);
        match (pkg.as_deref(), field) {
            (Some("bytes"), "NewBuffer" | "NewBufferString") => Some(VarKind::Builder),
            (Some("sql" | "sqlx" | "gorm"), "Open" | "Connect" | "MustConnect" | "MustOpen") => {
                Some(VarKind::Sql)
            }
            (Some("pgx" | "pgxpool"), "Connect" | "New" | "NewWithConfig" | "ConnectConfig") => {
                Some(VarKind::Sql)
            }
            (None, "Begin" | "BeginTx" | "Beginx" | "MustBegin") => Some(VarKind::Sql),
            (None, "NewSession") => Some(VarKind::SshSession),
            (Some("filepath" | "path"), "Join" | "Clean" | "Abs" | "EvalSymlinks")
            | (Some("securejoin"), "SecureJoin" | "SecureJoinVFS") => Some(VarKind::Resolved),
            (Some("regexp"), "MustCompile" | "Compile" | "MustCompilePOSIX")
            | (Some("lazyregexp"), "New") => {
                let pattern = self.str_value(*self.arg_nodes(n).first()?)?;
                let k = super::regex::kinds(&pattern);
                (k != crate::code::ir::Kinds::NONE).then_some(VarKind::Regex(k))
            }
            _ => None,
        }
    }

    /// Kinds from a multi-value assignment's right side, for its first target.
    pub fn kind_of_multi(&self, r: Node<'_>) -> Option<VarKind> {
        let call = r;
        if call.kind_str() != "call_expression" {
            return None;
        }
        let f = call.child_by_field_name("function")?;
        if f.kind_str() != "selector_expression" {
            return None;
        }
        let field = self.text(f.child_by_field_name("field")?);
        let operand = f.child_by_field_name("operand")?;
        let path = ident(operand, self.src).and_then(|p| self.import_path(p));
        let args = call.child_by_field_name("arguments")?;
        let mut c = args.walk();
        let arg_nodes: Vec<Node<'_>> = args.named_children(&mut c).collect();
        match (path, field) {
            (Some("net/url"), "Parse" | "ParseRequestURI") => {
                let raw = arg_nodes.first()?;
                Some(VarKind::Url(vec![self.subject_of(*raw)?]))
            }
            (Some("path/filepath" | "path"), "Rel") => {
                let p = arg_nodes.get(1)?;
                Some(VarKind::Rel(vec![self.subject_of(*p)?]))
            }
            _ => self.kind_of_call(call),
        }
    }

    /// A plain expression for a guard's subject (names and member chains;
    /// no effects to re-evaluate).
    pub fn subject_of(&self, node: Node<'_>) -> Option<Expr> {
        let mut chain = Vec::new();
        let mut n = node;
        for _ in 0..16 {
            match n.kind_str() {
                "identifier" => {
                    let mut e = Expr::Name(self.text(n).to_string(), span(n));
                    for (prop, at) in chain.into_iter().rev() {
                        e = Expr::Member {
                            obj: Box::new(e),
                            prop,
                            span: at,
                        };
                    }
                    return Some(e);
                }
                "selector_expression" => {
                    let field = n.child_by_field_name("field")?;
                    chain.push((self.text(field).to_string(), span(n)));
                    n = n.child_by_field_name("operand")?;
                }
                "parenthesized_expression" => n = n.named_child(0)?,
                "type_assertion_expression" | "type_conversion_expression" => {
                    n = n.child_by_field_name("operand")?
                }
                _ => return None,
            }
        }
        None
    }

    /// Whether a literal's keys (maps) or items (slices) are all constants.
    fn all_constant(&self, body: Node<'_>, is_map: bool) -> bool {
        let mut c = body.walk();
        let mut any = false;
        for k in body.named_children(&mut c) {
            let probe = match (k.kind_str(), is_map) {
                ("keyed_element", true) => k.child_by_field_name("key"),
                ("literal_element", false) => Some(k),
                ("comment", _) => continue,
                _ => return false,
            };
            let Some(p) = probe else { return false };
            let inner = p.named_child(0).unwrap_or(p);
            let constant = match inner.kind_str() {
                "interpreted_string_literal" | "raw_string_literal" | "int_literal" => true,
                "identifier" => self.const_str(self.text(inner)).is_some(),
                _ => false,
            };
            if !constant {
                return false;
            }
            any = true;
        }
        any
    }
}

/// `x` as a number when the type it is converted/asserted to is numeric.
fn numeric_if(numeric: bool, inner: Expr, at: crate::Span) -> Expr {
    if numeric {
        Expr::Unary {
            op: UnOp::Numeric,
            expr: Box::new(inner),
            span: at,
        }
    } else {
        inner
    }
}

/// A path separator piece: `"/"`, a literal ending in `/`,
/// `os.PathSeparator`, `filepath.Separator` (through `string(…)`).
pub(crate) fn is_separator(e: &Expr) -> bool {
    match e {
        Expr::Lit(Lit::Str(s), _) => s.ends_with('/') || s.ends_with('\\'),
        Expr::Member { obj, prop, .. } => {
            matches!(prop.as_str(), "PathSeparator" | "Separator")
                && matches!(&**obj, Expr::Name(n, _) if n == "os" || n == "filepath")
        }
        Expr::Template { parts, .. } => parts.last().is_some_and(is_separator),
        _ => false,
    }
}
