//! The path every audit of a repository takes, in this service's workers
//! and in `skillaudit corpus`: a [`Tree`] (a checkout fetched under the
//! policy, `skillaudit_engine::fetch`, or a directory given), scanned by
//! [`scan`] into the records to store (`Store::insert_audit`).

use std::path::{Path, PathBuf};

use skillaudit_engine::fetch::{self, FetchError, FetchPolicy};
use skillaudit_engine::{ScanOptions, TargetError, Trust};
use skillaudit_store::{now_ms, Caps, NewAudit};

/// What an audit scans.
pub enum Tree {
    /// Someone else's repository, fetched: scanned as untrusted (its ignore
    /// comments, configuration and ignore files do not apply); the
    /// checkout is deleted once its audit is made.
    Fetched(fetch::Checkout),
    /// A directory given, scanned as the options say, at `commit` when
    /// known.
    Dir {
        path: PathBuf,
        commit: Option<String>,
    },
}

impl Tree {
    /// Clone `url` under `policy` (allow-list, time and size limits).
    pub fn fetch(url: &str, policy: &FetchPolicy) -> Result<Tree, FetchError> {
        fetch::fetch(url, policy).map(Tree::Fetched)
    }

    /// The directory scanned.
    pub fn root(&self) -> &Path {
        match self {
            Tree::Fetched(checkout) => checkout.root(),
            Tree::Dir { path, .. } => path,
        }
    }

    fn commit(&self) -> Option<&str> {
        match self {
            Tree::Fetched(checkout) => Some(&checkout.commit),
            Tree::Dir { commit, .. } => commit.as_deref(),
        }
    }
}

/// Scan `tree` under `options` (its targets replaced by the tree's root, no
/// fix edits; a fetched tree untrusted whatever `options` say), and the
/// audit of `key` begun at `started` (ms since the epoch) to store, at most
/// `caps` findings one by one. The scan's result is dropped, then the tree
/// (deleting a checkout), before the audit is returned.
pub fn scan(
    tree: Tree,
    options: &ScanOptions,
    key: &str,
    started: i64,
    caps: Caps,
) -> Result<NewAudit, TargetError> {
    let trust = match &tree {
        Tree::Fetched(_) => Trust::Untrusted,
        Tree::Dir { .. } => options.trust,
    };
    let options = ScanOptions {
        targets: vec![tree.root().to_string_lossy().into_owned()],
        trust,
        fix_edits: false,
        ..options.clone()
    };
    let result = skillaudit_engine::scan(&options)?;
    let mut new = NewAudit::from_scan_capped(&result, key, tree.commit(), started, now_ms(), caps);
    new.untrusted = trust == Trust::Untrusted;
    drop(result);
    drop(tree);
    Ok(new)
}
