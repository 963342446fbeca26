//! What a fix changes, in model terms, and the text edits that do it.
//!
//! A rule says *what* would remove a finding ([`Remedy`], about a
//! [`Subject`]: one Container or Image of the project); the per-format
//! editors of [`crate::edit`] turn that into minimal [`TextEdit`]s of the
//! file that describes the subject — or into nothing, when the file's
//! syntax there is not one they can change safely (the fix then stays a
//! description for a person).

use crate::file::FileId;
use crate::Span;

/// What a remedy is about: an index into `Project::containers` or `Project::images`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Container(usize),
    Image(usize),
}

/// Conservative defaults of the resource-limit fixes.
pub const MEMORY_LIMIT: &str = "512m";
pub const CPU_LIMIT: &str = "1.0";
pub const PIDS_LIMIT: &str = "256";
/// The user of the generic `USER` fix: a numeric UID/GID outside the
/// ranges distributions allocate, which needs no `/etc/passwd` entry.
pub const GENERIC_USER: &str = "10001:10001";

/// A change to a Container or an Image that removes a finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Remedy {
    /// `security_opt: [no-new-privileges:true]` / `--security-opt no-new-privileges:true`.
    NoNewPrivileges,
    /// `cap_drop: [ALL]` / `--cap-drop ALL`.
    DropAllCapabilities,
    /// `read_only: true` / `--read-only`, plus a tmpfs at `/tmp` unless one is mounted there.
    ReadOnlyRoot,
    /// The missing memory and/or CPU limit ([`MEMORY_LIMIT`], [`CPU_LIMIT`]).
    ResourceLimits,
    /// A process-count limit ([`PIDS_LIMIT`]).
    PidsLimit,
    /// Make the container's mount at this index (`Container::mounts`) read-only.
    BindReadOnly { mount: usize },
    /// Bind the container's port at this index (`Container::ports`) to 127.0.0.1.
    PublishOnLoopback { port: usize },
    /// Switch a stage of an Image (index in `Image::stages`: the last one,
    /// or the one a build targets) to this user before it starts.
    SetUser { user: String, stage: usize },
    /// Remove privileged mode.
    RemovePrivileged,
}

/// One text edit: replace `span` of `file` with `replacement` (an insertion
/// when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TextEdit {
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
}

impl TextEdit {
    pub fn insert(file: FileId, at: usize, text: impl Into<String>) -> TextEdit {
        TextEdit {
            file,
            span: Span::empty(at),
            replacement: text.into(),
        }
    }
    pub fn replace(file: FileId, span: Span, text: impl Into<String>) -> TextEdit {
        TextEdit {
            file,
            span,
            replacement: text.into(),
        }
    }
    pub fn delete(file: FileId, span: Span) -> TextEdit {
        TextEdit {
            file,
            span,
            replacement: String::new(),
        }
    }
}

/// Apply edits to a text. The edits must not overlap (inserts at one offset
/// are applied in the order given); returns `None` if they do or if a span
/// does not fall on character boundaries.
pub fn apply(text: &str, edits: &[&TextEdit]) -> Option<String> {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    // Stable: inserts at one offset keep their given order.
    order.sort_by_key(|&i| (edits[i].span.start, edits[i].span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0usize;
    for i in order {
        let e = edits[i];
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        if start < pos
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            return None;
        }
        out.push_str(&text[pos..start]);
        out.push_str(&e.replacement);
        pos = end;
    }
    out.push_str(&text[pos..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_offset_order_and_refuses_overlaps() {
        let f = FileId(0);
        let a = TextEdit::insert(f, 3, "X");
        let b = TextEdit::insert(f, 3, "Y");
        let c = TextEdit::replace(f, Span::new(0, 1), "z");
        assert_eq!(apply("abcdef", &[&a, &b, &c]).as_deref(), Some("zbcXYdef"));
        let d = TextEdit::replace(f, Span::new(0, 2), "");
        assert_eq!(apply("abcdef", &[&c, &d]), None);
        assert_eq!(apply("é", &[&TextEdit::insert(f, 1, "x")]), None);
    }
}
