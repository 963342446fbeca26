//! String literal values: escapes processed, as the program sees them.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::super::text;

/// The value of a `string` node (quotes removed, escapes processed).
pub(crate) fn string_value(node: Node<'_>, src: &str) -> String {
    let raw = text(node, src);
    let inner = raw
        .get(1..raw.len().saturating_sub(1))
        .filter(|_| raw.len() >= 2)
        .unwrap_or("");
    unescape(inner)
}

/// The value of a template string without substitutions, if it has none.
pub(crate) fn plain_template(node: Node<'_>, src: &str) -> Option<String> {
    let mut cursor = node.walk();
    if node
        .named_children(&mut cursor)
        .any(|c| c.kind_str() == "template_substitution")
    {
        return None;
    }
    Some(string_value(node, src))
}

/// Process JavaScript escape sequences.
pub(crate) fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { break };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' => out.push('\0'),
            '\n' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                push_code(&mut out, &h);
            }
            'u' => {
                if chars.peek() == Some(&'{') {
                    chars.next();
                    let mut h = String::new();
                    for c in chars.by_ref() {
                        if c == '}' || h.len() > 8 {
                            break;
                        }
                        h.push(c);
                    }
                    push_code(&mut out, &h);
                } else {
                    let h: String = chars.by_ref().take(4).collect();
                    push_code(&mut out, &h);
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn push_code(out: &mut String, hex: &str) {
    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
        Some(c) => out.push(c),
        None => out.push('\u{fffd}'),
    }
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"a\nb\tc\\d\'e"), "a\nb\tc\\d'e");
        assert_eq!(unescape(r"\u200B\u{E0041}\x41"), "\u{200b}\u{e0041}A");
        assert_eq!(unescape(r"\uZZZZ"), "\u{fffd}");
        assert_eq!(unescape("line\\\nnext"), "linenext");
        assert_eq!(unescape("end\\"), "end");
    }
}
