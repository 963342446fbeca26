//! The secret detector, shared by every rule that looks at literal values:
//! `secret-in-image` (Dockerfile `ENV` / `ARG` defaults),
//! `secret-in-environment` (compose `environment:`, `docker run -e K=V`, MCP
//! client config `env`, k8s `env[].value`, …), `hardcoded-password` (the
//! weak half of both), `secret-file-in-image` (the content of copied
//! files) and the report's snippet redaction; rules.md, "Secrets".
//!
//! # API
//!
//! [`classify`]`(name, value)` takes the value and, when there is one, the
//! name it is assigned to (an environment variable, a config key, a source
//! variable) and answers with a [`Verdict`]:
//!
//! | verdict | what it means | typical rule severity |
//! |---|---|---|
//! | [`Verdict::Known`] | a credential in a **known format**, whatever the name; [`SecretMatch::kind`] names the format (`GitHub token`, `private key`, `JWT`, …) | critical |
//! | [`Verdict::HighEntropy`] | a **secret-like name** holding a value with the strength of generated key material | critical |
//! | [`Verdict::WeakPassword`] | a secret-like name (or a connection string's password) holding a **weak, dictionary or default** value: `adminadmin`, `postgres`, `neo4j/password` | medium (`hardcoded-password`) |
//! | [`Verdict::Placeholder`] | a **placeholder** or a reference to a variable: nothing is committed | none |
//! | [`Verdict::Nothing`] | not a secret | none |
//!
//! [`Verdict::is_credential`] is true for the first two; [`Verdict::secret`]
//! gives the [`SecretMatch`] of the first three. A [`SecretMatch`] never
//! carries the value: only its [`mask`]ed form (at most four characters and
//! `…`). The other public functions are the parts of that decision:
//! [`is_secret_name`], [`is_placeholder`] / [`placeholder_family`] (the one
//! list of placeholders is [`placeholders::FAMILIES`]), [`is_strong`] and
//! [`mask`]; [`files::inspect`] applies the detector to the content of a
//! secret-looking file (`.npmrc`, `.env`, a private key, …).
//!
//! # What counts
//!
//! 1. **Known formats** fire whatever the variable is called: GitHub
//!    (`ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_`, `github_pat_`), AWS access key
//!    ids (`AKIA…`, `ASIA…`) and 40-character secret access keys under an AWS
//!    secret-key name (`AWS_SECRET_ACCESS_KEY`, next to its key id), Anthropic
//!    (`sk-ant-…`), OpenAI (`sk-…`, `sk-proj-…`), Slack tokens and webhook
//!    URLs, Stripe live keys, Google API keys, GitLab, npm, PyPI and Hugging
//!    Face tokens, private-key PEM headers, JWTs, and connection strings
//!    (`postgres://user:pw@host`, `password=…;`) whose password is
//!    [strong](is_strong). A token that is itself a placeholder
//!    (`ghp_xxxx…`, `sk-your-key-here`, `AKIA…EXAMPLE`) or has too little
//!    variety (`AKIAAAAAAAAAAAAAAAAA`, `…1234567…`) is not one.
//! 2. A **secret-like name** ([`is_secret_name`]: a word such as
//!    `PASSWORD`, `TOKEN`, `SECRET`, `API_KEY`, `AUTH`) holding a literal
//!    that is neither a placeholder nor something that cannot be a
//!    credential (booleans, numbers, durations, enumerated words such as
//!    `basic`/`bearer`, URLs without credentials, file paths) is
//!    *high-entropy* when [strong](is_strong) and a *weak password*
//!    otherwise. Names that merely describe a secret setting
//!    (`TOKEN_EXPIRY`, `PASSWORD_MIN_LENGTH`, `SECRET_NAME`, `AUTH_TYPE`)
//!    only count when the value itself looks like random key material.
//! 3. **Strength** ([`is_strong`]): at least eight characters that no
//!    dictionary word, common password, name, keyboard pattern, repeat,
//!    sequence or date explains (zxcvbn; see the `strength` module).
//!
//! A weak default password is a different finding from a credential: it is
//! a smell (the deployment keeps a password every reader of the repository
//! knows), not a leak of somebody's key, and it is fixed differently
//! (generate one at deploy time rather than revoke one).
//!
//! All regular expressions are compiled once, on first use. They are
//! constants checked by the unit tests, so their `expect` cannot fire at run
//! time; nothing else here panics, whatever the input.

use regex::Regex;

pub mod files;
mod formats;
mod names;
pub mod placeholders;
mod strength;

pub use strength::{MAX_MEASURED, STRONG_CHARS};

/// What the detector makes of one value (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A credential in a known format; `kind` is the format's name.
    Known(SecretMatch),
    /// A secret-like name holding a value with the strength of a generated
    /// credential; `kind` is what the name says it is (`password`, `token`).
    HighEntropy(SecretMatch),
    /// A secret-like name, or a connection string, holding a weak,
    /// dictionary or default password.
    WeakPassword(SecretMatch),
    /// A placeholder or a reference to a variable.
    Placeholder,
    /// Not a secret.
    Nothing,
}

impl Verdict {
    /// A credential (a known format or a high-entropy value): critical.
    pub fn is_credential(&self) -> bool {
        matches!(self, Verdict::Known(_) | Verdict::HighEntropy(_))
    }

    /// The match of a credential or of a weak password.
    pub fn secret(&self) -> Option<&SecretMatch> {
        match self {
            Verdict::Known(m) | Verdict::HighEntropy(m) | Verdict::WeakPassword(m) => Some(m),
            Verdict::Placeholder | Verdict::Nothing => None,
        }
    }
}

/// A secret found in a value, safe to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretMatch {
    /// What it is, for the message: the format's name ("GitHub token",
    /// "AWS access key id", "connection string with password") or what the
    /// name says ("password", "API key", "secret").
    pub kind: &'static str,
    /// The secret masked for display (see [`mask`]). For a known format it
    /// is the token itself (so `Bearer ghp_…` shows `ghp_…`); otherwise the
    /// whole value.
    pub masked: String,
}

/// What `value` is, as the value of `name` when there is a name.
///
/// Surrounding whitespace and one pair of matching quotes (`"…"`, `'…'`) are
/// ignored, so `API_KEY=""` is empty (a placeholder).
pub fn classify(name: Option<&str>, value: &str) -> Verdict {
    let value = unquote(value);
    if value.is_empty() {
        return Verdict::Placeholder;
    }
    // 1. Known formats, whatever the name.
    let token = formats::find_token(name, value);
    if let Some(found) = token.as_ref().filter(|f| !f.weak) {
        return Verdict::Known(SecretMatch {
            kind: found.kind,
            masked: mask(found.token),
        });
    }
    // 2. A secret-like name holding a literal. Without one, and without a
    // token, nothing below can report the value: the placeholder families
    // (a dozen regex searches) are not consulted.
    let words = name.map(names::split_words);
    let term = words.as_deref().and_then(names::last_secret_term);
    if token.is_none() && term.is_none() {
        return Verdict::Nothing;
    }
    if is_placeholder(value) {
        return Verdict::Placeholder;
    }
    if let Some(kind) = words
        .zip(term)
        .and_then(|(w, t)| secret_kind_of(&w, t, value))
    {
        let m = SecretMatch {
            kind,
            masked: mask(value),
        };
        return if is_strong(value) {
            Verdict::HighEntropy(m)
        } else {
            Verdict::WeakPassword(m)
        };
    }
    // A connection string with a weak password, under any name.
    match token {
        Some(found) => Verdict::WeakPassword(SecretMatch {
            kind: found.kind,
            masked: mask(found.token),
        }),
        None => Verdict::Nothing,
    }
}

/// What a secret-like name (its `words`, whose last secret term is `term`)
/// says `value` is, when the value could be one.
fn secret_kind_of(words: &[String], term: names::SecretTerm, value: &str) -> Option<&'static str> {
    if names::cannot_be_credential(value) {
        return None;
    }
    if names::describes_setting(words, term.end) && !strength::looks_random(value) {
        return None;
    }
    Some(term.kind)
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
    names::last_secret_term(&names::split_words(name)).is_some()
}

/// Is `value` a placeholder: empty (after trimming whitespace and one pair
/// of quotes) or a member of one of the [`placeholders::FAMILIES`]
/// (references such as `${X}`, fillers such as `xxx`, announcements such as
/// `<your-token>`, `changeme`, `example…`, `dummy`, `test…`, or just the
/// word `password`)?
pub fn is_placeholder(value: &str) -> bool {
    placeholders::family(value).is_some()
}

/// The placeholder family of `value` (`"empty"` or one of
/// [`placeholders::FAMILIES`]), if it is a placeholder.
pub fn placeholder_family(value: &str) -> Option<&'static str> {
    placeholders::family(value)
}

/// Does `value` have the strength of a generated credential: at least
/// [`STRONG_CHARS`] characters that no dictionary word, common password,
/// name, keyboard pattern, repeat, sequence or date explains?
pub fn is_strong(value: &str) -> bool {
    strength::is_strong(unquote(value))
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

#[cfg(test)]
mod tests;
