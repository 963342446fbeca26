//! Compose file → one [`Container`] per service.
//!
//! Reads every syntax compose accepts for the fields rules care about:
//! short and long volume and port forms, list and mapping `environment`,
//! `build:` as a string or mapping, `deploy.resources.limits`, `extends`
//! within the file, merge keys and aliases (through the YAML layer), and
//! compose's `!reset` (the value is dropped) / `!override` tags.

use skillaudit_syntax::tree::{NodeRef, Stream};
use skillaudit_syntax::Span;

use crate::container::{
    Build, Container, ContainerSource, EnvEntry, Mount, MountKind, Namespace, PortMapping,
};
use crate::file::FileId;
use crate::normalise::nodes::{entry_origin, item_origin, origin, text};
use crate::normalise::runtime::{self, SecurityOpt};
use crate::{Origin, Spanned};

/// Keys a compose service may have (the compose specification plus the
/// legacy v2/v3 ones still accepted). Used to recognise compose files by content.
const SERVICE_KEYS: &[&str] = &[
    "annotations",
    "attach",
    "blkio_config",
    "build",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "command",
    "configs",
    "container_name",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpu_shares",
    "cpus",
    "cpuset",
    "credential_spec",
    "depends_on",
    "deploy",
    "develop",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "driver_opts",
    "entrypoint",
    "env_file",
    "environment",
    "expose",
    "extends",
    "external_links",
    "extra_hosts",
    "gpus",
    "group_add",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "label_file",
    "links",
    "logging",
    "log_driver",
    "log_opt",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "models",
    "network_mode",
    "networks",
    "net",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "post_start",
    "pre_stop",
    "privileged",
    "profiles",
    "provider",
    "pull_policy",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "userns_mode",
    "uts",
    "volume_driver",
    "volumes",
    "volumes_from",
    "working_dir",
];

/// Keys that mark a mapping as a compose service when sniffing content.
const TELLTALE_KEYS: &[&str] = &[
    "image",
    "build",
    "volumes",
    "ports",
    "environment",
    "command",
    "container_name",
];

/// Does this YAML look like a compose file? A top-level `services:` mapping
/// whose services are mappings using only compose keys, at least one with a
/// telltale key (`image`, `build`, …). Used for files not named like compose files.
pub fn looks_like_compose(stream: &Stream) -> bool {
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return false;
    };
    let Some(services) = root.value("services") else {
        return false;
    };
    let entries = services.entries();
    if entries.is_empty() {
        return false;
    }
    let mut telltale = false;
    for (_, svc) in &entries {
        if !svc.is_mapping() {
            return false;
        }
        for (k, _) in svc.entries() {
            let Some(key) = k.as_str() else { return false };
            if key.starts_with("x-") {
                continue;
            }
            if !SERVICE_KEYS.contains(&key) {
                return false;
            }
            telltale |= TELLTALE_KEYS.contains(&key);
        }
    }
    telltale
}

/// Every service of the compose file as a Container.
pub fn containers(file: FileId, stream: &Stream) -> Vec<Container> {
    let mut out = Vec::new();
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return out;
    };
    let Some(services) = root.value("services") else {
        return out;
    };
    for (key, svc) in services.entries() {
        let Some(name) = key.as_str() else { continue };
        if !svc.is_mapping() || svc.tag() == Some("!reset") {
            continue;
        }
        let mut c = Container::new(
            file,
            ContainerSource::ComposeService {
                name: name.to_string(),
            },
            key.report_span(),
        );
        let fields = ServiceFields::collect(services, svc);
        for (name, k, v) in &fields.entries {
            read_field(&mut c, name, *k, *v);
        }
        out.push(c);
    }
    out
}

/// A service's entries with `extends:` (same file) applied: the service's
/// own keys win; list-valued keys of the base are added.
struct ServiceFields<'a> {
    entries: Vec<(String, NodeRef<'a>, NodeRef<'a>)>,
}

impl<'a> ServiceFields<'a> {
    fn collect(services: NodeRef<'a>, svc: NodeRef<'a>) -> ServiceFields<'a> {
        let mut entries: Vec<(String, NodeRef<'a>, NodeRef<'a>)> = Vec::new();
        let mut current = Some(svc);
        let mut depth = 0;
        while let Some(s) = current.take() {
            for (k, v) in s.entries() {
                let Some(key) = k.as_str() else { continue };
                let already = entries.iter().any(|(e, _, _)| e == key);
                // Lists merge across extends; scalars and mappings of the extending service win.
                if !already || (depth > 0 && v.is_sequence() && is_merged_list(key)) {
                    entries.push((key.to_string(), k, v));
                }
            }
            depth += 1;
            if depth > 8 {
                break;
            }
            // `extends: name` or `extends: {service: name}` without `file:`.
            let base = s.value("extends").and_then(|e| match e.as_str() {
                Some(name) => Some(name.to_string()),
                None if e.value("file").is_none() => e
                    .value("service")
                    .and_then(|n| n.as_str())
                    .map(str::to_string),
                None => None,
            });
            current = base
                .and_then(|b| services.value(&b))
                .filter(|b| b.is_mapping());
        }
        ServiceFields { entries }
    }
}

fn is_merged_list(key: &str) -> bool {
    matches!(
        key,
        "volumes" | "ports" | "cap_add" | "cap_drop" | "security_opt" | "devices" | "environment"
    )
}

fn read_field(c: &mut Container, key: &str, k: NodeRef<'_>, v: NodeRef<'_>) {
    if v.tag() == Some("!reset") {
        return;
    }
    match key {
        "image" => c.image = text(v).map(|s| Spanned::new(s, origin(v))),
        "build" => c.build = build(v),
        "user" => c.user = text(v).map(|s| Spanned::new(s, entry_origin(k, v))),
        "privileged" => {
            if boolean(v) == Some(true) {
                c.privileged = Some(entry_origin(k, v));
            }
        }
        "read_only" => c.read_only = boolean(v).map(|b| Spanned::new(b, entry_origin(k, v))),
        "volumes" => {
            for item in v.items() {
                if let Some(m) = volume(v, item) {
                    c.mounts.push(m);
                }
            }
        }
        "use_api_socket" => {
            if boolean(v) == Some(true) {
                c.mounts.push(api_socket(entry_origin(k, v)));
            }
        }
        "cap_add" => c.cap_add.extend(strings(v)),
        "cap_drop" => c.cap_drop.extend(strings(v)),
        "security_opt" => security_opt(c, v),
        "devices" => {
            for item in v.items() {
                let s = text(item).or_else(|| item.value("source").and_then(text));
                if let Some(s) = s {
                    c.devices.push(Spanned::new(s, item_origin(v, item)));
                }
            }
        }
        "ports" => {
            for item in v.items() {
                if let Some(p) = port(v, item) {
                    c.ports.push(p);
                }
            }
        }
        "environment" => environment(c, v),
        "mem_limit" => set_limit(&mut c.memory_limit, v),
        "cpus" | "cpu_quota" | "cpu_count" | "cpu_percent" => set_limit(&mut c.cpu_limit, v),
        "pids_limit" => set_limit(&mut c.pids_limit, v),
        "deploy" => deploy_limits(c, v),
        _ => {
            if let Some(kind) = runtime::namespace_of_key(key) {
                if let Some(value) = text(v) {
                    c.namespaces.push(Namespace {
                        kind,
                        value,
                        origin: entry_origin(k, v),
                    });
                }
            }
        }
    }
}

/// `use_api_socket: true`: the engine's socket, bind-mounted.
fn api_socket(origin: Origin) -> Mount {
    Mount {
        kind: MountKind::Bind,
        source: "/var/run/docker.sock".into(),
        target: "/var/run/docker.sock".into(),
        read_only: None,
        origin,
    }
}

/// `security_opt`: each option, and `no-new-privileges` when one sets it.
fn security_opt(c: &mut Container, v: NodeRef<'_>) {
    for opt in strings(v) {
        if let SecurityOpt::NoNewPrivileges(true) = runtime::classify_security_opt(&opt.value) {
            c.no_new_privileges = Some(opt.origin);
        }
        c.security_opts.push(opt);
    }
}

/// `deploy.resources.limits`: memory, CPU and process limits.
fn deploy_limits(c: &mut Container, v: NodeRef<'_>) {
    if let Some(limits) = v.value("resources").and_then(|r| r.value("limits")) {
        if let Some(m) = limits.value("memory") {
            set_limit(&mut c.memory_limit, m);
        }
        if let Some(m) = limits.value("cpus") {
            set_limit(&mut c.cpu_limit, m);
        }
        if let Some(m) = limits.value("pids") {
            set_limit(&mut c.pids_limit, m);
        }
    }
}

/// A compose boolean: compose accepts `true`/`yes`/`y`/`on` and
/// `false`/`no`/`n`/`off` in any case, quoted or not.
fn boolean(v: NodeRef<'_>) -> Option<bool> {
    let t = text(v)?.trim().to_ascii_lowercase();
    match t.as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// A limit counts when set to something other than "unlimited" (0 / -1).
fn set_limit(slot: &mut Option<Origin>, v: NodeRef<'_>) {
    if let Some(t) = text(v) {
        let t = t.trim();
        if !t.is_empty() && t != "0" && t != "-1" && slot.is_none() {
            *slot = Some(origin(v));
        }
    }
}

fn strings<'a>(v: NodeRef<'a>) -> Vec<Spanned<String>> {
    v.items()
        .into_iter()
        .filter_map(|item| text(item).map(|s| Spanned::new(s, item_origin(v, item))))
        .collect()
}

fn build(v: NodeRef<'_>) -> Option<Build> {
    if let Some(ctx) = text(v) {
        return Some(Build {
            context: ctx,
            dockerfile: None,
            target: None,
            origin: origin(v),
        });
    }
    if !v.is_mapping() {
        return None;
    }
    // An inline Dockerfile has no file of its own to link to.
    if v.value("dockerfile_inline").is_some() {
        return None;
    }
    let context = v
        .value("context")
        .and_then(text)
        .unwrap_or_else(|| ".".into());
    let dockerfile = v.value("dockerfile").and_then(text);
    let target = v
        .get("target")
        .and_then(|(k, t)| text(t).map(|name| Spanned::new(name, entry_origin(k, t))));
    Some(Build {
        context,
        dockerfile,
        target,
        origin: origin(v),
    })
}

fn volume(list: NodeRef<'_>, item: NodeRef<'_>) -> Option<Mount> {
    let origin = item_origin(list, item);
    if let Some(spec) = text(item) {
        let s = runtime::parse_volume(&spec);
        return Some(Mount {
            kind: s.kind,
            source: s.source,
            target: s.target,
            read_only: s.read_only,
            origin,
        });
    }
    if !item.is_mapping() {
        return None;
    }
    let source = item.value("source").and_then(text).unwrap_or_default();
    let kind = match item.value("type").and_then(text).as_deref() {
        Some("bind") => MountKind::Bind,
        Some("tmpfs") => MountKind::Tmpfs,
        Some("npipe") => MountKind::NamedPipe,
        None if looks_like_host_path(&source) => MountKind::UntypedBind,
        _ => MountKind::Volume,
    };
    let target = item.value("target").and_then(text).unwrap_or_default();
    let read_only = item.value("read_only").and_then(boolean);
    Some(Mount {
        kind,
        source,
        target,
        read_only,
        origin,
    })
}

/// A long-syntax `source` that can only be a host path: a volume name
/// never starts with `/`, `.`, `~` or a variable (`$HOME/.ssh`), nor is a
/// Windows path (`C:\\Users`, `\\\\.\\pipe\\…`).
fn looks_like_host_path(source: &str) -> bool {
    let b = source.as_bytes();
    matches!(b.first(), Some(b'/' | b'.' | b'~' | b'$' | b'\\'))
        || (b.len() > 2
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

fn port(list: NodeRef<'_>, item: NodeRef<'_>) -> Option<PortMapping> {
    let origin = item_origin(list, item);
    if let Some(spec) = text(item) {
        let p = runtime::parse_port(&spec);
        return Some(PortMapping {
            host_ip: p.host_ip,
            host_port: p.host_port,
            container_port: p.container_port,
            origin,
        });
    }
    if !item.is_mapping() {
        return None;
    }
    let published = item.value("published").and_then(text);
    // Long form without `published`: only the container port, nothing on the host... compose
    // still publishes it on an ephemeral host port.
    Some(PortMapping {
        host_ip: item.value("host_ip").and_then(text),
        host_port: published,
        container_port: item.value("target").and_then(text).unwrap_or_default(),
        origin,
    })
}

fn environment(c: &mut Container, v: NodeRef<'_>) {
    if v.is_sequence() {
        for item in v.items() {
            let Some(entry) = text(item) else { continue };
            let (key, value) = match entry.split_once('=') {
                Some((k, val)) => (k.to_string(), Some(val.to_string())),
                None => (entry.clone(), None),
            };
            c.env.push(EnvEntry {
                key,
                value,
                origin: item_origin(v, item),
            });
        }
    } else {
        for (k, val) in v.entries() {
            let Some(key) = k.as_str() else { continue };
            let key_span: Span = k.node().span;
            let o = match val.via.or(k.via).or(v.via) {
                Some(use_site) => Origin {
                    span: use_site,
                    anchor: Some(key_span.cover(val.node().span)),
                },
                None => Origin::at(key_span.cover(val.node().span)),
            };
            c.env.push(EnvEntry {
                key: key.to_string(),
                value: text(val),
                origin: o,
            });
        }
    }
}
