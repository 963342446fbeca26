use crate::code::{report, CodeCx};
use crate::{declare_rule, Finding, Rule};
use skillaudit_model::code::ir::SinkKind;

declare_rule! {
    /// ## What it does
    /// Flags model input in a file-system path that is read, written,
    /// deleted, listed or served (`readFile`, `writeFile`, `unlink`,
    /// `readdir`, `open`, `Path.read_text`, `os.remove`, `os.ReadFile`,
    /// `send_file`, …) without a containment check. Joining the input to a
    /// root (`path.join(ROOT, name)`, `os.path.join`, `Path / name`) does
    /// not contain it: `../../` and absolute paths leave the root.
    ///
    /// A containment check ends the flow: resolve the path, then check it
    /// is inside the root *with the separator* (`full.startsWith(root +
    /// path.sep)`, `path.relative` without `..`, `Path.is_relative_to`,
    /// `os.path.commonpath`, Go `filepath.Rel`/`filepath.IsLocal`,
    /// `securejoin`). A prefix check without the separator
    /// (`startsWith("/allowed")` also passes `/allowed-evil`) is not one
    /// (CVE-2025-53110). Existence checks (`exists`, `stat`) are not sinks.
    ///
    /// ## Why is this bad?
    /// A prompt-injected model asks for `../../home/user/.ssh/id_rsa` or
    /// `~/.aws/credentials` and the tool reads it back into the
    /// conversation, or overwrites a startup file. The container's mounts
    /// decide how far it reaches.
    ///
    /// ## Example
    /// ```python
    /// @mcp.tool()
    /// def read_note(name: str) -> str:
    ///     with open(os.path.join(NOTES_DIR, name)) as f:
    ///         return f.read()
    /// ```
    ///
    /// ## Fix
    /// Resolve the path and refuse it unless it is inside the root:
    /// `p = (ROOT / name).resolve(); if not p.is_relative_to(ROOT): raise …`;
    /// in TypeScript `const full = path.resolve(ROOT, name); if
    /// (!full.startsWith(ROOT + path.sep)) throw …`. Resolve symbolic links
    /// (`realpath`) when the root may contain them.
    pub struct PathTraversal {
        id: "path-traversal",
        severity: High,
        target: Code,
        summary: "model input in a file path without a containment check",
    }
}

impl Rule for PathTraversal {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let flows = cx
            .flows()
            .filter(|f| matches!(f.sink.kind, SinkKind::Path(_)))
            .collect();
        report(
            cx,
            &Self::META,
            flows,
            |who, f| {
                let verb = match f.sink.kind {
                    SinkKind::Path(op) => op.verb(),
                    _ => "used",
                };
                format!(
                    "{who} into a path {verb} by {} without a containment check: `../` leaves the intended folder",
                    f.sink.what
                )
            },
            "resolve the path and refuse it unless it is inside the root, checked with the separator (startsWith(root + sep), is_relative_to, filepath.Rel)",
            out,
        );
    }
}
