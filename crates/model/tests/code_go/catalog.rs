//! The catalogue, entry by entry, and the shared acceptance case.

use skillaudit_model::code::ir::*;

use crate::*;

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
