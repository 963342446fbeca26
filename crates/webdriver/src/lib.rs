//! The browser of skillaudit's browser tests: this crate starts Debian's
//! `chromedriver` on a free loopback port with a headless Chromium and a
//! fresh profile, and hands out a [`fantoccini`] client for it (the
//! WebDriver protocol, element handles, waits). On top of fantoccini it
//! adds only what chromedriver offers and fantoccini does not: the
//! browser console log, full-page screenshots (DevTools), and waits whose
//! timeout says what was awaited on which page.
//!
//! The tests are async (`#[tokio::test]`): [`Browser`] dereferences to
//! [`fantoccini::Client`]. Dropping the [`Browser`] kills chromedriver's
//! whole process group (Chromium included) and removes the profile.
//!
//! Tests call [`Browser::launch`]; when Chromium or chromedriver is missing
//! that returns [`Error::Missing`] whose message says what to install, and
//! the test fails with it. Only an explicit `SKILLAUDIT_SKIP_BROWSER=1`
//! turns that into a skip ([`skip_requested`], which says so on stderr).

mod launch;

use std::io::Write;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use fantoccini::error::{CmdError, NewSessionError};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

pub use fantoccini;
pub use fantoccini::elements::Element;
pub use fantoccini::{Client, Locator};
pub use launch::Options;

use launch::Driver;

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

/// What went wrong, with enough context to act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Chromium or chromedriver is not installed where expected.
    #[error(
        "{program} not found at {}: install Debian's `chromium` and `chromium-driver` packages \
         (`apt-get install chromium chromium-driver`; `.ci/run` does it), or point \
         SKILLAUDIT_CHROMIUM / SKILLAUDIT_CHROMEDRIVER at other binaries, or set \
         SKILLAUDIT_SKIP_BROWSER=1 to skip the browser tests explicitly",
        path.display()
    )]
    Missing {
        program: &'static str,
        path: PathBuf,
    },
    /// chromedriver did not start, or Chromium did not (session not created).
    #[error("browser did not start: {0}")]
    Driver(String),
    /// A WebDriver command failed (see [`Error::webdriver_code`]).
    #[error("{what}: {source}")]
    Command {
        what: String,
        #[source]
        source: CmdError,
    },
    /// A wait ran out of time.
    #[error("timed out: {0}")]
    Timeout(String),
    /// An answer was not what the protocol says.
    #[error("unexpected WebDriver answer: {0}")]
    Protocol(String),
    /// A local file could not be written.
    #[error("{0}")]
    Io(String),
}

impl Error {
    /// The WebDriver error code (`no such element`, `stale element
    /// reference`, …) when this is a WebDriver error.
    pub fn webdriver_code(&self) -> Option<&'static str> {
        match self {
            Error::Command { source, .. } => webdriver_code(source),
            _ => None,
        }
    }

    fn command(what: impl Into<String>) -> impl FnOnce(CmdError) -> Error {
        let what = what.into();
        move |source| Error::Command { what, source }
    }
}

/// The WebDriver error code of a fantoccini error (`no such element`,
/// `invalid selector`, …); `None` for transport errors.
pub fn webdriver_code(error: &CmdError) -> Option<&'static str> {
    match error {
        CmdError::Standard(w) => Some(w.error.description()),
        _ => None,
    }
}

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

/// One entry of the browser's console log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    pub source: String,
    pub message: String,
}

/// A chromedriver extension command: `POST /session/{id}/{path}`.
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// A headless Chromium session driven through chromedriver; dereferences
/// to the [`fantoccini::Client`].
pub struct Browser {
    // Field order is drop order: the client first (its session task ends
    // the session if it still can), then chromedriver's group is killed,
    // then the profile is removed.
    client: Client,
    driver: Driver,
    home: tempfile::TempDir,
}

impl Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Browser {
    /// Starts chromedriver and a desktop-size headless Chromium.
    pub async fn launch() -> Result<Browser, Error> {
        Browser::launch_with(Options::default()).await
    }

    /// Starts chromedriver and Chromium with these options.
    pub async fn launch_with(options: Options) -> Result<Browser, Error> {
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
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(options.capabilities(&profile));
        let client = connect(&builder, port, &options, &driver).await?;
        Ok(Browser {
            client,
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

    /// The first element matching the CSS selector.
    pub async fn find_css(&self, css: &str) -> Result<Element, Error> {
        self.client
            .find(Locator::Css(css))
            .await
            .map_err(Error::command(format!("find {css:?}")))
    }

    /// The first element matching, or `None` when there is none.
    pub async fn try_find(&self, css: &str) -> Result<Option<Element>, Error> {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => Ok(Some(e)),
            Err(e) if e.is_no_such_element() => Ok(None),
            Err(e) => Err(Error::command(format!("find {css:?}"))(e)),
        }
    }

    /// Waits until an element matches `css` and returns it; the timeout
    /// error names the selector and the page. Other errors (an invalid
    /// selector) end the wait at once.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element, Error> {
        let found = self
            .client
            .wait()
            .at_most(timeout)
            .every(Duration::from_millis(100))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(e) => Ok(e),
            Err(CmdError::WaitTimeout) => Err(self
                .timeout(&format!("an element matching {css:?}"), timeout)
                .await),
            Err(e) => Err(Error::command(format!("wait for {css:?}"))(e)),
        }
    }

    /// Waits until the current URL is `url`.
    pub async fn wait_for_url(&self, url: &str, timeout: Duration) -> Result<(), Error> {
        let target = url::Url::parse(url).map_err(|e| Error::Protocol(format!("{url}: {e}")))?;
        let reached = self
            .client
            .wait()
            .at_most(timeout)
            .every(Duration::from_millis(100))
            .for_url(&target)
            .await;
        match reached {
            Ok(()) => Ok(()),
            Err(CmdError::WaitTimeout) => {
                Err(self.timeout(&format!("the page {url}"), timeout).await)
            }
            Err(e) => Err(Error::command(format!("wait for {url}"))(e)),
        }
    }

    async fn timeout(&self, what: &str, waited: Duration) -> Error {
        let page = match self.client.current_url().await {
            Ok(u) => u.to_string(),
            Err(e) => format!("(unknown: {e})"),
        };
        Error::Timeout(format!("{what} (waited {waited:?}; page {page})"))
    }

    /// Saves a PNG of the viewport to `path` (parent directories created).
    pub async fn save_screenshot(&self, path: &Path) -> Result<(), Error> {
        let png = self
            .client
            .screenshot()
            .await
            .map_err(Error::command("screenshot"))?;
        save_png(path, &png)
    }

    /// Saves a PNG of the whole page (up to 16384 CSS pixels tall) to
    /// `path`, through Chromium's DevTools `Page.captureScreenshot`.
    pub async fn save_full_page_screenshot(&self, path: &Path) -> Result<(), Error> {
        let size = self
            .client
            .execute(
                "const d = document.documentElement; \
                 return [Math.max(d.scrollWidth, window.innerWidth), Math.max(d.scrollHeight, window.innerHeight)];",
                vec![],
            )
            .await
            .map_err(Error::command("page size"))?;
        let dim = |i: usize| {
            size.get(i)
                .and_then(Value::as_f64)
                .unwrap_or(800.0)
                .clamp(1.0, 16384.0)
        };
        let params = json!({"cmd": "Page.captureScreenshot", "params": {
            "format": "png",
            "captureBeyondViewport": true,
            "clip": {"x": 0, "y": 0, "width": dim(0), "height": dim(1), "scale": 1},
        }});
        let v = self
            .client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body: params,
            })
            .await
            .map_err(Error::command("Page.captureScreenshot"))?;
        let data = v
            .get("data")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol("Page.captureScreenshot without data".into()))?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| Error::Protocol(format!("screenshot is not base64: {e}")))?;
        save_png(path, &png)
    }

    /// The browser console log since the last call (chromedriver hands
    /// each entry out once): `console.*` output, uncaught script errors,
    /// failed loads and Content-Security-Policy violations.
    pub async fn console_log(&self) -> Result<Vec<LogEntry>, Error> {
        let v = self
            .client
            .issue_cmd(SessionPost {
                path: "se/log",
                body: json!({"type": "browser"}),
            })
            .await
            .map_err(Error::command("browser log"))?;
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
    pub async fn console_errors(&self) -> Result<Vec<LogEntry>, Error> {
        Ok(self
            .console_log()
            .await?
            .into_iter()
            .filter(|e| e.level == "SEVERE")
            .collect())
    }
}

/// Creates the session, retrying while chromedriver is not yet listening.
async fn connect(
    builder: &ClientBuilder<HttpConnector>,
    port: u16,
    options: &Options,
    driver: &Driver,
) -> Result<Client, Error> {
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + options.startup_timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let error = match tokio::time::timeout(left, builder.connect(&url)).await {
            Ok(Ok(client)) => return Ok(client),
            Ok(Err(
                NewSessionError::Failed(_) | NewSessionError::FailedC(_) | NewSessionError::Lost(_),
            )) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no session within {:?}", options.startup_timeout),
        };
        return Err(Error::Driver(format!(
            "{} did not start under chromedriver on port {port}: {error}; chromedriver said: {}",
            options.chromium.display(),
            driver.recent_output()
        )));
    }
}

/// Writes PNG bytes to `path` (parent directories created); refuses
/// anything that is not a PNG.
pub fn save_png(path: &Path, png: &[u8]) -> Result<(), Error> {
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
