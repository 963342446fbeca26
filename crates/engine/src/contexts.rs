//! Build contexts: which secret-looking files a `COPY .` would put into an
//! image. Docker sends the whole context directory minus `.dockerignore`
//! (it does not read `.gitignore`), so the context is listed from disk —
//! names only, nothing is read but the ignore file — with bounds on depth
//! and entry count.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use skillaudit_model::image::InstrKind;
use skillaudit_model::{BuildContext, Image};
use skillaudit_rules::analysis::{is_whole_context, secret_file_kind};
use skillaudit_syntax::dockerignore::DockerIgnore;

/// At most this many directory entries are looked at per context.
const MAX_ENTRIES: usize = 20_000;
const MAX_DEPTH: usize = 8;

/// Does the image copy its whole build context somewhere?
pub fn copies_whole_context(image: &Image) -> bool {
    image
        .stages
        .iter()
        .flat_map(|s| &s.instructions)
        .any(|i| match &i.kind {
            InstrKind::Copy(c) => {
                c.from.is_none() && c.sources.iter().any(|s| is_whole_context(&s.value))
            }
            _ => false,
        })
}

/// Secret-looking files under `dir` that the context's ignore file does not exclude.
/// `dockerfile` is used to find a `<Dockerfile>.dockerignore` next to it.
pub fn secret_files(
    dir: &Path,
    dockerfile: &Path,
    display: &dyn Fn(&Path) -> String,
) -> BuildContext {
    let specific = PathBuf::from(format!("{}.dockerignore", dockerfile.display()));
    let ignore_text = std::fs::read_to_string(&specific)
        .or_else(|_| std::fs::read_to_string(dir.join(".dockerignore")))
        .unwrap_or_default();
    let ignore = DockerIgnore::parse(&ignore_text);
    let mut files = Vec::new();
    let walker = WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .max_depth(Some(MAX_DEPTH))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && matches!(e.file_name().to_str(), Some(".git" | "node_modules")))
        })
        .build();
    for entry in walker.take(MAX_ENTRIES).flatten() {
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.is_empty() || entry.file_type().is_some_and(|t| t.is_dir()) {
            continue;
        }
        if secret_file_kind(&rel).is_some() && !ignore.is_excluded(&rel) {
            files.push(display(entry.path()));
        }
    }
    files.sort();
    BuildContext {
        secret_files: files,
    }
}
