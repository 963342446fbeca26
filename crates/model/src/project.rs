//! The files of one scan and the models built from them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use skillaudit_syntax::{LineIndex, SyntaxError};

use crate::container::{CommandLine, Found};
pub use crate::file::{FileId, FileKind, Format};
pub use crate::links::{Links, RunStage};
use crate::{Container, Image};

/// One file read for the scan; its text is read exactly once.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path shown in reports: relative to the scan target, `/`-separated.
    pub path: String,
    /// The path on disk.
    pub abs: PathBuf,
    pub kind: FileKind,
    /// How the file is written, as decided when it was recognised.
    pub format: Format,
    pub text: String,
    line_index: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(id: FileId, path: String, abs: PathBuf, kind: FileKind, text: String) -> SourceFile {
        SourceFile {
            id,
            path,
            abs,
            kind,
            format: Format::of_kind(kind),
            text,
            line_index: OnceLock::new(),
        }
    }

    /// The file written in `format` rather than its kind's usual one
    /// ([`Format::of_kind`]).
    pub fn with_format(mut self, format: Format) -> SourceFile {
        self.format = format;
        self
    }

    /// The line index, computed on first use (only rendering needs it).
    pub fn lines(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }
}

/// Everything one scan knows: files, models, the links between them and
/// the files that could not be parsed.
#[derive(Debug, Default)]
pub struct Project {
    pub files: Vec<SourceFile>,
    pub images: Vec<Image>,
    pub containers: Vec<Container>,
    /// By container index, for each container a command line starts:
    /// where its words are (see [`Found`]). Added with the container by
    /// [`Project::push_container`], read with [`Project::command_line`].
    pub command_lines: BTreeMap<usize, CommandLine>,
    /// Files recognised but not (fully) parsable.
    pub syntax_errors: Vec<(FileId, SyntaxError)>,
    pub links: Links,
    /// `docker build -t …` commands found in scripts, workflows, Makefiles, READMEs.
    pub builds: Vec<(FileId, crate::container::BuildCommand)>,
    /// For each image (by index): what its build context holds.
    pub contexts: Vec<BuildContext>,
    /// What the project's configuration tells rules (filled by the engine).
    pub settings: crate::Settings,
    /// The source code: lowered files and the flows found in them.
    pub code: CodeModel,
}

/// The code half: every lowered source file and what the taint engine
/// found (`code::taint`).
#[derive(Debug, Default)]
pub struct CodeModel {
    pub units: Vec<crate::code::resolve::CodeUnit>,
    pub analysis: crate::code::taint::Analysis,
    /// Package manifests read, by file.
    pub manifests: Vec<(FileId, crate::normalise::manifest::Manifest)>,
    /// The servers of the repository and what runs them.
    pub servers: Vec<crate::code::link::Server>,
    /// Texts the model reads that are not in code: `server.json` and MCP
    /// bundle manifest descriptions (`normalise::tool_texts`), by file.
    pub texts: Vec<(FileId, crate::code::ir::Description)>,
}

/// What rules need to know about a build context: the engine lists it and
/// reads what is needed (rules never touch the disk).
#[derive(Clone, Debug, Default)]
pub struct BuildContext {
    /// Secret-looking files in the context that `.dockerignore` does not
    /// exclude, sorted by the path shown in reports.
    pub secret_files: Vec<ContextFile>,
}

/// One secret-looking file of a build context, with the beginning of its
/// text when the engine read it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContextFile {
    /// The path shown in reports.
    pub display: String,
    /// The path relative to the context directory, `/`-separated: what a
    /// `COPY` source names.
    pub rel: String,
    /// The first bytes of the file as text; `None` when it was not read (not
    /// a regular file, not UTF-8, over the engine's read budget, or a kind
    /// of file whose content no rule inspects).
    pub text: Option<String>,
    /// The file is longer than `text`.
    pub truncated: bool,
}

impl Project {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Add a container as its normaliser found it, its command line (if
    /// any) beside it.
    pub fn push_container(&mut self, found: Found) {
        if let Some(cl) = found.command_line {
            self.command_lines.insert(self.containers.len(), cl);
        }
        self.containers.push(found.container);
    }

    /// Where the words of container `index`'s command line are; `None`
    /// when no command line starts it (a compose service, a manifest …).
    pub fn command_line(&self, index: usize) -> Option<&CommandLine> {
        self.command_lines.get(&index)
    }
}
