//! Makefile / justfile recipe lines → Containers of their `docker run` commands (continuations, `@`/`-` prefixes, make variables).
//! (Being written.)

use crate::container::Container;
use crate::project::FileId;

pub fn containers(_file: FileId, _text: &str) -> Vec<Container> {
    unimplemented!("makefile")
}
