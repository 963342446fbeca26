use std::collections::HashMap;

use skillaudit_model::code::ir::{BinOp, Call, Entry, Expr, Func, Lit, Pattern, Stmt};
use skillaudit_model::code::resolve::CodeUnit;
use skillaudit_model::code::taint::{visit_expr, visit_stmts};
use skillaudit_model::Span;

use crate::code::CodeCx;
use crate::secrets::{self, Verdict};
use crate::{declare_rule, Applicability, Confidence, Finding, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a credential written in a string literal of the server's
    /// source code (TypeScript/JavaScript, Python, Go), with the secret
    /// detector the container rules use:
    ///
    /// - a **known token format** anywhere in a literal, whatever it is
    ///   assigned to: GitHub, AWS, OpenAI, Anthropic, Slack, Stripe, Google,
    ///   GitLab, npm, PyPI and Hugging Face tokens, private-key PEM blocks,
    ///   JWTs, connection strings with a strong password (confidence high);
    /// - a **high-entropy value under a secret-like name**: a variable,
    ///   constant, field, keyword argument or parameter default named like
    ///   `API_KEY`, `token`, `clientSecret`, `password`, and the fallback of
    ///   an environment lookup (`process.env.X ?? "…"`,
    ///   `os.environ.get("X", "…")`, `os.getenv("X", "…")`, `getEnv("X",
    ///   "…")`, a Go `if v == "" { v = "…" }` after `os.Getenv`) judged
    ///   under the variable's name (confidence medium).
    ///
    /// Placeholders never fire (`<your-token>`, `xxx`, `changeme`,
    /// `sk-your-key-here`, `${VAR}`, `example…`, `dummy`, `test…`), nor do
    /// weak values (`"password"`, `"admin"`: a default, not a leak), nor
    /// values too plain to be key material: prose (an error message under
    /// `auth_error`), a dotted class path (`fastmcp.server.auth.JWTVerifier`
    /// under `SERVER_AUTH`), or a key made to be published (PostHog `phc_`,
    /// Stripe `pk_live_`/`pk_test_`). A literal is reported where it is
    /// written, not where a constant is used. The value is masked in every
    /// output (at most its first four characters).
    ///
    /// Findings in `fixtures`/`examples`/`samples`/`mocks`/`docs` folders
    /// are low. Test code (`tests/`, `*.test.ts`, `test_*.py`, `*_test.go`)
    /// only reports a provider's token format, at low: tests fabricate
    /// JWTs and random-looking keys to exercise parsers and scrubbers.
    ///
    /// ## Why is this bad?
    /// A credential in source is published with every clone, fork,
    /// package and container image of the server, and stays in the git
    /// history after it is removed. An MCP server's credentials usually
    /// reach the user's accounts (GitHub, cloud, databases).
    ///
    /// ## Example
    /// ```ts
    /// const token = process.env.GITHUB_TOKEN ?? "ghp_Zq8R…";
    /// ```
    ///
    /// ## Fix
    /// Revoke the credential, then read it from the environment or a
    /// secret store with no literal fallback (fail when it is missing).
    pub struct SecretInSource {
        id: "secret-in-source",
        severity: Critical,
        target: Code,
        summary: "a credential in a string literal of source code",
    }
}

impl Rule for SecretInSource {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        for unit in &cx.project.code.units {
            let text = cx
                .project
                .files
                .get(unit.file.0 as usize)
                .map_or("", |f| f.text.as_str());
            check_unit(unit, text, out);
        }
    }
}

/// Folders whose code is sample material: findings there are low.
const SAMPLE_DIRS: &[&str] = &[
    "fixtures", "fixture", "examples", "example", "samples", "sample", "mocks", "mock", "testing",
    "docs",
];

fn is_sample(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut dirs = lower.split('/').rev().skip(1);
    dirs.any(|d| SAMPLE_DIRS.contains(&d))
}

/// Is the literal `value` at `span` written there in the source: a quoted
/// string (possibly after a prefix such as Python's `r`/`b`/`f`), or a
/// piece of a template holding the value verbatim? Frontends fold module
/// constants into literals at their uses, with the span of the name: those
/// are not where the secret is written.
fn written_as_string(text: &str, span: Span, value: &str) -> bool {
    let Some(src) = text.get(span.start as usize..span.end as usize) else {
        return false;
    };
    let body = src.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    (body.starts_with(['"', '\'', '`']) && body.len() + 3 >= src.len()) || src.contains(value)
}

fn check_unit(unit: &CodeUnit, text: &str, out: &mut Vec<Finding>) {
    let names = names_of_literals(&unit.code.funcs);
    let mut seen = std::collections::HashSet::new();
    for func in &unit.code.funcs {
        let mut on_expr = |e: &Expr| {
            let Expr::Lit(Lit::Str(value), span) = e else {
                return;
            };
            if !seen.insert(*span) || !written_as_string(text, *span, value) {
                return;
            }
            if let Some(f) = judge(unit, *span, value, names.get(span).map(String::as_str)) {
                out.push(f);
            }
        };
        for p in &func.params {
            if let Some(d) = &p.default {
                visit_expr(d, &mut on_expr);
            }
        }
        visit_stmts(&func.body, &mut |_| {}, &mut on_expr);
    }
}

fn judge(unit: &CodeUnit, span: Span, value: &str, name: Option<&str>) -> Option<Finding> {
    // Long literals are text, not keys; a PEM block is the exception.
    if value.len() > 4096 {
        return None;
    }
    let verdict = secrets::classify(name, value);
    let (m, confidence) = match &verdict {
        // Test code fabricates tokens to test parsers and scrubbers: only
        // a provider's token format is worth a (low) finding there.
        Verdict::Known(m) if unit.test && m.kind == "JWT" => return None,
        Verdict::Known(m) => (m, Confidence::High),
        Verdict::HighEntropy(m) if !unit.test && could_be_key(value) => (m, Confidence::Medium),
        _ => return None,
    };
    let a = if m
        .kind
        .starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u'])
    {
        "an"
    } else {
        "a"
    };
    let what = match name {
        Some(n) => format!("\"{n}\" holds {a} {} ({})", m.kind, m.masked),
        None => format!("{a} {} ({}) is written", m.kind, m.masked),
    };
    let mut finding = Finding::new(
        &SecretInSource::META,
        unit.file,
        span,
        format!("{what} in a string literal of source code"),
    )
    .confidence(confidence);
    if unit.test || is_sample(&unit.path) {
        finding.severity = finding.severity.min(Severity::Low);
    }
    Some(finding.fix(
        "revoke the credential; read it from the environment or a secret store, with no literal fallback",
        Applicability::Manual,
    ))
}

/// Prefixes of keys made to be published: PostHog project keys (`phc_`),
/// Stripe publishable keys (`pk_live_`, `pk_test_`).
const PUBLIC_KEY_PREFIXES: &[&str] = &["phc_", "pk_live_", "pk_test_"];

/// Could a value under a secret-like name be key material? Not prose (an
/// error message under `auth_error`), not a dotted identifier path (a class
/// under `SERVER_AUTH`: `fastmcp.server.auth.providers.jwt.JWTVerifier`),
/// not a key made to be public.
fn could_be_key(value: &str) -> bool {
    let value = value.trim();
    if value.chars().any(char::is_whitespace) {
        return false;
    }
    if PUBLIC_KEY_PREFIXES.iter().any(|p| value.starts_with(p)) {
        return false;
    }
    let dotted = value.contains('.')
        && value.split('.').all(|seg| {
            seg.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && seg.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
        });
    !dotted
}

/// The name each string literal is assigned to, by the literal's span:
/// `NAME = "…"`, `obj.name = "…"`, `{ name: "…" }`, `f(name="…")`,
/// parameter defaults, and environment lookups' fallbacks under the
/// variable's name (`process.env.X ?? "…"`, `os.environ.get("X", "…")`).
fn names_of_literals(funcs: &[Func]) -> HashMap<Span, String> {
    let mut names = HashMap::new();
    for func in funcs {
        for p in &func.params {
            if let (Pattern::Name(n, _), Some(d)) = (&p.pattern, &p.default) {
                name_values(d, n, &mut names);
            }
        }
        let mut on_stmt = |s: &Stmt| {
            if let Stmt::Assign { target, value, .. } = s {
                if let Some(n) = target_name(target) {
                    name_values(value, n, &mut names);
                }
            }
        };
        let mut found: Vec<(Span, String)> = Vec::new();
        let mut on_expr = |e: &Expr| match e {
            Expr::Object { entries, .. } => {
                for en in entries {
                    if let Entry::Field(k, v, _) = en {
                        collect(v, k, &mut found);
                    }
                }
            }
            Expr::Call(c) => {
                for a in &c.args {
                    if let Some(k) = &a.name {
                        collect(&a.value, k, &mut found);
                    }
                }
                if let Some((env, fallback)) = env_fallback(c) {
                    collect(fallback, env, &mut found);
                }
            }
            Expr::Assign { target, value, .. } => {
                if let Some(n) = target_name(target) {
                    collect(value, n, &mut found);
                }
            }
            _ => {}
        };
        visit_stmts(&func.body, &mut on_stmt, &mut on_expr);
        for (span, n) in found {
            names.entry(span).or_insert(n);
        }
    }
    names
}

fn name_values(value: &Expr, name: &str, names: &mut HashMap<Span, String>) {
    let mut found = Vec::new();
    collect(value, name, &mut found);
    for (span, n) in found {
        names.entry(span).or_insert(n);
    }
}

/// The literals that are the value itself under `name`: the literal, either
/// side of `??`/`or`, either branch of a conditional; an environment
/// variable's own name wins over the variable it is assigned to.
fn collect(value: &Expr, name: &str, out: &mut Vec<(Span, String)>) {
    match value {
        Expr::Lit(Lit::Str(_), span) => out.push((*span, name.to_string())),
        Expr::Binary {
            op: BinOp::Coalesce | BinOp::Or,
            left,
            right,
            ..
        } => {
            let name = env_member(left).unwrap_or(name);
            collect(left, name, out);
            collect(right, name, out);
        }
        Expr::Cond { then, els, .. } => {
            collect(then, name, out);
            collect(els, name, out);
        }
        Expr::Call(c) => {
            if let Some((env, fallback)) = env_fallback(c) {
                collect(fallback, env, out);
            }
        }
        _ => {}
    }
}

fn target_name(p: &Pattern) -> Option<&str> {
    match p {
        Pattern::Name(n, _) => Some(n),
        Pattern::Target(e) => match e.as_ref() {
            Expr::Member { prop, .. } => Some(prop),
            _ => None,
        },
        _ => None,
    }
}

/// `process.env.X` → `X`.
fn env_member(e: &Expr) -> Option<&str> {
    match e {
        Expr::Member { obj, prop, .. } => match obj.as_ref() {
            Expr::Member { prop: env, obj, .. } if env == "env" => {
                matches!(obj.as_ref(), Expr::Name(p, _) if p == "process").then_some(prop)
            }
            _ => None,
        },
        Expr::Call(c) => env_fallback(c).map(|(n, _)| n),
        _ => None,
    }
}

/// An environment lookup with a literal fallback: `os.environ.get("X",
/// "…")`, `os.getenv("X", "…")`, `getEnv("X", "…")`, `env.get("X", "…")`:
/// (the variable's name, the fallback).
fn env_fallback(c: &Call) -> Option<(&str, &Expr)> {
    let callee = c.callee_name()?.to_ascii_lowercase();
    let envish = callee.contains("env")
        || (callee == "get"
            && matches!(&c.callee, Expr::Member { obj, .. } if matches!(obj.as_ref(), Expr::Member { prop, .. } | Expr::Name(prop, _) if prop.to_ascii_lowercase().contains("env"))));
    if !envish || c.args.len() < 2 {
        return None;
    }
    let Expr::Lit(Lit::Str(name), _) = &c.args[0].value else {
        return None;
    };
    let plausible = !name.is_empty()
        && name
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_');
    plausible.then_some((name.as_str(), &c.args[1].value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_folders() {
        assert!(is_sample("examples/demo.ts"));
        assert!(is_sample("src/fixtures/keys.py"));
        assert!(!is_sample("src/example.ts"));
        assert!(!is_sample("src/server.py"));
    }

    #[test]
    fn key_material() {
        assert!(could_be_key("q8Vf2Lx9Rt4Wm7Kp3Zs6Nd1Hy5Jb0Gc"));
        assert!(could_be_key("Zq8.Rk3Lm5Np7Tv9Wx2"));
        assert!(!could_be_key("Unauthorized: Invalid Basic auth encoding"));
        assert!(!could_be_key(
            "fastmcp.server.auth.providers.jwt.JWTVerifier"
        ));
        assert!(!could_be_key(
            "phc_w69pYvKwGNLsUHU4TGGpgAiscm8nhjudHgAJzAdzXkJV"
        ));
    }

    #[test]
    fn folded_constants_are_not_written_strings() {
        let text = r#"x = "abc"; f(NAME); y = rb'z'; `t`"#;
        let at = |s: &str| {
            let i = text.find(s).unwrap_or(0);
            Span::new(i, i + s.len())
        };
        assert!(written_as_string(text, at("\"abc\""), "abc"));
        assert!(!written_as_string(text, at("NAME"), "folded value"));
        assert!(written_as_string(text, at("rb'z'"), "z"));
        assert!(written_as_string(text, at("`t`"), "t"));
        assert!(written_as_string(text, at("abc"), "abc"));
        assert!(!written_as_string(text, Span::new(500, 510), "x"));
    }
}
