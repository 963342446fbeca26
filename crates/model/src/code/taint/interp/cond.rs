//! Conditions: what a branch learns (guards, comparisons with literals,
//! `switch` cases) and which tool a dispatcher's branch is about.

use std::sync::Arc;

use super::{is_literal, join_envs, key, lit_str, member, Facts, Frame};
use crate::code::hash::HashMap;
use crate::code::ir::*;
use crate::code::taint::value::Value;

impl Frame<'_, '_> {
    pub(super) fn if_stmt(&mut self, cond: &Expr, then: &[Stmt], els: &[Stmt]) -> bool {
        let (when_true, when_false) = self.facts(cond);
        let tool = self.dispatch_tool(cond);
        self.expr(cond);
        let checked = self.params_in(cond);
        let threw_before = std::mem::take(&mut self.threw);
        let before = self.env.clone();
        let saved_tool = self.tool.clone();
        self.apply(&when_true);
        if tool.is_some() {
            self.tool = tool;
        }
        let then_continues = self.block(then);
        let then_threw = std::mem::take(&mut self.threw) && !then_continues;
        self.tool = saved_tool;
        let then_env = std::mem::replace(&mut self.env, before);
        self.apply(&when_false);
        let else_continues = self.block(els);
        let else_threw = self.threw && !else_continues;
        self.threw |= threw_before || then_threw;
        if then_threw || else_threw {
            // A check that throws on failure validates what it looked at.
            self.validated.extend(checked);
        }
        let else_env = std::mem::take(&mut self.env);
        self.env = match (then_continues, else_continues) {
            (true, true) => join_envs(then_env, else_env),
            (true, false) => then_env,
            (false, true) => else_env,
            (false, false) => {
                // Neither continues; keep something sensible for what follows.
                join_envs(then_env, else_env)
            }
        };
        then_continues || else_continues
    }

    /// `name === "run"` where `name` is the dispatched tool's name.
    fn dispatch_tool(&mut self, cond: &Expr) -> Option<Arc<str>> {
        if let Expr::Binary {
            op: BinOp::Eq,
            left,
            right,
            ..
        } = cond
        {
            let (value, lit) = match (lit_str(left), lit_str(right)) {
                (None, Some(s)) => (left, s),
                (Some(s), None) => (right, s),
                _ => return None,
            };
            if self.peek(value).tool_name {
                return Some(lit.into());
            }
        }
        None
    }

    /// The value of an expression without effects worth keeping (names and
    /// member paths only; anything else is evaluated normally).
    fn peek(&mut self, e: &Expr) -> Value {
        match e {
            Expr::Name(..) | Expr::Member { .. } => self.expr(e),
            _ => Value::clean(),
        }
    }

    pub(super) fn switch(&mut self, on: Option<&Expr>, cases: &[Case]) -> bool {
        let on_value = on.map(|e| self.expr(e)).unwrap_or_default();
        let on_key = on.and_then(key);
        let before = self.env.clone();
        let saved_tool = self.tool.clone();
        let mut out: Option<HashMap<String, Value>> = None;
        let mut has_default = false;
        let mut any_continues = false;
        for c in cases {
            self.env = before.clone();
            if c.tests.is_empty() {
                has_default = true;
            }
            match on {
                Some(_) => {
                    for t in &c.tests {
                        self.expr(t);
                    }
                    if !c.tests.is_empty() && c.tests.iter().all(is_literal) {
                        if let Some(k) = &on_key {
                            self.apply(&[(k.clone(), Kinds::ALL)]);
                        }
                        if on_value.tool_name {
                            if let [t] = c.tests.as_slice() {
                                if let Some(s) = lit_str(t) {
                                    self.tool = Some(s.into());
                                }
                            }
                        }
                    }
                }
                None => {
                    // Go `switch {`: each case is a condition.
                    for t in &c.tests {
                        let (yes, _) = self.facts(t);
                        self.expr(t);
                        self.apply(&yes);
                    }
                }
            }
            let continues = self.block(&c.body);
            self.tool = saved_tool.clone();
            if continues {
                any_continues = true;
                let e = std::mem::take(&mut self.env);
                out = Some(match out {
                    Some(o) => join_envs(o, e),
                    None => e,
                });
            }
        }
        if !has_default {
            any_continues = true;
            out = Some(match out {
                Some(o) => join_envs(o, before.clone()),
                None => before.clone(),
            });
        }
        self.env = out.unwrap_or(before);
        any_continues
    }

    /// What a condition proves about values when it is true / false.
    pub(super) fn facts(&self, e: &Expr) -> Facts {
        match e {
            Expr::Guard { subject, kinds, .. } => match key(subject) {
                Some(k) => (vec![(k, *kinds)], Vec::new()),
                None => (Vec::new(), Vec::new()),
            },
            Expr::Unary {
                op: UnOp::Not,
                expr,
                ..
            } => {
                let (t, f) = self.facts(expr);
                (f, t)
            }
            Expr::Call(c) => (self.guard_call(c), Vec::new()),
            Expr::Binary {
                op, left, right, ..
            } => match op {
                BinOp::And => {
                    let (mut t, _) = self.facts(left);
                    t.extend(self.facts(right).0);
                    (t, Vec::new())
                }
                BinOp::Or => {
                    let (_, mut f) = self.facts(left);
                    f.extend(self.facts(right).1);
                    (Vec::new(), f)
                }
                BinOp::Eq | BinOp::Ne => {
                    let subject = match (is_literal(left), is_literal(right)) {
                        (false, true) => key(left),
                        (true, false) => key(right),
                        _ => None,
                    };
                    let fact = subject.map(|k| vec![(k, Kinds::ALL)]).unwrap_or_default();
                    if *op == BinOp::Eq {
                        (fact, Vec::new())
                    } else {
                        (Vec::new(), fact)
                    }
                }
                BinOp::In | BinOp::NotIn => {
                    let literal_set = match &**right {
                        Expr::Array { items, .. } => items.iter().all(is_literal),
                        Expr::Object { entries, .. } => entries
                            .iter()
                            .all(|en| matches!(en, Entry::Field(_, v, _) if is_literal(v))),
                        _ => false,
                    };
                    let fact = match key(left) {
                        Some(k) if literal_set => vec![(k, Kinds::ALL)],
                        _ => Vec::new(),
                    };
                    if *op == BinOp::In {
                        (fact, Vec::new())
                    } else {
                        (Vec::new(), fact)
                    }
                }
                _ => (Vec::new(), Vec::new()),
            },
            _ => (Vec::new(), Vec::new()),
        }
    }

    /// Make the values at these keys safe for these kinds.
    pub(super) fn apply(&mut self, facts: &[(String, Kinds)]) {
        for (k, kinds) in facts {
            let v = match self.env.get(k) {
                Some(v) => v.clone(),
                None => self.path_value(k),
            };
            let kinds = *kinds;
            self.env
                .insert(k.clone(), v.map_attrs(|a| a.sanitized |= kinds));
        }
    }

    /// The value at a member path not bound itself (`args.path`).
    pub(super) fn path_value(&self, k: &str) -> Value {
        let mut parts = k.split('.');
        let Some(root) = parts.next() else {
            return Value::clean();
        };
        let mut v = self.env.get(root).cloned().unwrap_or_default();
        let mut at = root.to_string();
        for p in parts {
            at.push('.');
            at.push_str(p);
            v = match self.env.get(&at) {
                Some(bound) => bound.clone(),
                None => member(v, p),
            };
        }
        v
    }
}
