//! The project configuration: `skillaudit.toml` (or `.skillaudit.toml`)
//! at the scan root, or the file given with `--config`. The schema is
//! documented in `docs/CONFIG.md`; every mistake in it — an unknown key, a
//! wrong type, an invalid glob, severity or rule id — is an error with the
//! file position (`skillaudit.toml:3:1: unknown key ...`).
//!
//! Path globs are matched against paths relative to the scan root (the
//! first target, or the directory of a file target), `/`-separated. A
//! pattern without `/` matches at any depth (`*.md`, `fixtures`); one with
//! `/` is anchored at the root (`examples/**`, `deploy/compose.yaml`). A
//! pattern that matches a directory matches everything under it.

mod context;

use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use skillaudit_model::settings::ImagePattern;
use skillaudit_model::{Purpose, Settings};
use skillaudit_rules::registry;
use skillaudit_rules::{Allowance, Severity};
use skillaudit_syntax::LineIndex;
use toml_edit::{Item, Key, TableLike, Value};

/// The names looked for at the scan root, in order.
pub const FILE_NAMES: [&str; 2] = ["skillaudit.toml", ".skillaudit.toml"];

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

pub use context::{shift, ContextConfig};

/// `fail-on`: a severity, or never.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    At(Severity),
    Never,
}

impl Threshold {
    /// Every threshold, the severities from the highest, then `never`.
    pub const ALL: [Threshold; 6] = [
        Threshold::At(Severity::Critical),
        Threshold::At(Severity::High),
        Threshold::At(Severity::Medium),
        Threshold::At(Severity::Low),
        Threshold::At(Severity::Info),
        Threshold::Never,
    ];

    /// `high`, …, `never`, as `fail-on` and `--fail-on` write it.
    pub fn name(self) -> &'static str {
        match self {
            Threshold::At(s) => s.name(),
            Threshold::Never => "never",
        }
    }

    /// The lowest severity that fails a run, if any does.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Threshold::At(s) => Some(s),
            Threshold::Never => None,
        }
    }
}

/// `--fail-on never`: the command line takes the names of `fail-on`.
#[cfg(feature = "clap")]
impl clap::ValueEnum for Threshold {
    fn value_variants<'a>() -> &'a [Self] {
        &Threshold::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// A parsed, validated configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it was read from, as shown in messages.
    pub path: String,
    pub fail_on: Option<Threshold>,
    pub min_severity: Option<Severity>,
    /// Rules that are not reported at all.
    pub disable: Vec<&'static str>,
    /// Severity overrides.
    pub severity: Vec<(&'static str, Severity)>,
    /// Rules ignored for some paths.
    pub ignores: Vec<IgnoreEntry>,
    /// Paths not scanned at all.
    pub exclude: Option<PathSet>,
    pub non_root_images: Vec<ImagePattern>,
    /// Deliberate exceptions: findings kept at `info` with a reason.
    pub allow: Vec<Allow>,
    /// `[context.<name>]`: per-context severity offsets and switches.
    pub contexts: Vec<(Purpose, ContextConfig)>,
}

/// `[[ignore]]`: rules ignored for path globs.
#[derive(Clone, Debug)]
pub struct IgnoreEntry {
    pub rules: Vec<&'static str>,
    pub paths: PathSet,
    pub reason: Option<String>,
}

/// `[allow.<key>]`.
#[derive(Clone, Debug)]
pub struct Allow {
    pub allowance: Allowance,
    pub reason: String,
    /// `None`: everywhere.
    pub paths: Option<PathSet>,
}

/// Path globs.
#[derive(Clone, Debug)]
pub struct PathSet {
    pub patterns: Vec<String>,
    set: GlobSet,
}

impl PathSet {
    /// Build from patterns; the error names the first invalid one (by index).
    pub fn new(patterns: &[String]) -> Result<PathSet, (usize, String)> {
        let mut b = GlobSetBuilder::new();
        for (i, p) in patterns.iter().enumerate() {
            let mut pat = p
                .trim()
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_string();
            if pat.is_empty() {
                return Err((i, "an empty path pattern".into()));
            }
            if let Some(anchored) = pat.strip_prefix('/') {
                pat = anchored.to_string();
            } else if !pat.contains('/') {
                pat = format!("**/{pat}");
            }
            let glob = GlobBuilder::new(&pat)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| (i, format!("invalid glob `{p}`: {}", e.kind())))?;
            b.add(glob);
        }
        let set = b.build().map_err(|e| (0, format!("invalid globs: {e}")))?;
        Ok(PathSet {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// Does a path (relative, `/`-separated) or a directory above it match?
    pub fn matches(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./");
        if self.set.is_match(path) {
            return true;
        }
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            if self.set.is_match(&path[..at + i]) {
                return true;
            }
            at += i + 1;
        }
        false
    }
}

impl Config {
    /// What rules need from the configuration.
    pub fn settings(&self) -> Settings {
        Settings {
            non_root_images: self.non_root_images.clone(),
        }
    }

    pub fn is_disabled(&self, rule: &str) -> bool {
        self.disable.contains(&rule)
    }

    pub fn severity_of(&self, rule: &str) -> Option<Severity> {
        self.severity
            .iter()
            .rev()
            .find(|(r, _)| *r == rule)
            .map(|(_, s)| *s)
    }

    /// The `[[ignore]]` entry that ignores `rule` at `path`, if any.
    pub fn ignore_for(&self, rule: &str, path: &str) -> Option<&IgnoreEntry> {
        self.ignores
            .iter()
            .find(|e| e.rules.contains(&rule) && e.paths.matches(path))
    }

    /// The `[allow.<key>]` entry for this exception at `path`, if any.
    pub fn allow_for(&self, a: Allowance, path: &str) -> Option<&Allow> {
        self.allow
            .iter()
            .find(|x| x.allowance == a && x.paths.as_ref().is_none_or(|p| p.matches(path)))
    }

    /// What the configuration says about a context (the defaults when
    /// nothing).
    pub fn context(&self, p: Purpose) -> ContextConfig {
        self.contexts
            .iter()
            .rev()
            .find(|(q, _)| *q == p)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }

    pub fn excludes(&self, path: &str) -> bool {
        self.exclude.as_ref().is_some_and(|e| e.matches(path))
    }
}

/// A configuration that cannot be used (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    /// 1-based; 0 when the error has no position (an unreadable file).
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path, self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for ConfigError {}

/// The configuration file at a scan root, if there is one.
pub fn find_in(root: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file())
}

/// The configuration for a scan: `explicit` (`--config`), else the file at
/// the scan root — the first target if it is a local directory, or the
/// directory of a file target. A git URL's own configuration is not read
/// unless given with `--config` (it is someone else's repository).
pub fn for_targets(
    targets: &[String],
    explicit: Option<&Path>,
) -> Result<Option<Config>, ConfigError> {
    if let Some(path) = explicit {
        return load(path).map(Some);
    }
    let Some(first) = targets.first() else {
        return Ok(None);
    };
    if crate::target::is_git_url(first) {
        return Ok(None);
    }
    let p = Path::new(first);
    let root = if p.is_dir() {
        p.to_path_buf()
    } else if p.is_file() {
        p.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        return Ok(None);
    };
    match find_in(&root) {
        Some(path) => load(&display_in(&root, &path)).map(Some),
        None => Ok(None),
    }
}

/// `root/name` shown without a leading `./` or empty root.
fn display_in(root: &Path, path: &Path) -> PathBuf {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        path.file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    }
}

/// Read and validate a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: shown.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read the configuration: {e}"),
    })?;
    parse(&text, &shown)
}

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
                "fail-on" => {
                    let s = self.string(name, key, item)?;
                    c.fail_on = Some(if s.eq_ignore_ascii_case("never") {
                        Threshold::Never
                    } else {
                        Threshold::At(Severity::parse(s).ok_or_else(|| {
                            self.error(at, format!("`fail-on`: `{s}` is not a severity (critical, high, medium, low, info or never)"))
                        })?)
                    });
                }
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
                        c.allow.push(self.allow_entry(
                            allowance,
                            akey,
                            inner,
                            self.at(k, aitem),
                        )?);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "skillaudit.toml")
            .expect_err("an error")
            .to_string()
    }

    #[test]
    fn a_full_configuration() {
        let c = parse(
            r#"
fail-on = "medium"
min-severity = "info"
disable = ["missing-healthcheck"]
exclude = ["examples/legacy/**", "third_party"]
non-root-images = ["ghcr.io/acme/base", "ghcr.io/acme/*:nonroot"]

[severity]
missing-pids-limit = "info"
unpinned-image = "HIGH"

[[ignore]]
rules = ["writable-bind-mount"]
paths = ["examples/**"]
reason = "examples are run by hand"

[allow.docker-socket]
reason = "this server manages containers"
paths = ["deploy/compose.yaml"]
"#,
            "skillaudit.toml",
        )
        .expect("valid");
        assert_eq!(c.fail_on, Some(Threshold::At(Severity::Medium)));
        assert_eq!(c.min_severity, Some(Severity::Info));
        assert!(c.is_disabled("missing-healthcheck"));
        assert_eq!(c.severity_of("missing-pids-limit"), Some(Severity::Info));
        assert_eq!(c.severity_of("unpinned-image"), Some(Severity::High));
        assert!(c
            .ignore_for("writable-bind-mount", "examples/a/compose.yaml")
            .is_some());
        assert!(c
            .ignore_for("writable-bind-mount", "compose.yaml")
            .is_none());
        assert!(c
            .ignore_for("privileged-container", "examples/compose.yaml")
            .is_none());
        assert!(c.excludes("examples/legacy/x/Dockerfile"));
        assert!(c.excludes("a/b/third_party/Dockerfile"));
        assert!(c.excludes("third_party"));
        assert!(!c.excludes("examples/new/Dockerfile"));
        assert_eq!(
            c.allow_for(Allowance::DockerSocket, "deploy/compose.yaml")
                .map(|a| a.reason.as_str()),
            Some("this server manages containers")
        );
        assert!(c
            .allow_for(Allowance::DockerSocket, "compose.yaml")
            .is_none());
        assert_eq!(c.settings().non_root_images.len(), 2);
        assert_eq!(Config::default().fail_on, None);
        // Inline forms are the same configuration.
        let c = parse(
            "severity = { unpinned-image = \"low\" }\nignore = [{ rules = [\"unpinned-image\"], paths = [\"a\"] }]\nallow = { docker-socket = { reason = \"r\" } }\nfail-on = \"never\"\n",
            "x",
        )
        .expect("valid");
        assert_eq!(c.severity_of("unpinned-image"), Some(Severity::Low));
        assert!(c.ignore_for("unpinned-image", "a/compose.yaml").is_some());
        assert!(c.allow_for(Allowance::DockerSocket, "anything").is_some());
        assert_eq!(c.fail_on, Some(Threshold::Never));
        assert!(parse("", "x").is_ok());
    }

    #[test]
    fn every_threshold_name_is_a_fail_on_value() {
        for t in Threshold::ALL {
            let c = parse(&format!("fail-on = \"{}\"", t.name()), "x").expect("valid");
            assert_eq!(c.fail_on, Some(t), "{}", t.name());
        }
        assert_eq!(Threshold::Never.severity(), None);
        assert_eq!(Threshold::ALL[1].severity(), Some(Severity::High));
    }

    #[test]
    fn errors_carry_their_position() {
        assert_eq!(err("disable = []\nfoo = 1\n"), "skillaudit.toml:2:1: unknown key `foo` (expected one of: fail-on, min-severity, disable, severity, ignore, exclude, non-root-images, allow, context)");
        assert_eq!(
            err("disable = [\"missing-usr\"]"),
            "skillaudit.toml:1:12: unknown rule id `missing-usr` (did you mean missing-user?); `skillaudit rules` lists them"
        );
        assert!(
            err("disable = [\"user\"]").contains("(did you mean missing-user, root-user?)"),
            "{}",
            err("disable = [\"user\"]")
        );
        assert_eq!(
            err("disable = \"missing-user\""),
            "skillaudit.toml:1:11: `disable` must be an array of strings, not string"
        );
        assert_eq!(
            err("disable = [1]"),
            "skillaudit.toml:1:12: `disable` must hold strings, not integer"
        );
        assert_eq!(
            err("min-severity = \"severe\""),
            "skillaudit.toml:1:16: `min-severity`: `severe` is not a severity (critical, high, medium, low or info)"
        );
        assert_eq!(
            err("fail-on = \"always\""),
            "skillaudit.toml:1:11: `fail-on`: `always` is not a severity (critical, high, medium, low, info or never)"
        );
        assert_eq!(
            err("\n[severity]\nmissing-user = \"urgent\""),
            "skillaudit.toml:3:16: `severity.missing-user`: `urgent` is not a severity (critical, high, medium, low or info)"
        );
        assert_eq!(
            err("[severity]\nnot-a-rule = \"low\""),
            "skillaudit.toml:2:1: unknown rule id `not-a-rule`; `skillaudit rules` lists them"
        );
        assert_eq!(
            err("exclude = [\"ok\", \"a/[b\"]"),
            "skillaudit.toml:1:18: `exclude`: invalid glob `a/[b`: unclosed character class; missing ']'"
        );
        assert_eq!(
            err("exclude = []"),
            "skillaudit.toml:1:11: `exclude` is empty"
        );
        assert_eq!(
            err("[[ignore]]\npaths = [\"a\"]\n"),
            "skillaudit.toml:1:1: `[[ignore]]` needs `rules = [\"rule-id\", ...]`"
        );
        assert_eq!(
            err("[[ignore]]\nrules = [\"missing-user\"]\n"),
            "skillaudit.toml:1:1: `[[ignore]]` needs `paths = [\"glob\", ...]` (to turn a rule off everywhere, use `disable`)"
        );
        assert_eq!(
            err("[[ignore]]\nrules = [\"missing-user\"]\npaths = [\"a\"]\nwhy = \"x\"\n"),
            "skillaudit.toml:4:1: unknown key `why` in `[[ignore]]` (expected rules, paths, reason)"
        );
        assert_eq!(
            err("ignore = 3"),
            "skillaudit.toml:1:10: `ignore` must be an array of tables (`[[ignore]]`), not integer"
        );
        assert_eq!(
            err("[allow.privileged]\nreason = \"x\""),
            "skillaudit.toml:1:8: unknown exception `allow.privileged` (known: docker-socket)"
        );
        assert_eq!(
            err("[allow.docker-socket]\npaths = [\"a\"]"),
            "skillaudit.toml:1:1: `[allow.docker-socket]` needs a non-empty `reason`"
        );
        assert_eq!(
            err("non-root-images = [\"\"]"),
            "skillaudit.toml:1:20: `non-root-images`: `` is not an image name"
        );
        assert_eq!(
            err("severity = \"low\""),
            "skillaudit.toml:1:12: `severity` must be a table, not string"
        );
        assert!(
            err("disable = [").starts_with("skillaudit.toml:1:12: invalid TOML: "),
            "{}",
            err("disable = [")
        );
    }

    #[test]
    fn path_sets() {
        let p = |pats: &[&str]| {
            PathSet::new(&pats.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("valid")
        };
        let s = p(&[
            "examples/**",
            "*.md",
            "/top.yaml",
            "deploy/",
            "./k8s/*.yaml",
        ]);
        assert!(s.matches("examples/x/compose.yaml"));
        assert!(s.matches("docs/README.md"));
        assert!(s.matches("top.yaml"));
        assert!(!s.matches("sub/top.yaml"));
        assert!(s.matches("deploy/a/b/Dockerfile"));
        assert!(s.matches("k8s/app.yaml"));
        assert!(!s.matches("k8s/sub/app.yaml"));
        assert!(!s.matches("src/Dockerfile"));
        assert!(PathSet::new(&["".into()]).is_err());
    }
}
