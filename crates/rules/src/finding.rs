//! What a rule reports.

use std::fmt;

use serde::Serialize;
use skillaudit_model::{FileId, Origin, Purpose, Remedy, Span, Subject, TextEdit};

use crate::RuleMeta;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(s))
    }
}

/// `--min-severity high`: the command line takes the severity names.
#[cfg(feature = "clap")]
impl clap::ValueEnum for Severity {
    fn value_variants<'a>() -> &'a [Self] {
        &Severity::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How sure the rule is that the finding is real.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Whether a fix may be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps behaviour; applied by `--fix`.
    Safe,
    /// May change behaviour (a read-only filesystem may break a server); `--unsafe-fixes`.
    Unsafe,
    /// Needs a person: the description says what to do.
    Manual,
}

/// How to fix a finding. `applicability` is `Safe`/`Unsafe` only while an
/// automatic edit exists: the engine resolves `remedy` into `edits` with
/// the per-format editors and turns the fix `Manual` when there are none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub applicability: Applicability,
    /// What to change, in model terms (set by the rule).
    pub remedy: Option<(Subject, Remedy)>,
    /// The text edits that apply the remedy (set by the engine).
    pub edits: Vec<TextEdit>,
}

/// A place in the repository: a span of a file that was read, or just a
/// path (a file found but not read, such as a secret file in a build context).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    Span(FileId, Span),
    Path(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// A deliberate, documented exception a project may declare in its
/// configuration (`[allow.<key>]` in `skillaudit.toml`): a finding that
/// names one is kept but drops to `info` where the project allows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Allowance {
    /// The project manages containers and needs the engine socket
    /// (`docker-socket-mount`, `docker-socket-in-image`, and
    /// `host-takeover-chain` when the socket is its only host access).
    DockerSocket,
}

impl Allowance {
    pub const ALL: [Allowance; 1] = [Allowance::DockerSocket];

    /// The key in `[allow.<key>]`.
    pub fn key(self) -> &'static str {
        match self {
            Allowance::DockerSocket => "docker-socket",
        }
    }

    pub fn parse(key: &str) -> Option<Allowance> {
        Allowance::ALL.into_iter().find(|a| a.key() == key)
    }
}

/// The model a finding was made on (set by the engine): what "the same
/// container" means when occurrences are grouped and scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModelRef {
    /// `project.images[i]`.
    Image(usize),
    /// `project.containers[i]`.
    Container(usize),
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub confidence: Confidence,
    pub message: String,
    pub file: FileId,
    pub span: Span,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// The configurable exception that covers this finding, if any.
    pub allowance: Option<Allowance>,
    /// `related` is a data flow, source first (SARIF `codeFlows`).
    pub flow: bool,
    /// Where the finding's container or code comes from (`context` in the
    /// reports: deployment, documentation, development, ci, test); set by
    /// the engine.
    pub context: Purpose,
    /// The Image or Container the rule judged; set by the engine.
    pub model: Option<ModelRef>,
    /// The other occurrences of the same problem in the same file (the
    /// same rule, container or image and message), each with its own
    /// location and fix; the engine groups them under the first
    /// occurrence and lists them as related locations.
    pub repeats: Vec<Finding>,
}

impl Finding {
    /// A finding at the rule's default severity, high confidence.
    pub fn new(
        rule: &'static RuleMeta,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            confidence: Confidence::High,
            message: message.into(),
            file,
            span,
            related: Vec::new(),
            fix: None,
            allowance: None,
            flow: false,
            context: Purpose::Runtime,
            model: None,
            repeats: Vec::new(),
        }
    }

    /// A finding at a model value's origin; a value that came from a YAML
    /// anchor gets the anchor definition as a related location.
    pub fn at(
        rule: &'static RuleMeta,
        file: FileId,
        origin: Origin,
        message: impl Into<String>,
    ) -> Finding {
        let f = Finding::new(rule, file, origin.span, message);
        match origin.anchor {
            Some(def) if def != origin.span => {
                f.related_span(file, def, "value defined here (YAML anchor)")
            }
            _ => f,
        }
    }

    pub fn severity(mut self, s: Severity) -> Finding {
        self.severity = s;
        self
    }

    pub fn confidence(mut self, c: Confidence) -> Finding {
        self.confidence = c;
        self
    }

    pub fn related_span(mut self, file: FileId, span: Span, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            location: Location::Span(file, span),
            message: message.into(),
        });
        self
    }

    /// A related origin; for an anchored value, points at the use site.
    pub fn related_origin(
        self,
        file: FileId,
        origin: Origin,
        message: impl Into<String>,
    ) -> Finding {
        self.related_span(file, origin.span, message)
    }

    pub fn related_path(mut self, path: impl Into<String>, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            location: Location::Path(path.into()),
            message: message.into(),
        });
        self
    }

    /// Mark the finding as covered by a configurable exception.
    pub fn allowance(mut self, a: Allowance) -> Finding {
        self.allowance = Some(a);
        self
    }

    /// A fix a person makes: `Manual`, or `Safe`/`Unsafe` for a change no
    /// editor makes yet (the engine reports those as `Manual`).
    pub fn fix(mut self, description: impl Into<String>, applicability: Applicability) -> Finding {
        self.fix = Some(Fix {
            description: description.into(),
            applicability,
            remedy: None,
            edits: Vec::new(),
        });
        self
    }

    /// A fix the editors can make: `remedy` applied to `subject`.
    pub fn remedy(
        mut self,
        description: impl Into<String>,
        applicability: Applicability,
        subject: Subject,
        remedy: Remedy,
    ) -> Finding {
        self.fix = Some(Fix {
            description: description.into(),
            applicability,
            remedy: Some((subject, remedy)),
            edits: Vec::new(),
        });
        self
    }
}
