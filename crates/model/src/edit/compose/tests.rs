use super::*;
use crate::file::{FileId, FileKind};
use crate::normalise::compose;
use crate::remedy::apply;

fn fix(text: &str, remedy: Remedy) -> Option<String> {
    let stream = skillaudit_syntax::tree::yaml::parse(text);
    assert!(stream.error.is_none());
    let file = SourceFile::new(
        FileId(0),
        "compose.yaml".into(),
        "compose.yaml".into(),
        FileKind::Compose,
        text.into(),
    );
    let c = &compose::containers(FileId(0), &stream)[0];
    let crate::ContainerSource::ComposeService { name } = &c.source else {
        unreachable!()
    };
    let services = Services::new(&file, &stream);
    let edits = edits(&file, &stream, &services, name, c, &remedy)?;
    let out = apply(text, &edits.iter().collect::<Vec<_>>())?;
    let again = skillaudit_syntax::tree::yaml::parse(&out);
    assert!(
        again.error.is_none() && again.duplicate_keys.is_empty(),
        "{out}"
    );
    Some(out)
}

#[test]
fn new_keys_go_after_the_last_entry_with_its_indentation() {
    let text = "services:\n    web:\n        image: x   # pinned later\n        ports:\n        - \"80:80\"\n\n    # the database\n    db:\n        image: y\n";
    let out = fix(text, Remedy::NoNewPrivileges).unwrap();
    assert_eq!(
            out,
            "services:\n    web:\n        image: x   # pinned later\n        ports:\n        - \"80:80\"\n        security_opt:\n        - no-new-privileges:true\n\n    # the database\n    db:\n        image: y\n"
        );
}

#[test]
fn appends_to_block_and_flow_lists() {
    let text = "services:\n  web:\n    image: x\n    security_opt:\n      - seccomp:p.json # custom\n    cap_drop: [NET_RAW]\n";
    let out = fix(text, Remedy::NoNewPrivileges).unwrap();
    assert!(
        out.contains(
            "      - seccomp:p.json # custom\n      - no-new-privileges:true\n    cap_drop"
        ),
        "{out}"
    );
    let out = fix(text, Remedy::DropAllCapabilities).unwrap();
    assert!(out.contains("cap_drop: [NET_RAW, ALL]\n"), "{out}");
    let out = fix(
        "services:\n  web:\n    image: x\n    security_opt: [no-new-privileges:false]\n",
        Remedy::NoNewPrivileges,
    )
    .unwrap();
    assert!(
        out.contains("security_opt: [no-new-privileges:true]"),
        "{out}"
    );
}

#[test]
fn merged_lists_and_anchored_bodies_are_left_alone() {
    let merged = "x: &c\n  security_opt: [seccomp:unconfined]\nservices:\n  web:\n    <<: *c\n    image: x\n";
    assert_eq!(fix(merged, Remedy::NoNewPrivileges), None);
    // A scalar may be overridden next to a merge.
    assert!(fix(merged, Remedy::ReadOnlyRoot)
        .unwrap()
        .contains("    image: x\n    read_only: true\n    tmpfs:\n      - /tmp\n"));
    let anchored = "services:\n  web: &w\n    image: x\n  api:\n    <<: *w\n";
    assert_eq!(fix(anchored, Remedy::DropAllCapabilities), None);
}

#[test]
fn crlf_flow_bodies_limits_ports_mounts_privileged() {
    let crlf = "services:\r\n  web:\r\n    image: x\r\n";
    assert_eq!(
        fix(crlf, Remedy::PidsLimit).unwrap(),
        "services:\r\n  web:\r\n    image: x\r\n    pids_limit: 256\r\n"
    );
    let flow = "services:\n  web: {image: x}\n";
    assert_eq!(
        fix(flow, Remedy::DropAllCapabilities).unwrap(),
        "services:\n  web: {image: x, cap_drop: [ALL]}\n"
    );
    let deploy = "services:\n  web:\n    image: x\n    deploy:\n      resources:\n        limits:\n          memory: 256M\n    restart: always\n";
    let out = fix(deploy, Remedy::ResourceLimits).unwrap();
    assert!(
        out.contains("          memory: 256M\n          cpus: \"1.0\"\n    restart: always\n"),
        "{out}"
    );
    let out = fix(deploy, Remedy::PidsLimit).unwrap();
    assert!(out.contains("          pids: 256\n"), "{out}");
    let ports = "services:\n  web:\n    image: x\n    ports:\n      - \"8080:80\"\n      - 0.0.0.0:9000:9000\n      - '3000'\n      - target: 80\n        published: 81\n";
    let out = fix(ports, Remedy::PublishOnLoopback { port: 0 }).unwrap();
    assert!(out.contains("- \"127.0.0.1:8080:80\""), "{out}");
    assert!(fix(ports, Remedy::PublishOnLoopback { port: 1 })
        .unwrap()
        .contains("- 127.0.0.1:9000:9000\n"));
    assert!(fix(ports, Remedy::PublishOnLoopback { port: 2 })
        .unwrap()
        .contains("- '127.0.0.1::3000'\n"));
    assert!(fix(ports, Remedy::PublishOnLoopback { port: 3 })
        .unwrap()
        .ends_with("published: 81\n        host_ip: 127.0.0.1\n"));
    let vols = "services:\n  web:\n    image: x\n    volumes:\n      - ./data:/data\n      - \"./cache:/cache:z\"\n      - type: bind\n        source: ./logs\n        target: /logs\n";
    assert!(fix(vols, Remedy::BindReadOnly { mount: 0 })
        .unwrap()
        .contains("- ./data:/data:ro\n"));
    assert!(fix(vols, Remedy::BindReadOnly { mount: 1 })
        .unwrap()
        .contains("- \"./cache:/cache:z,ro\"\n"));
    assert!(fix(vols, Remedy::BindReadOnly { mount: 2 })
        .unwrap()
        .ends_with("target: /logs\n        read_only: true\n"));
    let privileged =
        "services:\n  web:\n    image: x\n    privileged: true # needed?\n    user: \"1001\"\n";
    assert_eq!(
        fix(privileged, Remedy::RemovePrivileged).unwrap(),
        "services:\n  web:\n    image: x\n    user: \"1001\"\n"
    );
}
