use super::git::check_ref;
use super::*;

fn v4(s: &str) -> IpAddr {
    IpAddr::V4(s.parse().unwrap())
}
fn v6(s: &str) -> IpAddr {
    IpAddr::V6(s.parse().unwrap())
}

#[test]
fn non_public_addresses() {
    for a in [
        "127.0.0.1",
        "127.9.9.9",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.1",
        "239.1.1.1",
        "255.255.255.255",
        "100.64.0.1",
        "198.18.0.1",
    ] {
        assert!(!is_public(v4(a)), "{a}");
    }
    for a in [
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "64:ff9b::a00:1",
        "2002:7f00:1::",
        "fec0::1",
        "2001:db8::1",
    ] {
        assert!(!is_public(v6(a)), "{a}");
    }
    for a in [
        "140.82.112.3",
        "8.8.8.8",
        "172.32.0.1",
        "100.128.0.1",
        "192.169.0.1",
    ] {
        assert!(is_public(v4(a)), "{a}");
    }
    for a in [
        "2606:4700::1111",
        "::ffff:140.82.112.3",
        "2a01:4f8::1",
        "64:ff9b::808:808",
    ] {
        assert!(is_public(v6(a)), "{a}");
    }
}

#[test]
fn url_checks() {
    let p = FetchPolicy::default();
    let ok = check_url("https://github.com/owner/repo", &p).unwrap();
    assert_eq!(ok.url(), "https://github.com/owner/repo");
    assert_eq!(
        check_url("HTTPS://GitHub.com:443/o/r.git", &p)
            .unwrap()
            .url(),
        "https://github.com/o/r.git"
    );
    for u in [
        "https://github.com/o/r",
        "https://GitHub.com/o/r.git",
        "https://github.com:443/o/r/",
        "https://github.com/o/r.git/",
    ] {
        assert_eq!(
            check_url(u, &p).unwrap().source_key(),
            "https://github.com/o/r",
            "{u}"
        );
    }
    let refused = |u: &str| check_url(u, &p).unwrap_err();
    assert!(matches!(
        refused("http://github.com/o/r"),
        FetchError::Scheme(_)
    ));
    assert!(matches!(refused("file:///etc"), FetchError::Scheme(s) if s == "file://"));
    assert!(matches!(
        refused("ssh://git@github.com/o/r"),
        FetchError::Scheme(_)
    ));
    assert!(matches!(
        refused("git://github.com/o/r"),
        FetchError::Scheme(_)
    ));
    assert!(matches!(
        refused("ext::sh -c touch% /tmp/x"),
        FetchError::Malformed(_) | FetchError::Scheme(_)
    ));
    assert!(matches!(refused("ext::sh"), FetchError::Scheme(_)));
    assert!(matches!(refused("fd::3"), FetchError::Scheme(_)));
    assert!(matches!(
        refused("git@github.com:o/r.git"),
        FetchError::Scheme(_)
    ));
    assert!(matches!(refused("github.com:o/r"), FetchError::Scheme(_)));
    assert!(matches!(
        refused("https::github.com/o/r"),
        FetchError::Scheme(_)
    ));
    assert!(matches!(
        refused("https://github.com/o/r::x"),
        FetchError::Malformed(_)
    ));
    assert!(matches!(
        refused("-uhttps://github.com/o/r"),
        FetchError::OptionLike
    ));
    assert!(matches!(
        refused("--upload-pack=touch /tmp/x"),
        FetchError::OptionLike
    ));
    assert!(matches!(
        refused("https://user:tok@github.com/o/r"),
        FetchError::Credentials
    ));
    assert!(matches!(
        refused("https://tok@github.com/o/r"),
        FetchError::Credentials
    ));
    assert!(
        matches!(refused("https://evil.com/o/r"), FetchError::HostNotAllowed(h) if h == "evil.com")
    );
    assert!(matches!(
        refused("https://github.com.evil.com/o/r"),
        FetchError::HostNotAllowed(_)
    ));
    assert!(
        matches!(refused("https://github.com:8443/o/r"), FetchError::HostNotAllowed(h) if h == "github.com:8443")
    );
    assert!(matches!(
        refused("https://github.com\\@evil.com/o/r"),
        FetchError::Malformed(_) | FetchError::Credentials
    ));
    assert!(matches!(
        refused("https://github.com#@evil.com/o/r"),
        FetchError::Malformed(_)
    ));
    assert!(matches!(
        refused("https://github.com/o/r?x=1"),
        FetchError::Malformed(_)
    ));
    assert!(matches!(
        refused("https://github.com/o/../r"),
        FetchError::Malformed(_)
    ));
    assert!(matches!(
        refused("https://github.com/o/%2e%2e"),
        FetchError::Malformed(_)
    ));
    assert!(matches!(
        refused("https://github.com/"),
        FetchError::Malformed(_)
    ));
    assert!(matches!(
        refused("https://git hub.com/o/r"),
        FetchError::Malformed(_)
    ));
    assert!(matches!(
        refused("https://127.0.0.1/o/r"),
        FetchError::HostNotAllowed(_)
    ));
    assert!(matches!(refused(""), FetchError::Malformed(_)));
}

#[test]
fn explicit_hosts() {
    let p = FetchPolicy::none().allow(
        AllowedHost::explicit("127.0.0.1:8080")
            .unwrap()
            .allow_http(),
    );
    assert!(check_url("http://127.0.0.1:8080/r.git", &p).is_ok());
    assert!(matches!(
        check_url("http://127.0.0.1:8081/r.git", &p).unwrap_err(),
        FetchError::HostNotAllowed(_)
    ));
    assert!(matches!(
        check_url("http://127.0.0.1/r.git", &p).unwrap_err(),
        FetchError::HostNotAllowed(_)
    ));
    let p = FetchPolicy::none().allow(AllowedHost::explicit("[::1]:9").unwrap());
    assert_eq!(
        check_url("https://[::1]:9/r", &p).unwrap().url(),
        "https://[::1]:9/r"
    );
    assert!(matches!(
        check_url("http://[::1]:9/r", &p).unwrap_err(),
        FetchError::Scheme(_)
    ));
    // Known non-public without DNS: refused by check_url already.
    for spec in ["[::1]:9", "10.0.0.1:9", "localhost:9", "a.localhost:9"] {
        let p =
            FetchPolicy::none().allow(AllowedHost::explicit(spec).unwrap().allow_private(false));
        let url = format!("https://{spec}/r");
        assert!(
            matches!(
                check_url(&url, &p).unwrap_err(),
                FetchError::PrivateAddress { .. }
            ),
            "{url}"
        );
    }
    let p = FetchPolicy::none().allow(
        AllowedHost::explicit("8.8.8.8:9")
            .unwrap()
            .allow_private(false),
    );
    assert!(check_url("https://8.8.8.8:9/r", &p).is_ok());
    assert!(AllowedHost::explicit("a b").is_err());
    assert!(AllowedHost::explicit("host:99999").is_err());
}

#[test]
fn refs() {
    assert!(check_ref("main").is_ok());
    assert!(check_ref("release/v1.2").is_ok());
    for r in [
        "-b",
        "--upload-pack=x",
        "a..b",
        "",
        "a b",
        "x.lock",
        "/x",
        "a//b",
    ] {
        assert!(check_ref(r).is_err(), "{r}");
    }
}
