//! Stages 2–3 for one file: read it once, recognise its kind (by path, then
//! by content), parse it and normalise it into models.

use std::fs::File;
use std::io::Read;
use std::sync::Mutex;

use rayon::prelude::*;

use skillaudit_model::code::CodeFile;
use skillaudit_model::container::Found;
use skillaudit_model::normalise::manifest::{self, Manifest};
use skillaudit_model::normalise::{
    compose, devcontainer, dockerfile as df_norm, kubernetes, makefile, mcp_config, readme,
    server_json, shell_script, tool_texts, workflow,
};
use skillaudit_model::{FileId, FileKind, Format, Image};
use skillaudit_syntax::code::Lang;
use skillaudit_syntax::tree::Stream;
use skillaudit_syntax::{dockerfile, json, shell, toml, tree::yaml, Span, SyntaxError};

use crate::candidate::{Candidate, NameKind};
use crate::options::{Overlay, ScanOptions};
use crate::progress::Progress;
use crate::result::Notice;

/// Stages 2–3 for every candidate, in parallel, one read per file (from
/// `overlay` when it has the file): the files understood, each with the
/// index of its target; what cannot be read becomes a notice.
pub fn read_all(
    options: &ScanOptions,
    candidates: &[(Candidate, usize)],
    overlay: &Overlay,
    progress: &Progress,
    notices: &Mutex<Vec<Notice>>,
) -> Vec<(Processed, usize)> {
    candidates
        .par_iter()
        .filter_map(|(c, ti)| {
            if options.expired() {
                return None;
            }
            match progress.counted(process_with(
                c,
                options.max_file_size,
                overlay.get(&c.abs).map(String::as_str),
            )) {
                Ok(Some(p)) => Some((p, *ti)),
                Ok(None) => None,
                Err(n) => {
                    notices.lock().expect("notices").push(n);
                    None
                }
            }
        })
        .collect()
}

/// A file read and understood.
pub struct Processed {
    pub display: String,
    pub abs: std::path::PathBuf,
    pub kind: FileKind,
    /// How the file is written, decided here once (see `Format`).
    pub format: Format,
    pub text: String,
    pub image: Option<Image>,
    /// Its containers, each with its command line when one starts it.
    pub containers: Vec<Found>,
    /// `docker build -t` commands (for linking tags to Dockerfiles).
    pub builds: Vec<skillaudit_model::container::BuildCommand>,
    pub errors: Vec<SyntaxError>,
    /// Source files: the lowered code model.
    pub code: Option<CodeFile>,
    pub manifest: Option<Manifest>,
    /// Texts the model reads (server.json, bundle manifests).
    pub descriptions: Vec<skillaudit_model::code::ir::Description>,
}

/// Placeholder id until the project numbers its files.
pub const UNASSIGNED: FileId = FileId(u32::MAX);

/// Read, recognise, parse and normalise one candidate. `Ok(None)` when the
/// file turns out not to be a container description.
pub fn process(c: &Candidate, max_size: u64) -> Result<Option<Processed>, Notice> {
    process_with(c, max_size, None)
}

/// [`process`], with the file's text given instead of read from disk when
/// `text` is set (the fix stage scans edited files before writing them).
pub fn process_with(
    c: &Candidate,
    max_size: u64,
    text: Option<&str>,
) -> Result<Option<Processed>, Notice> {
    if let Some(text) = text {
        return analyse(c, text.as_bytes().to_vec());
    }
    let notice = |message: String| Notice::new(c.display.clone(), message);
    let limit = |message: String| Notice::limit(c.display.clone(), message);
    let meta = std::fs::metadata(&c.abs).map_err(|e| notice(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(notice("not a regular file; skipped".into()));
    }
    if meta.len() > max_size {
        // A big YAML/JSON file of unknown purpose (a lock file) is simply
        // not ours, unless its beginning says it is.
        if c.name_kind.sniffed() && !c.explicit && !head_looks_like_ours(c) {
            return Ok(None);
        }
        return Err(limit(format!(
            "file is {} MiB, over the {} MiB limit; skipped",
            meta.len() >> 20,
            max_size >> 20
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    File::open(&c.abs)
        .and_then(|f| f.take(max_size + 1).read_to_end(&mut bytes))
        .map_err(|e| notice(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max_size {
        return Err(limit(format!(
            "file grew past the {} MiB limit while being read; skipped",
            max_size >> 20
        )));
    }
    analyse(c, bytes)
}

/// Bytes of an oversized YAML/JSON/TOML file read to tell whether it is one of ours.
const HEAD_BYTES: u64 = 64 << 10;

/// Does the beginning of an oversized candidate look like a container
/// description (a compose file's `services:`, a manifest's `apiVersion:`,
/// an MCP configuration's server table)? Such a file is skipped with a
/// limit notice (the audit is incomplete) instead of silently.
fn head_looks_like_ours(c: &Candidate) -> bool {
    let mut head = Vec::new();
    if File::open(&c.abs)
        .and_then(|f| f.take(HEAD_BYTES).read_to_end(&mut head))
        .is_err()
    {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    match c.name_kind {
        NameKind::Yaml => head.lines().any(|l| {
            ["services:", "apiVersion:", "kind:"]
                .iter()
                .any(|k| l.starts_with(k))
        }),
        NameKind::Json | NameKind::Toml => [
            "\"mcpServers\"",
            "\"context_servers\"",
            "\"mcp_servers\"",
            "[mcp_servers",
        ]
        .iter()
        .any(|k| head.contains(k)),
        _ => false,
    }
}

/// Recognise, parse and normalise a file's content.
fn analyse(c: &Candidate, bytes: Vec<u8>) -> Result<Option<Processed>, Notice> {
    // Binary content: only worth a word when the name promised a config file.
    let nul = bytes.iter().take(8192).position(|&b| b == 0);
    if nul.is_some() && (c.name_kind.sniffed() || c.name_kind == NameKind::Readme) {
        return Ok(None);
    }
    if let NameKind::Source(lang) = c.name_kind {
        return source(c, lang, bytes, nul.is_some());
    }
    if c.name_kind == NameKind::Manifest {
        return Ok(manifest_file(c, &bytes));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };

    let Some((kind, format, stream)) = recognise(c.name_kind, &text) else {
        return Ok(None);
    };
    let mut p = Processed {
        display: c.display.clone(),
        abs: c.abs.clone(),
        kind,
        format,
        text,
        image: None,
        containers: Vec::new(),
        builds: Vec::new(),
        errors: Vec::new(),
        code: None,
        manifest: None,
        descriptions: Vec::new(),
    };
    if let Some(at) = nul {
        p.errors.push(SyntaxError::new(
            format!(
                "binary content (a NUL byte) in a file named like a {}",
                kind.name()
            ),
            Span::empty(at),
        ));
        return Ok(Some(p));
    }
    normalise(&mut p, stream);
    Ok(Some(p))
}

/// What a file is and how it is written, from its name and, for names
/// that do not say, its content (with the tree parsed to decide, reused by
/// the normaliser).
fn recognise(name_kind: NameKind, text: &str) -> Option<(FileKind, Format, Option<Stream>)> {
    let named = |kind| Some((kind, Format::of_kind(kind), None));
    let sniffed = |found: Option<(FileKind, Stream)>, format| {
        found.map(|(kind, stream)| (kind, format, Some(stream)))
    };
    match name_kind {
        NameKind::Dockerfile => named(FileKind::Dockerfile),
        NameKind::Compose => named(FileKind::Compose),
        NameKind::ShellScript => named(FileKind::ShellScript),
        NameKind::Makefile => named(FileKind::Makefile),
        NameKind::Workflow => named(FileKind::Workflow),
        NameKind::Devcontainer => named(FileKind::Devcontainer),
        NameKind::McpConfig => named(FileKind::McpConfig),
        NameKind::Readme => named(FileKind::Readme),
        NameKind::Source(_) | NameKind::Manifest => None,
        NameKind::Yaml => sniffed(sniff_yaml(text), Format::Yaml),
        NameKind::Json => sniffed(sniff_json(text), Format::Json),
        NameKind::Toml => sniffed(sniff_toml(text), Format::Toml),
        NameKind::Unknown => sniff_any(text),
    }
}

/// The tree of a file in one of the tree formats, read by the parser of its
/// format (YAML for anything else: JSON is YAML too).
fn tree(format: Format, text: &str) -> Stream {
    match format {
        Format::Json => json::parse(text),
        Format::Toml => toml::parse(text),
        _ => yaml::parse(text),
    }
}

/// Parse and normalise a recognised file into its models, build commands,
/// texts and syntax errors.
fn normalise(p: &mut Processed, stream: Option<Stream>) {
    let (containers, errors) = match p.kind {
        FileKind::Compose
        | FileKind::Workflow
        | FileKind::Kubernetes
        | FileKind::Devcontainer
        | FileKind::McpConfig
        | FileKind::ServerJson
        | FileKind::BundleManifest => {
            let s = stream.unwrap_or_else(|| tree(p.format, &p.text));
            let mut errors = Vec::new();
            tree_errors(&s, &p.text, &mut errors);
            (tree_models(p, &s), errors)
        }
        _ => text_models(p),
    };
    p.containers = containers;
    p.errors = errors;
}

/// The models of a file read as text (Dockerfile, script, Makefile,
/// README), and its syntax errors.
fn text_models(p: &mut Processed) -> (Vec<Found>, Vec<SyntaxError>) {
    let text = p.text.as_str();
    match p.kind {
        FileKind::Dockerfile => {
            let parsed = dockerfile::parse(text);
            p.image = Some(df_norm::image(UNASSIGNED, &parsed));
            (Vec::new(), parsed.errors)
        }
        // A script's own syntax errors are not ours to report: the shell
        // runs what it can, and so do we.
        FileKind::ShellScript | FileKind::Makefile if !shell_script::may_run_containers(text) => {
            (Vec::new(), Vec::new())
        }
        FileKind::ShellScript => {
            let script = shell::parse(text);
            p.builds = shell_script::builds(&script, &|s| s);
            let containers = shell_script::containers(UNASSIGNED, &script, &|s| s);
            // Not its syntax errors (above), but a limit that stopped the
            // parser: the script was not (all) read, which must show.
            (
                containers,
                script.limit_error().cloned().into_iter().collect(),
            )
        }
        FileKind::Makefile => match makefile::Dialect::from_file_name(&p.display) {
            Some(dialect) => {
                p.builds = makefile::builds_in(text, dialect);
                (
                    makefile::containers_in(UNASSIGNED, text, dialect),
                    Vec::new(),
                )
            }
            None => {
                p.builds = makefile::builds(text);
                (makefile::containers(UNASSIGNED, text), Vec::new())
            }
        },
        FileKind::Readme => {
            let (containers, builds) = readme::read(UNASSIGNED, text);
            p.builds = builds;
            (containers, Vec::new())
        }
        // Source files and manifests are handled before content sniffing;
        // the tree formats by `tree_models`.
        _ => (Vec::new(), Vec::new()),
    }
}

/// The models of a file in a tree format, from its parsed tree `s`.
fn tree_models(p: &mut Processed, s: &Stream) -> Vec<Found> {
    match p.kind {
        FileKind::Compose => Found::all(compose::containers(UNASSIGNED, s)),
        FileKind::Workflow => {
            p.builds = workflow::builds(s, &p.text);
            workflow::containers(UNASSIGNED, s, &p.text)
        }
        FileKind::Kubernetes => Found::all(kubernetes::containers(UNASSIGNED, s)),
        FileKind::Devcontainer => {
            Found::all(devcontainer::containers_at(UNASSIGNED, &p.display, s))
        }
        FileKind::McpConfig => mcp_config::containers(UNASSIGNED, s),
        FileKind::ServerJson => {
            p.descriptions = tool_texts::descriptions(s);
            Found::all(server_json::containers(UNASSIGNED, s))
        }
        FileKind::BundleManifest => {
            p.descriptions = tool_texts::descriptions(s);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A package manifest: read for the code model (its name and ecosystem).
fn manifest_file(c: &Candidate, bytes: &[u8]) -> Option<Processed> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let name = c
        .display
        .rsplit('/')
        .next()
        .unwrap_or(&c.display)
        .to_ascii_lowercase();
    let m = manifest::read(&name, &text)?;
    Some(Processed {
        display: c.display.clone(),
        abs: c.abs.clone(),
        kind: FileKind::Manifest,
        // `pyproject.toml`; `package.json`, and `go.mod` with its `//`
        // comments, as JSON.
        format: if name.ends_with(".toml") {
            Format::Toml
        } else {
            Format::Json
        },
        text,
        image: None,
        containers: Vec::new(),
        builds: Vec::new(),
        errors: Vec::new(),
        code: None,
        manifest: Some(m),
        descriptions: Vec::new(),
    })
}

/// A source file: lowered into the code model, or a notice saying why not.
/// Binary content under a source extension (a compiled artefact) is not
/// source and is passed over without a word. Source files never produce a
/// `syntax-error` (`skillaudit_syntax::code`: tree-sitter's error nodes are
/// not evidence that a toolchain would refuse the file).
fn source(
    c: &Candidate,
    lang: Lang,
    bytes: Vec<u8>,
    binary: bool,
) -> Result<Option<Processed>, Notice> {
    if binary {
        return Ok(None);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    // Only the roots are parsed here; the files they import are parsed
    // after the walk (`code::lower_reached`), the others never.
    let code = if crate::code::is_root(lang, &c.display, &text) {
        Some(crate::code::lower_or_notice(lang, &c.display, &text)?)
    } else {
        None
    };
    Ok(Some(Processed {
        display: c.display.clone(),
        abs: c.abs.clone(),
        kind: FileKind::Source(lang),
        format: Format::Code(lang),
        text,
        image: None,
        containers: Vec::new(),
        builds: Vec::new(),
        errors: Vec::new(),
        code,
        manifest: None,
        descriptions: Vec::new(),
    }))
}

/// Parse errors and duplicate keys of a recognised YAML/JSON/TOML file.
fn tree_errors(s: &Stream, text: &str, errors: &mut Vec<SyntaxError>) {
    if let Some(e) = &s.error {
        errors.push(e.clone());
    }
    for (dup, _first) in &s.duplicate_keys {
        let key = dup.slice(text);
        errors.push(SyntaxError::new(
            format!("duplicate key {key} in a mapping (the file is rejected by its tools)"),
            *dup,
        ));
    }
}

/// A YAML file of unknown purpose: compose, Kubernetes or an MCP config?
/// Cheap text checks come first; the YAML is parsed at most once.
fn sniff_yaml(text: &str) -> Option<(FileKind, Stream)> {
    let compose_like = text.starts_with("services:") || text.contains("\nservices:");
    let k8s_like = text.contains("apiVersion") && text.contains("kind");
    let mcp_like = text.contains("mcpServers") || text.contains("mcp_servers");
    if !(compose_like || k8s_like || mcp_like) {
        return None;
    }
    // Helm templates are not YAML until rendered: skipped without a word.
    if k8s_like && kubernetes::is_helm_template(text) {
        return None;
    }
    let s = yaml::parse(text);
    if compose_like && compose::looks_like_compose(&s) {
        return Some((FileKind::Compose, s));
    }
    if k8s_like && kubernetes::is_manifest(&s) {
        return Some((FileKind::Kubernetes, s));
    }
    if mcp_like && mcp_config::looks_like_mcp_config(&s) {
        return Some((FileKind::McpConfig, s));
    }
    None
}

/// A JSON file of unknown purpose: an MCP client config or a server.json?
fn sniff_json(text: &str) -> Option<(FileKind, Stream)> {
    let mcp_like = [
        "\"mcpServers\"",
        "\"servers\"",
        "\"context_servers\"",
        "\"mcp_servers\"",
    ]
    .iter()
    .any(|k| text.contains(k));
    let registry_like = [
        "\"registryType\"",
        "\"registry_type\"",
        "\"runtimeHint\"",
        "\"runtime_hint\"",
        "\"registry_name\"",
    ]
    .iter()
    .any(|k| text.contains(k));
    let bundle_like = text.contains("\"manifest_version\"") || text.contains("\"dxt_version\"");
    if !(mcp_like || registry_like || bundle_like) {
        return None;
    }
    let s = json::parse(text);
    if s.error.is_some() {
        return None;
    }
    if bundle_like && tool_texts::looks_like_bundle_manifest(&s) {
        return Some((FileKind::BundleManifest, s));
    }
    if registry_like && server_json::looks_like_server_json(&s) {
        return Some((FileKind::ServerJson, s));
    }
    if mcp_like && mcp_config::looks_like_mcp_config(&s) {
        return Some((FileKind::McpConfig, s));
    }
    None
}

/// A TOML file: a Codex configuration with `[mcp_servers.*]`?
fn sniff_toml(text: &str) -> Option<(FileKind, Stream)> {
    if !text.contains("mcp_servers") {
        return None;
    }
    let s = toml::parse(text);
    (s.error.is_none() && mcp_config::looks_like_mcp_config(&s)).then_some((FileKind::McpConfig, s))
}

/// A file named on the command line: a Dockerfile, or any of the tree formats.
fn sniff_any(text: &str) -> Option<(FileKind, Format, Option<Stream>)> {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let word = first
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    if word == "FROM" || (word == "ARG" && text.to_ascii_uppercase().contains("\nFROM ")) {
        return Some((FileKind::Dockerfile, Format::Dockerfile, None));
    }
    if first.starts_with('{') || first.starts_with("//") {
        return sniff_json(text).map(|(k, s)| (k, Format::Json, Some(s)));
    }
    if first.starts_with('[') {
        if let Some((k, s)) = sniff_toml(text) {
            return Some((k, Format::Toml, Some(s)));
        }
    }
    if text.contains("\njobs:")
        && (text.contains("\non:") || text.starts_with("on:") || text.contains("\n\"on\":"))
    {
        let s = yaml::parse(text);
        if s.error.is_none() {
            return Some((FileKind::Workflow, Format::Yaml, Some(s)));
        }
    }
    sniff_yaml(text).map(|(k, s)| (k, Format::Yaml, Some(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_of(name_kind: NameKind, text: &str) -> Option<(FileKind, Format)> {
        recognise(name_kind, text).map(|(kind, format, _)| (kind, format))
    }

    #[test]
    fn the_format_is_the_one_its_parser_read() {
        let codex = "[mcp_servers.x]\ncommand = \"docker\"\nargs = [\"run\", \"img\"]\n";
        assert_eq!(
            format_of(NameKind::Toml, codex),
            Some((FileKind::McpConfig, Format::Toml))
        );
        // Named on the command line without an extension: the content decides.
        assert_eq!(
            format_of(NameKind::Unknown, codex),
            Some((FileKind::McpConfig, Format::Toml))
        );
        let json = "// servers\n{\"mcpServers\": {\"x\": {\"command\": \"docker\", \"args\": [\"run\", \"img\"]}}}\n";
        assert_eq!(
            format_of(NameKind::Unknown, json),
            Some((FileKind::McpConfig, Format::Json))
        );
        assert_eq!(
            format_of(NameKind::Unknown, "FROM alpine\n"),
            Some((FileKind::Dockerfile, Format::Dockerfile))
        );
        assert_eq!(
            format_of(NameKind::Compose, "services: {}\n"),
            Some((FileKind::Compose, Format::Yaml))
        );
        assert_eq!(
            format_of(NameKind::Yaml, "services:\n  a:\n    image: x\n"),
            Some((FileKind::Compose, Format::Yaml))
        );
    }
}
