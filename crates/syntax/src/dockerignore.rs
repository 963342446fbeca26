//! `.dockerignore` patterns, matched as BuildKit does (moby/patternmatcher).
//! (Being written.)

/// A compiled `.dockerignore` file.
#[derive(Clone, Debug, Default)]
pub struct DockerIgnore {}

impl DockerIgnore {
    /// Compile the file's patterns; invalid patterns are skipped.
    pub fn parse(_text: &str) -> DockerIgnore {
        unimplemented!()
    }
    /// Is `path` (relative to the build context, `/`-separated) left out of
    /// the context? A path is also excluded when one of its parent
    /// directories is; the last matching pattern wins and `!` re-includes.
    pub fn is_excluded(&self, _path: &str) -> bool {
        unimplemented!()
    }
}
