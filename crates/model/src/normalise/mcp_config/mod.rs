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
mod tests {
    use super::*;
    use crate::container::{Container, MountKind};
    use skillaudit_syntax::LineIndex;

    fn json(text: &str) -> Stream {
        let s = skillaudit_syntax::json::parse(text);
        assert!(s.error.is_none(), "{:?}", s.error);
        s
    }

    fn yaml(text: &str) -> Stream {
        let s = skillaudit_syntax::tree::yaml::parse(text);
        assert!(s.error.is_none(), "{:?}", s.error);
        s
    }

    /// 1-based line of a span's start.
    fn line(text: &str, span: Span) -> usize {
        LineIndex::new(text).line_of(span.start) + 1
    }

    /// The containers of a configuration, without their command lines.
    fn models(file: FileId, stream: &Stream) -> Vec<Container> {
        containers(file, stream)
            .into_iter()
            .map(|f| f.container)
            .collect()
    }

    fn image(c: &Container) -> Option<&str> {
        c.image.as_ref().map(|i| i.value.as_str())
    }

    const CLAUDE: &str = r#"{
  "mcpServers": {
    "github": {
      "command": "docker",
      "args": [
        "run", "-i", "--rm",
        "-v", "/var/run/docker.sock:/var/run/docker.sock",
        "-e", "GITHUB_PERSONAL_ACCESS_TOKEN",
        "ghcr.io/github/github-mcp-server:1.0",
        "--read-only"
      ],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "<YOUR_TOKEN>"}
    },
    "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/"]},
    "remote": {"url": "https://example.com/mcp"}
  }
}"#;

    #[test]
    fn claude_desktop_config() {
        let s = json(CLAUDE);
        assert!(looks_like_mcp_config(&s));
        let found = containers(FileId(3), &s);
        // The command line runs through the image: `--read-only` after it
        // is the server's.
        let cl = found[0].command_line.as_ref().expect("a command line");
        assert_eq!(cl.run_word.span.slice(CLAUDE), "\"run\"");
        assert_eq!(cl.args.len(), 7);
        assert_eq!(cl.args[6].value, "ghcr.io/github/github-mcp-server:1.0");
        let cs = models(FileId(3), &s);
        assert_eq!(cs.len(), 1, "npx and url servers are not containers");
        let c = &cs[0];
        assert_eq!(c.file, FileId(3));
        assert_eq!(
            c.source,
            ContainerSource::McpServer {
                name: "github".into()
            }
        );
        assert_eq!(image(c), Some("ghcr.io/github/github-mcp-server:1.0"));
        // `--read-only` after the image is the server's own flag.
        assert!(c.read_only.is_none());
        // The definition is the server's name key.
        assert_eq!(c.definition.slice(CLAUDE), "\"github\"");
        assert_eq!(line(CLAUDE, c.definition), 3);
        // The mount points at `-v` and its value, on line 7.
        assert_eq!(c.mounts.len(), 1);
        assert_eq!(c.mounts[0].source, "/var/run/docker.sock");
        assert_eq!(line(CLAUDE, c.mounts[0].origin.span), 7);
        assert_eq!(
            c.mounts[0].origin.span.slice(CLAUDE),
            r#""-v", "/var/run/docker.sock:/var/run/docker.sock""#
        );
        // `-e NAME` from args, then the client's env entry.
        assert_eq!(c.env.len(), 2);
        assert_eq!(c.env[0].key, "GITHUB_PERSONAL_ACCESS_TOKEN");
        assert_eq!(c.env[0].value, None);
        assert_eq!(c.env[1].value.as_deref(), Some("<YOUR_TOKEN>"));
        assert_eq!(
            c.env[1].origin.span.slice(CLAUDE),
            r#""GITHUB_PERSONAL_ACCESS_TOKEN": "<YOUR_TOKEN>""#
        );
        assert_eq!(line(CLAUDE, c.env[1].origin.span), 12);
    }

    /// The acceptance case's VS Code file, without its comment and trailing comma.
    const VSCODE: &str = r#"{
  "inputs": [
    {"type": "promptString", "id": "token", "description": "API token", "password": true}
  ],
  "servers": {
    "docker": {
      "type": "stdio",
      "command": "docker",
      "args": [
        "run", "-i", "--rm",
        "-v", "/var/run/docker.sock:/var/run/docker.sock",
        "-e", "API_TOKEN",
        "ghcr.io/example/docker-mcp:0.3.1",
        "--read-only"
      ],
      "env": {"API_TOKEN": "${input:token}"}
    }
  }
}"#;

    #[test]
    fn vscode_servers() {
        let s = json(VSCODE);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs.len(), 1);
        let c = &cs[0];
        assert_eq!(
            c.source,
            ContainerSource::McpServer {
                name: "docker".into()
            }
        );
        assert_eq!(line(VSCODE, c.mounts[0].origin.span), 11);
        assert!(c.read_only.is_none());
        assert!(c
            .env
            .iter()
            .any(|e| e.key == "API_TOKEN" && e.value.as_deref() == Some("${input:token}")));
    }

    /// The acceptance case itself, comment and trailing comma included.
    #[test]
    fn vscode_acceptance_file_with_comments() {
        let text = r#"{
  // Docker management server, started through docker
  "inputs": [
    {"type": "promptString", "id": "token", "description": "API token", "password": true}
  ],
  "servers": {
    "docker": {
      "type": "stdio",
      "command": "docker",
      "args": [
        "run", "-i", "--rm",
        "-v", "/var/run/docker.sock:/var/run/docker.sock",
        "-e", "API_TOKEN",
        "ghcr.io/example/docker-mcp:0.3.1",
        "--read-only"
      ],
      "env": {"API_TOKEN": "${input:token}"},
    }
  }
}
"#;
        let s = skillaudit_syntax::json::parse(text);
        assert!(s.error.is_none(), "{:?}", s.error);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs.len(), 1);
        assert_eq!(line(text, cs[0].mounts[0].origin.span), 12);
        assert_eq!(line(text, cs[0].definition), 7);
        assert!(cs[0].read_only.is_none());
    }

    #[test]
    fn older_vscode_settings_and_dotted_key() {
        let nested = r#"{"editor.fontSize": 12, "mcp": {"servers": {"a": {"command": "podman", "args": ["run", "--privileged", "img"]}}}}"#;
        let s = json(nested);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs.len(), 1);
        assert!(cs[0].privileged.is_some());
        assert_eq!(
            cs[0].privileged.map(|o| o.span.slice(nested)),
            Some("\"--privileged\"")
        );

        let dotted = r#"{"mcp.servers": {"b": {"command": "docker", "args": ["run", "--net=host", "img"]}}}"#;
        let s = json(dotted);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs[0].namespaces.len(), 1);
        assert!(cs[0].namespaces[0].is_host());
    }

    #[test]
    fn zed_both_forms() {
        let text = r#"{
  "theme": "One Dark",
  "context_servers": {
    "new-style": {"source": "custom", "command": "docker", "args": ["run", "-i", "--cap-add", "SYS_ADMIN", "img:1"], "env": {"A": "1"}},
    "old-style": {
      "command": {"path": "/usr/local/bin/docker", "args": ["run", "-i", "-v", "/:/host", "img:2"], "env": {"B": "2"}},
      "settings": {}
    }
  }
}"#;
        let s = json(text);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].cap_add[0].value, "SYS_ADMIN");
        assert_eq!(cs[0].env[0].key, "A");
        assert_eq!(image(&cs[1]), Some("img:2"));
        assert_eq!(cs[1].mounts[0].source, "/");
        assert_eq!(cs[1].env.len(), 1);
        assert_eq!(cs[1].env[0].key, "B");
        assert_eq!(line(text, cs[1].definition), 5);
    }

    #[test]
    fn continue_yaml_list() {
        let text = "name: My servers\nversion: 0.0.1\nschema: v1\nmcpServers:\n  - name: SQLite\n    command: docker\n    args:\n      - run\n      - -v\n      - ~/.ssh:/root/.ssh\n      - mcp/sqlite\n    env:\n      TOKEN: abc\n  - name: Other\n    command: uvx\n    args: [mcp-server-time]\n";
        let s = yaml(text);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs.len(), 1);
        let c = &cs[0];
        assert_eq!(
            c.source,
            ContainerSource::McpServer {
                name: "SQLite".into()
            }
        );
        assert_eq!(c.definition.slice(text), "name: SQLite");
        assert_eq!(c.mounts[0].source, "~/.ssh");
        assert_eq!(c.mounts[0].kind, MountKind::Bind);
        assert_eq!(line(text, c.mounts[0].origin.span), 9);
        assert_eq!(c.env[0].origin.span.slice(text), "TOKEN: abc");
    }

    #[test]
    fn continue_older_json_transport() {
        let text = r#"{"experimental": {"modelContextProtocolServers": [{"transport": {"type": "stdio", "command": "docker", "args": ["run", "--pid=host", "img"]}}]}}"#;
        let s = json(text);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].namespaces[0].value, "host");
        // No name: described by its command line.
        assert_eq!(
            cs[0].source,
            ContainerSource::CommandLine {
                tool: "docker".into(),
                image: "img".into()
            }
        );
    }

    #[test]
    fn codex_toml_shape() {
        // What the TOML layer produces for `[mcp_servers.NAME]`, written as YAML.
        let text = "model: o3\nmcp_servers:\n  gh:\n    command: docker\n    args: [run, -i, --rm, --security-opt, seccomp=unconfined, ghcr.io/x/y]\n    env: {GITHUB_TOKEN: ghp_x}\n";
        let s = yaml(text);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].security_opts[0].value, "seccomp=unconfined");
        assert_eq!(cs[0].env[0].value.as_deref(), Some("ghp_x"));
    }

    #[test]
    fn codex_toml_through_the_toml_layer() {
        let text = "[mcp_servers.gh]\ncommand = \"docker\"\nargs = [\"run\", \"-i\", \"-v\", \"/etc:/etc\", \"ghcr.io/x/y:1\"]\n\n[mcp_servers.gh.env]\nGITHUB_TOKEN = \"${GITHUB_TOKEN}\"\n";
        let s = skillaudit_syntax::toml::parse(text);
        assert!(s.error.is_none(), "{:?}", s.error);
        assert!(looks_like_mcp_config(&s));
        let cs = models(FileId(0), &s);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].mounts[0].source, "/etc");
        assert_eq!(line(text, cs[0].mounts[0].origin.span), 3);
        assert_eq!(cs[0].env[0].key, "GITHUB_TOKEN");
    }

    #[test]
    fn engine_names_and_paths() {
        for cmd in [
            "docker",
            "/usr/local/bin/docker",
            r"C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe",
            "DOCKER.EXE",
            "podman",
            "nerdctl",
        ] {
            let text = format!(
                r#"{{"mcpServers": {{"x": {{"command": "{cmd}", "args": ["run", "--privileged", "img"]}}}}}}"#
            );
            let cs = models(FileId(0), &json(&text));
            assert_eq!(cs.len(), 1, "{cmd}");
            assert!(cs[0].privileged.is_some(), "{cmd}");
        }
        for cmd in [
            "npx",
            "uvx",
            "node",
            "docker-compose",
            "python",
            "/usr/bin/dockerd",
        ] {
            let text = format!(
                r#"{{"mcpServers": {{"x": {{"command": "{cmd}", "args": ["run", "--privileged", "img"]}}}}}}"#
            );
            assert!(models(FileId(0), &json(&text)).is_empty(), "{cmd}");
        }
    }

    #[test]
    fn docker_commands_that_do_not_run_a_container() {
        for args in [
            r#"["mcp", "gateway", "run"]"#,
            r#"["exec", "-i", "c", "sh"]"#,
            r#"["compose", "run", "x"]"#,
            "[]",
        ] {
            let text =
                format!(r#"{{"mcpServers": {{"x": {{"command": "docker", "args": {args}}}}}}}"#);
            assert!(models(FileId(0), &json(&text)).is_empty(), "{args}");
        }
        // No args at all.
        assert!(models(
            FileId(0),
            &json(r#"{"mcpServers": {"x": {"command": "docker"}}}"#)
        )
        .is_empty());
    }

    #[test]
    fn wrappers_and_shell_scripts() {
        let text = r#"{"mcpServers": {
  "s": {"command": "sudo", "args": ["docker", "run", "--privileged", "img"]},
  "e": {"command": "env", "args": ["A=1", "docker", "--context", "x", "container", "run", "--ipc=host", "img"]},
  "c": {"command": "bash", "args": ["-lc", "docker run -i --rm -v $HOME:/home img && echo 'docker run --privileged'"]},
  "n": {"command": "sh", "args": ["script.sh"]},
  "w": {"command": "cmd", "args": ["/c", "docker", "run", "--uts=host", "img"]},
  "l": {"command": "wsl.exe", "args": ["-e", "sudo", "podman", "run", "--userns=host", "img"]}
}}"#;
        let cs = models(FileId(0), &json(text));
        assert_eq!(cs.len(), 5);
        assert_eq!(cs[3].namespaces[0].kind, crate::NamespaceKind::Uts);
        assert_eq!(cs[4].namespaces[0].kind, crate::NamespaceKind::User);
        assert!(cs[0].privileged.is_some());
        assert_eq!(cs[1].namespaces[0].kind, crate::NamespaceKind::Ipc);
        let c = &cs[2];
        assert_eq!(c.source, ContainerSource::McpServer { name: "c".into() });
        assert_eq!(c.definition.slice(text), "\"c\"");
        assert_eq!(c.mounts[0].source, "$HOME");
        // Positions inside the script are the script string as a whole.
        assert!(c.mounts[0]
            .origin
            .span
            .slice(text)
            .starts_with("\"docker run"));
        assert!(c.privileged.is_none(), "an echoed command is not run");
    }

    #[test]
    fn numbers_and_odd_values_do_not_break_args() {
        let text = r#"{"mcpServers": {"x": {"command": "docker", "args": ["run", "-p", 8080, {"odd": 1}, null, "--memory", "512m", "img"], "env": {"N": 1, "Z": null, "O": {"a": 1}}}}}"#;
        let cs = models(FileId(0), &json(text));
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].ports[0].container_port, "8080");
        assert!(cs[0].memory_limit.is_some());
        assert_eq!(image(&cs[0]), Some("img"));
        let env: Vec<(&str, Option<&str>)> = cs[0]
            .env
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(env, vec![("N", Some("1")), ("Z", None), ("O", None)]);
    }

    #[test]
    fn not_mcp_configs() {
        for text in [
            r#"{"name": "pkg", "version": "1.0.0"}"#,
            r#"{"servers": ["a", "b"]}"#,
            r#"{"servers": {"prod": {"host": "example.com"}}}"#,
            // OpenAPI's server list.
            r#"{"openapi": "3.1.0", "servers": [{"url": "https://api.example.com"}]}"#,
            r#"{"mcpServers": {}}"#,
            r#"["mcpServers"]"#,
            "services:\n  web:\n    image: nginx\n",
            "",
        ] {
            for s in [
                skillaudit_syntax::tree::yaml::parse(text),
                skillaudit_syntax::json::parse(text),
            ] {
                assert!(!looks_like_mcp_config(&s), "{text}");
                assert!(models(FileId(0), &s).is_empty(), "{text}");
            }
        }
        // A server map without any container is still an MCP config.
        assert!(looks_like_mcp_config(&json(
            r#"{"mcpServers": {"a": {"command": "npx", "args": ["x"]}}}"#
        )));
        assert!(looks_like_mcp_config(&json(
            r#"{"servers": {"a": {"type": "http", "url": "https://x"}}}"#
        )));
    }

    #[test]
    fn gemini_and_windsurf_remote_keys() {
        assert!(looks_like_mcp_config(&json(
            r#"{"mcpServers": {"a": {"httpUrl": "https://x"}}}"#
        )));
        assert!(looks_like_mcp_config(&json(
            r#"{"mcpServers": {"a": {"serverUrl": "https://x"}}}"#
        )));
    }

    #[test]
    fn program_names() {
        assert_eq!(program_name("/usr/bin/docker"), "docker");
        assert_eq!(program_name(r"C:\Docker\docker.exe"), "docker");
        assert_eq!(program_name(" Podman "), "podman");
        assert_eq!(program_name(""), "");
        assert_eq!(program_name("/"), "");
    }
}
