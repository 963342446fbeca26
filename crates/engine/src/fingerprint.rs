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
    /// Index in `counts` of each key (rule, path, normalised line).
    keys: HashMap<String, usize>,
    /// Occurrences so far, per key.
    counts: Vec<u32>,
    /// Per (rule, path, line start): the key's index and both FNV states
    /// after hashing it, so that many findings on one long line cost the
    /// line's length once, not once per finding (thousands of flags on one
    /// `docker run` line).
    lines: HashMap<(String, String, usize), (usize, u64, u64)>,
}

impl Fingerprinter {
    pub fn next(&mut self, rule: &str, path: &str, line_text: &str) -> String {
        let key = format!("{rule}\0{path}\0{}", normalise_line(line_text));
        let n = self.count(&key);
        hash(&format!("{key}\0{n}"))
    }

    /// [`Self::next`] for the line starting at byte `line_start` of `path`,
    /// with the same result; the line's text is only read the first time a
    /// (rule, path, line) is seen.
    pub fn next_at(
        &mut self,
        rule: &str,
        path: &str,
        line_start: usize,
        line_text: &str,
    ) -> String {
        let id = (rule.to_string(), path.to_string(), line_start);
        let (index, a, b) = match self.lines.get(&id) {
            Some(&cached) => cached,
            None => {
                let key = format!("{rule}\0{path}\0{}", normalise_line(line_text));
                let index = self.index(&key);
                let cached = (
                    index,
                    fnv1a(key.as_bytes(), 0xcbf2_9ce4_8422_2325),
                    fnv1a(key.as_bytes(), 0x6c62_272e_07bb_0142),
                );
                self.lines.insert(id, cached);
                cached
            }
        };
        let n = self.counts[index];
        self.counts[index] += 1;
        // FNV-1a is a byte stream: continuing from the key's states hashes `{key}\0{n}`.
        let suffix = format!("\0{n}");
        format!(
            "{:016x}{:016x}",
            fnv1a(suffix.as_bytes(), a),
            fnv1a(suffix.as_bytes(), b)
        )
    }

    fn index(&mut self, key: &str) -> usize {
        if let Some(&i) = self.keys.get(key) {
            return i;
        }
        self.counts.push(0);
        self.keys.insert(key.to_string(), self.counts.len() - 1);
        self.counts.len() - 1
    }

    /// The occurrence number of `key`, counting this one.
    fn count(&mut self, key: &str) -> u32 {
        let i = self.index(key);
        let n = self.counts[i];
        self.counts[i] += 1;
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_under_reindent_and_distinct_for_repeats() {
        let mut a = Fingerprinter::default();
        let mut b = Fingerprinter::default();
        assert_eq!(
            a.next("r", "p", "  privileged: true"),
            b.next("r", "p", "privileged:   true")
        );
        let first = a.next("r", "p", "x");
        let second = a.next("r", "p", "x");
        assert_ne!(first, second);
        assert_eq!(hash("abc").len(), 32);
    }

    #[test]
    fn next_at_agrees_with_next() {
        let mut a = Fingerprinter::default();
        let mut b = Fingerprinter::default();
        for (rule, line_start, text) in [
            ("r", 0, "  a  b"),
            ("r", 0, "  a  b"),
            ("s", 0, "  a  b"),
            ("r", 9, "a b"),
            ("r", 20, "c"),
        ] {
            assert_eq!(
                a.next(rule, "p", text),
                b.next_at(rule, "p", line_start, text)
            );
        }
    }
}
