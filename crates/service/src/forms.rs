//! The forms of a repository address people paste, turned into the
//! repository's URL before it is checked ([`normalise`]).
//!
//! - `github.com/owner/repo` (no scheme) → `https://github.com/owner/repo`;
//! - a page inside the repository — `…/owner/repo/tree/main/src`,
//!   `…/blob/main/README.md`, `…/commit/…`, `…/issues`, GitLab's
//!   `…/group/repo/-/tree/main`, Codeberg's `…/src/branch/main` — → the
//!   repository (the default branch is audited);
//! - `www.github.com` → `github.com`; a `?query` or `#fragment` of such a
//!   page is dropped.
//!
//! Everything else is left exactly as typed, for [`fetch::check_url`] to
//! judge (credentials, `git@host:` forms, odd characters are refused
//! there, not repaired here).
//!
//! [`fetch::check_url`]: skillaudit_engine::fetch::check_url

/// Hosts whose repositories are exactly `/owner/repo`.
const TWO_SEGMENT_HOSTS: &[&str] = &["github.com", "codeberg.org"];

/// Path segments that start a page inside a repository (after at least
/// `owner/repo`) on GitHub, Gitea/Forgejo and GitLab (`-`).
const PAGE_SEGMENTS: &[&str] = &[
    "-", "tree", "blob", "src", "commit", "commits", "raw", "blame", "issues", "pulls", "pull",
    "releases", "tags", "branches", "actions", "wiki",
];

/// The repository URL a pasted address means (see the module comment).
pub fn normalise(input: &str) -> String {
    let input = input.trim();
    if input.is_empty() || input.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return input.to_string();
    }
    let (scheme, rest) = match input.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        // Only a bare `host/owner/repo` whose host has a dot and no user or
        // port trickery gets a scheme.
        None => {
            let host = input.split('/').next().unwrap_or("");
            if !host.contains('.') || host.contains(['@', ':']) || !input.contains('/') {
                return input.to_string();
            }
            ("https".to_string(), input)
        }
    };
    if scheme != "https" && scheme != "http" {
        return input.to_string();
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.contains('@') {
        return input.to_string();
    }
    let host = authority.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let known = TWO_SEGMENT_HOSTS.contains(&host.as_str()) || host == "gitlab.com";
    // A query or fragment is a page's, only for hosts whose pages we know.
    let path = if known {
        path.split(['?', '#']).next().unwrap_or("")
    } else {
        path
    };
    let segments: Vec<&str> = path.split('/').collect();
    let keep = if TWO_SEGMENT_HOSTS.contains(&host.as_str()) {
        segments.len().min(2)
    } else {
        // The first page segment after owner/repo ends the repository.
        segments
            .iter()
            .enumerate()
            .skip(2)
            .find(|(_, s)| PAGE_SEGMENTS.contains(s))
            .map_or(segments.len(), |(i, _)| i)
    };
    let path = segments[..keep].join("/");
    let authority = if known { host.as_str() } else { authority };
    format!("{scheme}://{authority}/{path}")
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn pasted_forms_become_the_repository() {
        for (input, want) in [
            ("github.com/o/r", "https://github.com/o/r"),
            ("  github.com/o/r.git\n", "https://github.com/o/r.git"),
            ("https://github.com/o/r", "https://github.com/o/r"),
            (
                "https://github.com/o/r/tree/main/servers/fetch",
                "https://github.com/o/r",
            ),
            (
                "https://github.com/o/r/blob/main/README.md#L10",
                "https://github.com/o/r",
            ),
            ("https://www.github.com/o/r/", "https://github.com/o/r"),
            (
                "https://github.com/o/r?tab=readme",
                "https://github.com/o/r",
            ),
            ("https://GitHub.com/o/r/issues/3", "https://github.com/o/r"),
            (
                "https://gitlab.com/group/sub/repo/-/tree/main/src",
                "https://gitlab.com/group/sub/repo",
            ),
            (
                "gitlab.com/group/sub/repo",
                "https://gitlab.com/group/sub/repo",
            ),
            (
                "https://codeberg.org/o/r/src/branch/main/x",
                "https://codeberg.org/o/r",
            ),
            (
                "http://127.0.0.1:8080/o/r/tree/main/docs",
                "http://127.0.0.1:8080/o/r",
            ),
            (
                "http://127.0.0.1:8080/o/r.git",
                "http://127.0.0.1:8080/o/r.git",
            ),
        ] {
            assert_eq!(normalise(input), want, "{input}");
        }
    }

    #[test]
    fn everything_else_is_left_for_the_url_check() {
        for input in [
            "",
            "not a url",
            "git@github.com:o/r.git",
            "ssh://git@github.com/o/r",
            "https://user:token@github.com/o/r/tree/x",
            "file:///etc",
            "localhost/o/r",
            "github.com",
            "-uhttps://github.com/o/r",
            "https://git.example/o/r?x=1",
        ] {
            assert_eq!(normalise(input), input.trim(), "{input}");
        }
    }
}
