//! Kubernetes editor: a container's `securityContext` and `resources`.
//!
//! The container's mapping is found by its definition (its `name:` entry,
//! as the normaliser recorded it); a container reached through a YAML
//! anchor is not found and not edited. Edits reuse the compose editor's
//! YAML primitives (keys added after the mapping's last entry at its
//! indentation, lists appended, scalars replaced):
//!
//! * no-new-privileges → `securityContext.allowPrivilegeEscalation: false`;
//! * drop all → `securityContext.capabilities.drop: [ALL]`, only once the
//!   container has its own `securityContext` (so that two fixes of one
//!   round never both create it; the next round adds it);
//! * limits → `resources.limits` `memory: 512Mi` / `cpu: "1"`;
//! * privileged → `privileged: false`.
//!
//! A read-only root filesystem needs a writable volume for `/tmp` at the
//! pod level; that fix stays manual.

use std::collections::HashMap;

use skillaudit_syntax::tree::{NodeId, NodeKind, Stream};
use skillaudit_syntax::Span;

use super::compose::{Cx, Value};
use crate::container::Container;
use crate::project::SourceFile;
use crate::remedy::{Remedy, TextEdit};

pub fn edits(
    file: &SourceFile,
    stream: &Stream,
    containers: &Containers,
    c: &Container,
    remedy: &Remedy,
) -> Option<Vec<TextEdit>> {
    let &(d, container) = containers.by_definition.get(&c.definition)?;
    let doc = stream.documents.get(d)?;
    let cx = Cx::with_newline(file, doc, containers.nl);
    if cx.anchored(container) || cx.is_flow(container) {
        return None;
    }
    match remedy {
        Remedy::NoNewPrivileges => no_new_privileges(&cx, container),
        Remedy::DropAllCapabilities => drop_all(&cx, container),
        Remedy::ResourceLimits => resource_limits(&cx, container, c),
        Remedy::RemovePrivileged => {
            let sc = child(&cx, container, "securityContext")??;
            let (_, v) = cx.own(sc, "privileged")?;
            if cx.anchored(v) || cx.scalar(v).is_none() {
                return None;
            }
            Some(vec![TextEdit::replace(file.id, cx.span(v), "false")])
        }
        _ => None,
    }
}

/// The container's own block mapping under `key`, if written (`Some(None)`
/// when it is not; `None` when it is something this editor cannot edit).
fn child(cx: &Cx<'_>, map: NodeId, key: &str) -> Option<Option<NodeId>> {
    match cx.own(map, key) {
        None => Some(None),
        Some((_, v)) if cx.is_mapping(v) && !cx.anchored(v) => Some(Some(v)),
        Some(_) => None,
    }
}

/// `securityContext.allowPrivilegeEscalation: false`.
fn no_new_privileges(cx: &Cx<'_>, container: NodeId) -> Option<Vec<TextEdit>> {
    match child(cx, container, "securityContext")? {
        Some(sc) => cx.set_scalars(sc, &[("allowPrivilegeEscalation", "false".into())]),
        None => {
            let value = Value::Map(vec![(
                "allowPrivilegeEscalation",
                Value::Scalar("false".into()),
            )]);
            cx.add_entries(container, &[("securityContext", value)])
                .map(|e| vec![e])
        }
    }
}

/// `securityContext.capabilities.drop: [ALL]`, in an existing
/// `securityContext` only.
fn drop_all(cx: &Cx<'_>, container: NodeId) -> Option<Vec<TextEdit>> {
    let sc = child(cx, container, "securityContext")??;
    let edit = match child(cx, sc, "capabilities")? {
        Some(caps) => match cx.own(caps, "drop") {
            Some((_, list)) => cx.append_item(list, "ALL")?,
            None => cx.add_entries(caps, &[("drop", Value::List(vec!["ALL".into()]))])?,
        },
        None => {
            let value = Value::Map(vec![("drop", Value::List(vec!["ALL".into()]))]);
            cx.add_entries(sc, &[("capabilities", value)])?
        }
    };
    Some(vec![edit])
}

/// `resources.limits` for the memory and CPU limits the container lacks.
fn resource_limits(cx: &Cx<'_>, container: NodeId, c: &Container) -> Option<Vec<TextEdit>> {
    let mut want: Vec<(&'static str, String)> = Vec::new();
    if c.memory_limit.is_none() {
        want.push(("memory", "512Mi".into()));
    }
    if c.cpu_limit.is_none() {
        want.push(("cpu", "\"1\"".into()));
    }
    if want.is_empty() {
        return None;
    }
    let map = |w: &[(&'static str, String)]| {
        Value::Map(
            w.iter()
                .map(|(k, v)| (*k, Value::Scalar(v.clone())))
                .collect(),
        )
    };
    match child(cx, container, "resources")? {
        Some(res) => match child(cx, res, "limits")? {
            Some(limits) => cx.set_scalars(
                limits,
                &want
                    .iter()
                    .map(|(k, v)| (*k, v.clone()))
                    .collect::<Vec<_>>(),
            ),
            None => cx
                .add_entries(res, &[("limits", map(&want))])
                .map(|e| vec![e]),
        },
        None => cx
            .add_entries(
                container,
                &[("resources", Value::Map(vec![("limits", map(&want))]))],
            )
            .map(|e| vec![e]),
    }
}

/// The mapping whose own `name:` entry is the container's definition.
/// Every mapping with a `name:` entry of a manifest file, by the span of
/// that entry (a container's `definition`): built once per file, so that
/// finding a container costs nothing per edit.
#[derive(Debug, Default)]
pub struct Containers {
    by_definition: HashMap<Span, (usize, NodeId)>,
    /// The file's line ending.
    nl: &'static str,
}

impl Containers {
    pub fn new(file: &SourceFile, stream: &Stream) -> Containers {
        let mut by_definition = HashMap::new();
        for (d, doc) in stream.documents.iter().enumerate() {
            for (i, node) in doc.nodes.iter().enumerate() {
                let NodeKind::Mapping(pairs) = &node.kind else {
                    continue;
                };
                for &(k, v) in pairs {
                    if matches!(&doc.node(k).kind, NodeKind::Scalar { value, .. } if value == "name")
                    {
                        let span = doc.node(k).span.cover(doc.node(v).span);
                        // The first mapping of a definition, as a search would find it.
                        by_definition.entry(span).or_insert((d, NodeId(i as u32)));
                    }
                }
            }
        }
        Containers {
            by_definition,
            nl: super::newline(&file.text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::{FileId, FileKind};
    use crate::normalise::kubernetes;
    use crate::remedy::apply;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: server\n      image: mcp/s:1.0\n      securityContext:\n        privileged: true\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: mcp/w:1.0\n";

    fn fix(index: usize, remedy: Remedy) -> Option<String> {
        let stream = skillaudit_syntax::tree::yaml::parse(POD);
        let file = SourceFile::new(
            FileId(0),
            "k.yaml".into(),
            "k.yaml".into(),
            FileKind::Kubernetes,
            POD.into(),
        );
        let cs = kubernetes::containers(FileId(0), &stream);
        let e = edits(
            &file,
            &stream,
            &Containers::new(&file, &stream),
            &cs[index],
            &remedy,
        )?;
        let out = apply(POD, &e.iter().collect::<Vec<_>>())?;
        let again = skillaudit_syntax::tree::yaml::parse(&out);
        assert!(
            again.error.is_none() && again.duplicate_keys.is_empty(),
            "{out}"
        );
        Some(out)
    }

    #[test]
    fn security_context_and_limits() {
        let out = fix(0, Remedy::NoNewPrivileges).unwrap();
        assert!(
            out.contains("        privileged: true\n        allowPrivilegeEscalation: false\n---"),
            "{out}"
        );
        assert!(fix(0, Remedy::DropAllCapabilities)
            .unwrap()
            .contains("        capabilities:\n          drop:\n            - ALL\n---"));
        assert!(fix(0, Remedy::RemovePrivileged)
            .unwrap()
            .contains("privileged: false\n"));
        let out = fix(1, Remedy::NoNewPrivileges).unwrap();
        assert!(out.ends_with("        image: mcp/w:1.0\n        securityContext:\n          allowPrivilegeEscalation: false\n"), "{out}");
        // No securityContext yet: capabilities wait for the next round.
        assert_eq!(fix(1, Remedy::DropAllCapabilities), None);
        let out = fix(1, Remedy::ResourceLimits).unwrap();
        assert!(out.ends_with("        resources:\n          limits:\n            memory: 512Mi\n            cpu: \"1\"\n"), "{out}");
    }
}
