//! Node kinds without tree-sitter's string conversion. `Node::kind` finds
//! the kind's C string, measures it and checks that it is UTF-8 on every
//! call, about 3 % of a one-core source scan, where the lowering asks every
//! node its kind, often several times. [`NodeKind::kind_str`] reads the
//! same name from a table built once per grammar of the source languages,
//! indexed by the node's kind id (the public symbol, whose name is the
//! kind's); nodes of any other grammar are asked as before.

use std::sync::LazyLock;

use tree_sitter::{Language, Node};

use crate::code::Lang;

/// One grammar's kind names, by kind id.
struct Table {
    language: Language,
    names: Vec<&'static str>,
}

static TABLES: LazyLock<Vec<Table>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|lang| {
            let language = lang.grammar();
            let count = u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX);
            // Leaked once per grammar for the life of the process (a few
            // hundred short names each), so lookups borrow nothing.
            let names = (0..count)
                .map(|id| -> &'static str {
                    Box::leak(Box::from(language.node_kind_for_id(id).unwrap_or("")))
                })
                .collect();
            Table { language, names }
        })
        .collect()
});

/// [`Node::kind`], read from a table.
pub trait NodeKind<'t> {
    fn kind_str(&self) -> &'t str;
}

impl<'t> NodeKind<'t> for Node<'t> {
    fn kind_str(&self) -> &'t str {
        let language = self.language();
        let table = TABLES.iter().find(|t| t.language == *language);
        match table.and_then(|t| t.names.get(usize::from(self.kind_id()))) {
            Some(name) => name,
            None => self.kind(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::parse;

    /// Every node of a file in each language: the table says what
    /// `Node::kind` says.
    #[test]
    fn the_table_names_every_kind_as_tree_sitter_does() {
        let sources = [
            (Lang::TypeScript, "import { a } from './a';\nexport type T = { x: number };\nconst f = async (x: string): Promise<void> => { await a(`${x}`); };\nclass C<T> extends D implements E { #p = 1; m(): void {} }\nlet re = /a[b]/g; label: for (const [k, v] of Object.entries({})) { break label; }\n"),
            (Lang::Tsx, "const App = () => <div className=\"x\">{items.map((i) => <Item key={i} />)}</div>;\n"),
            (Lang::JavaScript, "const { exec } = require('child_process');\nexec(`ls ${dir}`, (e, out) => console.log(out));\n"),
            (Lang::Python, "import os\n@app.tool()\nasync def run(cmd: str) -> str:\n    \"\"\"Doc.\"\"\"\n    return f\"{cmd!r}\" if cmd else [x async for x in y]\nmatch v:\n    case [1, *rest]: pass\n"),
            (Lang::Go, "package main\nimport \"os/exec\"\nfunc run(s string) { exec.Command(\"sh\", \"-c\", s).Run(); go func() { ch <- 1 }() }\n"),
        ];
        for (lang, text) in sources {
            let parsed = parse(lang, text).expect("parses");
            let mut cursor = parsed.tree.walk();
            let mut seen = 0;
            'walk: loop {
                let n = cursor.node();
                assert_eq!(n.kind_str(), n.kind(), "{lang:?} node {n:?}");
                seen += 1;
                if cursor.goto_first_child() {
                    continue;
                }
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        break 'walk;
                    }
                }
            }
            assert!(seen > 20, "{lang:?}: {seen} nodes");
        }
    }
}
