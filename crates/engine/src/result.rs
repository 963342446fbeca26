//! What a scan produces: the [`ScanResult`] renderers read, its findings
//! resolved for display ([`Shown`]), and the [`Notice`]s and
//! [`TargetError`]s of what could not be scanned.

use skillaudit_model::{FileId, Project};
use skillaudit_rules::{Finding, Severity};
use skillaudit_syntax::source::LineCol;

use crate::baseline;

/// A file or entry that could not be scanned, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub path: String,
    pub message: String,
    /// The file was skipped because of a limit (its size): the scan did
    /// not read everything it should have, so the audit is incomplete
    /// ([`ScanResult::incomplete`]).
    pub limit: bool,
}

impl Notice {
    /// A notice about an entry that is not ours to read (a link out of the
    /// target, a loop, an unreadable entry).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            path: path.into(),
            message: message.into(),
            limit: false,
        }
    }

    /// A file skipped because of a limit: the audit is incomplete.
    pub fn limit(path: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            limit: true,
            ..Notice::new(path, message)
        }
    }
}

/// A related location, resolved for display.
#[derive(Clone, Debug)]
pub struct ShownRelated {
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
    /// The file and span, when the location is in a file that was read.
    pub span: Option<(FileId, skillaudit_syntax::Span)>,
    pub message: String,
}

/// A finding resolved for display: path, positions and fingerprint.
#[derive(Clone, Debug)]
pub struct Shown {
    pub finding: Finding,
    pub path: String,
    pub start: LineCol,
    /// Position just after the finding's last character.
    pub end: LineCol,
    pub related: Vec<ShownRelated>,
    pub fingerprint: String,
}

/// Counts per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl Summary {
    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}

/// Everything a renderer needs.
pub struct ScanResult {
    pub targets: Vec<String>,
    pub project: Project,
    pub findings: Vec<Shown>,
    pub notices: Vec<Notice>,
    pub score: u32,
    pub grade: char,
    pub summary: Summary,
    /// Findings (at or above the minimum severity) dropped by ignore
    /// comments or the configuration.
    pub ignored: usize,
    /// Findings (at or above the minimum severity) dropped because the
    /// baseline has them.
    pub baselined: usize,
    /// Every finding after ignores and configuration, whatever its
    /// severity, when `record_baseline` was asked for.
    pub baseline_entries: Vec<baseline::Entry>,
    /// Findings (at or above the minimum severity) that the repository's
    /// own ignore comments would have hidden, counted when they are
    /// disregarded (`no_ignores`, [`Trust::Untrusted`]).
    pub repository_ignores: usize,
}

impl ScanResult {
    pub fn files_scanned(&self) -> usize {
        self.project.files.len()
    }

    /// Was a file skipped because of a limit? Then the grade is at best
    /// [`crate::score::INCOMPLETE_CAP`].
    pub fn incomplete(&self) -> bool {
        self.notices.iter().any(|n| n.limit)
    }
}

/// A target that cannot be scanned at all (exit code 2).
#[derive(Debug)]
pub struct TargetError(pub String);

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
