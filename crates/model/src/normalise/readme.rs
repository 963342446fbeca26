//! README code blocks → Containers, with the README's positions.
//!
//! Most MCP servers show their container setup only in the README, and users
//! copy it verbatim, so fenced code blocks are read like the real thing:
//!
//! * `json`/`jsonc`/`json5` blocks (and blocks without a language, or with a
//!   generic one such as `commandline` or `text`, whose content starts with
//!   `{` or `"`): an MCP client configuration, a `server.json`, a bare server
//!   map (`{"github": {"command": "docker", …}}`) or a single server
//!   (`{"command": "docker", …}`, described by its command line unless it has
//!   a `name`). READMEs often show *fragments* — `"github": {…}` without the
//!   outer braces, possibly with a trailing comma, or several such entries:
//!   when the block does not parse and starts with a string, it is parsed
//!   again wrapped in `{` … `}`.
//! * `toml` blocks that are MCP configurations (Codex `[mcp_servers.x]`).
//! * Shell blocks (`sh`, `bash`, `shell`, `zsh`, `console`, …, no language, a
//!   generic one): every `docker run` / `podman run` the shell would execute
//!   (not one that is only `echo`ed), and `claude|codex|gemini mcp add NAME
//!   -- docker run …` / `claude mcp add-json NAME '{…}'` / `code --add-mcp
//!   '{…}'` installer commands. In a block with `$ ` prompts, only the
//!   prompt lines and their `\` continuations are commands; the rest is
//!   output. `# ` is always read as a comment, never as a root prompt: real
//!   transcripts mix `# Start the server` comments with `$ ` prompts, and a
//!   block of `# comment` + unprompted commands is common, so reading `# ` as
//!   a prompt would both run commented-out commands and drop real ones.
//!
//! Prose is never a container; neither are `yaml` blocks (a compose snippet
//! in a README is not read for now), `dockerfile` blocks, nor code in other
//! languages.
//!
//! Every position ends up as a README byte offset: a block is parsed on its
//! own (or on a derived text: the wrapped fragment, the prompt lines), the
//! normaliser runs with positions in that text, and every span of the
//! Containers it returns is then mapped back through the derived text's map
//! and the block's [`OffsetMap`] (see [`map_spans`]).

use skillaudit_syntax::markdown::{self, CodeBlock};
use skillaudit_syntax::shell::{self, Script};
use skillaudit_syntax::yaml::Stream;
use skillaudit_syntax::{json, toml, OffsetMap};

use crate::container::{ArgSyntax, Container, EnvEntry};
use crate::normalise::nodes::entry_origin;
use crate::normalise::shell_script::BuildCommand;
use crate::normalise::{mcp_config, server_json, shell_script};
use crate::project::FileId;
use crate::{Origin, Span, Spanned};

/// Languages of JSON blocks.
const JSON_LANGS: &[&str] = &["json", "jsonc", "json5"];
/// Languages of shell blocks.
const SHELL_LANGS: &[&str] = &[
    "sh",
    "bash",
    "shell",
    "zsh",
    "ksh",
    "fish",
    "shellscript",
    "shell-script",
    "console",
    "shell-session",
    "shellsession",
    "sh-session",
    "bash-session",
    "terminal",
];
/// Languages that say nothing about the content: sniffed like a block without one.
const GENERIC_LANGS: &[&str] = &[
    "",
    "commandline",
    "command-line",
    "cli",
    "text",
    "txt",
    "plaintext",
    "plain",
];
/// MCP clients whose `mcp add` subcommand takes the server's command line.
const MCP_CLIS: &[&str] = &["claude", "codex", "gemini", "qwen"];

/// Every container the README's code blocks describe, in block order.
pub fn containers(file: FileId, text: &str) -> Vec<Container> {
    read(file, text).0
}

/// The containers of the README's code blocks, and the `docker build -t`
/// commands of its shell blocks (so a `docker run TAG` the README builds
/// first is linked to the Dockerfile).
pub fn read(file: FileId, text: &str) -> (Vec<Container>, Vec<BuildCommand>) {
    let mut out = Vec::new();
    let mut builds = Vec::new();
    for block in markdown::code_blocks(text) {
        let lang = block.lang.as_str();
        if JSON_LANGS.contains(&lang) {
            out.extend(json_block(file, &block));
        } else if lang == "toml" {
            out.extend(toml_block(file, &block));
        } else if SHELL_LANGS.contains(&lang) {
            out.extend(shell_block(file, &block, &mut builds));
        } else if GENERIC_LANGS.contains(&lang) {
            // `{…}` is JSON; `"…"` may be a fragment or a quoted command path.
            let found = match first_significant(&block.content) {
                Some('{' | '"') => json_block(file, &block),
                _ => Vec::new(),
            };
            if found.is_empty() && first_significant(&block.content) != Some('{') {
                out.extend(shell_block(file, &block, &mut builds));
            }
            out.extend(found);
        }
    }
    (out, builds)
}

// ---------------------------------------------------------------------------
// JSON and TOML blocks
// ---------------------------------------------------------------------------

/// The first character that is not whitespace or inside a `//` / `/* */` comment.
fn first_significant(text: &str) -> Option<char> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else {
            return rest.chars().next();
        }
    }
}

/// Containers of a JSON block, fragments included.
fn json_block(file: FileId, block: &CodeBlock) -> Vec<Container> {
    let mut content = block.content.as_str();
    let mut stream = json::parse(content);
    // `# Add this to your config` lines: blanked (same length, so positions hold).
    let repaired;
    if stream.error.is_some() {
        if let Some(text) = blank_hash_comments(content) {
            repaired = text;
            content = &repaired;
            stream = json::parse(content);
        }
    }
    let (stream, shift) = if stream.error.is_none() && !stream.documents.is_empty() {
        (stream, 0)
    } else if first_significant(content) == Some('"') {
        // `"name": {…},` — an entry of a server map without its braces.
        (json::parse(&wrap_fragment(content)), 1)
    } else {
        return Vec::new();
    };
    if stream.error.is_some() {
        return Vec::new();
    }
    let len = content.len() as u32;
    let to_content = |s: Span| {
        // Wrapped-text offsets are one past the content's; clamp to it.
        let start = s.start.saturating_sub(shift).min(len);
        let end = s.end.saturating_sub(shift).min(len).max(start);
        Span { start, end }
    };
    let mut out = config_containers(file, &stream);
    for c in &mut out {
        map_spans(c, &|s| block.map.span(to_content(s)));
    }
    out
}

/// The text with every line whose first non-blank character is `#` (a shell
/// comment some READMEs put in JSON blocks) turned into spaces; `None` when
/// there is none. A `#` inside a JSON string never starts a line.
fn blank_hash_comments(content: &str) -> Option<String> {
    let mut out = String::with_capacity(content.len());
    let mut changed = false;
    for line in content.split_inclusive('\n') {
        if line.trim_start().starts_with('#') {
            let body = line.trim_end_matches(['\n', '\r']);
            out.extend(std::iter::repeat_n(' ', body.len()));
            out.push_str(&line[body.len()..]);
            changed = true;
        } else {
            out.push_str(line);
        }
    }
    changed.then_some(out)
}

/// `{` + the fragment + `}`, with a trailing comma blanked out (a space, so
/// that every offset of the fragment stays one past its place in the block).
fn wrap_fragment(content: &str) -> String {
    let mut body = content.to_string();
    let trimmed = body.trim_end().len();
    if body[..trimmed].ends_with(',') {
        body.replace_range(trimmed - 1..trimmed, " ");
    }
    format!("{{{body}\n}}")
}

/// Containers of a parsed JSON document, whichever shape it has.
fn config_containers(file: FileId, stream: &Stream) -> Vec<Container> {
    if mcp_config::looks_like_mcp_config(stream) {
        return mcp_config::containers(file, stream);
    }
    if server_json::looks_like_server_json(stream) {
        return server_json::containers(file, stream);
    }
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return Vec::new();
    };
    if !root.is_mapping() {
        return Vec::new();
    }
    if mcp_config::is_server(root) {
        // One server: `{"command": "docker", …}`, named when it has a `name`
        // (`code --add-mcp`'s shape).
        let named = root
            .get("name")
            .and_then(|(k, v)| v.as_str().map(|n| (n.to_string(), entry_origin(k, v).span)));
        let (name, definition) = match named {
            Some(found) => found,
            None => {
                let at = root
                    .get("command")
                    .map_or(root.node().span, |(k, v)| entry_origin(k, v).span);
                (String::new(), at)
            }
        };
        return mcp_config::server_containers(file, &name, definition, root);
    }
    // A bare server map (the usual fragment): `{"github": {"command": …}}`.
    mcp_config::server_map_containers(file, root)
}

/// Containers of a TOML block that is an MCP configuration (Codex).
fn toml_block(file: FileId, block: &CodeBlock) -> Vec<Container> {
    let stream = toml::parse(&block.content);
    if stream.error.is_some() || !mcp_config::looks_like_mcp_config(&stream) {
        return Vec::new();
    }
    let mut out = mcp_config::containers(file, &stream);
    for c in &mut out {
        map_spans(c, &|s| block.map.span(s));
    }
    out
}

// ---------------------------------------------------------------------------
// Shell blocks
// ---------------------------------------------------------------------------

/// Containers of a shell block (with or without prompts).
fn shell_block(file: FileId, block: &CodeBlock, builds: &mut Vec<BuildCommand>) -> Vec<Container> {
    let commands = prompt_commands(&block.content);
    let (text, local) = match &commands {
        Some((text, map)) => (text.as_str(), Some(map)),
        None => (block.content.as_str(), None),
    };
    if !shell_script::may_run_containers(text) {
        return Vec::new();
    }
    let script = shell::parse(text);
    let map = |s: Span| {
        let s = local.map_or(s, |m| m.span(s));
        block.map.span(s)
    };
    builds.extend(shell_script::builds(&script, &map));
    let mut out = shell_script::containers(file, &script, &map);
    out.extend(installer_containers(file, &script, &map));
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
fn prompt_commands(content: &str) -> Option<(String, OffsetMap)> {
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
fn installer_containers(
    file: FileId,
    script: &Script,
    map: &dyn Fn(Span) -> Span,
) -> Vec<Container> {
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
fn mcp_add(file: FileId, words: &[Spanned<String>]) -> Vec<Container> {
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
        c.env.extend(env.iter().cloned());
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
fn json_word(
    file: FileId,
    json_text: &str,
    name: Option<(&str, Span)>,
    at: Span,
) -> Vec<Container> {
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
            c.definition = d;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------

/// Map every span of a Container (its definition and the origin of every
/// value, anchors included) through `f`.
pub fn map_spans(c: &mut Container, f: &dyn Fn(Span) -> Span) {
    c.definition = f(c.definition);
    c.for_each_origin(|origin| {
        origin.span = f(origin.span);
        origin.anchor = origin.anchor.map(f);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::{ContainerSource, MountKind};
    use skillaudit_syntax::LineIndex;

    fn line(text: &str, span: Span) -> usize {
        LineIndex::new(text).line_of(span.start) + 1
    }

    /// The acceptance case `readme-snippet`.
    const ACCEPTANCE: &str = r#"# Files MCP server

Never run this server with `--privileged`; it does not need it.

## Usage with Claude Desktop

Add this to your `claude_desktop_config.json`:

```json
"files": {
  "command": "docker",
  "args": [
    "run", "-i", "--rm",
    "--mount", "type=bind,src=/Users/username,dst=/projects",
    "mcp/files:1.2.0"
  ],
  "env": {"FILES_TOKEN": "<YOUR_TOKEN>"}
}
```

Or from a shell:

```bash
$ docker run -i --rm -v $HOME/.ssh:/root/.ssh:ro mcp/files:1.2.0
```
"#;

    #[test]
    fn acceptance_readme_snippet() {
        let cs = containers(FileId(2), ACCEPTANCE);
        assert_eq!(cs.len(), 2);
        let json = &cs[0];
        assert_eq!(json.file, FileId(2));
        assert_eq!(
            json.source,
            ContainerSource::McpServer {
                name: "files".into()
            }
        );
        assert_eq!(json.definition.slice(ACCEPTANCE), "\"files\"");
        assert_eq!(line(ACCEPTANCE, json.definition), 10);
        assert_eq!(json.mounts.len(), 1);
        assert_eq!(json.mounts[0].kind, MountKind::Bind);
        assert_eq!(json.mounts[0].source, "/Users/username");
        assert_eq!(line(ACCEPTANCE, json.mounts[0].origin.span), 14);
        assert_eq!(
            json.mounts[0].origin.span.slice(ACCEPTANCE),
            r#""--mount", "type=bind,src=/Users/username,dst=/projects""#
        );
        assert_eq!(
            json.image.as_ref().map(|i| i.origin.span.slice(ACCEPTANCE)),
            Some("\"mcp/files:1.2.0\"")
        );
        assert_eq!(
            json.env[0].origin.span.slice(ACCEPTANCE),
            r#""FILES_TOKEN": "<YOUR_TOKEN>""#
        );
        assert_eq!(line(ACCEPTANCE, json.env[0].origin.span), 17);
        assert!(json.privileged.is_none());

        let sh = &cs[1];
        assert_eq!(
            sh.source,
            ContainerSource::CommandLine {
                tool: "docker".into(),
                image: "mcp/files:1.2.0".into()
            }
        );
        assert_eq!(sh.mounts[0].source, "$HOME/.ssh");
        assert_eq!(sh.mounts[0].read_only, Some(true));
        assert_eq!(line(ACCEPTANCE, sh.mounts[0].origin.span), 24);
        assert_eq!(
            sh.mounts[0].origin.span.slice(ACCEPTANCE),
            "-v $HOME/.ssh:/root/.ssh:ro"
        );
        assert_eq!(sh.definition.slice(ACCEPTANCE), "docker run");
        assert!(sh.privileged.is_none());
    }

    #[test]
    fn fragments_with_trailing_commas_and_several_entries() {
        let text = "Intro\n\n```jsonc\n// add to mcpServers\n\"a\": {\"command\": \"docker\", \"args\": [\"run\", \"--privileged\", \"img\"]},\n\"b\": {\"command\": \"npx\", \"args\": [\"x\"]},\n\"c\": {\n  \"command\": \"podman\",\n  \"args\": [\"run\", \"-v\", \"/:/host\", \"img\"]\n},\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 2);
        assert_eq!(
            cs[0].source,
            ContainerSource::McpServer { name: "a".into() }
        );
        assert_eq!(
            cs[0].privileged.map(|p| p.span.slice(text)),
            Some("\"--privileged\"")
        );
        assert_eq!(cs[0].privileged.map(|p| line(text, p.span)), Some(5));
        assert_eq!(cs[1].definition.slice(text), "\"c\"");
        assert_eq!(line(text, cs[1].mounts[0].origin.span), 9);
        assert_eq!(
            cs[1].mounts[0].origin.span.slice(text),
            "\"-v\", \"/:/host\""
        );
    }

    #[test]
    fn mcp_servers_fragment_and_full_configs() {
        let text = "```json\n\"mcpServers\": {\n  \"x\": {\"command\": \"docker\", \"args\": [\"run\", \"--network=host\", \"img\"]}\n}\n```\n\n```json\n{\n  \"servers\": {\n    \"y\": {\"type\": \"stdio\", \"command\": \"docker\", \"args\": [\"run\", \"--pid\", \"host\", \"img\"]}\n  }\n}\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 2);
        assert_eq!(
            cs[0].namespaces[0].origin.span.slice(text),
            "\"--network=host\""
        );
        assert_eq!(line(text, cs[0].namespaces[0].origin.span), 3);
        assert_eq!(
            cs[1].source,
            ContainerSource::McpServer { name: "y".into() }
        );
        assert_eq!(line(text, cs[1].namespaces[0].origin.span), 10);
    }

    #[test]
    fn a_single_server_object() {
        let text = "```json\n{\n  \"command\": \"docker\",\n  \"args\": [\"run\", \"-v\", \"~/.aws:/root/.aws\", \"img:1\"]\n}\n```\n\n```json\n{\"name\": \"gh\", \"command\": \"docker\", \"args\": [\"run\", \"--cap-add=ALL\", \"img\"]}\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 2);
        assert_eq!(
            cs[0].source,
            ContainerSource::CommandLine {
                tool: "docker".into(),
                image: "img:1".into()
            }
        );
        assert_eq!(cs[0].definition.slice(text), "\"command\": \"docker\"");
        assert_eq!(line(text, cs[0].mounts[0].origin.span), 4);
        assert_eq!(
            cs[1].source,
            ContainerSource::McpServer { name: "gh".into() }
        );
        assert_eq!(cs[1].definition.slice(text), "\"name\": \"gh\"");
    }

    #[test]
    fn no_language_and_generic_language_blocks_are_sniffed() {
        let text = "```\n{\"mcpServers\": {\"a\": {\"command\": \"docker\", \"args\": [\"run\", \"--privileged\", \"i\"]}}}\n```\n\n```commandline\ndocker run --device /dev/kvm img\n```\n\n```\nnpm install\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 2);
        assert!(cs[0].privileged.is_some());
        assert_eq!(cs[1].devices[0].value, "/dev/kvm");
        assert_eq!(line(text, cs[1].devices[0].origin.span), 6);
    }

    #[test]
    fn console_block_with_prompts_and_output() {
        let text = "```console\n# Start the server\n$ docker run -d \\\n>   -v /var/run/docker.sock:/var/run/docker.sock \\\n    --name x img:1\nUnable to find image 'img:1' locally\ndocker run --privileged is not needed\n$ echo done\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 1, "output lines and comments are not commands");
        let c = &cs[0];
        assert_eq!(c.mounts[0].source, "/var/run/docker.sock");
        assert_eq!(line(text, c.mounts[0].origin.span), 4);
        assert_eq!(
            c.mounts[0].origin.span.slice(text),
            "-v /var/run/docker.sock:/var/run/docker.sock"
        );
        assert_eq!(
            c.image
                .as_ref()
                .map(|i| (i.value.as_str(), line(text, i.origin.span))),
            Some(("img:1", 5))
        );
        assert!(c.privileged.is_none());
    }

    #[test]
    fn hash_is_always_a_comment() {
        // A commented-out command is not run.
        let bash = "```bash\n# docker run --privileged img\ndocker run -i img\n```\n";
        let cs = containers(FileId(0), bash);
        assert_eq!(cs.len(), 1);
        assert!(cs[0].privileged.is_none());
        // A console block with a comment and no prompt: its commands are read.
        let console = "```console\n# Start the server\ndocker run -v /:/host img\n```\n";
        let cs = containers(FileId(0), console);
        assert_eq!(cs.len(), 1);
        assert_eq!(line(console, cs[0].mounts[0].origin.span), 3);
        // With `$ ` prompts, `# ` lines are comments too.
        let mixed = "```console\n# docker run --privileged img\n$ docker ps\n```\n";
        assert!(containers(FileId(0), mixed).is_empty());
    }

    #[test]
    fn quoted_command_in_a_block_without_language() {
        let text = "```\n\"/usr/local/bin/docker\" run --privileged img\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 1);
        assert!(cs[0].privileged.is_some());
    }

    #[test]
    fn bash_block_with_prompt_lines_only() {
        let text = "```bash\n$ export TOKEN=x\n$ docker run --rm -e TOKEN -p 8080:80 img\nserver listening\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].ports[0].origin.span.slice(text), "-p 8080:80");
        assert_eq!(line(text, cs[0].ports[0].origin.span), 3);
    }

    #[test]
    fn indented_block_in_a_list_keeps_positions() {
        let text = "1. Run:\n\n   ```sh\n   docker run \\\n     --cap-add SYS_ADMIN \\\n     img\n   ```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 1);
        assert_eq!(
            cs[0].cap_add[0].origin.span.slice(text),
            "--cap-add SYS_ADMIN"
        );
        assert_eq!(line(text, cs[0].cap_add[0].origin.span), 5);
    }

    #[test]
    fn prose_yaml_dockerfile_and_other_languages_are_not_containers() {
        let text = "Run `docker run --privileged img` if you dare.\n\n    docker run --privileged indented\n\n```yaml\nservices:\n  x:\n    privileged: true\n```\n\n```dockerfile\nRUN docker run --privileged img\n```\n\n```python\nos.system(\"docker run --privileged img\")\n```\n\n```bash\necho \"docker run --privileged img\"\n```\n";
        assert!(containers(FileId(0), text).is_empty());
    }

    #[test]
    fn npx_servers_and_broken_json_yield_nothing() {
        let text = "```json\n{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}\n```\n\n```json\n{\"mcpServers\": {\"a\": {\"command\": \"docker\", \"args\": [...]}}}\n```\n\n```json\n\"a\": {\"command\": \"docker\", \"args\": [\"run\", \"--privileged\"\n```\n\n```json\n[1, 2]\n```\n";
        assert!(containers(FileId(0), text).is_empty());
    }

    #[test]
    fn toml_block() {
        let text = "```toml\n[mcp_servers.gh]\ncommand = \"docker\"\nargs = [\"run\", \"-i\", \"-v\", \"/etc:/etc:ro\", \"ghcr.io/x/y:1\"]\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 1);
        assert_eq!(line(text, cs[0].mounts[0].origin.span), 4);
        assert_eq!(
            cs[0].mounts[0].origin.span.slice(text),
            "\"-v\", \"/etc:/etc:ro\""
        );
    }

    #[test]
    fn server_json_block() {
        let text = "```json\n{\"$schema\": \"https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json\", \"name\": \"io.github.x/y\",\n \"packages\": [{\"registryType\": \"oci\", \"identifier\": \"x/y:1\",\n   \"runtimeArguments\": [{\"type\": \"named\", \"name\": \"--network\", \"value\": \"host\"}]}]}\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].namespaces[0].origin.span.slice(text), "\"host\"");
        assert_eq!(line(text, cs[0].namespaces[0].origin.span), 4);
    }

    #[test]
    fn installer_commands() {
        let text = "```bash\nclaude mcp add prometheus --env PROMETHEUS_URL=http://p:9090 -- docker run -i --rm -v /:/host ghcr.io/x/p:latest\ncodex mcp add k8s -- npx mcp-server-kubernetes\ngemini mcp add -e A=1 g docker run --privileged img\nclaude mcp add-json gh '{\"command\": \"docker\", \"args\": [\"run\", \"--pid=host\", \"img\"]}'\ncode --add-mcp '{\"name\": \"v\", \"command\": \"docker\", \"args\": [\"run\", \"--ipc=host\", \"img\"]}'\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 4);
        let c = &cs[0];
        assert_eq!(
            c.source,
            ContainerSource::McpServer {
                name: "prometheus".into()
            }
        );
        assert_eq!(c.definition.slice(text), "claude mcp add prometheus");
        assert_eq!(c.mounts[0].origin.span.slice(text), "-v /:/host");
        assert_eq!(c.env[0].key, "PROMETHEUS_URL");
        assert_eq!(
            c.env[0].origin.span.slice(text),
            "--env PROMETHEUS_URL=http://p:9090"
        );
        assert_eq!(
            cs[1].source,
            ContainerSource::McpServer { name: "g".into() }
        );
        assert!(cs[1].privileged.is_some());
        assert_eq!(cs[1].env[0].key, "A");
        assert_eq!(
            cs[2].source,
            ContainerSource::McpServer { name: "gh".into() }
        );
        assert_eq!(cs[2].definition.slice(text), "claude mcp add-json gh");
        assert_eq!(line(text, cs[2].namespaces[0].origin.span), 5);
        assert!(cs[2].namespaces[0]
            .origin
            .span
            .slice(text)
            .starts_with("'{"));
        assert_eq!(
            cs[3].source,
            ContainerSource::McpServer { name: "v".into() }
        );
        assert_eq!(line(text, cs[3].namespaces[0].origin.span), 6);
    }

    #[test]
    fn map_spans_covers_every_field() {
        let text = "docker run --privileged --read-only -u 0 --cap-add A --cap-drop B --security-opt no-new-privileges --device /dev/x -p 1:1 -e K=v -m 1g --cpus 1 --pids-limit 5 --net host -v /a:/b img";
        let script = shell::parse(text);
        let mut cs = shell_script::containers(FileId(0), &script, &|s| s);
        let c = &mut cs[0];
        map_spans(c, &|s| Span {
            start: s.start + 1000,
            end: s.end + 1000,
        });
        let all = [
            c.definition,
            c.image.as_ref().map(|x| x.origin.span).unwrap_or_default(),
            c.user.as_ref().map(|x| x.origin.span).unwrap_or_default(),
            c.read_only
                .as_ref()
                .map(|x| x.origin.span)
                .unwrap_or_default(),
            c.privileged.unwrap_or_default().span,
            c.no_new_privileges.unwrap_or_default().span,
            c.memory_limit.unwrap_or_default().span,
            c.cpu_limit.unwrap_or_default().span,
            c.pids_limit.unwrap_or_default().span,
            c.cap_add[0].origin.span,
            c.cap_drop[0].origin.span,
            c.security_opts[0].origin.span,
            c.devices[0].origin.span,
            c.ports[0].origin.span,
            c.env[0].origin.span,
            c.namespaces[0].origin.span,
            c.mounts[0].origin.span,
        ];
        for s in all {
            assert!(s.start >= 1000, "{s:?}");
        }
    }

    #[test]
    fn prompt_commands_map() {
        let content = "out\n$ a \\\n> b\n  $ c\n$\n";
        let (text, map) = prompt_commands(content).unwrap_or_default();
        assert_eq!(text, "a \\\nb\nc\n");
        assert_eq!(map.span(Span::new(0, 1)), Span::new(6, 7));
        assert_eq!(map.span(Span::new(4, 5)), Span::new(12, 13));
        assert_eq!(map.span(Span::new(6, 7)), Span::new(18, 19));
        assert!(prompt_commands("docker run x\n").is_none());
        assert!(prompt_commands("# docker run x\n").is_none());
    }

    #[test]
    fn hash_comment_lines_in_json_blocks() {
        // docker/mcp-servers' sqlite README.
        let text = "```json\n# Add the server to your claude_desktop_config.json\n\"mcpServers\": {\n  \"sqlite\": {\n    \"command\": \"docker\",\n    \"args\": [\"run\", \"-v\", \"/:/mcp\", \"mcp/sqlite\"]\n  }\n}\n```\n";
        let cs = containers(FileId(0), text);
        assert_eq!(cs.len(), 1);
        assert_eq!(line(text, cs[0].mounts[0].origin.span), 6);
        assert_eq!(
            cs[0].mounts[0].origin.span.slice(text),
            "\"-v\", \"/:/mcp\""
        );
        assert_eq!(
            blank_hash_comments("# a\r\n{\"#\": 1}\n  #b"),
            Some("   \r\n{\"#\": 1}\n    ".to_string())
        );
        assert_eq!(blank_hash_comments("{}"), None);
    }

    #[test]
    fn wrap_fragment_blanks_one_trailing_comma() {
        assert_eq!(wrap_fragment("\"a\": 1,\n"), "{\"a\": 1 \n\n}");
        assert_eq!(wrap_fragment("\"a\": 1"), "{\"a\": 1\n}");
        assert_eq!(wrap_fragment(""), "{\n}");
        assert_eq!(wrap_fragment("é,"), "{é \n}");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "", "```", "```json", "```json\n\"", "```json\n\"a\":", "```bash\n$ \n```", "```console\n$\n#\n```",
            "```bash\n$ docker run \\\n```", "```json\n\u{feff}\"x\": {}\n```", "```json\n/* unterminated\n```",
            "```bash\nclaude mcp add\nclaude mcp add x --\ncode --add-mcp\nclaude mcp add-json x\n```",
            "```json\n\"a\": {\"command\": {\"path\": 1}}\n```", "~~~sh\ndocker run -v\n~~~",
        ] {
            let _ = containers(FileId(0), text);
        }
    }
}

/// Walks the real-world sample (`../shared/corpus`) and prints every
/// container the README, `server.json` and MCP-config normalisers find, for
/// a person to judge: `cargo test -p skillaudit-model corpus -- --ignored --nocapture`.
#[cfg(test)]
mod corpus {
    use super::*;
    use skillaudit_syntax::LineIndex;
    use std::path::{Path, PathBuf};

    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    fn describe(c: &Container, text: &str) -> String {
        let idx = LineIndex::new(text);
        let l = |s: Span| idx.line_of(s.start) + 1;
        let mut parts = vec![format!(
            "{} (line {})",
            c.source.describe(),
            l(c.definition)
        )];
        if let Some(i) = &c.image {
            parts.push(format!("image {} @{}", i.value, l(i.origin.span)));
        }
        for m in &c.mounts {
            parts.push(format!(
                "mount {:?} {} -> {} ro={:?} @{}",
                m.kind,
                m.source,
                m.target,
                m.read_only,
                l(m.origin.span)
            ));
        }
        if let Some(p) = c.privileged {
            parts.push(format!("PRIVILEGED @{}", l(p.span)));
        }
        for n in &c.namespaces {
            parts.push(format!(
                "ns {}={} @{}",
                n.kind.name(),
                n.value,
                l(n.origin.span)
            ));
        }
        for x in &c.cap_add {
            parts.push(format!("cap_add {} @{}", x.value, l(x.origin.span)));
        }
        for x in &c.devices {
            parts.push(format!("device {} @{}", x.value, l(x.origin.span)));
        }
        for p in &c.ports {
            parts.push(format!(
                "port {:?}:{:?}:{} @{}",
                p.host_ip,
                p.host_port,
                p.container_port,
                l(p.origin.span)
            ));
        }
        for e in &c.env {
            let v = e
                .value
                .as_deref()
                .map(|v| v.chars().take(24).collect::<String>());
            parts.push(format!("env {}={:?} @{}", e.key, v, l(e.origin.span)));
        }
        if let Some(u) = &c.user {
            parts.push(format!("user {} @{}", u.value, l(u.origin.span)));
        }
        if let Some(r) = &c.read_only {
            parts.push(format!("read_only {} @{}", r.value, l(r.origin.span)));
        }
        parts.join("\n      ")
    }

    #[test]
    #[ignore]
    fn corpus() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
        let mut files = Vec::new();
        walk(&root.join("corpus"), &mut files);
        // The acceptance cases of these sources too.
        walk(&root.join("acceptance/cases/mcp-client-config"), &mut files);
        walk(&root.join("acceptance/cases/readme-snippet"), &mut files);
        files.sort();
        let (mut readmes, mut configs, mut registries, mut found) = (0, 0, 0, 0);
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            let rel = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            let cs = if name.to_ascii_lowercase().ends_with(".md") {
                readmes += 1;
                containers(FileId(0), &text)
            } else if name.ends_with(".json")
                || name.ends_with(".toml")
                || name.ends_with(".yaml")
                || name.ends_with(".yml")
            {
                let stream = if name.ends_with(".toml") {
                    toml::parse(&text)
                } else if name.ends_with(".json") {
                    json::parse(&text)
                } else {
                    skillaudit_syntax::yaml::parse(&text)
                };
                if server_json::looks_like_server_json(&stream) {
                    registries += 1;
                    println!("server.json: {rel}");
                    server_json::containers(FileId(0), &stream)
                } else if mcp_config::looks_like_mcp_config(&stream) {
                    configs += 1;
                    println!("MCP config: {rel}");
                    mcp_config::containers(FileId(0), &stream)
                } else {
                    Vec::new()
                }
            } else {
                continue;
            };
            if name.to_ascii_lowercase().ends_with(".md") {
                for block in markdown::code_blocks(&text) {
                    let json_like = JSON_LANGS.contains(&block.lang.as_str())
                        || (GENERIC_LANGS.contains(&block.lang.as_str())
                            && matches!(first_significant(&block.content), Some('{' | '"')));
                    if json_like
                        && block.content.contains("\"docker")
                        && json_block(FileId(0), &block).is_empty()
                    {
                        let line = LineIndex::new(&text).line_of(block.fence.start) + 1;
                        println!("UNREAD docker JSON block: {rel}:{line}");
                    }
                }
            }
            for c in &cs {
                found += 1;
                println!("{rel}\n    {}", describe(c, &text));
            }
        }
        println!("\n{readmes} Markdown files, {configs} MCP configs, {registries} server.json; {found} containers");
    }

    /// Every prefix-cut of the sample's files (at 64 places each) goes
    /// through every normaliser here without a panic.
    #[test]
    #[ignore]
    fn corpus_truncations_never_panic() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let mut files = Vec::new();
        walk(&root, &mut files);
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for k in 0..64 {
                let mut cut = text.len() * k / 64;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let part = &text[..cut];
                let _ = containers(FileId(0), part);
                for stream in [
                    json::parse(part),
                    toml::parse(part),
                    skillaudit_syntax::yaml::parse(part),
                ] {
                    let _ = (
                        mcp_config::looks_like_mcp_config(&stream),
                        server_json::looks_like_server_json(&stream),
                    );
                    let _ = (
                        mcp_config::containers(FileId(0), &stream),
                        server_json::containers(FileId(0), &stream),
                    );
                }
            }
        }
    }
}
