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
use crate::container::{
    Container, ContainerSource, EnvEntry, Found, Mount, MountKind, PortMapping,
};
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
/// the `docker run`s of `run:` steps (with their command lines), in source
/// order per job.
pub fn containers(file: FileId, stream: &Stream, text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for (job_id, job, runs) in jobs(stream) {
        if let Some((k, spec)) = job.get("container") {
            let source = ContainerSource::WorkflowJob {
                job: job_id.to_string(),
                service: None,
            };
            out.extend(job_container(file, text, source, k.report_span(), spec).map(Found::from));
        }
        if let Some(services) = job.value("services") {
            for (k, spec) in services.entries() {
                let Some(name) = k.as_str() else { continue };
                let source = ContainerSource::WorkflowJob {
                    job: job_id.to_string(),
                    service: Some(name.to_string()),
                };
                out.extend(
                    job_container(file, text, source, k.report_span(), spec).map(Found::from),
                );
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
fn run_step(file: FileId, text: &str, run: NodeRef<'_>) -> Vec<Found> {
    let Some((script, map)) = parse_run(text, run) else {
        return Vec::new();
    };
    let mut found = shell_script::containers(file, &script, &|s| map.span(s));
    if let Some(via) = run.via {
        for c in &mut found {
            c.container.definition = via;
            c.for_each_origin(|o| used_at(o, via));
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
}

/// Everything in `c` was written inside a YAML anchor and used at `via`:
/// report it there, with the written place as the related location.
fn reanchor(c: &mut Container, via: Span) {
    c.definition = via;
    c.for_each_origin(|o| used_at(o, via));
}

/// A value written inside a YAML anchor and used at `via`: reported there,
/// with the written place as the related location.
fn used_at(o: &mut Origin, via: Span) {
    *o = Origin {
        span: via,
        anchor: Some(o.anchor.unwrap_or(o.span)),
    }
}

#[cfg(test)]
mod tests;
