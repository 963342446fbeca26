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
    let mut builder = Builder {
        escape: df.escape,
        globals: HashMap::new(),
        stages: Vec::new(),
        preamble: Vec::new(),
        env_by_stage: Vec::new(),
        args: HashMap::new(),
    };
    for ins in &df.instructions {
        builder.instruction(ins);
    }
    Image {
        file,
        purpose: Default::default(),
        preamble: builder.preamble,
        stages: builder.stages,
    }
}

/// The Image being built, one instruction at a time.
struct Builder {
    escape: char,
    /// ARGs declared before the first FROM (usable in FROM lines).
    globals: HashMap<String, Option<String>>,
    stages: Vec<Stage>,
    preamble: Vec<Instr>,
    /// Per stage: variables in scope.
    env_by_stage: Vec<HashMap<String, String>>,
    /// ARGs of the current stage.
    args: HashMap<String, Option<String>>,
}

impl Builder {
    fn instruction(&mut self, ins: &Instruction) {
        if ins.is("FROM") {
            self.from(ins);
            return;
        }
        if self.stages.is_empty() {
            // Before the first FROM only ARG is allowed (the parser reports the rest).
            if ins.is("ARG") {
                self.global_arg(ins);
            }
            return;
        }
        let Some(env) = self.env_by_stage.last_mut() else {
            return;
        };
        let mut scope = Scope {
            escape: self.escape,
            globals: &self.globals,
            env,
            args: &mut self.args,
        };
        let kind = scope.kind(ins);
        if let Some(stage) = self.stages.last_mut() {
            stage.instructions.push(Instr {
                keyword: ins.keyword.clone(),
                span: ins.span,
                kind,
            });
        }
    }

    /// `FROM image [AS name]`: a new stage.
    fn from(&mut self, ins: &Instruction) {
        let words = ins.words();
        let Some(image_word) = words.first() else {
            return;
        };
        let lookup = |name: &str| self.globals.get(name).cloned().flatten();
        let expanded = dockerfile::expand(&image_word.value, self.escape, &lookup);
        let name = match (words.get(1), words.get(2)) {
            (Some(kw), Some(n)) if kw.value.eq_ignore_ascii_case("as") => {
                Some(n.value.to_ascii_lowercase())
            }
            _ => None,
        };
        let lowered = expanded.value.to_ascii_lowercase();
        let base = if let Some(i) = self
            .stages
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
            Base::Stage(i) => self.env_by_stage[i].clone(),
            _ => HashMap::new(),
        };
        self.env_by_stage.push(env);
        self.args.clear();
        self.stages.push(Stage {
            index: self.stages.len(),
            name,
            from_span: ins.span,
            from_resolved: !expanded.unresolved,
            from: Spanned::new(expanded.value, image_word.span),
            base,
            instructions: Vec::new(),
        });
    }

    /// An `ARG` before the first FROM.
    fn global_arg(&mut self, ins: &Instruction) {
        let mut vars = Vec::new();
        for kv in ins.key_values() {
            self.globals.insert(
                kv.key.value.clone(),
                kv.value.as_ref().map(|v| v.value.clone()),
            );
            vars.push(Var {
                key: kv.key.value,
                value: kv.value.map(|v| v.value),
                span: kv.span,
            });
        }
        self.preamble.push(Instr {
            keyword: ins.keyword.clone(),
            span: ins.span,
            kind: InstrKind::Arg(vars),
        });
    }
}

/// The variables in scope for an instruction inside a stage.
struct Scope<'s> {
    escape: char,
    globals: &'s HashMap<String, Option<String>>,
    env: &'s mut HashMap<String, String>,
    args: &'s mut HashMap<String, Option<String>>,
}

impl Scope<'_> {
    fn lookup(&self, name: &str) -> Option<String> {
        lookup_var(self.env, self.args, name)
    }

    /// `text` with `$VAR`s substituted from this scope.
    fn expand(&self, text: &str) -> dockerfile::Expanded {
        dockerfile::expand(text, self.escape, &|n: &str| self.lookup(n))
    }

    fn kind(&mut self, ins: &Instruction) -> InstrKind {
        match ins.keyword.as_str() {
            "ARG" => self.arg(ins),
            "ENV" => self.env(ins),
            "USER" => {
                let e = self.expand(ins.args_text().trim());
                InstrKind::User(User {
                    value: e.value,
                    unresolved: e.unresolved,
                })
            }
            "COPY" | "ADD" => self.copy(ins),
            "EXPOSE" => InstrKind::Expose(
                ins.words()
                    .into_iter()
                    .map(|w| Spanned::new(self.expand(&w.value).value, w.span))
                    .collect(),
            ),
            "HEALTHCHECK" => InstrKind::Healthcheck {
                none: ins.args_text().trim().eq_ignore_ascii_case("none"),
            },
            "RUN" => InstrKind::Run(run_spec(ins)),
            _ => InstrKind::Other {
                text: ins.args_text(),
            },
        }
    }

    /// An in-stage `ARG`: without a default it takes the global default.
    fn arg(&mut self, ins: &Instruction) -> InstrKind {
        let mut vars = Vec::new();
        for kv in ins.key_values() {
            let value = match &kv.value {
                Some(v) => Some(self.expand(as_written(ins, v)).value),
                None => self.globals.get(&kv.key.value).cloned().flatten(),
            };
            self.args.insert(kv.key.value.clone(), value);
            vars.push(Var {
                key: kv.key.value,
                value: kv.value.map(|v| v.value),
                span: kv.span,
            });
        }
        InstrKind::Arg(vars)
    }

    fn env(&mut self, ins: &Instruction) -> InstrKind {
        let mut vars = Vec::new();
        for kv in ins.key_values() {
            let expanded = kv
                .value
                .as_ref()
                .map(|v| self.expand(as_written(ins, v)).value)
                .unwrap_or_default();
            let raw = kv.value.map(|v| v.value).unwrap_or_default();
            self.env.insert(kv.key.value.clone(), expanded);
            vars.push(Var {
                key: kv.key.value,
                value: Some(raw),
                span: kv.span,
            });
        }
        InstrKind::Env(vars)
    }

    fn copy(&self, ins: &Instruction) -> InstrKind {
        let (sources, dest) = ins.copy_sources_dest();
        let exp =
            |w: dockerfile::Word| Spanned::new(self.expand(as_written(ins, &w)).value, w.span);
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
