//! GitHub Actions workflow → Containers: `jobs.*.container`, `jobs.*.services.*` (image, `options` docker flags, volumes, ports, env, credentials) and every `docker run` in `run:` steps, with spans mapped through block scalars.
//! (Being written.)

use crate::container::Container;
use crate::project::FileId;
use skillaudit_syntax::yaml::Stream;

pub fn containers(_file: FileId, _stream: &Stream, _text: &str) -> Vec<Container> {
    unimplemented!("workflow")
}
