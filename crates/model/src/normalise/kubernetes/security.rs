//! A container's security context, merged with its pod's as the kubelet
//! merges them (see the module docs of [`super`]), and the legacy
//! annotations that said the same before the fields existed.
//!
//! **seccomp** is resolved in the kubelet's order: the container's
//! `seccompProfile`, its `container.seccomp.security.alpha.kubernetes.io/<name>`
//! annotation, the pod's `seccompProfile`, the pod's
//! `seccomp.security.alpha.kubernetes.io/pod` annotation. `Unconfined` /
//! `unconfined` becomes the security option `seccomp=unconfined`; any other
//! profile (`RuntimeDefault`, `Localhost`, `runtime/default`,
//! `docker/default`, `localhost/<file>`) confines the container. When none
//! of the four is set, [`crate::container::KubernetesSettings::seccomp_unset`] is true: unlike Docker,
//! the kubelet applies no profile then, unless it runs with
//! `--seccomp-default` (opt-in, GA in Kubernetes 1.27).

use skillaudit_syntax::tree::NodeRef;

use super::Pod;
use crate::container::Container;
use crate::normalise::nodes::{entry_origin, item_origin, text};
use crate::normalise::nodes::{items, Budget, Fields};
use crate::{Origin, Spanned};

/// What a seccomp setting says.
enum Seccomp {
    Unconfined(Origin),
    Confined,
}

impl<'a> Pod<'a> {
    /// The merged pod + container security context.
    pub(super) fn security_context(
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
            if let Some(kube) = c.kubernetes.as_mut() {
                kube.run_as_non_root = v.as_bool().map(|b| Spanned::new(b, entry_origin(k, v)));
            }
        }
        self.seccomp(c, name, &own, budget);
        self.apparmor(c, name, merged("appArmorProfile"), budget);
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

        container_only(c, &own, budget);
    }

    /// The container's AppArmor profile: the merged `appArmorProfile`,
    /// else (before 1.30) the container's annotation on the pod template.
    fn apparmor(
        &self,
        c: &mut Container,
        name: Option<&str>,
        merged: Option<(NodeRef<'a>, NodeRef<'a>)>,
        budget: &mut Budget,
    ) {
        match merged {
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
    }

    /// The container's seccomp profile (see the module docs).
    fn seccomp(
        &self,
        c: &mut Container,
        name: Option<&str>,
        own: &Fields<'a>,
        budget: &mut Budget,
    ) {
        let container_annotation = name.and_then(|n| {
            self.annotations.entry(&format!(
                "container.seccomp.security.alpha.kubernetes.io/{n}"
            ))
        });
        let found = own
            .get("seccompProfile")
            .map(|p| profile(p, budget))
            .or_else(|| container_annotation.map(annotation))
            .or_else(|| {
                self.security
                    .get("seccompProfile")
                    .map(|p| profile(p, budget))
            })
            .or_else(|| {
                self.annotations
                    .entry("seccomp.security.alpha.kubernetes.io/pod")
                    .map(annotation)
            });
        match found {
            Some(Seccomp::Unconfined(o)) => c
                .security_opts
                .push(Spanned::new("seccomp=unconfined".to_string(), o)),
            Some(Seccomp::Confined) => {}
            None => {
                if let Some(kube) = c.kubernetes.as_mut() {
                    kube.seccomp_unset = true;
                }
            }
        }
    }
}

/// The fields only a container's own security context has: privileged,
/// privilege escalation, read-only root, `procMount`, capabilities.
fn container_only(c: &mut Container, own: &Fields<'_>, budget: &mut Budget) {
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

/// A `seccompProfile` / `appArmorProfile` mapping.
fn profile(node: NodeRef<'_>, budget: &mut Budget) -> Seccomp {
    match unconfined_type(node, budget) {
        Some(o) => Seccomp::Unconfined(o),
        None => Seccomp::Confined,
    }
}

/// A legacy annotation `key: unconfined | runtime/default | localhost/…`.
fn annotation((k, v): (NodeRef<'_>, NodeRef<'_>)) -> Seccomp {
    if text(v).is_some_and(|p| p.trim().eq_ignore_ascii_case("unconfined")) {
        Seccomp::Unconfined(entry_origin(k, v))
    } else {
        Seccomp::Confined
    }
}

/// A profile `{type: Unconfined}`: the origin of its `type` entry.
pub(super) fn unconfined_type(profile: NodeRef<'_>, budget: &mut Budget) -> Option<Origin> {
    let (k, v) = Fields::of(Some(profile), budget).entry("type")?;
    text(v)
        .filter(|t| t.trim().eq_ignore_ascii_case("Unconfined"))
        .map(|_| entry_origin(k, v))
}
