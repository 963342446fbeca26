//! Tests of the detector as a whole ([`classify`]) and of its parts.

use super::*;

const GITHUB: &str = "ghp_R2d7kQ9vXw3LmN8pT5yZa1Bc4De6Fg0Hi2Jk";

/// The kind of credential (known format or high entropy) `classify` reports, if any.
fn kind(name: Option<&str>, value: &str) -> Option<&'static str> {
    let verdict = classify(name, value);
    verdict
        .is_credential()
        .then(|| verdict.secret().map(|m| m.kind))
        .flatten()
}
fn named(name: &str, value: &str) -> Option<&'static str> {
    kind(Some(name), value)
}
fn unnamed(value: &str) -> Option<&'static str> {
    kind(None, value)
}
/// The kind of weak password `classify` reports, if any.
fn weak(name: Option<&str>, value: &str) -> Option<&'static str> {
    match classify(name, value) {
        Verdict::WeakPassword(m) => Some(m.kind),
        _ => None,
    }
}
/// Any secret (credential or weak password).
fn any(name: &str, value: &str) -> Option<&'static str> {
    classify(Some(name), value).secret().map(|m| m.kind)
}

#[test]
fn acceptance_examples() {
    assert_eq!(
        classify(Some("GITHUB_PERSONAL_ACCESS_TOKEN"), GITHUB),
        Verdict::Known(SecretMatch {
            kind: "GitHub token",
            masked: "ghp_…".into(),
        })
    );
    assert_eq!(classify(Some("API_KEY"), r#""""#), Verdict::Placeholder);
    assert_eq!(classify(Some("API_KEY"), ""), Verdict::Placeholder);
    assert_eq!(
        classify(Some("OPENAI_API_KEY"), "${OPENAI_API_KEY}"),
        Verdict::Placeholder
    );
    assert_eq!(
        classify(Some("DB_PASSWORD"), "<your-password-here>"),
        Verdict::Placeholder
    );
    assert_eq!(classify(Some("NODE_ENV"), "production"), Verdict::Nothing);
}

/// The examples of issue 15: placeholders give nothing, weak defaults are
/// weak passwords, real formats stay credentials.
#[test]
fn issue_examples() {
    assert_eq!(
        classify(Some("AWS_ACCESS_KEY_ID"), "xxx"),
        Verdict::Placeholder
    );
    assert_eq!(
        classify(Some("AWS_SECRET_ACCESS_KEY"), "yyy"),
        Verdict::Placeholder
    );
    assert_eq!(
        classify(Some("NEO4J_AURA_CLIENT_SECRET"), "\"test-client-secret\""),
        Verdict::Placeholder
    );
    assert_eq!(
        weak(Some("NEO4J_AUTH"), "neo4j/password"),
        Some("credential")
    );
    assert_eq!(
        weak(Some("DOCKER_INFLUXDB_INIT_PASSWORD"), "adminadmin"),
        Some("password")
    );
    assert_eq!(
        weak(Some("NEO4J_PASSWORD"), "recommendations"),
        Some("password")
    );
    assert_eq!(
        weak(Some("POSTGRES_PASSWORD"), "postgres"),
        Some("password")
    );
    assert_eq!(named("GITHUB_TOKEN", GITHUB), Some("GitHub token"));
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
        unnamed("https://hooks.slack.com/services/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f"),
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
    let Verdict::Known(m) = classify(Some("TLS_KEY"), pem) else {
        panic!("a private key is a known format");
    };
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
    assert_eq!(
        classify(Some("PROMETHEUS_PASSWORD"), "\"password\""),
        Verdict::Placeholder
    );
    assert_eq!(
        any(
            "DATABASE_URI",
            "postgresql://username:password@localhost:5432/dbname"
        ),
        None
    );
    // A real-looking password is a credential, a made-up one a weak password.
    assert_eq!(
        named("DATABASE_URI", "postgresql://app:Xk29fjQ1@db:5432/app"),
        Some("connection string with password")
    );
    assert_eq!(
        weak(Some("DB_PASSWORD"), "passwordless-2024!"),
        Some("password")
    );
}

#[test]
fn connection_strings() {
    let k = Some("connection string with password");
    // Strong passwords: credentials.
    assert_eq!(
        unnamed("mongodb+srv://admin:Zq8Rk3Lm@cluster0.mongodb.net/db"),
        k
    );
    assert_eq!(unnamed("redis://:q7Vw2Lx9Tz4M@cache:6379/0"), k);
    let Verdict::Known(m) = classify(Some("DATABASE_URL"), "postgres://user:Xk29fjQ1@host") else {
        panic!("a strong password makes a known credential");
    };
    assert_eq!(m.masked, "post…");
    // Weak ones: hard-coded passwords, whatever the variable is called.
    assert_eq!(weak(None, "postgresql://app:s3cr3t@db.acme.io:5432/app"), k);
    // A documentation host makes the whole string an example.
    assert_eq!(
        classify(None, "postgresql://app:s3cr3t@db.example.com:5432/app"),
        Verdict::Placeholder
    );
    assert_eq!(weak(None, "redis://:hunter2@cache:6379/0"), k);
    assert_eq!(weak(Some("DATABASE_URL"), "mysql://root:root@mysql/app"), k);
    assert_eq!(
        weak(
            None,
            "postgresql://postgres:postgres@localhost:5432/postgres"
        ),
        k
    );
    // Placeholders: nothing.
    assert_eq!(classify(None, "postgres://user:pass@host").secret(), None);
    assert_eq!(
        classify(None, "postgres://test:test@localhost/test").secret(),
        None
    );

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

    assert_eq!(weak(None, "host=db user=app password=s3cr3t dbname=app"), k);
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
fn secret_names_with_weak_literals_are_weak_passwords() {
    let w = |name, value| weak(Some(name), value);
    assert_eq!(w("DB_PASSWORD", "hunter2"), Some("password"));
    assert_eq!(w("POSTGRES_PASSWORD", "postgres"), Some("password"));
    assert_eq!(w("db.password", "s3cret!"), Some("password"));
    assert_eq!(w("apiKey", "abc123"), Some("API key"));
    assert_eq!(w("X_API_KEY", "k-29ab"), Some("API key"));
    assert_eq!(w("AUTH_TOKEN", "letmein"), Some("token"));
    assert_eq!(w("TOKEN_SECRET", "letmein"), Some("secret"));
    assert_eq!(w("CLIENT_SECRET", "letmein"), Some("secret"));
    assert_eq!(w("BASIC_AUTH", "admin:admin"), Some("credential"));
    assert_eq!(w("AUTH_HEADER", "Bearer abc123"), Some("credential"));
    assert_eq!(w("MINIO_ROOT_PASSWORD", "minioadmin"), Some("password"));
    assert_eq!(w("JWT_SECRET", "mcp_secure_password_2024"), Some("secret"));
    assert_eq!(w("SECRET_KEY", "dev-secret-key"), Some("secret"));
    assert_eq!(
        w("PASSWORD", "correct horse battery staple"),
        Some("password")
    );
    assert_eq!(w("PASSWORD", "P@ssw0rd"), Some("password"));
    assert_eq!(w("PASSWORD", "qwerty123"), Some("password"));
    // Compose's `$$` is a literal `$`.
    assert_eq!(w("DB_PASSWORD", "pa$$w0rd"), Some("password"));
    // Seven random characters are not yet the strength of a generated key.
    assert_eq!(w("DB_PASSWORD", "kZ8sQw1"), Some("password"));
}

#[test]
fn secret_names_with_strong_literals_are_credentials() {
    let high = |name, value| match classify(Some(name), value) {
        Verdict::HighEntropy(m) => Some(m.kind),
        _ => None,
    };
    assert_eq!(
        high("SECRET_KEY_BASE", "a8f5f167f44f4964e6c998dee827110c"),
        Some("secret")
    );
    assert_eq!(high("DB_PASSWORD", "kZ8sQw1x"), Some("password"));
    assert_eq!(high("DB_PASSWORD", "Zq8Rk3Lm!"), Some("password"));
    assert_eq!(
        high("STRIPE_SECRET_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
        Some("secret")
    );
    // A random-looking path component is key material, not a path.
    assert_eq!(
        high("SECRET", "/Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8"),
        Some("secret")
    );
    // A URL with a secret in its query.
    assert_eq!(
        high(
            "WEBHOOK_TOKEN",
            "https://hooks.acme.io/hook?token=Zq8Rk3Lm5Np7"
        ),
        Some("token")
    );
    // A long base64 value is measured, not skipped.
    let long = "Zq8Rk3Lm5Np7Tv9Wx2Yb4Cd6Ef8".repeat(40);
    assert_eq!(high("PRIVATE_KEY_B64", &long), Some("private key"));
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
        assert_eq!(any("AUTH_SECRET_TOKEN", value), None, "{value}");
    }
}

#[test]
fn names_that_describe_a_setting() {
    assert_eq!(any("TOKEN_EXPIRY", "3600"), None);
    assert_eq!(any("TOKEN_EXPIRY", "1h"), None);
    assert_eq!(any("PASSWORD_MIN_LENGTH", "8"), None);
    assert_eq!(any("MIN_PASSWORD_LENGTH", "eight"), None);
    assert_eq!(any("AUTH_ENABLED", "true"), None);
    assert_eq!(any("AUTH_TYPE", "oauth"), None);
    assert_eq!(any("AUTH_PROVIDER", "github"), None);
    assert_eq!(any("AUTH_MODE", "none"), None);
    assert_eq!(any("SECRET_NAME", "my-secret"), None);
    assert_eq!(
        any("TOKEN_URL", "https://auth.example.net/oauth/token"),
        None
    );
    assert_eq!(any("API_KEY_ENV", "OPENAI_API_KEY"), None);
    assert_eq!(any("API_KEY_HEADER", "X-Api-Key"), None);
    assert_eq!(any("PASSWORD_FILE", "/run/secrets/db"), None);
    assert_eq!(any("AUTH_USER", "admin"), None);
    assert_eq!(any("AWS_ACCESS_KEY_ID", "my-key-id"), None);
    assert_eq!(any("PASS_THROUGH_X", "yes"), None);
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
    assert_eq!(weak(Some("USER_PASSWORD"), "hunter2"), Some("password"));
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
        assert_eq!(
            classify(Some("API_TOKEN"), value),
            Verdict::Placeholder,
            "{value:?}"
        );
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
        (None, "postgres://user:hunter2@host"),
        (Some("SECRET"), "ab"),
        (Some("SECRET"), "abcdefgh"),
    ] {
        let verdict = classify(name, value);
        let m = verdict.secret().expect(value);
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
        let _ = is_strong(value);
        let _ = mask(value);
        let _ = files::inspect(".env", value, false);
        let _ = files::inspect(".npmrc", value, false);
    }
}

#[test]
fn all_patterns_compile() {
    formats::force_patterns();
    names::force_patterns();
    for family in placeholders::FAMILIES {
        let _ = placeholder_family(family.name);
    }
}

#[test]
fn word_splitting() {
    let words = |name| names::split_words(name).join(" ");
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
