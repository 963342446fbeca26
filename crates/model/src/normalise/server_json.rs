//! MCP registry `server.json` → a Container per OCI package (`runtimeArguments` / `runtime_arguments` with `{var}` substitution, `environmentVariables`).
//! (Being written.)

use crate::container::Container;
use crate::project::FileId;
use skillaudit_syntax::yaml::Stream;

pub fn containers(_file: FileId, _stream: &Stream) -> Vec<Container> {
    unimplemented!("server_json")
}
