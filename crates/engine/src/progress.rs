//! Counters a long scan updates as it goes, for a progress indicator to
//! read from another thread. The engine only counts; drawing is the
//! command line's business.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// Where a scan is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Resolving targets (a git URL is being cloned) and walking directories.
    Discovering,
    /// Reading, parsing and normalising the discovered files.
    Reading,
    /// Linking, running the rules, scoring.
    Analysing,
    Done,
}

/// Shared progress of one scan: cheap atomic counters.
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    discovered: AtomicUsize,
    processed: AtomicUsize,
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Relaxed) {
            0 => Phase::Discovering,
            1 => Phase::Reading,
            2 => Phase::Analysing,
            _ => Phase::Done,
        }
    }

    /// Candidate files found by the walk.
    pub fn discovered(&self) -> usize {
        self.discovered.load(Ordering::Relaxed)
    }

    /// Candidate files read so far (recognised or not).
    pub fn processed(&self) -> usize {
        self.processed.load(Ordering::Relaxed)
    }

    pub fn set_phase(&self, phase: Phase) {
        let n = match phase {
            Phase::Discovering => 0,
            Phase::Reading => 1,
            Phase::Analysing => 2,
            Phase::Done => 3,
        };
        self.phase.store(n, Ordering::Relaxed);
    }

    pub fn set_discovered(&self, n: usize) {
        self.discovered.store(n, Ordering::Relaxed);
    }

    /// Count one file as processed, passing its result through.
    pub fn counted<T>(&self, result: T) -> T {
        self.processed.fetch_add(1, Ordering::Relaxed);
        result
    }
}
