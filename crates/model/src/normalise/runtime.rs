//! Docker's own value syntaxes, shared by every source that speaks them:
//! `src:dst[:opts]` volumes, `[ip:][host:]container[/proto]` ports,
//! `--mount` key lists and security options. Compose, `docker run` flags,
//! workflow `options:` and MCP configs all read them through here.

use crate::container::{MountKind, NamespaceKind};

/// What a short volume spec (`-v`, compose short form) says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeSpec {
    pub kind: MountKind,
    pub source: String,
    pub target: String,
    pub read_only: Option<bool>,
}

/// Split `src:dst[:opts]`, keeping Windows drive letters (`C:\x`, `c:/x`) whole.
pub fn parse_volume(spec: &str) -> VolumeSpec {
    volume_from_parts(split_volume(spec))
}

/// What to append to a short volume spec to make it read-only: `:ro`, or
/// `,ro` when it already has options (`./x:/x:z` → `./x:/x:z,ro`).
pub fn read_only_volume_suffix(spec: &str) -> &'static str {
    if split_volume(spec).len() > 2 {
        ",ro"
    } else {
        ":ro"
    }
}

/// The `:`-separated parts of a short volume spec, drive letters kept whole.
fn split_volume(spec: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for piece in spec.split(':') {
        // A drive letter: the previous piece is one ASCII letter starting a path.
        let glue = match parts.last() {
            Some(prev) => {
                prev.len() == 1
                    && prev.as_bytes()[0].is_ascii_alphabetic()
                    && (piece.starts_with('\\') || piece.starts_with('/'))
                    && (parts.len() == 1 || parts.len() == 2)
            }
            None => false,
        };
        if glue {
            let prev = parts.last_mut().expect("checked");
            prev.push(':');
            prev.push_str(piece);
        } else {
            parts.push(piece.to_string());
        }
    }
    parts
}

fn volume_from_parts(mut parts: Vec<String>) -> VolumeSpec {
    let (source, target, opts) = match parts.len() {
        0 | 1 => (
            String::new(),
            parts.pop().unwrap_or_default(),
            String::new(),
        ),
        2 => (parts[0].clone(), parts[1].clone(), String::new()),
        _ => (parts[0].clone(), parts[1].clone(), parts[2..].join(":")),
    };
    let kind = if source.is_empty() {
        MountKind::Volume
    } else if source.starts_with(r"\\.\pipe") || source.starts_with("//./pipe") {
        MountKind::NamedPipe
    } else if is_host_path(&source) {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    let mut read_only = None;
    for opt in opts.split(',').map(str::trim) {
        match opt {
            "ro" | "readonly" => read_only = Some(true),
            "rw" => read_only = Some(false),
            _ => {}
        }
    }
    VolumeSpec {
        kind,
        source,
        target,
        read_only,
    }
}

/// Does a volume source name a host path (rather than a named volume)?
pub fn is_host_path(source: &str) -> bool {
    let s = source.trim();
    let b = s.as_bytes();
    s.starts_with('/')
        || s.starts_with('.')
        || s.starts_with('~')
        || s.starts_with('$')
        || s.starts_with("{{")
        || s.starts_with('%')
        || s.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// What a port spec says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSpec {
    pub host_ip: Option<String>,
    pub host_port: Option<String>,
    pub container_port: String,
}

/// Parse `[ip:][host_port:]container_port[/proto]` (IPv6 addresses in brackets or bare).
pub fn parse_port(spec: &str) -> PortSpec {
    let spec = spec.trim();
    let spec = spec.rsplit_once('/').map(|(p, _)| p).unwrap_or(spec);
    if let Some(rest) = spec.strip_prefix('[') {
        if let Some((ip, after)) = rest.split_once(']') {
            let after = after.strip_prefix(':').unwrap_or(after);
            let (host, container) = match after.split_once(':') {
                Some((h, c)) => (Some(h.to_string()).filter(|h| !h.is_empty()), c.to_string()),
                None => (None, after.to_string()),
            };
            return PortSpec {
                host_ip: Some(ip.to_string()),
                host_port: host,
                container_port: container,
            };
        }
    }
    let mut it = spec.rsplitn(3, ':');
    let container = it.next().unwrap_or("").to_string();
    let host = it.next().map(str::to_string).filter(|h| !h.is_empty());
    let ip = it.next().map(str::to_string);
    PortSpec {
        host_ip: ip,
        host_port: host,
        container_port: container,
    }
}

/// How a security option affects confinement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityOpt {
    /// `no-new-privileges[:true|=true|:false]`.
    NoNewPrivileges(bool),
    /// seccomp / AppArmor / SELinux / system paths switched off; names which.
    Unconfined(&'static str),
    Other,
}

pub fn classify_security_opt(opt: &str) -> SecurityOpt {
    let o = opt.trim().to_ascii_lowercase();
    let (key, value) = match o.find([':', '=']) {
        Some(i) => (&o[..i], Some(&o[i + 1..])),
        None => (o.as_str(), None),
    };
    match (key, value) {
        ("no-new-privileges", None) => SecurityOpt::NoNewPrivileges(true),
        ("no-new-privileges", Some(v)) => SecurityOpt::NoNewPrivileges(v.trim() != "false"),
        ("seccomp", Some("unconfined")) => SecurityOpt::Unconfined("seccomp"),
        ("apparmor", Some("unconfined")) => SecurityOpt::Unconfined("AppArmor"),
        ("label", Some("disable")) => SecurityOpt::Unconfined("SELinux labelling"),
        ("systempaths", Some("unconfined")) => SecurityOpt::Unconfined("masked system paths"),
        _ => SecurityOpt::Other,
    }
}

/// The namespace a compose key / docker flag sets.
pub fn namespace_of_key(key: &str) -> Option<NamespaceKind> {
    Some(match key {
        "network_mode" | "network" | "net" => NamespaceKind::Network,
        "pid" => NamespaceKind::Pid,
        "ipc" => NamespaceKind::Ipc,
        "uts" => NamespaceKind::Uts,
        "userns_mode" | "userns" => NamespaceKind::User,
        "cgroup" | "cgroupns" => NamespaceKind::Cgroup,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes() {
        let v = parse_volume("/var/run/docker.sock:/var/run/docker.sock");
        assert_eq!(
            (v.kind, v.source.as_str(), v.target.as_str(), v.read_only),
            (
                MountKind::Bind,
                "/var/run/docker.sock",
                "/var/run/docker.sock",
                None
            )
        );
        let v = parse_volume("~/workspace/project:/app/workspace:ro");
        assert_eq!((v.kind, v.read_only), (MountKind::Bind, Some(true)));
        let v = parse_volume("data:/data:rw,z");
        assert_eq!(
            (v.kind, v.source.as_str(), v.read_only),
            (MountKind::Volume, "data", Some(false))
        );
        let v = parse_volume("C:\\Users\\me:/home/me");
        assert_eq!(
            (v.kind, v.source.as_str(), v.target.as_str()),
            (MountKind::Bind, "C:\\Users\\me", "/home/me")
        );
        let v = parse_volume("/cache");
        assert_eq!(
            (v.kind, v.source.as_str(), v.target.as_str()),
            (MountKind::Volume, "", "/cache")
        );
        let v = parse_volume("${HOME}/.ssh:/root/.ssh:ro");
        assert_eq!(
            (v.kind, v.source.as_str()),
            (MountKind::Bind, "${HOME}/.ssh")
        );
        assert_eq!(
            parse_volume("\\\\.\\pipe\\docker_engine:\\\\.\\pipe\\docker_engine").kind,
            MountKind::NamedPipe
        );
    }

    #[test]
    fn ports() {
        let p = parse_port("8080:80");
        assert_eq!(
            (p.host_ip, p.host_port.as_deref(), p.container_port.as_str()),
            (None, Some("8080"), "80")
        );
        let p = parse_port("127.0.0.1:8080:80/tcp");
        assert_eq!(
            (p.host_ip.as_deref(), p.host_port.as_deref()),
            (Some("127.0.0.1"), Some("8080"))
        );
        let p = parse_port("[::1]:8080:80");
        assert_eq!(
            (p.host_ip.as_deref(), p.container_port.as_str()),
            (Some("::1"), "80")
        );
        let p = parse_port("3000");
        assert_eq!(
            (p.host_ip, p.host_port, p.container_port.as_str()),
            (None, None, "3000")
        );
        let p = parse_port("127.0.0.1::80");
        assert_eq!(
            (p.host_ip.as_deref(), p.host_port),
            (Some("127.0.0.1"), None)
        );
    }

    #[test]
    fn security_opts() {
        assert_eq!(
            classify_security_opt("no-new-privileges:true"),
            SecurityOpt::NoNewPrivileges(true)
        );
        assert_eq!(
            classify_security_opt("no-new-privileges"),
            SecurityOpt::NoNewPrivileges(true)
        );
        assert_eq!(
            classify_security_opt("no-new-privileges=false"),
            SecurityOpt::NoNewPrivileges(false)
        );
        assert_eq!(
            classify_security_opt("seccomp:unconfined"),
            SecurityOpt::Unconfined("seccomp")
        );
        assert_eq!(
            classify_security_opt("apparmor=unconfined"),
            SecurityOpt::Unconfined("AppArmor")
        );
        assert_eq!(
            classify_security_opt("label:disable"),
            SecurityOpt::Unconfined("SELinux labelling")
        );
        assert_eq!(
            classify_security_opt("seccomp:./profile.json"),
            SecurityOpt::Other
        );
    }
}
