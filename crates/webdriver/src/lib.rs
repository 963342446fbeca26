//! A small blocking W3C WebDriver client for skillaudit's browser tests:
//! it starts Debian's `chromedriver` on a free loopback port, opens a
//! headless Chromium session with a fresh profile, and offers the handful
//! of commands an end-to-end test needs (navigate, find by CSS, type,
//! click, read text and attributes, wait, screenshot, browser console log).
//!
//! Everything is `std::net` to 127.0.0.1 and `serde_json`; there is no
//! async runtime. Dropping the [`Browser`] ends the session and kills
//! chromedriver's whole process group (Chromium included).
//!
//! Tests call [`Browser::launch`]; when Chromium or chromedriver is missing
//! that returns [`Error::Missing`] whose message says what to install, and
//! the test fails with it. Only an explicit `SKILLAUDIT_SKIP_BROWSER=1`
//! turns that into a skip ([`skip_requested`], which says so on stderr).

mod base64;
pub mod http;

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Debian's Chromium (package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (package `chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Set to `1` to skip browser tests explicitly.
pub const SKIP_ENV: &str = "SKILLAUDIT_SKIP_BROWSER";
/// Override [`CHROMIUM`].
pub const CHROMIUM_ENV: &str = "SKILLAUDIT_CHROMIUM";
/// Override [`CHROMEDRIVER`].
pub const CHROMEDRIVER_ENV: &str = "SKILLAUDIT_CHROMEDRIVER";

/// The Chromium flags of every session: headless, no sandbox (tests run as
/// root in containers), and nothing that talks to the network by itself.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// The WebDriver key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// What went wrong, with enough context to act on.
#[derive(Debug)]
pub enum Error {
    /// Chromium or chromedriver is not installed where expected.
    Missing {
        program: &'static str,
        path: PathBuf,
    },
    /// chromedriver did not start, or Chromium did not (session not created).
    Driver(String),
    /// Transport-level failure talking HTTP.
    Http(String),
    /// chromedriver answered a command with a WebDriver error.
    WebDriver {
        command: String,
        error: String,
        message: String,
    },
    /// A wait ran out of time.
    Timeout(String),
    /// An answer was not what the protocol says.
    Protocol(String),
    /// A local file could not be written.
    Io(String),
}

impl Error {
    /// The WebDriver error code (`no such element`, `stale element
    /// reference`, …) when this is a WebDriver error.
    pub fn webdriver_code(&self) -> Option<&str> {
        match self {
            Error::WebDriver { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Missing { program, path } => write!(
                f,
                "{program} not found at {}: install Debian's `chromium` and `chromium-driver` packages \
                 (`apt-get install chromium chromium-driver`; `.ci/run` does it), or point \
                 {CHROMIUM_ENV} / {CHROMEDRIVER_ENV} at other binaries, or set {SKIP_ENV}=1 \
                 to skip the browser tests explicitly",
                path.display()
            ),
            Error::Driver(m) => write!(f, "browser did not start: {m}"),
            Error::Http(m) => write!(f, "WebDriver transport: {m}"),
            Error::WebDriver { command, error, message } => {
                let first = message.lines().next().unwrap_or("");
                write!(f, "{command}: {error}: {first}")
            }
            Error::Timeout(m) => write!(f, "timed out: {m}"),
            Error::Protocol(m) => write!(f, "unexpected WebDriver answer: {m}"),
            Error::Io(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Error {}

/// `true` when `SKILLAUDIT_SKIP_BROWSER=1`: the caller skips its browser
/// test. Says so on stderr, past the test harness's output capture, so a
/// skip is never silent.
pub fn skip_requested() -> bool {
    if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
        // One write of the whole line, straight to the stream.
        let line = format!(
            "SKIPPED browser test: {SKIP_ENV}=1 is set (nothing was checked in a browser)\n"
        );
        let _ = std::io::stderr().write_all(line.as_bytes());
        true
    } else {
        false
    }
}

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

    /// The session capabilities sent to chromedriver.
    fn capabilities(&self, profile: &Path) -> Value {
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
        json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": chrome,
            "goog:loggingPrefs": {"browser": "ALL"},
            "pageLoadStrategy": "normal",
            "timeouts": {"implicit": 0, "pageLoad": ms(self.command_timeout), "script": ms(self.command_timeout)},
        }}})
    }
}

/// One entry of the browser's console log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    pub source: String,
    pub message: String,
}

/// The chromedriver process: its own process group, killed whole on drop.
struct Driver {
    child: Child,
    /// The last lines chromedriver printed, for error messages.
    output: Arc<Mutex<Vec<String>>>,
}

impl Driver {
    fn start(options: &Options, log: &Path) -> Result<(Driver, u16), Error> {
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

    fn recent_output(&self) -> String {
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

/// A headless Chromium session driven through chromedriver.
pub struct Browser {
    base: String,
    session: String,
    timeout: Duration,
    // Field order is drop order: the session is ended in `Drop::drop`,
    // then chromedriver's group is killed, then the profile is removed.
    driver: Driver,
    home: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a desktop-size headless Chromium.
    pub fn launch() -> Result<Browser, Error> {
        Browser::launch_with(Options::default())
    }

    /// Starts chromedriver and Chromium with these options.
    pub fn launch_with(options: Options) -> Result<Browser, Error> {
        for (program, path) in [
            ("chromium", &options.chromium),
            ("chromedriver", &options.chromedriver),
        ] {
            if !path.is_file() {
                return Err(Error::Missing {
                    program,
                    path: path.clone(),
                });
            }
        }
        let home = tempfile::Builder::new()
            .prefix("skillaudit-browser-")
            .tempdir()
            .map_err(|e| Error::Io(format!("cannot create a temporary profile directory: {e}")))?;
        let profile = home.path().join("profile");
        let (driver, port) = Driver::start(&options, &home.path().join("chromedriver.log"))?;
        let base = format!("http://127.0.0.1:{port}");

        // chromedriver answers /status as soon as it listens.
        let deadline = Instant::now() + options.startup_timeout;
        loop {
            match http::request(
                "GET",
                &format!("{base}/status"),
                None,
                Duration::from_secs(5),
            ) {
                Ok(r) if r.status == 200 => break,
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                other => {
                    return Err(Error::Driver(format!(
                        "chromedriver on port {port} did not become ready ({}); it said: {}",
                        match other {
                            Ok(r) => format!("status {}", r.status),
                            Err(e) => e.to_string(),
                        },
                        driver.recent_output()
                    )))
                }
            }
        }

        let body = options.capabilities(&profile);
        let created = command(
            &base,
            "POST",
            "/session",
            Some(&body),
            options.startup_timeout,
            "new session",
        );
        let session = match created {
            Ok(value) => value
                .get("sessionId")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| {
                    Error::Protocol(format!("new session without a sessionId: {value}"))
                })?,
            Err(e) => {
                return Err(Error::Driver(format!(
                    "{} did not start under chromedriver: {e}; chromedriver said: {}",
                    options.chromium.display(),
                    driver.recent_output()
                )))
            }
        };
        Ok(Browser {
            base,
            session,
            timeout: options.command_timeout,
            driver,
            home,
        })
    }

    /// chromedriver's process id (also its process group id).
    pub fn driver_pid(&self) -> u32 {
        self.driver.child.id()
    }

    /// The temporary directory holding this session's Chromium profile
    /// and chromedriver's log; removed on drop.
    pub fn home_dir(&self) -> &Path {
        self.home.path()
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Error> {
        let full = format!("/session/{}{path}", self.session);
        let body = match (method, body) {
            ("POST", None) => Some(json!({})),
            (_, b) => b,
        };
        command(
            &self.base,
            method,
            &full,
            body.as_ref(),
            self.timeout,
            &format!("{method} {path}"),
        )
    }

    /// Navigates to `url` and waits for the load.
    pub fn goto(&self, url: &str) -> Result<(), Error> {
        self.cmd("POST", "/url", Some(json!({ "url": url })))
            .map(drop)
    }

    pub fn current_url(&self) -> Result<String, Error> {
        as_string(self.cmd("GET", "/url", None)?, "current URL")
    }

    pub fn title(&self) -> Result<String, Error> {
        as_string(self.cmd("GET", "/title", None)?, "title")
    }

    /// The current DOM serialised.
    pub fn page_source(&self) -> Result<String, Error> {
        as_string(self.cmd("GET", "/source", None)?, "page source")
    }

    pub fn back(&self) -> Result<(), Error> {
        self.cmd("POST", "/back", None).map(drop)
    }

    pub fn refresh(&self) -> Result<(), Error> {
        self.cmd("POST", "/refresh", None).map(drop)
    }

    /// Runs `script` as a function body with `args` (`arguments[i]`);
    /// returns its value. Elements passed as arguments via
    /// [`Element::to_arg`].
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, Error> {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Resizes the window (outer size).
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<(), Error> {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .map(drop)
    }

    /// The first element matching the CSS selector.
    pub fn find(&self, css: &str) -> Result<Element<'_>, Error> {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        Element::from_value(self, v, css)
    }

    /// The first element matching, or `None` when there is none.
    pub fn try_find(&self, css: &str) -> Result<Option<Element<'_>>, Error> {
        match self.find(css) {
            Ok(e) => Ok(Some(e)),
            Err(e) if e.webdriver_code() == Some("no such element") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// All elements matching the CSS selector, in document order.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>, Error> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        match v {
            Value::Array(items) => items
                .into_iter()
                .map(|i| Element::from_value(self, i, css))
                .collect(),
            other => Err(Error::Protocol(format!("find elements {css:?}: {other}"))),
        }
    }

    /// Polls `check` every 100 ms until it returns `Some`, for at most
    /// `timeout`. "No such element" and "stale element reference" errors
    /// (the page changing under the check) count as "not yet"; any other
    /// error ends the wait. `what` names the awaited state in the timeout
    /// message.
    pub fn wait_until<'b, T>(
        &'b self,
        timeout: Duration,
        what: &str,
        mut check: impl FnMut(&'b Browser) -> Result<Option<T>, Error>,
    ) -> Result<T, Error> {
        let deadline = Instant::now() + timeout;
        let mut last_error = None;
        loop {
            match check(self) {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => {}
                Err(e)
                    if matches!(
                        e.webdriver_code(),
                        Some("no such element" | "stale element reference")
                    ) =>
                {
                    last_error = Some(e)
                }
                Err(e) => return Err(e),
            }
            if Instant::now() >= deadline {
                let url = self
                    .current_url()
                    .unwrap_or_else(|e| format!("(unknown: {e})"));
                return Err(Error::Timeout(format!(
                    "{what} (waited {timeout:?}; page {url}{})",
                    last_error
                        .map(|e| format!("; last error: {e}"))
                        .unwrap_or_default()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until an element matches `css` and returns it.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element<'_>, Error> {
        self.wait_until(timeout, &format!("an element matching {css:?}"), |b| {
            b.try_find(css)
        })
    }

    /// Saves a PNG of the viewport to `path` (parent directories created).
    pub fn screenshot(&self, path: &Path) -> Result<(), Error> {
        let data = as_string(self.cmd("GET", "/screenshot", None)?, "screenshot")?;
        write_png(path, &data)
    }

    /// Saves a PNG of the whole page (up to 16384 CSS pixels tall) to
    /// `path`, through Chromium's DevTools `Page.captureScreenshot`.
    pub fn screenshot_full_page(&self, path: &Path) -> Result<(), Error> {
        let size = self.execute(
            "const d = document.documentElement; \
             return [Math.max(d.scrollWidth, window.innerWidth), Math.max(d.scrollHeight, window.innerHeight)];",
            vec![],
        )?;
        let dim = |i: usize| {
            size.get(i)
                .and_then(Value::as_f64)
                .unwrap_or(800.0)
                .clamp(1.0, 16384.0)
        };
        let v = self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Page.captureScreenshot", "params": {
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": dim(0), "height": dim(1), "scale": 1},
            }})),
        )?;
        let data = v
            .get("data")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol("Page.captureScreenshot without data".into()))?;
        write_png(path, data)
    }

    /// The browser console log since the last call (chromedriver hands
    /// each entry out once): `console.*` output, uncaught script errors,
    /// failed loads and Content-Security-Policy violations.
    pub fn console_log(&self) -> Result<Vec<LogEntry>, Error> {
        let v = self.cmd("POST", "/se/log", Some(json!({"type": "browser"})))?;
        let Value::Array(items) = v else {
            return Err(Error::Protocol(format!("browser log: {v}")));
        };
        let field = |item: &Value, key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        Ok(items
            .iter()
            .map(|i| LogEntry {
                level: field(i, "level"),
                source: field(i, "source"),
                message: field(i, "message"),
            })
            .collect())
    }

    /// The `SEVERE` console entries since the last log read: script errors,
    /// failed requests, CSP violations.
    pub fn console_errors(&self) -> Result<Vec<LogEntry>, Error> {
        Ok(self
            .console_log()?
            .into_iter()
            .filter(|e| e.level == "SEVERE")
            .collect())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session (chromedriver closes Chromium); the driver's
        // group is killed next whatever happened here.
        let _ = command(
            &self.base,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
            Duration::from_secs(10),
            "end session",
        );
    }
}

/// An element of the current page.
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
    /// The selector that found it, for messages.
    css: String,
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Element({:?})", self.css)
    }
}

impl<'b> Element<'b> {
    fn from_value(browser: &'b Browser, v: Value, css: &str) -> Result<Element<'b>, Error> {
        let id = v
            .get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol(format!("element {css:?}: {v}")))?;
        Ok(Element {
            browser,
            id: id.to_string(),
            css: css.to_string(),
        })
    }

    fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> Result<Value, Error> {
        self.browser
            .cmd(method, &format!("/element/{}{what}", self.id), body)
            .map_err(|e| match e {
                Error::WebDriver {
                    command,
                    error,
                    message,
                } => Error::WebDriver {
                    command: format!("{command} (element {:?})", self.css),
                    error,
                    message,
                },
                other => other,
            })
    }

    /// This element as an argument of [`Browser::execute`].
    pub fn to_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    /// The rendered text (what a user sees).
    pub fn text(&self) -> Result<String, Error> {
        as_string(self.cmd("GET", "/text", None)?, "element text")
    }

    /// An attribute's value; `None` when absent.
    pub fn attribute(&self, name: &str) -> Result<Option<String>, Error> {
        match self.cmd("GET", &format!("/attribute/{name}"), None)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            other => Ok(Some(other.to_string())),
        }
    }

    /// A DOM property (`value`, `checked`, …).
    pub fn property(&self, name: &str) -> Result<Value, Error> {
        self.cmd("GET", &format!("/property/{name}"), None)
    }

    pub fn tag_name(&self) -> Result<String, Error> {
        as_string(self.cmd("GET", "/name", None)?, "tag name")
    }

    pub fn is_displayed(&self) -> Result<bool, Error> {
        match self.cmd("GET", "/displayed", None)? {
            Value::Bool(b) => Ok(b),
            other => Err(Error::Protocol(format!("displayed: {other}"))),
        }
    }

    /// Types `text` into the element (focusing it first).
    pub fn send_keys(&self, text: &str) -> Result<(), Error> {
        self.cmd("POST", "/value", Some(json!({ "text": text })))
            .map(drop)
    }

    pub fn clear(&self) -> Result<(), Error> {
        self.cmd("POST", "/clear", None).map(drop)
    }

    /// Clicks the element's centre, as a user would (fails when it is
    /// hidden or covered).
    pub fn click(&self) -> Result<(), Error> {
        self.cmd("POST", "/click", None).map(drop)
    }

    /// Submits the element's form (or the form itself) as pressing Enter
    /// would: validation and submit events included (`requestSubmit`).
    pub fn submit(&self) -> Result<(), Error> {
        self.browser
            .execute(
                "const e = arguments[0]; const f = e.form || e; \
                 if (!(f instanceof HTMLFormElement)) { throw new Error('not in a form'); } \
                 f.requestSubmit();",
                vec![self.to_arg()],
            )
            .map(drop)
    }

    /// The first descendant matching `css`.
    pub fn find(&self, css: &str) -> Result<Element<'b>, Error> {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        Element::from_value(self.browser, v, css)
    }

    /// All descendants matching `css`.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'b>>, Error> {
        match self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )? {
            Value::Array(items) => items
                .into_iter()
                .map(|i| Element::from_value(self.browser, i, css))
                .collect(),
            other => Err(Error::Protocol(format!("find elements {css:?}: {other}"))),
        }
    }

    /// Saves a PNG of just this element.
    pub fn screenshot(&self, path: &Path) -> Result<(), Error> {
        let data = as_string(self.cmd("GET", "/screenshot", None)?, "element screenshot")?;
        write_png(path, &data)
    }
}

/// One WebDriver command: JSON in, the `value` of the answer out.
fn command(
    base: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
    what: &str,
) -> Result<Value, Error> {
    let bytes = body.map(|b| b.to_string().into_bytes());
    let response = http::request(
        method,
        &format!("{base}{path}"),
        bytes
            .as_deref()
            .map(|b| ("application/json; charset=utf-8", b)),
        timeout,
    )?;
    let parsed: Value = serde_json::from_slice(&response.body).map_err(|e| {
        Error::Protocol(format!(
            "{what}: status {} with a body that is not JSON ({e}): {}",
            response.status,
            clip(&response.text())
        ))
    })?;
    let mut value = match parsed {
        Value::Object(mut o) => o.remove("value").unwrap_or(Value::Null),
        other => {
            return Err(Error::Protocol(format!(
                "{what}: {}",
                clip(&other.to_string())
            )))
        }
    };
    let error = value
        .get("error")
        .and_then(Value::as_str)
        .map(str::to_string);
    if response.status != 200 || error.is_some() {
        let message = value
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        return Err(Error::WebDriver {
            command: what.to_string(),
            error: error.unwrap_or_else(|| format!("HTTP status {}", response.status)),
            message,
        });
    }
    Ok(value.take())
}

fn as_string(v: Value, what: &str) -> Result<String, Error> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(Error::Protocol(format!(
            "{what}: expected a string, got {}",
            clip(&other.to_string())
        ))),
    }
}

/// At most 200 characters of `s`, for error messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn write_png(path: &Path, base64_data: &str) -> Result<(), Error> {
    let png = base64::decode(base64_data)
        .ok_or_else(|| Error::Protocol("screenshot is not base64".into()))?;
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Error::Protocol("screenshot is not a PNG".into()));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, png)
        .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))
}
