//! Test support shared by the fetch, service, web and browser tests: a tiny
//! HTTP server on 127.0.0.1 that runs `git http-backend` (smart HTTP) as a
//! CGI program over bare repositories in a directory, and a builder for
//! those repositories. No network beyond loopback.
//!
//! ```no_run
//! use skillaudit_testgit::{Repos, symlink};
//! let repos = Repos::new();
//! let head = repos.add("app", &[
//!     ("Dockerfile", b"FROM ubuntu\n"),
//!     ("link", &symlink("/etc/passwd")),
//! ]);
//! let server = repos.serve();
//! let url = server.url("/app.git"); // http://127.0.0.1:PORT/app.git
//! # let _ = (head, url);
//! ```
//!
//! The server counts connections and pack fetches (what a clone asks for,
//! as opposed to a ref listing), can be paused so that requests wait (to
//! hold a clone "in flight"), and has modes for a redirecting server and a
//! server that accepts connections and never answers.
//!
//! Helpers panic on failure: this crate is only for tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use skillaudit_syntax::source::find;

/// What the server does with each connection.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Serve the bare repositories under `root` (`/<name>.git`); optionally
    /// send responses slowly (`throttle`: bytes per pause).
    Git {
        root: PathBuf,
        throttle: Option<(usize, Duration)>,
    },
    /// Answer every request with a `302` to this URL prefix (plus the path).
    Redirect(String),
    /// Accept connections, read what the client sends, never answer.
    Hang,
}

/// One request the server read (Git and Redirect modes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub query: String,
}

#[derive(Default)]
struct Shared {
    connections: AtomicUsize,
    client_closed: AtomicBool,
    large_responses_sent: AtomicUsize,
    fetches: AtomicUsize,
    requests: Mutex<Vec<Logged>>,
    /// While true, accepted connections wait before being read.
    paused: Mutex<bool>,
    resumed: Condvar,
    stopped: AtomicBool,
}

impl Shared {
    fn wait_while_paused(&self) {
        let mut paused = self.paused.lock().unwrap_or_else(|e| e.into_inner());
        while *paused {
            paused = self.resumed.wait(paused).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// A loopback HTTP server; stops accepting when dropped.
pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    /// Start a server on a free loopback port.
    pub fn start(mode: Mode) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared::default());
        let s = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                s.connections.fetch_add(1, Ordering::SeqCst);
                let (mode, s) = (mode.clone(), Arc::clone(&s));
                std::thread::spawn(move || {
                    s.wait_while_paused();
                    handle(stream, mode, &s);
                });
            }
        });
        Server { addr, shared }
    }

    /// A server for the bare repositories under `root`, answering at full speed.
    pub fn git(root: &Path) -> Server {
        Server::start(Mode::Git {
            root: root.to_path_buf(),
            throttle: None,
        })
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `127.0.0.1:PORT` (for an allow-list entry).
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Pack fetches so far: `git-upload-pack` requests that want objects
    /// (one per clone; a ref listing such as `git ls-remote` is not one).
    pub fn fetches(&self) -> usize {
        self.shared.fetches.load(Ordering::SeqCst)
    }

    /// The requests read so far, in order.
    pub fn requests(&self) -> Vec<Logged> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// (Hang) a client closed its connection.
    pub fn client_closed(&self) -> bool {
        self.shared.client_closed.load(Ordering::SeqCst)
    }

    /// (Git) responses of more than 1 MiB sent to the end.
    pub fn large_responses_sent(&self) -> usize {
        self.shared.large_responses_sent.load(Ordering::SeqCst)
    }

    /// Hold every connection accepted from now on (before its request is
    /// read) until [`Server::resume`].
    pub fn pause(&self) {
        *self.shared.paused.lock().unwrap_or_else(|e| e.into_inner()) = true;
    }

    /// Let held and new connections through.
    pub fn resume(&self) {
        *self.shared.paused.lock().unwrap_or_else(|e| e.into_inner()) = false;
        self.shared.resumed.notify_all();
    }

    /// Wait until at least `n` connections were accepted; false on timeout.
    pub fn wait_for_connections(&self, n: usize, timeout: Duration) -> bool {
        wait_until(timeout, || self.connections() >= n)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        self.resume();
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// Poll `done` every 10 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if done() {
            return true;
        }
        if start.elapsed() >= timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn handle(stream: TcpStream, mode: Mode, s: &Shared) {
    match mode {
        Mode::Git { root, throttle } => {
            if matches!(serve_git(stream, &root, throttle, s), Ok(n) if n > 1 << 20) {
                s.large_responses_sent.fetch_add(1, Ordering::SeqCst);
            }
        }
        Mode::Redirect(to) => {
            let _ = serve_redirect(stream, &to, s);
        }
        Mode::Hang => {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
            s.client_closed.store(true, Ordering::SeqCst);
        }
    }
}

/// An HTTP/1.1 request as read by [`read_request`].
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header of this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Read one request (request line, headers, a `Content-Length` or chunked body).
pub fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
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

fn log(s: &Shared, req: &Request) {
    s.requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Logged {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
        });
}

/// A request for objects: protocol v2 `command=fetch`, v0/v1 `want` lines,
/// or a compressed body (git only compresses large, i.e. fetch, requests).
fn is_fetch(req: &Request) -> bool {
    req.method == "POST"
        && req.path.ends_with("/git-upload-pack")
        && (find(&req.body, 0, b"command=fetch").is_some()
            || find(&req.body, 0, b"want ").is_some()
            || req
                .header("content-encoding")
                .is_some_and(|v| v.contains("gzip")))
}

fn serve_git(
    mut stream: TcpStream,
    root: &Path,
    throttle: Option<(usize, Duration)>,
    s: &Shared,
) -> std::io::Result<usize> {
    let req = read_request(&stream)?;
    log(s, &req);
    if is_fetch(&req) {
        s.fetches.fetch_add(1, Ordering::SeqCst);
    }
    let out = http_backend(root, req)?;
    let all = http_response(&out);
    match throttle {
        None => stream.write_all(&all)?,
        Some((n, pause)) => {
            for chunk in all.chunks(n.max(1)) {
                stream.write_all(chunk)?;
                stream.flush()?;
                std::thread::sleep(pause);
            }
        }
    }
    stream.flush()?;
    Ok(all.len())
}

/// Run `git http-backend` on a request, as CGI: its output.
fn http_backend(root: &Path, req: Request) -> std::io::Result<Vec<u8>> {
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
    let mut stdin = child.stdin.take().expect("piped stdin");
    let body = req.body;
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&body);
    });
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_to_end(&mut out)?;
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

/// The HTTP response for a CGI output: its headers (`Status:` as the status
/// line), a length, and its body.
fn http_response(out: &[u8]) -> Vec<u8> {
    // CGI output: headers, a blank line, the body.
    let (head, body) = match find(out, 0, b"\r\n\r\n") {
        Some(i) => (&out[..i], &out[i + 4..]),
        None => match find(out, 0, b"\n\n") {
            Some(i) => (&out[..i], &out[i + 2..]),
            None => (&out[..0], out),
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
    all
}

fn serve_redirect(mut stream: TcpStream, to: &str, s: &Shared) -> std::io::Result<()> {
    let req = read_request(&stream)?;
    log(s, &req);
    let location = format!("{to}{}?{}", req.path, req.query);
    write!(stream, "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
    stream.flush()
}

/// Run `git ARGS` in `dir` with no system or global configuration (a fixed
/// author, `main` as the default branch, symlinks on); its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
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
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// File content that [`make_repo`] turns into a symbolic link to `target`.
pub fn symlink(target: &str) -> Vec<u8> {
    let mut v = SYMLINK_PREFIX.to_vec();
    v.extend_from_slice(target.as_bytes());
    v
}

/// Content beginning with this makes a symbolic link to the rest.
pub const SYMLINK_PREFIX: &[u8] = b"->";

fn write_files(work: &Path, files: &[(&str, &[u8])]) {
    for (path, content) in files {
        let p = work.join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("create directories");
        if std::fs::symlink_metadata(&p).is_ok() {
            std::fs::remove_file(&p).expect("replace a file");
        }
        match content.strip_prefix(SYMLINK_PREFIX) {
            Some(target) => {
                std::os::unix::fs::symlink(std::str::from_utf8(target).expect("UTF-8 target"), &p)
                    .expect("create a symlink")
            }
            None => std::fs::write(&p, content).expect("write a file"),
        }
    }
}

/// A bare repository `<served>/<name>.git` (and its work tree
/// `<served>/<name>-work`) with these files in one commit on `main`;
/// content beginning with `->` ([`symlink`]) makes a symbolic link. Returns
/// the commit.
pub fn make_repo(served: &Path, name: &str, files: &[(&str, &[u8])]) -> String {
    let work = served.join(format!("{name}-work"));
    std::fs::create_dir_all(&work).expect("create the work tree");
    git(&work, &["init", "-q"]);
    write_files(&work, files);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "--allow-empty", "-m", "test"]);
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

/// Write these files into the work tree of a repository made by
/// [`make_repo`], commit, push to the bare repository; the new commit.
pub fn commit_files(served: &Path, name: &str, files: &[(&str, &[u8])]) -> String {
    let work = served.join(format!("{name}-work"));
    write_files(&work, files);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "--allow-empty", "-m", "update"]);
    let head = git(&work, &["rev-parse", "HEAD"]);
    git(
        &work,
        &["push", "-q", &format!("../{name}.git"), "HEAD:main"],
    );
    head
}

/// An empty bare repository `<served>/<name>.git` (no commit, no HEAD branch).
pub fn make_empty_repo(served: &Path, name: &str) {
    git(served, &["init", "-q", "--bare", &format!("{name}.git")]);
}

/// Pseudo-random, incompressible bytes (the same for the same `n`).
pub fn noise(n: usize) -> Vec<u8> {
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

/// The entries of a directory (empty when it cannot be read).
pub fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Test repositories in a temporary directory (removed on drop).
pub struct Repos {
    dir: tempfile::TempDir,
    served: PathBuf,
}

impl Default for Repos {
    fn default() -> Repos {
        Repos::new()
    }
}

impl Repos {
    pub fn new() -> Repos {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let served = dir.path().join("served");
        std::fs::create_dir_all(&served).expect("create served/");
        Repos { dir, served }
    }

    /// The directory served (the bare repositories are `<name>.git` in it).
    pub fn root(&self) -> &Path {
        &self.served
    }

    /// A scratch directory beside the served one, created on first use (for
    /// checkouts: pass it as the fetch policy's `work_dir`).
    pub fn scratch(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::create_dir_all(&p).expect("create a scratch directory");
        p
    }

    /// [`make_repo`] in [`Repos::root`].
    pub fn add(&self, name: &str, files: &[(&str, &[u8])]) -> String {
        make_repo(&self.served, name, files)
    }

    /// [`commit_files`] in [`Repos::root`].
    pub fn commit(&self, name: &str, files: &[(&str, &[u8])]) -> String {
        commit_files(&self.served, name, files)
    }

    /// [`make_empty_repo`] in [`Repos::root`].
    pub fn add_empty(&self, name: &str) {
        make_empty_repo(&self.served, name)
    }

    /// A server for these repositories (repositories added later are served too).
    pub fn serve(&self) -> Server {
        Server::git(&self.served)
    }
}
