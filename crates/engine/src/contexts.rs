//! Build contexts: which secret-looking files a `COPY` could put into an
//! image, and what they hold. Docker sends the whole context directory minus
//! `.dockerignore` (it does not read `.gitignore`), so the context is listed
//! from disk with bounds on depth and entry count. The files whose content a
//! rule inspects (`.npmrc`, `.env`, private keys, …; see
//! `skillaudit_rules::secrets::files`) are read here — rules never touch the
//! disk — and only their beginning: at most [`MAX_READ`] bytes of a regular
//! file, and at most [`MAX_READ_PER_CONTEXT`] bytes per context, so a
//! repository full of `.env` files cannot exhaust memory. A file that is not
//! read keeps `text: None` and is reported as before, without the benefit of
//! its content.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use rayon::prelude::*;
use skillaudit_model::file::normalize;
use skillaudit_model::image::InstrKind;
use skillaudit_model::{BuildContext, ContextFile, Image, Project};
use skillaudit_rules::analysis::{is_whole_context, secret_file_kind};
use skillaudit_rules::secrets::files::is_inspected;
use skillaudit_syntax::dockerignore::DockerIgnore;

use crate::target::{Kind, Resolved};

/// At most this many directory entries are looked at per context.
const MAX_ENTRIES: usize = 20_000;
const MAX_DEPTH: usize = 8;
/// The beginning of a secret-looking file that is read.
pub const MAX_READ: usize = 64 * 1024;
/// What is read of one context in all.
pub const MAX_READ_PER_CONTEXT: usize = 1024 * 1024;

/// Does the image copy its whole build context, or a secret-looking file
/// from it, so that rules need the context listed?
pub fn needs_listing(image: &Image) -> bool {
    let wanted =
        |s: &str| is_whole_context(s) || (secret_file_kind(s).is_some() && !s.contains("://"));
    image
        .stages
        .iter()
        .flat_map(|s| &s.instructions)
        .any(|i| match &i.kind {
            InstrKind::Copy(c) => c.from.is_none() && c.sources.iter().any(|s| wanted(&s.value)),
            _ => false,
        })
}

/// Secret-looking files under `dir` that the context's ignore file does not
/// exclude, with the beginning of those a rule inspects. `dockerfile` is
/// used to find a `<Dockerfile>.dockerignore` next to it.
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
    let mut budget = MAX_READ_PER_CONTEXT;
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
        let file_type = entry.file_type();
        if rel.is_empty() || file_type.is_some_and(|t| t.is_dir()) {
            continue;
        }
        if secret_file_kind(&rel).is_none() || ignore.is_excluded(&rel) {
            continue;
        }
        // Only regular files are read: never a symbolic link (it may point
        // outside the repository) or a FIFO (it would block).
        let regular = file_type.is_some_and(|t| t.is_file());
        let (text, truncated) = if regular && is_inspected(&rel) && budget > 0 {
            read_prefix(entry.path(), MAX_READ.min(budget))
        } else {
            (None, false)
        };
        budget = budget.saturating_sub(text.as_ref().map_or(0, String::len));
        files.push(ContextFile {
            display: display(entry.path()),
            rel,
            text,
            truncated,
        });
    }
    files.sort();
    BuildContext {
        secret_files: files,
    }
}

/// At most `limit` bytes from the start of the regular file at `path`, as
/// text, and whether the file is longer. `None` when it cannot be read or is
/// not UTF-8 (a multi-byte character cut by the limit is dropped, not an
/// error).
pub fn read_prefix(path: &Path, limit: usize) -> (Option<String>, bool) {
    let is_file = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
    if !is_file {
        return (None, false);
    }
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes));
    if read.is_err() {
        return (None, false);
    }
    let truncated = bytes.len() > limit;
    bytes.truncate(limit);
    match String::from_utf8(bytes) {
        Ok(text) => (Some(text), truncated),
        // A character cut at the end of a truncated read.
        Err(e) if truncated && e.utf8_error().error_len().is_none() => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            (String::from_utf8(bytes).ok(), true)
        }
        Err(_) => (None, false),
    }
}

/// For each image that copies its context or a secret-looking file: the
/// secret-looking files its build context would send, with their beginning.
pub fn build_contexts(
    project: &Project,
    targets: &[Resolved],
    file_targets: &[usize],
) -> Vec<BuildContext> {
    project
        .images
        .par_iter()
        .enumerate()
        .map(|(i, image)| {
            if !needs_listing(image) {
                return Default::default();
            }
            let file = project.file(image.file);
            let t = &targets[file_targets[image.file.0 as usize]];
            let mut dirs: Vec<PathBuf> = project.links.runners[i]
                .iter()
                .filter_map(|&ci| {
                    let c = &project.containers[ci];
                    let b = c.build.as_ref()?;
                    let base = project.file(c.file).abs.parent()?.to_path_buf();
                    Some(normalize(&base.join(&b.context)))
                })
                .collect();
            if dirs.is_empty() {
                dirs.push(file.abs.parent().map(Path::to_path_buf).unwrap_or_default());
            }
            dirs.sort();
            dirs.dedup();
            let display = |p: &Path| t.display(p);
            let mut all = BuildContext::default();
            for d in dirs {
                // Never list outside the scanned target.
                if !normalize(&d).starts_with(normalize(&t.root)) && matches!(t.kind, Kind::Dir) {
                    continue;
                }
                all.secret_files
                    .extend(secret_files(&d, &file.abs, &display).secret_files);
            }
            all.secret_files.sort();
            all.secret_files.dedup();
            all
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_bounded_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join(".npmrc");
        std::fs::write(&small, "ignore-scripts=true\n").unwrap();
        assert_eq!(
            read_prefix(&small, 64),
            (Some("ignore-scripts=true\n".into()), false)
        );
        assert_eq!(read_prefix(&small, 6), (Some("ignore".into()), true));

        // A multi-byte character cut by the limit is dropped.
        let accented = dir.path().join(".env");
        std::fs::write(&accented, "A=é").unwrap();
        assert_eq!(read_prefix(&accented, 3), (Some("A=".into()), true));

        // Not UTF-8, a directory, a missing file: not read.
        let binary = dir.path().join("key.pem");
        std::fs::write(&binary, [0x30, 0x82, 0xff, 0xfe, 0x01]).unwrap();
        assert_eq!(read_prefix(&binary, 64), (None, false));
        assert_eq!(read_prefix(dir.path(), 64), (None, false));
        assert_eq!(read_prefix(&dir.path().join("absent"), 64), (None, false));
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_listed_but_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("token");
        std::fs::write(
            &target,
            "_authToken=npm_Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8Gh0Ij1Kl3\n",
        )
        .unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(".npmrc")).unwrap();
        std::fs::write(dir.path().join(".env"), "PORT=3000\n").unwrap();
        let cx = secret_files(dir.path(), &dir.path().join("Dockerfile"), &|p| {
            p.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        });
        let found: Vec<(&str, Option<&str>)> = cx
            .secret_files
            .iter()
            .map(|f| (f.rel.as_str(), f.text.as_deref()))
            .collect();
        assert_eq!(found, vec![(".env", Some("PORT=3000\n")), (".npmrc", None)]);
        assert_eq!(read_prefix(&dir.path().join(".npmrc"), 64), (None, false));
    }

    #[test]
    fn the_read_budget_of_a_context_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let big = "A=1\n".repeat(MAX_READ / 4 + 10);
        let n = MAX_READ_PER_CONTEXT / MAX_READ + 3;
        for i in 0..n {
            std::fs::write(dir.path().join(format!(".env.{i:03}")), &big).unwrap();
        }
        let cx = secret_files(dir.path(), &dir.path().join("Dockerfile"), &|p| {
            p.display().to_string()
        });
        assert_eq!(cx.secret_files.len(), n);
        let read: usize = cx
            .secret_files
            .iter()
            .filter_map(|f| f.text.as_ref())
            .map(String::len)
            .sum();
        assert!(read <= MAX_READ_PER_CONTEXT, "{read}");
        assert!(cx
            .secret_files
            .iter()
            .all(|f| f.text.is_none() || f.truncated));
        assert!(cx.secret_files.iter().any(|f| f.text.is_none()));
    }
}
