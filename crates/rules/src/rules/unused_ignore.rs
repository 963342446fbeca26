use crate::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Reports an inline ignore comment (`# skillaudit: ignore[rule-id]`,
    /// `// skillaudit: ignore[…]` in JSONC, `<!-- skillaudit: ignore[…] -->`
    /// in Markdown) that does not do anything: a rule it names has no
    /// finding on the line (or code block) the comment covers, a name is
    /// not a rule id, or the comment is malformed. Like ruff's
    /// `unused-noqa`, it points at the comment.
    ///
    /// An ignore comment covers the line it ends, or — written alone on a
    /// line — the next line that is not itself a comment; in Markdown, a
    /// comment before a fenced code block covers the whole block.
    ///
    /// ## Why is this bad?
    /// An ignore that matches nothing is noise at best. At worst it hides a
    /// mistake: a misspelt rule id suppresses nothing while the reader
    /// believes the finding was reviewed, and an ignore left behind after a
    /// fix silently swallows the problem if it comes back.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     user: "1001"   # skillaudit: ignore[runs-as-root] no finding here
    ///     privileged: true  # skillaudit: ignore[privileged-contianer]
    /// ```
    ///
    /// ## Fix
    /// Remove the comment, or correct the rule id (`skillaudit rules` lists
    /// them). The finding is `info`, shown with `--min-severity info`.
    pub struct UnusedIgnore {
        id: "unused-ignore",
        severity: Info,
        target: File,
        summary: "an ignore comment that suppresses nothing",
    }
}

/// Reported by the pipeline's filter stage, which reads ignore comments; it
/// never looks at models.
impl Rule for UnusedIgnore {}
