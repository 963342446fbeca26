//! One snapshot per construct family.

use skillaudit_model::code::ir::*;

use crate::*;

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
