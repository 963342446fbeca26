//! Taint values: small sets of labels, each with where it came from, the
//! path it took and what is known about its position in strings.

use std::sync::Arc;

use crate::code::ir::Kinds;
use crate::Span;

/// At most this many labels per value (the first ones are kept: enough to
/// report a flow, bounded for hostile code).
pub const MAX_LABELS: usize = 6;
/// At most this many steps per path (the source and the last steps are kept).
pub const MAX_STEPS: u16 = 16;

/// Where a label's data came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// A handler's source parameter: (code file index, handler index, source index).
    Handler(u32, u32, u16),
    /// Parameter `n` of the function being summarised.
    Param(u16),
}

/// What the labelled value is, relative to the request the model sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Argument data (one argument, or the arguments object).
    Args,
    /// A whole request object (`request.params.arguments` inside).
    Request,
    /// `request.params`.
    RequestParams,
}

/// One step of a path, in the order the data took it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Code file index.
    pub file: u32,
    pub span: Span,
    pub message: String,
}

/// A path as a shared linked list, newest step first.
#[derive(Debug)]
pub struct TrailNode {
    pub step: Step,
    pub prev: Trail,
    pub len: u16,
}

pub type Trail = Option<Arc<TrailNode>>;

/// Append a step (bounded: past [`MAX_STEPS`] the oldest non-source steps
/// are dropped when the path is read, see [`steps`]).
pub fn push(trail: &Trail, step: Step) -> Trail {
    let len = trail.as_ref().map_or(0, |t| t.len).saturating_add(1);
    Some(Arc::new(TrailNode {
        step,
        prev: trail.clone(),
        len,
    }))
}

/// The steps of a path in order (oldest first): the first step (the
/// source) and the newest `MAX_STEPS - 1`.
pub fn steps(trail: &Trail) -> Vec<Step> {
    let mut all = Vec::new();
    let mut at = trail.as_ref();
    while let Some(node) = at {
        all.push(node.step.clone());
        at = node.prev.as_ref();
    }
    all.reverse();
    if all.len() > MAX_STEPS as usize {
        let tail = all.split_off(all.len() - (MAX_STEPS as usize - 1));
        all.truncate(1);
        all.extend(tail);
    }
    all
}

/// Facts about where a labelled value sits in the string it ended up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Attrs {
    /// Sink kinds it has been made safe for.
    pub sanitized: Kinds,
    /// Exactly the model's value (not built into a larger string).
    pub whole: bool,
    /// Constant text comes before it (it cannot start with `-`).
    pub prefixed: bool,
    /// A fixed `scheme://host/` comes before it.
    pub after_origin: bool,
}

impl Attrs {
    pub const FRESH: Attrs = Attrs {
        sanitized: Kinds::NONE,
        whole: true,
        prefixed: false,
        after_origin: false,
    };

    /// The attributes of a value that went through a function whose
    /// summary says `inner` about the parameter it came in by.
    pub fn then(self, inner: Attrs) -> Attrs {
        Attrs {
            sanitized: self.sanitized | inner.sanitized,
            whole: self.whole && inner.whole,
            prefixed: self.prefixed || inner.prefixed,
            after_origin: self.after_origin || inner.after_origin,
        }
    }
}

/// One piece of model data inside a value.
#[derive(Clone, Debug)]
pub struct Label {
    pub origin: Origin,
    pub role: Role,
    /// The tool argument's name, once known.
    pub name: Option<Arc<str>>,
    /// Fields of an arguments object that cannot carry text.
    pub safe_fields: Option<Arc<[String]>>,
    pub attrs: Attrs,
    pub trail: Trail,
}

/// A value: the labels of the model data it may contain, and whether it is
/// the dispatched tool's name, or a function.
#[derive(Clone, Debug, Default)]
pub struct Value {
    pub labels: Vec<Label>,
    /// The called tool's name (dispatchers compare it with literals).
    pub tool_name: bool,
    /// A function of the repository this value is (closures, aliases):
    /// (code file index, function index).
    pub func: Option<(u32, u32)>,
}

impl Value {
    pub fn clean() -> Value {
        Value::default()
    }

    pub fn is_tainted(&self) -> bool {
        !self.labels.is_empty()
    }

    /// Add the labels of `other` (bounded; same origin and name are merged,
    /// keeping the first path and the weaker sanitization).
    pub fn join(&mut self, other: Value) {
        self.tool_name |= other.tool_name;
        if self.func.is_none() {
            self.func = other.func;
        }
        for l in other.labels {
            self.add(l);
        }
    }

    pub fn add(&mut self, l: Label) {
        if let Some(same) = self
            .labels
            .iter_mut()
            .find(|x| x.origin == l.origin && x.name == l.name)
        {
            same.attrs = Attrs {
                sanitized: Kinds(same.attrs.sanitized.0 & l.attrs.sanitized.0),
                whole: same.attrs.whole || l.attrs.whole,
                prefixed: same.attrs.prefixed && l.attrs.prefixed,
                after_origin: same.attrs.after_origin && l.attrs.after_origin,
            };
            return;
        }
        if self.labels.len() < MAX_LABELS {
            self.labels.push(l);
        }
    }

    /// Every label with its attributes changed by `f`; labels made safe
    /// for every kind are dropped.
    pub fn map_attrs(mut self, f: impl Fn(&mut Attrs)) -> Value {
        for l in &mut self.labels {
            f(&mut l.attrs);
        }
        self.labels.retain(|l| l.attrs.sanitized != Kinds::ALL);
        self
    }

    /// The same data, derived (no longer the whole value).
    pub fn derived(self) -> Value {
        let mut v = self.map_attrs(|a| a.whole = false);
        v.func = None;
        v.tool_name = false;
        v
    }

    /// A step appended to every label's path.
    pub fn step(mut self, file: u32, span: Span, message: &str) -> Value {
        for l in &mut self.labels {
            l.trail = push(
                &l.trail,
                Step {
                    file,
                    span,
                    message: message.to_string(),
                },
            );
        }
        self
    }
}

/// Whether the text before a value keeps that value out of a URL's scheme
/// and host. In `before`, `\0` stands for model data and `\u{1}` for a
/// value the server chose itself (a constant, its configuration,
/// `this.apiPrefix`).
///
/// The value is after the origin when a `scheme://host/` precedes it —
/// `https://api.example.com/`, `${protocol}://${host}/api/` (whoever
/// chose `host`: if the model did, that other value is the finding) — or
/// when something then a `/` precedes it (`${base}/repos/`), or a server
/// value alone (`${API_BASE}${path}`: a base URL of the server's own).
/// Not after it: nothing before it, `https://` or `https://api.example.com`
/// (a value right after the host extends it: `.evil.com`, `@evil.com`),
/// model data alone before it.
pub fn fixes_origin(before: &str) -> bool {
    if let Some(i) = before.find("://") {
        let scheme = &before[..i];
        if scheme.is_empty()
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '\u{1}' | '\0'))
        {
            return false;
        }
        let rest = &before[i + 3..];
        return match rest.find(['/', '?', '#']) {
            Some(end) => end > 0 && !rest[..end].ends_with('@'),
            None => false,
        };
    }
    let Some(first) = before.chars().next() else {
        return false;
    };
    match first {
        '\u{1}' | '\0' if before[first.len_utf8()..].contains(['/', '?']) => true,
        '\u{1}' => !before.contains('\0'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(origin: Origin) -> Label {
        Label {
            origin,
            role: Role::Args,
            name: None,
            safe_fields: None,
            attrs: Attrs::FRESH,
            trail: None,
        }
    }

    #[test]
    fn fixed_origins() {
        assert!(fixes_origin("https://tracker.example.com/api/issues/"));
        assert!(fixes_origin("http://localhost:8080/x?q="));
        assert!(!fixes_origin("https://"));
        assert!(!fixes_origin("https://api.example.com"));
        assert!(!fixes_origin("curl "));
        assert!(
            fixes_origin("https://\0/path/"),
            "the host's own value is the finding"
        );
        assert!(fixes_origin("\0/repos/"));
        assert!(!fixes_origin("\0"));
        assert!(!fixes_origin("/relative/"));
        assert!(!fixes_origin("https://user@"));
        assert!(fixes_origin("\u{1}"), "a base URL of the server's own");
        assert!(fixes_origin("\u{1}://\u{1}/api/0"));
        assert!(!fixes_origin("\u{1}://"));
        assert!(!fixes_origin("\u{1}\0"));
        assert!(!fixes_origin("https://\u{1}"));
    }

    #[test]
    fn joins_are_bounded_and_merge_same_origin() {
        let mut v = Value::clean();
        for i in 0..20 {
            v.add(label(Origin::Param(i)));
        }
        assert_eq!(v.labels.len(), MAX_LABELS);
        let mut a = Value::clean();
        let mut l = label(Origin::Param(0));
        l.attrs.sanitized = Kinds::SHELL;
        a.add(l);
        a.add(label(Origin::Param(0)));
        assert_eq!(a.labels.len(), 1);
        assert_eq!(a.labels[0].attrs.sanitized, Kinds::NONE, "weaker wins");
    }

    #[test]
    fn long_paths_keep_the_source_and_the_end() {
        let mut t: Trail = None;
        for i in 0..40u32 {
            t = push(
                &t,
                Step {
                    file: 0,
                    span: Span::new(i as usize, i as usize + 1),
                    message: format!("s{i}"),
                },
            );
        }
        let s = steps(&t);
        assert_eq!(s.len(), MAX_STEPS as usize);
        assert_eq!(s[0].message, "s0");
        assert_eq!(s.last().unwrap().message, "s39");
    }
}
