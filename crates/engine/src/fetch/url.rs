//! The URL checks, before anything touches the network: [`check_url`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::addr::is_public;
use super::{FetchError, FetchPolicy};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scheme {
    Https,
    Http,
}

impl Scheme {
    pub(super) fn default_port(self) -> u16 {
        match self {
            Scheme::Https => 443,
            Scheme::Http => 80,
        }
    }
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }
}

/// A URL that passed every check but the address one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedUrl {
    pub(super) scheme: Scheme,
    /// Lower case, IPv6 without brackets.
    pub host: String,
    pub port: u16,
    /// Begins with `/`.
    pub path: String,
    pub(super) allow_private: bool,
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
    let (scheme, rest) = split_scheme(url)?;
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
    if !entry.allow_private {
        check_public(&host)?;
    }
    Ok(CheckedUrl {
        scheme,
        host,
        port,
        path: path.to_string(),
        allow_private: entry.allow_private,
    })
}

/// The scheme of a URL (`https://` or `http://`) and what follows it; an
/// error naming any other scheme, transport helper or scp-like address.
fn split_scheme(url: &str) -> Result<(Scheme, &str), FetchError> {
    let lower = url.to_ascii_lowercase();
    match lower.split_once("://") {
        Some(("https", _)) => Ok((Scheme::Https, &url["https://".len()..])),
        Some(("http", _)) => Ok((Scheme::Http, &url["http://".len()..])),
        Some((s, _)) if !s.contains("::") && !s.contains('/') && !s.contains('@') => {
            Err(FetchError::Scheme(format!("{s}://")))
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
            Err(FetchError::Malformed(
                "not a URL (https://host/owner/repo)".into(),
            ))
        }
    }
}

/// Refuse a host known to be non-public without asking DNS: IP literals and
/// `localhost` names (RFC 6761). Names are checked again when resolved.
fn check_public(host: &str) -> Result<(), FetchError> {
    let address = match host.parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) if host == "localhost" || host.ends_with(".localhost") => {
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        }
        Err(_) => None,
    };
    match address.filter(|a| !is_public(*a)) {
        Some(address) => Err(FetchError::PrivateAddress {
            host: host.to_string(),
            address,
        }),
        None => Ok(()),
    }
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

pub(super) fn normalise_host(h: &str) -> String {
    h.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// `host`, `host:port`, `[v6]`, `[v6]:port` → (lower-case host, port).
pub(super) fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
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
