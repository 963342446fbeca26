//! `<placeholder>` text in documentation: where a README's shell block says
//! `-e TOKEN=<your-token>` it means "put your token here", not "read
//! standard input from the file `your-token` and write standard output to
//! the next word". [`ranges`] finds such placeholders so that
//! [`parse_documentation`](super::parse_documentation) can hide them from
//! the shell grammar (the word values keep them verbatim).
//!
//! A placeholder is `<`, a letter, digit or `_`, then up to
//! [`MAX_LEN`] bytes without a line break, quote, backquote, `$`, `\`,
//! `|`, `;`, `&`, `(`, `)` or another `<`, then `>`:
//!
//! * **inside a word** (the byte before `<` is part of a word: `KEY=<token>`,
//!   `http://<host>:3000`, `ghcr.io/<org>/img`), spaces are allowed in it
//!   (`TOKEN=<your service account token>`, grafana's README);
//! * **as a word of its own** (`docker run <image>`, `-v <path>:/data`) it
//!   has no space, and is not followed by `>` or `&` (`<in>>out` is a
//!   redirection).
//!
//! Real redirections do not have this shape: `< file`, `<file` (no closing
//! `>` on the line), `<<EOF`, `<<<word`, `<(cmd)`, `<&3`, `<$f`, and
//! `cmd <in.txt >out.txt` (a space before `>`).

use std::ops::Range;

/// The longest placeholder text between `<` and `>`, in bytes.
pub const MAX_LEN: usize = 120;

/// Bytes that never occur inside a placeholder.
fn stops(b: u8) -> bool {
    matches!(
        b,
        b'\n'
            | b'\r'
            | b'\''
            | b'"'
            | b'`'
            | b'$'
            | b'\\'
            | b'|'
            | b';'
            | b'&'
            | b'('
            | b')'
            | b'<'
    )
}

/// Bytes that end a shell word (before a `<`, they make it a word of its own).
fn separates(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b'|' | b'&' | b';' | b'(' | b')' | b'<' | b'>'
    )
}

/// Byte ranges (`<` through `>`) of every placeholder in `text`, in order.
/// Linear in the text: each `<` looks at most [`MAX_LEN`] bytes ahead.
pub fn ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        match placeholder_at(bytes, i) {
            Some(end) => {
                out.push(i..end);
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// The end (just past `>`) of a placeholder starting at the `<` at `at`.
fn placeholder_at(bytes: &[u8], at: usize) -> Option<usize> {
    let first = *bytes.get(at + 1)?;
    if !(first.is_ascii_alphanumeric() || first == b'_') {
        return None;
    }
    let attached = at > 0 && !separates(bytes[at - 1]);
    let limit = bytes.len().min(at + 2 + MAX_LEN);
    let mut j = at + 1;
    while j < limit {
        match bytes[j] {
            b'>' => {
                let inner = &bytes[at + 1..j];
                if inner.last().is_some_and(|b| b.is_ascii_whitespace()) {
                    // `<in.txt >out`: a redirection's target, then another.
                    return None;
                }
                if !attached {
                    if inner.iter().any(|b| b.is_ascii_whitespace()) {
                        return None;
                    }
                    if matches!(bytes.get(j + 1), Some(b'>' | b'&')) {
                        return None;
                    }
                }
                return Some(j + 1);
            }
            b if stops(b) => return None,
            _ => j += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        ranges(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn placeholders_in_words_and_alone() {
        // github-mcp-server's README.
        assert_eq!(
            found("  -e GITHUB_PERSONAL_ACCESS_TOKEN=<your-token> \\\n"),
            ["<your-token>"]
        );
        // grafana's README.
        assert_eq!(
            found(
                "-e GRAFANA_SERVICE_ACCOUNT_TOKEN=<your service account token> grafana/mcp-grafana"
            ),
            ["<your service account token>"]
        );
        assert_eq!(
            found("-e GRAFANA_URL=http://<Grafana-Host>:3000 -e T=<YOUR_TOKEN_HERE>\\"),
            ["<Grafana-Host>", "<YOUR_TOKEN_HERE>"]
        );
        assert_eq!(
            found("docker run -v <host-path>:/data <image>"),
            ["<host-path>", "<image>"]
        );
    }

    #[test]
    fn redirections_are_not_placeholders() {
        for text in [
            "psql < dump.sql",
            "psql <dump.sql",
            "cat <<EOF\nx\nEOF",
            "cat <<<word",
            "diff <(a) <(b)",
            "cmd <&3",
            "cmd <$file",
            "cmd <in.txt >out.txt",
            "cmd <your token>",
            "cmd <in>>out",
            "cmd <in>&2",
            "echo '<' x '>'",
            "a <b\n> c",
            "",
            "<",
            "<a",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
        let long = format!("K=<{}>", "a".repeat(MAX_LEN + 1));
        assert!(found(&long).is_empty());
        let fits = format!("K=<{}>", "a".repeat(MAX_LEN));
        assert_eq!(found(&fits).len(), 1);
    }
}
