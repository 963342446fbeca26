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
use crate::fingerprint::Fingerprinter;
use crate::group::{self, Occurrence};
use crate::suppress::Ignores;
use crate::ScanOptions;

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
    let config = options.project_config();
    let honour = options.honours_ignores();
    let line_of = |f: &Finding| project.file(f.file).lines().line_of(f.span.start);

    // 1. Inline ignores.
    let mut all: Vec<(Finding, bool)> = Vec::with_capacity(findings.len());
    let mut repository_ignores = 0;
    if !honour {
        // Counted, not applied: the author sees both views.
        let mut ignores = Ignores::read(project);
        for f in findings {
            if !ignores.is_empty()
                && f.severity >= options.min_severity
                && ignores.suppresses(f.file, line_of(&f), f.rule.id)
            {
                repository_ignores += 1;
            }
            all.push((f, false));
        }
    } else {
        let mut ignores = Ignores::read(project);
        if ignores.is_empty() {
            all.extend(findings.into_iter().map(|f| (f, false)));
        } else {
            for f in findings {
                let hit = ignores.suppresses(f.file, line_of(&f), f.rule.id);
                all.push((f, hit));
            }
            for mut u in ignores.unused() {
                let file = project.file(u.file);
                u.context = crate::context::purpose_of(&file.path, file.kind);
                let hit = ignores.suppresses(u.file, line_of(&u), u.rule.id);
                all.push((u, hit));
            }
        }
    }

    // 2. Order and fingerprints.
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
    let mut fingerprints = Fingerprinter::default();
    let mut out = Filtered {
        kept: Vec::new(),
        ignored: 0,
        baselined: 0,
        record: Vec::new(),
        repository_ignores,
    };
    let mut survivors = Vec::with_capacity(all.len());
    for (mut f, mut ignored) in all {
        let file = project.file(f.file);
        let line = line_of(&f);
        let range = file.lines().line_range(&file.text, line);
        let fingerprint =
            fingerprints.next_at(f.rule.id, &file.path, range.start, &file.text[range]);

        // 3. The configuration.
        if let Some(c) = config {
            let path = glob_paths
                .get(f.file.0 as usize)
                .map_or(file.path.as_str(), String::as_str);
            if let Some(s) = c.severity_of(f.rule.id) {
                f.severity = s;
            }
            let context = c.context(f.context);
            f.severity = context.shift(f.severity);
            if honour {
                ignored |= c.is_disabled(f.rule.id)
                    || context.disable
                    || c.ignore_for(f.rule.id, path).is_some();
                if let Some(allow) = f.allowance.and_then(|a| c.allow_for(a, path)) {
                    f.severity = Severity::Info;
                    let name = c.path.rsplit(['/', '\\']).next().unwrap_or(&c.path);
                    f.message = format!("{} (allowed by {name}: {})", f.message, allow.reason);
                }
            }
        }
        if ignored {
            out.ignored += (f.severity >= options.min_severity) as usize;
            continue;
        }
        survivors.push(Occurrence {
            finding: f,
            fingerprint,
            line,
        });
    }

    // 4. One finding per problem.
    for g in group::group(project, survivors) {
        let f = g.finding;
        let shown = f.severity >= options.min_severity
            && (options.contexts.is_empty() || options.contexts.contains(&f.context));
        // 5. The baseline to write: every occurrence.
        if options.record_baseline {
            let path = &project.file(f.file).path;
            out.record
                .extend(g.members.iter().map(|(fp, line, message)| Entry {
                    fingerprint: fp.clone(),
                    rule: f.rule.id.to_string(),
                    path: path.clone(),
                    line: *line as u32 + 1,
                    message: message.clone(),
                }));
        }
        // 6. The baseline to compare with, the minimum severity, the contexts.
        if options
            .baseline
            .as_ref()
            .is_some_and(|b| g.members.iter().any(|(fp, _, _)| b.contains(fp)))
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
    out
}
