//! Stages 2–3 for one file: read it once, recognise its kind (by name, then
//! by content), parse it and normalise it into models.

use std::fs::File;
use std::io::Read;

use skillaudit_model::normalise::{compose, dockerfile as df_norm, shell_script};
use skillaudit_model::{Container, FileId, FileKind, Image};
use skillaudit_syntax::{dockerfile, shell, yaml, Span, SyntaxError};

use crate::discover::Candidate;
use crate::Notice;

/// What a file's name says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Dockerfile,
    Compose,
    ShellScript,
    /// Some other YAML file: a compose file if its content says so.
    Yaml,
    Unknown,
}

/// Recognise a file by its name alone.
pub fn kind_by_name(name: &str) -> NameKind {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") || lower.ends_with(".md") {
        return NameKind::Unknown;
    }
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.starts_with("dockerfile-")
        || lower.starts_with("dockerfile_")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
    {
        return NameKind::Dockerfile;
    }
    if lower.ends_with(".sh") || lower.ends_with(".bash") {
        return NameKind::ShellScript;
    }
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml {
        let stem = lower.trim_end_matches(".yml").trim_end_matches(".yaml");
        if stem == "compose" || stem == "docker-compose" || stem.starts_with("docker-compose.") || stem.starts_with("compose.") {
            return NameKind::Compose;
        }
        return NameKind::Yaml;
    }
    NameKind::Unknown
}

/// A file read and understood.
pub struct Processed {
    pub display: String,
    pub abs: std::path::PathBuf,
    pub kind: FileKind,
    pub text: String,
    pub image: Option<Image>,
    pub containers: Vec<Container>,
    /// `docker build -t` commands (for linking tags to Dockerfiles).
    pub builds: Vec<shell_script::BuildCommand>,
    pub errors: Vec<SyntaxError>,
}

/// Placeholder id until the project numbers its files.
pub const UNASSIGNED: FileId = FileId(u32::MAX);

/// Read, recognise, parse and normalise one candidate. `Ok(None)` when the
/// file turns out not to be a container description.
pub fn process(c: &Candidate, max_size: u64) -> Result<Option<Processed>, Notice> {
    let notice = |message: String| Notice { path: c.display.clone(), message };
    let meta = std::fs::metadata(&c.abs).map_err(|e| notice(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(notice("not a regular file; skipped".into()));
    }
    if meta.len() > max_size {
        if c.name_kind == NameKind::Yaml && !c.explicit {
            return Ok(None);
        }
        return Err(notice(format!("file is {} MiB, over the {} MiB limit; skipped", meta.len() >> 20, max_size >> 20)));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    File::open(&c.abs)
        .and_then(|f| f.take(max_size + 1).read_to_end(&mut bytes))
        .map_err(|e| notice(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max_size {
        return Err(notice(format!("file grew past the {} MiB limit while being read; skipped", max_size >> 20)));
    }

    // Binary content: only worth a word when the name promised a config file.
    let nul = bytes.iter().take(8192).position(|&b| b == 0);
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };

    let mut stream = None;
    let kind = match c.name_kind {
        NameKind::Dockerfile => FileKind::Dockerfile,
        NameKind::Compose => FileKind::Compose,
        NameKind::ShellScript if nul.is_none() => FileKind::ShellScript,
        _ if nul.is_some() => return Ok(None),
        NameKind::ShellScript | NameKind::Yaml | NameKind::Unknown => match sniff(&text) {
            Some(Sniffed::Dockerfile) => FileKind::Dockerfile,
            Some(Sniffed::Compose(s)) => {
                stream = Some(s);
                FileKind::Compose
            }
            None => return Ok(None),
        },
    };
    let mut p = Processed {
        display: c.display.clone(),
        abs: c.abs.clone(),
        kind,
        text,
        image: None,
        containers: Vec::new(),
        builds: Vec::new(),
        errors: Vec::new(),
    };
    if let Some(at) = nul {
        p.errors.push(SyntaxError::new(format!("binary content (a NUL byte) in a file named like a {}", kind.name()), Span::empty(at)));
        return Ok(Some(p));
    }
    match kind {
        FileKind::Dockerfile => {
            let parsed = dockerfile::parse(&p.text);
            p.errors = parsed.errors.clone();
            p.image = Some(df_norm::image(UNASSIGNED, &parsed));
        }
        FileKind::Compose => {
            let stream = stream.unwrap_or_else(|| yaml::parse(&p.text));
            if let Some(e) = &stream.error {
                p.errors.push(e.clone());
            }
            for (dup, _first) in &stream.duplicate_keys {
                let key = dup.slice(&p.text);
                p.errors.push(SyntaxError::new(format!("duplicate key {key} in a mapping (compose rejects the file)"), *dup));
            }
            p.containers = compose::containers(UNASSIGNED, &stream);
        }
        FileKind::ShellScript => {
            // A script's own syntax errors are not ours to report: bash runs
            // what it can, and so do we.
            let script = shell::parse(&p.text);
            p.builds = shell_script::builds(&script, &|s| s);
            p.containers = shell_script::containers(UNASSIGNED, &script, &|s| s);
        }
        _ => {}
    }
    Ok(Some(p))
}

/// What content sniffing found; a compose file's parsed YAML is kept so it
/// is parsed only once.
pub enum Sniffed {
    Dockerfile,
    Compose(yaml::Stream),
}

/// Recognise a file by its content: a compose file, or a Dockerfile.
pub fn sniff(text: &str) -> Option<Sniffed> {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let word = first.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    if word == "FROM" || (word == "ARG" && text.to_ascii_uppercase().contains("\nFROM ")) {
        return Some(Sniffed::Dockerfile);
    }
    // Cheap pre-check before parsing YAML: compose needs a top-level `services:`.
    if !(text.starts_with("services:") || text.contains("\nservices:")) {
        return None;
    }
    let stream = yaml::parse(text);
    compose::looks_like_compose(&stream).then_some(Sniffed::Compose(stream))
}
