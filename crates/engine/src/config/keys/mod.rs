//! The schema: every key of the configuration, checked and read into a
//! [`Config`].

pub(super) mod context;

use skillaudit_model::settings::ImagePattern;
use skillaudit_rules::registry;
use skillaudit_rules::{Allowance, Severity};
use skillaudit_syntax::LineIndex;
use toml_edit::{Item, Key, TableLike, Value};

use super::{Allow, Config, ConfigError, IgnoreEntry, PathSet, Threshold};

/// The keys of the top-level table.
const TOP_KEYS: &[&str] = &[
    "fail-on",
    "min-severity",
    "disable",
    "severity",
    "ignore",
    "exclude",
    "non-root-images",
    "allow",
    "context",
];

/// Validate a configuration's text; `path` is only for messages.
pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
    let p = Parser {
        text,
        path,
        index: LineIndex::new(text),
    };
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        let message = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .trim()
            .to_string();
        p.error(e.span(), format!("invalid TOML: {message}"))
    })?;
    p.config(doc.as_table())
}

struct Parser<'a> {
    text: &'a str,
    path: &'a str,
    index: LineIndex,
}

type Span = Option<std::ops::Range<usize>>;

impl Parser<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> ConfigError {
        let at = span.map_or(0, |r| r.start.min(self.text.len()));
        let lc = self.index.line_col(self.text, at as u32);
        ConfigError {
            path: self.path.to_string(),
            line: lc.line,
            column: lc.column,
            message: message.into(),
        }
    }

    /// The entries of a table with their key spans and the items' spans.
    fn entries<'t>(&self, table: &'t dyn TableLike) -> Vec<(&'t str, &'t Key, &'t Item)> {
        table
            .iter()
            .filter_map(|(name, _)| table.get_key_value(name).map(|(k, v)| (name, k, v)))
            .collect()
    }

    /// Where to point for an item: its own span, else its key's.
    fn at(&self, key: &Key, item: &Item) -> Span {
        item.span().or_else(|| key.span())
    }

    fn config(&self, root: &toml_edit::Table) -> Result<Config, ConfigError> {
        let mut c = Config {
            path: self.path.to_string(),
            ..Config::default()
        };
        for (name, key, item) in self.entries(root) {
            let at = self.at(key, item);
            match name {
                "fail-on" => c.fail_on = Some(self.fail_on(name, key, item, at)?),
                "min-severity" => c.min_severity = Some(self.severity(name, key, item)?),
                "disable" => c.disable = self.rule_ids(name, key, item)?,
                "exclude" => c.exclude = Some(self.paths(name, key, item)?),
                "non-root-images" => {
                    for (s, span) in self.strings(name, key, item)? {
                        let pattern = ImagePattern::parse(s).ok_or_else(|| {
                            self.error(
                                span,
                                format!("`non-root-images`: `{s}` is not an image name"),
                            )
                        })?;
                        c.non_root_images.push(pattern);
                    }
                }
                "severity" => {
                    let table = self.table(name, key, item)?;
                    for (rule, rkey, ritem) in self.entries(table) {
                        let id = self.rule_id(rule, rkey.span())?;
                        c.severity
                            .push((id, self.severity(&format!("severity.{rule}"), rkey, ritem)?));
                    }
                }
                "ignore" => {
                    for (table, span) in self.tables(name, key, item)? {
                        c.ignores.push(self.ignore_entry(table, span)?);
                    }
                }
                "allow" => {
                    let table = self.table(name, key, item)?;
                    for (akey, k, aitem) in self.entries(table) {
                        c.allow.push(self.allowance(akey, k, aitem)?);
                    }
                }
                "context" => c.contexts = self.contexts(key, item)?,
                _ => {
                    return Err(self.error(
                        key.span(),
                        format!(
                            "unknown key `{name}` (expected one of: {})",
                            TOP_KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(c)
    }

    /// `fail-on`: a severity or `never`.
    fn fail_on(
        &self,
        name: &str,
        key: &Key,
        item: &Item,
        at: Span,
    ) -> Result<Threshold, ConfigError> {
        let s = self.string(name, key, item)?;
        Ok(if s.eq_ignore_ascii_case("never") {
            Threshold::Never
        } else {
            Threshold::At(Severity::parse(s).ok_or_else(|| {
                self.error(at, format!("`fail-on`: `{s}` is not a severity (critical, high, medium, low, info or never)"))
            })?)
        })
    }

    /// One `[allow.<name>]` table: a known exception and its entry.
    fn allowance(&self, akey: &str, k: &Key, aitem: &Item) -> Result<Allow, ConfigError> {
        let allowance = Allowance::parse(akey).ok_or_else(|| {
            let known: Vec<&str> = Allowance::ALL.iter().map(|a| a.key()).collect();
            self.error(
                k.span(),
                format!(
                    "unknown exception `allow.{akey}` (known: {})",
                    known.join(", ")
                ),
            )
        })?;
        let inner = self.table(&format!("allow.{akey}"), k, aitem)?;
        self.allow_entry(allowance, akey, inner, self.at(k, aitem))
    }

    fn ignore_entry(&self, table: &dyn TableLike, span: Span) -> Result<IgnoreEntry, ConfigError> {
        let (mut rules, mut paths, mut reason) = (None, None, None);
        for (name, key, item) in self.entries(table) {
            match name {
                "rules" => rules = Some(self.rule_ids("ignore.rules", key, item)?),
                "paths" => paths = Some(self.paths("ignore.paths", key, item)?),
                "reason" => reason = Some(self.string("ignore.reason", key, item)?.to_string()),
                _ => {
                    return Err(self.error(
                        key.span(),
                        format!(
                            "unknown key `{name}` in `[[ignore]]` (expected rules, paths, reason)"
                        ),
                    ))
                }
            }
        }
        let rules = rules.ok_or_else(|| {
            self.error(
                span.clone(),
                "`[[ignore]]` needs `rules = [\"rule-id\", ...]`",
            )
        })?;
        if rules.is_empty() {
            return Err(self.error(span, "`[[ignore]]`: `rules` is empty"));
        }
        let paths = paths.ok_or_else(|| {
            self.error(span, "`[[ignore]]` needs `paths = [\"glob\", ...]` (to turn a rule off everywhere, use `disable`)")
        })?;
        Ok(IgnoreEntry {
            rules,
            paths,
            reason,
        })
    }

    fn allow_entry(
        &self,
        allowance: Allowance,
        name: &str,
        table: &dyn TableLike,
        span: Span,
    ) -> Result<Allow, ConfigError> {
        let (mut reason, mut paths) = (None, None);
        for (key_name, key, item) in self.entries(table) {
            match key_name {
                "reason" => {
                    reason = Some(
                        self.string(&format!("allow.{name}.reason"), key, item)?
                            .trim()
                            .to_string(),
                    )
                }
                "paths" => paths = Some(self.paths(&format!("allow.{name}.paths"), key, item)?),
                _ => {
                    return Err(self.error(
                        key.span(),
                        format!(
                            "unknown key `{key_name}` in `[allow.{name}]` (expected reason, paths)"
                        ),
                    ))
                }
            }
        }
        let reason = reason.filter(|r| !r.is_empty()).ok_or_else(|| {
            self.error(span, format!("`[allow.{name}]` needs a non-empty `reason`"))
        })?;
        Ok(Allow {
            allowance,
            reason,
            paths,
        })
    }

    fn string<'t>(&self, name: &str, key: &Key, item: &'t Item) -> Result<&'t str, ConfigError> {
        item.as_str().ok_or_else(|| {
            self.error(
                self.at(key, item),
                format!("`{name}` must be a string, not {}", type_name(item)),
            )
        })
    }

    fn severity(&self, name: &str, key: &Key, item: &Item) -> Result<Severity, ConfigError> {
        let s = self.string(name, key, item)?;
        Severity::parse(s).ok_or_else(|| {
            self.error(
                self.at(key, item),
                format!("`{name}`: `{s}` is not a severity (critical, high, medium, low or info)"),
            )
        })
    }

    fn strings<'t>(
        &self,
        name: &str,
        key: &Key,
        item: &'t Item,
    ) -> Result<Vec<(&'t str, Span)>, ConfigError> {
        let array = item.as_array().ok_or_else(|| {
            self.error(
                self.at(key, item),
                format!(
                    "`{name}` must be an array of strings, not {}",
                    type_name(item)
                ),
            )
        })?;
        array
            .iter()
            .map(|v| match v.as_str() {
                Some(s) => Ok((s, v.span())),
                None => Err(self.error(
                    v.span(),
                    format!("`{name}` must hold strings, not {}", v.type_name()),
                )),
            })
            .collect()
    }

    fn rule_id(&self, id: &str, span: Span) -> Result<&'static str, ConfigError> {
        match registry::find(id) {
            Some(m) => Ok(m.id),
            None => Err(self.error(
                span,
                format!(
                    "unknown rule id `{id}`{}; `skillaudit rules` lists them",
                    did_you_mean(id)
                ),
            )),
        }
    }

    fn rule_ids(
        &self,
        name: &str,
        key: &Key,
        item: &Item,
    ) -> Result<Vec<&'static str>, ConfigError> {
        self.strings(name, key, item)?
            .into_iter()
            .map(|(s, span)| self.rule_id(s.trim(), span))
            .collect()
    }

    fn paths(&self, name: &str, key: &Key, item: &Item) -> Result<PathSet, ConfigError> {
        let strings = self.strings(name, key, item)?;
        if strings.is_empty() {
            return Err(self.error(self.at(key, item), format!("`{name}` is empty")));
        }
        let patterns: Vec<String> = strings.iter().map(|(s, _)| s.to_string()).collect();
        PathSet::new(&patterns).map_err(|(i, message)| {
            self.error(
                strings.get(i).and_then(|(_, s)| s.clone()),
                format!("`{name}`: {message}"),
            )
        })
    }

    fn table<'t>(
        &self,
        name: &str,
        key: &Key,
        item: &'t Item,
    ) -> Result<&'t dyn TableLike, ConfigError> {
        item.as_table_like().ok_or_else(|| {
            self.error(
                self.at(key, item),
                format!("`{name}` must be a table, not {}", type_name(item)),
            )
        })
    }

    /// `[[name]]` tables, or an array of inline tables.
    fn tables<'t>(
        &self,
        name: &str,
        key: &Key,
        item: &'t Item,
    ) -> Result<Vec<(&'t dyn TableLike, Span)>, ConfigError> {
        if let Some(array) = item.as_array_of_tables() {
            return Ok(array
                .iter()
                .map(|t| (t as &dyn TableLike, t.span().or_else(|| key.span())))
                .collect());
        }
        let Some(array) = item.as_array() else {
            return Err(self.error(
                self.at(key, item),
                format!(
                    "`{name}` must be an array of tables (`[[{name}]]`), not {}",
                    type_name(item)
                ),
            ));
        };
        array
            .iter()
            .map(|v| match v {
                Value::InlineTable(t) => Ok((t as &dyn TableLike, t.span())),
                other => Err(self.error(
                    other.span(),
                    format!("`{name}` must hold tables, not {}", other.type_name()),
                )),
            })
            .collect()
    }
}

/// ` (did you mean a, b?)` for an unknown rule id, from
/// [`registry::did_you_mean`]; empty if nothing is close.
pub fn did_you_mean(id: &str) -> String {
    let close = registry::did_you_mean(id);
    if close.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", close.join(", "))
    }
}

fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(v) => v.type_name(),
        Item::Table(_) => "table",
        Item::ArrayOfTables(_) => "array of tables",
    }
}
