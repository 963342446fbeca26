//! Command-line editor: a remedy for a `docker run`, as edits of the words
//! the normaliser recorded ([`CommandLine`]).
//!
//! New flags go right after the `run` word: ` --cap-drop ALL` for shell
//! words; for an `args` array (JSON, JSONC, TOML) new items after `"run"`
//! in the array's own layout — inline (`"run", "--cap-drop", "ALL", "-i"`)
//! when the next item follows on the same line, one item per line at the
//! items' indentation otherwise. Values are changed inside their word
//! (`-v ./x:/x` → `-v ./x:/x:ro`, `-p 8080:80` → `-p 127.0.0.1:8080:80`),
//! `--privileged` is removed with its separator (or its line).
//!
//! Every word is checked against the file first: the text at its span must
//! be the word as the parser read it (bare, or quoted as a whole). Text
//! embedded with escapes (a `sh -c` script inside a JSON string, a folded
//! YAML scalar whose lines were joined) fails that check and is not edited.
//! A flag that is already written (`--memory 0`, `--read-only=false`) is
//! not contradicted by a second one: the fix stays manual.

use skillaudit_syntax::Span;

use super::compose::loopback_edit;
use super::{line_end, line_prefix, line_start, newline_at, next_line_start};
use crate::container::{ArgSyntax, CommandLine, Container, MountKind};
use crate::normalise::runtime::{self, SecurityOpt};
use crate::project::SourceFile;
use crate::remedy::{Remedy, TextEdit, CPU_LIMIT, MEMORY_LIMIT, PIDS_LIMIT};
use crate::Spanned;

pub fn edits(
    file: &SourceFile,
    c: &Container,
    cl: &CommandLine,
    remedy: &Remedy,
) -> Option<Vec<TextEdit>> {
    let text = file.text.as_str();
    if cl.run_word.anchor.is_some() {
        return None;
    }
    let run = cl.run_word.span;
    let run_raw = run.slice(text);
    let run_ok = match cl.syntax {
        ArgSyntax::Shell => matches!(run_raw, "run" | "create"),
        ArgSyntax::Array => matches!(run_raw, "\"run\"" | "\"create\""),
    };
    if !run_ok {
        return None;
    }
    let words = Words {
        file,
        text,
        syntax: cl.syntax,
    };
    match remedy {
        Remedy::NoNewPrivileges
        | Remedy::DropAllCapabilities
        | Remedy::ReadOnlyRoot
        | Remedy::ResourceLimits
        | Remedy::PidsLimit => {
            let flags = new_flags(c, cl, remedy)?;
            Some(vec![words.insert_after_run(run, &flags)?])
        }
        Remedy::BindReadOnly { mount } => bind_read_only(&words, c, cl, *mount).map(|e| vec![e]),
        Remedy::PublishOnLoopback { port } => {
            let p = c.ports.get(*port)?;
            if p.origin.anchor.is_some() {
                return None;
            }
            let (_, value) = words.value_at(&cl.args, p.origin.span)?;
            loopback_edit(file, &value.spec, value.end - value.spec.len()).map(|e| vec![e])
        }
        Remedy::RemovePrivileged => {
            let origin = c.privileged?;
            if origin.anchor.is_some() {
                return None;
            }
            let word = cl.args.iter().find(|a| {
                a.origin.span == origin.span
                    && matches!(a.value.as_str(), "--privileged" | "--privileged=true")
            })?;
            words.remove(word).map(|e| vec![e])
        }
        Remedy::SetUser { .. } => None,
    }
}

/// Is one of these flags already written (`--flag` or `--flag=value`)?
fn has_flag(cl: &CommandLine, names: &[&str]) -> bool {
    cl.args.iter().any(|a| {
        names
            .iter()
            .any(|n| a.value == *n || a.value.strip_prefix(n).is_some_and(|r| r.starts_with('=')))
    })
}

/// The flags a remedy adds after `run`; `None` when a flag already written
/// says otherwise (the fix stays manual) or the remedy adds no flag.
fn new_flags(c: &Container, cl: &CommandLine, remedy: &Remedy) -> Option<Vec<&'static str>> {
    let flags = match remedy {
        Remedy::NoNewPrivileges => {
            if c.security_opts.iter().any(|o| {
                runtime::classify_security_opt(&o.value) == SecurityOpt::NoNewPrivileges(false)
            }) {
                return None;
            }
            vec!["--security-opt", "no-new-privileges:true"]
        }
        Remedy::DropAllCapabilities => vec!["--cap-drop", "ALL"],
        Remedy::ReadOnlyRoot => {
            if has_flag(cl, &["--read-only"]) {
                return None;
            }
            let mut f = vec!["--read-only"];
            if !c
                .mounts
                .iter()
                .any(|m| m.target.trim_end_matches('/') == "/tmp")
            {
                f.extend(["--tmpfs", "/tmp"]);
            }
            f
        }
        Remedy::ResourceLimits => {
            let mut f = Vec::new();
            if c.memory_limit.is_none() {
                if has_flag(cl, &["--memory", "-m"]) {
                    return None;
                }
                f.extend(["--memory", MEMORY_LIMIT]);
            }
            if c.cpu_limit.is_none() {
                if has_flag(cl, &["--cpus", "--cpu-quota", "--cpuset-cpus"]) {
                    return None;
                }
                f.extend(["--cpus", CPU_LIMIT]);
            }
            f
        }
        Remedy::PidsLimit => {
            if has_flag(cl, &["--pids-limit"]) {
                return None;
            }
            vec!["--pids-limit", PIDS_LIMIT]
        }
        _ => return None,
    };
    Some(flags)
}

/// `:ro` (or `,readonly`) at the end of a bind mount's value.
fn bind_read_only(
    words: &Words<'_>,
    c: &Container,
    cl: &CommandLine,
    mount: usize,
) -> Option<TextEdit> {
    let m = c.mounts.get(mount)?;
    if m.kind != MountKind::Bind || m.origin.anchor.is_some() {
        return None;
    }
    let (i, value) = words.value_at(&cl.args, m.origin.span)?;
    let flag_word = if value.inline {
        &cl.args[i].value
    } else {
        &cl.args.get(i.checked_sub(1)?)?.value
    };
    let suffix = if flag_word == "--mount" || flag_word.starts_with("--mount=") {
        ",readonly"
    } else if matches!(flag_word.as_str(), "-v" | "--volume")
        || flag_word.starts_with("--volume=")
        || flag_word.starts_with("-v")
    {
        runtime::read_only_volume_suffix(&value.spec)
    } else {
        return None;
    };
    Some(TextEdit::insert(words.file.id, value.end, suffix))
}

struct Words<'a> {
    file: &'a SourceFile,
    text: &'a str,
    syntax: ArgSyntax,
}

/// A flag's value located in the file.
struct Value {
    /// The spec itself (`./x:/x`), without the flag of an inline form.
    spec: String,
    /// Where the spec's text ends in the file (before a closing quote).
    end: usize,
    /// The value is inside the flag's own word (`--volume=./x:/x`, `-p8080:80`).
    inline: bool,
}

impl Words<'_> {
    /// Where a word's value is in the file: the whole word, or inside its
    /// quotes. `None` if the file text is not exactly the word.
    fn bounds(&self, w: &Spanned<String>) -> Option<(usize, usize)> {
        if w.origin.anchor.is_some() {
            return None;
        }
        let raw = w.origin.span.slice(self.text);
        let (s, e) = (w.origin.span.start as usize, w.origin.span.end as usize);
        // The quote is one ASCII byte at each end, so the slice is on char boundaries.
        let q = raw.as_bytes().first().copied();
        let quoted = raw.len() >= 2
            && (q == Some(b'"') || (q == Some(b'\'') && self.syntax == ArgSyntax::Shell))
            && raw.as_bytes().last().copied() == q
            && raw[1..raw.len() - 1] == *w.value;
        match self.syntax {
            ArgSyntax::Shell if raw == w.value => Some((s, e)),
            _ if quoted => Some((s + 1, e - 1)),
            _ => None,
        }
    }

    /// The value of the flag whose origin is `span` (a flag and its value,
    /// or one word with an inline value): the word ending the span.
    fn value_at(&self, args: &[Spanned<String>], span: Span) -> Option<(usize, Value)> {
        let i = args
            .iter()
            .rposition(|a| a.origin.span.end == span.end && a.origin.span.start >= span.start)?;
        let w = &args[i];
        let (_, end) = self.bounds(w)?;
        let v = w.value.as_str();
        // One word (`--volume=./x:/x`, `-p8080:80`) or a flag and its value.
        let inline = w.origin.span.start == span.start;
        let spec = if inline {
            let long = ["--volume=", "--mount=", "--publish="]
                .iter()
                .find_map(|p| v.strip_prefix(p));
            match long {
                Some(rest) => rest,
                None => {
                    // `-v./x:/x`, `-v=./x:/x`, `-p8080:80`: one short flag, value attached.
                    let rest = v.strip_prefix("-v").or_else(|| v.strip_prefix("-p"))?;
                    rest.strip_prefix('=').unwrap_or(rest)
                }
            }
        } else {
            v
        };
        if spec.is_empty() || spec.len() > end {
            return None;
        }
        Some((
            i,
            Value {
                spec: spec.to_string(),
                end,
                inline,
            },
        ))
    }

    /// New flags right after the `run` word.
    fn insert_after_run(&self, run: Span, flags: &[&str]) -> Option<TextEdit> {
        let at = run.end as usize;
        match self.syntax {
            ArgSyntax::Shell => Some(TextEdit::insert(
                self.file.id,
                at,
                format!(" {}", flags.join(" ")),
            )),
            ArgSyntax::Array => {
                let bytes = self.text.as_bytes();
                let mut i = at;
                while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                let multiline = match bytes.get(i) {
                    Some(b',') => {
                        i += 1;
                        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                            i += 1;
                        }
                        matches!(bytes.get(i), Some(b'\n' | b'\r' | b'/' | b'#'))
                    }
                    Some(b']') => false,
                    _ => return None,
                };
                if !multiline {
                    let items: Vec<String> = flags.iter().map(|f| format!("\"{f}\"")).collect();
                    return Some(TextEdit::insert(
                        self.file.id,
                        at,
                        format!(", {}", items.join(", ")),
                    ));
                }
                let prefix = line_prefix(self.text, run.start as usize);
                let indent = if prefix.bytes().all(|b| b == b' ' || b == b'\t') {
                    prefix.to_string()
                } else {
                    // `"args": ["run",` — the next line's indentation.
                    let next = next_line_start(self.text, at)?;
                    let line = &self.text[next..line_end(self.text, next)];
                    line[..line.len() - line.trim_start_matches([' ', '\t']).len()].to_string()
                };
                let nl = newline_at(self.text, at);
                let items: String = flags
                    .iter()
                    .map(|f| format!(",{nl}{indent}\"{f}\""))
                    .collect();
                Some(TextEdit::insert(self.file.id, at, items))
            }
        }
    }

    /// Remove a word with its separator, or its whole line when it is alone
    /// on it (a `\` continuation line, an array item on its own line).
    fn remove(&self, w: &Spanned<String>) -> Option<TextEdit> {
        self.bounds(w)?;
        let (s, e) = (w.origin.span.start as usize, w.origin.span.end as usize);
        let text = self.text;
        let bytes = text.as_bytes();
        let first_on_line = line_prefix(text, s)
            .bytes()
            .all(|b| b == b' ' || b == b'\t');
        let id = self.file.id;
        match self.syntax {
            ArgSyntax::Shell => {
                let rest = &text[e..line_end(text, e)];
                if first_on_line {
                    if rest.trim() == "\\" {
                        return Some(TextEdit::delete(
                            id,
                            Span::new(line_start(text, s), next_line_start(text, e)?),
                        ));
                    }
                    // More words follow on the line: keep its indentation.
                    let after = e + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
                    return (after < line_end(text, e))
                        .then(|| TextEdit::delete(id, Span::new(s, after)));
                }
                let mut ws = s;
                while ws > 0 && matches!(bytes[ws - 1], b' ' | b'\t') {
                    ws -= 1;
                }
                (ws < s).then(|| TextEdit::delete(id, Span::new(ws, e)))
            }
            ArgSyntax::Array => {
                let mut i = e;
                while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                if bytes.get(i) != Some(&b',') {
                    return None;
                }
                i += 1;
                while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                if first_on_line && matches!(bytes.get(i), Some(b'\n' | b'\r')) {
                    return Some(TextEdit::delete(
                        id,
                        Span::new(line_start(text, s), next_line_start(text, i)?),
                    ));
                }
                Some(TextEdit::delete(id, Span::new(s, i)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::{FileId, FileKind};
    use crate::normalise::{mcp_config, shell_script};
    use crate::remedy::apply;

    fn run(text: &str, kind: FileKind, remedy: Remedy) -> Option<String> {
        let file = SourceFile::new(FileId(0), "f".into(), "f".into(), kind, text.into());
        let cs = match kind {
            FileKind::McpConfig => {
                mcp_config::containers(FileId(0), &skillaudit_syntax::json::parse(text))
            }
            _ => {
                shell_script::containers(FileId(0), &skillaudit_syntax::shell::parse(text), &|s| s)
            }
        };
        let found = &cs[0];
        let e = edits(
            &file,
            &found.container,
            found.command_line.as_ref()?,
            &remedy,
        )?;
        apply(text, &e.iter().collect::<Vec<_>>())
    }

    fn sh(text: &str, remedy: Remedy) -> Option<String> {
        run(text, FileKind::ShellScript, remedy)
    }

    fn json(text: &str, remedy: Remedy) -> Option<String> {
        let out = run(text, FileKind::McpConfig, remedy)?;
        assert!(
            skillaudit_syntax::json::parse(&out).error.is_none(),
            "{out}"
        );
        Some(out)
    }

    #[test]
    fn shell_flags_after_run() {
        assert_eq!(
            sh("sudo docker run --rm img\n", Remedy::DropAllCapabilities).unwrap(),
            "sudo docker run --cap-drop ALL --rm img\n"
        );
        assert_eq!(
            sh("docker run img\n", Remedy::ReadOnlyRoot).unwrap(),
            "docker run --read-only --tmpfs /tmp img\n"
        );
        assert_eq!(
            sh("docker run -m 256m img\n", Remedy::ResourceLimits).unwrap(),
            "docker run --cpus 1.0 -m 256m img\n"
        );
        assert_eq!(
            sh("docker run --pids-limit=-1 img\n", Remedy::PidsLimit),
            None
        );
        assert_eq!(
            sh(
                "docker run --security-opt no-new-privileges=false img\n",
                Remedy::NoNewPrivileges
            ),
            None
        );
    }

    #[test]
    fn shell_values() {
        let t = "docker run -v \"$PWD:/app\" --volume=./d:/d:z -p 8080:80 -p=0.0.0.0:9000:9000 --mount type=bind,src=/a,dst=/b img\n";
        assert!(sh(t, Remedy::BindReadOnly { mount: 0 })
            .unwrap()
            .contains("-v \"$PWD:/app:ro\" "));
        assert!(sh(t, Remedy::BindReadOnly { mount: 1 })
            .unwrap()
            .contains("--volume=./d:/d:z,ro "));
        assert!(sh(t, Remedy::BindReadOnly { mount: 2 })
            .unwrap()
            .contains("dst=/b,readonly img"));
        assert!(sh(t, Remedy::PublishOnLoopback { port: 0 })
            .unwrap()
            .contains("-p 127.0.0.1:8080:80 "));
        assert!(sh(t, Remedy::PublishOnLoopback { port: 1 })
            .unwrap()
            .contains("-p=127.0.0.1:9000:9000 "));
    }

    #[test]
    fn shell_privileged_removal() {
        assert_eq!(
            sh(
                "docker run --rm --privileged img\n",
                Remedy::RemovePrivileged
            )
            .unwrap(),
            "docker run --rm img\n"
        );
        assert_eq!(
            sh(
                "docker run --rm \\\n  --privileged \\\n  img\n",
                Remedy::RemovePrivileged
            )
            .unwrap(),
            "docker run --rm \\\n  img\n"
        );
        assert_eq!(
            sh(
                "docker run \\\n  --privileged -i img\n",
                Remedy::RemovePrivileged
            )
            .unwrap(),
            "docker run \\\n  -i img\n"
        );
    }

    #[test]
    fn json_arrays_keep_their_layout() {
        let inline =
            r#"{"mcpServers": {"s": {"command": "docker", "args": ["run", "-i", "img"]}}}"#;
        assert!(json(inline, Remedy::DropAllCapabilities)
            .unwrap()
            .contains(r#"["run", "--cap-drop", "ALL", "-i", "img"]"#));
        let lines = "{\"mcpServers\": {\"s\": {\"command\": \"docker\", \"args\": [\n      \"run\",\n      \"--privileged\",\n      \"-p\", \"8080:80\",\n      \"img\"\n]}}}";
        let out = json(lines, Remedy::NoNewPrivileges).unwrap();
        assert!(out.contains("\"run\",\n      \"--security-opt\",\n      \"no-new-privileges:true\",\n      \"--privileged\""), "{out}");
        let out = json(lines, Remedy::RemovePrivileged).unwrap();
        assert!(out.contains("\"run\",\n      \"-p\""), "{out}");
        let out = json(lines, Remedy::PublishOnLoopback { port: 0 }).unwrap();
        assert!(out.contains("\"-p\", \"127.0.0.1:8080:80\""), "{out}");
        let sh_c = r#"{"mcpServers": {"s": {"command": "sh", "args": ["-c", "docker run img"]}}}"#;
        assert_eq!(json(sh_c, Remedy::DropAllCapabilities), None);
    }
}
