//! Shell blocks of a README: `docker run` commands and MCP installer commands.

use skillaudit_syntax::markdown::{self, CodeBlock};
use skillaudit_syntax::shell::{self, Script};
use skillaudit_syntax::{json, OffsetMap};

use super::{map_spans, tree::config_containers};
use crate::container::BuildCommand;
use crate::container::{ArgSyntax, EnvEntry, Found};
use crate::file::FileId;
use crate::normalise::mcp_config;
use crate::normalise::shell_script;
use crate::{Origin, Span, Spanned};

/// MCP clients whose `mcp add` subcommand takes the server's command line.
const MCP_CLIS: &[&str] = &["claude", "codex", "gemini", "qwen"];

/// Containers of a shell block (with or without prompts).
pub(super) fn shell_block(
    file: FileId,
    block: &CodeBlock,
    builds: &mut Vec<BuildCommand>,
) -> Vec<Found> {
    let commands = prompt_commands(&block.content);
    let (text, local) = match &commands {
        Some((text, map)) => (text.as_str(), Some(map)),
        None => (block.content.as_str(), None),
    };
    if !shell_script::may_run_containers(text) {
        return Vec::new();
    }
    let script = shell::parse_documentation(text);
    let map = |s: Span| {
        let s = local.map_or(s, |m| m.span(s));
        block.map.span(s)
    };
    builds.extend(shell_script::builds(&script, &map));
    let mut out = shell_script::containers(file, &script, &map);
    out.extend(installer_containers(file, &script, &map));
    out
}

/// `docker build -t TAG …` commands written as code spans of the prose.
pub(super) fn prose_builds(text: &str) -> Vec<BuildCommand> {
    let mut out = Vec::new();
    for (code, span) in markdown::code_spans(text) {
        let words: Vec<&str> = code.split_whitespace().take(3).collect();
        let is_build = matches!(
            words.as_slice(),
            ["docker" | "podman", "build", ..] | ["docker", "buildx" | "image", "build"]
        );
        if is_build {
            let script = shell::parse_documentation(&code);
            out.extend(shell_script::builds(&script, &|_| span));
        }
    }
    out
}

/// Does a line start with a prompt (after optional indentation)? Returns
/// the offset of the command after it.
fn prompt_at(line: &str, prompts: &[&str]) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = line.get(indent..)?;
    prompts.iter().find_map(|p| {
        let command = rest.strip_prefix(p)?;
        (!command.trim().is_empty()).then(|| indent + p.len())
    })
}

/// The commands of a transcript: the text after each prompt, with the lines
/// that continue it (a `\` at the end of the line before; a `> ` secondary
/// prompt on the continuation is dropped), and a map from that text to the
/// block's content. `None` when the block has no `$ ` prompt (it is all
/// script, `console` blocks included: a transcript without prompts is
/// commands).
pub(super) fn prompt_commands(content: &str) -> Option<(String, OffsetMap)> {
    let lines: Vec<(usize, &str)> = {
        let mut at = 0;
        content
            .split('\n')
            .map(|l| {
                let start = at;
                at += l.len() + 1;
                (start, l)
            })
            .collect()
    };
    let prompts: &[&str] = &["$ "];
    if !lines.iter().any(|(_, l)| prompt_at(l, prompts).is_some()) {
        return None;
    }
    let mut text = String::new();
    let mut pieces: Vec<(u32, u32)> = Vec::new();
    let mut continued = false;
    for (start, line) in lines {
        let skip = if continued {
            // PS2 prompt on a continuation line.
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            if line.get(indent..).is_some_and(|r| r.starts_with("> ")) {
                indent + 2
            } else {
                0
            }
        } else {
            match prompt_at(line, prompts) {
                Some(at) => at,
                None => continue,
            }
        };
        let kept = line.get(skip..).unwrap_or("");
        pieces.push((text.len() as u32, (start + skip) as u32));
        text.push_str(kept);
        text.push('\n');
        continued = kept.trim_end_matches([' ', '\t', '\r']).ends_with('\\');
    }
    Some((text, OffsetMap { pieces }))
}

/// `claude mcp add NAME [-e K=V] -- docker run …` (also `codex`, `gemini`;
/// without `--` the word after NAME is the command), `claude mcp add-json
/// NAME '{…}'` and `code --add-mcp '{…}'`: servers installed from a command line.
fn installer_containers(file: FileId, script: &Script, map: &dyn Fn(Span) -> Span) -> Vec<Found> {
    let mut out = Vec::new();
    for cmd in &script.commands {
        let names: Vec<&str> = cmd.words.iter().map(|w| w.value.as_str()).collect();
        let skip = shell_script::skip_wrappers(&names);
        let (Some(words), Some(names)) = (cmd.words.get(skip..), names.get(skip..)) else {
            continue;
        };
        let Some(program) = names.first().map(|n| n.rsplit('/').next().unwrap_or(n)) else {
            continue;
        };
        let spanned: Vec<Spanned<String>> = words
            .iter()
            .map(|w| Spanned::new(w.value.clone(), Origin::at(map(w.span))))
            .collect();

        if matches!(program, "code" | "code-insiders") {
            // `code --add-mcp '{"name": …, "command": "docker", …}'`
            let mut i = 1;
            while let Some(w) = spanned.get(i) {
                if let Some(json) = w.value.strip_prefix("--add-mcp=") {
                    out.extend(json_word(file, json, None, w.origin.span));
                } else if w.value == "--add-mcp" {
                    if let Some(arg) = spanned.get(i + 1) {
                        out.extend(json_word(file, &arg.value, None, arg.origin.span));
                        i += 1;
                    }
                }
                i += 1;
            }
            continue;
        }
        if !MCP_CLIS.contains(&program) || names.get(1) != Some(&"mcp") {
            continue;
        }
        match names.get(2).copied() {
            Some("add") => out.extend(mcp_add(file, &spanned)),
            Some("add-json") => {
                // `claude mcp add-json [options] NAME '{…}'`
                let positional: Vec<&Spanned<String>> = spanned
                    .iter()
                    .skip(3)
                    .filter(|w| !w.value.starts_with('-'))
                    .collect();
                if let (Some(first), Some(name), Some(json)) =
                    (spanned.first(), positional.first(), positional.get(1))
                {
                    let definition = first.origin.span.cover(name.origin.span);
                    out.extend(json_word(
                        file,
                        &json.value,
                        Some((&name.value, definition)),
                        json.origin.span,
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// `<cli> mcp add [options] NAME [--] COMMAND ARGS…` (words from the CLI's name on).
fn mcp_add(file: FileId, words: &[Spanned<String>]) -> Vec<Found> {
    let mut env = Vec::new();
    let mut name: Option<&Spanned<String>> = None;
    let mut command_at = None;
    let mut i = 3;
    while let Some(w) = words.get(i) {
        let v = w.value.as_str();
        if v == "--" {
            command_at = Some(i + 1);
            break;
        }
        if let Some(kv) = v.strip_prefix("--env=").or_else(|| v.strip_prefix("-e=")) {
            env.push(env_word(kv, w.origin));
        } else if matches!(v, "-e" | "--env") {
            if let Some(next) = words.get(i + 1) {
                env.push(env_word(
                    &next.value,
                    Origin::at(w.origin.span.cover(next.origin.span)),
                ));
            }
            i += 1;
        } else if matches!(
            v,
            "-s" | "--scope"
                | "-t"
                | "--transport"
                | "-H"
                | "--header"
                | "--url"
                | "--bearer-token-env-var"
        ) {
            i += 1;
        } else if v.starts_with('-') {
            // Another option without a value.
        } else if name.is_none() {
            name = Some(w);
        } else {
            // `gemini mcp add NAME docker run …`: the command follows the name.
            command_at = Some(i);
            break;
        }
        i += 1;
    }
    let (Some(name), Some(at)) = (name, command_at) else {
        return Vec::new();
    };
    let Some(argv) = words.get(at..) else {
        return Vec::new();
    };
    let Some(first) = words.first() else {
        return Vec::new();
    };
    let definition = first.origin.span.cover(name.origin.span);
    let mut cs =
        mcp_config::argv_containers_as(file, &name.value, definition, argv, ArgSyntax::Shell);
    for c in &mut cs {
        c.container.env.extend(env.iter().cloned());
    }
    cs
}

/// `KEY=value` of an installer's `-e`.
fn env_word(kv: &str, origin: Origin) -> EnvEntry {
    match kv.split_once('=') {
        Some((k, v)) => EnvEntry {
            key: k.to_string(),
            value: Some(v.to_string()),
            origin,
        },
        None => EnvEntry {
            key: kv.to_string(),
            value: None,
            origin,
        },
    }
}

/// A server given as a JSON shell word. Positions inside the word would
/// need its quoting undone, so everything points at the word as a whole.
fn json_word(file: FileId, json_text: &str, name: Option<(&str, Span)>, at: Span) -> Vec<Found> {
    let stream = json::parse(json_text);
    if stream.error.is_some() {
        return Vec::new();
    }
    let root = stream.documents.first().and_then(|d| d.root());
    let (mut out, definition) = match (name, root) {
        // `claude mcp add-json NAME '{…}'`: the JSON is one server.
        (Some((name, definition)), Some(root)) if mcp_config::is_server(root) => (
            mcp_config::server_containers(file, name, Span::empty(0), root),
            Some(definition),
        ),
        _ => (config_containers(file, &stream), None),
    };
    for c in &mut out {
        map_spans(c, &|_| at);
        if let Some(d) = definition {
            c.container.definition = d;
        }
    }
    out
}
