//! The Go frontend: lowering snapshots per construct family, handler
//! discovery per registration style, the catalogue, hostile input, and the
//! corpus.
//!
//! Layout: [`constructs`] (one snapshot per construct family), [`handlers`]
//! (registration styles), [`catalog`] (every catalogue entry, the shared
//! acceptance case), [`robustness`] (hostile input, the corpus).

mod catalog;
mod constructs;
mod handlers;
mod robustness;

use skillaudit_model::code::dump::dump;
use skillaudit_model::code::ir::*;
use skillaudit_model::code::{lower, CodeFile};
use skillaudit_syntax::code::{self as syntax_code, Lang};

pub fn lower_go(src: &str) -> CodeFile {
    let parsed = syntax_code::parse(Lang::Go, src).expect("parses");
    lower::lower(&parsed, src)
}

pub fn dumped(src: &str) -> String {
    dump(&lower_go(src), src)
}

/// Every call of a lowered file (depth-first).
pub fn calls(file: &CodeFile) -> Vec<&Call> {
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

pub fn handler<'a>(f: &'a CodeFile, name: &str) -> &'a Handler {
    f.handlers
        .iter()
        .find(|h| h.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no handler {name}: {:#?}", f.handlers))
}

pub fn request(p: u16) -> SourceParam {
    SourceParam {
        param: p,
        role: SourceRole::Request,
        safe_fields: Vec::new(),
        name: None,
    }
}
