//! GitHub Actions workflow → Containers: `jobs.*.container`,
//! `jobs.*.services.*` (image, `options` docker flags, volumes, ports, env)
//! and every `docker run` in `run:` steps, with spans mapped through block
//! scalars so that a finding lands on the line where the flag is written.
//!
//! # How the runner reads these keys
//!
//! * `container:` / `services.<id>:` is an image string or a mapping with
//!   `image`, `options`, `env`, `volumes`, `ports`, `credentials`. An empty
//!   image means no container (the runner skips it; a matrix uses this to
//!   run some jobs on the bare runner), so nothing is produced for it;
//!   neither for a mapping without `image`, which GitHub rejects. `env`
//!   values pass through as written (`${{ secrets.X }}` is for the secret
//!   detector to recognise); `volumes` are read as the runner reads them
//!   (`src:dst[:ro]`, `dst:ro`, or a bare target); `ports` are `-p` values.
//! * `options` is spliced into the runner's `docker create` command line,
//!   which the runner hands to .NET's process API as one argument string —
//!   no shell is involved. It is split here the way .NET splits it: words
//!   are separated by spaces and tabs, double quotes group, a backslash
//!   escapes only a double quote; single quotes, `$` and `#` are ordinary
//!   characters. `${{ … }}` expressions (evaluated by GitHub before the
//!   runner sees the string) stay whole inside a word. One leniency: .NET
//!   would keep a line break inside a word, but multi-line `options: |`
//!   (and the trailing break of `options: >`) are common and plainly mean
//!   one flag per line, so line breaks separate words here too.
//! * The flags are read by [`docker_cli::container`], like every docker
//!   command line. `options` holds no image, so the image it would report
//!   is not one: a stray word there is where docker's own flags would end
//!   (the runner appends the real image after `options`, so docker would
//!   take the stray word as the image and the remaining words as the
//!   command), and the flags after it are not read — except after a word
//!   that starts with an expression, which may well expand to more flags.
//!   The image always comes from `image:`.
//! * `credentials` is a registry login; it does not change how the
//!   container runs and is ignored.
//! * `run:` steps are shell scripts unless their shell says otherwise:
//!   `shell:` on the step, else `defaults.run.shell` of the job, else of
//!   the workflow, else the runner's default (bash, or PowerShell on a
//!   Windows runner). Scripts for PowerShell, cmd, Python or any other
//!   interpreter are skipped. Everything else goes through the shell parser
//!   and [`shell_script::containers`], so an `echo "docker run …"` is an
//!   echo, not a container.
//!
//! Values reached through a YAML alias or merge key are reported where they
//! are used, with the anchor's text as the related location — also for
//! words inside an aliased `run:` script or `options:` string.
//!
//! [`builds`] gives the `docker build -t` commands of the same `run:` steps
//! and the `docker/build-push-action` steps, for linking `docker run TAG` to
//! the Dockerfile (and stage) that builds it.

use skillaudit_syntax::shell::{self, Script};
use skillaudit_syntax::source::find;
use skillaudit_syntax::tree::yaml::embedded::scalar_map;
use skillaudit_syntax::tree::{NodeRef, Stream};
use skillaudit_syntax::{OffsetMap, Span};

use crate::container::BuildCommand;
use crate::container::{Container, ContainerSource, EnvEntry, Mount, MountKind, PortMapping};
use crate::file::FileId;
use crate::normalise::nodes::{self, entry_origin, item_origin, origin};
use crate::normalise::shell_script;
use crate::normalise::{build_action, docker_cli, runtime};
use crate::{Origin, Spanned};

/// How many times the reading of `options` goes on past a word that starts
/// with an expression. Keeps a crafted string from making it quadratic.
const MAX_OPTION_RESUMES: usize = 64;

/// Shells whose scripts the shell parser reads (by program name).
const POSIX_SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"];

/// Every container of a workflow: job containers, service containers and
/// the `docker run`s of `run:` steps, in source order per job.
pub fn containers(file: FileId, stream: &Stream, text: &str) -> Vec<Container> {
    let mut out = Vec::new();
    for (job_id, job, runs) in jobs(stream) {
        if let Some((k, spec)) = job.get("container") {
            let source = ContainerSource::WorkflowJob {
                job: job_id.to_string(),
                service: None,
            };
            out.extend(job_container(file, text, source, k.report_span(), spec));
        }
        if let Some(services) = job.value("services") {
            for (k, spec) in services.entries() {
                let Some(name) = k.as_str() else { continue };
                let source = ContainerSource::WorkflowJob {
                    job: job_id.to_string(),
                    service: Some(name.to_string()),
                };
                out.extend(job_container(file, text, source, k.report_span(), spec));
            }
        }
        for run in runs {
            out.extend(run_step(file, text, run));
        }
    }
    out
}

/// Every `docker build -t TAG` of the workflow's `run:` steps and every
/// `docker/build-push-action` step ([`build_action`]), so that a `docker
/// run TAG` (here or elsewhere) links to the Dockerfile and stage it builds.
pub fn builds(stream: &Stream, text: &str) -> Vec<BuildCommand> {
    let mut out = build_action::builds(stream);
    for (_, _, runs) in jobs(stream) {
        for run in runs {
            let Some((script, map)) = parse_run(text, run) else {
                continue;
            };
            for mut b in shell_script::builds(&script, &|s| map.span(s)) {
                if let Some(via) = run.via {
                    b.origin = Origin {
                        span: via,
                        anchor: Some(b.origin.anchor.unwrap_or(b.origin.span)),
                    };
                }
                out.push(b);
            }
        }
    }
    out
}

/// The jobs of a workflow: id, definition, and the `run:` values of its
/// steps that are shell scripts (see [`is_shell_script`]).
fn jobs(stream: &Stream) -> Vec<(&str, NodeRef<'_>, Vec<NodeRef<'_>>)> {
    let mut out = Vec::new();
    let Some(root) = stream.documents.first().and_then(|d| d.root()) else {
        return out;
    };
    let Some(jobs) = root.value("jobs") else {
        return out;
    };
    let workflow_shell = default_shell(root);
    for (key, job) in jobs.entries() {
        let Some(job_id) = key.as_str() else { continue };
        if !job.is_mapping() {
            continue;
        }
        let job_shell = default_shell(job).or(workflow_shell.clone());
        let windows = runs_on_windows(job);
        let mut runs = Vec::new();
        for step in job.value("steps").map(|s| s.items()).unwrap_or_default() {
            let Some(run) = step.value("run") else {
                continue;
            };
            let shell = step
                .value("shell")
                .and_then(nodes::text)
                .or_else(|| job_shell.clone());
            if is_shell_script(shell.as_deref(), windows) {
                runs.push(run);
            }
        }
        out.push((job_id, job, runs));
    }
    out
}

/// `defaults.run.shell` of a workflow or job.
fn default_shell(n: NodeRef<'_>) -> Option<String> {
    n.value("defaults")?
        .value("run")?
        .value("shell")
        .and_then(nodes::text)
}

/// Does the job run on a Windows runner (whose default shell is PowerShell)?
/// `runs-on` is a label, a list of labels, or `{group, labels}`.
fn runs_on_windows(job: NodeRef<'_>) -> bool {
    let Some(runs_on) = job.value("runs-on") else {
        return false;
    };
    let labels = if runs_on.is_mapping() {
        runs_on.value("labels")
    } else {
        Some(runs_on)
    };
    let Some(labels) = labels else { return false };
    let mut all: Vec<String> = labels.items().into_iter().filter_map(nodes::text).collect();
    all.extend(nodes::text(labels));
    all.iter()
        .any(|l| l.trim().to_ascii_lowercase().starts_with("windows"))
}

/// Is a `run:` step with this `shell:` a POSIX shell script? Named shells
/// (`bash`, `sh`, a custom `bash -eo pipefail {0}`, `nix develop -c bash
/// {0}`) are; `pwsh`, `powershell`, `cmd`, `python` and other interpreters
/// are not. Without a shell, the runner's default decides. A shell given by
/// an expression is unknown; the Linux default is assumed.
fn is_shell_script(shell: Option<&str>, windows: bool) -> bool {
    let Some(shell) = shell.map(str::trim).filter(|s| !s.is_empty()) else {
        return !windows;
    };
    if shell.starts_with("${{") {
        return true;
    }
    shell.split_whitespace().any(|word| {
        let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
        let name = name.strip_suffix(".exe").unwrap_or(name);
        POSIX_SHELLS.contains(&name) || name.ends_with("-bash")
    })
}

/// A job container or service container from its spec: an image string or
/// a mapping. `None` when it names no image (no container is started).
fn job_container(
    file: FileId,
    text: &str,
    source: ContainerSource,
    definition: Span,
    spec: NodeRef<'_>,
) -> Option<Container> {
    if !spec.is_mapping() {
        let image = nodes::text(spec).filter(|i| !i.trim().is_empty())?;
        let mut c = Container::new(file, source, definition);
        c.image = Some(Spanned::new(image, origin(spec)));
        return Some(c);
    }
    let image_node = spec.value("image")?;
    let image = nodes::text(image_node).filter(|i| !i.trim().is_empty())?;
    let mut c = match spec.value("options") {
        Some(options) => options_container(file, text, source, definition, options),
        None => Container::new(file, source, definition),
    };
    c.image = Some(Spanned::new(image, origin(image_node)));
    if let Some(env) = spec.value("env") {
        for (k, v) in env.entries() {
            let Some(key) = k.as_str() else { continue };
            if v.is_mapping() || v.is_sequence() {
                continue;
            }
            // `KEY:` with nothing after it is an empty value for GitHub.
            let value = nodes::text(v).unwrap_or_default();
            c.env.push(EnvEntry {
                key: key.to_string(),
                value: Some(value),
                origin: entry_origin(k, v),
            });
        }
    }
    if let Some(volumes) = spec.value("volumes") {
        for item in volumes.items() {
            let Some(spec) = nodes::text(item) else {
                continue;
            };
            c.mounts
                .push(workflow_volume(&spec, item_origin(volumes, item)));
        }
    }
    if let Some(ports) = spec.value("ports") {
        for item in ports.items() {
            let Some(spec) = nodes::text(item) else {
                continue;
            };
            let p = runtime::parse_port(&spec);
            let origin = item_origin(ports, item);
            c.ports.push(PortMapping {
                host_ip: p.host_ip,
                host_port: p.host_port,
                container_port: p.container_port,
                origin,
            });
        }
    }
    Some(c)
}

/// A `volumes:` entry as the runner reads it (its `MountVolume`):
/// `source:target:ro`, `source:target`, `target:ro`, or a target alone —
/// anything with more colons is taken whole as the target. Only `ro` makes
/// the mount read-only; an explicit `rw` is kept as "explicitly writable".
fn workflow_volume(spec: &str, origin: Origin) -> Mount {
    let parts: Vec<&str> = spec.split(':').collect();
    let (source, target, flag) = match parts.as_slice() {
        [source, target, flag] => (*source, *target, Some(*flag)),
        [target, flag] if flag.eq_ignore_ascii_case("ro") => ("", *target, Some(*flag)),
        [source, target] => (*source, *target, None),
        _ => ("", spec, None),
    };
    let read_only = match flag {
        Some(f) if f.eq_ignore_ascii_case("ro") => Some(true),
        Some(f) if f.eq_ignore_ascii_case("rw") => Some(false),
        _ => None,
    };
    let kind = if !source.is_empty() && runtime::is_host_path(source) {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    Mount {
        kind,
        source: source.to_string(),
        target: target.to_string(),
        read_only,
        origin,
    }
}

/// The container settings of an `options:` string (see the module docs).
fn options_container(
    file: FileId,
    text: &str,
    source: ContainerSource,
    definition: Span,
    options: NodeRef<'_>,
) -> Container {
    let empty = Container::new(file, source.clone(), definition);
    let Some(value) = options.as_str().filter(|_| !options.is_null()) else {
        return empty;
    };
    let map = scalar_map(text, options.node());
    let words: Vec<Spanned<String>> = runner_arguments(value)
        .into_iter()
        .map(|(word, span)| Spanned {
            value: word,
            origin: Origin::at(map.span(span)),
        })
        .collect();
    let mut c = empty;
    let mut start = 0;
    for _ in 0..=MAX_OPTION_RESUMES {
        let Some(rest) = words.get(start..).filter(|r| !r.is_empty()) else {
            break;
        };
        let part = docker_cli::container(file, source.clone(), definition, rest);
        // Where docker's flags would stop: the word taken as the image.
        let stop = part.image.as_ref().and_then(|image| {
            rest.iter()
                .position(|w| w.value == image.value && w.origin == image.origin)
        });
        absorb(&mut c, part);
        match stop {
            Some(i) if rest.get(i).is_some_and(|w| w.value.starts_with("${{")) => start += i + 1,
            _ => break,
        }
    }
    c.image = None;
    if let Some(via) = options.via {
        reanchor(&mut c, via);
        c.definition = definition;
    }
    c
}

/// Split an argument string the way .NET's `Process` does on Unix (the
/// runner starts `docker` through it): space and tab (and here line breaks)
/// separate words, double quotes group (`""` inside quotes is a literal
/// quote), backslashes are literal unless they precede a double quote (then
/// `\\` → `\` and `\"` → `"`). `${{ … }}` expressions are kept whole.
/// Spans are in `value`.
fn runner_arguments(value: &str) -> Vec<(String, Span)> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Set once a `${{` has no closing `}}` after it: later ones have none either.
    let mut unclosed = false;
    while i < b.len() {
        while i < b.len() && is_separator(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        let mut word: Vec<u8> = Vec::new();
        let mut in_quotes = false;
        while i < b.len() {
            if !unclosed && b[i..].starts_with(b"${{") {
                match find(b, i + 3, b"}}") {
                    Some(close) => {
                        word.extend_from_slice(&b[i..close + 2]);
                        i = close + 2;
                        continue;
                    }
                    None => unclosed = true,
                }
            }
            let mut backslashes = 0;
            while b.get(i) == Some(&b'\\') {
                backslashes += 1;
                i += 1;
            }
            if backslashes > 0 {
                if b.get(i) == Some(&b'"') {
                    word.extend(std::iter::repeat_n(b'\\', backslashes / 2));
                    if backslashes % 2 == 1 {
                        word.push(b'"');
                        i += 1;
                    }
                } else {
                    word.extend(std::iter::repeat_n(b'\\', backslashes));
                }
                continue;
            }
            let c = b[i];
            if c == b'"' {
                if in_quotes && b.get(i + 1) == Some(&b'"') {
                    word.push(b'"');
                    i += 1;
                } else {
                    in_quotes = !in_quotes;
                }
                i += 1;
                continue;
            }
            if is_separator(c) && !in_quotes {
                break;
            }
            word.push(c);
            i += 1;
        }
        // Only ASCII bytes were removed, so the word is still UTF-8.
        out.push((
            String::from_utf8_lossy(&word).into_owned(),
            Span::new(start, i),
        ));
    }
    out
}

/// Space and tab separate .NET arguments; line breaks are taken as
/// separators too (see the module docs).
fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// A `run:` script parsed, with the map from its value to the file.
fn parse_run(text: &str, run: NodeRef<'_>) -> Option<(Script, OffsetMap)> {
    let script_text = run.as_str().filter(|_| !run.is_null())?;
    if !shell_script::may_run_containers(script_text) {
        return None;
    }
    Some((shell::parse(script_text), scalar_map(text, run.node())))
}

/// The `docker run`s of one `run:` step.
fn run_step(file: FileId, text: &str, run: NodeRef<'_>) -> Vec<Container> {
    let Some((script, map)) = parse_run(text, run) else {
        return Vec::new();
    };
    let mut found = shell_script::containers(file, &script, &|s| map.span(s));
    if let Some(via) = run.via {
        for c in &mut found {
            reanchor(c, via);
        }
    }
    found
}

/// Merge the settings read from a later stretch of `options` into `c`:
/// lists add up, a later single value replaces an earlier one (as repeated
/// docker flags do). Written field by field, without `..`, so that a new
/// field of [`Container`] cannot be forgotten here.
fn absorb(c: &mut Container, part: Container) {
    let Container {
        file: _,
        source: _,
        purpose: _,
        // Only Kubernetes sets it.
        kubernetes: _,
        definition: _,
        image,
        build,
        user,
        privileged,
        mounts,
        cap_add,
        cap_drop,
        security_opts,
        no_new_privileges,
        namespaces,
        devices,
        ports,
        env,
        memory_limit,
        cpu_limit,
        pids_limit,
        read_only,
        command_line,
    } = part;
    c.image = image.or(c.image.take());
    c.build = build.or(c.build.take());
    c.user = user.or(c.user.take());
    c.privileged = c.privileged.or(privileged);
    c.mounts.extend(mounts);
    c.cap_add.extend(cap_add);
    c.cap_drop.extend(cap_drop);
    c.security_opts.extend(security_opts);
    c.no_new_privileges = c.no_new_privileges.or(no_new_privileges);
    c.namespaces.extend(namespaces);
    c.devices.extend(devices);
    c.ports.extend(ports);
    c.env.extend(env);
    c.memory_limit = c.memory_limit.or(memory_limit);
    c.cpu_limit = c.cpu_limit.or(cpu_limit);
    c.pids_limit = c.pids_limit.or(pids_limit);
    c.read_only = read_only.or(c.read_only.take());
    // Job `options:` are not a command line in the file; nothing to record.
    c.command_line = command_line.or(c.command_line.take());
}

/// Everything in `c` was written inside a YAML anchor and used at `via`:
/// report it there, with the written place as the related location.
fn reanchor(c: &mut Container, via: Span) {
    c.definition = via;
    c.for_each_origin(|o| {
        *o = Origin {
            span: via,
            anchor: Some(o.anchor.unwrap_or(o.span)),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::{tree::yaml, LineIndex};

    fn parse(text: &str) -> Vec<Container> {
        let stream = yaml::parse(text);
        assert!(stream.error.is_none(), "{:?}", stream.error);
        containers(FileId(0), &stream, text)
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
        let text =
            "jobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:22\n    steps: []\n";
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
        let text =
            "jobs:\n  a:\n    steps:\n      - run: docker run --privileged x\n  b: [unclosed\n";
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
}
