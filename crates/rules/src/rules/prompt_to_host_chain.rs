use std::collections::BTreeSet;

use skillaudit_model::code::ir::SinkKind;
use skillaudit_model::code::link::Server;
use skillaudit_model::code::taint::{Flow, FlowConfidence};
use skillaudit_model::{FileId, Project, Purpose, Span};

use crate::analysis::{host_access, image_user, ImageUser};
use crate::code::{runs_anything, CodeCx};
use crate::{declare_rule, Allowance, Applicability, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Joins the two halves of the Security axis. Flags a server whose code
    /// has a way in for a prompt-injected model — `command-injection`,
    /// `shell-tool`, `code-evaluation`, `argument-injection` or
    /// `path-traversal`, traced from a tool handler — when the place it runs
    /// gives that way in the host:
    ///
    /// - a container built from the server's code (a Dockerfile whose build
    ///   context and `COPY` take the source) run with host access: the
    ///   Docker socket, privileged mode, a sensitive or home-directory host
    ///   mount, a host namespace, or a dangerous capability; or
    /// - no container at all: the README or an MCP client configuration of
    ///   the repository launches the server's package on the user's machine
    ///   with `npx`, `bunx`, `uvx`, `pipx` or `go run`.
    ///
    /// One finding per server, at its first way in, with every part as a
    /// related location: each way in, each kind of host access, and the
    /// image's user when it runs as root. Test code never forms a chain.
    ///
    /// ## Why is this bad?
    /// The container is the boundary that is supposed to contain a
    /// compromised server. A server that runs what the model sends, in a
    /// container that can start other containers through the Docker socket,
    /// hands a prompt injection the host; launched with `npx` there is no
    /// boundary at all.
    ///
    /// ## Example
    /// ```ts
    /// server.registerTool("run_command", { inputSchema: { command: z.string() } },
    ///   async ({ command }) => ({ content: [{ type: "text", text: (await run(command)).stdout }] }));
    /// ```
    /// ```yaml
    /// services:
    ///   devbox:
    ///     build: .
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    /// Break the chain at either end, preferably both: close the way in
    /// (see each code finding's fix), and take the host access away from the
    /// container (no socket, not privileged, no sensitive mounts, a non-root
    /// `USER`). Document a container setup instead of `npx`/`uvx` for
    /// servers that run commands or touch files.
    pub struct PromptToHostChain {
        id: "prompt-to-host-chain",
        severity: Critical,
        target: Compound,
        summary: "a way in for the model in code that runs with host access or on the host",
    }
}

impl Rule for PromptToHostChain {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        for server in &cx.project.code.servers {
            if let Some(f) = chain(cx, server) {
                out.push(f);
            }
        }
    }
}

/// The rule a flow is a way in for, if it is one.
fn way_in(cx: &CodeCx<'_>, f: &Flow) -> Option<&'static str> {
    if f.confidence != FlowConfidence::High || cx.in_test(f) {
        return None;
    }
    Some(match f.sink.kind {
        SinkKind::Shell if f.attrs.whole => "shell-tool",
        SinkKind::Shell => "command-injection",
        SinkKind::Eval | SinkKind::Deserialize => "code-evaluation",
        SinkKind::Program if f.attrs.whole && runs_anything(cx, f) => "shell-tool",
        SinkKind::Program | SinkKind::ProgramArg { .. } | SinkKind::ProgramArgs => {
            "argument-injection"
        }
        SinkKind::Path(_) => "path-traversal",
        SinkKind::Url | SinkKind::Sql => return None,
    })
}

/// One host-access part of a chain: its file, span, description and
/// whether it is the Docker socket.
type HostPart = (FileId, Span, String, bool);

fn chain(cx: &CodeCx<'_>, server: &Server) -> Option<Finding> {
    let ways = ways_in(cx, server);
    if ways.is_empty() {
        return None;
    }
    let (parts, mut roots) = host_parts(cx.project, server);
    let launches = &server.launches;
    if parts.is_empty() && launches.is_empty() {
        return None;
    }
    let (first, _) = ways[0];
    let message = message(server, &ways, &parts);
    let unit = cx.unit(first.sink.unit);
    let mut f = Finding::new(
        &PromptToHostChain::META,
        unit.file,
        first.sink.span,
        message,
    );
    for (flow, rule) in ways.iter().take(8) {
        let u = cx.unit(flow.sink.unit);
        let what = match &flow.tool {
            Some(t) => format!("way in: {rule} in tool \"{t}\" ({})", flow.sink.what),
            None => format!("way in: {rule} ({})", flow.sink.what),
        };
        f = f.related_span(u.file, flow.sink.span, what);
    }
    let only_socket = !parts.is_empty() && parts.iter().all(|p| p.3) && launches.is_empty();
    for (file, span, what, _) in parts {
        f = f.related_span(file, span, format!("host access: {what}"));
    }
    roots.sort();
    roots.dedup();
    for (file, span) in roots {
        f = f.related_span(file, span, "the image runs as root (no non-root USER)");
    }
    for l in launches.iter().take(4) {
        f = f.related_span(
            l.file,
            l.span,
            format!("launched on the host with {}", l.runner),
        );
    }
    if only_socket {
        f = f.allowance(Allowance::DockerSocket);
    }
    Some(f.fix(
        "close the way in in the code and take the host access away from the container; document a hardened container instead of npx/uvx",
        Applicability::Manual,
    ))
}

/// The server's ways in with the rule each is for, in file order, one per
/// sink, rule and tool.
fn ways_in<'a>(cx: &CodeCx<'a>, server: &Server) -> Vec<(&'a Flow, &'static str)> {
    let mut ways: Vec<(&Flow, &'static str)> = cx
        .flows()
        .filter(|f| server.units.contains(&f.sink.unit))
        .filter_map(|f| way_in(cx, f).map(|r| (f, r)))
        .collect();
    ways.sort_by(|a, b| {
        let pa = &cx.unit(a.0.sink.unit).path;
        let pb = &cx.unit(b.0.sink.unit).path;
        (pa, a.0.sink.span, a.1, &a.0.tool).cmp(&(pb, b.0.sink.span, b.1, &b.0.tool))
    });
    // One way in per sink, rule and tool: the flows of two arguments into
    // one call are one way in.
    ways.dedup_by(|a, b| {
        (a.0.sink.unit, a.0.sink.span, a.1, &a.0.tool)
            == (b.0.sink.unit, b.0.sink.span, b.1, &b.0.tool)
    });
    ways
}

/// Host access of the containers that run images carrying the server's
/// code, and the root users of those images.
fn host_parts(project: &Project, server: &Server) -> (Vec<HostPart>, Vec<(FileId, Span)>) {
    let mut parts = Vec::new();
    let mut roots = Vec::new();
    for &i in &server.images {
        for &ci in project.links.runners.get(i).into_iter().flatten() {
            let c = &project.containers[ci];
            if matches!(c.purpose, Purpose::Ci | Purpose::Test) {
                continue;
            }
            let access = host_access(c);
            if access.is_empty() {
                continue;
            }
            for (o, what, socket) in access {
                parts.push((
                    c.file,
                    o.span,
                    format!("{}: {what}", c.source.describe()),
                    socket,
                ));
            }
            let image = &project.images[i];
            let stage = match project.links.stage_of.get(ci).copied().flatten() {
                Some(s) => image.stages.get(s),
                None => image.final_stage(),
            };
            if let (None, Some(stage)) = (&c.user, stage) {
                if let Some(user) = image_user(image, stage, &project.settings) {
                    let span = match user {
                        ImageUser::Root(span) => Some(span),
                        ImageUser::Default => Some(stage.from_span),
                        ImageUser::NonRoot => None,
                    };
                    if let Some(span) = span {
                        roots.push((image.file, span));
                    }
                }
            }
        }
    }
    (parts, roots)
}

/// The finding's message: the server, its ways in and how it reaches the
/// host.
fn message(server: &Server, ways: &[(&Flow, &'static str)], parts: &[HostPart]) -> String {
    let launches = &server.launches;
    let rules: BTreeSet<&str> = ways.iter().map(|(_, r)| *r).collect();
    let tools: BTreeSet<String> = ways
        .iter()
        .filter_map(|(f, _)| f.tool.as_deref().map(|t| format!("\"{t}\"")))
        .collect();
    let mut reach = Vec::new();
    if !parts.is_empty() {
        reach.push(format!(
            "runs in a container with host access ({})",
            parts
                .iter()
                .map(|(_, _, d, _)| d.split(": ").nth(1).unwrap_or(d).to_string())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !launches.is_empty() {
        reach.push(format!(
            "is launched on the host with {} (no container)",
            launches
                .iter()
                .map(|l| l.runner)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join("/")
        ));
    }
    let name = server
        .name
        .as_deref()
        .map(|n| format!("server {n}"))
        .unwrap_or_else(|| "the server".into());
    format!(
        "{name} has a way in for a prompt-injected model ({}{}) and {}: a prompt injection reaches the host",
        rules.into_iter().collect::<Vec<_>>().join(", "),
        if tools.is_empty() {
            String::new()
        } else {
            format!(" in tool {}", tools.into_iter().collect::<Vec<_>>().join(", "))
        },
        reach.join(" and ")
    )
}
