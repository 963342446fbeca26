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

    let dotted =
        r#"{"mcp.servers": {"b": {"command": "docker", "args": ["run", "--net=host", "img"]}}}"#;
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
        let text = format!(r#"{{"mcpServers": {{"x": {{"command": "docker", "args": {args}}}}}}}"#);
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
