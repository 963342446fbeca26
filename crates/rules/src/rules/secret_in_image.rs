use skillaudit_model::image::{Instr, InstrKind};

use crate::analysis::with_article;
use crate::secrets;
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `ENV` value, or an `ARG` default, that holds a
    /// credential-shaped literal. Credential-shaped means one of:
    ///
    /// - a **known token format**, whatever the variable is called:
    ///   GitHub (`ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_`, `github_pat_`), AWS
    ///   access key ids (`AKIA…`, `ASIA…`) and 40-character secret access keys
    ///   under their AWS name, Anthropic (`sk-ant-…`), OpenAI (`sk-…`,
    ///   `sk-proj-…`), Slack, Stripe live keys, Google API keys, GitLab, npm,
    ///   PyPI and Hugging Face tokens, private keys (PEM headers), JWTs, and
    ///   connection strings (`postgres://user:pw@host`) whose password has
    ///   real strength;
    /// - a **high-entropy value under a secret-like name** (`*_TOKEN`,
    ///   `*_PASSWORD`, `*_SECRET`, `API_KEY`, `AUTH`, …): at least eight
    ///   characters that no dictionary word, common password, name, keyboard
    ///   pattern, repeat, sequence or date explains (measured with zxcvbn).
    ///
    /// **Placeholders** are never secrets: empty values, references (`${VAR}`,
    /// `$VAR`, `{{ template }}`, `%VAR%`), one repeated character or filler
    /// (`xxx`, `yyy`, `***`, `...`), announcements (`<your-token>`,
    /// `your-key`, `key-here`, `TODO`), `changeme` / `replace_me`,
    /// `example…`, `sample…`, `placeholder`, `dummy`, values starting with
    /// `fake`, `mock` or `test` (`test-client-secret`), and the bare name of
    /// what belongs there (`password`, `secret`, `token`).
    ///
    /// A secret-like name holding a **weak, dictionary or default value**
    /// (`POSTGRES_PASSWORD=postgres`, `NEO4J_AUTH=neo4j/password`) is not this
    /// rule's finding but `hardcoded-password` (medium): a weak default
    /// password is one every reader of the repository knows, not a leaked
    /// key, and it is fixed by generating a password at deploy time rather
    /// than by revoking one.
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
        let verdict = secrets::classify(Some(&var.key), value);
        if !verdict.is_credential() {
            continue;
        }
        if let Some(m) = verdict.secret() {
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
