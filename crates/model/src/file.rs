//! The files of a scan: their ids and what they were recognised as, and
//! lexical path normalisation. A leaf: every model names its file.

use std::path::{Component, Path, PathBuf};

/// Index of a file in [`Project::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// What a file was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Dockerfile,
    Compose,
    /// A shell script (`*.sh`, `*.bash`) that may run containers.
    ShellScript,
    /// A Makefile or justfile (recipe lines are shell).
    Makefile,
    /// A GitHub Actions workflow.
    Workflow,
    /// An MCP client configuration (JSON, JSONC, YAML or TOML).
    McpConfig,
    /// An MCP registry `server.json`.
    ServerJson,
    /// An MCP bundle (Desktop Extension) `manifest.json`: texts the model reads.
    BundleManifest,
    /// A `devcontainer.json`.
    Devcontainer,
    /// Kubernetes manifests.
    Kubernetes,
    /// A README (its code blocks).
    Readme,
    /// Source code of the server (TypeScript/JavaScript, Python, Go).
    Source(skillaudit_syntax::code::Lang),
    /// A package manifest (`package.json`, `pyproject.toml`, `go.mod`).
    Manifest,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "Dockerfile",
            FileKind::Compose => "compose file",
            FileKind::ShellScript => "shell script",
            FileKind::Makefile => "Makefile",
            FileKind::Workflow => "GitHub Actions workflow",
            FileKind::McpConfig => "MCP client configuration",
            FileKind::ServerJson => "server.json",
            FileKind::BundleManifest => "MCP bundle manifest",
            FileKind::Devcontainer => "devcontainer.json",
            FileKind::Kubernetes => "Kubernetes manifest",
            FileKind::Readme => "README",
            FileKind::Source(lang) => lang.name(),
            FileKind::Manifest => "package manifest",
        }
    }
}

/// How a file is written. Decided once, when the file is recognised (by
/// its name, or by the parser that accepted its content), then used by
/// whatever reads the file again: the normaliser's parser and the inline
/// ignore comments (`engine::suppress`), so a file is never read as one
/// format and its comments as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Dockerfile,
    /// A shell script.
    Shell,
    /// A Makefile or justfile: recipe lines are shell.
    Make,
    Markdown,
    Yaml,
    /// JSON, JSONC (comments) or a JSON-like manifest (`go.mod`).
    Json,
    Toml,
    /// Source code in one of the analysed languages.
    Code(skillaudit_syntax::code::Lang),
}

impl Format {
    /// The format a file of this kind is written in when nothing else is
    /// known (a file recognised by its name: `compose.yaml`, `mcp.json`).
    pub fn of_kind(kind: FileKind) -> Format {
        match kind {
            FileKind::Dockerfile => Format::Dockerfile,
            FileKind::ShellScript => Format::Shell,
            FileKind::Makefile => Format::Make,
            FileKind::Readme => Format::Markdown,
            FileKind::Compose | FileKind::Workflow | FileKind::Kubernetes => Format::Yaml,
            FileKind::McpConfig
            | FileKind::ServerJson
            | FileKind::BundleManifest
            | FileKind::Devcontainer
            | FileKind::Manifest => Format::Json,
            FileKind::Source(lang) => Format::Code(lang),
        }
    }
}

/// Lexically normalise a path (`a/./b/../c` → `a/c`) without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
