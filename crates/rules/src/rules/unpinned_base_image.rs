use skillaudit_model::image::Base;

use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image has no tag or the tag `latest` (and no
    /// digest). Stage names and `scratch` are not images; a tag without a
    /// digest is accepted. A reference built from a build argument without a
    /// default is not judged.
    ///
    /// ## Why is this bad?
    /// `latest` moves: the next build silently picks up a different base —
    /// possibly one that runs as root again, ships a vulnerable runtime, or
    /// was replaced by an attacker who took over the tag. Builds stop being
    /// reproducible and reviews stop meaning anything.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM gcr.io/distroless/nodejs22-debian12
    /// ```
    ///
    /// ## Fix
    /// Pin a version tag (`node:22.11-slim`), ideally with a digest
    /// (`node:22.11-slim@sha256:…`) kept current by Dependabot or Renovate.
    pub struct UnpinnedBaseImage {
        id: "unpinned-base-image",
        severity: Medium,
        target: Image,
        summary: "FROM an image without a tag or with :latest",
    }
}

impl Rule for UnpinnedBaseImage {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        for stage in &cx.image.stages {
            let Base::Image(r) = &stage.base else {
                continue;
            };
            if !stage.from_resolved || r.is_templated() || !r.is_unpinned() {
                continue;
            }
            let how = if r.tag.is_some() {
                "the moving tag `latest`"
            } else {
                "no tag (so `latest`)"
            };
            out.push(
                Finding::new(
                    &Self::META,
                    cx.image.file,
                    stage.from_span,
                    format!("base image {} has {how}", r.raw),
                )
                .fix(
                    "pin a version tag, ideally with a digest (image:1.2.3@sha256:…)",
                    Applicability::Manual,
                ),
            );
        }
    }
}
