//! The clone and `ls-remote` of a checked URL: git isolated from every
//! configuration, pinned to the checked addresses, in its own process
//! group under the time and size limits.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::addr::resolve;
use super::url::{check_url, CheckedUrl};
use super::{FetchError, FetchPolicy};

/// `git clone` of one commit of one branch, without tags or submodules:
/// how every repository is fetched, trusted or not.
pub const SHALLOW_CLONE: [&str; 7] = [
    "clone",
    "--quiet",
    "--depth",
    "1",
    "--no-tags",
    "--single-branch",
    "--no-recurse-submodules",
];

/// A fetched repository; its directory is deleted when this is dropped.
#[derive(Debug)]
pub struct Checkout {
    dir: tempfile::TempDir,
    root: PathBuf,
    /// The commit checked out (`git rev-parse HEAD`).
    pub commit: String,
    /// The URL that was cloned (rebuilt, canonical).
    pub url: String,
}

impl Checkout {
    /// The working tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary directory holding the working tree (removed on drop).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// A branch or tag name safe to hand to `git clone --branch`.
pub(super) fn check_ref(r: &str) -> Result<(), FetchError> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.');
    if r.is_empty()
        || r.len() > 255
        || r.starts_with(['-', '/', '.'])
        || r.ends_with(['/', '.'])
        || r.contains("..")
        || r.contains("//")
        || !r.chars().all(ok)
        || r.ends_with(".lock")
    {
        return Err(FetchError::BadRef(r.chars().take(80).collect()));
    }
    Ok(())
}

/// Fetch the default branch of `url` under `policy`.
pub fn fetch(url: &str, policy: &FetchPolicy) -> Result<Checkout, FetchError> {
    fetch_ref(url, None, policy)
}

/// Fetch `url` (at the branch or tag `reference`, or the default branch).
pub fn fetch_ref(
    url: &str,
    reference: Option<&str>,
    policy: &FetchPolicy,
) -> Result<Checkout, FetchError> {
    let remote = Remote::prepare(url, policy, |_| match reference {
        Some(r) => check_ref(r),
        None => Ok(()),
    })?;
    let root = remote.dir.path().join("repo");
    let mut cmd = remote.git()?;
    cmd.args(SHALLOW_CLONE);
    if let Some(r) = reference {
        cmd.arg("--branch").arg(r);
    }
    cmd.arg("--").arg(remote.checked.url()).arg(&root);
    cmd.stdout(Stdio::null());
    remote.run(&mut cmd, &root)?;
    let size = dir_size(&root);
    if size > policy.max_bytes {
        return Err(FetchError::TooLarge(policy.max_bytes));
    }
    let out = isolated_git(&remote.home)
        .arg("-C")
        .arg(&root)
        .args(["rev-parse", "--verify", "HEAD"])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| FetchError::Io(format!("cannot run git: {e}")))?;
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || commit.is_empty() {
        let message = remote
            .last_error_line()
            .unwrap_or_else(|| "no commit checked out".into());
        return Err(FetchError::Git(message));
    }
    Ok(Checkout {
        url: remote.checked.url(),
        dir: remote.dir,
        root,
        commit,
    })
}

/// The commit the default branch of `url` points at (`git ls-remote URL
/// HEAD`), without cloning: the same URL checks, address checks and
/// pinning, isolated environment and time limit as [`fetch`]; the listing
/// is bounded by the size limit.
pub fn remote_head(url: &str, policy: &FetchPolicy) -> Result<String, FetchError> {
    let remote = Remote::prepare(url, policy, |_| Ok(()))?;
    let out_path = remote.dir.path().join("git-stdout");
    let stdout = std::fs::File::create(&out_path)
        .map_err(|e| FetchError::Io(format!("cannot create a temporary file: {e}")))?;
    let mut cmd = remote.git()?;
    cmd.args(["ls-remote", "--"])
        .arg(remote.checked.url())
        .arg("HEAD");
    cmd.stdout(stdout);
    remote.run(&mut cmd, remote.dir.path())?;
    let listing = std::fs::read(&out_path)
        .map_err(|e| FetchError::Io(format!("cannot read git's output: {e}")))?;
    let listing = String::from_utf8_lossy(&listing);
    listing
        .lines()
        .find_map(|line| {
            let (id, name) = line.split_once('\t')?;
            let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
            (name.trim() == "HEAD" && matches!(id.len(), 40 | 64) && hex(id))
                .then(|| id.to_ascii_lowercase())
        })
        .ok_or_else(|| FetchError::Git("the repository is empty or has no default branch".into()))
}

/// One git run against a checked remote: the URL checked, its addresses
/// resolved and checked, a private temporary directory (with an empty
/// HOME and git's stderr) removed on every exit path.
struct Remote {
    checked: CheckedUrl,
    addrs: Vec<IpAddr>,
    dir: tempfile::TempDir,
    home: PathBuf,
    stderr_path: PathBuf,
    deadline: Instant,
    policy: FetchPolicy,
}

impl Remote {
    /// Check `url` (and whatever `extra` checks, before any network use),
    /// resolve it, make the temporary directory.
    fn prepare(
        url: &str,
        policy: &FetchPolicy,
        extra: impl FnOnce(&CheckedUrl) -> Result<(), FetchError>,
    ) -> Result<Remote, FetchError> {
        let deadline = Instant::now() + policy.timeout;
        let checked = check_url(url, policy)?;
        extra(&checked)?;
        let addrs = resolve(
            &checked.host,
            checked.port,
            checked.allow_private,
            deadline,
            policy.timeout,
        )?;
        let mut builder = tempfile::Builder::new();
        builder.prefix("skillaudit-fetch-");
        let dir = match &policy.work_dir {
            Some(d) => builder.tempdir_in(d),
            None => builder.tempdir(),
        }
        .map_err(|e| FetchError::Io(format!("cannot create a temporary directory: {e}")))?;
        let home = dir.path().join("home");
        std::fs::create_dir(&home)
            .map_err(|e| FetchError::Io(format!("cannot create a temporary directory: {e}")))?;
        let stderr_path = dir.path().join("git-stderr");
        Ok(Remote {
            checked,
            addrs,
            dir,
            home,
            stderr_path,
            deadline,
            policy: policy.clone(),
        })
    }

    /// Isolated git, only the URL's protocol, no redirects, TLS verified,
    /// the checked addresses pinned; stderr to the temporary directory.
    fn git(&self) -> Result<Command, FetchError> {
        let stderr = std::fs::File::create(&self.stderr_path)
            .map_err(|e| FetchError::Io(format!("cannot create a temporary file: {e}")))?;
        let mut cmd = isolated_git(&self.home);
        cmd.args([
            "-c",
            "protocol.allow=never",
            "-c",
            &format!("protocol.{}.allow=always", self.checked.scheme.as_str()),
        ]);
        cmd.args([
            "-c",
            "http.followRedirects=false",
            "-c",
            "http.sslVerify=true",
        ]);
        if self.checked.host.parse::<IpAddr>().is_err() {
            // Pin the addresses that were checked: git connects to nothing else.
            let list: Vec<String> = self
                .addrs
                .iter()
                .map(|a| {
                    if a.is_ipv6() {
                        format!("[{a}]")
                    } else {
                        a.to_string()
                    }
                })
                .collect();
            cmd.args([
                "-c",
                &format!(
                    "http.curloptResolve={}:{}:{}",
                    self.checked.host,
                    self.checked.port,
                    list.join(",")
                ),
            ]);
        }
        cmd.stderr(stderr);
        Ok(cmd)
    }

    /// Run `cmd` under the time limit, watching the size of `watch`.
    fn run(&self, cmd: &mut Command, watch: &Path) -> Result<(), FetchError> {
        run_limited(cmd, watch, self.deadline, &self.policy).map_err(|e| match e {
            FetchError::Git(status) => FetchError::Git(self.last_error_line().unwrap_or(status)),
            other => other,
        })
    }

    /// git's last error line, the temporary directory's path hidden.
    fn last_error_line(&self) -> Option<String> {
        let line = last_error_line(&self.stderr_path)?;
        Some(line.replace(&self.dir.path().display().to_string(), "<checkout>"))
    }
}

/// git with nothing of the user's or the system's configuration.
fn isolated_git(home: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "/bin/true")
        .env("SSH_ASKPASS", "/bin/true")
        .env("GIT_LFS_SKIP_SMUDGE", "1")
        .env("GIT_PROTOCOL_FROM_USER", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    with_safety_config(&mut cmd);
    cmd.args(["-c", "credential.helper=", "-c", "core.askPass=/bin/true"]);
    cmd
}

/// Configuration every clone runs with, trusted or not: no hooks, no LFS
/// smudging, no fsmonitor (which would run a program named by config).
const SAFETY_CONFIG: [&str; 5] = [
    "core.hooksPath=/dev/null",
    "filter.lfs.smudge=",
    "filter.lfs.process=",
    "filter.lfs.required=false",
    "core.fsmonitor=false",
];

/// Adds [`SAFETY_CONFIG`] as `-c` options (before the git subcommand).
pub(crate) fn with_safety_config(cmd: &mut Command) -> &mut Command {
    for c in SAFETY_CONFIG {
        cmd.arg("-c").arg(c);
    }
    cmd
}

/// Run git in its own process group; kill the group at the deadline or when
/// `watch` grows past the size limit.
fn run_limited(
    cmd: &mut Command,
    watch: &Path,
    deadline: Instant,
    policy: &FetchPolicy,
) -> Result<(), FetchError> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| FetchError::Io(format!("cannot run git: {e}")))?;
    let stop = |child: &mut std::process::Child| {
        kill_group(child);
        let _ = child.wait();
    };
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                // Whatever git left behind in its group goes too.
                kill_group(&mut child);
                if status.success() {
                    return Ok(());
                }
                // The caller replaces this with git's own message.
                return Err(FetchError::Git(format!("git exited with {status}")));
            }
            Ok(None) => {}
            Err(e) => {
                stop(&mut child);
                return Err(FetchError::Io(format!("cannot wait for git: {e}")));
            }
        }
        if Instant::now() >= deadline {
            stop(&mut child);
            return Err(FetchError::TimedOut(policy.timeout));
        }
        if dir_size(watch) > policy.max_bytes {
            stop(&mut child);
            return Err(FetchError::TooLarge(policy.max_bytes));
        }
        std::thread::sleep(
            policy
                .poll_interval
                .min(deadline.saturating_duration_since(Instant::now()))
                .max(Duration::from_millis(1)),
        );
    }
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) with a negative pid signals the process group
            // created for this child (process_group(0)); no memory is touched.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
}

/// Bytes under `dir`, without following symbolic links.
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0u64;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total = total.saturating_add(meta.len());
            }
        }
    }
    total
}

/// The last `fatal:`/`error:` line git wrote, shortened.
fn last_error_line(path: &Path) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .or_else(|| text.lines().rev().find(|l| !l.trim().is_empty()))?;
    let line = line
        .trim_start_matches("fatal: ")
        .trim_start_matches("error: ");
    Some(line.chars().take(300).collect())
}
