use super::*;
use skillaudit_syntax::{tree::yaml, LineIndex};

fn parse(text: &str) -> Vec<Container> {
    let stream = yaml::parse(text);
    assert!(stream.error.is_none(), "{:?}", stream.error);
    containers(FileId(0), &stream, text)
        .into_iter()
        .map(|f| f.container)
        .collect()
}

/// 1-based line of an origin's span start.
fn line(text: &str, span: Span) -> u32 {
    LineIndex::new(text).line_col(text, span.start).line
}

fn image(c: &Container) -> Option<&str> {
    c.image.as_ref().map(|i| i.value.as_str())
}

const ACCEPTANCE: &str = "name: integration
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    container:
      image: node:22.11.0
      options: --cap-add SYS_ADMIN --user 1001
    services:
      db:
        image: postgres:16.4
        options: >-
          --health-cmd pg_isready
          --health-interval 10s
    steps:
      - uses: actions/checkout@v4
      - name: run the server under test
        run: |
          echo \"never use docker run --privileged in production\"
          docker run --rm \\
            -e GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }} \\
            --privileged \\
            ghcr.io/example/mcp-server:${{ github.sha }} selftest
";

#[test]
fn acceptance_case() {
    let text = ACCEPTANCE;
    let cs = parse(text);
    assert_eq!(cs.len(), 3, "{cs:#?}");

    // The job container: options read as docker flags, on line 8.
    let job = &cs[0];
    assert_eq!(
        job.source,
        ContainerSource::WorkflowJob {
            job: "test".into(),
            service: None
        }
    );
    assert_eq!(job.definition.slice(text), "container");
    assert_eq!(image(job), Some("node:22.11.0"));
    assert_eq!(job.cap_add.len(), 1);
    assert_eq!(job.cap_add[0].value, "SYS_ADMIN");
    assert_eq!(
        job.cap_add[0].origin.span.slice(text),
        "--cap-add SYS_ADMIN"
    );
    assert_eq!(line(text, job.cap_add[0].origin.span), 8);
    let user = job.user.as_ref().expect("user");
    assert_eq!(user.value, "1001");
    assert_eq!(user.origin.span.slice(text), "--user 1001");
    assert!(job.privileged.is_none());

    // The service: a folded options string, no image taken from it.
    let db = &cs[1];
    assert_eq!(
        db.source,
        ContainerSource::WorkflowJob {
            job: "test".into(),
            service: Some("db".into())
        }
    );
    assert_eq!(db.definition.slice(text), "db");
    assert_eq!(image(db), Some("postgres:16.4"));
    assert!(db.cap_add.is_empty() && db.user.is_none());

    // The run step: only the real docker run, with --privileged on line 22.
    let run = &cs[2];
    assert_eq!(
        image(run),
        Some("ghcr.io/example/mcp-server:${{ github.sha }}")
    );
    let privileged = run.privileged.expect("privileged");
    assert_eq!(privileged.span.slice(text), "--privileged");
    assert_eq!(line(text, privileged.span), 22);
    assert_eq!(run.env.len(), 1);
    assert_eq!(run.env[0].key, "GITHUB_TOKEN");
    assert_eq!(
        run.env[0].value.as_deref(),
        Some("${{ secrets.GITHUB_TOKEN }}")
    );
    assert_eq!(line(text, run.env[0].origin.span), 21);
    assert_eq!(run.definition.slice(text), "docker run");
    assert_eq!(line(text, run.definition), 20);
    assert_eq!(line(text, run.image.as_ref().unwrap().origin.span), 23);
}

#[test]
fn container_as_a_plain_image_string() {
    let text = "jobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:22\n    steps: []\n";
    let cs = parse(text);
    assert_eq!(cs.len(), 1);
    assert_eq!(image(&cs[0]), Some("node:22"));
    assert_eq!(cs[0].definition.slice(text), "container");
    assert_eq!(
        cs[0].image.as_ref().unwrap().origin.span.slice(text),
        "node:22"
    );
}

#[test]
fn empty_image_or_no_image_starts_no_container() {
    let text = "jobs:
  a:
    container: ''
    services:
      off:
        image: ''
        options: --privileged
      broken:
        options: --privileged
      weird: [1, 2]
";
    assert!(parse(text).is_empty());
}

#[test]
fn env_volumes_ports_and_credentials() {
    let text = "jobs:
  a:
    container:
      image: ghcr.io/o/i:1
      credentials:
        username: me
        password: ${{ secrets.PW }}
      env:
        NODE_ENV: production
        API_TOKEN: ${{ secrets.API_TOKEN }}
        EMPTY:
      volumes:
        - /var/run/docker.sock:/var/run/docker.sock
        - my_volume:/data:ro
        - /only/target
        - /anonymous:ro
        - ${{ github.workspace }}:/src:rw
      ports:
        - 8080:80
        - 127.0.0.1:5432:5432
        - 6379
";
    let cs = parse(text);
    assert_eq!(cs.len(), 1);
    let c = &cs[0];
    let env: Vec<(&str, Option<&str>)> = c
        .env
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_deref()))
        .collect();
    assert_eq!(
        env,
        [
            ("NODE_ENV", Some("production")),
            ("API_TOKEN", Some("${{ secrets.API_TOKEN }}")),
            ("EMPTY", Some(""))
        ]
    );
    assert_eq!(
        c.env[1].origin.span.slice(text),
        "API_TOKEN: ${{ secrets.API_TOKEN }}"
    );
    // Credentials are a registry login, not container settings.
    assert!(c
        .env
        .iter()
        .all(|e| e.key != "username" && e.key != "password"));

    assert_eq!(c.mounts.len(), 5);
    assert_eq!(c.mounts[0].kind, MountKind::Bind);
    assert_eq!(c.mounts[0].source, "/var/run/docker.sock");
    assert_eq!(
        c.mounts[0].origin.span.slice(text),
        "/var/run/docker.sock:/var/run/docker.sock"
    );
    assert_eq!(line(text, c.mounts[0].origin.span), 13);
    assert_eq!(c.mounts[1].kind, MountKind::Volume);
    assert_eq!(c.mounts[1].read_only, Some(true));
    assert_eq!(c.mounts[2].target, "/only/target");
    assert_eq!(c.mounts[2].source, "");
    assert_eq!(
        (c.mounts[3].kind, c.mounts[3].target.as_str()),
        (MountKind::Volume, "/anonymous")
    );
    assert_eq!(c.mounts[3].read_only, Some(true));
    assert_eq!(
        (c.mounts[4].kind, c.mounts[4].source.as_str()),
        (MountKind::Bind, "${{ github.workspace }}")
    );
    assert_eq!(c.mounts[4].read_only, Some(false));

    assert_eq!(c.ports.len(), 3);
    assert!(c.ports[0].on_all_interfaces());
    assert_eq!(c.ports[0].host_port.as_deref(), Some("8080"));
    assert!(!c.ports[1].on_all_interfaces());
    assert_eq!(c.ports[2].container_port, "6379");
    assert_eq!(line(text, c.ports[1].origin.span), 20);
}

#[test]
fn options_in_every_scalar_style() {
    let text = "jobs:
  a:
    services:
      plain:
        image: x
        options: --privileged
          --network host
      quoted:
        image: x
        options: \"--cap-add NET_ADMIN --security-opt seccomp=unconfined\"
      folded:
        image: x
        options: >
          --pid host
          --device /dev/fuse
      literal:
        image: x
        options: |
          --read-only
";
    let cs = parse(text);
    assert_eq!(cs.len(), 4);
    let plain = &cs[0];
    assert_eq!(plain.privileged.map(|o| line(text, o.span)), Some(6));
    assert_eq!(
        plain.namespaces[0].origin.span.slice(text),
        "--network host"
    );
    assert_eq!(line(text, plain.namespaces[0].origin.span), 7);
    let quoted = &cs[1];
    assert_eq!(
        quoted.cap_add[0].origin.span.slice(text),
        "--cap-add NET_ADMIN"
    );
    assert_eq!(quoted.security_opts[0].value, "seccomp=unconfined");
    let folded = &cs[2];
    assert_eq!(folded.namespaces[0].value, "host");
    assert_eq!(line(text, folded.namespaces[0].origin.span), 14);
    assert_eq!(
        folded.devices[0].origin.span.slice(text),
        "--device /dev/fuse"
    );
    assert_eq!(line(text, folded.devices[0].origin.span), 15);
    let literal = &cs[3];
    assert_eq!(
        literal
            .read_only
            .as_ref()
            .map(|r| (r.value, line(text, r.origin.span))),
        Some((true, 19))
    );
}

#[test]
fn options_never_provide_the_image() {
    let text = "jobs:
  a:
    container:
      image: node:22
      options: --cap-add SYS_ADMIN stray --privileged
";
    let cs = parse(text);
    assert_eq!(cs.len(), 1);
    assert_eq!(image(&cs[0]), Some("node:22"));
    assert_eq!(cs[0].cap_add.len(), 1);
    // Docker would take `stray` as the image and `--privileged` as its command.
    assert!(cs[0].privileged.is_none());
}

#[test]
fn options_go_on_past_expressions() {
    let text = "jobs:
  a:
    container:
      image: ${{ matrix.image }}
      options: ${{ matrix.options }} --user 0 ${{ env.MORE }} --privileged
";
    let cs = parse(text);
    assert_eq!(cs.len(), 1);
    assert_eq!(image(&cs[0]), Some("${{ matrix.image }}"));
    assert_eq!(cs[0].user.as_ref().map(|u| u.value.as_str()), Some("0"));
    assert!(cs[0].privileged.is_some());
    // An expression as a flag's value is just the value.
    let text =
            "jobs:\n  a:\n    container:\n      image: x\n      options: --user ${{ matrix.uid }} --privileged\n";
    let cs = parse(text);
    assert_eq!(
        cs[0].user.as_ref().map(|u| u.value.as_str()),
        Some("${{ matrix.uid }}")
    );
    assert!(cs[0].privileged.is_some());
}

#[test]
fn runner_argument_splitting() {
    let words = |s: &str| {
        runner_arguments(s)
            .into_iter()
            .map(|(w, _)| w)
            .collect::<Vec<_>>()
    };
    assert_eq!(words("  --a  b\t\"c d\" "), ["--a", "b", "c d"]);
    assert_eq!(
        words("--health-cmd \"pg_isready -U postgres\""),
        ["--health-cmd", "pg_isready -U postgres"]
    );
    assert_eq!(words("--x='a b'"), ["--x='a", "b'"]);
    assert_eq!(
        words(r#"a\"b c\\d "e""f" g\\\"h"#),
        ["a\"b", "c\\\\d", "e\"f", "g\\\"h"]
    );
    assert_eq!(
        words("-e X=${{ matrix.a && 'b c' }} y"),
        ["-e", "X=${{ matrix.a && 'b c' }}", "y"]
    );
    // GitHub reads the first `${{` up to the next `}}`.
    assert_eq!(
        words("${{ nested -v a ${{ b }} c"),
        ["${{ nested -v a ${{ b }}", "c"]
    );
    assert_eq!(words("-v a ${{ b"), ["-v", "a", "${{", "b"]);
    // Line breaks separate words (see the module docs), except in quotes.
    assert_eq!(words("a\nb\r\n c \"d\ne\""), ["a", "b", "c", "d\ne"]);
    let spans: Vec<Span> = runner_arguments("ab \"c d\"")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(spans, [Span::new(0, 2), Span::new(3, 8)]);
    for s in ["", "\"", "\\", "\\\"", "${{", "}}", "é\"é", "\"\"\"\"\""] {
        let _ = runner_arguments(s);
    }
}

#[test]
fn shells_that_are_not_posix_are_skipped() {
    let text = "defaults:
  run:
    shell: bash
jobs:
  linux:
    runs-on: ubuntu-latest
    steps:
      - run: docker run --privileged a
      - shell: pwsh
        run: docker run --privileged b
      - shell: python
        run: docker run --privileged c
      - shell: cmd
        run: docker run --privileged d
      - shell: bash -eo pipefail {0}
        run: docker run --privileged e
  win:
    runs-on: [self-hosted, Windows]
    steps:
      - run: docker run --privileged f
  win-bash:
    runs-on: windows-latest
    defaults:
      run:
        shell: powershell
    steps:
      - run: docker run --privileged g
      - shell: bash
        run: docker run --privileged h
";
    let cs = parse(text);
    let images: Vec<&str> = cs.iter().filter_map(image).collect();
    // `f` runs on Windows but the workflow-level default is bash.
    assert_eq!(images, ["a", "e", "f", "h"]);
    assert!(is_shell_script(None, false));
    assert!(!is_shell_script(None, true));
    assert!(is_shell_script(Some("/usr/bin/bash --noprofile {0}"), true));
    assert!(is_shell_script(
        Some("nix develop --command bash -e {0}"),
        false
    ));
    assert!(is_shell_script(Some("${{ matrix.shell }}"), false));
    assert!(!is_shell_script(Some("perl {0}"), false));
    assert!(!is_shell_script(Some("pwsh"), false));
    assert!(!is_shell_script(
        Some("powershell -command \". '{0}'\""),
        false
    ));
    let text =
            "jobs:\n  w:\n    runs-on: {group: g, labels: windows-2022}\n    steps:\n      - run: docker run x\n";
    assert!(parse(text).is_empty());
}

#[test]
fn echoed_and_commented_commands_are_not_containers() {
    let text = "jobs:
  a:
    steps:
      - run: |
          # docker run --privileged commented
          echo docker run --privileged echoed
          printf '%s' \"docker run -v /:/host quoted\"
          cat <<EOF
          docker run --privileged heredoc
          EOF
      - name: docker run --privileged in a name
        run: make test
";
    assert!(parse(text).is_empty());
}

#[test]
fn every_run_style_maps_to_the_right_line() {
    let text = "jobs:
  a:
    steps:
      - run: docker run --privileged one
      - run: >-
          docker run
          --pid=host two
      - run: \"docker run -v /:/host three\"
      - run: 'sudo docker run --cap-add=ALL four'
      - run: |
          if true; then
            docker run \\
              --net host \\
              five
          fi
          X=$(docker run --rm -u root six)
";
    let cs = parse(text);
    let images: Vec<&str> = cs.iter().filter_map(image).collect();
    assert_eq!(images, ["one", "two", "three", "four", "five", "six"]);
    assert_eq!(
        cs[0]
            .privileged
            .map(|o| (o.span.slice(text), line(text, o.span))),
        Some(("--privileged", 4))
    );
    let pid = &cs[1].namespaces[0];
    assert_eq!(
        (pid.origin.span.slice(text), line(text, pid.origin.span)),
        ("--pid=host", 7)
    );
    assert_eq!(cs[2].mounts[0].origin.span.slice(text), "-v /:/host");
    assert_eq!(cs[3].cap_add[0].origin.span.slice(text), "--cap-add=ALL");
    let net = &cs[4].namespaces[0];
    assert_eq!(
        (net.origin.span.slice(text), line(text, net.origin.span)),
        ("--net host", 13)
    );
    assert_eq!(line(text, cs[4].image.as_ref().unwrap().origin.span), 14);
    let user = cs[5].user.as_ref().unwrap();
    assert_eq!(
        (user.origin.span.slice(text), line(text, user.origin.span)),
        ("-u root", 16)
    );
}

#[test]
fn crlf_workflows() {
    let text = ACCEPTANCE.replace('\n', "\r\n");
    let cs = parse(&text);
    assert_eq!(cs.len(), 3);
    let privileged = cs[2].privileged.expect("privileged");
    assert_eq!(privileged.span.slice(&text), "--privileged");
    assert_eq!(line(&text, privileged.span), 22);
    assert_eq!(line(&text, cs[0].cap_add[0].origin.span), 8);
}

#[test]
fn values_through_anchors_are_reported_where_used() {
    let text = "x-opts: &opts --privileged --user 0
x-script: &script |
  docker run \\
    --cap-add SYS_ADMIN img
jobs:
  a:
    container:
      image: node:22
      options: *opts
    steps:
      - run: *script
";
    let cs = parse(text);
    assert_eq!(cs.len(), 2);
    let p = cs[0].privileged.expect("privileged");
    assert_eq!(p.span.slice(text), "*opts");
    assert_eq!(p.anchor.map(|a| a.slice(text)), Some("--privileged"));
    assert_eq!(cs[0].definition.slice(text), "container");
    let cap = &cs[1].cap_add[0];
    assert_eq!(cap.origin.span.slice(text), "*script");
    assert_eq!(
        cap.origin.anchor.map(|a| a.slice(text)),
        Some("--cap-add SYS_ADMIN")
    );
    assert_eq!(cs[1].definition.slice(text), "*script");
    // The command line's words move with the container's values.
    let stream = yaml::parse(text);
    let found = containers(FileId(0), &stream, text);
    let cl = found[1].command_line.as_ref().expect("a command line");
    assert_eq!(cl.run_word.span.slice(text), "*script");
    assert_eq!(cl.run_word.anchor.map(|a| a.slice(text)), Some("run"));
    assert!(found[0].command_line.is_none(), "job options are not one");
}

#[test]
fn merge_keys_and_odd_shapes() {
    let text = "x-svc: &svc
  image: redis:7
  options: --privileged
jobs:
  a:
    services:
      cache:
        <<: *svc
        ports: ['6379:6379']
      nothing: ~
    steps:
      - run: [docker, run, x]
      - run: ~
      - run: 42
  b: just a string
  c:
    steps: not-a-list
";
    let cs = parse(text);
    assert_eq!(cs.len(), 1);
    assert_eq!(image(&cs[0]), Some("redis:7"));
    let p = cs[0].privileged.expect("privileged");
    assert_eq!(p.span.slice(text), "*svc");
    assert_eq!(cs[0].ports.len(), 1);
}

#[test]
fn not_a_workflow_or_broken_yaml() {
    for text in [
        "",
        "jobs:",
        "jobs: []",
        "- a\n- b",
        "on: push\n",
        "jobs:\n  a: [1]\n",
    ] {
        let stream = yaml::parse(text);
        assert!(containers(FileId(0), &stream, text).is_empty(), "{text:?}");
    }
    let text = "jobs:\n  a:\n    steps:\n      - run: docker run --privileged x\n  b: [unclosed\n";
    let stream = yaml::parse(text);
    let _ = containers(FileId(0), &stream, text);
}

#[test]
fn docker_builds_in_run_steps() {
    let text = "x-build: &build docker build -t aliased .
jobs:
  a:
    steps:
      - run: |
          echo \"docker build -t echoed .\"
          docker build \\
            -t ghcr.io/o/mcp:dev -f docker/Dockerfile .
      - shell: pwsh
        run: docker build -t windows .
      - run: *build
";
    let stream = yaml::parse(text);
    let bs = builds(&stream, text);
    assert_eq!(bs.len(), 2, "{bs:?}");
    assert_eq!(bs[0].tags, ["ghcr.io/o/mcp:dev"]);
    assert_eq!(bs[0].dockerfile.as_deref(), Some("docker/Dockerfile"));
    assert_eq!(line(text, bs[0].origin.span), 7);
    assert!(bs[0]
        .origin
        .span
        .slice(text)
        .ends_with("docker/Dockerfile ."));
    assert_eq!(bs[1].tags, ["aliased"]);
    assert_eq!(bs[1].origin.span.slice(text), "*build");
}

#[test]
fn many_steps_stay_fast() {
    let mut text = String::from("jobs:\n  a:\n    container:\n      image: x\n      options: ");
    for _ in 0..5_000 {
        text.push_str("${{ a }} ");
    }
    text.push_str("\n    steps:\n");
    for i in 0..2_000 {
        text.push_str(&format!(
            "      - run: |\n          docker run --rm \\\n            -v /:/h{i} img{i}\n"
        ));
    }
    let start = std::time::Instant::now();
    let cs = parse(&text);
    assert_eq!(cs.len(), 2_001);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}
