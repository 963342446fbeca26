//! The **assemble** stage: the files read and understood become one
//! [`Project`] — each gets its [`FileId`], its models and build commands
//! get the file's purpose ([`crate::context::purpose_of`]), and its code,
//! manifest and texts join the code model.

use skillaudit_model::container::BuildCommand;
use skillaudit_model::project::SourceFile;
use skillaudit_model::{FileId, Project};

use crate::classify::Processed;
use crate::options::ScanOptions;
use crate::target::Targets;
use crate::{code, context};

/// Where each file of the project comes from.
pub struct Placement {
    /// Per file: the index of its target.
    pub file_targets: Vec<usize>,
    /// Per file: its path as configuration globs see it.
    pub glob_paths: Vec<String>,
}

/// Build the project from the processed files, in order.
pub fn assemble(
    options: &ScanOptions,
    processed: Vec<(Processed, usize)>,
    targets: &Targets,
) -> (Project, Placement) {
    let mut project = Project::default();
    if let Some(c) = options.project_config() {
        project.settings = c.settings();
    }
    let mut file_targets = Vec::new();
    let mut glob_paths = Vec::new();
    for (p, ti) in processed {
        let id = FileId(project.files.len() as u32);
        let purpose = context::purpose_of(&p.display, p.kind);
        if let Some(mut image) = p.image {
            image.file = id;
            image.purpose = purpose;
            project.images.push(image);
        }
        for mut found in p.containers {
            found.container.file = id;
            found.container.purpose = purpose;
            project.push_container(found);
        }
        for e in p.errors {
            project.syntax_errors.push((id, e));
        }
        project.builds.extend(
            p.builds
                .into_iter()
                .map(|b| (id, BuildCommand { purpose, ..b })),
        );
        if let Some(code) = p.code {
            project.code.units.push(code::unit(id, &p.display, code));
        }
        if let Some(m) = p.manifest {
            project.code.manifests.push((id, m));
        }
        project
            .code
            .texts
            .extend(p.descriptions.into_iter().map(|d| (id, d)));
        glob_paths.push(targets.glob_path(ti, &p.display));
        project
            .files
            .push(SourceFile::new(id, p.display, p.abs, p.kind, p.text).with_format(p.format));
        file_targets.push(ti);
    }

    (
        project,
        Placement {
            file_targets,
            glob_paths,
        },
    )
}
