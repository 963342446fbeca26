//! Stage 4: **link** Containers to the Images built in the same repository,
//! and to the *stage* of the Dockerfile they run, so rules can reason about
//! the effective configuration (a compose `user:` over a Dockerfile without
//! `USER`, a compose `build.target: dev` that runs the `dev` stage).
//!
//! # Which stage runs
//!
//! A build produces the last stage of its Dockerfile unless it names
//! another: a compose or devcontainer `build.target`, `docker build
//! --target`, a workflow `docker/build-push-action` `target:`. A container
//! built here (compose `build:`) runs the stage its build names; one that
//! runs a tag (`image:`, `docker run TAG`) runs the stage of the build that
//! tags it. A target that names no stage of the Dockerfile is a broken
//! build: such a container is not linked.
//!
//! The stages image rules judge ([`Links::run_stages`]) are the stages that
//! something here runs or ships — a container runs it, or a build tags or
//! pushes it (an untagged `--target lint` build only checks the code) —
//! plus the last stage, unless every build and run of the Dockerfile here
//! is of another stage and one of them is deployed or shipped (the last
//! stage is then not what this repository makes; a CI-only `--target test`
//! run does not count). The last stage has the Dockerfile's
//! [`Purpose`]; another stage is deployed when a deployed container runs
//! it, a build in a deployed file selects it or a build pushes it, and
//! otherwise takes the purpose of what runs it (a CI-only `--target test`
//! build and `docker run` of it). A Dockerfile that is itself not deployed
//! (under `tests/`) keeps its own purpose for every stage.

mod servers;

pub use servers::servers;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::container::Purpose;
use crate::file::{normalize, FileId};
use crate::image::Image;
use crate::imageref::ImageRef;
use crate::links::{Links, RunStage};
use crate::project::Project;
use crate::Origin;

/// A compose-style `${VAR:-default}` / `${VAR-default}` written as a whole
/// value stands for its default; anything else is taken as written.
fn with_default(value: &str) -> &str {
    let v = value.trim();
    let Some(inner) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) else {
        return v;
    };
    match inner.split_once(":-").or_else(|| inner.split_once('-')) {
        Some((_, default)) => default.trim(),
        None => v,
    }
}

/// The stage a build target names (BuildKit compares names case-insensitively).
fn stage_named(image: &Image, target: &str) -> Option<usize> {
    let name = with_default(target).to_ascii_lowercase();
    image
        .stages
        .iter()
        .find(|s| s.name.as_deref() == Some(name.as_str()))
        .map(|s| s.index)
}

/// One build of an image found in the repository.
struct Selector {
    image: usize,
    stage: usize,
    /// Where the build names its target, if it does.
    target: Option<(FileId, Origin)>,
    /// The stage built is run or shipped: a container runs it, or the build
    /// tags or pushes it (an untagged `--target lint` build only checks).
    runs: bool,
    /// The selector's file is deployed, or the build pushes the image.
    deployed: bool,
    purpose: Purpose,
}

/// What the passes of [`link`] collect.
#[derive(Default)]
struct Linker {
    image_of: Vec<Option<usize>>,
    stage_of: Vec<Option<usize>>,
    selectors: Vec<Selector>,
    /// Tags produced by builds here: image and stage.
    tags: Vec<(ImageRef, usize, usize)>,
}

/// Compute the links of a project whose images and containers are built.
pub fn link(project: &mut Project) {
    let by_path: HashMap<PathBuf, usize> = project
        .images
        .iter()
        .enumerate()
        .map(|(i, img)| (normalize(&project.files[img.file.0 as usize].abs), i))
        .collect();
    let mut l = Linker {
        image_of: vec![None; project.containers.len()],
        stage_of: vec![None; project.containers.len()],
        ..Linker::default()
    };
    l.built_containers(project, &by_path);
    l.build_commands(project, &by_path);
    l.tagged_containers(project);
    let mut runners = vec![Vec::new(); project.images.len()];
    for (ci, img) in l.image_of.iter().enumerate() {
        if let Some(i) = img {
            runners[*i].push(ci);
        }
    }
    let run_stages = project
        .images
        .iter()
        .enumerate()
        .map(|(i, image)| run_stages(i, image, &l.selectors))
        .collect();
    project.links = Links {
        image_of: l.image_of,
        stage_of: l.stage_of,
        runners,
        run_stages,
    };
}

/// The stage a build makes: the one its target names, else the last;
/// `None` when the target names no stage (the build would fail).
fn built_stage(image: &Image, target: Option<&str>) -> Option<usize> {
    match target {
        Some(t) => stage_named(image, t),
        None => image.stages.len().checked_sub(1),
    }
}

impl Linker {
    /// Containers built here (compose `build:`, a devcontainer's Dockerfile).
    fn built_containers(&mut self, project: &Project, by_path: &HashMap<PathBuf, usize>) {
        for (ci, c) in project.containers.iter().enumerate() {
            let Some(build) = &c.build else { continue };
            if build.context.contains("://") || build.context.starts_with("git@") {
                continue;
            }
            let dir = project.files[c.file.0 as usize]
                .abs
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let context = dir.join(&build.context);
            let candidates: Vec<PathBuf> = match &build.dockerfile {
                Some(df) => vec![context.join(df)],
                None => vec![context.join("Dockerfile"), context.join("Containerfile")],
            };
            let Some(&img) = candidates.iter().find_map(|p| by_path.get(&normalize(p))) else {
                continue;
            };
            let target = build.target.as_ref().map(|t| t.value.as_str());
            let Some(stage) = built_stage(&project.images[img], target) else {
                continue;
            };
            self.image_of[ci] = Some(img);
            self.stage_of[ci] = Some(stage);
            self.selectors.push(Selector {
                image: img,
                stage,
                target: build.target.as_ref().map(|t| (c.file, t.origin)),
                runs: true,
                deployed: c.purpose.is_deployed(),
                purpose: c.purpose,
            });
            if let Some(tag) = &c.image {
                self.tags.push((ImageRef::parse(&tag.value), img, stage));
            }
        }
    }

    /// `docker build -t TAG [-f FILE] [--target STAGE] CONTEXT`: paths are
    /// relative to the directory the command runs in, which is not written
    /// down; try the file's directory and then its ancestors (scripts in
    /// `scripts/` and workflows are usually run from the repository root).
    fn build_commands(&mut self, project: &Project, by_path: &HashMap<PathBuf, usize>) {
        for (file, b) in &project.builds {
            let Some(dir) = project.files[file.0 as usize].abs.parent() else {
                continue;
            };
            let found = dir.ancestors().take(4).find_map(|cwd| {
                let df = match &b.dockerfile {
                    Some(f) => cwd.join(f),
                    None => cwd.join(&b.context).join("Dockerfile"),
                };
                by_path.get(&normalize(&df)).copied()
            });
            let Some(img) = found else { continue };
            let Some(stage) = built_stage(&project.images[img], b.target.as_deref()) else {
                continue;
            };
            self.selectors.push(Selector {
                image: img,
                stage,
                target: b.target.as_ref().map(|_| (*file, b.origin)),
                runs: !b.tags.is_empty() || b.pushes,
                deployed: b.purpose.is_deployed() || b.pushes,
                purpose: b.purpose,
            });
            for t in &b.tags {
                self.tags.push((ImageRef::parse(t), img, stage));
            }
        }
    }

    /// Containers that run a tag a build here produces.
    fn tagged_containers(&mut self, project: &Project) {
        for (ci, c) in project.containers.iter().enumerate() {
            if self.image_of[ci].is_some() || c.build.is_some() {
                continue;
            }
            let Some(image) = &c.image else { continue };
            let r = ImageRef::parse(&image.value);
            let Some(&(_, img, stage)) = self.tags.iter().find(|(t, _, _)| t.same_image(&r)) else {
                continue;
            };
            self.image_of[ci] = Some(img);
            self.stage_of[ci] = Some(stage);
            self.selectors.push(Selector {
                image: img,
                stage,
                target: None,
                runs: true,
                deployed: c.purpose.is_deployed(),
                purpose: c.purpose,
            });
        }
    }
}

/// The stages of one image that run (see the module docs).
fn run_stages(index: usize, image: &Image, selectors: &[Selector]) -> Vec<RunStage> {
    let Some(last) = image.stages.len().checked_sub(1) else {
        return Vec::new();
    };
    let mine: Vec<&Selector> = selectors.iter().filter(|s| s.image == index).collect();
    let mut stages: Vec<usize> = mine.iter().filter(|s| s.runs).map(|s| s.stage).collect();
    // The last stage, unless everything here builds or runs another one and
    // one of them is deployed or shipped (a CI-only `--target test` run is not).
    let elsewhere =
        mine.iter().all(|s| s.stage != last) && mine.iter().any(|s| s.runs && s.deployed);
    if !elsewhere {
        stages.push(last);
    }
    stages.sort_unstable();
    stages.dedup();
    stages
        .into_iter()
        .map(|stage| {
            let of_stage: Vec<&&Selector> = mine.iter().filter(|s| s.stage == stage).collect();
            let running = || of_stage.iter().filter(|s| s.runs);
            let purpose = if stage == last || !image.purpose.is_deployed() {
                image.purpose
            } else if running().any(|s| s.deployed) {
                Purpose::Runtime
            } else {
                running().next().map_or(image.purpose, |s| s.purpose)
            };
            let mut selected_by: Vec<(FileId, Origin)> =
                of_stage.iter().filter_map(|s| s.target).collect();
            selected_by.sort();
            selected_by.dedup();
            RunStage {
                stage,
                purpose,
                selected_by,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("/a/./b/../c/Dockerfile")),
            PathBuf::from("/a/c/Dockerfile")
        );
        assert_eq!(normalize(Path::new("a/../../b")), PathBuf::from("../b"));
    }

    #[test]
    fn defaults_of_interpolated_targets() {
        assert_eq!(with_default("${BUILD_TARGET:-production}"), "production");
        assert_eq!(with_default("${T-dev}"), "dev");
        assert_eq!(with_default(" dev "), "dev");
        assert_eq!(with_default("${T}"), "${T}");
    }
}
