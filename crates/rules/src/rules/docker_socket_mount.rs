use crate::analysis::{classify_mount, untyped_note, MountClass};
use crate::{declare_rule, Allowance, Applicability, Confidence, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags any mount of a container-engine socket — `/var/run/docker.sock`,
    /// `/run/docker.sock`, `//var/run/docker.sock`,
    /// `$XDG_RUNTIME_DIR/docker.sock`, `podman.sock`, `containerd.sock`, the
    /// Windows `docker_engine` pipe — in every syntax: compose short and long
    /// volumes, `-v`, `--volume`, `--mount type=bind,src=…`, Kubernetes
    /// `hostPath`, devcontainer `mounts`, and compose `use_api_socket: true`.
    ///
    /// A compose long-syntax entry without `type:` (`- source:
    /// /var/run/docker.sock` / `target: …`) is incomplete — the compose
    /// specification requires `type` — but its intent is plain: it is
    /// reported at medium confidence, with a note. A short entry with one
    /// path only (`- /var/run/docker.sock`) is not reported: it is an
    /// anonymous volume created at that path inside the container, not the
    /// host's socket.
    ///
    /// ## Why is this bad?
    /// The socket is the engine's API, and the engine runs as root. Anything
    /// in the container that can write to it can start a new privileged
    /// container with the host's `/` mounted: a full, documented escape.
    /// Read-only (`:ro`) does not help — it only protects the socket file,
    /// not the API behind it.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    /// Don't mount it. A server that really manages containers should talk
    /// to a socket proxy that allows only the API calls it needs, and its
    /// documentation should say that it controls the host. Such a project can
    /// say so in `skillaudit.toml` (`[allow.docker-socket]` with a `reason`,
    /// optionally limited to `paths`): the finding is then kept at `info`,
    /// with the reason in its message.
    pub struct DockerSocketMount {
        id: "docker-socket-mount",
        severity: Critical,
        target: Container,
        summary: "the container-engine socket is mounted",
    }
}

impl Rule for DockerSocketMount {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for m in &c.mounts {
            if classify_mount(m) == MountClass::EngineSocket {
                let note = untyped_note(m);
                out.push(
                    Finding::at(
                        &Self::META,
                        c.file,
                        m.origin,
                        format!("{} mounts the container-engine socket {}: full control of the host{}", c.source.describe(), m.source, note.unwrap_or("")),
                    )
                    .confidence(if note.is_some() { Confidence::Medium } else { Confidence::High })
                    .fix("remove the socket mount; if the server manages containers, use a restricted socket proxy", Applicability::Manual)
                        .allowance(Allowance::DockerSocket),
                );
            }
        }
    }
}
