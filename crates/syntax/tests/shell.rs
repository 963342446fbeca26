//! Tests for the shell layer (`skillaudit_syntax::shell::parse`).
//!
//! Everything lives in `mod shell` so that `cargo test -p skillaudit-syntax shell`
//! selects these tests.

mod shell {
    use skillaudit_syntax::shell::{parse, Command, Nesting, Script};

    /// Word values of every command, for compact assertions.
    fn values(script: &Script) -> Vec<Vec<&str>> {
        script
            .commands
            .iter()
            .map(|c| c.words.iter().map(|w| w.value.as_str()).collect())
            .collect()
    }

    fn only(script: &Script) -> &Command {
        assert_eq!(script.commands.len(), 1, "{:#?}", script.commands);
        &script.commands[0]
    }

    fn no_errors(script: &Script) {
        assert!(
            script.errors.is_empty(),
            "unexpected errors: {:?}",
            script.errors
        );
    }

    // -- words, spans, quoting ------------------------------------------------

    #[test]
    fn simple_command_words_and_spans() {
        let text = "  curl -fsSL https://example.com/install.sh  ";
        let s = parse(text);
        no_errors(&s);
        let c = only(&s);
        assert_eq!(
            values(&s),
            [["curl", "-fsSL", "https://example.com/install.sh"]]
        );
        assert_eq!(
            c.span.slice(text),
            "curl -fsSL https://example.com/install.sh"
        );
        let spans: Vec<&str> = c.words.iter().map(|w| w.span.slice(text)).collect();
        assert_eq!(spans, ["curl", "-fsSL", "https://example.com/install.sh"]);
        assert!(c.words.iter().all(|w| w.literal));
        assert_eq!(c.name(), Some("curl"));
        assert!(c.assignments.is_empty());
        assert_eq!(c.pipeline, None);
        assert_eq!(c.nested_in, None);
    }

    #[test]
    fn base_name_strips_directory() {
        let s = parse("/usr/bin/curl x");
        assert_eq!(only(&s).base_name(), Some("curl"));
    }

    #[test]
    fn quotes_and_escapes_are_removed() {
        let text = r#"echo "a b" 'x y' \"q\" a\ b "in \"dq\" \$ \\ \z" '\n' mixed"dq"'sq'bare"#;
        let s = parse(text);
        no_errors(&s);
        let c = only(&s);
        assert_eq!(
            values(&s)[0],
            [
                "echo",
                "a b",
                "x y",
                "\"q\"",
                "a b",
                r#"in "dq" $ \ \z"#,
                r"\n",
                "mixeddqsqbare"
            ]
        );
        assert_eq!(c.words[1].span.slice(text), "\"a b\"");
        assert_eq!(c.words[2].span.slice(text), "'x y'");
        assert_eq!(c.words[7].span.slice(text), r#"mixed"dq"'sq'bare"#);
        assert!(c.words.iter().all(|w| w.literal));
    }

    #[test]
    fn ansi_c_and_translated_strings() {
        let s = parse(r#"printf $'a\tb\x41\u00e9\101\'' $"tr" $"#);
        no_errors(&s);
        assert_eq!(values(&s)[0], ["printf", "a\tbAé\u{41}'", "tr", "$"]);
        assert!(only(&s).words.iter().all(|w| w.literal));
    }

    #[test]
    fn expansions_are_kept_verbatim() {
        let text = r#"docker run -v"$HOME"/x:/y -e A=$B ${IMG:-alpine} "$(id -u)" $((1+2)) "pre $X post" ~/x *.txt"#;
        let s = parse(text);
        no_errors(&s);
        let c = &s.commands[0];
        let w: Vec<(&str, bool)> = c
            .words
            .iter()
            .map(|w| (w.value.as_str(), w.literal))
            .collect();
        assert_eq!(
            w,
            [
                ("docker", true),
                ("run", true),
                ("-v$HOME/x:/y", false),
                ("-e", true),
                ("A=$B", false),
                ("${IMG:-alpine}", false),
                ("$(id -u)", false),
                ("$((1+2))", false),
                ("pre $X post", false),
                ("~/x", true),
                ("*.txt", true),
            ]
        );
        assert_eq!(c.words[2].span.slice(text), r#"-v"$HOME"/x:/y"#);
        // The nested `id -u` comes after `docker`.
        assert_eq!(values(&s)[1], ["id", "-u"]);
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::CommandSubstitution))
        );
    }

    #[test]
    fn expansion_with_quotes_inside_is_verbatim() {
        let s = parse(r#"echo "${X:-"a b"}" "$(echo "x y")""#);
        no_errors(&s);
        assert_eq!(
            values(&s)[0],
            ["echo", r#"${X:-"a b"}"#, r#"$(echo "x y")"#]
        );
        assert_eq!(values(&s)[1], ["echo", "x y"]);
    }

    #[test]
    fn assignments_prefix() {
        let text = r#"FOO=1 BAR="x y" A[1]=z env"#;
        let s = parse(text);
        no_errors(&s);
        let c = only(&s);
        let a: Vec<&str> = c.assignments.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(a, ["FOO=1", "BAR=x y", "A[1]=z"]);
        assert_eq!(c.assignments[1].span.slice(text), r#"BAR="x y""#);
        assert_eq!(values(&s)[0], ["env"]);
        assert_eq!(c.name(), Some("env"));

        let s = parse("DEBIAN_FRONTEND=noninteractive apt-get install -y sudo");
        let c = only(&s);
        assert_eq!(c.assignments[0].value, "DEBIAN_FRONTEND=noninteractive");
        assert_eq!(values(&s)[0], ["apt-get", "install", "-y", "sudo"]);
    }

    #[test]
    fn redirections_and_herestrings_are_not_words() {
        let s = parse("2>/dev/null cat file > out 2>&1 < in");
        assert_eq!(values(&s), [["cat", "file"]]);
        let s = parse("grep x <<< \"$data\" file");
        assert_eq!(values(&s)[0], ["grep", "x", "file"]);
    }

    #[test]
    fn arguments_after_a_redirect() {
        // tree-sitter-bash parses these as extra redirect destinations.
        let text = "echo >&2 \"docker run\" x";
        let s = parse(text);
        no_errors(&s);
        assert_eq!(values(&s), [["echo", "docker run", "x"]]);
        assert_eq!(s.commands[0].span.slice(text), text);

        let s = parse("sudo >/dev/null docker run --privileged img 2>&1");
        assert_eq!(
            values(&s),
            [["sudo", "docker", "run", "--privileged", "img"]]
        );

        let s = parse("a | b > f c | d");
        assert_eq!(values(&s), vec![vec!["a"], vec!["b", "c"], vec!["d"]]);
        assert_eq!(
            s.commands
                .iter()
                .map(|c| c.pipeline.unwrap().1)
                .collect::<Vec<_>>(),
            [0, 1, 2]
        );

        let s = parse("cmd > $(mktemp) x");
        assert_eq!(values(&s), vec![vec!["cmd", "x"], vec!["mktemp"]]);
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::CommandSubstitution))
        );

        let s = parse("tee <<EOF /tmp/x\nhi\nEOF\n");
        no_errors(&s);
        assert_eq!(values(&s), [["tee", "/tmp/x"]]);
    }

    #[test]
    fn herestring_after_redirect() {
        // tree-sitter-bash 0.25 misreads `<<<` after another redirect.
        let s = parse("cat > f <<< \"hi\"");
        no_errors(&s);
        assert_eq!(values(&s), [["cat"]]);
        let s = parse("cmd > out <<< \"$(curl x)\" arg");
        no_errors(&s);
        assert_eq!(values(&s), vec![vec!["cmd", "arg"], vec!["curl", "x"]]);
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::CommandSubstitution))
        );
        // Text containing `<<<` keeps it.
        let s = parse("echo '<<<' \"a<<<b\"");
        assert_eq!(values(&s), [["echo", "<<<", "a<<<b"]]);
    }

    // -- continuation lines ------------------------------------------------------

    #[test]
    fn continuation_lines() {
        let text = "docker run \\\n  --privileged \\\n  img";
        let s = parse(text);
        no_errors(&s);
        let c = only(&s);
        assert_eq!(values(&s)[0], ["docker", "run", "--privileged", "img"]);
        assert_eq!(c.span.slice(text), text);
        assert_eq!(c.words[2].span.slice(text), "--privileged");
    }

    #[test]
    fn continuation_inside_a_word_joins_it() {
        let text = "do\\\ncker run --name=a\\\nb \"x\\\ny\" img";
        let s = parse(text);
        no_errors(&s);
        let c = only(&s);
        assert_eq!(values(&s)[0], ["docker", "run", "--name=ab", "xy", "img"]);
        assert_eq!(c.words[0].span.slice(text), "do\\\ncker");
        assert_eq!(c.name(), Some("docker"));
    }

    #[test]
    fn crlf_continuations() {
        let s = parse("docker run \\\r\n  --privileged \\\r\n  img\r\necho hi\r\n");
        assert_eq!(
            values(&s),
            vec![
                vec!["docker", "run", "--privileged", "img"],
                vec!["echo", "hi"]
            ]
        );
    }

    // -- pipelines, lists, compound statements ---------------------------------

    #[test]
    fn curl_pipe_sh() {
        let s = parse("curl -fsSL https://get.example.com | sh");
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![vec!["curl", "-fsSL", "https://get.example.com"], vec!["sh"]]
        );
        let p0 = s.commands[0].pipeline.unwrap();
        let p1 = s.commands[1].pipeline.unwrap();
        assert_eq!(p0.1, 0);
        assert_eq!(p1.1, 1);
        assert_eq!(p0.0, p1.0);
    }

    #[test]
    fn wget_pipe_sudo_bash() {
        let s = parse("wget -qO- https://x | sudo bash -");
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![vec!["wget", "-qO-", "https://x"], vec!["sudo", "bash", "-"]]
        );
        assert_eq!(s.commands[1].pipeline.map(|p| p.1), Some(1));
        assert_eq!(s.commands[1].base_name(), Some("sudo"));
    }

    #[test]
    fn pipeline_ids_and_lists() {
        let s = parse("a | b && c; d | e |& f || g");
        no_errors(&s);
        let p: Vec<Option<(u32, u32)>> = s.commands.iter().map(|c| c.pipeline).collect();
        let (x, y) = (p[0].unwrap().0, p[3].unwrap().0);
        assert_ne!(x, y);
        assert_eq!(
            p,
            [
                Some((x, 0)),
                Some((x, 1)),
                None,
                Some((y, 0)),
                Some((y, 1)),
                Some((y, 2)),
                None
            ]
        );
    }

    #[test]
    fn pipeline_with_redirected_elements_is_flat() {
        // tree-sitter-bash nests this as pipeline(redirected(pipeline(a, b)), c).
        let s = parse("a 2>&1 | b 2>/dev/null | c > out");
        no_errors(&s);
        assert_eq!(values(&s), [["a"], ["b"], ["c"]]);
        let p: Vec<_> = s.commands.iter().map(|c| c.pipeline.unwrap()).collect();
        assert!(p.iter().all(|x| x.0 == p[0].0));
        assert_eq!(p.iter().map(|x| x.1).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn negated_pipeline() {
        let s = parse("! a | b");
        assert_eq!(values(&s), [["a"], ["b"]]);
        assert_eq!(
            s.commands
                .iter()
                .map(|c| c.pipeline.unwrap().1)
                .collect::<Vec<_>>(),
            [0, 1]
        );
    }

    #[test]
    fn and_chains() {
        let s = parse("apt-get update && apt-get install -y sudo && rm -rf /var/lib/apt/lists/*");
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "sudo"],
                vec!["rm", "-rf", "/var/lib/apt/lists/*"],
            ]
        );
        assert!(s
            .commands
            .iter()
            .all(|c| c.pipeline.is_none() && c.nested_in.is_none()));
    }

    #[test]
    fn if_then_fi() {
        let text = "if [ -n \"$CI\" ] && command -v docker; then\n  sudo docker run -v /:/host img\nelif true; then x; else y; fi";
        let s = parse(text);
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![
                vec!["command", "-v", "docker"],
                vec!["sudo", "docker", "run", "-v", "/:/host", "img"],
                vec!["true"],
                vec!["x"],
                vec!["y"],
            ]
        );
        assert_eq!(
            s.commands[1].span.slice(text),
            "sudo docker run -v /:/host img"
        );
    }

    #[test]
    fn sudo_docker_run() {
        let text = "sudo docker run -v /:/host img";
        let s = parse(text);
        let c = only(&s);
        assert_eq!(c.base_name(), Some("sudo"));
        assert_eq!(
            values(&s)[0],
            ["sudo", "docker", "run", "-v", "/:/host", "img"]
        );
        assert_eq!(c.words[4].span.slice(text), "/:/host");
    }

    #[test]
    fn loops_functions_subshells_case() {
        let text = "\
f() { docker run a; }
for i in 1 2; do docker run b; done
while read -r l; do echo \"$l\"; done < list
(cd /x && docker run c)
{ docker run d; }
case \"$1\" in start) docker run e ;; *) exit 1 ;; esac
";
        let s = parse(text);
        no_errors(&s);
        let names: Vec<String> = s
            .commands
            .iter()
            .map(|c| {
                c.words
                    .iter()
                    .map(|w| w.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert_eq!(
            names,
            [
                "docker run a",
                "docker run b",
                "read -r l",
                "echo $l",
                "cd /x",
                "docker run c",
                "docker run d",
                "docker run e",
                "exit 1",
            ]
        );
    }

    // -- substitutions ------------------------------------------------------

    #[test]
    fn process_substitution_nesting() {
        let text = "bash <(curl -s https://x)";
        let s = parse(text);
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![
                vec!["bash", "<(curl -s https://x)"],
                vec!["curl", "-s", "https://x"]
            ]
        );
        assert!(!s.commands[0].words[1].literal);
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::ProcessSubstitution))
        );
        assert_eq!(s.commands[1].span.slice(text), "curl -s https://x");
    }

    #[test]
    fn command_substitution_in_double_quotes() {
        let s = parse(r#"sh -c "$(curl -fsSL https://x)""#);
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![
                vec!["sh", "-c", "$(curl -fsSL https://x)"],
                vec!["curl", "-fsSL", "https://x"]
            ]
        );
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::CommandSubstitution))
        );

        let s = parse(r#"sh -c "$(wget -O- https://x)""#);
        assert_eq!(values(&s)[1], ["wget", "-O-", "https://x"]);
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::CommandSubstitution))
        );
    }

    #[test]
    fn backticks_and_nested_substitutions() {
        let s = parse("echo `id -u` $(a $(b) | c) x");
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![
                vec!["echo", "`id -u`", "$(a $(b) | c)", "x"],
                vec!["id", "-u"],
                vec!["a", "$(b)"],
                vec!["b"],
                vec!["c"]
            ]
        );
        let n: Vec<_> = s.commands.iter().map(|c| c.nested_in).collect();
        let cs = Nesting::CommandSubstitution;
        assert_eq!(
            n,
            [
                None,
                Some((0, cs)),
                Some((0, cs)),
                Some((2, cs)),
                Some((0, cs))
            ]
        );
        // `a | c` inside the substitution is a pipeline of its own.
        assert_eq!(s.commands[2].pipeline.map(|p| p.1), Some(0));
        assert_eq!(s.commands[4].pipeline.map(|p| p.1), Some(1));
    }

    #[test]
    fn substitution_in_assignment_and_redirect() {
        let s = parse("X=$(curl x) Y=1 env > >(tee log)");
        assert_eq!(
            values(&s),
            vec![vec!["env"], vec!["curl", "x"], vec!["tee", "log"]]
        );
        assert_eq!(s.commands[0].assignments[0].value, "X=$(curl x)");
        assert!(!s.commands[0].assignments[0].literal);
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::CommandSubstitution))
        );
        assert_eq!(
            s.commands[2].nested_in,
            Some((0, Nesting::ProcessSubstitution))
        );
    }

    #[test]
    fn substitution_without_outer_command() {
        let s = parse(
            "X=$(curl x)\nfor f in $(ls); do :; done\nif [[ \"$(id -u)\" == 0 ]]; then :; fi",
        );
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![
                vec!["curl", "x"],
                vec!["ls"],
                vec![":"],
                vec!["id", "-u"],
                vec![":"]
            ]
        );
        assert!(s.commands.iter().all(|c| c.nested_in.is_none()));
    }

    #[test]
    fn declaration_commands() {
        let s = parse("export X=$(curl -s x) Y; local -r Z=`wget y`; unset A");
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![
                vec!["export", "X=$(curl -s x)", "Y"],
                vec!["curl", "-s", "x"],
                vec!["local", "-r", "Z=`wget y`"],
                vec!["wget", "y"],
                vec!["unset", "A"]
            ]
        );
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::CommandSubstitution))
        );
        assert_eq!(
            s.commands[3].nested_in,
            Some((2, Nesting::CommandSubstitution))
        );
    }

    // -- things that are not commands --------------------------------------

    #[test]
    fn echo_of_docker_run_is_one_echo() {
        let s = parse(r#"echo "docker run --privileged""#);
        no_errors(&s);
        let c = only(&s);
        assert_eq!(values(&s)[0], ["echo", "docker run --privileged"]);
        assert!(c.words[1].literal);
    }

    #[test]
    fn comments_are_ignored() {
        let s = parse("# docker run --privileged x\necho hi # docker run y\n  # sudo z");
        no_errors(&s);
        assert_eq!(values(&s), [["echo", "hi"]]);
    }

    #[test]
    fn heredoc_body_is_not_commands() {
        let text =
            "cat <<EOF > /etc/x.conf\ndocker run --privileged x\nuser=$(whoami)\nEOF\necho done";
        let s = parse(text);
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![vec!["cat"], vec!["whoami"], vec!["echo", "done"]]
        );
        // `$(…)` in an unquoted heredoc does run; it belongs to `cat`.
        assert_eq!(
            s.commands[1].nested_in,
            Some((0, Nesting::CommandSubstitution))
        );

        let s = parse("cat <<'EOF'\ndocker run $(x)\nEOF\n");
        no_errors(&s);
        assert_eq!(values(&s), [["cat"]]);

        let s = parse("cat <<-EOF\n\tdocker run x\n\tEOF\nls");
        assert_eq!(values(&s), [["cat"], ["ls"]]);
    }

    #[test]
    fn heredoc_piped_into_shell() {
        // tree-sitter-bash hangs `| sh && foo` off the heredoc redirect.
        let s = parse("cat <<EOF | sh && foo\ndocker run x\nEOF\n");
        no_errors(&s);
        assert_eq!(values(&s), [["cat"], ["sh"], ["foo"]]);
        let p: Vec<_> = s.commands.iter().map(|c| c.pipeline).collect();
        let id = p[0].unwrap().0;
        assert_eq!(p, [Some((id, 0)), Some((id, 1)), None]);
        assert!(s.commands.iter().all(|c| c.nested_in.is_none()));

        let s = parse("a | cat <<EOF | sh | x\nhi\nEOF");
        assert_eq!(values(&s), [["a"], ["cat"], ["sh"], ["x"]]);
        let p: Vec<_> = s.commands.iter().map(|c| c.pipeline.unwrap()).collect();
        assert!(p.iter().all(|x| x.0 == p[0].0));
        assert_eq!(p.iter().map(|x| x.1).collect::<Vec<_>>(), [0, 1, 2, 3]);
    }

    #[test]
    fn heredoc_statement_inside_substitution_keeps_nesting() {
        let s = parse("x $(cat <<EOF | sh\nhi\nEOF\n)");
        assert_eq!(values(&s)[1..], [vec!["cat"], vec!["sh"]]);
        let cs = Nesting::CommandSubstitution;
        assert_eq!(s.commands[1].nested_in, Some((0, cs)));
        assert_eq!(s.commands[2].nested_in, Some((0, cs)));
    }

    // -- GitHub Actions expressions ------------------------------------------

    #[test]
    fn github_expressions_stay_in_words() {
        let text = "docker run -e T=${{ secrets.T }} --rm ghcr.io/x:${{ github.sha }} \"${{ inputs.arg }}\"";
        let s = parse(text);
        no_errors(&s);
        let c = only(&s);
        let w: Vec<(&str, bool)> = c
            .words
            .iter()
            .map(|w| (w.value.as_str(), w.literal))
            .collect();
        assert_eq!(
            w,
            [
                ("docker", true),
                ("run", true),
                ("-e", true),
                ("T=${{ secrets.T }}", false),
                ("--rm", true),
                ("ghcr.io/x:${{ github.sha }}", false),
                ("${{ inputs.arg }}", false),
            ]
        );
        assert_eq!(c.words[5].span.slice(text), "ghcr.io/x:${{ github.sha }}");
        assert_eq!(c.words[6].span.slice(text), "\"${{ inputs.arg }}\"");
    }

    #[test]
    fn github_expression_as_command_and_in_chains() {
        let s = parse(
            "echo \"${{ github.sha }}\" && ${{ matrix.cmd }} --x\nX=${{ env.A }}${{ env.B }} make",
        );
        no_errors(&s);
        assert_eq!(
            values(&s),
            vec![
                vec!["echo", "${{ github.sha }}"],
                vec!["${{ matrix.cmd }}", "--x"],
                vec!["make"]
            ]
        );
        assert_eq!(
            s.commands[2].assignments[0].value,
            "X=${{ env.A }}${{ env.B }}"
        );
        assert!(!s.commands[2].assignments[0].literal);
    }

    #[test]
    fn github_expression_in_single_quotes_and_unclosed() {
        let s = parse("echo '${{ x }}' ${{ unclosed\necho ok");
        assert_eq!(s.commands[0].words[1].value, "${{ x }}");
        assert!(!s.commands[0].words[1].literal);
        assert_eq!(s.commands.last().map(|c| c.words.len()), Some(2));
    }

    // -- errors and robustness -------------------------------------------------

    #[test]
    fn syntax_error_position() {
        let text = "echo ok\nif then fi )\necho after";
        let s = parse(text);
        assert!(!s.errors.is_empty());
        let e = &s.errors[0];
        assert!(e.message.contains("shell syntax error"), "{e:?}");
        // The error is on the second line.
        assert!(e.span.start >= 8 && e.span.start <= 20, "{e:?}");
        assert_eq!(e.span.slice(text), "if");
        assert_eq!(e.message, "shell syntax error near `if`");
        // Commands around it are still returned.
        assert_eq!(
            s.commands.first().map(|c| c.words[0].value.as_str()),
            Some("echo")
        );
        assert!(values(&s).contains(&vec!["echo", "after"]));
    }

    #[test]
    fn stray_token_error() {
        let text = "echo ok\necho )\necho after";
        let s = parse(text);
        assert_eq!(s.errors.len(), 1, "{:?}", s.errors);
        assert_eq!(s.errors[0].span.slice(text), ")");
        assert_eq!(
            values(&s),
            vec![vec!["echo", "ok"], vec!["echo"], vec!["echo", "after"]]
        );
    }

    #[test]
    fn missing_token_is_reported() {
        let s = parse("echo $(curl x");
        assert!(!s.errors.is_empty());
        assert!(s
            .errors
            .iter()
            .all(|e| e.message.contains("shell syntax error")));
        assert!(values(&s).iter().any(|c| c.first() == Some(&"curl")));
    }

    #[test]
    fn empty_and_blank_inputs() {
        for text in ["", " ", "\n\n", "# only a comment", ";", "\\"] {
            let s = parse(text);
            assert!(
                s.commands.is_empty() || text == "\\",
                "{text:?}: {:?}",
                s.commands
            );
        }
    }

    #[test]
    fn unicode_is_kept() {
        let text = "echo 'héllo wörld' \"ü$X\" a\\é ✓";
        let s = parse(text);
        no_errors(&s);
        assert_eq!(values(&s)[0], ["echo", "héllo wörld", "ü$X", "aé", "✓"]);
        for w in &s.commands[0].words {
            assert!(!w.span.slice(text).is_empty());
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        let inputs = [
            "$(",
            "`",
            "\"",
            "'",
            "${",
            "${{",
            "}}",
            "$((",
            "<<",
            "<<EOF",
            "<(",
            ">(",
            "| |",
            "&& ||",
            "if",
            "fi",
            "case",
            "esac",
            "((",
            "[[",
            "]]",
            "\\\n",
            "a=(",
            "$'\\",
            "$'\\x",
            "$'\\u",
            "$'\\c",
            "\u{0}",
            "\r",
            "é\\",
            "${{ é }}",
            "x${{ a }}\\",
            "\\${{ a }}",
            "$${{ a }}",
            "cat <<EOF | sh",
            "<<EOF | <<EOF",
            ")))",
            "}{",
            "!",
            "! !",
            "a |",
            "|& a",
            "$[",
            "f() (",
            "X=",
            "X= cmd",
        ];
        for text in inputs {
            let s = parse(text);
            for c in &s.commands {
                for w in c.words.iter().chain(&c.assignments) {
                    assert!(w.span.end as usize <= text.len());
                }
            }
        }
        // Pseudo-random bytes from an alphabet of shell metacharacters.
        let alphabet: Vec<char> = "$(){}[]\"'`\\ |&;<>a=!\n#é~*-".chars().collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..300 {
            let len = 1 + round % 97;
            let text: String = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    alphabet[(x % alphabet.len() as u64) as usize]
                })
                .collect();
            let s = parse(&text);
            for c in &s.commands {
                assert!(c.span.end as usize <= text.len());
                if let Some((i, _)) = c.nested_in {
                    assert!(i < s.commands.len());
                }
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let n = 10_000;
        let text = format!("{}x{}", "$(".repeat(n), ")".repeat(n));
        let s = parse(&text);
        assert!(!s.commands.is_empty());
        // Nested commands point at their outer command.
        assert!(s
            .commands
            .iter()
            .skip(1)
            .all(|c| c.nested_in.is_some_and(|(i, _)| i < s.commands.len())));

        for text in [
            "$(".repeat(n),
            "`".repeat(n),
            format!("echo {}x{}", "\"$(".repeat(n), ")\"".repeat(n)),
            format!("{}x{}", "(".repeat(n), ")".repeat(n)),
            format!("{}x{}", "{ ".repeat(n), "; }".repeat(n)),
            format!("{}x{}", "if a; then ".repeat(n), "; fi".repeat(n)),
            format!("{}x{}", "<(".repeat(n), ")".repeat(n)),
        ] {
            let _ = parse(&text);
        }
    }

    #[test]
    fn deep_nesting_memory_is_bounded() {
        // Every level's word repeats the inner text; the collector stops
        // (with an error) instead of going quadratic.
        let n = 20_000;
        let text = format!("{}x{}", "echo $(".repeat(n), ")".repeat(n));
        let s = parse(&text);
        let total: usize = s
            .commands
            .iter()
            .flat_map(|c| &c.words)
            .map(|w| w.value.len())
            .sum();
        assert!(total <= 16 * text.len() + (2 << 20), "total {total}");
        assert!(
            s.errors.iter().any(|e| e.message.contains("too")),
            "{:?}",
            s.errors.first()
        );
    }

    #[test]
    fn docker_run_with_many_flags() {
        let n = 50_000;
        let text = format!("docker run {}img", "--flag=x ".repeat(n));
        let s = parse(&text);
        no_errors(&s);
        let c = only(&s);
        assert_eq!(c.words.len(), n + 3);
        assert_eq!(c.words.last().map(|w| w.value.as_str()), Some("img"));
    }

    #[test]
    fn large_script() {
        let line = "docker run -v /:/host --privileged img && echo \"$(curl x | sh)\" | tee log\n";
        let text = line.repeat(5_000_000 / line.len() + 1);
        let s = parse(&text);
        no_errors(&s);
        let lines = text.len() / line.len();
        assert_eq!(s.commands.len(), lines * 5);
        assert_eq!(
            values(&s)[..5],
            [
                vec!["docker", "run", "-v", "/:/host", "--privileged", "img"],
                vec!["echo", "$(curl x | sh)"],
                vec!["curl", "x"],
                vec!["sh"],
                vec!["tee", "log"],
            ]
        );
    }
}

/// A longer randomized run over shell fragments, checking invariants.
/// `cargo test -p skillaudit-syntax --release --test shell -- --ignored`
mod shell_stress {
    use skillaudit_syntax::shell::parse;

    #[test]
    #[ignore]
    fn shell_fragment_fuzz() {
        let frags = [
            "$(",
            ")",
            "\"",
            "'",
            "`",
            "${{ x }}",
            "${{",
            "}}",
            "<<EOF\n",
            "<<'EOF'\n",
            "EOF\n",
            "|",
            "|&",
            "&&",
            "||",
            "\\\n",
            "\\",
            "if ",
            "then ",
            "fi",
            "else ",
            "docker run ",
            " ",
            " ",
            " ",
            "\n",
            "a=(",
            "$'",
            "é",
            "<(",
            ">(",
            "{",
            "}",
            ";",
            "case ",
            " in ",
            "esac",
            ";;",
            "((",
            "$((",
            "[[",
            "]]",
            "#",
            "=",
            "<<<",
            "2>&1",
            "!",
            "function f ",
            "f() ",
            "for x in ",
            "do ",
            "done",
            "${x:-",
            "$x",
            "sudo ",
            "curl -s x",
            "sh -c ",
            "X=1 ",
            "export ",
            "local ",
            "\r\n",
            "~",
            "*",
            "-v",
            "/:/host",
            "\t",
            ">",
            "<",
            "&",
            "$",
            "\\\"",
            "\\'",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..200_000 {
            let n = (rnd() % 60) as usize;
            let text: String = (0..n)
                .map(|_| frags[(rnd() % frags.len() as u64) as usize])
                .collect();
            let s = parse(&text);
            for (i, c) in s.commands.iter().enumerate() {
                assert!(
                    c.span.end as usize <= text.len() && c.span.start <= c.span.end,
                    "{text:?}"
                );
                assert!(text.get(c.span.range()).is_some(), "{text:?}");
                for w in c.words.iter().chain(&c.assignments) {
                    assert!(text.get(w.span.range()).is_some(), "{text:?}");
                    assert!(
                        w.span.start >= c.span.start && w.span.end <= c.span.end,
                        "{text:?} {c:?}"
                    );
                }
                if let Some((o, _)) = c.nested_in {
                    assert!(o < i, "{text:?}");
                }
            }
            for e in &s.errors {
                assert!(text.get(e.span.range()).is_some(), "{text:?}");
            }
            let mut seen = std::collections::HashSet::new();
            for c in &s.commands {
                if let Some(p) = c.pipeline {
                    assert!(seen.insert(p), "duplicate pipeline slot in {text:?}");
                }
            }
        }
    }
}
