//! The generated rule documentation on disk, and the rule catalogue of the
//! specification, agree with the code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use skillaudit_rules::docs;
use skillaudit_rules::registry::RULES;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn docs_rules_is_up_to_date() {
    let problems = docs::check(&repo().join(docs::DOCS_DIR));
    assert!(
        problems.is_empty(),
        "{} is not what the rules' doc comments generate:\n  {}\nRegenerate it with `{}` and commit the result.",
        docs::DOCS_DIR,
        problems.join("\n  "),
        docs::GENERATE_COMMAND
    );
}

/// `| `id` | severity | …` rows of the specification's rule tables.
fn spec_rules(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // ["", "`id`", "severity", ...]
        if cells.len() < 4 || !cells[1].starts_with('`') || !cells[1].ends_with('`') {
            continue;
        }
        let id = cells[1].trim_matches('`');
        if id.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            out.insert(id.to_string(), cells[2].to_string());
        }
    }
    out
}

/// Rules of the specification that an open issue adds later.
const PENDING: &[(&str, &str)] = &[];

/// The shared specification lives beside the repository (`../shared`, as
/// `.ci/run` expects) or where `SKILLAUDIT_SPEC` points (its directory):
/// the container rules of rules.md and the code rules of code-rules.md.
#[test]
fn ids_and_severities_agree_with_the_specification() {
    let dir = std::env::var_os("SKILLAUDIT_SPEC")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_file() {
                p.parent().map(Path::to_path_buf).unwrap_or(p)
            } else {
                p
            }
        })
        .unwrap_or_else(|| repo().join("../shared/spec"));
    let mut spec = BTreeMap::new();
    for file in ["rules.md", "code-rules.md"] {
        let path = dir.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!(
                "note: {} not found; the catalogue is not compared with the specification",
                path.display()
            );
            return;
        };
        let rows = spec_rules(&text);
        assert!(
            rows.len() >= 10,
            "could not read the rule tables of {}",
            path.display()
        );
        spec.extend(rows);
    }
    let code: BTreeMap<String, String> = RULES
        .iter()
        .map(|r| {
            (
                r.meta().id.to_string(),
                r.meta().severity.name().to_string(),
            )
        })
        .collect();
    let mut differences = Vec::new();
    for id in code
        .keys()
        .chain(spec.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let pending = PENDING.iter().find(|(p, _)| p == id);
        match (code.get(id), spec.get(id)) {
            (Some(c), Some(s)) if c != s => {
                differences.push(format!("{id}: {c} in the code, {s} in the specification"))
            }
            (Some(_), Some(_)) if pending.is_some() => {
                differences.push(format!("{id}: implemented now; take it out of PENDING"))
            }
            // Issue 5 adds `unused-ignore` (an ignore comment that matches
            // nothing), which interface.md asks for but rules.md does not list.
            (Some(_), None) if id.as_str() == "unused-ignore" => {}
            // Issue 15 splits weak default passwords (`hardcoded-password`,
            // medium) off the critical secret rules; rules.md predates it.
            (Some(_), None) if id.as_str() == "hardcoded-password" => {}
            (Some(_), None) => differences.push(format!("{id}: in the code only")),
            (None, Some(_)) if pending.is_some() => {}
            (None, Some(_)) => differences.push(format!("{id}: in the specification only")),
            _ => {}
        }
    }
    assert!(
        differences.is_empty(),
        "the registry and {} disagree:\n  {}",
        dir.display(),
        differences.join("\n  ")
    );
}

#[test]
fn the_spec_table_reader_reads_rows_and_skips_the_rest() {
    let rows = spec_rules("| id | severity |\n|---|---|\n| `missing-user` | high | the final stage … | x |\n| `a b` | low | x | y |\ntext `x` | y\n");
    assert_eq!(
        rows.into_iter().collect::<Vec<_>>(),
        vec![("missing-user".to_string(), "high".to_string())]
    );
}
