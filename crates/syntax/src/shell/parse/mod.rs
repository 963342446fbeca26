//! tree-sitter-bash → [`Script`].
//!
//! The work happens in three steps:
//!
//! 1. **Mask GitHub expressions.** `${{ … }}` is not shell syntax and makes
//!    tree-sitter-bash produce ERROR nodes that split words and commands, so
//!    every single-line `${{ … }}` is replaced by a same-length run of `x`
//!    before parsing (and `<<<` by `<  `, see below). Byte offsets stay
//!    identical; word values are always cut from the *original* text, so the
//!    expression comes back verbatim.
//! 2. **Parse** with tree-sitter-bash, under a generous time limit (the
//!    grammar's error recovery is quadratic on some garbage, e.g. thousands of
//!    `a=(` or `${`; a crafted file must not hang the auditor).
//! 3. **Walk** the tree with an explicit stack (no recursion, so 10,000 nested
//!    `$(…)` cannot overflow the call stack), emitting a [`Command`] for every
//!    simple command in pre-order: a command comes before the commands nested
//!    in its substitutions.
//!
//! ## Choices worth knowing
//!
//! * `declaration_command` (`export`, `local`, `declare`, `readonly`,
//!   `typeset`) and `unset_command` are emitted as commands too (bash runs them
//!   as simple commands); `export X=$(curl …)` gives `export` with the word
//!   `X=$(curl …)`, and `curl` nested in it. `[ … ]` / `[[ … ]]`
//!   (`test_command`) are not emitted, but substitutions inside them are.
//! * `nested_in` names the nearest enclosing emitted command, and is only set
//!   when a substitution lies between the two. A substitution with no
//!   enclosing command (a bare `X=$(…)` statement, `for x in $(…)`,
//!   `if [ "$(…)" ]`) gives `nested_in: None`. Substitutions in the redirects
//!   of a command (`cmd > >(tee log)`, or `$(…)` in an unquoted heredoc body)
//!   count as nested in that command.
//! * A heredoc body is never parsed as commands, except for the `$(…)` it
//!   contains (those do run).
//! * `Word::literal` only considers parameter, command, arithmetic and
//!   process expansions and `${{ … }}`; globs (`*`), `~` and brace expansion
//!   (`{a,b}`) are kept as written and do not make a word non-literal.
//! * To keep memory linear, the total length of all collected words is
//!   capped at a multiple of the input length (only deep nesting can reach
//!   it, since every level repeats its inner text); past the cap, collection
//!   stops with a [`SyntaxError`].
//!
//! ## tree-sitter-bash 0.25 quirks handled here
//!
//! * `${{ … }}` → ERROR nodes that split the word and the command (masked).
//! * `<<<` after another redirect is read as a heredoc `<<` (masked to `<`).
//! * Arguments after a redirect (`echo >&2 "msg"`, `cmd > out arg`) become
//!   extra `destination`s of the redirect, and `cat <<EOF file` makes `file`
//!   an argument of the heredoc; they are moved back to the command.
//! * A line continuation inside a word (`do\⏎cker`) splits it in two, and
//!   `$"…"` comes out as `$` + `"…"`; adjacent pieces are joined again.
//! * `a | b 2>x | c` nests as `pipeline(redirected(pipeline(a, b)), c)` and
//!   `cat <<EOF | sh` hangs `| sh` off the heredoc; both are flattened into
//!   one pipeline.
//! * Error recovery may wrap a long run of good statements (or the whole
//!   script) in one ERROR node; the error points at its first child that is
//!   not a complete statement.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::time::Duration;

use tree_sitter::{Node, Parser, Tree};

use super::*;
use expressions::{github_expressions, mask};
use walk::Walker;

mod expressions;
mod quotes;
#[cfg(test)]
mod tests;
mod walk;

/// Parsing is abandoned after this long, plus [`PARSE_TIME_PER_MIB`] per MiB
/// of input. Real scripts parse in well under a second per MiB; only
/// pathological error recovery gets near this.
const PARSE_TIME_BASE: Duration = Duration::from_secs(10);
const PARSE_TIME_PER_MIB: Duration = Duration::from_secs(4);

/// Total word bytes collected may not exceed `FACTOR * input + BASE`.
const WORD_BUDGET_FACTOR: usize = 8;
const WORD_BUDGET_BASE: usize = 1 << 20;

const TOO_LARGE: &str = "shell script too large to parse";
const TOO_COMPLEX: &str = "shell script too complex to parse (time limit exceeded)";
const WORDS_EXHAUSTED: &str =
    "shell script too large or too deeply nested; the rest was not analysed";

/// The messages of the errors that mean a limit stopped the parser.
pub(super) const LIMIT_MESSAGES: [&str; 3] = [TOO_LARGE, TOO_COMPLEX, WORDS_EXHAUSTED];

/// Character used to mask `${{ … }}` before parsing: a plain word character.
const MASK_BYTE: u8 = b'x';

thread_local! {
    /// One parser per thread, reused across calls (and reset before each).
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse shell text. Spans are byte offsets into `text`. Never panics.
pub fn parse(text: &str) -> Script {
    parse_within(text, time_limit(text), false)
}

/// Parse shell text shown in documentation (a README's code block), where
/// `<placeholder>` text stands for a value to fill in: `KEY=<your-token>`
/// is one word, not a redirection (see [`super::placeholder`]). Word values
/// keep the placeholder as written.
pub fn parse_documentation(text: &str) -> Script {
    parse_within(text, time_limit(text), true)
}

fn time_limit(text: &str) -> Duration {
    let mib = u32::try_from(text.len() >> 20).unwrap_or(u32::MAX);
    PARSE_TIME_BASE.saturating_add(PARSE_TIME_PER_MIB.saturating_mul(mib))
}

/// [`parse()`] with an explicit time limit for the tree-sitter step;
/// `placeholders` masks documentation placeholders too.
fn parse_within(text: &str, limit: Duration, placeholders: bool) -> Script {
    if text.len() > u32::MAX as usize {
        // tree-sitter and `Span` both use 32-bit offsets.
        return Script {
            commands: Vec::new(),
            errors: vec![SyntaxError::new(TOO_LARGE, Span::empty(0))],
        };
    }

    let gh = github_expressions(text);
    let hidden = if placeholders {
        super::placeholder::ranges(text)
    } else {
        Vec::new()
    };
    let masked = mask(text, &gh, &hidden);

    let Some(tree) = parse_tree(&masked, limit) else {
        return Script {
            commands: Vec::new(),
            errors: vec![SyntaxError::new(TOO_COMPLEX, Span::new(0, text.len()))],
        };
    };

    let mut walker = Walker::new(text, &gh);
    walker.walk(tree.root_node());
    walker.script
}

// ---------------------------------------------------------------------------
// Step 2: tree-sitter
// ---------------------------------------------------------------------------

fn parse_tree(src: &str, limit: Duration) -> Option<Tree> {
    // `try_with`/`try_borrow_mut` so that thread teardown or (impossible)
    // re-entrancy degrade to a fresh parser instead of panicking.
    let reused = PARSER.try_with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        if slot.is_none() {
            *slot = Some(new_parser()?);
        }
        let parser = slot.as_mut()?;
        Some(crate::ts::parse_within(parser, src, limit))
    });
    match reused {
        Ok(Some(tree)) => tree,
        _ => crate::ts::parse_within(&mut new_parser()?, src, limit),
    }
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .ok()?;
    Some(parser)
}
