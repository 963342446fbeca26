//! just: recipes (line-wise bodies, shebang and `[script]` bodies) turned
//! into derived shell text.

use super::derived::*;

/// How a recipe body runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum BodyKind {
    /// One shell command line per line (the usual recipe).
    Linewise,
    /// The whole body is one script for this interpreter (`[script(…)]`;
    /// a `#!` first line decides for itself).
    Script(String),
}

/// The command lines of a justfile's recipes.
pub(super) fn just_commands(text: &str, lines: &[Line]) -> Vec<Derived> {
    let bytes = text.as_bytes();
    let (linewise_posix, script_interpreter) = settings(text, lines);
    let mut out = Vec::new();
    let mut pending_script: Option<String> = None;
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        i += 1;
        let content = text.get(line.start..line.end).unwrap_or("");
        let trimmed = content.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || content.starts_with([' ', '\t']) {
            continue;
        }
        if trimmed.starts_with('[') {
            if let Some(interpreter) = script_attribute(trimmed) {
                pending_script = Some(interpreter.unwrap_or_else(|| script_interpreter.clone()));
            }
            continue;
        }
        let kind = match pending_script.take() {
            Some(interpreter) => BodyKind::Script(interpreter),
            None => BodyKind::Linewise,
        };
        if !is_just_recipe_header(trimmed) {
            continue;
        }
        let body = recipe_body(text, lines, &mut i);
        let Some(first) = body.first() else { continue };
        let shebang = bytes
            .get(first.start..first.end)
            .is_some_and(|s| s.starts_with(b"#!"));
        if shebang {
            let interpreter = text.get(first.start + 2..first.end).unwrap_or("");
            if posix_interpreter(interpreter) {
                out.push(just_script(text, &body));
            }
        } else {
            match kind {
                BodyKind::Script(interpreter) if posix_interpreter(&interpreter) => {
                    out.push(just_script(text, &body))
                }
                BodyKind::Script(_) => {}
                BodyKind::Linewise if linewise_posix => out.extend(just_linewise(text, &body)),
                BodyKind::Linewise => {}
            }
        }
    }
    out
}

/// The justfile's settings, global wherever they are written: whether
/// line-wise recipes run in a POSIX shell, and the interpreter of
/// `[script]` recipes.
fn settings(text: &str, lines: &[Line]) -> (bool, String) {
    let mut linewise_posix = true;
    let mut script_interpreter = String::from("sh -eu");
    for line in lines {
        let content = text.get(line.start..line.end).unwrap_or("");
        let Some(setting) = content.strip_prefix("set ") else {
            continue;
        };
        let (name, value) = setting.split_once(":=").unwrap_or((setting, ""));
        match name.trim() {
            "shell" => linewise_posix = first_string(value).is_none_or(|s| posix_interpreter(&s)),
            "script-interpreter" => {
                if let Some(s) = first_string(value) {
                    script_interpreter = s;
                }
            }
            _ => {}
        }
    }
    (linewise_posix, script_interpreter)
}

/// A recipe's body from line `*i` on: the indented (and blank) lines that
/// follow its header, without their common indentation or trailing blank
/// lines; `*i` moves past them.
fn recipe_body(text: &str, lines: &[Line], i: &mut usize) -> Vec<Line> {
    let mut body: Vec<Line> = Vec::new();
    let mut indent: Option<&str> = None;
    while let Some(&next) = lines.get(*i) {
        let content = text.get(next.start..next.end).unwrap_or("");
        if content.trim().is_empty() {
            body.push(Line {
                start: next.end,
                end: next.end,
            });
            *i += 1;
            continue;
        }
        if !content.starts_with([' ', '\t']) {
            break;
        }
        let whitespace = &content[..content.len() - content.trim_start().len()];
        let prefix = *indent.get_or_insert(whitespace);
        let cut = if content.starts_with(prefix) {
            prefix.len()
        } else {
            whitespace.len()
        };
        body.push(Line {
            start: next.start + cut,
            end: next.end,
        });
        *i += 1;
    }
    while body.last().is_some_and(|l| l.start == l.end) {
        body.pop();
    }
    body
}

/// The first quoted string of a just list or call: `["bash", "-c"]`,
/// `('python3')`.
pub(super) fn first_string(value: &str) -> Option<String> {
    let start = value.find(['"', '\''])?;
    let quote = value[start..].chars().next()?;
    let rest = &value[start + 1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_string())
}

/// `[script]` → `Some(None)` (the default interpreter); `[script("x")]` →
/// `Some(Some("x"))`; attribute lines without `script` → `None`.
pub(super) fn script_attribute(line: &str) -> Option<Option<String>> {
    let inner = line.strip_prefix('[')?.strip_suffix(']')?;
    let bytes = inner.as_bytes();
    let mut from = 0;
    while let Some(pos) = inner.get(from..).and_then(|s| s.find("script")) {
        let at = from + pos;
        let end = at + "script".len();
        let before_ok = at == 0 || matches!(bytes[at - 1], b' ' | b',' | b'[');
        let after = bytes.get(end).copied();
        if before_ok && matches!(after, None | Some(b' ' | b',' | b'(' | b']')) {
            if after == Some(b'(') {
                let args = inner.get(end..).unwrap_or("");
                let close = args.find(')').unwrap_or(args.len());
                return Some(first_string(&args[..close]));
            }
            return Some(None);
        }
        from = end;
    }
    None
}

/// `name:`, `@name a b='x' +rest: dep && after` — not an assignment
/// (`name := …`) nor a `set`/`alias`/`export`/`import`/`mod` line.
pub(super) fn is_just_recipe_header(line: &str) -> bool {
    let s = line.strip_prefix('@').unwrap_or(line);
    let name_len = s
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let Some(name) = s
        .get(..name_len)
        .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
    else {
        return false;
    };
    let rest = &s[name_len..];
    if rest.trim_start().starts_with(":=") {
        return false;
    }
    if matches!(
        name,
        "set" | "alias" | "export" | "unexport" | "import" | "mod"
    ) && rest.starts_with([' ', '\t'])
    {
        return false;
    }
    let bytes = rest.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b':' && bytes.get(i + 1) != Some(&b'='))
}

/// A whole body as one script (line breaks kept).
pub(super) fn just_script(text: &str, body: &[Line]) -> Derived {
    let mut d = Derived::default();
    for (k, line) in body.iter().enumerate() {
        if k > 0 {
            d.insert("\n", line.start, line.start);
        }
        copy_just(&mut d, text, line.start, line.end);
    }
    d
}

/// Linewise recipe: one command line per logical line.
pub(super) fn just_linewise(text: &str, body: &[Line]) -> Vec<Derived> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut k = 0;
    while let Some(&first) = body.get(k) {
        if first.start == first.end {
            k += 1;
            continue;
        }
        let mut d = Derived::default();
        // One `@` and one `-` sigil, in either order.
        let mut start = first.start;
        if matches!(bytes.get(start), Some(b'@' | b'-')) {
            let sigil = bytes[start];
            start += 1;
            let other = if sigil == b'@' { b'-' } else { b'@' };
            if bytes.get(start) == Some(&other) {
                start += 1;
            }
        }
        let mut continued = false;
        while let Some(&line) = body.get(k) {
            let mut from = if continued {
                line.start
            } else {
                start.min(line.end)
            };
            if continued {
                while from < line.end && matches!(bytes[from], b' ' | b'\t') {
                    from += 1;
                }
            }
            // just joins at any trailing backslash, dropping it.
            let joins = line.end > from && bytes[line.end - 1] == b'\\';
            let end = if joins { line.end - 1 } else { line.end };
            copy_just(&mut d, text, from, end);
            k += 1;
            if !joins {
                break;
            }
            continued = true;
        }
        out.push(d);
    }
    out
}
