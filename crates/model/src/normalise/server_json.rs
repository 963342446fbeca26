//! MCP registry `server.json` → one [`Container`] per OCI package.
//!
//! A package that an MCP client starts with docker (`registryType: "oci"`;
//! older files: `registry_type`, `registry_name: "docker"`; or
//! `runtimeHint: "docker"`) is a `docker run` whose flags the file spells as
//! `runtimeArguments` (older: `runtime_arguments`) and whose image is the
//! package `identifier` (plus `:version` when the identifier has no tag of
//! its own). The flags are rebuilt as an argv and read by [`docker_cli`]:
//!
//! * `{"type": "named", "name": "-v", "value": "/a:/b"}` → one word `-v=/a:/b`.
//!   Joining name and value keeps each argument self-contained, so an
//!   argument that is not what it seems (a boolean flag given a value, a
//!   value flag given none) can never swallow its neighbour or the image;
//!   pflag reads `-v=x` and `--volume=x` exactly as `-v x`. A name that
//!   already ends in `=` (`--env=`) is followed by its value directly; a
//!   name without any value (`--read-only`) is the word alone.
//! * `{"type": "positional", "value": "-i"}` → the word as written.
//! * A value comes from `value`, else `default`. A named argument with
//!   neither, but a `valueHint`, gets `{valueHint}` (the user fills it in);
//!   a positional one with neither is left out (no word to read).
//! * `{placeholders}` in a value are filled from the argument's `variables`
//!   (`{"var": {"value"|"default": …}}`); one without either stays verbatim
//!   (`{source_path}`), which the rules read as an unknown path and the
//!   secret detector as a template, not a secret.
//!
//! `packageArguments` come after the image: they are the server's own, not
//! docker's, and are not read. `environmentVariables` (older:
//! `environment_variables`) become `env` entries with their `value` or
//! `default` (`None` when the user supplies it).
//!
//! Positions: every word (and so every mount, port, flag read from it)
//! points at the argument's `value` string — where the meaningful text is —
//! or its `name` string when it has no value; env entries likewise. The
//! image points at the `identifier` string; the container's *definition*
//! (findings about missing settings) is the package's `identifier` entry.

use skillaudit_syntax::tree::{NodeRef, Stream};

use crate::container::{Container, ContainerSource, EnvEntry};
use crate::file::FileId;
use crate::normalise::docker_cli;
use crate::normalise::nodes::{entry_origin, origin, text};
use crate::{Origin, Spanned};

/// Does this document look like an MCP registry `server.json`? A top-level
/// mapping with a `packages` array (of mappings naming a registry or an
/// identifier) and a sign of the server schema: a `$schema` mentioning
/// "server", the older `version_detail`, or a reverse-DNS `name` with a `/`
/// (`io.github.owner/repo`).
pub fn looks_like_server_json(stream: &Stream) -> bool {
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return false;
    };
    if !root.is_mapping() {
        return false;
    }
    let Some(packages) = root.value("packages").filter(|p| p.is_sequence()) else {
        return false;
    };
    let items = packages.items();
    let package_like = items.is_empty()
        || items.iter().any(|p| {
            p.is_mapping()
                && [
                    "registryType",
                    "registry_type",
                    "registry_name",
                    "identifier",
                ]
                .iter()
                .any(|k| p.value(k).is_some())
        });
    if !package_like {
        return false;
    }
    let schema = root
        .value("$schema")
        .and_then(|s| s.as_str())
        .is_some_and(|s| s.contains("server"));
    let version_detail = root.value("version_detail").is_some_and(|v| v.is_mapping());
    let name = root
        .value("name")
        .and_then(|n| n.as_str())
        .is_some_and(|n| n.contains('/') && !n.contains(' '));
    schema || version_detail || name
}

/// Every package of the `server.json` that runs as a container.
pub fn containers(file: FileId, stream: &Stream) -> Vec<Container> {
    let mut out = Vec::new();
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return out;
    };
    let Some(packages) = root.value("packages") else {
        return out;
    };
    for package in packages.items() {
        if let Some(c) = package_container(file, package) {
            out.push(c);
        }
    }
    out
}

/// First of the camelCase and snake_case spellings that is present.
fn either<'a>(node: NodeRef<'a>, camel: &str, snake: &str) -> Option<NodeRef<'a>> {
    node.value(camel).or_else(|| node.value(snake))
}

fn str_of<'a>(node: NodeRef<'a>, camel: &str, snake: &str) -> Option<String> {
    either(node, camel, snake)
        .and_then(text)
        .map(|s| s.trim().to_ascii_lowercase())
}

/// Is this package started as a container?
fn is_container_package(package: NodeRef<'_>) -> bool {
    let registry = str_of(package, "registryType", "registry_type");
    let legacy = package
        .value("registry_name")
        .and_then(text)
        .map(|s| s.trim().to_ascii_lowercase());
    let hint = str_of(package, "runtimeHint", "runtime_hint");
    matches!(registry.as_deref(), Some("oci" | "docker"))
        || matches!(legacy.as_deref(), Some("docker" | "oci"))
        || matches!(hint.as_deref(), Some("docker" | "podman"))
}

fn package_container(file: FileId, package: NodeRef<'_>) -> Option<Container> {
    if !package.is_mapping() || !is_container_package(package) {
        return None;
    }
    // The oldest files name the package `name` instead of `identifier`.
    let (id_key, id_node) = package.get("identifier").or_else(|| package.get("name"))?;
    let identifier = text(id_node)?.trim().to_string();
    if identifier.is_empty() {
        return None;
    }
    let version = package
        .value("version")
        .and_then(text)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let image = match version {
        Some(v) if !has_tag_or_digest(&identifier) => format!("{identifier}:{v}"),
        _ => identifier,
    };
    let image_word = Spanned::new(image.clone(), origin(id_node));
    let definition = entry_origin(id_key, id_node).span;

    let mut words = Vec::new();
    if let Some(args) = either(package, "runtimeArguments", "runtime_arguments") {
        for arg in args.items() {
            if let Some(word) = argument_word(arg) {
                words.push(word);
            }
        }
    }
    words.push(image_word.clone());

    let source = ContainerSource::RegistryPackage { identifier: image };
    let mut c = docker_cli::container(file, source, definition, &words);
    // The image is the package's, whatever a stray positional argument made
    // of the argv (docker would run that word instead, and the package is
    // broken, but what the file says it runs is the identifier).
    c.image = Some(image_word);

    if let Some(vars) = either(package, "environmentVariables", "environment_variables") {
        for var in vars.items() {
            if let Some(e) = env_entry(var) {
                c.env.push(e);
            }
        }
    }
    Some(c)
}

/// Has an image reference its own tag (`:1.2` after the last `/`) or digest (`@sha256:…`)?
fn has_tag_or_digest(image: &str) -> bool {
    image.contains('@')
        || image
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':'))
}

/// An argument's value (`value`, else `default`) with its `{variables}`
/// filled in, and the node it was written in.
fn argument_value<'a>(arg: NodeRef<'a>) -> Option<(String, NodeRef<'a>)> {
    let node = arg
        .value("value")
        .filter(|v| !v.is_null())
        .or_else(|| arg.value("default").filter(|v| !v.is_null()))?;
    let raw = text(node)?;
    Some((substitute(&raw, arg.value("variables")), node))
}

/// One runtime argument as one argv word (see the module docs).
fn argument_word(arg: NodeRef<'_>) -> Option<Spanned<String>> {
    if !arg.is_mapping() {
        // Not the schema's shape; a bare string is taken as written.
        return text(arg).map(|s| Spanned::new(s, origin(arg)));
    }
    let kind = arg.value("type").and_then(text);
    let name = arg.value("name").filter(|n| !n.is_null());
    let named = match kind.as_deref() {
        Some("named") => true,
        Some("positional") => false,
        // No type: named when it has a name.
        _ => name.is_some(),
    };
    let value = argument_value(arg);
    if !named {
        let (value, node) = value?;
        return Some(Spanned::new(value, origin(node)));
    }
    let name_node = name?;
    let flag = text(name_node)?.trim().to_string();
    if flag.is_empty() {
        return None;
    }
    let hint = either(arg, "valueHint", "value_hint")
        .and_then(text)
        .filter(|h| !h.trim().is_empty());
    let (word, at): (String, Origin) = match (value, hint) {
        (Some((v, node)), _) if !v.is_empty() => {
            let word = if flag.ends_with('=') {
                format!("{flag}{v}")
            } else {
                format!("{flag}={v}")
            };
            (word, origin(node))
        }
        (Some(_), _) => (flag, origin(name_node)),
        (None, Some(h)) if !flag.contains('=') => {
            (format!("{flag}={{{}}}", h.trim()), origin(name_node))
        }
        (None, _) => (flag, origin(name_node)),
    };
    Some(Spanned::new(word, at))
}

/// An `environmentVariables` item as an env entry.
fn env_entry(var: NodeRef<'_>) -> Option<EnvEntry> {
    let name_node = var.value("name")?;
    let key = text(name_node)?.trim().to_string();
    if key.is_empty() {
        return None;
    }
    Some(match argument_value(var) {
        Some((value, node)) => EnvEntry {
            key,
            value: Some(value),
            origin: origin(node),
        },
        None => EnvEntry {
            key,
            value: None,
            origin: origin(name_node),
        },
    })
}

/// Fill `{name}` placeholders from `variables` (`{"name": {"value"|"default": …}}`);
/// unknown ones, and ones without a value, stay as written. Linear in the input.
fn substitute(template: &str, variables: Option<NodeRef<'_>>) -> String {
    let Some(vars) = variables.filter(|v| v.is_mapping()) else {
        return template.to_string();
    };
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(['}', '{']);
        match close {
            Some(end) if after.as_bytes().get(end) == Some(&b'}') && is_var_name(&after[..end]) => {
                let name = &after[..end];
                let filled = vars.value(name).and_then(|v| {
                    let node = v
                        .value("value")
                        .filter(|n| !n.is_null())
                        .or_else(|| v.value("default").filter(|n| !n.is_null()))?;
                    text(node)
                });
                match filled {
                    Some(value) => out.push_str(&value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_var_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::MountKind;
    use skillaudit_syntax::{json, LineIndex, Span};

    fn parse(text: &str) -> Stream {
        let s = json::parse(text);
        assert!(s.error.is_none(), "{:?}", s.error);
        s
    }

    fn line(text: &str, span: Span) -> usize {
        LineIndex::new(text).line_of(span.start) + 1
    }

    const CAMEL: &str = r#"{
  "$schema": "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json",
  "name": "io.github.example/files",
  "version": "1.2.0",
  "packages": [
    {
      "registryType": "npm",
      "identifier": "@example/files",
      "version": "1.2.0",
      "runtimeArguments": [{"type": "named", "name": "--privileged"}]
    },
    {
      "registryType": "oci",
      "identifier": "docker.io/example/files",
      "version": "1.2.0",
      "runtimeHint": "docker",
      "runtimeArguments": [
        {"type": "positional", "value": "-i"},
        {
          "type": "named",
          "name": "--mount",
          "value": "type=bind,src={source_path},dst={target_path}",
          "variables": {
            "source_path": {"description": "Host path", "isRequired": true},
            "target_path": {"default": "/project"}
          }
        },
        {"type": "named", "name": "-v", "value": "/var/run/docker.sock:/var/run/docker.sock"},
        {"type": "named", "name": "--read-only"},
        {"type": "named", "name": "--network=host"},
        {"type": "named", "name": "-e", "value": "TOKEN={token}", "variables": {"token": {"isSecret": true}}}
      ],
      "packageArguments": [{"type": "named", "name": "--privileged"}],
      "environmentVariables": [
        {"name": "API_KEY", "isSecret": true},
        {"name": "LOG_LEVEL", "default": "info"}
      ]
    }
  ]
}"#;

    #[test]
    fn camel_case_oci_package() {
        let s = parse(CAMEL);
        assert!(looks_like_server_json(&s));
        let cs = containers(FileId(1), &s);
        assert_eq!(cs.len(), 1, "the npm package is not a container");
        let c = &cs[0];
        assert_eq!(
            c.source,
            ContainerSource::RegistryPackage {
                identifier: "docker.io/example/files:1.2.0".into()
            }
        );
        let image = c
            .image
            .as_ref()
            .map(|i| (i.value.as_str(), i.origin.span.slice(CAMEL)));
        assert_eq!(
            image,
            Some((
                "docker.io/example/files:1.2.0",
                "\"docker.io/example/files\""
            ))
        );
        assert_eq!(
            c.definition.slice(CAMEL),
            r#""identifier": "docker.io/example/files""#
        );
        assert_eq!(line(CAMEL, c.definition), 14);

        assert_eq!(c.mounts.len(), 2);
        // `{source_path}` has no default: kept verbatim; `{target_path}` filled.
        assert_eq!(c.mounts[0].kind, MountKind::Bind);
        assert_eq!(c.mounts[0].source, "{source_path}");
        assert_eq!(c.mounts[0].target, "/project");
        assert_eq!(line(CAMEL, c.mounts[0].origin.span), 22);
        assert_eq!(c.mounts[1].source, "/var/run/docker.sock");
        assert_eq!(line(CAMEL, c.mounts[1].origin.span), 28);

        assert_eq!(c.read_only.as_ref().map(|r| r.value), Some(true));
        assert_eq!(
            c.read_only.as_ref().map(|r| line(CAMEL, r.origin.span)),
            Some(29)
        );
        assert!(c.namespaces.iter().any(|n| n.is_host()));
        // Package arguments are the server's: no `--privileged` from them.
        assert!(c.privileged.is_none());

        let env: Vec<(&str, Option<&str>)> = c
            .env
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(
            env,
            vec![
                ("TOKEN", Some("{token}")),
                ("API_KEY", None),
                ("LOG_LEVEL", Some("info"))
            ]
        );
        assert_eq!(line(CAMEL, c.env[2].origin.span), 36);
    }

    const SNAKE: &str = r#"{
  "name": "io.github.example/database-manager",
  "version_detail": {"version": "3.1.0"},
  "packages": [
    {
      "registry_type": "oci",
      "registry_base_url": "https://docker.io",
      "identifier": "example/database-manager-mcp",
      "version": "3.1.0",
      "runtime_arguments": [
        {"type": "named", "name": "--network", "value": "host"},
        {"type": "named", "name": "-e", "value": "DB_TYPE={db_type}", "variables": {"db_type": {"choices": ["postgres"], "default": "postgres"}}},
        {"type": "named", "name": "-v", "value_hint": "host_dir"},
        {"type": "positional", "value_hint": "ignored"}
      ],
      "environment_variables": [
        {"name": "DB_PASSWORD", "value": "{password}", "variables": {"password": {"is_secret": true}}}
      ]
    }
  ]
}"#;

    #[test]
    fn snake_case_with_substitution_and_hints() {
        let s = parse(SNAKE);
        assert!(looks_like_server_json(&s));
        let cs = containers(FileId(0), &s);
        assert_eq!(cs.len(), 1);
        let c = &cs[0];
        assert_eq!(
            c.image.as_ref().map(|i| i.value.as_str()),
            Some("example/database-manager-mcp:3.1.0")
        );
        assert_eq!(c.namespaces[0].value, "host");
        assert_eq!(line(SNAKE, c.namespaces[0].origin.span), 11);
        assert_eq!(c.env[0].key, "DB_TYPE");
        assert_eq!(c.env[0].value.as_deref(), Some("postgres"));
        // `-v` with only a hint: the user's path, a placeholder.
        assert_eq!(c.mounts.len(), 1);
        assert_eq!(c.mounts[0].target, "{host_dir}");
        assert_eq!(c.env[1].key, "DB_PASSWORD");
        assert_eq!(c.env[1].value.as_deref(), Some("{password}"));
    }

    #[test]
    fn legacy_registry_name_and_runtime_hint() {
        let text = r#"{"name": "io.github.x/y", "packages": [
            {"registry_name": "docker", "name": "x/y", "version": "latest"},
            {"registryType": "other", "runtimeHint": "docker", "identifier": "ghcr.io/x/z@sha256:abc", "version": "2"}
        ]}"#;
        let s = parse(text);
        assert!(looks_like_server_json(&s));
        let cs = containers(FileId(0), &s);
        let images: Vec<&str> = cs
            .iter()
            .filter_map(|c| c.image.as_ref())
            .map(|i| i.value.as_str())
            .collect();
        assert_eq!(images, vec!["x/y:latest", "ghcr.io/x/z@sha256:abc"]);
    }

    #[test]
    fn identifier_with_its_own_tag_keeps_it() {
        let text = r#"{"$schema": "https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json", "name": "io.github.redis/mcp-redis", "version": "$VERSION",
          "packages": [{"registryType": "oci", "identifier": "docker.io/mcp/redis:latest", "transport": {"type": "stdio"}},
                       {"registryType": "oci", "identifier": "localhost:5000/img", "version": "1"}]}"#;
        let cs = containers(FileId(0), &parse(text));
        let images: Vec<&str> = cs
            .iter()
            .filter_map(|c| c.image.as_ref())
            .map(|i| i.value.as_str())
            .collect();
        // A registry port is not a tag.
        assert_eq!(
            images,
            vec!["docker.io/mcp/redis:latest", "localhost:5000/img:1"]
        );
        assert!(cs[0].mounts.is_empty() && cs[0].env.is_empty());
    }

    #[test]
    fn arguments_never_swallow_the_image() {
        // A value flag without a value, and a boolean flag given one.
        let text = r#"{"name": "a/b", "packages": [{"registryType": "oci", "identifier": "img", "version": "1",
          "runtimeArguments": [{"type": "named", "name": "--privileged", "value": "true"}, {"type": "named", "name": "-e"}]}]}"#;
        let cs = containers(FileId(0), &parse(text));
        assert_eq!(cs.len(), 1);
        assert!(cs[0].privileged.is_some());
        assert_eq!(
            cs[0].image.as_ref().map(|i| i.value.as_str()),
            Some("img:1")
        );
    }

    #[test]
    fn positional_runtime_arguments_are_read_in_order() {
        let text = r#"{"name": "a/b", "packages": [{"registryType": "oci", "identifier": "img:1",
          "runtimeArguments": [{"type": "positional", "value": "-v"}, {"type": "positional", "value": "/:/host"}, {"type": "positional", "value": "--cap-add=SYS_ADMIN"}, "--pids-limit=100"]}]}"#;
        let cs = containers(FileId(0), &parse(text));
        assert_eq!(cs[0].mounts[0].source, "/");
        assert_eq!(cs[0].cap_add[0].value, "SYS_ADMIN");
        assert!(cs[0].pids_limit.is_some());
    }

    #[test]
    fn not_server_json() {
        for text in [
            r#"{"packages": ["packages/*"], "version": "1.0.0"}"#,
            r#"{"name": "pkg", "packages": [{"registryType": "oci", "identifier": "x"}]}"#,
            r#"{"namespace": "server", "attributes": {}}"#,
            r#"{"name": "a/b", "packages": {"x": 1}}"#,
            "[]",
            "",
        ] {
            assert!(!looks_like_server_json(&json::parse(text)), "{text}");
        }
        assert!(containers(FileId(0), &json::parse("[1, 2]")).is_empty());
        assert!(containers(
            FileId(0),
            &json::parse(r#"{"packages": [1, "x", null, {"registryType": "oci"}]}"#)
        )
        .is_empty());
    }

    #[test]
    fn substitution() {
        let vars = json::parse(
            r#"{"a": {"default": "A"}, "b": {"value": "B", "default": "x"}, "c": {"description": "none"}}"#,
        );
        let v = vars.documents.first().and_then(|d| d.root());
        assert_eq!(substitute("{a}-{b}-{c}-{d}", v), "A-B-{c}-{d}");
        assert_eq!(substitute("{{a}} {a b} { } {", v), "{A} {a b} { } {");
        assert_eq!(substitute("no vars", None), "no vars");
        assert_eq!(substitute("é{a}€", v), "éA€");
    }
}
