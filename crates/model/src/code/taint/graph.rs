//! Walking the IR, and the resolved call graph the summaries are computed
//! over (callees first).

use super::super::ir::*;
use super::super::resolve::{CodeUnit, GFn, Resolver};

/// Call every `on_stmt`/`on_expr` for each statement/expression below
/// (not into nested functions' bodies).
pub fn visit_stmts(stmts: &[Stmt], on_stmt: &mut dyn FnMut(&Stmt), on_expr: &mut dyn FnMut(&Expr)) {
    for s in stmts {
        on_stmt(s);
        match s {
            Stmt::Assign { target, value, .. } => {
                visit_pattern(target, on_expr);
                visit_expr(value, on_expr);
            }
            Stmt::Expr(e) => visit_expr(e, on_expr),
            Stmt::Return(e, _) | Stmt::Throw(e, _) => {
                if let Some(e) = e {
                    visit_expr(e, on_expr)
                }
            }
            Stmt::If {
                cond, then, els, ..
            } => {
                visit_expr(cond, on_expr);
                visit_stmts(then, on_stmt, on_expr);
                visit_stmts(els, on_stmt, on_expr);
            }
            Stmt::Switch { on, cases, .. } => {
                if let Some(e) = on {
                    visit_expr(e, on_expr);
                }
                for c in cases {
                    for t in &c.tests {
                        visit_expr(t, on_expr);
                    }
                    visit_stmts(&c.body, on_stmt, on_expr);
                }
            }
            Stmt::Loop {
                bind, cond, body, ..
            } => {
                if let Some((p, e)) = bind {
                    visit_pattern(p, on_expr);
                    visit_expr(e, on_expr);
                }
                if let Some(c) = cond {
                    visit_expr(c, on_expr);
                }
                visit_stmts(body, on_stmt, on_expr);
            }
            Stmt::Try {
                body,
                catches,
                finally,
            } => {
                visit_stmts(body, on_stmt, on_expr);
                for (_, b) in catches {
                    visit_stmts(b, on_stmt, on_expr);
                }
                visit_stmts(finally, on_stmt, on_expr);
            }
            Stmt::Block(b) => visit_stmts(b, on_stmt, on_expr),
            Stmt::Break | Stmt::Continue | Stmt::Func(_) => {}
        }
    }
}

pub fn visit_pattern(p: &Pattern, on_expr: &mut dyn FnMut(&Expr)) {
    match p {
        Pattern::Target(e) => visit_expr(e, on_expr),
        Pattern::Object { fields, rest, .. } => {
            for (_, f) in fields {
                visit_pattern(f, on_expr);
            }
            if let Some(r) = rest {
                visit_pattern(r, on_expr);
            }
        }
        Pattern::Seq { items, rest, .. } => {
            for i in items.iter().flatten() {
                visit_pattern(i, on_expr);
            }
            if let Some(r) = rest {
                visit_pattern(r, on_expr);
            }
        }
        Pattern::Name(..) | Pattern::Ignore => {}
    }
}

/// Visit an expression and everything below it (not nested function bodies).
pub fn visit_expr(e: &Expr, on_expr: &mut dyn FnMut(&Expr)) {
    on_expr(e);
    match e {
        Expr::Name(..) | Expr::This(_) | Expr::Lit(..) | Expr::Func(..) => {}
        Expr::Template { parts, .. } => parts.iter().for_each(|p| visit_expr(p, on_expr)),
        Expr::Member { obj, .. } => visit_expr(obj, on_expr),
        Expr::Index { obj, index, .. } => {
            visit_expr(obj, on_expr);
            visit_expr(index, on_expr);
        }
        Expr::Call(c) => {
            visit_expr(&c.callee, on_expr);
            for a in &c.args {
                visit_expr(&a.value, on_expr);
            }
        }
        Expr::Object { entries, .. } => {
            for en in entries {
                match en {
                    Entry::Field(_, v, _) | Entry::Spread(v) => visit_expr(v, on_expr),
                    Entry::Computed(k, v) => {
                        visit_expr(k, on_expr);
                        visit_expr(v, on_expr);
                    }
                }
            }
        }
        Expr::Array { items, .. } => items.iter().for_each(|p| visit_expr(p, on_expr)),
        Expr::Spread(x, _) => visit_expr(x, on_expr),
        Expr::Cond {
            cond, then, els, ..
        } => {
            visit_expr(cond, on_expr);
            visit_expr(then, on_expr);
            visit_expr(els, on_expr);
        }
        Expr::Binary { left, right, .. } => {
            visit_expr(left, on_expr);
            visit_expr(right, on_expr);
        }
        Expr::Unary { expr, .. } => visit_expr(expr, on_expr),
        Expr::Assign { target, value, .. } => {
            visit_pattern(target, on_expr);
            visit_expr(value, on_expr);
        }
        Expr::Guard { subject, check, .. } => {
            visit_expr(subject, on_expr);
            visit_expr(check, on_expr);
        }
        Expr::Opaque { children, .. } => children.iter().for_each(|p| visit_expr(p, on_expr)),
    }
}

/// The resolved call graph over every function of the project.
pub(super) struct CallGraph {
    /// Node → function.
    pub(super) funcs: Vec<GFn>,
    /// Node → nodes it calls (including from closures inside it).
    pub(super) edges: Vec<Vec<usize>>,
    /// Node → how many call sites elsewhere resolve to it.
    pub(super) callers: Vec<u32>,
}

impl CallGraph {
    pub(super) fn build(units: &[CodeUnit], r: &Resolver<'_>) -> CallGraph {
        let mut base = Vec::with_capacity(units.len());
        let mut funcs = Vec::new();
        for (ui, u) in units.iter().enumerate() {
            base.push(funcs.len());
            for fi in 0..u.code.funcs.len() {
                funcs.push((ui as u32, fi as u32));
            }
        }
        let node = |f: GFn| base[f.0 as usize] + f.1 as usize;
        let mut edges = vec![Vec::new(); funcs.len()];
        let mut callers = vec![0u32; funcs.len()];
        for (ui, u) in units.iter().enumerate() {
            for (fi, f) in u.code.funcs.iter().enumerate() {
                let from = base[ui] + fi;
                let mut out = Vec::new();
                visit_stmts(&f.body, &mut |_| {}, &mut |e| {
                    if let Expr::Call(c) = e {
                        if c.qualified.is_none() && c.effect == Effect::Unknown {
                            if let Some(t) = r.callee(ui as u32, fi as u32, &c.callee) {
                                out.push(node(t));
                            }
                        }
                    }
                });
                // Handlers given by name count as called.
                for h in &u.code.handlers {
                    if let HandlerFunc::Named { callee } = &h.func {
                        if fi == 0 {
                            if let Some(t) = r.callee(ui as u32, 0, callee) {
                                callers[node(t)] += 1;
                            }
                        }
                    }
                }
                for &t in &out {
                    if t != from {
                        callers[t] += 1;
                    }
                }
                out.sort_unstable();
                out.dedup();
                edges[from] = out;
            }
        }
        // A closure's calls are its parent's too: the parent's summary
        // analyses the closure inline.
        for (ui, u) in units.iter().enumerate() {
            for (fi, f) in u.code.funcs.iter().enumerate() {
                if let Some(p) = f.parent {
                    let child = base[ui] + fi;
                    let parent = base[ui] + p.0 as usize;
                    if parent != child {
                        let extra = edges[child].clone();
                        edges[parent].extend(extra);
                        edges[parent].push(child);
                    }
                }
            }
        }
        CallGraph {
            funcs,
            edges,
            callers,
        }
    }

    pub(super) fn calls_itself(&self, n: usize) -> bool {
        self.edges[n].contains(&n)
    }

    /// Strongly connected components, callees before callers (Tarjan,
    /// iterative so that deep call chains cannot overflow the stack).
    pub(super) fn sccs(&self) -> Vec<Vec<usize>> {
        let n = self.funcs.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut out = Vec::new();
        let mut next = 0;
        let mut work: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            work.push((root, 0));
            while let Some((v, ei)) = work.pop() {
                if ei == 0 {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = self.edges[v].get(ei) {
                    work.push((v, ei + 1));
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                // All edges done: propagate low to the parent.
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(comp);
                }
            }
        }
        out
    }
}
