//! The code half of the Security axis: MCP servers' source code as a model.
//!
//! - [`ir`] — the language-neutral code model (functions, statements,
//!   calls with catalogue effects, imports, handlers, descriptions);
//! - [`reach`] — which files are worth lowering (markers) and what a
//!   lowered file imports, so only those are parsed;
//! - [`lower`] — per-language frontends from tree-sitter trees to [`ir`];
//! - [`modules`] — the path-only module index (JS, Python, Go lookups)
//!   shared by [`reach`] and [`resolve`];
//! - [`resolve`] — which repository function a call or handler names,
//!   across files;
//! - [`taint`] — flows from handler parameters to sinks;
//! - [`link`] — servers (manifest roots), the images that carry their
//!   code and the READMEs/configs that launch them on the host;
//! - [`dump`] — a text rendering for snapshots and debugging.

pub mod dump;
mod hash;
pub mod ir;
pub mod link;
pub mod lower;
pub mod modules;
pub mod reach;
pub mod resolve;
pub mod taint;

pub use ir::CodeFile;
