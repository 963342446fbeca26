//! The comments of shell text: `#` at the start of a word, outside
//! quotes, not in a heredoc; and of Makefiles, whose recipe lines are shell.
//!
//! This reader works line by line and does not use the grammar of
//! [`super::parse`], on purpose: it must find the comments of every script
//! (the parser only reads scripts that may start containers, and stops at
//! its budgets), of Dockerfiles (shell-like, but not bash) and of YAML
//! block scalars, at the cost of one pass over the bytes; and quotes are
//! tracked per line, so a quote left open cannot hide the rest of a script.

use crate::comment::{lines, Comment};

/// Every comment of a shell script (or Dockerfile), in order.
pub fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut sh = Shell::default();
    for (start, line) in lines(text) {
        sh.line(text, start, line, true, &mut out);
    }
    out
}

/// The comments of the shell lines in `text[range]` (a YAML block
/// scalar's content), heredocs followed across them.
pub fn comments_in(text: &str, range: std::ops::Range<usize>) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut sh = Shell::default();
    let Some(part) = text.get(range.clone()) else {
        return out;
    };
    for (start, line) in lines(part) {
        sh.line(text, range.start + start, line, true, &mut out);
    }
    out
}

/// Shell lexer state carried from line to line: open heredocs.
#[derive(Default)]
struct Shell {
    /// The heredoc being read: its delimiter and whether tabs are stripped (`<<-`).
    heredoc: Option<(String, bool)>,
    /// Heredocs started on the current line after the first.
    queued: Vec<(String, bool)>,
}

impl Shell {
    /// Lex one line (`line` starts at `start` in `text`).
    fn line(
        &mut self,
        text: &str,
        start: usize,
        line: &str,
        heredocs: bool,
        out: &mut Vec<Comment>,
    ) {
        if self.in_heredoc(line) {
            return;
        }
        let b = line.as_bytes();
        let (mut sq, mut dq) = (false, false);
        let mut arith = 0u32;
        let mut started: Vec<(String, bool)> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if sq {
                sq = c != b'\'';
                i += 1;
                continue;
            }
            if c == b'\\' {
                i += 2;
                continue;
            }
            if dq {
                dq = c != b'"';
                i += 1;
                continue;
            }
            match c {
                b'\'' => sq = true,
                b'"' => dq = true,
                b'#' if i == 0 || starts_word(b[i - 1]) => {
                    out.push(Comment::new(text, start + i, 1, start + b.len(), 0));
                    break;
                }
                b'(' if b.get(i + 1) == Some(&b'(') => {
                    arith += 1;
                    i += 2;
                    continue;
                }
                b')' if arith > 0 && b.get(i + 1) == Some(&b')') => {
                    arith -= 1;
                    i += 2;
                    continue;
                }
                // `<<<` is a here-string.
                b'<' if b.get(i + 1) == Some(&b'<') && b.get(i + 2) == Some(&b'<') => {
                    i += 3;
                    continue;
                }
                b'<' if heredocs && arith == 0 && b.get(i + 1) == Some(&b'<') => {
                    match heredoc_delimiter(line, i + 2) {
                        Some((delim, strip, next)) => {
                            started.push((delim, strip));
                            i = next;
                        }
                        None => i += 2,
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        if !started.is_empty() {
            self.heredoc = Some(started.remove(0));
            self.queued = started;
        }
    }

    /// Whether `line` belongs to an open heredoc (its body, or the line
    /// that closes it, after which the next queued heredoc opens).
    fn in_heredoc(&mut self, line: &str) -> bool {
        let Some((delim, strip)) = &self.heredoc else {
            return false;
        };
        let l = if *strip {
            line.trim_start_matches('\t')
        } else {
            line
        };
        if l == delim {
            self.heredoc = if self.queued.is_empty() {
                None
            } else {
                Some(self.queued.remove(0))
            };
        }
        true
    }
}

/// Whether a `#` after this byte starts a word (and so a comment).
fn starts_word(before: u8) -> bool {
    matches!(
        before,
        b' ' | b'\t' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

/// The delimiter of a heredoc whose `<<` ends just before `at`: the word
/// (quotes removed), whether tabs are stripped, and where lexing goes on.
fn heredoc_delimiter(line: &str, at: usize) -> Option<(String, bool, usize)> {
    let b = line.as_bytes();
    let mut i = at;
    let strip = b.get(i) == Some(&b'-');
    if strip {
        i += 1;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if b.get(i) == Some(&b'\\') {
        i += 1;
    }
    let (word, next) = match b.get(i) {
        Some(&q @ (b'\'' | b'"')) => {
            let close = line[i + 1..].find(q as char)? + i + 1;
            (&line[i + 1..close], close + 1)
        }
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
            let len = line[i..]
                .find(|ch: char| {
                    !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || ch == '.')
                })
                .unwrap_or(line.len() - i);
            (&line[i..i + len], i + len)
        }
        _ => return None,
    };
    // What follows a real delimiter: the end, a blank, or an operator.
    if word.is_empty()
        || !matches!(
            b.get(next),
            None | Some(b' ' | b'\t' | b';' | b'|' | b'&' | b'>')
        )
    {
        return None;
    }
    Some((word.to_string(), strip, next))
}

/// Recipe lines (indented) are shell; other lines are make, where `#`
/// starts a comment anywhere unless escaped.
pub fn make_comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut sh = Shell::default();
    for (start, line) in lines(text) {
        if line.starts_with([' ', '\t']) {
            sh.line(text, start, line, false, &mut out);
            continue;
        }
        let b = line.as_bytes();
        if let Some(i) = (0..b.len()).find(|&i| b[i] == b'#' && (i == 0 || b[i - 1] != b'\\')) {
            out.push(Comment::new(text, start + i, 1, start + b.len(), 0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every comment `read` finds.
    fn found(read: fn(&str) -> Vec<Comment>, text: &str) -> Vec<&str> {
        read(text).iter().map(|c| c.span.slice(text)).collect()
    }

    #[test]
    fn shell_comments_outside_quotes_and_heredocs() {
        let text = "echo \"a # b\" 'c # d' # real\nx=${#y} a#b \\# no\n# whole line\ncat <<'EOF' >f\n# in heredoc\nEOF\ncat <<-END\n\t# in heredoc too\n\tEND\necho $((1 << 2)) # after arithmetic\necho x;# after semicolon\n";
        assert_eq!(
            found(comments, text),
            [
                "# real",
                "# whole line",
                "# after arithmetic",
                "# after semicolon"
            ]
        );
        // An unclosed quote does not hide the next line.
        assert_eq!(found(comments, "echo \"open\n# next\n"), ["# next"]);
        // `<<<` is a here-string, not a heredoc.
        assert_eq!(found(comments, "cat <<< EOF\n# seen\n"), ["# seen"]);
    }

    #[test]
    fn makefile_recipes_are_shell() {
        let text =
            "X = a # make comment\nY = \\# not\nrun:\n\tdocker run \"x # y\" # recipe comment\n";
        assert_eq!(
            found(make_comments, text),
            ["# make comment", "# recipe comment"]
        );
    }

    #[test]
    fn block_content_is_read_from_its_range() {
        let text = "k: |\n  # one\n  cat <<E\n  # no\n  E\nx: 1 # not here\n";
        let got: Vec<&str> = comments_in(text, 5..34)
            .iter()
            .map(|c| c.span.slice(text))
            .collect();
        assert_eq!(got, ["# one"]);
        assert!(comments_in(text, 40..999).is_empty());
    }
}
