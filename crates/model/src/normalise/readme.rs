//! README code blocks → Containers: fenced `json`/`jsonc` MCP client configs (fragments included) and shell blocks with `docker run`, with the README's positions.
//! (Being written.)

use crate::container::Container;
use crate::project::FileId;

pub fn containers(_file: FileId, _text: &str) -> Vec<Container> {
    unimplemented!("readme")
}
