//! Addresses built from a stored audit: the repository's own pages (a
//! finding's file and line at the audited commit, on the hosts whose URL
//! layout is known) and this service's permanent page and badge of a
//! repository, and the formats an audit is downloaded in. Every part taken
//! from the store is percent-encoded.

use crate::html::segment;

/// The formats an audit is offered in (`/audits/{id}/{format}`, served by
/// `download`), as (path segment, label).
pub const FORMATS: [(&str, &str); 3] = [
    ("sarif", "SARIF"),
    ("json", "JSON"),
    ("markdown", "Markdown"),
];

/// A host whose file pages are known: how to link `path` at `commit`.
fn blob(host: &str, repo: &str, commit: &str, path: &str) -> Option<String> {
    match host {
        "github.com" => Some(format!("https://github.com/{repo}/blob/{commit}/{path}")),
        "gitlab.com" => Some(format!("https://gitlab.com/{repo}/-/blob/{commit}/{path}")),
        "codeberg.org" => Some(format!(
            "https://codeberg.org/{repo}/src/commit/{commit}/{path}"
        )),
        _ => None,
    }
}

/// `https://host/owner/repo(.git)` → (host, [owner, …, repo]).
fn parts(source: &str) -> Option<(String, Vec<&str>)> {
    let rest = source
        .strip_prefix("https://")
        .or_else(|| source.strip_prefix("http://"))?;
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    let (host, path) = rest.split_once('/')?;
    let segments: Vec<&str> = path.split('/').collect();
    if host.is_empty() || segments.len() < 2 || segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    Some((host.to_ascii_lowercase(), segments))
}

/// The page of `path` at `line` in `source` at `commit` (GitHub, GitLab,
/// Codeberg), or `None` for other hosts and odd values.
pub fn source_line(source: &str, commit: &str, path: &str, line: u32) -> Option<String> {
    if !source.starts_with("https://")
        || !(7..=64).contains(&commit.len())
        || !commit.bytes().all(|b| b.is_ascii_hexdigit())
        || path.is_empty()
    {
        return None;
    }
    let (host, repo) = parts(source)?;
    let repo: Vec<String> = repo.iter().map(|s| segment(s)).collect();
    let file: Vec<String> = path.split('/').map(segment).collect();
    let url = blob(&host, &repo.join("/"), commit, &file.join("/"))?;
    Some(format!("{url}#L{line}"))
}

/// This service's permanent page of a repository with the latest audit:
/// `/repos/{host}/{owner}/{repo}` (repositories at `host/owner/repo`).
pub fn repository_page(source: &str) -> Option<String> {
    let (host, repo) = parts(source)?;
    (repo.len() == 2).then(|| {
        format!(
            "/repos/{}/{}/{}",
            segment(&host),
            segment(repo[0]),
            segment(repo[1])
        )
    })
}

/// The repository's badge: `/badge/{host}/{owner}/{repo}.svg`.
pub fn badge(source: &str) -> Option<String> {
    let (host, repo) = parts(source)?;
    (repo.len() == 2).then(|| {
        format!(
            "/badge/{}/{}/{}.svg",
            segment(&host),
            segment(repo[0]),
            segment(repo[1])
        )
    })
}

/// The sources a `host/owner/repo` of this service's paths may be stored
/// under (https or http, with or without `.git`).
pub fn sources(host: &str, owner: &str, repo: &str) -> Vec<String> {
    let host = host.to_ascii_lowercase();
    ["https", "http"]
        .iter()
        .flat_map(|scheme| {
            let base = format!("{scheme}://{host}/{owner}/{repo}");
            [format!("{base}.git"), base]
        })
        .collect()
}

/// The absolute base of this service's URLs: the configured public URL, or
/// `http://` + the request's `Host` when that is a plain `host[:port]`.
pub fn base(public_url: Option<&str>, host_header: Option<&str>) -> Option<String> {
    if let Some(p) = public_url {
        return Some(p.trim_end_matches('/').to_string());
    }
    let host = host_header?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then(|| format!("http://{host}"))
}

/// The Markdown of a badge that links to the repository's page.
pub fn badge_markdown(base: &str, source: &str) -> Option<String> {
    Some(format!(
        "[![skillaudit]({base}{})]({base}{})",
        badge(source)?,
        repository_page(source)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn file_links_on_known_hosts_only() {
        assert_eq!(
            source_line("https://github.com/o/r", C, "a b/Dockerfile", 3).as_deref(),
            Some(
                "https://github.com/o/r/blob/0123456789abcdef0123456789abcdef01234567/a%20b/Dockerfile#L3"
            )
        );
        assert_eq!(
            source_line("https://gitlab.com/g/s/r.git", C, "x", 1).as_deref(),
            Some(format!("https://gitlab.com/g/s/r/-/blob/{C}/x#L1").as_str())
        );
        assert!(source_line("https://codeberg.org/o/r", C, "x", 1)
            .unwrap()
            .starts_with("https://codeberg.org/o/r/src/commit/"));
        assert_eq!(source_line("http://127.0.0.1:9/o/r", C, "x", 1), None);
        assert_eq!(source_line("https://git.example/o/r", C, "x", 1), None);
        assert_eq!(
            source_line("https://github.com/o/r", "main\"", "x", 1),
            None
        );
        assert_eq!(
            source_line("https://github.com/o/r\"><x", C, "x", 1).as_deref(),
            Some(format!("https://github.com/o/r%22%3E%3Cx/blob/{C}/x#L1").as_str())
        );
    }

    #[test]
    fn repository_pages_badges_and_snippets() {
        assert_eq!(
            repository_page("https://github.com/o/r.git").as_deref(),
            Some("/repos/github.com/o/r")
        );
        assert_eq!(
            badge("http://127.0.0.1:8080/o/r").as_deref(),
            Some("/badge/127.0.0.1%3A8080/o/r.svg")
        );
        assert_eq!(repository_page("/tmp/x"), None);
        assert_eq!(repository_page("https://gitlab.com/g/s/r"), None);
        assert_eq!(
            badge_markdown("https://audit.example", "https://github.com/o/r").as_deref(),
            Some("[![skillaudit](https://audit.example/badge/github.com/o/r.svg)](https://audit.example/repos/github.com/o/r)")
        );
        assert_eq!(
            base(None, Some("127.0.0.1:8080")).as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(base(None, Some("x\"><y")), None);
        assert_eq!(
            base(Some("https://a.example/"), Some("evil")).as_deref(),
            Some("https://a.example")
        );
    }
}
