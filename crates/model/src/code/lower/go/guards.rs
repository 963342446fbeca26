//! Checks that make a value safe when they hold (`Expr::Guard`):
//!
//! - containment with the separator: `strings.HasPrefix(p, root +
//!   string(os.PathSeparator))`, `strings.HasPrefix(p, root + "/")`, a
//!   prefix variable built that way, a literal prefix ending in `/`
//!   (`"/srv/data/"`) — only when `p` was resolved (`filepath.Join`,
//!   `Clean`, `Abs`, `EvalSymlinks`): on the raw input or a plain
//!   concatenation its `..` were never resolved; `filepath.Rel(root, p)` then
//!   `strings.HasPrefix(rel, "..")` / `strings.Contains(rel, "..")` (a
//!   negated guard) or `filepath.IsLocal(rel)`; `filepath.IsLocal(p)`.
//!   `strings.HasPrefix(p, root)` without the separator is not a guard
//!   (`/allowed-evil` passes it).
//! - allow-lists: `slices.Contains(allowed, x)`, `lo.Contains(allowed, x)`,
//!   `_, ok := allowed[x]` then `ok`/`!ok`, `allowed[x]` as a condition
//!   (a map of constants, or one named like an allow-list).
//! - host allow-lists: `u.Host == "api.example.com"`, `u.Hostname() != …`,
//!   `allowedHosts[u.Host]`, `slices.Contains(hosts, u.Host)`, and a prefix
//!   check against a fixed origin ending in `/`
//!   (`strings.HasPrefix(raw, "https://api.example.com/")`). The values made
//!   safe are `u` and the string it was parsed from (`url.Parse(raw)`).
//!
//! A guard with several subjects is `Guard && Guard …` (all hold together).

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::assign::ident;
use super::expr::is_separator;
use super::{Lower, VarKind};
use crate::code::ir::{BinOp, Expr, Kinds, Lit, UnOp};
use crate::code::lower::span;

impl Lower<'_> {
    /// Wrap a library call that is a recognised check.
    pub fn library_guard(
        &mut self,
        path: &str,
        func: &str,
        nodes: &[Node<'_>],
        call: Expr,
    ) -> Expr {
        let at = call_span(&call);
        match (path, func, nodes) {
            ("strings" | "bytes", "HasPrefix", [s, p]) => self.prefix_guard(*s, *p, call, at),
            ("strings" | "bytes", "Contains", [s, p]) => {
                let rel = self.rel_subjects(*s);
                let dots = self
                    .str_value(*p)
                    .is_some_and(|v| v == ".." || v.starts_with("../"));
                match (rel, dots) {
                    (Some(subjects), true) => not(guard(subjects, Kinds::PATH, call, at), at),
                    _ => call,
                }
            }
            ("path/filepath", "IsLocal", [p]) => {
                let mut subjects = self.rel_subjects(*p).unwrap_or_default();
                subjects.extend(self.subject_of(*p));
                if subjects.is_empty() {
                    return call;
                }
                guard(subjects, Kinds::PATH, call, at)
            }
            ("regexp", "MatchString", [pattern, x]) => {
                let k = self
                    .str_value(*pattern)
                    .map(|p| super::regex::kinds(&p))
                    .unwrap_or_default();
                let subjects: Vec<Expr> = self.subject_of(*x).into_iter().collect();
                if k == Kinds::NONE || subjects.is_empty() {
                    return call;
                }
                guard(subjects, k, call, at)
            }
            ("slices" | "golang.org/x/exp/slices" | "github.com/samber/lo", "Contains", [_, x]) => {
                let (subjects, kinds) = self.member_subjects(*x);
                if subjects.is_empty() {
                    return call;
                }
                guard(subjects, kinds, call, at)
            }
            _ => call,
        }
    }

    /// `re.MatchString(x)` with `re` an anchored allow-list pattern.
    pub fn regex_guard(
        &mut self,
        recv: Node<'_>,
        method: &str,
        nodes: &[Node<'_>],
        call: Expr,
    ) -> Expr {
        let [x] = nodes else { return call };
        if !matches!(method, "MatchString" | "Match") {
            return call;
        }
        let k = match ident(recv, self.src).and_then(|r| self.kind(r)) {
            Some(VarKind::Regex(k)) => *k,
            _ => match self.kind_of_value(recv, &Expr::Lit(Lit::Other, span(recv))) {
                Some(VarKind::Regex(k)) => k,
                _ => return call,
            },
        };
        let subjects: Vec<Expr> = self.subject_of(*x).into_iter().collect();
        if subjects.is_empty() {
            return call;
        }
        let at = call_span(&call);
        guard(subjects, k, call, at)
    }

    fn prefix_guard(&mut self, s: Node<'_>, p: Node<'_>, call: Expr, at: crate::Span) -> Expr {
        let prefix = self.str_value(p);
        if let Some(subjects) = self.rel_subjects(s) {
            let dots =
                prefix.as_deref().is_some_and(|v| v.starts_with("..")) || self.starts_with_dots(p);
            if dots {
                return not(guard(subjects, Kinds::PATH, call, at), at);
            }
        }
        if prefix.as_deref().is_some_and(fixed_origin) {
            let subjects = self.url_subjects(s);
            if !subjects.is_empty() {
                return guard(subjects, Kinds::URL, call, at);
            }
            return call;
        }
        let sep = match &prefix {
            Some(v) => v.len() > 1 && (v.ends_with('/') || v.ends_with('\\')),
            None => self.sep_terminated(p, &call),
        };
        if !sep || !self.resolved(s) {
            return call;
        }
        let subjects = self.path_subjects(s, 0);
        if subjects.is_empty() {
            return call;
        }
        guard(subjects, Kinds::PATH, call, at)
    }

    /// A path whose `..` were resolved before the prefix check: a variable
    /// assigned from `filepath.Join`/`Clean`/`Abs`/`EvalSymlinks`, or such a
    /// call written in the check. (`strings.HasPrefix(p, root+"/")` on the
    /// raw input passes `root/../../etc/passwd`.)
    fn resolved(&self, s: Node<'_>) -> bool {
        if let Some(n) = ident(s, self.src) {
            return matches!(self.kind(n), Some(VarKind::Resolved));
        }
        s.kind_str() == "call_expression"
            && matches!(
                self.kind_of_value(s, &Expr::Lit(Lit::Other, span(s))),
                Some(VarKind::Resolved)
            )
    }

    /// The prefix argument ends with a path separator.
    fn sep_terminated(&self, p: Node<'_>, call: &Expr) -> bool {
        if let Some(n) = ident(p, self.src) {
            return matches!(self.kind(n), Some(VarKind::SepTerminated));
        }
        let Expr::Call(c) = call else { return false };
        match c.args.get(1).map(|a| &a.value) {
            Some(Expr::Binary {
                op: BinOp::Add,
                right,
                ..
            }) => is_separator(right),
            Some(t @ Expr::Template { .. }) => is_separator(t),
            _ => false,
        }
    }

    /// `".." + string(os.PathSeparator)`.
    fn starts_with_dots(&self, p: Node<'_>) -> bool {
        let mut n = p;
        for _ in 0..64 {
            if n.kind_str() != "binary_expression" {
                break;
            }
            match n.child_by_field_name("left") {
                Some(l) => n = l,
                None => return false,
            }
        }
        self.str_value(n).is_some_and(|v| v.starts_with(".."))
    }

    /// What a containment check on `s` makes safe: `s`, and for
    /// `filepath.Clean(x)`/`Abs(x)`/`EvalSymlinks(x)` also `x`.
    fn path_subjects(&self, s: Node<'_>, depth: u8) -> Vec<Expr> {
        let mut out: Vec<Expr> = self.subject_of(s).into_iter().collect();
        if s.kind_str() == "call_expression" && depth < 8 {
            let f = s.child_by_field_name("function");
            let field = f
                .and_then(|f| f.child_by_field_name("field"))
                .map(|x| self.text(x));
            let pkg = f
                .and_then(|f| f.child_by_field_name("operand"))
                .and_then(|o| ident(o, self.src))
                .and_then(|p| self.import_path(p));
            if matches!(pkg, Some("path/filepath" | "path"))
                && matches!(field, Some("Clean" | "Abs" | "EvalSymlinks"))
            {
                if let Some(inner) = self.arg_nodes(s).first() {
                    out.extend(self.path_subjects(*inner, depth + 1));
                }
            }
        }
        out
    }

    /// `rel` from `rel, err := filepath.Rel(root, p)`: `[p, rel]`.
    fn rel_subjects(&self, s: Node<'_>) -> Option<Vec<Expr>> {
        let n = ident(s, self.src)?;
        let Some(VarKind::Rel(subjects)) = self.kind(n) else {
            return None;
        };
        let mut out = subjects.clone();
        out.push(Expr::Name(n.to_string(), span(s)));
        Some(out)
    }

    /// A URL value and what it was parsed from.
    fn url_subjects(&self, node: Node<'_>) -> Vec<Expr> {
        let mut out: Vec<Expr> = self.subject_of(node).into_iter().collect();
        if let Some(n) = ident(node, self.src) {
            if let Some(VarKind::Url(raw)) = self.kind(n) {
                out.extend(raw.iter().cloned());
            }
        }
        out
    }

    /// The subjects of an allow-list test on `x`: for `u.Host` /
    /// `u.Hostname()` the URL (kinds URL), else `x` itself (every kind).
    fn member_subjects(&self, x: Node<'_>) -> (Vec<Expr>, Kinds) {
        if let Some(u) = self.host_of(x) {
            return (self.url_subjects(u), Kinds::URL);
        }
        (self.subject_of(x).into_iter().collect(), Kinds::ALL)
    }

    /// `u` of `u.Host` or `u.Hostname()`.
    fn host_of<'n>(&self, x: Node<'n>) -> Option<Node<'n>> {
        let sel = match x.kind_str() {
            "selector_expression" => x,
            "call_expression" => x.child_by_field_name("function")?,
            _ => return None,
        };
        let field = self.text(sel.child_by_field_name("field")?);
        let ok = match x.kind_str() {
            "selector_expression" => field == "Host",
            _ => field == "Hostname" && self.arg_nodes(x).is_empty(),
        };
        ok.then(|| sel.child_by_field_name("operand")).flatten()
    }

    /// `u.Host == "api.example.com"` (negated for `!=`).
    pub fn host_compare(&mut self, node: Node<'_>, negated: bool) -> Option<Expr> {
        let (l, r) = (
            node.child_by_field_name("left")?,
            node.child_by_field_name("right")?,
        );
        let (host_side, lit_side) = if self.host_of(l).is_some() {
            (l, r)
        } else {
            (r, l)
        };
        let u = self.host_of(host_side)?;
        if self.str_value(lit_side).is_none_or(|v| v.is_empty()) {
            return None;
        }
        let subjects = self.url_subjects(u);
        if subjects.is_empty() {
            return None;
        }
        let at = span(node);
        let check = Expr::Binary {
            op: if negated { BinOp::Ne } else { BinOp::Eq },
            left: Box::new(self.expr(l)),
            right: Box::new(self.expr(r)),
            span: at,
        };
        let g = guard(subjects, Kinds::URL, check, at);
        Some(if negated { not(g, at) } else { g })
    }

    /// `ok` of `_, ok := allowed[x]`, as a condition.
    pub fn ok_guard(&mut self, node: Node<'_>) -> Option<Expr> {
        let name = self.text(node);
        let Some(VarKind::MapOk(subjects, kinds)) = self.kind(name).cloned() else {
            return None;
        };
        let at = span(node);
        Some(guard(subjects, kinds, Expr::Name(name.to_string(), at), at))
    }

    /// `allowed[x]` as a condition (a `map[string]bool` allow-list).
    pub fn map_guard(&mut self, node: Node<'_>) -> Option<Expr> {
        let (subjects, kinds) = self.map_lookup(node)?;
        let check = self.expr(node);
        Some(guard(subjects, kinds, check, span(node)))
    }

    /// `v, ok := allowed[x]`: what `ok` makes safe.
    pub fn map_ok_kind(&self, r: Node<'_>) -> Option<VarKind> {
        let (subjects, kinds) = self.map_lookup(r)?;
        Some(VarKind::MapOk(subjects, kinds))
    }

    fn map_lookup(&self, node: Node<'_>) -> Option<(Vec<Expr>, Kinds)> {
        if node.kind_str() != "index_expression" {
            return None;
        }
        let m = node.child_by_field_name("operand")?;
        let key = node.child_by_field_name("index")?;
        let allow = match ident(m, self.src) {
            Some(n) => matches!(self.kind(n), Some(VarKind::AllowList)) || allow_name(n),
            None => m
                .child_by_field_name("field")
                .is_some_and(|f| allow_name(self.text(f))),
        };
        if !allow {
            return None;
        }
        let (subjects, kinds) = self.member_subjects(key);
        (!subjects.is_empty()).then_some((subjects, kinds))
    }
}

/// A guard over several subjects: all hold when the check holds.
fn guard(subjects: Vec<Expr>, kinds: Kinds, check: Expr, at: crate::Span) -> Expr {
    let mut subjects = subjects.into_iter();
    let Some(first) = subjects.next() else {
        return check;
    };
    let mut g = Expr::Guard {
        subject: Box::new(first),
        kinds,
        check: Box::new(check),
        span: at,
    };
    for s in subjects {
        g = Expr::Binary {
            op: BinOp::And,
            left: Box::new(g),
            right: Box::new(Expr::Guard {
                subject: Box::new(s),
                kinds,
                check: Box::new(Expr::Lit(Lit::Bool(true), at)),
                span: at,
            }),
            span: at,
        };
    }
    g
}

fn not(e: Expr, at: crate::Span) -> Expr {
    Expr::Unary {
        op: UnOp::Not,
        expr: Box::new(e),
        span: at,
    }
}

fn call_span(e: &Expr) -> crate::Span {
    match e {
        Expr::Call(c) => c.span,
        _ => crate::Span::empty(0),
    }
}

/// `https://host/…`: a scheme, a host, and the `/` that ends the host.
fn fixed_origin(prefix: &str) -> bool {
    let Some((scheme, rest)) = prefix.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && rest.find('/').is_some_and(|i| i > 0)
}

/// Names allow-lists go by.
fn allow_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    [
        "allow",
        "valid",
        "whitelist",
        "permit",
        "known",
        "supported",
        "safe",
    ]
    .iter()
    .any(|w| l.contains(w))
}
