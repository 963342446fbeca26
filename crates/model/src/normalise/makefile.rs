//! Makefile / justfile recipe lines → Containers of their `docker run`
//! commands.
//!
//! Only what the tool would hand to a shell is read as shell: recipe lines
//! of rules (Make) and recipe bodies (just). Variable assignments, rule
//! headers, `.PHONY`, comments, `define … endef` blocks and just settings
//! are never shell, so `RUN = docker run --privileged x` is not a container
//! (nor is `@echo "docker run …"`, which the shell parser sees as an echo).
//!
//! # Make
//!
//! A recipe line starts with a tab and follows a rule header (`target:`,
//! `a b: c`, `%.o: %.c`, `x:: y`; blank lines, comments and conditional
//! directives in between keep the rule open), or follows `;` on the header
//! itself (`run: ; docker run …`). As GNU make does, one logical line (with
//! its backslash-newline continuations, which reach the shell as they are,
//! minus the leading tab of each continuation line) is one shell command
//! line; leading blanks and the `@`, `-`, `+` prefixes are removed; `$$`
//! becomes `$`. Make references — `$(VAR)`, `${VAR}`, `$(shell …)`,
//! `$(if …)`, `$@` — are expanded by make before the shell runs, so they
//! are kept as written and treated as opaque, non-literal word parts. One
//! exception helps real Makefiles: a variable whose final value is a plain
//! command naming a container engine (`DOCKER ?= docker`, `ENGINE :=
//! podman`) is replaced by that value, so `$(DOCKER) run …` is recognised.
//!
//! # just
//!
//! A recipe body is the indented lines under a recipe header (`name:`,
//! `@name arg='x': deps`). Linewise recipes run each line in `sh -cu` (or
//! the `set shell`), with a trailing `\` joining the next line after its
//! leading white space (just's own rule), and one `@` and/or `-` sigil
//! removed. A body starting with a `#!` line, or a recipe marked
//! `[script]`, is one script: read as shell when its interpreter is a POSIX
//! shell, skipped otherwise (Python, Node, PowerShell …). `{{ … }}`
//! interpolations are opaque word parts like make references; `{{{{` is a
//! literal `{{`.
//!
//! A `-v` source that starts with an interpolation
//! (`{{ invocation_directory() }}:/w`) is a host path, as a `$VAR` source is.
//!
//! # Positions
//!
//! Each command line is rebuilt as text for the shell parser together with
//! an [`OffsetMap`] (one piece per copied run), so every word — and so
//! every finding — points at the file line where it is written, across
//! continuation lines and removed prefixes.
//!
//! [`builds`] gives the `docker build -t` commands of the same recipes, for
//! linking `docker run TAG` to the Dockerfile that builds it.

use std::collections::HashMap;

use skillaudit_syntax::shell::{self, Script};
use skillaudit_syntax::OffsetMap;

use crate::container::BuildCommand;
use crate::container::{Container, MountKind};
use crate::file::FileId;
use crate::normalise::shell_script;

/// Container-engine CLIs: command lines that mention none are not parsed.
const ENGINES: &[&str] = &["docker", "podman", "nerdctl"];

/// Interpreters that read POSIX shell (by program name).
const POSIX_SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"];

/// Which tool reads the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Make,
    Just,
}

impl Dialect {
    /// The dialect a file name announces: `Makefile`, `GNUmakefile`,
    /// `makefile`, `*.mk`, `*.make` are Make; `justfile`, `.justfile`,
    /// `Justfile`, `*.just` are just. `None` for anything else.
    pub fn from_file_name(name: &str) -> Option<Dialect> {
        let base = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(name)
            .to_ascii_lowercase();
        if matches!(base.as_str(), "makefile" | "gnumakefile")
            || base.ends_with(".mk")
            || base.ends_with(".make")
        {
            return Some(Dialect::Make);
        }
        if matches!(base.as_str(), "justfile" | ".justfile") || base.ends_with(".just") {
            return Some(Dialect::Just);
        }
        None
    }

    /// Guess the dialect from the content: recipe bodies indented with
    /// spaces (make rejects them), `set x := …` / `alias x := …` lines,
    /// `[attribute]` lines and `{{ … }}` in recipes say just; `.PHONY`,
    /// conditionals, `define`, `include` and tab-indented recipes say
    /// Make. Make wins a tie.
    pub fn sniff(text: &str) -> Dialect {
        let (mut just, mut make) = (0u32, 0u32);
        let mut after_header = false;
        for line in text.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            let indented = line.starts_with([' ', '\t']);
            if indented {
                if after_header {
                    if line.starts_with('\t') {
                        make += 1;
                    } else {
                        just += 2;
                    }
                }
                if line.contains("{{") {
                    just += 1;
                }
                after_header = false;
                continue;
            }
            let t = line.trim_end();
            if (t.starts_with("set ") || t.starts_with("alias ")) && t.contains(":=") {
                just += 3;
            } else if (t.starts_with('[') && t.ends_with(']'))
                || t.starts_with("import ")
                || t.starts_with("mod ")
            {
                just += 1;
            }
            let first = t.split_whitespace().next().unwrap_or("");
            if first.starts_with(".PHONY")
                || matches!(
                    first,
                    "ifeq"
                        | "ifneq"
                        | "ifdef"
                        | "ifndef"
                        | "define"
                        | "include"
                        | "-include"
                        | "endif"
                )
            {
                make += 3;
            }
            after_header =
                !t.starts_with('#') && t.contains(':') && !t.contains(":=") && !t.contains('=');
        }
        if just > make {
            Dialect::Just
        } else {
            Dialect::Make
        }
    }
}

/// Every `docker run` of a Makefile or justfile, its dialect guessed from
/// the content (see [`Dialect::sniff`]; prefer [`containers_in`] when the
/// file name tells).
pub fn containers(file: FileId, text: &str) -> Vec<Container> {
    containers_in(file, text, Dialect::sniff(text))
}

/// Every `docker run` of a Makefile or justfile of the given dialect.
pub fn containers_in(file: FileId, text: &str, dialect: Dialect) -> Vec<Container> {
    let mut out = Vec::new();
    for d in commands(text, dialect) {
        if let Some((script, map)) = parse_command(&d) {
            out.extend(shell_script::containers(file, &script, &|s| map.span(s)));
        }
    }
    if dialect == Dialect::Just {
        // A mount source that starts with an interpolation (`{{ invocation_directory() }}`)
        // is a value just computes, like a `$VAR` source: a host path, not
        // a volume name (names cannot contain braces or spaces).
        for m in out.iter_mut().flat_map(|c| c.mounts.iter_mut()) {
            if m.kind == MountKind::Volume && m.source.trim_start().starts_with("{{") {
                m.kind = MountKind::Bind;
            }
        }
    }
    out
}

/// Every `docker build -t TAG` of a Makefile or justfile, its dialect
/// guessed from the content, so that a `docker run TAG` links to the
/// Dockerfile it builds. Tags keep make references and just
/// interpolations as written (`$(IMAGE)`), as the runs do.
pub fn builds(text: &str) -> Vec<BuildCommand> {
    builds_in(text, Dialect::sniff(text))
}

/// [`builds`] for a known dialect.
pub fn builds_in(text: &str, dialect: Dialect) -> Vec<BuildCommand> {
    let mut out = Vec::new();
    for d in commands(text, dialect) {
        if let Some((script, map)) = parse_command(&d) {
            out.extend(shell_script::builds(&script, &|s| map.span(s)));
        }
    }
    out
}

/// The shell command lines (or whole scripts) of the file's recipes.
fn commands(text: &str, dialect: Dialect) -> Vec<Derived> {
    let lines = physical_lines(text);
    match dialect {
        Dialect::Make => make_commands(text, &lines),
        Dialect::Just => just_commands(text, &lines),
    }
}

// ---------------------------------------------------------------------------
// Lines and derived text

/// One physical line: `[start, end)` without its `\n` / `\r\n`.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
}

fn physical_lines(text: &str) -> Vec<Line> {
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
fn continues(bytes: &[u8], line: Line) -> bool {
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
struct Derived {
    /// What the shell parser reads: tool references masked as `${xxx}`.
    text: String,
    /// The same text with the references as written (same length).
    original: String,
    /// Derived offset → file offset.
    pieces: Vec<(u32, u32)>,
    /// Masked ranges of `text`.
    masks: Vec<(usize, usize)>,
    /// File offset right after the last copied byte, while copying runs on.
    next_file: Option<usize>,
}

impl Derived {
    /// Copy `file[from..to]` verbatim.
    fn copy(&mut self, file: &str, from: usize, to: usize) {
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
    fn mask(&mut self, file: &str, from: usize, to: usize) {
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
    fn insert(&mut self, s: &str, file_at: usize, last_at: usize) {
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
    fn track(&mut self, from: usize, to: usize) {
        if self.next_file != Some(from) {
            self.pieces.push((self.text.len() as u32, from as u32));
        }
        self.next_file = Some(to);
    }

    fn map(&self) -> OffsetMap {
        OffsetMap {
            pieces: self.pieces.clone(),
        }
    }
}

/// Parse one command line, unless it cannot mention a container engine.
fn parse_command(d: &Derived) -> Option<(Script, OffsetMap)> {
    if d.pieces.is_empty() || !ENGINES.iter().any(|e| d.text.contains(e)) {
        return None;
    }
    let mut script = shell::parse(&d.text);
    restore(&mut script, d);
    Some((script, d.map()))
}

/// Put the masked references back into the word values.
fn restore(script: &mut Script, d: &Derived) {
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
fn matching_delimiters(bytes: &[u8], from: usize, to: usize) -> Vec<usize> {
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
fn copy_make(
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
fn copy_just(d: &mut Derived, text: &str, from: usize, to: usize) {
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

/// First occurrence of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Is a `#!` line / interpreter command a POSIX shell? `/bin/bash -e`,
/// `/usr/bin/env bash`, `/usr/bin/env -S sh -eu` are.
fn posix_interpreter(command: &str) -> bool {
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

// ---------------------------------------------------------------------------
// Make

/// What a non-recipe logical line of a Makefile is.
#[derive(Debug, PartialEq, Eq)]
enum MakeLine {
    /// Blank, a comment, or a conditional directive: a rule stays open.
    Neutral,
    /// `define NAME` (recipes are not read until the matching `endef`).
    Define,
    /// A rule header; `Some(offset)` where an inline recipe (`; cmd`) starts.
    Rule(Option<(usize, usize)>),
    /// `NAME op value`.
    Assignment {
        name: String,
        op: String,
        value: String,
    },
    /// Anything else (include, export, a function call…): ends a rule.
    Other,
}

/// The command lines of a Makefile's recipes.
fn make_commands(text: &str, lines: &[Line]) -> Vec<Derived> {
    let bytes = text.as_bytes();
    // Recipe logical lines: (first line index, last line index, start offset).
    let mut recipes: Vec<(usize, usize, usize)> = Vec::new();
    let mut variables: HashMap<String, Option<String>> = HashMap::new();
    let mut in_rule = false;
    let mut define_depth = 0usize;
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        let content = text.get(line.start..line.end).unwrap_or("");
        if define_depth > 0 {
            // Inside `define`: only nesting matters (no continuation either).
            let mut words = content.split_whitespace();
            match words.next() {
                Some("endef") => define_depth -= 1,
                Some("define") => define_depth += 1,
                Some("override" | "export" | "private") if words.next() == Some("define") => {
                    define_depth += 1
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        // The logical line: this line and its backslash continuations.
        let mut last = i;
        while lines.get(last).is_some_and(|&l| continues(bytes, l)) && last + 1 < lines.len() {
            last += 1;
        }
        if in_rule && content.starts_with('\t') {
            recipes.push((i, last, line.start + 1));
            i = last + 1;
            continue;
        }
        match classify_make(text, &lines[i..=last]) {
            MakeLine::Neutral => {}
            MakeLine::Define => {
                define_depth = 1;
                in_rule = false;
            }
            MakeLine::Rule(inline) => {
                in_rule = true;
                if let Some((k, at)) = inline {
                    recipes.push((i + k, last, at));
                }
            }
            MakeLine::Assignment { name, op, value } => {
                in_rule = false;
                assign(&mut variables, name, &op, value);
            }
            MakeLine::Other => in_rule = false,
        }
        i = last + 1;
    }

    let engines: HashMap<String, String> = variables
        .into_iter()
        .filter_map(|(name, value)| value.filter(|v| is_engine_command(v)).map(|v| (name, v)))
        .collect();
    recipes
        .into_iter()
        .map(|(first, last, from)| {
            make_recipe(text, lines.get(first..=last).unwrap_or(&[]), from, &engines)
        })
        .collect()
}

/// Record an assignment with make's semantics for the final value: `?=`
/// only when undefined, `+=` appends, `!=` runs a command (unknown value).
fn assign(variables: &mut HashMap<String, Option<String>>, name: String, op: &str, value: String) {
    match op {
        "?=" => {
            variables.entry(name).or_insert(Some(value));
        }
        "+=" => {
            let entry = variables.entry(name).or_insert_with(|| Some(String::new()));
            if let Some(old) = entry {
                if !old.is_empty() {
                    old.push(' ');
                }
                old.push_str(&value);
            }
        }
        "!=" => {
            variables.insert(name, None);
        }
        _ => {
            variables.insert(name, Some(value));
        }
    }
}

/// A variable value usable as a command name: a few plain words (no
/// references, quotes or shell syntax), one of them a container engine
/// (`docker`, `/usr/bin/podman`, `sudo docker`).
fn is_engine_command(value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && !value.contains([
            '$', '`', '\'', '"', ';', '|', '&', '(', ')', '<', '>', '{', '}', '\\',
        ])
        && words
            .iter()
            .any(|w| ENGINES.contains(&w.rsplit('/').next().unwrap_or(w)))
}

/// Classify a (possibly continued) non-recipe line.
fn classify_make(text: &str, lines: &[Line]) -> MakeLine {
    let bytes = text.as_bytes();
    let Some(first) = lines.first() else {
        return MakeLine::Neutral;
    };
    let content = text.get(first.start..first.end).unwrap_or("");
    let trimmed = content.trim_start();
    if trimmed.is_empty() && lines.len() == 1 {
        return MakeLine::Neutral;
    }
    if trimmed.starts_with('#') {
        return MakeLine::Neutral;
    }
    let mut words = trimmed.split_whitespace();
    let word = words.next().unwrap_or("");
    let mut scan_from = first.start + (content.len() - trimmed.len());
    match word {
        "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif" => return MakeLine::Neutral,
        "define" => return MakeLine::Define,
        "override" | "export" | "private" | "unexport" => {
            if words.next() == Some("define") {
                return MakeLine::Define;
            }
            // `export NAME = value`: read the assignment after the keyword.
            scan_from += word.len();
        }
        "include" | "-include" | "sinclude" | "vpath" | "undefine" => return MakeLine::Other,
        _ => {}
    }

    // Scan for the first `:` / `=` / `;` / `#` outside references.
    let last = lines.len() - 1;
    let mut depth = 0usize;
    let mut colon = false;
    let mut name_end: Option<usize> = None;
    for (k, line) in lines.iter().enumerate() {
        let end = if k < last {
            line.end.saturating_sub(1).max(line.start)
        } else {
            line.end
        };
        let mut p = if k == 0 {
            scan_from.min(end)
        } else {
            line.start
        };
        while p < end {
            let c = bytes[p];
            if depth > 0 {
                match c {
                    b'(' | b'{' => depth += 1,
                    b')' | b'}' => depth -= 1,
                    _ => {}
                }
                p += 1;
                continue;
            }
            match c {
                b'$' if matches!(bytes.get(p + 1), Some(b'(' | b'{')) => {
                    depth = 1;
                    p += 2;
                    continue;
                }
                b'\\' => {
                    p += 2;
                    continue;
                }
                b'#' => {
                    return if colon {
                        MakeLine::Rule(None)
                    } else {
                        MakeLine::Other
                    }
                }
                b'=' if !colon => {
                    // The operator: `=`, `?=`, `+=`, `!=`, `:=`, `::=`, `:::=`.
                    let mut op_start = p;
                    while op_start > scan_from
                        && matches!(bytes[op_start - 1], b'?' | b'+' | b'!' | b':')
                    {
                        op_start -= 1;
                    }
                    let name_end = name_end.unwrap_or(op_start);
                    let name = text
                        .get(scan_from..name_end)
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    let op = text.get(op_start..p + 1).unwrap_or("=").to_string();
                    let value = logical_text(text, lines, p + 1);
                    let value = strip_make_comment(&value).trim().to_string();
                    return MakeLine::Assignment { name, op, value };
                }
                b'=' => return MakeLine::Rule(None),
                b':' if !colon => {
                    // `:=`, `::=`, `:::=` are assignments, found at their `=`.
                    let mut q = p;
                    while bytes.get(q) == Some(&b':') {
                        q += 1;
                    }
                    if bytes.get(q) == Some(&b'=') {
                        name_end = Some(p);
                        p = q;
                        continue;
                    }
                    colon = true;
                    p = q;
                    continue;
                }
                b';' if colon => return MakeLine::Rule(Some((k, p + 1))),
                _ => {}
            }
            p += 1;
        }
    }
    if colon {
        MakeLine::Rule(None)
    } else {
        MakeLine::Other
    }
}

/// The text of a logical line from `from` on, continuations joined with a
/// space (make's rule outside recipes).
fn logical_text(text: &str, lines: &[Line], from: usize) -> String {
    let mut out = String::new();
    let last = lines.len().saturating_sub(1);
    for (k, line) in lines.iter().enumerate() {
        if line.end < from {
            continue;
        }
        let end = if k < last {
            line.end.saturating_sub(1).max(line.start)
        } else {
            line.end
        };
        let start = line.start.max(from).min(end);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(text.get(start..end).unwrap_or("").trim());
    }
    out
}

/// A make value without its trailing `# comment` (`\#` is a literal `#`).
fn strip_make_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'#' => return value.get(..i).unwrap_or(value),
            _ => i += 1,
        }
    }
    value
}

/// Rebuild one recipe command line (see the module docs).
fn make_recipe(
    text: &str,
    lines: &[Line],
    from: usize,
    engines: &HashMap<String, String>,
) -> Derived {
    let bytes = text.as_bytes();
    let mut d = Derived::default();
    let last = lines.len().saturating_sub(1);
    for (k, line) in lines.iter().enumerate() {
        let mut start = if k == 0 {
            from.clamp(line.start, line.end)
        } else {
            line.start
        };
        if k == 0 {
            // Leading blanks and the @ - + prefixes.
            while start < line.end && matches!(bytes[start], b' ' | b'\t' | b'@' | b'-' | b'+') {
                start += 1;
            }
        } else if bytes.get(start) == Some(&b'\t') && start < line.end {
            // The recipe tab of a continuation line.
            start += 1;
        }
        copy_make(&mut d, text, start, line.end, engines);
        if k < last {
            d.insert("\n", line.end, line.end);
        }
    }
    d
}

// ---------------------------------------------------------------------------
// just

/// How a recipe body runs.
#[derive(Clone, Debug, PartialEq, Eq)]
enum BodyKind {
    /// One shell command line per line (the usual recipe).
    Linewise,
    /// The whole body is one script for this interpreter (`[script(…)]`;
    /// a `#!` first line decides for itself).
    Script(String),
}

/// The command lines of a justfile's recipes.
fn just_commands(text: &str, lines: &[Line]) -> Vec<Derived> {
    let bytes = text.as_bytes();
    // Settings are global, wherever they are written.
    let mut linewise_posix = true;
    let mut script_interpreter = String::from("sh -eu");
    for line in lines {
        let content = text.get(line.start..line.end).unwrap_or("");
        let Some(setting) = content.strip_prefix("set ") else {
            continue;
        };
        let (name, value) = setting.split_once(":=").unwrap_or((setting, ""));
        match name.trim() {
            "shell" => linewise_posix = first_string(value).is_none_or(|s| posix_interpreter(&s)),
            "script-interpreter" => {
                if let Some(s) = first_string(value) {
                    script_interpreter = s;
                }
            }
            _ => {}
        }
    }

    let mut out = Vec::new();
    let mut pending_script: Option<String> = None;
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        i += 1;
        let content = text.get(line.start..line.end).unwrap_or("");
        let trimmed = content.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || content.starts_with([' ', '\t']) {
            continue;
        }
        if trimmed.starts_with('[') {
            if let Some(interpreter) = script_attribute(trimmed) {
                pending_script = Some(interpreter.unwrap_or_else(|| script_interpreter.clone()));
            }
            continue;
        }
        let kind = match pending_script.take() {
            Some(interpreter) => BodyKind::Script(interpreter),
            None => BodyKind::Linewise,
        };
        if !is_just_recipe_header(trimmed) {
            continue;
        }
        // The body: the indented (and blank) lines that follow.
        let mut body: Vec<Line> = Vec::new();
        let mut indent: Option<&str> = None;
        while let Some(&next) = lines.get(i) {
            let content = text.get(next.start..next.end).unwrap_or("");
            if content.trim().is_empty() {
                body.push(Line {
                    start: next.end,
                    end: next.end,
                });
                i += 1;
                continue;
            }
            if !content.starts_with([' ', '\t']) {
                break;
            }
            let whitespace = &content[..content.len() - content.trim_start().len()];
            let prefix = *indent.get_or_insert(whitespace);
            let cut = if content.starts_with(prefix) {
                prefix.len()
            } else {
                whitespace.len()
            };
            body.push(Line {
                start: next.start + cut,
                end: next.end,
            });
            i += 1;
        }
        while body.last().is_some_and(|l| l.start == l.end) {
            body.pop();
        }
        let Some(first) = body.first() else { continue };
        let shebang = bytes
            .get(first.start..first.end)
            .is_some_and(|s| s.starts_with(b"#!"));
        if shebang {
            let interpreter = text.get(first.start + 2..first.end).unwrap_or("");
            if posix_interpreter(interpreter) {
                out.push(just_script(text, &body));
            }
        } else {
            match kind {
                BodyKind::Script(interpreter) if posix_interpreter(&interpreter) => {
                    out.push(just_script(text, &body))
                }
                BodyKind::Script(_) => {}
                BodyKind::Linewise if linewise_posix => out.extend(just_linewise(text, &body)),
                BodyKind::Linewise => {}
            }
        }
    }
    out
}

/// The first quoted string of a just list or call: `["bash", "-c"]`,
/// `('python3')`.
fn first_string(value: &str) -> Option<String> {
    let start = value.find(['"', '\''])?;
    let quote = value[start..].chars().next()?;
    let rest = &value[start + 1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_string())
}

/// `[script]` → `Some(None)` (the default interpreter); `[script("x")]` →
/// `Some(Some("x"))`; attribute lines without `script` → `None`.
fn script_attribute(line: &str) -> Option<Option<String>> {
    let inner = line.strip_prefix('[')?.strip_suffix(']')?;
    let bytes = inner.as_bytes();
    let mut from = 0;
    while let Some(pos) = inner.get(from..).and_then(|s| s.find("script")) {
        let at = from + pos;
        let end = at + "script".len();
        let before_ok = at == 0 || matches!(bytes[at - 1], b' ' | b',' | b'[');
        let after = bytes.get(end).copied();
        if before_ok && matches!(after, None | Some(b' ' | b',' | b'(' | b']')) {
            if after == Some(b'(') {
                let args = inner.get(end..).unwrap_or("");
                let close = args.find(')').unwrap_or(args.len());
                return Some(first_string(&args[..close]));
            }
            return Some(None);
        }
        from = end;
    }
    None
}

/// `name:`, `@name a b='x' +rest: dep && after` — not an assignment
/// (`name := …`) nor a `set`/`alias`/`export`/`import`/`mod` line.
fn is_just_recipe_header(line: &str) -> bool {
    let s = line.strip_prefix('@').unwrap_or(line);
    let name_len = s
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let Some(name) = s
        .get(..name_len)
        .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
    else {
        return false;
    };
    let rest = &s[name_len..];
    if rest.trim_start().starts_with(":=") {
        return false;
    }
    if matches!(
        name,
        "set" | "alias" | "export" | "unexport" | "import" | "mod"
    ) && rest.starts_with([' ', '\t'])
    {
        return false;
    }
    let bytes = rest.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b':' && bytes.get(i + 1) != Some(&b'='))
}

/// A whole body as one script (line breaks kept).
fn just_script(text: &str, body: &[Line]) -> Derived {
    let mut d = Derived::default();
    for (k, line) in body.iter().enumerate() {
        if k > 0 {
            d.insert("\n", line.start, line.start);
        }
        copy_just(&mut d, text, line.start, line.end);
    }
    d
}

/// Linewise recipe: one command line per logical line.
fn just_linewise(text: &str, body: &[Line]) -> Vec<Derived> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut k = 0;
    while let Some(&first) = body.get(k) {
        if first.start == first.end {
            k += 1;
            continue;
        }
        let mut d = Derived::default();
        // One `@` and one `-` sigil, in either order.
        let mut start = first.start;
        if matches!(bytes.get(start), Some(b'@' | b'-')) {
            let sigil = bytes[start];
            start += 1;
            let other = if sigil == b'@' { b'-' } else { b'@' };
            if bytes.get(start) == Some(&other) {
                start += 1;
            }
        }
        let mut continued = false;
        while let Some(&line) = body.get(k) {
            let mut from = if continued {
                line.start
            } else {
                start.min(line.end)
            };
            if continued {
                while from < line.end && matches!(bytes[from], b' ' | b'\t') {
                    from += 1;
                }
            }
            // just joins at any trailing backslash, dropping it.
            let joins = line.end > from && bytes[line.end - 1] == b'\\';
            let end = if joins { line.end - 1 } else { line.end };
            copy_just(&mut d, text, from, end);
            k += 1;
            if !joins {
                break;
            }
            continued = true;
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::{LineIndex, Span};

    fn line(text: &str, span: Span) -> u32 {
        LineIndex::new(text).line_col(text, span.start).line
    }

    fn make(text: &str) -> Vec<Container> {
        containers_in(FileId(0), text, Dialect::Make)
    }

    fn just(text: &str) -> Vec<Container> {
        containers_in(FileId(0), text, Dialect::Just)
    }

    fn images(cs: &[Container]) -> Vec<&str> {
        cs.iter()
            .map(|c| c.image.as_ref().map_or("", |i| i.value.as_str()))
            .collect()
    }

    const MAKEFILE: &str = "IMAGE ?= ghcr.io/example/mcp:1.2
RUN_CMD = docker run --privileged not-a-recipe
.PHONY: build run

# docker run --privileged in a comment
build:
\tdocker build -t $(IMAGE) .

run: build
\t@echo \"docker run --privileged echoed\"
\tdocker run --rm -v $(PWD):/work --privileged $(IMAGE)

debug:
\t-@docker run --rm \\
\t  --cap-add SYS_ADMIN \\
\t  -e TOKEN=$${API_TOKEN} \\
\t  $(IMAGE) sh
";

    #[test]
    fn makefile_run_target() {
        let text = MAKEFILE;
        let cs = make(text);
        assert_eq!(images(&cs), ["$(IMAGE)", "$(IMAGE)"]);
        let run = &cs[0];
        let privileged = run.privileged.expect("privileged");
        assert_eq!(privileged.span.slice(text), "--privileged");
        assert_eq!(line(text, privileged.span), 11);
        assert_eq!(run.mounts.len(), 1);
        assert_eq!(run.mounts[0].source, "$(PWD)");
        assert_eq!(run.mounts[0].kind, MountKind::Bind);
        assert_eq!(run.mounts[0].origin.span.slice(text), "-v $(PWD):/work");
        assert_eq!(run.definition.slice(text), "docker run");
        assert_eq!(
            run.image.as_ref().unwrap().origin.span.slice(text),
            "$(IMAGE)"
        );

        // Continuation lines, prefixes, `$$`.
        let debug = &cs[1];
        assert_eq!(debug.definition.slice(text), "docker run");
        assert_eq!(line(text, debug.definition), 14);
        assert_eq!(
            debug.cap_add[0].origin.span.slice(text),
            "--cap-add SYS_ADMIN"
        );
        assert_eq!(line(text, debug.cap_add[0].origin.span), 15);
        assert_eq!(debug.env[0].value.as_deref(), Some("${API_TOKEN}"));
        assert_eq!(
            debug.env[0].origin.span.slice(text),
            "-e TOKEN=$${API_TOKEN}"
        );
        assert_eq!(line(text, debug.env[0].origin.span), 16);
        assert_eq!(line(text, debug.image.as_ref().unwrap().origin.span), 17);
    }

    #[test]
    fn makefile_with_crlf_line_ends() {
        let text = MAKEFILE.replace('\n', "\r\n");
        let cs = make(&text);
        assert_eq!(cs.len(), 2);
        let privileged = cs[0].privileged.expect("privileged");
        assert_eq!(privileged.span.slice(&text), "--privileged");
        assert_eq!(line(&text, privileged.span), 11);
        assert_eq!(line(&text, cs[1].cap_add[0].origin.span), 15);
    }

    #[test]
    fn engine_variables_and_make_functions() {
        let text = "DOCKER ?= docker
ENGINE := podman
ENGINE_OVERRIDDEN = docker
ENGINE_OVERRIDDEN = true
export SUDO_DOCKER = sudo /usr/bin/docker # comment
RUNNER != which docker
up:
\t$(DOCKER) run --net=host --label=$(if $(DEBUG),a b,c) $(IMAGE)
\t${ENGINE} run -v $(shell pwd):/src --pid host img2
\t$(ENGINE_OVERRIDDEN) run --privileged no
\t$(SUDO_DOCKER) run -u 0 img3
\t$(RUNNER) run --privileged unknown
\t$@ $< $^ docker run --rm img4
";
        let cs = make(text);
        assert_eq!(images(&cs), ["$(IMAGE)", "img2", "img3"]);
        assert_eq!(cs[0].definition.slice(text), "$(DOCKER) run");
        assert_eq!(cs[0].namespaces[0].origin.span.slice(text), "--net=host");
        assert_eq!(cs[1].mounts[0].source, "$(shell pwd)");
        assert_eq!(
            cs[1].mounts[0].origin.span.slice(text),
            "-v $(shell pwd):/src"
        );
        assert_eq!(line(text, cs[1].namespaces[0].origin.span), 9);
        assert_eq!(cs[2].user.as_ref().map(|u| u.value.as_str()), Some("0"));
        assert!(is_engine_command("docker"));
        assert!(is_engine_command("/usr/local/bin/podman"));
        assert!(!is_engine_command("$(shell which docker)"));
        assert!(!is_engine_command("docker run --privileged x y z"));
        assert!(!is_engine_command(""));
    }

    #[test]
    fn make_structure_is_respected() {
        let text = "define RUN_IT
\tdocker run --privileged in-define
endef

VAR = x
\tdocker run --privileged not-in-a-rule

inline: ; docker run --cap-add ALL inline
multi \\
  target: dep
ifeq ($(CI),true)
\tdocker run --privileged in-conditional
else
\tdocker run --pid host other-branch
endif
STOP := here
\tdocker run --privileged after-assignment
%.o: %.c
\t+docker run -v $<:/src compile
  docker run --privileged space-indented
";
        let cs = make(text);
        assert_eq!(
            images(&cs),
            ["inline", "in-conditional", "other-branch", "compile"]
        );
        assert_eq!(cs[0].cap_add[0].origin.span.slice(text), "--cap-add ALL");
        assert_eq!(line(text, cs[0].cap_add[0].origin.span), 8);
        assert_eq!(cs[3].mounts[0].source, "$<");
    }

    #[test]
    fn make_line_classification() {
        let classify = |s: &str| {
            let lines = physical_lines(s);
            classify_make(s, &lines)
        };
        assert_eq!(classify("a: b"), MakeLine::Rule(None));
        assert_eq!(classify("a:: b"), MakeLine::Rule(None));
        assert_eq!(classify("$(OBJS): %.o: %.c"), MakeLine::Rule(None));
        assert_eq!(classify("a: ; cmd"), MakeLine::Rule(Some((0, 4))));
        assert_eq!(classify("a: X = 1"), MakeLine::Rule(None));
        assert_eq!(classify("# a: b"), MakeLine::Neutral);
        assert_eq!(classify("ifdef X"), MakeLine::Neutral);
        assert_eq!(classify("include x.mk"), MakeLine::Other);
        assert_eq!(classify("$(eval $(call x))"), MakeLine::Other);
        let assignment = |name: &str, op: &str, value: &str| MakeLine::Assignment {
            name: name.into(),
            op: op.into(),
            value: value.into(),
        };
        assert_eq!(classify("A = b:c"), assignment("A", "=", "b:c"));
        assert_eq!(classify("A := b"), assignment("A", ":=", "b"));
        assert_eq!(classify("A ::= b"), assignment("A", "::=", "b"));
        assert_eq!(classify("A ?= b # c"), assignment("A", "?=", "b"));
        assert_eq!(classify("A+=b"), assignment("A", "+=", "b"));
        assert_eq!(classify("export A = \\\n  b"), assignment("A", "=", "b"));
        assert_eq!(classify("$(X)_IMG = y"), assignment("$(X)_IMG", "=", "y"));
    }

    const JUSTFILE: &str = "image := \"ghcr.io/example/mcp:1.2\"
cmd := \"docker run --privileged assignment\"
set dotenv-load

# run the server
[group('dev')]
run tag='latest':
    @echo \"docker run --privileged echoed\"
    docker run --rm -i \\
        --cap-add SYS_ADMIN \\
        -v {{ invocation_directory() }}:/work \\
        {{image}}:{{ tag }}

@quiet:
    -@docker run --privileged -e TOKEN={{ token }} quiet-img

script:
    #!/usr/bin/env bash
    set -euo pipefail

    docker run --pid=host script-img

python:
    #!/usr/bin/env python3
    import os; os.system(\"docker run --privileged py\")
";

    #[test]
    fn justfile_recipes() {
        let text = JUSTFILE;
        let cs = just(text);
        assert_eq!(
            images(&cs),
            ["{{image}}:{{ tag }}", "quiet-img", "script-img"]
        );
        let run = &cs[0];
        assert_eq!(run.definition.slice(text), "docker run");
        assert_eq!(line(text, run.definition), 9);
        assert_eq!(
            run.cap_add[0].origin.span.slice(text),
            "--cap-add SYS_ADMIN"
        );
        assert_eq!(line(text, run.cap_add[0].origin.span), 10);
        assert_eq!(run.mounts[0].source, "{{ invocation_directory() }}");
        assert_eq!(run.mounts[0].kind, MountKind::Bind);
        assert_eq!(
            run.mounts[0].origin.span.slice(text),
            "-v {{ invocation_directory() }}:/work"
        );
        assert_eq!(line(text, run.mounts[0].origin.span), 11);
        assert_eq!(
            run.image.as_ref().unwrap().origin.span.slice(text),
            "{{image}}:{{ tag }}"
        );
        assert_eq!(line(text, run.image.as_ref().unwrap().origin.span), 12);

        let quiet = &cs[1];
        assert_eq!(
            quiet.privileged.map(|p| p.span.slice(text)),
            Some("--privileged")
        );
        assert_eq!(quiet.env[0].value.as_deref(), Some("{{ token }}"));
        assert_eq!(quiet.definition.slice(text), "docker run");

        let script = &cs[2];
        assert_eq!(script.namespaces[0].origin.span.slice(text), "--pid=host");
        assert_eq!(line(text, script.namespaces[0].origin.span), 21);
    }

    #[test]
    fn just_settings_and_attributes() {
        let text = "[script('python3')]
py:
    docker run --privileged py

[script]
sh:
    docker run --privileged \\
      sh-img

[private, script(\"bash\", \"-e\")]
bash:
    docker run --privileged bash-img
";
        assert_eq!(images(&just(text)), ["sh-img", "bash-img"]);
        let text = "recipe:\n    docker run --privileged x\n\nset shell := [\"pwsh\", \"-c\"]\n";
        assert!(just(text).is_empty());
        let text = "set shell := ['bash', '-uc']\nrecipe:\n\tdocker run --privileged x\n";
        assert_eq!(images(&just(text)), ["x"]);
        let text = "set script-interpreter := ['python3']\n[script]\nr:\n  docker run x\n";
        assert!(just(text).is_empty());
    }

    #[test]
    fn just_continuations_join_without_the_break() {
        // just drops the backslash and the next line's indentation.
        let text = "r:\n    docker run --rm --privileged\\\n        img\n";
        let cs = just(text);
        assert_eq!(images(&cs), [""]);
        let text = "r:\n    docker run --rm \\\n        img {{{{literal}}}}\n";
        let cs = just(text);
        assert_eq!(images(&cs), ["img"]);
        assert_eq!(cs[0].image.as_ref().unwrap().origin.span.slice(text), "img");
        assert_eq!(line(text, cs[0].image.as_ref().unwrap().origin.span), 3);
    }

    #[test]
    fn just_headers() {
        assert!(is_just_recipe_header("run:"));
        assert!(is_just_recipe_header("@run tag='x:y': build"));
        assert!(is_just_recipe_header("_private *args:"));
        assert!(is_just_recipe_header("set:"));
        assert!(!is_just_recipe_header("image := \"a:b\""));
        assert!(!is_just_recipe_header("export X := \"a:b\""));
        assert!(!is_just_recipe_header("alias r := run"));
        assert!(!is_just_recipe_header("mod foo"));
        assert!(!is_just_recipe_header("[group('x')]"));
        assert!(!is_just_recipe_header("9lives:"));
        assert_eq!(script_attribute("[script]"), Some(None));
        assert_eq!(
            script_attribute("[no-cd, script('node')]"),
            Some(Some("node".into()))
        );
        assert_eq!(script_attribute("[no-exit-message]"), None);
        assert_eq!(script_attribute("[description('a script')]"), None);
        assert!(posix_interpreter("/usr/bin/env -S bash -e"));
        assert!(posix_interpreter("/bin/sh"));
        assert!(!posix_interpreter("/usr/bin/env python3"));
        assert!(!posix_interpreter(""));
    }

    #[test]
    fn dialect_from_name_and_content() {
        assert_eq!(Dialect::from_file_name("Makefile"), Some(Dialect::Make));
        assert_eq!(
            Dialect::from_file_name("sub/GNUmakefile"),
            Some(Dialect::Make)
        );
        assert_eq!(Dialect::from_file_name("docker.mk"), Some(Dialect::Make));
        assert_eq!(Dialect::from_file_name("Justfile"), Some(Dialect::Just));
        assert_eq!(Dialect::from_file_name(".justfile"), Some(Dialect::Just));
        assert_eq!(Dialect::from_file_name("README.md"), None);
        assert_eq!(Dialect::sniff(MAKEFILE), Dialect::Make);
        assert_eq!(Dialect::sniff(JUSTFILE), Dialect::Just);
        assert_eq!(Dialect::sniff("run:\n\tdocker run x\n"), Dialect::Make);
        assert_eq!(Dialect::sniff("run:\n  docker run x\n"), Dialect::Just);
        // Through the sniffing entry point.
        assert_eq!(images(&containers(FileId(0), MAKEFILE)).len(), 2);
        assert_eq!(images(&containers(FileId(0), JUSTFILE)).len(), 3);
    }

    #[test]
    fn masked_references_inside_quotes_are_restored() {
        let text = "r:\n\tdocker run -e 'A=$(X) $(Y)' -e \"B=${Z}\" -v \"$(CURDIR)\":/w img\n";
        let cs = make(text);
        let env: Vec<&str> = cs[0]
            .env
            .iter()
            .filter_map(|e| e.value.as_deref())
            .collect();
        assert_eq!(env, ["$(X) $(Y)", "${Z}"]);
        assert_eq!(cs[0].mounts[0].source, "$(CURDIR)");
    }

    #[test]
    fn docker_builds_in_recipes() {
        let bs = builds_in(MAKEFILE, Dialect::Make);
        assert_eq!(bs.len(), 1);
        assert_eq!(bs[0].tags, ["$(IMAGE)"]);
        assert_eq!(bs[0].context, ".");
        assert_eq!(
            bs[0].origin.span.slice(MAKEFILE),
            "docker build -t $(IMAGE) ."
        );
        let text = "b:\n    docker build \\\n      -t {{ image }} .\n";
        let bs = builds(text);
        assert_eq!(bs.len(), 1);
        assert_eq!(bs[0].tags, ["{{ image }}"]);
        assert_eq!(line(text, bs[0].origin.span), 2);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "",
            "\n",
            "\t",
            "\\",
            "a:\n\t\\",
            "a:\n\t$",
            "a:\n\t$(",
            "a:\n\t${{",
            "a:\n\tdocker run $(",
            "a: ;",
            "a: ; docker run \\",
            "define\n",
            "endef\n",
            "a:\n\t@-+",
            "é:\n\tdocker run é",
            "a:\r\n\tdocker run x\\\r\n",
            "r:\n  docker run {{",
            "r:\n  docker run {{{{",
            "r:\n  #!",
            "[script(",
            "[script('",
            "set shell := [",
            "r:\n  -@",
            "r:\n  @-docker run x\\",
            "$(",
            "=",
            ":=",
            "a = $(",
            "export",
            "export define",
            "\u{feff}a:\n\tdocker run x",
            "a:\n\tdocker run -v $(a $(b $(c):/x img",
        ];
        for input in inputs {
            for dialect in [Dialect::Make, Dialect::Just] {
                for c in containers_in(FileId(0), input, dialect) {
                    let _ = c.definition.slice(input);
                }
            }
            let _ = Dialect::sniff(input);
        }
    }

    #[test]
    fn linear_on_large_files() {
        let mut text = String::from("DOCKER ?= docker\n");
        for i in 0..3_000 {
            text.push_str(&format!(
                "t{i}:\n\t$(DOCKER) run --rm \\\n\t  -v $(PWD):/w img{i}\n\techo $$HOME $(X)\n\n"
            ));
        }
        text.push_str("x:\n\t");
        text.push_str(&"$(".repeat(20_000));
        text.push_str("q:\n\tdocker run -e \"A=");
        text.push_str(&"$(A)".repeat(50_000));
        text.push_str("\" img\n");
        text.push_str("\ndefine BIG\n");
        text.push_str(&"continued \\\n".repeat(50_000));
        text.push_str("endef\nr:\n  ");
        text.push_str(&"{{".repeat(20_000));
        text.push('\n');
        let start = std::time::Instant::now();
        assert_eq!(make(&text).len(), 3_001);
        let _ = just(&text);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "{:?}",
            start.elapsed()
        );
    }
}
