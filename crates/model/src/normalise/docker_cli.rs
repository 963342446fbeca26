//! A `docker run` / `docker create` / `podman run` command line → [`Container`].
//!
//! Flags are read as docker's own parser (pflag) reads them: `--flag value`,
//! `--flag=value`, short flags with attached values (`-vX`, `-v=X`), grouped
//! short booleans (`-it`, `-itv /:/host`). The first argument that is not a
//! flag is the image; everything after it belongs to the server
//! (`--read-only` after the image is the server's flag, not docker's).
//! Every source of command lines — shell scripts, Makefiles, workflow steps,
//! README blocks, MCP client configs — comes through here.

use crate::container::{
    ArgSyntax, CommandLine, Container, ContainerSource, EnvEntry, Mount, MountKind, Namespace,
    PortMapping,
};
use crate::file::FileId;
use crate::normalise::runtime::{self, SecurityOpt};
use crate::{Origin, Span, Spanned};

/// Long flags of `docker run`/`create` (and podman's common ones) that take no value.
const BOOL_LONG: &[&str] = &[
    "detach",
    "interactive",
    "tty",
    "rm",
    "privileged",
    "read-only",
    "init",
    "publish-all",
    "no-healthcheck",
    "oom-kill-disable",
    "sig-proxy",
    "disable-content-trust",
    "quiet",
    "help",
    "replace",
    "read-only-tmpfs",
    "no-hosts",
    "http-proxy",
    "tls-verify",
    "rmi",
    "env-host",
    "passwd",
    "systemd",
    "use-api-socket",
];
/// Short flags that take no value.
const BOOL_SHORT: &[char] = &['d', 'i', 't', 'P', 'q'];

/// Which word of a command line starts the `run`: returns the index just
/// after `run`/`create` (`docker run`, `docker container run`, `podman run`),
/// skipping global options such as `docker --context x run` / `-H host`.
pub fn run_args_start(words: &[&str]) -> Option<usize> {
    let mut i = 1;
    // Global options before the subcommand.
    while let Some(w) = words.get(i) {
        if !w.starts_with('-') {
            break;
        }
        let takes_value = matches!(
            *w,
            "-H" | "--host"
                | "--context"
                | "-c"
                | "--config"
                | "-l"
                | "--log-level"
                | "--tlscacert"
                | "--tlscert"
                | "--tlskey"
                | "--url"
                | "--connection"
                | "--root"
                | "--runroot"
        ) && !w.contains('=');
        i += if takes_value { 2 } else { 1 };
    }
    match words.get(i).copied() {
        Some("run" | "create") => Some(i + 1),
        Some("container") if matches!(words.get(i + 1).copied(), Some("run" | "create")) => {
            Some(i + 2)
        }
        _ => None,
    }
}

/// Where the words of `c`'s command line are (see [`CommandLine`]): the
/// `run` word and docker's own arguments after it, through the image.
pub fn command_line(
    c: &Container,
    syntax: ArgSyntax,
    run_word: &Spanned<String>,
    args: &[Spanned<String>],
) -> CommandLine {
    let end = c
        .image
        .as_ref()
        .and_then(|image| {
            args.iter()
                .position(|w| w.origin == image.origin && w.value == image.value)
        })
        .map_or(args.len(), |i| i + 1);
    CommandLine {
        syntax,
        run_word: run_word.origin,
        args: args[..end].to_vec(),
    }
}

/// Does a word stand for "more arguments" in documentation (`...`, `…`,
/// `[...]`, `[OPTIONS]`) rather than being one? Docker would refuse each
/// of them as an image name, so no real command line has one there.
pub fn is_ellipsis(word: &str) -> bool {
    let w = word.trim();
    if !w.is_empty()
        && w.chars().all(|ch| ch == '.' || ch == '…')
        && (w.contains('…') || w.len() >= 3)
    {
        return true;
    }
    w.strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .is_some_and(|inner| {
            !inner.is_empty()
                && inner
                    .chars()
                    .all(|ch| ch.is_ascii_uppercase() || matches!(ch, '.' | '…' | '_' | '-' | ' '))
        })
}

/// Build a Container from the words after `run`/`create`.
/// `definition` is where findings about missing settings point.
pub fn container(
    file: FileId,
    source: ContainerSource,
    definition: Span,
    args: &[Spanned<String>],
) -> Container {
    let mut c = Container::new(file, source, definition);
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        let w = word.value.as_str();
        if is_ellipsis(w) {
            // `docker run -i --rm ... ghcr.io/x/y`: "more arguments", not the image.
            i += 1;
            continue;
        }
        if w == "--" {
            // `--` ends docker's flags; the image follows it.
            if let Some(next) = args.get(i + 1) {
                c.image = Some(next.clone());
            }
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            let Some(used) = long_flag(&mut c, long, args, i) else {
                break;
            };
            i += used;
            continue;
        }
        if let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            i += short_flags(&mut c, shorts, args, i);
            continue;
        }
        // The image: docker's flags end here.
        c.image = Some(word.clone());
        break;
    }
    c
}

/// Apply the long flag `--{long}` of `args[i]`: the number of words it
/// used (its value may be the next one), or `None` when its value is
/// missing (the line ends there).
fn long_flag(c: &mut Container, long: &str, args: &[Spanned<String>], i: usize) -> Option<usize> {
    let word = &args[i];
    let (name, inline) = match long.split_once('=') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (long, None),
    };
    if BOOL_LONG.contains(&name) {
        let on = inline.as_deref().is_none_or(|v| v != "false");
        apply_bool(c, name, on, word.origin);
        return Some(1);
    }
    let (value, origin, used) = match inline {
        Some(v) => (v, word.origin, 1),
        None => {
            let (v, origin) = next_value(args, i)?;
            (v, origin, 2)
        }
    };
    apply_value(c, name, &value, origin);
    Some(used)
}

/// Apply the grouped short flags `-{shorts}` of `args[i]`: booleans until
/// one that takes a value (the rest of the word, or the next word). The
/// number of words used.
fn short_flags(c: &mut Container, shorts: &str, args: &[Spanned<String>], i: usize) -> usize {
    let word = &args[i];
    for (pos, ch) in shorts.char_indices() {
        if BOOL_SHORT.contains(&ch) {
            apply_bool(c, short_name(ch), true, word.origin);
            continue;
        }
        let rest = &shorts[pos + ch.len_utf8()..];
        let rest = rest.strip_prefix('=').unwrap_or(rest);
        if !rest.is_empty() {
            apply_value(c, short_name(ch), rest, word.origin);
            return 1;
        }
        return match next_value(args, i) {
            Some((value, origin)) => {
                apply_value(c, short_name(ch), &value, origin);
                2
            }
            None => 1,
        };
    }
    1
}

/// The word after `args[i]` as the flag's value, with an origin covering
/// the flag and its value.
fn next_value(args: &[Spanned<String>], i: usize) -> Option<(String, Origin)> {
    let (word, next) = (args.get(i)?, args.get(i + 1)?);
    let origin = Origin {
        span: word.origin.span.cover(next.origin.span),
        anchor: None,
    };
    Some((next.value.clone(), origin))
}

fn short_name(ch: char) -> &'static str {
    match ch {
        'd' => "detach",
        'i' => "interactive",
        't' => "tty",
        'P' => "publish-all",
        'q' => "quiet",
        'e' => "env",
        'v' => "volume",
        'p' => "publish",
        'u' => "user",
        'm' => "memory",
        'c' => "cpu-shares",
        'w' => "workdir",
        'h' => "hostname",
        'l' => "label",
        'a' => "attach",
        _ => "unknown",
    }
}

fn apply_bool(c: &mut Container, name: &str, on: bool, origin: Origin) {
    match name {
        "privileged" if on => c.privileged = Some(origin),
        "read-only" => c.read_only = Some(Spanned { value: on, origin }),
        // Docker 28.1+: mounts the engine's API socket into the container.
        "use-api-socket" if on => c.mounts.push(Mount {
            kind: MountKind::Bind,
            source: "/var/run/docker.sock".into(),
            target: "/var/run/docker.sock".into(),
            read_only: None,
            origin,
        }),
        "publish-all" if on => c.ports.push(PortMapping {
            host_ip: None,
            host_port: None,
            container_port: "every exposed port".into(),
            origin,
        }),
        _ => {}
    }
}

fn apply_value(c: &mut Container, name: &str, value: &str, origin: Origin) {
    if is_ellipsis(value) {
        // `-v ...`: a value left out of the documentation.
        return;
    }
    match name {
        "volume" => {
            let s = runtime::parse_volume(value);
            c.mounts.push(Mount {
                kind: s.kind,
                source: s.source,
                target: s.target,
                read_only: s.read_only,
                origin,
            });
        }
        "mount" => {
            if let Some(m) = mount_flag(value, origin) {
                c.mounts.push(m);
            }
        }
        "user" => {
            c.user = Some(Spanned {
                value: value.to_string(),
                origin,
            })
        }
        "cap-add" => c.cap_add.extend(list(value, origin)),
        "cap-drop" => c.cap_drop.extend(list(value, origin)),
        "security-opt" => {
            if let SecurityOpt::NoNewPrivileges(true) = runtime::classify_security_opt(value) {
                c.no_new_privileges = Some(origin);
            }
            c.security_opts.push(Spanned {
                value: value.to_string(),
                origin,
            });
        }
        "device" => c.devices.push(Spanned {
            value: value.to_string(),
            origin,
        }),
        "publish" => {
            let p = runtime::parse_port(value);
            c.ports.push(PortMapping {
                host_ip: p.host_ip,
                host_port: p.host_port,
                container_port: p.container_port,
                origin,
            });
        }
        "env" => c.env.push(env_entry(value, origin)),
        "memory" => c.memory_limit = c.memory_limit.or(limit(value, origin)),
        "cpus" | "cpu-quota" | "cpuset-cpus" => c.cpu_limit = c.cpu_limit.or(limit(value, origin)),
        "pids-limit" => c.pids_limit = c.pids_limit.or(limit(value, origin)),
        "network" | "net" | "pid" | "ipc" | "uts" | "userns" | "cgroupns" => {
            if let Some(kind) = runtime::namespace_of_key(name) {
                c.namespaces.push(Namespace {
                    kind,
                    value: value.to_string(),
                    origin,
                });
            }
        }
        _ => {}
    }
}

/// The items of a comma-separated flag value (`--cap-add A,B`).
fn list(value: &str, origin: Origin) -> impl Iterator<Item = Spanned<String>> + '_ {
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(move |s| Spanned {
            value: s.trim().to_string(),
            origin,
        })
}

/// `-e KEY=value`, or `-e KEY` (the value comes from the caller's environment).
fn env_entry(value: &str, origin: Origin) -> EnvEntry {
    let (key, val) = match value.split_once('=') {
        Some((k, v)) => (k.to_string(), Some(v.to_string())),
        None => (value.to_string(), None),
    };
    EnvEntry {
        key,
        value: val,
        origin,
    }
}

/// 0 and -1 mean "no limit".
fn limit(value: &str, origin: Origin) -> Option<Origin> {
    let v = value.trim();
    (!v.is_empty() && v != "0" && v != "-1").then_some(origin)
}

/// `--mount type=bind,source=/x,target=/y,readonly`.
fn mount_flag(value: &str, origin: Origin) -> Option<Mount> {
    let mut kind = MountKind::Volume;
    let (mut source, mut target, mut read_only) = (String::new(), String::new(), None);
    for part in value.split(',') {
        let (k, v) = match part.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (part.trim(), ""),
        };
        match k {
            "type" => {
                kind = match v {
                    "bind" => MountKind::Bind,
                    "tmpfs" => MountKind::Tmpfs,
                    "npipe" => MountKind::NamedPipe,
                    _ => MountKind::Volume,
                }
            }
            "source" | "src" => source = v.to_string(),
            "target" | "destination" | "dst" => target = v.to_string(),
            "readonly" | "ro" => read_only = Some(v.is_empty() || v == "true" || v == "1"),
            _ => {}
        }
    }
    Some(Mount {
        kind,
        source,
        target,
        read_only,
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Spanned<String>> {
        let mut out = Vec::new();
        let mut pos = 0;
        for w in line.split(' ') {
            out.push(Spanned::new(w.to_string(), Span::new(pos, pos + w.len())));
            pos += w.len() + 1;
        }
        out
    }

    fn run(line: &str) -> Container {
        let w = words(line);
        let names: Vec<&str> = w.iter().map(|s| s.value.as_str()).collect();
        let start = run_args_start(&names).expect("a docker run");
        container(
            FileId(0),
            ContainerSource::ComposeService { name: "t".into() },
            Span::empty(0),
            &w[start..],
        )
    }

    #[test]
    fn ellipses_stand_for_more_arguments() {
        // `docker run -i --rm ... ghcr.io/github/github-mcp-server`
        let c = run("docker run -i --rm ... -v … --privileged [OPTIONS] … ghcr.io/o/server:1 ...");
        assert_eq!(
            c.image.as_ref().map(|i| i.value.as_str()),
            Some("ghcr.io/o/server:1")
        );
        assert!(c.privileged.is_some());
        assert!(c.mounts.is_empty());
        for w in ["...", "…", "....", "[...]", "[…]", "[OPTIONS]", "[ARG...]"] {
            assert!(is_ellipsis(w), "{w}");
        }
        for w in [".", "..", "./x", "[x]", "[]", "img", "-v"] {
            assert!(!is_ellipsis(w), "{w}");
        }
    }

    #[test]
    fn flags_end_at_the_image() {
        let c =
            run("docker run -i --rm --read-only=false -v /a:/b:ro img --read-only --privileged");
        assert_eq!(c.image.as_ref().map(|i| i.value.as_str()), Some("img"));
        assert!(c.privileged.is_none());
        assert_eq!(c.read_only.as_ref().map(|r| r.value), Some(false));
        assert_eq!(c.mounts[0].read_only, Some(true));
    }

    #[test]
    fn grouped_and_attached_short_flags() {
        let c = run("docker run -itv /:/host -eTOKEN=x -p=8080:80 -u 0 alpine sh");
        assert_eq!(c.mounts[0].source, "/");
        assert_eq!(c.env[0].key, "TOKEN");
        assert_eq!(c.ports[0].host_port.as_deref(), Some("8080"));
        assert_eq!(c.user.as_ref().map(|u| u.value.as_str()), Some("0"));
        assert_eq!(c.image.as_ref().map(|i| i.value.as_str()), Some("alpine"));
        // The value's span covers the flag and its separate value.
        assert_eq!(c.user.as_ref().unwrap().origin.span, Span::new(45, 49));
    }

    #[test]
    fn subcommand_forms() {
        assert_eq!(
            run_args_start(&["docker", "container", "run", "x"]),
            Some(3)
        );
        assert_eq!(run_args_start(&["podman", "run", "x"]), Some(2));
        assert_eq!(
            run_args_start(&["docker", "-H", "tcp://h", "run", "x"]),
            Some(4)
        );
        assert_eq!(run_args_start(&["docker", "build", "."]), None);
        assert_eq!(run_args_start(&["docker", "ps"]), None);
    }

    #[test]
    fn mount_flag_and_namespaces() {
        let c = run("docker run --mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock,readonly --net=host --pid host --cap-add SYS_ADMIN,NET_ADMIN --security-opt no-new-privileges -m 512m --cpus=1 --pids-limit=-1 img");
        assert_eq!(c.mounts[0].kind, MountKind::Bind);
        assert_eq!(c.mounts[0].read_only, Some(true));
        assert_eq!(c.namespaces.len(), 2);
        assert_eq!(c.cap_add.len(), 2);
        assert!(c.no_new_privileges.is_some());
        assert!(c.memory_limit.is_some() && c.cpu_limit.is_some() && c.pids_limit.is_none());
    }
}
