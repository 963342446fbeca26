//! Stage 6: **filter** — what of the rules' findings is shown.
//!
//! In order:
//!
//! 1. inline ignore comments ([`crate::suppress`]) mark the findings they
//!    cover; comments that cover nothing become `unused-ignore` findings;
//! 2. every finding — ignored or not — is sorted and fingerprinted, so that
//!    adding an ignore never changes another finding's fingerprint;
//! 3. the configuration: `disable`, `[[ignore]]` and a context's
//!    `disable` drop findings, `[severity]` overrides severities, a
//!    context's `severity-offset` moves them, `[allow.*]` turns a finding
//!    into `info` with the project's reason;
//! 4. repetitions of one problem in one file become one finding
//!    ([`crate::group`]);
//! 5. what is left is what `--write-baseline` records (every occurrence);
//! 6. findings in the `--baseline` (any of their occurrences) are
//!    dropped, then those below `--min-severity` or outside `--context`.
//!
//! `--no-ignores` skips 1 and the dropping and downgrading parts of 3;
//! severity overrides, context offsets and excludes still apply. An untrusted repository
//! ([`crate::Trust::Untrusted`]) has no configuration and its comments do
//! not apply. Whenever comments are disregarded, the findings they would
//! have hidden are counted (`repository_ignores`).

use skillaudit_model::Project;
use skillaudit_rules::{Finding, Severity};

use crate::baseline::Entry;
use crate::config::Config;
use crate::fingerprint::Fingerprinter;
use crate::group::{self, Occurrence};
use crate::options::ScanOptions;
use crate::suppress::Ignores;

/// A finding that is shown, with its fingerprint.
pub struct Kept {
    pub finding: Finding,
    pub fingerprint: String,
}

pub struct Filtered {
    pub kept: Vec<Kept>,
    /// Findings at or above the minimum severity dropped by ignore comments
    /// or the configuration.
    pub ignored: usize,
    /// Findings at or above the minimum severity dropped because the
    /// baseline has them.
    pub baselined: usize,
    /// What `--write-baseline` writes (empty unless asked for).
    pub record: Vec<Entry>,
    /// Findings at or above the minimum severity that ignore comments
    /// would have hidden, when comments are disregarded.
    pub repository_ignores: usize,
}

/// `glob_paths[file]`: the path of each file relative to the scan root, as
/// configuration globs see it.
pub fn filter(
    project: &Project,
    findings: Vec<Finding>,
    options: &ScanOptions,
    glob_paths: &[String],
) -> Filtered {
    // 1. Inline ignores.
    let (mut all, repository_ignores) = inline_ignores(project, findings, options);
    // 2. Order (fingerprints follow it).
    sort(project, &mut all);
    let mut out = Filtered {
        kept: Vec::new(),
        ignored: 0,
        baselined: 0,
        record: Vec::new(),
        repository_ignores,
    };
    // 3. The configuration.
    let survivors = configure(project, all, options, glob_paths, &mut out.ignored);
    // 4–6. One finding per problem, the baselines, what is shown.
    keep(project, survivors, options, &mut out);
    out
}

fn line_of(project: &Project, f: &Finding) -> usize {
    project.file(f.file).lines().line_of(f.span.start)
}

/// Every finding with whether an ignore comment hides it (never when the
/// repository's comments are disregarded: then counted, the second value),
/// plus an `unused-ignore` finding per comment that matched nothing.
fn inline_ignores(
    project: &Project,
    findings: Vec<Finding>,
    options: &ScanOptions,
) -> (Vec<(Finding, bool)>, usize) {
    let mut all: Vec<(Finding, bool)> = Vec::with_capacity(findings.len());
    let mut repository_ignores = 0;
    let mut ignores = Ignores::read(project);
    if !options.honours_ignores() {
        // Counted, not applied: the author sees both views.
        for f in findings {
            if !ignores.is_empty()
                && f.severity >= options.min_severity
                && ignores.suppresses(f.file, line_of(project, &f), f.rule.id)
            {
                repository_ignores += 1;
            }
            all.push((f, false));
        }
    } else if ignores.is_empty() {
        all.extend(findings.into_iter().map(|f| (f, false)));
    } else {
        for f in findings {
            let hit = ignores.suppresses(f.file, line_of(project, &f), f.rule.id);
            all.push((f, hit));
        }
        for mut u in ignores.unused() {
            let file = project.file(u.file);
            u.context = crate::context::purpose_of(&file.path, file.kind);
            let hit = ignores.suppresses(u.file, line_of(project, &u), u.rule.id);
            all.push((u, hit));
        }
    }
    (all, repository_ignores)
}

/// Report order: path, start, rule, end, message.
fn sort(project: &Project, all: &mut [(Finding, bool)]) {
    all.sort_by(|(a, _), (b, _)| {
        let pa = &project.file(a.file).path;
        let pb = &project.file(b.file).path;
        (pa, a.span.start, a.rule.id, a.span.end, &a.message).cmp(&(
            pb,
            b.span.start,
            b.rule.id,
            b.span.end,
            &b.message,
        ))
    });
}

/// Fingerprint every finding (ignored or not, in report order), apply the
/// configuration, and keep what is not ignored; `ignored` counts the
/// dropped ones at or above the minimum severity.
fn configure(
    project: &Project,
    all: Vec<(Finding, bool)>,
    options: &ScanOptions,
    glob_paths: &[String],
    ignored_count: &mut usize,
) -> Vec<Occurrence> {
    let config = options.project_config();
    let honour = options.honours_ignores();
    let mut fingerprints = Fingerprinter::default();
    let mut survivors = Vec::with_capacity(all.len());
    for (mut f, mut ignored) in all {
        let file = project.file(f.file);
        let line = line_of(project, &f);
        let range = file.lines().line_range(&file.text, line);
        let fingerprint =
            fingerprints.next_at(f.rule.id, &file.path, range.start, &file.text[range]);
        if let Some(c) = config {
            let path = glob_paths
                .get(f.file.0 as usize)
                .map_or(file.path.as_str(), String::as_str);
            ignored |= apply_config(c, &mut f, path, honour);
        }
        if ignored {
            *ignored_count += (f.severity >= options.min_severity) as usize;
            continue;
        }
        survivors.push(Occurrence {
            finding: f,
            fingerprint,
            line,
        });
    }
    survivors
}

/// Severity overrides and context offsets; and, when the repository's word
/// counts (`honour`), whether `disable`/`[[ignore]]`/the context drops the
/// finding and an `[allow.*]` turns it into `info`. Returns "ignored".
fn apply_config(c: &Config, f: &mut Finding, path: &str, honour: bool) -> bool {
    if let Some(s) = c.severity_of(f.rule.id) {
        f.severity = s;
    }
    let context = c.context(f.context);
    f.severity = context.shift(f.severity);
    if !honour {
        return false;
    }
    let ignored =
        c.is_disabled(f.rule.id) || context.disable || c.ignore_for(f.rule.id, path).is_some();
    if let Some(allow) = f.allowance.and_then(|a| c.allow_for(a, path)) {
        f.severity = Severity::Info;
        let name = c.path.rsplit(['/', '\\']).next().unwrap_or(&c.path);
        f.message = format!("{} (allowed by {name}: {})", f.message, allow.reason);
    }
    ignored
}

/// Group the survivors (one finding per problem), record the baseline to
/// write (every occurrence), drop what the baseline has, and keep what is
/// at or above the minimum severity and in the asked contexts.
fn keep(project: &Project, survivors: Vec<Occurrence>, options: &ScanOptions, out: &mut Filtered) {
    for g in group::group(project, survivors) {
        let f = g.finding;
        let shown = f.severity >= options.min_severity
            && (options.contexts.is_empty() || options.contexts.contains(&f.context));
        // 5. The baseline to write: every occurrence.
        if options.record_baseline {
            out.record.extend(g.members.iter().map(|m| Entry {
                fingerprint: m.fingerprint.clone(),
                rule: f.rule.id.to_string(),
                path: project.file(m.file).path.clone(),
                line: m.line as u32 + 1,
                message: m.message.clone(),
            }));
        }
        // 6. The baseline to compare with, the minimum severity, the contexts.
        if options
            .baseline
            .as_ref()
            .is_some_and(|b| g.members.iter().any(|m| b.contains(&m.fingerprint)))
        {
            out.baselined += shown as usize;
            continue;
        }
        if shown {
            out.kept.push(Kept {
                finding: f,
                fingerprint: g.fingerprint,
            });
        }
    }
}
