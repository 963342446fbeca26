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
use crate::container::{Found, MountKind};
use crate::file::FileId;
use crate::normalise::shell_script;

mod derived;
mod just;
mod make;

use derived::*;
use just::*;
use make::*;

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
pub fn containers(file: FileId, text: &str) -> Vec<Found> {
    containers_in(file, text, Dialect::sniff(text))
}

/// Every `docker run` of a Makefile or justfile of the given dialect.
pub fn containers_in(file: FileId, text: &str, dialect: Dialect) -> Vec<Found> {
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
        for m in out.iter_mut().flat_map(|c| c.container.mounts.iter_mut()) {
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

#[cfg(test)]
mod tests;
