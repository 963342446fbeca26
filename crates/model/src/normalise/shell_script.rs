//! Shell text → one [`Container`] per `docker run` / `podman run` it runs.
//!
//! Uses the shell parser, so only commands the shell would execute count:
//! `echo "docker run --privileged"` is an `echo`. Wrappers such as `sudo`
//! and `env X=1` are looked through; commands inside `if`, `&&` chains,
//! `$( … )` and continuation lines are all found.

use skillaudit_syntax::shell::Script;

use crate::container::{Container, ContainerSource};
use crate::normalise::docker_cli;
use crate::project::FileId;
use crate::{Origin, Span, Spanned};

/// Container-engine CLIs whose `run` we read.
const ENGINES: &[&str] = &["docker", "podman", "nerdctl"];

/// How many leading words are wrappers that run the rest as a command
/// (`sudo -E`, `env X=1`, `exec`, `nohup`, `time`, `command`).
pub fn skip_wrappers(words: &[&str]) -> usize {
    let mut i = 0;
    while let Some(first) = words.get(i) {
        let name = first.rsplit('/').next().unwrap_or(first);
        match name {
            "sudo" | "doas" => {
                i += 1;
                while let Some(w) = words.get(i) {
                    if !w.starts_with('-') {
                        break;
                    }
                    let takes_value = matches!(*w, "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U");
                    i += if takes_value { 2 } else { 1 };
                }
            }
            "env" => {
                i += 1;
                while words.get(i).is_some_and(|w| w.starts_with('-') || w.contains('=')) {
                    i += 1;
                }
            }
            "exec" | "nohup" | "time" | "command" => i += 1,
            _ => return i.min(words.len()),
        }
    }
    words.len()
}

/// Containers of every docker/podman run in a parsed script. `map` turns a
/// span of the parsed text into a span of the file (identity for a plain
/// script; an offset map for text embedded in YAML or Markdown).
pub fn containers(file: FileId, script: &Script, map: &dyn Fn(Span) -> Span) -> Vec<Container> {
    let mut out = Vec::new();
    for cmd in &script.commands {
        let words: Vec<&str> = cmd.words.iter().map(|w| w.value.as_str()).collect();
        let skip = skip_wrappers(&words);
        let argv = &words[skip..];
        let Some(tool) = argv.first().map(|w| w.rsplit('/').next().unwrap_or(w)) else { continue };
        if !ENGINES.contains(&tool) {
            continue;
        }
        let Some(start) = docker_cli::run_args_start(argv) else { continue };
        let spanned: Vec<Spanned<String>> = cmd.words[skip..]
            .iter()
            .map(|w| Spanned { value: w.value.clone(), origin: Origin::at(map(w.span)) })
            .collect();
        let definition = spanned[0].origin.span.cover(spanned[start - 1].origin.span);
        let mut c = docker_cli::container(
            file,
            ContainerSource::CommandLine { tool: tool.to_string(), image: String::new() },
            definition,
            &spanned[start..],
        );
        if let Some(image) = &c.image {
            c.source = ContainerSource::CommandLine { tool: tool.to_string(), image: image.value.clone() };
        }
        out.push(c);
    }
    out
}
