//! Python string literals: prefixes, escapes, implicit concatenation,
//! docstring cleaning (`inspect.cleandoc`), and the splitting of `%` and
//! `str.format` format strings at their placeholders.

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use crate::code::lower::text;

/// The prefix letters of a string literal (`rb`, `f`, …), lowercased.
#[derive(Clone, Copy, Debug, Default)]
pub struct Prefix {
    pub raw: bool,
    pub bytes: bool,
    pub format: bool,
}

impl Prefix {
    /// From a `string_start` token (`f"`, `rb'''`, `"`).
    pub fn of(start: &str) -> Prefix {
        let letters = start.trim_end_matches(['"', '\'']).to_ascii_lowercase();
        Prefix {
            raw: letters.contains('r'),
            bytes: letters.contains('b'),
            format: letters.contains('f') || letters.contains('t'),
        }
    }
}

/// The value of a piece of literal text, escapes processed (unless raw).
/// In f-strings, `{{`/`}}` stand for one brace.
pub fn decode(raw_text: &str, prefix: Prefix) -> String {
    let text: std::borrow::Cow<'_, str> = if prefix.format {
        raw_text.replace("{{", "{").replace("}}", "}").into()
    } else {
        raw_text.into()
    };
    if prefix.raw || !text.contains('\\') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' => hex_escape(&mut chars, 2, 'x', &mut out),
            'u' if !prefix.bytes => hex_escape(&mut chars, 4, 'u', &mut out),
            'U' if !prefix.bytes => hex_escape(&mut chars, 8, 'U', &mut out),
            other => {
                // `\N{NAME}` and unknown escapes stay as written.
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

fn hex_escape(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    n: usize,
    letter: char,
    out: &mut String,
) {
    let mut digits = String::new();
    for _ in 0..n {
        match chars.peek() {
            Some(d) if d.is_ascii_hexdigit() => {
                digits.push(*d);
                chars.next();
            }
            _ => break,
        }
    }
    match u32::from_str_radix(&digits, 16)
        .ok()
        .and_then(char::from_u32)
    {
        Some(c) if digits.len() == n => out.push(c),
        _ => {
            out.push('\\');
            out.push(letter);
            out.push_str(&digits);
        }
    }
}

/// `inspect.cleandoc`: what FastMCP (and Python 3.13's compiler) make of a
/// docstring — the first line stripped, the common indentation of the
/// others removed, blank lines at both ends dropped.
pub fn cleandoc(doc: &str) -> String {
    let expanded = doc.replace('\t', "        ");
    let mut lines: Vec<&str> = expanded.split('\n').collect();
    let margin = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim_start().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    if let Some(first) = lines.first_mut() {
        out.push(first.trim_start().to_string());
    }
    for l in lines.iter().skip(1) {
        let cut = l.char_indices().nth(margin).map(|(i, _)| i);
        out.push(match cut {
            Some(i) if l[..i].trim().is_empty() => l[i..].to_string(),
            _ if l.trim().is_empty() => String::new(),
            _ => l.trim_start().to_string(),
        });
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

/// A piece of a format string: constant text, or a placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// `%s`, `%r`, `{}` (auto-numbered: `Index`), `{0}`, `{name}`.
    Hole(Hole),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hole {
    pub key: HoleKey,
    /// A numeric conversion (`%d`, `%x`, `{:d}`): never text.
    pub numeric: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoleKey {
    Index(usize),
    Name(String),
}

/// Split a `%`-format string (`"ping -c 4 %s"`, `"%(host)s"`).
/// `None` when it has no placeholder worth splitting.
pub fn split_percent(fmt: &str) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut next = 0usize;
    let mut chars = fmt.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        if let Some((_, '%')) = chars.peek() {
            chars.next();
            text.push('%');
            continue;
        }
        let mut key = None;
        if let Some((_, '(')) = chars.peek() {
            chars.next();
            let mut name = String::new();
            for (_, d) in chars.by_ref() {
                if d == ')' {
                    break;
                }
                name.push(d);
            }
            key = Some(HoleKey::Name(name));
        }
        // Flags, width, precision, length modifier, then the conversion.
        let mut conv = None;
        for (_, d) in chars.by_ref() {
            if d.is_ascii_alphabetic() && !matches!(d, 'h' | 'l' | 'L') {
                conv = Some(d);
                break;
            }
            if !(d.is_ascii_digit() || "#0- +.*".contains(d)) {
                break;
            }
        }
        let Some(conv) = conv else {
            text.push('%');
            continue;
        };
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
        }
        let key = key.unwrap_or_else(|| {
            next += 1;
            HoleKey::Index(next - 1)
        });
        pieces.push(Piece::Hole(Hole {
            key,
            numeric: "diouxXeEfFgGc".contains(conv),
        }));
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
        .iter()
        .any(|p| matches!(p, Piece::Hole(_)))
        .then_some(pieces)
}

/// Split a `str.format` string (`"git log {}"`, `"{0}/{name}"`,
/// `"{user.name}"` refers to `user`).
pub fn split_brace(fmt: &str) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut auto = 0usize;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut field = String::new();
                let mut depth = 1;
                for d in chars.by_ref() {
                    match d {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    field.push(d);
                }
                let (name, spec) = match field.split_once(':') {
                    Some((n, s)) => (n, s),
                    None => (field.as_str(), ""),
                };
                let name = name.split('!').next().unwrap_or("");
                let base = name.split(['.', '[']).next().unwrap_or("").trim();
                let key = if base.is_empty() {
                    auto += 1;
                    HoleKey::Index(auto - 1)
                } else if let Ok(i) = base.parse::<usize>() {
                    HoleKey::Index(i)
                } else {
                    HoleKey::Name(base.to_string())
                };
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                let numeric = spec
                    .chars()
                    .last()
                    .is_some_and(|c| "bcdoxXneEfFgG%".contains(c));
                pieces.push(Piece::Hole(Hole { key, numeric }));
            }
            other => text.push(other),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
        .iter()
        .any(|p| matches!(p, Piece::Hole(_)))
        .then_some(pieces)
}

/// A `string` node without interpolations, decoded.
pub fn string_value(n: Node<'_>, src: &str) -> Option<String> {
    if n.kind_str() != "string" {
        return None;
    }
    let mut prefix = Prefix::default();
    let mut out = String::new();
    let mut c = n.walk();
    for k in n.children(&mut c) {
        match k.kind_str() {
            "string_start" => prefix = Prefix::of(text(k, src)),
            "string_content" => out.push_str(&decode(text(k, src), prefix)),
            "interpolation" => return None,
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let p = Prefix::of("\"");
        assert_eq!(
            decode(r"a\nb\t\x41\u00e9\U0001F600\101\\", p),
            "a\nb\tAé😀A\\"
        );
        assert_eq!(decode(r"\N{DASH}\q", p), r"\N{DASH}\q");
        assert_eq!(decode(r"a\n", Prefix::of("r'")), r"a\n");
        assert_eq!(decode(r"\u00e9", Prefix::of("b'")), r"\u00e9");
        assert_eq!(decode("{{x}}", Prefix::of("f\"")), "{x}");
        assert_eq!(decode(r"\x4", p), r"\x4");
        assert_eq!(decode("a\\", p), "a\\");
    }

    #[test]
    fn cleandoc_like_python() {
        assert_eq!(
            cleandoc("Get it.\n\n    <IMPORTANT>\n      x\n    </IMPORTANT>\n    "),
            "Get it.\n\n<IMPORTANT>\n  x\n</IMPORTANT>"
        );
        assert_eq!(
            cleandoc("\n    Retrieve.\n\n    Args:\n        a: b\n"),
            "Retrieve.\n\nArgs:\n    a: b"
        );
        assert_eq!(cleandoc("  one line  "), "one line  ");
        assert_eq!(cleandoc(""), "");
    }

    #[test]
    fn percent_format() {
        let p = split_percent("ping -c %d %s 100%%").unwrap();
        assert_eq!(
            p,
            vec![
                Piece::Text("ping -c ".into()),
                Piece::Hole(Hole {
                    key: HoleKey::Index(0),
                    numeric: true
                }),
                Piece::Text(" ".into()),
                Piece::Hole(Hole {
                    key: HoleKey::Index(1),
                    numeric: false
                }),
                Piece::Text(" 100%".into()),
            ]
        );
        let p = split_percent("%(host)-10s!").unwrap();
        assert_eq!(
            p[0],
            Piece::Hole(Hole {
                key: HoleKey::Name("host".into()),
                numeric: false
            })
        );
        assert!(split_percent("100%").is_none());
        assert!(split_percent("no holes").is_none());
    }

    #[test]
    fn brace_format() {
        let p = split_brace("git {} {0} {name.x!r:>4} {{lit}} {:d}").unwrap();
        let holes: Vec<_> = p
            .iter()
            .filter_map(|x| match x {
                Piece::Hole(h) => Some(h.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(holes[0].key, HoleKey::Index(0));
        assert_eq!(holes[1].key, HoleKey::Index(0));
        assert_eq!(holes[2].key, HoleKey::Name("name".into()));
        assert_eq!(
            holes[3],
            Hole {
                key: HoleKey::Index(1),
                numeric: true
            }
        );
        assert!(p.contains(&Piece::Text(" {lit} ".into())));
        assert!(split_brace("{{}}").is_none());
    }
}
