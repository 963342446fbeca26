//! How a process is started: `exec.Command(name, args...)`,
//! `exec.CommandContext(ctx, name, args...)`, `syscall.Exec(path, argv,
//! env)`, `os.StartProcess(name, argv, attr)`.
//!
//! - A shell with its command flag (`sh -c`, `bash -lc`, `cmd /c`,
//!   `powershell -Command`): the item after the flag is shell text (for
//!   `cmd`, every item after it: cmd joins them into one command line);
//!   the items after the script are `$0`, `$1`… (not parsed by the shell).
//! - An interpreter with its eval flag (`python -c`, `node -e`, `ruby -e`,
//!   `perl -e`, `php -r`): the next item is code.
//! - An unknown program followed by a literal `-c`: treated as a shell.
//! - Otherwise the program (when not a literal) is a `Program` sink and
//!   every item that is not a literal is a `ProgramArg` (after a literal
//!   `--` it cannot be an option); a spread `args...` is `ProgramArgs`.
//!   Without its flag, a shell's or interpreter's first item is the script
//!   it runs: a `Program` sink.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::Lower;
use crate::code::ir::{Arg, ArgRef, Effect, SinkKind, SinkSite};

/// One item of a process's argument list.
struct Item {
    at: ArgRef,
    /// The literal values it may have (empty: not a literal).
    lit: Vec<String>,
    /// A spread (`args...`) or an argv variable: many items.
    many: bool,
}

impl Lower<'_> {
    /// The value of a string literal or constant.
    pub fn str_value(&self, node: Node<'_>) -> Option<String> {
        self.lit_text(node).map(|(s, _)| s)
    }

    /// The literal values a node may have (a literal, or a variable only
    /// ever assigned literals); empty when unknown.
    fn str_values(&self, node: Node<'_>) -> Vec<String> {
        if node.kind_str() == "identifier" {
            return self.const_strs(self.text(node)).unwrap_or_default();
        }
        self.str_value(node).into_iter().collect()
    }

    /// `exec.Command`-like: the program is argument `offset`, its items
    /// follow as variadic arguments.
    pub fn process(
        &mut self,
        offset: usize,
        nodes: &[Node<'_>],
        args: &[Arg],
        what: &str,
    ) -> Effect {
        if nodes.len() <= offset {
            return Effect::Unknown;
        }
        let program = self.str_values(nodes[offset]);
        let mut items = Vec::new();
        for (i, node) in nodes.iter().enumerate().skip(offset + 1) {
            let spread = args.get(i).is_some_and(|a| a.spread);
            if spread {
                // `[]string{"-c", x}...` is written out; `args...` is not.
                let inner = node.named_child(0);
                match inner.filter(|n| n.kind_str() == "composite_literal") {
                    Some(lit) => items.extend(self.argv_items(lit, i as u16, 0)),
                    None => items.push(Item {
                        at: ArgRef::From(i as u16),
                        lit: Vec::new(),
                        many: true,
                    }),
                }
                continue;
            }
            items.push(Item {
                at: ArgRef::Arg(i as u16),
                lit: self.str_values(*node),
                many: false,
            });
        }
        classify(program, ArgRef::Arg(offset as u16), &items, what)
    }

    /// `syscall.Exec(path, argv, env)`, `os.StartProcess(name, argv, attr)`:
    /// `argv[0]` is the program's own name, the items follow.
    pub fn argv_process(&mut self, nodes: &[Node<'_>], _args: &[Arg], what: &str) -> Effect {
        if nodes.len() < 2 {
            return Effect::Unknown;
        }
        let program = self.str_values(nodes[0]);
        let argv = nodes[1];
        let items = if argv.kind_str() == "composite_literal" {
            self.argv_items(argv, 1, 1)
        } else {
            vec![Item {
                at: ArgRef::Arg(1),
                lit: Vec::new(),
                many: true,
            }]
        };
        classify(program, ArgRef::Arg(0), &items, what)
    }

    /// The elements of a `[]string{…}` literal given as argument `n`, from
    /// element `skip` on.
    fn argv_items(&self, lit: Node<'_>, n: u16, skip: usize) -> Vec<Item> {
        let Some(body) = lit.child_by_field_name("body") else {
            return Vec::new();
        };
        let mut c = body.walk();
        body.named_children(&mut c)
            .filter(|e| e.kind_str() == "literal_element")
            .enumerate()
            .skip(skip)
            .map(|(i, e)| Item {
                at: ArgRef::Elem(n, i as u16),
                lit: self.str_values(e),
                many: false,
            })
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Family {
    Shell,
    Cmd,
    PowerShell,
    Interpreter(&'static [&'static str]),
    Other,
}

fn family(program: &str) -> Family {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base.to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    match base {
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "fish" | "busybox" => Family::Shell,
        "cmd" => Family::Cmd,
        "powershell" | "pwsh" => Family::PowerShell,
        "node" | "nodejs" | "bun" => Family::Interpreter(&["-e", "--eval", "-p", "--print"]),
        "ruby" | "perl" => Family::Interpreter(&["-e", "-E"]),
        "php" => Family::Interpreter(&["-r"]),
        "deno" => Family::Interpreter(&["eval"]),
        b if b.starts_with("python") => Family::Interpreter(&["-c"]),
        _ => Family::Other,
    }
}

/// `-c`, `-lc`, `-ec`, `-xc`: a short-option cluster with `c`.
fn is_shell_flag(s: &str) -> bool {
    s.len() >= 2
        && s.starts_with('-')
        && !s.starts_with("--")
        && s[1..].chars().all(|c| c.is_ascii_alphabetic())
        && s.contains('c')
}

/// Whether `flag` is the command flag of a program of family `fam`.
fn is_flag(fam: Family, flag: &str, unknown_program: bool) -> bool {
    match fam {
        Family::Shell => is_shell_flag(flag),
        Family::Cmd => flag.eq_ignore_ascii_case("/c") || flag.eq_ignore_ascii_case("/k"),
        Family::PowerShell => {
            flag.eq_ignore_ascii_case("-command") || flag.eq_ignore_ascii_case("-c")
        }
        Family::Interpreter(flags) => flags.contains(&flag),
        Family::Other => unknown_program && flag == "-c",
    }
}

/// The sinks of a process started with `programs` (its possible literal
/// values; empty when not a literal) and `items`.
fn classify(programs: Vec<String>, at: ArgRef, items: &[Item], what: &str) -> Effect {
    let unknown = programs.is_empty();
    let fams: Vec<Family> = if unknown {
        vec![Family::Other]
    } else {
        programs.iter().map(|p| family(p)).collect()
    };
    let flag_of = |i: &Item| {
        fams.iter()
            .find(|f| i.lit.iter().any(|l| is_flag(**f, l, unknown)))
            .copied()
    };
    let mut sinks = Vec::new();
    if unknown {
        sinks.push(site(SinkKind::Program, at.clone(), what));
    }
    if let Some((k, fam)) = items
        .iter()
        .enumerate()
        .find_map(|(k, i)| Some((k, flag_of(i)?)))
    {
        let name = programs.first().map(String::as_str).unwrap_or("…");
        let flag = items[k].lit.first().map(String::as_str).unwrap_or("");
        let label = format!("{what}(\"{name}\", \"{flag}\", …)");
        let kind = match fam {
            Family::Interpreter(_) => SinkKind::Eval,
            _ => SinkKind::Shell,
        };
        let after = &items[k + 1..];
        // cmd joins every item after /c into the command line.
        let take = if fams.contains(&Family::Cmd) {
            after.len()
        } else {
            1
        };
        for item in after.iter().take(take) {
            if item.lit.is_empty() {
                sinks.push(site(kind, item.at.clone(), &label));
            }
        }
        return finish(sinks);
    }
    // A shell or interpreter without its flag runs its first item as a script.
    let mut first_operand = fams.iter().any(|f| *f != Family::Other);
    let mut after_dashes = false;
    for item in items {
        if !item.lit.is_empty() {
            if item.lit.iter().any(|l| l == "--") {
                after_dashes = true;
            }
            if item.lit.iter().any(|l| !l.starts_with('-')) {
                first_operand = false;
            }
            continue;
        }
        let kind = if item.many {
            SinkKind::ProgramArgs
        } else if first_operand {
            SinkKind::Program
        } else {
            SinkKind::ProgramArg { after_dashes }
        };
        first_operand = false;
        sinks.push(site(kind, item.at.clone(), what));
    }
    finish(sinks)
}

fn finish(sinks: Vec<SinkSite>) -> Effect {
    if sinks.is_empty() {
        Effect::Clean
    } else {
        Effect::Sinks(sinks)
    }
}

fn site(kind: SinkKind, at: ArgRef, what: &str) -> SinkSite {
    SinkSite {
        kind,
        at,
        what: what.to_string(),
    }
}
