//! The code half of the Security axis: MCP servers' source code as a model.
//!
//! - [`ir`] — the language-neutral code model (functions, statements,
//!   calls with catalogue effects, imports, handlers, descriptions);
//! - [`lower`] — per-language frontends from tree-sitter trees to [`ir`];
//! - [`dump`] — a text rendering for snapshots and debugging.

pub mod dump;
pub mod ir;
pub mod lower;

pub use ir::CodeFile;
