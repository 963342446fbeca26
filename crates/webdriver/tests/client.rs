//! The WebDriver client against a real headless Chromium and a tiny
//! HTTP server on loopback in this file: a page with a form that posts to
//! a second page, which echoes what was typed.
//!
//! These tests need Debian's `chromium` and `chromium-driver`; when they
//! are missing the tests fail with a message saying so, unless
//! `SKILLAUDIT_SKIP_BROWSER=1` is set (then they print that they skipped).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use skillaudit_webdriver::{skip_requested, webdriver_code, Browser, Error, Locator, Options};

const WAIT: Duration = Duration::from_secs(20);

/// What the server saw: (method, path, body) of each request.
type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

struct Site {
    addr: SocketAddr,
    seen: Seen,
}

impl Site {
    fn start() -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen: Seen = Arc::default();
        let s = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        Site { addr, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `application/x-www-form-urlencoded` value decoding.
fn form_value(body: &str, key: &str) -> Option<String> {
    form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn serve(stream: TcpStream, seen: &Seen) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("").to_string(),
    );
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0u8; length.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body).into_owned();
    seen.lock()
        .unwrap()
        .push((method.clone(), path.clone(), body.clone()));

    let (status, extra, page) = match (method.as_str(), path.as_str()) {
        ("GET", "/") => (
            "200 OK",
            "",
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Form</title></head>
<body><h1>Try it</h1>
<form method="post" action="/second" id="f">
<label for="name">Name</label> <input type="text" name="name" id="name" required>
<button type="submit" id="go">Send</button>
</form>
<p id="hidden" style="display:none">not shown</p>
<a id="link" href="/second-get" data-kind="plain">a link</a>
</body></html>"#
                .to_string(),
        ),
        ("POST", "/second") => {
            let name = form_value(&body, "name").unwrap_or_default();
            (
                "200 OK",
                "",
                format!(
                    r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Second</title></head>
<body><p id="echo" data-len="{}">{}</p><ul><li class="item">one</li><li class="item">two</li></ul></body></html>"#,
                    name.chars().count(),
                    escape(&name)
                ),
            )
        }
        ("GET", "/slow") => (
            "200 OK",
            "",
            // The element appears after 700 ms, from a script: wait_for must
            // poll for it.
            r#"<!doctype html><html><head><meta charset="utf-8"><title>Slow</title></head><body>
<script>setTimeout(() => { const p = document.createElement('p'); p.id = 'late'; p.textContent = 'here'; document.body.appendChild(p); }, 700);</script>
</body></html>"#
                .to_string(),
        ),
        ("GET", "/broken") => (
            "200 OK",
            "",
            r#"<!doctype html><html><head><meta charset="utf-8"><title>Broken</title></head><body>
<p>page with a script error</p><script>throw new Error("deliberate failure 4242");</script>
</body></html>"#
                .to_string(),
        ),
        ("GET", "/csp") => (
            "200 OK",
            "Content-Security-Policy: default-src 'self'; script-src 'none'\r\n",
            r#"<!doctype html><html><head><meta charset="utf-8"><title>CSP</title></head><body>
<p>inline script refused</p><script>document.title = "ran";</script>
</body></html>"#
                .to_string(),
        ),
        // Browsers ask for it on their own; a 404 would be a console error.
        ("GET", "/favicon.ico") => ("204 No Content", "", String::new()),
        _ => ("404 Not Found", "", "<!doctype html><title>404</title><p>not found</p>".to_string()),
    };
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
}

/// Starts a browser, or `None` when the skip was requested explicitly. A
/// missing Chromium or chromedriver fails the test with the reason.
async fn browser(options: Options) -> Option<Browser> {
    if skip_requested() {
        return None;
    }
    match Browser::launch_with(options).await {
        Ok(b) => Some(b),
        Err(e) => panic!("{e}"),
    }
}

fn screenshot_dir() -> PathBuf {
    // target/browser under the workspace (or CARGO_TARGET_DIR).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("browser")
}

fn css(selector: &str) -> Locator<'_> {
    Locator::Css(selector)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fills_a_form_submits_it_and_reads_the_next_page() {
    let site = Site::start();
    let Some(b) = browser(Options::default()).await else {
        return;
    };

    b.goto(&site.url("/")).await.unwrap();
    assert_eq!(b.title().await.unwrap(), "Form");
    assert_eq!(b.current_url().await.unwrap().as_str(), site.url("/"));
    let input = b.find(css("#name")).await.unwrap();
    assert_eq!(input.tag_name().await.unwrap(), "input");
    assert_eq!(input.attr("type").await.unwrap().as_deref(), Some("text"));
    assert_eq!(
        input.attr("required").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(input.attr("no-such-attribute").await.unwrap(), None);
    let link = b.find(css("#link")).await.unwrap();
    assert_eq!(
        link.attr("data-kind").await.unwrap().as_deref(),
        Some("plain")
    );
    assert!(!b
        .find(css("#hidden"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap());
    assert!(b
        .find(css("h1"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap());

    // An empty required field: the browser refuses to submit.
    b.find(css("#go")).await.unwrap().click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(b.current_url().await.unwrap().as_str(), site.url("/"));

    let typed = "Ada <Lovelace> & \"friends\" é";
    input.send_keys(typed).await.unwrap();
    assert_eq!(input.prop("value").await.unwrap().as_deref(), Some(typed));
    b.find(css("#go")).await.unwrap().click().await.unwrap();
    let echo = b.wait_for("#echo", WAIT).await.unwrap();
    assert_eq!(echo.text().await.unwrap(), typed);
    assert_eq!(echo.attr("data-len").await.unwrap().as_deref(), Some("28"));
    assert_eq!(b.current_url().await.unwrap().as_str(), site.url("/second"));
    assert_eq!(b.title().await.unwrap(), "Second");
    let mut items = Vec::new();
    for e in b.find_all(css("li.item")).await.unwrap() {
        items.push(e.text().await.unwrap());
    }
    assert_eq!(items, ["one", "two"]);
    assert!(b.find_all(css("li.none")).await.unwrap().is_empty());
    assert!(b.source().await.unwrap().contains("&lt;Lovelace&gt;"));

    // The server really got one POST with the urlencoded field.
    let posts: Vec<_> = site
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, p, _)| m == "POST" && p == "/second")
        .cloned()
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(form_value(&posts[0].2, "name").as_deref(), Some(typed));

    // Back, then requestSubmit() (as pressing Enter: validation and submit
    // events included) instead of a click.
    b.back().await.unwrap();
    let input = b.wait_for("#name", WAIT).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("second try").await.unwrap();
    b.execute(
        "arguments[0].form.requestSubmit();",
        vec![serde_json::to_value(&input).unwrap()],
    )
    .await
    .unwrap();
    b.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath("//p[@id='echo' and text()='second try']"))
        .await
        .unwrap();
    assert!(b.console_errors().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_elements_waits_and_errors_say_what_happened() {
    let site = Site::start();
    let Some(b) = browser(Options::default()).await else {
        return;
    };
    b.goto(&site.url("/slow")).await.unwrap();
    // Not there yet, then there.
    assert!(b.try_find("#late").await.unwrap().is_none());
    let late = b.wait_for("#late", WAIT).await.unwrap();
    assert_eq!(late.text().await.unwrap(), "here");

    let err = b.find_css("#absent").await.unwrap_err();
    assert_eq!(err.webdriver_code(), Some("no such element"));
    let err = b
        .wait_for("#absent", Duration::from_millis(400))
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Timeout(_)), "{message}");
    assert!(
        message.contains("#absent") && message.contains("/slow"),
        "{message}"
    );

    // An invalid selector is an error at once, not a timeout.
    let err = b.wait_for("p[", WAIT).await.unwrap_err();
    assert_eq!(err.webdriver_code(), Some("invalid selector"), "{err}");

    // A stale element: it belongs to a page that is gone.
    b.goto(&site.url("/")).await.unwrap();
    let h1 = b.find(css("h1")).await.unwrap();
    b.goto(&site.url("/slow")).await.unwrap();
    assert_eq!(
        webdriver_code(&h1.text().await.unwrap_err()),
        Some("stale element reference")
    );

    // execute returns values.
    let v = b
        .execute("return arguments[0] + 1;", vec![json!(41)])
        .await
        .unwrap();
    assert_eq!(v, 42);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_scripts_can_be_turned_off() {
    let site = Site::start();
    let Some(b) = browser(Options::default().without_javascript()).await else {
        return;
    };
    b.goto(&site.url("/broken")).await.unwrap();
    // The throwing script did not run…
    assert_eq!(b.console_errors().await.unwrap(), []);
    // …nor the one that adds an element; WebDriver's own scripts still do.
    b.goto(&site.url("/slow")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(b.try_find("#late").await.unwrap().is_none());
    assert_eq!(b.execute("return 6 * 7;", vec![]).await.unwrap(), 42);
    // Forms still submit.
    b.goto(&site.url("/")).await.unwrap();
    b.find(css("#name"))
        .await
        .unwrap()
        .send_keys("no js")
        .await
        .unwrap();
    b.find(css("#go")).await.unwrap().click().await.unwrap();
    let echo = b.wait_for("#echo", WAIT).await.unwrap();
    assert_eq!(echo.text().await.unwrap(), "no js");
}

/// A plain HTTP client for what a browser does not expose (status,
/// headers); the URLs are the loopback test site's.
fn http_get(url: &str) -> (u16, Option<String>) {
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(WAIT))
        .build()
        .into();
    let r = agent.get(url).call().unwrap();
    let csp = r
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (r.status().as_u16(), csp)
}

/// The console errors read until one contains `needle` or [`WAIT`] passes:
/// Chromium hands a page's log entries to the driver asynchronously, so on
/// a loaded machine an entry can arrive after `goto` returns.
async fn errors_until(b: &Browser, needle: &str) -> Vec<skillaudit_webdriver::LogEntry> {
    let start = std::time::Instant::now();
    let mut all = Vec::new();
    loop {
        all.extend(b.console_errors().await.unwrap());
        if all.iter().any(|e| e.message.contains(needle)) || start.elapsed() > WAIT {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_log_reports_script_errors_and_csp_violations() {
    let site = Site::start();
    let Some(b) = browser(Options::default()).await else {
        return;
    };
    b.goto(&site.url("/")).await.unwrap();
    assert_eq!(b.console_errors().await.unwrap(), []);

    b.goto(&site.url("/broken")).await.unwrap();
    let errors = errors_until(&b, "deliberate failure 4242").await;
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("deliberate failure 4242")),
        "{errors:?}"
    );
    // Handed out once.
    assert_eq!(b.console_errors().await.unwrap(), []);

    b.goto(&site.url("/csp")).await.unwrap();
    assert_eq!(
        b.title().await.unwrap(),
        "CSP",
        "the inline script must not have run"
    );
    let errors = errors_until(&b, "Content Security Policy").await;
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("Content Security Policy")),
        "{errors:?}"
    );
    // The header itself, read with a plain HTTP client.
    let (status, csp) = http_get(&site.url("/csp"));
    assert_eq!(status, 200);
    assert!(csp.unwrap().contains("script-src 'none'"));
    assert_eq!(http_get(&site.url("/nope")).0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_are_png_files_at_the_window_size() {
    let site = Site::start();
    let dir = screenshot_dir();
    let Some(b) = browser(Options::phone()).await else {
        return;
    };
    b.goto(&site.url("/")).await.unwrap();
    let width = b
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap();
    assert_eq!(width, 412, "phone-width viewport");
    // Mobile emulation is real: a page without a viewport meta tag is laid
    // out at a desktop width and shrunk, as on a phone.
    b.goto(&site.url("/slow")).await.unwrap();
    let width = b
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap();
    assert!(width.as_u64().unwrap() > 900, "{width}");
    b.goto(&site.url("/")).await.unwrap();

    let path = dir.join("webdriver-selftest-phone.png");
    let _ = std::fs::remove_file(&path);
    b.save_screenshot(&path).await.unwrap();
    let png = std::fs::read(&path).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR: width and height, big-endian, at bytes 16..24.
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(w, 412);

    let full = dir.join("webdriver-selftest-full.png");
    b.save_full_page_screenshot(&full).await.unwrap();
    let png = std::fs::read(&full).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    let element = dir.join("webdriver-selftest-h1.png");
    let shot = b.find(css("h1")).await.unwrap().screenshot().await.unwrap();
    skillaudit_webdriver::save_png(&element, &shot).unwrap();
    assert!(std::fs::read(&element).unwrap().starts_with(b"\x89PNG"));
    assert!(skillaudit_webdriver::save_png(&element, b"not a png").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_browser_ends_chromium_and_chromedriver() {
    let Some(b) = browser(Options::default()).await else {
        return;
    };
    let pid = b.driver_pid();
    let home = b.home_dir().to_path_buf();
    b.goto("about:blank").await.unwrap();
    assert!(
        processes_mentioning(&home.to_string_lossy()) > 0,
        "Chromium runs with its profile under {home:?}"
    );
    drop(b);
    assert!(!home.exists(), "profile directory removed");
    // Chromium's processes (they name the profile directory on their
    // command line) and chromedriver's group are gone.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while processes_mentioning(&home.to_string_lossy()) > 0 || group_alive(pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "browser processes left behind"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Live (non-zombie) processes whose command line contains `needle`.
fn processes_mentioning(needle: &str) -> usize {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|c| c.is_ascii_digit())
        })
        .filter(|e| {
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).contains(needle)
        })
        .count()
}

/// Whether any live process is in process group `pgid`.
fn group_alive(pgid: u32) -> bool {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return false;
    };
    dir.flatten().any(|e| {
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        // pid (comm) state ppid pgrp ...: fields after the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            return false;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        fields.first().is_some_and(|s| *s != "Z")
            && fields.get(2) == Some(&pgid.to_string().as_str())
    })
}

#[tokio::test]
async fn a_missing_chromium_is_a_clear_error() {
    let options = Options {
        chromium: PathBuf::from("/nonexistent/chromium"),
        ..Options::default()
    };
    let err = Browser::launch_with(options)
        .await
        .err()
        .expect("no browser there");
    let message = err.to_string();
    assert!(
        matches!(
            err,
            Error::Missing {
                program: "chromium",
                ..
            }
        ),
        "{message}"
    );
    assert!(message.contains("/nonexistent/chromium"), "{message}");
    assert!(
        message.contains("apt-get install chromium chromium-driver"),
        "{message}"
    );
    assert!(message.contains("SKILLAUDIT_SKIP_BROWSER=1"), "{message}");

    let options = Options {
        chromedriver: PathBuf::from("/nonexistent/chromedriver"),
        chromium: std::env::current_exe().unwrap(), // any existing file
        ..Options::default()
    };
    let err = Browser::launch_with(options)
        .await
        .err()
        .expect("no driver there");
    assert!(
        matches!(
            err,
            Error::Missing {
                program: "chromedriver",
                ..
            }
        ),
        "{err}"
    );
}
