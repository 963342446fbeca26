//! Processes: which argument of a process call is run by a shell, which is
//! the program, which are its arguments (and whether a literal `--` comes
//! before them), and interpreters given code on the command line
//! (`sh -c`, `python -c`, `node -e`).

use super::args::{at, kw, pos, site};
use super::Ctx;
use crate::code::ir::{ArgRef, Call, Effect, Expr, Lit, SinkKind, SinkSite};

const SUBPROCESS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
];

pub fn function(call: &Call, key: &str) -> Option<Effect> {
    let sites = match key {
        "os.system"
        | "os.popen"
        | "commands.getoutput"
        | "commands.getstatusoutput"
        | "subprocess.getoutput"
        | "subprocess.getstatusoutput"
        | "asyncio.create_subprocess_shell"
        | "platform.popen" => {
            let name = if key.starts_with("asyncio") || key.starts_with("subprocess") {
                "cmd"
            } else {
                "command"
            };
            at(call, 0, name)
                .map(|a| site(SinkKind::Shell, a, key))
                .into_iter()
                .collect()
        }
        _ if SUBPROCESS.contains(&key) => subprocess(call, key),
        "asyncio.create_subprocess_exec" => varargs(call, 0, 1, key),
        "os.execl" | "os.execle" | "os.execlp" | "os.execlpe" => varargs(call, 0, 2, key),
        "os.spawnl" | "os.spawnle" | "os.spawnlp" | "os.spawnlpe" => varargs(call, 1, 3, key),
        "os.execv" | "os.execve" | "os.execvp" | "os.execvpe" | "os.posix_spawn"
        | "os.posix_spawnp" => argv_list(call, 0, 1, key),
        "os.spawnv" | "os.spawnve" | "os.spawnvp" | "os.spawnvpe" => argv_list(call, 1, 2, key),
        "pty.spawn" => command(call, 0, "argv", key, false),
        "pexpect.spawn" | "pexpect.run" | "pexpect.popen_spawn.PopenSpawn" => {
            if matches!(pos(call, 1), Some(Expr::Array { .. })) {
                let mut s = program(call, 0, key);
                s.extend(list_items(call, 1, key, Lead::Program(pos(call, 0))));
                s
            } else {
                command(call, 0, "command", key, false)
            }
        }
        "anyio.run_process" | "anyio.open_process" | "trio.run_process" => {
            command(call, 0, "command", key, true)
        }
        _ => return None,
    };
    if sites.is_empty() {
        return Some(Effect::Clean);
    }
    Some(Effect::Sinks(sites))
}

/// `subprocess.run(cmd, shell=True)`, `subprocess.run([...])`.
fn subprocess(call: &Call, key: &str) -> Vec<SinkSite> {
    let shell = matches!(kw(call, "shell"), Some(Expr::Lit(Lit::Bool(true), _)));
    let mut sites = if shell {
        let what = format!("{key}(shell=True)");
        at(call, 0, "args")
            .map(|a| site(SinkKind::Shell, a, &what))
            .into_iter()
            .collect()
    } else {
        command(call, 0, "args", key, false)
    };
    if kw(call, "executable").is_some() {
        sites.push(site(
            SinkKind::Program,
            ArgRef::Keyword("executable".into()),
            key,
        ));
    }
    sites
}

/// A command given as one argument: a list literal (one sink per item), a
/// string (the program, or a shell command when `string_is_shell`), or a
/// variable (the whole argument list).
fn command(call: &Call, n: usize, name: &str, what: &str, string_is_shell: bool) -> Vec<SinkSite> {
    match pos(call, n) {
        Some(Expr::Array { .. }) => list_items(call, n, what, Lead::First),
        Some(Expr::Lit(..) | Expr::Template { .. }) if string_is_shell => {
            vec![site(SinkKind::Shell, ArgRef::Arg(n as u16), what)]
        }
        Some(Expr::Lit(..) | Expr::Template { .. }) => {
            vec![site(SinkKind::Program, ArgRef::Arg(n as u16), what)]
        }
        Some(_) => vec![site(SinkKind::ProgramArgs, ArgRef::Arg(n as u16), what)],
        None => kw(call, name)
            .map(|_| site(SinkKind::ProgramArgs, ArgRef::Keyword(name.into()), what))
            .into_iter()
            .collect(),
    }
}

/// `os.execv(path, args)`: the program, then the argument vector whose
/// first item is only the program's display name.
fn argv_list(call: &Call, prog: usize, list: usize, what: &str) -> Vec<SinkSite> {
    let mut sites = program(call, prog, what);
    match pos(call, list) {
        Some(Expr::Array { .. }) => {
            sites.extend(list_items(call, list, what, Lead::Argv0(pos(call, prog))))
        }
        Some(_) => sites.push(site(SinkKind::ProgramArgs, ArgRef::Arg(list as u16), what)),
        None => {}
    }
    sites
}

/// The program at positional `n` (`*cmd` there: the whole command).
fn program(call: &Call, n: usize, what: &str) -> Vec<SinkSite> {
    let Some(a) = call.args.iter().filter(|a| a.name.is_none()).nth(n) else {
        return Vec::new();
    };
    match (&a.value, a.spread) {
        (Expr::Lit(..), false) => Vec::new(),
        (_, true) => vec![site(SinkKind::ProgramArgs, ArgRef::Arg(n as u16), what)],
        (_, false) => vec![site(SinkKind::Program, ArgRef::Arg(n as u16), what)],
    }
}

/// `create_subprocess_exec(prog, *args)`, `os.execl(path, arg0, …)`: the
/// program at `prog`, its arguments from `first` on.
fn varargs(call: &Call, prog: usize, first: usize, what: &str) -> Vec<SinkSite> {
    let values: Vec<(&Expr, bool)> = call
        .args
        .iter()
        .filter(|a| a.name.is_none())
        .map(|a| (&a.value, a.spread))
        .collect();
    let mut sites = program(call, prog, what);
    let mut items: Vec<Item<'_>> = Vec::new();
    for (i, (value, spread)) in values.into_iter().enumerate() {
        if i < prog {
            continue; // the mode of `os.spawn*`
        }
        let at = (i >= first).then_some(ArgRef::Arg(i as u16));
        items.push(Item { at, value, spread });
    }
    sites.extend(arguments(&items, what));
    sites
}

struct Item<'e> {
    at: Option<ArgRef>,
    value: &'e Expr,
    spread: bool,
}

/// What precedes the arguments in a list of a process call.
#[derive(Clone, Copy)]
enum Lead<'e> {
    /// Item 0 is the program (`subprocess.run([prog, …])`).
    First,
    /// Item 0 is only the program's display name; the program is given
    /// separately (`os.execv(prog, [name, …])`).
    Argv0(Option<&'e Expr>),
    /// Every item is an argument of the program given separately
    /// (`pexpect.spawn(prog, [args])`).
    Program(Option<&'e Expr>),
}

/// The items of the list literal at positional `n`.
fn list_items(call: &Call, n: usize, what: &str, lead: Lead<'_>) -> Vec<SinkSite> {
    let Some(Expr::Array { items, .. }) = pos(call, n) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut list = Vec::new();
    if let Lead::Argv0(Some(p)) | Lead::Program(Some(p)) = lead {
        list.push(Item {
            at: None,
            value: p,
            spread: false,
        });
    }
    for (i, v) in items.iter().enumerate() {
        let (value, spread) = match v {
            Expr::Spread(inner, _) => (inner.as_ref(), true),
            other => (other, false),
        };
        let at = ArgRef::Elem(n as u16, i as u16);
        match (lead, i) {
            (Lead::First, 0) => {
                if word(value).is_none() {
                    let kind = if spread {
                        SinkKind::ProgramArgs
                    } else {
                        SinkKind::Program
                    };
                    out.push(site(kind, at, what));
                }
                list.push(Item {
                    at: None,
                    value,
                    spread,
                });
            }
            (Lead::Argv0(_), 0) => {}
            _ => list.push(Item {
                at: Some(at),
                value,
                spread,
            }),
        }
    }
    out.extend(arguments(&list, what));
    out
}

/// Shells and the flag that makes their next argument a script.
fn shell_flag(program: &str, flag: &str) -> bool {
    let base = program
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(program)
        .to_ascii_lowercase();
    let base = base.trim_end_matches(".exe");
    match base {
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "fish" | "busybox" => {
            flag.starts_with('-') && !flag.starts_with("--") && flag.ends_with('c')
        }
        "cmd" => flag.eq_ignore_ascii_case("/c") || flag.eq_ignore_ascii_case("/k"),
        "powershell" | "pwsh" => {
            flag.eq_ignore_ascii_case("-command") || flag.eq_ignore_ascii_case("-c")
        }
        _ => false,
    }
}

/// Interpreters and the flag that makes their next argument code.
fn eval_flag(program: &str, flag: &str) -> bool {
    let base = program
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(program)
        .to_ascii_lowercase();
    let base = base.trim_end_matches(".exe");
    let python = base == "python"
        || base.starts_with("python") && base[6..].chars().all(|c| c.is_ascii_digit() || c == '.');
    match () {
        _ if python || base == "sys.executable" => flag == "-c",
        _ if matches!(base, "node" | "nodejs" | "deno" | "bun") => {
            matches!(flag, "-e" | "--eval" | "-p" | "--print" | "eval")
        }
        _ if matches!(base, "perl" | "ruby") => matches!(flag, "-e" | "-E"),
        _ if base == "php" => flag == "-r",
        _ => false,
    }
}

/// A literal word of a command line, or `sys.executable`.
fn word(e: &Expr) -> Option<&str> {
    match e {
        Expr::Lit(Lit::Str(s), _) => Some(s),
        Expr::Member { obj, prop, .. }
            if prop == "executable" && matches!(obj.as_ref(), Expr::Name(n, _) if n == "sys") =>
        {
            Some("sys.executable")
        }
        _ => None,
    }
}

/// A shell or an interpreter whose flags may introduce a script.
fn is_interpreter(word: &str) -> bool {
    shell_flag(word, "-c")
        || shell_flag(word, "/c")
        || ["-c", "-e", "-r"].iter().any(|f| eval_flag(word, f))
}

/// Sinks for the arguments of a process: after `sh -c` a shell script,
/// after `python -c` code, otherwise program arguments that may start with
/// `-` unless a literal `--` came first.
fn arguments(items: &[Item<'_>], what: &str) -> Vec<SinkSite> {
    let mut out = Vec::new();
    let mut dashes = false;
    // The last interpreter named, and the last flag given to it.
    let mut interp: Option<&str> = None;
    let mut flag: Option<&str> = None;
    let mut script_done = false;
    for it in items {
        if let Some(w) = word(it.value) {
            if w == "--" {
                dashes = true;
            }
            if is_interpreter(w) {
                interp = Some(w);
                flag = None;
            } else if interp.is_some() && (w.starts_with('-') || w.starts_with('/')) {
                flag = Some(w);
            } else {
                // A literal script: what follows are its own arguments.
                if let (Some(p), Some(f)) = (interp, flag) {
                    script_done |= shell_flag(p, f) || eval_flag(p, f);
                }
                interp = None;
                flag = None;
            }
            continue;
        }
        let script = match (interp, flag) {
            (Some(p), Some(f)) if !script_done && shell_flag(p, f) => Some(SinkKind::Shell),
            (Some(p), Some(f)) if !script_done && eval_flag(p, f) => Some(SinkKind::Eval),
            _ => None,
        };
        if let Some(at) = &it.at {
            let kind = match script {
                Some(k) => Some(k),
                None if script_done => None, // `$0`, `$1` of the script
                None if it.spread => Some(SinkKind::ProgramArgs),
                None => Some(SinkKind::ProgramArg {
                    after_dashes: dashes,
                }),
            };
            if let Some(kind) = kind {
                let what = match (script, interp, flag) {
                    (Some(_), Some(p), Some(f)) => format!("{what}([\"{p}\", \"{f}\", …])"),
                    _ => what.to_string(),
                };
                out.push(SinkSite {
                    kind,
                    at: at.clone(),
                    what,
                });
            }
        }
        if script.is_some() {
            script_done = true;
        }
        interp = None;
        flag = None;
    }
    out
}

/// Process-like methods: GitPython's `repo.git.<command>(args…)` runs git
/// with each argument; paramiko's `exec_command` runs a remote shell.
pub fn method(cx: &Ctx<'_>, call: &Call, obj: &Expr, prop: &str) -> Option<Effect> {
    if prop == "exec_command" {
        let sites: Vec<SinkSite> = at(call, 0, "command")
            .map(|a| site(SinkKind::Shell, a, "exec_command"))
            .into_iter()
            .collect();
        return Some(if sites.is_empty() {
            Effect::Clean
        } else {
            Effect::Sinks(sites)
        });
    }
    let Expr::Member { prop: git, .. } = obj else {
        return None;
    };
    if git != "git"
        || !cx.facts.bindings.get("git").is_some_and(|b| b.library)
        || prop.starts_with('_')
    {
        return None;
    }
    let what = format!("git {prop}");
    let mut items = Vec::new();
    for (i, a) in call.args.iter().filter(|a| a.name.is_none()).enumerate() {
        items.push(Item {
            at: Some(ArgRef::Arg(i as u16)),
            value: &a.value,
            spread: a.spread,
        });
    }
    let sites = arguments(&items, &what);
    Some(if sites.is_empty() {
        Effect::Clean
    } else {
        Effect::Sinks(sites)
    })
}
