//! Step 3: walking the tree into [`Command`]s.

use super::quotes::unquote;
use super::*;

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

pub(super) struct Walker<'s, 't> {
    /// The original text (not the masked one).
    text: &'s str,
    /// `${{ … }}` ranges, sorted.
    gh: &'s [Range<usize>],
    pub(super) script: Script,
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

/// The children of a `heredoc_redirect`, each with its context: the body
/// nests in the command that owns the redirect; statements in it (what
/// follows the marker on its line) keep the outer context.
fn heredoc_children<'t>(
    heredoc_owner: Option<usize>,
    kids: &[(Node<'t>, Option<&'t str>)],
    ctx: Ctx,
) -> Vec<Frame<'t>> {
    let owned = match heredoc_owner {
        Some(id) => Ctx {
            outer: Outer::Node(id),
            kind: None,
            ..ctx
        },
        None => ctx,
    };
    kids.iter()
        .map(|&(child, field)| {
            let statement =
                field == Some("right") || (child.is_named() && is_statement_kind(child.kind()));
            Frame::new(child, if statement { ctx } else { owned })
        })
        .collect()
}

/// Children of `node`, in order (a cursor keeps this linear in the number
/// of children, unlike repeated `Node::child(i)`).
fn children<'t>(node: Node<'t>) -> Vec<(Node<'t>, Option<&'t str>)> {
    let mut out = Vec::with_capacity(node.child_count() as usize);
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
    pub(super) fn new(text: &'s str, gh: &'s [Range<usize>]) -> Self {
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

    pub(super) fn walk(&mut self, root: Node<'t>) {
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
            self.note_errors(node, &mut ctx);
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
                "redirected_statement" => next = self.redirected(node, &kids, ctx),
                "heredoc_redirect" => next = heredoc_children(frame.heredoc_owner, &kids, ctx),
                _ => next.extend(kids.iter().map(|&(child, _)| Frame::new(child, ctx))),
            }
            stack.extend(next.into_iter().rev());
        }
    }

    /// Record the syntax errors a node is or holds: a missing token, the
    /// first ERROR node of a stretch (`ctx` then notes that it is in one).
    fn note_errors(&mut self, node: Node<'t>, ctx: &mut Ctx) {
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
    }

    /// The children of a `redirected_statement`, each with its context.
    /// The redirects belong to a simple command (the body, or the last
    /// command of a body pipeline): words misparsed into them are its
    /// arguments, and substitutions in them nest in it.
    fn redirected(
        &mut self,
        node: Node<'t>,
        kids: &[(Node<'t>, Option<&'t str>)],
        ctx: Ctx,
    ) -> Vec<Frame<'t>> {
        if !self.absorbed.contains(&node.id()) && heredoc_continuation(node).is_some() {
            self.number_pipeline(node);
        }
        let owner = redirect_owner(node);
        if let Some(owner) = owner {
            let extra = misplaced_arguments(kids);
            if !extra.is_empty() {
                self.extra_args.entry(owner.id()).or_default().extend(extra);
            }
        }
        let mut next = Vec::with_capacity(kids.len());
        for &(child, field) in kids {
            next.push(match (owner, field) {
                (Some(owner), Some("redirect")) if child.kind() == "heredoc_redirect" => Frame {
                    heredoc_owner: Some(owner.id()),
                    ..Frame::new(child, ctx)
                },
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
        next
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
pub(super) fn only_continuations(gap: Option<&[u8]>) -> bool {
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
fn misplaced_arguments<'t>(kids: &[(Node<'t>, Option<&'t str>)]) -> Vec<Node<'t>> {
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
