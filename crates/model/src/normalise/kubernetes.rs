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
//! * `seccompProfile.type: Unconfined` → security option `seccomp=unconfined`,
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

use skillaudit_syntax::yaml::{NodeRef, Stream};
use skillaudit_syntax::Span;

use crate::container::{
    Container, ContainerSource, EnvEntry, Mount, MountKind, Namespace, NamespaceKind, PortMapping,
};
use crate::normalise::nodes::{entry_origin, item_origin, origin, text};
use crate::project::FileId;
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
    skillaudit_syntax::yaml::parse(text).error.is_some()
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

/// A cap on the work done for one file (see the module docs). Shared with
/// the devcontainer normaliser.
pub(crate) struct Budget {
    left: usize,
}

impl Budget {
    pub(crate) fn new(units: usize) -> Budget {
        Budget { left: units }
    }

    /// Spend `n` units; false (and nothing left) when there are not enough.
    pub(crate) fn take(&mut self, n: usize) -> bool {
        match self.left.checked_sub(n) {
            Some(rest) => {
                self.left = rest;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }

    pub(crate) fn exhausted(&self) -> bool {
        self.left == 0
    }
}

/// A mapping's entries, read once (and charged to the budget).
#[derive(Default)]
pub(crate) struct Fields<'a> {
    entries: Vec<(NodeRef<'a>, NodeRef<'a>)>,
}

impl<'a> Fields<'a> {
    /// The entries of `node` if it is a mapping; none otherwise, or when the
    /// budget cannot pay for them.
    pub(crate) fn of(node: Option<NodeRef<'a>>, budget: &mut Budget) -> Fields<'a> {
        let Some(node) = node.filter(|n| n.is_mapping()) else {
            return Fields::default();
        };
        let entries = node.entries();
        if !budget.take(entries.len() + 1) {
            return Fields::default();
        }
        Fields { entries }
    }

    /// The `key: value` entry, unless its value is null (`key:`, `key: null`
    /// mean "not set" to Kubernetes). The first one when written twice.
    pub(crate) fn entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let (k, v) = self
            .entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .copied()?;
        (!v.is_null()).then_some((k, v))
    }

    /// Every entry, in order (null values included).
    pub(crate) fn all(&self) -> &[(NodeRef<'a>, NodeRef<'a>)] {
        &self.entries
    }

    pub(crate) fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    pub(crate) fn str(&self, key: &str) -> Option<String> {
        self.get(key).and_then(text)
    }

    pub(crate) fn bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(|v| v.as_bool())
    }
}

/// Items of a sequence (none for anything else), charged to the budget.
pub(crate) fn items<'a>(node: Option<NodeRef<'a>>, budget: &mut Budget) -> Vec<NodeRef<'a>> {
    let Some(node) = node.filter(|n| n.is_sequence()) else {
        return Vec::new();
    };
    let items = node.items();
    if !budget.take(items.len() + 1) {
        return Vec::new();
    }
    items
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
    let mut current = Fields {
        entries: object.fields.entries.clone(),
    };
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
        // Kubernetes has no per-container process limit (it is a kubelet setting).
        c.pids_limit_settable = false;
        c.image = fields
            .get("image")
            .and_then(|v| text(v).map(|s| Spanned::new(s, origin(v))));

        self.security_context(&mut c, name.as_deref(), fields, budget);

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

        self.mounts(&mut c, fields, budget);

        let resources = Fields::of(fields.get("resources"), budget);
        let limits = Fields::of(resources.get("limits"), budget);
        c.memory_limit = limit_of(&limits, "memory")
            .or_else(|| limit_of(&self.limits, "memory"))
            .or(defaults.memory);
        c.cpu_limit = limit_of(&limits, "cpu")
            .or_else(|| limit_of(&self.limits, "cpu"))
            .or(defaults.cpu);

        if let Some(ports) = fields.get("ports") {
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

        if let Some(env) = fields.get("env") {
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
        c
    }

    /// The merged pod + container security context.
    fn security_context(
        &self,
        c: &mut Container,
        name: Option<&str>,
        fields: &Fields<'a>,
        budget: &mut Budget,
    ) {
        let own = Fields::of(fields.get("securityContext"), budget);
        // Fields both levels have: the container's wins.
        let merged = |key: &str| own.entry(key).or_else(|| self.security.entry(key));

        if let Some((k, v)) = merged("runAsUser") {
            c.user = text(v).map(|u| Spanned::new(u, entry_origin(k, v)));
        }
        if let Some((k, v)) = merged("runAsNonRoot") {
            c.run_as_non_root = v.as_bool().map(|b| Spanned::new(b, entry_origin(k, v)));
        }
        if let Some((_, profile)) = merged("seccompProfile") {
            if let Some(o) = unconfined_type(profile, budget) {
                c.security_opts
                    .push(Spanned::new("seccomp=unconfined".to_string(), o));
            }
        }
        match merged("appArmorProfile") {
            Some((_, profile)) => {
                if let Some(o) = unconfined_type(profile, budget) {
                    c.security_opts
                        .push(Spanned::new("apparmor=unconfined".to_string(), o));
                }
            }
            None => {
                // Before 1.30: an annotation per container on the pod template.
                let key =
                    name.map(|n| format!("container.apparmor.security.beta.kubernetes.io/{n}"));
                if let Some((k, v)) = key.and_then(|key| self.annotations.entry(&key)) {
                    if text(v).is_some_and(|p| p.trim().eq_ignore_ascii_case("unconfined")) {
                        c.security_opts.push(Spanned::new(
                            "apparmor=unconfined".to_string(),
                            entry_origin(k, v),
                        ));
                    }
                }
            }
        }
        if let Some((_, options)) = merged("seLinuxOptions") {
            if let Some((k, v)) = Fields::of(Some(options), budget).entry("type") {
                if text(v).is_some_and(|t| t.trim() == "spc_t") {
                    c.security_opts.push(Spanned::new(
                        "label=disable".to_string(),
                        entry_origin(k, v),
                    ));
                }
            }
        }

        // Container-only fields.
        if let Some((k, v)) = own.entry("privileged") {
            if v.as_bool() == Some(true) {
                c.privileged = Some(entry_origin(k, v));
            }
        }
        if let Some((k, v)) = own.entry("allowPrivilegeEscalation") {
            if v.as_bool() == Some(false) {
                c.no_new_privileges = Some(entry_origin(k, v));
            }
        }
        if let Some((k, v)) = own.entry("readOnlyRootFilesystem") {
            c.read_only = v.as_bool().map(|b| Spanned::new(b, entry_origin(k, v)));
        }
        if let Some((k, v)) = own.entry("procMount") {
            if text(v).is_some_and(|m| m.trim().eq_ignore_ascii_case("Unmasked")) {
                c.security_opts.push(Spanned::new(
                    "systempaths=unconfined".to_string(),
                    entry_origin(k, v),
                ));
            }
        }
        let caps = Fields::of(own.get("capabilities"), budget);
        for (key, target) in [("add", &mut c.cap_add), ("drop", &mut c.cap_drop)] {
            let Some(list) = caps.get(key) else { continue };
            for cap in items(Some(list), budget) {
                if let Some(name) = text(cap) {
                    target.push(Spanned::new(name, item_origin(list, cap)));
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

/// A profile `{type: Unconfined}`: the origin of its `type` entry.
fn unconfined_type(profile: NodeRef<'_>, budget: &mut Budget) -> Option<Origin> {
    let (k, v) = Fields::of(Some(profile), budget).entry("type")?;
    text(v)
        .filter(|t| t.trim().eq_ignore_ascii_case("Unconfined"))
        .map(|_| entry_origin(k, v))
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

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::yaml::parse;
    use skillaudit_syntax::LineIndex;

    fn read(text: &str) -> Vec<Container> {
        let stream = parse(text);
        assert!(stream.error.is_none(), "{:?}", stream.error);
        containers(FileId(0), &stream)
    }

    /// 1-based line of an origin.
    fn line(text: &str, span: Span) -> u32 {
        LineIndex::new(text).line_col(text, span.start).line
    }

    fn src(text: &str, span: Span) -> &str {
        span.slice(text)
    }

    fn named<'c>(cs: &'c [Container], container: &str) -> &'c Container {
        cs.iter()
            .find(|c| matches!(&c.source, ContainerSource::Kubernetes { container: n, .. } if n == container))
            .unwrap_or_else(|| panic!("no container {container}"))
    }

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mcp-server
  namespace: tools
spec:
  replicas: 1
  template:
    metadata:
      labels: {app: mcp}
    spec:
      hostNetwork: true
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile:
          type: Unconfined
      volumes:
        - name: docker-sock
          hostPath:
            path: /var/run/docker.sock
            type: Socket
        - name: cache
          emptyDir: {}
        - name: run
          hostPath:
            path: /var/run
      initContainers:
        - name: init
          image: busybox:1.36
      containers:
        - name: server
          image: ghcr.io/acme/mcp:1.2.0
          securityContext:
            runAsUser: 0
            privileged: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
              add: [NET_ADMIN]
            seccompProfile:
              type: RuntimeDefault
          volumeMounts:
            - name: docker-sock
              mountPath: /var/run/docker.sock
            - name: cache
              mountPath: /cache
            - name: run
              mountPath: /host/docker.sock
              subPath: docker.sock
              readOnly: true
          ports:
            - containerPort: 8080
            - containerPort: 9090
              hostPort: 9090
              hostIP: 127.0.0.1
          resources:
            limits:
              memory: 512Mi
              cpu: 500m
            requests:
              memory: 128Mi
          env:
            - name: GITHUB_TOKEN
              value: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB
            - name: FROM_SECRET
              valueFrom:
                secretKeyRef: {name: s, key: k}
            - name: EMPTY
";

    #[test]
    fn deployment_container_overrides_pod_security_context() {
        let cs = read(DEPLOYMENT);
        assert_eq!(cs.len(), 2);
        let server = named(&cs, "server");
        assert_eq!(
            server.source,
            ContainerSource::Kubernetes {
                kind: "Deployment".into(),
                name: "mcp-server".into(),
                container: "server".into()
            }
        );
        assert_eq!(src(DEPLOYMENT, server.definition), "name: server");
        assert_eq!(
            server.image.as_ref().map(|i| i.value.as_str()),
            Some("ghcr.io/acme/mcp:1.2.0")
        );
        // Container runAsUser: 0 wins over the pod's 1000; runAsNonRoot comes from the pod.
        let user = server.user.as_ref().expect("user");
        assert_eq!(user.value, "0");
        assert_eq!(src(DEPLOYMENT, user.origin.span), "runAsUser: 0");
        assert_eq!(line(DEPLOYMENT, user.origin.span), 35);
        let non_root = server.run_as_non_root.as_ref().expect("runAsNonRoot");
        assert!(non_root.value);
        assert_eq!(line(DEPLOYMENT, non_root.origin.span), 14);
        // The container's seccompProfile (RuntimeDefault) replaces the pod's Unconfined.
        assert!(
            server.security_opts.is_empty(),
            "{:?}",
            server.security_opts
        );
        // The init container inherits the pod's user and seccomp profile.
        let init = named(&cs, "init");
        assert_eq!(init.user.as_ref().map(|u| u.value.as_str()), Some("1000"));
        assert_eq!(init.security_opts.len(), 1);
        assert_eq!(init.security_opts[0].value, "seccomp=unconfined");
        assert_eq!(
            src(DEPLOYMENT, init.security_opts[0].origin.span),
            "type: Unconfined"
        );
        assert_eq!(line(DEPLOYMENT, init.security_opts[0].origin.span), 17);
        assert!(
            init.privileged.is_none()
                && init.no_new_privileges.is_none()
                && init.read_only.is_none()
        );
    }

    #[test]
    fn container_only_security_fields() {
        let cs = read(DEPLOYMENT);
        let server = named(&cs, "server");
        let privileged = server.privileged.expect("privileged");
        assert_eq!(src(DEPLOYMENT, privileged.span), "privileged: true");
        assert_eq!(line(DEPLOYMENT, privileged.span), 36);
        assert_eq!(
            line(DEPLOYMENT, server.no_new_privileges.expect("nnp").span),
            37
        );
        assert_eq!(server.read_only.as_ref().map(|r| r.value), Some(true));
        assert_eq!(
            server
                .cap_drop
                .iter()
                .map(|c| c.value.as_str())
                .collect::<Vec<_>>(),
            ["ALL"]
        );
        assert_eq!(server.cap_add.len(), 1);
        assert_eq!(server.cap_add[0].value, "NET_ADMIN");
        assert_eq!(src(DEPLOYMENT, server.cap_add[0].origin.span), "NET_ADMIN");
        assert_eq!(line(DEPLOYMENT, server.cap_add[0].origin.span), 41);
    }

    #[test]
    fn host_network_points_at_the_pod_spec() {
        let cs = read(DEPLOYMENT);
        for c in &cs {
            let ns: Vec<_> = c.host_namespaces().collect();
            assert_eq!(ns.len(), 1);
            assert_eq!(ns[0].kind, NamespaceKind::Network);
            assert_eq!(src(DEPLOYMENT, ns[0].origin.span), "hostNetwork: true");
            assert_eq!(line(DEPLOYMENT, ns[0].origin.span), 12);
        }
    }

    #[test]
    fn host_path_volumes_join_volume_mounts() {
        let cs = read(DEPLOYMENT);
        let server = named(&cs, "server");
        assert_eq!(server.mounts.len(), 3);
        let sock = &server.mounts[0];
        assert_eq!(
            (sock.kind, sock.source.as_str(), sock.target.as_str()),
            (
                MountKind::Bind,
                "/var/run/docker.sock",
                "/var/run/docker.sock"
            )
        );
        assert_eq!(sock.read_only, None);
        assert_eq!(line(DEPLOYMENT, sock.origin.span), 45);
        assert!(src(DEPLOYMENT, sock.origin.span).starts_with("name: docker-sock"));
        let cache = &server.mounts[1];
        assert_eq!(
            (cache.kind, cache.source.as_str()),
            (MountKind::Volume, "cache")
        );
        // subPath selects the socket inside a hostPath directory.
        let sub = &server.mounts[2];
        assert_eq!(
            (sub.kind, sub.source.as_str(), sub.read_only),
            (MountKind::Bind, "/var/run/docker.sock", Some(true))
        );
        // The init container mounts nothing.
        assert!(named(&cs, "init").mounts.is_empty());
    }

    #[test]
    fn resources_ports_env() {
        let cs = read(DEPLOYMENT);
        let server = named(&cs, "server");
        assert_eq!(
            src(DEPLOYMENT, server.memory_limit.expect("memory").span),
            "memory: 512Mi"
        );
        assert_eq!(line(DEPLOYMENT, server.cpu_limit.expect("cpu").span), 61);
        // Kubernetes has no per-container pids limit.
        assert!(server.pids_limit.is_none());
        let init = named(&cs, "init");
        assert!(init.memory_limit.is_none() && init.cpu_limit.is_none());
        // Only the hostPort is published on the host.
        assert_eq!(server.ports.len(), 1);
        let p = &server.ports[0];
        assert_eq!(
            (
                p.host_ip.as_deref(),
                p.host_port.as_deref(),
                p.container_port.as_str()
            ),
            (Some("127.0.0.1"), Some("9090"), "9090")
        );
        assert!(!p.on_all_interfaces());
        assert_eq!(line(DEPLOYMENT, p.origin.span), 55);
        let env: Vec<_> = server
            .env
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(
            env,
            [
                (
                    "GITHUB_TOKEN",
                    Some("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB")
                ),
                ("FROM_SECRET", None),
                ("EMPTY", Some(""))
            ]
        );
        assert_eq!(line(DEPLOYMENT, server.env[0].origin.span), 65);
    }

    #[test]
    fn cronjob_pod_template() {
        let text = "\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: '0 3 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: sync
              image: ghcr.io/acme/sync:2
              securityContext:
                runAsNonRoot: false
";
        let cs = read(text);
        assert_eq!(cs.len(), 1);
        let c = &cs[0];
        assert_eq!(
            c.source.describe(),
            "container \"sync\" of CronJob \"nightly\""
        );
        assert_eq!(line(text, c.definition), 13);
        let nr = c.run_as_non_root.as_ref().expect("runAsNonRoot");
        assert!(!nr.value);
        assert_eq!(line(text, nr.origin.span), 16);
    }

    #[test]
    fn multi_document_with_a_service() {
        let text = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
---
";
        let stream = parse(text);
        assert!(is_manifest(&stream));
        let cs = containers(FileId(3), &stream);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].file, FileId(3));
        assert_eq!(line(text, cs[0].definition), 16);
        assert_eq!(line(text, cs[0].image.as_ref().unwrap().origin.span), 17);
    }

    #[test]
    fn pod_list_and_statefulset() {
        let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: debug}
    spec:
      hostPID: true
      hostIPC: true
      containers:
        - image: alpine
          securityContext:
            procMount: Unmasked
            appArmorProfile: {type: Unconfined}
            seLinuxOptions: {type: spc_t}
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db}
    spec:
      template:
        spec:
          containers:
            - name: db
              image: postgres:16
";
        let cs = read(text);
        assert_eq!(cs.len(), 2);
        let debug = &cs[0];
        // No name: the list item is the definition.
        assert_eq!(
            debug.source.describe(),
            "container \"containers[0]\" of Pod \"debug\""
        );
        assert_eq!(line(text, debug.definition), 11);
        let kinds: Vec<_> = debug.host_namespaces().map(|n| n.kind).collect();
        assert_eq!(kinds, [NamespaceKind::Pid, NamespaceKind::Ipc]);
        let opts: Vec<_> = debug
            .security_opts
            .iter()
            .map(|o| (o.value.as_str(), line(text, o.origin.span)))
            .collect();
        assert_eq!(
            opts,
            [
                ("apparmor=unconfined", 14),
                ("label=disable", 15),
                ("systempaths=unconfined", 13)
            ]
        );
        assert_eq!(
            cs[1].source.describe(),
            "container \"db\" of StatefulSet \"db\""
        );
    }

    #[test]
    fn apparmor_annotation() {
        let text = "\
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/a: unconfined
    container.apparmor.security.beta.kubernetes.io/b: runtime/default
spec:
  containers:
    - {name: a, image: x}
    - {name: b, image: x}
";
        let cs = read(text);
        assert_eq!(cs[0].security_opts.len(), 1);
        assert_eq!(cs[0].security_opts[0].value, "apparmor=unconfined");
        assert_eq!(line(text, cs[0].security_opts[0].origin.span), 6);
        assert!(cs[1].security_opts.is_empty());
    }

    #[test]
    fn limit_range_defaults_apply_in_the_same_namespace() {
        let text = "\
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: tools}
spec:
  limits:
    - type: Container
      default: {memory: 256Mi}
      max: {cpu: '1'}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: tools}
spec:
  containers: [{name: a, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  containers: [{name: b, image: x}]
";
        let cs = read(text);
        assert_eq!(
            line(text, cs[0].memory_limit.expect("default memory").span),
            7
        );
        assert_eq!(line(text, cs[0].cpu_limit.expect("max cpu").span), 8);
        assert!(cs[1].memory_limit.is_none() && cs[1].cpu_limit.is_none());
    }

    #[test]
    fn anchors_point_at_the_use_site() {
        let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x
      securityContext: &sc
        privileged: true
    - name: b
      image: x
      securityContext: *sc
";
        let cs = read(text);
        let a = cs[0].privileged.expect("a");
        assert_eq!((line(text, a.span), a.anchor), (9, None));
        let b = cs[1].privileged.expect("b");
        assert_eq!(line(text, b.span), 12);
        assert_eq!(b.anchor.map(|s| line(text, s)), Some(9));
    }

    #[test]
    fn not_workloads_and_odd_shapes() {
        for text in [
            "",
            "just a string",
            "[1, 2]",
            "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n",
            "apiVersion: v1\nkind: Pod\nspec: 3\n",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers: 3\n",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers: [1, [2], null]\n",
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: [x]\n",
            "kind: List\nitems: {a: 1}\n",
            "kind: List\nitems:\n  - kind: List\n    items:\n      - kind: List\n        items:\n          - kind: List\n            items:\n              - kind: List\n                items:\n                  - kind: Pod\n                    spec: {containers: [{name: deep}]}\n",
        ] {
            let cs = containers(FileId(0), &parse(text));
            assert!(cs.is_empty(), "{text:?}: {}", cs.len());
        }
        // Null values mean "not set".
        let cs = read("kind: Pod\nspec:\n  securityContext:\n  containers:\n    - name: a\n      securityContext:\n        runAsUser:\n        privileged: null\n");
        assert!(cs[0].user.is_none() && cs[0].privileged.is_none());
        assert!(!is_manifest(&parse("kind: Pod\n")));
        assert!(!is_manifest(&parse("apiVersion: v1\nkind: ~\n")));
        assert!(!is_manifest(&parse("- apiVersion: v1\n  kind: Pod\n")));
    }

    #[test]
    fn every_prefix_is_safe() {
        // Truncated files (each a different parse error or odd shape) never panic.
        for (i, _) in DEPLOYMENT.char_indices() {
            let prefix = &DEPLOYMENT[..i];
            let stream = parse(prefix);
            let _ = containers(FileId(0), &stream);
            let _ = is_manifest(&stream);
            let _ = is_helm_template(prefix);
        }
    }

    #[test]
    fn alias_bombs_stay_bounded() {
        // 100 pods × 100 containers × 100 env entries through aliases would be
        // a million entries; the budget stops it early.
        let mut text = String::from("kind: List\nx-env: &e [");
        text.push_str(&vec!["{name: A, value: b}"; 100].join(", "));
        text.push_str("]\nx-c: &c {name: c, env: *e}\nx-cs: &cs [");
        text.push_str(&vec!["*c"; 100].join(", "));
        text.push_str("]\nx-pod: &pod {kind: Pod, spec: {containers: *cs}}\nitems: [");
        text.push_str(&vec!["*pod"; 1000].join(", "));
        text.push_str("]\n");
        let start = std::time::Instant::now();
        let cs = containers(FileId(0), &parse(&text));
        assert!(!cs.is_empty());
        let entries: usize = cs.iter().map(|c| c.env.len()).sum();
        assert!(entries <= WORK_BUDGET, "{entries}");
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn helm_templates() {
        assert!(is_helm_template(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"chart.fullname\" . }}\nspec:\n  replicas: {{ .Values.replicas }}\n"
        ));
        assert!(is_helm_template(
            "{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n"
        ));
        assert!(is_helm_template(
            "image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n"
        ));
        // Not YAML at all once the action is there: some other template engine.
        assert!(is_helm_template(
            "kind: Pod\nspec:\n  image: {{ image }}:{{ tag }}\n"
        ));
        // A plain manifest.
        assert!(!is_helm_template(DEPLOYMENT));
        // Actions only in comments.
        assert!(!is_helm_template(
            "# {{ .Values.x }}\nkind: Pod # {{ .Values.y }}\n"
        ));
        // Go-template text inside values of a plain manifest (Prometheus rules).
        assert!(!is_helm_template(
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n    - rules:\n        - alert: Down\n          annotations:\n            summary: \"Pod {{ $labels.pod }} is down\"\n            description: Instance {{ $labels.instance }} down\n"
        ));
        // `#` inside a value is not a comment.
        assert!(is_helm_template("color: a#{{ .Values.c }}\n"));
        // Unterminated actions and odd bytes do not panic.
        assert!(!is_helm_template("a: {{ é"));
        assert!(!is_helm_template("}}{{"));
    }
}
