//! `skillaudit corpus SOURCE...`: audit many repositories, each on its own,
//! in parallel, and print which misconfigurations are most common.
//!
//! A SOURCE is a directory, a git URL, or `@FILE`: a list of sources (`@-`
//! for standard input), one a line; blank lines and lines starting with `#`
//! are skipped; relative paths are relative to the list's directory. A
//! regular file given without `@` is skipped with a note (`corpus repos/*`
//! also matches the README beside the repositories). A URL is fetched as the
//! web service fetches one (`skillaudit_engine::fetch`): https only, hosts on
//! the allow-list (`--allow-host` adds some), shallow, with a time and a size
//! limit, the checkout deleted after its scan; lists of URLs may come from
//! anyone.
//!
//! Every audit goes into a store in memory, and the table is that store's
//! corpus view (the query the web service's corpus page runs); `--db`
//! also writes every audit into a SQLite file or a PostgreSQL database
//! (where `--enqueue` queues a crawl instead, `crawl.rs`). Exit code: 0 when every
//! source was audited, 2 when one could not be (the others are still
//! audited and shown) or on a usage error.

use std::collections::HashSet;
use std::io::{BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use clap::ValueEnum;
use skillaudit_engine::fetch::{self, FetchPolicy};
use skillaudit_engine::{target, ScanOptions, DEFAULT_MAX_FILE_SIZE};
use skillaudit_service::tree::{self, Tree};
use skillaudit_store::{now_ms, Caps, CorpusStats, NewAudit, SqliteStore, Store};

use crate::fetch_args::FetchArgs;
use crate::progress;
use skillaudit_rules::Severity;

mod crawl;
mod render;
use render::render;

#[derive(clap::Args)]
pub struct CorpusArgs {
    /// Repositories to audit: directories, git URLs, or @FILE, a list of
    /// them (one a line, `#` starts a comment line; @- reads standard input).
    /// None with --db postgres://…: print the table of what is stored.
    #[arg(value_name = "SOURCE")]
    pub(crate) sources: Vec<String>,
    /// With --db postgres://…: put the git URLs into the shared queue for
    /// `skillaudit worker`s instead of auditing them here (repositories
    /// already audited or in flight are skipped, so a crawl resumes).
    #[arg(long)]
    pub(crate) enqueue: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CorpusFormat::Text)]
    format: CorpusFormat,
    /// Write the table to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also store every audit (findings and fingerprints) in this SQLite
    /// database (created when missing) or postgres://… database.
    #[arg(long, value_name = "PATH|URL")]
    pub(crate) db: Option<String>,
    /// Show only the N most common rules.
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// Count findings at or above this severity.
    #[arg(long, value_enum, default_value_t = Severity::Low)]
    min_severity: Severity,
    /// Repositories audited at once (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,
    /// Skip files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_FILE_SIZE >> 20, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_file_size: u64,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
    #[command(flatten)]
    pub(crate) fetch: FetchArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum CorpusFormat {
    Text,
    Markdown,
    Csv,
    Json,
}

/// One source to audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Source {
    /// As the user wrote it (a list entry joined to the list's directory).
    pub(crate) display: String,
    /// What the store records: a git URL without credentials, or a
    /// directory's canonical path.
    pub(crate) key: String,
    pub(crate) kind: SourceKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SourceKind {
    Url(String),
    Dir(PathBuf),
    /// Known to fail before scanning (missing, not a repository).
    Invalid(String),
}

/// A source's outcome.
pub(crate) struct Outcome {
    source: Source,
    result: Result<NewAudit, String>,
}

/// Expand lists and drop repeated sources; also returns notes on the
/// arguments skipped. A list that cannot be read is a usage error.
pub(crate) fn expand(
    args: &[String],
    policy: &FetchPolicy,
) -> Result<(Vec<Source>, Vec<String>), String> {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for a in args {
        if let Some(list) = a.strip_prefix('@') {
            read_list(list, policy, &mut out)?;
        } else if !target::is_git_url(a) && Path::new(a).is_file() {
            // `corpus repos/*` also matches the README next to the repositories.
            notes.push(format!("skipping {a}: a file, not a repository (write @{a} to read it as a list of sources)"));
        } else {
            out.push(source(a, None, policy));
        }
    }
    let mut seen = HashSet::new();
    out.retain(|s| seen.insert(s.key.clone()));
    Ok((out, notes))
}

/// A list of sources larger than this is refused (`@/dev/zero`).
const MAX_LIST_BYTES: u64 = 16 << 20;

fn read_list(list: &str, policy: &FetchPolicy, out: &mut Vec<Source>) -> Result<(), String> {
    let (text, base) = if list == "-" {
        let mut text = String::new();
        for line in std::io::stdin().lock().lines() {
            let line = line
                .map_err(|e| format!("cannot read the list of sources from standard input: {e}"))?;
            text.push_str(&line);
            text.push('\n');
        }
        (text, None)
    } else {
        let cannot = |e: std::io::Error| {
            format!("cannot read the list of sources {list}: {}", io_message(&e))
        };
        let mut text = Vec::new();
        std::fs::File::open(list)
            .and_then(|f| f.take(MAX_LIST_BYTES + 1).read_to_end(&mut text))
            .map_err(cannot)?;
        if text.len() as u64 > MAX_LIST_BYTES {
            return Err(format!(
                "the list of sources {list} is larger than {} MiB",
                MAX_LIST_BYTES >> 20
            ));
        }
        let base = Path::new(list)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf);
        (String::from_utf8_lossy(&text).into_owned(), base)
    };
    for line in text.lines() {
        let entry = line.trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        out.push(source(entry, base.as_deref(), policy));
    }
    Ok(())
}

fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_lowercase()
}

/// One source from the command line or a list (relative to `base`). A URL
/// `policy` refuses is known to fail before anything is fetched.
fn source(entry: &str, base: Option<&Path>, policy: &FetchPolicy) -> Source {
    if target::is_git_url(entry) {
        let display = redact_url(entry);
        return match fetch::check_url(entry, policy) {
            // The web service's name for the repository, so both can share a store.
            Ok(checked) => Source {
                display,
                key: checked.source_key(),
                kind: SourceKind::Url(entry.to_string()),
            },
            Err(e) => Source {
                key: display.clone(),
                kind: SourceKind::Invalid(format!("{display}: {e}")),
                display,
            },
        };
    }
    let path = match base {
        Some(b) if Path::new(entry).is_relative() => b.join(entry),
        _ => PathBuf::from(entry),
    };
    let display = path.to_string_lossy().into_owned();
    let kind = match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => match path.canonicalize() {
            Ok(canonical) => {
                return Source {
                    display,
                    key: canonical.to_string_lossy().into_owned(),
                    kind: SourceKind::Dir(path),
                }
            }
            Err(e) => SourceKind::Invalid(format!(
                "cannot read directory {display}: {}",
                io_message(&e)
            )),
        },
        Ok(_) => SourceKind::Invalid(format!(
            "{display} is not a repository (a directory or a git URL)"
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            SourceKind::Invalid(format!("{display}: no such directory"))
        }
        Err(e) => SourceKind::Invalid(format!("cannot read {display}: {}", io_message(&e))),
    };
    Source {
        key: display.clone(),
        display,
        kind,
    }
}

/// A URL without a password or token in it (`https://user:token@host/…`).
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// `git -C dir ARGS`, its trimmed output when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The commit a directory holds: only when it is the top of a git work tree
/// with nothing changed or added (otherwise the files scanned are not that
/// commit's).
fn commit_of_dir(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    if !git(dir, &["status", "--porcelain"])?.is_empty() {
        return None;
    }
    git(dir, &["rev-parse", "--verify", "HEAD"])
}

/// Audit one source; a URL is fetched under `policy` (allow-list, time and
/// size limits) and scanned as untrusted, as the web service does
/// ([`tree::scan`]); a directory is scanned as given. No fix edits.
fn audit(source: &Source, options: &ScanOptions, policy: &FetchPolicy) -> Result<NewAudit, String> {
    let started = now_ms();
    let tree = match &source.kind {
        SourceKind::Invalid(message) => return Err(message.clone()),
        SourceKind::Dir(path) => Tree::Dir {
            path: path.clone(),
            commit: commit_of_dir(path),
        },
        SourceKind::Url(url) => {
            Tree::fetch(url, policy).map_err(|e| format!("{}: {e}", source.display))?
        }
    };
    tree::scan(tree, options, &source.key, started, Caps::UNLIMITED).map_err(|e| e.0)
}

/// Counters for the progress bar.
#[derive(Default)]
struct Counter {
    total: usize,
    done: AtomicUsize,
}

const BAR_WIDTH: usize = 24;

/// The progress line: spinner, count and a bar.
fn progress_line(done: usize, total: usize, frame: usize) -> String {
    let spin = progress::SPINNER[frame % progress::SPINNER.len()];
    let filled = (done.min(total) * BAR_WIDTH)
        .checked_div(total)
        .unwrap_or(BAR_WIDTH);
    format!(
        "{spin} auditing repositories [{}{}] {done}/{total}",
        "#".repeat(filled),
        "-".repeat(BAR_WIDTH - filled)
    )
}

pub fn run(args: CorpusArgs) -> ExitCode {
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    if let Some(Err(e)) = args.output.as_deref().map(crate::check_output) {
        return fail(e);
    }
    let policy = match args.fetch.policy() {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    if args.enqueue || args.sources.is_empty() {
        return crawl::run(&args);
    }
    let sources = match sources(&args, &policy) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // The database is opened (and migrated) before any scan: a bad path is a
    // usage error, not an hour of scanning lost.
    let db = match &args.db {
        Some(location) => match skillaudit_store::open(location) {
            Ok(s) => Some(s),
            Err(e) => return fail(e.to_string()),
        },
        None => None,
    };
    let memory = match SqliteStore::in_memory() {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    let stores: Vec<&dyn Store> = std::iter::once(&memory as &dyn Store)
        .chain(db.as_deref())
        .collect();
    let (outcomes, store_errors) = audit_all(&args, &sources, &policy, &stores);
    let stats = match memory.corpus_stats() {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    if let Err(e) = write_table(&args, &stats, &outcomes) {
        return fail(e);
    }
    if failed_any(&outcomes, store_errors) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// The sources to audit, the notes on the arguments skipped printed; none
/// is a usage error.
fn sources(args: &CorpusArgs, policy: &FetchPolicy) -> Result<Vec<Source>, String> {
    let (sources, notes) = expand(&args.sources, policy)?;
    for n in notes {
        eprintln!("note: {n}");
    }
    if sources.is_empty() {
        return Err(
            "no repository to audit: give directories, git URLs or @FILE lists of them".into(),
        );
    }
    Ok(sources)
}

/// Audit every source on `--jobs` threads (with the progress bar on a
/// terminal), each audit stored into `stores` as soon as it is done: the
/// outcomes in the sources' order, and the audits that could not be stored.
fn audit_all(
    args: &CorpusArgs,
    sources: &[Source],
    policy: &FetchPolicy,
    stores: &[&dyn Store],
) -> (Vec<Outcome>, Mutex<Vec<String>>) {
    // The repositories' own skillaudit.toml is not read; fetched repositories
    // are scanned as untrusted (see `audit`).
    let options = ScanOptions {
        targets: Vec::new(),
        min_severity: args.min_severity,
        max_file_size: args.max_file_size.saturating_mul(1 << 20),
        ..ScanOptions::default()
    };
    let jobs = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .min(sources.len())
        .max(1);
    let counter = Arc::new(Counter {
        total: sources.len(),
        done: AtomicUsize::new(0),
    });
    let indicator = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let c = Arc::clone(&counter);
        progress::Indicator::start_with(
            move |frame| progress_line(c.done.load(Ordering::Relaxed), c.total, frame),
            std::io::stderr(),
            progress::delay(),
        )
    });
    // Workers take the next source until none is left.
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    let store_errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(source) = sources.get(i) else { break };
                let result = audit_and_store(source, &options, policy, stores, &store_errors);
                counter.done.fetch_add(1, Ordering::Relaxed);
                outcomes.lock().unwrap_or_else(|p| p.into_inner()).push((
                    i,
                    Outcome {
                        source: source.clone(),
                        result,
                    },
                ));
            });
        }
    });
    if let Some(i) = indicator {
        i.finish();
    }
    let mut outcomes = outcomes.into_inner().unwrap_or_else(|p| p.into_inner());
    outcomes.sort_by_key(|(i, _)| *i);
    (outcomes.into_iter().map(|(_, o)| o).collect(), store_errors)
}

/// Audit one source (a panic is that source's failure, not everyone's) and
/// store its audit into each store, noting the stores that fail.
fn audit_and_store(
    source: &Source,
    options: &ScanOptions,
    policy: &FetchPolicy,
    stores: &[&dyn Store],
    store_errors: &Mutex<Vec<String>>,
) -> Result<NewAudit, String> {
    // A bug must not take the other repositories down with it.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        audit(source, options, policy)
    }))
    .unwrap_or_else(|_| {
        Err(format!(
            "{}: internal error while auditing (a bug in skillaudit; please report it)",
            source.display
        ))
    });
    if let Ok(a) = &result {
        for store in stores {
            if let Err(e) = store.insert_audit(a) {
                store_errors
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(format!("{}: {e}", source.display));
            }
        }
    }
    result
}

/// The audits that failed, and the audits that could not be stored, on
/// standard error; true when there was any.
fn failed_any(outcomes: &[Outcome], store_errors: Mutex<Vec<String>>) -> bool {
    let mut failed = false;
    for o in outcomes {
        if let Err(e) = &o.result {
            eprintln!("error: {e}");
            failed = true;
        }
    }
    for e in store_errors.into_inner().unwrap_or_else(|p| p.into_inner()) {
        eprintln!("error: cannot store the audit of {e}");
        failed = true;
    }
    failed
}

/// Render the table in the chosen format to `--output` or standard output.
pub(crate) fn write_table(
    args: &CorpusArgs,
    stats: &CorpusStats,
    outcomes: &[Outcome],
) -> Result<(), String> {
    let rendered = render(stats, outcomes, args.format, args.top);
    match &args.output {
        Some(path) => std::fs::write(path, &rendered)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            crate::print(&rendered);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render::{csv_field, md_cell};
    use super::*;

    #[test]
    fn credentials_never_reach_the_store_or_the_output() {
        let policy = FetchPolicy::default();
        assert_eq!(
            redact_url("https://user:ghp_secret@github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        // An `@` in the path is not userinfo.
        assert_eq!(redact_url("https://host/o/r@v1"), "https://host/o/r@v1");
        let s = source("https://x:tok@github.com/o/r", None, &policy);
        assert!(!s.display.contains("tok") && !s.key.contains("tok"));
        assert!(
            matches!(&s.kind, SourceKind::Invalid(m) if !m.contains("tok")),
            "{:?}",
            s.kind
        );
        // One name per repository, shared with the web service.
        let keys: Vec<String> = ["https://GitHub.com/o/r.git/", "https://github.com/o/r"]
            .iter()
            .map(|u| source(u, None, &policy).key)
            .collect();
        assert_eq!(keys, ["https://github.com/o/r", "https://github.com/o/r"]);
        // A refused URL fails before anything is fetched, with the reason.
        let s = source("ssh://git@github.com/o/r", None, &policy);
        assert!(
            matches!(&s.kind, SourceKind::Invalid(m) if m.contains("ssh://")),
            "{:?}",
            s.kind
        );
    }

    #[test]
    fn the_bar_fills_with_the_count() {
        assert_eq!(
            progress_line(0, 4, 0),
            format!("| auditing repositories [{}] 0/4", "-".repeat(BAR_WIDTH))
        );
        assert_eq!(
            progress_line(2, 4, 1),
            format!(
                "/ auditing repositories [{}{}] 2/4",
                "#".repeat(12),
                "-".repeat(12)
            )
        );
        assert_eq!(
            progress_line(4, 4, 2),
            format!("- auditing repositories [{}] 4/4", "#".repeat(BAR_WIDTH))
        );
    }

    #[test]
    fn cells_and_fields_are_escaped() {
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn lists_skip_comments_and_resolve_against_their_directory() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("a")).unwrap();
        std::fs::create_dir(tmp.path().join("b")).unwrap();
        let list = tmp.path().join("repos.txt");
        std::fs::write(&list, "# the corpus\n\na\n  b  \n#a\nmissing\nhttps://github.com/o/r.git\nhttps://github.com/o/r\n").unwrap();
        let policy = FetchPolicy::default();
        let (sources, notes) = expand(
            &[
                format!("@{}", list.display()),
                tmp.path().join("a").display().to_string(),
            ],
            &policy,
        )
        .unwrap();
        assert!(notes.is_empty());
        let shown: Vec<&str> = sources.iter().map(|s| s.display.as_str()).collect();
        let base = tmp.path().display().to_string();
        assert_eq!(
            shown,
            vec![
                format!("{base}/a"),
                format!("{base}/b"),
                format!("{base}/missing"),
                "https://github.com/o/r.git".into()
            ],
            "duplicates dropped"
        );
        assert!(
            matches!(&sources[2].kind, SourceKind::Invalid(m) if m.ends_with("no such directory"))
        );
        // Without the `@`, a file is skipped with a note.
        let (sources, notes) = expand(
            &[
                list.display().to_string(),
                tmp.path().join("b").display().to_string(),
            ],
            &policy,
        )
        .unwrap();
        assert_eq!(sources.len(), 1);
        assert!(notes[0].contains("a file, not a repository"), "{notes:?}");
        assert!(expand(&[format!("@{base}/nope.txt")], &policy)
            .unwrap_err()
            .contains("cannot read the list"));
        assert!(expand(&["@/dev/zero".to_string()], &policy)
            .unwrap_err()
            .contains("larger than 16 MiB"));
    }
}
