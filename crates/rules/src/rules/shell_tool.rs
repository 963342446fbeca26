use crate::code::{report, runs_anything, CodeCx};
use crate::{declare_rule, Finding, Rule};
use skillaudit_model::code::ir::SinkKind;
use skillaudit_model::code::taint::FlowConfidence;

declare_rule! {
    /// ## What it does
    /// Flags a tool that hands the model's input to a shell or a process as
    /// the *whole* command: `exec(command)`, `subprocess.run(command,
    /// shell=True)`, `exec.Command("sh", "-c", cmd)`, or
    /// `spawn(program, args)` with both from the model. The server gives
    /// the model a shell by design.
    ///
    /// ## Why is this bad?
    /// Whatever the model is talked into — by a web page it reads, an issue
    /// comment, a poisoned tool description — runs with the server's
    /// rights. The container (or the user's machine, for servers launched
    /// with `npx`/`uvx`) is then the only boundary, so this finding is
    /// read together with the container findings: a shell tool in a
    /// container with the Docker socket is `prompt-to-host-chain`.
    ///
    /// ## Example
    /// ```ts
    /// server.registerTool("run_command", { inputSchema: { command: z.string() } },
    ///   async ({ command }) => {
    ///     const { stdout } = await run(command);
    ///     return { content: [{ type: "text", text: stdout }] };
    ///   });
    /// ```
    ///
    /// ## Fix
    /// Offer the operations the server is for as separate tools with
    /// validated arguments instead of a general shell. If a shell tool is
    /// the product, run it in a hardened container (non-root, no socket, no
    /// host mounts, read-only root, dropped capabilities, limits), ask for
    /// the user's confirmation (annotate the tool `destructiveHint`), and
    /// document it; then suppress this finding with a reason.
    pub struct ShellTool {
        id: "shell-tool",
        severity: High,
        target: Code,
        summary: "a tool runs the model's whole command in a shell or process",
    }
}

impl Rule for ShellTool {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let flows = cx
            .flows()
            .filter(|f| f.confidence == FlowConfidence::High)
            .filter(|f| {
                (f.sink.kind == SinkKind::Shell && f.attrs.whole)
                    || (f.sink.kind == SinkKind::Program && f.attrs.whole && runs_anything(cx, f))
            })
            .collect();
        report(
            cx,
            &Self::META,
            flows,
            |who, f| {
                format!(
                    "{who} to {} as the whole command: the model can run anything the server can",
                    f.sink.what
                )
            },
            "replace the general command tool with specific tools whose arguments are validated, or run it only in a hardened container",
            out,
        );
    }
}
