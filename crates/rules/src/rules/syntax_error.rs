use crate::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a file that was recognised as one of the supported kinds
    /// (Dockerfile, compose file, …) but cannot be parsed: malformed YAML, an
    /// unknown Dockerfile instruction, an unterminated heredoc, duplicate
    /// keys, a binary file with a Dockerfile's name. The finding points at
    /// the position of the error; every other file is still scanned.
    ///
    /// ## Why is this bad?
    /// A file the scanner cannot read is a file nobody audited: its
    /// containers may be misconfigured and no other rule can say so. Docker
    /// and compose usually reject the same file, so it is often a real bug.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: "nginx:1.27
    /// ```
    ///
    /// ## Fix
    /// Correct the syntax at the reported position.
    pub struct SyntaxError {
        id: "syntax-error",
        severity: Medium,
        target: File,
        summary: "a recognised file cannot be parsed",
    }
}

/// Reported by the pipeline when parsing fails; it never looks at models.
impl Rule for SyntaxError {}
