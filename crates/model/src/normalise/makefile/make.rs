//! Make: logical lines classified (rules, recipes, variables, `define`),
//! recipe lines turned into derived shell text.

use super::derived::*;
use super::*;

/// What a non-recipe logical line of a Makefile is.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum MakeLine {
    /// Blank, a comment, or a conditional directive: a rule stays open.
    Neutral,
    /// `define NAME` (recipes are not read until the matching `endef`).
    Define,
    /// A rule header; `Some(offset)` where an inline recipe (`; cmd`) starts.
    Rule(Option<(usize, usize)>),
    /// `NAME op value`.
    Assignment {
        name: String,
        op: String,
        value: String,
    },
    /// Anything else (include, export, a function call…): ends a rule.
    Other,
}

/// The command lines of a Makefile's recipes.
pub(super) fn make_commands(text: &str, lines: &[Line]) -> Vec<Derived> {
    let bytes = text.as_bytes();
    // Recipe logical lines: (first line index, last line index, start offset).
    let mut recipes: Vec<(usize, usize, usize)> = Vec::new();
    let mut variables: HashMap<String, Option<String>> = HashMap::new();
    let mut in_rule = false;
    let mut define_depth = 0usize;
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        let content = text.get(line.start..line.end).unwrap_or("");
        if define_depth > 0 {
            // Inside `define`: only nesting matters (no continuation either).
            let mut words = content.split_whitespace();
            match words.next() {
                Some("endef") => define_depth -= 1,
                Some("define") => define_depth += 1,
                Some("override" | "export" | "private") if words.next() == Some("define") => {
                    define_depth += 1
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        // The logical line: this line and its backslash continuations.
        let mut last = i;
        while lines.get(last).is_some_and(|&l| continues(bytes, l)) && last + 1 < lines.len() {
            last += 1;
        }
        if in_rule && content.starts_with('\t') {
            recipes.push((i, last, line.start + 1));
            i = last + 1;
            continue;
        }
        match classify_make(text, &lines[i..=last]) {
            MakeLine::Neutral => {}
            MakeLine::Define => {
                define_depth = 1;
                in_rule = false;
            }
            MakeLine::Rule(inline) => {
                in_rule = true;
                if let Some((k, at)) = inline {
                    recipes.push((i + k, last, at));
                }
            }
            MakeLine::Assignment { name, op, value } => {
                in_rule = false;
                assign(&mut variables, name, &op, value);
            }
            MakeLine::Other => in_rule = false,
        }
        i = last + 1;
    }

    let engines: HashMap<String, String> = variables
        .into_iter()
        .filter_map(|(name, value)| value.filter(|v| is_engine_command(v)).map(|v| (name, v)))
        .collect();
    recipes
        .into_iter()
        .map(|(first, last, from)| {
            make_recipe(text, lines.get(first..=last).unwrap_or(&[]), from, &engines)
        })
        .collect()
}

/// Record an assignment with make's semantics for the final value: `?=`
/// only when undefined, `+=` appends, `!=` runs a command (unknown value).
pub(super) fn assign(
    variables: &mut HashMap<String, Option<String>>,
    name: String,
    op: &str,
    value: String,
) {
    match op {
        "?=" => {
            variables.entry(name).or_insert(Some(value));
        }
        "+=" => {
            let entry = variables.entry(name).or_insert_with(|| Some(String::new()));
            if let Some(old) = entry {
                if !old.is_empty() {
                    old.push(' ');
                }
                old.push_str(&value);
            }
        }
        "!=" => {
            variables.insert(name, None);
        }
        _ => {
            variables.insert(name, Some(value));
        }
    }
}

/// A variable value usable as a command name: a few plain words (no
/// references, quotes or shell syntax), one of them a container engine
/// (`docker`, `/usr/bin/podman`, `sudo docker`).
pub(super) fn is_engine_command(value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && !value.contains([
            '$', '`', '\'', '"', ';', '|', '&', '(', ')', '<', '>', '{', '}', '\\',
        ])
        && words
            .iter()
            .any(|w| ENGINES.contains(&w.rsplit('/').next().unwrap_or(w)))
}

/// Classify a (possibly continued) non-recipe line.
pub(super) fn classify_make(text: &str, lines: &[Line]) -> MakeLine {
    let Some(first) = lines.first() else {
        return MakeLine::Neutral;
    };
    let content = text.get(first.start..first.end).unwrap_or("");
    let trimmed = content.trim_start();
    if trimmed.is_empty() && lines.len() == 1 {
        return MakeLine::Neutral;
    }
    if trimmed.starts_with('#') {
        return MakeLine::Neutral;
    }
    let mut words = trimmed.split_whitespace();
    let word = words.next().unwrap_or("");
    let mut scan_from = first.start + (content.len() - trimmed.len());
    match word {
        "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif" => return MakeLine::Neutral,
        "define" => return MakeLine::Define,
        "override" | "export" | "private" | "unexport" => {
            if words.next() == Some("define") {
                return MakeLine::Define;
            }
            // `export NAME = value`: read the assignment after the keyword.
            scan_from += word.len();
        }
        "include" | "-include" | "sinclude" | "vpath" | "undefine" => return MakeLine::Other,
        _ => {}
    }
    rule_or_assignment(text, lines, scan_from)
}

/// Scan from `scan_from` for the first `:` / `=` / `;` / `#` outside
/// references: a rule header, an assignment or something else.
fn rule_or_assignment(text: &str, lines: &[Line], scan_from: usize) -> MakeLine {
    let bytes = text.as_bytes();
    let last = lines.len().saturating_sub(1);
    let mut depth = 0usize;
    let mut colon = false;
    let mut name_end: Option<usize> = None;
    for (k, line) in lines.iter().enumerate() {
        let end = if k < last {
            line.end.saturating_sub(1).max(line.start)
        } else {
            line.end
        };
        let mut p = if k == 0 {
            scan_from.min(end)
        } else {
            line.start
        };
        while p < end {
            let c = bytes[p];
            if depth > 0 {
                match c {
                    b'(' | b'{' => depth += 1,
                    b')' | b'}' => depth -= 1,
                    _ => {}
                }
                p += 1;
                continue;
            }
            match c {
                b'$' if matches!(bytes.get(p + 1), Some(b'(' | b'{')) => {
                    depth = 1;
                    p += 2;
                    continue;
                }
                b'\\' => {
                    p += 2;
                    continue;
                }
                b'#' => {
                    return if colon {
                        MakeLine::Rule(None)
                    } else {
                        MakeLine::Other
                    }
                }
                b'=' if !colon => return assignment(text, lines, scan_from, name_end, p),
                b'=' => return MakeLine::Rule(None),
                b':' if !colon => {
                    // `:=`, `::=`, `:::=` are assignments, found at their `=`.
                    let mut q = p;
                    while bytes.get(q) == Some(&b':') {
                        q += 1;
                    }
                    if bytes.get(q) == Some(&b'=') {
                        name_end = Some(p);
                    } else {
                        colon = true;
                    }
                    p = q;
                    continue;
                }
                b';' if colon => return MakeLine::Rule(Some((k, p + 1))),
                _ => {}
            }
            p += 1;
        }
    }
    if colon {
        MakeLine::Rule(None)
    } else {
        MakeLine::Other
    }
}

/// The assignment whose operator ends with the `=` at `eq`: `=`, `?=`,
/// `+=`, `!=`, `:=`, `::=`, `:::=` (`name_end` is where a `:` operator
/// starts, when one was seen).
fn assignment(
    text: &str,
    lines: &[Line],
    scan_from: usize,
    name_end: Option<usize>,
    eq: usize,
) -> MakeLine {
    let bytes = text.as_bytes();
    let mut op_start = eq;
    while op_start > scan_from && matches!(bytes[op_start - 1], b'?' | b'+' | b'!' | b':') {
        op_start -= 1;
    }
    let name_end = name_end.unwrap_or(op_start);
    let name = text
        .get(scan_from..name_end)
        .unwrap_or("")
        .trim()
        .to_string();
    let op = text.get(op_start..eq + 1).unwrap_or("=").to_string();
    let value = logical_text(text, lines, eq + 1);
    let value = strip_make_comment(&value).trim().to_string();
    MakeLine::Assignment { name, op, value }
}

/// The text of a logical line from `from` on, continuations joined with a
/// space (make's rule outside recipes).
pub(super) fn logical_text(text: &str, lines: &[Line], from: usize) -> String {
    let mut out = String::new();
    let last = lines.len().saturating_sub(1);
    for (k, line) in lines.iter().enumerate() {
        if line.end < from {
            continue;
        }
        let end = if k < last {
            line.end.saturating_sub(1).max(line.start)
        } else {
            line.end
        };
        let start = line.start.max(from).min(end);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(text.get(start..end).unwrap_or("").trim());
    }
    out
}

/// A make value without its trailing `# comment` (`\#` is a literal `#`).
pub(super) fn strip_make_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'#' => return value.get(..i).unwrap_or(value),
            _ => i += 1,
        }
    }
    value
}

/// Rebuild one recipe command line (see the module docs).
pub(super) fn make_recipe(
    text: &str,
    lines: &[Line],
    from: usize,
    engines: &HashMap<String, String>,
) -> Derived {
    let bytes = text.as_bytes();
    let mut d = Derived::default();
    let last = lines.len().saturating_sub(1);
    for (k, line) in lines.iter().enumerate() {
        let mut start = if k == 0 {
            from.clamp(line.start, line.end)
        } else {
            line.start
        };
        if k == 0 {
            // Leading blanks and the @ - + prefixes.
            while start < line.end && matches!(bytes[start], b' ' | b'\t' | b'@' | b'-' | b'+') {
                start += 1;
            }
        } else if bytes.get(start) == Some(&b'\t') && start < line.end {
            // The recipe tab of a continuation line.
            start += 1;
        }
        copy_make(&mut d, text, start, line.end, engines);
        if k < last {
            d.insert("\n", line.end, line.end);
        }
    }
    d
}
