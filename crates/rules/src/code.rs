//! What the code rules share: the context they see (the project's code
//! model and flows) and the making of a finding from a flow — the message
//! that names the tool and its argument, the flow as related locations
//! (source first), confidence, and test code capped at `low`.

use skillaudit_model::code::ir::SinkKind;
use skillaudit_model::code::resolve::CodeUnit;
use skillaudit_model::code::taint::{Flow, FlowConfidence, FlowSource};
use skillaudit_model::Project;
use std::sync::OnceLock;

use crate::analysis::transport;

use crate::{Confidence, Finding, RuleMeta, Severity};

/// The code model, as rules see it.
pub struct CodeCx<'a> {
    pub project: &'a Project,
    /// What the project shows about HTTP transports, computed for the
    /// first rule that asks (two rules judge it).
    transport: OnceLock<transport::Facts>,
}

impl<'a> CodeCx<'a> {
    pub fn new(project: &'a Project) -> Self {
        CodeCx {
            project,
            transport: OnceLock::new(),
        }
    }

    /// [`transport::facts`] of the project, computed once.
    pub fn transport(&self) -> &transport::Facts {
        self.transport
            .get_or_init(|| transport::facts(self.project))
    }

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

/// How the sources of flows that reach one sink read in a message, with
/// the verb: `tool "git_log" passes its argument "repo"`, `tool "k" passes
/// its arguments "name", "namespace"`, `tools "a", "b" and 3 more pass
/// their arguments`, `parameter "repo" of gitLog flows`.
pub fn subject(cx: &CodeCx<'_>, flows: &[&Flow]) -> String {
    let Some(first) = flows.first() else {
        return String::new();
    };
    if let FlowSource::Param { unit, func, .. } = &first.source {
        let name = cx
            .unit(*unit)
            .code
            .funcs
            .get(*func as usize)
            .and_then(|f| f.name.as_deref())
            .unwrap_or("a function");
        return match &first.argument {
            Some(a) => format!("parameter \"{a}\" of {name} flows"),
            None => format!("a parameter of {name} flows"),
        };
    }
    let noun = match first.source {
        FlowSource::Handler { kind, .. } => kind.noun(),
        FlowSource::Param { .. } => "tool",
    };
    let mut tools: Vec<&str> = Vec::new();
    let mut args: Vec<&str> = Vec::new();
    let mut unnamed = false;
    for f in flows {
        match f.tool.as_deref() {
            Some(t) if !tools.contains(&t) => tools.push(t),
            None => unnamed = true,
            _ => {}
        }
        if let Some(a) = f.argument.as_deref() {
            if !args.contains(&a) {
                args.push(a);
            }
        }
    }
    let quoted = |v: &[&str]| -> String {
        let shown: Vec<String> = v.iter().take(3).map(|x| format!("\"{x}\"")).collect();
        match v.len() {
            0..=3 => shown.join(", "),
            n => format!("{} and {} more", shown.join(", "), n - 3),
        }
    };
    if tools.len() > 1 || (unnamed && !tools.is_empty()) {
        let extra = if unnamed { " and an unnamed one" } else { "" };
        return format!("{noun}s {}{extra} pass their arguments", quoted(&tools));
    }
    let who = match tools.first() {
        Some(t) => format!("{noun} \"{t}\""),
        None => format!("an MCP {noun}"),
    };
    match args.len() {
        0 => format!("{who} passes its arguments"),
        1 => format!("{who} passes its argument {}", quoted(&args)),
        _ => format!("{who} passes its arguments {}", quoted(&args)),
    }
}

/// One finding per sink: the flows reaching one call (several arguments,
/// several tools sharing a helper) are one problem. The finding is at the
/// sink, with the first flow's path as related locations (source first)
/// and where each other tool's input enters. `message` gets the
/// [`subject`] of the group and its first flow.
pub fn report(
    cx: &CodeCx<'_>,
    rule: &'static RuleMeta,
    flows: Vec<&Flow>,
    message: impl Fn(&str, &Flow) -> String,
    fix: &str,
    out: &mut Vec<Finding>,
) {
    let mut groups: Vec<Vec<&Flow>> = Vec::new();
    let mut index: std::collections::HashMap<(u32, skillaudit_model::Span), usize> =
        std::collections::HashMap::new();
    for f in flows {
        let key = (f.sink.unit, f.sink.span);
        match index.get(&key) {
            Some(&g) => groups[g].push(f),
            None => {
                index.insert(key, groups.len());
                groups.push(vec![f]);
            }
        }
    }
    for mut group in groups {
        // The most certain, then the shortest path first.
        group.sort_by_key(|f| (std::cmp::Reverse(f.confidence), f.steps.len()));
        let first = group[0];
        let text = message(&subject(cx, &group), first);
        let mut finding = flow_finding(cx, rule, first, text);
        let mut others = 0;
        let mut seen = vec![first.tool.clone()];
        for f in &group[1..] {
            if seen.contains(&f.tool) || others >= 10 {
                continue;
            }
            seen.push(f.tool.clone());
            if let Some(s) = f.steps.first() {
                finding = finding.related_span(
                    cx.unit(s.file).file,
                    s.span,
                    format!(
                        "also {}",
                        f.tool
                            .as_deref()
                            .map(|t| format!("tool \"{t}\": {}", s.message))
                            .unwrap_or_else(|| s.message.clone())
                    ),
                );
                others += 1;
            }
        }
        out.push(finding.fix(fix, crate::Applicability::Manual));
    }
}

/// A finding at a flow's sink with the flow as related locations, its
/// steps numbered in order (source first).
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
    for (i, s) in f.steps.iter().enumerate() {
        finding = finding.related_span(
            cx.unit(s.file).file,
            s.span,
            format!("{}. {}", i + 1, s.message),
        );
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
