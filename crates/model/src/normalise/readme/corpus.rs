//! Walks the real-world sample (`../shared/corpus`) and prints every
//! container the README, `server.json` and MCP-config normalisers find, for
//! a person to judge: `cargo test -p skillaudit-model corpus -- --ignored --nocapture`.

use super::tree::json_block;
use super::*;
use crate::container::Container;
use crate::normalise::{mcp_config, server_json};
use skillaudit_syntax::LineIndex;
use skillaudit_syntax::{json, toml};
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn describe(c: &Container, text: &str) -> String {
    let idx = LineIndex::new(text);
    let l = |s: Span| idx.line_of(s.start) + 1;
    let mut parts = vec![format!(
        "{} (line {})",
        c.source.describe(),
        l(c.definition)
    )];
    if let Some(i) = &c.image {
        parts.push(format!("image {} @{}", i.value, l(i.origin.span)));
    }
    for m in &c.mounts {
        parts.push(format!(
            "mount {:?} {} -> {} ro={:?} @{}",
            m.kind,
            m.source,
            m.target,
            m.read_only,
            l(m.origin.span)
        ));
    }
    if let Some(p) = c.privileged {
        parts.push(format!("PRIVILEGED @{}", l(p.span)));
    }
    for n in &c.namespaces {
        parts.push(format!(
            "ns {}={} @{}",
            n.kind.name(),
            n.value,
            l(n.origin.span)
        ));
    }
    for x in &c.cap_add {
        parts.push(format!("cap_add {} @{}", x.value, l(x.origin.span)));
    }
    for x in &c.devices {
        parts.push(format!("device {} @{}", x.value, l(x.origin.span)));
    }
    for p in &c.ports {
        parts.push(format!(
            "port {:?}:{:?}:{} @{}",
            p.host_ip,
            p.host_port,
            p.container_port,
            l(p.origin.span)
        ));
    }
    for e in &c.env {
        let v = e
            .value
            .as_deref()
            .map(|v| v.chars().take(24).collect::<String>());
        parts.push(format!("env {}={:?} @{}", e.key, v, l(e.origin.span)));
    }
    if let Some(u) = &c.user {
        parts.push(format!("user {} @{}", u.value, l(u.origin.span)));
    }
    if let Some(r) = &c.read_only {
        parts.push(format!("read_only {} @{}", r.value, l(r.origin.span)));
    }
    parts.join("\n      ")
}

#[test]
#[ignore]
fn corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let mut files = Vec::new();
    walk(&root.join("corpus"), &mut files);
    // The acceptance cases of these sources too.
    walk(&root.join("acceptance/cases/mcp-client-config"), &mut files);
    walk(&root.join("acceptance/cases/readme-snippet"), &mut files);
    files.sort();
    let (mut readmes, mut configs, mut registries, mut found) = (0, 0, 0, 0);
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let cs = if name.to_ascii_lowercase().ends_with(".md") {
            readmes += 1;
            containers(FileId(0), &text)
        } else if name.ends_with(".json")
            || name.ends_with(".toml")
            || name.ends_with(".yaml")
            || name.ends_with(".yml")
        {
            let stream = if name.ends_with(".toml") {
                toml::parse(&text)
            } else if name.ends_with(".json") {
                json::parse(&text)
            } else {
                skillaudit_syntax::tree::yaml::parse(&text)
            };
            if server_json::looks_like_server_json(&stream) {
                registries += 1;
                println!("server.json: {rel}");
                Found::all(server_json::containers(FileId(0), &stream))
            } else if mcp_config::looks_like_mcp_config(&stream) {
                configs += 1;
                println!("MCP config: {rel}");
                mcp_config::containers(FileId(0), &stream)
            } else {
                Vec::new()
            }
        } else {
            continue;
        };
        if name.to_ascii_lowercase().ends_with(".md") {
            for block in markdown::code_blocks(&text) {
                let json_like = JSON_LANGS.contains(&base_language(&block.lang))
                    || matches!(first_significant(&block.content), Some('{' | '"'));
                if json_like
                    && block.content.contains("\"docker")
                    && json_block(FileId(0), &block).is_empty()
                {
                    let line = LineIndex::new(&text).line_of(block.fence.start) + 1;
                    println!("UNREAD docker JSON block: {rel}:{line}");
                }
            }
        }
        for c in &cs {
            found += 1;
            println!("{rel}\n    {}", describe(&c.container, &text));
        }
    }
    println!("\n{readmes} Markdown files, {configs} MCP configs, {registries} server.json; {found} containers");
}

/// Every prefix-cut of the sample's files (at 64 places each) goes
/// through every normaliser here without a panic.
#[test]
#[ignore]
fn corpus_truncations_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut files = Vec::new();
    walk(&root, &mut files);
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for k in 0..64 {
            let mut cut = text.len() * k / 64;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let part = &text[..cut];
            let _ = containers(FileId(0), part);
            for stream in [
                json::parse(part),
                toml::parse(part),
                skillaudit_syntax::tree::yaml::parse(part),
            ] {
                let _ = (
                    mcp_config::looks_like_mcp_config(&stream),
                    server_json::looks_like_server_json(&stream),
                );
                let _ = (
                    mcp_config::containers(FileId(0), &stream),
                    server_json::containers(FileId(0), &stream),
                );
            }
        }
    }
}
