//! Tests of reading and validating a configuration.

use super::*;

fn err(text: &str) -> String {
    parse(text, "skillaudit.toml")
        .expect_err("an error")
        .to_string()
}

#[test]
fn a_full_configuration() {
    let c = parse(
        r#"
fail-on = "medium"
min-severity = "info"
disable = ["missing-healthcheck"]
exclude = ["examples/legacy/**", "third_party"]
non-root-images = ["ghcr.io/acme/base", "ghcr.io/acme/*:nonroot"]

[severity]
missing-pids-limit = "info"
unpinned-image = "HIGH"

[[ignore]]
rules = ["writable-bind-mount"]
paths = ["examples/**"]
reason = "examples are run by hand"

[allow.docker-socket]
reason = "this server manages containers"
paths = ["deploy/compose.yaml"]
"#,
        "skillaudit.toml",
    )
    .expect("valid");
    assert_eq!(c.fail_on, Some(Threshold::At(Severity::Medium)));
    assert_eq!(c.min_severity, Some(Severity::Info));
    assert!(c.is_disabled("missing-healthcheck"));
    assert_eq!(c.severity_of("missing-pids-limit"), Some(Severity::Info));
    assert_eq!(c.severity_of("unpinned-image"), Some(Severity::High));
    assert!(c
        .ignore_for("writable-bind-mount", "examples/a/compose.yaml")
        .is_some());
    assert!(c
        .ignore_for("writable-bind-mount", "compose.yaml")
        .is_none());
    assert!(c
        .ignore_for("privileged-container", "examples/compose.yaml")
        .is_none());
    assert!(c.excludes("examples/legacy/x/Dockerfile"));
    assert!(c.excludes("a/b/third_party/Dockerfile"));
    assert!(c.excludes("third_party"));
    assert!(!c.excludes("examples/new/Dockerfile"));
    assert_eq!(
        c.allow_for(Allowance::DockerSocket, "deploy/compose.yaml")
            .map(|a| a.reason.as_str()),
        Some("this server manages containers")
    );
    assert!(c
        .allow_for(Allowance::DockerSocket, "compose.yaml")
        .is_none());
    assert_eq!(c.settings().non_root_images.len(), 2);
    assert_eq!(Config::default().fail_on, None);
    // Inline forms are the same configuration.
    let c = parse(
        "severity = { unpinned-image = \"low\" }\nignore = [{ rules = [\"unpinned-image\"], paths = [\"a\"] }]\nallow = { docker-socket = { reason = \"r\" } }\nfail-on = \"never\"\n",
        "x",
    )
    .expect("valid");
    assert_eq!(c.severity_of("unpinned-image"), Some(Severity::Low));
    assert!(c.ignore_for("unpinned-image", "a/compose.yaml").is_some());
    assert!(c.allow_for(Allowance::DockerSocket, "anything").is_some());
    assert_eq!(c.fail_on, Some(Threshold::Never));
    assert!(parse("", "x").is_ok());
}

#[test]
fn every_threshold_name_is_a_fail_on_value() {
    for t in Threshold::ALL {
        let c = parse(&format!("fail-on = \"{}\"", t.name()), "x").expect("valid");
        assert_eq!(c.fail_on, Some(t), "{}", t.name());
    }
    assert_eq!(Threshold::Never.severity(), None);
    assert_eq!(Threshold::ALL[1].severity(), Some(Severity::High));
}

#[test]
fn errors_carry_their_position() {
    assert_eq!(err("disable = []\nfoo = 1\n"), "skillaudit.toml:2:1: unknown key `foo` (expected one of: fail-on, min-severity, disable, severity, ignore, exclude, non-root-images, allow, context)");
    assert_eq!(
        err("disable = [\"missing-usr\"]"),
        "skillaudit.toml:1:12: unknown rule id `missing-usr` (did you mean missing-user?); `skillaudit rules` lists them"
    );
    assert!(
        err("disable = [\"user\"]").contains("(did you mean missing-user, root-user?)"),
        "{}",
        err("disable = [\"user\"]")
    );
    assert_eq!(
        err("disable = \"missing-user\""),
        "skillaudit.toml:1:11: `disable` must be an array of strings, not string"
    );
    assert_eq!(
        err("disable = [1]"),
        "skillaudit.toml:1:12: `disable` must hold strings, not integer"
    );
    assert_eq!(
        err("min-severity = \"severe\""),
        "skillaudit.toml:1:16: `min-severity`: `severe` is not a severity (critical, high, medium, low or info)"
    );
    assert_eq!(
        err("fail-on = \"always\""),
        "skillaudit.toml:1:11: `fail-on`: `always` is not a severity (critical, high, medium, low, info or never)"
    );
    assert_eq!(
        err("\n[severity]\nmissing-user = \"urgent\""),
        "skillaudit.toml:3:16: `severity.missing-user`: `urgent` is not a severity (critical, high, medium, low or info)"
    );
    assert_eq!(
        err("[severity]\nnot-a-rule = \"low\""),
        "skillaudit.toml:2:1: unknown rule id `not-a-rule`; `skillaudit rules` lists them"
    );
    assert_eq!(
        err("exclude = [\"ok\", \"a/[b\"]"),
        "skillaudit.toml:1:18: `exclude`: invalid glob `a/[b`: unclosed character class; missing ']'"
    );
    assert_eq!(
        err("exclude = []"),
        "skillaudit.toml:1:11: `exclude` is empty"
    );
    assert_eq!(
        err("[[ignore]]\npaths = [\"a\"]\n"),
        "skillaudit.toml:1:1: `[[ignore]]` needs `rules = [\"rule-id\", ...]`"
    );
    assert_eq!(
        err("[[ignore]]\nrules = [\"missing-user\"]\n"),
        "skillaudit.toml:1:1: `[[ignore]]` needs `paths = [\"glob\", ...]` (to turn a rule off everywhere, use `disable`)"
    );
    assert_eq!(
        err("[[ignore]]\nrules = [\"missing-user\"]\npaths = [\"a\"]\nwhy = \"x\"\n"),
        "skillaudit.toml:4:1: unknown key `why` in `[[ignore]]` (expected rules, paths, reason)"
    );
    assert_eq!(
        err("ignore = 3"),
        "skillaudit.toml:1:10: `ignore` must be an array of tables (`[[ignore]]`), not integer"
    );
    assert_eq!(
        err("[allow.privileged]\nreason = \"x\""),
        "skillaudit.toml:1:8: unknown exception `allow.privileged` (known: docker-socket)"
    );
    assert_eq!(
        err("[allow.docker-socket]\npaths = [\"a\"]"),
        "skillaudit.toml:1:1: `[allow.docker-socket]` needs a non-empty `reason`"
    );
    assert_eq!(
        err("non-root-images = [\"\"]"),
        "skillaudit.toml:1:20: `non-root-images`: `` is not an image name"
    );
    assert_eq!(
        err("severity = \"low\""),
        "skillaudit.toml:1:12: `severity` must be a table, not string"
    );
    assert!(
        err("disable = [").starts_with("skillaudit.toml:1:12: invalid TOML: "),
        "{}",
        err("disable = [")
    );
}

#[test]
fn path_sets() {
    let p = |pats: &[&str]| {
        PathSet::new(&pats.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("valid")
    };
    let s = p(&[
        "examples/**",
        "*.md",
        "/top.yaml",
        "deploy/",
        "./k8s/*.yaml",
    ]);
    assert!(s.matches("examples/x/compose.yaml"));
    assert!(s.matches("docs/README.md"));
    assert!(s.matches("top.yaml"));
    assert!(!s.matches("sub/top.yaml"));
    assert!(s.matches("deploy/a/b/Dockerfile"));
    assert!(s.matches("k8s/app.yaml"));
    assert!(!s.matches("k8s/sub/app.yaml"));
    assert!(!s.matches("src/Dockerfile"));
    assert!(PathSet::new(&["".into()]).is_err());
}
