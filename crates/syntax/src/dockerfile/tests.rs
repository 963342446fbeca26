//! Tests of the Dockerfile parser and expander.

use std::ops::Range;

use super::*;

fn p(text: &str) -> Dockerfile {
    let df = parse(text);
    check_spans(text, &df);
    df
}

fn sl(text: &str, span: Span) -> &str {
    span.slice(text)
}

fn shell(ins: &Instruction) -> &Text {
    match &ins.args {
        Args::Shell(t) => t,
        Args::Exec(w) => panic!("expected shell form, got exec {w:?}"),
    }
}

fn exec(ins: &Instruction) -> Vec<&str> {
    match &ins.args {
        Args::Exec(w) => w.iter().map(|w| w.value.as_str()).collect(),
        Args::Shell(t) => panic!("expected exec form, got shell {:?}", t.value),
    }
}

fn keywords(df: &Dockerfile) -> Vec<&str> {
    df.instructions.iter().map(|i| i.keyword.as_str()).collect()
}

fn messages(df: &Dockerfile) -> Vec<&str> {
    df.errors.iter().map(|e| e.message.as_str()).collect()
}

/// Every span the parser produced lies inside the text, on char boundaries.
fn check_spans(text: &str, df: &Dockerfile) {
    let ok = |s: Span| {
        assert!(s.start <= s.end, "reversed span {s:?}");
        assert!(
            (s.end as usize) <= text.len(),
            "span {s:?} past end {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
            "span {s:?} splits a char"
        );
    };
    for d in &df.directives {
        ok(d.span);
    }
    for e in &df.errors {
        ok(e.span);
    }
    for ins in &df.instructions {
        ok(ins.span);
        ok(ins.keyword_span);
        ok(ins.args_span());
        for f in &ins.flags {
            ok(f.span);
            if let Some(v) = &f.value {
                ok(v.span);
            }
        }
        if let Args::Shell(t) = &ins.args {
            ok(t.span);
            let n = t.value.len();
            for (a, b) in [
                (0, n),
                (0, 0),
                (n, n),
                (n / 2, n),
                (0, n / 2),
                (n, 0),
                (0, n + 10),
            ] {
                if t.value.is_char_boundary(a.min(n)) && t.value.is_char_boundary(b.min(n)) {
                    ok(t.span_of(a..b));
                }
            }
        }
        for h in &ins.heredocs {
            ok(h.span);
        }
        for w in ins.words() {
            ok(w.span);
        }
        for kv in ins.key_values() {
            ok(kv.span);
            ok(kv.key.span);
            if let Some(v) = &kv.value {
                ok(v.span);
            }
        }
        let (srcs, dest) = ins.copy_sources_dest();
        for w in srcs.iter().chain(dest.iter()) {
            ok(w.span);
        }
        let _ = ins.args_text();
    }
}

// ---------------------------------------------------------------------------
// Basics

#[test]
fn dockerfile_basic_instructions_and_spans() {
    let text =
        "FROM node:20-alpine AS build\nWORKDIR /app\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.escape, '\\');
    assert_eq!(keywords(&df), ["FROM", "WORKDIR", "RUN", "CMD"]);
    let from = &df.instructions[0];
    assert_eq!(sl(text, from.span), "FROM node:20-alpine AS build");
    assert_eq!(sl(text, from.keyword_span), "FROM");
    let words: Vec<_> = from
        .words()
        .into_iter()
        .map(|w| (w.value.clone(), sl(text, w.span).to_string()))
        .collect();
    assert_eq!(
        words[0],
        ("node:20-alpine".to_string(), "node:20-alpine".to_string())
    );
    assert_eq!(words[2].1, "build");
    assert_eq!(shell(&df.instructions[2]).value, "npm ci");
    assert_eq!(sl(text, df.instructions[2].args_span()), "npm ci");
    let cmd = &df.instructions[3];
    assert_eq!(exec(cmd), ["node", "server.js"]);
    if let Args::Exec(w) = &cmd.args {
        assert_eq!(sl(text, w[0].span), "\"node\"");
        assert_eq!(sl(text, w[1].span), "\"server.js\"");
    }
    assert_eq!(sl(text, cmd.args_span()), "\"node\", \"server.js\"");
    assert_eq!(cmd.args_text(), "node server.js");
}

#[test]
fn dockerfile_keywords_case_insensitive_and_indented() {
    let text = "  from alpine\n\trun echo hi\n  Cmd echo\n";
    let df = p(text);
    assert_eq!(keywords(&df), ["FROM", "RUN", "CMD"]);
    assert!(df.instructions[1].is("run"));
    assert_eq!(sl(text, df.instructions[1].keyword_span), "run");
    assert_eq!(sl(text, df.instructions[1].span), "run echo hi");
    assert!(df.errors.is_empty());
}

#[test]
fn dockerfile_comments_are_full_line_only() {
    let text = "FROM a\n# a comment\n   # indented comment\nRUN echo # not a comment\n";
    let df = p(text);
    assert_eq!(keywords(&df), ["FROM", "RUN"]);
    assert_eq!(shell(&df.instructions[1]).value, "echo # not a comment");
}

#[test]
fn dockerfile_empty_and_comment_only_files() {
    for text in [
        "",
        "\n\n",
        "   \n\t\n",
        "# just a comment\n",
        "# syntax=docker/dockerfile:1\n",
        "\u{feff}",
        "\u{feff}# c\r\n",
    ] {
        let df = p(text);
        assert!(df.instructions.is_empty(), "{text:?}");
        assert!(df.errors.is_empty(), "{text:?}: {:?}", df.errors);
    }
}

// ---------------------------------------------------------------------------
// Directives

#[test]
fn dockerfile_directives_at_top() {
    let text = "# syntax=docker/dockerfile:1.7\n#ESCAPE = `\n# check=skip=all\nFROM x\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let names: Vec<_> = df
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1.7"),
            ("escape", "`"),
            ("check", "skip=all")
        ]
    );
    assert_eq!(df.escape, '`');
    assert_eq!(sl(text, df.directives[1].span), "#ESCAPE = `");
}

#[test]
fn dockerfile_directive_processing_ends_at_first_other_line() {
    // A blank line, an ordinary comment, or an unknown directive ends them.
    for text in [
        "\n# escape=`\nFROM x\n",
        "# hello\n# escape=`\nFROM x\n",
        "# foo=bar\n# escape=`\nFROM x\n",
        "FROM x\n# escape=`\n",
    ] {
        let df = p(text);
        assert!(df.directives.is_empty(), "{text:?}");
        assert_eq!(df.escape, '\\', "{text:?}");
        assert!(df.errors.is_empty(), "{text:?}");
    }
}

#[test]
fn dockerfile_duplicate_and_invalid_directives() {
    let text = "# escape=`\n# escape=\\\nFROM x\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        ["only one escape parser directive can be used"]
    );
    assert_eq!(sl(text, df.errors[0].span), "# escape=\\");
    assert_eq!(df.escape, '`');

    let text = "# escape=x\nFROM x\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        ["invalid escape token 'x' does not match ` or \\"]
    );
    assert_eq!(sl(text, df.errors[0].span), "x");
    assert_eq!(df.escape, '\\');
}

#[test]
fn dockerfile_backtick_escape_windows_paths() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n    && echo done\nWORKDIR C:\\app\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(keywords(&df), ["FROM", "COPY", "RUN", "WORKDIR"]);
    let (srcs, dest) = df.instructions[1].copy_sources_dest();
    assert_eq!(srcs[0].value, "testfile.txt");
    assert_eq!(dest.unwrap().value, "c:\\");
    let run = shell(&df.instructions[2]);
    assert_eq!(run.value, "dir c:\\     && echo done");
    assert_eq!(
        sl(text, df.instructions[2].span),
        "RUN dir c:\\ `\n    && echo done"
    );
    assert_eq!(shell(&df.instructions[3]).value, "C:\\app");
}

#[test]
fn dockerfile_backslash_escape_double_backslash_is_not_continuation() {
    let text = "FROM x\nRUN echo \\\\\nRUN next\n";
    let df = p(text);
    assert_eq!(keywords(&df), ["FROM", "RUN", "RUN"]);
    assert_eq!(shell(&df.instructions[1]).value, "echo \\\\");
}

// ---------------------------------------------------------------------------
// BOM, CRLF, continuations

#[test]
fn dockerfile_bom_is_stripped_and_spans_stay_in_file() {
    let text = "\u{feff}FROM alpine\n";
    let df = p(text);
    assert_eq!(keywords(&df), ["FROM"]);
    assert_eq!(df.instructions[0].keyword_span, Span::new(3, 7));
    assert_eq!(sl(text, df.instructions[0].span), "FROM alpine");

    let text = "\u{feff}# escape=`\nFROM alpine\n";
    let df = p(text);
    assert_eq!(df.escape, '`');
    assert_eq!(sl(text, df.directives[0].span), "# escape=`");
}

#[test]
fn dockerfile_crlf_line_endings() {
    let text = "FROM alpine\r\nRUN apk add \\\r\n    curl\r\nUSER app\r\n";
    let df = p(text);
    assert!(df.errors.is_empty());
    assert_eq!(keywords(&df), ["FROM", "RUN", "USER"]);
    assert_eq!(sl(text, df.instructions[0].span), "FROM alpine");
    let run = shell(&df.instructions[1]);
    assert_eq!(run.value, "apk add     curl");
    assert_eq!(
        sl(text, df.instructions[1].span),
        "RUN apk add \\\r\n    curl"
    );
    assert_eq!(shell(&df.instructions[2]).value, "app");
    assert_eq!(sl(text, df.instructions[2].args_span()), "app");
}

#[test]
fn dockerfile_continuation_skips_comments_and_blank_lines() {
    let text = "FROM x\nRUN apt-get update \\\n# a comment inside\n\n    \n  && apt-get install -y \\\n      curl\nUSER 1000\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(keywords(&df), ["FROM", "RUN", "USER"]);
    let run = &df.instructions[1];
    let t = shell(run);
    assert_eq!(t.value, "apt-get update   && apt-get install -y       curl");
    // A word on a later physical line maps back exactly.
    let i = t.value.find("curl").unwrap();
    assert_eq!(sl(text, t.span_of(i..i + 4)), "curl");
    let j = t.value.find("install").unwrap();
    assert_eq!(sl(text, t.span_of(j..j + 7)), "install");
    // A range crossing lines is widened to the file text in between.
    let k = t.value.find("update").unwrap();
    let span = t.span_of(k..t.value.find("&&").unwrap() + 2);
    assert_eq!(
        sl(text, span),
        "update \\\n# a comment inside\n\n    \n  &&"
    );
    assert_eq!(sl(text, run.span), &text[7..text.find("\nUSER").unwrap()]);
    // words() works across lines too.
    let words = run.words();
    let curl = words.iter().find(|w| w.value == "curl").unwrap();
    assert_eq!(sl(text, curl.span), "curl");
}

#[test]
fn dockerfile_continuation_to_eof_is_accepted() {
    let text = "FROM x\nRUN echo a \\";
    let df = p(text);
    assert!(df.errors.is_empty());
    assert_eq!(shell(&df.instructions[1]).value, "echo a");
    let text = "FROM x\nRUN echo a \\\n# only a comment follows\n";
    let df = p(text);
    assert!(df.errors.is_empty());
    assert_eq!(shell(&df.instructions[1]).value, "echo a");
    assert_eq!(sl(text, df.instructions[1].span), "RUN echo a \\");
}

#[test]
fn dockerfile_keyword_split_across_lines() {
    let text = "FROM x\n\\\nRUN a\nRU\\\nN b\n";
    let df = p(text);
    assert_eq!(keywords(&df), ["FROM", "RUN", "RUN"]);
    assert_eq!(sl(text, df.instructions[1].keyword_span), "RUN");
    assert_eq!(sl(text, df.instructions[2].keyword_span), "RU\\\nN");
}

#[test]
fn dockerfile_continuation_trailing_spaces_after_escape() {
    let text = "FROM x\nRUN a \\  \t\n b\n";
    let df = p(text);
    assert_eq!(shell(&df.instructions[1]).value, "a  b");
}

// ---------------------------------------------------------------------------
// Flags

#[test]
fn dockerfile_flags_before_arguments() {
    let text = "FROM x AS build\nFROM y\nCOPY --from=build --chown=1000:1000 --link src/ /app/\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let copy = &df.instructions[2];
    let flags: Vec<_> = copy
        .flags
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_ref().map(|v| v.value.as_str())))
        .collect();
    assert_eq!(
        flags,
        [
            ("from", Some("build")),
            ("chown", Some("1000:1000")),
            ("link", None)
        ]
    );
    assert_eq!(sl(text, copy.flags[1].span), "--chown=1000:1000");
    assert_eq!(
        sl(text, copy.flags[1].value.as_ref().unwrap().span),
        "1000:1000"
    );
    assert_eq!(
        copy.flag("from").unwrap().value.as_ref().unwrap().value,
        "build"
    );
    assert_eq!(shell(copy).value, "src/ /app/");
    let (srcs, dest) = copy.copy_sources_dest();
    assert_eq!(srcs.len(), 1);
    assert_eq!(srcs[0].value, "src/");
    assert_eq!(sl(text, dest.unwrap().span), "/app/");
}

#[test]
fn dockerfile_flags_quotes_and_double_dash() {
    let text = "FROM x\nRUN --mount=\"type=cache,target=/root/.npm\" --network=none npm ci\nRUN --security=insecure -- --not-a-flag\nRUN --network=host\n";
    let df = p(text);
    let run = &df.instructions[1];
    assert_eq!(run.flags[0].name, "mount");
    let v = run.flags[0].value.as_ref().unwrap();
    assert_eq!(v.value, "type=cache,target=/root/.npm");
    assert_eq!(sl(text, v.span), "\"type=cache,target=/root/.npm\"");
    assert_eq!(run.flags[1].name, "network");
    assert_eq!(shell(run).value, "npm ci");
    let run2 = &df.instructions[2];
    assert_eq!(run2.flags.len(), 1);
    assert_eq!(shell(run2).value, "--not-a-flag");
    let run3 = &df.instructions[3];
    assert_eq!(run3.flags.len(), 1);
    assert_eq!(shell(run3).value, "");
}

#[test]
fn dockerfile_flags_on_continuation_lines() {
    let text = "FROM x\nCOPY \\\n  --chown=app \\\n  a b\n";
    let df = p(text);
    let copy = &df.instructions[1];
    assert_eq!(copy.flags[0].name, "chown");
    assert_eq!(sl(text, copy.flags[0].span), "--chown=app");
    assert_eq!(shell(copy).value, "a b");
    assert_eq!(sl(text, copy.args_span()), "a b");
}

// ---------------------------------------------------------------------------
// Exec vs shell form

#[test]
fn dockerfile_exec_form_and_fallback() {
    let text = concat!(
        "FROM x\n",
        "ENTRYPOINT [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\" \\u00e9\"]\n",
        "CMD [node, server.js]\n",
        "RUN [ \"a\" ] trailing\n",
        "CMD []\n",
        "VOLUME [\"/data\", \"/logs\"]\n",
        "COPY [\"a b\", \"/dst\"]\n",
    );
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(
        exec(&df.instructions[1]),
        ["/bin/sh", "-c", "echo \"hi\" é"]
    );
    if let Args::Exec(w) = &df.instructions[1].args {
        assert_eq!(sl(text, w[2].span), "\"echo \\\"hi\\\" \\u00e9\"");
    }
    assert_eq!(shell(&df.instructions[2]).value, "[node, server.js]");
    assert_eq!(shell(&df.instructions[3]).value, "[ \"a\" ] trailing");
    assert!(exec(&df.instructions[4]).is_empty());
    assert_eq!(exec(&df.instructions[5]), ["/data", "/logs"]);
    let (srcs, dest) = df.instructions[6].copy_sources_dest();
    assert_eq!(srcs[0].value, "a b");
    assert_eq!(dest.unwrap().value, "/dst");
}

#[test]
fn dockerfile_exec_form_across_lines() {
    let text = "FROM x\nCMD [\"node\", \\\n     \"server.js\"]\n";
    let df = p(text);
    let cmd = &df.instructions[1];
    assert_eq!(exec(cmd), ["node", "server.js"]);
    if let Args::Exec(w) = &cmd.args {
        assert_eq!(sl(text, w[1].span), "\"server.js\"");
    }
}

#[test]
fn dockerfile_exec_form_non_strings_is_an_error() {
    let text = "FROM x\nCMD [\"a\", 1]\nRUN echo ok\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        ["when using JSON array syntax, arrays must be comprised of strings only"]
    );
    assert_eq!(sl(text, df.errors[0].span), "[\"a\", 1]");
    assert_eq!(shell(&df.instructions[1]).value, "[\"a\", 1]");
    assert_eq!(keywords(&df), ["FROM", "CMD", "RUN"]);
}

#[test]
fn dockerfile_shell_requires_json() {
    let text = "FROM x\nSHELL [\"powershell\", \"-Command\"]\nSHELL /bin/bash -c\n";
    let df = p(text);
    assert_eq!(exec(&df.instructions[1]), ["powershell", "-Command"]);
    assert_eq!(
        messages(&df),
        ["SHELL requires the arguments to be in JSON form"]
    );
    assert_eq!(sl(text, df.errors[0].span), "/bin/bash -c");
}

#[test]
fn dockerfile_healthcheck_flags_and_args() {
    let text = "FROM x\nHEALTHCHECK --interval=30s --timeout=3s \\\n  CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK NONE\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let hc = &df.instructions[1];
    assert_eq!(
        hc.flags.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["interval", "timeout"]
    );
    assert_eq!(shell(hc).value, "CMD curl -f http://localhost/ || exit 1");
    assert_eq!(shell(&df.instructions[2]).value, "NONE");
}

#[test]
fn dockerfile_healthcheck_errors() {
    let text = "FROM x\nHEALTHCHECK NONE extra\nHEALTHCHECK PING x\nHEALTHCHECK CMD\nHEALTHCHECK\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        [
            "HEALTHCHECK NONE takes no arguments",
            "Unknown type \"PING\" in HEALTHCHECK (try CMD)",
            "Missing command after HEALTHCHECK CMD",
            "HEALTHCHECK requires at least one argument",
        ]
    );
    assert_eq!(sl(text, df.errors[0].span), "extra");
    assert_eq!(sl(text, df.errors[1].span), "PING");
}

// ---------------------------------------------------------------------------
// Heredocs

#[test]
fn dockerfile_heredoc_single() {
    let text = "FROM x\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nUSER app\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(keywords(&df), ["FROM", "RUN", "USER"]);
    let run = &df.instructions[1];
    assert_eq!(sl(text, run.span), "RUN <<EOF");
    assert_eq!(run.heredocs.len(), 1);
    let h = &run.heredocs[0];
    assert_eq!(h.name, "EOF");
    assert!(h.expand);
    assert!(!h.chomp);
    assert_eq!(h.content, "apt-get update\napt-get install -y curl\n");
    assert_eq!(sl(text, h.span), "apt-get update\napt-get install -y curl");
}

#[test]
fn dockerfile_heredoc_chomp_strips_tabs() {
    let text = "FROM x\nRUN <<-EOT\n\techo one\n\t\techo two\n\tEOT\nUSER app\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let h = &df.instructions[1].heredocs[0];
    assert!(h.chomp);
    assert_eq!(h.name, "EOT");
    assert_eq!(h.content, "echo one\necho two\n");
    assert_eq!(sl(text, h.span), "\techo one\n\t\techo two");
    assert_eq!(keywords(&df), ["FROM", "RUN", "USER"]);
}

#[test]
fn dockerfile_heredoc_without_chomp_needs_exact_terminator() {
    // With `<<EOF`, a tab-indented `EOF` does not end the body.
    let text = "FROM x\nRUN <<EOF\n\tEOF\nEOF\n";
    let df = p(text);
    assert_eq!(df.instructions[1].heredocs[0].content, "\tEOF\n");
}

#[test]
fn dockerfile_heredoc_quoted_delimiters() {
    let text = "FROM x\nRUN <<'EOF'\necho $HOME\nEOF\nRUN <<\"END\" bash\necho $HOME\nEND\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let h1 = &df.instructions[1].heredocs[0];
    assert_eq!((h1.name.as_str(), h1.expand), ("EOF", false));
    let h2 = &df.instructions[2].heredocs[0];
    assert_eq!((h2.name.as_str(), h2.expand), ("END", false));
    assert_eq!(h2.content, "echo $HOME\n");
}

#[test]
fn dockerfile_heredoc_two_on_one_line() {
    let text =
        "FROM x\nRUN <<FILE1 cat > /a && 3<<FILE2 cat > /b\nfirst\nFILE1\nsecond\nFILE2\nCMD x\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let run = &df.instructions[1];
    let names: Vec<_> = run
        .heredocs
        .iter()
        .map(|h| (h.name.as_str(), h.content.as_str()))
        .collect();
    assert_eq!(names, [("FILE1", "first\n"), ("FILE2", "second\n")]);
    assert_eq!(sl(text, run.heredocs[1].span), "second");
    assert_eq!(keywords(&df), ["FROM", "RUN", "CMD"]);
}

#[test]
fn dockerfile_copy_heredoc() {
    let text = "FROM x\nCOPY --chmod=755 <<EOF /usr/local/bin/start.sh\n#!/bin/sh\nexec node server.js\nEOF\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let copy = &df.instructions[1];
    assert_eq!(copy.heredocs[0].content, "#!/bin/sh\nexec node server.js\n");
    let (srcs, dest) = copy.copy_sources_dest();
    assert_eq!(srcs[0].value, "<<EOF");
    assert_eq!(dest.unwrap().value, "/usr/local/bin/start.sh");
}

#[test]
fn dockerfile_heredoc_unterminated() {
    let text = "FROM x\nRUN <<EOF\necho hi\nUSER app\n";
    let df = p(text);
    assert_eq!(messages(&df), ["unterminated heredoc"]);
    assert_eq!(sl(text, df.errors[0].span), "<<EOF");
    assert_eq!(keywords(&df), ["FROM", "RUN"]);
    assert!(df.instructions[1].heredocs.is_empty());
}

#[test]
fn dockerfile_heredoc_not_in_exec_form_or_quotes_or_other_instructions() {
    let text = "FROM x\nRUN [\"cat\", \"<<EOF\"]\nRUN echo \"<<EOF\"\nCMD cat <<EOF\nUSER app\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(keywords(&df), ["FROM", "RUN", "RUN", "CMD", "USER"]);
    assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
}

#[test]
fn dockerfile_heredoc_after_continuation_crlf_and_empty_body() {
    let text = "FROM x\r\nRUN <<EOF \\\r\n  bash\r\necho a\r\nEOF\r\nRUN <<EOF\nEOF\nUSER u\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(keywords(&df), ["FROM", "RUN", "RUN", "USER"]);
    let h = &df.instructions[1].heredocs[0];
    assert_eq!(h.content, "echo a\n");
    assert_eq!(sl(text, h.span), "echo a");
    assert_eq!(shell(&df.instructions[1]).value, "<<EOF   bash");
    let empty = &df.instructions[2].heredocs[0];
    assert_eq!(empty.content, "");
    assert!(empty.span.is_empty());
}

#[test]
fn dockerfile_onbuild_heredoc_and_args() {
    let text = "FROM x\nONBUILD RUN <<EOF\necho hi\nEOF\nONBUILD COPY . /app\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(keywords(&df), ["FROM", "ONBUILD", "ONBUILD"]);
    assert_eq!(shell(&df.instructions[1]).value, "RUN <<EOF");
    assert_eq!(df.instructions[1].heredocs[0].content, "echo hi\n");
    assert_eq!(shell(&df.instructions[2]).value, "COPY . /app");
}

// ---------------------------------------------------------------------------
// FROM / stages

#[test]
fn dockerfile_multi_stage() {
    let text = "ARG BASE=node:20\nFROM --platform=$BUILDPLATFORM ${BASE} AS Builder\nRUN make\nFROM gcr.io/distroless/nodejs20:nonroot\nCOPY --from=builder /out /app\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let from = &df.instructions[1];
    assert_eq!(from.flags[0].name, "platform");
    let w: Vec<_> = from.words().into_iter().map(|w| w.value).collect();
    assert_eq!(w, ["${BASE}", "AS", "Builder"]);
}

#[test]
fn dockerfile_from_errors() {
    let text = "FROM\nFROM a b\nFROM a AS 1stage\nFROM a as ok-stage_1.x\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        [
            "FROM requires either one or three arguments",
            "FROM requires either one or three arguments",
            "invalid name for build stage: \"1stage\", name can't start with a number or contain symbols",
        ]
    );
    assert_eq!(sl(text, df.errors[0].span), "FROM");
    assert_eq!(sl(text, df.errors[1].span), "FROM a b");
    assert_eq!(sl(text, df.errors[2].span), "1stage");
}

// ---------------------------------------------------------------------------
// ENV / ARG / LABEL

fn kvs(ins: &Instruction) -> Vec<(String, Option<String>)> {
    ins.key_values()
        .into_iter()
        .map(|kv| (kv.key.value, kv.value.map(|v| v.value)))
        .collect()
}

#[test]
fn dockerfile_env_pairs_with_quotes() {
    let text = "FROM x\nENV A=1 B=\"two words\" C='x y' D=$HOME E=\\\"q\\\" F=${X:-\"d e\"}\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let env = &df.instructions[1];
    let pairs = kvs(env);
    let expected: Vec<(String, Option<String>)> = [
        ("A", "1"),
        ("B", "two words"),
        ("C", "x y"),
        ("D", "$HOME"),
        ("E", "\"q\""),
        ("F", "${X:-\"d e\"}"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), Some(v.to_string())))
    .collect();
    assert_eq!(pairs, expected);
    let kv = env.key_values();
    assert_eq!(sl(text, kv[1].span), "B=\"two words\"");
    assert_eq!(sl(text, kv[1].key.span), "B");
    assert_eq!(
        sl(text, kv[1].value.as_ref().unwrap().span),
        "\"two words\""
    );
}

#[test]
fn dockerfile_env_legacy_form() {
    let text = "FROM x\nENV PATH /usr/local/bin:$PATH\nENV MSG  \"hello world\"\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(
        kvs(&df.instructions[1]),
        [("PATH".to_string(), Some("/usr/local/bin:$PATH".to_string()))]
    );
    let kv = &df.instructions[1].key_values()[0];
    assert_eq!(sl(text, kv.span), "PATH /usr/local/bin:$PATH");
    assert_eq!(
        sl(text, kv.value.as_ref().unwrap().span),
        "/usr/local/bin:$PATH"
    );
    assert_eq!(
        kvs(&df.instructions[2]),
        [("MSG".to_string(), Some("hello world".to_string()))]
    );
}

#[test]
fn dockerfile_env_pairs_across_lines() {
    let text = "FROM x\nENV A=1 \\\n    TOKEN=\"abc def\"\n";
    let df = p(text);
    let kv = df.instructions[1].key_values();
    assert_eq!(kv[1].value.as_ref().unwrap().value, "abc def");
    assert_eq!(sl(text, kv[1].span), "TOKEN=\"abc def\"");
}

#[test]
fn dockerfile_env_errors() {
    let text = "FROM x\nENV KEY\nENV a=b c\nENV =x\nENV\nLABEL\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        [
            "ENV must have two arguments",
            "Syntax error - can't find = in \"c\". Must be of the form: name=value",
            "ENV names can not be blank",
            "ENV requires at least one argument",
            "LABEL requires at least one argument",
        ]
    );
    assert_eq!(sl(text, df.errors[0].span), "ENV KEY");
    assert_eq!(sl(text, df.errors[1].span), "c");
    assert_eq!(sl(text, df.errors[2].span), "=x");
    assert_eq!(
        kvs(&df.instructions[2]),
        [("a".to_string(), Some("b".to_string()))]
    );
}

#[test]
fn dockerfile_arg_forms() {
    let text = "ARG VERSION\nARG A=1 B C=\"x y\" D=\nFROM x\nARG\nARG =v\n";
    let df = p(text);
    assert_eq!(kvs(&df.instructions[0]), [("VERSION".to_string(), None)]);
    assert_eq!(
        kvs(&df.instructions[1]),
        [
            ("A".to_string(), Some("1".to_string())),
            ("B".to_string(), None),
            ("C".to_string(), Some("x y".to_string())),
            ("D".to_string(), Some(String::new())),
        ]
    );
    let kv = df.instructions[1].key_values();
    assert_eq!(sl(text, kv[1].span), "B");
    assert_eq!(sl(text, kv[3].span), "D=");
    assert_eq!(
        kv[3].value.as_ref().unwrap().span,
        Span::empty(kv[3].span.end as usize)
    );
    assert_eq!(
        messages(&df),
        [
            "ARG requires at least one argument",
            "ARG names can not be blank"
        ]
    );
}

#[test]
fn dockerfile_label_forms() {
    let text =
        "FROM x\nLABEL \"org.opencontainers.image.source\"=\"https://x\" maintainer='me <me@x>' multi=\"a\\\nb\"\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let pairs = kvs(&df.instructions[1]);
    assert_eq!(
        pairs[0],
        (
            "org.opencontainers.image.source".to_string(),
            Some("https://x".to_string())
        )
    );
    assert_eq!(
        pairs[1],
        ("maintainer".to_string(), Some("me <me@x>".to_string()))
    );
    assert_eq!(pairs[2], ("multi".to_string(), Some("ab".to_string())));
}

#[test]
fn dockerfile_key_values_use_backtick_escape() {
    let text = "# escape=`\nFROM x\nENV P=C:\\app Q=a`\"b\n";
    let df = p(text);
    assert_eq!(
        kvs(&df.instructions[1]),
        [
            ("P".to_string(), Some("C:\\app".to_string())),
            ("Q".to_string(), Some("a\"b".to_string()))
        ]
    );
}

// ---------------------------------------------------------------------------
// Other errors

#[test]
fn dockerfile_unknown_instruction_and_parsing_continues() {
    let text = "FROM x\nFOO bar\n  runn echo\nUSER app\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        ["unknown instruction: FOO", "unknown instruction: RUNN"]
    );
    assert_eq!(sl(text, df.errors[0].span), "FOO");
    assert_eq!(sl(text, df.errors[1].span), "runn");
    assert_eq!(keywords(&df), ["FROM", "FOO", "RUNN", "USER"]);
    assert_eq!(shell(&df.instructions[1]).value, "bar");
}

#[test]
fn dockerfile_instruction_before_from() {
    let text = "ARG V=1\nRUN echo\nFROM x\nRUN ok\n";
    let df = p(text);
    assert_eq!(messages(&df), ["no build stage in current context"]);
    assert_eq!(sl(text, df.errors[0].span), "RUN");
    assert_eq!(df.errors[0].span, Span::new(8, 11));
}

#[test]
fn dockerfile_missing_arguments() {
    let text =
        "FROM x\nUSER\nWORKDIR\nEXPOSE\nVOLUME\nSTOPSIGNAL\nMAINTAINER\nCOPY onlyone\nADD\nONBUILD\nSHELL\nRUN\nCMD\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        [
            "USER requires exactly one argument",
            "WORKDIR requires exactly one argument",
            "EXPOSE requires at least one argument",
            "VOLUME requires at least one argument",
            "STOPSIGNAL requires exactly one argument",
            "MAINTAINER requires exactly one argument",
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
            "ADD requires at least two arguments, but only one was provided. Destination could not be determined",
            "ONBUILD requires at least one argument",
            "SHELL requires at least one argument",
        ]
    );
    assert_eq!(sl(text, df.errors[0].span), "USER");
    assert_eq!(sl(text, df.errors[6].span), "COPY onlyone");
    assert_eq!(keywords(&df).len(), 13);
}

#[test]
fn dockerfile_misc_instruction_errors() {
    let text = "FROM x\nCOPY a <<EOF\nEOF\nONBUILD ONBUILD RUN x\nONBUILD FROM y\nVOLUME [\"/a\", \" \"]\n";
    let df = p(text);
    assert_eq!(
        messages(&df),
        [
            "COPY cannot accept a heredoc as a destination",
            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            "FROM isn't allowed as an ONBUILD trigger",
            "VOLUME specified can not be an empty string",
        ]
    );
    assert_eq!(sl(text, df.errors[0].span), "<<EOF");
    assert_eq!(sl(text, df.errors[1].span), "ONBUILD");
    assert_eq!(sl(text, df.errors[3].span), "\" \"");
}

// ---------------------------------------------------------------------------
// Helpers

#[test]
fn dockerfile_whitespace_words() {
    let text = "FROM x\nEXPOSE 80/tcp \t 443   8080\nUSER \"a b\"\n";
    let df = p(text);
    let words = df.instructions[1].words();
    let v: Vec<_> = words.iter().map(|w| w.value.as_str()).collect();
    assert_eq!(v, ["80/tcp", "443", "8080"]);
    assert_eq!(sl(text, words[1].span), "443");
    // No quote handling in whitespace_words.
    let v: Vec<_> = df.instructions[2]
        .words()
        .into_iter()
        .map(|w| w.value)
        .collect();
    assert_eq!(v, ["\"a", "b\""]);
}

#[test]
fn dockerfile_quoted_words_for_copy() {
    let text = "FROM x\nCOPY \"my file.txt\" 'other file' plain\\ name /dst/\n";
    let df = p(text);
    let (srcs, dest) = df.instructions[1].copy_sources_dest();
    let v: Vec<_> = srcs.iter().map(|w| w.value.as_str()).collect();
    assert_eq!(v, ["my file.txt", "other file", "plain name"]);
    assert_eq!(sl(text, srcs[0].span), "\"my file.txt\"");
    assert_eq!(sl(text, srcs[2].span), "plain\\ name");
    assert_eq!(dest.unwrap().value, "/dst/");
}

#[test]
fn dockerfile_span_of_edge_cases() {
    let t = Text {
        value: "abcdef".into(),
        span: Span::new(10, 20),
        pieces: vec![(0, 10), (3, 17)],
    };
    assert_eq!(t.span_of(0..3), Span::new(10, 13));
    assert_eq!(t.span_of(3..6), Span::new(17, 20));
    assert_eq!(t.span_of(2..4), Span::new(12, 18));
    assert_eq!(t.span_of(3..3), Span::new(17, 17));
    // A reversed range is empty at its start.
    assert_eq!(t.span_of(Range { start: 5, end: 2 }), Span::new(19, 19));
    assert_eq!(t.span_of(0..usize::MAX), Span::new(10, 20));
    let empty = Text {
        value: "abc".into(),
        span: Span::new(5, 8),
        pieces: vec![],
    };
    assert_eq!(empty.span_of(1..2), Span::new(6, 7));
    assert_eq!(empty.span_of(Range { start: 2, end: 1 }), Span::new(7, 7));
    assert_eq!(Text::default().span_of(3..9), Span::new(0, 0));
}

#[test]
fn dockerfile_non_ascii_everywhere() {
    let text =
        "FROM ünïcode:€\nLABEL desc=\"日本語 テキスト\" emoji=🎉\nRUN echo 'héllo' \\\n  wörld\nCMD [\"𝄞\", \"ü\"]\n";
    let df = p(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(
        kvs(&df.instructions[1])[0].1.as_deref(),
        Some("日本語 テキスト")
    );
    let t = shell(&df.instructions[2]);
    let i = t.value.find("wörld").unwrap();
    assert_eq!(sl(text, t.span_of(i..i + "wörld".len())), "wörld");
    assert_eq!(exec(&df.instructions[3]), ["𝄞", "ü"]);
}

// ---------------------------------------------------------------------------
// expand()

fn env(name: &str) -> Option<String> {
    match name {
        "HOME" => Some("/root".into()),
        "EMPTY" => Some(String::new()),
        "NAME" => Some("world".into()),
        "SPACED" => Some("a b".into()),
        "1" => Some("one".into()),
        _ => None,
    }
}

fn ex(word: &str) -> (String, bool) {
    let e = expand(word, '\\', &env);
    (e.value, e.unresolved)
}

fn ok(v: &str) -> (String, bool) {
    (v.to_string(), false)
}

fn unres(v: &str) -> (String, bool) {
    (v.to_string(), true)
}

#[test]
fn dockerfile_expand_simple() {
    assert_eq!(ex("plain"), ok("plain"));
    assert_eq!(ex("$HOME/bin"), ok("/root/bin"));
    assert_eq!(ex("${HOME}/bin"), ok("/root/bin"));
    assert_eq!(ex("hello-$NAME!"), ok("hello-world!"));
    assert_eq!(ex("$UNSET"), unres(""));
    assert_eq!(ex("x${UNSET}y"), unres("xy"));
    assert_eq!(ex("$"), ok("$"));
    assert_eq!(ex("a$ b"), ok("a$ b"));
    assert_eq!(ex("$1"), ok("one"));
    assert_eq!(ex("cost: 5$"), ok("cost: 5$"));
}

#[test]
fn dockerfile_expand_modifiers() {
    assert_eq!(ex("${UNSET:-def}"), ok("def"));
    assert_eq!(ex("${UNSET-def}"), ok("def"));
    assert_eq!(ex("${EMPTY:-def}"), ok("def"));
    assert_eq!(ex("${EMPTY-def}"), ok(""));
    assert_eq!(ex("${HOME:-def}"), ok("/root"));
    assert_eq!(ex("${HOME:+alt}"), ok("alt"));
    assert_eq!(ex("${HOME+alt}"), ok("alt"));
    assert_eq!(ex("${EMPTY:+alt}"), ok(""));
    assert_eq!(ex("${EMPTY+alt}"), ok("alt"));
    assert_eq!(ex("${UNSET:+alt}"), ok(""));
    assert_eq!(ex("${HOME:?must be set}"), ok("/root"));
    assert_eq!(ex("${UNSET:?must be set}"), unres(""));
    assert_eq!(ex("${UNSET?msg}"), unres(""));
    assert_eq!(ex("${EMPTY?msg}"), ok(""));
    assert_eq!(ex("${EMPTY:?msg}"), unres(""));
}

#[test]
fn dockerfile_expand_nested_defaults() {
    assert_eq!(ex("${UNSET:-${NAME}}"), ok("world"));
    assert_eq!(ex("${UNSET:-${ALSO_UNSET:-deep}}"), ok("deep"));
    assert_eq!(ex("${UNSET:-$ALSO_UNSET}"), unres(""));
    // An unresolved default that is not used does not count.
    assert_eq!(ex("${HOME:-$ALSO_UNSET}"), ok("/root"));
    assert_eq!(ex("${HOME:+$ALSO_UNSET}"), unres(""));
    assert_eq!(ex("${UNSET:-\"a b\"}"), ok("a b"));
    assert_eq!(ex("${UNSET:-a\\}b}"), ok("a}b"));
}

#[test]
fn dockerfile_expand_quotes_and_escapes() {
    assert_eq!(ex("'$HOME'"), ok("$HOME"));
    assert_eq!(ex("\"$HOME\""), ok("/root"));
    assert_eq!(ex("\"a b\"c"), ok("a bc"));
    assert_eq!(ex("\\$HOME"), ok("$HOME"));
    assert_eq!(ex("\"\\$HOME\""), ok("$HOME"));
    assert_eq!(ex("\"a\\\"b\""), ok("a\"b"));
    assert_eq!(ex("\"a\\nb\""), ok("a\\nb"));
    assert_eq!(ex("a\\ b"), ok("a b"));
    assert_eq!(ex("trailing\\"), ok("trailing"));
    assert_eq!(ex("\"$SPACED\""), ok("a b"));
    // Backtick escape: backslash is literal.
    let e = expand("C:\\app`$HOME", '`', &env);
    assert_eq!(e.value, "C:\\app$HOME");
    // Unterminated quotes run to the end instead of failing.
    assert_eq!(ex("'abc"), ok("abc"));
    assert_eq!(ex("\"abc $NAME"), ok("abc world"));
}

#[test]
fn dockerfile_expand_unsupported_forms_are_verbatim() {
    assert_eq!(ex("${HOME#/}"), unres("${HOME#/}"));
    assert_eq!(ex("${HOME%%/*}"), unres("${HOME%%/*}"));
    assert_eq!(ex("${HOME/root/x}!"), unres("${HOME/root/x}!"));
    assert_eq!(ex("${}"), unres("${}"));
    assert_eq!(ex("${"), unres("${"));
    assert_eq!(ex("${:-x}"), unres("${:-x}"));
    assert_eq!(ex("${HOME"), unres("${HOME"));
    assert_eq!(ex("${UNSET:-abc"), unres("${UNSET:-abc"));
    assert_eq!(ex("${A:=b}"), unres("${A:=b}"));
    assert_eq!(ex("${ HOME}"), unres("${ HOME}"));
}

#[test]
fn dockerfile_expand_deep_nesting_does_not_overflow() {
    let deep = "${A:-".repeat(100_000) + &"}".repeat(100_000);
    let e = expand(&deep, '\\', &env);
    assert!(e.unresolved);
    // `$$` is the special parameter `$` (unknown here).
    let e = expand(&"$".repeat(100_001), '\\', &env);
    assert_eq!(e.value, "$");
    assert!(e.unresolved);
}

#[test]
fn dockerfile_unquote_keeps_variables() {
    use super::expand::unquote;
    assert_eq!(unquote("\"a b\"", '\\'), "a b");
    assert_eq!(unquote("$HOME/x", '\\'), "$HOME/x");
    assert_eq!(unquote("\"${A:-'q'}\"", '\\'), "${A:-'q'}");
    assert_eq!(unquote("'$X'", '\\'), "$X");
}

// ---------------------------------------------------------------------------
// Robustness

/// A tiny deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "FROM ",
    "RUN ",
    "run ",
    "COPY ",
    "ADD ",
    "ENV ",
    "ARG ",
    "LABEL ",
    "CMD ",
    "ONBUILD ",
    "HEALTHCHECK ",
    "SHELL ",
    "VOLUME ",
    "USER ",
    "EXPOSE ",
    "FOO ",
    "# escape=`",
    "# escape=\\",
    "# syntax=x",
    "#",
    "\\",
    "`",
    "[",
    "]",
    "\"",
    "'",
    "<<",
    "<<-",
    "EOF",
    "3<<",
    "-",
    "--",
    "--from=",
    "=",
    "$",
    "${",
    "}",
    ":-",
    ":+",
    "?",
    "{",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "é",
    "€",
    "𝄞",
    "\u{feff}",
    "\u{a0}",
    "\u{85}",
    "a",
    "1",
    ",",
    "AS ",
    "x",
    "NONE",
    "CMD",
    "\\u00",
    "\\\"",
];

fn exercise(text: &str) {
    let df = p(text);
    for ins in &df.instructions {
        for w in ins.words().iter().chain(ins.copy_sources_dest().0.iter()) {
            let _ = expand(&w.value, df.escape, &env);
        }
        for kv in ins.key_values() {
            if let Some(v) = kv.value {
                let _ = expand(&v.value, df.escape, &env);
            }
        }
    }
}

#[test]
fn dockerfile_random_input_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..4000 {
        let n = (rng.next() % 40) as usize;
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(rng.pick(PIECES));
        }
        exercise(&text);
        let _ = expand(&text, '\\', &env);
        let _ = expand(&text, '`', &env);
    }
    // Raw random characters, too.
    for _ in 0..2000 {
        let n = (rng.next() % 60) as usize;
        let text: String = (0..n)
            .map(|_| {
                let r = rng.next();
                match r % 4 {
                    0 => char::from_u32((r >> 8) as u32 % 0x80).unwrap_or('a'),
                    1 => [
                        '\\', '`', '\n', '"', '\'', '$', '{', '}', '<', '[', ']', '#', '=', '-',
                    ][(r >> 8) as usize % 14],
                    _ => char::from_u32((r >> 8) as u32 % 0x11_0000).unwrap_or('\u{fffd}'),
                }
            })
            .collect();
        exercise(&text);
    }
}

#[test]
fn dockerfile_garbage_samples_never_panic() {
    for text in [
        "\\",
        "`",
        "[",
        "<<",
        "<<-",
        "RUN <<",
        "RUN <<\"",
        "RUN <<''",
        "RUN 9<<",
        "\u{feff}\\",
        "RUN [",
        "RUN [\"",
        "RUN [\"\\",
        "CMD [\"a\\u12\"]",
        "ENV",
        "ENV =",
        "ENV \"",
        "ARG '",
        "COPY --",
        "COPY --\"",
        "COPY --a=\\",
        "FROM\u{a0}x",
        "FROM x\nRUN <<EOF <<EOF\nEOF\n",
        "\r\r\r\n",
        "# escape=\n",
        "# escape= \n",
        "#escape=``\n",
        "RUN \\\n\\\n\\",
        "ONBUILD",
        "ONBUILD RUN <<EOF",
        "HEALTHCHECK CMD [1]",
        "LABEL a=\"\\",
        "\u{85}FROM x",
        "FROM x\nONBUILD ONBUILD ONBUILD RUN <<A\nA\n",
        "FROM x\nRUN <<-\tEOF\n",
        "RUN [[[[[[[[[[[[[[",
    ] {
        exercise(text);
    }
    let deep = format!("FROM x\nCMD {}", "[".repeat(100_000));
    exercise(&deep);
}

#[test]
fn dockerfile_large_inputs_parse_quickly() {
    use std::time::{Duration, Instant};
    // 100,000 lines.
    let mut big = String::from("FROM alpine\n");
    for i in 0..100_000 {
        big.push_str(&format!("RUN echo {i} && ENV X=1 \\\n  --flag=\"q\"\n"));
    }
    let t = Instant::now();
    let df = parse(&big);
    assert_eq!(df.instructions.len(), 100_001);
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());

    // A 1 MB logical line made of many continuation lines, and one made of
    // a single physical line.
    let mut cont = String::from("FROM a\nRUN true");
    while cont.len() < 1_000_000 {
        cont.push_str(" \\\n  && echo \"x\" ENV=1");
    }
    let single = format!(
        "FROM a\nENV {}\nRUN {}\nCMD [{}\"x\"]\n",
        "K=\"v w\" ".repeat(120_000),
        "a ".repeat(500_000),
        "\"y\", ".repeat(150_000)
    );
    for text in [&cont, &single] {
        let t = Instant::now();
        let df = parse(text);
        for ins in &df.instructions {
            let words = ins.words();
            let _ = ins.key_values();
            let _ = ins.copy_sources_dest();
            if let Args::Shell(t) = &ins.args {
                for w in words.iter().take(1000) {
                    let _ = t.span_of(0..w.value.len());
                }
            }
        }
        assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    }
}

#[test]
fn dockerfile_source_text_and_range_of() {
    let text = "FROM x\nENV A='$HOME' \\\n  B=\"it's\" C=a\\\n  b\n";
    let df = p(text);
    let env = &df.instructions[1];
    let kv = env.key_values();
    let raw: Vec<_> = kv
        .iter()
        .map(|kv| env.source_text(kv.value.as_ref().unwrap().span).unwrap())
        .collect();
    assert_eq!(raw, ["'$HOME'", "\"it's\"", "a"]);
    // Expanding the source text gives what BuildKit sees.
    assert_eq!(expand(raw[0], '\\', &env_lookup).value, "$HOME");
    assert_eq!(expand(raw[1], '\\', &env_lookup).value, "it's");
    // A span crossing the continuation of `C=a\` + `b` is not one piece of
    // the logical text... but its ends are, so the joined text comes back.
    let t = shell(env);
    let c = t.value.find("C=").unwrap();
    let span = t.span_of(c..t.value.len());
    assert_eq!(t.range_of(span), Some(c..t.value.len()));
    assert_eq!(env.source_text(span), Some("C=a  b"));
    // Offsets on removed characters do not map.
    let backslash = text.find("a\\\n").unwrap() as u32 + 1;
    assert_eq!(
        t.range_of(Span {
            start: backslash + 1,
            end: backslash + 2
        }),
        None
    );
    assert_eq!(env.source_text(Span::new(0, 4)), None);
    // Round trip for every char boundary.
    for a in 0..=t.value.len() {
        if t.value.is_char_boundary(a) {
            assert_eq!(t.range_of(t.span_of(a..a)), Some(a..a), "{a}");
        }
    }
}

fn env_lookup(name: &str) -> Option<String> {
    env(name)
}
