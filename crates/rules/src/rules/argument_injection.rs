use crate::code::{report, runs_anything, CodeCx};
use crate::{declare_rule, Finding, Rule};
use skillaudit_model::code::ir::SinkKind;

declare_rule! {
    /// ## What it does
    /// Flags model input used as the program of a process run without a
    /// shell, or as one of its arguments where it could start with `-`:
    /// `execFile`, `spawn`, `execa` without `shell`, Python
    /// `subprocess.run([...])`, Go `exec.Command`. An argument after a
    /// literal `--`, or with constant text before it (`--file=${x}`), is
    /// not flagged; neither is a value checked against an allow-list.
    ///
    /// ## Why is this bad?
    /// No shell means no `;` or `$(…)`, but the program still reads options
    /// from its arguments: `git` with `--upload-pack=…` or `-c
    /// core.sshCommand=…`, `curl -o ~/.bashrc`, `find -exec`, `tar
    /// --checkpoint-action=exec=…`, `rsync -e` all run commands or write
    /// files when the model's value is read as an option.
    ///
    /// ## Example
    /// ```python
    /// @mcp.tool()
    /// def show(ref: str) -> str:
    ///     return subprocess.run(["git", "show", ref], capture_output=True, text=True).stdout
    /// ```
    ///
    /// ## Fix
    /// Put `--` before values that must not be options
    /// (`["git", "show", "--", ref]` where the program supports it), reject
    /// values starting with `-`, or validate them (an allow-list, a
    /// pattern for refs, names, numbers). Never let the model choose the
    /// program.
    pub struct ArgumentInjection {
        id: "argument-injection",
        severity: High,
        target: Code,
        summary: "model input as a program or as an argument that may be read as an option",
    }
}

impl Rule for ArgumentInjection {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let flows = cx
            .flows()
            .filter(|f| {
                matches!(
                    f.sink.kind,
                    SinkKind::Program | SinkKind::ProgramArg { .. } | SinkKind::ProgramArgs
                ) && !runs_anything(cx, f)
            })
            .collect();
        report(
            cx,
            &Self::META,
            flows,
            |who, f| {
                let what = match f.sink.kind {
                    SinkKind::Program => "as the program run by",
                    SinkKind::ProgramArg { .. } => "as an argument (it may start with `-`) of",
                    _ => "into the argument list of",
                };
                format!("{who} {what} {}", f.sink.what)
            },
            "put `--` before the value, reject values starting with `-`, or check it against an allow-list; never let the model choose the program",
            out,
        );
    }
}
