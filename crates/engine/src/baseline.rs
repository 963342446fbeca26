//! Baselines: the findings a project has accepted for now, by fingerprint.
//!
//! `--write-baseline FILE` records every finding left after ignore comments
//! and the configuration (whatever `--min-severity` shows); `--baseline
//! FILE` then reports only findings whose fingerprint is not in it.
//! Fingerprints hash the rule, the path and the text of the finding's first
//! line (see [`crate::fingerprint`]), so a baseline survives unrelated edits
//! above a finding and re-indentation; `line` is recorded for people only.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    /// Informational: matching never uses it.
    pub line: u32,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The file's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    pub tool: Tool,
    pub findings: Vec<Entry>,
}

/// A loaded baseline: the fingerprints it accepts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Baseline {
        Baseline {
            fingerprints: entries.into_iter().map(|e| e.fingerprint.clone()).collect(),
        }
    }

    /// Read a baseline file; the error says what is wrong, for a usage error.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let file: File = serde_json::from_str(&text).map_err(|source| BaselineError::Format {
            path: path.to_path_buf(),
            source,
        })?;
        if file.tool.name != "skillaudit" {
            return Err(BaselineError::Foreign {
                path: path.to_path_buf(),
                tool: file.tool.name,
            });
        }
        Ok(Baseline::from_entries(&file.findings))
    }
}

/// The text of a baseline file.
pub fn render(version: &str, entries: &[Entry]) -> String {
    let file = File {
        tool: Tool {
            name: "skillaudit".into(),
            version: version.into(),
        },
        findings: entries.to_vec(),
    };
    let mut out = serde_json::to_string_pretty(&file).expect("a baseline serialises");
    out.push('\n');
    out
}

/// Write a baseline file.
pub fn write(path: &Path, version: &str, entries: &[Entry]) -> Result<(), BaselineError> {
    std::fs::write(path, render(version, entries)).map_err(|source| BaselineError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// A baseline that cannot be read or written (a usage error).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} is not a skillaudit baseline (written by --write-baseline): {source}",
        .path.display()
    )]
    Format {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{} is a baseline of `{tool}`, not of skillaudit", .path.display())]
    Foreign { path: PathBuf, tool: String },
    #[error("cannot write baseline {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let entry = Entry {
            fingerprint: "ab".into(),
            rule: "missing-user".into(),
            path: "Dockerfile".into(),
            line: 1,
            message: "m".into(),
        };
        let path = dir.path().join("b.json");
        write(&path, "0.1.0", std::slice::from_ref(&entry)).expect("written");
        let b = Baseline::load(&path).expect("loaded");
        assert!(b.contains("ab") && !b.contains("cd") && b.len() == 1);

        let missing = Baseline::load(&dir.path().join("nope.json"))
            .expect_err("missing")
            .to_string();
        assert!(missing.starts_with("cannot read baseline "), "{missing}");
        std::fs::write(&path, "{\"findings\": 3}").expect("write");
        let invalid = Baseline::load(&path).expect_err("invalid").to_string();
        assert!(
            invalid.contains("is not a skillaudit baseline"),
            "{invalid}"
        );
        std::fs::write(
            &path,
            "{\"tool\": {\"name\": \"other\", \"version\": \"1\"}, \"findings\": []}",
        )
        .expect("write");
        assert!(Baseline::load(&path)
            .expect_err("foreign")
            .to_string()
            .contains("not of skillaudit"));
    }
}
