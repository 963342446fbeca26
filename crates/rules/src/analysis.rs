//! Facts shared by several rules, so that a compound rule and the rules it
//! combines always agree: which mounts expose the host, which base images
//! run as non-root, which capabilities are dangerous, who a container runs as.

use skillaudit_model::image::{is_root_user, Base};
use skillaudit_model::{Container, Image, ImageRef, Mount, MountKind, Origin, Settings, Stage};

use crate::ContainerCx;

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
    if is_engine_socket(&m.source) && matches!(m.kind, MountKind::Bind | MountKind::NamedPipe) {
        return MountClass::EngineSocket;
    }
    if m.kind != MountKind::Bind {
        return MountClass::Benign;
    }
    if let Some(why) = sensitive_source(&m.source) {
        return MountClass::Sensitive(why);
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

/// Capability name without `CAP_`, upper-case.
pub fn capability_name(cap: &str) -> String {
    let c = cap.trim().to_ascii_uppercase();
    c.strip_prefix("CAP_").map(str::to_string).unwrap_or(c)
}

/// Capabilities that hand the container a way out (rules.md).
pub const DANGEROUS_CAPABILITIES: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "DAC_READ_SEARCH",
    "NET_ADMIN",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
];

/// Base images known to run as a non-root user by default. Documented in
/// `missing-user`: distroless `:nonroot` / `:debug-nonroot` tags and
/// Chainguard application images (not `wolfi-base`, not `-dev` tags).
pub fn base_runs_as_non_root(r: &ImageRef) -> bool {
    let tag = r.tag.as_deref().unwrap_or("latest");
    if r.name.contains("/distroless/") || r.name.starts_with("distroless/") {
        return tag == "nonroot" || tag.ends_with("-nonroot") || tag.starts_with("nonroot");
    }
    if let Some(image) = r.name.strip_prefix("cgr.dev/chainguard/") {
        return image != "wolfi-base" && !tag.contains("dev");
    }
    // Images whose own Dockerfile ends with a non-root USER.
    r.name.starts_with("bitnami/")
        || matches!(
            r.name.as_str(),
            "nginxinc/nginx-unprivileged"
                | "grafana/grafana"
                | "prom/prometheus"
                | "prom/alertmanager"
                | "jenkins/jenkins"
                | "memcached"
                | "docker.elastic.co/elasticsearch/elasticsearch"
                | "sonarqube"
        )
}

/// Official images whose entrypoint starts as root only to drop to their
/// service user (`gosu postgres …`): non-root as long as the Dockerfile
/// keeps their ENTRYPOINT.
pub fn base_drops_privileges_in_entrypoint(r: &ImageRef) -> bool {
    matches!(
        r.name.as_str(),
        "postgres"
            | "mysql"
            | "mariadb"
            | "mongo"
            | "redis"
            | "rabbitmq"
            | "cassandra"
            | "couchdb"
            | "clickhouse/clickhouse-server"
            | "clickhouse"
            | "neo4j"
            | "pgvector/pgvector"
            | "postgis/postgis"
    )
}

/// Is the base a general-purpose distribution (shell + package manager)?
/// Returns the family name for the message.
pub fn full_os_base(r: &ImageRef) -> Option<String> {
    let name = r.name.as_str();
    let short = r.short_name();
    let tag = r.tag.as_deref().unwrap_or("");
    if name.contains("distroless") {
        return None;
    }
    if let Some(image) = name.strip_prefix("cgr.dev/chainguard/") {
        return (image == "wolfi-base" || tag.contains("dev"))
            .then(|| format!("{image} (Wolfi with apk)"));
    }
    if short.starts_with("ubi") && (short.ends_with("-minimal") || short.ends_with("-micro")) {
        return None;
    }
    const DISTROS: &[&str] = &[
        "alpine",
        "debian",
        "ubuntu",
        "amazonlinux",
        "fedora",
        "centos",
        "rockylinux",
        "almalinux",
        "oraclelinux",
        "archlinux",
        "wolfi-base",
        "ubi",
        "ubi8",
        "ubi9",
        "ubi10",
        "leap",
        "tumbleweed",
        "buildpack-deps",
    ];
    const LANGUAGES: &[&str] = &[
        "node",
        "python",
        "golang",
        "eclipse-temurin",
        "openjdk",
        "amazoncorretto",
        "ruby",
        "php",
        "rust",
        "perl",
        "maven",
        "gradle",
        "bun",
        "deno",
        "elixir",
        "erlang",
        "haskell",
        "swift",
        "julia",
        "r-base",
        "mono",
        "sdk",
        "runtime",
        "aspnet",
        "pypy",
        "ibm-semeru-runtimes",
        "sapmachine",
        "clojure",
        "groovy",
        "dart",
        "uv",
        "playwright",
        "puppeteer",
    ];
    if DISTROS.contains(&short) || LANGUAGES.contains(&short) {
        return Some(short.to_string());
    }
    for distro in [
        "alpine", "bookworm", "bullseye", "buster", "trixie", "jammy", "noble", "focal", "debian",
        "ubuntu",
    ] {
        if tag.contains(distro) {
            return Some(format!("{short} ({distro})"));
        }
    }
    None
}

/// Who a stage of an Image runs as.
#[derive(Clone, Debug)]
pub enum ImageUser {
    /// A `USER` that is not root (or not known to be root).
    NonRoot,
    /// `USER root` / `USER 0`: the instruction's span.
    Root(skillaudit_model::Span),
    /// No `USER` and a base not known to be non-root: root by default.
    Default,
}

/// Who a stage of an Image runs as; `settings` adds the project's own
/// non-root base images (`non-root-images` in `skillaudit.toml`).
pub fn image_user(image: &Image, stage: &Stage, settings: &Settings) -> Option<ImageUser> {
    if let Some((instr, user)) = image.effective_user(stage) {
        return Some(if user.is_root() {
            ImageUser::Root(instr.span)
        } else {
            ImageUser::NonRoot
        });
    }
    let keeps_entrypoint = !image
        .instructions_in_order(stage)
        .any(|i| i.keyword == "ENTRYPOINT");
    let base_non_root = matches!(&image.chain(stage).last()?.base, Base::Image(r)
        if base_runs_as_non_root(r) || settings.is_non_root_image(r) || (keeps_entrypoint && base_drops_privileges_in_entrypoint(r)));
    Some(if base_non_root {
        ImageUser::NonRoot
    } else {
        ImageUser::Default
    })
}

/// Does the container's runtime user say root explicitly?
pub fn runtime_user_is_root(c: &Container) -> Option<Origin> {
    let u = c.user.as_ref()?;
    is_root_user(&u.value).then_some(u.origin)
}

/// Why a container effectively runs as root, with where that is said:
/// an explicit runtime root user, or (no runtime user) the linked image.
pub enum EffectiveRoot {
    Runtime(Origin),
    /// The image the container runs, the stage it runs, and who that stage runs as.
    Image {
        image: usize,
        stage: usize,
        user: ImageUser,
    },
}

pub fn effective_root(cx: &ContainerCx<'_>) -> Option<EffectiveRoot> {
    let c = cx.container;
    if let Some(o) = runtime_user_is_root(c) {
        return Some(EffectiveRoot::Runtime(o));
    }
    // An empty user (`user: ""`) is no override: the image's user applies.
    if c.user.as_ref().is_some_and(|u| !u.value.trim().is_empty()) {
        return None;
    }
    let (i, image) = cx.image()?;
    let stage = cx.stage()?;
    match image_user(image, stage, &cx.project.settings)? {
        ImageUser::NonRoot => None,
        user => Some(EffectiveRoot::Image {
            image: i,
            stage: stage.index,
            user,
        }),
    }
}

/// Has the stage no shell and no general-purpose binary a health check
/// could run? True for a stage built on `scratch` with no `RUN` in its chain
/// (a `RUN` there proves a shell was copied in), and on the distroless and
/// Chainguard images that carry nothing but libraries (`static`, `base`,
/// `base-nossl`, `cc`; not their `debug` tags). A check there could only be
/// an exec-form `HEALTHCHECK CMD ["/server", "health"]`, which only the
/// server's authors know to exist.
pub fn stage_without_shell(image: &Image, stage: &Stage) -> bool {
    let chain = image.chain(stage);
    let runs = chain
        .iter()
        .flat_map(|s| &s.instructions)
        .any(|i| i.keyword == "RUN");
    match chain.last().map(|s| &s.base) {
        Some(Base::Scratch) => !runs,
        Some(Base::Image(r)) => {
            let tag = r.tag.as_deref().unwrap_or("latest");
            let bare = match r.name.split_once("/distroless/") {
                Some((_, name)) => matches!(
                    name.split('-').next().unwrap_or(name),
                    "static" | "base" | "cc"
                ),
                None => r.name == "cgr.dev/chainguard/static",
            };
            bare && !tag.contains("debug") && !runs
        }
        _ => false,
    }
}

/// Does a COPY/ADD source name the whole build context? Shared by the rule
/// and by the engine, which lists only contexts that are copied whole.
pub fn is_whole_context(src: &str) -> bool {
    matches!(src.trim(), "." | "./" | "/" | "*" | "./*" | ".*")
}

/// Secret-looking file names (rules.md, `secret-file-in-image`): what they are.
pub fn secret_file_kind(path: &str) -> Option<&'static str> {
    let p = path.trim().trim_start_matches("./").replace('\\', "/");
    let p = p.trim_end_matches('/');
    let components: Vec<&str> = p.split('/').collect();
    if components.contains(&".aws") {
        return Some("AWS credentials");
    }
    if components.contains(&".ssh") {
        return Some("SSH keys");
    }
    if p.ends_with(".docker/config.json") || p == ".docker" || p.ends_with("/.docker") {
        return Some("Docker registry credentials");
    }
    let name = components.last().copied().unwrap_or("");
    if name == ".env"
        || (name.starts_with(".env.")
            && !matches!(name, ".env.example" | ".env.sample" | ".env.template"))
        || (name.starts_with(".env") && name.len() > 4 && name.as_bytes()[4] == b'*')
    {
        return Some("environment file");
    }
    if name.ends_with(".pem") || name.ends_with(".key") {
        return Some("private key or certificate");
    }
    if name.starts_with("id_rsa") || name.starts_with("id_ed25519") {
        return Some("SSH private key");
    }
    match name {
        ".npmrc" => Some("npm credentials"),
        ".pypirc" => Some("PyPI credentials"),
        ".netrc" => Some("netrc credentials"),
        _ if name.starts_with("credentials") && name.ends_with(".json") => Some("credentials file"),
        _ => None,
    }
}

/// The words of a shell command after wrappers that run their arguments as
/// a command (`sudo -E`, `env X=1`, `exec`, `nohup`, `time`).
pub fn unwrap_command(
    words: &[skillaudit_model::Spanned<String>],
) -> &[skillaudit_model::Spanned<String>] {
    let names: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
    &words[skillaudit_model::normalise::shell_script::skip_wrappers(&names)..]
}

/// Base name of a command word (`/usr/bin/curl` → `curl`).
pub fn base_name(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// A kind of thing with its indefinite article: `an API key`, `a GitHub token`.
pub fn with_article(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    // Letters read out one by one that start with a vowel sound (`an npm token`).
    let vowel_sound = lower.starts_with(['a', 'e', 'i', 'o'])
        || (lower.starts_with('u') && !lower.starts_with("us"))
        || lower.starts_with("npm")
        || lower.starts_with("ssh");
    format!("{} {kind}", if vowel_sound { "an" } else { "a" })
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

    #[test]
    fn base_images() {
        let r = |s: &str| ImageRef::parse(s);
        assert!(base_runs_as_non_root(&r(
            "gcr.io/distroless/static:nonroot"
        )));
        assert!(base_runs_as_non_root(&r(
            "gcr.io/distroless/nodejs22-debian12:debug-nonroot"
        )));
        assert!(!base_runs_as_non_root(&r(
            "gcr.io/distroless/nodejs22-debian12"
        )));
        assert!(base_runs_as_non_root(&r("cgr.dev/chainguard/node")));
        assert!(!base_runs_as_non_root(&r(
            "cgr.dev/chainguard/node:latest-dev"
        )));
        assert!(!base_runs_as_non_root(&r("cgr.dev/chainguard/wolfi-base")));
        assert!(base_runs_as_non_root(&r("bitnami/postgresql:16")));
        assert!(base_drops_privileges_in_entrypoint(&r("postgres:16")));
        assert!(base_drops_privileges_in_entrypoint(&r(
            "docker.io/library/redis:7"
        )));
        assert!(!base_drops_privileges_in_entrypoint(&r("node:22")));
        assert!(full_os_base(&r("node:20-slim")).is_some());
        assert!(full_os_base(&r("python:3.12-alpine")).is_some());
        assert!(full_os_base(&r("ghcr.io/astral-sh/uv:python3.12-bookworm-slim")).is_some());
        assert!(full_os_base(&r("gcr.io/distroless/nodejs22-debian12")).is_none());
        assert!(full_os_base(&r("cgr.dev/chainguard/static")).is_none());
        assert!(full_os_base(&r("registry.access.redhat.com/ubi9/ubi-minimal")).is_none());
        assert!(full_os_base(&r("cgr.dev/chainguard/wolfi-base")).is_some());
    }

    #[test]
    fn stages_without_a_shell() {
        use skillaudit_model::normalise::dockerfile;
        let image = |text: &str| {
            dockerfile::image(
                skillaudit_model::FileId(0),
                &skillaudit_syntax::dockerfile::parse(text),
            )
        };
        for (text, none) in [
            (
                "FROM scratch\nCOPY server /\nENTRYPOINT [\"/server\"]\n",
                true,
            ),
            (
                "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY s /\n",
                true,
            ),
            (
                "FROM gcr.io/distroless/base-nossl-debian12\nCOPY s /\n",
                true,
            ),
            ("FROM cgr.dev/chainguard/static\nCOPY s /\n", true),
            ("FROM gcr.io/distroless/static:debug\nCOPY s /\n", false),
            (
                "FROM gcr.io/distroless/nodejs22-debian12\nCOPY s /\n",
                false,
            ),
            (
                "FROM scratch\nCOPY --from=docker:dind / /\nRUN apk add jq\n",
                false,
            ),
            ("FROM alpine:3.22\nCOPY s /\n", false),
            ("FROM scratch AS a\nCOPY s /\nFROM a\nEXPOSE 80\n", true),
        ] {
            let img = image(text);
            let stage = img.final_stage().unwrap();
            assert_eq!(stage_without_shell(&img, stage), none, "{text}");
        }
    }

    #[test]
    fn secret_files() {
        for p in [
            ".env",
            "config/.env.production",
            "certs/server.pem",
            "tls.key",
            "id_rsa",
            ".npmrc",
            "credentials.json",
            ".aws/config",
            ".ssh/",
            ".docker/config.json",
        ] {
            assert!(secret_file_kind(p).is_some(), "{p}");
        }
        for p in [
            ".env.example",
            ".env.sample",
            ".env.template",
            "package.json",
            "src/",
            "environment.ts",
            ".envrc.md",
        ] {
            assert!(secret_file_kind(p).is_none(), "{p}");
        }
    }
}
