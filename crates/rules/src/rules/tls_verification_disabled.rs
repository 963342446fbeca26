use skillaudit_model::code::ir::{Call, Entry, Expr, Func, Lit, Pattern, Stmt};
use skillaudit_model::code::resolve::CodeUnit;
use skillaudit_model::code::taint::{visit_expr, visit_stmts};
use skillaudit_model::Span;

use crate::{declare_rule, Applicability, Confidence, Finding, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags code that turns off TLS certificate verification with a
    /// literal:
    ///
    /// - TypeScript/JavaScript: `rejectUnauthorized: false` (an `https`
    ///   agent, a fetch dispatcher, a database `ssl` option), and
    ///   `process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"` (for the whole
    ///   process);
    /// - Python: `verify=False` on a call (requests, httpx, …; not
    ///   `jwt.decode`, whose `verify` is about signatures), `x.verify =
    ///   False` on a session or client, `verify_ssl=False`,
    ///   `verify_certs=False`,
    ///   `ssl._create_unverified_context()`, `verify_mode = ssl.CERT_NONE`,
    ///   `check_hostname = False`;
    /// - Go: `InsecureSkipVerify: true` in a `tls.Config`, or assigned.
    ///
    /// A value read from configuration (`verify=settings.verify_ssl`,
    /// `rejectUnauthorized: process.env.X !== "0"`) is the user's choice
    /// and is not reported. Code in a class or function named as the
    /// insecure mode (`SSLIgnoreAdapter`, `insecureAgent`, `unverified_…`)
    /// is an opt-in and is low, as is test code; arguments checked on a
    /// mock (`assert_called_with(…, verify=False)`) are not calls.
    ///
    /// ## Why is this bad?
    /// Without verification anyone on the network path (a café Wi-Fi, a
    /// compromised proxy) can impersonate the API the server talks to: read
    /// the credentials it sends and feed the model whatever answers they
    /// like, including instructions.
    ///
    /// ## Example
    /// ```py
    /// httpx.get(url, headers={"Authorization": f"Bearer {token}"}, verify=False)
    /// ```
    ///
    /// ## Fix
    /// Keep verification on. For a private CA, pass its certificate
    /// (`verify="/path/ca.pem"`, `ca:` in Node, `RootCAs` in Go) instead of
    /// turning checks off; if users need an escape hatch, make it an
    /// explicit, off-by-default setting.
    pub struct TlsVerificationDisabled {
        id: "tls-verification-disabled",
        severity: Medium,
        target: Code,
        summary: "TLS certificate verification is turned off",
    }
}

impl Rule for TlsVerificationDisabled {
    fn check_code(&self, cx: &crate::code::CodeCx<'_>, out: &mut Vec<Finding>) {
        for unit in &cx.project.code.units {
            let mut seen = std::collections::HashSet::new();
            for (span, what, opt_in) in disabling(unit) {
                if seen.insert(span) {
                    out.push(finding(unit, span, &what, opt_in));
                }
            }
        }
    }
}

fn finding(unit: &CodeUnit, span: Span, what: &str, opt_in: Option<&str>) -> Finding {
    let message = match opt_in {
        Some(name) => format!("TLS certificate verification is disabled ({what}) in {name}, named as an insecure mode: when it is used, whoever sits on the network path can impersonate the server it talks to"),
        None => format!("TLS certificate verification is disabled ({what}): whoever sits on the network path can impersonate the server it talks to"),
    };
    let mut f = Finding::new(&TlsVerificationDisabled::META, unit.file, span, message)
        .confidence(Confidence::High);
    if unit.test || opt_in.is_some() {
        f.severity = f.severity.min(Severity::Low);
    }
    f.fix(
        "keep verification on; trust a private CA by passing its certificate instead",
        Applicability::Manual,
    )
}

/// Words in a class or function name that say it is the insecure mode
/// (`SSLIgnoreAdapter`, `insecure_client`, `makeUnverifiedAgent`), compared
/// lower-cased without `_`.
const INSECURE_NAMES: &[&str] = &[
    "ignore",
    "insecure",
    "unverified",
    "noverify",
    "skipverify",
    "disableverif",
    "unsafe",
];

/// The class or function `func` belongs to when its name says it is the
/// insecure mode: an opt-in the user chooses, reported at low.
fn opt_in_name(func: &Func) -> Option<&str> {
    [func.class.as_deref(), func.name.as_deref()]
        .into_iter()
        .flatten()
        .find(|n| {
            let flat = n.to_ascii_lowercase().replace('_', "");
            INSECURE_NAMES.iter().any(|w| flat.contains(w))
        })
}

/// Every place of `unit` that turns verification off, with what it says
/// and the opt-in code path it is in, if any.
fn disabling(unit: &CodeUnit) -> Vec<(Span, String, Option<&str>)> {
    let mut all = Vec::new();
    for func in &unit.code.funcs {
        let mut out: Vec<(Span, String)> = Vec::new();
        let mut assigned: Vec<(Span, String)> = Vec::new();
        let mut on_stmt = |s: &Stmt| {
            if let Stmt::Assign {
                target: Pattern::Target(t),
                value,
                span,
            } = s
            {
                if let Some(what) = assignment(t, value) {
                    assigned.push((*span, what));
                }
            }
        };
        let mut on_expr = |e: &Expr| match e {
            Expr::Object { entries, .. } => {
                for en in entries {
                    if let Entry::Field(k, v, span) = en {
                        if let Some(what) = field(k, v) {
                            out.push((*span, what));
                        }
                    }
                }
            }
            Expr::Call(c) => {
                if let Some((span, what)) = call(c) {
                    out.push((span, what));
                }
            }
            Expr::Assign {
                target,
                value,
                span,
            } => {
                if let Pattern::Target(t) = target.as_ref() {
                    if let Some(what) = assignment(t, value) {
                        out.push((*span, what));
                    }
                }
            }
            _ => {}
        };
        for p in &func.params {
            if let Some(d) = &p.default {
                visit_expr(d, &mut on_expr);
            }
        }
        visit_stmts(&func.body, &mut on_stmt, &mut on_expr);
        out.append(&mut assigned);
        let opt_in = opt_in_name(func);
        all.extend(out.into_iter().map(|(s, w)| (s, w, opt_in)));
    }
    all
}

fn is_bool(e: &Expr, b: bool) -> bool {
    matches!(e, Expr::Lit(Lit::Bool(v), _) if *v == b)
}

/// `rejectUnauthorized: false`, `InsecureSkipVerify: true` (a Python dict
/// option `{"verify": False}` is too generic to say).
fn field(key: &str, value: &Expr) -> Option<String> {
    match key {
        "rejectUnauthorized" if is_bool(value, false) => Some("rejectUnauthorized: false".into()),
        "InsecureSkipVerify" if is_bool(value, true) => Some("InsecureSkipVerify: true".into()),
        _ => None,
    }
}

/// `process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"`, `x.verify = False`,
/// `ctx.verify_mode = ssl.CERT_NONE`, `ctx.check_hostname = False`,
/// `cfg.InsecureSkipVerify = true`, `agent.options.rejectUnauthorized =
/// false`.
fn assignment(target: &Expr, value: &Expr) -> Option<String> {
    let Expr::Member { obj, prop, .. } = target else {
        return None;
    };
    match prop.as_str() {
        "NODE_TLS_REJECT_UNAUTHORIZED" => {
            let off = matches!(value, Expr::Lit(Lit::Str(s), _) if s.trim() == "0")
                || matches!(value, Expr::Lit(Lit::Num, _));
            off.then(|| "NODE_TLS_REJECT_UNAUTHORIZED = \"0\"".into())
        }
        "verify" if is_bool(value, false) && !mentions_jwt(obj) => Some(".verify = False".into()),
        "check_hostname" if is_bool(value, false) => Some("check_hostname = False".into()),
        "verify_mode" if matches!(value, Expr::Member { prop, .. } if prop == "CERT_NONE") => {
            Some("verify_mode = CERT_NONE".into())
        }
        "InsecureSkipVerify" if is_bool(value, true) => Some("InsecureSkipVerify = true".into()),
        "rejectUnauthorized" if is_bool(value, false) => Some("rejectUnauthorized = false".into()),
        _ => None,
    }
}

fn mentions_jwt(e: &Expr) -> bool {
    match e {
        Expr::Name(n, _) => n.to_ascii_lowercase().contains("jwt"),
        Expr::Member { obj, prop, .. } => {
            prop.to_ascii_lowercase().contains("jwt") || mentions_jwt(obj)
        }
        _ => false,
    }
}

/// `verify=False`/`verify_ssl=False`/`verify_certs=False` keyword
/// arguments, `ssl._create_unverified_context()`.
fn call(c: &Call) -> Option<(Span, String)> {
    let callee = c.callee_name().unwrap_or("");
    if callee == "_create_unverified_context" {
        return Some((c.span, "ssl._create_unverified_context()".into()));
    }
    // `jwt.decode(token, verify=False)` is about signatures, not TLS;
    // `mock.assert_called_with(…, verify=False)` checks a mock's arguments.
    if matches!(callee, "decode" | "verify" | "validate")
        || callee.starts_with("assert")
        || mentions_jwt(&c.callee)
    {
        return None;
    }
    c.args.iter().find_map(|a| {
        let name = a.name.as_deref()?;
        let off =
            matches!(name, "verify" | "verify_ssl" | "verify_certs") && is_bool(&a.value, false);
        off.then(|| (c.span, format!("{name}=False")))
    })
}
