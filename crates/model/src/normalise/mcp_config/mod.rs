//! MCP client configurations → one [`Container`] per server that a client
//! starts through a container engine.
//!
//! Every client keeps a map (or list) of servers, each with a `command`, its
//! `args` and the `env` of the process it starts. When that command is
//! `docker` / `podman` (also a path to one, `docker.exe`), `args` is a docker
//! command line and goes through [`docker_cli`] like any other. Servers run
//! with `npx`, `uvx`, … or reached by `url` are not containers: nothing to
//! report.
//!
//! Where servers live, by client:
//!
//! | client | file | servers |
//! |---|---|---|
//! | Claude Desktop, Claude Code, Cursor, Windsurf, Gemini, Cline, … | `claude_desktop_config.json`, `.mcp.json`, `.cursor/mcp.json`, `mcp_config.json`, `settings.json` | `mcpServers: {NAME: {command, args, env}}` |
//! | VS Code | `.vscode/mcp.json` | `servers: {NAME: {type, command, args, env}}` |
//! | VS Code (older) | `settings.json` | `mcp: {servers: …}` (or the dotted key `"mcp.servers"`) |
//! | Zed | `settings.json` | `context_servers: {NAME: {command, args, env}}`; older: `command: {path, args, env}` |
//! | Codex | `.codex/config.toml` | `[mcp_servers.NAME]` |
//! | Continue | `.continue/mcpServers/*.yaml`, `config.yaml` | `mcpServers: [{name, command, args, env}]` |
//! | Continue (older) | `config.json` | `experimental.modelContextProtocolServers: [{transport: {command, args, env}}]` |
//!
//! Positions: a server's *definition* — where findings about missing
//! settings point — is its name key (`"docker": {`), or for a list item its
//! `name` entry (the item itself when it has none). Findings about a value
//! point at the `args` words that say it, and at the `env` entry (key
//! through value).
//!
//! A server marked `"disabled": true` (Cline, Claude Code) is read all the
//! same: the file still tells whoever enables it how to run the container.
//!
//! `env` is the environment of the *engine client* process; docker hands a
//! variable to the container only for a `-e NAME` without a value. A
//! credential written there is committed to the repository all the same, so
//! every entry is added to the Container's `env` (placeholders such as
//! `${input:token}` are the secret detector's business, not ours).

use skillaudit_syntax::shell;
use skillaudit_syntax::tree::{NodeRef, Stream};

use crate::container::{ArgSyntax, ContainerSource, EnvEntry, Found};
use crate::file::FileId;
use crate::normalise::nodes::{entry_origin, origin, text};
use crate::normalise::{docker_cli, shell_script};
use crate::{Span, Spanned};

/// Keys under which a server may say where it is (besides `command`).
const REMOTE_KEYS: &[&str] = &["url", "serverUrl", "httpUrl"];

/// Container engines whose `run` command lines we read.
const ENGINES: &[&str] = &["docker", "podman", "nerdctl"];

/// Shells whose `-c SCRIPT` we read (`"command": "sh", "args": ["-c", "docker run …"]`).
const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ash"];

/// Does this document look like an MCP client configuration? A top-level
/// mapping with one of the clients' server collections, holding at least
/// one server (a mapping with a `command` or a `url`).
pub fn looks_like_mcp_config(stream: &Stream) -> bool {
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return false;
    };
    server_collections(root).into_iter().any(|servers| {
        if servers.is_sequence() {
            servers
                .items()
                .into_iter()
                .any(|item| is_server(item) || item.value("transport").is_some_and(is_server))
        } else {
            servers.entries().into_iter().any(|(_, v)| is_server(v))
        }
    })
}

/// Every server of the configuration that runs a container, with its
/// command line.
pub fn containers(file: FileId, stream: &Stream) -> Vec<Found> {
    let mut out = Vec::new();
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return out;
    };
    for servers in server_collections(root) {
        out.extend(server_map_containers(file, servers));
    }
    out
}

/// The server collections of a configuration's root, whichever clients wrote
/// them. Only Continue keeps its servers in a list; a list under any other
/// key (OpenAPI's `servers: [{url: …}]`) is not a server collection.
fn server_collections(root: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    if !root.is_mapping() {
        return Vec::new();
    }
    // (collection, may it be a list?)
    let candidates = [
        (root.value("mcpServers"), true),
        (root.value("servers"), false),
        (root.value("mcp.servers"), false),
        (root.value("context_servers"), false),
        (root.value("mcp_servers"), false),
        (root.value("mcp").and_then(|m| m.value("servers")), false),
        (
            root.value("experimental")
                .and_then(|e| e.value("modelContextProtocolServers")),
            true,
        ),
    ];
    candidates
        .into_iter()
        .filter_map(|(node, list_ok)| {
            node.filter(|v| v.is_mapping() || (list_ok && v.is_sequence()))
        })
        .collect()
}

/// Is this node a server definition: a mapping with a `command` (a string,
/// or Zed's older `{path, …}` mapping) or a remote `url`?
pub fn is_server(node: NodeRef<'_>) -> bool {
    node.is_mapping()
        && (node
            .value("command")
            .is_some_and(|c| text(c).is_some() || c.value("path").is_some())
            || REMOTE_KEYS.iter().any(|k| node.value(k).is_some()))
}

/// Containers of a server collection: a mapping `NAME: server` or a list of
/// servers that carry their `name` (Continue). Entries that are not servers
/// are skipped.
pub fn server_map_containers(file: FileId, servers: NodeRef<'_>) -> Vec<Found> {
    let mut out = Vec::new();
    if servers.is_sequence() {
        for item in servers.items() {
            // Continue's older `config.json` nests the server as `transport`.
            let server = match item.value("transport") {
                Some(t) if is_server(t) && !is_server(item) => t,
                _ => item,
            };
            if !is_server(server) {
                continue;
            }
            let named = item
                .get("name")
                .and_then(|(k, v)| v.as_str().map(|n| (n.to_string(), entry_origin(k, v).span)));
            let (name, definition) = named.unwrap_or_else(|| (String::new(), origin(item).span));
            out.extend(server_containers(file, &name, definition, server));
        }
    } else {
        for (key, server) in servers.entries() {
            let Some(name) = key.as_str() else { continue };
            if !is_server(server) {
                continue;
            }
            out.extend(server_containers(file, name, key.report_span(), server));
        }
    }
    out
}

/// The containers one server starts (none unless its command runs a
/// container engine; more than one only for a shell `-c` script that runs
/// several). `name` is empty for a server written without one (a README's
/// bare `{"command": "docker", …}`); it is then described by its command line.
pub fn server_containers(
    file: FileId,
    name: &str,
    definition: Span,
    server: NodeRef<'_>,
) -> Vec<Found> {
    let Some(command_node) = server.value("command") else {
        return Vec::new();
    };
    // Zed (older): `"command": {"path": "docker", "args": [...], "env": {...}}`.
    let (command, holder) = if command_node.is_mapping() {
        match command_node.value("path") {
            Some(path) => (path, command_node),
            None => return Vec::new(),
        }
    } else {
        (command_node, server)
    };
    let Some(command) = text(command) else {
        return Vec::new();
    };
    let mut argv = vec![Spanned::new(
        command.trim().to_string(),
        origin(command_node),
    )];
    if let Some(args) = holder.value("args") {
        for item in args.items() {
            // Non-scalar arguments cannot be passed to a process; skip them.
            if let Some(word) = text(item) {
                argv.push(Spanned::new(word, origin(item)));
            }
        }
    }
    let mut out = argv_containers(file, name, definition, &argv);
    if out.is_empty() {
        return out;
    }
    // `env` beside `args` (Zed's nested form), else on the server.
    let env = holder.value("env").or_else(|| server.value("env"));
    let entries: Vec<EnvEntry> = env.map(env_entries).unwrap_or_default();
    for c in &mut out {
        c.container.env.extend(entries.iter().cloned());
    }
    out
}

/// Containers of a process argv (`command` then `args`): a container
/// engine's `run`, directly or behind `sudo`/`env`, Windows' `cmd /c` or
/// `wsl`, or inside a shell's `-c` script. Also used for the command lines
/// of `claude mcp add NAME -- …` in READMEs.
pub fn argv_containers(
    file: FileId,
    name: &str,
    definition: Span,
    argv: &[Spanned<String>],
) -> Vec<Found> {
    argv_containers_as(file, name, definition, argv, ArgSyntax::Array)
}

/// [`argv_containers`] for words written as `syntax` (an `args` array, or
/// the shell words of a README's `claude mcp add … -- docker run …`).
pub fn argv_containers_as(
    file: FileId,
    name: &str,
    definition: Span,
    argv: &[Spanned<String>],
    syntax: ArgSyntax,
) -> Vec<Found> {
    let mut skip = 0;
    // Wrappers, possibly nested (`wsl sudo docker …`); each pass moves on.
    for _ in 0..4 {
        let names: Vec<&str> = argv
            .get(skip..)
            .unwrap_or_default()
            .iter()
            .map(|w| w.value.as_str())
            .collect();
        let mut next = skip + shell_script::skip_wrappers(&names);
        let rest = argv.get(next..).unwrap_or_default();
        match rest.first().map(|w| program_name(&w.value)).as_deref() {
            // `cmd /c docker …`
            Some("cmd")
                if rest.get(1).is_some_and(|w| {
                    matches!(w.value.to_ascii_lowercase().as_str(), "/c" | "/k")
                }) =>
            {
                next += 2
            }
            // `wsl docker …`, `wsl -e docker …`, `wsl --exec docker …`, `wsl -- docker …`
            Some("wsl") => {
                next += 1;
                if rest
                    .get(1)
                    .is_some_and(|w| matches!(w.value.as_str(), "-e" | "--exec" | "--"))
                {
                    next += 1;
                }
            }
            _ => {}
        }
        if next == skip {
            break;
        }
        skip = next;
    }
    let Some(words) = argv.get(skip..) else {
        return Vec::new();
    };
    let names: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
    let Some(first) = names.first() else {
        return Vec::new();
    };
    let program = program_name(first);

    if SHELLS.contains(&program.as_str()) {
        return shell_containers(file, name, definition, words.get(1..).unwrap_or_default());
    }
    if !ENGINES.contains(&program.as_str()) {
        return Vec::new();
    }
    // `run_args_start` reads the engine's name at index 0 and its global options after it.
    let Some(start) = docker_cli::run_args_start(&names) else {
        return Vec::new();
    };
    let Some(run_args) = words.get(start..) else {
        return Vec::new();
    };
    let mut c = docker_cli::container(file, source(name, &program, None), definition, run_args);
    let command_line = docker_cli::command_line(&c, syntax, &words[start - 1], run_args);
    if name.is_empty() {
        c.source = source(name, &program, c.image.as_ref().map(|i| i.value.as_str()));
    }
    vec![Found {
        container: c,
        command_line: Some(command_line),
    }]
}

/// `sh -c 'docker run …'`: the script's commands, each reported at the
/// script string as a whole (escapes make finer positions unreliable).
fn shell_containers(
    file: FileId,
    name: &str,
    definition: Span,
    args: &[Spanned<String>],
) -> Vec<Found> {
    // Options before the script: `-c` alone, or grouped (`-lc`, `-ec`).
    let mut i = 0;
    let mut has_c = false;
    while let Some(w) = args.get(i) {
        let Some(opts) = w
            .value
            .strip_prefix('-')
            .filter(|o| !o.is_empty() && !o.starts_with('-'))
        else {
            break;
        };
        has_c |= opts.contains('c');
        i += 1;
        if has_c {
            break;
        }
    }
    let Some(script_word) = args.get(i).filter(|_| has_c) else {
        return Vec::new();
    };
    let script = shell::parse(&script_word.value);
    let at = script_word.origin.span;
    let mut out = shell_script::containers(file, &script, &|_| at);
    for Found { container: c, .. } in &mut out {
        let program = match &c.source {
            ContainerSource::CommandLine { tool, .. } => tool.clone(),
            _ => "docker".to_string(),
        };
        c.source = source(name, &program, c.image.as_ref().map(|i| i.value.as_str()));
        c.definition = definition;
    }
    out
}

/// `McpServer { name }`, or the command line for a server without a name.
fn source(name: &str, program: &str, image: Option<&str>) -> ContainerSource {
    if name.is_empty() {
        ContainerSource::CommandLine {
            tool: program.to_string(),
            image: image.unwrap_or_default().to_string(),
        }
    } else {
        ContainerSource::McpServer {
            name: name.to_string(),
        }
    }
}

/// The program a command names: `/usr/local/bin/docker` and
/// `C:\Program Files\Docker\docker.exe` are `docker`.
fn program_name(command: &str) -> String {
    let base = command.trim().rsplit(['/', '\\']).next().unwrap_or("");
    let lower = base.to_ascii_lowercase();
    match lower.strip_suffix(".exe") {
        Some(stem) => stem.to_string(),
        None => lower,
    }
}

/// `env: {KEY: value}` entries; each origin covers the key through the value.
pub fn env_entries(env: NodeRef<'_>) -> Vec<EnvEntry> {
    let mut out = Vec::new();
    for (k, v) in env.entries() {
        let Some(key) = k.as_str() else { continue };
        out.push(EnvEntry {
            key: key.to_string(),
            value: text(v),
            origin: entry_origin(k, v),
        });
    }
    out
}

#[cfg(test)]
mod tests;
