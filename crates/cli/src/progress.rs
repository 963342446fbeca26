//! A one-line progress indicator on standard error for long scans.
//!
//! Shown only when standard error is a terminal and `--quiet` is not given
//! (the caller decides), and only once the scan has run for
//! [`DEFAULT_DELAY`], so short scans leave no trace. The line is redrawn
//! in place with `\r` and erased when the scan ends.

use std::io::Write;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use skillaudit_engine::{Phase, Progress};

/// Nothing is drawn before the scan has run this long.
pub const DEFAULT_DELAY: Duration = Duration::from_millis(200);
/// The delay before the first draw: [`DEFAULT_DELAY`], or
/// `SKILLAUDIT_PROGRESS_DELAY_MS` milliseconds (tests use 0).
pub fn delay() -> Duration {
    std::env::var("SKILLAUDIT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_DELAY)
}

/// Time between redraws.
const TICK: Duration = Duration::from_millis(80);

pub const SPINNER: &[char] = &['|', '/', '-', '\\'];

/// The text of the progress line (without `\r` or erasing).
pub fn line(progress: &Progress, frame: usize) -> String {
    let spin = SPINNER[frame % SPINNER.len()];
    match progress.phase() {
        Phase::Discovering => format!("{spin} discovering files…"),
        Phase::Reading => {
            let (done, total) = (progress.processed(), progress.discovered());
            format!("{spin} reading files: {done}/{total}")
        }
        Phase::Analysing | Phase::Done => {
            format!("{spin} analysing {} files…", progress.discovered())
        }
    }
}

/// A running indicator; [`Indicator::finish`] stops it and erases the line.
pub struct Indicator {
    stop: mpsc::Sender<()>,
    thread: Option<JoinHandle<()>>,
}

impl Indicator {
    /// Start drawing `progress` into `out` after `delay`.
    pub fn start<W: Write + Send + 'static>(
        progress: Arc<Progress>,
        out: W,
        delay: Duration,
    ) -> Indicator {
        Indicator::start_with(move |frame| line(&progress, frame), out, delay)
    }

    /// Start drawing the line `text(frame)` into `out` after `delay` (the
    /// elapsed time is appended).
    pub fn start_with<W: Write + Send + 'static>(
        text: impl Fn(usize) -> String + Send + 'static,
        mut out: W,
        delay: Duration,
    ) -> Indicator {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let start = Instant::now();
            match stopped.recv_timeout(delay) {
                Err(RecvTimeoutError::Timeout) => {}
                // Stopped (or the sender is gone) before anything was drawn.
                _ => return,
            }
            let mut frame = 0;
            let mut width: usize = 0;
            loop {
                let text = format!("{} ({:.1}s)", text(frame), start.elapsed().as_secs_f32());
                // Pad over a longer previous line rather than rely on terminal escapes.
                let len = text.chars().count();
                let _ = write!(out, "\r{text}{:pad$}", "", pad = width.saturating_sub(len));
                let _ = out.flush();
                width = width.max(len);
                frame += 1;
                match stopped.recv_timeout(TICK) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => break,
                }
            }
            let _ = write!(out, "\r{:width$}\r", "");
            let _ = out.flush();
        });
        Indicator {
            stop,
            thread: Some(thread),
        }
    }

    /// Stop the indicator and erase its line; returns once it is erased.
    pub fn finish(mut self) {
        let _ = self.stop.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A writer the test can read after the indicator is done.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_scan_shorter_than_the_delay_draws_nothing() {
        let out = Shared::default();
        let ind = Indicator::start(
            Arc::new(Progress::new()),
            out.clone(),
            Duration::from_secs(60),
        );
        ind.finish();
        assert!(out.0.lock().unwrap().is_empty());
    }

    #[test]
    fn a_long_scan_draws_the_phase_and_erases_the_line_at_the_end() {
        let out = Shared::default();
        let ind = Indicator::start(Arc::new(Progress::new()), out.clone(), Duration::ZERO);
        std::thread::sleep(Duration::from_millis(200));
        ind.finish();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("\r| discovering files…"), "{text:?}");
        // The last thing written blanks the line and returns to its start.
        let last = text.rsplit_once('\r').map(|(before, _)| before).unwrap();
        let blank = last.rsplit('\r').next().unwrap();
        assert!(
            !blank.is_empty() && blank.chars().all(|c| c == ' '),
            "{text:?}"
        );
        assert!(text.ends_with('\r'));
    }

    #[test]
    fn the_line_counts_files() {
        let p = Progress::new();
        assert_eq!(line(&p, 1), "/ discovering files…");
        p.set_discovered(12);
        p.set_phase(Phase::Reading);
        for _ in 0..5 {
            p.counted(());
        }
        assert_eq!(line(&p, 4), "| reading files: 5/12");
        p.set_phase(Phase::Analysing);
        assert_eq!(line(&p, 2), "- analysing 12 files…");
    }
}
