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

use skillaudit_webdriver::{http, skip_requested, Browser, Error, Options};

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
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            let bytes = v.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'+' => out.push(b' '),
                    b'%' if i + 2 < bytes.len() => {
                        let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                        out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                        i += 2;
                    }
                    b => out.push(b),
                }
                i += 1;
            }
            String::from_utf8_lossy(&out).into_owned()
        })
    })
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
fn browser(options: Options) -> Option<Browser> {
    if skip_requested() {
        return None;
    }
    match Browser::launch_with(options) {
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

#[test]
fn fills_a_form_submits_it_and_reads_the_next_page() {
    let site = Site::start();
    let Some(b) = browser(Options::default()) else {
        return;
    };

    b.goto(&site.url("/")).unwrap();
    assert_eq!(b.title().unwrap(), "Form");
    assert_eq!(b.current_url().unwrap(), site.url("/"));
    let input = b.find("#name").unwrap();
    assert_eq!(input.tag_name().unwrap(), "input");
    assert_eq!(input.attribute("type").unwrap().as_deref(), Some("text"));
    assert_eq!(
        input.attribute("required").unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(input.attribute("no-such-attribute").unwrap(), None);
    assert_eq!(
        b.find("#link")
            .unwrap()
            .attribute("data-kind")
            .unwrap()
            .as_deref(),
        Some("plain")
    );
    assert!(!b.find("#hidden").unwrap().is_displayed().unwrap());
    assert!(b.find("h1").unwrap().is_displayed().unwrap());

    // An empty required field: the browser refuses to submit.
    b.find("#go").unwrap().click().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(b.current_url().unwrap(), site.url("/"));

    let typed = "Ada <Lovelace> & \"friends\" é";
    input.send_keys(typed).unwrap();
    assert_eq!(input.property("value").unwrap(), typed);
    b.find("#go").unwrap().click().unwrap();
    let echo = b.wait_for("#echo", WAIT).unwrap();
    assert_eq!(echo.text().unwrap(), typed);
    assert_eq!(echo.attribute("data-len").unwrap().as_deref(), Some("28"));
    assert_eq!(b.current_url().unwrap(), site.url("/second"));
    assert_eq!(b.title().unwrap(), "Second");
    let items: Vec<String> = b
        .find_all("li.item")
        .unwrap()
        .iter()
        .map(|e| e.text().unwrap())
        .collect();
    assert_eq!(items, ["one", "two"]);
    assert!(b.find_all("li.none").unwrap().is_empty());
    assert!(b.page_source().unwrap().contains("&lt;Lovelace&gt;"));

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

    // Back, then submit() instead of a click.
    b.back().unwrap();
    b.wait_for("#name", WAIT).unwrap();
    let input = b.find("#name").unwrap();
    input.clear().unwrap();
    input.send_keys("second try").unwrap();
    input.submit().unwrap();
    b.wait_until(WAIT, "the echo of the second try", |b| {
        Ok(b.try_find("#echo")?
            .map(|e| e.text())
            .transpose()?
            .filter(|t| t == "second try"))
    })
    .unwrap();
    assert!(b.console_errors().unwrap().is_empty());
}

#[test]
fn missing_elements_waits_and_errors_say_what_happened() {
    let site = Site::start();
    let Some(b) = browser(Options::default()) else {
        return;
    };
    b.goto(&site.url("/slow")).unwrap();
    // Not there yet, then there.
    assert!(b.try_find("#late").unwrap().is_none());
    let late = b.wait_for("#late", WAIT).unwrap();
    assert_eq!(late.text().unwrap(), "here");

    let err = b.find("#absent").unwrap_err();
    assert_eq!(err.webdriver_code(), Some("no such element"));
    let err = b
        .wait_for("#absent", Duration::from_millis(400))
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Timeout(_)), "{message}");
    assert!(
        message.contains("#absent") && message.contains("/slow"),
        "{message}"
    );

    // An invalid selector is an error at once, not a timeout.
    let err = b.wait_for("p[", WAIT).unwrap_err();
    assert_eq!(err.webdriver_code(), Some("invalid selector"), "{err}");

    // A stale element: it belongs to a page that is gone.
    b.goto(&site.url("/")).unwrap();
    let h1 = b.find("h1").unwrap();
    b.goto(&site.url("/slow")).unwrap();
    assert_eq!(
        h1.text().unwrap_err().webdriver_code(),
        Some("stale element reference")
    );

    // execute returns values.
    let v = b
        .execute("return arguments[0] + 1;", vec![41.into()])
        .unwrap();
    assert_eq!(v, 42);
}

#[test]
fn pages_scripts_can_be_turned_off() {
    let site = Site::start();
    let Some(b) = browser(Options::default().without_javascript()) else {
        return;
    };
    b.goto(&site.url("/broken")).unwrap();
    // The throwing script did not run…
    assert_eq!(b.console_errors().unwrap(), []);
    // …nor the one that adds an element; WebDriver's own scripts still do.
    b.goto(&site.url("/slow")).unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    assert!(b.try_find("#late").unwrap().is_none());
    assert_eq!(b.execute("return 6 * 7;", vec![]).unwrap(), 42);
    // Forms still submit.
    b.goto(&site.url("/")).unwrap();
    b.find("#name").unwrap().send_keys("no js").unwrap();
    b.find("#go").unwrap().click().unwrap();
    assert_eq!(b.wait_for("#echo", WAIT).unwrap().text().unwrap(), "no js");
}

/// The console errors read until one contains `needle` or [`WAIT`] passes:
/// Chromium hands a page's log entries to the driver asynchronously, so on
/// a loaded machine an entry can arrive after `goto` returns.
fn errors_until(b: &Browser, needle: &str) -> Vec<skillaudit_webdriver::LogEntry> {
    let start = std::time::Instant::now();
    let mut all = Vec::new();
    loop {
        all.extend(b.console_errors().unwrap());
        if all.iter().any(|e| e.message.contains(needle)) || start.elapsed() > WAIT {
            return all;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn console_log_reports_script_errors_and_csp_violations() {
    let site = Site::start();
    let Some(b) = browser(Options::default()) else {
        return;
    };
    b.goto(&site.url("/")).unwrap();
    assert_eq!(b.console_errors().unwrap(), []);

    b.goto(&site.url("/broken")).unwrap();
    let errors = errors_until(&b, "deliberate failure 4242");
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("deliberate failure 4242")),
        "{errors:?}"
    );
    // Handed out once.
    assert_eq!(b.console_errors().unwrap(), []);

    b.goto(&site.url("/csp")).unwrap();
    assert_eq!(
        b.title().unwrap(),
        "CSP",
        "the inline script must not have run"
    );
    let errors = errors_until(&b, "Content Security Policy");
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("Content Security Policy")),
        "{errors:?}"
    );
    // The header itself, read with the plain HTTP client.
    let r = http::request("GET", &site.url("/csp"), None, WAIT).unwrap();
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'none'"));
    let r = http::request("GET", &site.url("/nope"), None, WAIT).unwrap();
    assert_eq!(r.status, 404);
}

#[test]
fn screenshots_are_png_files_at_the_window_size() {
    let site = Site::start();
    let dir = screenshot_dir();
    let Some(b) = browser(Options::phone()) else {
        return;
    };
    b.goto(&site.url("/")).unwrap();
    let width = b.execute("return window.innerWidth;", vec![]).unwrap();
    assert_eq!(width, 412, "phone-width viewport");
    // Mobile emulation is real: a page without a viewport meta tag is laid
    // out at a desktop width and shrunk, as on a phone.
    b.goto(&site.url("/slow")).unwrap();
    let width = b.execute("return window.innerWidth;", vec![]).unwrap();
    assert!(width.as_u64().unwrap() > 900, "{width}");
    b.goto(&site.url("/")).unwrap();

    let path = dir.join("webdriver-selftest-phone.png");
    let _ = std::fs::remove_file(&path);
    b.screenshot(&path).unwrap();
    let png = std::fs::read(&path).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR: width and height, big-endian, at bytes 16..24.
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(w, 412);

    let full = dir.join("webdriver-selftest-full.png");
    b.screenshot_full_page(&full).unwrap();
    let png = std::fs::read(&full).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    let element = dir.join("webdriver-selftest-h1.png");
    b.find("h1").unwrap().screenshot(&element).unwrap();
    assert!(std::fs::read(&element).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn dropping_the_browser_ends_chromium_and_chromedriver() {
    let Some(b) = browser(Options::default()) else {
        return;
    };
    let pid = b.driver_pid();
    let home = b.home_dir().to_path_buf();
    b.goto("about:blank").unwrap();
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
        std::thread::sleep(Duration::from_millis(100));
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

#[test]
fn a_missing_chromium_is_a_clear_error() {
    let options = Options {
        chromium: PathBuf::from("/nonexistent/chromium"),
        ..Options::default()
    };
    let err = Browser::launch_with(options)
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
