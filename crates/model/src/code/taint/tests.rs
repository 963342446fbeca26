//! Engine tests on hand-built IR (the frontends' own tests cover lowering;
//! the rules' fixtures cover both together).

use super::*;
use crate::code::resolve::CodeUnit;
use crate::{FileId, Span};

fn sp(n: usize) -> Span {
    Span::new(n, n + 1)
}

fn name(n: &str) -> Expr {
    Expr::Name(n.into(), sp(0))
}

fn lit(s: &str) -> Expr {
    Expr::Lit(Lit::Str(s.into()), sp(0))
}

fn member(o: Expr, p: &str) -> Expr {
    Expr::Member {
        obj: Box::new(o),
        prop: p.into(),
        span: sp(0),
    }
}

fn tpl(parts: Vec<Expr>) -> Expr {
    Expr::Template { parts, span: sp(0) }
}

fn call(callee: Expr, args: Vec<Expr>, effect: Effect, at: usize) -> Expr {
    Expr::Call(Box::new(Call {
        callee,
        args: args
            .into_iter()
            .map(|value| Arg {
                name: None,
                value,
                spread: false,
            })
            .collect(),
        span: sp(at),
        new: false,
        qualified: None,
        effect,
    }))
}

fn sink(kind: SinkKind, at: ArgRef) -> Effect {
    Effect::Sinks(vec![SinkSite {
        kind,
        at,
        what: "sink".into(),
    }])
}

fn exec(arg: Expr, at: usize) -> Stmt {
    Stmt::Expr(call(
        name("execSync"),
        vec![arg],
        sink(SinkKind::Shell, ArgRef::Arg(0)),
        at,
    ))
}

fn param(n: &str) -> Param {
    Param {
        pattern: Pattern::Name(n.into(), sp(1)),
        span: sp(1),
        rest: false,
        ty: TypeHint::Unknown,
        default: None,
    }
}

fn func(name: &str, params: Vec<Param>, body: Vec<Stmt>) -> Func {
    Func {
        name: Some(name.into()),
        parent: Some(FuncId::TOP),
        exported: true,
        params,
        body,
        ..Func::default()
    }
}

/// A unit with a top level, the given functions (ids 1..) and a tool
/// handler on function 1 whose param 0 is one argument named after it.
fn unit(path: &str, funcs: Vec<Func>, tool: Option<&str>) -> CodeUnit {
    let mut code = CodeFile {
        lang: Some(Lang::TypeScript),
        funcs: vec![Func::default()],
        ..CodeFile::default()
    };
    code.funcs.extend(funcs);
    if let Some(t) = tool {
        let pname = match &code.funcs[1].params[0].pattern {
            Pattern::Name(n, _) => Some(n.clone()),
            _ => None,
        };
        code.handlers.push(Handler {
            kind: HandlerKind::Tool,
            name: Some(t.into()),
            span: sp(0),
            func: HandlerFunc::Local(FuncId(1)),
            sources: vec![SourceParam {
                param: 0,
                role: SourceRole::Arguments,
                safe_fields: Vec::new(),
                name: pname,
            }],
            description: None,
            framework: "test",
        });
    }
    CodeUnit {
        file: FileId(0),
        path: path.into(),
        code,
        test: false,
    }
}

#[test]
fn interpolated_argument_reaches_a_shell() {
    let u = unit(
        "a.ts",
        vec![func(
            "h",
            vec![param("repo")],
            vec![
                Stmt::Assign {
                    target: Pattern::Name("cmd".into(), sp(5)),
                    value: tpl(vec![lit("git -C "), name("repo"), lit(" log")]),
                    span: sp(5),
                },
                exec(name("cmd"), 9),
            ],
        )],
        Some("git_log"),
    );
    let a = analyse(&[u]);
    assert_eq!(a.flows.len(), 1, "{:#?}", a.flows);
    let f = &a.flows[0];
    assert_eq!(f.sink.span, sp(9));
    assert_eq!(f.tool.as_deref(), Some("git_log"));
    assert_eq!(f.argument.as_deref(), Some("repo"));
    assert!(!f.attrs.whole && f.attrs.prefixed);
    assert_eq!(f.confidence, FlowConfidence::High);
    let msgs: Vec<&str> = f.steps.iter().map(|s| s.message.as_str()).collect();
    assert_eq!(msgs, ["tool argument `repo`", "assigned to `cmd`"]);
}

#[test]
fn the_whole_argument_as_a_command_stays_whole() {
    let u = unit(
        "a.ts",
        vec![func(
            "h",
            vec![param("command")],
            vec![exec(name("command"), 3)],
        )],
        Some("run"),
    );
    let a = analyse(&[u]);
    assert_eq!(a.flows.len(), 1);
    assert!(a.flows[0].attrs.whole);
}

#[test]
fn a_guard_with_a_throw_protects_what_follows() {
    let guard = Expr::Guard {
        subject: Box::new(name("p")),
        kinds: Kinds::PATH,
        check: Box::new(name("p")),
        span: sp(0),
    };
    let read = |at| {
        Stmt::Expr(call(
            name("readFile"),
            vec![name("p")],
            sink(SinkKind::Path(FileOp::Read), ArgRef::Arg(0)),
            at,
        ))
    };
    let guarded = unit(
        "a.ts",
        vec![func(
            "h",
            vec![param("p")],
            vec![
                Stmt::If {
                    cond: Expr::Unary {
                        op: UnOp::Not,
                        expr: Box::new(guard.clone()),
                        span: sp(0),
                    },
                    then: vec![Stmt::Throw(None, sp(0))],
                    els: vec![],
                    span: sp(0),
                },
                read(7),
            ],
        )],
        Some("read"),
    );
    assert!(analyse(&[guarded]).flows.is_empty());
    // Without the throw, the read after the `if` is reachable unchecked.
    let unguarded = unit(
        "a.ts",
        vec![func(
            "h",
            vec![param("p")],
            vec![
                Stmt::If {
                    cond: Expr::Unary {
                        op: UnOp::Not,
                        expr: Box::new(guard),
                        span: sp(0),
                    },
                    then: vec![Stmt::Expr(call(name("log"), vec![], Effect::Unknown, 2))],
                    els: vec![],
                    span: sp(0),
                },
                read(7),
            ],
        )],
        Some("read"),
    );
    assert_eq!(analyse(&[unguarded]).flows.len(), 1);
}

#[test]
fn flows_cross_files_through_summaries() {
    let handler = unit(
        "src/index.ts",
        vec![func(
            "h",
            vec![param("host")],
            vec![Stmt::Expr(call(
                name("ping"),
                vec![name("host")],
                Effect::Unknown,
                4,
            ))],
        )],
        Some("ping"),
    );
    let mut handler = handler;
    handler.code.imports.push(Import {
        local: "ping".into(),
        module: "./net.js".into(),
        member: Some("ping".into()),
        span: sp(0),
    });
    let helper = unit(
        "src/net.ts",
        vec![func(
            "ping",
            vec![param("target")],
            vec![exec(tpl(vec![lit("ping -c 4 "), name("target")]), 20)],
        )],
        None,
    );
    let a = analyse(&[handler, helper]);
    let handler_flows: Vec<_> = a
        .flows
        .iter()
        .filter(|f| f.confidence == FlowConfidence::High)
        .collect();
    assert_eq!(handler_flows.len(), 1, "{:#?}", a.flows);
    let f = handler_flows[0];
    assert_eq!(f.sink.unit, 1);
    assert_eq!(f.sink.span, sp(20));
    let msgs: Vec<&str> = f.steps.iter().map(|s| s.message.as_str()).collect();
    assert_eq!(msgs, ["tool argument `host`", "passed to `ping`"]);
    // The helper is called, so it is not also an untraced finding.
    assert_eq!(a.flows.len(), 1);
}

#[test]
fn uncalled_helpers_interpolating_a_parameter_are_medium() {
    let helper = unit(
        "src/git.ts",
        vec![
            func(
                "gitLog",
                vec![param("repo")],
                vec![exec(tpl(vec![lit("git -C "), name("repo")]), 3)],
            ),
            // The whole command from a parameter: a generic runner, not flagged.
            func("run", vec![param("cmd")], vec![exec(name("cmd"), 6)]),
        ],
        None,
    );
    let a = analyse(&[helper]);
    assert_eq!(a.flows.len(), 1, "{:#?}", a.flows);
    assert_eq!(a.flows[0].confidence, FlowConfidence::Medium);
    assert_eq!(a.flows[0].argument.as_deref(), Some("repo"));
}

#[test]
fn safe_fields_and_fixed_origins_do_not_flow() {
    let mut u = unit(
        "a.ts",
        vec![func(
            "h",
            vec![param("args")],
            vec![
                exec(tpl(vec![lit("kill "), member(name("args"), "pid")]), 3),
                Stmt::Expr(call(
                    name("fetch"),
                    vec![tpl(vec![
                        lit("https://tracker.example.com/api/issues/"),
                        member(name("args"), "id"),
                    ])],
                    sink(SinkKind::Url, ArgRef::Arg(0)),
                    4,
                )),
                Stmt::Expr(call(
                    name("fetch"),
                    vec![member(name("args"), "url")],
                    sink(SinkKind::Url, ArgRef::Arg(0)),
                    5,
                )),
            ],
        )],
        Some("t"),
    );
    u.code.handlers[0].sources[0].name = None;
    u.code.handlers[0].sources[0].safe_fields = vec!["pid".into()];
    let a = analyse(&[u]);
    assert_eq!(a.flows.len(), 1, "{:#?}", a.flows);
    assert_eq!(a.flows[0].sink.span, sp(5));
    assert_eq!(a.flows[0].argument.as_deref(), Some("url"));
}

#[test]
fn sql_text_is_injection_only_when_built() {
    let q = |arg: Expr, at| {
        Stmt::Expr(call(
            member(name("db"), "query"),
            vec![arg],
            sink(SinkKind::Sql, ArgRef::Arg(0)),
            at,
        ))
    };
    let u = unit(
        "a.ts",
        vec![func(
            "h",
            vec![param("sql")],
            vec![
                q(name("sql"), 3),
                q(
                    tpl(vec![
                        lit("SELECT * FROM t WHERE a = '"),
                        name("sql"),
                        lit("'"),
                    ]),
                    4,
                ),
            ],
        )],
        Some("query"),
    );
    let a = analyse(&[u]);
    assert_eq!(a.flows.len(), 1);
    assert_eq!(a.flows[0].sink.span, sp(4));
}

#[test]
fn dispatchers_name_the_tool_of_each_branch() {
    let mut u = unit(
        "a.ts",
        vec![func(
            "h",
            vec![param("request")],
            vec![Stmt::Switch {
                on: Some(member(member(name("request"), "params"), "name")),
                cases: vec![Case {
                    tests: vec![lit("run_it")],
                    body: vec![exec(
                        tpl(vec![
                            lit("echo "),
                            member(
                                member(member(name("request"), "params"), "arguments"),
                                "text",
                            ),
                        ]),
                        8,
                    )],
                }],
                span: sp(0),
            }],
        )],
        Some("x"),
    );
    u.code.handlers[0].kind = HandlerKind::Dispatch;
    u.code.handlers[0].name = None;
    u.code.handlers[0].sources[0].role = SourceRole::Request;
    u.code.handlers[0].sources[0].name = None;
    let a = analyse(&[u]);
    assert_eq!(a.flows.len(), 1, "{:#?}", a.flows);
    assert_eq!(a.flows[0].tool.as_deref(), Some("run_it"));
    assert_eq!(a.flows[0].argument.as_deref(), Some("text"));
}

#[test]
fn long_call_chains_and_recursion_are_bounded() {
    // 20,000 functions each calling the next, the last running a shell,
    // plus mutual recursion: finishes, finds the flow through the chain.
    let n = 20_000;
    let mut funcs = vec![func(
        "h",
        vec![param("x")],
        vec![Stmt::Expr(call(
            name("f1"),
            vec![name("x")],
            Effect::Unknown,
            2,
        ))],
    )];
    for i in 1..n {
        funcs.push(func(
            &format!("f{i}"),
            vec![param("x")],
            vec![
                Stmt::Expr(call(
                    name(&format!("f{}", i + 1)),
                    vec![name("x")],
                    Effect::Unknown,
                    3,
                )),
                Stmt::Expr(call(
                    name(&format!("f{}", i.max(2) - 1)),
                    vec![name("x")],
                    Effect::Unknown,
                    4,
                )),
            ],
        ));
    }
    funcs.push(func(
        &format!("f{n}"),
        vec![param("x")],
        vec![exec(tpl(vec![lit("echo "), name("x")]), 99)],
    ));
    let u = unit("a.ts", funcs, Some("deep"));
    let a = analyse(&[u]);
    assert!(a
        .flows
        .iter()
        .any(|f| f.sink.span == sp(99) && f.confidence == FlowConfidence::High));
}
