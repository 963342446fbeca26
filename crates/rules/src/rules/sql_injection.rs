use crate::code::{report, CodeCx};
use crate::{declare_rule, Finding, Rule};
use skillaudit_model::code::ir::SinkKind;

declare_rule! {
    /// ## What it does
    /// Flags model input concatenated or interpolated into SQL text given
    /// to a query or execute call (`db.query`, `cursor.execute`,
    /// `db.Query`, `knex.raw`, `$queryRawUnsafe`, …) instead of being bound
    /// as a parameter. A tool whose whole SQL statement is the model's (a
    /// "run a query" tool) is not this finding: that is a design to judge
    /// with the database user's rights, not an injection.
    ///
    /// ## Why is this bad?
    /// A quote in the value ends the string and the rest is SQL: the model
    /// (and whoever injected its prompt) reads other tables, changes data
    /// or, with some databases, runs programs (`COPY … PROGRAM`,
    /// `xp_cmdshell`).
    ///
    /// ## Example
    /// ```python
    /// @mcp.tool()
    /// def find_user(name: str) -> list:
    ///     return db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
    /// ```
    ///
    /// ## Fix
    /// Bind the value: `db.execute("SELECT * FROM users WHERE name = ?",
    /// (name,))`, `client.query("… WHERE name = $1", [name])`,
    /// `db.Query("… WHERE name = $1", name)`. Identifiers (table, column
    /// names) cannot be bound: check them against an allow-list.
    pub struct SqlInjection {
        id: "sql-injection",
        severity: High,
        target: Code,
        summary: "model input built into SQL text instead of a bound parameter",
    }
}

impl Rule for SqlInjection {
    fn check_code(&self, cx: &CodeCx<'_>, out: &mut Vec<Finding>) {
        let flows = cx
            .flows()
            .filter(|f| f.sink.kind == SinkKind::Sql && !f.attrs.whole)
            .collect();
        report(
            cx,
            &Self::META,
            flows,
            |who, f| {
                format!(
                    "{who} into SQL text run by {} instead of a bound parameter",
                    f.sink.what
                )
            },
            "bind the value as a query parameter; check identifiers against an allow-list",
            out,
        );
    }
}
