//! The scan's **fix** stage: each shown finding's remedy resolved into text
//! edits with the per-format editors of `skillaudit_model::edit` (a fix no
//! editor can make is `manual`), and the hardened command appended to
//! documentation examples ([`crate::hardened`]). Applying the edits is
//! [`crate::fix`]'s job.

use skillaudit_model::edit::Editor;
use skillaudit_model::Project;
use skillaudit_rules::{Applicability, Finding};

use crate::filter::Kept;
use crate::hardened;

/// Resolve the edits of every kept finding and annotate documentation
/// examples with their hardened command.
pub fn attach(project: &Project, kept: &mut [Kept]) {
    resolve(project, kept.iter_mut().map(|k| &mut k.finding));
    hardened::annotate(project, kept.iter_mut().map(|k| &mut k.finding));
}

/// Resolve every finding's remedy into edits; a fix without edits (no
/// remedy, or none the editors can make) is `Manual`. A finding that
/// stands for several occurrences ([`crate::group`]) carries the edits of
/// every occurrence, so `--fix` fixes all the examples at once.
pub fn resolve<'f>(project: &Project, findings: impl IntoIterator<Item = &'f mut Finding>) {
    let mut editor = Editor::new(project);
    for f in findings {
        let asked = f.fix.as_ref().map(|x| x.applicability);
        resolve_one(&mut editor, f);
        let mut extra = Vec::new();
        for r in &mut f.repeats {
            resolve_one(&mut editor, r);
            if let Some(x) = &r.fix {
                extra.extend(x.edits.iter().cloned());
            }
        }
        if let (Some(fix), Some(asked)) = (f.fix.as_mut(), asked) {
            if !extra.is_empty() && asked != Applicability::Manual {
                fix.applicability = asked;
                fix.edits.extend(extra);
            }
        }
    }
}

fn resolve_one(editor: &mut Editor, f: &mut Finding) {
    let Some(fix) = f.fix.as_mut() else { return };
    if fix.applicability == Applicability::Manual {
        return;
    }
    match fix
        .remedy
        .as_ref()
        .and_then(|(subject, r)| editor.edits(*subject, r))
    {
        Some(edits) => fix.edits = edits,
        None => fix.applicability = Applicability::Manual,
    }
}
