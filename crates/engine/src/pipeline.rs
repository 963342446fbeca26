//! The scan, stage by stage: [`scan_with`] is the outline of
//! `docs/ARCHITECTURE.md` — discover, read, assemble, link, check, filter,
//! fix, score, locate — each stage a function of its own module. Every
//! stage checks the deadline before it starts (and between files).

use std::sync::Mutex;

use crate::options::{Overlay, ScanOptions};
use crate::progress::{Phase, Progress};
use crate::result::{Notice, ScanResult, TargetError};
use crate::target::Targets;
use crate::{assemble, check, classify, discover, filter, link, locate, remedies, score};

/// Run the whole pipeline.
pub fn scan(options: &ScanOptions) -> Result<ScanResult, TargetError> {
    scan_with(options, &Overlay::new(), &Progress::new())
}

/// Run the whole pipeline, counting files in `progress` as it goes (for a
/// progress indicator on another thread).
pub fn scan_with_progress(
    options: &ScanOptions,
    progress: &Progress,
) -> Result<ScanResult, TargetError> {
    scan_with(options, &Overlay::new(), progress)
}

/// Run the whole pipeline, reading the files in `overlay` (by path on
/// disk) from there instead of the disk, and counting files in `progress`.
pub fn scan_with(
    options: &ScanOptions,
    overlay: &Overlay,
    progress: &Progress,
) -> Result<ScanResult, TargetError> {
    let notices = Mutex::new(Vec::new());
    let targets = Targets::resolve(&options.targets)?;
    let candidates = discover::candidates(options, &targets, &notices);
    progress.set_discovered(candidates.len());
    progress.set_phase(Phase::Reading);
    options.check_deadline()?;
    let processed = classify::read_all(options, &candidates, overlay, progress, &notices);
    options.check_deadline()?;
    let (mut project, placement) = assemble::assemble(options, processed, &targets);
    progress.set_phase(Phase::Analysing);
    link::link(
        options,
        &mut project,
        &targets,
        &placement.file_targets,
        &notices,
    )?;
    let findings = check::check(options, &project);
    options.check_deadline()?;
    let mut filtered = filter::filter(&project, findings, options, &placement.glob_paths);
    options.check_deadline()?;
    if options.fix_edits {
        remedies::attach(&project, &mut filtered.kept);
    }
    let notices = sorted(notices);
    let incomplete = notices.iter().any(|n| n.limit);
    let (score, grade) = score::grade(&project, &filtered.kept, incomplete);
    let (findings, summary) = locate::locate(&project, filtered.kept);
    progress.set_phase(Phase::Done);
    Ok(ScanResult {
        targets: options.targets.clone(),
        project,
        findings,
        notices,
        score,
        grade,
        summary,
        ignored: filtered.ignored,
        baselined: filtered.baselined,
        baseline_entries: filtered.record,
        repository_ignores: filtered.repository_ignores,
    })
}

/// The notices, sorted by path and message, without repeats.
fn sorted(notices: Mutex<Vec<Notice>>) -> Vec<Notice> {
    let mut notices = notices.into_inner().expect("notices");
    notices.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    notices.dedup();
    notices
}
