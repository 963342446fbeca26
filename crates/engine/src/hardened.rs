//! **A ready fix for examples**: a documentation example (a `docker run`
//! in a README, an MCP config's `args` array in a README code block) that
//! lacks hardening flags gets, in the help of each of its findings, the
//! whole hardened command with only the missing flags added — the edits
//! of every fixable finding of that example applied to its text — so the
//! reader copies one line instead of reading five findings.
//!
//! It runs after [`crate::fix::resolve`]: the edits are the ones
//! `--fix --unsafe-fixes` applies, so the help and the fix agree.

use std::collections::BTreeMap;

use skillaudit_model::container::ArgSyntax;
use skillaudit_model::{Project, Purpose, TextEdit};
use skillaudit_rules::{Applicability, Finding, ModelRef};

/// Commands longer than this are not quoted in a help text.
const MAX_LEN: usize = 400;

/// Append the hardened command to the fix of every documentation finding
/// whose example can be fixed.
pub fn annotate<'f>(project: &Project, findings: impl IntoIterator<Item = &'f mut Finding>) {
    let mut findings: Vec<&mut Finding> = findings.into_iter().collect();
    // The edits of each example (container), in report order; a grouped
    // finding's repeats are examples too.
    let mut edits: BTreeMap<usize, Vec<TextEdit>> = BTreeMap::new();
    for f in findings.iter() {
        for one in std::iter::once(&**f).chain(&f.repeats) {
            let (Some(i), Some(fix)) = (example(project, one), one.fix.as_ref()) else {
                continue;
            };
            if fix.applicability == Applicability::Manual {
                continue;
            }
            let list = edits.entry(i).or_default();
            for e in &fix.edits {
                if !list.contains(e) {
                    list.push(e.clone());
                }
            }
        }
    }
    let lines: BTreeMap<usize, String> = edits
        .into_iter()
        .filter_map(|(i, e)| hardened(project, i, &e).map(|l| (i, l)))
        .collect();
    for f in findings.iter_mut() {
        let own = example(project, f).and_then(|i| lines.get(&i));
        if let (Some(line), Some(fix)) = (own, f.fix.as_mut()) {
            if fix.applicability != Applicability::Manual {
                fix.description
                    .push_str(&format!("; the example with every missing flag: {line}"));
            }
        }
        annotate_repeats(project, f, own, &lines);
    }
}

/// Each repeat of a grouped documentation finding whose example hardens
/// into another command line (another image, another README) says so in
/// its related location: every example keeps its ready fix. The repeats'
/// related locations are the finding's last ones, in the repeats' order
/// (`group::describe_repeats`), so they are paired, not searched for.
fn annotate_repeats(
    project: &Project,
    f: &mut Finding,
    own: Option<&String>,
    lines: &BTreeMap<usize, String>,
) {
    let first = f.related.len().saturating_sub(f.repeats.len());
    for (r, rel) in f.repeats.iter().zip(&mut f.related[first..]) {
        let Some(line) = example(project, r).and_then(|i| lines.get(&i)) else {
            continue;
        };
        if own != Some(line) {
            rel.message
                .push_str(&format!("; with every missing flag: {line}"));
        }
    }
}

/// The container of a documentation finding made on a command line.
fn example(project: &Project, f: &Finding) -> Option<usize> {
    if f.context != Purpose::Documentation {
        return None;
    }
    match f.model {
        Some(ModelRef::Container(i)) if project.command_line(i).is_some() => Some(i),
        _ => None,
    }
}

/// The example's command with `edits` (those inside it) applied, on one
/// line: `docker run --cap-drop ALL … image` or `["run", "--cap-drop", …]`.
fn hardened(project: &Project, index: usize, edits: &[TextEdit]) -> Option<String> {
    let c = &project.containers[index];
    let cl = project.command_line(index)?;
    let text = project.file(c.file).text.as_str();
    let run = cl.run_word.span;
    let last = cl.args.last().map_or(run.end, |a| a.origin.span.end) as usize;
    let start = match cl.syntax {
        // From the first word of the line that holds `run` (`docker`),
        // after a README's shell prompt (`$ docker run …`).
        ArgSyntax::Shell => {
            let line = text[..run.start as usize].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line..run.start as usize];
            let word = line + (before.len() - before.trim_start().len());
            match text[word..run.start as usize].strip_prefix("$ ") {
                Some(rest) => run.start as usize - rest.trim_start().len(),
                None => word,
            }
        }
        ArgSyntax::Array => run.start as usize,
    };
    // A shell command goes on to the end of its logical line (the
    // server's own arguments after the image).
    let last = match cl.syntax {
        ArgSyntax::Shell => logical_line_end(text, last),
        ArgSyntax::Array => last,
    };
    if start > last || last > text.len() {
        return None;
    }
    let mut inside: Vec<&TextEdit> = edits
        .iter()
        .filter(|e| {
            e.file == c.file && e.span.start as usize >= start && e.span.end as usize <= last
        })
        .collect();
    if inside.is_empty() {
        return None;
    }
    // Applied back to front; inserts at one offset keep their order.
    inside.sort_by_key(|e| e.span.start);
    let mut out = text.get(start..last)?.to_string();
    for e in inside.iter().rev() {
        let (s, t) = (e.span.start as usize - start, e.span.end as usize - start);
        out.replace_range(s..t, &e.replacement);
    }
    let one_line = out
        .replace("\\\r\n", " ")
        .replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let shown = match cl.syntax {
        ArgSyntax::Shell => one_line,
        ArgSyntax::Array => format!("[{one_line}]"),
    };
    (shown.len() <= MAX_LEN && !shown.contains('`')).then(|| format!("`{shown}`"))
}

/// The end of the logical shell line holding `at`: the next newline not
/// escaped by a `\`.
fn logical_line_end(text: &str, at: usize) -> usize {
    let mut i = at;
    while let Some(n) = text.get(i..).and_then(|t| t.find('\n')) {
        let nl = i + n;
        let before = text[..nl].trim_end_matches('\r');
        if before.ends_with('\\') {
            i = nl + 1;
        } else {
            return before.len();
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_lines_follow_continuations() {
        let t = "docker run -i \\\n  img --port 3\nnext";
        assert_eq!(
            &t[..logical_line_end(t, 10)],
            "docker run -i \\\n  img --port 3"
        );
        assert_eq!(logical_line_end("a b", 1), 3);
        assert_eq!(&"a b\r\nc"[..logical_line_end("a b\r\nc", 0)], "a b");
    }
}
