//! The Container model: how an image is run, whichever file says so.
//!
//! Fields hold *meaning*, not syntax: a compose `read_only: true`, a
//! `--read-only` flag and a Kubernetes `readOnlyRootFilesystem: true` all
//! become `read_only = Some(true)` with the origin of what was written.

use crate::file::FileId;
use crate::{Origin, Span, Spanned};

/// Where a Container was described.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerSource {
    /// A service of a compose file.
    ComposeService { name: String },
    /// A `docker run` / `podman run` command line; `image` as written.
    CommandLine { tool: String, image: String },
    /// A GitHub Actions job's `container:` or one of its `services:`.
    WorkflowJob {
        job: String,
        service: Option<String>,
    },
    /// A server of an MCP client configuration (or a README snippet of one).
    McpServer { name: String },
    /// An OCI package of an MCP registry `server.json`.
    RegistryPackage { identifier: String },
    /// A dev container.
    Devcontainer,
    /// A container of a Kubernetes workload.
    Kubernetes {
        kind: String,
        name: String,
        container: String,
    },
}

impl ContainerSource {
    /// A short human description: `service "web"`.
    pub fn describe(&self) -> String {
        match self {
            ContainerSource::ComposeService { name } => format!("service \"{name}\""),
            ContainerSource::CommandLine { tool, image } if image.is_empty() => {
                format!("`{tool} run`")
            }
            ContainerSource::CommandLine { tool, image } => format!("`{tool} run {image}`"),
            ContainerSource::WorkflowJob { job, service: None } => {
                format!("job \"{job}\" container")
            }
            ContainerSource::WorkflowJob {
                job,
                service: Some(s),
            } => format!("service \"{s}\" of job \"{job}\""),
            ContainerSource::McpServer { name } => format!("MCP server \"{name}\""),
            ContainerSource::RegistryPackage { identifier } => format!("package {identifier}"),
            ContainerSource::Devcontainer => "the dev container".to_string(),
            ContainerSource::Kubernetes {
                kind,
                name,
                container,
            } => format!("container \"{container}\" of {kind} \"{name}\""),
        }
    }
}

/// What a container or image is for, as far as the repository says: the
/// **context** of its findings (`context` in every report).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Purpose {
    /// Something users run: the server itself, its shipped setup (a
    /// Dockerfile's final stage, compose, Kubernetes, `server.json`, MCP
    /// client configs, scripts). Context `deployment`.
    #[default]
    Runtime,
    /// An example in the documentation (README code blocks): what users
    /// copy. Context `documentation`.
    Documentation,
    /// A development environment: dev containers (`devcontainer.json` and
    /// the Dockerfiles under `.devcontainer/`) and compose files named for
    /// development (`docker-compose.dev.yml`, `compose.local.yaml`).
    /// Context `development`.
    Development,
    /// A throwaway container of a CI job (GitHub Actions job containers,
    /// services and `docker run` steps on an ephemeral runner). Context `ci`.
    Ci,
    /// Test infrastructure: files under `test/`, `tests/`, `e2e/`, … and
    /// compose files named for tests (`docker-compose.test.yml`). Context
    /// `test`.
    Test,
}

impl Purpose {
    pub const ALL: [Purpose; 5] = [
        Purpose::Runtime,
        Purpose::Documentation,
        Purpose::Development,
        Purpose::Ci,
        Purpose::Test,
    ];

    /// Hardening rules (limits, read-only root, capabilities, published
    /// ports, default-root images) are about long-running deployments and
    /// the documented ways to run one; a CI, test or development container
    /// is torn down after the run.
    pub fn is_deployed(self) -> bool {
        matches!(self, Purpose::Runtime | Purpose::Documentation)
    }

    /// The context's name in reports and configuration (`deployment`, …).
    pub fn name(self) -> &'static str {
        match self {
            Purpose::Runtime => "deployment",
            Purpose::Documentation => "documentation",
            Purpose::Development => "development",
            Purpose::Ci => "ci",
            Purpose::Test => "test",
        }
    }

    /// The context named `name` (as [`Purpose::name`] writes it).
    pub fn parse(name: &str) -> Option<Purpose> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}

/// `--context deployment`: the command line takes the context names.
#[cfg(feature = "clap")]
impl clap::ValueEnum for Purpose {
    fn value_variants<'a>() -> &'a [Self] {
        &Purpose::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// One container definition.
#[derive(Clone, Debug)]
pub struct Container {
    pub file: FileId,
    pub source: ContainerSource,
    /// Set by the pipeline from where the file is (see [`Purpose`]).
    pub purpose: Purpose,
    /// The container's definition: where findings about something *missing* point
    /// (a compose service's key, a `docker run` command …).
    pub definition: Span,
    /// The image run, as written (`image:`), if known.
    pub image: Option<Spanned<String>>,
    /// Built from a Dockerfile in the repository (`build:`).
    pub build: Option<Build>,
    /// Runtime user (`user:`, `--user`, `runAsUser`).
    pub user: Option<Spanned<String>>,
    /// What only a Kubernetes workload has; `None` for every other source.
    pub kubernetes: Option<KubernetesSettings>,
    /// `privileged: true` and the like; only set when enabled.
    pub privileged: Option<Origin>,
    pub mounts: Vec<Mount>,
    pub cap_add: Vec<Spanned<String>>,
    pub cap_drop: Vec<Spanned<String>>,
    /// Every security option as written (`no-new-privileges:true`, `seccomp=unconfined` …).
    pub security_opts: Vec<Spanned<String>>,
    /// `no-new-privileges` (or `allowPrivilegeEscalation: false`) in effect.
    pub no_new_privileges: Option<Origin>,
    /// Namespace settings (`network_mode`, `pid`, `--net` …), host or not.
    pub namespaces: Vec<Namespace>,
    pub devices: Vec<Spanned<String>>,
    pub ports: Vec<PortMapping>,
    pub env: Vec<EnvEntry>,
    pub memory_limit: Option<Origin>,
    pub cpu_limit: Option<Origin>,
    pub pids_limit: Option<Origin>,
    /// Root filesystem read-only setting, when written.
    pub read_only: Option<Spanned<bool>>,
}

/// The settings of a Kubernetes container that other sources do not have.
#[derive(Clone, Debug, Default)]
pub struct KubernetesSettings {
    /// `runAsNonRoot`: `true` enforces a non-root user, an explicit `false`
    /// allows root.
    pub run_as_non_root: Option<Spanned<bool>>,
    /// No seccomp profile is set, so the runtime applies none: a container
    /// whose container and pod set neither `seccompProfile` nor the legacy
    /// annotations runs `Unconfined` unless the kubelet runs with
    /// `--seccomp-default`. (Docker and Podman apply their default profile.)
    pub seccomp_unset: bool,
}

/// How the words of a command line are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgSyntax {
    /// Shell words (scripts, Makefile recipes, workflow `run:` steps, README shell blocks).
    Shell,
    /// Items of a JSON / TOML / YAML array (an MCP client config's `args`).
    Array,
}

/// The words of a `docker run` command line, as positioned in the file:
/// what the fixer edits (`edit::argv`) and the hardened-command help quotes.
/// The project keeps one per container a command line starts
/// ([`Project::command_line`](crate::Project::command_line)).
#[derive(Clone, Debug)]
pub struct CommandLine {
    pub syntax: ArgSyntax,
    /// The `run` / `create` subcommand word: flags are added right after it.
    pub run_word: Origin,
    /// The words after it, through the image (docker's own arguments).
    pub args: Vec<Spanned<String>>,
}

impl CommandLine {
    /// Apply `f` to the origin of every word.
    pub fn for_each_origin(&mut self, mut f: impl FnMut(&mut Origin)) {
        f(&mut self.run_word);
        for w in self.args.iter_mut() {
            f(&mut w.origin);
        }
    }
}

/// A container as a normaliser hands it to the project: the model and,
/// for a container started by a command line (`docker run …` in a script,
/// an MCP config's `args`), where that line's words are, so that a fix can
/// add or change flags. Rules see only the [`Container`].
#[derive(Clone, Debug)]
pub struct Found {
    pub container: Container,
    /// `None` unless a command line starts the container.
    pub command_line: Option<CommandLine>,
}

impl From<Container> for Found {
    /// A container no command line starts (a compose service, a manifest …).
    fn from(container: Container) -> Found {
        Found {
            container,
            command_line: None,
        }
    }
}

impl Found {
    /// Each of `containers`, none of them started by a command line.
    pub fn all(containers: Vec<Container>) -> Vec<Found> {
        containers.into_iter().map(Found::from).collect()
    }

    /// Apply `f` to the origin of every value of the container
    /// ([`Container::for_each_origin`]) and of every word of its command
    /// line, so that moving the spans (text embedded in a README, values
    /// used through a YAML alias) keeps the two in step.
    pub fn for_each_origin(&mut self, mut f: impl FnMut(&mut Origin)) {
        self.container.for_each_origin(&mut f);
        if let Some(cl) = &mut self.command_line {
            cl.for_each_origin(f);
        }
    }
}

impl Container {
    /// Can a per-container process limit be set? Not on Kubernetes, where
    /// it is a kubelet setting.
    pub fn pids_limit_settable(&self) -> bool {
        self.kubernetes.is_none()
    }

    /// Is it known that no seccomp profile applies (see
    /// [`KubernetesSettings::seccomp_unset`])?
    pub fn seccomp_unset(&self) -> bool {
        self.kubernetes.as_ref().is_some_and(|k| k.seccomp_unset)
    }

    /// Kubernetes `runAsNonRoot`, when written.
    pub fn run_as_non_root(&self) -> Option<&Spanned<bool>> {
        self.kubernetes.as_ref()?.run_as_non_root.as_ref()
    }

    pub fn new(file: FileId, source: ContainerSource, definition: Span) -> Container {
        Container {
            file,
            source,
            purpose: Purpose::Runtime,
            definition,
            image: None,
            build: None,
            user: None,
            kubernetes: None,
            privileged: None,
            mounts: Vec::new(),
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            security_opts: Vec::new(),
            no_new_privileges: None,
            namespaces: Vec::new(),
            devices: Vec::new(),
            ports: Vec::new(),
            env: Vec::new(),
            memory_limit: None,
            cpu_limit: None,
            pids_limit: None,
            read_only: None,
        }
    }

    /// Apply `f` to the origin of every value (not `definition`, which is a
    /// plain span). Destructures the Container so that a field added later
    /// must be handled here; every normaliser that moves spans (text
    /// embedded in a README, values used through a YAML alias) goes through it.
    pub fn for_each_origin(&mut self, mut f: impl FnMut(&mut Origin)) {
        let Container {
            file: _,
            source: _,
            purpose: _,
            definition: _,
            image,
            build,
            user,
            kubernetes,
            privileged,
            mounts,
            cap_add,
            cap_drop,
            security_opts,
            no_new_privileges,
            namespaces,
            devices,
            ports,
            env,
            memory_limit,
            cpu_limit,
            pids_limit,
            read_only,
        } = self;
        let strings = image
            .iter_mut()
            .chain(user.iter_mut())
            .chain(cap_add.iter_mut())
            .chain(cap_drop.iter_mut());
        for s in strings
            .chain(security_opts.iter_mut())
            .chain(devices.iter_mut())
        {
            f(&mut s.origin);
        }
        let run_as_non_root = kubernetes
            .iter_mut()
            .flat_map(|k| k.run_as_non_root.iter_mut());
        for s in run_as_non_root.chain(read_only.iter_mut()) {
            f(&mut s.origin);
        }
        for o in [
            privileged,
            no_new_privileges,
            memory_limit,
            cpu_limit,
            pids_limit,
        ]
        .into_iter()
        .flatten()
        {
            f(o);
        }
        for b in build.iter_mut() {
            f(&mut b.origin);
            if let Some(t) = &mut b.target {
                f(&mut t.origin);
            }
        }
        for m in mounts.iter_mut() {
            f(&mut m.origin);
        }
        for n in namespaces.iter_mut() {
            f(&mut n.origin);
        }
        for p in ports.iter_mut() {
            f(&mut p.origin);
        }
        for e in env.iter_mut() {
            f(&mut e.origin);
        }
    }

    /// Namespaces shared with the host.
    pub fn host_namespaces(&self) -> impl Iterator<Item = &Namespace> {
        self.namespaces.iter().filter(|n| n.is_host())
    }
}

/// `build:` of a compose service (or a devcontainer's `build.dockerfile`).
#[derive(Clone, Debug)]
pub struct Build {
    /// Context directory, relative to the directory of the file that says it.
    pub context: String,
    /// Dockerfile path relative to the context, when given.
    pub dockerfile: Option<String>,
    /// `target:` — the stage built (and so run), when not the last one.
    pub target: Option<Spanned<String>>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    /// A host path.
    Bind,
    /// A named (or anonymous) volume.
    Volume,
    Tmpfs,
    /// Windows named pipe (`\\.\pipe\docker_engine`).
    NamedPipe,
    /// A compose long-syntax entry with a host-path `source` and no
    /// `type:`. The compose specification requires `type`, so the entry is
    /// incomplete, but the intent is a bind mount: the socket and
    /// sensitive-path rules report it, at medium confidence.
    UntypedBind,
}

/// A mount, in any syntax.
#[derive(Clone, Debug)]
pub struct Mount {
    pub kind: MountKind,
    /// Host path or volume name, as written (variables unexpanded).
    pub source: String,
    pub target: String,
    /// `Some(true)`: read-only; `Some(false)`: explicitly writable (`:rw`,
    /// `read_only: false`); `None`: not said (writable by default).
    pub read_only: Option<bool>,
    /// The whole mount entry.
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamespaceKind {
    Network,
    Pid,
    Ipc,
    Uts,
    User,
    Cgroup,
}

impl NamespaceKind {
    pub fn name(self) -> &'static str {
        match self {
            NamespaceKind::Network => "network",
            NamespaceKind::Pid => "PID",
            NamespaceKind::Ipc => "IPC",
            NamespaceKind::Uts => "UTS",
            NamespaceKind::User => "user",
            NamespaceKind::Cgroup => "cgroup",
        }
    }
}

/// A namespace setting: `network_mode: host`, `--pid=container:x`, …
#[derive(Clone, Debug)]
pub struct Namespace {
    pub kind: NamespaceKind,
    pub value: String,
    pub origin: Origin,
}

impl Namespace {
    pub fn is_host(&self) -> bool {
        self.value.trim().eq_ignore_ascii_case("host")
    }
}

/// A published port.
#[derive(Clone, Debug)]
pub struct PortMapping {
    /// Host address it is bound to, if any (`127.0.0.1`, `::1`, `0.0.0.0`).
    pub host_ip: Option<String>,
    /// Host port (or range); `None` when docker picks one.
    pub host_port: Option<String>,
    pub container_port: String,
    pub origin: Origin,
}

impl PortMapping {
    /// Reachable from other machines: no host address, or a wildcard one.
    pub fn on_all_interfaces(&self) -> bool {
        match self.host_ip.as_deref().map(str::trim) {
            None | Some("") => true,
            Some(ip) => {
                let ip = ip.trim_start_matches('[').trim_end_matches(']');
                ip == "0.0.0.0" || ip == "::" || ip == "0:0:0:0:0:0:0:0"
            }
        }
    }
}

/// An environment entry.
#[derive(Clone, Debug)]
pub struct EnvEntry {
    pub key: String,
    /// `None` when the value is taken from the host environment (`- KEY`, `KEY:`).
    pub value: Option<String>,
    /// The whole entry.
    pub origin: Origin,
}

/// A `docker build -t TAG [-f FILE] [--target STAGE] CONTEXT` command (or
/// a workflow's `docker/build-push-action` step): which tag the build
/// produces, so a later `docker run TAG` links to the Dockerfile, and which
/// stage it builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildCommand {
    pub tags: Vec<String>,
    /// `-f` / `--file`, as written (relative to the working directory).
    pub dockerfile: Option<String>,
    /// The context argument, as written.
    pub context: String,
    /// `--target`: the stage built, when not the last one.
    pub target: Option<String>,
    /// The image is pushed to a registry (`--push`, `--output
    /// type=registry`, `push: true`): it is shipped, not only tested.
    pub pushes: bool,
    /// Set by the pipeline from where the command is (see [`Purpose`]).
    pub purpose: Purpose,
    /// The whole command.
    pub origin: Origin,
}
