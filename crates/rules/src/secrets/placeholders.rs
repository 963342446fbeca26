//! Placeholders: values that say a real secret belongs there, or that take
//! it from somewhere else. The one list of what counts is [`FAMILIES`]; a
//! placeholder is never a secret finding of any rule.

use std::sync::LazyLock;

use regex::Regex;

use super::{compile, unquote};

/// One family of placeholders.
pub struct Family {
    /// Short name, for documentation and tests.
    pub name: &'static str,
    /// What it covers, with examples.
    pub description: &'static str,
    /// Does the (unquoted, non-empty) value belong to the family?
    matches: fn(&str) -> bool,
}

/// Every placeholder family, in the order they are tried. A value (after
/// trimming whitespace and one pair of matching quotes) is a placeholder
/// when it is empty or belongs to one of these.
pub static FAMILIES: &[Family] = &[
    Family {
        name: "reference",
        description: "refers to a variable, so the secret comes from elsewhere: `$X`, `${X}`, \
                      `${X:-…}`, `${{ secrets.X }}`, `${input:x}`, `$(command)`, `` `command` ``, \
                      `{{ template }}`, `%VAR%`, server.json's `{token}`; compose's `$$` is an \
                      escaped `$` and does not count",
        matches: is_reference,
    },
    Family {
        name: "filler",
        description: "one character repeated (`xxx`, `yyy`, `0000`), a leading `xxx` or a run of \
                      four or more `x` (`ghp_xxxx…`, `sk-xxxx`), `***`, `•••`, `...`, `…`",
        matches: is_filler,
    },
    Family {
        name: "announcement",
        description: "`<…>` (`<your-token>`, `<insert key>`), the words `your` (also as a prefix: \
                      `yourkey`), `here`, `todo`, `tbd`, `fixme`, `n/a`, `unset`, `not-set`",
        matches: is_announcement,
    },
    Family {
        name: "change me",
        description: "`changeme`, `change-me`, `change_me`, `change_this`, `changeit`, \
                      `change-in-production`, `please-change`, `replace_me`, `replaceme`",
        matches: is_change_me,
    },
    Family {
        name: "example",
        description: "`example…` anywhere in the value (`example-key`, `AKIA…EXAMPLE`), \
                      `sample…`, `placeholder`, `redacted` (`[REDACTED]`)",
        matches: is_example,
    },
    Family {
        name: "fake",
        description: "`dummy` anywhere in the value, and values starting with `fake`, `mock`, \
                      `test` or `testing` (`test-client-secret`, `testpass`, `fake_token`)",
        matches: is_fake,
    },
    Family {
        name: "the secret's name",
        description: "the value is just the name of what belongs there: `password`, `passwd`, \
                      `pass`, `pwd`, `secret`, `token`, `api-key`, `apikey`, `access_key`, \
                      `secret-key`, `private-key`, `credentials`, optionally after `my` or \
                      `your` (`my-secret`, `your_password`)",
        matches: is_secret_word,
    },
];

/// Does `value` belong to a placeholder family? The family's name.
pub fn family(value: &str) -> Option<&'static str> {
    let value = unquote(value);
    if value.is_empty() {
        return Some("empty");
    }
    FAMILIES.iter().find(|f| (f.matches)(value)).map(|f| f.name)
}

/// A reference to a variable anywhere in the value.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\$\{",                            // ${X}, ${X:-d}, ${{ secrets.X }}, ${input:x}
        r"|\$\(",                           // $(command substitution)
        r"|`[^`]+`",                        // `command substitution`
        r"|\$[A-Za-z_]",                    // $X
        r"|\{\{[^}]*\}\}",                  // {{ template }}
        r"|%[A-Za-z_][A-Za-z0-9_]*%",       // %VAR%
        r"|\{[A-Za-z_][A-Za-z0-9_.: -]*\}", // server.json {token}, {api key}
    ))
});

fn is_reference(value: &str) -> bool {
    // `$$` is compose's escape for a literal `$`, not a reference.
    REFERENCE.is_match(&value.replace("$$", ""))
}

static FILLER: LazyLock<Regex> = LazyLock::new(|| compile(r"(?i)^xxx|x{4,}|\*\*\*|•••|\.\.\.|…"));

fn is_filler(value: &str) -> bool {
    let mut chars = value.chars();
    let first = chars.next();
    chars.all(|c| Some(c) == first) || FILLER.is_match(value)
}

static ANNOUNCEMENT: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?i)<[^<>]+>",
        r"|(?:^|[^a-z0-9])(?:your|here|todo|tbd|fixme)(?:[^a-z0-9]|$)",
        r"|^your",
        r"|^(?:n/?a|unset|not[-_ ]?set)$",
    ))
});

fn is_announcement(value: &str) -> bool {
    ANNOUNCEMENT.is_match(value)
}

static CHANGE_ME: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?i)change[-_ ]?(?:me|it|this)",
        r"|change[-_ ]?in[-_ ]?prod",
        r"|please[-_ ]?change",
        r"|replace[-_ ]?(?:me|this)",
    ))
});

fn is_change_me(value: &str) -> bool {
    CHANGE_ME.is_match(value)
}

static EXAMPLE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)example|^sample|placeholder|redacted"));

fn is_example(value: &str) -> bool {
    EXAMPLE.is_match(value)
}

static FAKE: LazyLock<Regex> = LazyLock::new(|| compile(r"(?i)dummy|^(?:fake|mock|test)"));

fn is_fake(value: &str) -> bool {
    FAKE.is_match(value)
}

/// A value that is just the name of what belongs there, as READMEs write
/// it: `PASSWORD=password`, `postgres://username:password@…`.
static SECRET_WORD: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?i)^(?:my|your)?[-_ ]?",
        r"(?:password|passwd|pass|pwd|secret|token|credentials?|auth[-_ ]?token",
        r"|api[-_ ]?key|access[-_ ]?key|secret[-_ ]?key|private[-_ ]?key|api[-_ ]?token)$",
    ))
});

fn is_secret_word(value: &str) -> bool {
    SECRET_WORD.is_match(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each value belongs to `family` (the first family that matches it).
    fn assert_family(family_name: &str, values: &[&str]) {
        for value in values {
            assert_eq!(family(value), Some(family_name), "{value:?}");
        }
    }

    #[test]
    fn every_family_is_documented_and_tested() {
        let tested = [
            "reference",
            "filler",
            "announcement",
            "change me",
            "example",
            "fake",
            "the secret's name",
        ];
        let names: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
        assert_eq!(names, tested);
        assert!(FAMILIES.iter().all(|f| !f.description.is_empty()));
    }

    #[test]
    fn empty() {
        assert_family("empty", &["", "   ", "\"\"", "''", "\" \""]);
    }

    #[test]
    fn references() {
        #[rustfmt::skip]
        assert_family("reference", &[
            "$X", "$OPENAI_API_KEY", "${X}", "${X:-default}", "${X:?required}",
            "${{ secrets.GITHUB_TOKEN }}", "${input:github_token}", "${env:TOKEN}", "{token}",
            "{api_key}", "{api key}", "Bearer {token}", "{{ .Values.token }}", "%API_KEY%",
            "$(cat /run/secrets/token)", "`cat /run/secrets/token`", "prefix-${SUFFIX}",
        ]);
        // `$$` is a literal dollar sign.
        assert_eq!(family("pa$$w0rd"), None);
    }

    #[test]
    fn fillers() {
        #[rustfmt::skip]
        assert_family("filler", &[
            "xxx", "XXXX", "yyy", "zzzzzz", "0000", "a", "xxxxxxxx", "sk-xxxx", "xxx-yyy",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "***", "****", "•••", "...", "sk-...",
            "…", "---",
        ]);
    }

    #[test]
    fn announcements() {
        #[rustfmt::skip]
        assert_family("announcement", &[
            "<token>", "<your-password-here>", "<insert token>", "your-api-key",
            "your_api_key", "YOUR_TOKEN", "yourtoken", "api-key-here", "TOKEN_HERE",
            "put key here", "TODO", "todo: set me", "TBD", "fixme", "n/a", "N/A", "unset",
            "not-set",
        ]);
    }

    #[test]
    fn change_me() {
        #[rustfmt::skip]
        assert_family("change me", &[
            "changeme", "CHANGEME", "change-me", "change_me", "change_this", "changeit",
            "my-super-secret-jwt-key-change-in-production", "please-change", "replace-me",
            "replace_me", "REPLACE_ME", "replacethis",
        ]);
    }

    #[test]
    fn examples() {
        #[rustfmt::skip]
        assert_family("example", &[
            "example", "example-key", "EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "sample-token",
            "placeholder", "PLACEHOLDER_TOKEN", "redacted", "[REDACTED]",
        ]);
    }

    #[test]
    fn fakes() {
        #[rustfmt::skip]
        assert_family("fake", &[
            "dummy", "dummy-token", "a-dummy-value", "fake", "fake_token", "FakeKey123",
            "mock-secret", "test", "test-client-secret", "testpass", "Test1234!", "testing",
            "testing-only",
        ]);
    }

    #[test]
    fn the_secrets_name() {
        #[rustfmt::skip]
        assert_family("the secret's name", &[
            "password", "Password", "PASSWORD", "passwd", "pass", "pwd", "secret", "token",
            "api-key", "apikey", "api_key", "access_key", "secret-key", "private_key",
            "credentials", "my-secret", "my_password", "mypassword", "auth-token",
        ]);
    }

    #[test]
    fn literals_are_not_placeholders() {
        #[rustfmt::skip]
        let literals = [
            "hunter2", "pa$$w0rd", "s3cr3t", "production", "there", "somewhere", "hereford",
            "toddler", "max", "box", "50%", "adminadmin", "neo4j/password", "recommendations",
            "postgres", "contest", "latest", "passage", "tokenizer", "secretariat", "attest",
            "ghp_R2d7kQ9vXw3LmN8pT5yZa1Bc4De6Fg0Hi2Jk", "aa1", "mysecretpassword",
        ];
        for value in literals {
            assert_eq!(family(value), None, "{value:?} should not be a placeholder");
        }
    }
}
