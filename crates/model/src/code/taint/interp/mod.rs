//! Interpreting one function's IR over taint values (statements and
//! expressions here; conditions in [`cond`], calls in [`call`]).
//!
//! A [`Frame`] walks statements in order with an environment (variable or
//! member path → value). Branches run on copies of the environment and are
//! joined; a branch that cannot continue (return, throw, break) does not
//! flow on, which is how `if (!guard(x)) throw …` protects what follows.
//! Calls apply the catalogue's effect, the summary of a repository
//! function, or — unknown — pass the taint of receiver and arguments on.

use std::sync::Arc;

mod call;
mod cond;

use super::flow::{ParamReturn, ParamSink, SinkRef};
use super::value::{fixes_origin, Attrs, Label, Origin, Role, Value};
use super::Engine;
use crate::code::hash::HashMap;
use crate::code::ir::*;
use crate::Span;

/// Closures analysed inside closures at most this deep.
pub(super) const MAX_INLINE: u32 = 3;

/// A sink reached by a label.
#[derive(Clone, Debug)]
pub struct Hit {
    pub label: Label,
    pub sink: SinkRef,
    pub tool: Option<Arc<str>>,
}

/// The interpretation of one function body.
pub struct Frame<'e, 'r> {
    pub eng: &'e Engine<'r>,
    pub unit: u32,
    pub func: u32,
    env: HashMap<String, Value>,
    /// The tool a dispatcher's branch is about.
    pub tool: Option<Arc<str>>,
    pub hits: Vec<Hit>,
    pub ret: Value,
    inline: u32,
    /// A throw happened since this was last cleared (validators).
    threw: bool,
    /// The last call never returns (set by calls, read by statements).
    diverged: bool,
    /// Parameters checked by a condition whose branch throws.
    validated: Vec<u16>,
    /// Guards every `return` of this function makes (None: no return yet;
    /// an empty list once one returns without a guard).
    returned_guards: Option<Vec<(String, Kinds)>>,
}

/// Facts a condition establishes: (key, kinds) when it is true / false.
pub(super) type Facts = (Vec<(String, Kinds)>, Vec<(String, Kinds)>);

/// The member path of an expression (`args.path`), when it is one.
pub(super) fn key(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n, _) => Some(n.clone()),
        Expr::This(_) => Some("this".into()),
        Expr::Member { obj, prop, .. } => Some(format!("{}.{prop}", key(obj)?)),
        _ => None,
    }
}

pub(super) fn lit_str(e: &Expr) -> Option<&str> {
    match e {
        Expr::Lit(Lit::Str(s), _) => Some(s),
        _ => None,
    }
}

pub(super) fn is_literal(e: &Expr) -> bool {
    matches!(e, Expr::Lit(..))
}

/// Member names of objects that wrap the arguments rather than name one.
const WRAPPERS: &[&str] = &[
    "data",
    "params",
    "args",
    "arguments",
    "input",
    "body",
    "payload",
    "options",
    "opts",
    "value",
    "values",
    "kwargs",
];

/// Calls that check a value's type or size, not its content.
const TYPE_CHECKS: &[&str] = &[
    "isinstance",
    "isArray",
    "hasattr",
    "callable",
    "len",
    "length",
    "size",
    "count",
    "typeof",
    "isNaN",
    "isFinite",
    "isInteger",
    "exists",
    "existsSync",
];

/// The names and member paths whose content a condition checks (see
/// `Frame::params_in`), collected into `out`.
fn content_keys(e: &Expr, out: &mut Vec<String>, depth: u32) {
    if depth > 32 {
        return;
    }
    let all_keys = |e: &Expr, out: &mut Vec<String>| {
        crate::code::taint::visit_expr(e, &mut |x| {
            if let Some(k) = key(x) {
                out.push(k);
            }
        });
    };
    match e {
        Expr::Unary {
            op: UnOp::Not,
            expr,
            ..
        } => content_keys(expr, out, depth + 1),
        Expr::Binary {
            op, left, right, ..
        } => match op {
            BinOp::And | BinOp::Or => {
                content_keys(left, out, depth + 1);
                content_keys(right, out, depth + 1);
            }
            BinOp::Eq | BinOp::Ne => {
                let meaningful = |x: &Expr| match x {
                    Expr::Lit(Lit::Str(s), _) => !s.is_empty(),
                    Expr::Lit(Lit::Num, _) => false,
                    _ => false,
                };
                if meaningful(right) && !is_size(left) {
                    all_keys(left, out);
                } else if meaningful(left) && !is_size(right) {
                    all_keys(right, out);
                }
            }
            BinOp::In | BinOp::NotIn => all_keys(left, out),
            _ => {}
        },
        Expr::Guard { check, .. } => all_keys(check, out),
        Expr::Call(c) => {
            if c.callee_name().is_some_and(|n| TYPE_CHECKS.contains(&n)) {
                return;
            }
            all_keys(&c.callee, out);
            for a in &c.args {
                all_keys(&a.value, out);
            }
        }
        _ => {}
    }
}

/// `x.length`, `len(x)`: a size, not content.
fn is_size(e: &Expr) -> bool {
    match e {
        Expr::Member { prop, .. } => matches!(prop.as_str(), "length" | "size"),
        Expr::Call(c) => c.callee_name().is_some_and(|n| TYPE_CHECKS.contains(&n)),
        Expr::Unary {
            op: UnOp::Numeric, ..
        } => true,
        _ => false,
    }
}

/// Member access on a labelled value: requests open up into arguments,
/// arguments objects into named arguments, safe fields drop out.
pub(super) fn member(v: Value, prop: &str) -> Value {
    if matches!(prop, "length" | "size") {
        return Value::clean();
    }
    let mut out = Value::clean();
    for mut l in v.labels {
        match l.role {
            Role::Request => {
                if prop.eq_ignore_ascii_case("params") {
                    l.role = Role::RequestParams;
                } else {
                    l.role = Role::Args;
                }
            }
            Role::RequestParams => {
                if prop.eq_ignore_ascii_case("name") {
                    out.tool_name = true;
                    continue;
                }
                if prop == "_meta" || prop.eq_ignore_ascii_case("meta") {
                    continue;
                }
                l.role = Role::Args;
                if !prop.eq_ignore_ascii_case("arguments") {
                    l.name = Some(prop.into());
                }
            }
            Role::Args => {
                if l.name.is_none() {
                    if l.safe_fields
                        .as_ref()
                        .is_some_and(|s| s.iter().any(|f| f == prop))
                    {
                        continue;
                    }
                    // `parsed.data.path`, `input.value`: a wrapper, not yet
                    // the argument; the next member names it.
                    if !WRAPPERS.contains(&prop) {
                        l.name = Some(prop.into());
                    }
                }
            }
        }
        out.add(l);
    }
    out
}

impl<'e, 'r> Frame<'e, 'r> {
    pub fn new(eng: &'e Engine<'r>, unit: u32, func: u32) -> Frame<'e, 'r> {
        Frame {
            eng,
            unit,
            func,
            env: HashMap::default(),
            tool: None,
            hits: Vec::new(),
            ret: Value::clean(),
            inline: 0,
            threw: false,
            diverged: false,
            validated: Vec::new(),
            returned_guards: None,
        }
    }

    fn code(&self) -> &'r CodeFile {
        &self.eng.resolver.unit(self.unit).code
    }

    /// Bind a parameter pattern to a value.
    pub fn bind(&mut self, p: &Pattern, v: Value) {
        match p {
            Pattern::Name(n, _) => {
                self.env.insert(n.clone(), v);
            }
            Pattern::Object { fields, rest, .. } => {
                for (k, sub) in fields {
                    let fv = member(v.clone(), k);
                    self.bind(sub, fv);
                }
                if let Some(r) = rest {
                    self.bind(r, v);
                }
            }
            Pattern::Seq { items, rest, .. } => {
                for sub in items.iter().flatten() {
                    self.bind(sub, v.clone());
                }
                if let Some(r) = rest {
                    self.bind(r, v);
                }
            }
            Pattern::Target(e) => {
                if let Some(k) = key(e) {
                    self.env.insert(k, v);
                } else {
                    self.expr(e);
                }
            }
            Pattern::Ignore => {}
        }
    }

    /// Run a block; `false` when control cannot continue after it.
    pub fn block(&mut self, stmts: &[Stmt]) -> bool {
        for s in stmts {
            if !self.eng.tick() {
                return true;
            }
            if !self.stmt(s) {
                return false;
            }
        }
        true
    }

    fn stmt(&mut self, s: &Stmt) -> bool {
        match s {
            Stmt::Assign {
                target,
                value,
                span,
            } => self.assign(target, value, *span),
            Stmt::Expr(e) => {
                self.diverged = false;
                self.expr(e);
                !std::mem::take(&mut self.diverged)
            }
            Stmt::Return(e, span) => self.return_stmt(e.as_ref(), *span),
            Stmt::Throw(e, _) => {
                if let Some(e) = e {
                    self.expr(e);
                }
                self.threw = true;
                false
            }
            Stmt::If {
                cond, then, els, ..
            } => self.if_stmt(cond, then, els),
            Stmt::Switch { on, cases, .. } => self.switch(on.as_ref(), cases),
            Stmt::Loop {
                bind, cond, body, ..
            } => self.loop_stmt(bind.as_ref(), cond.as_ref(), body),
            Stmt::Try {
                body,
                catches,
                finally,
            } => self.try_stmt(body, catches, finally),
            Stmt::Block(b) => self.block(b),
            Stmt::Break | Stmt::Continue => false,
            Stmt::Func(id) => self.func_decl(*id),
        }
    }

    /// `target = value`: the value, with a step when it names a variable,
    /// bound to the target.
    fn assign(&mut self, target: &Pattern, value: &Expr, span: Span) -> bool {
        let v = self.expr(value);
        let v = match target {
            Pattern::Name(n, _) if v.is_tainted() => {
                v.step(self.unit, span, &format!("assigned to `{n}`"))
            }
            _ => v,
        };
        self.bind(target, v);
        true
    }

    /// `return e`: the guards it makes, and its value joined into the
    /// function's return value.
    fn return_stmt(&mut self, e: Option<&Expr>, span: Span) -> bool {
        self.note_return(e);
        if let Some(e) = e {
            let v = self.expr(e);
            if v.is_tainted() {
                let v = v.step(self.unit, span, "returned");
                self.ret.join(v);
            } else {
                self.ret.func = self.ret.func.or(v.func);
            }
        }
        false
    }

    /// A loop: its body run twice, each pass joined with the environment
    /// before the loop.
    fn loop_stmt(
        &mut self,
        bind: Option<&(Pattern, Expr)>,
        cond: Option<&Expr>,
        body: &[Stmt],
    ) -> bool {
        let before = self.env.clone();
        for _ in 0..2 {
            if let Some((p, iter)) = bind {
                let v = self.expr(iter);
                self.bind(p, v);
            }
            if let Some(c) = cond {
                self.expr(c);
            }
            self.block(body);
            let after = std::mem::take(&mut self.env);
            self.env = join_envs(before.clone(), after);
        }
        true
    }

    /// `try`/`catch`/`finally`: each catch starts from the body's possible
    /// environments; what continues is joined, then `finally` runs.
    fn try_stmt(
        &mut self,
        body: &[Stmt],
        catches: &[(Option<Pattern>, Vec<Stmt>)],
        finally: &[Stmt],
    ) -> bool {
        let before = self.env.clone();
        let body_continues = self.block(body);
        let after = std::mem::take(&mut self.env);
        let mut joined = join_envs(before, after.clone());
        let mut any = body_continues;
        let mut out = if body_continues { Some(after) } else { None };
        for (p, b) in catches {
            self.env = joined.clone();
            if let Some(p) = p {
                self.bind(p, Value::clean());
            }
            if self.block(b) {
                any = true;
                let e = std::mem::take(&mut self.env);
                out = Some(match out {
                    Some(o) => join_envs(o, e),
                    None => e,
                });
            }
        }
        joined = out.unwrap_or(joined);
        self.env = joined;
        let fin = self.block(finally);
        any && fin
    }

    /// A function declaration: its name bound to it, its body analysed as
    /// a closure.
    fn func_decl(&mut self, id: FuncId) -> bool {
        if let Some(name) = self
            .code()
            .funcs
            .get(id.0 as usize)
            .and_then(|f| f.name.clone())
        {
            let v = Value {
                func: Some((self.unit, id.0)),
                ..Value::default()
            };
            self.env.insert(name, v);
        }
        self.closure(id, &Value::clean());
        true
    }

    /// Evaluate an expression for its value (and its effects: sinks).
    pub fn expr(&mut self, e: &Expr) -> Value {
        if !self.eng.tick() {
            return Value::clean();
        }
        match e {
            Expr::Name(n, _) => self.env.get(n).cloned().unwrap_or_default(),
            Expr::This(_) => self.env.get("this").cloned().unwrap_or_default(),
            Expr::Lit(..) => Value::clean(),
            Expr::Template { parts, .. } => self.template(parts),
            Expr::Member { obj, prop, .. } => self.member_expr(e, obj, prop),
            Expr::Index { obj, index, .. } => {
                let v = self.expr(obj);
                let i = self.expr(index);
                let _ = i;
                match lit_str(index) {
                    Some(name) => member(v, name),
                    None => v,
                }
            }
            Expr::Call(c) => self.call(c),
            Expr::Object { entries, .. } => self.object(entries),
            Expr::Array { items, .. } => {
                let mut v = Value::clean();
                for x in self.items(items) {
                    v.join(x);
                }
                v.func = None;
                v
            }
            Expr::Spread(x, _) => self.expr(x),
            Expr::Func(id, _) => {
                self.closure(*id, &Value::clean());
                Value {
                    func: Some((self.unit, id.0)),
                    ..Value::default()
                }
            }
            Expr::Cond {
                cond, then, els, ..
            } => {
                self.expr(cond);
                let mut v = self.expr(then);
                v.join(self.expr(els));
                v
            }
            Expr::Binary {
                op, left, right, ..
            } => self.binary(*op, left, right),
            Expr::Unary { op, expr, .. } => {
                let v = self.expr(expr);
                match op {
                    UnOp::Other => v,
                    _ => Value::clean(),
                }
            }
            Expr::Assign { target, value, .. } => {
                let v = self.expr(value);
                self.bind(target, v.clone());
                v
            }
            Expr::Guard { check, .. } => {
                self.expr(check);
                Value::clean()
            }
            Expr::Opaque { children, .. } => {
                let mut v = Value::clean();
                for x in children {
                    v.join(self.expr(x));
                }
                v.derived()
            }
        }
    }

    /// `obj.prop`: the value recorded under its member path, else the
    /// member of the object's value.
    fn member_expr(&mut self, e: &Expr, obj: &Expr, prop: &str) -> Value {
        if let Some(k) = key(e) {
            if let Some(v) = self.env.get(&k) {
                return v.clone();
            }
        }
        let v = self.expr(obj);
        member(v, prop)
    }

    /// An object literal: the values of its entries joined.
    fn object(&mut self, entries: &[Entry]) -> Value {
        let mut v = Value::clean();
        for en in entries {
            match en {
                Entry::Field(_, x, _) | Entry::Spread(x) => v.join(self.expr(x)),
                Entry::Computed(k, x) => {
                    self.expr(k);
                    v.join(self.expr(x));
                }
            }
        }
        v.func = None;
        v
    }

    /// A binary operation: string building, alternatives, path joins carry
    /// their operands; comparisons and arithmetic are clean.
    fn binary(&mut self, op: BinOp, left: &Expr, right: &Expr) -> Value {
        match op {
            BinOp::Add => self.template_of(&[left, right]),
            BinOp::Coalesce | BinOp::Or | BinOp::And => {
                let mut v = self.expr(left);
                v.join(self.expr(right));
                v
            }
            BinOp::PathJoin => {
                let mut v = self.expr(left);
                v.join(self.expr(right));
                v.derived()
            }
            _ => {
                self.expr(left);
                self.expr(right);
                Value::clean()
            }
        }
    }

    /// The values of a list's items. An item right after a literal long
    /// option without `=` (`["show", "--inline", sql]`) is that option's
    /// value: the program reads it as such even when it starts with `-`,
    /// so it counts as having text before it.
    pub(super) fn items(&mut self, items: &[Expr]) -> Vec<Value> {
        let mut out = Vec::with_capacity(items.len());
        let mut after_option = false;
        for x in items {
            let v = self.expr(x);
            out.push(if after_option {
                v.map_attrs(|a| a.prefixed = true)
            } else {
                v
            });
            after_option = matches!(lit_str(x), Some(s)
                if s.starts_with("--") && s.len() > 2 && !s.contains('='));
        }
        out
    }

    fn template(&mut self, parts: &[Expr]) -> Value {
        let refs: Vec<&Expr> = parts.iter().collect();
        self.template_of(&refs)
    }

    /// String building: each value learns what constant text precedes it.
    fn template_of(&mut self, parts: &[&Expr]) -> Value {
        let mut before = String::new();
        let mut out = Value::clean();
        let mut pieces = 0;
        for p in parts {
            if let Some(s) = lit_str(p) {
                before.push_str(s);
                if !s.is_empty() {
                    pieces += 1;
                }
                continue;
            }
            let v = self.expr(p);
            pieces += 1;
            let prefixed = !before.is_empty();
            let origin = fixes_origin(&before);
            // What precedes the next part: model text (`\0`) or text the
            // server chose (`\u{1}`: a constant, configuration, a field).
            // A value whose every label already sits after a fixed origin is
            // itself a URL the server pinned (`url += "&q=" + q`).
            let pinned = v.labels.iter().all(|l| l.attrs.after_origin);
            before.push(if pinned { '\u{1}' } else { '\0' });
            for mut l in v.labels {
                l.attrs.prefixed |= prefixed;
                l.attrs.after_origin |= origin;
                out.add(l);
            }
        }
        if pieces > 1 {
            out = out.derived();
        }
        out.func = None;
        out
    }

    /// A `return`: the guards its value makes, intersected over returns.
    fn note_return(&mut self, e: Option<&Expr>) {
        let facts = match e {
            Some(Expr::Lit(Lit::Bool(false), _)) => return,
            Some(e) => self.facts(e).0,
            None => Vec::new(),
        };
        self.returned_guards = Some(match self.returned_guards.take() {
            None => facts,
            Some(prev) => prev
                .into_iter()
                .filter(|(k, kinds)| {
                    facts
                        .iter()
                        .any(|(k2, k2s)| k2 == k && k2s.contains(*kinds))
                })
                .collect(),
        });
    }

    /// The parameters (of the function being summarised) whose *content*
    /// a condition checks: method calls on them or taking them
    /// (`tok.startsWith("-")`, `DANGEROUS.has(name)`, `re.test(x)`),
    /// comparisons with a non-empty literal, `in` tests. Presence and type
    /// checks (`!x`, `x == null`, `typeof x`, `isinstance`, lengths) check
    /// nothing about what the value says and validate nothing.
    fn params_in(&mut self, e: &Expr) -> Vec<u16> {
        let mut keys = Vec::new();
        content_keys(e, &mut keys, 0);
        let mut out = Vec::new();
        for k in keys {
            let v = match self.env.get(&k) {
                Some(v) => v.clone(),
                None => self.path_value(&k),
            };
            for l in v.labels {
                if let Origin::Param(i) = l.origin {
                    out.push(i);
                }
            }
        }
        out
    }

    /// The summary of this function: what its parameters reach.
    pub fn summarise(mut self, params: &[Param]) -> super::flow::Summary {
        let method = self.code().funcs[self.func as usize].class.is_some();
        for (i, p) in params.iter().enumerate() {
            if p.ty == TypeHint::Safe || p.ty == TypeHint::Context {
                continue;
            }
            // The object a method is called on (`self`, `cls`, a Go
            // receiver) is the server's own state, not data passed in.
            let receiver = i == 0
                && method
                && (matches!(&p.pattern, Pattern::Name(n, _) if n == "self" || n == "cls")
                    || self.code().lang == Some(Lang::Go));
            if receiver {
                continue;
            }
            let l = Label {
                origin: Origin::Param(i as u16),
                role: Role::Args,
                name: None,
                safe_fields: None,
                attrs: Attrs::FRESH,
                trail: None,
            };
            let mut v = Value::clean();
            v.add(l);
            self.bind(&p.pattern, v);
        }
        let body = &self.code().funcs[self.func as usize].body;
        let continues = self.block(body);
        let mut s = super::flow::Summary {
            throws: self.threw,
            diverges: !continues && self.threw && self.returned_guards.is_none(),
            ..Default::default()
        };
        let index = |name: &str| {
            params
                .iter()
                .position(|p| matches!(&p.pattern, Pattern::Name(n, _) if n == name))
                .map(|i| i as u16)
        };
        for (k, kinds) in self.returned_guards.take().unwrap_or_default() {
            if let Some(i) = index(&k) {
                s.guards.push((i, kinds));
            }
        }
        s.validates = std::mem::take(&mut self.validated);
        s.validates.sort_unstable();
        s.validates.dedup();
        for h in std::mem::take(&mut self.hits) {
            if let Origin::Param(param) = h.label.origin {
                s.add_sink(ParamSink {
                    param,
                    name: h.label.name.clone(),
                    attrs: h.label.attrs,
                    trail: h.label.trail.clone(),
                    sink: h.sink,
                });
            }
        }
        for l in std::mem::take(&mut self.ret.labels) {
            if let Origin::Param(param) = l.origin {
                s.add_return(ParamReturn {
                    param,
                    name: l.name.clone(),
                    attrs: l.attrs,
                    trail: l.trail.clone(),
                });
            }
        }
        s
    }

    /// Analyse a handler: its source parameters get labels of `origin`.
    pub fn run_handler(mut self, params: &[Param], sources: &[(usize, Label)]) -> Vec<Hit> {
        for (i, p) in params.iter().enumerate() {
            let mut v = Value::clean();
            for (si, l) in sources {
                if *si == i {
                    v.add(l.clone());
                }
            }
            self.bind(&p.pattern, v);
        }
        let body = &self.code().funcs[self.func as usize].body;
        self.block(body);
        self.hits
    }

    /// A dispatcher's tool-name parameter.
    pub fn mark_tool_name(&mut self, p: &Pattern) {
        let v = Value {
            tool_name: true,
            ..Value::default()
        };
        self.bind(p, v);
    }
}

/// Join two environments: every key's values united.
pub(super) fn join_envs(
    mut a: HashMap<String, Value>,
    b: HashMap<String, Value>,
) -> HashMap<String, Value> {
    for (k, v) in b {
        match a.get_mut(&k) {
            Some(x) => x.join(v),
            None => {
                a.insert(k, v);
            }
        }
    }
    a
}
