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
//! zxcvbn is thorough but not cheap (tens of microseconds for a short
//! word, far more for a long run of hex digits, which its `l33t` and repeat
//! matchers enumerate), so it is the last resort:
//!
//! 1. a generated hex key (32+ hex digits, UUIDs, with the variety of
//!    random digits) is strong without it;
//! 2. a value with fewer than [`STRONG_CHARS`] letters and digits is weak
//!    without it;
//! 3. otherwise its runs (split at whitespace and `- _ . / : , ; = + & ?`:
//!    `my-super-secret` is `my`, `super`, `secret`) are measured word by
//!    word (`MySuperSecret` is `My`, `Super`, `Secret`) in pieces of at most
//!    24 characters, stopping as soon as the value is strong and after
//!    [`MAX_MEASURED`] characters. Measuring words one by one keeps
//!    zxcvbn's arithmetic away from its 64-bit ceiling on long passphrases,
//!    stops it from pricing a chain of capitalised words like random
//!    characters, and lets a random run count in full.
//!
//! The verdicts of the last [`CACHE_SIZE`] distinct values are kept per
//! thread, since several rules judge the same `ENV` line.

use std::cell::RefCell;
use std::collections::HashMap;

use zxcvbn::matching::patterns::MatchPattern;

/// Unexplained characters that make a value strong.
pub const STRONG_CHARS: usize = 8;

/// Characters of a value that are measured at most.
pub const MAX_MEASURED: usize = 32;

/// zxcvbn is given at most this many characters at a time: its repeat
/// matcher is superlinear in the length, and the words it knows are shorter.
const MAX_PIECE: usize = 24;

/// A piece with this many distinct `l33t` characters is cut shorter.
const L33T_RICH: usize = 3;

/// The length of the pieces of an `l33t`-rich word.
const L33T_PIECE: usize = 8;

/// Values whose verdict is remembered, per thread.
const CACHE_SIZE: usize = 4096;

/// Values longer than this are not remembered.
const CACHED_LEN: usize = 256;

thread_local! {
    static VERDICTS: RefCell<HashMap<String, bool>> = RefCell::new(HashMap::new());
}

/// Does `value` have the strength of a generated credential (see the module
/// documentation)?
pub(crate) fn is_strong(value: &str) -> bool {
    if is_hex_key(value) {
        return true;
    }
    if value.chars().filter(|c| c.is_alphanumeric()).count() < STRONG_CHARS {
        return false;
    }
    if value.len() > CACHED_LEN {
        return unexplained_chars(value) >= STRONG_CHARS;
    }
    if let Some(known) = VERDICTS.with(|v| v.borrow().get(value).copied()) {
        return known;
    }
    let strong = unexplained_chars(value) >= STRONG_CHARS;
    VERDICTS.with(|v| {
        let mut v = v.borrow_mut();
        if v.len() >= CACHE_SIZE {
            v.clear();
        }
        v.insert(value.to_string(), strong);
    });
    strong
}

/// How many characters of `value` (letters and digits, in runs) zxcvbn
/// cannot explain as words or patterns, counting up to [`STRONG_CHARS`].
pub(crate) fn unexplained_chars(value: &str) -> usize {
    let mut measured = 0;
    let mut unexplained = 0;
    for run in value.split(is_separator) {
        let chars: Vec<char> = run.chars().collect();
        for piece in pieces(&chars) {
            if measured >= MAX_MEASURED || unexplained >= STRONG_CHARS {
                return unexplained;
            }
            let piece = &piece[..piece.len().min(MAX_MEASURED - measured)];
            measured += piece.len();
            let piece: String = piece.iter().collect();
            unexplained += zxcvbn::zxcvbn(&piece, &[])
                .sequence()
                .iter()
                .filter(|m| matches!(m.pattern, MatchPattern::BruteForce))
                .map(|m| m.token.chars().count())
                .sum::<usize>();
        }
    }
    unexplained
}

/// Characters between the runs that are measured: whitespace and the
/// punctuation that joins words in names and passphrases. `@ $ ! # %`
/// stay, as they stand for letters in `p@$$w0rd!`.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_' | '.' | '/' | ':' | ',' | ';' | '=' | '+' | '&' | '?'
        )
}

/// `run` cut into the pieces zxcvbn measures: before each capitalised
/// word (an upper-case letter followed by two lower-case ones:
/// `MySuperSecret` is `My`, `Super`, `Secret`, since zxcvbn prices a chain
/// of capitalised words above eight random characters), and into at most
/// [`MAX_PIECE`] characters, preferably where letters and digits meet.
fn pieces(run: &[char]) -> Vec<&[char]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=run.len() {
        let word_starts = i < run.len()
            && run[i].is_uppercase()
            && run.get(i + 1).is_some_and(|c| c.is_lowercase())
            && run.get(i + 2).is_some_and(|c| c.is_lowercase());
        if i == run.len() || word_starts {
            cut_long(&run[start..i], &mut out);
            start = i;
        }
    }
    out
}

/// `word` in pieces of at most [`MAX_PIECE`] characters, cut where letters
/// and digits meet when there is such a place. A piece rich in characters
/// that zxcvbn reads as `l33t` letters (`4 @ 8 ( 3 6 9 1 ! | 7 0 $ 5 + % 2`)
/// is cut to [`L33T_PIECE`] characters: zxcvbn enumerates their
/// substitutions, which grows exponentially with their variety.
fn cut_long<'a>(word: &'a [char], out: &mut Vec<&'a [char]>) {
    let max = if l33t_variety(word) >= L33T_RICH {
        L33T_PIECE
    } else {
        MAX_PIECE
    };
    let mut start = 0;
    while word.len() - start > max {
        let window = &word[start..=start + max];
        let cut = (1..window.len())
            .rev()
            .find(|&i| window[i - 1].is_alphabetic() != window[i].is_alphabetic())
            .unwrap_or(max);
        out.push(&word[start..start + cut]);
        start += cut;
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
}

/// Distinct characters of `word` that zxcvbn may read as `l33t` letters.
fn l33t_variety(word: &[char]) -> usize {
    const L33T: &str = "4@8({[<3691!|70$5+%2";
    let mut seen: Vec<char> = word.iter().copied().filter(|c| L33T.contains(*c)).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// At least 32 hex digits (dashes allowed, as in UUIDs) with digits and
/// letters, at least 12 distinct digits and no run of four consecutive
/// ones (`0123`, `abcd`): a generated hex key. zxcvbn is slowest on these,
/// so they are recognised first.
fn is_hex_key(value: &str) -> bool {
    let hex: Vec<char> = value
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if hex.len() < 32 || !hex.iter().all(char::is_ascii_hexdigit) {
        return false;
    }
    let mut distinct = hex.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let sequence = hex.windows(4).any(|w| {
        w.windows(2).all(|p| p[1] as u32 == p[0] as u32 + 1)
            || w.windows(2).all(|p| p[0] as u32 == p[1] as u32 + 1)
    });
    distinct.len() >= 12
        && hex.iter().any(char::is_ascii_digit)
        && hex.iter().any(char::is_ascii_alphabetic)
        && !sequence
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_defaults_and_patterns_are_weak() {
        #[rustfmt::skip]
        let weak = [
            "postgres", "adminadmin", "neo4j/password", "recommendations", "hunter2", "s3cr3t",
            "P@ssw0rd", "p@$$w0rd!", "qwerty123", "letmein123", "minioadmin", "Password1!",
            "mcp_secure_password_2024", "correct horse battery staple",
            "MySuperSecretPassword2024ForProduction", "MySuperSecretPassword2024ForProd",
            "my-super-secret-jwt-key-for-local-dev", "SuperSecretAdminPassword",
            "0123456789abcdef0123456789abcdef", "deadbeefdeadbeefdeadbeefdeadbeef", "kZ8sQw1",
        ];
        for value in weak {
            assert!(!is_strong(value), "{value:?} should be weak");
        }
    }

    #[test]
    fn generated_values_are_strong() {
        #[rustfmt::skip]
        let strong = [
            "kZ8sQw1x", "Zq8Rk3Lm!", "Vk7qZ2xR9wLp", "a8f5f167f44f4964e6c998dee827110c",
            "db02de05-fa39-4855-059b-67221c5c2f63", "k9Xb2/Qm7LwR4tZp8Vn+3HsYc6Jd1Fg5Ae0Ui2Oq",
            "kqzjxvwmnbplrtysghfdcaeo", "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        ];
        for value in strong {
            assert!(is_strong(value), "{value:?} should be strong");
            // The remembered verdict is the same.
            assert!(is_strong(value), "{value:?} (cached)");
        }
    }

    #[test]
    fn long_runs_are_cut_where_words_end() {
        let run: Vec<char> = "MySuperSecretPassword2024ForProduction".chars().collect();
        let cut: Vec<String> = pieces(&run).iter().map(|p| p.iter().collect()).collect();
        assert_eq!(
            cut,
            [
                "My",
                "Super",
                "Secret",
                "Password",
                "2024",
                "For",
                "Production"
            ]
        );
        let random: Vec<char> = "kZ8sQw1xHTTPServer".chars().collect();
        let cut: Vec<String> = pieces(&random).iter().map(|p| p.iter().collect()).collect();
        assert_eq!(cut, ["kZ8sQw1xHTTP", "Server"]);
        // Many characters that read as l33t letters: pieces of eight.
        let soup: Vec<char> = "4@8(3691!|70$5+%2".chars().collect();
        assert!(pieces(&soup).iter().all(|p| p.len() <= L33T_PIECE));
        let hex: Vec<char> = "a".repeat(60).chars().collect();
        assert!(pieces(&hex).iter().all(|p| p.len() <= MAX_PIECE));
        assert_eq!(pieces(&hex).iter().map(|p| p.len()).sum::<usize>(), 60);
        assert!(pieces(&[]).is_empty());
    }

    #[test]
    fn hex_keys_are_recognised_without_zxcvbn() {
        assert!(is_hex_key("a8f5f167f44f4964e6c998dee827110c"));
        assert!(is_hex_key("DB02DE05-FA39-4855-059B-67221C5C2F63"));
        assert!(!is_hex_key("a8f5f167f44f4964"));
        assert!(!is_hex_key("0123456789abcdef0123456789abcdef"));
        assert!(!is_hex_key("deadbeefdeadbeefdeadbeefdeadbeef"));
        assert!(!is_hex_key("11111111111111111111111111111111"));
    }
}
