//! End to end in a real browser: `skillaudit serve` (the built binary) on
//! 127.0.0.1:0, a loopback git server (skillaudit-testgit) serving a test
//! repository, and headless Chromium driven through chromedriver
//! (skillaudit-webdriver). A user opens the home page, types the
//! repository URL, presses "Run audit", follows the no-JavaScript refresh
//! to the report, and reads the grade and the findings; the rule link is
//! followed; the page must raise no console error (script errors, CSP
//! violations, failed loads) and carry the Content-Security-Policy header.
//! The report's sharing part is used as a user would: the badge snippet
//! (absolute URLs from `--public-url`), the three downloads, and the link
//! to the repository's permanent page.
//! Screenshots go to `target/browser/` (desktop and phone width).
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/install-browser`);
//! without them the test fails saying so, unless SKILLAUDIT_SKIP_BROWSER=1.

use std::path::PathBuf;
use std::time::Duration;

mod serving;

use serving::request;
use serving::Serving;
use skillaudit_testgit::Repos;
use skillaudit_webdriver::{skip_requested, Browser, Element, Locator, LogEntry, Options};

/// Audits clone, scan and store: generous for a loaded machine.
const AUDIT_WAIT: Duration = Duration::from_secs(180);
const WAIT: Duration = Duration::from_secs(30);

/// Where the service says it is reached (for the badge snippet).
const PUBLIC_URL: &str = "https://audit.example";

/// A compose service name that would run script if it reached the page
/// unescaped (or if the CSP let inline script run).
const HOSTILE: &str = "<script>document.title='pwned'</script>";

/// `target/browser` (under CARGO_TARGET_DIR when set).
fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("browser")
}

/// The repository under audit: a compose service mounting the Docker
/// socket, under a name that is markup, built from a Dockerfile without
/// USER.
fn test_repo(repos: &Repos) {
    let compose = format!("services:\n  \"{HOSTILE}\":\n    build: .\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n");
    repos.add(
        "acme/mcp-server",
        &[("Dockerfile", b"FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n"), ("compose.yaml", compose.as_bytes())],
    );
}

async fn browser(options: Options) -> Option<Browser> {
    if skip_requested() {
        return None;
    }
    Some(
        Browser::launch_with(options)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

/// How the user sends the form.
#[derive(Clone, Copy, PartialEq)]
enum SendForm {
    ClickRun,
    /// Enter in the URL field (the "Go" key of a phone keyboard).
    Enter,
}

/// Home page → form → report, as a user: returns the report's URL.
async fn run_audit_through_the_form(
    b: &Browser,
    serve: &Serving,
    repo_url: &str,
    send: SendForm,
) -> String {
    b.goto(&serve.url("/")).await.unwrap();
    let input = find(b, "#url").await;
    assert_eq!(input.attr("type").await.unwrap().as_deref(), Some("url"));
    // The field is labelled for screen readers.
    let label = find(b, "label[for=\"url\"]").await;
    assert!(!text_of(&label).await.trim().is_empty());
    input.send_keys(repo_url).await.unwrap();
    let run = find(b, "#run").await;
    assert_eq!(text_of(&run).await, "Run audit");
    match send {
        SendForm::ClickRun => run.click().await.unwrap(),
        SendForm::Enter => input.send_keys("\u{E007}").await.unwrap(),
    }
    // /jobs/{job} refreshes itself (meta refresh, no script) until the
    // audit is done, then redirects to /audits/{id}.
    if let Err(e) = b.wait_for("#grade", AUDIT_WAIT).await {
        let page = b.source().await.unwrap_or_default();
        panic!("no report: {e}\n{page}")
    }
    b.current_url().await.unwrap().to_string()
}

/// The console errors of the pages (a missing icon, a refused style or
/// script, a script error all show up here).
async fn page_errors(b: &Browser) -> Vec<LogEntry> {
    b.console_errors().await.unwrap()
}

async fn text_of(e: &Element) -> String {
    e.text().await.unwrap()
}

async fn find(b: &Browser, css: &str) -> Element {
    b.find_css(css).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn displayed(e: &Element) -> bool {
    e.is_displayed().await.unwrap()
}

/// The report's sharing part: the badge shown and its Markdown with
/// absolute URLs, the downloads (fetched from the links the page shows),
/// the repository's permanent page. Ends back on the report.
async fn share(b: &Browser, serve: &Serving, audit: i64, stored: &serde_json::Value, host: &str) {
    let repo = format!("{}/acme/mcp-server", host.replace(':', "%3A"));
    let badge = find(b, "#share img").await;
    assert!(displayed(&badge).await);
    // The badge image loaded (an SVG of some width).
    let loaded = b
        .execute(
            "return document.querySelector('#share img').naturalWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        loaded.as_u64().unwrap_or(0) > 0,
        "badge not loaded: {loaded}"
    );
    let snippet = find(b, "#badge-markdown").await;
    assert!(displayed(&snippet).await);
    assert_eq!(
        snippet.prop("value").await.unwrap().as_deref(),
        Some(
            format!("[![skillaudit]({PUBLIC_URL}/badge/{repo}.svg)]({PUBLIC_URL}/repos/{repo})")
                .as_str()
        )
    );
    assert_eq!(
        snippet.attr("readonly").await.unwrap().as_deref(),
        Some("true")
    );

    let findings = stored["findings"].as_array().unwrap().len();
    for (id, content_type) in [
        ("download-sarif", "application/sarif+json"),
        ("download-json", "application/json"),
        ("download-markdown", "text/markdown; charset=utf-8"),
    ] {
        let link = find(b, &format!("#{id}")).await;
        assert!(displayed(&link).await, "{id}");
        assert!(link.attr("download").await.unwrap().is_some(), "{id}");
        let href = link.prop("href").await.unwrap().unwrap();
        let href = href.as_str();
        // The download links point at the service itself (on loopback).
        assert!(href.starts_with(&serve.url("/")), "{href}");
        let got = request("GET", href, &[], None);
        assert_eq!(got.status, 200, "{href}");
        assert_eq!(got.header("content-type"), Some(content_type), "{href}");
        assert!(
            got.header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment; filename=\"skillaudit-")),
            "{href}: {:?}",
            got.headers
        );
        let text = got.text();
        match id {
            "download-sarif" => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["version"], "2.1.0");
                assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), findings);
            }
            "download-json" => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["id"], audit);
                assert_eq!(v["findings"].as_array().unwrap().len(), findings);
            }
            _ => {
                assert!(text.starts_with("# skillaudit: grade F for "), "{text}");
                assert!(text.contains("docker-socket-mount"), "{text}");
            }
        }
    }

    // The repository's permanent page shows this audit as its latest.
    find(b, "#repository-page").await.click().await.unwrap();
    b.wait_for_url(&serve.url(&format!("/repos/{repo}")), WAIT)
        .await
        .unwrap();
    let permalink = b.wait_for("#permalink", WAIT).await.unwrap();
    assert_eq!(
        permalink.attr("href").await.unwrap().as_deref(),
        Some(format!("/audits/{audit}").as_str())
    );
    assert!(displayed(&find(b, "#rescan").await).await);
    b.goto(&serve.url(&format!("/audits/{audit}")))
        .await
        .unwrap();
    b.wait_for("#grade", WAIT).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_audits_a_repository_in_the_browser() {
    let repos = Repos::new();
    test_repo(&repos);
    let git = repos.serve();
    let repo_url = git.url("/acme/mcp-server.git");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audits.db");
    let host = git.host();
    let serve = Serving::start(&[
        "--bind",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--allow-host",
        &host,
        "--allow-http",
        "--allow-private",
        "--workers",
        "1",
        "--fetch-timeout",
        "120",
        "--public-url",
        PUBLIC_URL,
    ]);
    let Some(b) = browser(Options::default()).await else {
        return;
    };
    let shots = screenshot_dir();

    let report_url = run_audit_through_the_form(&b, &serve, &repo_url, SendForm::ClickRun).await;
    let audit: i64 = report_url
        .strip_prefix(&serve.url("/audits/"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("the form ended on {report_url}, not a report"));

    // What the browser shows is what the API stored.
    let api = request(
        "GET",
        &serve.url(&format!("/api/audits/{audit}")),
        &[],
        None,
    );
    assert_eq!(api.status, 200, "{}", api.text());
    let stored: serde_json::Value = serde_json::from_slice(&api.body).unwrap();
    let grade = find(&b, "#grade").await;
    let letter = text_of(&grade).await;
    assert_eq!(letter.trim(), stored["grade"].as_str().unwrap());
    assert_eq!(
        grade.attr("data-grade").await.unwrap().as_deref(),
        Some(letter.trim())
    );
    // A Docker socket mount is critical: the worst grade.
    assert_eq!(letter.trim(), "F");

    let socket = stored["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "docker-socket-mount")
        .unwrap_or_else(|| panic!("no docker-socket-mount finding stored: {stored}"));
    let article = find(&b, "article.finding[data-rule=\"docker-socket-mount\"]").await;
    assert!(displayed(&article).await);
    let shown = text_of(&article).await;
    let message = socket["message"].as_str().unwrap();
    assert!(
        shown.contains(message),
        "message {message:?} not in {shown:?}"
    );
    // The hostile service name is shown as text, not run.
    assert!(message.contains(HOSTILE), "{message}");
    assert_ne!(b.title().await.unwrap(), "pwned");
    let line = socket["line"].as_u64().unwrap();
    assert!(shown.contains(&format!("compose.yaml:{line}:")), "{shown}");
    let snippet = text_of(&article.find(Locator::Css("pre")).await.unwrap()).await;
    assert!(snippet.contains("/var/run/docker.sock"), "{snippet}");
    assert!(
        !article
            .find_all(Locator::Css("pre mark"))
            .await
            .unwrap()
            .is_empty(),
        "the offending part is highlighted"
    );
    // The root-user Dockerfile finding too.
    assert!(!b
        .find_all(Locator::Css("article.finding[data-rule=\"missing-user\"]"))
        .await
        .unwrap()
        .is_empty());

    let full = shots.join("report.png");
    b.save_full_page_screenshot(&full).await.unwrap();
    assert!(std::fs::metadata(&full).unwrap().len() > 1000);

    share(&b, &serve, audit, &stored, &host).await;

    // No script error, CSP violation or failed load on the way.
    let errors = page_errors(&b).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // The response carries the strict CSP.
    let page = request("GET", &report_url, &[], None);
    assert_eq!(page.status, 200);
    let csp = page
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("no CSP header: {:?}", page.headers));
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");

    // The rule's documentation, one click away.
    // (The sharing part navigated away and back: find the article again.)
    find(
        &b,
        "article.finding[data-rule=\"docker-socket-mount\"] a[href=\"/rules/docker-socket-mount\"]",
    )
    .await
    .click()
    .await
    .unwrap();
    b.wait_for_url(&serve.url("/rules/docker-socket-mount"), WAIT)
        .await
        .unwrap();
    let doc = b
        .wait_for("main [data-rule=\"docker-socket-mount\"]", WAIT)
        .await
        .unwrap();
    let doc = text_of(&doc).await;
    assert!(
        doc.contains("docker-socket-mount") && doc.contains("critical"),
        "{doc}"
    );
    // The page's one top heading is the rule.
    let mut h1 = Vec::new();
    for e in b.find_all(Locator::Css("h1")).await.unwrap() {
        h1.push(text_of(&e).await);
    }
    assert_eq!(h1, ["docker-socket-mount"]);
    assert_eq!(page_errors(&b).await, []);
    drop(b);

    // On a phone, with JavaScript off: the same flow works (the pages have
    // no script) and the page does not scroll sideways. (The form is sent
    // with Enter: chromedriver's emulated tap on the button takes 30 s to
    // return when mobile emulation and disabled scripts are combined.)
    let Some(p) = browser(Options::phone().without_javascript()).await else {
        return;
    };
    let again = run_audit_through_the_form(&p, &serve, &repo_url, SendForm::Enter).await;
    assert!(again.starts_with(&serve.url("/audits/")), "{again}");
    assert!(p
        .find_css("article.finding[data-rule=\"docker-socket-mount\"]")
        .await
        .is_ok());
    let width = p
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        width[0], 412,
        "phone viewport (the page has a viewport meta tag)"
    );
    assert!(
        width[1].as_u64().unwrap() <= 412,
        "the report scrolls sideways on a phone: {width}"
    );
    p.save_screenshot(&shots.join("report-phone.png"))
        .await
        .unwrap();
    p.save_full_page_screenshot(&shots.join("report-phone-full.png"))
        .await
        .unwrap();
    assert_eq!(page_errors(&p).await, []);
}
