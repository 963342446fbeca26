//! Shell text → one [`Container`] per `docker run` / `podman run` it runs.
//!
//! Uses the shell parser, so only commands the shell would execute count:
//! `echo "docker run --privileged"` is an `echo`. Wrappers such as `sudo`
//! and `env X=1` are looked through; commands inside `if`, `&&` chains,
//! `$( … )` and continuation lines are all found.

use skillaudit_syntax::shell::Script;

use crate::container::{ArgSyntax, BuildCommand, ContainerSource, Found, Purpose};
use crate::file::FileId;
use crate::normalise::docker_cli;
use crate::{Origin, Span, Spanned};

/// Container-engine CLIs whose `run` we read.
const ENGINES: &[&str] = &["docker", "podman", "nerdctl"];

/// Can this shell text run or build a container at all? Every container
/// and build found here starts with an engine's name, so text that never
/// mentions one (in any case: make's `$(DOCKER)` counts) need not be parsed.
pub fn may_run_containers(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        let rest = &bytes[i..];
        match b {
            b'd' | b'D' => rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"docker"),
            b'p' | b'P' => rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"podman"),
            b'n' | b'N' => rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"nerdctl"),
            _ => false,
        }
    })
}

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
                    let takes_value = matches!(
                        *w,
                        "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U"
                    );
                    i += if takes_value { 2 } else { 1 };
                }
            }
            "env" => {
                i += 1;
                while words
                    .get(i)
                    .is_some_and(|w| w.starts_with('-') || w.contains('='))
                {
                    i += 1;
                }
            }
            "exec" | "nohup" | "time" | "command" => i += 1,
            _ => return i.min(words.len()),
        }
    }
    words.len()
}

/// Containers of every docker/podman run in a parsed script, each with its
/// command line. `map` turns a span of the parsed text into a span of the
/// file (identity for a plain script; an offset map for text embedded in
/// YAML or Markdown).
pub fn containers(file: FileId, script: &Script, map: &dyn Fn(Span) -> Span) -> Vec<Found> {
    let mut out = Vec::new();
    for cmd in &script.commands {
        let words: Vec<&str> = cmd.words.iter().map(|w| w.value.as_str()).collect();
        let skip = skip_wrappers(&words);
        let argv = &words[skip..];
        let Some(tool) = argv.first().map(|w| w.rsplit('/').next().unwrap_or(w)) else {
            continue;
        };
        if !ENGINES.contains(&tool) {
            continue;
        }
        let Some(start) = docker_cli::run_args_start(argv) else {
            continue;
        };
        let spanned: Vec<Spanned<String>> = cmd.words[skip..]
            .iter()
            .map(|w| Spanned {
                value: w.value.clone(),
                origin: Origin::at(map(w.span)),
            })
            .collect();
        let definition = spanned[0].origin.span.cover(spanned[start - 1].origin.span);
        let mut c = docker_cli::container(
            file,
            ContainerSource::CommandLine {
                tool: tool.to_string(),
                image: String::new(),
            },
            definition,
            &spanned[start..],
        );
        if let Some(image) = &c.image {
            c.source = ContainerSource::CommandLine {
                tool: tool.to_string(),
                image: image.value.clone(),
            };
        }
        let command_line =
            docker_cli::command_line(&c, ArgSyntax::Shell, &spanned[start - 1], &spanned[start..]);
        out.push(Found {
            container: c,
            command_line: Some(command_line),
        });
    }
    out
}

/// `docker build` flags that take no value.
const BUILD_BOOL_FLAGS: &[&str] = &[
    "--no-cache",
    "--pull",
    "--push",
    "--load",
    "-q",
    "--quiet",
    "--rm",
    "--force-rm",
    "--squash",
    "--compress",
    "--disable-content-trust",
    "--no-cache-filter",
    "--help",
];

/// Every `docker build` / `docker buildx build` / `podman build` with a tag
/// or a `--target`.
pub fn builds(script: &Script, map: &dyn Fn(Span) -> Span) -> Vec<BuildCommand> {
    let mut out = Vec::new();
    for cmd in &script.commands {
        let words: Vec<&str> = cmd.words.iter().map(|w| w.value.as_str()).collect();
        let argv = &words[skip_wrappers(&words)..];
        let Some(tool) = argv.first().map(|w| w.rsplit('/').next().unwrap_or(w)) else {
            continue;
        };
        if !ENGINES.contains(&tool) {
            continue;
        }
        let start = match (argv.get(1).copied(), argv.get(2).copied()) {
            (Some("build"), _) => 2,
            (Some("buildx" | "image"), Some("build")) => 3,
            _ => continue,
        };
        let mut b = BuildCommand {
            tags: Vec::new(),
            dockerfile: None,
            context: String::new(),
            target: None,
            pushes: false,
            purpose: Purpose::Runtime,
            origin: Origin::at(map(cmd.span)),
        };
        let mut i = start;
        while i < argv.len() {
            let w = argv[i];
            let (flag, inline) = match w.split_once('=') {
                Some((f, v)) if w.starts_with('-') => (f, Some(v)),
                _ => (w, None),
            };
            if !flag.starts_with('-') || flag == "-" {
                b.context = w.to_string();
                i += 1;
                continue;
            }
            if BUILD_BOOL_FLAGS.contains(&flag) {
                b.pushes |= flag == "--push";
                i += 1;
                continue;
            }
            let value = match inline {
                Some(v) => v.to_string(),
                None => {
                    i += 1;
                    argv.get(i).map(|s| s.to_string()).unwrap_or_default()
                }
            };
            match flag {
                "-t" | "--tag" => b.tags.push(value),
                "-f" | "--file" => b.dockerfile = Some(value),
                "--target" => b.target = Some(value),
                "-o" | "--output" => {
                    b.pushes |= value
                        .split(',')
                        .any(|kv| matches!(kv.trim(), "type=registry" | "push=true"))
                }
                _ => {}
            }
            i += 1;
        }
        if !b.tags.is_empty() || b.target.is_some() {
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::shell;

    #[test]
    fn finds_docker_runs_but_not_echoes() {
        let text = "echo \"docker run --privileged x\"\nif true; then sudo docker run --rm -v /:/host alpine sh; fi\n";
        let cs = containers(FileId(0), &shell::parse(text), &|s| s);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].container.mounts[0].source, "/");
        assert_eq!(cs[0].container.definition.slice(text), "docker run");
        let cl = cs[0].command_line.as_ref().expect("a command line");
        assert_eq!(cl.run_word.span.slice(text), "run");
        let args: Vec<&str> = cl.args.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(args, ["--rm", "-v", "/:/host", "alpine"]);
    }

    #[test]
    fn engine_names_gate_parsing() {
        assert!(may_run_containers("sudo docker run x"));
        assert!(may_run_containers("$(DOCKER) run x"));
        assert!(may_run_containers("podman run x"));
        assert!(!may_run_containers("npm ci && npm test"));
        assert!(!may_run_containers("dock"));
    }

    #[test]
    fn finds_build_tags() {
        let text = "docker build --build-arg X=1 -t mcp/server:dev -f docker/Dockerfile . && docker buildx build --push --tag=a/b:1 ctx\n";
        let b = builds(&shell::parse(text), &|s| s);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].tags, vec!["mcp/server:dev"]);
        assert_eq!(b[0].dockerfile.as_deref(), Some("docker/Dockerfile"));
        assert_eq!(b[0].context, ".");
        assert_eq!(b[1].tags, vec!["a/b:1"]);
        assert_eq!(b[1].context, "ctx");
        assert!(b[1].pushes && !b[0].pushes);
        assert!(builds(&shell::parse("docker build .\n"), &|s| s).is_empty());
        // mcp-gateway's Makefile: `docker buildx build $(DOCKER_BUILD_ARGS) --target=lint --platform=linux,darwin,windows .`
        let b = builds(
            &shell::parse("docker buildx build --target=lint --platform=linux .\ndocker build --target dev -t app:dev --output type=registry .\n"),
            &|s| s,
        );
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].target.as_deref(), Some("lint"));
        assert!(b[0].tags.is_empty() && !b[0].pushes);
        assert_eq!(b[1].target.as_deref(), Some("dev"));
        assert!(b[1].pushes);
    }
}
