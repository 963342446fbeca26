//! GitHub Actions `docker/build-push-action` steps → [`BuildCommand`]s, like
//! a `docker build` in a `run:` step: the tags it produces (so a compose
//! `image:` or a `docker run` of one links to the Dockerfile), the
//! Dockerfile, the context and the `target:` stage.
//!
//! Inputs as the action reads them: `context` (default: the repository at
//! the workflow's ref, i.e. its root), `file` (relative to the working
//! directory, default `<context>/Dockerfile`), `target`, `tags` (a list, or
//! a string of tags separated by commas or line breaks), `push` (`true`, or
//! an expression — which pushes on some events — counts as pushing) and
//! `outputs` (`type=registry` pushes too).

use skillaudit_syntax::tree::{NodeRef, Stream};

use crate::container::BuildCommand;
use crate::container::Purpose;
use crate::normalise::nodes::{origin, text};

/// Every build-push-action step of the workflow.
pub fn builds(stream: &Stream) -> Vec<BuildCommand> {
    let mut out = Vec::new();
    let Some(jobs) = stream
        .documents
        .first()
        .and_then(|d| d.root())
        .and_then(|root| root.value("jobs"))
    else {
        return out;
    };
    for (_, job) in jobs.entries() {
        for step in job.value("steps").map(|s| s.items()).unwrap_or_default() {
            let is_action = step
                .value("uses")
                .and_then(text)
                .is_some_and(|u| u.trim().starts_with("docker/build-push-action@"));
            if !is_action {
                continue;
            }
            if let Some(b) = build(step) {
                out.push(b);
            }
        }
    }
    out
}

/// The build of one step; `None` when it names neither a tag nor a target.
fn build(step: NodeRef<'_>) -> Option<BuildCommand> {
    let with = step.value("with");
    let input = |key: &str| with.and_then(|w| w.value(key));
    let string = |key: &str| input(key).and_then(text).map(|s| s.trim().to_string());
    let mut tags = Vec::new();
    if let Some(t) = input("tags") {
        let mut parts: Vec<String> = t.items().into_iter().filter_map(text).collect();
        parts.extend(text(t));
        for part in parts {
            tags.extend(
                part.split([',', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
    }
    let target = string("target").filter(|t| !t.is_empty());
    if tags.is_empty() && target.is_none() {
        return None;
    }
    let push = string("push").is_some_and(|p| p == "true" || p.starts_with("${{"));
    let outputs = string("outputs").is_some_and(|o| o.contains("type=registry"));
    Some(BuildCommand {
        tags,
        dockerfile: string("file").filter(|f| !f.is_empty()),
        context: string("context")
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| ".".into()),
        target,
        pushes: push || outputs,
        purpose: Purpose::Runtime,
        origin: origin(step),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_syntax::tree::yaml;

    #[test]
    fn build_push_action_steps() {
        let text = "jobs:
  release:
    steps:
      - uses: actions/checkout@v4
      - name: Build and push
        uses: docker/build-push-action@v6
        with:
          context: .
          target: mcp-gateway
          push: true
          tags: |
            docker/mcp-gateway:latest
            docker/mcp-gateway:v2
      - uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83
        with:
          file: docker/Dockerfile
          tags: ghcr.io/o/a:1, ghcr.io/o/a:edge
          push: ${{ github.event_name != 'pull_request' }}
      - uses: docker/build-push-action@v6
        with:
          tags: [x/y:1]
      - uses: docker/build-push-action@v6
      - uses: docker/setup-buildx-action@v3
        with:
          tags: not/a-build:1
";
        let bs = builds(&yaml::parse(text));
        assert_eq!(bs.len(), 3, "{bs:?}");
        assert_eq!(
            bs[0].tags,
            ["docker/mcp-gateway:latest", "docker/mcp-gateway:v2"]
        );
        assert_eq!(bs[0].target.as_deref(), Some("mcp-gateway"));
        assert!(bs[0].pushes);
        assert_eq!(bs[0].context, ".");
        assert!(bs[0]
            .origin
            .span
            .slice(text)
            .starts_with("name: Build and push"));
        assert_eq!(bs[1].tags, ["ghcr.io/o/a:1", "ghcr.io/o/a:edge"]);
        assert_eq!(bs[1].dockerfile.as_deref(), Some("docker/Dockerfile"));
        assert!(bs[1].pushes && bs[1].target.is_none());
        assert_eq!(bs[2].tags, ["x/y:1"]);
        assert!(!bs[2].pushes);
    }
}
