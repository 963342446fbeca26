//! What Go calls do with data: sinks, sanitizers, propagators, clean
//! functions, argument reads, and string building.
//!
//! Library functions are keyed by import path (`os.ReadFile`,
//! `net/http.Get`); methods by their receiver as far as it is known
//! without types: a variable declared or built as a `*sql.DB`/`*http.Client`
//! (or a struct field of such a type in this file), else its name (`db`,
//! `tx`, `conn`, `pool`, `httpClient`, with the method's arity).

use skillaudit_syntax::code::NodeKind;
use std::collections::HashMap;
use std::sync::LazyLock;

use skillaudit_syntax::code::tree_sitter::Node;

use super::lit::{split_format, FmtPiece};
use super::{Lower, VarKind};
use crate::code::ir::{Arg, ArgRef, Effect, Expr, FileOp, Kinds, Lit, SinkKind, SinkSite};

/// One catalogue entry for a library function.
#[derive(Clone, Copy)]
enum Spec {
    Path(FileOp, u16),
    /// Two paths (`os.Rename(old, new)`).
    Paths(FileOp, u16, FileOp, u16),
    Url(u16),
    /// The code a process loads (`plugin.Open`).
    Program(u16),
    Sanitize(Kinds, Ref),
    Propagate(&'static [Ref], bool),
    Clean,
}

#[derive(Clone, Copy)]
enum Ref {
    A(u16),
    From(u16),
}

impl Ref {
    fn arg(self) -> ArgRef {
        match self {
            Ref::A(n) => ArgRef::Arg(n),
            Ref::From(n) => ArgRef::From(n),
        }
    }
}

use FileOp::*;
use Ref::{From, A};
use Spec::*;

/// `(import path, function)` → entry.
static LIBRARY: LazyLock<HashMap<(&'static str, &'static str), Spec>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    let mut add = |path: &'static str, funcs: &[&'static str], spec: Spec| {
        for f in funcs {
            m.insert((path, *f), spec);
        }
    };
    // File system.
    add(
        "os",
        &["Open", "ReadFile", "Readlink", "DirFS"],
        Path(Read, 0),
    );
    add("os", &["OpenFile"], Path(Open, 0));
    add(
        "os",
        &[
            "WriteFile",
            "Create",
            "Mkdir",
            "MkdirAll",
            "Chmod",
            "Chown",
            "Lchown",
            "Chtimes",
            "Truncate",
        ],
        Path(Write, 0),
    );
    add("os", &["Remove", "RemoveAll"], Path(Delete, 0));
    add("os", &["ReadDir"], Path(List, 0));
    add("os", &["Rename"], Paths(Delete, 0, Write, 1));
    add("os", &["Symlink", "Link"], Paths(Write, 0, Write, 1));
    add("io/ioutil", &["ReadFile"], Path(Read, 0));
    add("io/ioutil", &["WriteFile"], Path(Write, 0));
    add("io/ioutil", &["ReadDir"], Path(List, 0));
    add("path/filepath", &["Walk", "WalkDir", "Glob"], Path(List, 0));
    add("net/http", &["ServeFile"], Path(Serve, 2));
    // Network.
    add("net/http", &["Get", "Head", "Post", "PostForm"], Url(0));
    add("net/http", &["NewRequest"], Url(1));
    add("net/http", &["NewRequestWithContext"], Url(2));
    add("net", &["Dial", "DialTimeout"], Url(1));
    // Code loading: the model would choose which shared object runs.
    add("plugin", &["Open"], Program(0));
    // Sanitizers.
    add("path/filepath", &["Base"], Sanitize(Kinds::PATH, A(0)));
    add("path", &["Base"], Sanitize(Kinds::PATH, A(0)));
    add(
        "github.com/cyphar/filepath-securejoin",
        &["SecureJoin", "SecureJoinVFS"],
        Sanitize(Kinds::PATH, A(1)),
    );
    add(
        "github.com/alessio/shellescape",
        &["Quote", "QuoteCommand"],
        Sanitize(Kinds::SHELL, From(0)),
    );
    add(
        "al.essio.dev/pkg/shellescape",
        &["Quote", "QuoteCommand"],
        Sanitize(Kinds::SHELL, From(0)),
    );
    add(
        "github.com/kballard/go-shellquote",
        &["Join"],
        Sanitize(Kinds::SHELL, From(0)),
    );
    // QueryEscape leaves only [A-Za-z0-9-_.~%+]: no shell or SQL syntax.
    add(
        "net/url",
        &["QueryEscape"],
        Sanitize(Kinds(Kinds::SHELL.0 | Kinds::SQL.0), A(0)),
    );
    add(
        "github.com/lib/pq",
        &["QuoteIdentifier", "QuoteLiteral"],
        Sanitize(Kinds::SQL, A(0)),
    );
    // Clean: numbers, booleans, hashes, parsed addresses.
    add(
        "strconv",
        &[
            "Atoi",
            "ParseInt",
            "ParseUint",
            "ParseFloat",
            "ParseBool",
            "ParseComplex",
            "Itoa",
            "FormatInt",
            "FormatUint",
            "FormatFloat",
            "FormatBool",
        ],
        Clean,
    );
    add(
        "strings",
        &[
            "Count",
            "Index",
            "IndexByte",
            "IndexRune",
            "IndexAny",
            "IndexFunc",
            "LastIndex",
            "LastIndexAny",
            "LastIndexByte",
            "Contains",
            "ContainsAny",
            "ContainsRune",
            "ContainsFunc",
            "HasPrefix",
            "HasSuffix",
            "EqualFold",
            "Compare",
        ],
        Clean,
    );
    add(
        "bytes",
        &[
            "Equal",
            "Contains",
            "HasPrefix",
            "HasSuffix",
            "Index",
            "Count",
        ],
        Clean,
    );
    add(
        "unicode/utf8",
        &["RuneCountInString", "RuneCount", "ValidString", "Valid"],
        Clean,
    );
    add("path/filepath", &["IsAbs", "IsLocal", "Match"], Clean);
    add("path", &["IsAbs", "Match"], Clean);
    add("net", &["ParseIP", "ParseCIDR", "ParseMAC"], Clean);
    add(
        "net/netip",
        &["ParseAddr", "ParseAddrPort", "ParsePrefix", "MustParseAddr"],
        Clean,
    );
    add("encoding/hex", &["EncodeToString"], Clean);
    add("crypto/sha256", &["Sum256", "Sum224"], Clean);
    add("crypto/sha1", &["Sum"], Clean);
    add("crypto/md5", &["Sum"], Clean);
    add("crypto/sha512", &["Sum512"], Clean);
    add(
        "time",
        &["Parse", "ParseDuration", "Now", "Since", "Unix"],
        Clean,
    );
    add(
        "github.com/google/uuid",
        &["Parse", "MustParse", "New", "NewString"],
        Clean,
    );
    add("regexp", &["MatchString", "Match"], Clean);
    add("errors", &["Is", "As"], Clean);
    // Propagators that keep the whole value.
    let whole: &'static [Ref] = &[A(0)];
    add(
        "strings",
        &[
            "TrimSpace",
            "ToLower",
            "ToUpper",
            "Title",
            "ToTitle",
            "Trim",
            "TrimLeft",
            "TrimRight",
            "TrimPrefix",
            "TrimSuffix",
            "TrimFunc",
            "Clone",
            "NewReader",
            "ToValidUTF8",
        ],
        Propagate(whole, true),
    );
    add(
        "bytes",
        &[
            "TrimSpace",
            "ToLower",
            "ToUpper",
            "Trim",
            "TrimPrefix",
            "TrimSuffix",
            "NewReader",
            "NewBufferString",
            "NewBuffer",
            "Clone",
        ],
        Propagate(whole, true),
    );
    add(
        "path/filepath",
        &["Clean", "ToSlash", "FromSlash", "EvalSymlinks"],
        Propagate(whole, true),
    );
    add("path", &["Clean"], Propagate(whole, true));
    add(
        "net/url",
        &["Parse", "ParseRequestURI", "PathUnescape", "QueryUnescape"],
        Propagate(whole, true),
    );
    add("os", &["ExpandEnv"], Propagate(whole, true));
    // Propagators that derive a value.
    add("path/filepath", &["Join"], Propagate(&[From(0)], false));
    add("path", &["Join"], Propagate(&[From(0)], false));
    add(
        "path/filepath",
        &["Abs", "Dir", "Ext", "Split", "SplitList", "VolumeName"],
        Propagate(whole, false),
    );
    add("path/filepath", &["Rel"], Propagate(&[A(1)], false));
    add("path", &["Dir", "Ext", "Split"], Propagate(whole, false));
    add(
        "strings",
        &[
            "Split",
            "SplitN",
            "SplitAfter",
            "SplitAfterN",
            "Fields",
            "FieldsFunc",
            "Repeat",
            "Cut",
        ],
        Propagate(whole, false),
    );
    add(
        "strings",
        &["Replace", "ReplaceAll"],
        Propagate(&[A(0), A(2)], false),
    );
    add("strings", &["Map"], Propagate(&[A(1)], false));
    add("net/url", &["PathEscape"], Propagate(whole, false));
    add(
        "strconv",
        &["Quote", "QuoteToASCII", "Unquote"],
        Propagate(whole, false),
    );
    add("io", &["ReadAll"], Propagate(whole, false));
    m
});

impl Lower<'_> {
    /// The effect of `pkg.Func(…)`.
    pub fn library_effect(
        &mut self,
        path: &str,
        func: &str,
        nodes: &[Node<'_>],
        args: &[Arg],
    ) -> Effect {
        match (path, func) {
            ("os/exec", "Command") => return self.process(0, nodes, args, "exec.Command"),
            ("os/exec", "CommandContext") => {
                return self.process(1, nodes, args, "exec.CommandContext")
            }
            ("syscall", "Exec") | ("golang.org/x/sys/unix", "Exec") => {
                return self.argv_process(nodes, args, "syscall.Exec")
            }
            ("os", "StartProcess") => return self.argv_process(nodes, args, "os.StartProcess"),
            _ => {}
        }
        let Some(spec) = LIBRARY.get(&(path, func)).copied() else {
            return Effect::Unknown;
        };
        let what = format!("{}.{func}", super::lit::default_import_name(path));
        let sink = |kind: SinkKind, n: u16, what: &str| SinkSite {
            kind,
            at: ArgRef::Arg(n),
            what: what.to_string(),
        };
        match spec {
            Path(op, n) => {
                let op = if func == "OpenFile" {
                    self.open_mode(nodes)
                } else {
                    op
                };
                Effect::Sinks(vec![sink(SinkKind::Path(op), n, &what)])
            }
            Paths(a, n, b, m) => Effect::Sinks(vec![
                sink(SinkKind::Path(a), n, &what),
                sink(SinkKind::Path(b), m, &what),
            ]),
            Url(n) => Effect::Sinks(vec![sink(SinkKind::Url, n, &what)]),
            Program(n) => Effect::Sinks(vec![sink(SinkKind::Program, n, &what)]),
            Sanitize(kinds, from) => Effect::Sanitize {
                from: from.arg(),
                kinds,
            },
            Propagate(from, keeps_whole) => Effect::Propagate {
                from: from.iter().map(|r| r.arg()).collect(),
                keeps_whole,
            },
            Clean => Effect::Clean,
        }
    }

    /// `os.OpenFile(name, flag, perm)`: read, write, or unknown by its flags.
    fn open_mode(&self, nodes: &[Node<'_>]) -> FileOp {
        let Some(flags) = nodes.get(1).map(|n| self.text(*n)) else {
            return FileOp::Open;
        };
        if ["O_WRONLY", "O_RDWR", "O_CREATE", "O_APPEND", "O_TRUNC"]
            .iter()
            .any(|f| flags.contains(f))
        {
            FileOp::Write
        } else if flags.contains("O_RDONLY") {
            FileOp::Read
        } else {
            FileOp::Open
        }
    }

    /// The effect of `recv.Method(…)`.
    pub fn method_effect(
        &mut self,
        operand: Node<'_>,
        method: &str,
        nodes: &[Node<'_>],
        args: &[Arg],
    ) -> Effect {
        if let Some(e) = self.argument_read(method, nodes) {
            return e;
        }
        let recv = self.receiver(operand);
        if let Some(at) = self.sql_arg(&recv, method, nodes) {
            return Effect::Sinks(vec![SinkSite {
                kind: SinkKind::Sql,
                at: ArgRef::Arg(at),
                what: method.to_string(),
            }]);
        }
        let ssh = recv.direct
            && matches!(
                recv.root.as_deref().and_then(|r| self.kind(r)),
                Some(VarKind::SshSession)
            );
        if ssh
            && nodes.len() == 1
            && matches!(method, "Run" | "Output" | "CombinedOutput" | "Start")
        {
            return Effect::Sinks(vec![SinkSite {
                kind: SinkKind::Shell,
                at: ArgRef::Arg(0),
                what: format!("ssh.Session.{method}"),
            }]);
        }
        if self.is_http_client(&recv, method, nodes.len()) {
            return url_sink(0, &format!("http.Client.{method}"));
        }
        if recv.r_call {
            match method {
                "Get" | "Post" | "Put" | "Patch" | "Delete" | "Head" | "Options"
                    if !args.is_empty() =>
                {
                    return url_sink(0, &format!("resty {method}"))
                }
                "Execute" if args.len() == 2 => return url_sink(1, "resty Execute"),
                _ => {}
            }
        }
        Effect::Unknown
    }

    /// mcp-go request readers: `request.GetString("host", "")`,
    /// `RequireString("host")` (an argument), `GetInt`/`GetFloat`/`GetBool`
    /// (numbers: clean), `GetArguments()` (the arguments map).
    fn argument_read(&self, method: &str, nodes: &[Node<'_>]) -> Option<Effect> {
        let named = nodes.first().is_some_and(|n| {
            matches!(
                n.kind_str(),
                "interpreted_string_literal" | "raw_string_literal"
            ) || (n.kind_str() == "identifier" && self.const_str(self.text(*n)).is_some())
        });
        match method {
            "GetString" | "RequireString" | "GetStringSlice" | "RequireStringSlice" if named => {
                Some(Effect::Argument {
                    name: ArgRef::Arg(0),
                })
            }
            "GetInt" | "GetFloat" | "GetBool" | "RequireInt" | "RequireFloat" | "RequireBool"
            | "GetIntSlice" | "GetFloatSlice" | "GetBoolSlice" | "RequireIntSlice"
            | "RequireFloatSlice" | "RequireBoolSlice"
                if named =>
            {
                Some(Effect::Clean)
            }
            "GetArguments" | "GetRawArguments" if nodes.is_empty() => Some(Effect::Propagate {
                from: vec![ArgRef::Receiver],
                keeps_whole: true,
            }),
            _ => None,
        }
    }

    /// The SQL text argument of a query/exec method on a database handle.
    fn sql_arg(&self, recv: &Receiver, method: &str, nodes: &[Node<'_>]) -> Option<u16> {
        if !self.is_sql(recv) {
            return None;
        }
        let ctx_first = nodes.first().is_some_and(|n| self.looks_like_ctx(*n));
        let by_ref = nodes.first().is_some_and(|n| {
            n.kind_str() == "unary_expression"
                && n.child_by_field_name("operator").map(|o| self.text(o)) == Some("&")
        });
        let at: u16 = match method {
            "QueryContext" | "QueryRowContext" | "ExecContext" | "PrepareContext"
            | "QueryxContext" | "QueryRowxContext" | "NamedExecContext" | "NamedQueryContext"
            | "MustExecContext" | "PreparexContext" => 1,
            "GetContext" | "SelectContext" => 2,
            "Get" | "Select" if by_ref => 1,
            "Query" | "QueryRow" | "Exec" | "Prepare" | "Queryx" | "QueryRowx" | "MustExec"
            | "NamedExec" | "NamedQuery" | "Preparex" => u16::from(ctx_first),
            // gorm
            "Raw" | "Where" | "Or" | "Not" | "Having" | "Order" | "Group" | "Joins" | "Select" => 0,
            _ => return None,
        };
        (nodes.len() > at as usize).then_some(at)
    }

    fn is_sql(&self, recv: &Receiver) -> bool {
        if let Some(VarKind::Sql) = recv.root.as_deref().and_then(|r| self.kind(r)) {
            if recv.direct {
                return true;
            }
        }
        if let Some(last) = &recv.last {
            if matches!(self.field_kinds.get(last.as_str()), Some(VarKind::Sql)) {
                return true;
            }
        }
        [&recv.last, &recv.root]
            .into_iter()
            .flatten()
            .any(|n| db_like(n))
    }

    fn is_http_client(&self, recv: &Receiver, method: &str, arity: usize) -> bool {
        let want = match method {
            "Get" | "Head" => 1,
            "Post" => 3,
            "PostForm" => 2,
            _ => return false,
        };
        if arity != want {
            return false;
        }
        if recv.text == "http.DefaultClient" {
            return true;
        }
        let typed = recv.direct
            && matches!(
                recv.root.as_deref().and_then(|r| self.kind(r)),
                Some(VarKind::HttpClient)
            );
        let field = recv
            .last
            .as_deref()
            .is_some_and(|l| matches!(self.field_kinds.get(l), Some(VarKind::HttpClient)));
        let named = recv
            .last
            .as_deref()
            .is_some_and(|l| l.to_ascii_lowercase().contains("client"));
        typed || field || named
    }

    /// Whether an argument is a context (`ctx`, `context.Background()`,
    /// `r.Context()`).
    fn looks_like_ctx(&self, node: Node<'_>) -> bool {
        match node.kind_str() {
            "identifier" => {
                let n = self.text(node);
                n == "ctx" || n.ends_with("Ctx") || n.ends_with("ctx") || n == "context"
            }
            "call_expression" => {
                let text = node
                    .child_by_field_name("function")
                    .map(|f| self.text(f))
                    .unwrap_or("");
                text.starts_with("context.") || text.ends_with(".Context")
            }
            _ => false,
        }
    }

    /// What a method's receiver expression is made of.
    fn receiver(&self, operand: Node<'_>) -> Receiver {
        let mut r = Receiver {
            text: self.text(operand).to_string(),
            direct: operand.kind_str() == "identifier",
            ..Receiver::default()
        };
        let mut n = operand;
        for _ in 0..32 {
            match n.kind_str() {
                "identifier" => {
                    let t = self.text(n).to_string();
                    r.last.get_or_insert_with(|| t.clone());
                    r.root = Some(t);
                    break;
                }
                "selector_expression" => {
                    if let Some(f) = n.child_by_field_name("field") {
                        r.last.get_or_insert_with(|| self.text(f).to_string());
                    }
                    let Some(o) = n.child_by_field_name("operand") else {
                        break;
                    };
                    n = o;
                }
                "call_expression" => {
                    let Some(f) = n.child_by_field_name("function") else {
                        break;
                    };
                    let is_r = f
                        .child_by_field_name("field")
                        .is_some_and(|x| self.text(x) == "R")
                        && self.arg_nodes(n).is_empty();
                    r.r_call |= is_r;
                    match f.child_by_field_name("operand") {
                        Some(o) => n = o,
                        None => break,
                    }
                }
                "parenthesized_expression" | "unary_expression" => {
                    match n
                        .named_child(0)
                        .or_else(|| n.child_by_field_name("operand"))
                    {
                        Some(i) => n = i,
                        None => break,
                    }
                }
                "index_expression" => match n.child_by_field_name("operand") {
                    Some(o) => n = o,
                    None => break,
                },
                _ => break,
            }
        }
        r
    }

    /// `fmt.Sprintf` (split at its verbs), `fmt.Sprint`, `fmt.Sprintln`,
    /// `strings.Join`: string building as a template.
    pub fn template_call(
        &self,
        path: &str,
        func: &str,
        args: &[Arg],
        nodes: &[Node<'_>],
        at: crate::Span,
    ) -> Option<Expr> {
        let values = || args.iter().map(|a| a.value.clone());
        let parts = match (path, func) {
            ("fmt", "Sprintf") => {
                let Some(Expr::Lit(Lit::Str(format), fspan)) = args.first().map(|a| &a.value)
                else {
                    return Some(Expr::Template {
                        parts: values().collect(),
                        span: at,
                    });
                };
                format_parts(format, *fspan, &args[1..])
            }
            ("fmt", "Sprint") => values().collect(),
            ("fmt", "Sprintln") => {
                let mut p = Vec::new();
                for (i, v) in values().enumerate() {
                    if i > 0 {
                        p.push(Expr::Lit(Lit::Str(" ".into()), at));
                    }
                    p.push(v);
                }
                p
            }
            ("strings", "Join") if args.len() == 2 => {
                let sep = args[1].value.clone();
                match &args[0].value {
                    Expr::Array { items, .. } => {
                        let mut p = Vec::new();
                        for (i, item) in items.iter().enumerate() {
                            if i > 0 {
                                p.push(sep.clone());
                            }
                            p.push(item.clone());
                        }
                        p
                    }
                    other => vec![other.clone(), sep],
                }
            }
            _ => return None,
        };
        let _ = nodes;
        Some(Expr::Template { parts, span: at })
    }
}

/// The pieces of `fmt.Sprintf(format, operands…)` in text order.
fn format_parts(format: &str, fspan: crate::Span, operands: &[Arg]) -> Vec<Expr> {
    let mut parts = Vec::new();
    let mut next = 0usize;
    let mut used = vec![false; operands.len()];
    for piece in split_format(format) {
        match piece {
            FmtPiece::Text(t) => parts.push(Expr::Lit(Lit::Str(t), fspan)),
            FmtPiece::Verb(_, index) => {
                let i = index.map(|n| n.saturating_sub(1)).unwrap_or(next);
                if let Some(a) = operands.get(i) {
                    parts.push(a.value.clone());
                    used[i] = true;
                }
                next = i + 1;
            }
            FmtPiece::Star => {
                if let Some(u) = used.get_mut(next) {
                    *u = true;
                }
                next += 1;
            }
        }
    }
    // Operands without a verb are printed too (`%!(EXTRA …)`).
    for (a, u) in operands.iter().zip(used) {
        if !u {
            parts.push(a.value.clone());
        }
    }
    parts
}

fn url_sink(at: u16, what: &str) -> Effect {
    Effect::Sinks(vec![SinkSite {
        kind: SinkKind::Url,
        at: ArgRef::Arg(at),
        what: what.to_string(),
    }])
}

/// A method receiver: the variable it starts from, the last name in it,
/// and whether a resty `.R()` call is on the way.
#[derive(Default)]
struct Receiver {
    text: String,
    root: Option<String>,
    last: Option<String>,
    /// The receiver is that variable itself.
    direct: bool,
    r_call: bool,
}

/// Names database handles go by.
fn db_like(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "db" | "tx"
            | "conn"
            | "pool"
            | "database"
            | "sqldb"
            | "dbconn"
            | "dbpool"
            | "pgpool"
            | "gormdb"
            | "orm"
    ) || l.ends_with("db")
        || (l.ends_with("tx") && !l.ends_with("ctx"))
        || l.ends_with("dbconn")
        || l.ends_with("pool") && l.len() <= 8
}
