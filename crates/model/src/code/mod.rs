//! The code half of the Security axis: MCP servers' source code as a model.
//!
//! - [`ir`] — the language-neutral code model (functions, statements,
//!   calls with catalogue effects, imports, handlers, descriptions);
//! - [`lower`] — per-language frontends from tree-sitter trees to [`ir`];
//! - [`resolve`] — which repository function a call or handler names,
//!   across files;
//! - [`taint`] — flows from handler parameters to sinks;
//! - [`link`] — servers (manifest roots), the images that carry their
//!   code and the READMEs/configs that launch them on the host;
//! - [`dump`] — a text rendering for snapshots and debugging.

pub mod dump;
pub mod ir;
pub mod link;
pub mod lower;
pub mod resolve;
pub mod taint;

pub use ir::CodeFile;
