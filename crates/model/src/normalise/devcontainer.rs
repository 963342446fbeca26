//! devcontainer.json → a Container (`runArgs`, `privileged`, `capAdd`, `securityOpt`, `mounts`, `containerUser`/`remoteUser`, `containerEnv`/`remoteEnv`, `build.dockerfile` linked to the Image).
//! (Being written.)

use crate::container::Container;
use crate::project::FileId;
use skillaudit_syntax::yaml::Stream;

pub fn containers(_file: FileId, _stream: &Stream) -> Vec<Container> {
    unimplemented!("devcontainer")
}
