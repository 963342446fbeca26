use super::shell::prompt_commands;
use super::tree::{blank_hash_comments, wrap_fragment};
use super::*;
use crate::container::{Container, ContainerSource, MountKind};
use crate::normalise::shell_script;
use skillaudit_syntax::shell;
use skillaudit_syntax::LineIndex;

/// The containers of a README, without their command lines.
fn models(file: FileId, text: &str) -> Vec<Container> {
    containers(file, text)
        .into_iter()
        .map(|f| f.container)
        .collect()
}

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
    let cs = models(FileId(2), ACCEPTANCE);
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

    // The command lines' words are at their places in the README.
    let found = containers(FileId(2), ACCEPTANCE);
    let words = |i: usize| {
        let cl = found[i].command_line.as_ref().expect("a command line");
        let mut out = vec![cl.run_word.span.slice(ACCEPTANCE)];
        out.extend(cl.args.iter().map(|w| w.origin.span.slice(ACCEPTANCE)));
        out
    };
    assert_eq!(words(0)[0], "\"run\"");
    assert_eq!(words(0).last(), Some(&"\"mcp/files:1.2.0\""));
    assert_eq!(
        words(1),
        [
            "run",
            "-i",
            "--rm",
            "-v",
            "$HOME/.ssh:/root/.ssh:ro",
            "mcp/files:1.2.0"
        ]
    );
}

#[test]
fn fragments_with_trailing_commas_and_several_entries() {
    let text = "Intro\n\n```jsonc\n// add to mcpServers\n\"a\": {\"command\": \"docker\", \"args\": [\"run\", \"--privileged\", \"img\"]},\n\"b\": {\"command\": \"npx\", \"args\": [\"x\"]},\n\"c\": {\n  \"command\": \"podman\",\n  \"args\": [\"run\", \"-v\", \"/:/host\", \"img\"]\n},\n```\n";
    let cs = models(FileId(0), text);
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
    let cs = models(FileId(0), text);
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
    let cs = models(FileId(0), text);
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
    let cs = models(FileId(0), text);
    assert_eq!(cs.len(), 2);
    assert!(cs[0].privileged.is_some());
    assert_eq!(cs[1].devices[0].value, "/dev/kvm");
    assert_eq!(line(text, cs[1].devices[0].origin.span), 6);
}

#[test]
fn console_block_with_prompts_and_output() {
    let text = "```console\n# Start the server\n$ docker run -d \\\n>   -v /var/run/docker.sock:/var/run/docker.sock \\\n    --name x img:1\nUnable to find image 'img:1' locally\ndocker run --privileged is not needed\n$ echo done\n```\n";
    let cs = models(FileId(0), text);
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
    let cs = models(FileId(0), bash);
    assert_eq!(cs.len(), 1);
    assert!(cs[0].privileged.is_none());
    // A console block with a comment and no prompt: its commands are read.
    let console = "```console\n# Start the server\ndocker run -v /:/host img\n```\n";
    let cs = models(FileId(0), console);
    assert_eq!(cs.len(), 1);
    assert_eq!(line(console, cs[0].mounts[0].origin.span), 3);
    // With `$ ` prompts, `# ` lines are comments too.
    let mixed = "```console\n# docker run --privileged img\n$ docker ps\n```\n";
    assert!(models(FileId(0), mixed).is_empty());
}

#[test]
fn quoted_command_in_a_block_without_language() {
    let text = "```\n\"/usr/local/bin/docker\" run --privileged img\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(cs.len(), 1);
    assert!(cs[0].privileged.is_some());
}

#[test]
fn bash_block_with_prompt_lines_only() {
    let text = "```bash\n$ export TOKEN=x\n$ docker run --rm -e TOKEN -p 8080:80 img\nserver listening\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0].ports[0].origin.span.slice(text), "-p 8080:80");
    assert_eq!(line(text, cs[0].ports[0].origin.span), 3);
}

#[test]
fn indented_block_in_a_list_keeps_positions() {
    let text =
        "1. Run:\n\n   ```sh\n   docker run \\\n     --cap-add SYS_ADMIN \\\n     img\n   ```\n";
    let cs = models(FileId(0), text);
    assert_eq!(cs.len(), 1);
    assert_eq!(
        cs[0].cap_add[0].origin.span.slice(text),
        "--cap-add SYS_ADMIN"
    );
    assert_eq!(line(text, cs[0].cap_add[0].origin.span), 5);
}

#[test]
fn prose_yaml_dockerfile_and_other_languages_are_not_containers() {
    // The YAML block is no compose file: its service has no telltale key (`image`, `build` …).
    let text = "Run `docker run --privileged img` if you dare.\n\n    docker run --privileged indented\n\n```yaml\nservices:\n  x:\n    privileged: true\n```\n\n```dockerfile\nRUN docker run --privileged img\n```\n\n```python\nos.system(\"docker run --privileged img\")\n```\n\n```bash\necho \"docker run --privileged img\"\n```\n";
    assert!(models(FileId(0), text).is_empty());
}

#[test]
fn npx_servers_and_broken_json_yield_nothing() {
    let text = "```json\n{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}\n```\n\n```json\n{\"mcpServers\": {\"a\": {\"command\": \"docker\", \"args\": [...]}}}\n```\n\n```json\n\"a\": {\"command\": \"docker\", \"args\": [\"run\", \"--privileged\"\n```\n\n```json\n[1, 2]\n```\n";
    assert!(models(FileId(0), text).is_empty());
}

#[test]
fn toml_block() {
    let text = "```toml\n[mcp_servers.gh]\ncommand = \"docker\"\nargs = [\"run\", \"-i\", \"-v\", \"/etc:/etc:ro\", \"ghcr.io/x/y:1\"]\n```\n";
    let cs = models(FileId(0), text);
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
    let cs = models(FileId(0), text);
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0].namespaces[0].origin.span.slice(text), "\"host\"");
    assert_eq!(line(text, cs[0].namespaces[0].origin.span), 4);
}

#[test]
fn installer_commands() {
    let text = "```bash\nclaude mcp add prometheus --env PROMETHEUS_URL=http://p:9090 -- docker run -i --rm -v /:/host ghcr.io/x/p:latest\ncodex mcp add k8s -- npx mcp-server-kubernetes\ngemini mcp add -e A=1 g docker run --privileged img\nclaude mcp add-json gh '{\"command\": \"docker\", \"args\": [\"run\", \"--pid=host\", \"img\"]}'\ncode --add-mcp '{\"name\": \"v\", \"command\": \"docker\", \"args\": [\"run\", \"--ipc=host\", \"img\"]}'\n```\n";
    let cs = models(FileId(0), text);
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
    map_spans(&mut cs[0], &|s| Span {
        start: s.start + 1000,
        end: s.end + 1000,
    });
    let cl = cs[0].command_line.as_ref().expect("a command line");
    let c = &cs[0].container;
    let all = [
        cl.run_word.span,
        cl.args[0].origin.span,
        cl.args[cl.args.len() - 1].origin.span,
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
    let cs = models(FileId(0), text);
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
        "",
        "```",
        "```json",
        "```json\n\"",
        "```json\n\"a\":",
        "```bash\n$ \n```",
        "```console\n$\n#\n```",
        "```bash\n$ docker run \\\n```",
        "```json\n\u{feff}\"x\": {}\n```",
        "```json\n/* unterminated\n```",
        "```bash\nclaude mcp add\nclaude mcp add x --\ncode --add-mcp\nclaude mcp add-json x\n```",
        "```json\n\"a\": {\"command\": {\"path\": 1}}\n```",
        "~~~sh\ndocker run -v\n~~~",
    ] {
        let _ = models(FileId(0), text);
    }
}

fn images(cs: &[Container]) -> Vec<&str> {
    cs.iter()
        .filter_map(|c| c.image.as_ref().map(|i| i.value.as_str()))
        .collect()
}

#[test]
fn placeholders_in_commands_are_words() {
    // github-mcp-server's README: `-e GITHUB_PERSONAL_ACCESS_TOKEN=<your-token> \`
    let text = "```bash\ndocker run -i --rm \\\n  -e GITHUB_PERSONAL_ACCESS_TOKEN=<your-token> \\\n  -e GITHUB_TOOLSETS=\"repos,issues,pull_requests,actions,code_security\" \\\n  ghcr.io/github/github-mcp-server\n```\n\n```bash\ndocker run -i --rm \\\n  -e GITHUB_PERSONAL_ACCESS_TOKEN=<your-token> \\\n  --privileged \\\n  ghcr.io/github/github-mcp-server\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(
        images(&cs),
        [
            "ghcr.io/github/github-mcp-server",
            "ghcr.io/github/github-mcp-server"
        ]
    );
    assert_eq!(cs[0].env[0].key, "GITHUB_PERSONAL_ACCESS_TOKEN");
    assert_eq!(cs[0].env[0].value.as_deref(), Some("<your-token>"));
    assert_eq!(cs[0].env[1].key, "GITHUB_TOOLSETS");
    assert!(cs[0].privileged.is_none());
    let privileged = cs[1]
        .privileged
        .expect("--privileged after the placeholder");
    assert_eq!(privileged.span.slice(text), "--privileged");
    assert_eq!(line(text, privileged.span), 11);
}

#[test]
fn placeholders_with_spaces_after_equals() {
    // grafana's README: `-e GRAFANA_SERVICE_ACCOUNT_TOKEN=<your service account token> grafana/mcp-grafana -t stdio`
    let text = "```bash\ndocker pull grafana/mcp-grafana\ndocker run --rm -i -e GRAFANA_URL=http://<Grafana-Host>:3000 -e GRAFANA_SERVICE_ACCOUNT_TOKEN=<your service account token> grafana/mcp-grafana -t stdio\ndocker run --rm -p 8000:8000 -e T=<YOUR_TOKEN_HERE>\\\n  mcp-grafana \\\n  -t streamable-http\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(images(&cs), ["grafana/mcp-grafana", "mcp-grafana"]);
    assert_eq!(
        cs[0].env[1].value.as_deref(),
        Some("<your service account token>")
    );
    assert_eq!(cs[1].ports.len(), 1);
}

#[test]
fn ellipsis_is_not_the_image() {
    let text =
        "```sh\ndocker run -i --rm ... ghcr.io/o/server:1.0\ndocker run … -v /:/host img:2\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(images(&cs), ["ghcr.io/o/server:1.0", "img:2"]);
    assert_eq!(cs[1].mounts[0].source, "/");
}

#[test]
fn compose_in_a_yaml_block() {
    // neo4j's mcp-neo4j-cypher README: a compose file in a ```yaml block.
    let text = "### Docker Compose\n\n```yaml\nversion: '3.8'\n\nservices:\n  neo4j:\n    image: neo4j:5.26.1 # or another version\n    ports:\n      - '7474:7474' # HTTP\n  mcp-neo4j-cypher-server:\n    image: mcp/neo4j-cypher:latest\n    ports:\n      - '8000:8000'\n    environment:\n      - NEO4J_PASSWORD=password\n      - NEO4J_MCP_SERVER_HOST=0.0.0.0 # must be 0.0.0.0\n\nvolumes:\n  neo4j_data:\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(images(&cs), ["neo4j:5.26.1", "mcp/neo4j-cypher:latest"]);
    assert_eq!(
        cs[1].source,
        ContainerSource::ComposeService {
            name: "mcp-neo4j-cypher-server".into()
        }
    );
    assert_eq!(cs[1].ports[0].origin.span.slice(text), "'8000:8000'");
    assert_eq!(line(text, cs[1].ports[0].origin.span), 14);
    assert_eq!(cs[1].env[0].key, "NEO4J_PASSWORD");
    assert_eq!(line(text, cs[1].env[0].origin.span), 16);
}

#[test]
fn mcp_config_in_js_and_annotated_json_blocks() {
    // playwright-mcp's README: the Docker config in a ```js block.
    let text = "```js\n{\n  \"mcpServers\": {\n    \"playwright\": {\n      \"command\": \"docker\",\n      \"args\": [\"run\", \"-i\", \"--rm\", \"--init\", \"--pull=always\", \"mcr.microsoft.com/playwright/mcp\"]\n    }\n  }\n}\n```\n\n```json:mcp.json showLineNumbers\n{\"mcpServers\": {\"p\": {\"command\": \"docker\", \"args\": [\"run\", \"-v\", \"/:/host\", \"img:1\"]}}}\n```\n\n```jsonc\n// unquoted keys\n{ mcpServers: { q: { command: 'docker', args: ['run', 'img:2'] } } }\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(
        images(&cs),
        ["mcr.microsoft.com/playwright/mcp", "img:1", "img:2"]
    );
    assert_eq!(line(text, cs[0].image.as_ref().unwrap().origin.span), 6);
    assert_eq!(line(text, cs[1].mounts[0].origin.span), 13);
}

#[test]
fn kubernetes_and_mcp_yaml_in_blocks() {
    let text = "```yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: mcp\nspec:\n  containers:\n    - name: server\n      image: ghcr.io/o/mcp:1\n      securityContext:\n        privileged: true\n```\n\n```\nmcpServers:\n  - name: x\n    command: docker\n    args: [run, --pid=host, img:3]\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(images(&cs), ["ghcr.io/o/mcp:1", "img:3"]);
    assert_eq!(line(text, cs[0].privileged.unwrap().span), 11);
    assert_eq!(cs[1].namespaces.len(), 1);
}

#[test]
fn code_that_is_not_a_configuration() {
    let text = "```js\nimport http from 'http';\nconst cfg = { command: 'docker', args: ['run', '--privileged', 'img'] };\n```\n\n```docker\nFROM node:22\nRUN docker run --privileged img\n```\n\n```powershell\ndocker run --privileged img\n```\n\n```yaml\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: s\n      image: {{ .Values.image }}\n```\n\n```yaml\nservices:\n  web:\n    image: [unclosed\n```\n\n```bash\n{ docker run --privileged grouped; }\n```\n";
    let cs = models(FileId(0), text);
    // Only the shell group in the bash block runs a container.
    assert_eq!(images(&cs), ["grouped"]);
}

#[test]
fn docker_fence_with_commands() {
    let text = "```docker\ndocker run -p 8080:8080 ghcr.io/o/s:1\n```\n\n```Bash\ndocker run -v /:/h ghcr.io/o/s:2\n```\n";
    let cs = models(FileId(0), text);
    assert_eq!(images(&cs), ["ghcr.io/o/s:1", "ghcr.io/o/s:2"]);
}

#[test]
fn fence_languages() {
    assert_eq!(base_language("json:mcp.json"), "json");
    assert_eq!(base_language("{.bash}"), "bash");
    assert_eq!(base_language("c++"), "c++");
    assert_eq!(base_language(""), "");
    assert!(looks_like_dockerfile(
        "# syntax=docker/dockerfile:1\nARG V=1\nFROM node:$V\n"
    ));
    assert!(!looks_like_dockerfile("docker run x\nFROM y"));
}

#[test]
fn builds_in_prose_code_spans() {
    // docker/hub-mcp's README: "2. Run `docker build -t hub .`" after a compose block running `image: hub`.
    let text = "```\nservices:\n  hub:\n    image: hub\n```\n\n2. Run `docker build -t hub .`\n3. Run `docker ai` or `docker run --privileged x`\n";
    let (found, builds) = read(FileId(0), text);
    let cs: Vec<Container> = found.into_iter().map(|f| f.container).collect();
    assert_eq!(images(&cs), ["hub"]);
    assert_eq!(builds.len(), 1);
    assert_eq!(builds[0].tags, ["hub"]);
    assert_eq!(builds[0].origin.span.slice(text), "`docker build -t hub .`");
}
