//! Severities as the store spells them: the rules crate's [`Severity`],
//! stored as its [`Severity::name`] (`critical` … `info`), and ranked in SQL
//! (`info` 0 … `critical` 4) to take the highest of a rule's findings.

pub use skillaudit_rules::Severity;

/// The severity a stored name stands for (exactly as [`Severity::name`]
/// spells it); `None` for any other text.
pub fn parse(name: &str) -> Option<Severity> {
    Severity::ALL.into_iter().find(|s| s.name() == name)
}

/// The severities, least severe first: a severity's index is its rank.
fn ascending() -> [Severity; 5] {
    let mut all = Severity::ALL;
    all.sort();
    all
}

/// The severity of a rank computed by [`rank_sql`] (clamped to the ranks).
pub(crate) fn from_rank(rank: i64) -> Severity {
    let all = ascending();
    all[rank.clamp(0, all.len() as i64 - 1) as usize]
}

/// The SQL expression of the rank of a row's `severity` column (any
/// unknown text ranks as `info`).
pub(crate) fn rank_sql() -> String {
    let mut sql = String::from("CASE severity");
    for (rank, s) in ascending().into_iter().enumerate().skip(1).rev() {
        sql.push_str(&format!(" WHEN '{}' THEN {rank}", s.name()));
    }
    sql.push_str(" ELSE 0 END");
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_run_from_info_to_critical() {
        assert_eq!(
            rank_sql(),
            "CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
        );
        assert_eq!(from_rank(0), Severity::Info);
        assert_eq!(from_rank(4), Severity::Critical);
        assert_eq!(from_rank(-3), Severity::Info);
        assert_eq!(from_rank(9), Severity::Critical);
    }

    #[test]
    fn only_the_stored_names_parse() {
        for s in Severity::ALL {
            assert_eq!(parse(s.name()), Some(s));
        }
        assert_eq!(parse("Critical"), None);
        assert_eq!(parse("other"), None);
    }
}
