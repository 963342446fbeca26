//! The code half of the Security axis: MCP servers' source code as a model.
//!
//! - [`ir`] — the language-neutral code model (functions, statements,
//!   calls with catalogue effects, imports, handlers, descriptions);
//! - [`lower`] — per-language frontends from tree-sitter trees to [`ir`];
//! - [`resolve`] — which repository function a call or handler names,
//!   across files;
//! - [`taint`] — flows from handler parameters to sinks;
//! - [`dump`] — a text rendering for snapshots and debugging.

pub mod dump;
pub mod ir;
pub mod lower;
pub mod resolve;
pub mod taint;

pub use ir::CodeFile;
