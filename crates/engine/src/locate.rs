//! The **locate** stage: each kept finding and its related locations
//! resolved for display — path, 1-based line:column positions from the
//! file's lazily built line index — and the counts per severity.

use skillaudit_model::{Project, SourceFile};
use skillaudit_rules::{Location, Severity};
use skillaudit_syntax::source::LineCol;

use crate::filter;
use crate::result::{Shown, ShownRelated, Summary};

/// The kept findings, for display, and their counts per severity.
pub fn locate(project: &Project, kept: Vec<filter::Kept>) -> (Vec<Shown>, Summary) {
    let mut summary = Summary::default();
    let shown: Vec<Shown> = kept
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

    (shown, summary)
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
