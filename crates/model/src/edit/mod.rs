//! The **editors**: a [`Remedy`] for a Container or an Image, turned into
//! minimal [`TextEdit`]s of the file that describes it.
//!
//! Per-format knowledge lives here, next to the normalisers, never in the
//! rules: [`compose`] (YAML services, re-parsed with the YAML layer for its
//! spans), [`kubernetes`] (a container's `securityContext` and `resources`), [`argv`] (`docker run` command lines: shell words and JSON/TOML
//! `args` arrays) and [`dockerfile`]. Every editor inserts or replaces text
//! at byte offsets and copies the file's own layout (indentation, line
//! endings, inline or one-item-per-line arrays); nothing is re-serialised,
//! so comments and formatting stay. An editor that cannot tell exactly how
//! to change a place (a value reached through a YAML anchor, a word whose
//! text is not what the parser read, an unusual layout) returns `None` and
//! the fix stays a description for a person.

pub mod argv;
pub mod compose;
pub mod dockerfile;
pub mod kubernetes;

use std::collections::HashMap;

use skillaudit_syntax::tree::{yaml, Stream};

use crate::container::ContainerSource;
use crate::file::{FileId, FileKind};
use crate::project::Project;
use crate::remedy::{Remedy, Subject, TextEdit};

/// Turns remedies into edits; keeps each YAML file it re-parses, and each
/// compose file's index of services.
pub struct Editor<'p> {
    project: &'p Project,
    yaml: HashMap<FileId, Stream>,
    services: HashMap<FileId, compose::Services>,
    manifests: HashMap<FileId, kubernetes::Containers>,
}

impl<'p> Editor<'p> {
    pub fn new(project: &'p Project) -> Editor<'p> {
        Editor {
            project,
            yaml: HashMap::new(),
            services: HashMap::new(),
            manifests: HashMap::new(),
        }
    }

    /// The YAML tree of a file, parsed at most once per editor; `None` when
    /// the file does not parse.
    fn yaml(&mut self, file: FileId, text: &str) -> Option<&Stream> {
        let stream = self.yaml.entry(file).or_insert_with(|| yaml::parse(text));
        stream.error.is_none().then_some(stream)
    }

    /// The edits that apply `remedy` to `subject`, or `None` when no
    /// editor can make them safely.
    pub fn edits(&mut self, subject: Subject, remedy: &Remedy) -> Option<Vec<TextEdit>> {
        let project = self.project;
        let edits = match subject {
            Subject::Container(i) => {
                let c = project.containers.get(i)?;
                let file = project.files.get(c.file.0 as usize)?;
                match (&c.source, file.kind) {
                    (ContainerSource::ComposeService { name }, FileKind::Compose) => {
                        self.yaml(c.file, &file.text)?;
                        let stream = self.yaml.get(&c.file)?;
                        let services = self
                            .services
                            .entry(c.file)
                            .or_insert_with(|| compose::Services::new(file, stream));
                        compose::edits(file, stream, services, name, c, remedy)?
                    }
                    (ContainerSource::Kubernetes { .. }, FileKind::Kubernetes) => {
                        self.yaml(c.file, &file.text)?;
                        let stream = self.yaml.get(&c.file)?;
                        let containers = self
                            .manifests
                            .entry(c.file)
                            .or_insert_with(|| kubernetes::Containers::new(file, stream));
                        kubernetes::edits(file, stream, containers, c, remedy)?
                    }
                    _ => argv::edits(file, c, project.command_line(i)?, remedy)?,
                }
            }
            Subject::Image(i) => {
                let image = project.images.get(i)?;
                let file = project.files.get(image.file.0 as usize)?;
                if file.kind != FileKind::Dockerfile {
                    return None;
                }
                dockerfile::edits(file, image, remedy)?
            }
        };
        (!edits.is_empty()).then_some(edits)
    }
}

/// The file's line ending: CRLF if it uses any, else LF. It reads the
/// whole text: editors of files with many edits ask once per file
/// ([`compose::Services`], [`kubernetes::Containers`]) or use
/// [`newline_at`].
pub(crate) fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The line ending of the line holding `pos` (the file's, for a last line
/// without one).
pub(crate) fn newline_at(text: &str, pos: usize) -> &'static str {
    match next_line_start(text, pos) {
        Some(next) if next >= 2 && text.as_bytes()[next - 2] == b'\r' => "\r\n",
        Some(_) => "\n",
        None => newline(text),
    }
}

/// Offset of the start of the line holding `pos`.
pub(crate) fn line_start(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    text.as_bytes()[..pos]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// Offset of the end of the line holding `pos`: its `\r\n` / `\n`, or the end of the text.
pub(crate) fn line_end(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    match text.as_bytes()[pos..].iter().position(|&b| b == b'\n') {
        Some(i) => {
            let nl = pos + i;
            if nl > pos && text.as_bytes()[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            }
        }
        None => text.len(),
    }
}

/// Offset of the start of the line after the one holding `pos`; `None` on
/// the last line when the text does not end with a line break.
pub(crate) fn next_line_start(text: &str, pos: usize) -> Option<usize> {
    let pos = pos.min(text.len());
    text.as_bytes()[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| pos + i + 1)
}

/// The text between the start of the line and `pos`.
pub(crate) fn line_prefix(text: &str, pos: usize) -> &str {
    text.get(line_start(text, pos)..pos).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let t = "ab\r\ncd\nef";
        assert_eq!(newline(t), "\r\n");
        assert_eq!(line_start(t, 5), 4);
        assert_eq!(line_end(t, 0), 2);
        assert_eq!(line_end(t, 4), 6);
        assert_eq!(line_end(t, 8), 9);
        assert_eq!(next_line_start(t, 1), Some(4));
        assert_eq!(next_line_start(t, 8), None);
        assert_eq!(line_prefix(t, 6), "cd");
    }
}
