//! The **fix** stage: `--fix`, `--unsafe-fixes`, `--diff`.
//!
//! Rules attach a remedy (what to change, in model terms) to a finding;
//! the scan turns each into text edits ([`crate::remedies`]), and a fix
//! with no edit becomes `manual`, so the applicability shown in reports
//! always says whether `--fix` can act. [`fix`], the entry point of
//! fixing, which the scan never calls, loops: collect the edits of the selected
//! applicability, drop those that overlap an edit already taken (the
//! first finding in report order wins; inserts at one offset are applied
//! in that order), apply them per file in memory, check that every edited
//! file still parses into the same containers, re-scan the edited texts
//! and go again — at most [`MAX_ROUNDS`] times, until nothing changes.
//! Files are written once, at the end (`--diff` writes nothing and prints
//! a unified diff instead), and the report is a scan of the result.

use std::collections::BTreeMap;
use std::path::PathBuf;

use skillaudit_model::remedy::{self, TextEdit};
use skillaudit_model::{FileId, Project};
use skillaudit_rules::Applicability;

use crate::candidate::{self, Candidate};
use crate::classify;
use crate::options::{Overlay, ScanOptions};
use crate::pipeline::{scan, scan_with};
use crate::progress::Progress;
use crate::result::{ScanResult, TargetError};

/// Edit → re-scan rounds at most (a fix may make another possible, or an
/// overlapping one is left for the next round).
pub const MAX_ROUNDS: usize = 4;

/// What to fix and whether to write.
#[derive(Clone, Copy, Debug, Default)]
pub struct FixOptions {
    /// Also apply `Unsafe` fixes.
    pub unsafe_fixes: bool,
    /// Write the files (`--fix`); otherwise only compute them (`--diff`).
    pub write: bool,
}

/// One file the fixes change.
#[derive(Clone, Debug)]
pub struct FileChange {
    /// As shown in reports (relative to the target).
    pub path: String,
    pub abs: PathBuf,
    pub before: String,
    pub after: String,
}

/// What the fix stage did.
#[derive(Clone, Debug, Default)]
pub struct FixOutcome {
    /// Findings whose fix was applied (over all rounds).
    pub applied: usize,
    /// Findings whose fix was not applied because the edited file would
    /// not have parsed the same way (a bug in an editor; reported, never written).
    pub rejected: usize,
    pub changes: Vec<FileChange>,
}

impl FixOutcome {
    /// A unified diff of every change, paths relative to the target.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for c in &self.changes {
            let diff = similar::TextDiff::from_lines(&c.before, &c.after);
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", c.path), &format!("b/{}", c.path))
                .to_string();
            out.push_str(&text);
            if !text.ends_with('\n') {
                // The last line of a file without a final line break.
                out.push('\n');
            }
        }
        out
    }
}

/// Fixes still available in a result: `(safe, unsafe)` counts.
pub fn fixable(result: &ScanResult) -> (usize, usize) {
    let mut counts = (0, 0);
    for s in &result.findings {
        match s
            .finding
            .fix
            .as_ref()
            .filter(|f| !f.edits.is_empty())
            .map(|f| f.applicability)
        {
            Some(Applicability::Safe) => counts.0 += 1,
            Some(Applicability::Unsafe) => counts.1 += 1,
            _ => {}
        }
    }
    counts
}

/// Apply the fixes and return the scan of the result.
pub fn fix(
    options: &ScanOptions,
    fix: FixOptions,
) -> Result<(ScanResult, FixOutcome), TargetError> {
    if let Some(url) = options
        .targets
        .iter()
        .find(|t| crate::target::is_git_url(t))
    {
        return Err(TargetError(format!(
            "cannot fix a git URL ({url}): clone it and fix the clone"
        )));
    }
    let mut overlay = Overlay::new();
    let mut originals: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    let mut outcome = FixOutcome::default();
    let mut result = scan_with(options, &overlay, &Progress::new())?;
    for _ in 0..MAX_ROUNDS {
        let mut changed = false;
        for (file, planned) in plan(&result, fix.unsafe_fixes) {
            let source = result.project.file(file);
            let refs: Vec<&TextEdit> = planned.edits.iter().collect();
            let Some(after) = remedy::apply(&source.text, &refs) else {
                outcome.rejected += planned.findings;
                continue;
            };
            if after == source.text {
                continue;
            }
            if !parses_alike(&result.project, file, &after, options.max_file_size) {
                outcome.rejected += planned.findings;
                continue;
            }
            originals
                .entry(source.abs.clone())
                .or_insert_with(|| (source.path.clone(), source.text.clone()));
            overlay.insert(source.abs.clone(), after);
            outcome.applied += planned.findings;
            changed = true;
        }
        if !changed {
            break;
        }
        result = scan_with(options, &overlay, &Progress::new())?;
    }
    for (abs, (path, before)) in originals {
        if let Some(after) = overlay.remove(&abs) {
            if after != before {
                outcome.changes.push(FileChange {
                    path,
                    abs,
                    before,
                    after,
                });
            }
        }
    }
    outcome.changes.sort_by(|a, b| a.path.cmp(&b.path));
    if fix.write && !outcome.changes.is_empty() {
        for c in &outcome.changes {
            std::fs::write(&c.abs, &c.after)
                .map_err(|e| TargetError(format!("cannot write {}: {e}", c.path)))?;
        }
        // The report is of the files as written.
        result = scan(options)?;
    }
    Ok((result, outcome))
}

/// The edits of one file taken in a round, and how many findings they fix.
#[derive(Default)]
struct Planned {
    edits: Vec<TextEdit>,
    findings: usize,
}

/// The edits to apply, per file: findings in report order, each taken
/// whole or not at all; an edit that overlaps one already taken waits for
/// the next round (the re-scan tells whether it is still needed).
fn plan(result: &ScanResult, unsafe_fixes: bool) -> BTreeMap<FileId, Planned> {
    let mut out: BTreeMap<FileId, Planned> = BTreeMap::new();
    for shown in &result.findings {
        let Some(fix) = &shown.finding.fix else {
            continue;
        };
        let selected = match fix.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => unsafe_fixes,
            Applicability::Manual => false,
        };
        let Some(first) = fix.edits.first() else {
            continue;
        };
        if !selected || fix.edits.iter().any(|e| e.file != first.file) {
            continue;
        }
        let planned = out.entry(first.file).or_default();
        // The same change asked for twice (two findings, one remedy): once.
        let new: Vec<&TextEdit> = fix
            .edits
            .iter()
            .filter(|e| !planned.edits.contains(e))
            .collect();
        if new
            .iter()
            .any(|e| planned.edits.iter().any(|t| overlaps(e, t)))
        {
            continue;
        }
        planned.edits.extend(new.into_iter().cloned());
        planned.findings += 1;
    }
    out
}

/// Do two edits touch the same text? Two inserts at one offset do not
/// (both are applied, in order); an insert at the edge of a replacement does.
fn overlaps(a: &TextEdit, b: &TextEdit) -> bool {
    let (a0, a1, b0, b1) = (a.span.start, a.span.end, b.span.start, b.span.end);
    match (a0 == a1, b0 == b1) {
        (true, true) => false,
        (true, false) => b0 <= a0 && a0 <= b1,
        (false, true) => a0 <= b0 && b0 <= a1,
        (false, false) => a0 < b1 && b0 < a1,
    }
}

/// Does the edited text still parse as the same kind of file, with no new
/// syntax error and the same containers and image?
fn parses_alike(project: &Project, file: FileId, after: &str, max_size: u64) -> bool {
    let source = project.file(file);
    let candidate = Candidate {
        abs: source.abs.clone(),
        display: source.path.clone(),
        name_kind: candidate::kind_by_path(&source.path),
        explicit: true,
    };
    let Ok(Some(p)) = classify::process_with(&candidate, max_size, Some(after)) else {
        return false;
    };
    let errors = project
        .syntax_errors
        .iter()
        .filter(|(f, _)| *f == file)
        .count();
    let containers = project.containers.iter().filter(|c| c.file == file).count();
    let image = project.images.iter().any(|i| i.file == file);
    p.kind == source.kind
        && p.errors.len() <= errors
        && p.containers.len() == containers
        && p.image.is_some() == image
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::Span;

    #[test]
    fn overlap_rules() {
        let e = |s: usize, t: usize| TextEdit::replace(FileId(0), Span::new(s, t), "x");
        assert!(!overlaps(&e(3, 3), &e(3, 3)));
        assert!(overlaps(&e(3, 3), &e(3, 5)));
        assert!(overlaps(&e(5, 5), &e(3, 5)));
        assert!(!overlaps(&e(6, 6), &e(3, 5)));
        assert!(overlaps(&e(2, 4), &e(3, 5)));
        assert!(!overlaps(&e(1, 3), &e(3, 5)));
    }
}
