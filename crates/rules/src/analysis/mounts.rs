//! Which mounts expose the host: engine sockets, sensitive host paths
//! (documented lists, the text of `sensitive-host-mount`), the project root,
//! documentation placeholders. Each mount falls in exactly one
//! [`MountClass`], so a mount is reported by one rule only.

use skillaudit_model::{Mount, MountKind};

/// Container-engine sockets: whoever can reach one controls the host.
pub fn is_engine_socket(source: &str) -> bool {
    let s = source.trim().trim_end_matches('/').to_ascii_lowercase();
    let name = s.rsplit(['/', '\\']).next().unwrap_or(&s);
    matches!(
        name,
        "docker.sock" | "podman.sock" | "containerd.sock" | "docker_engine"
    ) && !s.ends_with(".sock.d")
}

/// Does text mention an engine socket (for Dockerfile instructions)?
pub fn mentions_engine_socket(text: &str) -> Option<&'static str> {
    ["docker.sock", "podman.sock", "containerd.sock"]
        .into_iter()
        .find(|s| text.contains(s))
}

/// Credential directories under a home directory: the directory and
/// everything in it.
const HOME_CREDENTIAL_DIRS: &[&str] = &[
    ".ssh",
    ".aws",
    ".kube",
    ".gnupg",
    ".azure",
    ".config/gcloud",
    ".config/gh",
    // Docker's contexts (remote engines' TLS keys) and docker-machine's certificates.
    ".docker/contexts",
    ".docker/machine",
];

/// Credential files under a home directory. `~/.docker` as a whole is a
/// credential directory (it holds `config.json`), but other paths in it are
/// not credentials: `~/.docker/mcp` is the MCP Toolkit's catalog,
/// `~/.docker/cli-plugins` holds plugins.
const HOME_CREDENTIAL_PATHS: &[&str] = &[
    ".docker/config.json",
    ".docker/key.pem",
    ".docker/cert.pem",
    ".docker/ca.pem",
];

/// Credential files by name, wherever they are.
const CREDENTIAL_FILE_NAMES: &[&str] = &[".npmrc", ".netrc", ".pypirc", ".git-credentials"];

/// Host directories that are sensitive with everything under them: the
/// data of the container engines and of the kubelet (every pod's volumes,
/// secrets and service-account tokens live under `/var/lib/kubelet`), and
/// the cluster's own configuration and keys.
const SENSITIVE_TREES: &[(&str, &str)] = &[
    ("/var/lib/docker", "Docker's data directory"),
    ("/var/lib/containerd", "containerd's data directory"),
    ("/var/lib/containers", "Podman's data directory"),
    (
        "/var/lib/kubelet",
        "the kubelet's data directory (every pod's volumes and secrets)",
    ),
    (
        "/etc/kubernetes",
        "the cluster's configuration and keys (/etc/kubernetes)",
    ),
];

/// Why a bind-mount source is sensitive, if it is. The lists are the
/// documentation of `sensitive-host-mount`: system directories (exactly:
/// `/etc/localtime` is not `/etc`), the trees of [`SENSITIVE_TREES`], a
/// whole home directory, the credential locations under one
/// ([`HOME_CREDENTIAL_DIRS`], [`HOME_CREDENTIAL_PATHS`], `~/.config`), and
/// credential files by name ([`CREDENTIAL_FILE_NAMES`], SSH private keys).
pub fn sensitive_source(source: &str) -> Option<&'static str> {
    let s = clean_path(source);
    if let Some(rest) = after_home(&s) {
        let rest = rest.trim_start_matches(['/', '\\']);
        if rest.is_empty() || rest == "." {
            return Some("the whole home directory");
        }
        let rest_fwd = rest.replace('\\', "/");
        let under = |dir: &str| rest_fwd == dir || rest_fwd.starts_with(&format!("{dir}/"));
        if HOME_CREDENTIAL_DIRS.iter().any(|dir| under(dir)) || rest_fwd == ".docker" {
            return Some("a credential directory");
        }
        if HOME_CREDENTIAL_PATHS.contains(&rest_fwd.as_str()) {
            return Some("a credential file");
        }
        if rest_fwd == ".config" {
            return Some("the user's configuration directory (holds credentials)");
        }
    }
    let name = s.rsplit(['/', '\\']).next().unwrap_or(&s);
    if CREDENTIAL_FILE_NAMES.contains(&name)
        || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || name.starts_with("id_ecdsa")
    {
        return Some("a credential file");
    }
    if let Some((_, why)) = SENSITIVE_TREES
        .iter()
        .find(|(dir, _)| s == *dir || s.starts_with(&format!("{dir}/")))
    {
        return Some(why);
    }
    match s.as_str() {
        "/" => Some("the host's root filesystem"),
        "/etc" => Some("the host's configuration (/etc)"),
        "/root" => Some("root's home directory"),
        "/home" | "/Users" => Some("every user's home directory"),
        "/boot" => Some("the host's boot files"),
        "/dev" => Some("the host's devices"),
        "/proc" => Some("the host's /proc"),
        "/sys" => Some("the host's /sys"),
        "/run" | "/var/run" => Some("the host's runtime state (/run)"),
        _ => None,
    }
}

/// `~/x`, `$HOME/x`, `/home/me/x`, `C:\Users\me\x` → the part after the home directory.
fn after_home(s: &str) -> Option<&str> {
    for prefix in [
        "${localEnv:HOME}${localEnv:USERPROFILE}",
        "${localEnv:USERPROFILE}${localEnv:HOME}",
        "~",
        "$HOME",
        "${HOME}",
        "$(HOME)",
        "%USERPROFILE%",
        "$env:USERPROFILE",
        "${env:HOME}",
        "${userHome}",
        "${localEnv:HOME}",
        "${localEnv:USERPROFILE}",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if rest.is_empty() || rest.starts_with(['/', '\\']) {
                return Some(rest);
            }
        }
    }
    for base in [
        "/home/",
        "/Users/",
        "C:\\Users\\",
        "c:\\users\\",
        "C:/Users/",
        "c:/users/",
    ] {
        if let Some(rest) = s.strip_prefix(base) {
            let (user, tail) = match rest.find(['/', '\\']) {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            };
            if !user.is_empty() {
                return Some(tail);
            }
        }
    }
    None
}

/// Remove quotes, trailing slashes and `/.` so `~/.`, `~/` and `~` compare equal.
fn clean_path(source: &str) -> String {
    let mut s = source.trim().trim_matches(['"', '\'']).to_string();
    loop {
        let before = s.len();
        if s.len() > 1 && (s.ends_with('/') || s.ends_with('\\')) {
            s.pop();
        }
        if s.len() > 2 && (s.ends_with("/.") || s.ends_with("\\.")) {
            s.truncate(s.len() - 2);
        }
        if s.len() == before {
            break;
        }
    }
    s
}

/// Is the source the whole working directory / project root?
pub fn is_project_root(source: &str) -> bool {
    let s = clean_path(source);
    matches!(
        s.as_str(),
        "." | "$(pwd)"
            | "${PWD}"
            | "$PWD"
            | "%cd%"
            | "%CD%"
            | "`pwd`"
            | "${{ github.workspace }}"
            | "${{github.workspace}}"
            | "$(PWD)"
            | "$(CURDIR)"
            | "$(shell pwd)"
            | "${CURDIR}"
            | "{{ invocation_directory() }}"
            | "{{invocation_directory()}}"
            | "{{ justfile_directory() }}"
            | "{{justfile_directory()}}"
            | "{{ justfile_dir() }}"
            | "{{justfile_dir()}}"
            | "{{ invocation_dir() }}"
            | "{{invocation_dir()}}"
            | "${workspaceFolder}"
            | "${localWorkspaceFolder}"
            | "$GITHUB_WORKSPACE"
            | "${GITHUB_WORKSPACE}"
            | "${PWD:-.}"
            | "$(pwd -P)"
            | "${pwd}"
    )
}

/// A path that documentation writes in place of a real one.
pub fn is_placeholder_path(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    s.contains("/path/to")
        || s.starts_with("path/to")
        || (s.contains('<') && s.contains('>'))
        || s.contains("your-")
        || s.contains("your_")
}

/// How a bind mount exposes the host. Each mount falls in exactly one class,
/// so a mount is reported by one rule only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountClass {
    EngineSocket,
    Sensitive(&'static str),
    ProjectRoot,
    /// Any other host path, not read-only and not explicitly writable.
    Writable,
    /// A host path that is read-only or explicitly writable, or no host path at all.
    Benign,
}

pub fn classify_mount(m: &Mount) -> MountClass {
    if is_engine_socket(&m.source)
        && matches!(
            m.kind,
            MountKind::Bind | MountKind::NamedPipe | MountKind::UntypedBind
        )
    {
        return MountClass::EngineSocket;
    }
    if !matches!(m.kind, MountKind::Bind | MountKind::UntypedBind) {
        return MountClass::Benign;
    }
    if let Some(why) = sensitive_source(&m.source) {
        return MountClass::Sensitive(why);
    }
    // An incomplete entry is reported only for what is plainly dangerous.
    if m.kind == MountKind::UntypedBind {
        return MountClass::Benign;
    }
    if is_project_root(&m.source) {
        return MountClass::ProjectRoot;
    }
    // `/path/to/file.txt` is documentation, not a path anyone mounts.
    if m.read_only.is_none() && !is_placeholder_path(&m.source) {
        MountClass::Writable
    } else {
        MountClass::Benign
    }
}

/// The note and confidence for a mount written without `type:` (a compose
/// long-syntax entry the specification calls incomplete).
pub fn untyped_note(m: &Mount) -> Option<&'static str> {
    (m.kind == MountKind::UntypedBind).then_some(
        " (this long-syntax entry has no `type:`, which the compose specification requires; read as the bind mount it is meant to be)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_sources() {
        for s in [
            "~",
            "~/",
            "~/.",
            "$HOME",
            "${HOME}",
            "%USERPROFILE%",
            "/home/alice",
            "/Users/username",
            "C:\\Users\\bob",
        ] {
            assert_eq!(sensitive_source(s), Some("the whole home directory"), "{s}");
        }
        for s in [
            "~/.ssh",
            "$HOME/.ssh",
            "/home/u/.aws/credentials",
            "~/.config/gcloud",
            "~/.kube/config",
            "~/.docker",
            "~/.docker/",
            "/Users/me/.docker/contexts/meta",
        ] {
            assert_eq!(sensitive_source(s), Some("a credential directory"), "{s}");
        }
        for s in ["$HOME/.docker/config.json", "~/.docker/key.pem"] {
            assert_eq!(sensitive_source(s), Some("a credential file"), "{s}");
        }
        // The MCP Toolkit's catalog and CLI plugins are no credentials.
        for s in [
            "~/.docker/mcp",
            "$HOME/.docker/mcp/catalogs",
            "~/.docker/cli-plugins",
            "~/.docker/buildx",
            "~/.dockerignore",
        ] {
            assert_eq!(sensitive_source(s), None, "{s}");
        }
        for s in [
            "/var/lib/kubelet",
            "/var/lib/kubelet/pods",
            "/var/lib/docker",
            "/var/lib/docker/containers/",
            "/var/lib/containerd",
            "/etc/kubernetes/admin.conf",
        ] {
            assert!(sensitive_source(s).is_some(), "{s}");
        }
        for s in ["/var/lib/kubelet-plugins", "/var/lib/dockerd", "/var/lib"] {
            assert_eq!(sensitive_source(s), None, "{s}");
        }
        assert_eq!(
            sensitive_source("/home/u/.git-credentials"),
            Some("a credential file")
        );
        for s in [
            "/",
            "/etc",
            "/root",
            "/var/run",
            "/var/lib/docker/volumes",
            "/proc",
            "/etc/",
        ] {
            assert!(sensitive_source(s).is_some(), "{s}");
        }
        for s in [
            "/etc/localtime",
            "~/workspace/project",
            "./data",
            "/home/u/projects/x",
            "/srv/data",
            "/tmp",
        ] {
            assert_eq!(sensitive_source(s), None, "{s}");
        }
        assert_eq!(
            sensitive_source("./secrets/id_rsa"),
            Some("a credential file")
        );
    }

    #[test]
    fn sockets_and_roots() {
        for s in [
            "/var/run/docker.sock",
            "//var/run/docker.sock",
            "/run/docker.sock",
            "$XDG_RUNTIME_DIR/docker.sock",
            "/run/podman/podman.sock",
            "/run/containerd/containerd.sock",
        ] {
            assert!(is_engine_socket(s), "{s}");
        }
        assert!(!is_engine_socket("/var/run/dbus"));
        for s in [
            ".",
            "./",
            "$(pwd)",
            "${PWD}",
            "$PWD",
            "%cd%",
            "${{ github.workspace }}",
        ] {
            assert!(is_project_root(s), "{s}");
        }
        assert!(!is_project_root("./src"));
    }
}
