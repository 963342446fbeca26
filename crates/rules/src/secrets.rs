//! The secret detector shared by `secret-in-image` (Dockerfile `ENV` / `ARG`
//! defaults) and `secret-in-environment` (compose `environment:`,
//! `docker run -e K=V`, MCP client config `env`, k8s `env[].value`, …);
//! rules.md, "Secrets".
//!
//! A value is *credential-shaped* when either
//!
//! 1. it contains a **known token format** (GitHub, AWS, Anthropic, OpenAI,
//!    Slack, Stripe, Google, GitLab, npm, PyPI, Hugging Face, private-key PEM
//!    headers, JWTs, connection strings with an inline password). These fire
//!    whatever the variable is called, unless the token itself is a
//!    placeholder (`ghp_xxxx…`, `sk-your-key-here`, `AKIA…EXAMPLE`); or
//! 2. its **name is secret-like** (a word such as `PASSWORD`, `TOKEN`,
//!    `API_KEY`, `AUTH`, see [`is_secret_name`]) and the value is a literal
//!    that is neither a placeholder ([`is_placeholder`]) nor something that
//!    cannot be a credential (booleans, numbers, durations, enumerated words
//!    such as `basic`/`bearer`, URLs without credentials, file paths).
//!    Names that merely *describe* a secret setting (`TOKEN_EXPIRY`,
//!    `PASSWORD_MIN_LENGTH`, `SECRET_NAME`, `AUTH_TYPE`) only fire when the
//!    value itself looks like random key material.
//!
//! The full value never leaves this module: a [`SecretMatch`] only carries
//! the [`mask`]ed form.
//!
//! All regular expressions are compiled once, on first use. They are
//! constants checked by the unit tests, so their `expect` cannot fire at run
//! time; nothing else here panics, whatever the input.

use std::sync::LazyLock;

use regex::Regex;

/// A credential-shaped value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretMatch {
    /// What it looks like, for the message: "GitHub token", "AWS access key id",
    /// "password" (secret-like name with a literal value), …
    pub kind: &'static str,
    /// The value masked for display: at most its first four characters, then `…`.
    pub masked: String,
    /// True when only the variable's *name* says it is a secret (no known
    /// token format matched): a literal password, not a recognisable key.
    pub by_name: bool,
}

/// Is `value` (the value of variable `name`, when there is a name) a
/// credential-shaped literal? Placeholders never are.
///
/// Surrounding whitespace and one pair of matching quotes (`"…"`, `'…'`) are
/// ignored, so `API_KEY=""` is empty. For a known token format the masked
/// text is the token itself (so `Bearer ghp_…` shows `ghp_…`); for a
/// secret-like name it is the whole value.
pub fn classify(name: Option<&str>, value: &str) -> Option<SecretMatch> {
    let value = unquote(value);
    if value.is_empty() {
        return None;
    }
    // 1. Known token formats, whatever the name.
    if let Some(found) = find_token(name, value) {
        return Some(found);
    }
    // 2. A secret-like name holding a literal.
    let words = split_words(name?);
    let term = last_secret_term(&words)?;
    if is_placeholder(value) || cannot_be_credential(value) {
        return None;
    }
    if describes_setting(&words, term.end) && !looks_random(value) {
        return None;
    }
    Some(SecretMatch {
        kind: term.kind,
        masked: mask(value),
        by_name: true,
    })
}

/// Is `name` secret-like (PASSWORD, TOKEN, API_KEY, … as a word of the name)?
///
/// The name is split into lower-cased words at `_`, `-`, `.`, any other
/// non-alphanumeric character, and camelCase boundaries (`apiKey` → `api`,
/// `key`; `APIKey` → `api`, `key`; `OAuth` stays one word `oauth`). A name is
/// secret-like when a word is one of
///
/// * `password`, `passwd`, `passphrase`, `pass`, `pwd` (but not the name
///   `PWD`, the shell's working directory),
/// * `secret`, `secrets`, `token`, `credential`, `credentials`, `creds`,
///   `auth` (a whole word: `AUTH_HEADER`, `BASIC_AUTH`; not `AUTHOR`,
///   `AUTHORITY`, `OAUTH_ENABLED`, `AUTH0_DOMAIN`),
/// * `apikey`, `accesskey`, `privatekey`, `secretkey`, `clientsecret`,
///
/// or two consecutive words are `api key`, `access key`, `private key`,
/// `client secret`, `encryption key`, `signing key` or `master key`.
/// A trailing number is ignored (`PASSWORD2`), and a word that *ends* with
/// one of the long unambiguous terms counts too (`PGPASSWORD`,
/// `GITHUBTOKEN`, `OPENAIAPIKEY`); `pass`, `pwd` and `auth` must be whole
/// words (`BYPASS`, `OAUTH`).
///
/// This is purely lexical: `SECRET_NAME` and `TOKEN_EXPIRY` are secret-like
/// names; [`classify`] then decides that such names only *describe* a
/// secret setting.
pub fn is_secret_name(name: &str) -> bool {
    last_secret_term(&split_words(name)).is_some()
}

/// Does `value` announce itself as a placeholder or refer to a variable?
///
/// True for
///
/// * empty values (after trimming whitespace and one pair of quotes);
/// * values that contain a variable reference: `$X`, `${X}`, `${X:-…}`,
///   `${{ secrets.X }}`, `${input:x}`, `$(command)`, `{{ template }}`,
///   `%VAR%`, and server.json's `{token}` template variables. Compose's `$$`
///   is an escaped, literal `$` and does not count. The secret part of such a
///   value comes from elsewhere, so the value is not a literal credential;
/// * values that announce themselves (any case): `<…>` (including
///   `<insert …>`), the words `your` (`your-key`, `your_token`, `yourkey`),
///   `here` (`key-here`, `token_here`) and `TODO`, a leading `xxx` or any run
///   of four or more `x`, `***`, `...`/`…`, and the substrings `changeme`
///   (`change-me`, `change_me`), `example`, `placeholder`, `dummy`,
///   `redacted`, `replaceme` (`replace-me`, `replace_me`).
pub fn is_placeholder(value: &str) -> bool {
    let value = unquote(value);
    if value.is_empty() {
        return true;
    }
    // `$$` is compose's escape for a literal `$`, not a reference.
    let unescaped = value.replace("$$", "");
    VARIABLE_REFERENCE.is_match(&unescaped) || ANNOUNCED_PLACEHOLDER.is_match(value)
}

/// At most the first four characters of `value`, then `…`.
///
/// Never more than a quarter of the value is shown, so a short secret is
/// never mostly revealed: values of 16 or more characters show four, 12–15
/// show three, 8–11 show two, 4–7 show one, and shorter values show nothing
/// but `…`. Characters are Unicode scalar values, so multi-byte text is never
/// cut in the middle; control characters (newlines, escapes) are shown as
/// `�` so the mask cannot disturb a terminal.
pub fn mask(value: &str) -> String {
    let shown = (value.chars().count() / 4).min(4);
    let mut masked: String = value
        .chars()
        .take(shown)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    masked.push('…');
    masked
}

// ---------------------------------------------------------------------------
// Helpers shared by both halves.

/// Compile one of this module's constant patterns.
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("secrets.rs: constant regex must compile")
}

/// `value` without surrounding whitespace and one pair of matching quotes.
fn unquote(value: &str) -> &str {
    let trimmed = value.trim();
    for quote in ['"', '\''] {
        if trimmed.len() >= 2 && trimmed.starts_with(quote) && trimmed.ends_with(quote) {
            // The quotes are one byte each, so these are char boundaries.
            return trimmed[1..trimmed.len() - 1].trim();
        }
    }
    trimmed
}

/// A reference to a variable anywhere in the value (see [`is_placeholder`]).
static VARIABLE_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\$\{",                           // ${X}, ${X:-d}, ${{ secrets.X }}, ${input:x}
        r"|\$\(",                          // $(command substitution)
        r"|`[^`]+`",                       // `command substitution`
        r"|\$[A-Za-z_]",                   // $X
        r"|\{\{[^}]*\}\}",                 // {{ template }}
        r"|%[A-Za-z_][A-Za-z0-9_]*%",      // %VAR%
        r"|\{[A-Za-z_][A-Za-z0-9_.:-]*\}", // server.json {token}
    ))
});

/// Text that announces a placeholder (see [`is_placeholder`]).
static ANNOUNCED_PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?i)<[^<>]+>",
        r"|(?:^|[^a-z0-9])(?:your|here|todo)(?:[^a-z0-9]|$)",
        r"|^your",
        r"|^xxx|x{4,}",
        r"|\*\*\*|•••|\.\.\.|…",
        r"|change[-_]?me|replace[-_]?me|example|placeholder|dummy|redacted",
        // A value that is just the name of what belongs there, as READMEs
        // write it: `PASSWORD=password`, `postgres://username:password@…`.
        r"|^(?:my|your)?[-_]?(?:password|passwd|secret|token|api[-_]?key|access[-_]?key|secret[-_]?key|private[-_]?key)$",
    ))
});

/// Does `token` (a candidate secret) look like a made-up example rather than
/// real key material? Besides [`is_placeholder`], a token whose random part
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

fn has_upper(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_uppercase())
}
fn has_lower(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_lowercase())
}
fn has_digit(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// Shannon entropy of `s` in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts: Vec<(char, usize)> = Vec::new();
    let mut total = 0usize;
    for c in s.chars() {
        total += 1;
        match counts.iter_mut().find(|(seen, _)| *seen == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((c, 1)),
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    counts
        .iter()
        .map(|&(_, n)| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Does `value` look like generated key material: at least 16 characters of
/// a token alphabet (`A-Z a-z 0-9 + / = _ -`), and either mixed case with
/// digits and some entropy (≥ 3 bits per character; base62/base64 keys), or
/// at least 32 hex digits with both digits and letters (hex keys, UUIDs)?
fn looks_random(value: &str) -> bool {
    let len = value.chars().count();
    if len < 16
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-'))
    {
        return false;
    }
    let hex_digits = value.chars().filter(char::is_ascii_hexdigit).count();
    let hex = hex_digits >= 32
        && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && has_digit(value)
        && value.chars().any(|c| c.is_ascii_alphabetic());
    hex || (has_upper(value) && has_lower(value) && has_digit(value) && entropy(value) >= 3.0)
}

// ---------------------------------------------------------------------------
// 1. Known token formats.

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
static PRIVATE_KEY_HEADER: LazyLock<Regex> =
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

/// The first known token format found in `value`.
fn find_token(name: Option<&str>, value: &str) -> Option<SecretMatch> {
    let found = |kind, token: &str| {
        Some(SecretMatch {
            kind,
            masked: mask(token),
            by_name: false,
        })
    };

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

    // A 40-character secret key is only recognisable next to its name.
    if name.is_some_and(is_aws_secret_name)
        && AWS_SECRET_VALUE.is_match(value)
        && is_aws_secret_key(value)
    {
        return found("AWS secret access key", value);
    }
    for caps in AWS_SECRET_INLINE.captures_iter(value) {
        if let Some(key) = caps.name("t") {
            if is_aws_secret_key(key.as_str()) {
                return found("AWS secret access key", key.as_str());
            }
        }
    }

    for regex in [&*CONNECTION_STRING, &*KEY_VALUE_PASSWORD] {
        for caps in regex.captures_iter(value) {
            let (Some(token), Some(password)) = (caps.name("t"), caps.name("pass")) else {
                continue;
            };
            if is_literal_password(password.as_str()) {
                return found("connection string with password", token.as_str());
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------
// 2. Secret-like names.

/// Split a variable name into lower-cased words (see [`is_secret_name`]).
fn split_words(name: &str) -> Vec<String> {
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
struct SecretTerm {
    kind: &'static str,
    /// Index of the term's last word.
    end: usize,
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
fn last_secret_term(words: &[String]) -> Option<SecretTerm> {
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
fn describes_setting(words: &[String], term_end: usize) -> bool {
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
fn cannot_be_credential(value: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB: &str = "ghp_R2d7kQ9vXw3LmN8pT5yZa1Bc4De6Fg0Hi2Jk";

    /// The kind `classify` reports, if any.
    fn kind(name: Option<&str>, value: &str) -> Option<&'static str> {
        classify(name, value).map(|m| m.kind)
    }
    fn named(name: &str, value: &str) -> Option<&'static str> {
        kind(Some(name), value)
    }
    fn unnamed(value: &str) -> Option<&'static str> {
        kind(None, value)
    }

    #[test]
    fn acceptance_examples() {
        let m = classify(Some("GITHUB_PERSONAL_ACCESS_TOKEN"), GITHUB).unwrap();
        assert_eq!(
            m,
            SecretMatch {
                kind: "GitHub token",
                masked: "ghp_…".into(),
                by_name: false,
            }
        );
        assert_eq!(named("API_KEY", r#""""#), None);
        assert_eq!(named("API_KEY", ""), None);
        assert_eq!(named("OPENAI_API_KEY", "${OPENAI_API_KEY}"), None);
        assert_eq!(named("DB_PASSWORD", "<your-password-here>"), None);
        assert_eq!(named("NODE_ENV", "production"), None);
    }

    // --- token formats -----------------------------------------------------

    #[test]
    fn github_tokens() {
        assert_eq!(unnamed(GITHUB), Some("GitHub token"));
        for prefix in ["gho_", "ghs_", "ghu_", "ghr_"] {
            let token = GITHUB.replacen("ghp_", prefix, 1);
            assert_eq!(unnamed(&token), Some("GitHub token"), "{token}");
        }
        assert_eq!(
            unnamed("github_pat_11AQZ3K7Y0m8Rk3Lm5Np7T_v9Wx2Yb4Cd6Ef8Gh0Ij1Kl3Mn5Op7Qr9St1Uv3Wx5Yz7Ab9Cd1Ef3G"),
            Some("GitHub token")
        );
        // Inside a longer value.
        assert_eq!(unnamed(&format!("Bearer {GITHUB}")), Some("GitHub token"));
        assert_eq!(
            unnamed(&format!(
                "https://x-access-token:{GITHUB}@github.com/o/r.git"
            )),
            Some("GitHub token")
        );
        // Too short, placeholders, part of a longer identifier.
        assert_eq!(unnamed("ghp_R2d7kQ9vXw3LmN8pT5yZa1Bc"), None);
        assert_eq!(unnamed("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(unnamed("ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), None);
        assert_eq!(unnamed("ghp_1234567890abcdefghijklmnopqrstuvwxyz"), None);
        assert_eq!(unnamed("ghp_..."), None);
        assert_eq!(unnamed(&format!("my{GITHUB}")), None);
        assert_eq!(unnamed("github_pat_xxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
    }

    #[test]
    fn aws_keys() {
        assert_eq!(unnamed("AKIAZ7QW3RT5YU2IO4PL"), Some("AWS access key id"));
        assert_eq!(unnamed("ASIAZ7QW3RT5YU2IO4PL"), Some("AWS access key id"));
        assert_eq!(unnamed("AKIAIOSFODNN7EXAMPLE"), None); // AWS's documentation key
        assert_eq!(unnamed("AKIAZ7QW3RT5"), None); // too short
        assert_eq!(unnamed("AKIAZ7QW3RT5YU2IO4PLX"), None); // too long
        assert_eq!(unnamed("AKIAAAAAAAAAAAAAAAAA"), None);

        let secret = "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";
        assert_eq!(secret.len(), 40);
        assert_eq!(
            named("AWS_SECRET_ACCESS_KEY", secret),
            Some("AWS secret access key")
        );
        assert_eq!(
            named("awsSecretAccessKey", secret),
            Some("AWS secret access key")
        );
        // Without an AWS name it is only a secret by its name, or nothing.
        assert_eq!(named("MY_SECRET", secret), Some("secret"));
        assert_eq!(named("CHECKSUM", secret), None);
        assert_eq!(unnamed(secret), None);
        assert_eq!(
            unnamed(&format!("[default]\naws_secret_access_key = {secret}\n")),
            Some("AWS secret access key")
        );
        assert_eq!(
            named(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            ),
            None
        );
        assert_eq!(
            named("AWS_SECRET_ACCESS_KEY", "${AWS_SECRET_ACCESS_KEY}"),
            None
        );
    }

    #[test]
    fn anthropic_and_openai_keys() {
        let anthropic = "sk-ant-api03-Xq3vB8nK2mP7rT4wY9zL1cF6hJ0dG5sA-aB3cD4eF5gH6_Kq";
        assert_eq!(unnamed(anthropic), Some("Anthropic API key"));
        assert_eq!(unnamed("sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(unnamed("sk-ant-..."), None);

        assert_eq!(
            unnamed("sk-Xq3vB8nK2mP7rT4wY9zL1cF6hJ0dG5sAaB3cD4eF5gH6iJ7k"),
            Some("OpenAI API key")
        );
        assert_eq!(
            unnamed("sk-proj-Xq3vB8nK2mP7rT4wY9zL1cF6hJ0dG5sA-aB3cD4eF5gH6_iJ7kL8mN9"),
            Some("OpenAI API key")
        );
        assert_eq!(unnamed("sk-..."), None);
        assert_eq!(unnamed("sk-your-key-here"), None);
        assert_eq!(unnamed("sk-your-openai-api-key-goes-here-123"), None);
        assert_eq!(unnamed("sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
        // A kebab-case word after `sk-` is not a key.
        assert_eq!(unnamed("sk-learn-model-registry-cache"), None);
    }

    #[test]
    fn slack_stripe_google_gitlab_npm_pypi_huggingface() {
        assert_eq!(
            unnamed("xoxb-2847561930-4829103746-Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6"),
            Some("Slack token")
        );
        assert_eq!(unnamed("xoxp-123-x"), None);
        assert_eq!(unnamed("xoxb-your-bot-token"), None);
        assert_eq!(
            unnamed("xoxb-0000000000-0000000000-xxxxxxxxxxxxxxxxxxxxxxxx"),
            None
        );
        assert_eq!(
            unnamed(
                "https://hooks.slack.com/services/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f"
            ),
            Some("Slack webhook URL")
        );

        assert_eq!(
            unnamed("sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            Some("Stripe live key")
        );
        assert_eq!(
            unnamed("rk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            Some("Stripe live key")
        );
        assert_eq!(unnamed("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(unnamed("sk_test_4eC39HqLyjWDarjtT1zdp7dc"), None);

        assert_eq!(
            unnamed("AIzaSyD3kLq8-Vn2Rx7Tb5Wm9Pz4Hc6Jf1Gs0Ae"),
            Some("Google API key")
        );
        assert_eq!(unnamed("AIzaSyD3kLq8"), None);
        assert_eq!(unnamed("AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), None);

        assert_eq!(unnamed("glpat-Zq8Rk3Lm5Np7Tv9Wx2Yb"), Some("GitLab token"));
        assert_eq!(unnamed("glpat-xxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(unnamed("glpat-short"), None);

        assert_eq!(
            unnamed("npm_Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8Gh0Ij1Kl3"),
            Some("npm token")
        );
        assert_eq!(unnamed("npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(unnamed("npm_install_cache"), None);

        let pypi =
            "pypi-AgEIcHlwaS5vcmcCJDU4ZjI3YTBkLTk2NzgtNDEwYi1hMmE0LWRjNTg3ZmE3Zjc5NgACKlszLCJhIl0";
        assert_eq!(unnamed(pypi), Some("PyPI token"));
        assert_eq!(unnamed("pypi-AgEIcHlwaS5vcmc..."), None);

        assert_eq!(
            unnamed("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"),
            Some("Hugging Face token")
        );
        assert_eq!(unnamed("hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(unnamed("hf_hub_download"), None);
    }

    #[test]
    fn private_keys() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n-----END RSA PRIVATE KEY-----";
        let m = classify(Some("TLS_KEY"), pem).unwrap();
        assert_eq!(m.kind, "private key");
        assert_eq!(m.masked, "----…");
        assert_eq!(
            unnamed("-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAA"),
            Some("private key")
        );
        assert_eq!(unnamed("-----BEGIN PRIVATE KEY-----"), Some("private key"));
        assert_eq!(
            unnamed("-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF..."),
            None
        );
        assert_eq!(
            unnamed("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"),
            None
        );
        assert_eq!(unnamed("-----BEGIN EC PRIVATE KEY-----<your key>"), None);
        assert_eq!(
            unnamed("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A"),
            None
        );
    }

    #[test]
    fn jwts() {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzAwMDAwMDAwfQ.Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8Gh0Ij1Kl3Mn5Op7";
        assert_eq!(unnamed(jwt), Some("JWT"));
        assert_eq!(unnamed(&format!("Bearer {jwt}")), Some("JWT"));
        assert_eq!(unnamed("eyJhbGciOiJIUzI1NiJ9"), None); // one segment
        assert_eq!(unnamed("eyJhbGciOi...eyJzdWIi...sig"), None);
        assert_eq!(
            unnamed("eyJxxxxxxxxxxxxx.eyJxxxxxxxxxxxx.xxxxxxxxxxxxxx"),
            None
        );
    }

    #[test]
    fn a_value_naming_the_secret_is_a_placeholder() {
        assert!(is_placeholder("password"));
        assert!(is_placeholder("\"Password\""));
        assert!(is_placeholder("my-secret"));
        assert_eq!(classify(Some("PROMETHEUS_PASSWORD"), "\"password\""), None);
        assert_eq!(
            classify(
                Some("DATABASE_URI"),
                "postgresql://username:password@localhost:5432/dbname"
            ),
            None
        );
        // A real-looking password still fires.
        assert!(classify(
            Some("DATABASE_URI"),
            "postgresql://app:Xk29fjQ1@db:5432/app"
        )
        .is_some());
        assert!(classify(Some("DB_PASSWORD"), "passwordless-2024!").is_some());
    }

    #[test]
    fn connection_strings() {
        let k = Some("connection string with password");
        assert_eq!(unnamed("postgres://user:pass@host"), k);
        assert_eq!(
            unnamed("postgresql://app:s3cr3t@db.example.com:5432/app"),
            k
        );
        assert_eq!(unnamed("redis://:hunter2@cache:6379/0"), k);
        assert_eq!(
            unnamed("mongodb+srv://admin:Zq8Rk3Lm@cluster0.mongodb.net/db"),
            k
        );
        assert_eq!(named("DATABASE_URL", "mysql://root:root@mysql/app"), k);
        let m = classify(Some("DATABASE_URL"), "postgres://user:pass@host").unwrap();
        assert_eq!(m.masked, "post…");

        assert_eq!(unnamed("postgres://user:${DB_PASSWORD}@host/db"), None);
        assert_eq!(unnamed("postgres://user:$DB_PASSWORD@host/db"), None);
        assert_eq!(unnamed("postgres://user:<password>@host/db"), None);
        assert_eq!(unnamed("postgres://user:your_password@host/db"), None);
        assert_eq!(unnamed("postgres://user:***@host/db"), None);
        assert_eq!(unnamed("postgres://user:@host/db"), None);
        assert_eq!(unnamed("postgres://user@host/db"), None);
        assert_eq!(unnamed("postgres://host:5432/db"), None);
        assert_eq!(unnamed("http://localhost:3000/@vite/client"), None);
        assert_eq!(
            named("DATABASE_URL", "postgres://{user}:{password}@{host}/db"),
            None
        );

        assert_eq!(unnamed("host=db user=app password=s3cr3t dbname=app"), k);
        assert_eq!(
            unnamed("Server=db;Database=app;User Id=sa;Password=Zq8Rk3Lm!;"),
            k
        );
        assert_eq!(unnamed("host=db user=app password=${PGPASSWORD}"), None);
        assert_eq!(unnamed("Server=db;Password=<password>;"), None);
    }

    // --- secret-like names -------------------------------------------------

    #[test]
    fn secret_like_names() {
        #[rustfmt::skip]
        let secret_like = [
            "PASSWORD", "DB_PASSWORD", "MYSQL_ROOT_PASSWORD", "PGPASSWORD", "db.password",
            "password2", "PASSWD", "SSH_PASSPHRASE", "DB_PASS", "MYSQL_PWD", "SECRET",
            "JWT_SECRET", "CLIENT_SECRET", "clientSecret", "NEXTAUTH_SECRET", "TOKEN",
            "GITHUB_PERSONAL_ACCESS_TOKEN", "githubToken", "GITHUBTOKEN", "OAuthToken",
            "oauth2Token", "API_KEY", "OPENAI_API_KEY", "apiKey", "ApiKey", "APIKey", "api-key",
            "APIKEY", "ACCESS_KEY", "accessKey", "PRIVATE_KEY", "privateKey", "CREDENTIALS",
            "GOOGLE_APPLICATION_CREDENTIALS", "CREDENTIAL", "AWS_CREDS", "AUTH", "AUTH_HEADER",
            "BASIC_AUTH", "basicAuth", "AUTH_TOKEN", "ENCRYPTION_KEY", "MEILI_MASTER_KEY",
            "SIGNING_KEY", "SECRET_NAME", "TOKEN_EXPIRY", "PASS_THROUGH_X",
        ];
        for name in secret_like {
            assert!(is_secret_name(name), "{name} should be secret-like");
        }
        #[rustfmt::skip]
        let not_secret_like = [
            "TOKENIZER_PATH", "AUTHOR", "AUTHORITY", "OAUTH_ENABLED", "OAuthEnabled", "AUTH0_DOMAIN",
            "BYPASS", "PWD", "OLDPWD", "NODE_ENV", "KEY", "CACHE_KEY",
            "PRIMARY_KEY", "MAX_TOKENS", "CLIENT_ID", "PASSAGE", "SECRETARY", "", "___",
        ];
        for name in not_secret_like {
            assert!(!is_secret_name(name), "{name} should not be secret-like");
        }
    }

    #[test]
    fn secret_names_with_literals_fire() {
        assert_eq!(named("DB_PASSWORD", "hunter2"), Some("password"));
        assert_eq!(named("POSTGRES_PASSWORD", "postgres"), Some("password"));
        assert_eq!(named("db.password", "s3cret!"), Some("password"));
        assert_eq!(named("apiKey", "abc123"), Some("API key"));
        assert_eq!(named("X_API_KEY", "k-29ab"), Some("API key"));
        assert_eq!(named("AUTH_TOKEN", "letmein"), Some("token"));
        assert_eq!(named("TOKEN_SECRET", "letmein"), Some("secret"));
        assert_eq!(named("CLIENT_SECRET", "letmein"), Some("secret"));
        assert_eq!(named("BASIC_AUTH", "admin:admin"), Some("credential"));
        assert_eq!(named("AUTH_HEADER", "Bearer abc123"), Some("credential"));
        assert_eq!(
            named("PASSWORD", "correct horse battery staple"),
            Some("password")
        );
        assert_eq!(
            named("SECRET_KEY_BASE", "a8f5f167f44f4964e6c998dee827110c"),
            Some("secret")
        );
        // Compose's `$$` is a literal `$`.
        assert_eq!(named("DB_PASSWORD", "pa$$w0rd"), Some("password"));
        // A random-looking path component is key material, not a path.
        assert_eq!(
            named("SECRET", "/Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8"),
            Some("secret")
        );
        // A URL with a secret in its query.
        assert_eq!(
            named(
                "WEBHOOK_TOKEN",
                "https://hooks.acme.io/hook?token=Zq8Rk3Lm5Np7"
            ),
            Some("token")
        );
    }

    #[test]
    fn values_that_cannot_be_credentials() {
        #[rustfmt::skip]
        let values = [
            "true", "FALSE", "yes", "off", "null", "None", "~", "0", "42", "3600", "-1", "2.5",
            "1e6", "30s", "15m", "1h30m", "500ms", "7d", "10MB", "PT1H", "none", "basic", "Bearer",
            "oauth", "oauth2", "jwt", "header", "X-API-Key", "Authorization", "-", "***",
            "https://auth.acme.io/token", "http://localhost:8080", "/run/secrets/db_password",
            "./token.txt", "../secrets/x", "~/.npmrc", "C:\\keys\\id.pem", "key.json",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            "ghp_", "sk-", "sk-proj-", "AKIA",
        ];
        for value in values {
            assert_eq!(named("AUTH_SECRET_TOKEN", value), None, "{value}");
        }
    }

    #[test]
    fn names_that_describe_a_setting() {
        assert_eq!(named("TOKEN_EXPIRY", "3600"), None);
        assert_eq!(named("TOKEN_EXPIRY", "1h"), None);
        assert_eq!(named("PASSWORD_MIN_LENGTH", "8"), None);
        assert_eq!(named("MIN_PASSWORD_LENGTH", "eight"), None);
        assert_eq!(named("AUTH_ENABLED", "true"), None);
        assert_eq!(named("AUTH_TYPE", "oauth"), None);
        assert_eq!(named("AUTH_PROVIDER", "github"), None);
        assert_eq!(named("AUTH_MODE", "none"), None);
        assert_eq!(named("SECRET_NAME", "my-secret"), None);
        assert_eq!(
            named("TOKEN_URL", "https://auth.example.net/oauth/token"),
            None
        );
        assert_eq!(named("API_KEY_ENV", "OPENAI_API_KEY"), None);
        assert_eq!(named("API_KEY_HEADER", "X-Api-Key"), None);
        assert_eq!(named("PASSWORD_FILE", "/run/secrets/db"), None);
        assert_eq!(named("AUTH_USER", "admin"), None);
        assert_eq!(named("AWS_ACCESS_KEY_ID", "my-key-id"), None);
        assert_eq!(named("PASS_THROUGH_X", "yes"), None);
        // ...but random key material under such a name still fires.
        assert_eq!(
            named("SECRET_NAME", "Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6"),
            Some("secret")
        );
        assert_eq!(
            named("SECRET_ID", "db02de05-fa39-4855-059b-67221c5c2f63"),
            Some("secret")
        );
        // A descriptor before the secret word does not count.
        assert_eq!(named("USER_PASSWORD", "hunter2"), Some("password"));
    }

    #[test]
    fn no_name_no_rule_two() {
        assert_eq!(unnamed("hunter2"), None);
        assert_eq!(named("GREETING", "hunter2"), None);
    }

    // --- placeholders ------------------------------------------------------

    #[test]
    fn placeholders() {
        #[rustfmt::skip]
        let placeholders = [
            "", "   ", "\"\"", "''", "$X", "$OPENAI_API_KEY", "${X}", "${X:-default}",
            "${X:?required}", "${{ secrets.GITHUB_TOKEN }}", "${input:github_token}",
            "${env:TOKEN}", "{token}", "{api_key}", "Bearer {token}", "{{ .Values.token }}",
            "%API_KEY%", "$(cat /run/secrets/token)", "prefix-${SUFFIX}", "<token>",
            "<your-password-here>", "<insert token>", "your-api-key", "your_api_key",
            "YOUR_TOKEN", "yourtoken", "api-key-here", "TOKEN_HERE", "put key here",
            "xxx", "XXXX", "xxxxxxxx", "sk-xxxx", "***", "****", "•••", "...", "sk-...",
            "…", "changeme", "CHANGEME", "change-me", "change_me", "example", "example-key",
            "EXAMPLE", "placeholder", "PLACEHOLDER_TOKEN", "dummy", "dummy-token", "redacted",
            "[REDACTED]", "TODO", "todo: set me", "replace-me", "replace_me", "REPLACE_ME",
        ];
        for value in placeholders {
            assert!(is_placeholder(value), "{value:?} should be a placeholder");
            assert_eq!(named("API_TOKEN", value), None, "{value:?}");
        }
        #[rustfmt::skip]
        let literals = [
            "hunter2", "pa$$w0rd", "s3cr3t", "production", "there", "somewhere", "hereford",
            "toddler", "max", "box", "50%", GITHUB,
        ];
        for value in literals {
            assert!(
                !is_placeholder(value),
                "{value:?} should not be a placeholder"
            );
        }
    }

    // --- masking -----------------------------------------------------------

    #[test]
    fn masking() {
        assert_eq!(mask(""), "…");
        assert_eq!(mask("abc"), "…");
        assert_eq!(mask("abcd"), "a…");
        assert_eq!(mask("hunter2"), "h…");
        assert_eq!(mask("hunter22"), "hu…");
        assert_eq!(mask("abcdefghijk"), "ab…");
        assert_eq!(mask("abcdefghijkl"), "abc…");
        assert_eq!(mask("abcdefghijklmnop"), "abcd…");
        assert_eq!(mask(GITHUB), "ghp_…");
        // Multi-byte characters are counted and cut as characters.
        assert_eq!(mask("пароль-секрет-42"), "паро…");
        assert_eq!(mask("密码密码密码密码"), "密码…");
        assert_eq!(mask("🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑"), "🔑🔑🔑🔑…");
        // Control characters are not echoed.
        assert_eq!(mask("\u{1b}[31mredred"), "\u{FFFD}[…");
    }

    #[test]
    fn the_full_value_never_appears() {
        for (name, value) in [
            (Some("DB_PASSWORD"), "hunter2"),
            (Some("X"), GITHUB),
            (None, "postgres://user:pass@host"),
            (Some("SECRET"), "ab"),
            (Some("SECRET"), "abcdefgh"),
        ] {
            let m = classify(name, value).expect(value);
            assert!(!m.masked.contains(value), "{m:?}");
            assert!(m.masked.chars().count() <= 5, "{m:?}");
            assert!(!format!("{m:?}").contains(value));
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        #[rustfmt::skip]
        let odd = [
            "\"", "'", "\"'", "$", "${", "{", "}", "%", "%%", "<", ">", "<>", "\0", "é", "🔑",
            "-----BEGIN PRIVATE KEY-----é", "postgres://:@", "a://b:c@", "password=", "?=&",
            "https://x?&=&a", "\u{FEFF}token",
        ];
        for value in odd {
            for name in [
                None,
                Some("PASSWORD"),
                Some(""),
                Some("é🔑_TOKEN"),
                Some("AWS_SECRET"),
            ] {
                let _ = classify(name, value);
            }
            let _ = is_placeholder(value);
            let _ = is_secret_name(value);
            let _ = mask(value);
        }
    }

    #[test]
    fn all_patterns_compile() {
        LazyLock::force(&TOKEN_FORMATS);
        for regex in [
            &VARIABLE_REFERENCE,
            &ANNOUNCED_PLACEHOLDER,
            &PRIVATE_KEY_HEADER,
            &CONNECTION_STRING,
            &KEY_VALUE_PASSWORD,
            &AWS_SECRET_VALUE,
            &AWS_SECRET_INLINE,
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

    #[test]
    fn word_splitting() {
        let words = |name| split_words(name).join(" ");
        assert_eq!(
            words("GITHUB_PERSONAL_ACCESS_TOKEN"),
            "github personal access token"
        );
        assert_eq!(words("apiKey"), "api key");
        assert_eq!(words("APIKey"), "api key");
        assert_eq!(words("db.password"), "db password");
        assert_eq!(words("x-api-key"), "x api key");
        assert_eq!(words("OAuthClientSecret"), "oauth client secret");
        assert_eq!(words("oauth2Token"), "oauth2 token");
        assert_eq!(words("AUTH0_DOMAIN"), "auth0 domain");
    }
}
