//! Stages 3 and 4 of the pipeline: **normalise** and **link**.
//!
//! Every source of container configuration is turned into one of two models:
//! [`Image`] (what a Dockerfile builds) and [`Container`] (how an image is
//! run, whatever file said so). Every field remembers where it came from as
//! an [`Origin`] (a byte span in the model's file, plus the anchor definition
//! when the value came through a YAML alias or merge). Rules only ever see
//! these models; per-format knowledge stays in [`normalise`].

pub mod code;
pub mod container;
pub mod edit;
pub mod file;
pub mod image;
pub mod imageref;
pub mod link;
pub mod links;
pub mod normalise;
pub mod project;
pub mod remedy;
pub mod settings;

pub use container::{
    ArgSyntax, CommandLine, Container, ContainerSource, EnvEntry, KubernetesSettings, Mount,
    MountKind, Namespace, NamespaceKind, PortMapping, Purpose,
};
pub use file::{FileId, FileKind, Format};
pub use image::{Image, Stage};
pub use imageref::ImageRef;
pub use project::{BuildContext, CodeModel, ContextFile, Project, SourceFile};
pub use remedy::{Remedy, Subject, TextEdit};
pub use settings::Settings;
pub use skillaudit_syntax::{Span, SyntaxError};

/// Where a model value came from, in the model's own file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// Where a finding about the value points: the value itself, or the
    /// alias / merge key through which it was used.
    pub span: Span,
    /// When the value came from a YAML anchor: the anchor's definition.
    pub anchor: Option<Span>,
}

impl Origin {
    pub fn at(span: Span) -> Origin {
        Origin { span, anchor: None }
    }
}

impl From<Span> for Origin {
    fn from(span: Span) -> Origin {
        Origin::at(span)
    }
}

/// A value with its origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Spanned<T> {
    pub fn new(value: T, origin: impl Into<Origin>) -> Spanned<T> {
        Spanned {
            value,
            origin: origin.into(),
        }
    }
}
