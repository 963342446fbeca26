//! The code model: what the taint engine and the code rules need to know
//! about one source file, whatever its language.
//!
//! Each language's frontend (`lower::js`, `lower::python`, `lower::go`)
//! turns a tree-sitter tree into a [`CodeFile`]: its functions with
//! simplified statements and expressions, its imports, the MCP handlers it
//! registers (the **sources**: parameters the model chooses), and, on every
//! call, what the language's catalogue knows about the callee (a **sink**,
//! a **sanitizer**, a pure function that passes taint through). The engine
//! (`code::taint`) never looks at syntax or at library names: everything
//! language-specific is decided here, at lowering time.
//!
//! Design rules for frontends:
//! - Keep what changes the flow of model text, drop the rest. A construct
//!   the IR has no word for becomes [`Expr::Opaque`] over its
//!   sub-expressions (taint is the union of theirs) — never silently
//!   nothing, unless it provably carries no data (type declarations).
//! - Spans are byte ranges of the original file, on everything a finding
//!   may point at (calls, names, parameters, assignments).
//! - Lowering is bounded: nesting deeper than [`MAX_DEPTH`] becomes
//!   `Opaque` over the names found below it (collected without recursion).
//! - Parenthesised expressions, `await`, type assertions/casts (`as`, `!`,
//!   `satisfies`, Go type assertions), and `yield` are transparent.

use crate::Span;

/// Lowering stops recursing at this depth (statements and expressions
/// together) and summarises what is below as [`Expr::Opaque`].
pub const MAX_DEPTH: usize = 200;

pub use skillaudit_syntax::code::Lang;

/// Index of a function in [`CodeFile::funcs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

impl FuncId {
    /// The module's top-level code, always `funcs[0]`.
    pub const TOP: FuncId = FuncId(0);
}

/// One lowered source file.
#[derive(Clone, Debug, Default)]
pub struct CodeFile {
    pub lang: Option<Lang>,
    /// `funcs[0]` is the module's top-level code (no params); every function,
    /// method, lambda and closure of the file follows, each once.
    pub funcs: Vec<Func>,
    pub imports: Vec<Import>,
    /// JS: modules re-exported (`export * from "./x"`, `export { a } from
    /// "./y"`): the files a barrel module leads to.
    pub reexports: Vec<String>,
    /// MCP tools, prompts and resources registered in this file.
    pub handlers: Vec<Handler>,
    /// Texts the model reads: tool, parameter, prompt and resource
    /// descriptions (for `tool-poisoning`).
    pub descriptions: Vec<Description>,
    /// Go: the `package` name; Python: the module's dotted name is derived
    /// from the path by the resolver; JS: unused.
    pub package: Option<String>,
    /// Lowering hit a limit (depth, size): what was summarised, for a notice.
    pub truncated: Option<String>,
}

/// A function, method, lambda or the module's top level.
#[derive(Clone, Debug, Default)]
pub struct Func {
    /// The declared name, or the name it is bound to where it is created
    /// (`const run = () => …`, `run = lambda …`, `x.run = function () …`).
    pub name: Option<String>,
    /// The class (JS/Python) or receiver type (Go) a method belongs to.
    pub class: Option<String>,
    /// The lexically enclosing function (closures see its variables).
    pub parent: Option<FuncId>,
    /// Visible to other files: JS `export`, Python/Go module-level
    /// definitions (Go: capitalised names are exported, but same-package
    /// files see every name, so set it for every top-level Go function).
    pub exported: bool,
    /// The whole function.
    pub span: Span,
    /// Where to point at the function: its name, or its first token.
    pub name_span: Span,
    pub params: Vec<Param>,
    pub body: Vec<Stmt>,
}

/// A parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// A name, or a destructuring pattern (`({ command, cwd }) => …`).
    pub pattern: Pattern,
    pub span: Span,
    /// `...rest`, `*args`, `**kwargs`, Go variadic.
    pub rest: bool,
    /// What the type annotation tells about the value, when it matters.
    pub ty: TypeHint,
    pub default: Option<Expr>,
}

/// What a parameter's declared type says about the data it can hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TypeHint {
    /// No annotation, or one that does not matter.
    #[default]
    Unknown,
    /// Cannot carry attacker text: numbers, booleans, enums, `Literal[…]`,
    /// zod `z.number()`/`z.enum()`/`z.boolean()`/`z.literal()`.
    Safe,
    /// A framework context object, never model text (FastMCP `Context`,
    /// Go `context.Context`, the TS SDK's `extra`).
    Context,
    /// A named type (Go struct, pydantic model, TS interface): the resolver
    /// may look up its fields.
    Named(String),
}

/// An assignment target or a parameter.
#[derive(Clone, Debug)]
pub enum Pattern {
    Name(String, Span),
    /// `{ a, b: c, ...rest }`; each field is (key, pattern for its value).
    Object {
        fields: Vec<(String, Pattern)>,
        rest: Option<Box<Pattern>>,
        span: Span,
    },
    /// `[a, , b, ...rest]`, `(a, b) = …`, Go `a, b := …` (one item per
    /// result), Python `for k, v in …`.
    Seq {
        items: Vec<Option<Pattern>>,
        rest: Option<Box<Pattern>>,
        span: Span,
    },
    /// Assignment to a property or an element: `obj.x = …`, `a[i] = …`,
    /// `self.x = …`. Taint flows into the object's root variable.
    Target(Box<Expr>),
    /// `_`, or a target the IR does not model.
    Ignore,
}

/// A statement.
#[derive(Clone, Debug)]
pub enum Stmt {
    /// Declarations and assignments. Compound assignment (`x += y`) is
    /// lowered with `value` = [`Expr::Template`]/[`Expr::Binary`] of the
    /// target and the right-hand side.
    Assign {
        target: Pattern,
        value: Expr,
        span: Span,
    },
    Expr(Expr),
    Return(Option<Expr>, Span),
    /// `throw`, `raise`, Go `panic(…)`, `process.exit(…)`, `sys.exit(…)`,
    /// `os.Exit(…)`, `log.Fatal…`: control does not continue.
    Throw(Option<Expr>, Span),
    If {
        cond: Expr,
        then: Vec<Stmt>,
        els: Vec<Stmt>,
        span: Span,
    },
    /// `switch`/`match`; `on` is `None` for Go's `switch {` (cases are
    /// conditions). Python `match` cases with literal patterns use `tests`.
    Switch {
        on: Option<Expr>,
        cases: Vec<Case>,
        span: Span,
    },
    /// Any loop. `bind` is the loop variable and what it iterates
    /// (`for (const x of xs)`, `for x in xs`, `for _, x := range xs`);
    /// `cond` the loop condition, evaluated for its effects.
    Loop {
        bind: Option<(Pattern, Expr)>,
        cond: Option<Expr>,
        body: Vec<Stmt>,
        span: Span,
    },
    Try {
        body: Vec<Stmt>,
        catches: Vec<(Option<Pattern>, Vec<Stmt>)>,
        finally: Vec<Stmt>,
    },
    /// A nested block (`with`, Go `defer`/`go` bodies, labelled blocks).
    Block(Vec<Stmt>),
    Break,
    Continue,
    /// A nested function declaration; binds its name in this scope
    /// (hoisted in JS) to the function.
    Func(FuncId),
}

/// One `case` of a [`Stmt::Switch`].
#[derive(Clone, Debug)]
pub struct Case {
    /// The case values; empty for `default`/`case _`.
    pub tests: Vec<Expr>,
    pub body: Vec<Stmt>,
}

/// An expression.
#[derive(Clone, Debug)]
pub enum Expr {
    /// A variable (also Python's `self`, Go receivers).
    Name(String, Span),
    /// JS `this`.
    This(Span),
    Lit(Lit, Span),
    /// String building: template literals, f-strings, `+` on strings,
    /// `"…" % x`, `"…".format(…)`, `fmt.Sprintf("…", …)`, `strings.Join`,
    /// `[…].join(" ")`. `parts` are in text order, constant pieces as
    /// `Lit::Str`: for a literal format string, split at its placeholders
    /// (`"ping -c 4 %s"` → [`"ping -c 4 "`, host]) so the engine knows what
    /// precedes each value (a fixed origin before a URL path, a `--flag=`
    /// before an argument).
    Template {
        parts: Vec<Expr>,
        span: Span,
    },
    /// `obj.prop`, `obj["prop"]` (constant key), `obj?.prop`, Go selectors.
    Member {
        obj: Box<Expr>,
        prop: String,
        span: Span,
    },
    /// `obj[index]` with a computed index; slices.
    Index {
        obj: Box<Expr>,
        index: Box<Expr>,
        span: Span,
    },
    Call(Box<Call>),
    /// Object/dict/struct literals.
    Object {
        entries: Vec<Entry>,
        span: Span,
    },
    /// Array/list/tuple/set/slice literals.
    Array {
        items: Vec<Expr>,
        span: Span,
    },
    /// `...x`, `*x`, `**x`, Go `x...`.
    Spread(Box<Expr>, Span),
    /// A lambda, arrow function, function expression or Go func literal.
    Func(FuncId, Span),
    /// `c ? a : b`, `a if c else b`.
    Cond {
        cond: Box<Expr>,
        then: Box<Expr>,
        els: Box<Expr>,
        span: Span,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
        span: Span,
    },
    Unary {
        op: UnOp,
        expr: Box<Expr>,
        span: Span,
    },
    /// An assignment used as an expression (`(x = y)`, walrus `:=`).
    Assign {
        target: Box<Pattern>,
        value: Box<Expr>,
        span: Span,
    },
    /// A check that, when it is true, makes `subject` safe for `kinds`:
    /// a containment check (`full.startsWith(root + path.sep)`,
    /// `p.is_relative_to(root)`, `filepath.Rel` without `..`), an
    /// allow-list test (`ALLOWED.includes(x)`, `x in {"a", "b"}`,
    /// `slices.Contains(allowed, x)`), a host allow-list. The frontend
    /// recognises the pattern; `check` is the original expression (still
    /// evaluated for its effects). Negate with [`UnOp::Not`].
    Guard {
        subject: Box<Expr>,
        kinds: Kinds,
        check: Box<Expr>,
        span: Span,
    },
    /// Anything else: its taint is the union of its children's.
    Opaque {
        children: Vec<Expr>,
        span: Span,
    },
}

/// A literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Str(String),
    Num,
    Bool(bool),
    Null,
    /// Regular expressions and other constants.
    Other,
}

/// An entry of an object literal.
#[derive(Clone, Debug)]
pub enum Entry {
    /// `key: value`, `key` (shorthand), `"key": value`, Go `Field: value`.
    Field(String, Expr, Span),
    /// `[expr]: value`.
    Computed(Expr, Expr),
    /// `...x`, `**x`.
    Spread(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+` (numbers or strings: the engine treats it as string building
    /// when either side may be text).
    Add,
    Eq,
    Ne,
    And,
    Or,
    /// `??`, Python `or` used for defaults: either side's value.
    Coalesce,
    In,
    NotIn,
    /// Python `Path / "x"`: a path built from both sides.
    PathJoin,
    /// Comparisons and arithmetic other than `+`: the result is a number
    /// or a boolean, never text.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    /// `typeof`, `-`, `+x`, `~`, `len`-like operators: never text.
    Numeric,
    /// Pointer/reference/deref and others that pass the value through.
    Other,
}

/// A call, with what the language's catalogue knows about the callee.
#[derive(Clone, Debug)]
pub struct Call {
    pub callee: Expr,
    pub args: Vec<Arg>,
    /// The whole call expression.
    pub span: Span,
    /// `new X(…)`, Python class instantiation is an ordinary call.
    pub new: bool,
    /// The callee's canonical name when the frontend resolved it through
    /// the file's imports, without `node:`: `child_process.exec`,
    /// `fs/promises.readFile`, `subprocess.run`, `os.path.join`,
    /// `os/exec.Command`. `None` for local and unknown callees.
    pub qualified: Option<String>,
    pub effect: Effect,
}

impl Call {
    /// The called method's name for `x.m(…)`, or the function's name.
    pub fn callee_name(&self) -> Option<&str> {
        match &self.callee {
            Expr::Member { prop, .. } => Some(prop),
            Expr::Name(n, _) => Some(n),
            _ => None,
        }
    }
}

/// An argument.
#[derive(Clone, Debug)]
pub struct Arg {
    /// Python keyword arguments: `shell=True`.
    pub name: Option<String>,
    pub value: Expr,
    pub spread: bool,
}

/// Which value of a call a catalogue entry talks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgRef {
    /// The object of a method call (`p` in `p.read_text()`).
    Receiver,
    /// The n-th positional argument.
    Arg(u16),
    /// Item `i` of the array literal given as argument `n`
    /// (`execFile("git", ["log", x])`).
    Elem(u16, u16),
    /// Arguments from `n` on (Go `exec.Command(name, args...)`).
    From(u16),
    /// A keyword argument (Python) or a field of an options object
    /// argument (`{ shell: true }` is read by the frontend, not the engine).
    Keyword(String),
}

/// Sets of sink kinds: what a sanitizer or guard makes safe.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kinds(pub u16);

impl Kinds {
    pub const NONE: Kinds = Kinds(0);
    /// Text run by a shell (`command-injection`, `shell-tool`).
    pub const SHELL: Kinds = Kinds(1);
    /// The program a process runs, or an argument that could start with
    /// `-` (`argument-injection`).
    pub const PROCESS: Kinds = Kinds(1 << 1);
    /// Code evaluated or data deserialised (`code-evaluation`).
    pub const EVAL: Kinds = Kinds(1 << 2);
    /// A file-system path (`path-traversal`).
    pub const PATH: Kinds = Kinds(1 << 3);
    /// The scheme/host of an outgoing request
    /// (`server-side-request-forgery`).
    pub const URL: Kinds = Kinds(1 << 4);
    /// SQL text (`sql-injection`).
    pub const SQL: Kinds = Kinds(1 << 5);
    pub const ALL: Kinds = Kinds((1 << 6) - 1);

    pub fn contains(self, other: Kinds) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn intersects(self, other: Kinds) -> bool {
        self.0 & other.0 != 0
    }
}

impl std::ops::BitOr for Kinds {
    type Output = Kinds;
    fn bitor(self, o: Kinds) -> Kinds {
        Kinds(self.0 | o.0)
    }
}

impl std::ops::BitOrAssign for Kinds {
    fn bitor_assign(&mut self, o: Kinds) {
        self.0 |= o.0;
    }
}

/// What a call does with the data given to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Effect {
    /// Not in the catalogue. The engine resolves functions of the
    /// repository; otherwise the result carries the taint of the receiver
    /// and every argument (no longer "whole").
    #[default]
    Unknown,
    /// Dangerous places (checked by the engine) — the result is clean
    /// (a command's output, a file's content, a response).
    Sinks(Vec<SinkSite>),
    /// The result is the value at `from` made safe for `kinds`
    /// (`shlex.quote(x)`: SHELL; `path.basename(x)`: PATH).
    Sanitize { from: ArgRef, kinds: Kinds },
    /// A known function whose result carries the taint of `from`.
    /// `keeps_whole`: the result is still the whole value the model gave
    /// (`x.trim()`, `String(x)`, `promisify(f)`, `x.lower()`), as opposed
    /// to a value derived from it (`path.join(a, x)`, `x.split(" ")`).
    Propagate {
        from: Vec<ArgRef>,
        keeps_whole: bool,
    },
    /// The result never carries model text (`parseInt`, `len`, `Number`,
    /// `int()`, hashes, `exists`, `strconv.Atoi`).
    Clean,
    /// Reads one of the tool's arguments from a request object:
    /// mcp-go `request.GetString("host", "")`/`RequireString("host")`
    /// (`name` is the argument holding the literal argument name). The
    /// result is the receiver's taint, named after that argument.
    Argument { name: ArgRef },
}

/// One dangerous place in a call: taint reaching `at` (not sanitized for
/// `kind`) is a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinkSite {
    pub kind: SinkKind,
    pub at: ArgRef,
    /// How to name the sink in messages: `execSync`, `subprocess.run(shell=True)`,
    /// `exec.Command("sh", "-c", …)`, `open`, `fetch`.
    pub what: String,
}

/// What kind of dangerous place a sink is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SinkKind {
    /// Text run by a shell: `exec`, `shell=True`, `sh -c`.
    Shell,
    /// The program a process runs without a shell.
    Program,
    /// One argument of a process run without a shell. `after_dashes`: a
    /// literal `--` comes before it, so it cannot be read as an option.
    ProgramArg { after_dashes: bool },
    /// A process's whole argument list, not written out (a variable).
    ProgramArgs,
    /// Code evaluated: `eval`, `new Function`, `vm.run*`, Python
    /// `eval`/`exec`/`compile`, `python -c`, `node -e`.
    Eval,
    /// Data deserialised into objects: `pickle.loads`, `yaml.load`
    /// without a safe loader, `marshal.loads`.
    Deserialize,
    /// A path read, written, deleted, listed or served.
    Path(FileOp),
    /// The target of an outgoing request.
    Url,
    /// SQL text given to a query or execute call.
    Sql,
}

impl SinkKind {
    /// The sanitization kind that protects this sink.
    pub fn kinds(self) -> Kinds {
        match self {
            SinkKind::Shell => Kinds::SHELL,
            SinkKind::Program | SinkKind::ProgramArg { .. } | SinkKind::ProgramArgs => {
                Kinds::PROCESS
            }
            SinkKind::Eval | SinkKind::Deserialize => Kinds::EVAL,
            SinkKind::Path(_) => Kinds::PATH,
            SinkKind::Url => Kinds::URL,
            SinkKind::Sql => Kinds::SQL,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileOp {
    Read,
    Write,
    Delete,
    List,
    /// Sent to a client (`send_file`, `res.sendFile`).
    Serve,
    /// Opened without knowing how (`open(p, mode)` with a variable mode).
    Open,
}

impl FileOp {
    pub fn verb(self) -> &'static str {
        match self {
            FileOp::Read => "read",
            FileOp::Write => "written",
            FileOp::Delete => "deleted",
            FileOp::List => "listed",
            FileOp::Serve => "served",
            FileOp::Open => "opened",
        }
    }
}

/// An import: one local name bound to something of another module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The name bound in this file (`exec`, `cp`, `utils`, `run_cmd`).
    pub local: String,
    /// The module as written: `node:child_process`, `./helpers.js`,
    /// `.utils`, `mcp.server.fastmcp`, `github.com/o/r/internal/tools`.
    pub module: String,
    /// The imported member (`exec` of `{ exec }`, `run_cmd` of
    /// `from .utils import run_cmd`); `None` when `local` is the module
    /// itself (namespace/default import, `import x`, Go imports).
    pub member: Option<String>,
    pub span: Span,
}

/// What an MCP registration exposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandlerKind {
    Tool,
    Prompt,
    /// A resource (template): its URI parameters are model-chosen.
    Resource,
    /// A low-level dispatcher (`setRequestHandler(CallToolRequestSchema,
    /// …)`, `@server.call_tool()`): the tool is chosen in its body by the
    /// tool name.
    Dispatch,
}

impl HandlerKind {
    pub fn noun(self) -> &'static str {
        match self {
            HandlerKind::Tool | HandlerKind::Dispatch => "tool",
            HandlerKind::Prompt => "prompt",
            HandlerKind::Resource => "resource",
        }
    }
}

/// An MCP tool/prompt/resource registration: where model-chosen values
/// enter the server.
#[derive(Clone, Debug)]
pub struct Handler {
    pub kind: HandlerKind,
    /// The registered name when it is a literal (`"run_command"`).
    pub name: Option<String>,
    /// The registration (the `server.tool(…)` call, the decorator).
    pub span: Span,
    pub func: HandlerFunc,
    /// Which parameters of the function carry model data.
    pub sources: Vec<SourceParam>,
    /// The description text, when literal (also in [`CodeFile::descriptions`]).
    pub description: Option<String>,
    /// `mcp-sdk`, `fastmcp`, `mcp-go`, `go-sdk`, … (for messages).
    pub framework: &'static str,
}

/// The function that handles a registration.
#[derive(Clone, Debug)]
pub enum HandlerFunc {
    /// A function of this file (lambda, decorated def, local declaration).
    Local(FuncId),
    /// A function referred to by name (`s.AddTool(tool, pingHandler)`,
    /// `server.tool("x", schema, handlers.run)`), resolved like a call's
    /// callee from the registration's scope.
    Named { callee: Expr },
}

/// A handler parameter that carries model data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceParam {
    pub param: u16,
    pub role: SourceRole,
    /// Fields of the arguments object that cannot carry text (numbers,
    /// booleans, enums per the schema or declared types).
    pub safe_fields: Vec<String>,
    /// The argument's name when the parameter is one argument (Python
    /// `def tool(path: str)` → `path`); `None` for an arguments object,
    /// whose fields name themselves.
    pub name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceRole {
    /// The tool's arguments (an object of them, or one argument).
    Arguments,
    /// A whole request: `.params.arguments` (or any other field) carries
    /// the arguments, `.params.name` the tool name.
    Request,
    /// The called tool's name (dispatchers): compared with literals to
    /// know which tool a branch is; not itself dangerous text.
    ToolName,
}

/// A text written for the model to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    /// The text as the model receives it (escapes processed, docstring
    /// indentation kept as written).
    pub text: String,
    /// The literal in the file.
    pub span: Span,
    pub of: DescriptionOf,
    /// The tool/prompt/resource it belongs to, when known.
    pub owner: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptionOf {
    Tool,
    Parameter,
    Prompt,
    Resource,
    /// Server instructions (`instructions=` / `instructions:`).
    Server,
}
