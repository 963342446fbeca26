//! The project configuration: `skillaudit.toml` (or `.skillaudit.toml`)
//! at the scan root, or the file given with `--config`. The schema is
//! documented in `docs/CONFIG.md`; every mistake in it — an unknown key, a
//! wrong type, an invalid glob, severity or rule id — is an error with the
//! file position (`skillaudit.toml:3:1: unknown key ...`).
//!
//! Path globs are matched against paths relative to the scan root (the
//! first target, or the directory of a file target), `/`-separated. A
//! pattern without `/` matches at any depth (`*.md`, `fixtures`); one with
//! `/` is anchored at the root (`examples/**`, `deploy/compose.yaml`). A
//! pattern that matches a directory matches everything under it.

mod keys;
mod load;
#[cfg(test)]
mod tests;

use std::fmt;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use skillaudit_model::settings::ImagePattern;
use skillaudit_model::{Purpose, Settings};
use skillaudit_rules::{Allowance, Severity};

/// The names looked for at the scan root, in order.
pub const FILE_NAMES: [&str; 2] = ["skillaudit.toml", ".skillaudit.toml"];

pub use keys::context::{shift, ContextConfig};
pub use keys::{did_you_mean, parse};
pub use load::{find_in, for_targets, load};

/// `fail-on`: a severity, or never.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    At(Severity),
    Never,
}

impl Threshold {
    /// Every threshold, the severities from the highest, then `never`.
    pub const ALL: [Threshold; 6] = [
        Threshold::At(Severity::Critical),
        Threshold::At(Severity::High),
        Threshold::At(Severity::Medium),
        Threshold::At(Severity::Low),
        Threshold::At(Severity::Info),
        Threshold::Never,
    ];

    /// `high`, …, `never`, as `fail-on` and `--fail-on` write it.
    pub fn name(self) -> &'static str {
        match self {
            Threshold::At(s) => s.name(),
            Threshold::Never => "never",
        }
    }

    /// The lowest severity that fails a run, if any does.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Threshold::At(s) => Some(s),
            Threshold::Never => None,
        }
    }
}

/// `--fail-on never`: the command line takes the names of `fail-on`.
#[cfg(feature = "clap")]
impl clap::ValueEnum for Threshold {
    fn value_variants<'a>() -> &'a [Self] {
        &Threshold::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// A parsed, validated configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it was read from, as shown in messages.
    pub path: String,
    pub fail_on: Option<Threshold>,
    pub min_severity: Option<Severity>,
    /// Rules that are not reported at all.
    pub disable: Vec<&'static str>,
    /// Severity overrides.
    pub severity: Vec<(&'static str, Severity)>,
    /// Rules ignored for some paths.
    pub ignores: Vec<IgnoreEntry>,
    /// Paths not scanned at all.
    pub exclude: Option<PathSet>,
    pub non_root_images: Vec<ImagePattern>,
    /// Deliberate exceptions: findings kept at `info` with a reason.
    pub allow: Vec<Allow>,
    /// `[context.<name>]`: per-context severity offsets and switches.
    pub contexts: Vec<(Purpose, ContextConfig)>,
}

/// `[[ignore]]`: rules ignored for path globs.
#[derive(Clone, Debug)]
pub struct IgnoreEntry {
    pub rules: Vec<&'static str>,
    pub paths: PathSet,
    pub reason: Option<String>,
}

/// `[allow.<key>]`.
#[derive(Clone, Debug)]
pub struct Allow {
    pub allowance: Allowance,
    pub reason: String,
    /// `None`: everywhere.
    pub paths: Option<PathSet>,
}

/// Path globs.
#[derive(Clone, Debug)]
pub struct PathSet {
    pub patterns: Vec<String>,
    set: GlobSet,
}

impl PathSet {
    /// Build from patterns; the error names the first invalid one (by index).
    pub fn new(patterns: &[String]) -> Result<PathSet, (usize, String)> {
        let mut b = GlobSetBuilder::new();
        for (i, p) in patterns.iter().enumerate() {
            let mut pat = p
                .trim()
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_string();
            if pat.is_empty() {
                return Err((i, "an empty path pattern".into()));
            }
            if let Some(anchored) = pat.strip_prefix('/') {
                pat = anchored.to_string();
            } else if !pat.contains('/') {
                pat = format!("**/{pat}");
            }
            let glob = GlobBuilder::new(&pat)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| (i, format!("invalid glob `{p}`: {}", e.kind())))?;
            b.add(glob);
        }
        let set = b.build().map_err(|e| (0, format!("invalid globs: {e}")))?;
        Ok(PathSet {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// Does a path (relative, `/`-separated) or a directory above it match?
    pub fn matches(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./");
        if self.set.is_match(path) {
            return true;
        }
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            if self.set.is_match(&path[..at + i]) {
                return true;
            }
            at += i + 1;
        }
        false
    }
}

impl Config {
    /// What rules need from the configuration.
    pub fn settings(&self) -> Settings {
        Settings {
            non_root_images: self.non_root_images.clone(),
        }
    }

    pub fn is_disabled(&self, rule: &str) -> bool {
        self.disable.contains(&rule)
    }

    pub fn severity_of(&self, rule: &str) -> Option<Severity> {
        self.severity
            .iter()
            .rev()
            .find(|(r, _)| *r == rule)
            .map(|(_, s)| *s)
    }

    /// The `[[ignore]]` entry that ignores `rule` at `path`, if any.
    pub fn ignore_for(&self, rule: &str, path: &str) -> Option<&IgnoreEntry> {
        self.ignores
            .iter()
            .find(|e| e.rules.contains(&rule) && e.paths.matches(path))
    }

    /// The `[allow.<key>]` entry for this exception at `path`, if any.
    pub fn allow_for(&self, a: Allowance, path: &str) -> Option<&Allow> {
        self.allow
            .iter()
            .find(|x| x.allowance == a && x.paths.as_ref().is_none_or(|p| p.matches(path)))
    }

    /// What the configuration says about a context (the defaults when
    /// nothing).
    pub fn context(&self, p: Purpose) -> ContextConfig {
        self.contexts
            .iter()
            .rev()
            .find(|(q, _)| *q == p)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }

    pub fn excludes(&self, path: &str) -> bool {
        self.exclude.as_ref().is_some_and(|e| e.matches(path))
    }
}

/// A configuration that cannot be used (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    /// 1-based; 0 when the error has no position (an unreadable file).
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path, self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for ConfigError {}
