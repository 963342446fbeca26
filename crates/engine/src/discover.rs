//! Stage 1: **discover** the files to scan.
//!
//! A parallel walk (the `ignore` crate) that respects `.gitignore` (even
//! outside a git checkout), skips `.git`, `node_modules` and `vendor`,
//! follows symlinks only while they stay inside the target, and reports
//! loops and unreadable entries instead of failing.

use std::path::Path;
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkParallel, WalkState};

use crate::candidate::{display_path, kind_by_path, Candidate, NameKind};
use crate::config::PathSet;
use crate::options::ScanOptions;
use crate::result::Notice;
use crate::target::{Kind, Targets};

/// Stage 1: the files of every target that may describe containers or
/// servers, each with the index of its target. Directories are walked
/// (paths the configuration excludes are not even read); a file target is
/// taken as named.
pub fn candidates(
    options: &ScanOptions,
    targets: &Targets,
    notices: &Mutex<Vec<Notice>>,
) -> Vec<(Candidate, usize)> {
    let mut candidates = Vec::new();
    for (ti, t) in targets.resolved.iter().enumerate() {
        match &t.kind {
            Kind::Dir => {
                let exclude = options
                    .project_config()
                    .and_then(|c| c.exclude.clone())
                    .map(|set| (set, targets.glob_prefixes[ti].clone()));
                // Ignore files are the repository's word too (`--no-ignores`, untrusted).
                let ignore_files = options.honours_ignores();
                candidates.extend(
                    walk_with(&t.root, &t.prefix, notices, exclude, ignore_files)
                        .into_iter()
                        .map(|c| (c, ti)),
                );
            }
            Kind::File { display } => candidates.push((
                Candidate {
                    abs: t.root.clone(),
                    display: display.clone(),
                    name_kind: kind_by_path(display),
                    explicit: true,
                },
                ti,
            )),
        }
    }
    candidates
}

/// Directories never descended into.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "vendor", ".hg", ".svn"];

/// Walk a directory target.
pub fn walk(root: &Path, prefix: &str, notices: &Mutex<Vec<Notice>>) -> Vec<Candidate> {
    walk_excluding(root, prefix, notices, None)
}

/// Walk a directory target, leaving out (without reading, and without
/// descending into directories) the paths that match `exclude`: globs
/// matched against `glob_prefix` + the path relative to `root`.
pub fn walk_excluding(
    root: &Path,
    prefix: &str,
    notices: &Mutex<Vec<Notice>>,
    exclude: Option<(PathSet, String)>,
) -> Vec<Candidate> {
    walk_with(root, prefix, notices, exclude, true)
}

/// [`walk_excluding`], with `ignore_files` saying whether `.gitignore`,
/// `.git/info/exclude` and `.ignore` files (here and in parent
/// directories) prune the walk. They do not for `--no-ignores` and for an
/// untrusted repository: a committed file listed in `.gitignore` is in
/// every checkout, so it is read.
pub fn walk_with(
    root: &Path,
    prefix: &str,
    notices: &Mutex<Vec<Notice>>,
    exclude: Option<(PathSet, String)>,
    ignore_files: bool,
) -> Vec<Candidate> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let found = Mutex::new(Vec::new());
    walker(root, exclude, ignore_files).run(|| {
        let found = &found;
        let canonical_root = &canonical_root;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    push_notice(
                        notices,
                        walk_error_path(&err, root, prefix),
                        walk_error_message(&err),
                    );
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            let path = entry.path();
            if entry.path_is_symlink() {
                if let Some(message) = unfollowed_link(path, canonical_root) {
                    push_notice(notices, display_path(root, path, prefix), message);
                    return WalkState::Skip;
                }
            }
            if !ft.is_file() {
                return WalkState::Continue;
            }
            let rel = display_path(root, path, "");
            let name_kind = kind_by_path(&rel);
            if name_kind == NameKind::Unknown {
                return WalkState::Continue;
            }
            found.lock().expect("walk results").push(Candidate {
                abs: path.to_path_buf(),
                display: format!("{prefix}{rel}"),
                name_kind,
                explicit: false,
            });
            WalkState::Continue
        })
    });
    let mut files = found.into_inner().expect("walk results");
    files.sort_by(|a, b| a.display.cmp(&b.display));
    files
}

/// The parallel walker of `root`: skipped directories and `exclude` pruned,
/// ignore files obeyed when `ignore_files`, links followed.
fn walker(root: &Path, exclude: Option<(PathSet, String)>, ignore_files: bool) -> WalkParallel {
    let exclude = exclude.map(|(set, glob_prefix)| (set, glob_prefix, root.to_path_buf()));
    let mut builder = WalkBuilder::new(root);
    builder.filter_entry(move |e| {
        if e.file_type().is_some_and(|t| t.is_dir())
            && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d)
        {
            return false;
        }
        match &exclude {
            Some((set, glob_prefix, root)) => {
                let rel = display_path(root, e.path(), "");
                rel.is_empty() || !set.matches(&format!("{glob_prefix}{rel}"))
            }
            None => true,
        }
    });
    builder
        .hidden(false)
        .git_ignore(ignore_files)
        .git_exclude(ignore_files)
        .ignore(ignore_files)
        .parents(ignore_files)
        .git_global(false)
        .require_git(false)
        .follow_links(true)
        .build_parallel()
}

/// Why a symbolic link is not followed (it points outside the target, or
/// cannot be resolved); `None` when it stays inside.
fn unfollowed_link(path: &Path, canonical_root: &Path) -> Option<String> {
    match path.canonicalize() {
        Ok(real) if real.starts_with(canonical_root) => None,
        Ok(_) => Some("symbolic link points outside the scanned target; skipped".into()),
        Err(e) => Some(format!("cannot resolve symbolic link: {e}")),
    }
}

fn push_notice(notices: &Mutex<Vec<Notice>>, path: String, message: String) {
    notices
        .lock()
        .expect("notices")
        .push(Notice::new(path, message));
}

fn walk_error_path(err: &ignore::Error, root: &Path, prefix: &str) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => display_path(root, path, prefix),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err, root, prefix)
        }
        ignore::Error::Loop { child, .. } => display_path(root, child, prefix),
        _ => prefix.trim_end_matches('/').to_string(),
    }
}

fn walk_error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { .. } => "symbolic link loop; skipped".into(),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_error_message(err),
        ignore::Error::Io(e) => format!("cannot read: {e}"),
        other => other.to_string(),
    }
}
