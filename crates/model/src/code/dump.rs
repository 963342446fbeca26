//! A stable, compact text rendering of a [`CodeFile`] for snapshot tests
//! and debugging (`skillaudit debug-code FILE` prints it). Spans are shown
//! as the source text they cover when short, so snapshots read like code.

use std::fmt::Write;

use super::ir::*;

/// Render a lowered file. `src` is the file's text (for names of spans).
pub fn dump(file: &CodeFile, src: &str) -> String {
    let mut d = Dumper {
        out: String::new(),
        src,
    };
    for i in &file.imports {
        let _ = writeln!(
            d.out,
            "import {} = {}{}",
            i.local,
            i.module,
            i.member
                .as_deref()
                .map(|m| format!(" . {m}"))
                .unwrap_or_default()
        );
    }
    for h in &file.handlers {
        d.handler(h);
    }
    for desc in &file.descriptions {
        let _ = writeln!(
            d.out,
            "description {:?} of {:?} {}: {:?}",
            desc.of,
            desc.owner.as_deref().unwrap_or("?"),
            d.at(desc.span),
            short(&desc.text, 60)
        );
    }
    for (i, f) in file.funcs.iter().enumerate() {
        d.func(i, f);
    }
    if let Some(t) = &file.truncated {
        let _ = writeln!(d.out, "truncated: {t}");
    }
    d.out
}

struct Dumper<'s> {
    out: String,
    src: &'s str,
}

fn short(s: &str, max: usize) -> String {
    let one_line: String = s.chars().map(|c| if c == '\n' { '⏎' } else { c }).collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        one_line.chars().take(max).collect::<String>() + "…"
    }
}

impl Dumper<'_> {
    fn at(&self, span: crate::Span) -> String {
        let line = self.src[..(span.start as usize).min(self.src.len())]
            .matches('\n')
            .count()
            + 1;
        format!("@{line}")
    }

    fn handler(&mut self, h: &Handler) {
        let func = match &h.func {
            HandlerFunc::Local(id) => format!("func#{}", id.0),
            HandlerFunc::Named { callee } => format!("named {}", self.expr(callee)),
        };
        let sources: Vec<String> = h
            .sources
            .iter()
            .map(|s| {
                let mut x = format!("p{}:{:?}", s.param, s.role);
                if let Some(n) = &s.name {
                    x += &format!("({n})");
                }
                if !s.safe_fields.is_empty() {
                    x += &format!(" safe={:?}", s.safe_fields);
                }
                x
            })
            .collect();
        let _ = writeln!(
            self.out,
            "handler {:?} {:?} {} [{}] {} sources=[{}]{}",
            h.kind,
            h.name.as_deref().unwrap_or("?"),
            self.at(h.span),
            h.framework,
            func,
            sources.join(", "),
            h.description
                .as_deref()
                .map(|d| format!(" desc={:?}", short(d, 40)))
                .unwrap_or_default()
        );
    }

    fn func(&mut self, i: usize, f: &Func) {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| {
                let mut s = self.pattern(&p.pattern);
                if p.rest {
                    s = format!("...{s}");
                }
                if p.ty != TypeHint::Unknown {
                    s += &format!(": {:?}", p.ty);
                }
                if let Some(d) = &p.default {
                    s += &format!(" = {}", self.expr(d));
                }
                s
            })
            .collect();
        let mut head = format!("func#{i}");
        if let Some(c) = &f.class {
            head += &format!(" {c}.");
        } else {
            head.push(' ');
        }
        head += f.name.as_deref().unwrap_or("<anon>");
        if let Some(p) = f.parent {
            head += &format!(" in#{}", p.0);
        }
        if f.exported {
            head += " exported";
        }
        let _ = writeln!(
            self.out,
            "{head} {}({})",
            self.at(f.name_span),
            params.join(", ")
        );
        self.block(&f.body, 1);
    }

    fn block(&mut self, stmts: &[Stmt], depth: usize) {
        for s in stmts {
            self.stmt(s, depth);
        }
    }

    fn line(&mut self, depth: usize, s: String) {
        let _ = writeln!(self.out, "{}{}", "  ".repeat(depth), s);
    }

    fn stmt(&mut self, s: &Stmt, depth: usize) {
        match s {
            Stmt::Assign { target, value, .. } => {
                let l = format!("{} = {}", self.pattern(target), self.expr(value));
                self.line(depth, l)
            }
            Stmt::Expr(e) => {
                let l = self.expr(e);
                self.line(depth, l)
            }
            Stmt::Return(e, _) => self.keyword_line(depth, "return", e.as_ref()),
            Stmt::Throw(e, _) => self.keyword_line(depth, "throw", e.as_ref()),
            Stmt::If {
                cond, then, els, ..
            } => {
                let l = format!("if {}", self.expr(cond));
                self.line(depth, l);
                self.block(then, depth + 1);
                if !els.is_empty() {
                    self.line(depth, "else".into());
                    self.block(els, depth + 1);
                }
            }
            Stmt::Switch { on, cases, .. } => self.switch(on.as_ref(), cases, depth),
            Stmt::Loop {
                bind, cond, body, ..
            } => self.loop_stmt(bind.as_ref(), cond.as_ref(), body, depth),
            Stmt::Try {
                body,
                catches,
                finally,
            } => self.try_stmt(body, catches, finally, depth),
            Stmt::Block(b) => {
                self.line(depth, "block".into());
                self.block(b, depth + 1);
            }
            Stmt::Break => self.line(depth, "break".into()),
            Stmt::Continue => self.line(depth, "continue".into()),
            Stmt::Func(id) => self.line(depth, format!("def func#{}", id.0)),
        }
    }

    /// `return`/`throw` with its expression, if any.
    fn keyword_line(&mut self, depth: usize, keyword: &str, e: Option<&Expr>) {
        let l = format!("{keyword} {}", e.map(|e| self.expr(e)).unwrap_or_default());
        self.line(depth, l.trim_end().to_string())
    }

    /// A `switch` line, then each case's tests and body.
    fn switch(&mut self, on: Option<&Expr>, cases: &[Case], depth: usize) {
        let l = format!("switch {}", on.map(|e| self.expr(e)).unwrap_or_default());
        self.line(depth, l.trim_end().to_string());
        for c in cases {
            let tests: Vec<String> = c.tests.iter().map(|t| self.expr(t)).collect();
            let l = if tests.is_empty() {
                "default".to_string()
            } else {
                format!("case {}", tests.join(", "))
            };
            self.line(depth + 1, l);
            self.block(&c.body, depth + 2);
        }
    }

    /// A `loop` line with its binding and condition, then its body.
    fn loop_stmt(
        &mut self,
        bind: Option<&(Pattern, Expr)>,
        cond: Option<&Expr>,
        body: &[Stmt],
        depth: usize,
    ) {
        let mut l = "loop".to_string();
        if let Some((p, e)) = bind {
            l += &format!(" {} of {}", self.pattern(p), self.expr(e));
        }
        if let Some(c) = cond {
            l += &format!(" while {}", self.expr(c));
        }
        self.line(depth, l);
        self.block(body, depth + 1);
    }

    /// `try`, its body, each `catch` and the `finally` block.
    fn try_stmt(
        &mut self,
        body: &[Stmt],
        catches: &[(Option<Pattern>, Vec<Stmt>)],
        finally: &[Stmt],
        depth: usize,
    ) {
        self.line(depth, "try".into());
        self.block(body, depth + 1);
        for (p, b) in catches {
            let l = format!(
                "catch {}",
                p.as_ref().map(|p| self.pattern(p)).unwrap_or_default()
            );
            self.line(depth, l.trim_end().to_string());
            self.block(b, depth + 1);
        }
        if !finally.is_empty() {
            self.line(depth, "finally".into());
            self.block(finally, depth + 1);
        }
    }

    fn pattern(&self, p: &Pattern) -> String {
        match p {
            Pattern::Name(n, _) => n.clone(),
            Pattern::Object { fields, rest, .. } => {
                let mut parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| match v {
                        Pattern::Name(n, _) if n == k => k.clone(),
                        _ => format!("{k}: {}", self.pattern(v)),
                    })
                    .collect();
                if let Some(r) = rest {
                    parts.push(format!("...{}", self.pattern(r)));
                }
                format!("{{{}}}", parts.join(", "))
            }
            Pattern::Seq { items, rest, .. } => {
                let mut parts: Vec<String> = items
                    .iter()
                    .map(|i| i.as_ref().map(|p| self.pattern(p)).unwrap_or_default())
                    .collect();
                if let Some(r) = rest {
                    parts.push(format!("...{}", self.pattern(r)));
                }
                format!("[{}]", parts.join(", "))
            }
            Pattern::Target(e) => self.expr(e),
            Pattern::Ignore => "_".into(),
        }
    }

    fn expr(&self, e: &Expr) -> String {
        match e {
            Expr::Name(n, _) => n.clone(),
            Expr::This(_) => "this".into(),
            Expr::Lit(l, _) => match l {
                Lit::Str(s) => format!("{:?}", short(s, 40)),
                Lit::Num => "#num".into(),
                Lit::Bool(b) => b.to_string(),
                Lit::Null => "null".into(),
                Lit::Other => "#lit".into(),
            },
            Expr::Template { parts, .. } => {
                let p: Vec<String> = parts.iter().map(|x| self.expr(x)).collect();
                format!("tpl({})", p.join(" ++ "))
            }
            Expr::Member { obj, prop, .. } => format!("{}.{prop}", self.expr(obj)),
            Expr::Index { obj, index, .. } => {
                format!("{}[{}]", self.expr(obj), self.expr(index))
            }
            Expr::Call(c) => self.call(c),
            Expr::Object { entries, .. } => {
                let p: Vec<String> = entries
                    .iter()
                    .map(|en| match en {
                        Entry::Field(k, v, _) => format!("{k}: {}", self.expr(v)),
                        Entry::Computed(k, v) => format!("[{}]: {}", self.expr(k), self.expr(v)),
                        Entry::Spread(v) => format!("...{}", self.expr(v)),
                    })
                    .collect();
                format!("{{{}}}", p.join(", "))
            }
            Expr::Array { items, .. } => {
                let p: Vec<String> = items.iter().map(|x| self.expr(x)).collect();
                format!("[{}]", p.join(", "))
            }
            Expr::Spread(x, _) => format!("...{}", self.expr(x)),
            Expr::Func(id, _) => format!("func#{}", id.0),
            Expr::Cond {
                cond, then, els, ..
            } => format!(
                "({} ? {} : {})",
                self.expr(cond),
                self.expr(then),
                self.expr(els)
            ),
            Expr::Binary {
                op, left, right, ..
            } => format!("({} {:?} {})", self.expr(left), op, self.expr(right)),
            Expr::Unary { op, expr, .. } => format!("{:?}({})", op, self.expr(expr)),
            Expr::Assign { target, value, .. } => {
                format!("({} := {})", self.pattern(target), self.expr(value))
            }
            Expr::Guard { subject, kinds, .. } => {
                format!("guard[{}]({})", kinds_name(*kinds), self.expr(subject))
            }
            Expr::Opaque { children, .. } => {
                let p: Vec<String> = children.iter().map(|x| self.expr(x)).collect();
                format!("opaque({})", p.join(", "))
            }
        }
    }

    fn call(&self, c: &Call) -> String {
        let args: Vec<String> = c
            .args
            .iter()
            .map(|a| {
                let v = self.expr(&a.value);
                let v = if a.spread { format!("...{v}") } else { v };
                match &a.name {
                    Some(n) => format!("{n}={v}"),
                    None => v,
                }
            })
            .collect();
        let mut s = format!(
            "{}{}({})",
            if c.new { "new " } else { "" },
            self.expr(&c.callee),
            args.join(", ")
        );
        if let Some(q) = &c.qualified {
            s += &format!(" <{q}>");
        }
        match &c.effect {
            Effect::Unknown => {}
            Effect::Sinks(sites) => {
                let p: Vec<String> = sites
                    .iter()
                    .map(|x| format!("{:?}@{} {:?}", x.kind, argref(&x.at), x.what))
                    .collect();
                s += &format!(" !sink[{}]", p.join("; "));
            }
            Effect::Sanitize { from, kinds } => {
                s += &format!(" !sanitize[{} {}]", kinds_name(*kinds), argref(from))
            }
            Effect::Propagate { from, keeps_whole } => {
                let p: Vec<String> = from.iter().map(argref).collect();
                s += &format!(
                    " !propagate[{}{}]",
                    p.join(","),
                    if *keeps_whole { " whole" } else { "" }
                );
            }
            Effect::Clean => s += " !clean",
            Effect::Argument { name } => s += &format!(" !argument[{}]", argref(name)),
        }
        s
    }
}

fn argref(a: &ArgRef) -> String {
    match a {
        ArgRef::Receiver => "recv".into(),
        ArgRef::Arg(n) => format!("{n}"),
        ArgRef::Elem(n, i) => format!("{n}[{i}]"),
        ArgRef::From(n) => format!("{n}.."),
        ArgRef::Keyword(k) => format!("{k}="),
    }
}

/// Names of the kinds in a set, for dumps and messages.
pub fn kinds_name(k: Kinds) -> String {
    if k == Kinds::ALL {
        return "all".into();
    }
    let names = [
        (Kinds::SHELL, "shell"),
        (Kinds::PROCESS, "process"),
        (Kinds::EVAL, "eval"),
        (Kinds::PATH, "path"),
        (Kinds::URL, "url"),
        (Kinds::SQL, "sql"),
    ];
    let v: Vec<&str> = names
        .iter()
        .filter(|(x, _)| k.contains(*x))
        .map(|(_, n)| *n)
        .collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join("|")
    }
}
