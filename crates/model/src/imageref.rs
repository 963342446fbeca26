//! Image references: `[registry/]repository[:tag][@digest]`.

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The reference as written (after variable substitution).
    pub raw: String,
    /// Repository without tag or digest, normalised: `docker.io/library/`
    /// and `docker.io/` prefixes removed, lower-cased.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(raw: &str) -> ImageRef {
        let raw_trimmed = raw.trim();
        let (rest, digest) = match raw_trimmed.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (raw_trimmed, None),
        };
        // A tag is a ':' after the last '/' (a ':' before it is a registry port).
        let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (
                &rest[..last_slash + i],
                Some(rest[last_slash + i + 1..].to_string()),
            ),
            None => (rest, None),
        };
        let mut name = name.to_ascii_lowercase();
        for prefix in [
            "docker.io/library/",
            "index.docker.io/library/",
            "docker.io/",
            "index.docker.io/",
        ] {
            if let Some(stripped) = name.strip_prefix(prefix) {
                name = stripped.to_string();
                break;
            }
        }
        ImageRef {
            raw: raw_trimmed.to_string(),
            name,
            tag: tag.filter(|t| !t.is_empty()),
            digest,
        }
    }

    /// No tag and no digest, or the tag `latest` without a digest.
    pub fn is_unpinned(&self) -> bool {
        self.digest.is_none() && matches!(self.tag.as_deref(), None | Some("latest"))
    }

    /// The last path component of the repository (`gcr.io/distroless/static` → `static`).
    pub fn short_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    /// Does the reference contain an unexpanded variable (`$X`, `${X}`,
    /// `{{ }}`) or a documentation placeholder (`ghcr.io/<org>/server`)?
    pub fn is_templated(&self) -> bool {
        self.raw.contains('$') || self.raw.contains("{{") || self.raw.contains('<')
    }

    /// The same image, ignoring `docker.io` spelling differences and digests.
    pub fn same_image(&self, other: &ImageRef) -> bool {
        self.name == other.name
            && self.tag.as_deref().unwrap_or("latest") == other.tag.as_deref().unwrap_or("latest")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_registry_port_tag_and_digest() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.name, "localhost:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        assert!(!r.is_unpinned());

        let r = ImageRef::parse("docker.io/library/node");
        assert_eq!(r.name, "node");
        assert!(r.is_unpinned());
        assert!(ImageRef::parse("node:latest").is_unpinned());
        assert!(!ImageRef::parse("node@sha256:00").is_unpinned());
        assert!(!ImageRef::parse("node:22-slim").is_unpinned());
        assert_eq!(
            ImageRef::parse("gcr.io/distroless/nodejs22-debian12").short_name(),
            "nodejs22-debian12"
        );
        assert!(
            ImageRef::parse("Node:20").same_image(&ImageRef::parse("docker.io/library/node:20"))
        );
        assert!(ImageRef::parse("ghcr.io/<your-org>/server").is_templated());
        assert!(ImageRef::parse("${REGISTRY}/server").is_templated());
        assert!(!ImageRef::parse("ghcr.io/o/server").is_templated());
    }
}
