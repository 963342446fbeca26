//! Stage 7: **score** — the Security axis.
//!
//! Each finding costs its severity's weight (critical 25, high 12,
//! medium 5, low 2, info 0). Repeats of one rule weigh less: within a rule,
//! findings are taken heaviest first and the k-th (from 0) costs
//! `weight × 0.5^k`, so one noisy rule costs at most twice its weight.
//! `score = max(0, round(100 − total))`.
//!
//! The grade comes from the score (A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F)
//! and is then capped by the worst severity shown: any critical → F, any
//! high → at best D, any medium → at best C, any low → at best B.

use std::collections::BTreeMap;

use skillaudit_rules::Severity;

pub fn weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 25.0,
        Severity::High => 12.0,
        Severity::Medium => 5.0,
        Severity::Low => 2.0,
        Severity::Info => 0.0,
    }
}

/// Score and grade of findings given as `(rule id, severity)`.
pub fn score<'a>(findings: impl IntoIterator<Item = (&'a str, Severity)>) -> (u32, char) {
    let mut by_rule: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut worst: Option<Severity> = None;
    for (rule, sev) in findings {
        by_rule.entry(rule).or_default().push(weight(sev));
        worst = worst.max(Some(sev));
    }
    let mut penalty = 0.0;
    for weights in by_rule.values_mut() {
        weights.sort_by(|a, b| b.total_cmp(a));
        let mut factor = 1.0;
        for w in weights.iter() {
            penalty += w * factor;
            factor *= 0.5;
        }
    }
    let score = (100.0 - penalty).round().max(0.0) as u32;
    let by_score = match score {
        90.. => 'A',
        80..=89 => 'B',
        70..=79 => 'C',
        60..=69 => 'D',
        _ => 'F',
    };
    let cap = match worst {
        Some(Severity::Critical) => 'F',
        Some(Severity::High) => 'D',
        Some(Severity::Medium) => 'C',
        Some(Severity::Low) => 'B',
        _ => 'A',
    };
    (score, by_score.max(cap))
}

/// The best grade of an incomplete audit (a file was skipped for a
/// limit): whatever the skipped file holds, the grade never says A or B.
pub const INCOMPLETE_CAP: char = 'C';

/// `grade`, at best [`INCOMPLETE_CAP`].
pub fn cap_incomplete(grade: char) -> char {
    grade.max(INCOMPLETE_CAP)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::*;

    #[test]
    fn an_incomplete_audit_is_never_a_or_b() {
        assert_eq!(cap_incomplete('A'), 'C');
        assert_eq!(cap_incomplete('B'), 'C');
        assert_eq!(cap_incomplete('C'), 'C');
        assert_eq!(cap_incomplete('F'), 'F');
    }

    #[test]
    fn clean_is_a_hundred_and_a() {
        assert_eq!(score([]), (100, 'A'));
        assert_eq!(score([("copy-without-chown", Info)]), (100, 'A'));
    }

    #[test]
    fn grade_is_capped_by_worst_severity() {
        assert_eq!(score([("x", Low)]), (98, 'B'));
        assert_eq!(score([("x", Medium)]), (95, 'C'));
        assert_eq!(score([("x", High)]), (88, 'D'));
        assert_eq!(score([("x", Critical)]), (75, 'F'));
    }

    #[test]
    fn repeats_of_one_rule_weigh_less_than_distinct_problems() {
        let repeated = score([("a", Medium), ("a", Medium), ("a", Medium)]).0;
        let distinct = score([("a", Medium), ("b", Medium), ("c", Medium)]).0;
        assert_eq!(repeated, 91); // 5 + 2.5 + 1.25
        assert_eq!(distinct, 85);
        // One noisy rule can never cost more than twice its weight.
        let noisy = score(std::iter::repeat_n(("a", High), 500)).0;
        assert_eq!(noisy, 76);
    }

    #[test]
    fn score_bottoms_out_at_zero_and_low_scores_are_f() {
        let many: Vec<(&str, Severity)> = ["a", "b", "c", "d", "e"]
            .into_iter()
            .map(|r| (r, Critical))
            .collect();
        assert_eq!(score(many), (0, 'F'));
        let lows: Vec<(&str, Severity)> = [
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
        ]
        .into_iter()
        .map(|r| (r, Low))
        .collect();
        assert_eq!(score(lows), (68, 'D'));
    }
}
