//! `[context.<name>]`: what a project says about the findings of one
//! context (`deployment`, `documentation`, `development`, `ci`, `test`).
//!
//! ```toml
//! [context.ci]
//! severity-offset = -1   # one step lower: high → medium, low → info
//! [context.test]
//! disable = true         # not reported at all
//! ```

use skillaudit_model::Purpose;
use skillaudit_rules::Severity;
use toml_edit::{Item, Key, TableLike};

use super::{type_name, Parser, Span};
use crate::config::ConfigError;

/// One `[context.<name>]` table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContextConfig {
    /// Severity steps added to every finding of the context (negative
    /// lowers), clamped to info…critical.
    pub severity_offset: i32,
    /// The context's findings are not reported (like `disable` for rules).
    pub disable: bool,
}

impl ContextConfig {
    /// `s` moved by the offset, within info…critical.
    pub fn shift(&self, s: Severity) -> Severity {
        shift(s, self.severity_offset)
    }
}

/// `s` moved `steps` along info < low < medium < high < critical, clamped.
pub fn shift(s: Severity, steps: i32) -> Severity {
    let order = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    let at = order.iter().position(|x| *x == s).unwrap_or(0) as i32;
    order[(at + steps).clamp(0, order.len() as i32 - 1) as usize]
}

/// The context names, for messages.
fn known() -> String {
    Purpose::ALL.map(|p| p.name()).join(", ")
}

impl Parser<'_> {
    /// The `context` table: one table per context name.
    pub(super) fn contexts(
        &self,
        key: &Key,
        item: &Item,
    ) -> Result<Vec<(Purpose, ContextConfig)>, ConfigError> {
        let table = self.table("context", key, item)?;
        let mut out = Vec::new();
        for (name, k, inner) in self.entries(table) {
            let purpose = Purpose::parse(name).ok_or_else(|| {
                self.error(
                    k.span(),
                    format!("unknown context `context.{name}` (known: {})", known()),
                )
            })?;
            let t = self.table(&format!("context.{name}"), k, inner)?;
            out.push((purpose, self.context_entry(name, t)?));
        }
        Ok(out)
    }

    fn context_entry(&self, name: &str, t: &dyn TableLike) -> Result<ContextConfig, ConfigError> {
        let mut c = ContextConfig::default();
        for (key_name, key, item) in self.entries(t) {
            let at: Span = self.at(key, item);
            match key_name {
                "severity-offset" => {
                    let n = item.as_integer().ok_or_else(|| {
                        self.error(
                            at.clone(),
                            format!(
                                "`context.{name}.severity-offset` must be an integer (-4 to 4), not {}",
                                type_name(item)
                            ),
                        )
                    })?;
                    if !(-4..=4).contains(&n) {
                        return Err(self.error(
                            at,
                            format!("`context.{name}.severity-offset`: {n} is not between -4 and 4"),
                        ));
                    }
                    c.severity_offset = n as i32;
                }
                "disable" => {
                    c.disable = item.as_bool().ok_or_else(|| {
                        self.error(
                            at,
                            format!(
                                "`context.{name}.disable` must be true or false, not {}",
                                type_name(item)
                            ),
                        )
                    })?;
                }
                _ => {
                    return Err(self.error(
                        key.span(),
                        format!(
                            "unknown key `{key_name}` in `[context.{name}]` (expected severity-offset, disable)"
                        ),
                    ))
                }
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    #[test]
    fn shifts_clamp_at_both_ends() {
        assert_eq!(shift(Severity::High, -1), Severity::Medium);
        assert_eq!(shift(Severity::Low, -2), Severity::Info);
        assert_eq!(shift(Severity::Medium, 4), Severity::Critical);
        assert_eq!(shift(Severity::Critical, 0), Severity::Critical);
    }

    #[test]
    fn context_tables_parse_and_mistakes_have_positions() {
        let c = parse(
            "[context.ci]\nseverity-offset = -1\n[context.test]\ndisable = true\n",
            "skillaudit.toml",
        )
        .expect("valid");
        assert_eq!(
            c.context(Purpose::Ci),
            ContextConfig {
                severity_offset: -1,
                disable: false
            }
        );
        assert!(c.context(Purpose::Test).disable);
        assert_eq!(c.context(Purpose::Runtime), ContextConfig::default());

        let e = parse("[context.prod]\ndisable = true\n", "s.toml").expect_err("unknown");
        assert_eq!((e.line, e.column), (1, 10), "{e}");
        assert!(e.message.contains("unknown context `context.prod`"), "{e}");
        let e = parse("[context.ci]\nseverity-offset = \"low\"\n", "s.toml").expect_err("type");
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("must be an integer"), "{e}");
        let e = parse("[context.ci]\nseverity-offset = 7\n", "s.toml").expect_err("range");
        assert!(e.message.contains("not between -4 and 4"), "{e}");
        let e = parse("[context.ci]\nweight = 1\n", "s.toml").expect_err("key");
        assert!(e.message.contains("unknown key `weight`"), "{e}");
        let e = parse("[context.ci]\ndisable = 1\n", "s.toml").expect_err("bool");
        assert!(e.message.contains("must be true or false"), "{e}");
    }
}
