use crate::code::{report, CodeCx};
use crate::{declare_rule, Finding, Rule};
use skillaudit_model::code::ir::SinkKind;

declare_rule! {
    /// ## What it does
    /// Flags model input that reaches code evaluation or unsafe
    /// deserialisation: `eval`, `new Function`, `vm.run*`, a string given
    /// to `setTimeout`/`setInterval`; Python `eval`, `exec`, `compile`,
    /// `pickle.loads`, `yaml.load` without a safe loader, `marshal.loads`;
    /// an interpreter run on it (`python -c`, `node -e`).
    ///
    /// ## Why is this bad?
    /// The model's text becomes code running inside the server, with its
    /// credentials, files and network: one prompt injection is remote code
    /// execution. Deserialisers such as pickle run code while loading.
    ///
    /// ## Example
    /// ```python
    /// @mcp.tool()
    /// def calculate(expression: str) -> str:
    ///     return str(eval(expression))
    /// ```
    ///
    /// ## Fix
    /// Parse what the tool accepts instead of evaluating it (an expression
    /// parser such as `ast.literal_eval` for literals, `simpleeval`, a
    /// JSON parser), use `yaml.safe_load`, and never unpickle data from
    /// the model.
    pub struct CodeEvaluation {
        id: "code-evaluation",
        severity: Critical,
        target: Code,
        summary: "model input evaluated as code or deserialised unsafely",
    }
}

impl Rule for CodeEvaluation {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let flows = cx
            .flows()
            .filter(|f| matches!(f.sink.kind, SinkKind::Eval | SinkKind::Deserialize))
            .collect();
        report(
            cx,
            &Self::META,
            flows,
            |who, f| {
                let what = if f.sink.kind == SinkKind::Eval {
                    "as code evaluated by"
                } else {
                    "into data deserialised by"
                };
                format!("{who} {what} {}", f.sink.what)
            },
            "parse the input instead of evaluating it (a real parser, ast.literal_eval, yaml.safe_load, JSON)",
            out,
        );
    }
}
