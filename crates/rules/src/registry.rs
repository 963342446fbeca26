//! The catalogue: every rule, in the order of rules.md.

use crate::rules::*;
use crate::{Rule, RuleMeta};
use skillaudit_model::Purpose;

/// All rules, explicitly listed.
pub static RULES: &[&dyn Rule] = &[
    // Image rules
    &missing_user::MissingUser,
    &root_user::RootUser,
    &secret_in_image::SecretInImage,
    &secret_file_in_image::SecretFileInImage,
    &docker_socket_in_image::DockerSocketInImage,
    &unpinned_base_image::UnpinnedBaseImage,
    &full_os_base_image::FullOsBaseImage,
    &missing_healthcheck::MissingHealthcheck,
    &sudo_in_image::SudoInImage,
    &remote_script_execution::RemoteScriptExecution,
    &dev_dependencies_in_image::DevDependenciesInImage,
    &privileged_port::PrivilegedPort,
    &copy_without_chown::CopyWithoutChown,
    // Container rules
    &privileged_container::PrivilegedContainer,
    &docker_socket_mount::DockerSocketMount,
    &sensitive_host_mount::SensitiveHostMount,
    &project_root_mount::ProjectRootMount,
    &writable_bind_mount::WritableBindMount,
    &missing_resource_limits::MissingResourceLimits,
    &missing_pids_limit::MissingPidsLimit,
    &writable_root_filesystem::WritableRootFilesystem,
    &capabilities_not_dropped::CapabilitiesNotDropped,
    &dangerous_capability::DangerousCapability,
    &missing_no_new_privileges::MissingNoNewPrivileges,
    &security_profile_disabled::SecurityProfileDisabled,
    &host_namespace::HostNamespace,
    &runs_as_root::RunsAsRoot,
    &device_access::DeviceAccess,
    &published_on_all_interfaces::PublishedOnAllInterfaces,
    &secret_in_environment::SecretInEnvironment,
    &hardcoded_password::HardcodedPassword,
    &unpinned_image::UnpinnedImage,
    // Code rules (code-rules.md)
    &command_injection::CommandInjection,
    &shell_tool::ShellTool,
    &argument_injection::ArgumentInjection,
    &code_evaluation::CodeEvaluation,
    &path_traversal::PathTraversal,
    &server_side_request_forgery::ServerSideRequestForgery,
    &sql_injection::SqlInjection,
    &tool_poisoning::ToolPoisoning,
    &secret_in_source::SecretInSource,
    &tool_definition_mutation::ToolDefinitionMutation,
    &tls_verification_disabled::TlsVerificationDisabled,
    &unauthenticated_network_transport::UnauthenticatedNetworkTransport,
    &missing_origin_check::MissingOriginCheck,
    // Compound
    &host_takeover_chain::HostTakeoverChain,
    &prompt_to_host_chain::PromptToHostChain,
    // Files that cannot be read
    &syntax_error::SyntaxError,
    // Ignore comments that suppress nothing
    &unused_ignore::UnusedIgnore,
];

/// The rules that judge an image or container of this purpose (see
/// [`RuleMeta::applies_to`]): the engine calls only these on it.
pub fn judging(purpose: Purpose) -> impl Iterator<Item = &'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .filter(move |r| r.meta().applies_to(purpose))
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).find(|m| m.id == id)
}

/// The one "did you mean": rule ids close to a mistyped one, best first
/// (at most five). Ids containing it (or contained in it) come first, then
/// ids within a small edit distance (`strsim` Levenshtein, at most a
/// quarter of the id's length, between one and three edits); case and
/// surrounding spaces are ignored. Empty when nothing is close.
pub fn did_you_mean(unknown: &str) -> Vec<&'static str> {
    let unknown = unknown.trim().to_ascii_lowercase();
    if unknown.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &'static str)> = RULES
        .iter()
        .map(|r| r.meta().id)
        .filter_map(|candidate| {
            if candidate.contains(unknown.as_str()) || unknown.contains(candidate) {
                return Some((0, candidate));
            }
            let most = (candidate.len() / 4).clamp(1, 3);
            // The distance is at least the difference in length: a long
            // input is never compared.
            if unknown.len().abs_diff(candidate.len()) > most {
                return None;
            }
            let d = strsim::levenshtein(&unknown, candidate);
            (d <= most).then_some((d, candidate))
        })
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, c)| c).take(5).collect()
}

/// Metadata of `syntax-error`, which the pipeline reports itself.
pub fn syntax_error() -> &'static RuleMeta {
    &syntax_error::SyntaxError::META
}

/// Metadata of `unused-ignore`, which the pipeline reports itself.
pub fn unused_ignore() -> &'static RuleMeta {
    &unused_ignore::UnusedIgnore::META
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = HashSet::new();
        for r in RULES {
            let m = r.meta();
            assert!(seen.insert(m.id), "duplicate id {}", m.id);
            assert!(
                m.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                m.id
            );
            let doc = m.documentation();
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                assert!(doc.contains(heading), "{} lacks {heading}", m.id);
            }
        }
        assert_eq!(RULES.len(), 49);
    }

    #[test]
    fn contexts_decide_which_purposes_a_rule_judges() {
        let limits = find("missing-resource-limits").expect("rule");
        assert!(limits.applies_to(Purpose::Runtime) && limits.applies_to(Purpose::Documentation));
        assert!(!limits.applies_to(Purpose::Development) && !limits.applies_to(Purpose::Ci));
        let ports = find("published-on-all-interfaces").expect("rule");
        assert!(ports.applies_to(Purpose::Development));
        assert!(!ports.applies_to(Purpose::Ci) && !ports.applies_to(Purpose::Test));
        let socket = find("docker-socket-mount").expect("rule");
        assert!(Purpose::ALL.into_iter().all(|p| socket.applies_to(p)));
        let ci: Vec<&str> = judging(Purpose::Ci).map(|r| r.meta().id).collect();
        assert!(ci.contains(&"docker-socket-mount") && !ci.contains(&"missing-resource-limits"));
        assert_eq!(judging(Purpose::Runtime).count(), RULES.len());
    }

    #[test]
    fn did_you_mean_suggests_close_ids() {
        assert_eq!(did_you_mean("missing-usr"), vec!["missing-user"]);
        assert_eq!(
            did_you_mean("socket"),
            vec!["docker-socket-in-image", "docker-socket-mount"]
        );
        assert_eq!(
            did_you_mean("privileged"),
            vec!["privileged-container", "privileged-port"]
        );
        assert_eq!(did_you_mean("Root-User"), vec!["root-user"]);
        assert_eq!(did_you_mean(" user "), vec!["missing-user", "root-user"]);
        // A transposition is two edits; a long id allows three.
        assert_eq!(
            did_you_mean("privileged-contianer"),
            vec!["privileged-container"]
        );
        // Closer ids first.
        assert_eq!(did_you_mean("root-usr"), vec!["root-user"]);
        assert!(did_you_mean("zzzz").is_empty());
        assert!(did_you_mean("").is_empty());
        assert!(did_you_mean(&"x".repeat(100_000)).is_empty());
    }
}
