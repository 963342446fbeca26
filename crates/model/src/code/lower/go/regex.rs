//! Anchored regular expressions used as allow-lists:
//! `regexp.MustCompile("^[a-z0-9_-]+$").MatchString(name)`. When every
//! character the pattern can match is harmless for a kind of sink, a
//! successful match makes the value safe for it.
//!
//! Only whole-string patterns count (`^…$` or `\A…\z`, no top-level `|`);
//! `.`, negated classes and `\D`/`\W`/`\S` match anything, so they make
//! no guard.

use crate::code::ir::Kinds;

/// Characters that cannot change how a shell parses a word (no space,
/// quote, `$`, backtick, `;`, `|`, `&`, redirection, glob or brace).
const SHELL_SAFE: &str = "_.,:/@%+=-";
/// Characters that cannot end an SQL string or start a comment.
const SQL_SAFE: &str = "_.@:,+";

/// The kinds a successful full match of `pattern` makes a value safe for.
pub fn kinds(pattern: &str) -> Kinds {
    let Some(allowed) = allowed(pattern) else {
        return Kinds::NONE;
    };
    if allowed.is_empty() {
        return Kinds::NONE;
    }
    let only = |extra: &str| {
        allowed
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(*c))
    };
    let mut k = Kinds::NONE;
    if only(SHELL_SAFE) {
        k |= Kinds::SHELL;
    }
    if only("_-@:,+=%") {
        // No `.`, `/` or `\`: no `..`, no directory.
        k |= Kinds::PATH;
    }
    if only(SQL_SAFE) {
        k |= Kinds::SQL;
    }
    k
}

/// Every character a whole-string pattern can match; `None` when it can
/// match anything or is not anchored at both ends.
fn allowed(pattern: &str) -> Option<Vec<char>> {
    let mut p = pattern;
    let mut fold = false;
    if let Some(rest) = p.strip_prefix("(?i)") {
        fold = true;
        p = rest;
    }
    let body = p.strip_prefix('^').or_else(|| p.strip_prefix("\\A"))?;
    let body = body
        .strip_suffix('$')
        .or_else(|| body.strip_suffix("\\z"))?;
    let mut set: Vec<char> = Vec::new();
    let add = |c: char, set: &mut Vec<char>| {
        if !set.contains(&c) {
            set.push(c);
        }
    };
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    let mut depth = 0i32;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                i += 1;
                for x in escape(*chars.get(i)?)? {
                    add(x, &mut set);
                }
            }
            '[' => {
                i = class(&chars, i + 1, &mut set)?;
            }
            '(' => {
                depth += 1;
                // `(?:`, `(?P<name>`: group syntax, not characters.
                if chars.get(i + 1) == Some(&'?') {
                    while i < chars.len() && !matches!(chars[i], ':' | '>') {
                        i += 1;
                    }
                }
            }
            ')' => depth -= 1,
            '|' if depth == 0 => return None,
            '|' | '*' | '+' | '?' => {}
            '{' => {
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
            }
            '.' | '^' | '$' => return None,
            _ => add(c, &mut set),
        }
        i += 1;
    }
    if fold {
        for c in set.clone() {
            add(c.to_ascii_uppercase(), &mut set);
            add(c.to_ascii_lowercase(), &mut set);
        }
    }
    Some(set)
}

/// The characters an escape matches; `None` for "anything".
fn escape(e: char) -> Option<Vec<char>> {
    Some(match e {
        'd' => ('0'..='9').collect(),
        'w' => ('a'..='z')
            .chain('A'..='Z')
            .chain('0'..='9')
            .chain(['_'])
            .collect(),
        's' => vec![' ', '\t', '\n', '\r', '\x0b', '\x0c'],
        'D' | 'W' | 'S' | 'p' | 'P' | 'x' | 'Q' => return None,
        c if c.is_ascii_alphanumeric() => return None,
        c => vec![c],
    })
}

/// A character class from `at` (after `[`); returns the index of its `]`.
fn class(chars: &[char], at: usize, set: &mut Vec<char>) -> Option<usize> {
    let mut i = at;
    if chars.get(i) == Some(&'^') {
        return None;
    }
    let mut first = true;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && !first {
            return Some(i);
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            let e = escape(*chars.get(i)?)?;
            if e.len() > 1 {
                set.extend(e);
                i += 1;
                continue;
            }
            e[0]
        } else if c == '[' {
            // `[:alpha:]` and friends
            return None;
        } else {
            c
        };
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|x| *x != ']') {
            let hi = chars[i + 2];
            if (hi as u32).saturating_sub(lo as u32) > 128 {
                return None;
            }
            set.extend((lo..=hi).filter(|x| x.is_ascii()));
            i += 3;
            continue;
        }
        set.push(lo);
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_classes() {
        let k = kinds("^[a-zA-Z0-9_-]+$");
        assert!(k.contains(Kinds::SHELL) && k.contains(Kinds::PATH));
        assert!(!k.contains(Kinds::SQL), "a hyphen starts an SQL comment");
        let k = kinds(r"^[\w.-]+$");
        assert!(k.contains(Kinds::SHELL) && !k.contains(Kinds::PATH));
        assert_eq!(kinds(r"^\d{1,5}$"), Kinds::SHELL | Kinds::PATH | Kinds::SQL);
        assert!(kinds(r"(?i)^[a-z]+$").contains(Kinds::SQL));
    }

    #[test]
    fn not_allow_lists() {
        for p in [
            "[a-z]+",
            "^[a-z]+",
            "[a-z]+$",
            "^.*$",
            "^[^;]+$",
            "^a$|^b",
            r"^\S+$",
            "^[a-z ]+$",
            "^[a-z$]+$",
            "^[[:alpha:]]+$",
        ] {
            assert!(!kinds(p).contains(Kinds::SHELL), "{p}");
        }
    }
}
