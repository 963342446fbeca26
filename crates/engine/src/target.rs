//! Scan targets: a directory, a file, or a git URL (cloned shallowly into a
//! temporary directory that lives as long as the scan).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::result::TargetError;

pub enum Kind {
    Dir,
    /// A file named on the command line, shown as typed.
    File {
        display: String,
    },
}

pub struct Resolved {
    pub root: PathBuf,
    /// Prepended to paths shown in reports (empty for a single directory target).
    pub prefix: String,
    pub kind: Kind,
    /// Keeps a clone alive until the scan is done.
    _clone: Option<tempfile::TempDir>,
}

impl Resolved {
    /// How a path under this target is shown.
    pub fn display(&self, p: &Path) -> String {
        crate::candidate::display_path(&self.root, p, &self.prefix)
    }
}

/// Does the target look like a git URL rather than a path?
pub fn is_git_url(t: &str) -> bool {
    t.starts_with("https://")
        || t.starts_with("http://")
        || t.starts_with("ssh://")
        || t.starts_with("git://")
        || t.starts_with("git@")
        || t.starts_with("file://")
}

/// `a/./b/` → `a/b`, with `/` separators, as shown in reports.
fn clean_display(t: &str) -> String {
    let s = t.replace('\\', "/");
    let parts: Vec<&str> = s
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    if s.starts_with('/') {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

/// An I/O error for a person: "permission denied", without "(os error 13)".
fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => s,
    }
}

pub fn resolve(t: &str, several: bool) -> Result<Resolved, TargetError> {
    if is_git_url(t) {
        return clone(t, several);
    }
    let path = PathBuf::from(t);
    let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            TargetError(format!("cannot read target {t}: no such file or directory"))
        }
        _ => TargetError(format!("cannot read target {t}: {}", io_message(&e))),
    })?;
    // A target that exists but cannot be read is an error, not an empty scan.
    // (Never opened when not a regular file: opening a FIFO would block.)
    let readable = if meta.is_dir() {
        std::fs::read_dir(&path).map(drop)
    } else if meta.is_file() {
        std::fs::File::open(&path).map(drop)
    } else {
        Ok(())
    };
    if let Err(e) = readable {
        let what = if meta.is_dir() { "directory" } else { "file" };
        return Err(TargetError(format!(
            "cannot read target {what} {t}: {}",
            io_message(&e)
        )));
    }
    if meta.is_dir() {
        let prefix = if several {
            format!("{}/", clean_display(t))
        } else {
            String::new()
        };
        Ok(Resolved {
            root: path,
            prefix,
            kind: Kind::Dir,
            _clone: None,
        })
    } else {
        Ok(Resolved {
            root: path,
            prefix: String::new(),
            kind: Kind::File {
                display: clean_display(t),
            },
            _clone: None,
        })
    }
}

/// A git URL target: a shallow clone into a temporary directory (removed
/// with the [`Resolved`]).
fn clone(t: &str, several: bool) -> Result<Resolved, TargetError> {
    let dir = tempfile::Builder::new()
        .prefix("skillaudit-clone-")
        .tempdir()
        .map_err(|e| TargetError(format!("cannot create a temporary directory: {e}")))?;
    // A URL typed by the user on their own machine: their git
    // configuration (credentials, proxies) applies. Untrusted URLs go
    // through `crate::fetch` instead.
    let status = crate::fetch::with_safety_config(&mut Command::new("git"))
        .args(crate::fetch::SHALLOW_CLONE)
        .arg("--")
        .arg(t)
        .arg(dir.path())
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_LFS_SKIP_SMUDGE", "1")
        .stdin(std::process::Stdio::null())
        .status()
        .map_err(|e| TargetError(format!("cannot run git to fetch {t}: {e}")))?;
    if !status.success() {
        return Err(TargetError(format!(
            "could not fetch {t} (git clone failed)"
        )));
    }
    let prefix = if several {
        format!("{}/", t.trim_end_matches('/'))
    } else {
        String::new()
    };
    Ok(Resolved {
        root: dir.path().to_path_buf(),
        prefix,
        kind: Kind::Dir,
        _clone: Some(dir),
    })
}

/// The scan's targets, resolved, with where their paths sit for
/// configuration globs.
pub struct Targets {
    pub resolved: Vec<Resolved>,
    /// Per target: see [`glob_prefixes`].
    pub glob_prefixes: Vec<String>,
}

impl Targets {
    /// Resolve every target (git URLs are cloned).
    pub fn resolve(targets: &[String]) -> Result<Targets, TargetError> {
        let mut resolved = Vec::new();
        for t in targets {
            resolved.push(resolve(t, targets.len() > 1)?);
        }
        let glob_prefixes = glob_prefixes(&resolved);
        Ok(Targets {
            resolved,
            glob_prefixes,
        })
    }

    /// The path of a file of target `ti` as configuration globs see it.
    pub fn glob_path(&self, ti: usize, display: &str) -> String {
        glob_path(&self.resolved[ti], &self.glob_prefixes[ti], display)
    }
}

/// Per target: what to put before a path relative to the target to make it
/// relative to the scan root (the first target, or a file target's
/// directory), as configuration globs see paths; empty for a target
/// outside the scan root, whose paths are taken relative to itself.
fn glob_prefixes(targets: &[Resolved]) -> Vec<String> {
    let dir_of = |t: &Resolved| -> PathBuf {
        match t.kind {
            Kind::Dir => t.root.clone(),
            Kind::File { .. } => t.root.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    };
    let canonical = |p: PathBuf| {
        let p = if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p
        };
        p.canonicalize().unwrap_or(p)
    };
    let Some(root) = targets.first().map(|t| canonical(dir_of(t))) else {
        return Vec::new();
    };
    targets
        .iter()
        .map(|t| match canonical(dir_of(t)).strip_prefix(&root) {
            Ok(rel) if rel.as_os_str().is_empty() => String::new(),
            Ok(rel) => format!(
                "{}/",
                crate::candidate::display_path(Path::new(""), rel, "")
            ),
            Err(_) => String::new(),
        })
        .collect()
}

/// A file's path as configuration globs see it.
fn glob_path(t: &Resolved, prefix: &str, display: &str) -> String {
    let rel = match &t.kind {
        Kind::Dir => display.strip_prefix(t.prefix.as_str()).unwrap_or(display),
        Kind::File { .. } => display.rsplit('/').next().unwrap_or(display),
    };
    format!("{prefix}{rel}")
}
