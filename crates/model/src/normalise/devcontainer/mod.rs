//! `devcontainer.json` → one [`Container`] (source [`ContainerSource::Devcontainer`]).
//!
//! Read the way the dev container CLI (`devcontainers/cli`) starts the
//! container. For an image or Dockerfile configuration it runs
//! `docker run -p <appPort> --mount <mounts> -e <containerEnv>
//! -u <containerUser> <runArgs> --privileged --cap-add <capAdd>
//! --security-opt <securityOpt> <image>`; for a Docker Compose
//! configuration (`dockerComposeFile` + `service`) it writes a compose
//! override for the service with `user`, `environment`, `privileged`,
//! `cap_add`, `security_opt` and `volumes` — `runArgs`, `appPort` and
//! `image`/`build` do not apply there.
//!
//! * `definition` (where findings about missing settings point) is the key
//!   that says which container this is: `dockerComposeFile`'s `service` (or
//!   `dockerComposeFile`), `build` / legacy `dockerFile`, `image`, else the
//!   first key of the file.
//! * **Compose configurations** give a Container with neither `image` nor
//!   `build`: it holds only what devcontainer.json adds to the compose
//!   service, which is also described (with its own Container) by the
//!   compose file.
//! * `build.dockerfile` and `build.context` (legacy top-level `dockerFile`,
//!   `context`) are both relative to the devcontainer.json's folder, and
//!   the context defaults to `"."`. [`Build::dockerfile`] is relative to the
//!   context, so the path is converted: `{"dockerfile": "Dockerfile",
//!   "context": ".."}` in `.devcontainer/` becomes context `..`, dockerfile
//!   `.devcontainer/Dockerfile`. When the context is above the
//!   devcontainer.json's folder this needs the folder's name: use
//!   [`containers_at`] with the file's path; without it (or when the
//!   context leaves the scanned tree) `build` is `None` rather than a guess
//!   that could link the wrong Dockerfile. When a Dockerfile is configured,
//!   `image` is ignored, as the CLI ignores it.
//! * `runArgs` are docker flags, read by [`docker_cli::container`]; they
//!   come after `containerUser` on the CLI's command line, so a `--user`
//!   there wins. A word that is not a flag would be taken by docker as the
//!   image, and what follows it as the command: reading stops there and the
//!   word is *not* taken as this container's image.
//! * `mounts`: strings are passed to docker as `--mount <string>`, objects
//!   as `--mount type=<type>,src=<source>,dst=<target>` (other keys of the
//!   object are dropped by the CLI, so a `readonly` there does not count);
//!   both are read by docker's own `--mount` syntax. Variables such as
//!   `${localEnv:HOME}` and `${localWorkspaceFolder}` are kept verbatim.
//!   `workspaceMount` is the project folder by design; it is only taken when
//!   its source is something else than `${localWorkspaceFolder}` or a
//!   folder inside it.
//! * `containerUser` → `user`. `remoteUser` (the user the IDE runs
//!   terminals, tasks and tools as) counts only when `containerUser` is
//!   absent and it is root: those processes run as root. A non-root
//!   `remoteUser` says nothing about the container's own user, so it is
//!   not taken.
//! * `containerEnv` and `remoteEnv` → env entries (a `null` value unsets a
//!   variable and is skipped).
//! * `appPort`: a number is published on `127.0.0.1` by the CLI; a string
//!   is passed to `-p` as written. `forwardPorts` are forwarded by the IDE
//!   to the local machine only: not publishing.
//! * Features with known container settings, from the official features'
//!   `devcontainer-feature.json`: `docker-in-docker` runs the container
//!   privileged; `docker-outside-of-docker` (formerly `docker-from-docker`)
//!   bind-mounts `/var/run/docker.sock`. Both point at the feature's entry.

use skillaudit_syntax::tree::{NodeKind, NodeRef, ScalarStyle, Stream};
use skillaudit_syntax::Span;

use crate::container::{
    Build, Container, ContainerSource, EnvEntry, Mount, MountKind, PortMapping,
};
use crate::file::FileId;
use crate::normalise::docker_cli;
use crate::normalise::nodes::{entry_origin, item_origin, origin, text};
use crate::normalise::nodes::{items, Budget, Fields};
use crate::normalise::runtime::{self, SecurityOpt};
use crate::{Origin, Spanned};

/// How many entries and items one file may make us look at (aliases can
/// only occur when the file is read as YAML; JSON has none).
const WORK_BUDGET: usize = 200_000;

/// Official features that run the container privileged.
const PRIVILEGED_FEATURES: &[&str] = &[
    "ghcr.io/devcontainers/features/docker-in-docker",
    "docker-in-docker",
];
/// Official features that bind-mount the host's Docker socket.
const SOCKET_FEATURES: &[&str] = &[
    "ghcr.io/devcontainers/features/docker-outside-of-docker",
    "ghcr.io/devcontainers/features/docker-from-docker",
    "docker-outside-of-docker",
    "docker-from-docker",
];

/// Is this (scan-relative, `/` or `\` separated) path one the dev container
/// tools read: `.devcontainer.json`, `.devcontainer/devcontainer.json` or
/// `.devcontainer/<name>/devcontainer.json`?
pub fn is_devcontainer_path(path: &str) -> bool {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    matches!(
        parts.as_slice(),
        [.., ".devcontainer.json"]
            | [.., ".devcontainer", "devcontainer.json"]
            | [.., ".devcontainer", _, "devcontainer.json"]
    )
}

/// The dev container of a devcontainer.json, without knowing where the
/// file is: a `build.context` above the file's folder leaves `build` unset
/// (see the module docs). Prefer [`containers_at`].
pub fn containers(file: FileId, stream: &Stream) -> Vec<Container> {
    read(file, None, stream)
}

/// The dev container of a devcontainer.json at `path` (relative to the
/// scanned directory, as [`crate::SourceFile::path`]).
pub fn containers_at(file: FileId, path: &str, stream: &Stream) -> Vec<Container> {
    let dir = folder_of(path);
    read(file, dir.as_deref(), stream)
}

/// The folders of the file's directory, outermost first (`None` if the
/// path climbs out of the scanned tree or is absolute).
fn folder_of(path: &str) -> Option<Vec<String>> {
    let (ups, mut names) = lexical(path)?;
    if ups > 0 {
        return None;
    }
    names.pop();
    Some(names.into_iter().map(str::to_string).collect())
}

fn read(file: FileId, dir: Option<&[String]>, stream: &Stream) -> Vec<Container> {
    let mut budget = Budget::new(WORK_BUDGET);
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return Vec::new();
    };
    let top = Fields::of(Some(root), &mut budget);
    let Some(&(first_key, _)) = top.all().first() else {
        return Vec::new();
    };

    let compose = top.entry("dockerComposeFile");
    let build = Fields::of(top.get("build"), &mut budget);
    // The Dockerfile, if this is a Dockerfile configuration.
    let dockerfile = if compose.is_some() {
        None
    } else {
        dockerfile_of(&top, &build)
    };

    let definition_key = match (&compose, &dockerfile) {
        (Some((k, _)), _) => top.entry("service").map_or(*k, |(s, _)| s),
        (None, Some(df)) => df.key,
        (None, None) => top.entry("image").map_or(first_key, |(k, _)| k),
    };
    let definition: Span = definition_key.report_span();
    let mut c = Container::new(file, ContainerSource::Devcontainer, definition);

    if compose.is_none() {
        own_container(&mut c, dir, &top, &build, dockerfile, &mut budget);
    }
    mounts(&mut c, &top, &mut budget);
    env(&mut c, &top, &mut budget);
    user(&mut c, &top);
    if compose.is_none() {
        if let Some(list) = top.get("runArgs") {
            run_args(&mut c, file, list, &mut budget);
        }
    }
    privileges(&mut c, &top, &mut budget);
    features(&mut c, &Fields::of(top.get("features"), &mut budget));
    vec![c]
}

/// The Dockerfile of a Dockerfile configuration.
struct DockerfileRef<'a> {
    /// The path as written.
    path: String,
    /// Where the build is said.
    origin: Origin,
    /// The key naming it.
    key: NodeRef<'a>,
}

fn dockerfile_of<'a>(top: &Fields<'a>, build: &Fields<'a>) -> Option<DockerfileRef<'a>> {
    if let (Some(path), Some((key, value))) = (build.str("dockerfile"), top.entry("build")) {
        Some(DockerfileRef {
            path,
            origin: origin(value),
            key,
        })
    } else {
        top.entry("dockerFile").and_then(|(k, v)| {
            text(v).map(|path| DockerfileRef {
                path,
                origin: entry_origin(k, v),
                key: k,
            })
        })
    }
}

/// What only a container of its own (not a compose service) has: its
/// build or image, `appPort` and `workspaceMount`.
fn own_container(
    c: &mut Container,
    dir: Option<&[String]>,
    top: &Fields<'_>,
    build: &Fields<'_>,
    dockerfile: Option<DockerfileRef<'_>>,
    budget: &mut Budget,
) {
    match dockerfile {
        Some(df) => {
            let context = build
                .str("context")
                .or_else(|| top.str("context"))
                .unwrap_or_else(|| ".".to_string());
            let target = build
                .entry("target")
                .and_then(|(k, v)| text(v).map(|name| Spanned::new(name, entry_origin(k, v))));
            c.build = dockerfile_in_context(dir, &context, &df.path).map(|dockerfile| Build {
                context,
                dockerfile: Some(dockerfile),
                target,
                origin: df.origin,
            });
        }
        None => {
            c.image = top
                .get("image")
                .and_then(|v| text(v).map(|s| Spanned::new(s, origin(v))))
        }
    }
    if let Some(ports) = top.get("appPort") {
        app_ports(c, ports, budget);
    }
    if let Some((_, m)) = top.entry("workspaceMount") {
        if let Some(spec) = text(m) {
            let own_folder = spec.split(',').any(|p| {
                let p = p.trim();
                let source = p.strip_prefix("source=").or_else(|| p.strip_prefix("src="));
                source.map(str::trim).is_some_and(|s| {
                    s == "${localWorkspaceFolder}"
                        || (s.starts_with("${localWorkspaceFolder}/") && !s.contains(".."))
                })
            });
            if !own_folder && !spec.trim().is_empty() {
                c.mounts.extend(mount_arg(c.file, spec, origin(m)));
            }
        }
    }
}

/// `mounts`, in docker's `--mount` syntax either way.
fn mounts(c: &mut Container, top: &Fields<'_>, budget: &mut Budget) {
    let Some(list) = top.get("mounts") else {
        return;
    };
    for item in items(Some(list), budget) {
        let o = item_origin(list, item);
        let spec = match text(item) {
            Some(s) => s,
            None if item.is_mapping() => {
                let m = Fields::of(Some(item), budget);
                let source = m
                    .str("source")
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("src={s},"))
                    .unwrap_or_default();
                format!(
                    "type={},{source}dst={}",
                    m.str("type").unwrap_or_default(),
                    m.str("target").unwrap_or_default()
                )
            }
            None => continue,
        };
        c.mounts.extend(mount_arg(c.file, spec, o));
    }
}

/// `containerEnv` and `remoteEnv`.
fn env(c: &mut Container, top: &Fields<'_>, budget: &mut Budget) {
    for key in ["containerEnv", "remoteEnv"] {
        let env = Fields::of(top.get(key), budget);
        for &(k, v) in env.all() {
            let Some(name) = k.as_str() else { continue };
            if v.is_null() {
                continue;
            }
            let value = Some(text(v).unwrap_or_default());
            c.env.push(EnvEntry {
                key: name.to_string(),
                value,
                origin: entry_origin(k, v),
            });
        }
    }
}

/// `containerUser`, else a root `remoteUser`.
fn user(c: &mut Container, top: &Fields<'_>) {
    match top.entry("containerUser") {
        Some((k, v)) => c.user = text(v).map(|u| Spanned::new(u, entry_origin(k, v))),
        None => {
            if let Some((k, v)) = top.entry("remoteUser") {
                c.user = text(v)
                    .filter(|u| crate::image::is_root_user(u))
                    .map(|u| Spanned::new(u, entry_origin(k, v)));
            }
        }
    }
}

/// `privileged`, `capAdd` and `securityOpt`.
fn privileges(c: &mut Container, top: &Fields<'_>, budget: &mut Budget) {
    if let Some((k, v)) = top.entry("privileged") {
        if v.as_bool() == Some(true) {
            c.privileged = c.privileged.or(Some(entry_origin(k, v)));
        }
    }
    if let Some(list) = top.get("capAdd") {
        for cap in items(Some(list), budget) {
            if let Some(name) = text(cap) {
                c.cap_add.push(Spanned::new(name, item_origin(list, cap)));
            }
        }
    }
    if let Some(list) = top.get("securityOpt") {
        for opt in items(Some(list), budget) {
            if let Some(value) = text(opt) {
                let o = item_origin(list, opt);
                if let SecurityOpt::NoNewPrivileges(true) = runtime::classify_security_opt(&value) {
                    c.no_new_privileges = Some(o);
                }
                c.security_opts.push(Spanned::new(value, o));
            }
        }
    }
}

/// `appPort`: a number, a string, or a list of them.
fn app_ports(c: &mut Container, value: NodeRef<'_>, budget: &mut Budget) {
    let ports: Vec<(NodeRef<'_>, Origin)> = if value.is_sequence() {
        items(Some(value), budget)
            .into_iter()
            .map(|p| (p, item_origin(value, p)))
            .collect()
    } else {
        vec![(value, origin(value))]
    };
    for (port, o) in ports {
        let Some(spec) = text(port) else { continue };
        // JSON numbers are plain scalars, strings quoted ones.
        let is_number = matches!(
            port.node().kind,
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                ..
            }
        ) && !spec.is_empty()
            && spec.bytes().all(|b| b.is_ascii_digit());
        let p = if is_number {
            // The CLI publishes a bare number on the loopback address only.
            runtime::PortSpec {
                host_ip: Some("127.0.0.1".into()),
                host_port: Some(spec.clone()),
                container_port: spec,
            }
        } else {
            runtime::parse_port(&spec)
        };
        let (host_ip, host_port, container_port) = (p.host_ip, p.host_port, p.container_port);
        c.ports.push(PortMapping {
            host_ip,
            host_port,
            container_port,
            origin: o,
        });
    }
}

/// One `--mount` value, read by docker's syntax; the mount keeps `o`.
/// Docker refuses a mount without a target, so none is returned for one.
fn mount_arg(file: FileId, spec: String, o: Origin) -> Option<Mount> {
    let words = [
        Spanned {
            value: "--mount".to_string(),
            origin: o,
        },
        Spanned {
            value: spec,
            origin: o,
        },
    ];
    let parsed = docker_cli::container(file, ContainerSource::Devcontainer, o.span, &words);
    parsed
        .mounts
        .into_iter()
        .next()
        .filter(|m| !m.target.trim().is_empty())
        .map(|m| Mount { origin: o, ..m })
}

/// `runArgs`: docker flags, merged over what the other keys said.
fn run_args(c: &mut Container, file: FileId, list: NodeRef<'_>, budget: &mut Budget) {
    let words: Vec<Spanned<String>> = items(Some(list), budget)
        .into_iter()
        .filter_map(|w| text(w).map(|t| Spanned::new(t, item_origin(list, w))))
        .collect();
    // `image` is a stray non-flag word here, not the image: ignored.
    let r = docker_cli::container(file, ContainerSource::Devcontainer, c.definition, &words);
    if r.user.is_some() {
        c.user = r.user;
    }
    c.privileged = c.privileged.or(r.privileged);
    c.mounts.extend(r.mounts);
    c.cap_add.extend(r.cap_add);
    c.cap_drop.extend(r.cap_drop);
    c.security_opts.extend(r.security_opts);
    c.no_new_privileges = c.no_new_privileges.or(r.no_new_privileges);
    c.namespaces.extend(r.namespaces);
    c.devices.extend(r.devices);
    c.ports.extend(r.ports);
    c.env.extend(r.env);
    c.memory_limit = c.memory_limit.or(r.memory_limit);
    c.cpu_limit = c.cpu_limit.or(r.cpu_limit);
    c.pids_limit = c.pids_limit.or(r.pids_limit);
    if r.read_only.is_some() {
        c.read_only = r.read_only;
    }
}

/// Settings that official features add to the container.
fn features(c: &mut Container, features: &Fields<'_>) {
    for &(k, v) in features.all() {
        let Some(id) = k.as_str() else { continue };
        if v.as_bool() == Some(false) {
            continue;
        }
        let id = feature_id(id);
        if PRIVILEGED_FEATURES.contains(&id) {
            c.privileged = c.privileged.or(Some(entry_origin(k, v)));
        }
        if SOCKET_FEATURES.contains(&id) {
            c.mounts.push(Mount {
                kind: MountKind::Bind,
                source: "/var/run/docker.sock".into(),
                target: "/var/run/docker-host.sock".into(),
                read_only: None,
                origin: entry_origin(k, v),
            });
        }
    }
}

/// A feature reference without its version or digest:
/// `ghcr.io/devcontainers/features/node:1` → `ghcr.io/devcontainers/features/node`.
fn feature_id(reference: &str) -> &str {
    let reference = reference.trim();
    let reference = reference.split('@').next().unwrap_or(reference);
    let name_start = reference.rfind('/').map_or(0, |i| i + 1);
    match reference.get(name_start..).and_then(|name| name.find(':')) {
        Some(colon) => reference.get(..name_start + colon).unwrap_or(reference),
        None => reference,
    }
}

/// A relative path, lexically normalised: how many `..` lead it, and the
/// names after them. `None` for an absolute path.
fn lexical(path: &str) -> Option<(usize, Vec<&str>)> {
    let p = path.trim();
    let b = p.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    if p.starts_with(['/', '\\']) || drive {
        return None;
    }
    let mut ups = 0;
    let mut names: Vec<&str> = Vec::new();
    for part in p.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if names.pop().is_none() {
                    ups += 1;
                }
            }
            name => names.push(name),
        }
    }
    Some((ups, names))
}

/// The Dockerfile's path relative to the build context, both given relative
/// to the devcontainer.json's folder, whose own folders (outermost first)
/// are `dir` when known. `None` when it cannot be known.
fn dockerfile_in_context(
    dir: Option<&[String]>,
    context: &str,
    dockerfile: &str,
) -> Option<String> {
    let Some((d_up, d_names)) = lexical(dockerfile) else {
        // An absolute Dockerfile path is used as it is.
        return Some(dockerfile.trim().to_string());
    };
    let (c_up, c_names) = lexical(context)?;
    let mut out: Vec<&str> = Vec::new();
    if c_up <= d_up {
        // Climb out of the context to the Dockerfile's base, then down.
        let common = if c_up == d_up {
            c_names
                .iter()
                .zip(&d_names)
                .take_while(|(a, b)| a == b)
                .count()
        } else {
            0
        };
        out.extend(std::iter::repeat_n(
            "..",
            c_names.len() - common + (d_up - c_up),
        ));
        out.extend(d_names.get(common..).unwrap_or_default());
    } else {
        // The context is above the Dockerfile's base: climb out of the
        // context's own folders, then walk down through the folders the
        // devcontainer.json sits in.
        let dir = dir?;
        let n = dir.len();
        if c_up > n {
            return None;
        }
        out.extend(std::iter::repeat_n("..", c_names.len()));
        out.extend(
            dir.get(n - c_up..n - d_up)
                .unwrap_or_default()
                .iter()
                .map(String::as_str),
        );
        out.extend(d_names);
    }
    (!out.is_empty()).then(|| out.join("/"))
}

#[cfg(test)]
mod tests;
