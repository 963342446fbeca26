use super::*;
use crate::container::NamespaceKind;
use skillaudit_syntax::tree::yaml::parse;
use skillaudit_syntax::LineIndex;

/// Parse JSON (without comments, so YAML reads it too) and normalise.
fn read_at(path: &str, text: &str) -> Container {
    let stream = parse(text);
    assert!(stream.error.is_none(), "{:?}", stream.error);
    let mut cs = containers_at(FileId(1), path, &stream);
    assert_eq!(cs.len(), 1);
    cs.remove(0)
}

fn read(text: &str) -> Container {
    read_at(".devcontainer/devcontainer.json", text)
}

fn line(text: &str, span: Span) -> u32 {
    LineIndex::new(text).line_col(text, span.start).line
}

const RUN_ARGS: &str = r#"{
  "name": "mcp dev",
  "image": "mcr.microsoft.com/devcontainers/typescript-node:1-20",
  "runArgs": [
    "--privileged",
    "-v", "/var/run/docker.sock:/var/run/docker.sock",
    "--network=host",
    "--user", "0",
    "oops",
    "--cap-add=SYS_ADMIN"
  ],
  "mounts": [
    "source=${localEnv:HOME}/.ssh,target=/home/node/.ssh,type=bind,readonly",
    { "source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "type": "bind", "readonly": true },
    { "source": "node_modules", "target": "/workspace/node_modules", "type": "volume" }
  ],
  "containerUser": "node",
  "remoteUser": "root",
  "containerEnv": { "GITHUB_TOKEN": "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "HOME_DIR": "${localEnv:HOME}" },
  "remoteEnv": { "UNSET": null, "PATH": "${containerEnv:PATH}:/extra" },
  "capAdd": ["NET_ADMIN"],
  "securityOpt": ["seccomp=unconfined", "no-new-privileges"],
  "forwardPorts": [3000],
  "appPort": [8080, "0.0.0.0:9000:9000"]
}"#;

#[test]
fn run_args_are_docker_flags() {
    let c = read(RUN_ARGS);
    assert_eq!(c.source, ContainerSource::Devcontainer);
    assert_eq!(c.definition.slice(RUN_ARGS), "\"image\"");
    assert_eq!(
        c.image.as_ref().map(|i| i.value.as_str()),
        Some("mcr.microsoft.com/devcontainers/typescript-node:1-20")
    );
    let privileged = c.privileged.expect("--privileged");
    assert_eq!(privileged.span.slice(RUN_ARGS), "\"--privileged\"");
    assert_eq!(line(RUN_ARGS, privileged.span), 5);
    // runArgs are read after `mounts`: the `-v` is the last mount.
    let sock = c.mounts.last().expect("socket");
    assert_eq!(
        (sock.kind, sock.source.as_str()),
        (MountKind::Bind, "/var/run/docker.sock")
    );
    // `-v` and its value: the span covers both items.
    assert_eq!(
        sock.origin.span.slice(RUN_ARGS),
        "\"-v\", \"/var/run/docker.sock:/var/run/docker.sock\""
    );
    assert_eq!(line(RUN_ARGS, sock.origin.span), 6);
    let ns: Vec<_> = c
        .host_namespaces()
        .map(|n| (n.kind, line(RUN_ARGS, n.origin.span)))
        .collect();
    assert_eq!(ns, [(NamespaceKind::Network, 7)]);
    // `--user 0` in runArgs comes after containerUser and wins.
    let user = c.user.as_ref().expect("user");
    assert_eq!(
        (user.value.as_str(), line(RUN_ARGS, user.origin.span)),
        ("0", 8)
    );
    // "oops" would be docker's image: reading stops, it is not the image,
    // and the flag after it is not docker's.
    assert!(c.cap_add.iter().all(|cap| cap.value != "SYS_ADMIN"));
    assert_eq!(c.cap_add.len(), 1);
    assert_eq!(
        (
            c.cap_add[0].value.as_str(),
            line(RUN_ARGS, c.cap_add[0].origin.span)
        ),
        ("NET_ADMIN", 21)
    );
}

#[test]
fn mounts_in_both_forms() {
    let c = read(RUN_ARGS);
    // The runArgs `-v` comes last (runArgs are read after `mounts`).
    assert_eq!(c.mounts.len(), 4);
    let ssh = &c.mounts[0];
    assert_eq!(
        (
            ssh.kind,
            ssh.source.as_str(),
            ssh.target.as_str(),
            ssh.read_only
        ),
        (
            MountKind::Bind,
            "${localEnv:HOME}/.ssh",
            "/home/node/.ssh",
            Some(true)
        )
    );
    assert_eq!(line(RUN_ARGS, ssh.origin.span), 13);
    // Object form: the CLI drops `readonly`, so the mount is writable.
    let sock = &c.mounts[1];
    assert_eq!(
        (sock.kind, sock.source.as_str(), sock.read_only),
        (MountKind::Bind, "/var/run/docker.sock", None)
    );
    assert_eq!(line(RUN_ARGS, sock.origin.span), 14);
    assert!(sock.origin.span.slice(RUN_ARGS).starts_with("{ \"source\""));
    let vol = &c.mounts[2];
    assert_eq!(
        (vol.kind, vol.source.as_str()),
        (MountKind::Volume, "node_modules")
    );
}

#[test]
fn env_security_and_ports() {
    let c = read(RUN_ARGS);
    let env: Vec<_> = c
        .env
        .iter()
        .map(|e| {
            (
                e.key.as_str(),
                e.value.as_deref(),
                line(RUN_ARGS, e.origin.span),
            )
        })
        .collect();
    assert_eq!(
        env,
        [
            (
                "GITHUB_TOKEN",
                Some("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"),
                19
            ),
            ("HOME_DIR", Some("${localEnv:HOME}"), 19),
            ("PATH", Some("${containerEnv:PATH}:/extra"), 20),
        ]
    );
    let opts: Vec<_> = c
        .security_opts
        .iter()
        .map(|o| (o.value.as_str(), line(RUN_ARGS, o.origin.span)))
        .collect();
    assert_eq!(
        opts,
        [("seccomp=unconfined", 22), ("no-new-privileges", 22)]
    );
    assert!(c.no_new_privileges.is_some());
    // appPort: a number goes to 127.0.0.1, a string as written; forwardPorts are not published.
    assert_eq!(c.ports.len(), 2);
    assert!(!c.ports[0].on_all_interfaces());
    assert_eq!(c.ports[0].host_port.as_deref(), Some("8080"));
    assert!(c.ports[1].on_all_interfaces());
    assert_eq!(line(RUN_ARGS, c.ports[1].origin.span), 24);
}

#[test]
fn users() {
    // containerUser wins over remoteUser.
    let c = read(r#"{"image": "x", "containerUser": "root", "remoteUser": "vscode"}"#);
    assert_eq!(c.user.as_ref().map(|u| u.value.as_str()), Some("root"));
    assert_eq!(
        c.user
            .as_ref()
            .unwrap()
            .origin
            .span
            .slice(r#"{"image": "x", "containerUser": "root", "remoteUser": "vscode"}"#),
        r#""containerUser": "root""#
    );
    // remoteUser root without containerUser: runs as root.
    let text = "{\n  \"image\": \"x\",\n  \"remoteUser\": \"root\"\n}";
    let c = read(text);
    let u = c.user.as_ref().expect("remoteUser root");
    assert_eq!((u.value.as_str(), line(text, u.origin.span)), ("root", 3));
    // A non-root remoteUser says nothing about the container's user.
    assert!(read(r#"{"image": "x", "remoteUser": "vscode"}"#)
        .user
        .is_none());
    // containerUser non-root, remoteUser root: the container user is kept.
    let c = read(r#"{"image": "x", "containerUser": "node", "remoteUser": "root"}"#);
    assert_eq!(c.user.as_ref().map(|u| u.value.as_str()), Some("node"));
}

#[test]
fn build_paths_are_rebased_onto_the_context() {
    let text = "{\n  \"name\": \"x\",\n  \"build\": { \"dockerfile\": \"Dockerfile\", \"context\": \"..\" },\n  \"image\": \"ignored:latest\"\n}";
    let c = read(text);
    let b = c.build.as_ref().expect("build");
    assert_eq!(
        (b.context.as_str(), b.dockerfile.as_deref()),
        ("..", Some(".devcontainer/Dockerfile"))
    );
    assert_eq!(line(text, b.origin.span), 3);
    // The Dockerfile wins; `image` is ignored as the CLI ignores it.
    assert!(c.image.is_none());
    assert_eq!(
        (c.definition.slice(text), line(text, c.definition)),
        ("\"build\"", 3)
    );

    // Default context: the devcontainer folder.
    let c = read(r#"{"build": {"dockerfile": "Dockerfile"}}"#);
    let b = c.build.unwrap();
    assert_eq!(
        (b.context.as_str(), b.dockerfile.as_deref()),
        (".", Some("Dockerfile"))
    );
    // Legacy keys.
    let c = read_at(
        "svc/.devcontainer/py/devcontainer.json",
        r#"{"dockerFile": "../Dockerfile", "context": "../../.."}"#,
    );
    let b = c.build.unwrap();
    assert_eq!(
        (b.context.as_str(), b.dockerfile.as_deref()),
        ("../../..", Some("svc/.devcontainer/Dockerfile"))
    );
    // Without the file's path a context above its folder is unknown: no guess.
    let stream = parse(r#"{"build": {"dockerfile": "Dockerfile", "context": ".."}}"#);
    assert!(containers(FileId(1), &stream)[0].build.is_none());
    // A context that leaves the scanned tree.
    assert!(read_at(
        ".devcontainer.json",
        r#"{"build": {"dockerfile": "Dockerfile", "context": ".."}}"#
    )
    .build
    .is_none());
}

#[test]
fn dockerfile_relative_to_context() {
    let dir: Vec<String> = vec!["a".into(), ".devcontainer".into()];
    let d = Some(dir.as_slice());
    let cases = [
        (".", "Dockerfile", Some("Dockerfile")),
        ("..", "Dockerfile", Some(".devcontainer/Dockerfile")),
        ("..", "../Dockerfile", Some("Dockerfile")),
        ("../..", "Dockerfile", Some("a/.devcontainer/Dockerfile")),
        ("../docker", "../docker/Dockerfile", Some("Dockerfile")),
        ("../src", "Dockerfile", Some("../.devcontainer/Dockerfile")),
        ("sub", "Dockerfile", Some("../Dockerfile")),
        ("sub/x", "sub/Dockerfile.dev", Some("../Dockerfile.dev")),
        (".", "../docker/Dockerfile", Some("../docker/Dockerfile")),
        ("../../..", "Dockerfile", None),
        ("/abs", "Dockerfile", None),
        ("..", "/abs/Dockerfile", Some("/abs/Dockerfile")),
    ];
    for (context, dockerfile, want) in cases {
        assert_eq!(
            dockerfile_in_context(d, context, dockerfile).as_deref(),
            want,
            "{context} {dockerfile}"
        );
    }
    // The linker joins folder/context/dockerfile lexically: check that lands on folder/dockerfile.
    use std::path::Path;
    let folder = Path::new("/r/a/.devcontainer");
    for (context, dockerfile, want) in cases {
        if let Some(rel) = want.filter(|w| !w.starts_with('/')) {
            let linked = crate::file::normalize(&folder.join(context).join(rel));
            assert_eq!(
                linked,
                crate::file::normalize(&folder.join(dockerfile)),
                "{context} {dockerfile}"
            );
        }
    }
}

#[test]
fn compose_configuration() {
    let text = r#"{
  "name": "app",
  "dockerComposeFile": ["../docker-compose.yml"],
  "service": "app",
  "image": "not-used",
  "runArgs": ["--privileged"],
  "appPort": 3000,
  "capAdd": ["SYS_PTRACE"],
  "mounts": ["source=/,target=/host,type=bind"]
}"#;
    let c = read(text);
    assert_eq!(c.definition.slice(text), "\"service\"");
    assert!(c.image.is_none() && c.build.is_none());
    // runArgs and appPort do not apply to compose configurations.
    assert!(c.privileged.is_none() && c.ports.is_empty());
    assert_eq!(c.cap_add.len(), 1);
    assert_eq!(c.mounts.len(), 1);
    assert_eq!(c.mounts[0].source, "/");
}

#[test]
fn privileged_key_workspace_mount_and_features() {
    let text = r#"{
  "image": "ubuntu",
  "privileged": true,
  "workspaceMount": "source=${localWorkspaceFolder},target=/workspace,type=bind,consistency=cached",
  "features": {
    "ghcr.io/devcontainers/features/docker-outside-of-docker:1": {},
    "ghcr.io/devcontainers/features/node:1": {},
    "ghcr.io/devcontainers/features/docker-in-docker@sha256:abc": {"version": "latest"}
  }
}"#;
    let c = read(text);
    let p = c.privileged.expect("privileged");
    assert_eq!(
        (p.span.slice(text), line(text, p.span)),
        ("\"privileged\": true", 3)
    );
    // The workspace mount is the project folder by design: not taken.
    assert_eq!(c.mounts.len(), 1);
    let m = &c.mounts[0];
    assert_eq!(
        (m.kind, m.source.as_str(), line(text, m.origin.span)),
        (MountKind::Bind, "/var/run/docker.sock", 6)
    );

    // Privileged only through the feature.
    let c = read(r#"{"image": "x", "features": {"docker-in-docker": "latest"}}"#);
    assert!(c.privileged.is_some());
    // A workspaceMount of something else is a mount.
    let c =
        read(r#"{"image": "x", "workspaceMount": "source=${localEnv:HOME},target=/w,type=bind"}"#);
    assert_eq!(c.mounts[0].source, "${localEnv:HOME}");
    assert!(read(r#"{"image": "x", "privileged": false}"#)
        .privileged
        .is_none());
    let c = read(
        r#"{"image": "x", "workspaceMount": "src=${localWorkspaceFolder}/..,dst=/w,type=bind"}"#,
    );
    assert_eq!(c.mounts[0].source, "${localWorkspaceFolder}/..");
}

#[test]
fn feature_ids() {
    assert_eq!(
        feature_id("ghcr.io/devcontainers/features/node:1"),
        "ghcr.io/devcontainers/features/node"
    );
    assert_eq!(
        feature_id("localhost:5000/features/x"),
        "localhost:5000/features/x"
    );
    assert_eq!(
        feature_id("localhost:5000/features/x:2"),
        "localhost:5000/features/x"
    );
    assert_eq!(feature_id("docker-in-docker"), "docker-in-docker");
    assert_eq!(feature_id("x@sha256:ab"), "x");
    assert_eq!(feature_id(""), "");
}

#[test]
fn paths() {
    for p in [
        ".devcontainer/devcontainer.json",
        ".devcontainer.json",
        ".devcontainer/python/devcontainer.json",
        "./.devcontainer/devcontainer.json",
        "services/api/.devcontainer/devcontainer.json",
        ".devcontainer\\devcontainer.json",
    ] {
        assert!(is_devcontainer_path(p), "{p}");
    }
    for p in [
        "devcontainer.json",
        ".devcontainer/a/b/devcontainer.json",
        ".devcontainer/other.json",
        "x/devcontainer.json",
        "",
    ] {
        assert!(!is_devcontainer_path(p), "{p}");
    }
}

#[test]
fn jsonc_with_comments() {
    // The real reader: JSON with comments and trailing commas.
    let text = "// dev container\n{\n  \"image\": \"node:20\", // pinned\n  /* host access */\n  \"runArgs\": [\"--network=host\",],\n  \"appPort\": 3000,\n}\n";
    let stream = skillaudit_syntax::json::parse(text);
    assert!(stream.error.is_none(), "{:?}", stream.error);
    let c = containers_at(FileId(0), ".devcontainer/devcontainer.json", &stream).remove(0);
    assert_eq!(
        (c.definition.slice(text), line(text, c.definition)),
        ("\"image\"", 3)
    );
    let ns: Vec<_> = c
        .host_namespaces()
        .map(|n| line(text, n.origin.span))
        .collect();
    assert_eq!(ns, [5]);
    // A JSON number: published on the loopback address.
    assert_eq!(c.ports[0].host_ip.as_deref(), Some("127.0.0.1"));
}

#[test]
fn every_prefix_is_safe() {
    for (i, _) in RUN_ARGS.char_indices() {
        let prefix = &RUN_ARGS[..i];
        let _ = containers_at(
            FileId(0),
            ".devcontainer/devcontainer.json",
            &skillaudit_syntax::json::parse(prefix),
        );
        let _ = containers(FileId(0), &parse(prefix));
    }
}

#[test]
fn odd_inputs() {
    for text in ["", "[]", "\"x\"", "{}", "null"] {
        assert!(containers(FileId(0), &parse(text)).is_empty(), "{text}");
    }
    // No image, build or compose: the first key is the definition.
    let text = r#"{"name": "x", "runArgs": "--privileged", "mounts": [1, [2], null], "capAdd": {"a": 1}, "appPort": null}"#;
    let c = read(text);
    assert_eq!(c.definition.slice(text), "\"name\"");
    assert!(c.privileged.is_none() && c.cap_add.is_empty());
    // `1` would be `--mount 1`, which docker refuses (no target).
    assert!(c.mounts.is_empty());
    // runArgs ending in a flag that wants a value.
    let c = read(r#"{"image": "x", "runArgs": ["--user"]}"#);
    assert!(c.user.is_none());
}
