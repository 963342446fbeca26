//! The skillaudit pipeline, one module per stage:
//!
//! 1. [`discover`] — walk the targets;
//! 2. [`classify`] — read each file once, recognise, parse and normalise it
//!    (the parsers live in `skillaudit-syntax`, the models and normalisers
//!    in `skillaudit-model`);
//! 3. link — `skillaudit_model::link`;
//! 4. rules — `skillaudit-rules`, run over every Image and Container;
//! 5. [`filter`] — ignore comments ([`suppress`]), the project [`config`],
//!    the [`baseline`] and the minimum severity;
//! 6. [`score`];
//!
//! and the result, a [`ScanResult`], is what the renderers of
//! `skillaudit-report` read.

pub mod baseline;
pub mod candidate;
pub mod classify;
pub mod code;
pub mod config;
pub mod context;
pub mod contexts;
pub mod discover;
pub mod fetch;
pub mod filter;
pub mod fingerprint;
pub mod fix;
pub mod group;
pub mod hardened;
pub mod progress;
pub mod score;
pub mod suppress;
pub mod target;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use skillaudit_model::container::BuildCommand;
use skillaudit_model::file::normalize;
use skillaudit_model::link;
use skillaudit_model::project::SourceFile;
use skillaudit_model::{FileId, Project};
use skillaudit_rules::registry::{self, RULES};
use skillaudit_rules::{ContainerCx, Finding, ImageCx, Location, ModelRef, Severity};
use skillaudit_syntax::source::LineCol;

pub use candidate::{Candidate, NameKind};
pub use progress::{Phase, Progress};
/// A finding's context (`deployment`, `documentation`, …): [`context`].
pub use skillaudit_model::Purpose;

/// Files larger than this are skipped with a notice (memory stays bounded per file).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 << 20;

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
    /// suppressed is counted ([`ScanResult::repository_ignores`]).
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
    /// [`score::INCOMPLETE_CAP`].
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

/// Run the whole pipeline.
pub fn scan(options: &ScanOptions) -> Result<ScanResult, TargetError> {
    scan_with(options, &fix::Overlay::new(), &Progress::new())
}

/// Run the whole pipeline, counting files in `progress` as it goes (for a
/// progress indicator on another thread).
pub fn scan_with_progress(
    options: &ScanOptions,
    progress: &Progress,
) -> Result<ScanResult, TargetError> {
    scan_with(options, &fix::Overlay::new(), progress)
}

/// Run the whole pipeline, reading the files in `overlay` (by path on
/// disk) from there instead of the disk, and counting files in `progress`.
pub fn scan_with(
    options: &ScanOptions,
    overlay: &fix::Overlay,
    progress: &Progress,
) -> Result<ScanResult, TargetError> {
    let notices = Mutex::new(Vec::new());
    // Stage 1: discover.
    let mut resolved = Vec::new();
    for t in &options.targets {
        resolved.push(target::resolve(t, options.targets.len() > 1)?);
    }
    let mut candidates: Vec<(Candidate, usize)> = Vec::new();
    let glob_prefixes = glob_prefixes(&resolved);
    for (ti, t) in resolved.iter().enumerate() {
        match &t.kind {
            target::Kind::Dir => {
                // Excluded paths are not even read.
                let exclude = options
                    .project_config()
                    .and_then(|c| c.exclude.clone())
                    .map(|set| (set, glob_prefixes[ti].clone()));
                // Ignore files are the repository's word too (`--no-ignores`, untrusted).
                let ignore_files = options.honours_ignores();
                candidates.extend(
                    discover::walk_with(&t.root, &t.prefix, &notices, exclude, ignore_files)
                        .into_iter()
                        .map(|c| (c, ti)),
                );
            }
            target::Kind::File { display } => {
                candidates.push((
                    Candidate {
                        abs: t.root.clone(),
                        display: display.clone(),
                        name_kind: candidate::kind_by_path(display),
                        explicit: true,
                    },
                    ti,
                ));
            }
        }
    }

    progress.set_discovered(candidates.len());
    progress.set_phase(Phase::Reading);
    options.check_deadline()?;

    // Stages 2–3: read, parse, normalise — in parallel, one read per file.
    let processed: Vec<(classify::Processed, usize)> = candidates
        .par_iter()
        .filter_map(|(c, ti)| {
            if options.expired() {
                return None;
            }
            match progress.counted(classify::process_with(
                c,
                options.max_file_size,
                overlay.get(&c.abs).map(String::as_str),
            )) {
                Ok(Some(p)) => Some((p, *ti)),
                Ok(None) => None,
                Err(n) => {
                    notices.lock().expect("notices").push(n);
                    None
                }
            }
        })
        .collect();
    options.check_deadline()?;

    let mut project = Project::default();
    if let Some(c) = options.project_config() {
        project.settings = c.settings();
    }
    let mut file_targets = Vec::new();
    let mut glob_paths = Vec::new();
    for (p, ti) in processed {
        let id = FileId(project.files.len() as u32);
        let purpose = context::purpose_of(&p.display, p.kind);
        if let Some(mut image) = p.image {
            image.file = id;
            image.purpose = purpose;
            project.images.push(image);
        }
        for mut c in p.containers {
            c.file = id;
            c.purpose = purpose;
            project.containers.push(c);
        }
        for e in p.errors {
            project.syntax_errors.push((id, e));
        }
        project.builds.extend(
            p.builds
                .into_iter()
                .map(|b| (id, BuildCommand { purpose, ..b })),
        );
        if let Some(code) = p.code {
            project.code.units.push(code::unit(id, &p.display, code));
        }
        if let Some(m) = p.manifest {
            project.code.manifests.push((id, m));
        }
        project
            .code
            .texts
            .extend(p.descriptions.into_iter().map(|d| (id, d)));
        glob_paths.push(glob_path(&resolved[ti], &glob_prefixes[ti], &p.display));
        project
            .files
            .push(SourceFile::new(id, p.display, p.abs, p.kind, p.text));
        file_targets.push(ti);
    }

    progress.set_phase(Phase::Analysing);

    // The source files the roots import (`code::lower_reached`).
    code::lower_reached(&project.files, &mut project.code.units, &notices);
    options.check_deadline()?;

    // Stage 4: link.
    link::link(&mut project);
    project.contexts = build_contexts(&project, &resolved, &file_targets);
    options.check_deadline()?;
    project.code.analysis = code::analyse(&project.code.units, options.deadline.map(|d| d.0));
    code::drop_called_elsewhere(
        &project.files,
        &project.code.units,
        &mut project.code.analysis,
    );
    options.check_deadline()?;
    project.code.servers = skillaudit_model::link::servers(&project);
    notices.lock().expect("notices").extend(
        project
            .code
            .analysis
            .notes
            .iter()
            .map(|m| Notice::limit(options.targets.join(" "), m.clone())),
    );

    // Stage 5: rules, in parallel over models.
    let mut findings: Vec<Finding> = (0..project.images.len())
        .into_par_iter()
        .flat_map_iter(|index| {
            let cx = ImageCx {
                project: &project,
                index,
                image: &project.images[index],
            };
            let mut out = Vec::new();
            if options.expired() {
                return out;
            }
            for rule in RULES {
                rule.check_image(&cx, &mut out);
            }
            for f in &mut out {
                f.model = Some(ModelRef::Image(index));
            }
            out
        })
        .chain(
            (0..project.containers.len())
                .into_par_iter()
                .flat_map_iter(|index| {
                    let cx = ContainerCx {
                        project: &project,
                        index,
                        container: &project.containers[index],
                    };
                    let mut out = Vec::new();
                    if options.expired() {
                        return out;
                    }
                    for rule in RULES {
                        rule.check_container(&cx, &mut out);
                    }
                    for f in &mut out {
                        f.model = Some(ModelRef::Container(index));
                    }
                    out
                }),
        )
        .collect();
    let code_cx = skillaudit_rules::code::CodeCx { project: &project };
    for rule in RULES {
        rule.check_code(&code_cx, &mut findings);
    }
    for (file, e) in &project.syntax_errors {
        findings.push(Finding::new(
            registry::syntax_error(),
            *file,
            e.span,
            format!(
                "cannot parse this {}: {}",
                project.file(*file).kind.name(),
                e.message
            ),
        ));
    }

    context::assign(&project, &mut findings);
    options.check_deadline()?;

    // Stage 6: filter (sorted, fingerprinted).
    let mut filtered = filter::filter(&project, findings, options, &glob_paths);
    options.check_deadline()?;

    // Fixes: each remedy of a shown finding resolved into text edits (or
    // the fix is manual) — only when a report or `--fix` needs them.
    if options.fix_edits {
        fix::resolve(&project, filtered.kept.iter_mut().map(|k| &mut k.finding));
        hardened::annotate(&project, filtered.kept.iter_mut().map(|k| &mut k.finding));
    }

    // Stage 7: score, and positions for rendering.
    let (score, grade) = score::score(filtered.kept.iter().enumerate().map(|(n, k)| {
        score::Item::new(
            k.finding.rule.id,
            k.finding.severity,
            k.finding.context,
            group::container_key(&project, &k.finding, n),
        )
    }));
    // A file skipped for a limit could hold anything: never A or B.
    let incomplete = notices.lock().expect("notices").iter().any(|n| n.limit);
    let grade = if incomplete {
        score::cap_incomplete(grade)
    } else {
        grade
    };
    let mut summary = Summary::default();
    let shown: Vec<Shown> = filtered
        .kept
        .into_iter()
        .map(
            |filter::Kept {
                 finding: f,
                 fingerprint,
             }| {
                match f.severity {
                    Severity::Critical => summary.critical += 1,
                    Severity::High => summary.high += 1,
                    Severity::Medium => summary.medium += 1,
                    Severity::Low => summary.low += 1,
                    Severity::Info => summary.info += 1,
                }
                let file = project.file(f.file);
                let (start, end) = positions(file, f.span);
                let related = f
                    .related
                    .iter()
                    .map(|r| match &r.location {
                        Location::Span(id, span) => {
                            let rf = project.file(*id);
                            let (s, e) = positions(rf, *span);
                            ShownRelated {
                                path: rf.path.clone(),
                                start: s,
                                end: e,
                                span: Some((*id, *span)),
                                message: r.message.clone(),
                            }
                        }
                        Location::Path(p) => {
                            let one = LineCol { line: 1, column: 1 };
                            ShownRelated {
                                path: p.clone(),
                                start: one,
                                end: one,
                                span: None,
                                message: r.message.clone(),
                            }
                        }
                    })
                    .collect();
                Shown {
                    path: file.path.clone(),
                    start,
                    end,
                    related,
                    fingerprint,
                    finding: f,
                }
            },
        )
        .collect();

    let mut notices = notices.into_inner().expect("notices");
    notices.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    notices.dedup();
    progress.set_phase(Phase::Done);
    Ok(ScanResult {
        targets: options.targets.clone(),
        project,
        findings: shown,
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

/// Per target: what to put before a path relative to the target to make it
/// relative to the scan root (the first target, or a file target's
/// directory), as configuration globs see paths; empty for a target
/// outside the scan root, whose paths are taken relative to itself.
fn glob_prefixes(targets: &[target::Resolved]) -> Vec<String> {
    let dir_of = |t: &target::Resolved| -> PathBuf {
        match t.kind {
            target::Kind::Dir => t.root.clone(),
            target::Kind::File { .. } => t.root.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    };
    let canonical = |p: PathBuf| {
        let p = if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p
        };
        p.canonicalize().unwrap_or(p)
    };
    let Some(root) = targets.first().map(|t| canonical(dir_of(t))) else {
        return Vec::new();
    };
    targets
        .iter()
        .map(|t| match canonical(dir_of(t)).strip_prefix(&root) {
            Ok(rel) if rel.as_os_str().is_empty() => String::new(),
            Ok(rel) => format!("{}/", candidate::display_path(Path::new(""), rel, "")),
            Err(_) => String::new(),
        })
        .collect()
}

/// A file's path as configuration globs see it.
fn glob_path(t: &target::Resolved, prefix: &str, display: &str) -> String {
    let rel = match &t.kind {
        target::Kind::Dir => display.strip_prefix(t.prefix.as_str()).unwrap_or(display),
        target::Kind::File { .. } => display.rsplit('/').next().unwrap_or(display),
    };
    format!("{prefix}{rel}")
}

/// 1-based start and (exclusive) end positions of a span.
fn positions(file: &SourceFile, span: skillaudit_syntax::Span) -> (LineCol, LineCol) {
    let idx = file.lines();
    // An end at the start of a line belongs to the previous one.
    let mut end = span.end.max(span.start);
    if end > span.start && file.text.as_bytes().get(end as usize - 1) == Some(&b'\n') {
        end -= 1;
    }
    (
        idx.line_col(&file.text, span.start),
        idx.line_col(&file.text, end),
    )
}

/// For each image that copies its context or a secret-looking file: the
/// secret-looking files its build context would send, with their beginning.
fn build_contexts(
    project: &Project,
    targets: &[target::Resolved],
    file_targets: &[usize],
) -> Vec<skillaudit_model::BuildContext> {
    project
        .images
        .par_iter()
        .enumerate()
        .map(|(i, image)| {
            if !contexts::needs_listing(image) {
                return Default::default();
            }
            let file = project.file(image.file);
            let t = &targets[file_targets[image.file.0 as usize]];
            let mut dirs: Vec<PathBuf> = project.links.runners[i]
                .iter()
                .filter_map(|&ci| {
                    let c = &project.containers[ci];
                    let b = c.build.as_ref()?;
                    let base = project.file(c.file).abs.parent()?.to_path_buf();
                    Some(normalize(&base.join(&b.context)))
                })
                .collect();
            if dirs.is_empty() {
                dirs.push(file.abs.parent().map(Path::to_path_buf).unwrap_or_default());
            }
            dirs.sort();
            dirs.dedup();
            let display = |p: &Path| t.display(p);
            let mut all = skillaudit_model::BuildContext::default();
            for d in dirs {
                // Never list outside the scanned target.
                if !normalize(&d).starts_with(normalize(&t.root))
                    && matches!(t.kind, target::Kind::Dir)
                {
                    continue;
                }
                all.secret_files
                    .extend(contexts::secret_files(&d, &file.abs, &display).secret_files);
            }
            all.secret_files.sort();
            all.secret_files.dedup();
            all
        })
        .collect()
}
