//! MCP client configurations (Claude Desktop/Code, Cursor, Windsurf, Gemini `mcpServers`; VS Code `servers` / `mcp.servers`; Zed `context_servers`; Continue `mcpServers` list; Codex `mcp_servers`) → a Container per server whose command is docker/podman.
//! (Being written.)

use crate::container::Container;
use crate::project::FileId;
use skillaudit_syntax::yaml::Stream;

pub fn containers(_file: FileId, _stream: &Stream) -> Vec<Container> {
    unimplemented!("mcp_config")
}
