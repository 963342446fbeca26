use skillaudit_model::image::is_root_user;
use skillaudit_model::remedy::GENERIC_USER;
use skillaudit_model::{Remedy, Subject};

use crate::analysis::{image_user, ImageUser};
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final stage never sets `USER` — neither
    /// directly nor through the stage it is built `FROM` — on a base image
    /// that is not known to default to a non-root user.
    ///
    /// The stages judged are the ones that run: the final stage, and every
    /// stage a build here selects and runs or ships — a compose or
    /// devcontainer `build.target`, a tagged `docker build --target`, a
    /// workflow `docker/build-push-action` `target:` (slack-mcp-server's
    /// `target: dev`). The final stage is left out when everything here
    /// builds or runs another stage of the Dockerfile and one of those is
    /// deployed or shipped (a CI-only `--target test` run does not count). A
    /// finding about a targeted stage names it and points at the builds
    /// that select it.
    ///
    /// A stage that only carries files — built `FROM scratch` with no `CMD`,
    /// `ENTRYPOINT`, `RUN`, `USER` or `HEALTHCHECK` (a package of binaries
    /// or modules that other images copy from, like mcp-gateway's module
    /// image) — never runs and is not flagged.
    ///
    /// Dockerfiles of test infrastructure (under `test/`, `tests/`, `e2e/`,
    /// …) are not held to this hardening rule.
    ///
    /// ## Why is this bad?
    /// Containers run as root (UID 0) unless told otherwise. An MCP server
    /// executes actions on behalf of an LLM; one prompt injection that turns
    /// into code execution then runs as root inside the container, and most
    /// container-escape techniques start from root.
    ///
    /// Base images known to run as non-root (no finding): distroless images
    /// with a `nonroot` tag (`gcr.io/distroless/static:nonroot`,
    /// `:debug-nonroot`) and Chainguard application images
    /// (`cgr.dev/chainguard/static`, `cgr.dev/chainguard/node`, …) except
    /// `wolfi-base` and `-dev` tags, which run as root and ship `apk`;
    /// images whose own Dockerfile ends with a non-root `USER` (`bitnami/*`,
    /// `nginxinc/nginx-unprivileged`, `grafana/grafana`, `prom/prometheus`,
    /// `prom/alertmanager`, `jenkins/jenkins`, `memcached`, Elasticsearch,
    /// `sonarqube`); and official database and broker images whose
    /// entrypoint drops to their service user (`postgres`, `mysql`,
    /// `mariadb`, `mongo`, `redis`, `rabbitmq`, `cassandra`, `couchdb`,
    /// `clickhouse/clickhouse-server`, `neo4j`, `pgvector/pgvector`,
    /// `postgis/postgis`) as long as the Dockerfile keeps their `ENTRYPOINT`.
    /// A project adds its own base images that already run as non-root
    /// with `non-root-images` in `skillaudit.toml` (e.g.
    /// `non-root-images = ["ghcr.io/acme/base"]`).
    ///
    /// When every container in the repository that runs this image (a
    /// compose service with `build:`, for instance) sets a non-root `user:`,
    /// the finding drops to `low` and names those overrides: the image is
    /// still unsafe for anyone who runs it another way.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci --omit=dev
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix
    /// Create an unprivileged user and switch to it before `CMD`:
    /// ```dockerfile
    /// RUN addgroup --system --gid 1001 mcp && adduser --system --uid 1001 --ingroup mcp mcp
    /// USER mcp
    /// ```
    /// Official `node` images already have a `node` user (`USER node`);
    /// distroless images have `nonroot` (`USER nonroot`).
    ///
    /// `skillaudit scan --fix` adds `USER node` for the official `node` images
    /// and `USER nonroot` for distroless ones (safe: the user exists there;
    /// `USER nonroot` rather than a `:nonroot` tag, so a digest pin stays
    /// valid). For any other base, `--unsafe-fixes` adds `USER 10001:10001`,
    /// a UID that needs no account but cannot write files root owns. The line
    /// goes before the stage's `CMD`/`ENTRYPOINT`, after its last build step
    /// (not into a stage that later stages are built `FROM`).
    pub struct MissingUser {
        id: "missing-user",
        severity: High,
        target: Image,
        contexts: Deployed,
        summary: "the final stage never sets a non-root USER",
    }
}

impl Rule for MissingUser {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        for st in cx.run_stages() {
            let stage = st.stage;
            // A package of files (`FROM scratch`, COPY only) never runs.
            if image.is_data_only(stage) {
                continue;
            }
            if !matches!(
                image_user(image, stage, &cx.project.settings),
                Some(ImageUser::Default)
            ) {
                continue;
            }
            let what = st.describe();
            let (description, applicability, user) =
                suggested_user(image.base_image(stage).map(|r| r.name.as_str()));
            let mut f = Finding::new(
                &Self::META,
                image.file,
                stage.from_span,
                format!("{what} runs as root: no USER directive"),
            )
            .remedy(
                description,
                applicability,
                Subject::Image(cx.index),
                Remedy::SetUser {
                    user: user.to_string(),
                    stage: stage.index,
                },
            );
            let runners: Vec<_> = cx.runners_of(stage.index).collect();
            let overridden = !runners.is_empty()
                && runners.iter().all(|c| {
                    c.user
                        .as_ref()
                        .is_some_and(|u| !u.value.trim().is_empty() && !is_root_user(&u.value))
                });
            if overridden {
                f.severity = Severity::Low;
                f.message = format!("{what} runs as root: no USER directive (every container here overrides it with a non-root user)");
                for c in runners {
                    if let Some(u) = &c.user {
                        f = f.related_origin(
                            c.file,
                            u.origin,
                            format!("{} runs it as user \"{}\"", c.source.describe(), u.value),
                        );
                    }
                }
            }
            out.push(st.with_selectors(f));
        }
    }
}

/// The fix for a base image: its own unprivileged user where the image is
/// known to have one (safe), else a numeric UID that needs no account
/// (unsafe: the server may need to write files that root owns).
fn suggested_user(base: Option<&str>) -> (String, Applicability, &'static str) {
    match base {
        // Only the official image: other `*/node` images need not have the user.
        Some("node" | "library/node") => {
            ("add `USER node` (the official node image's unprivileged user) before CMD".into(), Applicability::Safe, "node")
        }
        Some(n) if n.contains("distroless") => (
            "add `USER nonroot` (distroless images ship a nonroot user, UID 65532) before CMD".into(),
            Applicability::Safe,
            "nonroot",
        ),
        _ => (
            format!(
                "switch to an unprivileged user before CMD: the automatic fix adds `USER {GENERIC_USER}` (a UID without an account; \
                 files the server writes must be writable by it), or create one (`RUN adduser --system --uid 1001 mcp`, `USER mcp`)"
            ),
            Applicability::Unsafe,
            GENERIC_USER,
        ),
    }
}
