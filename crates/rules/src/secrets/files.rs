//! The detector applied to the content of a secret-looking file that a
//! Dockerfile copies (`secret-file-in-image`). The engine reads the file
//! (a bounded prefix); this module only looks at the text.
//!
//! | file | holds a credential when |
//! |---|---|
//! | `.npmrc` | a `_authToken`, `_auth` or `_password` setting (any registry scope) has a literal value |
//! | `.yarnrc.yml` | `npmAuthToken` or `npmAuthIdent` has a literal value |
//! | `.pypirc` | a `password` has a literal value |
//! | `.netrc`, `_netrc` | a `password` token has a literal value |
//! | `.env`, `.env.*` | a `KEY=value` line is a credential for [`classify`](super::classify) (a known format, or a high-entropy value under a secret-like name); weak or default passwords only are reported as such |
//! | `*.pem`, `*.key`, `id_rsa*`, `id_ed25519*` | it holds a private key (PEM or PuTTY), or its only content is one word of key material; certificates and public keys are not secrets |
//!
//! A literal is anything but a placeholder (`${NPM_TOKEN}`, `<token>`,
//! `changeme`, …): npm and Yarn substitute `${VAR}` when they run, so such a
//! file holds no secret. In every file, a known token format on any line
//! counts too. Other secret-looking files (`credentials*.json`, `.aws/`,
//! `.ssh/`, `.docker/config.json`) are not inspected.

use super::{classify, formats, is_placeholder, is_strong, unquote, Verdict};

/// What the content of a secret-looking file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileVerdict {
    /// A credential: what it is and where, without its value
    /// (`an npm auth token (_authToken)`).
    Credential(String),
    /// Only weak or default passwords: under which keys.
    WeakPassword(String),
    /// Looked at: no credential.
    Clean,
    /// Not inspected (a kind of file this module does not read, or a read
    /// cut short before anything was found).
    Unknown,
}

/// Inspect the text of the file at `path` (a relative path; its last
/// component decides how it is read). `truncated` says the text is only
/// the beginning of the file: then "nothing found" is [`FileVerdict::Unknown`].
pub fn inspect(path: &str, text: &str, truncated: bool) -> FileVerdict {
    let name = last_component(path);
    let text = text.trim_start_matches('\u{FEFF}');
    let verdict = match name {
        ".npmrc" => settings(text, '=', |k| {
            let k = k.rsplit(':').next().unwrap_or(k);
            ["_authToken", "_auth", "_password"]
                .into_iter()
                .find(|t| k.eq_ignore_ascii_case(t))
                .map(|t| format!("an npm registry credential ({t})"))
        }),
        ".yarnrc.yml" | ".yarnrc.yaml" => settings(text, ':', |k| {
            ["npmAuthToken", "npmAuthIdent"]
                .into_iter()
                .find(|t| k == *t)
                .map(|t| format!("a Yarn registry credential ({t})"))
        }),
        ".pypirc" => {
            settings(text, '=', pypirc_password).or_else(|| settings(text, ':', pypirc_password))
        }
        ".netrc" | "_netrc" => netrc(text),
        _ if is_env_file(name) => return env_file(text, truncated),
        _ if is_key_file(name) => key_file(text),
        _ => return FileVerdict::Unknown,
    };
    match verdict.or_else(|| any_known_format(text)) {
        Some(what) => FileVerdict::Credential(what),
        None if truncated => FileVerdict::Unknown,
        None => FileVerdict::Clean,
    }
}

/// Does [`inspect`] read files at `path` (so the engine should read them)?
pub fn is_inspected(path: &str) -> bool {
    let name = last_component(path);
    matches!(
        name,
        ".npmrc" | ".yarnrc.yml" | ".yarnrc.yaml" | ".pypirc" | ".netrc" | "_netrc"
    ) || is_env_file(name)
        || is_key_file(name)
}

fn last_component(path: &str) -> &str {
    path.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
}

fn is_env_file(name: &str) -> bool {
    name == ".env" || (name.starts_with(".env.") && !name.contains('*'))
}

fn is_key_file(name: &str) -> bool {
    name.ends_with(".pem")
        || name.ends_with(".key")
        || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
}

/// A literal value: neither empty nor a placeholder.
fn is_literal(value: &str) -> bool {
    !is_placeholder(value)
}

/// The first line `key <sep> value` whose key `secret` recognises and whose
/// value is a literal. Lines starting with `#` or `;` are comments.
fn settings(text: &str, sep: char, secret: impl Fn(&str) -> Option<String>) -> Option<String> {
    text.lines().find_map(|line| {
        let line = line.trim();
        if line.starts_with(['#', ';']) {
            return None;
        }
        let (key, value) = line.split_once(sep)?;
        let what = secret(key.trim())?;
        is_literal(strip_comment(value)).then_some(what)
    })
}

/// `value # comment` without the comment (a `#` after whitespace).
fn strip_comment(value: &str) -> &str {
    let value = value.trim();
    if value.starts_with(['"', '\'']) {
        return value;
    }
    match value.find(" #") {
        Some(i) => value[..i].trim_end(),
        None => value,
    }
}

fn pypirc_password(key: &str) -> Option<String> {
    key.eq_ignore_ascii_case("password")
        .then(|| "a package-index password (password)".to_string())
}

/// `machine host login user password secret` tokens, on any lines.
fn netrc(text: &str) -> Option<String> {
    let mut tokens = text.split_whitespace();
    while let Some(token) = tokens.next() {
        if token == "password" && tokens.next().is_some_and(is_literal) {
            return Some("a login password (password)".to_string());
        }
    }
    None
}

/// A private key, or a key file whose whole content is one strong word.
fn key_file(text: &str) -> Option<String> {
    if text.contains("PuTTY-User-Key-File") {
        return Some("a PuTTY private key".to_string());
    }
    if let Some(found) = formats::find_token(None, text).filter(|f| !f.weak) {
        return Some(format!("a {}", found.kind));
    }
    let trimmed = text.trim();
    let one_word = !trimmed.is_empty() && !trimmed.contains(char::is_whitespace);
    (one_word && !trimmed.contains("-----") && is_strong(trimmed))
        .then(|| "key material".to_string())
}

/// A known credential format anywhere in the text, line by line.
fn any_known_format(text: &str) -> Option<String> {
    text.lines().find_map(|line| match classify(None, line) {
        Verdict::Known(m) => Some(format!("a {}", m.kind)),
        _ => None,
    })
}

/// `KEY=value` lines (`export KEY=value`, quoted values, comments).
fn env_file(text: &str, truncated: bool) -> FileVerdict {
    let mut weak: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        match classify(Some(key), unquote(strip_comment(value))) {
            verdict @ (Verdict::Known(_) | Verdict::HighEntropy(_)) => {
                let kind = verdict.secret().map_or("credential", |m| m.kind);
                return FileVerdict::Credential(format!(
                    "{key}: {}",
                    crate::analysis::with_article(kind)
                ));
            }
            Verdict::WeakPassword(_) => weak.push(key),
            Verdict::Placeholder | Verdict::Nothing => {}
        }
    }
    if truncated {
        FileVerdict::Unknown
    } else if weak.is_empty() {
        FileVerdict::Clean
    } else {
        let shown: Vec<&str> = weak.iter().take(3).copied().collect();
        let more = weak.len().saturating_sub(3);
        let mut keys = shown.join(", ");
        if more > 0 {
            keys.push_str(&format!(" and {more} more"));
        }
        FileVerdict::WeakPassword(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB: &str = "ghp_R2d7kQ9vXw3LmN8pT5yZa1Bc4De6Fg0Hi2Jk";
    const NPM: &str = "npm_Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8Gh0Ij1Kl3";

    fn credential(path: &str, text: &str) -> bool {
        matches!(inspect(path, text, false), FileVerdict::Credential(_))
    }

    #[test]
    fn npmrc() {
        assert_eq!(
            inspect(".npmrc", "ignore-scripts=true\n", false),
            FileVerdict::Clean
        );
        assert_eq!(
            inspect(
                ".npmrc",
                "registry=https://registry.npmjs.org/\nsave-exact=true\n# _authToken=abc\n",
                false
            ),
            FileVerdict::Clean
        );
        // npm substitutes ${VAR} itself: the file holds no secret.
        assert_eq!(
            inspect(
                ".npmrc",
                "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
                false
            ),
            FileVerdict::Clean
        );
        assert_eq!(
            inspect(
                ".npmrc",
                &format!("//registry.npmjs.org/:_authToken={NPM}\n"),
                false
            ),
            FileVerdict::Credential("an npm registry credential (_authToken)".into())
        );
        assert!(credential(".npmrc", "_auth = dXNlcjpwYXNz\n"));
        assert!(credential(
            "app/.npmrc",
            "//npm.pkg.github.com/:_password=aHVudGVyMg==\n"
        ));
        // A token in any setting.
        assert!(credential(
            ".npmrc",
            &format!("//npm.pkg.github.com/:token={GITHUB}\n")
        ));
    }

    #[test]
    fn yarnrc() {
        assert_eq!(
            inspect(
                ".yarnrc.yml",
                "nodeLinker: node-modules\nenableTelemetry: false\n",
                false
            ),
            FileVerdict::Clean
        );
        assert_eq!(
            inspect(
                ".yarnrc.yml",
                "npmScopes:\n  acme:\n    npmAuthToken: \"${NPM_TOKEN}\"\n",
                false
            ),
            FileVerdict::Clean
        );
        assert!(credential(
            ".yarnrc.yml",
            "npmScopes:\n  acme:\n    npmAuthToken: Zq8Rk3Lm5Np7Tv9Wx2Yb\n"
        ));
        assert!(credential(".yarnrc.yml", "npmAuthIdent: \"user:pass\"\n"));
    }

    #[test]
    fn pypirc_and_netrc() {
        let index = "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\n";
        assert_eq!(inspect(".pypirc", index, false), FileVerdict::Clean);
        assert!(credential(
            ".pypirc",
            &format!("{index}password = hunter22\n")
        ));
        assert!(credential(
            ".pypirc",
            &format!("{index}password: hunter22\n")
        ));
        assert_eq!(
            inspect(
                ".pypirc",
                &format!("{index}password = <your token>\n"),
                false
            ),
            FileVerdict::Clean
        );

        assert_eq!(
            inspect(".netrc", "machine github.com login octocat\n", false),
            FileVerdict::Clean
        );
        assert!(credential(
            ".netrc",
            "machine github.com\n  login octocat\n  password hunter22\n"
        ));
        assert!(credential("_netrc", "machine h login u password p4ss-w0rd"));
        assert_eq!(
            inspect(".netrc", "machine h login u password ${TOKEN}", false),
            FileVerdict::Clean
        );
    }

    #[test]
    fn env_files() {
        let clean =
            "# settings\nPORT=3000\nAPI_URL=http://localhost\nOPENAI_API_KEY=your-key-here\n\
                     GITHUB_TOKEN=\nDB_PASSWORD=changeme\nSECRET=${SECRET}\nexport MODE=dev\n";
        assert_eq!(inspect(".env", clean, false), FileVerdict::Clean);
        assert_eq!(
            inspect(
                ".env.production",
                &format!("{clean}GITHUB_TOKEN={GITHUB}\n"),
                false
            ),
            FileVerdict::Credential("GITHUB_TOKEN: a GitHub token".into())
        );
        assert_eq!(
            inspect(
                ".env",
                "export JWT_SECRET='a8f5f167f44f4964e6c998dee827110c'\n",
                false
            ),
            FileVerdict::Credential("JWT_SECRET: a secret".into())
        );
        assert_eq!(
            inspect(
                ".env",
                "POSTGRES_PASSWORD=postgres\nNEO4J_AUTH=neo4j/password # demo\n",
                false
            ),
            FileVerdict::WeakPassword("POSTGRES_PASSWORD, NEO4J_AUTH".into())
        );
        // Nothing found in a cut read: cannot tell.
        assert_eq!(inspect(".env", clean, true), FileVerdict::Unknown);
        // A cut read that already shows a credential is one.
        assert!(matches!(
            inspect(".env", &format!("T={GITHUB}\n"), true),
            FileVerdict::Credential(_)
        ));
    }

    #[test]
    fn key_files() {
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----\n";
        assert_eq!(
            inspect("deploy/id_ed25519", key, false),
            FileVerdict::Credential("a private key".into())
        );
        assert!(credential(
            "server.key",
            "PuTTY-User-Key-File-3: ssh-ed25519\n"
        ));
        assert!(credential(
            "master.key",
            "a8f5f167f44f4964e6c998dee827110c\n"
        ));
        let cert = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----\n";
        assert_eq!(inspect("certs/ca.pem", cert, false), FileVerdict::Clean);
        assert_eq!(
            inspect(
                "id_rsa.pub",
                "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 me@host\n",
                false
            ),
            FileVerdict::Clean
        );
        assert_eq!(
            inspect("id_rsa", "not a real key\n", false),
            FileVerdict::Clean
        );
    }

    #[test]
    fn other_files_are_not_inspected() {
        for path in [
            "credentials.json",
            ".aws/credentials",
            ".docker/config.json",
            ".ssh/config",
        ] {
            assert_eq!(inspect(path, "{}", false), FileVerdict::Unknown, "{path}");
        }
    }
}
