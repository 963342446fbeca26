use skillaudit_model::ImageRef;

use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image has no tag or the tag `latest` (and no
    /// digest). An image built in the repository — by the same definition
    /// (`build:` next to `image:`) or by a `docker build -t` in a script,
    /// workflow, Makefile or README — names an output, not an input, and is
    /// not flagged; neither is a reference made of variables.
    ///
    /// ## Why is this bad?
    /// Every pull may run a different server — including a compromised
    /// release — without anything in the repository changing.
    ///
    /// ## Example
    /// ```yaml
    /// image: myorg/mcp-server:latest
    /// ```
    ///
    /// ## Fix
    /// Pin a released version (`myorg/mcp-server:1.4.2`), ideally by digest.
    pub struct UnpinnedImage {
        id: "unpinned-image",
        severity: Low,
        target: Container,
        summary: "the image run has no tag or :latest",
    }
}

impl Rule for UnpinnedImage {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        if c.build.is_some() || cx.image().is_some() {
            return;
        }
        let Some(image) = &c.image else { return };
        let r = ImageRef::parse(&image.value);
        if r.is_templated() || r.name.is_empty() || !r.is_unpinned() {
            return;
        }
        let how = if r.tag.is_some() {
            "the moving tag `latest`"
        } else {
            "no tag (so `latest`)"
        };
        out.push(
            Finding::at(
                &Self::META,
                c.file,
                image.origin,
                format!("{} runs {} with {how}", c.source.describe(), r.raw),
            )
            .fix(
                "pin a released version tag, ideally with a digest",
                Applicability::Manual,
            ),
        );
    }
}
