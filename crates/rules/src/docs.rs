//! Rule documentation as Markdown, from one place: the page of a rule is
//! both what `skillaudit explain <id>` prints and the file
//! `docs/rules/<id>.md`; [`index`] is `docs/rules/README.md`. The generator
//! (`skillaudit generate-docs`) and the up-to-date test both call
//! [`files`], so the command line, the files on disk and the code cannot
//! drift apart.

use crate::registry::RULES;
use crate::{Contexts, RuleMeta, Target};
use skillaudit_model::Purpose;

/// The directory of the generated pages, relative to the repository root.
pub const DOCS_DIR: &str = "docs/rules";

/// The command that regenerates the pages (named in the up-to-date test's failure).
pub const GENERATE_COMMAND: &str = "cargo run -p skillaudit -- generate-docs docs/rules";

/// What a rule of this kind looks at, in words.
fn looks_at(target: Target) -> &'static str {
    match target {
        Target::Image => "image — what a Dockerfile or Containerfile builds (its final stage)",
        Target::Container => {
            "container — how an image is run: compose services, `docker run` lines (scripts, Makefiles, workflows, READMEs), \
             workflow job containers, MCP client configs, `server.json`, devcontainers, Kubernetes workloads"
        }
        Target::ImageAndContainer => {
            "image and container — Dockerfile `ENV`/`ARG` defaults, and the environment of every container \
             source (compose, `docker run -e`, MCP client configs, devcontainers, Kubernetes)"
        }
        Target::Compound => {
            "compound — a container together with the image it runs, or a server's code together with the containers that run it"
        }
        Target::File => "file — any file recognised as one of the supported kinds",
        Target::Code => {
            "code — the server's source (TypeScript/JavaScript, Python, Go): data flows from MCP tool handlers to dangerous calls"
        }
    }
}

/// The contexts a rule judges, as a list item; empty for a rule that judges
/// every context (the engine calls it on every image and container).
fn contexts(c: Contexts) -> String {
    let skipped = c.skipped();
    if skipped.is_empty() {
        return String::new();
    }
    let names = |ps: Vec<Purpose>| ps.into_iter().map(Purpose::name).collect::<Vec<_>>();
    let judged = Purpose::ALL
        .into_iter()
        .filter(|&p| c.includes(p))
        .collect();
    format!(
        "- **Contexts:** {} only (not {})\n",
        names(judged).join(", "),
        names(skipped).join(", ")
    )
}

/// The Markdown page of one rule: title (the id), severity, what it looks
/// at, the contexts it judges (when not all), summary, then the
/// documentation of its source file.
pub fn page(m: &RuleMeta) -> String {
    format!(
        "# {id}\n\n- **Severity:** {sev}\n- **Looks at:** {target}\n{contexts}- **Summary:** {summary}\n\n{doc}",
        id = m.id,
        sev = m.severity.name(),
        target = looks_at(m.target),
        contexts = contexts(m.contexts),
        summary = m.summary,
        doc = m.documentation(),
    )
}

/// The index of every rule (`docs/rules/README.md`), in catalogue order.
pub fn index() -> String {
    let mut out = String::from(
        "# Rules\n\n\
         <!-- Generated from the rules' doc comments (crates/rules/src/rules/*.rs). Do not edit: run `",
    );
    out.push_str(GENERATE_COMMAND);
    out.push_str(
        "`. -->\n\n\
         Every rule skillaudit applies, in the order of the catalogue. Each page is also what \
         `skillaudit explain <id>` prints; `skillaudit rules` lists the same table in a terminal.\n\n\
         Severity scale: `critical` > `high` > `medium` > `low` > `info`. Image rules read what a \
         Dockerfile builds; container rules read how an image is run, whatever the source; compound \
         rules combine both.\n\n\
         | id | severity | looks at | summary |\n|---|---|---|---|\n",
    );
    for r in RULES {
        let m = r.meta();
        out.push_str(&format!(
            "| [`{id}`]({id}.md) | {} | {} | {} |\n",
            m.severity.name(),
            m.target.name(),
            escape_cell(m.summary),
            id = m.id
        ));
    }
    out
}

/// A table cell: `|` would end the cell.
fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Every generated file of [`DOCS_DIR`]: (file name, content), index first.
pub fn files() -> Vec<(String, String)> {
    let mut out = vec![("README.md".to_string(), index())];
    out.extend(
        RULES
            .iter()
            .map(|r| (format!("{}.md", r.meta().id), page(r.meta()))),
    );
    out
}

/// How the files on disk differ from [`files`]: a list of problems, empty
/// when the directory is up to date. Markdown files that no rule generates
/// are stale (a renamed or removed rule).
pub fn check(dir: &std::path::Path) -> Vec<String> {
    let mut problems = Vec::new();
    let expected = files();
    for (name, content) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if on_disk == *content => {}
            Ok(_) => problems.push(format!("{name} is out of date")),
            Err(e) => problems.push(format!("{name} cannot be read: {e}")),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut stale: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && !expected.iter().any(|(e, _)| e == n))
            .collect();
        stale.sort();
        problems.extend(
            stale
                .into_iter()
                .map(|n| format!("{n} documents no rule (remove it)")),
        );
    }
    problems
}

/// Write every generated file into `dir` (created if needed) and remove
/// Markdown pages that no rule generates any more. Returns the names written.
pub fn write(dir: &std::path::Path) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let expected = files();
    let mut written = Vec::new();
    for (name, content) in &expected {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            std::fs::write(&path, content)?;
            written.push(name.clone());
        }
    }
    for entry in std::fs::read_dir(dir)?.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && !expected.iter().any(|(e, _)| *e == name) {
            std::fs::remove_file(entry.path())?;
            written.push(format!("{name} (removed)"));
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_has_title_severity_target_summary_and_the_documentation() {
        let m = crate::registry::find("docker-socket-mount").expect("rule");
        let p = page(m);
        assert!(
            p.starts_with(
                "# docker-socket-mount\n\n- **Severity:** critical\n- **Looks at:** container"
            ),
            "{p}"
        );
        assert!(p.contains(&format!("- **Summary:** {}\n\n## What it does", m.summary)));
        assert!(p.ends_with(&m.documentation()));
        assert!(!p.contains("**Contexts:**"), "{p}");
    }

    #[test]
    fn a_page_names_the_contexts_of_a_rule_that_skips_some() {
        let p = page(crate::registry::find("missing-pids-limit").expect("rule"));
        assert!(
            p.contains("- **Contexts:** deployment, documentation only (not development, ci, test)\n- **Summary:**"),
            "{p}"
        );
        let p = page(crate::registry::find("published-on-all-interfaces").expect("rule"));
        assert!(
            p.contains(
                "- **Contexts:** deployment, documentation, development only (not ci, test)\n"
            ),
            "{p}"
        );
    }

    #[test]
    fn the_index_links_every_rule_once() {
        let idx = index();
        for r in RULES {
            let id = r.meta().id;
            assert_eq!(
                idx.matches(&format!("[`{id}`]({id}.md)")).count(),
                1,
                "{id}"
            );
        }
        assert_eq!(files().len(), RULES.len() + 1);
    }

    #[test]
    fn check_reports_missing_changed_and_stale_files_and_write_fixes_them() {
        let tmp = std::env::temp_dir().join(format!("skillaudit-docs-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        assert!(!check(&tmp).is_empty());
        write(&tmp).expect("write");
        assert_eq!(check(&tmp), Vec::<String>::new());
        std::fs::write(tmp.join("missing-user.md"), "edited by hand\n").unwrap();
        std::fs::write(tmp.join("old-rule.md"), "gone\n").unwrap();
        let problems = check(&tmp);
        assert_eq!(
            problems,
            vec![
                "missing-user.md is out of date".to_string(),
                "old-rule.md documents no rule (remove it)".to_string()
            ]
        );
        let written = write(&tmp).expect("write");
        assert_eq!(
            written,
            vec![
                "missing-user.md".to_string(),
                "old-rule.md (removed)".to_string()
            ]
        );
        assert!(check(&tmp).is_empty());
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
