//! Finding fingerprints that survive unrelated edits: they hash the rule,
//! the path and the *text* of the finding's first line (whitespace
//! collapsed), plus an occurrence number among identical keys — never a
//! line number.

use std::collections::HashMap;

/// FNV-1a, 64 bit, from a given offset basis.
fn fnv1a(bytes: &[u8], basis: u64) -> u64 {
    let mut h = basis;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// 128-bit hex fingerprint of a key.
pub fn hash(key: &str) -> String {
    let a = fnv1a(key.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let b = fnv1a(key.as_bytes(), 0x6c62_272e_07bb_0142);
    format!("{a:016x}{b:016x}")
}

/// Collapse whitespace runs so re-indentation keeps the fingerprint.
pub fn normalise_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Assigns fingerprints in report order, numbering repeats of one key.
#[derive(Default)]
pub struct Fingerprinter {
    seen: HashMap<String, u32>,
}

impl Fingerprinter {
    pub fn next(&mut self, rule: &str, path: &str, line_text: &str) -> String {
        let key = format!("{rule}\0{path}\0{}", normalise_line(line_text));
        let n = self.seen.entry(key.clone()).or_insert(0);
        let fp = hash(&format!("{key}\0{n}"));
        *n += 1;
        fp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_under_reindent_and_distinct_for_repeats() {
        let mut a = Fingerprinter::default();
        let mut b = Fingerprinter::default();
        assert_eq!(a.next("r", "p", "  privileged: true"), b.next("r", "p", "privileged:   true"));
        let first = a.next("r", "p", "x");
        let second = a.next("r", "p", "x");
        assert_ne!(first, second);
        assert_eq!(hash("abc").len(), 32);
    }
}
