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
    Allowance, Applicability, Confidence, Finding, Fix, Location, ModelRef, Related, Severity,
};

use skillaudit_model::image::Instr;
use skillaudit_model::{Container, FileId, Image, Origin, Project, Purpose, Stage};

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
    /// The contexts whose images and containers the rule judges; the
    /// engine does not call the rule on the others.
    pub contexts: Contexts,
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

    /// Whether the rule judges an image or container of this purpose
    /// (the engine calls `check_image`/`check_container` only then).
    pub fn applies_to(&self, purpose: Purpose) -> bool {
        self.contexts.includes(purpose)
    }
}

/// The contexts ([`Purpose`]) whose images and containers a rule judges,
/// declared with the rule (`contexts: Deployed` in [`declare_rule!`]).
/// A rule whose purpose logic does more than skip a context (a lower
/// severity, a partial check) judges every context and decides itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contexts {
    /// Every context (the default).
    All,
    /// Deployments and documentation examples ([`Purpose::is_deployed`]):
    /// hardening rules, which throwaway CI, test and development containers
    /// are not held to.
    Deployed,
    /// Every context but CI jobs and test infrastructure.
    NotCiOrTest,
}

impl Contexts {
    pub fn includes(self, purpose: Purpose) -> bool {
        match self {
            Contexts::All => true,
            Contexts::Deployed => purpose.is_deployed(),
            Contexts::NotCiOrTest => !matches!(purpose, Purpose::Ci | Purpose::Test),
        }
    }

    /// The contexts left out, in [`Purpose::ALL`] order.
    pub fn skipped(self) -> Vec<Purpose> {
        Purpose::ALL
            .into_iter()
            .filter(|&p| !self.includes(p))
            .collect()
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
    /// The contexts the judging rule declares (set by the engine from its
    /// [`RuleMeta::contexts`]): [`ImageCx::run_stages`] gives only the
    /// stages of those purposes, so a rule never checks a stage's purpose
    /// itself.
    pub contexts: Contexts,
}

/// A stage of an Image that the repository runs or ships (see
/// `skillaudit_model::link`): what image rules judge.
#[derive(Clone, Copy, Debug)]
pub struct StageCx<'a> {
    pub stage: &'a Stage,
    /// The Dockerfile's last stage (what a build without a target makes).
    pub is_final: bool,
    pub purpose: Purpose,
    /// Where builds name this stage (`target: dev`, `--target dev`).
    pub selected_by: &'a [(FileId, Origin)],
}

impl StageCx<'_> {
    /// `final stage`, or `stage "dev"` for a stage a build targets.
    pub fn describe(&self) -> String {
        match (&self.stage.name, self.is_final) {
            (_, true) => "final stage".to_string(),
            (Some(name), false) => format!("stage \"{name}\""),
            (None, false) => format!("stage {}", self.stage.index),
        }
    }

    /// The finding with a related location at every build that selects
    /// this stage, so a reader sees why a stage other than the last is judged.
    pub fn with_selectors(&self, mut f: Finding) -> Finding {
        for &(file, origin) in self.selected_by {
            f = f.related_origin(
                file,
                origin,
                format!("builds and runs the {}", self.describe()),
            );
        }
        f
    }
}

impl<'a> ImageCx<'a> {
    /// The stages that run, in stage order: the last one (unless every
    /// build here targets another) and every stage a build targets; only
    /// those whose purpose the rule's contexts include.
    pub fn run_stages(&self) -> Vec<StageCx<'a>> {
        let mut stages = self.all_run_stages();
        stages.retain(|s| self.contexts.includes(s.purpose));
        stages
    }

    /// Every stage that runs, whatever its purpose.
    fn all_run_stages(&self) -> Vec<StageCx<'a>> {
        let image = self.image;
        let last = image.stages.len().checked_sub(1);
        match self.project.links.run_stages.get(self.index) {
            Some(runs) => runs
                .iter()
                .filter_map(|r| {
                    Some(StageCx {
                        stage: image.stages.get(r.stage)?,
                        is_final: Some(r.stage) == last,
                        purpose: r.purpose,
                        selected_by: &r.selected_by,
                    })
                })
                .collect(),
            // Not linked (a project built by hand): the last stage.
            None => image
                .final_stage()
                .map(|stage| StageCx {
                    stage,
                    is_final: true,
                    purpose: image.purpose,
                    selected_by: &[],
                })
                .into_iter()
                .collect(),
        }
    }

    /// The instructions in effect in these stages (each stage's chain,
    /// ancestors first), every instruction once even when several stages
    /// share it.
    pub fn instructions_of(&self, stages: &[StageCx<'a>]) -> Vec<&'a Instr> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for st in stages {
            for instr in self.image.instructions_in_order(st.stage) {
                if seen.insert(instr.span) {
                    out.push(instr);
                }
            }
        }
        out
    }

    /// The containers in the repository that run this stage of the image.
    pub fn runners_of(&self, stage: usize) -> impl Iterator<Item = &'a Container> + 'a {
        let project = self.project;
        let last = self.image.stages.len().saturating_sub(1);
        project
            .links
            .runners
            .get(self.index)
            .into_iter()
            .flatten()
            .filter(move |&&ci| {
                project
                    .links
                    .stage_of
                    .get(ci)
                    .copied()
                    .flatten()
                    .unwrap_or(last)
                    == stage
            })
            .map(move |&ci| &project.containers[ci])
    }

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

    /// The stage of that Image the container runs: the one its build
    /// targets, else the last.
    pub fn stage(&self) -> Option<&'a Stage> {
        let (_, image) = self.image()?;
        match self
            .project
            .links
            .stage_of
            .get(self.index)
            .copied()
            .flatten()
        {
            Some(s) => image.stages.get(s),
            None => image.final_stage(),
        }
    }
}

/// What [`declare_rule!`] implements for a rule struct: its metadata.
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule. Declare it with [`declare_rule!`] (which implements
/// [`Declared`]), then implement the hook(s) for what it looks at.
pub trait Rule: Declared + Send + Sync {
    fn check_image(&self, _cx: &ImageCx<'_>, _out: &mut Vec<Finding>) {}
    fn check_container(&self, _cx: &ContainerCx<'_>, _out: &mut Vec<Finding>) {}
    /// Called once per scan with the whole code model.
    fn check_code(&self, _cx: &code::CodeCx<'_>, _out: &mut Vec<Finding>) {}
}

/// Declare a rule struct with its metadata (`META`, and [`Declared::meta`]
/// returning it); the doc comment becomes its documentation. `contexts:`
/// (a [`Contexts`] variant, default `All`) is optional:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub struct MissingPidsLimit {
///         id: "missing-pids-limit",
///         severity: Low,
///         target: Container,
///         contexts: Deployed,
///         summary: "no process-count limit",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            severity: $sev:ident,
            target: $target:ident,
            $(contexts: $contexts:ident,)?
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
                contexts: $crate::declare_rule!(@contexts $($contexts)?),
                doc: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::Declared for $name {
            fn meta(&self) -> &'static $crate::RuleMeta {
                &Self::META
            }
        }
    };
    (@contexts) => {
        $crate::Contexts::All
    };
    (@contexts $contexts:ident) => {
        $crate::Contexts::$contexts
    };
}
