//! Stage 4: **link** Containers to the Images built in the same repository,
//! so rules can reason about the effective configuration (a compose
//! `user:` over a Dockerfile without `USER`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::imageref::ImageRef;
use crate::project::Project;

/// Which container runs which image.
#[derive(Clone, Debug, Default)]
pub struct Links {
    /// For each container (by index), the image it runs, if built here.
    pub image_of: Vec<Option<usize>>,
    /// For each image (by index), the containers that run it.
    pub runners: Vec<Vec<usize>>,
}

/// Lexically normalise a path (`a/./b/../c` → `a/c`) without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Compute the links of a project whose images and containers are built.
pub fn link(project: &mut Project) {
    let by_path: HashMap<PathBuf, usize> = project
        .images
        .iter()
        .enumerate()
        .map(|(i, img)| (normalize(&project.files[img.file.0 as usize].abs), i))
        .collect();

    let mut image_of = vec![None; project.containers.len()];
    // Tags produced by builds here (`image:` next to `build:`).
    let mut tags: Vec<(ImageRef, usize)> = Vec::new();
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
        if let Some(&img) = candidates.iter().find_map(|p| by_path.get(&normalize(p))) {
            image_of[ci] = Some(img);
            if let Some(tag) = &c.image {
                tags.push((ImageRef::parse(&tag.value), img));
            }
        }
    }
    // `docker build -t TAG [-f FILE] CONTEXT`: paths are relative to the
    // directory the command runs in, which is not written down; try the
    // file's directory and then its ancestors (scripts in `scripts/` and
    // workflows are usually run from the repository root).
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
        if let Some(img) = found {
            for t in &b.tags {
                tags.push((ImageRef::parse(t), img));
            }
        }
    }
    for (ci, c) in project.containers.iter().enumerate() {
        if image_of[ci].is_some() || c.build.is_some() {
            continue;
        }
        let Some(image) = &c.image else { continue };
        let r = ImageRef::parse(&image.value);
        if let Some((_, img)) = tags.iter().find(|(t, _)| t.same_image(&r)) {
            image_of[ci] = Some(*img);
        }
    }
    let mut runners = vec![Vec::new(); project.images.len()];
    for (ci, img) in image_of.iter().enumerate() {
        if let Some(i) = img {
            runners[*i].push(ci);
        }
    }
    project.links = Links { image_of, runners };
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
}
