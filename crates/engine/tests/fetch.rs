//! Fetching untrusted repositories, against a git server on loopback
//! (`skillaudit-testgit`: a tiny HTTP server running `git http-backend`
//! over bare repositories made in a temporary directory). No network
//! beyond 127.0.0.1.

use std::path::Path;
use std::time::{Duration, Instant};

use skillaudit_engine::fetch::{
    fetch, fetch_ref, remote_head, AllowedHost, FetchError, FetchPolicy,
};
use skillaudit_testgit::{entries, git, make_repo, noise, wait_until, Mode, Server};

/// A policy allowing exactly this loopback server over plain http, its
/// checkouts made in `work`.
fn policy_for(server: &Server, work: &Path) -> FetchPolicy {
    let mut p = FetchPolicy::none()
        .allow(AllowedHost::explicit(&server.host()).unwrap().allow_http())
        .timeout(Duration::from_secs(60));
    p.work_dir = Some(work.to_path_buf());
    p
}

const DOCKERFILE: &[u8] =
    b"FROM ubuntu:latest\nRUN curl -fsSL https://example.invalid/install.sh | sh\n";

#[test]
fn fetches_an_explicitly_allowed_loopback_host_and_deletes_the_checkout_on_drop() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&served).unwrap();
    let head = make_repo(
        &served,
        "app",
        &[("Dockerfile", DOCKERFILE), ("README.md", b"# app\n")],
    );
    let server = Server::start(Mode::Git {
        root: served.clone(),
        throttle: None,
    });

    let checkout = fetch(&server.url("/app.git"), &policy_for(&server, &work)).unwrap();
    assert_eq!(checkout.commit, head);
    // One pack fetch (the counter the service tests rely on).
    assert_eq!(server.fetches(), 1, "{:?}", server.requests());
    assert_eq!(checkout.url, server.url("/app.git"));
    assert_eq!(
        std::fs::read(checkout.root().join("Dockerfile")).unwrap(),
        DOCKERFILE
    );
    // Shallow (one commit), under work/.
    assert_eq!(
        std::fs::read_to_string(checkout.root().join(".git/shallow"))
            .unwrap()
            .trim(),
        head
    );
    assert!(checkout.dir().starts_with(&work));
    let result = skillaudit_engine::scan(&skillaudit_engine::ScanOptions {
        targets: vec![checkout.root().to_string_lossy().into_owned()],
        ..Default::default()
    })
    .unwrap();
    assert!(
        result.findings.iter().any(|f| f.path == "Dockerfile"),
        "no findings in the fetched Dockerfile"
    );
    let dir = checkout.dir().to_path_buf();
    assert!(dir.exists());
    drop(checkout);
    assert!(!dir.exists(), "checkout not deleted on drop");
    assert!(entries(&work).is_empty());
}

#[test]
fn fetches_a_named_branch() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let work_repo = served.join("app-work");
    git(&work_repo, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        work_repo.join("compose.yaml"),
        "services:\n  a:\n    image: x\n",
    )
    .unwrap();
    git(&work_repo, &["add", "-A"]);
    git(&work_repo, &["commit", "-q", "-m", "feature"]);
    let feature_head = git(&work_repo, &["rev-parse", "HEAD"]);
    git(&work_repo, &["push", "-q", "../app.git", "feature"]);
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let policy = policy_for(&server, tmp.path());
    let main = fetch(&server.url("/app.git"), &policy).unwrap();
    assert!(!main.root().join("compose.yaml").exists());
    let feature = fetch_ref(&server.url("/app.git"), Some("feature"), &policy).unwrap();
    assert_eq!(feature.commit, feature_head);
    assert!(feature.root().join("compose.yaml").exists());
    assert!(matches!(
        fetch_ref(
            &server.url("/app.git"),
            Some("--upload-pack=touch /tmp/x"),
            &policy
        )
        .unwrap_err(),
        FetchError::BadRef(_)
    ));
}

#[test]
fn loopback_is_refused_unless_explicitly_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let port = server.addr.port();

    // Not on the list at all (the default list).
    let err = fetch(
        &format!("https://127.0.0.1:{port}/app.git"),
        &FetchPolicy::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, FetchError::HostNotAllowed(ref h) if *h == format!("127.0.0.1:{port}")),
        "{err}"
    );
    // On the list, but not allowed to be private: the literal and a name
    // that resolves to loopback are both refused.
    for host in ["127.0.0.1", "localhost"] {
        let policy = FetchPolicy::none().allow(
            AllowedHost::explicit(&format!("{host}:{port}"))
                .unwrap()
                .allow_http()
                .allow_private(false),
        );
        let err = fetch(&format!("http://{host}:{port}/app.git"), &policy).unwrap_err();
        assert!(
            matches!(err, FetchError::PrivateAddress { ref address, .. } if address.is_loopback()),
            "{host}: {err}"
        );
        assert!(err.to_string().contains("non-public"), "{err}");
    }
    // A public-only entry (the default kind) for an IPv6 loopback literal.
    let policy = FetchPolicy::none().allow(
        AllowedHost::explicit(&format!("[::1]:{port}"))
            .unwrap()
            .allow_private(false),
    );
    assert!(matches!(
        fetch(&format!("https://[::1]:{port}/app.git"), &policy).unwrap_err(),
        FetchError::PrivateAddress { .. }
    ));
    assert!(matches!(
        remote_head(&format!("https://[::1]:{port}/app.git"), &policy).unwrap_err(),
        FetchError::PrivateAddress { .. }
    ));
    let policy = FetchPolicy::none().allow(
        AllowedHost::explicit(&format!("[::ffff:127.0.0.1]:{port}"))
            .unwrap()
            .allow_private(false),
    );
    assert!(matches!(
        fetch(
            &format!("https://[::ffff:127.0.0.1]:{port}/app.git"),
            &policy
        )
        .unwrap_err(),
        FetchError::PrivateAddress { .. }
    ));
    assert_eq!(server.connections(), 0, "a refused URL reached the server");

    // Explicitly allowed (private allowed): the name works too.
    let policy = FetchPolicy::none().allow(
        AllowedHost::explicit(&format!("localhost:{port}"))
            .unwrap()
            .allow_http(),
    );
    let checkout = fetch(&format!("http://localhost:{port}/app.git"), &policy).unwrap();
    assert!(checkout.root().join("Dockerfile").is_file());
}

#[test]
fn refused_schemes_and_forms_never_reach_a_server() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let server = Server::start(Mode::Git {
        root: served.clone(),
        throttle: None,
    });
    let host = server.host();
    // The host is allowed, https only.
    let policy = FetchPolicy::none().allow(AllowedHost::explicit(&host).unwrap());
    let bare = served.join("app.git");
    let bare = bare.display();
    let cases: Vec<(String, &str)> = vec![
        (format!("http://{host}/app.git"), "scheme"),
        (format!("file://{bare}"), "scheme"),
        (bare.to_string(), "malformed"),
        (format!("ssh://{host}/app.git"), "scheme"),
        (format!("git://{host}/app.git"), "scheme"),
        (
            format!("ext::git --git-dir={bare} upload-pack %s"),
            "malformed",
        ),
        (format!("ext::sh%-c%touch%{bare}/pwned"), "scheme"),
        ("fd::0".to_string(), "scheme"),
        (format!("git@{}:app.git", server.addr.ip()), "scheme"),
        ("127.0.0.1:app.git".to_string(), "scheme"),
        (format!("https::{host}/app.git"), "scheme"),
        (format!("-uhttps://{host}/app.git"), "option"),
        (format!("--upload-pack=touch {bare}/pwned"), "option"),
        (format!("https://user:secret@{host}/app.git"), "credentials"),
        (format!("https://token@{host}/app.git"), "credentials"),
        (format!("http://user:secret@{host}/app.git"), "credentials"),
        (format!("https://{host}/app.git?x=1"), "malformed"),
        (format!("https://{host}/../app.git"), "malformed"),
        (format!("https://{host}/app.git#frag"), "malformed"),
        ("https://evil.example/app.git".to_string(), "host"),
        (format!("https://{}/app.git", server.addr.ip()), "host"),
    ];
    for (url, want) in &cases {
        let err = fetch(url, &policy).unwrap_err();
        // remote_head refuses exactly what fetch refuses.
        assert_eq!(remote_head(url, &policy).unwrap_err(), err, "{url}");
        let got = match err {
            FetchError::Scheme(_) => "scheme",
            FetchError::Malformed(_) => "malformed",
            FetchError::OptionLike => "option",
            FetchError::Credentials => "credentials",
            FetchError::HostNotAllowed(_) => "host",
            ref other => panic!("{url}: unexpected {other:?}"),
        };
        assert_eq!(got, *want, "{url}: {err}");
        assert!(!err.to_string().contains("secret"), "{err}");
    }
    assert!(!served.join("app.git/pwned").exists());
    assert_eq!(server.connections(), 0, "a refused URL reached the server");
}

#[test]
fn redirects_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let target = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let redirect = Server::start(Mode::Redirect(format!("http://{}", target.host())));
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    // Both hosts allowed: the redirect itself is what is refused.
    let mut policy = policy_for(&redirect, &work)
        .allow(AllowedHost::explicit(&target.host()).unwrap().allow_http());
    policy.timeout = Duration::from_secs(30);
    let err = fetch(&redirect.url("/app.git"), &policy).unwrap_err();
    assert!(matches!(err, FetchError::Git(_)), "{err:?}");
    assert!(redirect.connections() >= 1);
    assert_eq!(target.connections(), 0, "the redirect was followed");
    assert!(
        entries(&work).is_empty(),
        "checkout left behind after a failure"
    );
}

#[test]
fn an_oversized_repository_is_stopped_and_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&served).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let big = noise(3 << 20);
    make_repo(
        &served,
        "big",
        &[("Dockerfile", DOCKERFILE), ("blob.bin", &big)],
    );
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let policy = policy_for(&server, &work).max_bytes(1 << 20);
    let err = fetch(&server.url("/big.git"), &policy).unwrap_err();
    assert_eq!(err, FetchError::TooLarge(1 << 20));
    assert!(err.to_string().contains("larger than the limit"), "{err}");
    assert!(entries(&work).is_empty(), "oversized checkout left behind");
    // The same repository fits a larger limit.
    let ok = fetch(&server.url("/big.git"), &policy.max_bytes(16 << 20)).unwrap();
    assert!(ok.root().join("blob.bin").is_file());
}

#[test]
fn an_oversized_repository_is_stopped_while_it_downloads() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&served).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let big = noise(4 << 20);
    make_repo(&served, "big", &[("blob.bin", &big)]);
    // 16 KiB every 50 ms: the whole pack would take more than 12 s.
    let server = Server::start(Mode::Git {
        root: served,
        throttle: Some((16 << 10, Duration::from_millis(50))),
    });
    let policy = policy_for(&server, &work).max_bytes(512 << 10);
    let err = fetch(&server.url("/big.git"), &policy).unwrap_err();
    assert_eq!(err, FetchError::TooLarge(512 << 10));
    // Stopped mid-download: the server never got to send the whole pack.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        server.large_responses_sent(),
        0,
        "the pack was downloaded to the end"
    );
    assert!(entries(&work).is_empty(), "oversized checkout left behind");
}

#[test]
fn a_clone_that_hangs_is_killed_at_the_time_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(Mode::Hang);
    let policy = policy_for(&server, tmp.path()).timeout(Duration::from_secs(2));
    let started = Instant::now();
    let err = fetch(&server.url("/app.git"), &policy).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err, FetchError::TimedOut(Duration::from_secs(2)));
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "{took:?}"
    );
    assert!(server.connections() >= 1);
    // The whole process group went: the helper holding the connection too.
    assert!(
        wait_until(Duration::from_secs(5), || server.client_closed()),
        "git's connection is still open after the kill"
    );
    assert!(
        entries(tmp.path()).is_empty(),
        "checkout left behind after a timeout"
    );
}

#[test]
fn a_symlinked_dockerfile_leaks_nothing_from_outside_the_checkout() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&served).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    // A file outside the checkout that would produce findings if read.
    let marker = "SECRET_MARKER_9f2c";
    std::fs::write(outside.join("Dockerfile"), format!("FROM ubuntu:latest\nENV AWS_SECRET_ACCESS_KEY={marker}wJalrXUtnFEMIK7MDENGbPxRfiCY\nUSER root\n")).unwrap();
    let outside_dockerfile = format!("->{}", outside.join("Dockerfile").display());
    let outside_dir = format!("->{}", outside.display());
    make_repo(
        &served,
        "links",
        &[
            ("Dockerfile", b"->/etc/passwd"),
            ("compose.yaml", b"->../../../../../../../../etc/passwd"),
            ("build/Dockerfile", outside_dockerfile.as_bytes()),
            (".devcontainer", outside_dir.as_bytes()),
            ("README.md", b"# links\n"),
        ],
    );
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let checkout = fetch(&server.url("/links.git"), &policy_for(&server, tmp.path())).unwrap();
    // The links arrived as links, not as copies.
    assert!(
        std::fs::symlink_metadata(checkout.root().join("Dockerfile"))
            .unwrap()
            .file_type()
            .is_symlink()
    );

    let result = skillaudit_engine::scan(&skillaudit_engine::ScanOptions {
        targets: vec![checkout.root().to_string_lossy().into_owned()],
        ..Default::default()
    })
    .unwrap();
    let root = checkout.root().canonicalize().unwrap();
    for file in &result.project.files {
        let real = file.abs.canonicalize().unwrap_or(file.abs.clone());
        assert!(
            real.starts_with(&root),
            "scanned a file outside the checkout: {}",
            real.display()
        );
        assert!(
            !file.text.contains("root:") && !file.text.contains(marker),
            "{}",
            file.path
        );
    }
    let everything = format!("{:?} {:?}", result.findings, result.notices);
    assert!(
        !everything.contains("root:x:")
            && !everything.contains(marker)
            && !everything.contains("/bin/"),
        "{everything}"
    );
    assert!(result.findings.is_empty(), "{:?}", result.findings);
    let skipped: Vec<&str> = result
        .notices
        .iter()
        .filter(|n| n.message.contains("outside"))
        .map(|n| n.path.as_str())
        .collect();
    assert!(
        skipped.contains(&"Dockerfile") && skipped.contains(&"compose.yaml"),
        "{skipped:?}"
    );
}

#[test]
fn submodules_are_not_fetched() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "inner", &[("Dockerfile", DOCKERFILE)]);
    make_repo(&served, "outer", &[("README.md", b"# outer\n")]);
    let outer = served.join("outer-work");
    let inner = served.join("inner.git");
    git(
        &outer,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            &format!("file://{}", inner.display()),
            "sub",
        ],
    );
    git(&outer, &["commit", "-q", "-m", "submodule"]);
    git(&outer, &["push", "-q", "../outer.git", "HEAD:main"]);
    let server = Server::start(Mode::Git {
        root: served,
        throttle: None,
    });
    let checkout = fetch(&server.url("/outer.git"), &policy_for(&server, tmp.path())).unwrap();
    assert!(checkout.root().join(".gitmodules").is_file());
    // The submodule's directory is there, empty: its file:// URL was never used.
    assert!(checkout.root().join("sub").is_dir());
    assert!(entries(&checkout.root().join("sub")).is_empty());
}

#[test]
fn remote_head_lists_the_default_branch_without_cloning() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&served).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let head = make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    skillaudit_testgit::make_empty_repo(&served, "empty");
    let server = Server::git(&served);
    let policy = policy_for(&server, &work);

    assert_eq!(remote_head(&server.url("/app.git"), &policy).unwrap(), head);
    // No pack was fetched, and nothing is left behind.
    assert_eq!(server.fetches(), 0, "{:?}", server.requests());
    assert!(server.connections() >= 1);
    assert!(entries(&work).is_empty(), "temporary directory left behind");
    // It follows the branch.
    let next =
        skillaudit_testgit::commit_files(&served, "app", &[("compose.yaml", b"services: {}\n")]);
    assert_ne!(next, head);
    assert_eq!(remote_head(&server.url("/app.git"), &policy).unwrap(), next);
    // And agrees with what a clone checks out.
    assert_eq!(
        fetch(&server.url("/app.git"), &policy).unwrap().commit,
        next
    );

    let err = remote_head(&server.url("/empty.git"), &policy).unwrap_err();
    assert!(
        matches!(err, FetchError::Git(ref m) if m.contains("empty")),
        "{err:?}"
    );
    let err = remote_head(&server.url("/missing.git"), &policy).unwrap_err();
    assert!(matches!(err, FetchError::Git(_)), "{err:?}");
    // git's message names the URL at most, never the temporary directory.
    assert!(
        !err.to_string().contains(&work.display().to_string()),
        "{err}"
    );
    assert!(entries(&work).is_empty(), "temporary directory left behind");
}

#[test]
fn remote_head_is_killed_at_the_time_limit_and_does_not_follow_redirects() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(Mode::Hang);
    let policy = policy_for(&server, tmp.path()).timeout(Duration::from_secs(1));
    let started = Instant::now();
    let err = remote_head(&server.url("/app.git"), &policy).unwrap_err();
    assert_eq!(err, FetchError::TimedOut(Duration::from_secs(1)));
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert!(
        wait_until(Duration::from_secs(5), || server.client_closed()),
        "git's connection is still open after the kill"
    );
    assert!(entries(tmp.path()).is_empty());

    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    make_repo(&served, "app", &[("Dockerfile", DOCKERFILE)]);
    let target = Server::git(&served);
    let redirect = Server::start(Mode::Redirect(format!("http://{}", target.host())));
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let policy = policy_for(&redirect, &work)
        .allow(AllowedHost::explicit(&target.host()).unwrap().allow_http());
    let err = remote_head(&redirect.url("/app.git"), &policy).unwrap_err();
    assert!(matches!(err, FetchError::Git(_)), "{err:?}");
    assert!(redirect.connections() >= 1);
    assert_eq!(target.connections(), 0, "the redirect was followed");
}
