//! JSON, YAML and TOML blocks of a README.

use skillaudit_syntax::markdown::CodeBlock;
use skillaudit_syntax::tree::{yaml, Stream};
use skillaudit_syntax::{json, toml};

use super::{first_significant, map_spans};
use crate::container::Found;
use crate::file::FileId;
use crate::normalise::nodes::entry_origin;
use crate::normalise::{compose, kubernetes, mcp_config, server_json};
use crate::Span;

/// Containers of a JSON block, fragments included.
pub(super) fn json_block(file: FileId, block: &CodeBlock) -> Vec<Found> {
    let Some(tree) = json_block_tree(&block.content) else {
        return Vec::new();
    };
    let mut out = config_containers(file, &tree.stream);
    for c in &mut out {
        map_spans(c, &|s| block.map.span(tree.to_content(s)));
    }
    out
}

/// The tree of a README JSON block as it is read for containers.
pub struct JsonBlockTree {
    pub stream: Stream,
    /// How far the parsed text's offsets are past the content's (1 when a
    /// fragment was wrapped in braces).
    shift: u32,
    /// The content's length.
    len: u32,
}

impl JsonBlockTree {
    /// A span of the parsed text as a span of the block's content (clamped
    /// to it: the braces added around a fragment are not in the content).
    pub fn to_content(&self, s: Span) -> Span {
        let start = s.start.saturating_sub(self.shift).min(self.len);
        let end = s.end.saturating_sub(self.shift).min(self.len).max(start);
        Span { start, end }
    }
}

/// Read a README JSON block the way READMEs write them: as JSON(C); with
/// `# Add this to your config` lines blanked (same length, so positions
/// hold); or, for `"name": {…},`, as an entry of a server map without its
/// braces. `None` when no reading parses.
pub fn json_block_tree(content: &str) -> Option<JsonBlockTree> {
    let mut content = content;
    let mut stream = json::parse(content);
    let repaired;
    if stream.error.is_some() {
        if let Some(text) = blank_hash_comments(content) {
            repaired = text;
            content = &repaired;
            stream = json::parse(content);
        }
    }
    let (stream, shift) = if stream.error.is_none() && !stream.documents.is_empty() {
        (stream, 0)
    } else if first_significant(content) == Some('"') {
        (json::parse(&wrap_fragment(content)), 1)
    } else {
        return None;
    };
    if stream.error.is_some() {
        return None;
    }
    Some(JsonBlockTree {
        stream,
        shift,
        len: content.len() as u32,
    })
}

/// The text with every line whose first non-blank character is `#` (a shell
/// comment some READMEs put in JSON blocks) turned into spaces; `None` when
/// there is none. A `#` inside a JSON string never starts a line.
pub(super) fn blank_hash_comments(content: &str) -> Option<String> {
    let mut out = String::with_capacity(content.len());
    let mut changed = false;
    for line in content.split_inclusive('\n') {
        if line.trim_start().starts_with('#') {
            let body = line.trim_end_matches(['\n', '\r']);
            out.extend(std::iter::repeat_n(' ', body.len()));
            out.push_str(&line[body.len()..]);
            changed = true;
        } else {
            out.push_str(line);
        }
    }
    changed.then_some(out)
}

/// `{` + the fragment + `}`, with a trailing comma blanked out (a space, so
/// that every offset of the fragment stays one past its place in the block).
pub(super) fn wrap_fragment(content: &str) -> String {
    let mut body = content.to_string();
    let trimmed = body.trim_end().len();
    if body[..trimmed].ends_with(',') {
        body.replace_range(trimmed - 1..trimmed, " ");
    }
    format!("{{{body}\n}}")
}

/// Containers of a parsed JSON document, whichever shape it has.
pub(super) fn config_containers(file: FileId, stream: &Stream) -> Vec<Found> {
    if mcp_config::looks_like_mcp_config(stream) {
        return mcp_config::containers(file, stream);
    }
    if server_json::looks_like_server_json(stream) {
        return Found::all(server_json::containers(file, stream));
    }
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return Vec::new();
    };
    if !root.is_mapping() {
        return Vec::new();
    }
    if mcp_config::is_server(root) {
        // One server: `{"command": "docker", …}`, named when it has a `name`
        // (`code --add-mcp`'s shape).
        let named = root
            .get("name")
            .and_then(|(k, v)| v.as_str().map(|n| (n.to_string(), entry_origin(k, v).span)));
        let (name, definition) = match named {
            Some(found) => found,
            None => {
                let at = root
                    .get("command")
                    .map_or(root.node().span, |(k, v)| entry_origin(k, v).span);
                (String::new(), at)
            }
        };
        return mcp_config::server_containers(file, &name, definition, root);
    }
    // A bare server map (the usual fragment): `{"github": {"command": …}}`.
    mcp_config::server_map_containers(file, root)
}

/// Containers of a block that is a Codex TOML configuration; `None` when
/// it is not one.
pub(super) fn toml_block(file: FileId, block: &CodeBlock) -> Option<Vec<Found>> {
    if !block.content.contains("mcp_servers") {
        return None;
    }
    let stream = toml::parse(&block.content);
    if stream.error.is_some() || !mcp_config::looks_like_mcp_config(&stream) {
        return None;
    }
    let mut out = mcp_config::containers(file, &stream);
    for c in &mut out {
        map_spans(c, &|s| block.map.span(s));
    }
    Some(out)
}

/// Containers of a block that is a compose file, Kubernetes manifests or a
/// YAML MCP configuration; `None` when it is none of them (or does not
/// parse). Cheap text checks come first, as for files of unknown purpose.
pub(super) fn yaml_block(file: FileId, block: &CodeBlock) -> Option<Vec<Found>> {
    let text = block.content.as_str();
    let compose_like = text.starts_with("services:") || text.contains("\nservices:");
    let k8s_like =
        text.contains("apiVersion") && text.contains("kind") && !kubernetes::is_helm_template(text);
    let mcp_like = text.contains("mcpServers") || text.contains("mcp_servers");
    if !(compose_like || k8s_like || mcp_like) {
        return None;
    }
    let stream = yaml::parse(text);
    if stream.error.is_some() {
        return None;
    }
    let mut out = if compose_like && compose::looks_like_compose(&stream) {
        Found::all(compose::containers(file, &stream))
    } else if k8s_like && kubernetes::is_manifest(&stream) {
        Found::all(kubernetes::containers(file, &stream))
    } else if mcp_like && mcp_config::looks_like_mcp_config(&stream) {
        mcp_config::containers(file, &stream)
    } else {
        return None;
    };
    for c in &mut out {
        map_spans(c, &|s| block.map.span(s));
    }
    Some(out)
}
