//! What the code rules share: the context they see (the project's code
//! model and flows) and the making of a finding from a flow — the message
//! that names the tool and its argument, the flow as related locations
//! (source first), confidence, and test code capped at `low`.

use skillaudit_model::code::ir::SinkKind;
use skillaudit_model::code::resolve::CodeUnit;
use skillaudit_model::code::taint::{Flow, FlowConfidence, FlowSource};
use skillaudit_model::Project;

use crate::{Confidence, Finding, RuleMeta, Severity};

/// The code model, as rules see it.
pub struct CodeCx<'a> {
    pub project: &'a Project,
}

impl<'a> CodeCx<'a> {
    pub fn flows(&self) -> impl Iterator<Item = &'a Flow> + 'a {
        self.project.code.analysis.flows.iter()
    }

    pub fn unit(&self, i: u32) -> &'a CodeUnit {
        &self.project.code.units[i as usize]
    }

    /// Whether a flow's sink is in test code.
    pub fn in_test(&self, f: &Flow) -> bool {
        self.unit(f.sink.unit).test
    }
}

/// How a flow's source reads in a message: `tool "git_log" passes its
/// argument "repo"`, `parameter "repo" of gitLog`.
pub fn source_phrase(cx: &CodeCx<'_>, f: &Flow) -> String {
    match &f.source {
        FlowSource::Handler { kind, .. } => {
            let noun = kind.noun();
            let who = match &f.tool {
                Some(t) => format!("{noun} \"{t}\""),
                None => format!("an MCP {noun}"),
            };
            match &f.argument {
                Some(a) => format!("{who} passes its argument \"{a}\""),
                None => format!("{who} passes its arguments"),
            }
        }
        FlowSource::Param { unit, func, .. } => {
            let name = cx
                .unit(*unit)
                .code
                .funcs
                .get(*func as usize)
                .and_then(|f| f.name.as_deref())
                .unwrap_or("a function");
            match &f.argument {
                Some(a) => format!("parameter \"{a}\" of {name}"),
                None => format!("a parameter of {name}"),
            }
        }
    }
}

/// A finding at a flow's sink with the flow as related locations.
pub fn flow_finding(
    cx: &CodeCx<'_>,
    rule: &'static RuleMeta,
    f: &Flow,
    message: String,
) -> Finding {
    let unit = cx.unit(f.sink.unit);
    let mut finding =
        Finding::new(rule, unit.file, f.sink.span, message).confidence(match f.confidence {
            FlowConfidence::High => Confidence::High,
            FlowConfidence::Medium => Confidence::Medium,
        });
    if unit.test {
        finding.severity = finding.severity.min(Severity::Low);
    }
    for s in &f.steps {
        finding = finding.related_span(cx.unit(s.file).file, s.span, s.message.clone());
    }
    finding.flow = true;
    finding
}

/// Flows of these sink kinds, in a stable order (by sink, then source).
pub fn flows_of<'a>(
    cx: &CodeCx<'a>,
    pred: impl Fn(&Flow) -> bool + 'a,
) -> impl Iterator<Item = &'a Flow> + 'a {
    cx.flows().filter(move |f| pred(f))
}

/// Whether a sink is one of the process-running kinds.
pub fn is_process(k: SinkKind) -> bool {
    matches!(
        k,
        SinkKind::Program | SinkKind::ProgramArg { .. } | SinkKind::ProgramArgs
    )
}

/// `shell-tool` on a process: the program is the model's whole value and
/// the arguments come from the model too (the tool runs whatever it is
/// told). Such calls are reported by `shell-tool`, not `argument-injection`.
pub fn runs_anything(cx: &CodeCx<'_>, f: &Flow) -> bool {
    if !is_process(f.sink.kind) {
        return false;
    }
    let same_call = |g: &&Flow| {
        g.sink.unit == f.sink.unit && g.sink.span == f.sink.span && g.source == f.source
    };
    let program = cx
        .flows()
        .filter(same_call)
        .any(|g| g.sink.kind == SinkKind::Program && g.attrs.whole);
    let args = cx.flows().filter(same_call).any(|g| {
        matches!(
            g.sink.kind,
            SinkKind::ProgramArgs | SinkKind::ProgramArg { .. }
        )
    });
    program && args
}
