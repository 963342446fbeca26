//! Stage 5 of the pipeline: **rules**.
//!
//! One file per rule under [`rules`]; each file's doc comment is the rule's
//! documentation (`skillaudit explain`, `docs/rules/`). The explicit list in
//! [`registry`] is the catalogue. Rules see only the models of
//! `skillaudit-model`; a runtime rule written against [`Container`] covers
//! every source that describes containers.

pub mod analysis;
pub mod code;
pub mod docs;
mod finding;
pub mod registry;
pub mod rules;
pub mod secrets;

pub use finding::{
    Allowance, Applicability, Confidence, Finding, Fix, Location, Related, Severity,
};

use skillaudit_model::{Container, Image, Project};

/// Everything fixed about a rule: its id, default severity, summary and docs.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case id (rules.md).
    pub id: &'static str,
    pub severity: Severity,
    /// One line for `skillaudit rules`.
    pub summary: &'static str,
    /// What the rule looks at.
    pub target: Target,
    /// The rule file's doc comment (Markdown).
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation with the one leading space of each doc-comment line removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Image,
    Container,
    /// Both: values written in Dockerfiles and in container definitions.
    ImageAndContainer,
    Compound,
    File,
    /// Source code: flows from MCP handlers, descriptions, literals.
    Code,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Image => "image",
            Target::Container => "container",
            Target::ImageAndContainer => "image+container",
            Target::Compound => "compound",
            Target::File => "file",
            Target::Code => "code",
        }
    }
}

/// An Image with what rules may ask about it.
pub struct ImageCx<'a> {
    pub project: &'a Project,
    pub index: usize,
    pub image: &'a Image,
}

impl<'a> ImageCx<'a> {
    /// The containers in the repository that run this image.
    pub fn runners(&self) -> impl Iterator<Item = &'a Container> + 'a {
        let project = self.project;
        project
            .links
            .runners
            .get(self.index)
            .into_iter()
            .flatten()
            .map(move |&i| &project.containers[i])
    }
    /// Secret-looking files in this image's build context that
    /// `.dockerignore` does not exclude, with what the engine read of them.
    pub fn context_secret_files(&self) -> &'a [skillaudit_model::ContextFile] {
        self.project
            .contexts
            .get(self.index)
            .map(|c| c.secret_files.as_slice())
            .unwrap_or(&[])
    }
}

/// A Container with what rules may ask about it.
pub struct ContainerCx<'a> {
    pub project: &'a Project,
    pub index: usize,
    pub container: &'a Container,
}

impl<'a> ContainerCx<'a> {
    /// The Image built in this repository that the container runs, if any.
    pub fn image(&self) -> Option<(usize, &'a Image)> {
        let i = (*self.project.links.image_of.get(self.index)?)?;
        Some((i, &self.project.images[i]))
    }
}

/// A rule. Implement the hook(s) for what it looks at.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check_image(&self, _cx: &ImageCx<'_>, _out: &mut Vec<Finding>) {}
    fn check_container(&self, _cx: &ContainerCx<'_>, _out: &mut Vec<Finding>) {}
    /// Called once per scan with the whole code model.
    fn check_code(&self, _cx: &code::CodeCx<'_>, _out: &mut Vec<Finding>) {}
}

/// Declare a rule struct with its metadata; the doc comment becomes its documentation.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            severity: $sev:ident,
            target: $target:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::RuleMeta = $crate::RuleMeta {
                id: $id,
                severity: $crate::Severity::$sev,
                summary: $summary,
                target: $crate::Target::$target,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
