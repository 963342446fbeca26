//! Tests of the shell parser's steps.

use super::expressions::{github_expressions, mask};
use super::quotes::unquote;
use super::walk::only_continuations;
use super::*;
use std::time::Instant;

#[test]
fn shell_github_expression_ranges() {
    let t = "a ${{ x }} b ${{ y\nz }} ${{ é }}${{w}}";
    let r = github_expressions(t);
    let found: Vec<&str> = r.iter().map(|r| &t[r.clone()]).collect();
    assert_eq!(found, ["${{ x }}", "${{ é }}", "${{w}}"]);
    let masked = mask(t, &r, &[]);
    assert_eq!(masked.len(), t.len());
    assert!(masked.starts_with("a xxxxxxxx b ${{ y\n"));
    assert!(github_expressions("${{ ${{ }}").len() == 1);
    assert!(github_expressions("${{").is_empty());
}

#[test]
fn shell_continuation_gaps() {
    assert!(only_continuations(Some(b"")));
    assert!(only_continuations(Some(b"\\\n\\\r\n")));
    assert!(!only_continuations(Some(b" \\\n")));
    assert!(!only_continuations(Some(b"\\")));
    assert!(!only_continuations(None));
}

#[test]
fn shell_unquote_rules() {
    let u = |s: &str| unquote(s.as_bytes(), 0, s.len(), &[]);
    assert_eq!(u(r#"a\ b"c\"d\e"'f\g'"#), r#"a bc"d\ef\g"#);
    assert_eq!(u("a\\\nb\"c\\\nd\"'e\\\nf'"), "abcde\\\nf");
    assert_eq!(
        u(r#"$'\a\b\e\f\n\r\t\v\\\'\"\?'"#),
        "\x07\x08\x1b\x0c\n\r\t\x0b\\'\"?"
    );
    assert_eq!(u(r"$'\101\x41\u263A\U0001F600\cA\q'"), "AA☺😀\x01\\q");
    assert_eq!(u(r"$'\x\u\xZZ'"), r"\x\u\xZZ");
    assert_eq!(u(r"$'\xff'"), "\u{fffd}");
    assert_eq!(u(r"$'\U7fffffff'"), "");
    assert_eq!(u(r"$'\"), "\\");
    assert_eq!(u(r"$'\c"), "\\c");
    assert_eq!(u("trailing\\"), "trailing\\");
    assert_eq!(u("'unterminated"), "unterminated");
    // Verbatim ranges, including overlapping and out-of-word ones.
    let t = "x\"$a\\\"\"'$(b)'";
    assert_eq!(
        unquote(t.as_bytes(), 0, t.len(), &[2..4, 8..12]),
        "x$a\"$(b)"
    );
    assert_eq!(
        unquote(t.as_bytes(), 0, t.len(), &[0..3, 2..5, 100..200]),
        "x\"$a\\$(b)"
    );
    assert_eq!(unquote(b"abc", 1, 99, &[]), "bc");
}

#[test]
fn shell_pathological_parse_is_cut_off() {
    // tree-sitter-bash's error recovery is quadratic on this input
    // (~70 s for 90 kB); the time limit turns it into an error.
    let text = "a=(".repeat(30_000);
    let started = Instant::now();
    let s = parse_within(&text, Duration::from_millis(200), false);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(s.commands.is_empty());
    assert_eq!(s.errors.len(), 1);
    assert!(s.errors[0].message.contains("too complex"));
    assert_eq!(s.limit_error(), Some(&s.errors[0]));
    // The parser is reset, so the next call works normally.
    assert_eq!(parse("echo ok").commands.len(), 1);
    // An ordinary syntax error is not a limit.
    assert!(!parse("echo (").errors.is_empty());
    assert_eq!(parse("echo (").limit_error(), None);
}

fn words(script: &Script) -> Vec<Vec<String>> {
    script
        .commands
        .iter()
        .map(|c| c.words.iter().map(|w| w.value.clone()).collect())
        .collect()
}

#[test]
fn documentation_parse_keeps_placeholders_in_words() {
    // github-mcp-server's README: `-e GITHUB_PERSONAL_ACCESS_TOKEN=<your-token> \`
    let text = "docker run -i --rm \\\n  -e GITHUB_PERSONAL_ACCESS_TOKEN=<your-token> \\\n  --privileged \\\n  ghcr.io/github/github-mcp-server\n";
    let doc = parse_documentation(text);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(
        words(&doc),
        [[
            "docker",
            "run",
            "-i",
            "--rm",
            "-e",
            "GITHUB_PERSONAL_ACCESS_TOKEN=<your-token>",
            "--privileged",
            "ghcr.io/github/github-mcp-server"
        ]]
    );
    let w = &doc.commands[0].words[5];
    assert_eq!(&text[w.span.start as usize..w.span.end as usize], w.value);
    // A script is still read as the shell reads it: the placeholder is a
    // redirection there, and the words after it are lost.
    let script = parse(text);
    assert!(!words(&script)[0].contains(&"--privileged".to_string()));
}
