//! How strong a literal is: generated key material, or a word a person
//! typed (a dictionary word, a default, a name, a keyboard walk).
//!
//! Strength is measured with [zxcvbn](https://docs.rs/zxcvbn), Dropbox's
//! password-strength estimator: it explains a password as a sequence of
//! dictionary words (English words, common passwords, names, surnames,
//! film and TV words), keyboard patterns (`qwerty`), repeats (`adminadmin`),
//! sequences (`abcdef`, `12345`), dates, and `l33t` substitutions of all
//! of these, and whatever it cannot explain is guessed character by
//! character. A value is **strong** when at least [`STRONG_CHARS`] of its
//! characters are unexplained: eight random characters are out of reach of
//! a dictionary attack, while `adminadmin`, `neo4j/password`,
//! `recommendations`, `postgres` and `mcp_secure_password_2024` are made
//! of words and are not.
//!
//! The value is measured in runs of letters and digits (`my-super-secret`
//! is `my`, `super`, `secret`), which keeps zxcvbn's arithmetic away from
//! its 64-bit ceiling on long passphrases and lets a run that is random
//! count in full. At most [`MAX_MEASURED`] characters are measured.

use zxcvbn::matching::patterns::MatchPattern;

/// Unexplained characters that make a value strong.
pub const STRONG_CHARS: usize = 8;

/// Characters of a value that are measured at most.
pub const MAX_MEASURED: usize = 256;

/// Does `value` have the strength of a generated credential (see the module
/// documentation)?
pub(crate) fn is_strong(value: &str) -> bool {
    unexplained_chars(value) >= STRONG_CHARS
}

/// How many characters of `value` (letters and digits, in runs) zxcvbn
/// cannot explain as words or patterns, counting up to [`STRONG_CHARS`].
pub(crate) fn unexplained_chars(value: &str) -> usize {
    let mut measured = 0;
    let mut unexplained = 0;
    for run in value.split(|c: char| !c.is_alphanumeric()) {
        if run.is_empty() {
            continue;
        }
        if measured >= MAX_MEASURED {
            break;
        }
        // zxcvbn itself looks at no more than 100 characters.
        let run: String = run
            .chars()
            .take((MAX_MEASURED - measured).min(100))
            .collect();
        measured += run.chars().count();
        let estimate = zxcvbn::zxcvbn(&run, &[]);
        unexplained += estimate
            .sequence()
            .iter()
            .filter(|m| matches!(m.pattern, MatchPattern::BruteForce))
            .map(|m| m.token.chars().count())
            .sum::<usize>();
        if unexplained >= STRONG_CHARS {
            break;
        }
    }
    unexplained
}

pub(crate) fn has_upper(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_uppercase())
}
pub(crate) fn has_lower(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_lowercase())
}
pub(crate) fn has_digit(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// Shannon entropy of `s` in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts: Vec<(char, usize)> = Vec::new();
    let mut total = 0usize;
    for c in s.chars() {
        total += 1;
        match counts.iter_mut().find(|(seen, _)| *seen == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((c, 1)),
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    counts
        .iter()
        .map(|&(_, n)| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Does `value` look like generated key material: at least 16 characters of
/// a token alphabet (`A-Z a-z 0-9 + / = _ -`), and either mixed case with
/// digits and some entropy (≥ 3 bits per character; base62/base64 keys), or
/// at least 32 hex digits with both digits and letters (hex keys, UUIDs)?
pub(crate) fn looks_random(value: &str) -> bool {
    let len = value.chars().count();
    if len < 16
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-'))
    {
        return false;
    }
    let hex_digits = value.chars().filter(char::is_ascii_hexdigit).count();
    let hex = hex_digits >= 32
        && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && has_digit(value)
        && value.chars().any(|c| c.is_ascii_alphabetic());
    hex || (has_upper(value) && has_lower(value) && has_digit(value) && entropy(value) >= 3.0)
}
