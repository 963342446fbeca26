//! Secret-like names (`PASSWORD`, `API_KEY`, `GITHUB_TOKEN`, …), names that
//! only describe a secret setting (`TOKEN_EXPIRY`), and literal values that
//! cannot be credentials whatever they are called (`true`, `30s`, URLs,
//! file paths).

use std::sync::LazyLock;

use regex::Regex;

use super::strength::looks_random;
use super::{compile, is_placeholder, is_secret_name};

/// Split a variable name into lower-cased words (see [`is_secret_name`]).
pub(super) fn split_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // apiKey, oauth2Token | APIKey
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower)
            {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    // camelCase splits `OAuth` into `o`, `auth`; it is one word.
    let mut merged: Vec<String> = Vec::with_capacity(words.len());
    for word in words {
        match merged.last_mut() {
            Some(last) if last == "o" && word.starts_with("auth") => last.push_str(&word),
            _ => merged.push(word),
        }
    }
    merged
}

/// One-word secret terms, the kind they report, and whether a longer word
/// ending with the term counts (`PGPASSWORD`).
const SECRET_WORDS: &[(&str, &str, bool)] = &[
    ("password", "password", true),
    ("passwd", "password", true),
    ("passphrase", "password", true),
    ("pass", "password", false),
    ("pwd", "password", false),
    ("secret", "secret", true),
    ("secrets", "secret", true),
    ("secretkey", "secret", true),
    ("clientsecret", "secret", true),
    ("token", "token", true),
    ("apikey", "API key", true),
    ("accesskey", "access key", true),
    ("privatekey", "private key", true),
    ("credential", "credential", true),
    ("credentials", "credential", true),
    ("creds", "credential", true),
    ("auth", "credential", false),
];

/// Two-word secret terms and the kind they report.
const SECRET_PAIRS: &[(&str, &str, &str)] = &[
    ("api", "key", "API key"),
    ("access", "key", "access key"),
    ("private", "key", "private key"),
    ("client", "secret", "secret"),
    ("encryption", "key", "encryption key"),
    ("signing", "key", "signing key"),
    ("master", "key", "master key"),
];

/// The secret term of a name that ends last, and where it ends.
pub(super) struct SecretTerm {
    pub kind: &'static str,
    /// Index of the term's last word.
    pub end: usize,
}

/// Does `word` stand for `term`? A trailing number is ignored (`password2`),
/// except for `auth` (`auth0` is a company).
fn word_is(word: &str, term: &str, suffix_ok: bool) -> bool {
    let base = word.trim_end_matches(|c: char| c.is_ascii_digit());
    word == term
        || (term != "auth" && base == term)
        || (suffix_ok && (word.ends_with(term) || base.ends_with(term)))
}

/// The last secret term in `words` (English compounds put the head noun
/// last: `AUTH_TOKEN` is a token, `TOKEN_SECRET` a secret).
pub(super) fn last_secret_term(words: &[String]) -> Option<SecretTerm> {
    // `PWD` alone is the shell's working directory.
    if words.len() == 1 && words[0] == "pwd" {
        return None;
    }
    for end in (0..words.len()).rev() {
        let word = &words[end];
        if end > 0 {
            let before = &words[end - 1];
            if let Some(&(_, _, kind)) = SECRET_PAIRS
                .iter()
                .find(|&&(first, second, _)| before == first && word == second)
            {
                return Some(SecretTerm { kind, end });
            }
        }
        if let Some(&(_, kind, _)) = SECRET_WORDS
            .iter()
            .find(|&&(term, _, suffix_ok)| word_is(word, term, suffix_ok))
        {
            return Some(SecretTerm { kind, end });
        }
    }
    None
}

/// Words that, after the secret term, make the name describe a setting about
/// the secret rather than hold it: `TOKEN_EXPIRY`, `PASSWORD_MIN_LENGTH`,
/// `SECRET_NAME`, `AUTH_TYPE`, `API_KEY_ENV`, `AUTH_USER`.
#[rustfmt::skip]
const DESCRIPTOR_WORDS: &[&str] = &[
    // kind of mechanism
    "type", "types", "mode", "method", "methods", "kind", "scheme", "strategy", "policy",
    "provider", "providers", "backend", "service", "driver", "plugin", "handler", "realm",
    "store", "manager", "source", "cache",
    // switches
    "enabled", "enable", "disabled", "disable", "required", "require", "optional",
    // where it is
    "url", "urls", "uri", "endpoint", "endpoints", "host", "hostname", "port", "server", "domain",
    "path", "paths", "file", "files", "dir", "directory", "folder", "location", "arn",
    // what it is called
    "name", "names", "id", "ids", "env", "var", "variable", "field", "param", "parameter",
    "prefix", "suffix",
    // lifetime and limits
    "expiry", "expires", "expiration", "exp", "ttl", "timeout", "lifetime", "duration", "age",
    "interval", "rotation", "length", "len", "min", "max", "size", "count", "limit", "bits",
    // shape
    "format", "algorithm", "algo", "alg", "scope", "scopes", "audience", "issuer", "version",
    // the account, not its secret
    "user", "username", "login", "email",
];

/// Does a descriptor word follow the secret term ending at `term_end`?
pub(super) fn describes_setting(words: &[String], term_end: usize) -> bool {
    words.iter().skip(term_end + 1).any(|word| {
        let base = word.trim_end_matches(|c: char| c.is_ascii_digit());
        DESCRIPTOR_WORDS.contains(&base)
    })
}

/// Literal words that are settings, not credentials.
#[rustfmt::skip]
const NON_SECRET_WORDS: &[&str] = &[
    // booleans and nulls
    "true", "false", "yes", "no", "on", "off", "null", "none", "nil", "undefined", "~",
    "enabled", "disabled", "enable", "disable",
    // authentication schemes and modes
    "basic", "bearer", "digest", "oauth", "oauth2", "oidc", "openid", "saml", "ldap", "jwt",
    "token", "apikey", "api_key", "api-key", "header", "query", "cookie", "session", "mtls",
    "tls", "ssl", "ntlm", "kerberos", "negotiate", "hmac", "plain", "required", "optional",
    "auto", "default", "internal", "external", "local", "anonymous",
    // header names
    "authorization", "proxy-authorization",
];

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"));

/// `30s`, `1h30m`, `500ms`, `7d`, `10MB`, ISO 8601 `PT1H`.
static DURATION_OR_SIZE: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?i)^(?:\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|years?))+$",
        r"|(?i)^\d+(?:\.\d+)?\s*(?:b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)$",
        r"|(?i)^p(?:\d+[ymwd])+(?:t(?:\d+[hms])+)?$",
        r"|(?i)^pt(?:\d+[hms])+$",
    ))
});

/// Header names such as `X-API-Key` (the name of the header carrying the
/// secret, not the secret).
static HEADER_NAME: LazyLock<Regex> = LazyLock::new(|| compile(r"^[Xx](?:-[A-Za-z]+)+$"));

/// Just the fixed prefix of a known token format (`ghp_`, `sk-`): a
/// template with the secret part left out.
static TOKEN_PREFIX_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"^(?:gh[pousr]_|github_pat_|sk-(?:ant-|proj-)?|xox[abpors]-|glpat-|npm_|pypi-|hf_|AKIA|ASIA|AIza|[sr]k_live_)$",
    )
});

static URL: LazyLock<Regex> = LazyLock::new(|| compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$"));

/// `C:\…`, `C:/…`, `\\server\…`.
static WINDOWS_PATH: LazyLock<Regex> = LazyLock::new(|| compile(r"^(?:[A-Za-z]:[\\/]|\\\\)"));

/// A relative file name with an extension used for secrets and configs.
static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)^[A-Za-z0-9_./-]*\.(?:txt|json|ya?ml|pem|key|crt|cer|cert|p12|pfx|jks|keystore|env|conf|cfg|ini|toml|properties|xml|secret|token|gpg|asc|pub)$",
    )
});

/// A literal that cannot be a credential, whatever its name: see [`classify`].
pub(super) fn cannot_be_credential(value: &str) -> bool {
    let lower = value.to_lowercase();
    NON_SECRET_WORDS.contains(&lower.as_str())
        || !value.chars().any(char::is_alphanumeric)
        || NUMBER.is_match(value)
        || DURATION_OR_SIZE.is_match(value)
        || HEADER_NAME.is_match(value)
        || TOKEN_PREFIX_ONLY.is_match(value)
        || lower.starts_with("arn:")
        || (URL.is_match(value) && !url_has_secret_query(value))
        || is_file_path(value)
}

/// Does the URL carry a literal secret in its query
/// (`https://api.example.com/v1?api_key=…`)? Credentials in the user-info
/// part are found as connection strings.
fn url_has_secret_query(url: &str) -> bool {
    let Some((_, query)) = url.split_once('?') else {
        return false;
    };
    let query = query.split('#').next().unwrap_or("");
    query.split('&').any(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        is_secret_name(key)
            && !value.is_empty()
            && !is_placeholder(value)
            && !cannot_be_credential(value)
    })
}

/// Is `value` a file path (`/run/secrets/db`, `./token.txt`, `~/.npmrc`,
/// `C:\keys\x.pem`, `key.json`) rather than base64 key material that
/// happens to contain `/`?
fn is_file_path(value: &str) -> bool {
    let prefixed = value.starts_with('/')
        || value.starts_with("./")
        || value.starts_with("../")
        || value.starts_with("~/")
        || WINDOWS_PATH.is_match(value);
    (prefixed || FILE_NAME.is_match(value))
        && !value.contains(['+', '='])
        && !value.split(['/', '\\']).any(looks_random)
}

/// Every pattern of this module, for the test that they compile.
#[cfg(test)]
pub(super) fn force_patterns() {
    for regex in [
        &NUMBER,
        &DURATION_OR_SIZE,
        &HEADER_NAME,
        &TOKEN_PREFIX_ONLY,
        &URL,
        &WINDOWS_PATH,
        &FILE_NAME,
    ] {
        LazyLock::force(regex);
    }
}
