//! Fetching untrusted repositories safely (for the hosted audit and the
//! corpus view).
//!
//! [`fetch`] takes a URL somebody pasted into a form and a [`FetchPolicy`],
//! and either returns a [`Checkout`] (a shallow clone in a temporary
//! directory, deleted when the `Checkout` is dropped) or a [`FetchError`]
//! that says why the URL was refused or the clone failed. [`remote_head`]
//! asks the same server, under the same checks and limits, which commit its
//! default branch is at (`git ls-remote`), without cloning.
//!
//! What is refused, before git runs:
//! - every scheme but `https://` (`http://` only for a host explicitly
//!   allowed with [`AllowedHost::allow_http`]); scp-like `git@host:path`,
//!   transport helpers (`ext::`, `fd::`, anything with `::`), options (`-…`);
//! - credentials in the URL (`https://user:token@host/…`);
//! - hosts that are not on the allow-list, and ports the entry does not name;
//! - anything but a plain path: no query, fragment, `\`, `%`, `@`,
//!   whitespace or control characters, no `.`/`..` segments;
//! - hosts that resolve to a loopback, private, link-local, unique-local,
//!   unspecified, multicast or otherwise non-global address (IPv4 and IPv6,
//!   IPv4-mapped included), unless the host's entry allows private addresses.
//!
//! The URL handed to git is rebuilt from the parsed parts, and the addresses
//! that were checked are pinned with `http.curloptResolve`, so git connects to
//! what was checked (no second DNS answer). git runs with an empty
//! environment and an empty HOME (no system, global or user configuration:
//! no credential helpers, no `url.insteadOf`, no proxies), hooks off,
//! redirects off, only the `https` (or allowed `http`) protocol, no
//! submodules, no LFS smudging, no prompts; in its own process group, killed
//! as a whole when the time limit passes or the checkout grows past the size
//! limit.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A host repositories may be fetched from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedHost {
    /// Lower-case host name or IP literal (IPv6 without brackets).
    pub host: String,
    /// `None`: the scheme's default port only (443, or 80 for allowed http).
    pub port: Option<u16>,
    /// Plain `http://` is accepted for this host (for test servers).
    pub allow_http: bool,
    /// The host may resolve to (or be) a loopback or private address.
    pub allow_private: bool,
}

impl AllowedHost {
    /// A public host on the default port: https only, public addresses only.
    pub fn public(host: &str) -> AllowedHost {
        AllowedHost {
            host: normalise_host(host),
            port: None,
            allow_http: false,
            allow_private: false,
        }
    }

    /// A host an operator allowed explicitly, written `host`, `host:port`,
    /// `[v6]` or `[v6]:port`; it may be loopback or private.
    pub fn explicit(spec: &str) -> Result<AllowedHost, FetchError> {
        let (host, port) = split_host_port(spec)
            .ok_or_else(|| FetchError::Malformed(format!("not a host or host:port: {spec:?}")))?;
        Ok(AllowedHost {
            host,
            port,
            allow_http: false,
            allow_private: true,
        })
    }

    /// Also accept plain `http://` for this host (tests only, really).
    pub fn allow_http(mut self) -> AllowedHost {
        self.allow_http = true;
        self
    }

    /// Accept (or not) loopback and private addresses for this host.
    pub fn allow_private(mut self, yes: bool) -> AllowedHost {
        self.allow_private = yes;
        self
    }
}

/// What may be fetched, and how much.
#[derive(Clone, Debug)]
pub struct FetchPolicy {
    pub hosts: Vec<AllowedHost>,
    /// Wall-clock limit for name resolution plus the clone.
    pub timeout: Duration,
    /// Limit on the checkout directory (working tree plus `.git`), in bytes.
    pub max_bytes: u64,
    /// How often the checkout's size and the clock are looked at.
    pub poll_interval: Duration,
    /// Where checkouts are made (default: the system's temporary directory).
    pub work_dir: Option<PathBuf>,
}

/// The hosts allowed by default.
pub const DEFAULT_HOSTS: [&str; 3] = ["github.com", "gitlab.com", "codeberg.org"];

impl Default for FetchPolicy {
    fn default() -> FetchPolicy {
        FetchPolicy {
            hosts: DEFAULT_HOSTS
                .iter()
                .map(|h| AllowedHost::public(h))
                .collect(),
            timeout: Duration::from_secs(120),
            max_bytes: 200 * 1024 * 1024,
            poll_interval: Duration::from_millis(50),
            work_dir: None,
        }
    }
}

impl FetchPolicy {
    /// A policy with no host allowed (add some with [`FetchPolicy::allow`]).
    pub fn none() -> FetchPolicy {
        FetchPolicy {
            hosts: Vec::new(),
            ..FetchPolicy::default()
        }
    }

    pub fn allow(mut self, host: AllowedHost) -> FetchPolicy {
        self.hosts.push(host);
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> FetchPolicy {
        self.timeout = timeout;
        self
    }

    pub fn max_bytes(mut self, max_bytes: u64) -> FetchPolicy {
        self.max_bytes = max_bytes;
        self
    }

    /// The entry for this host and port (plain http is checked by the caller).
    fn entry(&self, host: &str, port: u16, scheme: Scheme) -> Option<&AllowedHost> {
        self.hosts.iter().find(|h| {
            h.host == host
                && match h.port {
                    Some(p) => p == port,
                    None => port == scheme.default_port(),
                }
        })
    }
}

/// Why a URL was refused or could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchError {
    /// Empty, too long, or not shaped like `https://host/path`.
    Malformed(String),
    /// Begins with `-`: would be read as an option.
    OptionLike,
    /// A scheme or form other than https (the scheme or form is named).
    Scheme(String),
    /// `user:password@` in the URL.
    Credentials,
    /// The host (and port) is not on the allow-list.
    HostNotAllowed(String),
    /// The host is or resolves to a non-public address.
    PrivateAddress { host: String, address: IpAddr },
    /// The host name could not be resolved.
    Resolve(String),
    /// The reference to check out is not a plain branch or tag name.
    BadRef(String),
    /// The time limit passed; git was killed.
    TimedOut(Duration),
    /// The checkout grew past the size limit; git was killed.
    TooLarge(u64),
    /// git failed (its last error line, without credentials: none are allowed).
    Git(String),
    /// A local problem (temporary directory, running git).
    Io(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Malformed(m) => write!(f, "not a repository URL this service fetches: {m}"),
            FetchError::OptionLike => f.write_str("refused: a URL must not begin with '-'"),
            FetchError::Scheme(s) => write!(f, "refused: only https:// URLs are fetched, not {s}"),
            FetchError::Credentials => f.write_str("refused: the URL contains credentials (user:password@); only public repositories are fetched"),
            FetchError::HostNotAllowed(h) => write!(f, "refused: {h} is not an allowed host"),
            FetchError::PrivateAddress { host, address } => {
                write!(f, "refused: {host} resolves to a loopback, private or otherwise non-public address ({address})")
            }
            FetchError::Resolve(m) => write!(f, "cannot resolve host: {m}"),
            FetchError::BadRef(r) => write!(f, "refused: {r:?} is not a branch or tag name"),
            FetchError::TimedOut(d) => write!(f, "fetching the repository took longer than {}s and was stopped", d.as_secs_f64()),
            FetchError::TooLarge(n) => write!(f, "the repository is larger than the limit of {n} bytes; the clone was stopped"),
            FetchError::Git(m) => write!(f, "git could not fetch the repository: {m}"),
            FetchError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for FetchError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Https,
    Http,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Scheme::Https => 443,
            Scheme::Http => 80,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }
}

/// A URL that passed every check but the address one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedUrl {
    scheme: Scheme,
    /// Lower case, IPv6 without brackets.
    pub host: String,
    pub port: u16,
    /// Begins with `/`.
    pub path: String,
    allow_private: bool,
}

impl CheckedUrl {
    /// The URL as handed to git, rebuilt from its parts.
    pub fn url(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == self.scheme.default_port() {
            format!("{}://{host}{}", self.scheme.as_str(), self.path)
        } else {
            format!(
                "{}://{host}:{}{}",
                self.scheme.as_str(),
                self.port,
                self.path
            )
        }
    }
}

impl CheckedUrl {
    /// The name audits of this repository are stored under: [`CheckedUrl::url`]
    /// without trailing `/` or `.git` (as `skillaudit corpus` names URLs), so
    /// `https://github.com/o/r.git` and `https://github.com/o/r/` are one
    /// repository, `https://github.com/o/r`.
    pub fn source_key(&self) -> String {
        let url = self.url();
        let trimmed = url.trim_end_matches('/');
        let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
        trimmed.trim_end_matches('/').to_string()
    }
}

/// A fetched repository; its directory is deleted when this is dropped.
#[derive(Debug)]
pub struct Checkout {
    dir: tempfile::TempDir,
    root: PathBuf,
    /// The commit checked out (`git rev-parse HEAD`).
    pub commit: String,
    /// The URL that was cloned (rebuilt, canonical).
    pub url: String,
}

impl Checkout {
    /// The working tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary directory holding the working tree (removed on drop).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

const MAX_URL_LEN: usize = 2048;

/// Check a URL against the policy without touching the network.
pub fn check_url(url: &str, policy: &FetchPolicy) -> Result<CheckedUrl, FetchError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(FetchError::Malformed("empty URL".into()));
    }
    if url.len() > MAX_URL_LEN {
        return Err(FetchError::Malformed("URL too long".into()));
    }
    if url.starts_with('-') {
        return Err(FetchError::OptionLike);
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(FetchError::Malformed(
            "whitespace or control characters".into(),
        ));
    }
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = match lower.split_once("://") {
        Some(("https", _)) => (Scheme::Https, &url["https://".len()..]),
        Some(("http", _)) => (Scheme::Http, &url["http://".len()..]),
        Some((s, _)) if !s.contains("::") && !s.contains('/') && !s.contains('@') => {
            return Err(FetchError::Scheme(format!("{s}://")))
        }
        _ => {
            if url.contains("::") {
                return Err(FetchError::Scheme("a transport helper (::)".into()));
            }
            if matches!((url.find(':'), url.find('/')), (Some(c), s) if s.is_none_or(|s| c < s)) {
                return Err(FetchError::Scheme(
                    "an scp-like ssh address (host:path)".into(),
                ));
            }
            return Err(FetchError::Malformed(
                "not a URL (https://host/owner/repo)".into(),
            ));
        }
    };
    let authority_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(FetchError::Credentials);
    }
    let (host, port) = split_host_port(authority)
        .ok_or_else(|| FetchError::Malformed(format!("bad host {authority:?}")))?;
    let port = port.unwrap_or(scheme.default_port());
    check_path(path)?;
    let Some(entry) = policy.entry(&host, port, scheme) else {
        let shown = if port == scheme.default_port() {
            host.clone()
        } else {
            format!("{host}:{port}")
        };
        return Err(FetchError::HostNotAllowed(shown));
    };
    if scheme == Scheme::Http && !entry.allow_http {
        return Err(FetchError::Scheme(
            "http:// (plain http is not allowed for this host)".into(),
        ));
    }
    // What is known to be non-public without asking DNS: IP literals and
    // `localhost` names (RFC 6761). Names are checked again when resolved.
    if !entry.allow_private {
        let address = match host.parse::<IpAddr>() {
            Ok(ip) => Some(ip),
            Err(_) if host == "localhost" || host.ends_with(".localhost") => {
                Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
            }
            Err(_) => None,
        };
        if let Some(address) = address.filter(|a| !is_public(*a)) {
            return Err(FetchError::PrivateAddress {
                host: host.clone(),
                address,
            });
        }
    }
    Ok(CheckedUrl {
        scheme,
        host,
        port,
        path: path.to_string(),
        allow_private: entry.allow_private,
    })
}

fn check_path(path: &str) -> Result<(), FetchError> {
    if path.is_empty() || path == "/" {
        return Err(FetchError::Malformed("no repository path".into()));
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~');
    if let Some(c) = path.chars().find(|c| !ok(*c)) {
        return Err(FetchError::Malformed(format!(
            "character {c:?} in the repository path"
        )));
    }
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        return Err(FetchError::Malformed(
            "'.' or '..' in the repository path".into(),
        ));
    }
    if path.split('/').any(|seg| seg.starts_with('-')) {
        return Err(FetchError::Malformed(
            "a path segment begins with '-'".into(),
        ));
    }
    Ok(())
}

fn normalise_host(h: &str) -> String {
    h.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// `host`, `host:port`, `[v6]`, `[v6]:port` → (lower-case host, port).
fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        h.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (h, port)
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok().filter(|p| *p != 0)?)
        }
        Some(_) => return None,
    };
    let host = host.to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let valid = host.parse::<IpAddr>().is_ok()
        || (!host.is_empty() && host.len() <= 253 && host.split('.').all(label_ok));
    valid.then_some((host, port))
}

/// Is this an address anyone on the internet could reach (not loopback,
/// private, link-local, unique-local, unspecified, multicast, reserved…)?
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network", unspecified
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded_v4 =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if ip.is_unspecified() || ip.is_loopback() {
        return false;
    }
    // IPv4-mapped ::ffff:a.b.c.d and the old IPv4-compatible ::a.b.c.d.
    if s[0..5] == [0, 0, 0, 0, 0] && (s[5] == 0xffff || s[5] == 0) {
        return is_public_v4(embedded_v4(s[6], s[7]));
    }
    // NAT64 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is local.
    if s[0] == 0x64 && s[1] == 0xff9b {
        return s[2..6] == [0, 0, 0, 0] && is_public_v4(embedded_v4(s[6], s[7]));
    }
    // 6to4 2002::/16 carries an IPv4 address.
    if s[0] == 0x2002 {
        return is_public_v4(embedded_v4(s[1], s[2]));
    }
    !((s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // discard-only
        || s[0] == 0) // other reserved ::/16 forms
}

/// Resolve the host (or take its IP literal) and check every address.
fn resolve(
    url: &CheckedUrl,
    deadline: Instant,
    limit: Duration,
) -> Result<Vec<IpAddr>, FetchError> {
    let addrs: Vec<IpAddr> = if let Ok(ip) = url.host.parse::<IpAddr>() {
        vec![ip]
    } else {
        let (tx, rx) = std::sync::mpsc::channel();
        let target = (url.host.clone(), url.port);
        std::thread::spawn(move || {
            let _ = tx.send(
                target
                    .to_socket_addrs()
                    .map(|a| a.map(|s: SocketAddr| s.ip()).collect::<Vec<_>>()),
            );
        });
        let wait = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => return Err(FetchError::Resolve(format!("{}: {e}", url.host))),
            Err(_) => return Err(FetchError::TimedOut(limit)),
        }
    };
    if addrs.is_empty() {
        return Err(FetchError::Resolve(format!("{}: no addresses", url.host)));
    }
    if !url.allow_private {
        if let Some(bad) = addrs.iter().find(|a| !is_public(**a)) {
            return Err(FetchError::PrivateAddress {
                host: url.host.clone(),
                address: *bad,
            });
        }
    }
    let mut unique = Vec::new();
    for a in addrs {
        if !unique.contains(&a) {
            unique.push(a);
        }
    }
    Ok(unique)
}

/// A branch or tag name safe to hand to `git clone --branch`.
fn check_ref(r: &str) -> Result<(), FetchError> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.');
    if r.is_empty()
        || r.len() > 255
        || r.starts_with(['-', '/', '.'])
        || r.ends_with(['/', '.'])
        || r.contains("..")
        || r.contains("//")
        || !r.chars().all(ok)
        || r.ends_with(".lock")
    {
        return Err(FetchError::BadRef(r.chars().take(80).collect()));
    }
    Ok(())
}

/// Fetch the default branch of `url` under `policy`.
pub fn fetch(url: &str, policy: &FetchPolicy) -> Result<Checkout, FetchError> {
    fetch_ref(url, None, policy)
}

/// Fetch `url` (at the branch or tag `reference`, or the default branch).
pub fn fetch_ref(
    url: &str,
    reference: Option<&str>,
    policy: &FetchPolicy,
) -> Result<Checkout, FetchError> {
    let remote = Remote::prepare(url, policy, |_| match reference {
        Some(r) => check_ref(r),
        None => Ok(()),
    })?;
    let root = remote.dir.path().join("repo");
    let mut cmd = remote.git()?;
    cmd.args([
        "clone",
        "--quiet",
        "--depth",
        "1",
        "--no-tags",
        "--single-branch",
        "--no-recurse-submodules",
    ]);
    if let Some(r) = reference {
        cmd.arg("--branch").arg(r);
    }
    cmd.arg("--").arg(remote.checked.url()).arg(&root);
    cmd.stdout(Stdio::null());
    remote.run(&mut cmd, &root)?;
    let size = dir_size(&root);
    if size > policy.max_bytes {
        return Err(FetchError::TooLarge(policy.max_bytes));
    }
    let out = isolated_git(&remote.home)
        .arg("-C")
        .arg(&root)
        .args(["rev-parse", "--verify", "HEAD"])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| FetchError::Io(format!("cannot run git: {e}")))?;
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || commit.is_empty() {
        let message = remote
            .last_error_line()
            .unwrap_or_else(|| "no commit checked out".into());
        return Err(FetchError::Git(message));
    }
    Ok(Checkout {
        url: remote.checked.url(),
        dir: remote.dir,
        root,
        commit,
    })
}

/// The commit the default branch of `url` points at (`git ls-remote URL
/// HEAD`), without cloning: the same URL checks, address checks and
/// pinning, isolated environment and time limit as [`fetch`]; the listing
/// is bounded by the size limit.
pub fn remote_head(url: &str, policy: &FetchPolicy) -> Result<String, FetchError> {
    let remote = Remote::prepare(url, policy, |_| Ok(()))?;
    let out_path = remote.dir.path().join("git-stdout");
    let stdout = std::fs::File::create(&out_path)
        .map_err(|e| FetchError::Io(format!("cannot create a temporary file: {e}")))?;
    let mut cmd = remote.git()?;
    cmd.args(["ls-remote", "--"])
        .arg(remote.checked.url())
        .arg("HEAD");
    cmd.stdout(stdout);
    remote.run(&mut cmd, remote.dir.path())?;
    let listing = std::fs::read(&out_path)
        .map_err(|e| FetchError::Io(format!("cannot read git's output: {e}")))?;
    let listing = String::from_utf8_lossy(&listing);
    listing
        .lines()
        .find_map(|line| {
            let (id, name) = line.split_once('\t')?;
            let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
            (name.trim() == "HEAD" && matches!(id.len(), 40 | 64) && hex(id))
                .then(|| id.to_ascii_lowercase())
        })
        .ok_or_else(|| FetchError::Git("the repository is empty or has no default branch".into()))
}

/// One git run against a checked remote: the URL checked, its addresses
/// resolved and checked, a private temporary directory (with an empty
/// HOME and git's stderr) removed on every exit path.
struct Remote {
    checked: CheckedUrl,
    addrs: Vec<IpAddr>,
    dir: tempfile::TempDir,
    home: PathBuf,
    stderr_path: PathBuf,
    deadline: Instant,
    policy: FetchPolicy,
}

impl Remote {
    /// Check `url` (and whatever `extra` checks, before any network use),
    /// resolve it, make the temporary directory.
    fn prepare(
        url: &str,
        policy: &FetchPolicy,
        extra: impl FnOnce(&CheckedUrl) -> Result<(), FetchError>,
    ) -> Result<Remote, FetchError> {
        let deadline = Instant::now() + policy.timeout;
        let checked = check_url(url, policy)?;
        extra(&checked)?;
        let addrs = resolve(&checked, deadline, policy.timeout)?;
        let mut builder = tempfile::Builder::new();
        builder.prefix("skillaudit-fetch-");
        let dir = match &policy.work_dir {
            Some(d) => builder.tempdir_in(d),
            None => builder.tempdir(),
        }
        .map_err(|e| FetchError::Io(format!("cannot create a temporary directory: {e}")))?;
        let home = dir.path().join("home");
        std::fs::create_dir(&home)
            .map_err(|e| FetchError::Io(format!("cannot create a temporary directory: {e}")))?;
        let stderr_path = dir.path().join("git-stderr");
        Ok(Remote {
            checked,
            addrs,
            dir,
            home,
            stderr_path,
            deadline,
            policy: policy.clone(),
        })
    }

    /// Isolated git, only the URL's protocol, no redirects, TLS verified,
    /// the checked addresses pinned; stderr to the temporary directory.
    fn git(&self) -> Result<Command, FetchError> {
        let stderr = std::fs::File::create(&self.stderr_path)
            .map_err(|e| FetchError::Io(format!("cannot create a temporary file: {e}")))?;
        let mut cmd = isolated_git(&self.home);
        cmd.args([
            "-c",
            "protocol.allow=never",
            "-c",
            &format!("protocol.{}.allow=always", self.checked.scheme.as_str()),
        ]);
        cmd.args([
            "-c",
            "http.followRedirects=false",
            "-c",
            "http.sslVerify=true",
        ]);
        if self.checked.host.parse::<IpAddr>().is_err() {
            // Pin the addresses that were checked: git connects to nothing else.
            let list: Vec<String> = self
                .addrs
                .iter()
                .map(|a| {
                    if a.is_ipv6() {
                        format!("[{a}]")
                    } else {
                        a.to_string()
                    }
                })
                .collect();
            cmd.args([
                "-c",
                &format!(
                    "http.curloptResolve={}:{}:{}",
                    self.checked.host,
                    self.checked.port,
                    list.join(",")
                ),
            ]);
        }
        cmd.stderr(stderr);
        Ok(cmd)
    }

    /// Run `cmd` under the time limit, watching the size of `watch`.
    fn run(&self, cmd: &mut Command, watch: &Path) -> Result<(), FetchError> {
        run_limited(cmd, watch, self.deadline, &self.policy).map_err(|e| match e {
            FetchError::Git(status) => FetchError::Git(self.last_error_line().unwrap_or(status)),
            other => other,
        })
    }

    /// git's last error line, the temporary directory's path hidden.
    fn last_error_line(&self) -> Option<String> {
        let line = last_error_line(&self.stderr_path)?;
        Some(line.replace(&self.dir.path().display().to_string(), "<checkout>"))
    }
}

/// git with nothing of the user's or the system's configuration.
fn isolated_git(home: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "/bin/true")
        .env("SSH_ASKPASS", "/bin/true")
        .env("GIT_LFS_SKIP_SMUDGE", "1")
        .env("GIT_PROTOCOL_FROM_USER", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    with_safety_config(&mut cmd);
    cmd.args(["-c", "credential.helper=", "-c", "core.askPass=/bin/true"]);
    cmd
}

/// Configuration every clone runs with, trusted or not: no hooks, no LFS
/// smudging, no fsmonitor (which would run a program named by config).
const SAFETY_CONFIG: [&str; 5] = [
    "core.hooksPath=/dev/null",
    "filter.lfs.smudge=",
    "filter.lfs.process=",
    "filter.lfs.required=false",
    "core.fsmonitor=false",
];

/// Adds [`SAFETY_CONFIG`] as `-c` options (before the git subcommand).
pub(crate) fn with_safety_config(cmd: &mut Command) -> &mut Command {
    for c in SAFETY_CONFIG {
        cmd.arg("-c").arg(c);
    }
    cmd
}

/// Run git in its own process group; kill the group at the deadline or when
/// `watch` grows past the size limit.
fn run_limited(
    cmd: &mut Command,
    watch: &Path,
    deadline: Instant,
    policy: &FetchPolicy,
) -> Result<(), FetchError> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| FetchError::Io(format!("cannot run git: {e}")))?;
    let stop = |child: &mut std::process::Child| {
        kill_group(child);
        let _ = child.wait();
    };
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                // Whatever git left behind in its group goes too.
                kill_group(&mut child);
                if status.success() {
                    return Ok(());
                }
                // The caller replaces this with git's own message.
                return Err(FetchError::Git(format!("git exited with {status}")));
            }
            Ok(None) => {}
            Err(e) => {
                stop(&mut child);
                return Err(FetchError::Io(format!("cannot wait for git: {e}")));
            }
        }
        if Instant::now() >= deadline {
            stop(&mut child);
            return Err(FetchError::TimedOut(policy.timeout));
        }
        if dir_size(watch) > policy.max_bytes {
            stop(&mut child);
            return Err(FetchError::TooLarge(policy.max_bytes));
        }
        std::thread::sleep(
            policy
                .poll_interval
                .min(deadline.saturating_duration_since(Instant::now()))
                .max(Duration::from_millis(1)),
        );
    }
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) with a negative pid signals the process group
            // created for this child (process_group(0)); no memory is touched.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
}

/// Bytes under `dir`, without following symbolic links.
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0u64;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total = total.saturating_add(meta.len());
            }
        }
    }
    total
}

/// The last `fatal:`/`error:` line git wrote, shortened.
fn last_error_line(path: &Path) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .or_else(|| text.lines().rev().find(|l| !l.trim().is_empty()))?;
    let line = line
        .trim_start_matches("fatal: ")
        .trim_start_matches("error: ");
    Some(line.chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> IpAddr {
        IpAddr::V4(s.parse().unwrap())
    }
    fn v6(s: &str) -> IpAddr {
        IpAddr::V6(s.parse().unwrap())
    }

    #[test]
    fn non_public_addresses() {
        for a in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "239.1.1.1",
            "255.255.255.255",
            "100.64.0.1",
            "198.18.0.1",
        ] {
            assert!(!is_public(v4(a)), "{a}");
        }
        for a in [
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "fec0::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(v6(a)), "{a}");
        }
        for a in [
            "140.82.112.3",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
        ] {
            assert!(is_public(v4(a)), "{a}");
        }
        for a in [
            "2606:4700::1111",
            "::ffff:140.82.112.3",
            "2a01:4f8::1",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(v6(a)), "{a}");
        }
    }

    #[test]
    fn url_checks() {
        let p = FetchPolicy::default();
        let ok = check_url("https://github.com/owner/repo", &p).unwrap();
        assert_eq!(ok.url(), "https://github.com/owner/repo");
        assert_eq!(
            check_url("HTTPS://GitHub.com:443/o/r.git", &p)
                .unwrap()
                .url(),
            "https://github.com/o/r.git"
        );
        for u in [
            "https://github.com/o/r",
            "https://GitHub.com/o/r.git",
            "https://github.com:443/o/r/",
            "https://github.com/o/r.git/",
        ] {
            assert_eq!(
                check_url(u, &p).unwrap().source_key(),
                "https://github.com/o/r",
                "{u}"
            );
        }
        let refused = |u: &str| check_url(u, &p).unwrap_err();
        assert!(matches!(
            refused("http://github.com/o/r"),
            FetchError::Scheme(_)
        ));
        assert!(matches!(refused("file:///etc"), FetchError::Scheme(s) if s == "file://"));
        assert!(matches!(
            refused("ssh://git@github.com/o/r"),
            FetchError::Scheme(_)
        ));
        assert!(matches!(
            refused("git://github.com/o/r"),
            FetchError::Scheme(_)
        ));
        assert!(matches!(
            refused("ext::sh -c touch% /tmp/x"),
            FetchError::Malformed(_) | FetchError::Scheme(_)
        ));
        assert!(matches!(refused("ext::sh"), FetchError::Scheme(_)));
        assert!(matches!(refused("fd::3"), FetchError::Scheme(_)));
        assert!(matches!(
            refused("git@github.com:o/r.git"),
            FetchError::Scheme(_)
        ));
        assert!(matches!(refused("github.com:o/r"), FetchError::Scheme(_)));
        assert!(matches!(
            refused("https::github.com/o/r"),
            FetchError::Scheme(_)
        ));
        assert!(matches!(
            refused("https://github.com/o/r::x"),
            FetchError::Malformed(_)
        ));
        assert!(matches!(
            refused("-uhttps://github.com/o/r"),
            FetchError::OptionLike
        ));
        assert!(matches!(
            refused("--upload-pack=touch /tmp/x"),
            FetchError::OptionLike
        ));
        assert!(matches!(
            refused("https://user:tok@github.com/o/r"),
            FetchError::Credentials
        ));
        assert!(matches!(
            refused("https://tok@github.com/o/r"),
            FetchError::Credentials
        ));
        assert!(
            matches!(refused("https://evil.com/o/r"), FetchError::HostNotAllowed(h) if h == "evil.com")
        );
        assert!(matches!(
            refused("https://github.com.evil.com/o/r"),
            FetchError::HostNotAllowed(_)
        ));
        assert!(
            matches!(refused("https://github.com:8443/o/r"), FetchError::HostNotAllowed(h) if h == "github.com:8443")
        );
        assert!(matches!(
            refused("https://github.com\\@evil.com/o/r"),
            FetchError::Malformed(_) | FetchError::Credentials
        ));
        assert!(matches!(
            refused("https://github.com#@evil.com/o/r"),
            FetchError::Malformed(_)
        ));
        assert!(matches!(
            refused("https://github.com/o/r?x=1"),
            FetchError::Malformed(_)
        ));
        assert!(matches!(
            refused("https://github.com/o/../r"),
            FetchError::Malformed(_)
        ));
        assert!(matches!(
            refused("https://github.com/o/%2e%2e"),
            FetchError::Malformed(_)
        ));
        assert!(matches!(
            refused("https://github.com/"),
            FetchError::Malformed(_)
        ));
        assert!(matches!(
            refused("https://git hub.com/o/r"),
            FetchError::Malformed(_)
        ));
        assert!(matches!(
            refused("https://127.0.0.1/o/r"),
            FetchError::HostNotAllowed(_)
        ));
        assert!(matches!(refused(""), FetchError::Malformed(_)));
    }

    #[test]
    fn explicit_hosts() {
        let p = FetchPolicy::none().allow(
            AllowedHost::explicit("127.0.0.1:8080")
                .unwrap()
                .allow_http(),
        );
        assert!(check_url("http://127.0.0.1:8080/r.git", &p).is_ok());
        assert!(matches!(
            check_url("http://127.0.0.1:8081/r.git", &p).unwrap_err(),
            FetchError::HostNotAllowed(_)
        ));
        assert!(matches!(
            check_url("http://127.0.0.1/r.git", &p).unwrap_err(),
            FetchError::HostNotAllowed(_)
        ));
        let p = FetchPolicy::none().allow(AllowedHost::explicit("[::1]:9").unwrap());
        assert_eq!(
            check_url("https://[::1]:9/r", &p).unwrap().url(),
            "https://[::1]:9/r"
        );
        assert!(matches!(
            check_url("http://[::1]:9/r", &p).unwrap_err(),
            FetchError::Scheme(_)
        ));
        // Known non-public without DNS: refused by check_url already.
        for spec in ["[::1]:9", "10.0.0.1:9", "localhost:9", "a.localhost:9"] {
            let p = FetchPolicy::none()
                .allow(AllowedHost::explicit(spec).unwrap().allow_private(false));
            let url = format!("https://{spec}/r");
            assert!(
                matches!(
                    check_url(&url, &p).unwrap_err(),
                    FetchError::PrivateAddress { .. }
                ),
                "{url}"
            );
        }
        let p = FetchPolicy::none().allow(
            AllowedHost::explicit("8.8.8.8:9")
                .unwrap()
                .allow_private(false),
        );
        assert!(check_url("https://8.8.8.8:9/r", &p).is_ok());
        assert!(AllowedHost::explicit("a b").is_err());
        assert!(AllowedHost::explicit("host:99999").is_err());
    }

    #[test]
    fn refs() {
        assert!(check_ref("main").is_ok());
        assert!(check_ref("release/v1.2").is_ok());
        for r in [
            "-b",
            "--upload-pack=x",
            "a..b",
            "",
            "a b",
            "x.lock",
            "/x",
            "a//b",
        ] {
            assert!(check_ref(r).is_err(), "{r}");
        }
    }
}
