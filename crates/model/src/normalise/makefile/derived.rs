//! Lines and derived text: physical lines, and the shell text a recipe
//! stands for (`Derived`), with an offset map back to the file.

use super::*;
use skillaudit_syntax::source::find;

/// One physical line: `[start, end)` without its `\n` / `\r\n`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line {
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn physical_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            let end = if i > start && bytes[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push(Line { start, end });
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(Line {
            start,
            end: bytes.len(),
        });
    }
    out
}

/// Does the line end with an odd number of backslashes (a continuation)?
pub(super) fn continues(bytes: &[u8], line: Line) -> bool {
    let mut n = 0;
    let mut i = line.end;
    while i > line.start && bytes[i - 1] == b'\\' {
        n += 1;
        i -= 1;
    }
    n % 2 == 1
}

/// One command line rebuilt for the shell parser.
#[derive(Debug, Default)]
pub(super) struct Derived {
    /// What the shell parser reads: tool references masked as `${xxx}`.
    pub(super) text: String,
    /// The same text with the references as written (same length).
    pub(super) original: String,
    /// Derived offset → file offset.
    pub(super) pieces: Vec<(u32, u32)>,
    /// Masked ranges of `text`.
    pub(super) masks: Vec<(usize, usize)>,
    /// File offset right after the last copied byte, while copying runs on.
    pub(super) next_file: Option<usize>,
}

impl Derived {
    /// Copy `file[from..to]` verbatim.
    pub(super) fn copy(&mut self, file: &str, from: usize, to: usize) {
        let Some(s) = file.get(from..to).filter(|s| !s.is_empty()) else {
            return;
        };
        self.track(from, to);
        self.text.push_str(s);
        self.original.push_str(s);
    }

    /// Copy `file[from..to]` (a make reference or just interpolation) as an
    /// opaque parameter expansion of the same length: `${xxxx}`, or `$x`
    /// for two bytes.
    pub(super) fn mask(&mut self, file: &str, from: usize, to: usize) {
        let Some(s) = file.get(from..to).filter(|s| s.len() >= 2) else {
            self.copy(file, from, to);
            return;
        };
        self.track(from, to);
        let at = self.text.len();
        if s.len() < 4 {
            self.text.push('$');
            self.text.extend(std::iter::repeat_n('x', s.len() - 1));
        } else {
            self.text.push_str("${");
            self.text.extend(std::iter::repeat_n('x', s.len() - 3));
            self.text.push('}');
        }
        self.original.push_str(s);
        self.masks.push((at, self.text.len()));
    }

    /// Text that is not in the file (a line break, a variable's value),
    /// reported at `file_at`; its last byte at `last_at`.
    pub(super) fn insert(&mut self, s: &str, file_at: usize, last_at: usize) {
        if s.is_empty() {
            return;
        }
        let at = self.text.len();
        self.pieces.push((at as u32, file_at as u32));
        if s.len() > 1 && last_at > file_at {
            self.pieces
                .push(((at + s.len() - 1) as u32, last_at as u32));
        }
        self.text.push_str(s);
        self.original.push_str(s);
        self.next_file = None;
    }

    /// Start a piece unless the copy continues the previous one.
    pub(super) fn track(&mut self, from: usize, to: usize) {
        if self.next_file != Some(from) {
            self.pieces.push((self.text.len() as u32, from as u32));
        }
        self.next_file = Some(to);
    }

    pub(super) fn map(&self) -> OffsetMap {
        OffsetMap {
            pieces: self.pieces.clone(),
        }
    }
}

/// Parse one command line, unless it cannot mention a container engine.
pub(super) fn parse_command(d: &Derived) -> Option<(Script, OffsetMap)> {
    if d.pieces.is_empty() || !ENGINES.iter().any(|e| d.text.contains(e)) {
        return None;
    }
    let mut script = shell::parse(&d.text);
    restore(&mut script, d);
    Some((script, d.map()))
}

/// Put the masked references back into the word values.
pub(super) fn restore(script: &mut Script, d: &Derived) {
    if d.masks.is_empty() {
        return;
    }
    for command in &mut script.commands {
        for word in command
            .words
            .iter_mut()
            .chain(command.assignments.iter_mut())
        {
            let (start, end) = (word.span.start as usize, word.span.end as usize);
            let first = d.masks.partition_point(|&(_, e)| e <= start);
            let inside = d
                .masks
                .get(first..)
                .unwrap_or(&[])
                .iter()
                .take_while(|&&(s, _)| s < end);
            let masked = d.text.get(start..end);
            if masked == Some(word.value.as_str()) {
                // Unquoted: the value is the text as written.
                if let Some(original) = d.original.get(start..end) {
                    word.value = original.to_string();
                }
                continue;
            }
            // Quoted: the masks appear in the value in order; one forward pass.
            let mut restored = String::with_capacity(word.value.len());
            let mut rest = word.value.as_str();
            for &(s, e) in inside {
                let (Some(m), Some(o)) = (d.text.get(s..e), d.original.get(s..e)) else {
                    continue;
                };
                let Some(at) = rest.find(m) else { break };
                restored.push_str(&rest[..at]);
                restored.push_str(o);
                rest = &rest[at + m.len()..];
            }
            restored.push_str(rest);
            word.value = restored;
        }
    }
}

/// For every `(` / `{` in `bytes[from..to]`, the offset of its matching
/// `)` / `}` (each kind counted on its own, as make does), or `usize::MAX`.
/// One pass with two stacks, so looking references up stays linear.
pub(super) fn matching_delimiters(bytes: &[u8], from: usize, to: usize) -> Vec<usize> {
    let mut out = vec![usize::MAX; to.saturating_sub(from)];
    let (mut parens, mut braces) = (Vec::new(), Vec::new());
    for (i, &b) in bytes.iter().enumerate().take(to).skip(from) {
        let open = match b {
            b'(' => {
                parens.push(i);
                continue;
            }
            b'{' => {
                braces.push(i);
                continue;
            }
            b')' => parens.pop(),
            b'}' => braces.pop(),
            _ => continue,
        };
        if let Some(slot) = open.and_then(|o| out.get_mut(o - from)) {
            *slot = i;
        }
    }
    out
}

/// Copy a stretch of a Make recipe: `$$` → `$`, references (`$(…)`,
/// `${…}`, `$@`) masked, engine variables replaced by their value.
pub(super) fn copy_make(
    d: &mut Derived,
    text: &str,
    from: usize,
    to: usize,
    engines: &HashMap<String, String>,
) {
    let bytes = text.as_bytes();
    let closing = matching_delimiters(bytes, from, to);
    let mut run = from;
    let mut i = from;
    while i < to {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let end = match bytes.get(i + 1) {
            Some(b'$') => {
                // `$$` is a `$` for the shell.
                d.copy(text, run, i + 1);
                i += 2;
                run = i;
                continue;
            }
            Some(b'(' | b'{') => closing
                .get(i + 1 - from)
                .copied()
                .filter(|&c| c < to)
                .map(|c| c + 1),
            Some(b' ' | b'\t') | None => None,
            // `$@`, `$<`, `$X`: one character.
            Some(_) => text
                .get(i + 1..to)
                .and_then(|s| s.chars().next())
                .map(|c| i + 1 + c.len_utf8()),
        };
        let Some(end) = end else {
            i += 1;
            continue;
        };
        d.copy(text, run, i);
        let name = if end >= i + 4 {
            text.get(i + 2..end - 1).unwrap_or("")
        } else {
            ""
        };
        match engines.get(name) {
            Some(value) => d.insert(value, i, end - 1),
            None => d.mask(text, i, end),
        }
        i = end;
        run = i;
    }
    d.copy(text, run, to);
}

/// Copy a stretch of a just recipe: `{{ … }}` masked, `{{{{` → `{{`.
pub(super) fn copy_just(d: &mut Derived, text: &str, from: usize, to: usize) {
    let bytes = text.as_bytes();
    let mut run = from;
    let mut i = from;
    let mut unclosed = false;
    while i + 1 < to {
        if !(bytes[i] == b'{' && bytes[i + 1] == b'{') {
            i += 1;
            continue;
        }
        if bytes.get(i..to).is_some_and(|s| s.starts_with(b"{{{{")) {
            d.copy(text, run, i + 2);
            i += 4;
            run = i;
            continue;
        }
        let close = if unclosed {
            None
        } else {
            find(&bytes[..to], i + 2, b"}}")
        };
        let Some(close) = close else {
            unclosed = true;
            i += 2;
            continue;
        };
        d.copy(text, run, i);
        d.mask(text, i, close + 2);
        i = close + 2;
        run = i;
    }
    d.copy(text, run, to);
}

/// Is a `#!` line / interpreter command a POSIX shell? `/bin/bash -e`,
/// `/usr/bin/env bash`, `/usr/bin/env -S sh -eu` are.
pub(super) fn posix_interpreter(command: &str) -> bool {
    let mut words = command.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let name = |w: &str| -> String {
        let base = w.rsplit(['/', '\\']).next().unwrap_or(w);
        base.strip_suffix(".exe").unwrap_or(base).to_string()
    };
    let program = if name(first) == "env" {
        words.find(|w| !w.starts_with('-')).map(name)
    } else {
        Some(name(first))
    };
    program.is_some_and(|p| POSIX_SHELLS.contains(&p.as_str()))
}
