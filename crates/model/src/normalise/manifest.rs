//! Package manifests: `package.json`, `pyproject.toml`, `go.mod`. They
//! say where a server's source starts (the manifest's directory) and the
//! name it is published under — what `npx NAME`/`uvx NAME`/`go run NAME`
//! in a README or MCP client configuration launches on the user's host.

use skillaudit_syntax::{json, toml};

/// What a manifest says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub ecosystem: Ecosystem,
    /// The published name (`@scope/pkg`, `mcp-atlassian`, a Go module path).
    pub name: Option<String>,
}

pub use crate::code::link::Ecosystem;

/// Is this file name a manifest we read?
pub fn is_manifest_name(name: &str) -> bool {
    matches!(name, "package.json" | "pyproject.toml" | "go.mod")
}

/// Read a manifest; `None` when the text is not one (or not parsable).
pub fn read(name: &str, text: &str) -> Option<Manifest> {
    match name {
        "package.json" => {
            let s = json::parse(text);
            let root = s.documents.first()?.root()?;
            Some(Manifest {
                ecosystem: Ecosystem::Npm,
                name: root
                    .value("name")
                    .and_then(|n| n.as_str())
                    .map(str::to_string),
            })
        }
        "pyproject.toml" => {
            let s = toml::parse(text);
            let root = s.documents.first()?.root()?;
            let name = root
                .value("project")
                .and_then(|p| p.value("name"))
                .or_else(|| {
                    root.value("tool")
                        .and_then(|t| t.value("poetry"))
                        .and_then(|p| p.value("name"))
                })
                .and_then(|n| n.as_str())
                .map(str::to_string);
            Some(Manifest {
                ecosystem: Ecosystem::Python,
                name,
            })
        }
        "go.mod" => {
            let name = text.lines().find_map(|l| {
                let l = l.trim();
                let rest = l.strip_prefix("module")?;
                rest.starts_with([' ', '\t'])
                    .then(|| rest.trim().trim_matches('"').to_string())
            });
            Some(Manifest {
                ecosystem: Ecosystem::Go,
                name,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            read(
                "package.json",
                r#"{"name": "@acme/mcp", "version": "1.0.0"}"#
            )
            .unwrap()
            .name
            .as_deref(),
            Some("@acme/mcp")
        );
        assert_eq!(
            read("pyproject.toml", "[project]\nname = \"mcp-notes\"\n")
                .unwrap()
                .name
                .as_deref(),
            Some("mcp-notes")
        );
        assert_eq!(
            read("pyproject.toml", "[tool.poetry]\nname = \"x\"\n")
                .unwrap()
                .name
                .as_deref(),
            Some("x")
        );
        assert_eq!(
            read("go.mod", "// c\nmodule github.com/o/netdiag\n\ngo 1.22\n")
                .unwrap()
                .name
                .as_deref(),
            Some("github.com/o/netdiag")
        );
        assert_eq!(read("package.json", "{").and_then(|m| m.name), None);
        assert!(read("README.md", "").is_none());
    }
}
