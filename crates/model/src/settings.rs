//! Project settings that change what rules conclude, from the project's
//! configuration file (`skillaudit.toml`). The engine fills
//! [`crate::Project::settings`] before rules run; rules never read files.

use crate::ImageRef;

/// What the configuration tells rules about the project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Base images known to run as a non-root user, in addition to the
    /// built-in list (`non-root-images`).
    pub non_root_images: Vec<ImagePattern>,
}

impl Settings {
    /// Is `r` one of the configured non-root base images?
    pub fn is_non_root_image(&self, r: &ImageRef) -> bool {
        self.non_root_images.iter().any(|p| p.matches(r))
    }
}

/// An image name, optionally with a tag, where `*` matches any run of
/// characters: `ghcr.io/acme/base` (any tag), `ghcr.io/acme/base:nonroot`,
/// `ghcr.io/acme/*`, `ghcr.io/acme/base:*-nonroot`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImagePattern {
    /// As written in the configuration.
    pub raw: String,
    /// Repository, normalised like [`ImageRef::name`].
    name: String,
    /// `None`: any tag.
    tag: Option<String>,
}

impl ImagePattern {
    /// A pattern from its text; `None` when it names no image.
    pub fn parse(raw: &str) -> Option<ImagePattern> {
        let r = ImageRef::parse(raw);
        if r.name.is_empty() || r.name.chars().any(char::is_whitespace) {
            return None;
        }
        Some(ImagePattern {
            raw: raw.trim().to_string(),
            name: r.name,
            tag: r.tag,
        })
    }

    pub fn matches(&self, r: &ImageRef) -> bool {
        if !wildcard(&self.name, &r.name) {
            return false;
        }
        match &self.tag {
            None => true,
            Some(t) => wildcard(t, r.tag.as_deref().unwrap_or("latest")),
        }
    }
}

/// `*` matches any (possibly empty) run of characters; everything else is literal.
fn wildcard(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, image: &str) -> bool {
        ImagePattern::parse(pattern)
            .expect("a pattern")
            .matches(&ImageRef::parse(image))
    }

    #[test]
    fn names_tags_and_wildcards() {
        assert!(matches("ghcr.io/acme/base", "ghcr.io/acme/base:1.2"));
        assert!(matches("ghcr.io/acme/base", "GHCR.io/acme/base"));
        assert!(!matches("ghcr.io/acme/base", "ghcr.io/acme/base-dev:1"));
        assert!(matches(
            "ghcr.io/acme/base:nonroot",
            "ghcr.io/acme/base:nonroot"
        ));
        assert!(!matches(
            "ghcr.io/acme/base:nonroot",
            "ghcr.io/acme/base:root"
        ));
        assert!(!matches("ghcr.io/acme/base:nonroot", "ghcr.io/acme/base"));
        assert!(matches("ghcr.io/acme/*", "ghcr.io/acme/tools/base:3"));
        assert!(!matches("ghcr.io/acme/*", "ghcr.io/other/base"));
        assert!(matches(
            "ghcr.io/acme/base:*-nonroot",
            "ghcr.io/acme/base:3.1-nonroot"
        ));
        assert!(!matches(
            "ghcr.io/acme/base:*-nonroot",
            "ghcr.io/acme/base:3.1"
        ));
        // docker.io spellings are one image.
        assert!(matches("docker.io/library/acme", "acme:2"));
        assert!(matches("acme/base", "docker.io/acme/base@sha256:00"));
        assert!(ImagePattern::parse("  ").is_none());
        assert!(ImagePattern::parse("a b").is_none());
    }

    #[test]
    fn wildcard_edges() {
        assert!(wildcard("*", ""));
        assert!(wildcard("a*a", "aa"));
        assert!(!wildcard("a*a", "a"));
        assert!(wildcard("a**b", "axxb"));
        assert!(!wildcard("abc", "abcd"));
    }
}
