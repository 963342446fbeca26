//! Texts the model reads that a repository ships outside its code: the
//! `description` of a registry `server.json`, and the server, tool and
//! prompt texts of an MCP bundle manifest (`manifest.json` of a Desktop
//! Extension / MCPB: `manifest_version` or `dxt_version`, a `server`
//! object, `tools: [{name, description}]`, `prompts: [{name,
//! description, text}]`). Tool lists of the same shape in a `server.json`
//! are read too. Each becomes a [`Description`] at its string's span, for
//! `tool-poisoning`.

use skillaudit_syntax::tree::{NodeRef, Stream};

use crate::code::ir::{Description, DescriptionOf};

/// Entries read at most (a hostile manifest stays cheap).
const MAX_ITEMS: usize = 10_000;

/// Does this JSON document look like an MCP bundle manifest?
pub fn looks_like_bundle_manifest(stream: &Stream) -> bool {
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return false;
    };
    root.is_mapping()
        && (root.value("manifest_version").is_some() || root.value("dxt_version").is_some())
        && root.value("server").is_some_and(|s| s.is_mapping())
}

/// The model-read texts of a `server.json` or bundle manifest.
pub fn descriptions(stream: &Stream) -> Vec<Description> {
    let mut out = Vec::new();
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return out;
    };
    if !root.is_mapping() {
        return out;
    }
    let server_name = root
        .value("display_name")
        .or_else(|| root.value("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    for key in ["description", "long_description"] {
        push(
            &mut out,
            root.value(key),
            DescriptionOf::Server,
            &server_name,
        );
    }
    let mut budget = MAX_ITEMS;
    for (list, of) in [
        ("tools", DescriptionOf::Tool),
        ("prompts", DescriptionOf::Prompt),
    ] {
        let Some(items) = root.value(list).filter(|l| l.is_sequence()) else {
            continue;
        };
        for item in items.items().into_iter().take(budget) {
            budget = budget.saturating_sub(1);
            if !item.is_mapping() {
                continue;
            }
            let owner = item
                .value("name")
                .and_then(|n| n.as_str())
                .map(str::to_string);
            push(&mut out, item.value("description"), of, &owner);
            if of == DescriptionOf::Prompt {
                push(&mut out, item.value("text"), of, &owner);
            }
            let properties = item
                .value("inputSchema")
                .or_else(|| item.value("input_schema"))
                .and_then(|s| s.value("properties"));
            if let Some(props) = properties.filter(|p| p.is_mapping()) {
                for (_, prop) in props.entries().into_iter().take(budget) {
                    budget = budget.saturating_sub(1);
                    push(
                        &mut out,
                        prop.value("description"),
                        DescriptionOf::Parameter,
                        &owner,
                    );
                }
            }
        }
    }
    out
}

fn push(
    out: &mut Vec<Description>,
    node: Option<NodeRef<'_>>,
    of: DescriptionOf,
    owner: &Option<String>,
) {
    let Some(node) = node else { return };
    let Some(text) = node.as_str() else { return };
    if text.trim().is_empty() {
        return;
    }
    out.push(Description {
        text: text.to_string(),
        span: node.report_span(),
        of,
        owner: owner.clone(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::json;

    #[test]
    fn server_and_tool_and_prompt_texts_with_spans() {
        let text = r#"{
  "manifest_version": "0.2",
  "name": "weather",
  "description": "Weather \u200b tools",
  "server": { "type": "node", "entry_point": "index.js" },
  "tools": [
    { "name": "get_forecast", "description": "Get the forecast." },
    { "name": "bad", "inputSchema": { "properties": { "city": { "description": "The city" } } } }
  ],
  "prompts": [ { "name": "p", "description": "d", "text": "Say hi" } ]
}"#;
        let s = json::parse(text);
        assert!(looks_like_bundle_manifest(&s));
        let d = descriptions(&s);
        let got: Vec<(&str, DescriptionOf, Option<&str>)> = d
            .iter()
            .map(|d| (d.text.as_str(), d.of, d.owner.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Weather \u{200b} tools",
                    DescriptionOf::Server,
                    Some("weather")
                ),
                (
                    "Get the forecast.",
                    DescriptionOf::Tool,
                    Some("get_forecast")
                ),
                ("The city", DescriptionOf::Parameter, Some("bad")),
                ("d", DescriptionOf::Prompt, Some("p")),
                ("Say hi", DescriptionOf::Prompt, Some("p")),
            ]
        );
        assert_eq!(d[1].span.slice(text), "\"Get the forecast.\"");
    }

    #[test]
    fn a_package_json_is_no_bundle_manifest() {
        assert!(!looks_like_bundle_manifest(&json::parse(
            r#"{"name": "x", "version": "1.0.0", "description": "y"}"#
        )));
    }
}
