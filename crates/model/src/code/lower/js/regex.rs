//! Anchored regular expressions as allow-lists: `/^[a-z0-9_-]+$/.test(x)`
//! makes `x` safe for the kinds of sink its character set cannot harm.

use crate::code::ir::Kinds;

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
    let mut allowed = [false; 128];
    let mut add = |c: char| {
        if (c as u32) < 128 {
            allowed[c as usize] = true;
            true
        } else {
            false
        }
    };
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    let mut class_prev: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        if in_class {
            match c {
                ']' => {
                    in_class = false;
                    class_prev = None;
                }
                '\\' => {
                    i += 1;
                    let e = *chars.get(i)?;
                    if !escape_class(e, &mut add) {
                        add(e);
                        class_prev = Some(e);
                    } else {
                        class_prev = None;
                    }
                }
                '-' if class_prev.is_some() && chars.get(i + 1).is_some_and(|n| *n != ']') => {
                    let lo = class_prev?;
                    i += 1;
                    let hi = *chars.get(i)?;
                    if (hi as u32) < (lo as u32) || (hi as u32) >= 128 {
                        return None;
                    }
                    for x in lo..=hi {
                        add(x);
                    }
                    class_prev = None;
                }
                _ => {
                    if !add(c) {
                        return None;
                    }
                    class_prev = Some(c);
                }
            }
        } else {
            match c {
                '[' => {
                    if chars.get(i + 1) == Some(&'^') {
                        return None;
                    }
                    in_class = true;
                }
                '.' => return None,
                '\\' => {
                    i += 1;
                    let e = *chars.get(i)?;
                    if !escape_class(e, &mut add) {
                        if e.is_ascii_alphanumeric() {
                            // `\b`, `\S`, `\W`, back-references: give up.
                            return None;
                        }
                        add(e);
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
                    if !add(c) {
                        return None;
                    }
                }
            }
        }
        i += 1;
    }
    if in_class {
        return None;
    }
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
    if !has(" \t\n\r;&|$`<>()'\"\\*?[]{}!#~=%^,") {
        kinds |= Kinds::SHELL | Kinds::EVAL;
    }
    if !has(" \t\n\r;'\"\\`") {
        kinds |= Kinds::SQL;
    }
    if !has(":/\\@?#%") {
        kinds |= Kinds::URL;
    }
    if !has("/\\.%") {
        kinds |= Kinds::PATH;
    }
    if !has("-") {
        kinds |= Kinds::PROCESS;
    }
    (kinds != Kinds::NONE).then_some(kinds)
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
