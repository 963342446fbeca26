use skillaudit_model::{Container, Image, NamespaceKind, Origin};

use crate::analysis::{
    capability_name, classify_mount, effective_root, EffectiveRoot, ImageUser, MountClass,
};
use crate::{declare_rule, Allowance, Applicability, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags one container that combines effective root — an explicit root
    /// runtime user, or an image built in this repository without a non-root
    /// `USER` and no runtime override — with a way onto the host:
    /// privileged mode, an engine-socket mount, the host's PID or network
    /// namespace, the `SYS_ADMIN` or `ALL` capability, or a writable
    /// sensitive host mount. Related locations name every part of the chain.
    ///
    /// Images pulled from elsewhere are not assumed to run as root: without
    /// the Dockerfile the chain is not proven, and the individual findings
    /// still stand.
    ///
    /// ## Why is this bad?
    /// Each part alone is serious; together they are a working escape. A
    /// container running as root with the Docker socket mounted provides
    /// nearly zero isolation: one prompt injection that reaches a shell owns
    /// the host.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   docker-mcp:
    ///     build: .          # Dockerfile without USER
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    /// Break the chain at both ends: run as a non-root user *and* remove the
    /// host access (socket, privileged mode, host namespace, capability or
    /// mount). When the engine socket is the chain's only host access, a
    /// project that manages containers can allow it in `skillaudit.toml`
    /// (`[allow.docker-socket]`): the finding is then kept at `info`. Root
    /// with the socket is still root with the socket, so the fix above stays
    /// the better answer.
    pub struct HostTakeoverChain {
        id: "host-takeover-chain",
        severity: Critical,
        target: Compound,
        summary: "root plus host access in one container",
    }
}

impl Rule for HostTakeoverChain {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        let (parts, sockets) = ways_onto_host(c);
        if parts.is_empty() {
            return;
        }
        let Some(root) = effective_root(cx) else {
            return;
        };
        let mut f = Finding::new(
            &Self::META,
            c.file,
            c.definition,
            format!(
                "{} runs as root with {}: a compromised server controls the host",
                c.source.describe(),
                parts
                    .iter()
                    .map(|(_, d)| d.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        match root {
            EffectiveRoot::Runtime(o) => {
                f = related_part(f, c.file, o, "runs as root here", "root user")
            }
            EffectiveRoot::Image { image, stage, user } => {
                f = image_root(f, &cx.project.images[image], stage, user)
            }
        }
        // A server that manages containers needs the socket: the project
        // may allow that (`[allow.docker-socket]`), but not the other parts.
        if sockets == parts.len() {
            f = f.allowance(Allowance::DockerSocket);
        }
        for (o, d) in parts {
            f = related_part(f, c.file, o, &d, &d);
        }
        out.push(f.fix(
            "run as a non-root user and remove the host access",
            Applicability::Manual,
        ));
    }
}

/// The ways onto the host, with where each is written, and how many of
/// them are engine socket mounts.
fn ways_onto_host(c: &Container) -> (Vec<(Origin, String)>, usize) {
    let mut parts: Vec<(Origin, String)> = Vec::new();
    let mut sockets = 0;
    if let Some(o) = c.privileged {
        parts.push((o, "privileged mode".into()));
    }
    for m in &c.mounts {
        match classify_mount(m) {
            MountClass::EngineSocket => {
                sockets += 1;
                parts.push((m.origin, format!("engine socket mount {}", m.source)))
            }
            MountClass::Sensitive(why) if m.read_only != Some(true) => {
                parts.push((m.origin, format!("writable mount of {} ({why})", m.source)))
            }
            _ => {}
        }
    }
    for ns in c.host_namespaces() {
        if matches!(ns.kind, NamespaceKind::Pid | NamespaceKind::Network) {
            parts.push((ns.origin, format!("host {} namespace", ns.kind.name())));
        }
    }
    for cap in &c.cap_add {
        let name = capability_name(&cap.value);
        if name == "SYS_ADMIN" || name == "ALL" {
            parts.push((cap.origin, format!("capability {name}")));
        }
    }
    (parts, sockets)
}

/// The image stage that makes the container root, as a related location:
/// its root `USER`, or its `FROM` when it never sets a non-root one.
fn image_root(f: Finding, img: &Image, stage: usize, user: ImageUser) -> Finding {
    let st = img.stages.get(stage);
    let span = match user {
        ImageUser::Root(span) => span,
        _ => st.map(|s| s.from_span).unwrap_or_default(),
    };
    // Say which stage when it is not the last one (a build target).
    let which = match st.and_then(|s| s.name.as_deref()) {
        Some(name) if stage + 1 < img.stages.len() => {
            format!("the image's stage \"{name}\"")
        }
        _ => "the image".to_string(),
    };
    let msg = match user {
        ImageUser::Root(_) => format!("{which}'s last USER is root"),
        _ => format!("{which} never sets a non-root USER"),
    };
    f.related_span(img.file, span, msg)
}

/// A part of the chain where it is used and, when it comes from a YAML
/// anchor (`<<: *common`), also where it is written.
fn related_part(
    f: Finding,
    file: skillaudit_model::FileId,
    o: Origin,
    used: &str,
    what: &str,
) -> Finding {
    let f = f.related_origin(file, o, used);
    match o.anchor {
        Some(def) if def != o.span => {
            f.related_span(file, def, format!("{what} defined here (YAML anchor)"))
        }
        _ => f,
    }
}
