//! Kubernetes manifests → one [`Container`] per container of every pod
//! template.
//!
//! Every document of a multi-document stream is read, and `List` (or any
//! `*List`) objects are looked into. Workloads and where their pod template
//! lives:
//!
//! | kind | pod template |
//! |---|---|
//! | `Pod` | the object itself |
//! | `PodTemplate` | `template` |
//! | `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `ReplicationController`, `Job` | `spec.template` |
//! | `CronJob` | `spec.jobTemplate.spec.template` |
//!
//! Each entry of the pod spec's `containers`, `initContainers` and
//! `ephemeralContainers` becomes one Container. Its `definition` (where
//! findings about missing settings point) is the container's `name:` entry,
//! or the whole list item when it has no name.
//!
//! # How Kubernetes semantics are mapped
//!
//! * **Security contexts are merged as the kubelet merges them**: for the
//!   fields both levels have (`runAsUser`, `runAsGroup`, `runAsNonRoot`,
//!   `seccompProfile`, `appArmorProfile`, `seLinuxOptions`), the container's
//!   `securityContext` wins over the pod's `spec.securityContext`, field by
//!   field (a container `seccompProfile` replaces the pod's as a whole).
//!   The other fields exist on containers only.
//! * `runAsUser` → `user` (the number as written; the origin is the entry).
//!   `runAsGroup` is not modelled (a root *group* alone is not a finding).
//! * `seccompProfile.type: Unconfined` (or the legacy
//!   `seccomp.security.alpha.kubernetes.io/pod` /
//!   `container.seccomp.security.alpha.kubernetes.io/<container>: unconfined`
//!   annotations, in the kubelet's order of precedence) → security option
//!   `seccomp=unconfined`; no seccomp setting at all → `seccomp_unset`
//!   (see [`security`]),
//!   `appArmorProfile.type: Unconfined` (or the pre-1.30 annotation
//!   `container.apparmor.security.beta.kubernetes.io/<container>: unconfined`
//!   on the pod template) → `apparmor=unconfined`, `seLinuxOptions.type:
//!   spc_t` (the "super privileged container" type that docker's
//!   `label=disable` itself runs containers as) → `label=disable`, and
//!   `procMount: Unmasked` → `systempaths=unconfined`; each with the origin
//!   of the entry that says it, so the docker-option rules see them. Enum
//!   values are compared ignoring case (the API server would reject a wrong
//!   case, but the intent is plain).
//! * `allowPrivilegeEscalation: false` → `no_new_privileges` (that is what
//!   the kubelet sets). `readOnlyRootFilesystem` → `read_only`.
//!   `capabilities.add`/`drop` → `cap_add`/`cap_drop`.
//! * `hostNetwork`/`hostPID`/`hostIPC: true` → host namespaces, pointing at
//!   the pod-level entry (so every container of the pod points there).
//!   `hostUsers: false` is the safe setting and `true` the default: ignored.
//! * Volumes: each `volumeMounts[]` item is joined by name to the pod's
//!   `volumes[]`. A `hostPath` volume becomes a bind [`Mount`] whose source
//!   is `hostPath.path` (joined with the mount's `subPath`/`subPathExpr`, so
//!   a `/var/run` volume mounted with `subPath: docker.sock` is the socket);
//!   `emptyDir` with `medium: Memory` a tmpfs mount; any other volume a
//!   volume mount named after it. The mount's origin is the `volumeMounts`
//!   item: it is per container, and it is where `readOnly` is written. (The
//!   `hostPath` volume is not put in `Origin::anchor`, which renderers show
//!   as a YAML anchor definition.) Mounts of undeclared volumes are dropped.
//! * `resources.limits.memory`/`cpu` → `memory_limit`/`cpu_limit`; else the
//!   pod-level `spec.resources.limits` (PodLevelResources); else the
//!   defaults a `LimitRange` of the same namespace in the same file gives
//!   containers (`type: Container`, `default`, or `max` when no default —
//!   the API server defaults one to the other). Kubernetes has no
//!   per-container process limit (it is a kubelet setting), so `pids_limit`
//!   stays `None`.
//! * `ports[]` publish on the host only with a `hostPort` (`hostIP` is the
//!   address); a bare `containerPort` is not published on the host.
//! * `env[]`: `value` → a literal value, `valueFrom` → `None` (not literal),
//!   neither → the empty string (what Kubernetes sets).
//!   `securityContext.windowsOptions` is ignored.
//!
//! Work is bounded: every mapping and list looked at is charged to a
//! per-file budget, so alias bombs (`items: [*pod, *pod, …]` whose
//! containers are `[*c, *c, …]`) cannot make normalising quadratic; when it
//! runs out, the containers read so far are returned.

use std::collections::HashMap;

use skillaudit_syntax::tree::{NodeRef, Stream};
use skillaudit_syntax::Span;

use crate::container::{
    Container, ContainerSource, EnvEntry, KubernetesSettings, Mount, MountKind, Namespace,
    NamespaceKind, PortMapping,
};
use crate::file::FileId;
use crate::normalise::nodes::{entry_origin, item_origin, items, origin, text, Budget, Fields};
use crate::{Origin, Spanned};

/// How many mapping entries and list items one file may make us look at.
const WORK_BUDGET: usize = 500_000;
/// How deep `List` objects may nest inside each other.
const MAX_LIST_DEPTH: usize = 4;
/// The lists of a pod spec whose items are containers.
const CONTAINER_LISTS: &[&str] = &["initContainers", "containers", "ephemeralContainers"];
/// Built-in objects and Helm-only functions: a `{{ … }}` action mentioning
/// one of these is a Helm template, not Go-template text inside a value.
/// (`template`/`define` are left out: Alertmanager templates in ConfigMaps use them.)
const HELM_MARKERS: &[&str] = &[
    ".Values",
    ".Release",
    ".Chart",
    ".Capabilities",
    ".Files",
    ".Template",
    "include ",
    "toYaml",
    "tpl ",
    "required ",
    "nindent",
    "lookup ",
];

/// Does some document look like a Kubernetes object (a root mapping with
/// string `apiVersion` and `kind`)?
pub fn is_manifest(stream: &Stream) -> bool {
    stream
        .documents
        .iter()
        .filter_map(|d| d.root())
        .any(|root| {
            let has = |key: &str| {
                root.value(key)
                    .filter(|v| !v.is_null())
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| !s.trim().is_empty())
            };
            has("apiVersion") && has("kind")
        })
}

/// Is this text a Helm (Go) template rather than plain YAML? Such files are
/// skipped: their values are not known until rendered.
///
/// True when a `{{ … }}` action outside YAML comments either uses Helm's
/// built-in objects or functions (`.Values`, `.Release`, `include`,
/// `toYaml`, `nindent` …), or the text does not parse as
/// YAML at all (a template of some other engine; reporting it as a syntax
/// error would be wrong). Go-template text that plain manifests carry inside
/// values — Prometheus alert annotations (`{{ $labels.pod }}`), Argo
/// parameters (`{{inputs.parameters.x}}`) — does not make a file a template.
pub fn is_helm_template(text: &str) -> bool {
    let actions = template_actions(text);
    if actions.is_empty() {
        return false;
    }
    if actions
        .iter()
        .any(|a| HELM_MARKERS.iter().any(|m| a.contains(m)))
    {
        return true;
    }
    skillaudit_syntax::tree::yaml::parse(text).error.is_some()
}

/// The contents of the `{{ … }}` actions of a text, skipping YAML comments
/// (`#` at the start of a line or after a blank, outside an action).
/// Linear in the text.
fn template_actions(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Start of the action being read (just after its `{{`).
    let mut open: Option<usize> = None;
    while i < bytes.len() {
        match open {
            Some(start) => {
                if bytes[i] == b'}' && bytes.get(i + 1) == Some(&b'}') {
                    // `start` and `i` sit next to ASCII braces: char boundaries.
                    out.push(text.get(start..i).unwrap_or(""));
                    open = None;
                    i += 2;
                    continue;
                }
            }
            None => {
                if bytes[i] == b'#'
                    && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r'))
                {
                    // A comment: skip to the end of the line.
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                if bytes[i] == b'{' && bytes.get(i + 1) == Some(&b'{') {
                    open = Some(i + 2);
                    i += 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Every container of every workload in the stream.
pub fn containers(file: FileId, stream: &Stream) -> Vec<Container> {
    let mut budget = Budget::new(WORK_BUDGET);
    let objects = objects(stream, &mut budget);
    let defaults = limit_range_defaults(&objects, &mut budget);
    let mut out = Vec::new();
    for object in &objects {
        let Some(kind) = object.fields.str("kind") else {
            continue;
        };
        let Some(template) = pod_template(&kind, object, &mut budget) else {
            continue;
        };
        let meta = Fields::of(object.fields.get("metadata"), &mut budget);
        let name = meta
            .str("name")
            .or_else(|| meta.str("generateName"))
            .unwrap_or_default();
        let namespace = meta.str("namespace");
        let pod = Pod::read(kind, name, template, &mut budget);
        let defaults = defaults.get(&namespace).copied().unwrap_or_default();
        pod.containers(file, &defaults, &mut budget, &mut out);
        if budget.exhausted() {
            break;
        }
    }
    out
}

/// One Kubernetes object (a document root or an item of a `List`).
struct Object<'a> {
    fields: Fields<'a>,
}

/// The objects of the stream in document order, `List`s opened.
fn objects<'a>(stream: &'a Stream, budget: &mut Budget) -> Vec<Object<'a>> {
    let mut out = Vec::new();
    // (node, list depth); a stack, so roots are pushed in reverse.
    let mut stack: Vec<(NodeRef<'a>, usize)> = stream
        .documents
        .iter()
        .rev()
        .filter_map(|d| d.root())
        .map(|r| (r, 0))
        .collect();
    while let Some((node, depth)) = stack.pop() {
        let fields = Fields::of(Some(node), budget);
        if budget.exhausted() {
            break;
        }
        let is_list = fields
            .str("kind")
            .is_some_and(|k| k == "List" || k.ends_with("List"));
        if is_list {
            if depth < MAX_LIST_DEPTH {
                let list = items(fields.get("items"), budget);
                stack.extend(list.into_iter().rev().map(|item| (item, depth + 1)));
            }
            continue;
        }
        out.push(Object { fields });
    }
    out
}

/// Default container limits a `LimitRange` gives, per namespace.
#[derive(Clone, Copy, Default)]
struct LimitDefaults {
    memory: Option<Origin>,
    cpu: Option<Origin>,
}

/// The container limit defaults of every `LimitRange` in the file, by
/// `metadata.namespace` (`None`: the namespace kubectl applies to, which is
/// the same for every object of the file that does not name one).
fn limit_range_defaults(
    objects: &[Object<'_>],
    budget: &mut Budget,
) -> HashMap<Option<String>, LimitDefaults> {
    let mut out: HashMap<Option<String>, LimitDefaults> = HashMap::new();
    for object in objects {
        if object.fields.str("kind").as_deref() != Some("LimitRange") {
            continue;
        }
        let namespace = Fields::of(object.fields.get("metadata"), budget).str("namespace");
        let spec = Fields::of(object.fields.get("spec"), budget);
        for limit in items(spec.get("limits"), budget) {
            let limit = Fields::of(Some(limit), budget);
            if limit.str("type").as_deref() != Some("Container") {
                continue;
            }
            let default = Fields::of(limit.get("default"), budget);
            let max = Fields::of(limit.get("max"), budget);
            let slot = out.entry(namespace.clone()).or_default();
            for (resource, target) in [("memory", &mut slot.memory), ("cpu", &mut slot.cpu)] {
                if target.is_none() {
                    *target = limit_of(&default, resource).or_else(|| limit_of(&max, resource));
                }
            }
        }
    }
    out
}

/// The origin of a resource limit entry that sets a limit (not 0 / -1).
fn limit_of(limits: &Fields<'_>, resource: &str) -> Option<Origin> {
    let (k, v) = limits.entry(resource)?;
    let t = text(v)?;
    let t = t.trim();
    (!t.is_empty() && t != "0" && t != "-1").then(|| entry_origin(k, v))
}

/// The pod template of a workload: the mapping holding its `metadata` and `spec`.
fn pod_template<'a>(kind: &str, object: &Object<'a>, budget: &mut Budget) -> Option<Fields<'a>> {
    let path: &[&str] = match kind {
        "Pod" => &[],
        "PodTemplate" => &["template"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        _ => return None,
    };
    let mut current = object.fields.clone();
    for key in path {
        let next = current.get(key)?;
        current = Fields::of(Some(next), budget);
    }
    Some(current)
}

/// What a pod spec says for all of its containers.
struct Pod<'a> {
    kind: String,
    name: String,
    /// The pod template's `metadata.annotations`.
    annotations: Fields<'a>,
    spec: Fields<'a>,
    /// `spec.securityContext`.
    security: Fields<'a>,
    /// `spec.volumes` by name.
    volumes: HashMap<String, Volume>,
    /// `spec.resources.limits` (pod-level resources).
    limits: Fields<'a>,
}

/// What a pod volume is, as far as mounts care.
enum Volume {
    HostPath(String),
    Tmpfs,
    Other,
}

impl<'a> Pod<'a> {
    fn read(kind: String, name: String, template: Fields<'a>, budget: &mut Budget) -> Pod<'a> {
        let meta = Fields::of(template.get("metadata"), budget);
        let annotations = Fields::of(meta.get("annotations"), budget);
        let spec = Fields::of(template.get("spec"), budget);
        let security = Fields::of(spec.get("securityContext"), budget);
        let mut volumes = HashMap::new();
        for v in items(spec.get("volumes"), budget) {
            let v = Fields::of(Some(v), budget);
            let Some(name) = v.str("name") else { continue };
            let volume = if let Some(host) = v.get("hostPath") {
                match Fields::of(Some(host), budget).str("path") {
                    Some(path) => Volume::HostPath(path),
                    None => Volume::Other,
                }
            } else if let Some(dir) = v.get("emptyDir") {
                let medium = Fields::of(Some(dir), budget).str("medium");
                if medium.is_some_and(|m| m.eq_ignore_ascii_case("Memory")) {
                    Volume::Tmpfs
                } else {
                    Volume::Other
                }
            } else {
                Volume::Other
            };
            // Kubernetes rejects duplicate names; keep the first.
            volumes.entry(name).or_insert(volume);
        }
        let resources = Fields::of(spec.get("resources"), budget);
        let limits = Fields::of(resources.get("limits"), budget);
        Pod {
            kind,
            name,
            annotations,
            spec,
            security,
            volumes,
            limits,
        }
    }

    /// One Container per container of the pod, appended to `out`.
    fn containers(
        &self,
        file: FileId,
        defaults: &LimitDefaults,
        budget: &mut Budget,
        out: &mut Vec<Container>,
    ) {
        for list_key in CONTAINER_LISTS {
            let Some(list) = self.spec.get(list_key) else {
                continue;
            };
            for (index, item) in items(Some(list), budget).into_iter().enumerate() {
                if !item.is_mapping() {
                    continue;
                }
                let fields = Fields::of(Some(item), budget);
                if budget.exhausted() {
                    return;
                }
                out.push(
                    self.container(file, list_key, index, list, item, &fields, defaults, budget),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn container(
        &self,
        file: FileId,
        list_key: &str,
        index: usize,
        list: NodeRef<'a>,
        item: NodeRef<'a>,
        fields: &Fields<'a>,
        defaults: &LimitDefaults,
        budget: &mut Budget,
    ) -> Container {
        let name = fields.str("name");
        let definition: Span = match fields.entry("name") {
            Some((k, v)) => entry_origin(k, v).span,
            None => item_origin(list, item).span,
        };
        let source = ContainerSource::Kubernetes {
            kind: self.kind.clone(),
            name: self.name.clone(),
            container: name
                .clone()
                .unwrap_or_else(|| format!("{list_key}[{index}]")),
        };
        let mut c = Container::new(file, source, definition);
        // Also says there is no per-container process limit (it is a kubelet setting).
        c.kubernetes = Some(KubernetesSettings::default());
        c.image = fields
            .get("image")
            .and_then(|v| text(v).map(|s| Spanned::new(s, origin(v))));

        self.security_context(&mut c, name.as_deref(), fields, budget);

        self.host_namespaces(&mut c);
        self.mounts(&mut c, fields, budget);

        let resources = Fields::of(fields.get("resources"), budget);
        let limits = Fields::of(resources.get("limits"), budget);
        c.memory_limit = limit_of(&limits, "memory")
            .or_else(|| limit_of(&self.limits, "memory"))
            .or(defaults.memory);
        c.cpu_limit = limit_of(&limits, "cpu")
            .or_else(|| limit_of(&self.limits, "cpu"))
            .or(defaults.cpu);

        host_ports(&mut c, fields, budget);
        env(&mut c, fields, budget);
        c
    }

    /// The pod's host namespaces (`hostNetwork`, `hostPID`, `hostIPC`),
    /// shared by each of its containers.
    fn host_namespaces(&self, c: &mut Container) {
        let host_namespaces = [
            ("hostNetwork", NamespaceKind::Network),
            ("hostPID", NamespaceKind::Pid),
            ("hostIPC", NamespaceKind::Ipc),
        ];
        for (key, kind) in host_namespaces {
            if let Some((k, v)) = self.spec.entry(key) {
                if v.as_bool() == Some(true) {
                    c.namespaces.push(Namespace {
                        kind,
                        value: "host".into(),
                        origin: entry_origin(k, v),
                    });
                }
            }
        }
    }

    /// The container's `volumeMounts`, joined to the pod's volumes.
    fn mounts(&self, c: &mut Container, fields: &Fields<'a>, budget: &mut Budget) {
        let Some(list) = fields.get("volumeMounts") else {
            return;
        };
        for item in items(Some(list), budget) {
            let m = Fields::of(Some(item), budget);
            let Some(volume_name) = m.str("name") else {
                continue;
            };
            let Some(volume) = self.volumes.get(&volume_name) else {
                continue;
            };
            let sub_path = m
                .str("subPath")
                .or_else(|| m.str("subPathExpr"))
                .filter(|s| !s.trim().is_empty());
            let (kind, source) = match volume {
                Volume::HostPath(path) => (MountKind::Bind, join(path, sub_path.as_deref())),
                Volume::Tmpfs => (MountKind::Tmpfs, String::new()),
                Volume::Other => (MountKind::Volume, volume_name.clone()),
            };
            c.mounts.push(Mount {
                kind,
                source,
                target: m.str("mountPath").unwrap_or_default(),
                read_only: m.bool("readOnly"),
                origin: item_origin(list, item),
            });
        }
    }
}

/// `hostPath.path` + `subPath`.
fn join(path: &str, sub: Option<&str>) -> String {
    match sub {
        None => path.to_string(),
        Some(sub) => format!(
            "{}/{}",
            path.trim_end_matches('/'),
            sub.trim_start_matches('/')
        ),
    }
}

mod security;
/// The container's `ports` that publish on the node (a `hostPort`).
fn host_ports(c: &mut Container, fields: &Fields<'_>, budget: &mut Budget) {
    let Some(ports) = fields.get("ports") else {
        return;
    };
    for port in items(Some(ports), budget) {
        let p = Fields::of(Some(port), budget);
        // Only a hostPort publishes on the node; 0 means unset.
        let Some(host_port) = p
            .str("hostPort")
            .filter(|h| h.trim() != "0" && !h.trim().is_empty())
        else {
            continue;
        };
        c.ports.push(PortMapping {
            host_ip: p.str("hostIP"),
            host_port: Some(host_port),
            container_port: p.str("containerPort").unwrap_or_default(),
            origin: item_origin(ports, port),
        });
    }
}

/// The container's `env` entries; one set from elsewhere (`valueFrom`) has
/// no value.
fn env(c: &mut Container, fields: &Fields<'_>, budget: &mut Budget) {
    let Some(env) = fields.get("env") else {
        return;
    };
    for entry in items(Some(env), budget) {
        let e = Fields::of(Some(entry), budget);
        let Some(key) = e.str("name") else { continue };
        let value = match (e.get("value"), e.get("valueFrom")) {
            (Some(v), _) => Some(text(v).unwrap_or_default()),
            (None, Some(_)) => None,
            (None, None) => Some(String::new()),
        };
        c.env.push(EnvEntry {
            key,
            value,
            origin: item_origin(env, entry),
        });
    }
}

#[cfg(test)]
mod tests;
