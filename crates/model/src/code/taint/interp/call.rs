//! Calls: the catalogue's effects, sinks, summaries of the repository's
//! functions, and callbacks.

use std::sync::Arc;

use super::{key, lit_str, Frame, Hit, MAX_INLINE};
use crate::code::hash::{HashMap, HashSet};
use crate::code::taint::graph::{visit_expr, visit_pattern, visit_stmts};

/// An environment this small is copied whole into a closure.
const SMALL_ENV: usize = 32;
use crate::code::ir::*;
use crate::code::taint::flow::SinkRef;
use crate::code::taint::value::{push, steps, Attrs, Label, Role, Step, Value};
use crate::Span;

/// An argument value, with its items when it is an array literal.
struct ArgVal {
    name: Option<String>,
    value: Value,
    items: Option<Vec<Value>>,
    spread: bool,
}

impl Frame<'_, '_> {
    fn args(&mut self, c: &Call) -> Vec<ArgVal> {
        c.args
            .iter()
            .map(|a| {
                if let Expr::Func(..) = a.value {
                    // Callbacks are analysed after the call's other values.
                    return ArgVal {
                        name: a.name.clone(),
                        value: Value::clean(),
                        items: None,
                        spread: a.spread,
                    };
                }
                let (value, items) = match &a.value {
                    Expr::Array { items, .. } => {
                        let vals: Vec<Value> = self.items(items);
                        let mut all = Value::clean();
                        for v in &vals {
                            all.join(v.clone());
                        }
                        (all, Some(vals))
                    }
                    other => (self.expr(other), None),
                };
                ArgVal {
                    name: a.name.clone(),
                    value,
                    items,
                    spread: a.spread,
                }
            })
            .collect()
    }

    fn at(&self, args: &[ArgVal], recv: &Value, r: &ArgRef) -> Value {
        let positional: Vec<&ArgVal> = args.iter().filter(|a| a.name.is_none()).collect();
        let nth = |n: u16| -> Value {
            let n = n as usize;
            if let Some(a) = positional.get(n) {
                if !a.spread {
                    return a.value.clone();
                }
            }
            // A spread at or before n may supply it.
            let mut v = Value::clean();
            for a in positional.iter().take(n + 1).filter(|a| a.spread) {
                v.join(a.value.clone());
            }
            v
        };
        match r {
            ArgRef::Receiver => recv.clone(),
            ArgRef::Arg(n) => nth(*n),
            ArgRef::Elem(n, i) => match positional.get(*n as usize) {
                Some(ArgVal {
                    items: Some(items), ..
                }) => items.get(*i as usize).cloned().unwrap_or_default(),
                _ => nth(*n),
            },
            ArgRef::From(n) => {
                let mut v = Value::clean();
                for a in positional.iter().skip(*n as usize) {
                    v.join(a.value.clone());
                }
                v
            }
            ArgRef::Keyword(k) => args
                .iter()
                .find(|a| a.name.as_deref() == Some(k))
                .map(|a| a.value.clone())
                .unwrap_or_default(),
        }
    }

    pub(super) fn call(&mut self, c: &Call) -> Value {
        let recv = match &c.callee {
            Expr::Member { obj, .. } => self.expr(obj),
            Expr::Name(..) => Value::clean(),
            other => self.expr(other),
        };
        let callee_func = match &c.callee {
            Expr::Name(n, _) => self.env.get(n).and_then(|v| v.func),
            _ => None,
        };
        let args = self.args(c);
        let result = match &c.effect {
            Effect::Sinks(sites) => {
                for site in sites {
                    let v = self.at(&args, &recv, &site.at);
                    self.check_sink(site, c.span, v);
                }
                Value::clean()
            }
            Effect::Sanitize { from, kinds } => {
                let kinds = *kinds;
                self.at(&args, &recv, from)
                    .map_attrs(|a| a.sanitized |= kinds)
            }
            Effect::Propagate { from, keeps_whole } => {
                let mut v = Value::clean();
                for r in from {
                    v.join(self.at(&args, &recv, r));
                }
                if *keeps_whole {
                    v
                } else {
                    v.derived()
                }
            }
            Effect::Clean => Value::clean(),
            Effect::Argument { name } => argument(c, name, &recv),
            Effect::Unknown => {
                let target = callee_func.or_else(|| {
                    if c.qualified.is_some() {
                        None
                    } else {
                        self.eng.resolver.callee(self.unit, self.func, &c.callee)
                    }
                });
                match target {
                    Some(t) => self.apply_summary(t, c, &args, &recv),
                    None => passed_on(&recv, &args),
                }
            }
        };
        self.callbacks(c, recv, &args);
        result
    }

    /// Analyse the call's callbacks: they see the call's data (an array's
    /// items, a promise's value).
    fn callbacks(&mut self, c: &Call, recv: Value, args: &[ArgVal]) {
        let mut context = recv;
        for a in args {
            context.join(a.value.clone());
        }
        context.func = None;
        for a in &c.args {
            if let Expr::Func(id, _) = a.value {
                self.closure(id, &context);
            }
        }
    }

    fn check_sink(&mut self, site: &SinkSite, span: Span, v: Value) {
        let kinds = site.kind.kinds();
        for l in v.labels {
            if l.attrs.sanitized.contains(kinds) {
                continue;
            }
            if harmless(site.kind, l.attrs) {
                continue;
            }
            self.hits.push(Hit {
                label: l,
                sink: SinkRef {
                    unit: self.unit,
                    span,
                    kind: site.kind,
                    what: site.what.clone(),
                },
                tool: self.tool.clone(),
            });
        }
    }

    /// Analyse a closure here, with the variables it captures and its
    /// parameters bound to `params`.
    pub(super) fn closure(&mut self, id: FuncId, params: &Value) {
        if self.inline >= MAX_INLINE {
            return;
        }
        let Some(f) = self.code().funcs.get(id.0 as usize) else {
            return;
        };
        let env = self.captured(id);
        let mut inner = Frame {
            eng: self.eng,
            unit: self.unit,
            func: id.0,
            env,
            tool: self.tool.clone(),
            hits: Vec::new(),
            ret: Value::clean(),
            inline: self.inline + 1,
            threw: false,
            diverged: false,
            validated: Vec::new(),
            returned_guards: None,
        };
        for p in &f.params {
            inner.bind(&p.pattern, params.clone());
        }
        inner.block(&f.body);
        self.hits.append(&mut inner.hits);
        // A callback that checks captured parameters (`xs.forEach(x => {
        // if (bad(x)) throw … })`) validates them for the function.
        self.validated.append(&mut inner.validated);
    }

    /// The variables a closure can see: the whole environment when it is
    /// small, else only the entries under the names and member paths the
    /// closure (and the closures inside it that will be analysed) mention.
    /// Copying the whole environment for each of N declarations in one
    /// scope would be quadratic (`function f0 … function f99999` at the top
    /// level of a module).
    fn captured(&self, id: FuncId) -> HashMap<String, Value> {
        if self.env.len() <= SMALL_ENV {
            return self.env.clone();
        }
        let code = self.code();
        let mut keys: HashSet<String> = HashSet::default();
        let mut seen: HashSet<u32> = HashSet::default();
        let mut todo = vec![(id.0, self.inline + 1)];
        while let Some((fid, depth)) = todo.pop() {
            if depth > MAX_INLINE || !seen.insert(fid) {
                continue;
            }
            let Some(f) = code.funcs.get(fid as usize) else {
                continue;
            };
            let mut on_expr = |e: &Expr| match e {
                Expr::Func(inner, _) => todo.push((inner.0, depth + 1)),
                _ => {
                    if let Some(k) = key(e) {
                        keys.insert(k);
                    }
                }
            };
            let mut nested = Vec::new();
            for p in &f.params {
                if let Some(d) = &p.default {
                    visit_expr(d, &mut on_expr);
                }
                visit_pattern(&p.pattern, &mut on_expr);
            }
            visit_stmts(
                &f.body,
                &mut |st| {
                    if let Stmt::Func(inner) = st {
                        nested.push((inner.0, depth + 1));
                    }
                },
                &mut on_expr,
            );
            todo.extend(nested);
        }
        keys.into_iter()
            .filter_map(|k| self.env.get(&k).map(|v| (k, v.clone())))
            .collect()
    }

    /// `obj.method(x)` with Python's `self` or Go's receiver as the first
    /// parameter: the arguments start at parameter 1.
    fn shift(&self, target: (u32, u32), c: &Call) -> usize {
        let callee = self
            .eng
            .resolver
            .unit(target.0)
            .code
            .funcs
            .get(target.1 as usize);
        match (&c.callee, callee) {
            (Expr::Member { .. }, Some(f)) if f.class.is_some() => match f.params.first() {
                Some(Param {
                    pattern: Pattern::Name(n, _),
                    ..
                }) if n == "self"
                    || n == "cls"
                    || self.eng.resolver.unit(target.0).code.lang == Some(Lang::Go) =>
                {
                    1
                }
                _ => 0,
            },
            _ => 0,
        }
    }

    /// The member path of the argument a call gives for parameter `p`.
    fn arg_key(&self, c: &Call, p: u16, shift: usize) -> Option<String> {
        let idx = (p as usize).checked_sub(shift)?;
        let arg = c.args.iter().filter(|a| a.name.is_none()).nth(idx)?;
        super::key(&arg.value)
    }

    /// The facts a call to a guard function of the repository establishes
    /// when it returns true (`if (!isInside(p)) throw …`).
    pub(super) fn guard_call(&self, c: &Call) -> Vec<(String, Kinds)> {
        if c.qualified.is_some() || c.effect != Effect::Unknown {
            return Vec::new();
        }
        let Some(target) = self.eng.resolver.callee(self.unit, self.func, &c.callee) else {
            return Vec::new();
        };
        let Some(summary) = self.eng.summary(target) else {
            return Vec::new();
        };
        let shift = self.shift(target, c);
        summary
            .guards
            .iter()
            .filter_map(|&(p, kinds)| Some((self.arg_key(c, p, shift)?, kinds)))
            .collect()
    }

    /// A call to a function of the repository: its summary, applied to
    /// the arguments.
    fn apply_summary(
        &mut self,
        target: (u32, u32),
        c: &Call,
        args: &[ArgVal],
        recv: &Value,
    ) -> Value {
        let Some(summary) = self.eng.summary(target) else {
            // Not summarised yet (a cycle): pass the data on.
            return passed_on(recv, args);
        };
        let callee = self
            .eng
            .resolver
            .unit(target.0)
            .code
            .funcs
            .get(target.1 as usize);
        let callee_name = callee
            .and_then(|f| f.name.as_deref())
            .unwrap_or("a function");
        let shift = self.shift(target, c);
        self.threw |= summary.throws;
        self.diverged |= summary.diverges;
        // A validator: what it checked is trusted after the call.
        for &p in &summary.validates {
            if let Some(k) = self.arg_key(c, p, shift) {
                self.apply(&[(k, Kinds::ALL)]);
            }
        }
        let call_step = |l: &Label| -> Label {
            let mut l = l.clone();
            l.trail = push(
                &l.trail,
                Step {
                    file: self.unit,
                    span: c.span,
                    message: format!("passed to `{callee_name}`"),
                },
            );
            l
        };
        for s in &summary.sinks {
            let v = param_value(callee, args, recv, shift, s.param);
            for l in &v.labels {
                let Some(l) = through(l, s.name.as_ref(), s.attrs) else {
                    continue;
                };
                let mut l = call_step(&l);
                for step in steps(&s.trail) {
                    l.trail = push(&l.trail, step);
                }
                let kinds = s.sink.kind.kinds();
                if l.attrs.sanitized.contains(kinds) || harmless(s.sink.kind, l.attrs) {
                    continue;
                }
                self.hits.push(Hit {
                    label: l,
                    sink: s.sink.clone(),
                    tool: self.tool.clone(),
                });
            }
        }
        let mut out = Value::clean();
        for r in &summary.returns {
            let v = param_value(callee, args, recv, shift, r.param);
            for l in &v.labels {
                if let Some(mut l) = through(l, r.name.as_ref(), r.attrs) {
                    l = call_step(&l);
                    out.add(l);
                }
            }
        }
        out
    }
}

/// The data of a call passed on unchanged in kind: the receiver's and the
/// arguments' labels, derived (for calls the catalogue does not know).
fn passed_on(recv: &Value, args: &[ArgVal]) -> Value {
    let mut v = recv.clone();
    for a in args {
        v.join(a.value.clone());
    }
    v.derived()
}

/// Whether a label cannot harm a sink of `kind` for where it sits (after a
/// fixed URL origin, after `--` or a prefix, a whole SQL statement).
fn harmless(kind: SinkKind, attrs: Attrs) -> bool {
    match kind {
        SinkKind::Url => attrs.after_origin,
        SinkKind::ProgramArg { after_dashes } => after_dashes || attrs.prefixed,
        SinkKind::ProgramArgs => attrs.prefixed,
        SinkKind::Sql => attrs.whole,
        _ => false,
    }
}

/// `Effect::Argument`: the receiver's labels become the arguments object,
/// named by the call's literal first argument unless that is a safe field.
fn argument(c: &Call, name: &ArgRef, recv: &Value) -> Value {
    let arg_name = match name {
        ArgRef::Arg(n) => c
            .args
            .iter()
            .filter(|a| a.name.is_none())
            .nth(*n as usize)
            .and_then(|a| lit_str(&a.value)),
        _ => None,
    };
    let mut v = Value::clean();
    for mut l in recv.labels.clone() {
        l.role = Role::Args;
        if l.name.is_none() {
            if let Some(n) = arg_name {
                if l.safe_fields
                    .as_ref()
                    .is_some_and(|s| s.iter().any(|f| f == n))
                {
                    continue;
                }
                l.name = Some(n.into());
            }
        }
        v.add(l);
    }
    v
}

/// The value a call passes for parameter `p` of `callee` (whose first
/// `shift` parameters are the receiver): a keyword argument of its name,
/// the receiver, the rest of the arguments, or the positional argument (or
/// the spreads that may supply it).
fn param_value(
    callee: Option<&Func>,
    args: &[ArgVal],
    recv: &Value,
    shift: usize,
    p: u16,
) -> Value {
    let Some(f) = callee else {
        return Value::clean();
    };
    let Some(param) = f.params.get(p as usize) else {
        return Value::clean();
    };
    if let Pattern::Name(pn, _) = &param.pattern {
        if let Some(kw) = args.iter().find(|a| a.name.as_deref() == Some(pn.as_str())) {
            return kw.value.clone();
        }
    }
    if (p as usize) < shift {
        return recv.clone();
    }
    let idx = p - shift as u16;
    if param.rest {
        let mut v = Value::clean();
        for a in args.iter().filter(|a| a.name.is_none()).skip(idx as usize) {
            v.join(a.value.clone());
        }
        return v;
    }
    let positional: Vec<&ArgVal> = args.iter().filter(|a| a.name.is_none()).collect();
    match positional.get(idx as usize) {
        Some(a) if !a.spread => a.value.clone(),
        _ => {
            let mut v = Value::clean();
            for a in positional
                .iter()
                .take(idx as usize + 1)
                .filter(|a| a.spread)
            {
                v.join(a.value.clone());
            }
            v
        }
    }
}

/// A caller's label after going through a parameter whose summary entry
/// says `inner`: its name (if it had none) and attributes; `None` when the
/// named argument is one of the caller's safe fields.
fn through(l: &Label, name: Option<&Arc<str>>, inner: Attrs) -> Option<Label> {
    let mut l = l.clone();
    if l.name.is_none() {
        if let Some(n) = name {
            if l.safe_fields
                .as_ref()
                .is_some_and(|s| s.iter().any(|f| **f == **n))
            {
                return None;
            }
            l.name = Some(n.clone());
        }
    }
    l.attrs = l.attrs.then(inner);
    Some(l)
}
