//! TOML as a [`crate::yaml::Stream`] of one document with byte spans (for
//! Codex's `config.toml`). (Being written.)

use crate::yaml::Stream;

/// Parse TOML. Tables become mappings, arrays sequences, values scalars
/// (strings double-quoted style, others plain). Never panics.
pub fn parse(_text: &str) -> Stream {
    unimplemented!("toml layer")
}
