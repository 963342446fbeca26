//! Per-format knowledge: each supported file kind's syntax tree becomes
//! Images and Containers here, and nowhere else.

pub mod build_action;
pub mod compose;
pub mod devcontainer;
pub mod docker_cli;
pub mod dockerfile;
pub mod kubernetes;
pub mod makefile;
pub mod manifest;
pub mod mcp_config;
pub mod nodes;
pub mod readme;
pub mod runtime;
pub mod server_json;
pub mod shell_script;
pub mod tool_texts;
pub mod workflow;
