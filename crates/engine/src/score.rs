//! Stage 7: **score** — the Security axis, a score of posture: what users
//! of the repository run, not how often the repository repeats itself.
//!
//! 1. Each shown finding deducts its severity's weight (critical 25,
//!    high 12, medium 5, low 2, info 0) times its context's factor
//!    (deployment 1, documentation ½, development ½, ci ¼, test ¼).
//! 2. Per (rule, container) at most one deduction — the largest: the same
//!    problem of the same container (the same image run in twelve README
//!    examples, in a README and its translation) costs once. A container
//!    deployed and also shown in examples is two: the deployment and the
//!    documentation.
//! 3. Within a rule, the deductions of different containers are taken
//!    largest first and the k-th (from 0) counts `× 0.5^k` — deployment
//!    findings in one series, the other contexts in another — so one rule
//!    costs at most twice its largest deduction per series, and examples
//!    never make a deployment problem cheaper.
//! 4. `score = max(0, round(100 − Σ))`.
//!
//! The grade comes from the score (A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F)
//! and is then capped by the worst severity shown, whatever its context:
//! any critical → F, any high → at best D, any medium → at best C, any
//! low → at best B.

use std::collections::BTreeMap;

use skillaudit_model::Project;
use skillaudit_model::Purpose;
use skillaudit_rules::Severity;

use crate::{filter, group};

/// The **score** stage: the score and grade of the kept findings, one
/// deduction per (rule, container); a file skipped for a limit
/// (`incomplete`) could hold anything, so the grade is then never A or B.
pub fn grade(project: &Project, kept: &[filter::Kept], incomplete: bool) -> (u32, char) {
    let (score, grade) = score(kept.iter().enumerate().map(|(n, k)| {
        Item::new(
            k.finding.rule.id,
            k.finding.severity,
            k.finding.context,
            group::container_key(project, &k.finding, n),
        )
    }));
    if incomplete {
        (score, cap_incomplete(grade))
    } else {
        (score, grade)
    }
}

pub fn weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 25.0,
        Severity::High => 12.0,
        Severity::Medium => 5.0,
        Severity::Low => 2.0,
        Severity::Info => 0.0,
    }
}

/// How much a finding of a context counts: deployments and the documented
/// ways to run the server first.
pub fn factor(c: Purpose) -> f64 {
    match c {
        Purpose::Runtime => 1.0,
        Purpose::Documentation | Purpose::Development => 0.5,
        Purpose::Ci | Purpose::Test => 0.25,
    }
}

/// What the score needs of one shown finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub context: Purpose,
    /// The container (or image, or the finding itself) it is about: the
    /// same problem of the same container is deducted once.
    pub container: String,
}

impl<'a> Item<'a> {
    pub fn new(
        rule: &'a str,
        severity: Severity,
        context: Purpose,
        container: impl Into<String>,
    ) -> Item<'a> {
        Item {
            rule,
            severity,
            context,
            container: container.into(),
        }
    }
}

/// The total deduction (before rounding) of a set of findings.
pub fn penalty<'a>(items: impl IntoIterator<Item = Item<'a>>) -> f64 {
    // Per (rule, container, deployed or not): the largest deduction.
    let mut per_container: BTreeMap<(&str, bool, String), f64> = BTreeMap::new();
    for i in items {
        let d = weight(i.severity) * factor(i.context);
        let e = per_container
            .entry((i.rule, i.context == Purpose::Runtime, i.container))
            .or_insert(0.0);
        *e = e.max(d);
    }
    let mut by_rule: BTreeMap<(&str, bool), Vec<f64>> = BTreeMap::new();
    for ((rule, deployed, _), d) in per_container {
        by_rule.entry((rule, deployed)).or_default().push(d);
    }
    let mut total = 0.0;
    for ds in by_rule.values_mut() {
        ds.sort_by(|a, b| b.total_cmp(a));
        let mut k = 1.0;
        for d in ds.iter() {
            total += d * k;
            k *= 0.5;
        }
    }
    total
}

/// Score and grade of the shown findings.
pub fn score<'a>(items: impl IntoIterator<Item = Item<'a>>) -> (u32, char) {
    let items: Vec<Item<'a>> = items.into_iter().collect();
    let worst = items.iter().map(|i| i.severity).max();
    let score = (100.0 - penalty(items)).round().max(0.0) as u32;
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
    use Purpose::*;
    use Severity::*;

    fn deployed(rule: &str, sev: Severity, container: &str) -> Item<'static> {
        Item::new(
            Box::leak(rule.to_string().into_boxed_str()),
            sev,
            Runtime,
            container,
        )
    }

    #[test]
    fn an_incomplete_audit_is_never_a_or_b() {
        assert_eq!(cap_incomplete('A'), 'C');
        assert_eq!(cap_incomplete('B'), 'C');
        assert_eq!(cap_incomplete('C'), 'C');
        assert_eq!(cap_incomplete('F'), 'F');
    }

    #[test]
    fn no_findings_score_a_hundred() {
        assert_eq!(score([]), (100, 'A'));
        assert_eq!(
            score([deployed("copy-without-chown", Info, "i0")]),
            (100, 'A')
        );
    }

    #[test]
    fn grade_is_capped_by_worst_severity_in_any_context() {
        assert_eq!(score([deployed("x", Low, "c")]), (98, 'B'));
        assert_eq!(score([deployed("x", Medium, "c")]), (95, 'C'));
        assert_eq!(score([deployed("x", High, "c")]), (88, 'D'));
        assert_eq!(score([deployed("x", Critical, "c")]), (75, 'F'));
        // A critical example in the README still caps the grade.
        assert_eq!(
            score([Item::new("x", Critical, Documentation, "c")]),
            (88, 'F')
        );
    }

    #[test]
    fn the_same_problem_repeated_costs_once() {
        let one = vec![Item::new("a", Medium, Documentation, "img:ghcr.io/o/s")];
        let twelve = vec![Item::new("a", Medium, Documentation, "img:ghcr.io/o/s"); 12];
        assert_eq!(score(one), score(twelve));
        // The largest deduction of a (rule, container) is the one taken.
        assert_eq!(
            penalty([
                Item::new("a", Medium, Documentation, "c"),
                Item::new("a", High, Documentation, "c"),
                Item::new("a", Medium, Development, "c"),
            ]),
            6.0
        );
    }

    #[test]
    fn contexts_weigh_deployment_and_documentation_first() {
        let p = |c| penalty([Item::new("a", High, c, "x")]);
        assert_eq!(p(Runtime), 12.0);
        assert_eq!(p(Documentation), 6.0);
        assert_eq!(p(Development), 6.0);
        assert_eq!(p(Ci), 3.0);
        assert_eq!(p(Test), 3.0);
    }

    #[test]
    fn repeats_of_one_rule_on_distinct_containers_weigh_less() {
        let repeated = score([
            deployed("a", Medium, "1"),
            deployed("a", Medium, "2"),
            deployed("a", Medium, "3"),
        ])
        .0;
        let distinct = score([
            deployed("a", Medium, "1"),
            deployed("b", Medium, "1"),
            deployed("c", Medium, "1"),
        ])
        .0;
        assert_eq!(repeated, 91); // 5 + 2.5 + 1.25
        assert_eq!(distinct, 85);
        // One noisy rule can never cost more than twice its weight.
        let noisy: Vec<Item> = (0..500)
            .map(|i| deployed("a", High, &i.to_string()))
            .collect();
        assert_eq!(score(noisy).0, 76);
    }

    /// Adding a deployment problem (a rule and container not yet deducted
    /// as much) always raises the penalty, whatever else is there; when
    /// its rule had no deployment finding yet, or one, the score drops
    /// (until 0): by the full weight, or by half of it.
    #[test]
    fn adding_a_deployment_problem_always_lowers_the_score() {
        let rules = ["a", "b", "c"];
        let sevs = [Low, Medium, High, Critical];
        let contexts = [Runtime, Documentation, Development, Ci, Test];
        // A deterministic spread of starting sets.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..2_000 {
            let len = next(12);
            let base: Vec<Item> = (0..len)
                .map(|_| {
                    Item::new(
                        rules[next(3)],
                        sevs[next(4)],
                        contexts[next(5)],
                        format!("c{}", next(4)),
                    )
                })
                .collect();
            let added = Item::new(
                rules[next(3)],
                sevs[next(4)],
                Runtime,
                format!("c{}", next(6)),
            );
            let already = base.iter().any(|i| {
                i.rule == added.rule
                    && i.container == added.container
                    && i.context == Runtime
                    && i.severity >= added.severity
            });
            if already {
                continue;
            }
            let before = penalty(base.clone());
            let mut with = base.clone();
            with.push(added.clone());
            assert!(penalty(with.clone()) > before, "{base:?} + {added:?}");
            let (s0, _) = score(base.clone());
            let (s1, _) = score(with);
            assert!(s1 <= s0);
            let mut deployed: Vec<&str> = base
                .iter()
                .filter(|i| i.rule == added.rule && i.context == Runtime)
                .map(|i| i.container.as_str())
                .collect();
            deployed.sort_unstable();
            deployed.dedup();
            if deployed.len() <= 1 && s0 > 0 {
                assert!(s1 < s0, "{base:?} + {added:?}: {s0} → {s1}");
            }
        }
    }

    #[test]
    fn score_bottoms_out_at_zero_and_low_scores_are_f() {
        let many: Vec<Item> = ["a", "b", "c", "d", "e"]
            .into_iter()
            .map(|r| deployed(r, Critical, "x"))
            .collect();
        assert_eq!(score(many), (0, 'F'));
        let lows: Vec<Item> = "abcdefghijklmnop"
            .chars()
            .map(|r| deployed(&r.to_string(), Low, "x"))
            .collect();
        assert_eq!(score(lows), (68, 'D'));
    }
}
