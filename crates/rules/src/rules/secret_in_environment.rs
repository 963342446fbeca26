use crate::analysis::with_article;
use crate::secrets;
use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an environment entry that holds a credential-shaped literal —
    /// compose `environment:`, `docker run -e KEY=value`/`--env`, MCP client
    /// config `env` objects, Kubernetes `env[].value`, devcontainer
    /// `containerEnv`/`remoteEnv` — using the same detector as
    /// `secret-in-image`. Credential-shaped means one of:
    ///
    /// - a **known token format**, whatever the variable is called
    ///   (GitHub, AWS, Anthropic, OpenAI, Slack, Stripe, Google, GitLab, npm,
    ///   PyPI, Hugging Face tokens, private keys, JWTs, connection strings
    ///   whose password has real strength);
    /// - a **high-entropy value under a secret-like name** (`*_TOKEN`,
    ///   `*_PASSWORD`, `*_SECRET`, `API_KEY`, …): at least eight characters
    ///   that no dictionary word, common password, name, keyboard pattern,
    ///   repeat, sequence or date explains.
    ///
    /// **Placeholders** are never secrets: references (`${TOKEN}`,
    /// `${{ secrets.TOKEN }}`, `${input:token}`), one repeated character or
    /// filler (`xxx`, `yyy`, `***`, `...`), announcements (`<YOUR_TOKEN>`,
    /// `your-api-key`, `key-here`), `changeme` / `replace_me`, `example…`,
    /// `dummy`, values starting with `fake`, `mock` or `test`
    /// (`test-client-secret`), and the bare name of what belongs there
    /// (`password`, `token`). An entry without a value passes the host's
    /// value and is fine.
    ///
    /// A secret-like name holding a **weak, dictionary or default value**
    /// (`DOCKER_INFLUXDB_INIT_PASSWORD: adminadmin`) is reported by
    /// `hardcoded-password` (medium) instead: a default password every reader
    /// knows is a smell of the deployment, not a leaked key, and is fixed by
    /// generating one rather than revoking one.
    ///
    /// In CI jobs, test infrastructure and dev containers only recognisable
    /// token formats are reported: a random `JWT_SECRET` for a throwaway test
    /// server is a fixture, a `ghp_…` token is a leak wherever it is.
    ///
    /// ## Why is this bad?
    /// The credential is committed to the repository, copied by every user
    /// who follows the README, and visible to anyone who can run
    /// `docker inspect` on the host.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   GITHUB_TOKEN: ghp_R2d7…
    /// ```
    ///
    /// ## Fix
    /// Revoke it; reference the variable instead (`GITHUB_TOKEN: ${GITHUB_TOKEN}`,
    /// `-e GITHUB_TOKEN`), or use compose/Kubernetes secrets.
    pub struct SecretInEnvironment {
        id: "secret-in-environment",
        severity: Critical,
        target: Container,
        summary: "an environment entry holds a credential",
    }
}

impl Rule for SecretInEnvironment {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for e in &c.env {
            let Some(value) = &e.value else { continue };
            let m = match secrets::classify(Some(&e.key), value) {
                secrets::Verdict::Known(m) => m,
                // A random secret for a throwaway CI or test server is a
                // fixture, not a leaked credential; a recognisable token is.
                secrets::Verdict::HighEntropy(m) if c.purpose.is_deployed() => m,
                _ => continue,
            };
            out.push(
                Finding::at(
                    &Self::META,
                    c.file,
                    e.origin,
                    format!(
                        "{} sets {} to {} ({})",
                        c.source.describe(),
                        e.key,
                        with_article(m.kind),
                        m.masked
                    ),
                )
                .fix(
                    "revoke the credential and pass it from the environment or a secret store",
                    Applicability::Manual,
                ),
            );
        }
    }
}
