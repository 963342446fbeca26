//! `.dockerignore` patterns, matched as BuildKit does (moby/patternmatcher
//! and its `ignorefile` reader).
//!
//! # The file
//!
//! * A line whose first character is `#` is a comment (BuildKit checks this
//!   *before* trimming, so `  # x` is the pattern `# x`). A UTF-8 byte-order
//!   mark at the start of the file is ignored.
//! * Each other line is trimmed; blank lines are skipped.
//! * A leading `!` (optionally followed by spaces) makes the pattern an
//!   exception that re-includes what it matches.
//! * The pattern is cleaned like Go's `filepath.Clean` (`./foo` → `foo`,
//!   `a//b/../c` → `a/c`, `dir/` → `dir`) and a leading `/` is removed: the
//!   context root is the only root.
//!
//! # A pattern
//!
//! As Go's `filepath.Match`: `*` is any run of characters except `/`, `?`
//! one character except `/`, `[…]` a character class (`[^…]` negated,
//! `a-z` ranges, `\` escapes), `\x` the literal `x`. In addition `**`
//! matches any number of directories, including none: `**/.env` matches
//! `.env` and `a/b/.env`, `foo/**` everything below `foo`.
//!
//! Patterns that are not valid for `filepath.Match` (an unclosed `[`, an
//! empty class, a trailing `\`) or a lone `!` make Docker reject the whole
//! file; here they are skipped and the rest of the file still applies.
//!
//! # Matching
//!
//! A path is excluded when the last pattern that matches it, or one of its
//! parent directories, is not an exception. Like moby, the comparison has
//! three fast forms besides the general regular expression, which also
//! reproduce its edge cases: a pattern without wildcards is compared for
//! equality, `prefix**` by prefix (so `foo/**` matches `foo/x` but not
//! `foo` itself), and `**suffix` without other wildcards by suffix.

use regex::Regex;

/// A compiled `.dockerignore` file.
#[derive(Clone, Debug, Default)]
pub struct DockerIgnore {
    /// The valid patterns, in file order.
    patterns: Vec<Pattern>,
}

/// One pattern of the file.
#[derive(Clone, Debug)]
struct Pattern {
    /// `!pattern`: re-include what matches.
    exception: bool,
    matcher: Matcher,
}

/// How a cleaned pattern is compared with a cleaned path (moby's match
/// types).
#[derive(Clone, Debug)]
enum Matcher {
    /// No wildcards: the path equals the pattern.
    Exact(String),
    /// `literal**`: the path starts with `literal`.
    Prefix(String),
    /// `**literal` (usually `**/name`): the path ends with `literal`, or,
    /// when `literal` starts with `/`, is the rest of it.
    Suffix(String),
    /// Anything else, translated to an anchored regular expression.
    Regex(Regex),
}

impl Matcher {
    fn matches(&self, path: &str) -> bool {
        match self {
            Matcher::Exact(pattern) => path == pattern,
            Matcher::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Matcher::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|rest| path == rest)
            }
            Matcher::Regex(regex) => regex.is_match(path),
        }
    }
}

impl DockerIgnore {
    /// Compile the file's patterns; invalid patterns are skipped.
    pub fn parse(text: &str) -> DockerIgnore {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let patterns = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(Pattern::parse)
            .collect();
        DockerIgnore { patterns }
    }

    /// Is `path` (relative to the build context, `/`-separated) left out of
    /// the context? A path is also excluded when one of its parent
    /// directories is; the last matching pattern wins and `!` re-includes.
    pub fn is_excluded(&self, path: &str) -> bool {
        let cleaned = clean(path);
        let path = cleaned.trim_start_matches('/');
        if path.is_empty() || path == "." {
            // The context itself is never excluded.
            return false;
        }
        // The parent directories, outermost first: `a`, `a/b` for `a/b/c`.
        let parents: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();

        let mut excluded = false;
        for pattern in &self.patterns {
            // An exclusion can only change an included path and an exception
            // only an excluded one (moby skips the others the same way).
            if pattern.exception != excluded {
                continue;
            }
            let matches = pattern.matcher.matches(path)
                || parents.iter().any(|parent| pattern.matcher.matches(parent));
            if matches {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

impl Pattern {
    /// One line of the file (not a comment); `None` for blank or invalid
    /// lines.
    fn parse(line: &str) -> Option<Pattern> {
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        let (exception, rest) = match line.strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        if rest.is_empty() {
            // A lone `!` is an error for Docker.
            return None;
        }
        let cleaned = clean(rest);
        let pattern = match cleaned.strip_prefix('/') {
            Some(relative) if !relative.is_empty() => relative,
            _ => cleaned.as_str(),
        };
        Some(Pattern {
            exception,
            matcher: compile(pattern)?,
        })
    }
}

/// Go's `path.Clean`: collapse `//`, drop `.` segments, resolve `..`
/// lexically and drop a trailing `/`; the empty path is `.`.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.last().is_some_and(|last| *last != "..") {
                    segments.pop();
                } else if !rooted {
                    // `..` above the root is the root; above a relative
                    // start it is kept.
                    segments.push("..");
                }
            }
            _ => segments.push(segment),
        }
    }
    let joined = segments.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// How far the translation has decided the pattern needs to go (moby's
/// `detectedType`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exact,
    Prefix,
    Suffix,
    Regex,
}

/// Translate a cleaned pattern into a [`Matcher`], following moby's
/// `Pattern.compile` but with Go `filepath.Match` syntax checks and character
/// classes translated item by item. `None` if the pattern is invalid.
fn compile(pattern: &str) -> Option<Matcher> {
    let mut regex = String::from("^");
    let mut kind = Kind::Exact;
    let mut chars = pattern.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                // `**/` is treated as `**`: the `/` is optional.
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    // A trailing `**` matches everything below.
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        regex.push_str(".*");
                        kind = Kind::Regex;
                    }
                } else {
                    // Any number of directories, including none.
                    regex.push_str("(?:.*/)?");
                    kind = Kind::Regex;
                }
                if first {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                regex.push_str("[^/]*");
                kind = Kind::Regex;
            }
            '?' => {
                regex.push_str("[^/]");
                kind = Kind::Regex;
            }
            '\\' => {
                // `\x` is a literal `x`; a trailing `\` is invalid.
                let escaped = chars.next()?;
                regex.push_str(&regex::escape(escaped.encode_utf8(&mut [0; 4])));
                kind = Kind::Regex;
            }
            '[' => {
                regex.push_str(&character_class(&mut chars)?);
                kind = Kind::Regex;
            }
            _ => regex.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
        first = false;
    }
    Some(match kind {
        Kind::Exact => Matcher::Exact(pattern.to_string()),
        // Strip the `**` (only ever reached without wildcards before it).
        Kind::Prefix => Matcher::Prefix(pattern.strip_suffix("**")?.to_string()),
        Kind::Suffix => Matcher::Suffix(pattern.strip_prefix("**")?.to_string()),
        Kind::Regex => {
            regex.push('$');
            Matcher::Regex(Regex::new(&regex).ok()?)
        }
    })
}

/// Translate a `filepath.Match` character class whose `[` has been read,
/// consuming it up to its `]`. `None` when Go would report `ErrBadPattern`:
/// unclosed, empty (`[]`), a `-` or `]` where a character is expected, a
/// trailing `\`. A reversed range (`[z-a]`) matches nothing in Go and is
/// rejected here too.
fn character_class(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<String> {
    let mut class = String::from("[");
    if chars.peek() == Some(&'^') {
        chars.next();
        class.push('^');
    }
    let mut ranges = 0usize;
    loop {
        if ranges > 0 && chars.peek() == Some(&']') {
            chars.next();
            break;
        }
        let low = class_char(chars)?;
        let high = if chars.peek() == Some(&'-') {
            chars.next();
            class_char(chars)?
        } else {
            low
        };
        if low > high {
            return None;
        }
        class.push_str(&regex::escape(low.encode_utf8(&mut [0; 4])));
        if high != low {
            class.push('-');
            class.push_str(&regex::escape(high.encode_utf8(&mut [0; 4])));
        }
        ranges += 1;
    }
    class.push(']');
    Some(class)
}

/// One (possibly `\`-escaped) character of a class; Go's `getEsc`, which
/// also requires more of the pattern to follow (the closing `]`).
fn class_char(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<char> {
    let c = match chars.next()? {
        '-' | ']' => return None,
        '\\' => chars.next()?,
        c => c,
    };
    chars.peek()?;
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths of `paths` that `file` excludes.
    fn excluded<'a>(file: &str, paths: &[&'a str]) -> Vec<&'a str> {
        let ignore = DockerIgnore::parse(file);
        paths
            .iter()
            .copied()
            .filter(|p| ignore.is_excluded(p))
            .collect()
    }

    #[test]
    fn plain_name_is_anchored_at_the_root() {
        let ignore = DockerIgnore::parse(".env\n");
        assert!(ignore.is_excluded(".env"));
        assert!(!ignore.is_excluded("a/.env"));
        assert!(!ignore.is_excluded(".env.example"));
        assert!(!ignore.is_excluded(".envrc"));
    }

    #[test]
    fn double_star_matches_any_depth() {
        let ignore = DockerIgnore::parse("**/.env");
        assert!(ignore.is_excluded(".env"));
        assert!(ignore.is_excluded("a/.env"));
        assert!(ignore.is_excluded("a/b/c/.env"));
        assert!(!ignore.is_excluded("a/x.env"));
        assert!(!ignore.is_excluded(".env.local"));

        let ignore = DockerIgnore::parse("**/*.pem");
        assert!(ignore.is_excluded("key.pem"));
        assert!(ignore.is_excluded("certs/deep/key.pem"));

        let ignore = DockerIgnore::parse("a/**/b");
        assert!(ignore.is_excluded("a/b"));
        assert!(ignore.is_excluded("a/x/y/b"));
        assert!(ignore.is_excluded("a/x/b/c"));
        assert!(!ignore.is_excluded("b"));

        // `**` alone excludes everything.
        assert_eq!(excluded("**", &["a", "a/b", ".env"]), ["a", "a/b", ".env"]);
    }

    #[test]
    fn trailing_double_star_is_a_prefix() {
        let ignore = DockerIgnore::parse("secrets/**");
        assert!(ignore.is_excluded("secrets/a"));
        assert!(ignore.is_excluded("secrets/a/b"));
        // As in moby: the directory itself does not match `secrets/`.
        assert!(!ignore.is_excluded("secrets"));
        assert!(!ignore.is_excluded("secretsx/a"));
    }

    #[test]
    fn star_does_not_cross_directories() {
        let ignore = DockerIgnore::parse("*.pem");
        assert!(ignore.is_excluded("key.pem"));
        assert!(ignore.is_excluded(".pem"));
        assert!(!ignore.is_excluded("certs/key.pem"));

        let file = "*/temp*\n*/*/temp*\ntemp?";
        assert_eq!(
            excluded(
                file,
                &[
                    "somedir/temporary.txt",
                    "somedir/temp",
                    "somedir/subdir/temporary.txt",
                    "tempa",
                    "tempab",
                    "temp",
                    "temporary"
                ],
            ),
            [
                "somedir/temporary.txt",
                "somedir/temp",
                "somedir/subdir/temporary.txt",
                "tempa"
            ]
        );
    }

    #[test]
    fn question_mark_and_classes() {
        let ignore = DockerIgnore::parse("id_rsa?\nkey[0-9].pem\nx[^a-c]y\n[\\]]z");
        assert!(ignore.is_excluded("id_rsa2"));
        assert!(!ignore.is_excluded("id_rsa"));
        assert!(!ignore.is_excluded("id_rsa/"));
        assert!(ignore.is_excluded("key7.pem"));
        assert!(!ignore.is_excluded("keyA.pem"));
        assert!(ignore.is_excluded("xdy"));
        assert!(!ignore.is_excluded("xby"));
        assert!(ignore.is_excluded("]z"));
        // Regex metacharacters are literal.
        let ignore = DockerIgnore::parse("a.b\n(c)+\n{d,e}\n$f");
        assert!(ignore.is_excluded("a.b"));
        assert!(!ignore.is_excluded("axb"));
        assert!(ignore.is_excluded("(c)+"));
        assert!(ignore.is_excluded("{d,e}"));
        assert!(!ignore.is_excluded("d"));
        assert!(ignore.is_excluded("$f"));
        // A backslash escapes a wildcard.
        let ignore = DockerIgnore::parse("\\*.txt");
        assert!(ignore.is_excluded("*.txt"));
        assert!(!ignore.is_excluded("a.txt"));
    }

    #[test]
    fn directories_exclude_their_contents() {
        let ignore = DockerIgnore::parse("node_modules\n.git/\nbuild/*");
        assert!(ignore.is_excluded("node_modules"));
        assert!(ignore.is_excluded("node_modules/x/y"));
        assert!(ignore.is_excluded(".git/config"));
        assert!(ignore.is_excluded("build/out/bin"));
        assert!(!ignore.is_excluded("build"));
        assert!(!ignore.is_excluded("src/node_modules/x"));
        assert!(!ignore.is_excluded("node_modules2/x"));
    }

    #[test]
    fn exceptions_re_include_and_last_match_wins() {
        let file = "*.md\n!README.md";
        assert_eq!(
            excluded(file, &["CHANGELOG.md", "README.md", "docs/a.md"]),
            ["CHANGELOG.md"]
        );
        // A later exclusion overrides an earlier exception.
        let file = "*.md\n!README.md\nREADME*";
        assert_eq!(
            excluded(file, &["README.md", "CONTRIBUTING.md"]),
            ["README.md", "CONTRIBUTING.md"]
        );
        // Exceptions inside an excluded directory.
        let file = "secrets\n!secrets/public.pem";
        assert_eq!(
            excluded(file, &["secrets/key.pem", "secrets/public.pem", "secrets"]),
            ["secrets/key.pem", "secrets"]
        );
        // Everything but a few files.
        let file = "*\n!src\n!Dockerfile\nsrc/.env";
        assert_eq!(
            excluded(
                file,
                &[
                    ".env",
                    "src/main.rs",
                    "Dockerfile",
                    "src/.env",
                    "src/a/.env"
                ]
            ),
            [".env", "src/.env"]
        );
        // `! pattern` with a space is an exception too.
        assert!(!DockerIgnore::parse("*.md\n! README.md").is_excluded("README.md"));
    }

    #[test]
    fn comments_blank_lines_and_whitespace() {
        let file = "\u{FEFF}# secrets\n\n   \n  .env  \r\n#*.pem\n\t*.key\t\n";
        let ignore = DockerIgnore::parse(file);
        assert!(ignore.is_excluded(".env"));
        assert!(ignore.is_excluded("a.key"));
        assert!(!ignore.is_excluded("a.pem"));
        assert!(!ignore.is_excluded("# secrets"));
        // Only a `#` in the first column starts a comment.
        assert!(DockerIgnore::parse("  #notes").is_excluded("#notes"));
    }

    #[test]
    fn patterns_are_cleaned() {
        assert!(DockerIgnore::parse("/.env").is_excluded(".env"));
        assert!(DockerIgnore::parse("./foo").is_excluded("foo/bar"));
        assert!(DockerIgnore::parse("foo/").is_excluded("foo/bar"));
        assert!(DockerIgnore::parse("a//b/../c").is_excluded("a/c"));
        assert!(DockerIgnore::parse("!/keep\n*").is_excluded("keep"));
        assert!(!DockerIgnore::parse("*\n!/keep").is_excluded("keep"));
        assert!(!DockerIgnore::parse("*\n!./keep/").is_excluded("keep/x"));
        // Paths are cleaned too.
        let ignore = DockerIgnore::parse(".env");
        assert!(ignore.is_excluded("./.env"));
        assert!(ignore.is_excluded("/.env"));
        assert!(ignore.is_excluded("x/../.env"));
    }

    #[test]
    fn the_context_itself_is_never_excluded() {
        let ignore = DockerIgnore::parse("*\n**\n.");
        assert!(!ignore.is_excluded(""));
        assert!(!ignore.is_excluded("."));
        assert!(!ignore.is_excluded("/"));
        assert!(ignore.is_excluded("a"));
    }

    #[test]
    fn invalid_patterns_are_skipped() {
        for bad in [
            "[", "a[", "[]", "[a", "[a-]", "[-a]", "[z-a]", "a\\", "!", "! ", "[\\",
        ] {
            let ignore = DockerIgnore::parse(&format!("{bad}\n.env"));
            assert_eq!(ignore.patterns.len(), 1, "{bad:?} should be skipped");
            assert!(ignore.is_excluded(".env"));
            assert!(!ignore.is_excluded("a"));
        }
        assert!(DockerIgnore::default().patterns.is_empty());
        assert!(!DockerIgnore::default().is_excluded(".env"));
    }

    #[test]
    fn unicode_paths() {
        let ignore = DockerIgnore::parse("données/*\n?é");
        assert!(ignore.is_excluded("données/secret.txt"));
        assert!(ignore.is_excluded("xé"));
        assert!(ignore.is_excluded("éé"));
        assert!(!ignore.is_excluded("é"));
    }

    #[test]
    fn go_path_clean() {
        for (input, expected) in [
            ("", "."),
            (".", "."),
            ("./", "."),
            ("a/b/", "a/b"),
            ("a//b", "a/b"),
            ("a/./b", "a/b"),
            ("a/../b", "b"),
            ("../a", "../a"),
            ("a/../..", ".."),
            ("/", "/"),
            ("/..", "/"),
            ("/a/../../b", "/b"),
        ] {
            assert_eq!(clean(input), expected, "{input:?}");
        }
    }
}
