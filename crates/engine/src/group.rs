//! Grouping: **one finding per problem, not per line.**
//!
//! Occurrences of one rule for the same container (the same image run, or
//! the same service) or the same image, with the same message once the
//! container's own description is set aside, within one file, are one
//! problem: a README that shows twelve `docker run ghcr.io/o/s` examples
//! without `--read-only` has one `writable-root-filesystem` finding. The
//! first occurrence (in report order) is the finding; the others become
//! its related locations and its `repeats` (their fixes are applied with
//! it). Occurrences that differ in what they are about (two different host
//! paths mounted) keep their own findings, as do findings not made on a
//! container or an image (code, syntax errors, ignore comments).
//!
//! **Documentation** is one problem across files and images: the
//! examples of a repository are written from one habit (a monorepo's
//! nineteen server READMEs each show `docker run -i --rm mcp/<server>`
//! without `--cap-drop ALL`), and the fix is one change to that habit. So
//! documentation occurrences of one rule with the same message (the
//! container's description set aside) are one finding in the whole scan,
//! every example a related location; what an example is about (a host
//! path, a port, a secret's name) is in its message and keeps it apart.
//! Deployments, development, CI and test setups stay grouped per file and
//! container: each is a container somebody runs.
//!
//! Ignore comments act on occurrences before grouping (an ignore on any
//! occurrence's line suppresses that occurrence). A group keeps every
//! occurrence's fingerprint: its own is the smallest of them (so a
//! reordering of the examples keeps it), and a baseline that holds any of
//! them holds the group.

use std::collections::HashMap;

use skillaudit_model::{ContainerSource, FileId, Project};
use skillaudit_rules::{Finding, Location, ModelRef, Related, Severity};

/// One occurrence that survived ignores and the configuration.
pub struct Occurrence {
    pub finding: Finding,
    pub fingerprint: String,
    /// 0-based line of the occurrence.
    pub line: usize,
}

/// One finding with the occurrences it stands for (first = the finding).
pub struct Group {
    pub finding: Finding,
    /// The smallest fingerprint of the occurrences.
    pub fingerprint: String,
    /// Every occurrence.
    pub members: Vec<Member>,
}

/// One occurrence of a group, as a baseline records it.
pub struct Member {
    pub fingerprint: String,
    pub file: FileId,
    /// 0-based line.
    pub line: usize,
    pub message: String,
}

/// What makes two occurrences the same problem.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    /// `None` for documentation: one problem across files.
    file: Option<FileId>,
    rule: &'static str,
    severity: Severity,
    subject: Subject,
    message: String,
}

/// "The same container" within a file.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Subject {
    /// A command line or config entry running this image (tag and digest
    /// set aside: examples often vary the version).
    Image(String),
    /// A container known by its place (a compose service, a Kubernetes
    /// container, a job container) or without an image name.
    Container(usize),
    Dockerfile(usize),
    /// Never grouped.
    Alone(usize),
    /// Any documentation example: the message tells them apart.
    Documentation,
}

/// Group occurrences (given in report order) into findings, in the order
/// of their first occurrence.
pub fn group(project: &Project, occurrences: Vec<Occurrence>) -> Vec<Group> {
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::with_capacity(occurrences.len());
    for (n, o) in occurrences.into_iter().enumerate() {
        let k = key(project, &o.finding, n);
        let member = Member {
            fingerprint: o.fingerprint.clone(),
            file: o.finding.file,
            line: o.line,
            message: o.finding.message.clone(),
        };
        if let Some(&at) = index.get(&k) {
            let g = &mut groups[at];
            g.members.push(member);
            if o.fingerprint < g.fingerprint {
                g.fingerprint = o.fingerprint;
            }
            g.finding.repeats.push(o.finding);
        } else {
            index.insert(k, groups.len());
            groups.push(Group {
                finding: o.finding,
                fingerprint: o.fingerprint,
                members: vec![member],
            });
        }
    }
    for g in &mut groups {
        describe_repeats(&mut g.finding);
    }
    groups
}

/// The grouping key; `n` makes findings without a model unique.
fn key(project: &Project, f: &Finding, n: usize) -> Key {
    let (subject, own) = subject(project, f, n);
    let message = match own {
        Some(d) if !d.is_empty() => f.message.replace(&d, "\u{0}"),
        _ => f.message.clone(),
    };
    let documentation = f.context == skillaudit_model::Purpose::Documentation
        && !matches!(subject, Subject::Alone(_));
    Key {
        file: (!documentation).then_some(f.file),
        rule: f.rule.id,
        severity: f.severity,
        subject: if documentation {
            Subject::Documentation
        } else {
            subject
        },
        message,
    }
}

/// What a finding is about within its file, and the container's own
/// description (set aside from messages when grouping).
fn subject(project: &Project, f: &Finding, n: usize) -> (Subject, Option<String>) {
    match f.model {
        Some(ModelRef::Container(i)) => {
            let c = &project.containers[i];
            let subject = match (&c.source, &c.image) {
                (
                    ContainerSource::CommandLine { .. }
                    | ContainerSource::McpServer { .. }
                    | ContainerSource::RegistryPackage { .. },
                    Some(image),
                ) if !image.value.is_empty() => Subject::Image(untagged(&image.value)),
                _ => Subject::Container(i),
            };
            (subject, Some(c.source.describe()))
        }
        Some(ModelRef::Image(i)) => (Subject::Dockerfile(i), None),
        None => (Subject::Alone(n), None),
    }
}

/// The container a finding is about, across files, for the score: the
/// image a command line or config entry runs (so the same example in a
/// README and its translation is one container), else the container, the
/// image or (`n`) the finding itself.
pub fn container_key(project: &Project, f: &Finding, n: usize) -> String {
    match subject(project, f, n).0 {
        Subject::Image(name) => format!("image {name}"),
        Subject::Container(i) => format!("container {i}"),
        Subject::Dockerfile(i) => format!("dockerfile {i}"),
        Subject::Alone(_) | Subject::Documentation => format!("finding {n}"),
    }
}

/// An image reference without its tag or digest, lower-cased.
fn untagged(image: &str) -> String {
    let image = image.split('@').next().unwrap_or(image);
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    let name = match image[last_slash..].rfind(':') {
        Some(colon) => &image[..last_slash + colon],
        None => image,
    };
    name.to_ascii_lowercase()
}

/// The repeats as related locations (the message stays the rule's:
/// renderers say how many occurrences there are).
fn describe_repeats(f: &mut Finding) {
    if f.repeats.is_empty() {
        return;
    }
    let total = f.repeats.len() + 1;
    let word = occurrence_word(f);
    let related: Vec<Related> = f
        .repeats
        .iter()
        .enumerate()
        .map(|(k, r)| Related {
            location: Location::Span(r.file, r.span),
            message: format!("the same problem, {} {} of {total}", singular(word), k + 2),
        })
        .collect();
    f.related.extend(related);
}

/// "examples" for documentation, "occurrences" elsewhere.
pub fn occurrence_word(f: &Finding) -> &'static str {
    if f.context == skillaudit_model::Purpose::Documentation {
        "examples"
    } else {
        "occurrences"
    }
}

/// The message with the number of occurrences a grouped finding stands
/// for: "… (12 examples in this file)", "… (19 examples in 19 files)".
pub fn headline(f: &Finding) -> std::borrow::Cow<'_, str> {
    if f.repeats.is_empty() {
        return std::borrow::Cow::Borrowed(f.message.as_str());
    }
    let mut files: Vec<FileId> = f.repeats.iter().map(|r| r.file).collect();
    files.push(f.file);
    files.sort_unstable();
    files.dedup();
    let place = match files.len() {
        1 => "this file".to_string(),
        n => format!("{n} files"),
    };
    std::borrow::Cow::Owned(format!(
        "{} ({} {} in {place})",
        f.message,
        f.repeats.len() + 1,
        occurrence_word(f)
    ))
}

fn singular(word: &str) -> &str {
    word.strip_suffix('s').unwrap_or(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_lose_tags_and_digests_not_registry_ports() {
        assert_eq!(untagged("ghcr.io/acme/mcp:1.2"), "ghcr.io/acme/mcp");
        assert_eq!(untagged("mcp/files"), "mcp/files");
        assert_eq!(untagged("Acme/MCP@sha256:abc"), "acme/mcp");
        assert_eq!(untagged("localhost:5000/mcp:latest"), "localhost:5000/mcp");
        assert_eq!(untagged("localhost:5000/mcp"), "localhost:5000/mcp");
    }
}
