//! Handler discovery, per registration style.

use skillaudit_model::code::dump::dump;
use skillaudit_model::code::ir::*;

use crate::*;

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
