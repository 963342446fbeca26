use skillaudit_model::image::InstrKind;

use crate::analysis::mentions_engine_socket;
use crate::{declare_rule, Allowance, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `VOLUME`, `ENV`, `RUN`, `CMD` or `ENTRYPOINT` of the final
    /// stage (or a stage it builds on) that refers to a container-engine
    /// socket: `docker.sock`, `podman.sock` or `containerd.sock`.
    ///
    /// ## Why is this bad?
    /// An image that expects the engine socket is built to control the host:
    /// whoever talks to the socket can start a privileged container with the
    /// host's `/` mounted. It also tells users to mount the socket, the most
    /// common full container escape.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENTRYPOINT ["sh", "-c", "docker -H unix:///var/run/docker.sock info && exec mcp-server"]
    /// ```
    ///
    /// ## Fix
    /// Do not give an MCP server the engine socket. If the server *is* a
    /// Docker-management server, put a socket proxy that allows only the
    /// needed API calls in front of it (e.g. `tecnativa/docker-socket-proxy`),
    /// and document the risk. Such a project can say so in `skillaudit.toml`
    /// (`[allow.docker-socket]` with a `reason`): the finding is then kept at
    /// `info`, with the reason in its message.
    pub struct DockerSocketInImage {
        id: "docker-socket-in-image",
        severity: Critical,
        target: Image,
        summary: "the image refers to the container-engine socket",
    }
}

impl Rule for DockerSocketInImage {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        for instr in cx.instructions_of(&cx.run_stages()) {
            if !matches!(
                instr.keyword.as_str(),
                "VOLUME" | "ENV" | "RUN" | "CMD" | "ENTRYPOINT"
            ) {
                continue;
            }
            let text = match &instr.kind {
                InstrKind::Env(vars) => vars
                    .iter()
                    .filter_map(|v| v.value.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
                InstrKind::Run(run) => run
                    .commands
                    .iter()
                    .flat_map(|c| c.words.iter().map(|w| w.value.as_str()))
                    .collect::<Vec<_>>()
                    .join(" "),
                InstrKind::Other { text } => text.clone(),
                _ => continue,
            };
            if let Some(sock) = mentions_engine_socket(&text) {
                out.push(
                    Finding::new(&Self::META, image.file, instr.span, format!("{} refers to the container-engine socket ({sock})", instr.keyword))
                        .fix("do not use the engine socket from the server; if unavoidable, use a socket proxy limited to the needed API calls", Applicability::Manual)
                        .allowance(Allowance::DockerSocket),
                );
            }
        }
    }
}
