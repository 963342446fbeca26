//! Dockerfile syntax tree → [`Image`].
//!
//! Resolves stages (`FROM <stage>`), ARG/ENV substitution with BuildKit's
//! scoping (global ARGs only in FROM; an in-stage `ARG X` without a default
//! takes the global default; ENV wins over ARG; ENV is inherited by stages
//! built `FROM` an earlier stage), and splits RUN commands with the shell
//! parser so rules see commands and pipelines, not text.

use std::collections::HashMap;

use skillaudit_syntax::dockerfile::{self, Args, Dockerfile, Instruction};
use skillaudit_syntax::shell;

use crate::file::FileId;
use crate::image::{
    Base, CopySpec, Image, Instr, InstrKind, RunSpec, ShellCommand, Stage, User, Var,
};
use crate::imageref::ImageRef;
use crate::{Origin, Span, Spanned};

/// Shells whose heredoc body (`RUN bash <<EOF`) is a script.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// Build the Image of a parsed Dockerfile.
pub fn image(file: FileId, df: &Dockerfile) -> Image {
    let mut globals: HashMap<String, Option<String>> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut preamble: Vec<Instr> = Vec::new();
    // Per stage: variables in scope.
    let mut env_by_stage: Vec<HashMap<String, String>> = Vec::new();
    let mut args: HashMap<String, Option<String>> = HashMap::new();
    let escape = df.escape;

    for ins in &df.instructions {
        if ins.is("FROM") {
            let words = ins.words();
            let Some(image_word) = words.first() else {
                continue;
            };
            let lookup = |name: &str| globals.get(name).cloned().flatten();
            let expanded = dockerfile::expand(&image_word.value, escape, &lookup);
            let name = match (words.get(1), words.get(2)) {
                (Some(kw), Some(n)) if kw.value.eq_ignore_ascii_case("as") => {
                    Some(n.value.to_ascii_lowercase())
                }
                _ => None,
            };
            let lowered = expanded.value.to_ascii_lowercase();
            let base = if let Some(i) = stages
                .iter()
                .position(|s| s.name.as_deref() == Some(lowered.as_str()))
            {
                Base::Stage(i)
            } else if lowered == "scratch" {
                Base::Scratch
            } else {
                Base::Image(ImageRef::parse(&expanded.value))
            };
            let env = match base {
                Base::Stage(i) => env_by_stage[i].clone(),
                _ => HashMap::new(),
            };
            env_by_stage.push(env);
            args.clear();
            stages.push(Stage {
                index: stages.len(),
                name,
                from_span: ins.span,
                from_resolved: !expanded.unresolved,
                from: Spanned::new(expanded.value, image_word.span),
                base,
                instructions: Vec::new(),
            });
            continue;
        }
        let Some(stage) = stages.last_mut() else {
            // Before the first FROM only ARG is allowed (the parser reports the rest).
            if ins.is("ARG") {
                let mut vars = Vec::new();
                for kv in ins.key_values() {
                    globals.insert(
                        kv.key.value.clone(),
                        kv.value.as_ref().map(|v| v.value.clone()),
                    );
                    vars.push(Var {
                        key: kv.key.value,
                        value: kv.value.map(|v| v.value),
                        span: kv.span,
                    });
                }
                preamble.push(Instr {
                    keyword: ins.keyword.clone(),
                    span: ins.span,
                    kind: InstrKind::Arg(vars),
                });
            }
            continue;
        };
        let env = env_by_stage.last_mut().expect("one env per stage");
        let kind = match ins.keyword.as_str() {
            "ARG" => {
                let mut vars = Vec::new();
                for kv in ins.key_values() {
                    let value = match &kv.value {
                        Some(v) => {
                            let lookup = |n: &str| lookup_var(env, &args, n);
                            Some(dockerfile::expand(as_written(ins, v), escape, &lookup).value)
                        }
                        None => globals.get(&kv.key.value).cloned().flatten(),
                    };
                    args.insert(kv.key.value.clone(), value);
                    vars.push(Var {
                        key: kv.key.value,
                        value: kv.value.map(|v| v.value),
                        span: kv.span,
                    });
                }
                InstrKind::Arg(vars)
            }
            "ENV" => {
                let mut vars = Vec::new();
                for kv in ins.key_values() {
                    let lookup = |n: &str| lookup_var(env, &args, n);
                    let expanded = kv
                        .value
                        .as_ref()
                        .map(|v| dockerfile::expand(as_written(ins, v), escape, &lookup).value)
                        .unwrap_or_default();
                    let raw = kv.value.map(|v| v.value).unwrap_or_default();
                    env.insert(kv.key.value.clone(), expanded);
                    vars.push(Var {
                        key: kv.key.value,
                        value: Some(raw),
                        span: kv.span,
                    });
                }
                InstrKind::Env(vars)
            }
            "USER" => {
                let lookup = |n: &str| lookup_var(env, &args, n);
                let e = dockerfile::expand(ins.args_text().trim(), escape, &lookup);
                InstrKind::User(User {
                    value: e.value,
                    unresolved: e.unresolved,
                })
            }
            "COPY" | "ADD" => {
                let lookup = |n: &str| lookup_var(env, &args, n);
                let (sources, dest) = ins.copy_sources_dest();
                let exp = |w: dockerfile::Word| {
                    Spanned::new(
                        dockerfile::expand(as_written(ins, &w), escape, &lookup).value,
                        w.span,
                    )
                };
                InstrKind::Copy(CopySpec {
                    is_add: ins.is("ADD"),
                    sources: sources.into_iter().map(exp).collect(),
                    dest: dest.map(exp),
                    from: ins
                        .flag("from")
                        .and_then(|f| f.value.as_ref())
                        .map(|v| v.value.clone()),
                    chown: ins.flag("chown").is_some(),
                })
            }
            "EXPOSE" => {
                let lookup = |n: &str| lookup_var(env, &args, n);
                InstrKind::Expose(
                    ins.words()
                        .into_iter()
                        .map(|w| {
                            Spanned::new(
                                dockerfile::expand(&w.value, escape, &lookup).value,
                                w.span,
                            )
                        })
                        .collect(),
                )
            }
            "HEALTHCHECK" => InstrKind::Healthcheck {
                none: ins.args_text().trim().eq_ignore_ascii_case("none"),
            },
            "RUN" => InstrKind::Run(run_spec(ins)),
            _ => InstrKind::Other {
                text: ins.args_text(),
            },
        };
        stage.instructions.push(Instr {
            keyword: ins.keyword.clone(),
            span: ins.span,
            kind,
        });
    }
    Image {
        file,
        purpose: Default::default(),
        preamble,
        stages,
    }
}

/// A word's text as written (quotes kept), which is what substitution
/// must see: `'$HOME'` stays literal. Exec-form words are already decoded.
fn as_written<'a>(ins: &'a Instruction, w: &'a dockerfile::Word) -> &'a str {
    ins.source_text(w.span).unwrap_or(&w.value)
}

fn lookup_var(
    env: &HashMap<String, String>,
    args: &HashMap<String, Option<String>>,
    name: &str,
) -> Option<String> {
    env.get(name)
        .cloned()
        .or_else(|| args.get(name).cloned().flatten())
}

/// Split a RUN into simple commands, with spans in the Dockerfile.
fn run_spec(ins: &Instruction) -> RunSpec {
    let mut spec = RunSpec::default();
    match &ins.args {
        Args::Exec(words) => {
            // ["sh", "-c", "script"]: the script is shell; otherwise one command.
            let names: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
            let is_shell_c = names.len() >= 3
                && SHELLS.contains(&names[0].rsplit('/').next().unwrap_or(names[0]))
                && names[1] == "-c";
            if is_shell_c {
                let script = &words[2];
                let parsed = shell::parse(&script.value);
                // Offsets inside a JSON string do not map 1:1 (escapes); point at the string.
                push_commands(&mut spec, &parsed, &|_| script.span);
            } else {
                spec.commands.push(ShellCommand {
                    assignments: Vec::new(),
                    words: words
                        .iter()
                        .map(|w| Spanned::new(w.value.clone(), w.span))
                        .collect(),
                    pipeline: None,
                    nested_in: None,
                    span: ins.args_span(),
                });
            }
        }
        Args::Shell(text) => {
            let parsed = shell::parse(&text.value);
            push_commands(&mut spec, &parsed, &|s: Span| text.span_of(s.range()));
        }
    }
    // Heredoc bodies are scripts when the RUN runs them with a shell
    // (`RUN <<EOF` or `RUN bash <<EOF`), not when they feed another program.
    let runs_shell = match spec.commands.first() {
        None => true,
        Some(c) => c.name().is_some_and(|n| SHELLS.contains(&n)),
    };
    if runs_shell {
        for doc in &ins.heredocs {
            let parsed = shell::parse(&doc.content);
            let base = doc.span.start;
            let end = doc.span.end;
            push_commands(&mut spec, &parsed, &|s: Span| {
                // `<<-` strips leading tabs, so offsets may drift; clamp to the body.
                Span {
                    start: (base + s.start).min(end),
                    end: (base + s.end).min(end),
                }
            });
        }
    }
    spec
}

fn push_commands(spec: &mut RunSpec, script: &shell::Script, map: &dyn Fn(Span) -> Span) {
    let offset = spec.commands.len();
    // Pipeline ids are unique per script; keep them unique across the RUN's scripts.
    let id_base = spec
        .commands
        .iter()
        .filter_map(|c| c.pipeline)
        .map(|(id, _)| id + 1)
        .max()
        .unwrap_or(0);
    for c in &script.commands {
        spec.commands.push(ShellCommand {
            assignments: c.assignments.iter().map(|a| a.value.clone()).collect(),
            words: c
                .words
                .iter()
                .map(|w| Spanned {
                    value: w.value.clone(),
                    origin: Origin::at(map(w.span)),
                })
                .collect(),
            pipeline: c.pipeline.map(|(id, pos)| (id + id_base, pos)),
            nested_in: c.nested_in.map(|(i, _)| i + offset),
            span: map(c.span),
        });
    }
    // `sh -c 'curl … | sh'`: the quoted script is shell too (one level deep).
    let end = spec.commands.len();
    for i in offset..end {
        let c = &spec.commands[i];
        let is_shell_c = c.words.len() >= 3
            && c.name().is_some_and(|n| SHELLS.contains(&n))
            && c.words[1].value == "-c";
        if !is_shell_c {
            continue;
        }
        let script_word = c.words[2].clone();
        let inner = shell::parse(&script_word.value);
        let base = spec.commands.len();
        let id_base = spec
            .commands
            .iter()
            .filter_map(|c| c.pipeline)
            .map(|(id, _)| id + 1)
            .max()
            .unwrap_or(0);
        for ic in &inner.commands {
            // Offsets inside a quoted word do not map 1:1; point at the word.
            spec.commands.push(ShellCommand {
                assignments: ic.assignments.iter().map(|a| a.value.clone()).collect(),
                words: ic
                    .words
                    .iter()
                    .map(|w| Spanned {
                        value: w.value.clone(),
                        origin: script_word.origin,
                    })
                    .collect(),
                pipeline: ic.pipeline.map(|(id, pos)| (id + id_base, pos)),
                // Top-level commands of the script run *in* the shell, not as
                // its input: only substitutions inside it are nested.
                nested_in: ic.nested_in.map(|(j, _)| j + base),
                span: script_word.origin.span,
            });
        }
    }
}
