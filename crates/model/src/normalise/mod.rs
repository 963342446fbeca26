//! Per-format knowledge: each supported file kind's syntax tree becomes
//! Images and Containers here, and nowhere else.

pub mod compose;
pub mod docker_cli;
pub mod dockerfile;
pub mod runtime;
pub mod shell_script;
