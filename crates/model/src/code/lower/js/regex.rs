//! Anchored regular expressions as allow-lists: `/^[a-z0-9_-]+$/.test(x)`
//! makes `x` safe for the kinds of sink its character set cannot harm.

use crate::code::ir::Kinds;

/// The characters that can harm each kind of sink: an allow-list that
/// lets none of them through makes its matches safe for that kind.
const HARMFUL: &[(Kinds, &str)] = &[
    (Kinds::SHELL, " \t\n\r;&|$`<>()'\"\\*?[]{}!#~=%^,"),
    (Kinds::EVAL, " \t\n\r;&|$`<>()'\"\\*?[]{}!#~=%^,"),
    (Kinds::SQL, " \t\n\r;'\"\\`"),
    (Kinds::URL, ":/\\@?#%"),
    (Kinds::PATH, "/\\.%"),
    (Kinds::PROCESS, "-"),
];

/// What an anchored regular expression (`/^[a-z0-9_-]+$/`) lets through,
/// as the kinds its matches are safe for; `None` when it is not anchored
/// at both ends, has a wildcard or a negated class, or has the `m` flag.
pub(crate) fn regex_kinds(pattern: &str, flags: &str) -> Option<Kinds> {
    if flags.contains('m') {
        return None;
    }
    let body = pattern.strip_prefix('^')?;
    let body = body.strip_suffix('$')?;
    if body.ends_with('\\') && !body.ends_with("\\\\") {
        return None;
    }
    let mut allowed = allowed_chars(body)?;
    if flags.contains('i') {
        for c in b'a'..=b'z' {
            if allowed[c as usize] || allowed[(c - 32) as usize] {
                allowed[c as usize] = true;
                allowed[(c - 32) as usize] = true;
            }
        }
    }
    let has = |s: &str| s.chars().any(|c| allowed[c as usize]);
    let mut kinds = Kinds::NONE;
    for &(kind, harmful) in HARMFUL {
        if !has(harmful) {
            kinds |= kind;
        }
    }
    (kinds != Kinds::NONE).then_some(kinds)
}

/// Allow `c` in `allowed`; `false` when it is not ASCII.
fn add(allowed: &mut [bool; 128], c: char) -> bool {
    if (c as u32) < 128 {
        allowed[c as usize] = true;
        true
    } else {
        false
    }
}

/// The ASCII characters the body of an anchored pattern can match; `None`
/// for a wildcard, a negated class, an anchor inside, an escape it cannot
/// read or a character outside ASCII.
fn allowed_chars(body: &str) -> Option<[bool; 128]> {
    let mut allowed = [false; 128];
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '[' => {
                if chars.get(i + 1) == Some(&'^') {
                    return None;
                }
                i = class(&chars, i + 1, &mut allowed)?;
            }
            '.' => return None,
            '\\' => {
                i += 1;
                let e = *chars.get(i)?;
                if !escape_class(e, &mut |c| add(&mut allowed, c)) {
                    if e.is_ascii_alphanumeric() {
                        // `\b`, `\S`, `\W`, back-references: give up.
                        return None;
                    }
                    add(&mut allowed, e);
                }
            }
            '+' | '*' | '?' | '(' | ')' | '|' => {}
            '{' => {
                // A quantifier `{n,m}`.
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
            }
            '^' | '$' => return None,
            _ => {
                if !add(&mut allowed, c) {
                    return None;
                }
            }
        }
        i += 1;
    }
    Some(allowed)
}

/// A character class from `i` (just after its `[`) into `allowed`: the
/// index of its closing `]`; `None` when it is not closed or has a range or
/// character outside ASCII.
fn class(chars: &[char], mut i: usize, allowed: &mut [bool; 128]) -> Option<usize> {
    let mut prev: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ']' => return Some(i),
            '\\' => {
                i += 1;
                let e = *chars.get(i)?;
                if !escape_class(e, &mut |c| add(allowed, c)) {
                    add(allowed, e);
                    prev = Some(e);
                } else {
                    prev = None;
                }
            }
            '-' if prev.is_some() && chars.get(i + 1).is_some_and(|n| *n != ']') => {
                let lo = prev?;
                i += 1;
                let hi = *chars.get(i)?;
                if (hi as u32) < (lo as u32) || (hi as u32) >= 128 {
                    return None;
                }
                for x in lo..=hi {
                    add(allowed, x);
                }
                prev = None;
            }
            _ => {
                if !add(allowed, c) {
                    return None;
                }
                prev = Some(c);
            }
        }
        i += 1;
    }
    None
}

/// `\w`, `\d`, `\s` inside or outside a class; `false` for other escapes.
fn escape_class(e: char, add: &mut impl FnMut(char) -> bool) -> bool {
    match e {
        'w' => {
            for c in ('a'..='z').chain('A'..='Z').chain('0'..='9') {
                add(c);
            }
            add('_');
            true
        }
        'd' => {
            for c in '0'..='9' {
                add(c);
            }
            true
        }
        's' => {
            for c in [' ', '\t', '\n', '\r'] {
                add(c);
            }
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes() {
        let k = regex_kinds("[a-z0-9_]+", "").is_none();
        assert!(k, "not anchored");
        let k = regex_kinds("^[a-z0-9_]+$", "").unwrap();
        assert_eq!(k, Kinds::ALL);
        let k = regex_kinds("^[\\w.-]+$", "").unwrap();
        assert!(
            k.contains(Kinds::SHELL) && !k.contains(Kinds::PATH) && !k.contains(Kinds::PROCESS)
        );
        assert_eq!(regex_kinds("^.*$", ""), None);
        assert_eq!(regex_kinds("^[^;]+$", ""), None);
        assert_eq!(regex_kinds("^[a-z]+$", "m"), None);
        let k = regex_kinds("^[a-z ]+$", "").unwrap();
        assert!(!k.contains(Kinds::SHELL));
        let k = regex_kinds("^\\d{1,5}$", "").unwrap();
        assert_eq!(k, Kinds::ALL);
    }
}
