//! The servers of a repository and where they are launched: what
//! [`crate::link::servers`] finds (its documentation says how).

use crate::{FileId, Span};

/// The package ecosystem of a manifest (and of the server it makes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ecosystem {
    Npm,
    Python,
    Go,
}

/// One server of the repository.
#[derive(Clone, Debug, Default)]
pub struct Server {
    /// Its directory, relative, `/`-separated (`""` for the root).
    pub root: String,
    /// The published name from its manifest.
    pub name: Option<String>,
    pub ecosystem: Option<Ecosystem>,
    /// Code units (indices into `CodeModel::units`).
    pub units: Vec<u32>,
    /// Images (indices into `Project::images`) that carry its code.
    pub images: Vec<usize>,
    pub launches: Vec<Launch>,
}

/// A place that launches a server on the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    pub file: FileId,
    /// The server's name where it is launched.
    pub span: Span,
    /// The package runner (`npx`, `uvx`, …).
    pub runner: &'static str,
}
