//! Go literals: string decoding, `fmt` format strings split at their verbs,
//! struct tags, import names.

/// The value of an interpreted (`"…"`) or raw (`` `…` ``) string literal
/// written as `raw` (quotes included). `None` when it is not a string
/// literal. Invalid escapes are kept as written (the file would not build;
/// the text is still the best guess of what it means).
pub fn string_value(raw: &str) -> Option<String> {
    if let Some(inner) = raw.strip_prefix('`') {
        let inner = inner.strip_suffix('`').unwrap_or(inner);
        // Carriage returns are discarded from raw strings (Go spec).
        return Some(inner.replace('\r', ""));
    }
    let inner = raw.strip_prefix('"')?;
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    Some(unescape(inner))
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = s.chars().peekable();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        if !bytes.is_empty() {
            out.push_str(&String::from_utf8_lossy(bytes));
            bytes.clear();
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let simple = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'v' => Some('\x0b'),
            '\\' => Some('\\'),
            '"' => Some('"'),
            '\'' => Some('\''),
            _ => None,
        };
        if let Some(c) = simple {
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        let (digits, radix) = match e {
            'x' => (2, 16),
            'u' => (4, 16),
            'U' => (8, 16),
            '0'..='7' => (2, 8),
            _ => {
                flush(&mut bytes, &mut out);
                out.push('\\');
                out.push(e);
                continue;
            }
        };
        let mut text = String::new();
        if radix == 8 {
            text.push(e);
        }
        for _ in 0..digits {
            match chars.peek() {
                Some(d) if d.is_digit(radix) => {
                    text.push(*d);
                    chars.next();
                }
                _ => break,
            }
        }
        let value = u32::from_str_radix(&text, radix).unwrap_or(0);
        if matches!(e, 'x' | '0'..='7') {
            // Byte escapes build UTF-8 sequences byte by byte.
            bytes.push(value as u8);
        } else {
            flush(&mut bytes, &mut out);
            out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
        }
    }
    flush(&mut bytes, &mut out);
    out
}

/// One piece of a `fmt` format string.
#[derive(Debug, PartialEq, Eq)]
pub enum FmtPiece {
    /// Constant text (with `%%` already turned into `%`).
    Text(String),
    /// A verb consuming the next operand (`%s`, `%v`, `%-10q`, `%[2]d`):
    /// its verb letter, and the explicit operand index when written.
    Verb(char, Option<usize>),
    /// A `*` width or precision: consumes an operand (a number).
    Star,
}

/// Split a format string at its verbs, in text order.
pub fn split_format(fmt: &str) -> Vec<FmtPiece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            text.push('%');
            continue;
        }
        if !text.is_empty() {
            pieces.push(FmtPiece::Text(std::mem::take(&mut text)));
        }
        let mut index = None;
        // flags, width, precision, explicit argument indexes
        loop {
            match chars.peek().copied() {
                Some('+' | '-' | '#' | ' ' | '0'..='9' | '.') => {
                    chars.next();
                }
                Some('*') => {
                    chars.next();
                    pieces.push(FmtPiece::Star);
                }
                Some('[') => {
                    chars.next();
                    let mut n = String::new();
                    while let Some(d) = chars.peek().copied() {
                        chars.next();
                        if d == ']' {
                            break;
                        }
                        n.push(d);
                    }
                    index = n.parse::<usize>().ok();
                }
                _ => break,
            }
        }
        match chars.next() {
            Some(v) => pieces.push(FmtPiece::Verb(v, index)),
            None => text.push('%'),
        }
    }
    if !text.is_empty() {
        pieces.push(FmtPiece::Text(text));
    }
    pieces
}

/// The value of `key` in a struct tag (`json:"name" jsonschema:"…"`).
pub fn tag_value(tag: &str, key: &str) -> Option<String> {
    let mut rest = tag.trim();
    while !rest.is_empty() {
        let colon = rest.find(':')?;
        let name = rest[..colon].trim();
        let after = rest[colon + 1..].strip_prefix('"')?;
        // The value is a Go interpreted string: find its closing quote.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let end = end?;
        if name == key {
            return Some(unescape(&after[..end]));
        }
        rest = after[end + 1..].trim_start();
    }
    None
}

/// The parameter description a struct field's tags give the model:
/// `jsonschema:"the text"` (the official go-sdk), `jsonschema:"required,
/// description=the text"` (invopop/jsonschema), `jsonschema_description:"…"`,
/// `description:"…"`.
pub fn tag_description(tag: &str) -> Option<String> {
    if let Some(d) = tag_value(tag, "jsonschema_description") {
        return Some(d);
    }
    if let Some(js) = tag_value(tag, "jsonschema") {
        if let Some(at) = js.find("description=") {
            let text = &js[at + "description=".len()..];
            // invopop: the description runs to the next `,key=` option.
            let end = next_option(text).unwrap_or(text.len());
            return Some(text[..end].to_string());
        }
        let first = js.split(',').next().unwrap_or("");
        let is_options = first == "required"
            || first == "-"
            || first.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        if !is_options && !js.is_empty() {
            return Some(js);
        }
    }
    tag_value(tag, "description")
}

/// Where the next `,key=`/`,required` option starts in an invopop tag.
fn next_option(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(',') {
        let at = from + i;
        let next = &text[at + 1..];
        let word: String = next
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty()
            && (next[word.len()..].starts_with('=') || word == "required" || word == "nullable")
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The JSON name of a struct field (`json:"name,omitempty"`), when tagged.
pub fn json_name(tag: &str) -> Option<String> {
    let v = tag_value(tag, "json")?;
    let name = v.split(',').next().unwrap_or("");
    (!name.is_empty() && name != "-").then(|| name.to_string())
}

/// The name an import binds when it has no alias: the package name, which
/// by convention is the last path element without a major-version suffix
/// (`…/v2`, `gopkg.in/yaml.v3`) and without `go-`/`-go` decorations
/// (`github.com/kballard/go-shellquote` → `shellquote`,
/// `github.com/cyphar/filepath-securejoin` → `securejoin`).
pub fn default_import_name(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 && is_major_version(parts[parts.len() - 1]) {
        parts.pop();
    }
    let mut last = parts.last().copied().unwrap_or(path);
    if let Some((stem, v)) = last.rsplit_once('.') {
        if is_major_version(v) {
            last = stem;
        }
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    let last = last.strip_suffix("-go").unwrap_or(last);
    let last = last.strip_suffix(".go").unwrap_or(last);
    let last = last.rsplit('-').next().unwrap_or(last);
    last.to_string()
}

fn is_major_version(s: &str) -> bool {
    s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_decode() {
        assert_eq!(string_value(r#""a\tb\"c""#).unwrap(), "a\tb\"c");
        assert_eq!(
            string_value(r#""\xe2\x9c\x93 \u2713 \101""#).unwrap(),
            "✓ ✓ A"
        );
        assert_eq!(string_value("`raw\\n`").unwrap(), "raw\\n");
        assert_eq!(string_value("x"), None);
    }

    #[test]
    fn formats_split_at_verbs() {
        use FmtPiece::*;
        assert_eq!(
            split_format("ping -c %d %s 100%%"),
            vec![
                Text("ping -c ".into()),
                Verb('d', None),
                Text(" ".into()),
                Verb('s', None),
                Text(" 100%".into())
            ]
        );
        assert_eq!(
            split_format("%-*s|%[1]q%"),
            vec![
                Star,
                Verb('s', None),
                Text("|".into()),
                Verb('q', Some(1)),
                Text("%".into())
            ]
        );
    }

    #[test]
    fn tags() {
        let tag = r#"json:"name,omitempty" jsonschema:"the name to greet""#;
        assert_eq!(json_name(tag).as_deref(), Some("name"));
        assert_eq!(tag_description(tag).as_deref(), Some("the name to greet"));
        let inv = r#"json:"q" jsonschema:"required,description=a query, with a comma,enum=a""#;
        assert_eq!(
            tag_description(inv).as_deref(),
            Some("a query, with a comma")
        );
        assert_eq!(tag_description(r#"jsonschema:"required""#), None);
        assert_eq!(tag_description(r#"json:"x""#), None);
    }

    #[test]
    fn import_names() {
        for (path, name) in [
            ("os/exec", "exec"),
            ("github.com/mark3labs/mcp-go/mcp", "mcp"),
            ("gopkg.in/yaml.v3", "yaml"),
            ("github.com/go-resty/resty/v2", "resty"),
            ("github.com/kballard/go-shellquote", "shellquote"),
            ("github.com/cyphar/filepath-securejoin", "securejoin"),
            ("github.com/jackc/pgx/v5/pgxpool", "pgxpool"),
        ] {
            assert_eq!(default_import_name(path), name, "{path}");
        }
    }
}
