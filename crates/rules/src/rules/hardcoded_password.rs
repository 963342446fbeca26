use skillaudit_model::image::InstrKind;

use crate::secrets::{self, SecretMatch, Verdict};
use crate::{declare_rule, Applicability, Confidence, ContainerCx, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a hard-coded **weak or default password**: a secret-like name
    /// (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `API_KEY`, `AUTH`, …) whose value
    /// is a literal made of dictionary words, a common password, a name, a
    /// keyboard walk, a repeat or a date — `POSTGRES_PASSWORD=postgres`,
    /// `NEO4J_AUTH=neo4j/password`, `DOCKER_INFLUXDB_INIT_PASSWORD: adminadmin`,
    /// `JWT_SECRET=my_secure_secret_2024` — or a connection string whose
    /// embedded password is such a word (`postgres://postgres:postgres@db`).
    /// It reads Dockerfile `ENV` values and `ARG` defaults and the
    /// environment of every container source (compose `environment:`,
    /// `docker run -e`, MCP client config `env`, devcontainers, Kubernetes).
    ///
    /// ## Why is this bad?
    /// The deployment keeps a password that every reader of the repository
    /// already knows: anyone who can reach the service can log in.
    ///
    /// It is a different finding from a credential. `secret-in-image` and `secret-in-environment` are critical because a
    /// credential-shaped value (a known token format, or a high-entropy value
    /// with the strength of generated key material: at least eight
    /// characters that no dictionary word or pattern explains) is somebody's
    /// live key, leaked.
    /// A weak default is not a leak of anybody's key, and nothing needs
    /// revoking: it is a smell of the deployment, worth fixing but not a
    /// critical, so it is reported here at medium severity with medium
    /// confidence (the value may be a local-only demo default).
    ///
    /// Placeholders are neither: references (`${DB_PASSWORD}`), fillers
    /// (`xxx`, `***`), announcements (`<password>`, `your-password`),
    /// `changeme`, `example…`, `dummy`, values starting with `fake`, `mock` or
    /// `test`, and the bare word `password` give no finding at all. CI jobs,
    /// test infrastructure and dev containers are not reported: a default
    /// password for a throwaway database is a fixture.
    ///
    /// The value is never shown: messages carry its first characters at most.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: neo4j:5
    ///     environment:
    ///       NEO4J_AUTH: neo4j/password
    /// ```
    ///
    /// ## Fix
    /// Do not ship a password: require one at deploy time
    /// (`NEO4J_AUTH: ${NEO4J_AUTH:?set a password}`, `docker run -e NEO4J_AUTH`)
    /// or generate one, and keep it in the environment or a secret store.
    pub struct HardcodedPassword {
        id: "hardcoded-password",
        severity: Medium,
        target: ImageAndContainer,
        contexts: Deployed,
        summary: "a secret-like setting holds a weak or default password",
    }
}

const FIX: &str =
    "require a generated password at deploy time and pass it from the environment or a secret store";

impl Rule for HardcodedPassword {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        let all = image
            .preamble
            .iter()
            .chain(image.stages.iter().flat_map(|s| s.instructions.iter()));
        for instr in all {
            let (vars, what) = match &instr.kind {
                InstrKind::Env(v) => (v, "ENV"),
                InstrKind::Arg(v) => (v, "ARG default"),
                _ => continue,
            };
            for var in vars {
                let Some(m) = var.value.as_deref().and_then(|v| weak(&var.key, v)) else {
                    continue;
                };
                out.push(
                    Finding::new(
                        &Self::META,
                        image.file,
                        var.span,
                        format!(
                            "{what} {} holds {} ({}) that is baked into the image",
                            var.key,
                            describe(&m),
                            m.masked
                        ),
                    )
                    .confidence(Confidence::Medium)
                    .fix(FIX, Applicability::Manual),
                );
            }
        }
    }

    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for e in &c.env {
            let Some(m) = e.value.as_deref().and_then(|v| weak(&e.key, v)) else {
                continue;
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
                        describe(&m),
                        m.masked
                    ),
                )
                .confidence(Confidence::Medium)
                .fix(FIX, Applicability::Manual),
            );
        }
    }
}

/// The weak password `value` of `name` is, if it is one.
fn weak(name: &str, value: &str) -> Option<SecretMatch> {
    match secrets::classify(Some(name), value) {
        Verdict::WeakPassword(m) => Some(m),
        _ => None,
    }
}

/// `a weak default password`, `a weak default API key`, `a connection
/// string with a weak password`.
fn describe(m: &SecretMatch) -> String {
    match m.kind {
        "connection string with password" => "a connection string with a weak password".into(),
        kind => format!("a weak default {kind}"),
    }
}
