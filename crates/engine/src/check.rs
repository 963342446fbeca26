//! The **check** stage: every rule over every Image and Container, in
//! parallel over models, then the code rules over the whole project; files
//! that could not be parsed become `syntax-error` findings, and every
//! finding gets its context ([`crate::context::assign`]).

use rayon::prelude::*;
use skillaudit_model::Project;
use skillaudit_rules::registry::{self, RULES};
use skillaudit_rules::{ContainerCx, Finding, ImageCx, ModelRef};

use crate::context;
use crate::options::ScanOptions;

/// The findings of every rule, before filtering.
pub fn check(options: &ScanOptions, project: &Project) -> Vec<Finding> {
    let mut findings: Vec<Finding> = (0..project.images.len())
        .into_par_iter()
        .flat_map_iter(|index| {
            let image = &project.images[index];
            let mut out = Vec::new();
            if options.expired() {
                return out;
            }
            for rule in registry::judging(image.purpose) {
                let cx = ImageCx {
                    project,
                    index,
                    image,
                    contexts: rule.meta().contexts,
                };
                rule.check_image(&cx, &mut out);
            }
            for f in &mut out {
                f.model = Some(ModelRef::Image(index));
            }
            out
        })
        .chain(
            (0..project.containers.len())
                .into_par_iter()
                .flat_map_iter(|index| {
                    let cx = ContainerCx {
                        project,
                        index,
                        container: &project.containers[index],
                    };
                    let mut out = Vec::new();
                    if options.expired() {
                        return out;
                    }
                    for rule in registry::judging(cx.container.purpose) {
                        rule.check_container(&cx, &mut out);
                    }
                    for f in &mut out {
                        f.model = Some(ModelRef::Container(index));
                    }
                    out
                }),
        )
        .collect();
    let code_cx = skillaudit_rules::code::CodeCx::new(project);
    for rule in RULES {
        rule.check_code(&code_cx, &mut findings);
    }
    for (file, e) in &project.syntax_errors {
        findings.push(Finding::new(
            registry::syntax_error(),
            *file,
            e.span,
            format!(
                "cannot parse this {}: {}",
                project.file(*file).kind.name(),
                e.message
            ),
        ));
    }

    context::assign(project, &mut findings);
    findings
}
