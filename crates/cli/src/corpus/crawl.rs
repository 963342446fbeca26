//! `skillaudit corpus` on a PostgreSQL store, at scale: `--enqueue` puts
//! repository URLs into the shared queue that `skillaudit worker`s (on any
//! machines) drain, and `corpus --db postgres://…` without sources prints
//! the table from what is stored, with the queue's progress. A crawl that
//! was interrupted is resumed by enqueueing the same list again:
//! repositories already audited, or queued or running, are skipped.

use std::process::ExitCode;

use skillaudit_store::{now_ms, QueueCounts, Store};

use super::{expand, write_table, CorpusArgs, SourceKind};

pub fn run(args: &CorpusArgs) -> ExitCode {
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let Some(location) = args
        .db
        .as_deref()
        .filter(|l| skillaudit_store::is_postgres_url(l))
    else {
        return fail(if args.enqueue {
            "--enqueue puts repositories into a shared queue: give --db postgres://USER:PASSWORD@HOST:PORT/DB".into()
        } else {
            "a SOURCE is required (directories, git URLs or @FILE lists), or --db postgres://… to print what is stored".into()
        });
    };
    let store = match skillaudit_store::open(location) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    if args.enqueue {
        if args.sources.is_empty() {
            return fail(
                "--enqueue needs the repositories to queue: git URLs or @FILE lists".into(),
            );
        }
        return match enqueue(args, store.as_ref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        };
    }
    let stats = match store.corpus_stats() {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    if let Err(e) = write_table(args, &stats, &[]) {
        return fail(e);
    }
    match progress(store.as_ref()) {
        Ok(line) => eprintln!("{line}"),
        Err(e) => return fail(e),
    }
    ExitCode::SUCCESS
}

/// Queue the sources' URLs; directories cannot be fetched by a worker
/// elsewhere, and a list naming one is refused before anything is queued.
fn enqueue(args: &CorpusArgs, store: &dyn Store) -> Result<(), String> {
    let policy = args.fetch.policy()?;
    let (sources, notes) = expand(&args.sources, &policy)?;
    for n in notes {
        eprintln!("note: {n}");
    }
    let mut urls = Vec::with_capacity(sources.len());
    for s in &sources {
        match &s.kind {
            SourceKind::Url(url) => urls.push((s.key.clone(), url.clone())),
            SourceKind::Dir(_) => {
                return Err(format!(
                    "{}: a directory cannot be queued (workers fetch git URLs); audit it with `skillaudit corpus` here",
                    s.display
                ))
            }
            SourceKind::Invalid(why) => return Err(why.clone()),
        }
    }
    let queue = store.queue().ok_or("this store has no shared queue")?;
    let queued = queue
        .enqueue_crawl(&urls, now_ms())
        .map_err(|e| e.to_string())?;
    let skipped = urls.len() as u64 - queued;
    eprintln!(
        "queued {queued} repositor{} ({skipped} already audited or in the queue)",
        if queued == 1 { "y" } else { "ies" }
    );
    eprintln!("{}", progress(store)?);
    Ok(())
}

/// The queue's progress in one line.
fn progress(store: &dyn Store) -> Result<String, String> {
    let queue = store.queue().ok_or("this store has no shared queue")?;
    let QueueCounts {
        queued,
        running,
        done,
        failed,
    } = queue.counts().map_err(|e| e.to_string())?;
    Ok(format!(
        "queue: {queued} queued, {running} running, {done} done, {failed} failed"
    ))
}
