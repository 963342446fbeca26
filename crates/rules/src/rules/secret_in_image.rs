use skillaudit_model::image::{Instr, InstrKind};

use crate::analysis::with_article;
use crate::secrets;
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags an `ENV` value, or an `ARG` default, that holds a
    /// credential-shaped literal: a known token format (GitHub, AWS, OpenAI,
    /// Anthropic, Slack, Stripe, Google, GitLab, npm, PyPI, Hugging Face,
    /// private keys, JWTs, connection strings with a password) or any literal
    /// value of a secret-like name (`*_TOKEN`, `*_PASSWORD`, `API_KEY`, …).
    /// Placeholders (`${VAR}`, `<your-token>`, `changeme`, empty values)
    /// are not secrets.
    ///
    /// ## Why is this bad?
    /// Everything in a Dockerfile ends up in the repository, in the image
    /// history (`docker history`) and in every registry the image is pushed
    /// to. Anyone who can pull the image can read the credential.
    ///
    /// Every stage is checked: a secret in a build stage is still committed
    /// in the Dockerfile and kept in the build cache.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV GITHUB_PERSONAL_ACCESS_TOKEN=ghp_R2d7…
    /// ```
    ///
    /// ## Fix
    /// Revoke the credential, remove it from the Dockerfile, and pass it at
    /// run time (`docker run -e GITHUB_PERSONAL_ACCESS_TOKEN`, an MCP
    /// client's `env`) or, if the build needs it, as a BuildKit secret
    /// (`RUN --mount=type=secret,id=token`).
    pub struct SecretInImage {
        id: "secret-in-image",
        severity: Critical,
        target: Image,
        summary: "ENV or ARG default holds a credential",
    }
}

impl Rule for SecretInImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        let all = image
            .preamble
            .iter()
            .chain(image.stages.iter().flat_map(|s| s.instructions.iter()));
        for instr in all {
            check(instr, image.file, out);
        }
    }
}

fn check(instr: &Instr, file: skillaudit_model::FileId, out: &mut Vec<Finding>) {
    let (vars, what) = match &instr.kind {
        InstrKind::Env(v) => (v, "ENV"),
        InstrKind::Arg(v) => (v, "ARG default"),
        _ => return,
    };
    for var in vars {
        let Some(value) = &var.value else { continue };
        if let Some(m) = secrets::classify(Some(&var.key), value) {
            out.push(
                Finding::new(
                    &SecretInImage::META,
                    file,
                    var.span,
                    format!("{what} {} holds {} ({}) that is baked into the image", var.key, with_article(m.kind), m.masked),
                )
                .fix(
                    "revoke the credential, remove it, and pass it at run time or as a BuildKit secret",
                    Applicability::Manual,
                ),
            );
        }
    }
}
