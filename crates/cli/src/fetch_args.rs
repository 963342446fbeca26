//! The flags that shape how repositories named by URL are fetched, shared by
//! `skillaudit corpus` and `skillaudit serve`: they build the
//! [`FetchPolicy`] (allow-list, time and size limits) of
//! `skillaudit_engine::fetch`.

use std::time::Duration;

use skillaudit_engine::fetch::{AllowedHost, FetchPolicy};

#[derive(clap::Args, Clone, Debug)]
pub struct FetchArgs {
    /// Also fetch from HOST[:PORT] (repeatable), over https and public
    /// addresses only unless --allow-http / --allow-private say otherwise;
    /// github.com, gitlab.com and codeberg.org are allowed unless
    /// --no-default-hosts is given.
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    pub allow_host: Vec<String>,
    /// Accept plain http:// for the hosts given with --allow-host (a test or
    /// internal server; never for the default hosts).
    #[arg(long)]
    pub allow_http: bool,
    /// Let the hosts given with --allow-host be, or resolve to, loopback or
    /// private addresses (an internal server; never for the default hosts).
    #[arg(long)]
    pub allow_private: bool,
    /// Do not allow github.com, gitlab.com and codeberg.org by default.
    #[arg(long)]
    pub no_default_hosts: bool,
    /// Give up on a clone after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub fetch_timeout: u64,
    /// Give up on a repository whose checkout grows past this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    pub max_repo_size: u64,
}

impl FetchArgs {
    /// The policy these flags describe, or why a --allow-host is not a host.
    pub fn policy(&self) -> Result<FetchPolicy, String> {
        let mut policy = if self.no_default_hosts {
            FetchPolicy::none()
        } else {
            FetchPolicy::default()
        };
        for spec in &self.allow_host {
            let host = AllowedHost::explicit(spec)
                .map_err(|e| format!("--allow-host {spec}: {e}"))?
                .allow_private(self.allow_private);
            policy = policy.allow(if self.allow_http {
                host.allow_http()
            } else {
                host
            });
        }
        Ok(policy
            .timeout(Duration::from_secs(self.fetch_timeout))
            .max_bytes(self.max_repo_size.saturating_mul(1 << 20)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        fetch: FetchArgs,
    }

    fn policy(args: &[&str]) -> Result<FetchPolicy, String> {
        Cli::try_parse_from(std::iter::once("x").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?
            .fetch
            .policy()
    }

    #[test]
    fn flags_build_the_policy() {
        let p = policy(&[]).unwrap();
        assert_eq!(
            p.hosts.iter().map(|h| h.host.as_str()).collect::<Vec<_>>(),
            ["github.com", "gitlab.com", "codeberg.org"]
        );
        assert_eq!(
            (p.timeout, p.max_bytes),
            (Duration::from_secs(120), 200 << 20)
        );

        let p = policy(&[
            "--no-default-hosts",
            "--allow-host",
            "127.0.0.1:9418",
            "--allow-http",
            "--allow-private",
            "--fetch-timeout",
            "5",
            "--max-repo-size",
            "1",
        ])
        .unwrap();
        assert_eq!(p.hosts.len(), 1);
        let h = &p.hosts[0];
        assert_eq!(
            (h.host.as_str(), h.port, h.allow_http, h.allow_private),
            ("127.0.0.1", Some(9418), true, true)
        );
        assert_eq!((p.timeout, p.max_bytes), (Duration::from_secs(5), 1 << 20));

        // --allow-http never reaches the default hosts.
        // An added host is public-only unless --allow-private says otherwise.
        let p = policy(&[
            "--allow-host",
            "git.internal",
            "--allow-http",
            "--allow-private",
        ])
        .unwrap();
        assert!(p
            .hosts
            .iter()
            .filter(|h| h.allow_http || h.allow_private)
            .all(|h| h.host == "git.internal"));
        assert!(!policy(&["--allow-host", "git.example"])
            .unwrap()
            .hosts
            .iter()
            .any(|h| h.allow_private));

        assert!(policy(&["--allow-host", "https://x/"])
            .unwrap_err()
            .contains("--allow-host https://x/"));
        assert!(policy(&["--fetch-timeout", "0"]).is_err());
    }
}
