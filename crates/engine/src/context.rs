//! Contexts: where each finding's container or code comes from —
//! `deployment`, `documentation`, `development`, `ci` or `test`
//! ([`Purpose`]; `context` in every report).
//!
//! A file's context comes from its kind and path ([`purpose_of`]); the
//! normalised models carry it (`Image::purpose`, `Container::purpose`),
//! rules use it (hardening rules judge only deployments and documented
//! examples), and [`assign`] puts it on every finding: a container rule's
//! finding takes its container's, an image rule's the purpose of the stage
//! it is about, anything else (code, syntax errors, ignore comments) its
//! file's.

use skillaudit_model::{FileKind, Project, Purpose};
use skillaudit_rules::{Finding, ModelRef};

/// Directory names that hold test infrastructure.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "e2e",
    "testdata",
    "test-data",
    "test-services",
    "__tests__",
    "integration-tests",
    "fixtures",
    "testing",
];

/// Words of a compose file's name that say it is a development setup
/// (`docker-compose.dev.yml`, `compose.local.yaml`).
const DEV_WORDS: &[&str] = &["dev", "development", "local", "debug"];

/// Words of a compose file's name that say it is test infrastructure
/// (`docker-compose.test.yml`, `compose.e2e.yaml`).
const TEST_WORDS: &[&str] = &["test", "tests", "e2e", "integration", "ci"];

/// What a file's containers are for: CI jobs run on throwaway runners,
/// files under test directories describe test infrastructure, dev
/// containers and compose files named for development are development
/// environments, README code blocks are documentation.
pub fn purpose_of(path: &str, kind: FileKind) -> Purpose {
    if kind == FileKind::Workflow {
        return Purpose::Ci;
    }
    if kind == FileKind::Devcontainer || path.split('/').any(|d| d == ".devcontainer") {
        return Purpose::Development;
    }
    let mut dirs = path.split('/').rev().skip(1);
    if dirs.any(|d| TEST_DIRS.contains(&d.to_ascii_lowercase().as_str())) {
        return Purpose::Test;
    }
    match kind {
        FileKind::Readme => Purpose::Documentation,
        FileKind::Compose => compose_purpose(path),
        FileKind::Source(_) if crate::code::is_test_path(path) => Purpose::Test,
        _ => Purpose::Runtime,
    }
}

/// A compose file's purpose from the words of its name.
fn compose_purpose(path: &str) -> Purpose {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let words: Vec<&str> = name.split(['.', '-', '_']).collect();
    if words.iter().any(|w| TEST_WORDS.contains(w)) {
        Purpose::Test
    } else if words.iter().any(|w| DEV_WORDS.contains(w)) {
        Purpose::Development
    } else {
        Purpose::Runtime
    }
}

/// Set each finding's context from the model it was made on, or its file.
pub fn assign(project: &Project, findings: &mut [Finding]) {
    for f in findings {
        f.context = match f.model {
            Some(ModelRef::Container(i)) => project.containers[i].purpose,
            Some(ModelRef::Image(i)) => image_context(project, i, f),
            None => {
                let file = project.file(f.file);
                purpose_of(&file.path, file.kind)
            }
        };
    }
}

/// The purpose of the run stage an image finding is in; for a finding in a
/// stage that only others build on, the most deployed purpose among the
/// run stages.
fn image_context(project: &Project, index: usize, f: &Finding) -> Purpose {
    let image = &project.images[index];
    let runs = project
        .links
        .run_stages
        .get(index)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if f.file != image.file || runs.is_empty() {
        return image.purpose;
    }
    let stage = image
        .stages
        .iter()
        .rev()
        .find(|s| s.from_span.start <= f.span.start)
        .map(|s| s.index);
    runs.iter()
        .find(|r| Some(r.stage) == stage)
        .map(|r| r.purpose)
        .or_else(|| runs.iter().map(|r| r.purpose).min())
        .unwrap_or(image.purpose)
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillaudit_model::code::ir::Lang;

    #[test]
    fn files_have_the_context_their_place_says() {
        let cases = [
            ("Dockerfile", FileKind::Dockerfile, Purpose::Runtime),
            ("compose.yaml", FileKind::Compose, Purpose::Runtime),
            (
                "docker-compose.toolkit.yml",
                FileKind::Compose,
                Purpose::Runtime,
            ),
            (
                "docker-compose.dev.yml",
                FileKind::Compose,
                Purpose::Development,
            ),
            (
                "deploy/compose.local.yaml",
                FileKind::Compose,
                Purpose::Development,
            ),
            ("docker-compose.test.yml", FileKind::Compose, Purpose::Test),
            ("compose-e2e.yaml", FileKind::Compose, Purpose::Test),
            ("tests/compose.yaml", FileKind::Compose, Purpose::Test),
            ("README.md", FileKind::Readme, Purpose::Documentation),
            (
                "docs/README.zh.md",
                FileKind::Readme,
                Purpose::Documentation,
            ),
            (".github/workflows/ci.yml", FileKind::Workflow, Purpose::Ci),
            (
                ".devcontainer/devcontainer.json",
                FileKind::Devcontainer,
                Purpose::Development,
            ),
            (
                ".devcontainer/Dockerfile",
                FileKind::Dockerfile,
                Purpose::Development,
            ),
            ("server.json", FileKind::ServerJson, Purpose::Runtime),
            (".mcp.json", FileKind::McpConfig, Purpose::Runtime),
            (
                "src/server.ts",
                FileKind::Source(Lang::TypeScript),
                Purpose::Runtime,
            ),
            (
                "src/server.test.ts",
                FileKind::Source(Lang::TypeScript),
                Purpose::Test,
            ),
            (
                "tests/test_x.py",
                FileKind::Source(Lang::Python),
                Purpose::Test,
            ),
            // A word inside another word is not a hint.
            (
                "docker-compose.devops.yml",
                FileKind::Compose,
                Purpose::Runtime,
            ),
        ];
        for (path, kind, want) in cases {
            assert_eq!(purpose_of(path, kind), want, "{path}");
        }
    }
}
