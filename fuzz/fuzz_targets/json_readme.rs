//! JSONC parser, the MCP config normaliser, Markdown code blocks and the
//! README normaliser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_model::normalise::{mcp_config, readme};
use skillaudit_model::FileId;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let stream = skillaudit_syntax::json::parse(&text);
    let _ = mcp_config::looks_like_mcp_config(&stream);
    let _ = mcp_config::containers(FileId(0), &stream);
    for block in skillaudit_syntax::markdown::code_blocks(&text) {
        let _ = block;
    }
    let _ = skillaudit_syntax::markdown::html_comments(&text);
    let _ = readme::containers(FileId(0), &text);
});
