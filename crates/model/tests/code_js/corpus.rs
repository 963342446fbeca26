//! The corpus: every TS/JS file of `../shared/corpus` lowers, and the
//! registrations in it are found; tools to survey it (ignored tests).

use skillaudit_model::code::{lower, CodeFile};
use skillaudit_syntax::code::{parse, Lang};

/// Every TS/JS file of a directory tree (skipping node_modules and dist).
fn js_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            if name != "node_modules" && name != ".git" {
                js_files(&p, out);
            }
        } else if Lang::from_path(&p.to_string_lossy()).is_some_and(|l| l.is_js_family()) {
            out.push(p);
        }
    }
}

fn corpus_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ))
}

/// Lower one file the way the pipeline does (skipping minified files).
pub(crate) fn lower_path(p: &std::path::Path) -> Option<CodeFile> {
    let bytes = std::fs::read(p).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let path = p.to_string_lossy();
    let lang = Lang::from_path(&path)?;
    skillaudit_syntax::code::check(&path, &text).ok()?;
    let parsed = parse(lang, &text).ok()?;
    Some(lower::lower(&parsed, &text))
}

#[test]
#[ignore]
fn print_corpus_handlers() {
    let mut files = Vec::new();
    js_files(&corpus_dir(), &mut files);
    files.sort();
    for p in files {
        let Some(f) = lower_path(&p) else { continue };
        for h in &f.handlers {
            println!(
                "{} {:?} {:?} {:?} sources={}",
                p.display(),
                h.kind,
                h.name,
                match &h.func {
                    skillaudit_model::code::ir::HandlerFunc::Local(_) => "local",
                    _ => "named",
                },
                h.sources.len()
            );
        }
    }
}

#[test]
#[ignore]
fn print_corpus_sinks() {
    use skillaudit_model::code::ir::{Effect, Expr, Stmt};
    fn walk_e(e: &Expr, f: &mut dyn FnMut(&skillaudit_model::code::ir::Call)) {
        match e {
            Expr::Call(c) => {
                f(c);
                walk_e(&c.callee, f);
                for a in &c.args {
                    walk_e(&a.value, f);
                }
            }
            Expr::Template { parts, .. } => parts.iter().for_each(|p| walk_e(p, f)),
            Expr::Member { obj, .. } => walk_e(obj, f),
            Expr::Index { obj, index, .. } => {
                walk_e(obj, f);
                walk_e(index, f)
            }
            Expr::Object { entries, .. } => {
                for en in entries {
                    match en {
                        skillaudit_model::code::ir::Entry::Field(_, v, _) => walk_e(v, f),
                        skillaudit_model::code::ir::Entry::Computed(k, v) => {
                            walk_e(k, f);
                            walk_e(v, f)
                        }
                        skillaudit_model::code::ir::Entry::Spread(v) => walk_e(v, f),
                    }
                }
            }
            Expr::Array { items, .. } => items.iter().for_each(|p| walk_e(p, f)),
            Expr::Spread(x, _) => walk_e(x, f),
            Expr::Cond {
                cond, then, els, ..
            } => {
                walk_e(cond, f);
                walk_e(then, f);
                walk_e(els, f)
            }
            Expr::Binary { left, right, .. } => {
                walk_e(left, f);
                walk_e(right, f)
            }
            Expr::Unary { expr, .. } => walk_e(expr, f),
            Expr::Assign { value, .. } => walk_e(value, f),
            Expr::Guard { check, .. } => walk_e(check, f),
            Expr::Opaque { children, .. } => children.iter().for_each(|p| walk_e(p, f)),
            _ => {}
        }
    }
    fn walk_s(s: &[Stmt], f: &mut dyn FnMut(&skillaudit_model::code::ir::Call)) {
        for st in s {
            match st {
                Stmt::Assign { value, .. } => walk_e(value, f),
                Stmt::Expr(e) => walk_e(e, f),
                Stmt::Return(Some(e), _) | Stmt::Throw(Some(e), _) => walk_e(e, f),
                Stmt::If {
                    cond, then, els, ..
                } => {
                    walk_e(cond, f);
                    walk_s(then, f);
                    walk_s(els, f)
                }
                Stmt::Switch { on, cases, .. } => {
                    if let Some(o) = on {
                        walk_e(o, f)
                    }
                    for c in cases {
                        walk_s(&c.body, f)
                    }
                }
                Stmt::Loop {
                    bind, cond, body, ..
                } => {
                    if let Some((_, e)) = bind {
                        walk_e(e, f)
                    }
                    if let Some(c) = cond {
                        walk_e(c, f)
                    }
                    walk_s(body, f)
                }
                Stmt::Try {
                    body,
                    catches,
                    finally,
                } => {
                    walk_s(body, f);
                    for (_, b) in catches {
                        walk_s(b, f)
                    }
                    walk_s(finally, f)
                }
                Stmt::Block(b) => walk_s(b, f),
                _ => {}
            }
        }
    }
    let mut files = Vec::new();
    js_files(&corpus_dir(), &mut files);
    files.sort();
    for p in files {
        let Ok(src) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Some(file) = lower_path(&p) else { continue };
        for func in &file.funcs {
            walk_s(&func.body, &mut |c| {
                if let Effect::Sinks(sites) = &c.effect {
                    let line = src[..c.span.start as usize].matches('\n').count() + 1;
                    let kinds: Vec<String> =
                        sites.iter().map(|s| format!("{:?}", s.kind)).collect();
                    let text: String = src[c.span.range()]
                        .chars()
                        .take(70)
                        .collect::<String>()
                        .replace('\n', " ");
                    println!("{}:{} {} | {}", p.display(), line, kinds.join(","), text);
                }
            });
        }
    }
}

// ---------------------------------------------------------------------
// 5. The corpus: every TS/JS file lowers; the registrations are found.

#[test]
fn corpus_lowers_and_finds_handlers() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        return;
    }
    let mut files = Vec::new();
    js_files(&dir, &mut files);
    assert!(files.len() > 1_000, "{} files", files.len());
    let mut handlers = 0;
    let mut named = 0;
    for p in &files {
        let Some(f) = lower_path(p) else { continue };
        handlers += f.handlers.len();
        named += f.handlers.iter().filter(|h| h.name.is_some()).count();
    }
    // Counted by reading the repositories: 151 registration calls of tools,
    // prompts, resource templates and `CallTool`/`GetPrompt`/`ReadResource`
    // handlers (cloudflare 87, docker/mcp-servers 21, exa 16, docker/hub-mcp
    // 13, kubernetes 4, …), plus 72 tool definition objects registered
    // elsewhere (sentry's 54 `defineTool({…})`, cloudflare dex-analysis's 18
    // `registerTool({ name, schema, callback })`): 223. 187 of them have
    // a literal name (low-level dispatchers have none; sentry's server.ts
    // and figma register names held in variables).
    assert!(handlers >= 223, "{handlers} handlers");
    assert!(named >= 187, "{named} named handlers");
}

/// This thread's CPU time (Linux `schedstat`, nanoseconds), so the figures
/// mean something on a loaded machine; wall-clock time otherwise.
fn cpu_now() -> std::time::Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(std::time::Duration::from_nanos)
        .unwrap_or_else(|| {
            static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
            START.get_or_init(std::time::Instant::now).elapsed()
        })
}

/// Parse + lower throughput over the corpus's TS/JS files, in CPU time (run
/// it in release mode: `cargo test --release -p skillaudit-model --test
/// code_js throughput -- --ignored --nocapture`). Not a timed test: it prints.
#[test]
#[ignore]
fn throughput() {
    let mut files = Vec::new();
    js_files(&corpus_dir(), &mut files);
    let texts: Vec<(Lang, String, String)> = files
        .iter()
        .filter_map(|p| {
            let path = p.to_string_lossy().to_string();
            let text = std::fs::read_to_string(p).ok()?;
            skillaudit_syntax::code::check(&path, &text).ok()?;
            Some((Lang::from_path(&path)?, path, text))
        })
        .collect();
    let bytes: usize = texts.iter().map(|t| t.2.len()).sum();
    let mut parse_time = std::time::Duration::ZERO;
    let mut lower_time = std::time::Duration::ZERO;
    let mut funcs = 0;
    for _ in 0..3 {
        for (lang, _, text) in &texts {
            let t0 = cpu_now();
            let parsed = parse(*lang, text).unwrap();
            let t1 = cpu_now();
            funcs += lower::lower(&parsed, text).funcs.len();
            parse_time += t1 - t0;
            lower_time += cpu_now() - t1;
        }
    }
    let mb = 3.0 * bytes as f64 / 1e6;
    println!(
        "{} files x3, {mb:.1} MB, {funcs} functions, CPU time: parse {:.2}s ({:.1} MB/s), lowering {:.2}s ({:.1} MB/s)",
        texts.len(),
        parse_time.as_secs_f64(),
        mb / parse_time.as_secs_f64(),
        lower_time.as_secs_f64(),
        mb / lower_time.as_secs_f64()
    );
}
