use super::*;
use crate::container::Container;
use skillaudit_syntax::{LineIndex, Span};

fn line(text: &str, span: Span) -> u32 {
    LineIndex::new(text).line_col(text, span.start).line
}

fn make(text: &str) -> Vec<Container> {
    models(containers_in(FileId(0), text, Dialect::Make))
}

fn just(text: &str) -> Vec<Container> {
    models(containers_in(FileId(0), text, Dialect::Just))
}

/// The containers found, without their command lines.
fn models(found: Vec<Found>) -> Vec<Container> {
    found.into_iter().map(|f| f.container).collect()
}

fn images(cs: &[Container]) -> Vec<&str> {
    cs.iter()
        .map(|c| c.image.as_ref().map_or("", |i| i.value.as_str()))
        .collect()
}

const MAKEFILE: &str = "IMAGE ?= ghcr.io/example/mcp:1.2
RUN_CMD = docker run --privileged not-a-recipe
.PHONY: build run

# docker run --privileged in a comment
build:
\tdocker build -t $(IMAGE) .

run: build
\t@echo \"docker run --privileged echoed\"
\tdocker run --rm -v $(PWD):/work --privileged $(IMAGE)

debug:
\t-@docker run --rm \\
\t  --cap-add SYS_ADMIN \\
\t  -e TOKEN=$${API_TOKEN} \\
\t  $(IMAGE) sh
";

#[test]
fn makefile_run_target() {
    let text = MAKEFILE;
    let cs = make(text);
    assert_eq!(images(&cs), ["$(IMAGE)", "$(IMAGE)"]);
    let run = &cs[0];
    let privileged = run.privileged.expect("privileged");
    assert_eq!(privileged.span.slice(text), "--privileged");
    assert_eq!(line(text, privileged.span), 11);
    assert_eq!(run.mounts.len(), 1);
    assert_eq!(run.mounts[0].source, "$(PWD)");
    assert_eq!(run.mounts[0].kind, MountKind::Bind);
    assert_eq!(run.mounts[0].origin.span.slice(text), "-v $(PWD):/work");
    assert_eq!(run.definition.slice(text), "docker run");
    assert_eq!(
        run.image.as_ref().unwrap().origin.span.slice(text),
        "$(IMAGE)"
    );

    // Continuation lines, prefixes, `$$`.
    let debug = &cs[1];
    assert_eq!(debug.definition.slice(text), "docker run");
    assert_eq!(line(text, debug.definition), 14);
    assert_eq!(
        debug.cap_add[0].origin.span.slice(text),
        "--cap-add SYS_ADMIN"
    );
    assert_eq!(line(text, debug.cap_add[0].origin.span), 15);
    assert_eq!(debug.env[0].value.as_deref(), Some("${API_TOKEN}"));
    assert_eq!(
        debug.env[0].origin.span.slice(text),
        "-e TOKEN=$${API_TOKEN}"
    );
    assert_eq!(line(text, debug.env[0].origin.span), 16);
    assert_eq!(line(text, debug.image.as_ref().unwrap().origin.span), 17);
}

#[test]
fn makefile_with_crlf_line_ends() {
    let text = MAKEFILE.replace('\n', "\r\n");
    let cs = make(&text);
    assert_eq!(cs.len(), 2);
    let privileged = cs[0].privileged.expect("privileged");
    assert_eq!(privileged.span.slice(&text), "--privileged");
    assert_eq!(line(&text, privileged.span), 11);
    assert_eq!(line(&text, cs[1].cap_add[0].origin.span), 15);
}

#[test]
fn engine_variables_and_make_functions() {
    let text = "DOCKER ?= docker
ENGINE := podman
ENGINE_OVERRIDDEN = docker
ENGINE_OVERRIDDEN = true
export SUDO_DOCKER = sudo /usr/bin/docker # comment
RUNNER != which docker
up:
\t$(DOCKER) run --net=host --label=$(if $(DEBUG),a b,c) $(IMAGE)
\t${ENGINE} run -v $(shell pwd):/src --pid host img2
\t$(ENGINE_OVERRIDDEN) run --privileged no
\t$(SUDO_DOCKER) run -u 0 img3
\t$(RUNNER) run --privileged unknown
\t$@ $< $^ docker run --rm img4
";
    let cs = make(text);
    assert_eq!(images(&cs), ["$(IMAGE)", "img2", "img3"]);
    assert_eq!(cs[0].definition.slice(text), "$(DOCKER) run");
    assert_eq!(cs[0].namespaces[0].origin.span.slice(text), "--net=host");
    assert_eq!(cs[1].mounts[0].source, "$(shell pwd)");
    assert_eq!(
        cs[1].mounts[0].origin.span.slice(text),
        "-v $(shell pwd):/src"
    );
    assert_eq!(line(text, cs[1].namespaces[0].origin.span), 9);
    assert_eq!(cs[2].user.as_ref().map(|u| u.value.as_str()), Some("0"));
    assert!(is_engine_command("docker"));
    assert!(is_engine_command("/usr/local/bin/podman"));
    assert!(!is_engine_command("$(shell which docker)"));
    assert!(!is_engine_command("docker run --privileged x y z"));
    assert!(!is_engine_command(""));
}

#[test]
fn make_structure_is_respected() {
    let text = "define RUN_IT
\tdocker run --privileged in-define
endef

VAR = x
\tdocker run --privileged not-in-a-rule

inline: ; docker run --cap-add ALL inline
multi \\
  target: dep
ifeq ($(CI),true)
\tdocker run --privileged in-conditional
else
\tdocker run --pid host other-branch
endif
STOP := here
\tdocker run --privileged after-assignment
%.o: %.c
\t+docker run -v $<:/src compile
  docker run --privileged space-indented
";
    let cs = make(text);
    assert_eq!(
        images(&cs),
        ["inline", "in-conditional", "other-branch", "compile"]
    );
    assert_eq!(cs[0].cap_add[0].origin.span.slice(text), "--cap-add ALL");
    assert_eq!(line(text, cs[0].cap_add[0].origin.span), 8);
    assert_eq!(cs[3].mounts[0].source, "$<");
}

#[test]
fn make_line_classification() {
    let classify = |s: &str| {
        let lines = physical_lines(s);
        classify_make(s, &lines)
    };
    assert_eq!(classify("a: b"), MakeLine::Rule(None));
    assert_eq!(classify("a:: b"), MakeLine::Rule(None));
    assert_eq!(classify("$(OBJS): %.o: %.c"), MakeLine::Rule(None));
    assert_eq!(classify("a: ; cmd"), MakeLine::Rule(Some((0, 4))));
    assert_eq!(classify("a: X = 1"), MakeLine::Rule(None));
    assert_eq!(classify("# a: b"), MakeLine::Neutral);
    assert_eq!(classify("ifdef X"), MakeLine::Neutral);
    assert_eq!(classify("include x.mk"), MakeLine::Other);
    assert_eq!(classify("$(eval $(call x))"), MakeLine::Other);
    let assignment = |name: &str, op: &str, value: &str| MakeLine::Assignment {
        name: name.into(),
        op: op.into(),
        value: value.into(),
    };
    assert_eq!(classify("A = b:c"), assignment("A", "=", "b:c"));
    assert_eq!(classify("A := b"), assignment("A", ":=", "b"));
    assert_eq!(classify("A ::= b"), assignment("A", "::=", "b"));
    assert_eq!(classify("A ?= b # c"), assignment("A", "?=", "b"));
    assert_eq!(classify("A+=b"), assignment("A", "+=", "b"));
    assert_eq!(classify("export A = \\\n  b"), assignment("A", "=", "b"));
    assert_eq!(classify("$(X)_IMG = y"), assignment("$(X)_IMG", "=", "y"));
}

const JUSTFILE: &str = "image := \"ghcr.io/example/mcp:1.2\"
cmd := \"docker run --privileged assignment\"
set dotenv-load

# run the server
[group('dev')]
run tag='latest':
    @echo \"docker run --privileged echoed\"
    docker run --rm -i \\
        --cap-add SYS_ADMIN \\
        -v {{ invocation_directory() }}:/work \\
        {{image}}:{{ tag }}

@quiet:
    -@docker run --privileged -e TOKEN={{ token }} quiet-img

script:
    #!/usr/bin/env bash
    set -euo pipefail

    docker run --pid=host script-img

python:
    #!/usr/bin/env python3
    import os; os.system(\"docker run --privileged py\")
";

#[test]
fn justfile_recipes() {
    let text = JUSTFILE;
    let cs = just(text);
    assert_eq!(
        images(&cs),
        ["{{image}}:{{ tag }}", "quiet-img", "script-img"]
    );
    let run = &cs[0];
    assert_eq!(run.definition.slice(text), "docker run");
    assert_eq!(line(text, run.definition), 9);
    assert_eq!(
        run.cap_add[0].origin.span.slice(text),
        "--cap-add SYS_ADMIN"
    );
    assert_eq!(line(text, run.cap_add[0].origin.span), 10);
    assert_eq!(run.mounts[0].source, "{{ invocation_directory() }}");
    assert_eq!(run.mounts[0].kind, MountKind::Bind);
    assert_eq!(
        run.mounts[0].origin.span.slice(text),
        "-v {{ invocation_directory() }}:/work"
    );
    assert_eq!(line(text, run.mounts[0].origin.span), 11);
    assert_eq!(
        run.image.as_ref().unwrap().origin.span.slice(text),
        "{{image}}:{{ tag }}"
    );
    assert_eq!(line(text, run.image.as_ref().unwrap().origin.span), 12);

    let quiet = &cs[1];
    assert_eq!(
        quiet.privileged.map(|p| p.span.slice(text)),
        Some("--privileged")
    );
    assert_eq!(quiet.env[0].value.as_deref(), Some("{{ token }}"));
    assert_eq!(quiet.definition.slice(text), "docker run");

    let script = &cs[2];
    assert_eq!(script.namespaces[0].origin.span.slice(text), "--pid=host");
    assert_eq!(line(text, script.namespaces[0].origin.span), 21);
}

#[test]
fn just_settings_and_attributes() {
    let text = "[script('python3')]
py:
    docker run --privileged py

[script]
sh:
    docker run --privileged \\
      sh-img

[private, script(\"bash\", \"-e\")]
bash:
    docker run --privileged bash-img
";
    assert_eq!(images(&just(text)), ["sh-img", "bash-img"]);
    let text = "recipe:\n    docker run --privileged x\n\nset shell := [\"pwsh\", \"-c\"]\n";
    assert!(just(text).is_empty());
    let text = "set shell := ['bash', '-uc']\nrecipe:\n\tdocker run --privileged x\n";
    assert_eq!(images(&just(text)), ["x"]);
    let text = "set script-interpreter := ['python3']\n[script]\nr:\n  docker run x\n";
    assert!(just(text).is_empty());
}

#[test]
fn just_continuations_join_without_the_break() {
    // just drops the backslash and the next line's indentation.
    let text = "r:\n    docker run --rm --privileged\\\n        img\n";
    let cs = just(text);
    assert_eq!(images(&cs), [""]);
    let text = "r:\n    docker run --rm \\\n        img {{{{literal}}}}\n";
    let cs = just(text);
    assert_eq!(images(&cs), ["img"]);
    assert_eq!(cs[0].image.as_ref().unwrap().origin.span.slice(text), "img");
    assert_eq!(line(text, cs[0].image.as_ref().unwrap().origin.span), 3);
}

#[test]
fn just_headers() {
    assert!(is_just_recipe_header("run:"));
    assert!(is_just_recipe_header("@run tag='x:y': build"));
    assert!(is_just_recipe_header("_private *args:"));
    assert!(is_just_recipe_header("set:"));
    assert!(!is_just_recipe_header("image := \"a:b\""));
    assert!(!is_just_recipe_header("export X := \"a:b\""));
    assert!(!is_just_recipe_header("alias r := run"));
    assert!(!is_just_recipe_header("mod foo"));
    assert!(!is_just_recipe_header("[group('x')]"));
    assert!(!is_just_recipe_header("9lives:"));
    assert_eq!(script_attribute("[script]"), Some(None));
    assert_eq!(
        script_attribute("[no-cd, script('node')]"),
        Some(Some("node".into()))
    );
    assert_eq!(script_attribute("[no-exit-message]"), None);
    assert_eq!(script_attribute("[description('a script')]"), None);
    assert!(posix_interpreter("/usr/bin/env -S bash -e"));
    assert!(posix_interpreter("/bin/sh"));
    assert!(!posix_interpreter("/usr/bin/env python3"));
    assert!(!posix_interpreter(""));
}

#[test]
fn dialect_from_name_and_content() {
    assert_eq!(Dialect::from_file_name("Makefile"), Some(Dialect::Make));
    assert_eq!(
        Dialect::from_file_name("sub/GNUmakefile"),
        Some(Dialect::Make)
    );
    assert_eq!(Dialect::from_file_name("docker.mk"), Some(Dialect::Make));
    assert_eq!(Dialect::from_file_name("Justfile"), Some(Dialect::Just));
    assert_eq!(Dialect::from_file_name(".justfile"), Some(Dialect::Just));
    assert_eq!(Dialect::from_file_name("README.md"), None);
    assert_eq!(Dialect::sniff(MAKEFILE), Dialect::Make);
    assert_eq!(Dialect::sniff(JUSTFILE), Dialect::Just);
    assert_eq!(Dialect::sniff("run:\n\tdocker run x\n"), Dialect::Make);
    assert_eq!(Dialect::sniff("run:\n  docker run x\n"), Dialect::Just);
    // Through the sniffing entry point.
    assert_eq!(images(&models(containers(FileId(0), MAKEFILE))).len(), 2);
    assert_eq!(images(&models(containers(FileId(0), JUSTFILE))).len(), 3);
}

#[test]
fn masked_references_inside_quotes_are_restored() {
    let text = "r:\n\tdocker run -e 'A=$(X) $(Y)' -e \"B=${Z}\" -v \"$(CURDIR)\":/w img\n";
    let cs = make(text);
    let env: Vec<&str> = cs[0]
        .env
        .iter()
        .filter_map(|e| e.value.as_deref())
        .collect();
    assert_eq!(env, ["$(X) $(Y)", "${Z}"]);
    assert_eq!(cs[0].mounts[0].source, "$(CURDIR)");
}

#[test]
fn docker_builds_in_recipes() {
    let bs = builds_in(MAKEFILE, Dialect::Make);
    assert_eq!(bs.len(), 1);
    assert_eq!(bs[0].tags, ["$(IMAGE)"]);
    assert_eq!(bs[0].context, ".");
    assert_eq!(
        bs[0].origin.span.slice(MAKEFILE),
        "docker build -t $(IMAGE) ."
    );
    let text = "b:\n    docker build \\\n      -t {{ image }} .\n";
    let bs = builds(text);
    assert_eq!(bs.len(), 1);
    assert_eq!(bs[0].tags, ["{{ image }}"]);
    assert_eq!(line(text, bs[0].origin.span), 2);
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "",
        "\n",
        "\t",
        "\\",
        "a:\n\t\\",
        "a:\n\t$",
        "a:\n\t$(",
        "a:\n\t${{",
        "a:\n\tdocker run $(",
        "a: ;",
        "a: ; docker run \\",
        "define\n",
        "endef\n",
        "a:\n\t@-+",
        "é:\n\tdocker run é",
        "a:\r\n\tdocker run x\\\r\n",
        "r:\n  docker run {{",
        "r:\n  docker run {{{{",
        "r:\n  #!",
        "[script(",
        "[script('",
        "set shell := [",
        "r:\n  -@",
        "r:\n  @-docker run x\\",
        "$(",
        "=",
        ":=",
        "a = $(",
        "export",
        "export define",
        "\u{feff}a:\n\tdocker run x",
        "a:\n\tdocker run -v $(a $(b $(c):/x img",
    ];
    for input in inputs {
        for dialect in [Dialect::Make, Dialect::Just] {
            for c in containers_in(FileId(0), input, dialect) {
                let _ = c.container.definition.slice(input);
            }
        }
        let _ = Dialect::sniff(input);
    }
}

#[test]
fn linear_on_large_files() {
    let mut text = String::from("DOCKER ?= docker\n");
    for i in 0..3_000 {
        text.push_str(&format!(
            "t{i}:\n\t$(DOCKER) run --rm \\\n\t  -v $(PWD):/w img{i}\n\techo $$HOME $(X)\n\n"
        ));
    }
    text.push_str("x:\n\t");
    text.push_str(&"$(".repeat(20_000));
    text.push_str("q:\n\tdocker run -e \"A=");
    text.push_str(&"$(A)".repeat(50_000));
    text.push_str("\" img\n");
    text.push_str("\ndefine BIG\n");
    text.push_str(&"continued \\\n".repeat(50_000));
    text.push_str("endef\nr:\n  ");
    text.push_str(&"{{".repeat(20_000));
    text.push('\n');
    let start = std::time::Instant::now();
    assert_eq!(make(&text).len(), 3_001);
    let _ = just(&text);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}
