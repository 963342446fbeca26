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
use std::time::{Duration, Instant};

use tree_sitter::{Node, ParseOptions, ParseState, Parser, Point, Tree};

use super::*;
use crate::source::find;

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
// Step 1: GitHub Actions expressions
// ---------------------------------------------------------------------------

/// Byte ranges of every `${{ … }}` that closes on the same line.
fn github_expressions(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = find(bytes, from, b"${{") {
        let body = start + 3;
        let line_end = bytes
            .get(body..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(bytes.len(), |p| body + p);
        match find(bytes.get(..line_end).unwrap_or(&[]), body, b"}}") {
            Some(close) => {
                let end = close + 2;
                out.push(start..end);
                from = end;
            }
            // Unclosed on this line: not an expression; keep looking after it.
            None => from = body,
        }
    }
    out
}

/// The text handed to tree-sitter: `text` with each `${{ … }}` range
/// replaced by [`MASK_BYTE`]s, and each herestring operator `<<<` by `<  `.
/// Only ASCII is replaced by ASCII, so the result stays valid UTF-8 and every
/// offset is unchanged.
///
/// Why `<<<`: after another redirect (`cat > f <<< "x"`) tree-sitter-bash
/// 0.25 lexes it as a heredoc `<<` and reports an error. A herestring and an
/// input redirect are alike for our purposes (neither is a word, and
/// substitutions in both are still found).
fn mask<'a>(text: &'a str, ranges: &[Range<usize>], hidden: &[Range<usize>]) -> Cow<'a, str> {
    let herestrings = find(text.as_bytes(), 0, b"<<<").is_some();
    if ranges.is_empty() && hidden.is_empty() && !herestrings {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while herestrings && i + 3 <= bytes.len() {
        if bytes.get(i..i + 3) == Some(b"<<<") {
            bytes[i + 1] = b' ';
            bytes[i + 2] = b' ';
            i += 3;
        } else {
            i += 1;
        }
    }
    for r in ranges.iter().chain(hidden) {
        if let Some(slice) = bytes.get_mut(r.clone()) {
            slice.fill(MASK_BYTE);
        }
    }
    // Only whole ASCII characters were replaced, so this cannot fail; fall
    // back to the unmasked text just in case.
    match String::from_utf8(bytes) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(text),
    }
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
        Some(run_parser(parser, src, limit))
    });
    match reused {
        Ok(Some(tree)) => tree,
        _ => run_parser(&mut new_parser()?, src, limit),
    }
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .ok()?;
    Some(parser)
}

fn run_parser(parser: &mut Parser, src: &str, limit: Duration) -> Option<Tree> {
    // A cancelled parse would otherwise be resumed by the next call.
    parser.reset();
    let deadline = Instant::now().checked_add(limit);
    let mut progress = |_: &ParseState| deadline.is_some_and(|d| Instant::now() > d);
    let bytes = src.as_bytes();
    let mut input = |offset: usize, _: Point| bytes.get(offset..).unwrap_or(&[]);
    parser.parse_with_options(
        &mut input,
        None,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    )
}

// ---------------------------------------------------------------------------
// Step 3: walking the tree
// ---------------------------------------------------------------------------

/// The command a nested command belongs to, as known while walking.
#[derive(Clone, Copy, Debug)]
enum Outer {
    None,
    /// Index in `Script::commands`.
    Index(usize),
    /// The command node with this id (the command a redirected statement's
    /// redirects belong to, which is emitted before they are walked).
    Node(usize),
}

#[derive(Clone, Copy, Debug)]
struct Ctx {
    /// Nearest enclosing emitted command.
    outer: Outer,
    /// Kind of the innermost substitution entered since `outer`, if any.
    kind: Option<Nesting>,
    /// Inside an ERROR node (report only the outermost one).
    in_error: bool,
}

struct Frame<'t> {
    node: Node<'t>,
    ctx: Ctx,
    /// For a `heredoc_redirect` of a redirected simple command: that
    /// command's node id (its body and redirects nest under the command; the
    /// statements the grammar hangs off it, `| sh` / `&& foo`, do not).
    heredoc_owner: Option<usize>,
}

impl<'t> Frame<'t> {
    fn new(node: Node<'t>, ctx: Ctx) -> Self {
        Frame {
            node,
            ctx,
            heredoc_owner: None,
        }
    }
}

struct Walker<'s, 't> {
    /// The original text (not the masked one).
    text: &'s str,
    /// `${{ … }}` ranges, sorted.
    gh: &'s [Range<usize>],
    script: Script,
    /// Command node id → index in `script.commands`.
    cmd_index: HashMap<usize, usize>,
    /// Command node id → (pipeline id, index in the pipeline).
    pipeline_of: HashMap<usize, (u32, u32)>,
    /// Pipeline-like nodes already numbered as part of an enclosing one.
    absorbed: HashSet<usize>,
    /// Command node id → arguments tree-sitter-bash put in a following
    /// redirect (`echo >&2 "msg"` parses `"msg"` as a second destination).
    extra_args: HashMap<usize, Vec<Node<'t>>>,
    next_pipeline: u32,
    /// Word bytes still allowed (see [`WORD_BUDGET_FACTOR`]).
    budget: usize,
    exhausted: bool,
}

/// Kinds emitted as [`Command`]s.
fn is_command_kind(node: &Node) -> bool {
    node.is_named()
        && matches!(
            node.kind(),
            "command" | "declaration_command" | "unset_command"
        )
}

/// Statement kinds that tree-sitter-bash may attach to a `heredoc_redirect`
/// (`cat <<EOF | sh`, `cat <<EOF && foo`).
fn is_statement_kind(kind: &str) -> bool {
    matches!(
        kind,
        "command"
            | "declaration_command"
            | "unset_command"
            | "pipeline"
            | "list"
            | "redirected_statement"
            | "subshell"
            | "compound_statement"
            | "if_statement"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "case_statement"
            | "function_definition"
            | "test_command"
            | "negated_command"
            | "variable_assignment"
            | "variable_assignments"
    )
}

/// Children of `node`, in order (a cursor keeps this linear in the number
/// of children, unlike repeated `Node::child(i)`).
fn children<'t>(node: Node<'t>) -> Vec<(Node<'t>, Option<&'static str>)> {
    let mut out = Vec::with_capacity(node.child_count());
    let mut cursor = node.walk();
    if cursor.goto_first_child() {
        loop {
            out.push((cursor.node(), cursor.field_name()));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

impl<'s, 't> Walker<'s, 't> {
    fn new(text: &'s str, gh: &'s [Range<usize>]) -> Self {
        Walker {
            text,
            gh,
            script: Script::default(),
            cmd_index: HashMap::new(),
            pipeline_of: HashMap::new(),
            absorbed: HashSet::new(),
            extra_args: HashMap::new(),
            next_pipeline: 0,
            budget: text
                .len()
                .saturating_mul(WORD_BUDGET_FACTOR)
                .saturating_add(WORD_BUDGET_BASE),
            exhausted: false,
        }
    }

    fn walk(&mut self, root: Node<'t>) {
        let top = Ctx {
            outer: Outer::None,
            kind: None,
            in_error: false,
        };
        let mut stack = vec![Frame::new(root, top)];
        while let Some(frame) = stack.pop() {
            if self.exhausted {
                break;
            }
            let (node, mut ctx) = (frame.node, frame.ctx);
            if node.is_missing() {
                let kind = node.kind();
                self.script.errors.push(SyntaxError::new(
                    format!("shell syntax error: missing `{kind}`"),
                    Span::empty(node.start_byte()),
                ));
            }
            if node.is_error() {
                if !ctx.in_error {
                    let error = self.error_at(node);
                    self.script.errors.push(error);
                }
                ctx.in_error = true;
            }
            if node.child_count() == 0 {
                continue;
            }

            // Each child with the context it is walked in. Children are
            // pushed in reverse below so that they pop in source order.
            let kids = children(node);
            let mut next: Vec<Frame<'t>> = Vec::with_capacity(kids.len());
            let kind = if node.is_named() { node.kind() } else { "" };
            match kind {
                "command" | "declaration_command" | "unset_command" => {
                    let idx = self.emit(node, ctx);
                    let inner = Ctx {
                        outer: Outer::Index(idx),
                        kind: None,
                        ..ctx
                    };
                    next.extend(kids.iter().map(|&(child, _)| Frame::new(child, inner)));
                }
                "command_substitution" | "process_substitution" => {
                    let nesting = if kind == "command_substitution" {
                        Nesting::CommandSubstitution
                    } else {
                        Nesting::ProcessSubstitution
                    };
                    let inner = Ctx {
                        kind: Some(nesting),
                        ..ctx
                    };
                    next.extend(kids.iter().map(|&(child, _)| Frame::new(child, inner)));
                }
                "pipeline" => {
                    if !self.absorbed.contains(&node.id()) {
                        self.number_pipeline(node);
                    }
                    next.extend(kids.iter().map(|&(child, _)| Frame::new(child, ctx)));
                }
                "redirected_statement" => {
                    if !self.absorbed.contains(&node.id()) && heredoc_continuation(node).is_some() {
                        self.number_pipeline(node);
                    }
                    // The redirects belong to a simple command (the body, or
                    // the last command of a body pipeline): words misparsed
                    // into them are its arguments, and substitutions in them
                    // nest in it.
                    let owner = redirect_owner(node);
                    if let Some(owner) = owner {
                        let extra = misplaced_arguments(&kids);
                        if !extra.is_empty() {
                            self.extra_args.entry(owner.id()).or_default().extend(extra);
                        }
                    }
                    for &(child, field) in &kids {
                        next.push(match (owner, field) {
                            (Some(owner), Some("redirect"))
                                if child.kind() == "heredoc_redirect" =>
                            {
                                Frame {
                                    heredoc_owner: Some(owner.id()),
                                    ..Frame::new(child, ctx)
                                }
                            }
                            (Some(owner), Some("redirect")) => {
                                let owned = Ctx {
                                    outer: Outer::Node(owner.id()),
                                    kind: None,
                                    ..ctx
                                };
                                Frame::new(child, owned)
                            }
                            _ => Frame::new(child, ctx),
                        });
                    }
                }
                "heredoc_redirect" => {
                    let owned = match frame.heredoc_owner {
                        Some(id) => Ctx {
                            outer: Outer::Node(id),
                            kind: None,
                            ..ctx
                        },
                        None => ctx,
                    };
                    for &(child, field) in &kids {
                        let statement = field == Some("right")
                            || (child.is_named() && is_statement_kind(child.kind()));
                        next.push(Frame::new(child, if statement { ctx } else { owned }));
                    }
                }
                _ => next.extend(kids.iter().map(|&(child, _)| Frame::new(child, ctx))),
            }
            stack.extend(next.into_iter().rev());
        }
    }

    /// The error for an ERROR node. tree-sitter's error recovery often wraps
    /// a long stretch of good statements in one ERROR node (even the whole
    /// script), so point at the first child that is not a complete statement:
    /// that is where parsing went wrong.
    fn error_at(&self, node: Node) -> SyntaxError {
        let culprit = children(node).into_iter().map(|(n, _)| n).find(|n| {
            !(n.is_named()
                && !n.is_error()
                && (n.kind() == "comment" || is_statement_kind(n.kind())))
        });
        let focus = culprit.unwrap_or(node);
        let span = Span::new(focus.start_byte(), focus.end_byte());
        let near = span.slice(self.text);
        let message = if !near.is_empty() && near.len() <= 24 && !near.contains('\n') {
            format!("shell syntax error near `{near}`")
        } else {
            "shell syntax error".to_string()
        };
        SyntaxError::new(message, span)
    }

    /// Build the [`Command`] for a command-like node; returns its index.
    fn emit(&mut self, node: Node<'t>, ctx: Ctx) -> usize {
        let idx = self.script.commands.len();
        let outer = match ctx.outer {
            Outer::None => None,
            Outer::Index(i) => Some(i),
            Outer::Node(id) => self.cmd_index.get(&id).copied(),
        };
        let nested_in = match (outer, ctx.kind) {
            (Some(i), Some(k)) => Some((i, k)),
            _ => None,
        };

        let simple = node.kind() == "command";
        let mut assignments = Vec::new();
        let mut word_nodes: Vec<Node> = Vec::new();
        for (child, field) in children(node) {
            if child.is_error() || child.is_missing() || child.kind() == "comment" {
                continue;
            }
            match field {
                Some("name") | Some("argument") => word_nodes.push(child),
                Some(_) => {} // redirects, herestrings
                None if simple => {
                    if child.kind() == "variable_assignment" && word_nodes.is_empty() {
                        assignments.push(self.word(&[child]));
                    }
                    // else: a `subshell` after the name (`f ()` forms); not a word
                }
                // declaration/unset: the keyword and everything after it.
                None => word_nodes.push(child),
            }
        }
        let mut span = Span::new(node.start_byte(), node.end_byte());
        if let Some(mut extra) = self.extra_args.remove(&node.id()) {
            extra.sort_by_key(|n| n.start_byte());
            if let Some(last) = extra.last() {
                span = span.cover(Span::new(last.start_byte(), last.end_byte()));
            }
            word_nodes.extend(extra);
        }
        let words = self
            .merge_words(&word_nodes)
            .iter()
            .map(|group| self.word(group))
            .collect();

        self.cmd_index.insert(node.id(), idx);
        self.script.commands.push(Command {
            assignments,
            words,
            span,
            pipeline: self.pipeline_of.get(&node.id()).copied(),
            nested_in,
        });
        idx
    }

    /// Group word nodes that form one shell word: tree-sitter-bash splits a
    /// word at a line continuation (`do\⏎cker`) and sometimes right before a
    /// quote (`$"x"` → `$` + `"x"`); nodes separated only by `\⏎` (or
    /// nothing) are one word.
    fn merge_words(&self, nodes: &[Node<'t>]) -> Vec<Vec<Node<'t>>> {
        let bytes = self.text.as_bytes();
        let mut groups: Vec<Vec<Node<'t>>> = Vec::new();
        for &node in nodes {
            let joined = groups.last().and_then(|g| g.last()).is_some_and(|prev| {
                only_continuations(bytes.get(prev.end_byte()..node.start_byte()))
            });
            match groups.last_mut() {
                Some(group) if joined => group.push(node),
                _ => groups.push(vec![node]),
            }
        }
        groups
    }

    /// The [`Word`] for a group of adjacent nodes.
    fn word(&mut self, nodes: &[Node]) -> Word {
        let (Some(first), Some(last)) = (nodes.first(), nodes.last()) else {
            return Word {
                value: String::new(),
                span: Span::default(),
                literal: true,
            };
        };
        let (start, end) = (first.start_byte(), last.end_byte().max(first.start_byte()));

        // Ranges kept verbatim: expansions found in the tree plus `${{ … }}`.
        let mut verbatim = Vec::new();
        for &node in nodes {
            collect_verbatim(node, &mut verbatim);
        }
        let first_gh = self.gh.partition_point(|r| r.end <= start);
        verbatim.extend(
            self.gh[first_gh..]
                .iter()
                .take_while(|r| r.start < end)
                .cloned(),
        );
        verbatim.sort_by_key(|r| r.start);

        let literal = verbatim.is_empty();
        let value = unquote(self.text.as_bytes(), start, end, &verbatim);

        self.budget = self.budget.saturating_sub(end - start);
        if self.budget == 0 && !self.exhausted {
            self.exhausted = true;
            self.script
                .errors
                .push(SyntaxError::new(WORDS_EXHAUSTED, Span::new(start, end)));
        }
        Word {
            value,
            span: Span::new(start, end),
            literal,
        }
    }

    /// Number the pipeline rooted at `root` (a `pipeline`, or a
    /// `redirected_statement` continued by a heredoc's `| …`): every element
    /// gets the next index, and simple commands among them are recorded.
    fn number_pipeline(&mut self, root: Node) {
        let id = self.next_pipeline;
        self.next_pipeline = self.next_pipeline.saturating_add(1);
        let mut index: u32 = 0;
        let mut work = vec![root];
        while let Some(node) = work.pop() {
            match pipeline_parts(node) {
                Some(parts) => {
                    self.absorbed.insert(node.id());
                    work.extend(parts.into_iter().rev());
                }
                None => {
                    if let Some(cmd) = element_command(node) {
                        self.pipeline_of.insert(cmd.id(), (id, index));
                    }
                    index = index.saturating_add(1);
                }
            }
        }
    }
}

/// True when `gap` is made only of line continuations (`\` + newline).
fn only_continuations(gap: Option<&[u8]>) -> bool {
    let Some(mut gap) = gap else { return false };
    loop {
        gap = match gap {
            [] => return true,
            [b'\\', b'\n', rest @ ..] | [b'\\', b'\r', b'\n', rest @ ..] => rest,
            _ => return false,
        };
    }
}

/// The simple command that the redirects of a `redirected_statement` apply
/// to: its body, or the last command of a body pipeline.
fn redirect_owner(stmt: Node) -> Option<Node> {
    let mut node = body_of(stmt)?;
    loop {
        if is_command_kind(&node) {
            return Some(node);
        }
        node = match node.kind() {
            "pipeline" => children(node)
                .into_iter()
                .map(|(n, _)| n)
                .rfind(|n| n.is_named() && !n.is_error() && n.kind() != "comment")?,
            "redirected_statement" => body_of(node)?,
            _ => return None,
        };
    }
}

fn body_of(stmt: Node) -> Option<Node> {
    children(stmt)
        .into_iter()
        .find(|(_, f)| *f == Some("body"))
        .map(|(n, _)| n)
}

/// Arguments that tree-sitter-bash attached to a redirect of the statement
/// whose children are `kids`: `cmd > out a b` parses `a` and `b` as further
/// `destination`s of `> out`, and `cat <<EOF file` gives `file` as an
/// `argument` of the heredoc redirect.
fn misplaced_arguments<'t>(kids: &[(Node<'t>, Option<&'static str>)]) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut redirects: Vec<Node<'t>> = kids
        .iter()
        .filter(|(_, f)| *f == Some("redirect"))
        .map(|&(n, _)| n)
        .collect();
    // Heredoc redirects may hold further redirects; handled in order.
    let mut i = 0;
    while let Some(&redirect) = redirects.get(i) {
        i += 1;
        match redirect.kind() {
            "file_redirect" => out.extend(
                children(redirect)
                    .into_iter()
                    .filter(|(_, f)| *f == Some("destination"))
                    .skip(1)
                    .map(|(n, _)| n),
            ),
            "heredoc_redirect" => {
                for (child, field) in children(redirect) {
                    match field {
                        Some("argument") => out.push(child),
                        Some("redirect") => redirects.push(child),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The statements a heredoc appends to its command (`cat <<EOF | sh`): the
/// `pipeline` child of the statement's `heredoc_redirect`, if any.
fn heredoc_continuation(stmt: Node) -> Option<Node> {
    children(stmt)
        .into_iter()
        .filter(|(n, field)| *field == Some("redirect") && n.kind() == "heredoc_redirect")
        .find_map(|(heredoc, _)| {
            children(heredoc)
                .into_iter()
                .map(|(n, _)| n)
                .find(|n| n.kind() == "pipeline")
        })
}

/// How a pipeline-like node splits into elements, or `None` for an element.
///
/// tree-sitter-bash nests pipelines in odd ways that are flattened here:
/// `a | b 2>/dev/null | c` is `pipeline(redirected(pipeline(a, b)), c)`, and
/// `cat <<EOF | sh && x` is `redirected(cat, heredoc(pipeline(list(sh, x))))`
/// where only `sh` continues the pipeline.
fn pipeline_parts(node: Node) -> Option<Vec<Node>> {
    match node.kind() {
        "pipeline" if node.is_named() => Some(
            children(node)
                .into_iter()
                .map(|(n, _)| n)
                .filter(|n| n.is_named() && !n.is_error() && n.kind() != "comment")
                .map(leftmost_of_list)
                .collect(),
        ),
        "redirected_statement" => {
            let body = body_of(node)?;
            let cont = heredoc_continuation(node);
            if body.kind() != "pipeline" && cont.is_none() {
                return None;
            }
            Some(std::iter::once(body).chain(cont).collect())
        }
        _ => None,
    }
}

/// For a `list` inside a pipeline (only produced by the heredoc quirk), the
/// leftmost statement: `| sh && x` continues the pipeline with `sh` only.
fn leftmost_of_list(mut node: Node) -> Node {
    while node.kind() == "list" {
        match children(node)
            .into_iter()
            .map(|(n, _)| n)
            .find(|n| n.is_named() && n.kind() != "comment")
        {
            Some(first) => node = first,
            None => break,
        }
    }
    node
}

/// The simple command a pipeline element stands for, if it is one.
fn element_command(node: Node) -> Option<Node> {
    if is_command_kind(&node) {
        return Some(node);
    }
    match node.kind() {
        "redirected_statement" => body_of(node).filter(is_command_kind),
        "negated_command" => children(node)
            .into_iter()
            .map(|(n, _)| n)
            .find(is_command_kind),
        _ => None,
    }
}

/// Byte ranges inside a word node that are kept verbatim: expansions, and
/// ERROR nodes (unknown syntax). Does not descend into them.
fn collect_verbatim(root: Node, out: &mut Vec<Range<usize>>) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let verbatim = node.is_error()
            || (node.is_named()
                && matches!(
                    node.kind(),
                    "simple_expansion"
                        | "expansion"
                        | "command_substitution"
                        | "process_substitution"
                        | "arithmetic_expansion"
                ));
        if verbatim {
            out.push(node.start_byte()..node.end_byte());
        } else if node.child_count() > 0 {
            stack.extend(children(node).into_iter().rev().map(|(n, _)| n));
        }
    }
}

// ---------------------------------------------------------------------------
// Quote removal
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    /// `"…"` (also `$"…"`).
    Double,
    /// `'…'`.
    Single,
    /// `$'…'`.
    AnsiC,
}

/// The value of `text[start..end]` as the shell would see it, with quotes
/// removed and escapes processed, except that every `verbatim` range (sorted
/// by start; may overlap) is copied as written.
fn unquote(text: &[u8], start: usize, end: usize, verbatim: &[Range<usize>]) -> String {
    let end = end.min(text.len());
    let mut out: Vec<u8> = Vec::with_capacity(end.saturating_sub(start));
    let mut quote = Quote::None;
    let mut next = 0; // first verbatim range not yet passed
    let mut i = start;
    let at = |j: usize| if j < end { text.get(j).copied() } else { None };

    while i < end {
        // Skip verbatim ranges that end at or before `i`.
        while verbatim.get(next).is_some_and(|r| r.end <= i) {
            next += 1;
        }
        if let Some(r) = verbatim.get(next) {
            if r.start <= i {
                let stop = r.end.min(end);
                out.extend_from_slice(text.get(i..stop).unwrap_or(&[]));
                i = stop;
                continue;
            }
        }
        let Some(b) = at(i) else { break };
        match (quote, b) {
            (Quote::None, b'\\') => match (at(i + 1), at(i + 2)) {
                (Some(b'\n'), _) => i += 2,
                (Some(b'\r'), Some(b'\n')) => i += 3,
                (Some(c), _) => {
                    out.push(c);
                    i += 2;
                }
                (None, _) => {
                    out.push(b'\\');
                    i += 1;
                }
            },
            (Quote::None, b'\'') => {
                quote = Quote::Single;
                i += 1;
            }
            (Quote::None, b'"') => {
                quote = Quote::Double;
                i += 1;
            }
            (Quote::None, b'$') if at(i + 1) == Some(b'\'') => {
                quote = Quote::AnsiC;
                i += 2;
            }
            (Quote::None, b'$') if at(i + 1) == Some(b'"') => {
                quote = Quote::Double; // `$"…"`: a translatable string
                i += 2;
            }
            (Quote::Single, b'\'') | (Quote::AnsiC, b'\'') | (Quote::Double, b'"') => {
                quote = Quote::None;
                i += 1;
            }
            (Quote::Double, b'\\') => match (at(i + 1), at(i + 2)) {
                (Some(b'\n'), _) => i += 2,
                (Some(b'\r'), Some(b'\n')) => i += 3,
                (Some(c @ (b'$' | b'`' | b'"' | b'\\')), _) => {
                    out.push(c);
                    i += 2;
                }
                _ => {
                    out.push(b'\\');
                    i += 1;
                }
            },
            (Quote::AnsiC, b'\\') => i = ansi_c_escape(text, i + 1, end, &mut out),
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Decode the `$'…'` escape whose letter is at `i` (just after the `\`);
/// returns the index after it.
fn ansi_c_escape(text: &[u8], i: usize, end: usize, out: &mut Vec<u8>) -> usize {
    let at = |j: usize| if j < end { text.get(j).copied() } else { None };
    let Some(c) = at(i) else {
        out.push(b'\\');
        return i;
    };
    // Up to `max` digits of `radix` starting at `from`: (value, digits used).
    let digits = |from: usize, max: usize, radix: u32| {
        let mut value: u32 = 0;
        let mut n = 0;
        while n < max {
            match at(from + n).and_then(|d| char::from(d).to_digit(radix)) {
                Some(d) => value = value.saturating_mul(radix).saturating_add(d),
                None => break,
            }
            n += 1;
        }
        (value, n)
    };
    let simple = match c {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'e' | b'E' => Some(0x1b),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        b'\\' | b'\'' | b'"' | b'?' => Some(c),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return i + 1;
    }
    match c {
        b'0'..=b'7' => {
            let (v, n) = digits(i, 3, 8);
            out.push((v & 0xff) as u8);
            i + n
        }
        b'x' | b'u' | b'U' => {
            let max = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let (v, n) = digits(i + 1, max, 16);
            if n == 0 {
                // Not an escape after all: keep it as written.
                out.extend_from_slice(&[b'\\', c]);
            } else if c == b'x' {
                out.push((v & 0xff) as u8);
            } else if let Some(ch) = char::from_u32(v) {
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            i + 1 + n
        }
        b'c' => match at(i + 1) {
            Some(x) => {
                out.push(x & 0x1f);
                i + 2
            }
            None => {
                out.extend_from_slice(b"\\c");
                i + 1
            }
        },
        _ => {
            out.push(b'\\');
            i // the character itself is copied by the caller
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_github_expression_ranges() {
        let t = "a ${{ x }} b ${{ y\nz }} ${{ é }}${{w}}";
        let r = github_expressions(t);
        let found: Vec<&str> = r.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(found, ["${{ x }}", "${{ é }}", "${{w}}"]);
        let masked = mask(t, &r, &[]);
        assert_eq!(masked.len(), t.len());
        assert!(masked.starts_with("a xxxxxxxx b ${{ y\n"));
        assert!(github_expressions("${{ ${{ }}").len() == 1);
        assert!(github_expressions("${{").is_empty());
    }

    #[test]
    fn shell_continuation_gaps() {
        assert!(only_continuations(Some(b"")));
        assert!(only_continuations(Some(b"\\\n\\\r\n")));
        assert!(!only_continuations(Some(b" \\\n")));
        assert!(!only_continuations(Some(b"\\")));
        assert!(!only_continuations(None));
    }

    #[test]
    fn shell_unquote_rules() {
        let u = |s: &str| unquote(s.as_bytes(), 0, s.len(), &[]);
        assert_eq!(u(r#"a\ b"c\"d\e"'f\g'"#), r#"a bc"d\ef\g"#);
        assert_eq!(u("a\\\nb\"c\\\nd\"'e\\\nf'"), "abcde\\\nf");
        assert_eq!(
            u(r#"$'\a\b\e\f\n\r\t\v\\\'\"\?'"#),
            "\x07\x08\x1b\x0c\n\r\t\x0b\\'\"?"
        );
        assert_eq!(u(r"$'\101\x41\u263A\U0001F600\cA\q'"), "AA☺😀\x01\\q");
        assert_eq!(u(r"$'\x\u\xZZ'"), r"\x\u\xZZ");
        assert_eq!(u(r"$'\xff'"), "\u{fffd}");
        assert_eq!(u(r"$'\U7fffffff'"), "");
        assert_eq!(u(r"$'\"), "\\");
        assert_eq!(u(r"$'\c"), "\\c");
        assert_eq!(u("trailing\\"), "trailing\\");
        assert_eq!(u("'unterminated"), "unterminated");
        // Verbatim ranges, including overlapping and out-of-word ones.
        let t = "x\"$a\\\"\"'$(b)'";
        assert_eq!(
            unquote(t.as_bytes(), 0, t.len(), &[2..4, 8..12]),
            "x$a\"$(b)"
        );
        assert_eq!(
            unquote(t.as_bytes(), 0, t.len(), &[0..3, 2..5, 100..200]),
            "x\"$a\\$(b)"
        );
        assert_eq!(unquote(b"abc", 1, 99, &[]), "bc");
    }

    #[test]
    fn shell_pathological_parse_is_cut_off() {
        // tree-sitter-bash's error recovery is quadratic on this input
        // (~70 s for 90 kB); the time limit turns it into an error.
        let text = "a=(".repeat(30_000);
        let started = Instant::now();
        let s = parse_within(&text, Duration::from_millis(200), false);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert!(s.commands.is_empty());
        assert_eq!(s.errors.len(), 1);
        assert!(s.errors[0].message.contains("too complex"));
        assert_eq!(s.limit_error(), Some(&s.errors[0]));
        // The parser is reset, so the next call works normally.
        assert_eq!(parse("echo ok").commands.len(), 1);
        // An ordinary syntax error is not a limit.
        assert!(!parse("echo (").errors.is_empty());
        assert_eq!(parse("echo (").limit_error(), None);
    }

    fn words(script: &Script) -> Vec<Vec<String>> {
        script
            .commands
            .iter()
            .map(|c| c.words.iter().map(|w| w.value.clone()).collect())
            .collect()
    }

    #[test]
    fn documentation_parse_keeps_placeholders_in_words() {
        // github-mcp-server's README: `-e GITHUB_PERSONAL_ACCESS_TOKEN=<your-token> \`
        let text = "docker run -i --rm \\\n  -e GITHUB_PERSONAL_ACCESS_TOKEN=<your-token> \\\n  --privileged \\\n  ghcr.io/github/github-mcp-server\n";
        let doc = parse_documentation(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        assert_eq!(
            words(&doc),
            [[
                "docker",
                "run",
                "-i",
                "--rm",
                "-e",
                "GITHUB_PERSONAL_ACCESS_TOKEN=<your-token>",
                "--privileged",
                "ghcr.io/github/github-mcp-server"
            ]]
        );
        let w = &doc.commands[0].words[5];
        assert_eq!(&text[w.span.start as usize..w.span.end as usize], w.value);
        // A script is still read as the shell reads it: the placeholder is a
        // redirection there, and the words after it are lost.
        let script = parse(text);
        assert!(!words(&script)[0].contains(&"--privileged".to_string()));
    }
}
