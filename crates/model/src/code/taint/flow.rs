//! What the taint engine reports: flows from model input to sinks, and the
//! per-function summaries it builds on the way.

use std::sync::Arc;

use super::value::{Attrs, Step, Trail};
use crate::code::ir::{HandlerKind, SinkKind};
use crate::Span;

/// A sink reached: where, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinkRef {
    /// Code unit index.
    pub unit: u32,
    /// The call.
    pub span: Span,
    pub kind: SinkKind,
    /// The sink's name for messages (`execSync`, `subprocess.run(shell=True)`).
    pub what: String,
}

/// Where a flow starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowSource {
    /// A parameter of an MCP handler: (unit, handler index).
    Handler {
        unit: u32,
        handler: u32,
        kind: HandlerKind,
    },
    /// A parameter of a function that no handler is known to reach.
    Param { unit: u32, func: u32, param: u16 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FlowConfidence {
    Medium,
    High,
}

/// Model-controlled data reaching a sink.
#[derive(Clone, Debug)]
pub struct Flow {
    pub sink: SinkRef,
    pub source: FlowSource,
    /// The tool (prompt, resource) whose input it is, when known.
    pub tool: Option<Arc<str>>,
    /// The tool argument (or function parameter) it is, when known.
    pub argument: Option<Arc<str>>,
    pub attrs: Attrs,
    /// The source first, then each step, in order (the sink is not a step).
    pub steps: Vec<Step>,
    pub confidence: FlowConfidence,
}

/// A sink reached from a parameter inside a function (and its callees).
#[derive(Clone, Debug)]
pub struct ParamSink {
    pub param: u16,
    /// The argument name found inside (`({ command }) => …`).
    pub name: Option<Arc<str>>,
    pub attrs: Attrs,
    /// The steps inside the function, oldest first.
    pub trail: Trail,
    pub sink: SinkRef,
}

/// A parameter reaching the return value.
#[derive(Clone, Debug)]
pub struct ParamReturn {
    pub param: u16,
    pub name: Option<Arc<str>>,
    pub attrs: Attrs,
    pub trail: Trail,
}

/// What a function does with its parameters, as far as taint goes.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub sinks: Vec<ParamSink>,
    pub returns: Vec<ParamReturn>,
    /// The function can throw (a `throw`, or a call of one that throws).
    pub throws: bool,
    /// It never returns normally (`function fail(m) { throw new Error(m) }`):
    /// a call to it ends the branch like a `throw`.
    pub diverges: bool,
    /// Parameters it checks, throwing when the check fails: a validator
    /// (`assertSafeArgv(args)`, `validate_name(name)`). After a call, the
    /// argument is trusted.
    pub validates: Vec<u16>,
    /// Parameters its boolean result guards: every `return` is a guard on
    /// them (`function isInside(p) { return p.startsWith(ROOT + sep) }`).
    pub guards: Vec<(u16, crate::code::ir::Kinds)>,
}

/// At most this many sink entries per summary.
pub const MAX_SUMMARY_SINKS: usize = 32;

impl Summary {
    pub fn add_sink(&mut self, s: ParamSink) {
        if self.sinks.len() >= MAX_SUMMARY_SINKS
            || self.sinks.iter().any(|x| {
                x.param == s.param && x.sink == s.sink && x.name == s.name && x.attrs == s.attrs
            })
        {
            return;
        }
        self.sinks.push(s);
    }

    pub fn add_return(&mut self, r: ParamReturn) {
        if let Some(x) = self
            .returns
            .iter_mut()
            .find(|x| x.param == r.param && x.name == r.name)
        {
            x.attrs.whole |= r.attrs.whole;
            x.attrs.sanitized = crate::code::ir::Kinds(x.attrs.sanitized.0 & r.attrs.sanitized.0);
            x.attrs.prefixed &= r.attrs.prefixed;
            x.attrs.after_origin &= r.attrs.after_origin;
            return;
        }
        if self.returns.len() < MAX_SUMMARY_SINKS {
            self.returns.push(r);
        }
    }
}
