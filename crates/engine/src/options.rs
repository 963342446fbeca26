//! What to scan and what to show ([`ScanOptions`]), whose repository it is
//! ([`Trust`]) and when to give up ([`Deadline`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use skillaudit_rules::Severity;

use crate::result::TargetError;
use crate::{baseline, config};

/// Files larger than this are skipped with a notice (memory stays bounded per file).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 << 20;

/// Whose repository is scanned, and so what the repository itself may say
/// about its own audit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Trust {
    /// The user's own (the command line): ignore comments, the project
    /// configuration and `.gitignore` apply (unless `no_ignores`).
    #[default]
    Own,
    /// Someone else's (the hosted audit, `corpus` of fetched repositories):
    /// the repository cannot silence or hide anything. Its ignore comments,
    /// its `skillaudit.toml` and its `.gitignore`/`.ignore` files are
    /// disregarded (`.dockerignore` still decides what a build context
    /// sends, as it does for Docker); what its comments would have
    /// suppressed is counted ([`crate::ScanResult::repository_ignores`]).
    Untrusted,
}

/// The moment a scan gives up ([`ScanOptions::deadline`]): checked between
/// files and between stages, so a scan stops at most one file's work
/// after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline(pub Instant);

impl Deadline {
    /// `limit` from now.
    pub fn after(limit: Duration) -> Deadline {
        Deadline(Instant::now() + limit)
    }

    pub fn passed(&self) -> bool {
        Instant::now() >= self.0
    }
}

/// The error of a scan that reached its [`Deadline`].
pub const TIME_LIMIT_MESSAGE: &str = "the scan did not finish within its time limit";

/// What to scan and what to show.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub targets: Vec<String>,
    pub min_severity: Severity,
    pub max_file_size: u64,
    /// The project configuration (`config::for_targets` finds it).
    pub config: Option<config::Config>,
    /// `--no-ignores`: disregard ignore comments and the configuration's
    /// `disable`, `[[ignore]]` and `[allow.*]`.
    pub no_ignores: bool,
    /// `--baseline`: findings not to report again.
    pub baseline: Option<baseline::Baseline>,
    /// Collect [`ScanResult::baseline_entries`] (`--write-baseline`).
    pub record_baseline: bool,
    /// Whose repository this is ([`Trust::Untrusted`]: the hosted audit).
    pub trust: Trust,
    /// Resolve each shown finding's fix into text edits, so that reports
    /// say whether `--fix` can act (a fix no editor can make is `manual`).
    /// Off where nobody applies fixes (the hosted audit): the fix keeps the
    /// rule's applicability and no edit is computed.
    pub fix_edits: bool,
    /// Give up (with [`TIME_LIMIT_MESSAGE`]) once this passes.
    pub deadline: Option<Deadline>,
    /// `--context`: show only findings of these contexts (empty: all).
    pub contexts: Vec<skillaudit_model::Purpose>,
}

impl ScanOptions {
    /// Do the repository's ignore comments and the configuration's
    /// `disable`, `[[ignore]]` and `[allow.*]` apply?
    pub fn honours_ignores(&self) -> bool {
        !self.no_ignores && self.trust == Trust::Own
    }

    /// The project configuration, unless the repository is someone else's.
    pub fn project_config(&self) -> Option<&config::Config> {
        match self.trust {
            Trust::Own => self.config.as_ref(),
            Trust::Untrusted => None,
        }
    }

    /// Has the deadline passed?
    pub fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| d.passed())
    }

    /// `Err` with [`TIME_LIMIT_MESSAGE`] once the deadline has passed:
    /// every stage checks it (`?`) before it starts and between its files.
    pub fn check_deadline(&self) -> Result<(), TargetError> {
        if self.expired() {
            Err(TargetError(TIME_LIMIT_MESSAGE.into()))
        } else {
            Ok(())
        }
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            targets: vec![".".into()],
            min_severity: Severity::Low,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            config: None,
            no_ignores: false,
            baseline: None,
            record_baseline: false,
            trust: Trust::Own,
            fix_edits: true,
            deadline: None,
            contexts: Vec::new(),
        }
    }
}

/// File texts to scan instead of what is on disk, by path on disk (the
/// rounds of [`crate::fix`]).
pub type Overlay = HashMap<PathBuf, String>;
