use skillaudit_model::image::InstrKind;

use crate::analysis::{is_whole_context, secret_file_kind};
use crate::{declare_rule, Applicability, Confidence, Finding, ImageCx, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags `COPY`/`ADD` of a secret-looking file — `.env` files (but not
    /// `.env.example`, `.env.sample`, `.env.template`), `*.pem`, `*.key`,
    /// `id_rsa*`, `id_ed25519*`, `.npmrc`, `.pypirc`, `.netrc`,
    /// `credentials*.json`, `.aws/`, `.ssh/`, `.docker/config.json` — and
    /// `COPY . …` of the whole build context when such a file exists in the
    /// context and `.dockerignore` does not exclude it.
    ///
    /// ## Why is this bad?
    /// Files copied into an image are readable by anyone who pulls it, and
    /// stay in its layers even if a later step deletes them. A `.env` with
    /// API keys or an `.npmrc` with a registry token copied into an MCP
    /// server image leaks those credentials to every user of the image.
    ///
    /// Build stages are checked too (with medium confidence): their layers
    /// are not in the final image but live in the build cache.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . .          # with a .env next to the Dockerfile and no .dockerignore
    /// COPY .npmrc ./
    /// ```
    ///
    /// ## Fix
    /// Add the files to `.dockerignore` (`.env*`, `!.env.example`, `*.pem`,
    /// `.npmrc`), copy only what the server needs, and pass build-time
    /// credentials as BuildKit secrets (`RUN --mount=type=secret,id=npmrc`).
    pub struct SecretFileInImage {
        id: "secret-file-in-image",
        severity: High,
        target: Image,
        summary: "COPY/ADD puts a secret-looking file into the image",
    }
}

impl Rule for SecretFileInImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        let last = image.stages.len().saturating_sub(1);
        for stage in &image.stages {
            let confidence = if stage.index == last {
                Confidence::High
            } else {
                Confidence::Medium
            };
            for instr in &stage.instructions {
                let InstrKind::Copy(copy) = &instr.kind else {
                    continue;
                };
                if copy.from.is_some() {
                    continue;
                }
                for src in &copy.sources {
                    if src.value.starts_with("<<") || src.value.contains("://") {
                        continue;
                    }
                    if let Some(kind) = secret_file_kind(&src.value) {
                        out.push(
                            Finding::new(
                                &Self::META,
                                image.file,
                                instr.span,
                                format!("{} copies {} ({kind}) into the image", instr.keyword, src.value),
                            )
                            .confidence(confidence)
                            .fix("copy only the files the server needs; pass credentials at run time or as BuildKit secrets", Applicability::Manual),
                        );
                    } else if is_whole_context(&src.value) && !cx.context_secret_files().is_empty()
                    {
                        let files = cx.context_secret_files();
                        let mut f = Finding::new(
                            &Self::META,
                            image.file,
                            instr.span,
                            format!(
                                "{} copies the whole build context, which holds {} not excluded by .dockerignore",
                                instr.keyword,
                                if files.len() == 1 { format!("the secret-looking file {}", files[0]) } else { format!("{} secret-looking files", files.len()) }
                            ),
                        )
                        .confidence(confidence)
                        .fix("add the secret files to .dockerignore (e.g. `.env*`, `!.env.example`, `*.pem`)", Applicability::Manual);
                        for path in files.iter().take(10) {
                            f = f.related_path(
                                path.clone(),
                                "secret-looking file in the build context",
                            );
                        }
                        out.push(f);
                    }
                }
            }
        }
    }
}
