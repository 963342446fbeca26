//! Finding, reading and parsing the configuration file.

use std::path::{Path, PathBuf};

use super::keys::parse;
use super::{Config, ConfigError, FILE_NAMES};

/// The configuration file at a scan root, if there is one.
pub fn find_in(root: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file())
}

/// The configuration for a scan: `explicit` (`--config`), else the file at
/// the scan root — the first target if it is a local directory, or the
/// directory of a file target. A git URL's own configuration is not read
/// unless given with `--config` (it is someone else's repository).
pub fn for_targets(
    targets: &[String],
    explicit: Option<&Path>,
) -> Result<Option<Config>, ConfigError> {
    if let Some(path) = explicit {
        return load(path).map(Some);
    }
    let Some(first) = targets.first() else {
        return Ok(None);
    };
    if crate::target::is_git_url(first) {
        return Ok(None);
    }
    let p = Path::new(first);
    let root = if p.is_dir() {
        p.to_path_buf()
    } else if p.is_file() {
        p.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        return Ok(None);
    };
    match find_in(&root) {
        Some(path) => load(&display_in(&root, &path)).map(Some),
        None => Ok(None),
    }
}

/// `root/name` shown without a leading `./` or empty root.
fn display_in(root: &Path, path: &Path) -> PathBuf {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        path.file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    }
}

/// Read and validate a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: shown.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read the configuration: {e}"),
    })?;
    parse(&text, &shown)
}
