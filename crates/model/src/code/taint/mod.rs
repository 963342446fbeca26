//! The taint engine: from MCP handler parameters (sources) to dangerous
//! calls (sinks), through assignments, string building, containers and
//! calls to the repository's own functions across files.
//!
//! 1. Every function gets a **summary** (which parameters reach which
//!    sinks, which reach the return value), computed callees first over the
//!    resolved call graph (strongly connected components, iterative Tarjan;
//!    a cycle is summarised twice, then left as it is).
//! 2. Every handler is interpreted with labels on its source parameters;
//!    calls into the repository apply summaries, so a flow that crosses
//!    files arrives at the sink with every step.
//! 3. A shell sink fed by string building from a parameter of a function
//!    that nothing in the repository calls (and no handler is) is reported
//!    at medium confidence: model input may still reach it in ways not
//!    traced (CVE-2025-53967 looked like that).
//!
//! Work is bounded by a budget proportional to the size of the code, and
//! every per-value and per-path structure is capped (`value.rs`).

mod flow;
mod graph;
mod interp;
mod value;

use std::cell::{Cell, RefCell};
use std::sync::Arc;

pub use flow::{Flow, FlowConfidence, FlowSource, SinkRef, Summary};
pub use value::{Attrs, Step};

use super::ir::*;
use super::resolve::{CodeUnit, GFn, Resolver};
use crate::code::hash::HashSet;
use graph::CallGraph;
pub use graph::{visit_expr, visit_stmts};
use interp::{Frame, Hit};
use value::{Label, Origin, Role};

/// What the engine found.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub flows: Vec<Flow>,
    /// Limits hit (for notices).
    pub notes: Vec<String>,
}

/// Work units per IR node of the code, plus a base.
const BUDGET_PER_NODE: u64 = 64;
const BUDGET_BASE: u64 = 2_000_000;

/// Shared state of one analysis.
pub struct Engine<'r> {
    pub resolver: &'r Resolver<'r>,
    summaries: RefCell<Vec<Vec<Option<Arc<Summary>>>>>,
    budget: Cell<u64>,
    exhausted: Cell<bool>,
    deadline: Option<std::time::Instant>,
}

/// The clock is read once per this many units of work.
const CLOCK_EVERY: u64 = 4096;

impl<'r> Engine<'r> {
    /// Spend one unit of work; `false` once the budget is gone.
    pub fn tick(&self) -> bool {
        let b = self.budget.get();
        if b == 0 {
            self.exhausted.set(true);
            return false;
        }
        if b.is_multiple_of(CLOCK_EVERY)
            && self
                .deadline
                .is_some_and(|d| std::time::Instant::now() >= d)
        {
            // Out of time: spend the rest of the budget at once.
            self.budget.set(0);
            self.exhausted.set(true);
            return false;
        }
        self.budget.set(b - 1);
        true
    }

    pub fn summary(&self, f: GFn) -> Option<Arc<Summary>> {
        self.summaries
            .borrow()
            .get(f.0 as usize)?
            .get(f.1 as usize)?
            .clone()
    }
}

/// Analyse every unit.
pub fn analyse(units: &[CodeUnit]) -> Analysis {
    analyse_until(units, None)
}

/// Analyse every unit, stopping (with a note) at `deadline`.
pub fn analyse_until(units: &[CodeUnit], deadline: Option<std::time::Instant>) -> Analysis {
    let resolver = Resolver::new(units);
    let nodes: u64 = units.iter().map(|u| size(&u.code) as u64).sum();
    let eng = Engine {
        resolver: &resolver,
        summaries: RefCell::new(
            units
                .iter()
                .map(|u| vec![None; u.code.funcs.len()])
                .collect(),
        ),
        budget: Cell::new(BUDGET_BASE.saturating_add(nodes.saturating_mul(BUDGET_PER_NODE))),
        exhausted: Cell::new(false),
        deadline,
    };
    let graph = CallGraph::build(units, &resolver);
    for scc in graph.sccs() {
        let rounds = if scc.len() > 1 || graph.calls_itself(scc[0]) {
            2
        } else {
            1
        };
        for _ in 0..rounds {
            for &node in &scc {
                let f = graph.funcs[node];
                let func = &units[f.0 as usize].code.funcs[f.1 as usize];
                let s = Frame::new(&eng, f.0, f.1).summarise(&func.params);
                eng.summaries.borrow_mut()[f.0 as usize][f.1 as usize] = Some(Arc::new(s));
            }
        }
    }

    let mut analysis = Analysis::default();
    let mut handler_funcs: HashSet<GFn> = HashSet::default();
    for (ui, u) in units.iter().enumerate() {
        for (hi, h) in u.code.handlers.iter().enumerate() {
            let Some(f) = handler_function(&resolver, ui as u32, h) else {
                continue;
            };
            handler_funcs.insert(f);
            let hits = run_handler(&eng, ui as u32, hi as u32, h, f);
            for hit in hits {
                analysis
                    .flows
                    .push(handler_flow(ui as u32, hi as u32, h, hit));
            }
        }
    }
    untraced(&eng, units, &graph, &handler_funcs, &mut analysis.flows);
    dedup(&mut analysis.flows);
    if eng.exhausted.get() {
        analysis.notes.push(
            "code analysis reached its work or time limit; some flows may not be reported".into(),
        );
    }
    analysis
}

/// The function a handler registration names.
fn handler_function(r: &Resolver<'_>, ui: u32, h: &Handler) -> Option<GFn> {
    match &h.func {
        HandlerFunc::Local(id) => Some((ui, id.0)),
        HandlerFunc::Named { callee } => r.callee(ui, FuncId::TOP.0, callee),
    }
}

fn run_handler(eng: &Engine<'_>, ui: u32, hi: u32, h: &Handler, f: GFn) -> Vec<Hit> {
    let code = &eng.resolver.unit(f.0).code;
    let Some(func) = code.funcs.get(f.1 as usize) else {
        return Vec::new();
    };
    let mut sources = Vec::new();
    let mut frame = Frame::new(eng, f.0, f.1);
    frame.tool = h.name.as_deref().map(Arc::from);
    for (si, s) in h.sources.iter().enumerate() {
        let Some(param) = func.params.get(s.param as usize) else {
            continue;
        };
        let role = match s.role {
            SourceRole::Arguments => Role::Args,
            SourceRole::Request => Role::Request,
            SourceRole::ToolName => {
                frame.mark_tool_name(&param.pattern);
                continue;
            }
        };
        // A dispatcher's arguments dict is an object of arguments.
        let declared = s.name.clone().or_else(|| match (&param.pattern, h.kind) {
            (Pattern::Name(n, _), HandlerKind::Resource | HandlerKind::Prompt) => Some(n.clone()),
            _ => None,
        });
        let object = h.kind == HandlerKind::Dispatch
            || matches!(
                declared.as_deref(),
                Some("arguments" | "args" | "kwargs" | "params")
            );
        let name = declared.filter(|_| !object);
        let message = match &name {
            Some(n) => format!("{} argument `{n}`", h.kind.noun()),
            None => format!("{} arguments", h.kind.noun()),
        };
        let trail = value::push(
            &None,
            Step {
                file: f.0,
                span: param.span,
                message,
            },
        );
        sources.push((
            s.param as usize,
            Label {
                origin: Origin::Handler(ui, hi, si as u16),
                role,
                name: name.map(Arc::from),
                safe_fields: (!s.safe_fields.is_empty()).then(|| Arc::from(s.safe_fields.clone())),
                attrs: Attrs::FRESH,
                trail,
            },
        ));
    }
    frame.run_handler(&func.params, &sources)
}

fn handler_flow(ui: u32, hi: u32, h: &Handler, hit: Hit) -> Flow {
    Flow {
        sink: hit.sink,
        source: FlowSource::Handler {
            unit: ui,
            handler: hi,
            kind: h.kind,
        },
        tool: hit.tool.or_else(|| h.name.as_deref().map(Arc::from)),
        argument: hit.label.name.clone(),
        attrs: hit.label.attrs,
        steps: value::steps(&hit.label.trail),
        confidence: FlowConfidence::High,
    }
}

/// Medium-confidence flows: a shell sink fed by string building from a
/// parameter of a function nothing calls.
fn untraced(
    eng: &Engine<'_>,
    units: &[CodeUnit],
    graph: &CallGraph,
    handlers: &HashSet<GFn>,
    flows: &mut Vec<Flow>,
) {
    for (node, &f) in graph.funcs.iter().enumerate() {
        if graph.callers[node] > 0 || handlers.contains(&f) {
            continue;
        }
        let func = &units[f.0 as usize].code.funcs[f.1 as usize];
        // Named functions only: an anonymous callback handed to a
        // framework (`app.post("/x", (c) => …)`) is called, just not by us.
        if !matches!(func.parent, None | Some(FuncId::TOP))
            || func.params.is_empty()
            || func.name.is_none()
        {
            continue;
        }
        let Some(s) = eng.summary(f) else { continue };
        for sink in &s.sinks {
            if sink.sink.kind != SinkKind::Shell || sink.attrs.whole {
                continue;
            }
            let Some(param) = func.params.get(sink.param as usize) else {
                continue;
            };
            let pname = match &param.pattern {
                Pattern::Name(n, _) => Some(Arc::from(n.as_str())),
                _ => sink.name.clone(),
            };
            let mut steps = vec![Step {
                file: f.0,
                span: param.span,
                message: format!(
                    "parameter `{}` of `{}`",
                    pname.as_deref().unwrap_or("?"),
                    func.name.as_deref().unwrap_or("a function")
                ),
            }];
            steps.extend(value::steps(&sink.trail));
            flows.push(Flow {
                sink: sink.sink.clone(),
                source: FlowSource::Param {
                    unit: f.0,
                    func: f.1,
                    param: sink.param,
                },
                tool: None,
                argument: pname,
                attrs: sink.attrs,
                steps,
                confidence: FlowConfidence::Medium,
            });
        }
    }
}

/// One flow per (sink, kind, source, argument): the first found (handlers
/// come first, so a traced flow wins over an untraced one at the same sink).
fn dedup(flows: &mut Vec<Flow>) {
    let mut seen = HashSet::default();
    let mut traced_sinks = HashSet::default();
    for f in flows.iter() {
        if f.confidence == FlowConfidence::High {
            traced_sinks.insert((f.sink.unit, f.sink.span, f.sink.kind));
        }
    }
    flows.retain(|f| {
        if f.confidence == FlowConfidence::Medium
            && traced_sinks.contains(&(f.sink.unit, f.sink.span, f.sink.kind))
        {
            return false;
        }
        let source = match f.source {
            FlowSource::Handler { unit, handler, .. } => (0, unit, handler),
            FlowSource::Param { unit, func, .. } => (1, unit, func),
        };
        seen.insert((
            f.sink.unit,
            f.sink.span,
            f.sink.kind,
            source,
            f.argument.clone(),
            f.tool.clone(),
        ))
    });
}

/// The number of IR nodes of a file (for the budget).
fn size(code: &CodeFile) -> usize {
    let stmts = Cell::new(0usize);
    let mut exprs = 0usize;
    for f in &code.funcs {
        visit_stmts(&f.body, &mut |_| stmts.set(stmts.get() + 1), &mut |_| {
            exprs += 1
        });
    }
    stmts.get() + exprs
}

#[cfg(test)]
mod tests;
