//! One tree-sitter parse under a time limit, shared by the shell parser and
//! the source parsers: tree-sitter calls the progress callback as it goes,
//! and the parse is abandoned (`None`) once the deadline has passed.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{ParseOptions, ParseState, Parser, Point, Tree};

/// Parse `text` with `parser`, giving up after `limit`.
pub(crate) fn parse_within(parser: &mut Parser, text: &str, limit: Duration) -> Option<Tree> {
    // A cancelled parse would otherwise be resumed by the next call.
    parser.reset();
    let deadline = Instant::now().checked_add(limit);
    let mut progress = |_: &ParseState| {
        if deadline.is_some_and(|d| Instant::now() > d) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let mut input = |offset: usize, _: Point| bytes.get(offset..).unwrap_or(&[]);
    parser.parse_with_options(
        &mut input,
        None,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    )
}
