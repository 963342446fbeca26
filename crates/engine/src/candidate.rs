//! A file to scan, before it is read: where it is, how reports show its
//! path, and what its name says it may be ([`kind_by_path`]). Discovery
//! makes candidates; classification reads them.

use std::path::{Path, PathBuf};

use skillaudit_model::normalise::{devcontainer, manifest};
use skillaudit_syntax::code::Lang;

/// A file the walk found, with what its name says about it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub abs: PathBuf,
    /// Shown in reports: relative to the target, `/`-separated.
    pub display: String,
    pub name_kind: NameKind,
    /// Named on the command line: always scanned, kind sniffed from content.
    pub explicit: bool,
}

/// `root/a/b` → `prefix` + `a/b`, with `/` separators.
pub fn display_path(root: &Path, path: &Path, prefix: &str) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut s = String::from(prefix);
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(&c.as_os_str().to_string_lossy());
    }
    s
}

/// What a file's path says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Dockerfile,
    Compose,
    ShellScript,
    Makefile,
    Workflow,
    Devcontainer,
    /// A file named like an MCP client configuration (`.mcp.json`, `.vscode/mcp.json`, …).
    McpConfig,
    Readme,
    /// Other YAML / JSON / TOML: recognised by content.
    Yaml,
    Json,
    Toml,
    /// Source code (TypeScript/JavaScript, Python, Go).
    Source(Lang),
    /// `package.json`, `pyproject.toml`, `go.mod`.
    Manifest,
    Unknown,
}

impl NameKind {
    /// Kinds that are only candidates: their content decides, and a file
    /// that does not parse is simply not one of ours.
    pub(crate) fn sniffed(self) -> bool {
        matches!(
            self,
            NameKind::Yaml | NameKind::Json | NameKind::Toml | NameKind::Unknown
        )
    }
}

/// Recognise a file by its path (relative, `/`-separated) alone.
pub fn kind_by_path(path: &str) -> NameKind {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let lower_path = path.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return NameKind::Unknown;
    }
    if manifest::is_manifest_name(&lower)
        && !lower_path.split('/').any(|d| GENERATED_DIRS.contains(&d))
    {
        return NameKind::Manifest;
    }
    if lower == "dockerfile"
        || lower == "containerfile"
        || (lower.starts_with("dockerfile.")
            || lower.starts_with("containerfile.")
            || lower.starts_with("dockerfile-")
            || lower.starts_with("dockerfile_"))
            && !is_source_code(&lower)
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
    {
        return NameKind::Dockerfile;
    }
    if let Some(lang) = Lang::from_path(&lower) {
        let generated = lower_path
            .split('/')
            .rev()
            .skip(1)
            .any(|d| GENERATED_DIRS.contains(&d));
        return if generated {
            NameKind::Unknown
        } else {
            NameKind::Source(lang)
        };
    }
    if lower.ends_with(".sh") || lower.ends_with(".bash") {
        return NameKind::ShellScript;
    }
    if matches!(
        lower.as_str(),
        "makefile" | "gnumakefile" | "justfile" | ".justfile"
    ) || lower.ends_with(".mk")
    {
        return NameKind::Makefile;
    }
    if lower.starts_with("readme") && (lower.ends_with(".md") || lower.ends_with(".markdown")) {
        return NameKind::Readme;
    }
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        let stem = lower.trim_end_matches(".yml").trim_end_matches(".yaml");
        if stem == "compose"
            || stem == "docker-compose"
            || stem.starts_with("docker-compose.")
            || stem.starts_with("compose.")
        {
            return NameKind::Compose;
        }
        if lower_path.contains(".github/workflows/") {
            return NameKind::Workflow;
        }
        return NameKind::Yaml;
    }
    if lower.ends_with(".json") || lower.ends_with(".jsonc") {
        if devcontainer::is_devcontainer_path(path) {
            return NameKind::Devcontainer;
        }
        if matches!(
            lower.as_str(),
            ".mcp.json" | "mcp.json" | "claude_desktop_config.json" | "mcp_config.json"
        ) {
            return NameKind::McpConfig;
        }
        return NameKind::Json;
    }
    if lower.ends_with(".toml") {
        return NameKind::Toml;
    }
    NameKind::Unknown
}

/// Directories of built, bundled or installed code: its source (if in the
/// repository) is analysed instead, and installed packages are not the
/// server's code. Container files in them are still read.
const GENERATED_DIRS: &[&str] = &[
    "dist",
    "build",
    "out",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".output",
    ".turbo",
    "coverage",
    "__pycache__",
    ".venv",
    "venv",
    "site-packages",
    ".tox",
    "bower_components",
    "jspm_packages",
    ".yarn",
];

/// `dockerfile.rs`, `dockerfile_test.go`, `Dockerfile-parser.js`: source
/// code about Dockerfiles, not a Dockerfile (`Dockerfile.dev`,
/// `Dockerfile.alpine` and `Dockerfile-prod` are).
fn is_source_code(lower_name: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "rs", "go", "py", "pyi", "js", "mjs", "cjs", "ts", "mts", "cts", "tsx", "jsx", "java",
        "kt", "kts", "scala", "rb", "php", "pl", "pm", "c", "h", "cc", "cpp", "hpp", "cs", "fs",
        "swift", "lua", "ex", "exs", "erl", "hs", "ml", "dart", "r", "jl", "zig", "nim", "groovy",
        "sh", "bash", "zsh", "ps1", "md", "markdown", "rst", "adoc", "txt", "html", "css", "json",
        "jsonc", "yml", "yaml", "toml", "xml", "snap", "lock", "svg", "png",
    ];
    lower_name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names_but_not_source_code_about_dockerfiles() {
        for name in [
            "Dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "Dockerfile.alpine",
            "Dockerfile-prod",
            "Dockerfile_arm64",
            "api.dockerfile",
            "x/Containerfile.ubi",
        ] {
            assert_eq!(kind_by_path(name), NameKind::Dockerfile, "{name}");
        }
        for name in [
            "src/dockerfile.rs",
            "dockerfile_test.go",
            "Dockerfile-parser.js",
            "dockerfile.py",
            "docs/Dockerfile.md",
            "Dockerfile.json",
        ] {
            assert_ne!(kind_by_path(name), NameKind::Dockerfile, "{name}");
        }
        assert_eq!(kind_by_path("dockerfile.sh"), NameKind::ShellScript);
    }
}
