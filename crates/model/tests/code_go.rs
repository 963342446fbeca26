//! The Go frontend: lowering snapshots per construct family, handler
//! discovery per registration style, the catalogue, hostile input, and the
//! corpus.

use skillaudit_model::code::dump::dump;
use skillaudit_model::code::ir::*;
use skillaudit_model::code::{lower, CodeFile};
use skillaudit_syntax::code::{self as syntax_code, Lang};

fn lower_go(src: &str) -> CodeFile {
    let parsed = syntax_code::parse(Lang::Go, src).expect("parses");
    lower::lower(&parsed, src)
}

fn dumped(src: &str) -> String {
    dump(&lower_go(src), src)
}

/// Every call of a lowered file (depth-first).
fn calls(file: &CodeFile) -> Vec<&Call> {
    fn expr<'a>(e: &'a Expr, out: &mut Vec<&'a Call>) {
        match e {
            Expr::Call(c) => {
                out.push(c);
                expr(&c.callee, out);
                for a in &c.args {
                    expr(&a.value, out);
                }
            }
            Expr::Template { parts, .. } => parts.iter().for_each(|p| expr(p, out)),
            Expr::Member { obj, .. } | Expr::Spread(obj, _) => expr(obj, out),
            Expr::Index { obj, index, .. } => {
                expr(obj, out);
                expr(index, out);
            }
            Expr::Object { entries, .. } => {
                for en in entries {
                    match en {
                        Entry::Field(_, v, _) | Entry::Spread(v) => expr(v, out),
                        Entry::Computed(k, v) => {
                            expr(k, out);
                            expr(v, out);
                        }
                    }
                }
            }
            Expr::Array { items, .. }
            | Expr::Opaque {
                children: items, ..
            } => items.iter().for_each(|p| expr(p, out)),
            Expr::Cond {
                cond, then, els, ..
            } => {
                expr(cond, out);
                expr(then, out);
                expr(els, out);
            }
            Expr::Binary { left, right, .. } => {
                expr(left, out);
                expr(right, out);
            }
            Expr::Unary { expr: e, .. } => expr(e, out),
            Expr::Assign { value, .. } => expr(value, out),
            Expr::Guard { subject, check, .. } => {
                expr(subject, out);
                expr(check, out);
            }
            _ => {}
        }
    }
    fn stmts<'a>(ss: &'a [Stmt], out: &mut Vec<&'a Call>) {
        for s in ss {
            match s {
                Stmt::Assign { value, .. } => expr(value, out),
                Stmt::Expr(e) => expr(e, out),
                Stmt::Return(e, _) | Stmt::Throw(e, _) => {
                    if let Some(e) = e {
                        expr(e, out)
                    }
                }
                Stmt::If {
                    cond, then, els, ..
                } => {
                    expr(cond, out);
                    stmts(then, out);
                    stmts(els, out);
                }
                Stmt::Switch { on, cases, .. } => {
                    if let Some(on) = on {
                        expr(on, out);
                    }
                    for c in cases {
                        c.tests.iter().for_each(|t| expr(t, out));
                        stmts(&c.body, out);
                    }
                }
                Stmt::Loop {
                    bind, cond, body, ..
                } => {
                    if let Some((_, e)) = bind {
                        expr(e, out);
                    }
                    if let Some(c) = cond {
                        expr(c, out);
                    }
                    stmts(body, out);
                }
                Stmt::Try {
                    body,
                    catches,
                    finally,
                } => {
                    stmts(body, out);
                    catches.iter().for_each(|(_, b)| stmts(b, out));
                    stmts(finally, out);
                }
                Stmt::Block(b) => stmts(b, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for f in &file.funcs {
        stmts(&f.body, &mut out);
    }
    out
}

// ---------------------------------------------------------------------------
// 1. Construct families

#[test]
fn functions_methods_and_closures() {
    let src = r#"package tools

import "context"

type Runner struct{ dir string }

func Top(a, b string, n int, rest ...string) (string, error) {
	return a + b, nil
}

func (r *Runner) Run(ctx context.Context, cmd string) error {
	helper := func(x string) string { return x }
	go func() { r.Run(ctx, helper(cmd)) }()
	defer func(s string) {}(cmd)
	return nil
}

func generic[T any](v T) T { return v }

func unnamed(context.Context, string) {}
"#;
    insta::assert_snapshot!(dumped(src));
    let f = lower_go(src);
    assert_eq!(f.package.as_deref(), Some("tools"));
    let run = f
        .funcs
        .iter()
        .find(|x| x.name.as_deref() == Some("Run"))
        .unwrap();
    assert_eq!(run.class.as_deref(), Some("Runner"));
    assert!(run.exported);
    assert!(
        matches!(&run.params[0].pattern, Pattern::Name(n, _) if n == "r"),
        "receiver first"
    );
    assert_eq!(run.params[1].ty, TypeHint::Context);
    let helper = f
        .funcs
        .iter()
        .find(|x| x.name.as_deref() == Some("helper"))
        .unwrap();
    assert!(!helper.exported);
    assert_ne!(helper.parent, Some(FuncId::TOP));
    let top = f
        .funcs
        .iter()
        .find(|x| x.name.as_deref() == Some("Top"))
        .unwrap();
    assert_eq!(
        top.params[2].ty,
        TypeHint::Safe,
        "int parameters carry no text"
    );
    assert!(top.params[3].rest);
}

#[test]
fn assignments_and_destructuring() {
    let src = r#"package p

func f(m map[string]any, ch chan string, xs []string) {
	a, b := "x", xs[0]
	out, err := run(a)
	v, ok := m["name"].(string)
	w, found := m[b]
	var s string = v
	var t, u = out, err
	var z int
	s += "suffix"
	z -= 1
	*ptr = s
	obj.Field = v
	xs[1] = w
	ch <- v
	select {
	case got := <-ch:
		use(got)
	default:
	}
	_, _, _, _ = ok, found, t, u
}
"#;
    insta::assert_snapshot!(dumped(src));
}

#[test]
fn control_flow() {
    let src = r#"package p

func f(name string, v any, xs []string, m map[string]string) {
	if err := check(name); err != nil {
		return
	} else if name == "" {
		panic("empty")
	} else {
		use(name)
	}
	switch name {
	case "a", "b":
		use(1)
		fallthrough
	default:
		use(2)
	}
	switch {
	case len(name) > 3:
		use(3)
	}
	switch t := v.(type) {
	case int:
		use(t)
	case string, []byte:
		use(t)
	default:
		use(t)
	}
	for i := 0; i < 10; i++ {
		if i == 2 {
			continue
		}
		break
	}
	for _, x := range xs {
		use(x)
	}
	for k, val := range m {
		use(k, val)
	}
	for i := range 3 {
		use(i)
	}
	for {
		break
	}
outer:
	for name != "" {
		break outer
	}
	{
		use(name)
	}
}
"#;
    insta::assert_snapshot!(dumped(src));
}

#[test]
fn string_building() {
    let src = r#"package p

import (
	"bytes"
	"fmt"
	"strings"
)

func f(host string, n int, parts []string) {
	a := "ping -c 4 " + host + " && echo done"
	b := fmt.Sprintf("ping -c %d %s 100%%", n, host)
	c := fmt.Sprintf("%[2]s-%[1]s %-10q", host, "x", host)
	d := fmt.Sprint("a", host)
	e := fmt.Sprintln("a", host)
	g := strings.Join([]string{"git", "log", host}, " ")
	h := strings.Join(parts, ",")
	i := fmt.Sprintf(format, host)
	j := host + host
	var sb strings.Builder
	sb.WriteString("echo ")
	sb.WriteString(host)
	fmt.Fprintf(&sb, " %s!", host)
	var buf bytes.Buffer
	buf.WriteString(host)
	k := x + y + z
	use(a, b, c, d, e, g, h, i, j, k, sb.String(), buf.String())
}
"#;
    insta::assert_snapshot!(dumped(src));
}

#[test]
fn member_and_index_access() {
    let src = r#"package p

func f(req Request, args map[string]any, xs []string, i int) {
	a := req.Params.Arguments["host"].(string)
	b := args[key]
	c := xs[1:i]
	d := args["n"].(float64)
	e := int(args["m"].(float64))
	g := []byte(a)
	h := string(g)
	k := (*req).Params
	use(a, b, c, d, e, g, h, k)
}
"#;
    insta::assert_snapshot!(dumped(src));
}

#[test]
fn calls_with_each_effect() {
    let src = r#"package p

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

func f(request mcp.CallToolRequest, p string) {
	name := request.GetString("name", "")
	n := request.GetInt("n", 0)
	args := request.GetArguments()
	exec.Command("sh", "-c", name).Run()
	os.ReadFile(p)
	http.Get(name)
	filepath.Base(p)
	strings.TrimSpace(p)
	filepath.Join("/srv", p)
	strconv.Atoi(p)
	unknown(p)
	use(n, args)
}
"#;
    insta::assert_snapshot!(dumped(src));
}

#[test]
fn imports_and_aliases() {
    let src = r#"package p

import (
	"fmt"
	osexec "os/exec"
	. "strings"
	_ "github.com/lib/pq"
	"gopkg.in/yaml.v3"
	"github.com/go-resty/resty/v2"
	"github.com/kballard/go-shellquote"
	"github.com/cyphar/filepath-securejoin"
	"github.com/mark3labs/mcp-go/mcp"
)

func f(x string, url string) {
	osexec.Command(x)
	shellquote.Join(x)
	securejoin.SecureJoin("/srv", x)
	yaml.Unmarshal([]byte(x), &v)
	fmt.Println(url)
	TrimSpace(x)
}

func g() {
	fmt := "shadowed"
	fmt.Println("not the package")
}
"#;
    let f = lower_go(src);
    insta::assert_snapshot!(dumped(src));
    let locals: Vec<&str> = f.imports.iter().map(|i| i.local.as_str()).collect();
    assert_eq!(
        locals,
        [
            "fmt",
            "osexec",
            ".",
            "_",
            "yaml",
            "resty",
            "shellquote",
            "securejoin",
            "mcp"
        ]
    );
    assert!(f.imports.iter().all(|i| i.member.is_none()));
    let qualified: Vec<String> = calls(&f)
        .iter()
        .filter_map(|c| c.qualified.clone())
        .collect();
    assert!(qualified.contains(&"os/exec.Command".to_string()));
    assert!(qualified.contains(&"github.com/kballard/go-shellquote.Join".to_string()));
    let shadowed = calls(&f)
        .into_iter()
        .find(|c| matches!(&c.args.first().map(|a| &a.value), Some(Expr::Lit(Lit::Str(s), _)) if s == "not the package"))
        .unwrap();
    assert_eq!(
        shadowed.qualified, None,
        "a local variable shadows the import"
    );
}

#[test]
fn guards() {
    let src = r#"package p

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

var allowedTools = map[string]bool{"ls": true, "pwd": true}
var allowedHosts = []string{"api.example.com"}

const root = "/srv/data"

func f(p, cmd, raw string) {
	full := filepath.Join(root, p)
	if !strings.HasPrefix(full, root+string(os.PathSeparator)) {
		return
	}
	if !strings.HasPrefix(filepath.Clean(p), root+"/") {
		return
	}
	prefix := root + string(filepath.Separator)
	if strings.HasPrefix(full, prefix) {
		use(full)
	}
	if !strings.HasPrefix(full, "/srv/data/") {
		return
	}
	// Not guards: no separator, a plain concatenation.
	if !strings.HasPrefix(full, root) {
		return
	}
	if !strings.HasPrefix(p, "/allowed") {
		return
	}
	joined := root + "/" + p
	if !strings.HasPrefix(joined, root+"/") {
		return
	}
	if !strings.HasPrefix(p, root+"/") {
		return
	}
	rel, err := filepath.Rel(root, full)
	if err != nil || strings.HasPrefix(rel, "..") {
		return
	}
	if !filepath.IsLocal(p) {
		return
	}
	if !slices.Contains([]string{"a", "b"}, cmd) {
		return
	}
	if _, ok := allowedTools[cmd]; !ok {
		return
	}
	if !allowedTools[cmd] {
		return
	}
	u, err := url.Parse(raw)
	if u.Host != "api.example.com" {
		return
	}
	if !slices.Contains(allowedHosts, u.Hostname()) {
		return
	}
	if !strings.HasPrefix(raw, "https://api.example.com/") {
		return
	}
	if !strings.HasPrefix(raw, "https://api.example.com") {
		return
	}
	if !validName.MatchString(cmd) {
		return
	}
	if !regexp.MustCompile(`^[a-z]+`).MatchString(cmd) {
		return
	}
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
"#;
    insta::assert_snapshot!(dumped(src));
}

#[test]
fn terminators() {
    let src = r#"package p

import (
	"log"
	"os"
	"testing"
)

func f(t *testing.T, logger Logger, err error) {
	if err != nil {
		panic(err)
	}
	if err != nil {
		log.Fatalf("failed: %v", err)
	}
	if err != nil {
		os.Exit(1)
	}
	if err != nil {
		logger.Fatal("x")
	}
	if err != nil {
		t.Fatal(err)
	}
	log.Printf("not a terminator")
}
"#;
    let out = dumped(src);
    insta::assert_snapshot!(out);
    assert_eq!(out.matches("throw").count(), 5);
}

// ---------------------------------------------------------------------------
// 2. Handler discovery

fn handler<'a>(f: &'a CodeFile, name: &str) -> &'a Handler {
    f.handlers
        .iter()
        .find(|h| h.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no handler {name}: {:#?}", f.handlers))
}

fn request(p: u16) -> SourceParam {
    SourceParam {
        param: p,
        role: SourceRole::Request,
        safe_fields: Vec::new(),
        name: None,
    }
}

#[test]
fn mcp_go_registrations() {
    let src = r#"package main

import (
	"context"

	"example.com/demo/tools"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const ToolList = "list_files"

type Handlers struct{}

func (h *Handlers) handleList(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return nil, nil
}

func newGrepTool() mcp.Tool {
	return mcp.NewTool("grep", mcp.WithDescription("Search files"))
}

type GrepArgs struct {
	Pattern string `json:"pattern"`
	Limit   int    `json:"limit"`
}

func grep(ctx context.Context, req mcp.CallToolRequest, args GrepArgs) (*mcp.CallToolResult, error) {
	return nil, nil
}

func main() {
	srv := server.NewMCPServer("demo", "1.0", server.WithInstructions("Use these tools carefully."))
	h := &Handlers{}
	srv.AddTool(mcp.NewTool(ToolList,
		mcp.WithDescription("List files in a directory"),
		mcp.WithString("dir", mcp.Required(), mcp.Description("The directory")),
		mcp.WithNumber("depth", mcp.Description("How deep")),
	), h.handleList)
	echo := mcp.NewTool("echo", mcp.WithDescription("Echo text"))
	srv.AddTool(echo, func(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText(request.GetString("text", "")), nil
	})
	srv.AddTool(newGrepTool(), mcp.NewTypedToolHandler(grep))
	srv.AddTool(mcp.NewTool("remote"), tools.Remote)
	srv.AddSessionTool(sessionID, mcp.NewTool("session_only"), tools.Remote)
	local := func(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil }
	srv.AddTool(mcp.NewTool("local"), local)
	srv.AddTools(server.ServerTool{
		Tool:    mcp.NewTool("ping", mcp.WithDescription("Ping a host")),
		Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil },
	})
	srv.AddPrompt(mcp.NewPrompt("summarize",
		mcp.WithPromptDescription("Summarize a text"),
		mcp.WithArgument("text", mcp.ArgumentDescription("The text")),
	), func(ctx context.Context, request mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return nil, nil
	})
	srv.AddResourceTemplate(mcp.NewResourceTemplate("file://{path}", "Files",
		mcp.WithTemplateDescription("A file by path"),
	), readTemplate)
	srv.AddResource(mcp.NewResource("docs://readme", "Readme",
		mcp.WithResourceDescription("The readme"),
	), readStatic)
}
"#;
    let f = lower_go(src);
    insta::assert_snapshot!(dump(&f, src));

    let list = handler(&f, "list_files");
    assert_eq!(list.kind, HandlerKind::Tool);
    assert_eq!(list.framework, "mcp-go");
    assert_eq!(
        list.description.as_deref(),
        Some("List files in a directory")
    );
    assert!(
        matches!(&list.func, HandlerFunc::Named { callee: Expr::Member { prop, .. } } if prop == "handleList")
    );
    assert_eq!(
        list.sources,
        vec![request(2)],
        "a method value counts its receiver"
    );
    // mcp-go does not validate arguments against the schema: no safe fields.
    assert!(list.sources[0].safe_fields.is_empty());

    let echo = handler(&f, "echo");
    assert!(matches!(echo.func, HandlerFunc::Local(_)));
    assert_eq!(echo.sources, vec![request(1)]);

    let grep = handler(&f, "grep");
    assert_eq!(grep.description.as_deref(), Some("Search files"));
    assert_eq!(grep.sources[1].role, SourceRole::Arguments);
    assert_eq!(grep.sources[1].safe_fields, vec!["Limit".to_string()]);

    let remote = handler(&f, "remote");
    assert_eq!(
        remote.sources,
        vec![request(1)],
        "a function of another package"
    );

    assert_eq!(handler(&f, "ping").sources, vec![request(1)]);
    let prompt = handler(&f, "summarize");
    assert_eq!(prompt.kind, HandlerKind::Prompt);
    assert_eq!(prompt.sources, vec![request(1)]);
    let res = handler(&f, "file://{path}");
    assert_eq!(res.kind, HandlerKind::Resource);
    assert!(
        f.handlers
            .iter()
            .all(|h| h.name.as_deref() != Some("docs://readme")),
        "static resources take no input"
    );
    assert_eq!(handler(&f, "session_only").sources, vec![request(1)]);
    assert!(matches!(handler(&f, "local").func, HandlerFunc::Local(_)));
    assert_eq!(
        f.handlers.len(),
        9,
        "a registered literal is not found again by its signature"
    );

    let descs: Vec<(DescriptionOf, &str)> = f
        .descriptions
        .iter()
        .map(|d| (d.of, d.text.as_str()))
        .collect();
    for want in [
        (DescriptionOf::Server, "Use these tools carefully."),
        (DescriptionOf::Tool, "List files in a directory"),
        (DescriptionOf::Parameter, "The directory"),
        (DescriptionOf::Parameter, "How deep"),
        (DescriptionOf::Prompt, "Summarize a text"),
        (DescriptionOf::Parameter, "The text"),
        (DescriptionOf::Resource, "A file by path"),
        (DescriptionOf::Resource, "The readme"),
    ] {
        assert!(descs.contains(&want), "missing {want:?} in {descs:?}");
    }
    let dir = f
        .descriptions
        .iter()
        .find(|d| d.text == "The directory")
        .unwrap();
    assert_eq!(dir.owner.as_deref(), Some("list_files"));
    assert_eq!(&src[dir.span.range()], "\"The directory\"");
}

#[test]
fn go_sdk_registrations() {
    let src = r#"package main

import (
	"context"
	"encoding/json"

	"example.com/demo/handlers"
	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type RunArgs struct {
	Cmd     string   `json:"cmd" jsonschema:"the command to run"`
	Timeout int      `json:"timeout" jsonschema:"seconds before giving up"`
	Verbose bool     `json:"verbose,omitempty"`
	Tags    []string `json:"tags"`
	Ports   []int    `json:"ports"`
	Data    []byte   `json:"data"`
}

func Run(ctx context.Context, req *mcp.CallToolRequest, args RunArgs) (*mcp.CallToolResult, any, error) {
	return nil, nil, nil
}

func Old(ctx context.Context, ss *mcp.ServerSession, params *mcp.CallToolParamsFor[RunArgs]) (*mcp.CallToolResultFor[any], error) {
	return nil, nil
}

func main() {
	server := mcp.NewServer(&mcp.Implementation{Name: "runner"}, &mcp.ServerOptions{Instructions: "Call run."})
	mcp.AddTool(server, &mcp.Tool{Name: "run", Description: "Run a command"}, Run)
	server.AddTool(&mcp.Tool{Name: "raw", Description: "Raw"}, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var a map[string]any
		if err := json.Unmarshal(req.Params.Arguments, &a); err != nil {
			return nil, err
		}
		return nil, nil
	})
	server.AddTools(mcp.NewServerTool("old", "The old way", Old))
	server.AddPrompt(&mcp.Prompt{Name: "greet", Description: "Greet", Arguments: []*mcp.PromptArgument{{Name: "name", Description: "Who to greet"}}}, prompt)
	server.AddResourceTemplate(&mcp.ResourceTemplate{Name: "files", URITemplate: "file:///{path}", Description: "Files"}, readFile)
	mcp.AddTool(server, &mcp.Tool{Name: "schema", InputSchema: &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{"q": {Type: "string", Description: "The query"}}}}, handlers.Query)
}
"#;
    let f = lower_go(src);
    insta::assert_snapshot!(dump(&f, src));
    let run = handler(&f, "run");
    assert_eq!(run.framework, "go-sdk");
    assert_eq!(run.sources[0], request(1));
    assert_eq!(run.sources[1].param, 2);
    assert_eq!(run.sources[1].role, SourceRole::Arguments);
    assert_eq!(
        run.sources[1].safe_fields,
        vec!["Timeout", "Verbose", "Ports"]
    );
    let run_fn = f
        .funcs
        .iter()
        .find(|x| x.name.as_deref() == Some("Run"))
        .unwrap();
    assert_eq!(run_fn.params[2].ty, TypeHint::Named("RunArgs".into()));
    assert_eq!(handler(&f, "raw").sources, vec![request(1)]);
    let old = handler(&f, "old");
    assert_eq!(old.description.as_deref(), Some("The old way"));
    assert_eq!(old.sources[0].param, 2);
    assert_eq!(
        old.sources[0].safe_fields,
        vec!["Timeout", "Verbose", "Ports"]
    );
    assert_eq!(handler(&f, "greet").kind, HandlerKind::Prompt);
    assert_eq!(handler(&f, "file:///{path}").kind, HandlerKind::Resource);
    let schema = handler(&f, "schema");
    assert_eq!(schema.sources.len(), 2, "typed handler of another package");
    let tag = f
        .descriptions
        .iter()
        .find(|d| d.text == "the command to run")
        .unwrap();
    assert_eq!(tag.owner.as_deref(), Some("run"));
    assert_eq!(tag.of, DescriptionOf::Parameter);
    for t in [
        "Call run.",
        "Run a command",
        "Who to greet",
        "The query",
        "seconds before giving up",
    ] {
        assert!(f.descriptions.iter().any(|d| d.text == t), "missing {t}");
    }
}

#[test]
fn tool_factories_register_their_literal() {
    // github-mcp-server's style: a function returns the tool and its handler.
    let src = r#"package github

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func GetFile(getClient GetClientFn) (tool mcp.Tool, handler server.ToolHandlerFunc) {
	return mcp.NewTool("get_file",
			mcp.WithDescription("Get a file"),
			mcp.WithString("path", mcp.Required(), mcp.Description("File path")),
		),
		func(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			path, err := requiredParam[string](request, "path")
			return nil, err
		}
}

func Middleware(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return next(ctx, req)
	}
}

func notAHandler() func(string) { return func(s string) {} }
"#;
    let f = lower_go(src);
    let get = handler(&f, "get_file");
    assert_eq!(get.description.as_deref(), Some("Get a file"));
    assert!(matches!(get.func, HandlerFunc::Local(_)));
    assert_eq!(get.sources, vec![request(1)]);
    // The middleware's literal takes a request too (no name, no sinks).
    assert_eq!(f.handlers.len(), 2);
    assert_eq!(f.handlers[1].name, None);
}

#[test]
fn handlers_need_an_mcp_import() {
    let src = r#"package p

func main() {
	registry.AddTool(tool, handle)
}
"#;
    assert!(lower_go(src).handlers.is_empty());
}

// ---------------------------------------------------------------------------
// 3. Catalogue

/// Lower `call` inside a function with every package imported and the
/// parameters `x string`, `ctx context.Context`, `db *sql.DB`, `n int`.
fn call_dump(call: &str) -> String {
    let src = format!(
        r#"package p

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/ioutil"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"plugin"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/alessio/shellescape"
	"github.com/cyphar/filepath-securejoin"
	"github.com/go-resty/resty/v2"
	"github.com/kballard/go-shellquote"
	"github.com/lib/pq"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mitchellh/mapstructure"
	"regexp"
)

func f(x string, ctx context.Context, db *sql.DB, n int, xs []string, request Req, client *http.Client) {{
	{call}
}}
"#
    );
    dumped(&src)
}

#[test]
fn catalogue_entries() {
    let table: &[(&str, &str)] = &[
        // processes
        (
            r#"exec.Command("sh", "-c", x)"#,
            r#"Shell@2 "exec.Command(\"sh\", \"-c\", …)""#,
        ),
        (r#"exec.Command("/bin/bash", "-lc", x)"#, "Shell@2"),
        (r#"exec.Command("cmd", "/c", "dir", x)"#, "Shell@3"),
        (r#"exec.Command("powershell", "-Command", x)"#, "Shell@2"),
        (
            r#"exec.CommandContext(ctx, "zsh", "-c", "ls "+x)"#,
            "Shell@3",
        ),
        (r#"exec.Command("sh", "-c", "echo $1", "sh", x)"#, "!clean"),
        (r#"exec.Command("python3", "-c", x)"#, "Eval@2"),
        (r#"exec.Command("node", "-e", x)"#, "Eval@2"),
        (
            r#"exec.Command(os.Getenv("SHELL"), "-c", x)"#,
            "Program@0 \"exec.Command\"; Shell@2",
        ),
        (r#"exec.Command(x)"#, "Program@0"),
        (
            r#"exec.Command("git", "log", x)"#,
            "ProgramArg { after_dashes: false }@2",
        ),
        (
            r#"exec.Command("git", "log", "--", x)"#,
            "ProgramArg { after_dashes: true }@3",
        ),
        (r#"exec.Command("git", xs...)"#, "ProgramArgs@1.."),
        (
            r#"exec.Command("git", []string{"log", x}...)"#,
            "ProgramArg { after_dashes: false }@1[1]",
        ),
        (r#"exec.Command("bash", x)"#, "Program@1"),
        (r#"exec.CommandContext(ctx, x, "a")"#, "Program@1"),
        (
            r#"syscall.Exec("/bin/sh", []string{"sh", "-c", x}, nil)"#,
            "Shell@1[2]",
        ),
        (
            r#"os.StartProcess(x, xs, nil)"#,
            "Program@0 \"os.StartProcess\"; ProgramArgs@1",
        ),
        (
            "shell, flag := \"sh\", \"-c\"\n\tif n > 0 {\n\t\tshell, flag = \"cmd\", \"/C\"\n\t}\n\texec.Command(shell, flag, x)",
            "!sink[Shell@2",
        ),
        (
            "prog := \"git\"\n\texec.Command(prog, \"log\", x)",
            "!sink[ProgramArg { after_dashes: false }@2",
        ),
        (
            "prog := \"git\"\n\tprog = x\n\texec.Command(prog, \"log\")",
            "!sink[Program@0",
        ),
        (
            "session, _ := conn.NewSession()\n\tsession.CombinedOutput(\"ls \" + x)",
            "Shell@0 \"ssh.Session.CombinedOutput\"",
        ),
        (r#"plugin.Open(x)"#, "Program@0 \"plugin.Open\""),
        // paths
        ("os.Open(x)", "Path(Read)@0"),
        ("os.OpenFile(x, os.O_RDONLY, 0)", "Path(Read)@0"),
        (
            "os.OpenFile(x, os.O_CREATE|os.O_WRONLY, 0o644)",
            "Path(Write)@0",
        ),
        ("os.OpenFile(x, flags, 0)", "Path(Open)@0"),
        ("os.ReadFile(x)", "Path(Read)@0"),
        ("os.WriteFile(x, nil, 0o644)", "Path(Write)@0"),
        ("os.Create(x)", "Path(Write)@0"),
        ("os.Remove(x)", "Path(Delete)@0"),
        ("os.RemoveAll(x)", "Path(Delete)@0"),
        ("os.ReadDir(x)", "Path(List)@0"),
        ("os.Mkdir(x, 0o755)", "Path(Write)@0"),
        ("os.MkdirAll(x, 0o755)", "Path(Write)@0"),
        (
            "os.Rename(x, x)",
            "Path(Delete)@0 \"os.Rename\"; Path(Write)@1",
        ),
        ("os.DirFS(x)", "Path(Read)@0"),
        ("ioutil.ReadFile(x)", "Path(Read)@0"),
        ("ioutil.WriteFile(x, nil, 0)", "Path(Write)@0"),
        ("ioutil.ReadDir(x)", "Path(List)@0"),
        ("http.ServeFile(w, r, x)", "Path(Serve)@2"),
        ("filepath.WalkDir(x, fn)", "Path(List)@0"),
        // not sinks: existence checks
        ("os.Stat(x)", "os.Stat(x) <os.Stat>\n"),
        ("os.Lstat(x)", "os.Lstat(x) <os.Lstat>\n"),
        // URLs
        ("http.Get(x)", "Url@0 \"http.Get\""),
        ("http.Post(x, \"text/plain\", nil)", "Url@0"),
        ("http.Head(x)", "Url@0"),
        ("http.PostForm(x, nil)", "Url@0"),
        ("http.NewRequest(\"GET\", x, nil)", "Url@1"),
        ("http.NewRequestWithContext(ctx, \"GET\", x, nil)", "Url@2"),
        ("net.Dial(\"tcp\", x)", "Url@1"),
        ("client.Get(x)", "Url@0 \"http.Client.Get\""),
        ("http.DefaultClient.Get(x)", "Url@0"),
        ("client.Do(req)", "client.Do(req)\n"),
        ("resty.New().R().Get(x)", "Url@0 \"resty Get\""),
        ("cache.Get(x)", "cache.Get(x)\n"),
        // SQL
        ("db.Query(x)", "Sql@0"),
        ("db.QueryRow(\"SELECT 1 WHERE a = ?\", x)", "Sql@0"),
        ("db.Exec(x)", "Sql@0"),
        ("db.QueryContext(ctx, x)", "Sql@1"),
        ("db.ExecContext(ctx, x)", "Sql@1"),
        ("db.QueryRowContext(ctx, x)", "Sql@1"),
        ("db.Prepare(x)", "Sql@0"),
        ("db.PrepareContext(ctx, x)", "Sql@1"),
        ("pool.Query(ctx, x)", "Sql@1"),
        ("tx.Exec(x)", "Sql@0"),
        ("s.db.Raw(x)", "Sql@0"),
        ("gormDB.Where(x).Find(&out)", "Sql@0"),
        ("sqlxDB.Select(&out, x)", "Sql@1"),
        ("ctx.Exec(x)", "ctx.Exec(x)\n"),
        // sanitizers
        ("filepath.Base(x)", "!sanitize[path 0]"),
        ("path.Base(x)", "!sanitize[path 0]"),
        ("securejoin.SecureJoin(\"/srv\", x)", "!sanitize[path 1]"),
        ("shellescape.Quote(x)", "!sanitize[shell 0..]"),
        ("shellquote.Join(x, x)", "!sanitize[shell 0..]"),
        ("url.QueryEscape(x)", "!sanitize[shell|sql 0]"),
        ("pq.QuoteLiteral(x)", "!sanitize[sql 0]"),
        // clean
        ("strconv.Atoi(x)", "!clean"),
        ("strconv.ParseInt(x, 10, 64)", "!clean"),
        ("strconv.ParseFloat(x, 64)", "!clean"),
        ("strconv.ParseBool(x)", "!clean"),
        ("net.ParseIP(x)", "!clean"),
        ("hex.EncodeToString(sha256.Sum256(x))", "!clean"),
        ("len(x)", "len(x) !clean"),
        ("request.GetInt(\"n\", 0)", "!clean"),
        ("request.GetFloat(\"n\", 0)", "!clean"),
        ("request.GetBool(\"n\", false)", "!clean"),
        ("request.RequireInt(\"n\")", "!clean"),
        // argument reads
        ("request.GetString(\"host\", \"\")", "!argument[0]"),
        ("request.RequireString(\"host\")", "!argument[0]"),
        ("request.GetStringSlice(\"hosts\", nil)", "!argument[0]"),
        ("request.GetArguments()", "!propagate[recv whole]"),
        // propagators
        ("strings.TrimSpace(x)", "!propagate[0 whole]"),
        ("strings.ToLower(x)", "!propagate[0 whole]"),
        ("strings.TrimPrefix(x, \"-\")", "!propagate[0 whole]"),
        ("filepath.Clean(x)", "!propagate[0 whole]"),
        ("url.Parse(x)", "!propagate[0 whole]"),
        ("bytes.NewBufferString(x)", "!propagate[0 whole]"),
        ("filepath.Join(\"/srv\", x)", "!propagate[0..]"),
        ("path.Join(\"/srv\", x)", "!propagate[0..]"),
        ("filepath.Abs(x)", "!propagate[0]"),
        ("filepath.Rel(\"/srv\", x)", "!propagate[1]"),
        ("strings.Split(x, \" \")", "!propagate[0]"),
        ("strings.Fields(x)", "!propagate[0]"),
        ("strings.ReplaceAll(x, \"a\", x)", "!propagate[0,2]"),
        ("url.PathEscape(x)", "!propagate[0]"),
        ("io.ReadAll(r)", "!propagate[0]"),
        ("append(xs, x)", "!propagate[0..]"),
        // string building
        ("fmt.Sprintf(\"ping %s\", x)", "tpl(\"ping \" ++ x)"),
        (
            "strings.Join([]string{\"a\", x}, \" \")",
            "tpl(\"a\" ++ \" \" ++ x)",
        ),
        // out-parameters
        (
            "json.Unmarshal([]byte(x), &v)",
            "v = Unmarshal(x) <encoding/json.Unmarshal> !propagate[0 whole]",
        ),
        ("mapstructure.Decode(x, &v)", "v = Decode(x)"),
        (
            "request.BindArguments(&v)",
            "v = request.BindArguments() !propagate[recv whole]",
        ),
        (
            "json.NewDecoder(r).Decode(&v)",
            "v = json.NewDecoder(r) <encoding/json.NewDecoder>.Decode() !propagate[recv whole]",
        ),
        ("mcp.ParseString(request, \"host\", \"\")", "request.ParseString(\"host\", \"\") <github.com/mark3labs/mcp-go/mcp.ParseString> !argument[0]"),
        ("mcp.ParseInt(request, \"n\", 0)", "!clean"),
        // generic functions
        ("requiredParam[string](request, \"path\")", "requiredParam(request, \"path\")"),
        ("optional[int](request)", "optional(request)"),
        // guards
        (
            "re := regexp.MustCompile(\"^[a-z0-9-]+$\")\n\tif !re.MatchString(x) {\n\t\treturn\n\t}",
            "Not(guard[shell|path](x))",
        ),
        ("regexp.MatchString(`^\\d+$`, x)", "guard[shell|path|sql](x)"),
        ("regexp.MatchString(`^.+$`, x)", "!clean"),
        ("slices.Contains(xs, x)", "guard[all](x)"),
        ("filepath.IsLocal(x)", "guard[path](x)"),
        ("strings.HasPrefix(filepath.Clean(x), \"/srv/\")", "guard[path](x)"),
        ("strings.HasPrefix(x, \"/srv/\")", "!clean"),
        ("strings.HasPrefix(x, \"/srv\")", "!clean"),
    ];
    let mut failures = Vec::new();
    for (call, want) in table {
        let out = call_dump(call);
        if !out.contains(want) {
            failures.push(format!("{call}\n  want: {want}\n  got:\n{out}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn acceptance_case_go_mcpgo() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/acceptance/cases/code-go-mcpgo/repo/cmd/netdiag/main.go"
    );
    let Ok(src) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} not found");
        return;
    };
    let f = lower_go(&src);
    let ping = handler(&f, "ping");
    assert_eq!(ping.sources, vec![request(1)]);
    assert_eq!(ping.framework, "mcp-go");
    assert!(
        matches!(&ping.func, HandlerFunc::Named { callee: Expr::Name(n, _) } if n == "pingHandler")
    );
    assert_eq!(handler(&f, "fetch_status").sources, vec![request(1)]);

    let all = calls(&f);
    let command = all
        .iter()
        .find(|c| c.qualified.as_deref() == Some("os/exec.CommandContext"))
        .unwrap();
    let Effect::Sinks(sites) = &command.effect else {
        panic!("not a sink: {:?}", command.effect)
    };
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].kind, SinkKind::Shell);
    assert_eq!(sites[0].at, ArgRef::Arg(3));
    let Expr::Template { parts, .. } = &command.args[3].value else {
        panic!("not a template: {:?}", command.args[3].value)
    };
    assert!(matches!(&parts[0], Expr::Lit(Lit::Str(s), _) if s == "ping -c 4 "));
    assert!(matches!(&parts[1], Expr::Name(n, _) if n == "host"));
    let line = |s: crate_span::Span| src[..s.start as usize].matches('\n').count() + 1;
    assert_eq!(line(command.span), 39);

    let get = all
        .iter()
        .find(|c| c.qualified.as_deref() == Some("net/http.Get"))
        .unwrap();
    assert_eq!(
        get.effect,
        Effect::Sinks(vec![SinkSite {
            kind: SinkKind::Url,
            at: ArgRef::Arg(0),
            what: "http.Get".into()
        }])
    );
    assert_eq!(line(get.span), 48);
    let read = all
        .iter()
        .find(|c| c.callee_name() == Some("RequireString"))
        .unwrap();
    assert_eq!(
        read.effect,
        Effect::Argument {
            name: ArgRef::Arg(0)
        }
    );
}

mod crate_span {
    pub use skillaudit_model::Span;
}

// ---------------------------------------------------------------------------
// 4. Hostile input

fn lower_checked(path: &str, src: &str) -> Option<CodeFile> {
    syntax_code::check(path, src).ok()?;
    let parsed = syntax_code::parse(Lang::Go, src).ok()?;
    Some(lower::lower(&parsed, src))
}

#[test]
fn deep_nesting_is_bounded() {
    let n = 10_000;
    let cases = [
        format!("package p\nvar x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        format!("package p\nvar x = {}y\n", "!".repeat(n)),
        format!("package p\nvar x = {}1\n", "1 + ".repeat(n)),
        format!("package p\nvar x = {}1{}\n", "f(".repeat(n), ")".repeat(n)),
        format!(
            "package p\nvar x = {}1{}\n",
            "[]any{".repeat(n),
            "}".repeat(n)
        ),
        format!(
            "package p\nfunc f() {{ {} }}\n",
            "{".repeat(n) + &"}".repeat(n)
        ),
        format!(
            "package p\nvar x = {}1{}\n",
            "func() any { return ".repeat(2000),
            " }".repeat(2000)
        ),
        format!(
            "package p\nfunc f() {{ {} = 1 }}\n",
            "*(".repeat(n) + "p" + &")".repeat(n)
        ),
        format!(
            "package p\nfunc f() {{ strings.HasPrefix({}p{}, root+\"/\") }}\n",
            "filepath.Clean(".repeat(n),
            ")".repeat(n)
        ),
        format!(
            "package p\nimport \"github.com/mark3labs/mcp-go/server\"\nvar d = server.WithInstructions({}\"a\"{})\n",
            "(\"a\" + ".repeat(n),
            ")".repeat(n)
        ),
        format!(
            "package p\nimport \"os/exec\"\nfunc f() {{ exec.Command({}\"a\"{}) }}\n",
            "(\"a\" + ".repeat(n),
            ")".repeat(n)
        ),
    ];
    for src in &cases {
        // One long line: `check` would skip it as minified; lower it anyway.
        let f = lower_go(src);
        let _ = dump(&f, src);
    }
    let deep = lower_go(&cases[0]);
    assert!(deep.truncated.is_some(), "the depth limit is reported");
}

#[test]
fn long_lines_and_bad_bytes() {
    // A 5 MB line is skipped by the size/minified check.
    let huge = format!("package p\nvar x = \"{}\"\n", "a".repeat(5 << 20));
    assert!(syntax_code::check("x.go", &huge).is_err());
    // A valid 200 KB single-line file is lowered.
    let mut line = String::from("package p; func f() { ");
    while line.len() < 200_000 {
        line.push_str("a := g(\"x\" + b); ");
    }
    line.push('}');
    let parsed = syntax_code::parse(Lang::Go, &line).unwrap();
    let f = lower::lower(&parsed, &line);
    assert!(f.funcs.len() == 2 && f.funcs[1].body.len() > 5_000);
    // Invalid UTF-8, decoded lossily.
    let bytes = b"package p\nfunc f() { x := \"\xff\xfe\" + y; exec.Command(\"sh\", \"-c\", x) }\n";
    let text = String::from_utf8_lossy(bytes);
    let _ = dump(&lower_go(&text), &text);
    // Empty and garbage files.
    assert_eq!(lower_go("").funcs.len(), 1);
    let garbage = "}}}{{{ ))) ((( func func := := \"\"\" ` import ( package";
    let _ = dump(&lower_go(garbage), garbage);
    let errors = "@@@ ### $$$ %%% ^^^ &&& ~~~ ??? !!! ;;; @@@";
    let _ = dump(&lower_go(errors), errors);
}

// ---------------------------------------------------------------------------
// 5. The corpus

#[test]
fn corpus_go_files_lower() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");
    if !std::path::Path::new(root).is_dir() {
        eprintln!("skipped: no corpus at {root}");
        return;
    }
    let mut files = 0;
    let mut named = 0;
    let mut total = 0;
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|x| x.to_str()) != Some("go") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let Some(f) = lower_checked(&p.to_string_lossy(), &text) else {
                continue;
            };
            let _ = dump(&f, &text);
            files += 1;
            total += f.handlers.len();
            named += f.handlers.iter().filter(|h| h.name.is_some()).count();
        }
    }
    // korotovsky/slack-mcp-server registers 16 tools in pkg/server/server.go
    // and one in its server test; the other Go handlers are middleware and
    // test literals taking a CallToolRequest.
    assert!(files >= 30, "{files} Go files");
    assert!(named >= 17, "{named} named handlers");
    assert!(total >= named);
}
