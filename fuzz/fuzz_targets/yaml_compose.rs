//! YAML tree (aliases, merge keys) and the compose normaliser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillaudit_model::normalise::compose;
use skillaudit_model::FileId;
use skillaudit_syntax::tree::NodeRef;

/// Visit every node reachable through `entries()`/`items()`, with a budget:
/// aliases are shared, so a tree walk is not bounded by the input size.
fn walk(node: NodeRef<'_>, depth: usize, budget: &mut usize) {
    if depth > 64 || *budget == 0 {
        return;
    }
    *budget -= 1;
    let _ = (node.as_str(), node.is_null(), node.as_bool(), node.tag(), node.report_span(), node.definition_span());
    for (k, v) in node.entries() {
        walk(k, depth + 1, budget);
        walk(v, depth + 1, budget);
    }
    for item in node.items() {
        walk(item, depth + 1, budget);
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let stream = skillaudit_syntax::tree::yaml::parse(&text);
    let _ = compose::looks_like_compose(&stream);
    let _ = compose::containers(FileId(0), &stream);
    let mut budget = 10_000;
    for doc in &stream.documents {
        if let Some(root) = doc.root() {
            walk(root, 0, &mut budget);
        }
    }
});
