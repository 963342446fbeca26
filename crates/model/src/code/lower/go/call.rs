//! Go calls: builtins and conversions, library calls resolved through the
//! imports, method calls, out-parameters and terminators.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::assign::ident;
use super::{is_numeric_type, Lower, VarKind};
use crate::code::ir::{Arg, ArgRef, Call, Effect, Expr, Lit, Pattern, Stmt, UnOp};
use crate::code::lower::span;

/// Node kinds that are types written as call arguments (`make(map[…]…)`).
const TYPE_KINDS: &[&str] = &[
    "map_type",
    "slice_type",
    "array_type",
    "pointer_type",
    "channel_type",
    "function_type",
    "interface_type",
    "struct_type",
    "qualified_type",
    "type_identifier",
    "generic_type",
    "implicit_length_array_type",
];

/// Methods that end the program or the goroutine (loggers' `Fatal`,
/// `Panic`; testing's `FailNow`).
const TERMINATING_METHODS: &[&str] = &[
    "Fatal", "Fatalf", "Fatalln", "Fatalw", "Panic", "Panicf", "Panicln", "Panicw", "FailNow",
    "SkipNow", "Skip", "Skipf", "Goexit",
];

impl Lower<'_> {
    /// The argument nodes of a call, without comments.
    pub fn arg_nodes<'n>(&self, call: Node<'n>) -> Vec<Node<'n>> {
        let Some(list) = call.child_by_field_name("arguments") else {
            return Vec::new();
        };
        let mut c = list.walk();
        list.named_children(&mut c)
            .filter(|n| n.kind_str() != "comment")
            .collect()
    }

    fn args(&mut self, nodes: &[Node<'_>]) -> Vec<Arg> {
        nodes
            .iter()
            .map(|n| {
                let (value, spread) = match n.kind_str() {
                    "variadic_argument" => match n.named_child(0) {
                        Some(inner) => (self.expr(inner), true),
                        None => (Expr::Lit(Lit::Other, span(*n)), true),
                    },
                    k if TYPE_KINDS.contains(&k) => (Expr::Lit(Lit::Other, span(*n)), false),
                    _ => (self.expr(*n), false),
                };
                Arg {
                    name: None,
                    value,
                    spread,
                }
            })
            .collect()
    }

    pub fn call(&mut self, node: Node<'_>) -> Expr {
        let at = span(node);
        let Some(f) = node.child_by_field_name("function") else {
            return self.opaque_children(node);
        };
        let arg_nodes = self.arg_nodes(node);
        if f.kind_str() == "identifier" {
            let name = self.text(f);
            if !self.is_local(name) && !self.top_funcs.contains(name) {
                if let Some(e) = self.builtin(name, node, &arg_nodes) {
                    return e;
                }
                // `import . "os/exec"`: `Command(…)` is `exec.Command`.
                if let [path] = self.dot_imports.as_slice() {
                    let path = path.clone();
                    let name = name.to_string();
                    return self.library_call(node, None, &path, &name, &arg_nodes);
                }
            }
        }
        if f.kind_str() == "selector_expression" {
            let (Some(operand), Some(field)) = (
                f.child_by_field_name("operand"),
                f.child_by_field_name("field"),
            ) else {
                return self.opaque_children(node);
            };
            let method = self.text(field).to_string();
            let pkg = ident(operand, self.src).and_then(|p| {
                self.import_path(p)
                    .map(|path| (p.to_string(), path.to_string()))
            });
            if let Some((alias, path)) = pkg {
                return self.library_call(node, Some(&alias), &path, &method, &arg_nodes);
            }
            return self.method_call(node, operand, &method, &arg_nodes);
        }
        // `f[T](x, y)`: the generic function `f`.
        let callee = match f.kind_str() {
            "index_expression" => match f.child_by_field_name("operand") {
                Some(o) if o.kind_str() == "identifier" => {
                    Expr::Name(self.text(o).to_string(), span(o))
                }
                _ => self.expr(f),
            },
            _ => self.expr(f),
        };
        let args = self.args(&arg_nodes);
        call_expr(callee, args, at, None, Effect::Unknown)
    }

    /// `len(x)`, `append(xs, x)`, `string(x)`, `int(x)`, …
    fn builtin(&mut self, name: &str, node: Node<'_>, arg_nodes: &[Node<'_>]) -> Option<Expr> {
        let at = span(node);
        if arg_nodes.len() == 1 && (name == "string" || is_numeric_type(name)) {
            let inner = self.expr(arg_nodes[0]);
            if name == "string" {
                return Some(inner);
            }
            return Some(Expr::Unary {
                op: UnOp::Numeric,
                expr: Box::new(inner),
                span: at,
            });
        }
        let effect = match name {
            "len" | "cap" | "make" | "new" | "min" | "max" | "real" | "imag" | "complex" => {
                Effect::Clean
            }
            "append" => Effect::Propagate {
                from: vec![ArgRef::From(0)],
                keeps_whole: false,
            },
            _ => return None,
        };
        let callee = Expr::Name(
            name.to_string(),
            span(node.child_by_field_name("function")?),
        );
        let args = self.args(arg_nodes);
        Some(call_expr(callee, args, at, None, effect))
    }

    /// `pkg.Func(…)` where `pkg` is an import.
    fn library_call(
        &mut self,
        node: Node<'_>,
        alias: Option<&str>,
        path: &str,
        func: &str,
        arg_nodes: &[Node<'_>],
    ) -> Expr {
        let at = span(node);
        let f = node.child_by_field_name("function");
        let fspan = f.map(span).unwrap_or(at);
        let callee = match alias {
            Some(alias) => {
                let alias_span = f
                    .and_then(|f| f.child_by_field_name("operand"))
                    .map(span)
                    .unwrap_or(at);
                Expr::Member {
                    obj: Box::new(Expr::Name(alias.to_string(), alias_span)),
                    prop: func.to_string(),
                    span: fspan,
                }
            }
            None => Expr::Name(func.to_string(), fspan),
        };
        self.constructor(path, func, node, arg_nodes);
        let args = self.args(arg_nodes);
        let qualified = Some(format!("{path}.{func}"));
        if let Some(t) = self.template_call(path, func, &args, arg_nodes, at) {
            return t;
        }
        if let Some(e) = mcp_parse(path, func, &args, at) {
            return e;
        }
        self.library_registration(path, func, node, arg_nodes, &args);
        self.out_params(path, func, arg_nodes, &args);
        let effect = self.library_effect(path, func, arg_nodes, &args);
        let call = call_expr(callee, args, at, qualified, effect);
        self.library_guard(path, func, arg_nodes, call)
    }

    /// `recv.Method(…)`.
    fn method_call(
        &mut self,
        node: Node<'_>,
        operand: Node<'_>,
        method: &str,
        arg_nodes: &[Node<'_>],
    ) -> Expr {
        let at = span(node);
        let f = node.child_by_field_name("function");
        let recv = self.expr(operand);
        let callee = Expr::Member {
            obj: Box::new(recv.clone()),
            prop: method.to_string(),
            span: f.map(span).unwrap_or(at),
        };
        let args = self.args(arg_nodes);
        self.method_registration(node, method, arg_nodes, &args);
        self.method_out_params(operand, &recv, method, arg_nodes, &args, at);
        let effect = self.method_effect(operand, method, arg_nodes, &args);
        let call = call_expr(callee, args, at, None, effect);
        self.regex_guard(operand, method, arg_nodes, call)
    }

    /// `json.Unmarshal(data, &v)`, `mapstructure.Decode(in, &v)`, builders
    /// written by `fmt.Fprintf`/`io.WriteString`: the assignment they make.
    fn out_params(&mut self, path: &str, func: &str, nodes: &[Node<'_>], args: &[Arg]) {
        let pkg = super::lit::default_import_name(path);
        let pkg = pkg.as_str();
        let decode = matches!(
            (pkg, func),
            (
                "json" | "yaml" | "toml" | "xml" | "jsoniter" | "sonic",
                "Unmarshal"
            ) | ("mapstructure", "Decode" | "WeakDecode")
        );
        if decode && nodes.len() >= 2 {
            if let Some(target) = self.out_target(nodes[1]) {
                let value = propagate_call(path, func, args, vec![ArgRef::Arg(0)], nodes[0]);
                self.pending.push(assign(target, value, span(nodes[1])));
            }
            return;
        }
        let writes = matches!(
            (path, func),
            ("fmt", "Fprintf" | "Fprint" | "Fprintln") | ("io", "WriteString")
        );
        if !writes || nodes.len() < 2 {
            return;
        }
        let Some(name) = self.builder_name(nodes[0]) else {
            return;
        };
        let at = span(nodes[0]);
        let mut parts = vec![Expr::Name(name.clone(), at)];
        let pieces: Vec<Arg> = args[1..].to_vec();
        match self.template_call("fmt", &func.replacen('F', "S", 1), &pieces, &nodes[1..], at) {
            Some(Expr::Template { parts: p, .. }) => parts.extend(p),
            Some(other) => parts.push(other),
            None => parts.extend(pieces.into_iter().map(|a| a.value)),
        }
        self.pending.push(assign(
            Pattern::Name(name, at),
            Expr::Template { parts, span: at },
            at,
        ));
    }

    /// `dec.Decode(&v)`, `request.BindArguments(&v)`, `sb.WriteString(x)`.
    fn method_out_params(
        &mut self,
        operand: Node<'_>,
        recv: &Expr,
        method: &str,
        nodes: &[Node<'_>],
        args: &[Arg],
        at: crate::Span,
    ) {
        match method {
            "Decode" | "BindArguments" if nodes.len() == 1 => {
                let is_ref = nodes[0].kind_str() == "unary_expression";
                if let (true, Some(target)) = (is_ref, self.out_target(nodes[0])) {
                    let value = Expr::Call(Box::new(Call {
                        callee: Expr::Member {
                            obj: Box::new(recv.clone()),
                            prop: method.to_string(),
                            span: at,
                        },
                        args: Vec::new(),
                        span: at,
                        new: false,
                        qualified: None,
                        effect: Effect::Propagate {
                            from: vec![ArgRef::Receiver],
                            keeps_whole: true,
                        },
                    }));
                    self.pending.push(assign(target, value, at));
                }
            }
            "WriteString" | "WriteByte" | "WriteRune" | "Write" if nodes.len() == 1 => {
                let Some(name) = self.builder_name(operand) else {
                    return;
                };
                let rs = span(operand);
                let value = Expr::Template {
                    parts: vec![Expr::Name(name.clone(), rs), args[0].value.clone()],
                    span: at,
                };
                self.pending
                    .push(assign(Pattern::Name(name, rs), value, at));
            }
            _ => {}
        }
    }

    /// The variable a `&v` argument writes.
    fn out_target(&mut self, node: Node<'_>) -> Option<Pattern> {
        let inner = if node.kind_str() == "unary_expression" {
            node.child_by_field_name("operand")?
        } else {
            node
        };
        match inner.kind_str() {
            "identifier" => {
                ident(inner, self.src).map(|n| Pattern::Name(n.to_string(), span(inner)))
            }
            "selector_expression" | "index_expression" => {
                let e = self.expr(inner);
                Some(Pattern::Target(Box::new(e)))
            }
            _ => None,
        }
    }

    /// The strings.Builder/bytes.Buffer variable a node names (`sb`, `&sb`).
    fn builder_name(&self, node: Node<'_>) -> Option<String> {
        let inner = if node.kind_str() == "unary_expression" {
            node.child_by_field_name("operand")?
        } else {
            node
        };
        let name = ident(inner, self.src)?;
        let lower = name.to_ascii_lowercase();
        let by_name = lower == "sb" || lower.contains("builder") || lower.starts_with("buf");
        let known = matches!(self.kind(name), Some(VarKind::Builder));
        (known || (by_name && self.is_local(name))).then(|| name.to_string())
    }

    /// Whether an expression statement ends control flow: `panic(…)`,
    /// `os.Exit(…)`, `log.Fatal…(…)`, a logger's `Fatal`/`Panic`.
    pub fn is_terminator(&self, call: Node<'_>) -> bool {
        let Some(f) = call.child_by_field_name("function") else {
            return false;
        };
        match f.kind_str() {
            "identifier" => {
                let name = self.text(f);
                name == "panic" && !self.is_local(name) && !self.top_funcs.contains(name)
            }
            "selector_expression" => {
                let Some(field) = f.child_by_field_name("field") else {
                    return false;
                };
                let method = self.text(field);
                let pkg = f
                    .child_by_field_name("operand")
                    .and_then(|o| ident(o, self.src))
                    .and_then(|p| self.import_path(p));
                match (pkg, method) {
                    (Some("os" | "syscall"), "Exit") => true,
                    (Some("runtime"), "Goexit") => true,
                    _ => TERMINATING_METHODS.contains(&method),
                }
            }
            _ => false,
        }
    }
}

/// mcp-go's `mcp.ParseString(request, "key", "")`, `mcp.ParseInt(…)`: an
/// argument read on the request (written as one: `request.ParseString("key", "")`).
fn mcp_parse(path: &str, func: &str, args: &[Arg], at: crate::Span) -> Option<Expr> {
    if path != "github.com/mark3labs/mcp-go/mcp" || args.len() < 2 {
        return None;
    }
    let effect = match func {
        "ParseString" | "ParseArgument" | "ParseStringMap" => Effect::Argument {
            name: ArgRef::Arg(0),
        },
        f if f.starts_with("ParseInt")
            || f.starts_with("ParseUInt")
            || f.starts_with("ParseFloat")
            || f == "ParseBoolean" =>
        {
            Effect::Clean
        }
        _ => return None,
    };
    let callee = Expr::Member {
        obj: Box::new(args[0].value.clone()),
        prop: func.to_string(),
        span: at,
    };
    Some(call_expr(
        callee,
        args[1..].to_vec(),
        at,
        Some(format!("{path}.{func}")),
        effect,
    ))
}

pub(crate) fn call_expr(
    callee: Expr,
    args: Vec<Arg>,
    at: crate::Span,
    qualified: Option<String>,
    effect: Effect,
) -> Expr {
    Expr::Call(Box::new(Call {
        callee,
        args,
        span: at,
        new: false,
        qualified,
        effect,
    }))
}

fn assign(target: Pattern, value: Expr, at: crate::Span) -> Stmt {
    Stmt::Assign {
        target,
        value,
        span: at,
    }
}

/// The call that decodes data into an out-parameter, as the value assigned.
fn propagate_call(path: &str, func: &str, args: &[Arg], from: Vec<ArgRef>, at: Node<'_>) -> Expr {
    let at = span(at);
    Expr::Call(Box::new(Call {
        callee: Expr::Name(func.to_string(), at),
        args: args.iter().take(1).cloned().collect(),
        span: at,
        new: false,
        qualified: Some(format!("{path}.{func}")),
        effect: Effect::Propagate {
            from,
            keeps_whole: true,
        },
    }))
}
