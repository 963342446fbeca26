//! Facts shared by several rules, so that a compound rule and the rules it
//! combines always agree: which mounts expose the host, which base images
//! run as non-root, which capabilities are dangerous, who a container runs as.

use skillaudit_model::image::{is_root_user, Base};
use skillaudit_model::{Container, Image, ImageRef, Origin, Settings, Stage};

use crate::ContainerCx;

mod mounts;
pub mod poisoning;
pub mod transport;
pub use mounts::*;

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

/// General-purpose distributions (a shell and a package manager).
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
/// Language images built on a full distribution.
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

/// Distributions (and their releases) a tag can name: `node:20-bookworm`.
const TAG_DISTROS: &[&str] = &[
    "alpine", "bookworm", "bullseye", "buster", "trixie", "jammy", "noble", "focal", "debian",
    "ubuntu",
];

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
    if DISTROS.contains(&short) || LANGUAGES.contains(&short) {
        return Some(short.to_string());
    }
    for distro in TAG_DISTROS {
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
        ".yarnrc.yml" | ".yarnrc.yaml" => Some("Yarn credentials"),
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

/// The ways a container reaches the host (code-rules.md,
/// `prompt-to-host-chain`): privileged mode, the engine socket, a
/// sensitive or home-directory host mount (read-only too: it can be read),
/// the host's PID/network/IPC namespace, a dangerous capability. Each with
/// where it is written and whether it is the engine socket.
pub fn host_access(c: &Container) -> Vec<(Origin, String, bool)> {
    let mut parts = Vec::new();
    if let Some(o) = c.privileged {
        parts.push((o, "privileged mode".to_string(), false));
    }
    for m in &c.mounts {
        match classify_mount(m) {
            MountClass::EngineSocket => {
                parts.push((m.origin, format!("engine socket mount {}", m.source), true))
            }
            MountClass::Sensitive(why) => parts.push((
                m.origin,
                format!("host mount of {} ({why})", m.source),
                false,
            )),
            _ => {}
        }
    }
    for ns in c.host_namespaces() {
        parts.push((
            ns.origin,
            format!("host {} namespace", ns.kind.name()),
            false,
        ));
    }
    for cap in &c.cap_add {
        let name = capability_name(&cap.value);
        if DANGEROUS_CAPABILITIES.contains(&name.as_str()) {
            parts.push((cap.origin, format!("capability {name}"), false));
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ".yarnrc.yml",
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
