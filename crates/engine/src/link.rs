//! The **link** stage, once every file is read: the source files the roots
//! import are lowered ([`crate::code`]), containers are linked to the
//! images built here (`skillaudit_model::link`), build contexts listed
//! ([`crate::contexts`]), the code analysed for flows and its servers tied
//! to the images and configurations that run them.

use std::sync::Mutex;

use skillaudit_model::Project;

use crate::options::ScanOptions;
use crate::result::{Notice, TargetError};
use crate::target::Targets;
use crate::{code, contexts};

/// Link the project's models and analyse its code.
pub fn link(
    options: &ScanOptions,
    project: &mut Project,
    targets: &Targets,
    file_targets: &[usize],
    notices: &Mutex<Vec<Notice>>,
) -> Result<(), TargetError> {
    // The source files the roots import (`code::lower_reached`).
    code::lower_reached(&project.files, &mut project.code.units, notices);
    options.check_deadline()?;

    skillaudit_model::link::link(project);
    project.contexts = contexts::build_contexts(project, &targets.resolved, file_targets);
    options.check_deadline()?;
    project.code.analysis = code::analyse(&project.code.units, options.deadline.map(|d| d.0));
    code::drop_called_elsewhere(
        &project.files,
        &project.code.units,
        &mut project.code.analysis,
    );
    options.check_deadline()?;
    project.code.servers = skillaudit_model::link::servers(project);
    notices.lock().expect("notices").extend(
        project
            .code
            .analysis
            .notes
            .iter()
            .map(|m| Notice::limit(options.targets.join(" "), m.clone())),
    );

    Ok(())
}
