use crate::analysis::with_article;
use crate::secrets;
use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags an environment entry that holds a credential-shaped literal —
    /// compose `environment:`, `docker run -e KEY=value`/`--env`, MCP client
    /// config `env` objects, Kubernetes `env[].value`, devcontainer
    /// `containerEnv`/`remoteEnv` — using the same detector as
    /// `secret-in-image`. References (`${TOKEN}`, `${{ secrets.TOKEN }}`,
    /// `${input:token}`) and placeholders (`<YOUR_TOKEN>`, `your-api-key`)
    /// are not secrets; an entry without a value passes the host's value and
    /// is fine.
    ///
    /// In CI jobs and test infrastructure, only recognisable token formats
    /// are reported: `POSTGRES_PASSWORD: test` for a throwaway database is a
    /// fixture, a `ghp_…` token is a leak wherever it is.
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for e in &c.env {
            let Some(value) = &e.value else { continue };
            if let Some(m) = secrets::classify(Some(&e.key), value) {
                // A literal password for a throwaway CI or test database is a
                // fixture, not a leaked credential; a recognisable token is.
                if m.by_name && !c.purpose.is_deployed() {
                    continue;
                }
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
}
