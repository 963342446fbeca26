//! How the browser is started: the [`Options`] (binaries, window, mobile
//! emulation, Chromium flags) and the chromedriver process, in its own
//! process group that is killed whole on drop (Chromium included).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::{Error, CHROMEDRIVER, CHROMEDRIVER_ENV, CHROMIUM, CHROMIUM_ARGS, CHROMIUM_ENV};

/// How to start the browser.
#[derive(Debug, Clone)]
pub struct Options {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    /// `--window-size=W,H`; `None` leaves Chromium's default.
    pub window_size: Option<(u32, u32)>,
    /// Emulate a phone (mobile viewport: `<meta name="viewport">` applies,
    /// touch events) at the window size.
    pub mobile: bool,
    /// More Chromium flags after [`CHROMIUM_ARGS`].
    pub extra_args: Vec<String>,
    /// How long chromedriver and Chromium may take to come up.
    pub startup_timeout: Duration,
    /// How long one WebDriver command may take (page loads included).
    pub command_timeout: Duration,
}

impl Default for Options {
    /// A desktop-size window (1280×1024); binaries from the environment
    /// overrides or Debian's paths.
    fn default() -> Options {
        let from_env = |var: &str, default: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(default))
        };
        Options {
            chromium: from_env(CHROMIUM_ENV, CHROMIUM),
            chromedriver: from_env(CHROMEDRIVER_ENV, CHROMEDRIVER),
            window_size: Some((1280, 1024)),
            mobile: false,
            extra_args: Vec::new(),
            startup_timeout: Duration::from_secs(60),
            command_timeout: Duration::from_secs(60),
        }
    }
}

impl Options {
    /// A phone: 412×915 CSS pixels, mobile emulation.
    pub fn phone() -> Options {
        Options {
            window_size: Some((412, 915)),
            mobile: true,
            ..Options::default()
        }
    }

    /// Pages' own scripts do not run (WebDriver's `execute` still works):
    /// to check that a site works without JavaScript.
    pub fn without_javascript(mut self) -> Options {
        self.extra_args
            .push("--blink-settings=scriptEnabled=false".into());
        self
    }

    pub fn window_size(mut self, width: u32, height: u32) -> Options {
        self.window_size = Some((width, height));
        self
    }

    /// The session capabilities sent to chromedriver (`alwaysMatch`).
    pub(crate) fn capabilities(&self, profile: &Path) -> Map<String, Value> {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        if let Some((w, h)) = self.window_size {
            args.push(format!("--window-size={w},{h}"));
        }
        args.extend(self.extra_args.iter().cloned());
        let mut chrome = json!({
            "binary": self.chromium.to_string_lossy(),
            "args": args,
        });
        if self.mobile {
            let (width, height) = self.window_size.unwrap_or((412, 915));
            chrome["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "mobile": true, "touch": true}
            });
        }
        let ms = |d: Duration| d.as_millis().min(u64::MAX as u128) as u64;
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": chrome,
            "goog:loggingPrefs": {"browser": "ALL"},
            "pageLoadStrategy": "normal",
            "timeouts": {"implicit": 0, "pageLoad": ms(self.command_timeout), "script": ms(self.command_timeout)},
        });
        match capabilities {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }
}

/// The chromedriver process: its own process group, killed whole on drop.
pub(crate) struct Driver {
    pub(crate) child: Child,
    /// The last lines chromedriver printed, for error messages.
    output: Arc<Mutex<Vec<String>>>,
}

impl Driver {
    pub(crate) fn start(options: &Options, log: &Path) -> Result<(Driver, u16), Error> {
        use std::os::unix::process::CommandExt;
        let mut child = Command::new(&options.chromedriver)
            .arg("--port=0")
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| {
                Error::Driver(format!(
                    "cannot run {}: {e}",
                    options.chromedriver.display()
                ))
            })?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = mpsc::channel();
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        for (stream, tx) in [
            (
                stdout.map(|s| Box::new(s) as Box<dyn Read + Send>),
                Some(port_tx),
            ),
            (stderr.map(|s| Box::new(s) as Box<dyn Read + Send>), None),
        ] {
            let Some(stream) = stream else { continue };
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if let Some(tx) = &tx {
                        if let Some(port) = line
                            .split("started successfully on port ")
                            .nth(1)
                            .and_then(|p| p.trim_end_matches('.').trim().parse::<u16>().ok())
                        {
                            let _ = tx.send(port);
                        }
                    }
                    let mut out = output.lock().unwrap_or_else(|e| e.into_inner());
                    if out.len() >= 40 {
                        out.remove(0);
                    }
                    out.push(line);
                }
            });
        }
        let mut driver = Driver { child, output };
        match port_rx.recv_timeout(options.startup_timeout) {
            Ok(port) => Ok((driver, port)),
            Err(_) => {
                let status = driver.child.try_wait().ok().flatten();
                Err(Error::Driver(format!(
                    "{} did not report its port within {:?}{}; it said: {}",
                    options.chromedriver.display(),
                    options.startup_timeout,
                    status
                        .map(|s| format!(" (exited: {s})"))
                        .unwrap_or_default(),
                    driver.recent_output()
                )))
            }
        }
    }

    pub(crate) fn recent_output(&self) -> String {
        let out = self.output.lock().unwrap_or_else(|e| e.into_inner());
        if out.is_empty() {
            "(nothing)".into()
        } else {
            out.join(" | ")
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = self.child.id() as libc::pid_t;
        // SAFETY: killpg only sends a signal; the group is the one this
        // process created for chromedriver (process_group(0)).
        unsafe { libc::killpg(group, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Whatever is left of the group (Chromium's helpers included).
        unsafe { libc::killpg(group, libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
