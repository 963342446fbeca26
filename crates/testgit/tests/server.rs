//! The test server itself: listing refs is not a fetch, a clone is one,
//! pausing holds requests, symlinks arrive as symlinks.

use std::process::Command;
use std::time::Duration;

use skillaudit_testgit::{git, symlink, Repos};

fn plain_git(args: &[&str]) -> std::process::Child {
    Command::new("git")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn counts_fetches_not_listings_and_pauses() {
    let repos = Repos::new();
    let head = repos.add(
        "app",
        &[
            ("Dockerfile", b"FROM alpine\n"),
            ("link", &symlink("/etc/passwd")),
        ],
    );
    let server = repos.serve();
    let url = server.url("/app.git");

    let out = plain_git(&["ls-remote", &url, "HEAD"])
        .wait_with_output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&head));
    assert_eq!(server.fetches(), 0, "{:?}", server.requests());
    assert!(server.connections() >= 1);

    server.pause();
    let before = server.connections();
    let dest = repos.scratch("clone");
    let dest = dest.join("app");
    let child = plain_git(&["clone", "-q", &url, dest.to_str().unwrap()]);
    assert!(server.wait_for_connections(before + 1, Duration::from_secs(10)));
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !dest.join("Dockerfile").exists(),
        "a paused server answered"
    );
    server.resume();
    assert!(child.wait_with_output().unwrap().status.success());
    assert_eq!(server.fetches(), 1, "{:?}", server.requests());
    assert!(std::fs::symlink_metadata(dest.join("link"))
        .unwrap()
        .file_type()
        .is_symlink());

    let next = repos.commit("app", &[("compose.yaml", b"services: {}\n")]);
    assert_ne!(next, head);
    assert_eq!(
        git(&repos.root().join("app.git"), &["rev-parse", "main"]),
        next
    );
}
