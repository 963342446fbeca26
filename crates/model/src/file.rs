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
