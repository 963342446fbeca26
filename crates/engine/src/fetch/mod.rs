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

mod addr;
mod git;
mod url;

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use addr::is_public;
pub(crate) use git::with_safety_config;
pub use git::{fetch, fetch_ref, remote_head, Checkout, SHALLOW_CLONE};
pub use url::{check_url, CheckedUrl};

use url::{normalise_host, split_host_port, Scheme};

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

#[cfg(test)]
mod tests;
