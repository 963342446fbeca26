//! Known credential formats: tokens recognisable by their shape whatever the
//! variable is called (see the table in [`super`]'s documentation).

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::names::split_words;
use super::strength::{has_digit, has_lower, has_upper, is_strong};
use super::{compile, is_placeholder, unquote};

/// A credential found in a value: its format and the text to mask.
pub(super) struct Found<'a> {
    pub kind: &'static str,
    /// The credential itself (masked for display).
    pub token: &'a str,
    /// A connection string whose embedded password is weak (a dictionary
    /// word, a default): a hard-coded password, not a leaked key.
    pub weak: bool,
}

/// Does `token` (a candidate secret) look like a made-up example rather than
/// real key material? Besides placeholders, a token whose random part
/// uses fewer than five distinct characters (`AKIAAAAAAAAAAAAAAAAA`,
/// `ghp_000…`) or that contains a run such as `1234567` or `abcdefg` is one.
fn is_fake_token(token: &str, random_part: &str) -> bool {
    if is_placeholder(token) {
        return true;
    }
    let mut distinct: Vec<char> = random_part.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return true;
    }
    let lower = token.to_ascii_lowercase();
    lower.contains("1234567") || lower.contains("abcdefg")
}

/// One known token format. `regex` captures the whole credential as `t` and
/// its random part (after any fixed prefix) as `b`.
struct TokenFormat {
    kind: &'static str,
    regex: Regex,
    /// A format-specific test of the random part.
    check: fn(&str) -> bool,
}

/// Left boundary of a token: start of text or a character that cannot be
/// part of an identifier.
const START: &str = r"(?:^|[^A-Za-z0-9_])";

fn any_body(_: &str) -> bool {
    true
}

/// The known formats, most specific first (Anthropic's `sk-ant-` before
/// OpenAI's `sk-`).
static TOKEN_FORMATS: LazyLock<Vec<TokenFormat>> = LazyLock::new(|| {
    let format = |kind: &'static str, pattern: &str, check: fn(&str) -> bool| TokenFormat {
        kind,
        regex: compile(&format!("{START}{pattern}")),
        check,
    };
    vec![
        // sk-ant-api03-… (95 more characters in practice).
        format(
            "Anthropic API key",
            r"(?P<t>sk-ant-(?P<b>[A-Za-z0-9_-]{20,}))",
            any_body,
        ),
        // Legacy sk-… (48 base62), sk-proj-…, sk-svcacct-…, sk-admin-…. Real
        // keys mix cases and digits, unlike kebab-case words after `sk-`.
        format(
            "OpenAI API key",
            r"(?P<t>sk-(?:proj-|svcacct-|admin-)?(?P<b>[A-Za-z0-9_-]{20,}))",
            |b| !b.starts_with("ant-") && has_upper(b) && has_lower(b) && has_digit(b),
        ),
        // Classic tokens: ghp_ (personal), gho_ (OAuth), ghs_ (server),
        // ghu_ (user-to-server), ghr_ (refresh), then 36 base62 characters.
        format(
            "GitHub token",
            r"(?P<t>gh[pousr]_(?P<b>[A-Za-z0-9]{36,}))",
            any_body,
        ),
        // Fine-grained personal access tokens.
        format(
            "GitHub token",
            r"(?P<t>github_pat_(?P<b>[A-Za-z0-9_]{22,}))",
            any_body,
        ),
        format(
            "AWS access key id",
            r"(?P<t>(?:AKIA|ASIA)(?P<b>[A-Z0-9]{16}))(?:$|[^A-Za-z0-9])",
            any_body,
        ),
        // xoxb-123…-…, xoxp-…, xoxa-, xoxo-, xoxr-, xoxs-: a numeric part first.
        format(
            "Slack token",
            r"(?P<t>xox[abpors]-(?P<b>[0-9]+-[A-Za-z0-9-]{8,}))",
            any_body,
        ),
        format(
            "Slack webhook URL",
            r"(?P<t>https://hooks\.slack\.com/services/(?P<b>T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,}))",
            any_body,
        ),
        // Live secret and restricted keys (test keys are not production secrets).
        format(
            "Stripe live key",
            r"(?P<t>[sr]k_live_(?P<b>[A-Za-z0-9]{20,}))",
            any_body,
        ),
        format(
            "Google API key",
            r"(?P<t>AIza(?P<b>[0-9A-Za-z_-]{35}))(?:$|[^0-9A-Za-z_-])",
            any_body,
        ),
        format(
            "GitLab token",
            r"(?P<t>glpat-(?P<b>[A-Za-z0-9_-]{20,}))",
            any_body,
        ),
        format(
            "npm token",
            r"(?P<t>npm_(?P<b>[A-Za-z0-9]{36}))(?:$|[^A-Za-z0-9])",
            any_body,
        ),
        // pypi-AgEIcHlwaS5vcmc… (a macaroon, well over 50 characters).
        format(
            "PyPI token",
            r"(?P<t>pypi-(?P<b>[A-Za-z0-9_-]{50,}))",
            any_body,
        ),
        // hf_ + 34 mixed-case letters.
        format(
            "Hugging Face token",
            r"(?P<t>hf_(?P<b>[A-Za-z0-9]{30,}))",
            |b| has_upper(b) && has_lower(b),
        ),
        // header.payload.signature, base64url, the header a JSON object (`{"` → `eyJ`).
        format(
            "JWT",
            r"(?P<t>(?P<b>eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}))",
            any_body,
        ),
    ]
});

/// `-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]-----`.
pub(super) static PRIVATE_KEY_HEADER: LazyLock<Regex> =
    LazyLock::new(|| compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"));

/// `scheme://[user]:password@host`. The password may not contain `/` (it
/// must be percent-encoded there), so `http://localhost:3000/@vite` is not
/// read as user `localhost`, password `3000`.
static CONNECTION_STRING: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?P<t>[A-Za-z][A-Za-z0-9+.-]*://[^\s:@/]*:(?P<pass>[^\s@/]+)@[^\s@/?#]+)")
});

/// Key-value connection strings: `host=db user=app password=…` (libpq),
/// `Server=…;Password=…;` (ADO.NET).
static KEY_VALUE_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)(?:^|[;\s])(?P<t>(?:password|pwd)\s*=\s*(?P<pass>[^;\s]+))"));

/// A 40-character AWS secret access key, the whole value.
static AWS_SECRET_VALUE: LazyLock<Regex> = LazyLock::new(|| compile(r"^[A-Za-z0-9/+]{40}$"));

/// `aws_secret_access_key = …` inside a value (an inlined credentials file).
static AWS_SECRET_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r#"(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?(?P<t>[A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=])"#,
    )
});

/// Every pattern [`find_token`] searches a value with, but
/// `AWS_SECRET_VALUE` (which needs a name too), as one set. Nearly every
/// literal of a source file matches none of them, and one scan of the set
/// says so where a search per pattern took about twenty (each with its
/// cache checkout): those searches were half of `secret-in-source`'s time.
static ANY_PATTERN: LazyLock<RegexSet> = LazyLock::new(|| {
    let mut patterns: Vec<&str> = TOKEN_FORMATS.iter().map(|f| f.regex.as_str()).collect();
    for regex in [
        &*PRIVATE_KEY_HEADER,
        &*CONNECTION_STRING,
        &*KEY_VALUE_PASSWORD,
        &*AWS_SECRET_INLINE,
    ] {
        patterns.push(regex.as_str());
    }
    RegexSet::new(patterns).expect("the patterns compiled one by one")
});

/// A 40-character secret key is only recognisable next to its name: the
/// whole `value` when `name` names one.
fn aws_secret_value<'a>(name: Option<&str>, value: &'a str) -> Option<&'a str> {
    (name.is_some_and(is_aws_secret_name)
        && AWS_SECRET_VALUE.is_match(value)
        && is_aws_secret_key(value))
    .then_some(value)
}

/// Is `password` (from a connection string) a real literal?
fn is_literal_password(password: &str) -> bool {
    let password = unquote(password);
    let masked = password.chars().all(|c| c == '*');
    // printf-style `%s`, `%v`
    let format_verb = password.len() == 2 && password.starts_with('%');
    !(password.is_empty()
        || masked
        || format_verb
        || password.starts_with('$')
        || is_placeholder(password))
}

/// Is `key` 40 characters of base64 with the variety of a real AWS secret?
fn is_aws_secret_key(key: &str) -> bool {
    has_upper(key) && has_lower(key) && has_digit(key) && !is_fake_token(key, key)
}

/// Does `name` name an AWS secret access key (`AWS_SECRET_ACCESS_KEY`,
/// `aws_secret_key`, `secretAccessKey`)?
fn is_aws_secret_name(name: &str) -> bool {
    let words = split_words(name);
    let has = |term: &str| words.iter().any(|w| w == term || w.ends_with(term));
    has("secret") && (has("aws") || has("access"))
}

/// The first known credential format found in `value` (the value of `name`,
/// when there is one). A connection string whose password is weak is
/// returned only when nothing stronger is found.
pub(super) fn find_token<'a>(name: Option<&str>, value: &'a str) -> Option<Found<'a>> {
    let found = |kind, token| {
        Some(Found {
            kind,
            token,
            weak: false,
        })
    };

    if !ANY_PATTERN.is_match(value) {
        return aws_secret_value(name, value).and_then(|key| found("AWS secret access key", key));
    }

    // Private keys: the header, unless what follows it is a placeholder
    // (`-----BEGIN PRIVATE KEY-----\n...`).
    if let Some(header) = PRIVATE_KEY_HEADER.find(value) {
        let rest = &value[header.end()..];
        let body = rest.split("-----END").next().unwrap_or("");
        let body: String = body.replace("\\n", "").replace("\\r", "");
        let body = body.trim();
        if body.is_empty() || !is_placeholder(body) {
            return found("private key", header.as_str());
        }
    }

    for format in TOKEN_FORMATS.iter() {
        for caps in format.regex.captures_iter(value) {
            let (Some(token), Some(body)) = (caps.name("t"), caps.name("b")) else {
                continue;
            };
            let (token, body) = (token.as_str(), body.as_str());
            if (format.check)(body) && !is_fake_token(token, body) {
                return found(format.kind, token);
            }
        }
    }

    if let Some(key) = aws_secret_value(name, value) {
        return found("AWS secret access key", key);
    }
    for caps in AWS_SECRET_INLINE.captures_iter(value) {
        if let Some(key) = caps.name("t") {
            if is_aws_secret_key(key.as_str()) {
                return found("AWS secret access key", key.as_str());
            }
        }
    }

    let mut weak = None;
    for regex in [&*CONNECTION_STRING, &*KEY_VALUE_PASSWORD] {
        for caps in regex.captures_iter(value) {
            let (Some(token), Some(password)) = (caps.name("t"), caps.name("pass")) else {
                continue;
            };
            let password = unquote(password.as_str());
            if !is_literal_password(password) {
                continue;
            }
            if is_strong(password) {
                return found("connection string with password", token.as_str());
            }
            weak.get_or_insert(Found {
                kind: "connection string with password",
                token: token.as_str(),
                weak: true,
            });
        }
    }
    weak
}

/// Every pattern of this module, for the test that they compile.
#[cfg(test)]
pub(super) fn force_patterns() {
    LazyLock::force(&TOKEN_FORMATS);
    LazyLock::force(&ANY_PATTERN);
    for regex in [
        &PRIVATE_KEY_HEADER,
        &CONNECTION_STRING,
        &KEY_VALUE_PASSWORD,
        &AWS_SECRET_VALUE,
        &AWS_SECRET_INLINE,
    ] {
        LazyLock::force(regex);
    }
}
