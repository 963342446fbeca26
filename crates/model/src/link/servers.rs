//! Code meets containers: which server each source file belongs to, which
//! images carry that server's code, and where the repository tells users to
//! launch it straight on their host (`npx`, `uvx`, `go run`).
//!
//! - A **server** is the directory of a package manifest (`package.json`,
//!   `pyproject.toml`, `go.mod`) with the source files below it (each file
//!   belongs to its deepest manifest); files under no manifest form one
//!   server at the repository root.
//! - An **image carries** a server when its build context contains source
//!   files of the server and a `COPY`/`ADD` from the context takes them
//!   (`COPY . .`, `COPY src/ ./src/`, `ADD server.py /app/`). The context
//!   is the compose `build:` context of a container built from it, else the
//!   Dockerfile's directory.
//! - A **host launch** is a README or MCP client configuration line that
//!   runs the server's published name with a package runner — `npx`,
//!   `bunx`, `pnpm dlx`, `uvx`, `pipx run`, `go run` — on the same line or
//!   within the three lines before it (`"command": "npx",` then `"args":
//!   ["-y", "NAME"]`). Such a server runs with the user's own rights.

use crate::code::link::{Ecosystem, Launch, Server};
use crate::file::FileKind;
use crate::image::InstrKind;
use crate::project::Project;
use crate::Span;

fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// `dir` contains `path` (`""` contains everything).
fn under(path: &str, dir: &str) -> bool {
    dir.is_empty() || (path.starts_with(dir) && path[dir.len()..].starts_with('/'))
}

fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// The servers of a project (after `link::link`: images know their runners).
pub fn servers(project: &Project) -> Vec<Server> {
    let mut servers: Vec<Server> = project
        .code
        .manifests
        .iter()
        .map(|(file, m)| Server {
            root: dir_of(&project.file(*file).path).to_string(),
            name: m.name.clone(),
            ecosystem: Some(m.ecosystem),
            ..Server::default()
        })
        .collect();
    servers.sort_by(|a, b| a.root.cmp(&b.root));
    servers.dedup_by(|a, b| a.root == b.root);
    let mut root_server: Option<usize> = None;
    for (ui, u) in project.code.units.iter().enumerate() {
        let deepest = servers
            .iter()
            .enumerate()
            .filter(|(_, s)| under(&u.path, &s.root))
            .max_by_key(|(_, s)| s.root.len())
            .map(|(i, _)| i);
        let si = match deepest {
            Some(i) => i,
            None => *root_server.get_or_insert_with(|| {
                servers.push(Server::default());
                servers.len() - 1
            }),
        };
        servers[si].units.push(ui as u32);
    }
    servers.retain(|s| !s.units.is_empty());
    for (i, image) in project.images.iter().enumerate() {
        let contexts = image_contexts(project, i);
        let sources = copied_sources(project, i);
        for s in &mut servers {
            let carried = s.units.iter().any(|&u| {
                let path = &project.code.units[u as usize].path;
                contexts.iter().any(|ctx| {
                    under(path, ctx) && {
                        let rel = if ctx.is_empty() {
                            path.as_str()
                        } else {
                            &path[ctx.len() + 1..]
                        };
                        sources.iter().any(|src| covers(src, rel))
                    }
                })
            });
            if carried && !image_is_excluded(image) {
                s.images.push(i);
            }
        }
    }
    for s in &mut servers {
        s.launches = launches(project, s);
    }
    servers
}

/// Images of CI or test purpose are not deployments of the server.
fn image_is_excluded(image: &crate::Image) -> bool {
    matches!(image.purpose, crate::Purpose::Ci | crate::Purpose::Test)
}

/// The build contexts of image `i`: its runners' `build:` contexts, else
/// the Dockerfile's directory.
fn image_contexts(project: &Project, i: usize) -> Vec<String> {
    let mut out: Vec<String> = project
        .links
        .runners
        .get(i)
        .into_iter()
        .flatten()
        .filter_map(|&ci| {
            let c = &project.containers[ci];
            let b = c.build.as_ref()?;
            let base = dir_of(&project.file(c.file).path);
            Some(normalize(&format!("{base}/{}", b.context)))
        })
        .collect();
    if out.is_empty() {
        out.push(dir_of(&project.file(project.images[i].file).path).to_string());
    }
    out.sort();
    out.dedup();
    out
}

/// What COPY/ADD instructions take from the build context (any stage).
fn copied_sources(project: &Project, i: usize) -> Vec<String> {
    let mut out = Vec::new();
    for stage in &project.images[i].stages {
        for instr in &stage.instructions {
            if let InstrKind::Copy(c) = &instr.kind {
                if c.from.is_some() {
                    continue;
                }
                out.extend(c.sources.iter().map(|s| s.value.clone()));
            }
        }
    }
    out
}

/// Does a COPY source (relative to the context) take the file at `rel`?
fn covers(src: &str, rel: &str) -> bool {
    let src = src.trim().trim_start_matches("./").trim_end_matches('/');
    if src.is_empty() || src == "." || src == "*" || src == "/" {
        return true;
    }
    if src.contains(['*', '?', '[']) {
        // A glob: compare directory by directory, `*` matching within one.
        let pat = globset::Glob::new(src).map(|g| g.compile_matcher());
        return match pat {
            Ok(m) => m.is_match(rel) || rel.split('/').next().is_some_and(|top| m.is_match(top)),
            Err(_) => false,
        };
    }
    rel == src || under(rel, src)
}

/// Runners that launch an ecosystem's packages on the host.
fn runners(eco: Ecosystem) -> &'static [&'static str] {
    match eco {
        Ecosystem::Npm => &["npx", "bunx", "dlx"],
        Ecosystem::Python => &["uvx", "pipx"],
        Ecosystem::Go => &["go run", "go install"],
    }
}

/// Characters that may be part of a package name (so a match must not be
/// next to one).
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@')
}

fn launches(project: &Project, s: &Server) -> Vec<Launch> {
    let (Some(name), Some(eco)) = (s.name.as_deref(), s.ecosystem) else {
        return Vec::new();
    };
    if name.len() < 3 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for f in &project.files {
        if !matches!(f.kind, FileKind::Readme | FileKind::McpConfig) {
            continue;
        }
        let text = &f.text;
        for (at, _) in text.match_indices(name) {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            // `@1.2.3` after an npm name is its version, not more name.
            let after_ok = after.is_none_or(|c| !name_char(c) || c == '@');
            if before.is_some_and(name_char) && before != Some('@') || !after_ok {
                continue;
            }
            if before == Some('@') && !name.starts_with('@') {
                continue;
            }
            // The runner on this line or the three before it.
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let mut window_start = line_start;
            for _ in 0..3 {
                if window_start == 0 {
                    break;
                }
                window_start = text[..window_start - 1].rfind('\n').map_or(0, |i| i + 1);
            }
            let window = &text[window_start..at];
            if let Some(runner) = runners(eco).iter().find(|r| contains_word(window, r)) {
                out.push(Launch {
                    file: f.id,
                    span: Span::new(at, at + name.len()),
                    runner,
                });
                if out.len() >= 16 {
                    return out;
                }
            }
        }
    }
    out
}

/// `word` in `text` not inside a longer word.
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let b = text[..i].chars().next_back();
        let a = text[i + word.len()..].chars().next();
        !b.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !a.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sources_cover_paths() {
        assert!(covers(".", "src/server.ts"));
        assert!(covers("./", "src/server.ts"));
        assert!(covers("src/", "src/server.ts"));
        assert!(covers("./src", "src/tools/x.ts"));
        assert!(!covers("src", "srcx/a.ts"));
        assert!(!covers("package*.json", "src/server.ts"));
        assert!(covers("*.py", "server.py"));
        assert!(covers("server.py", "server.py"));
        assert!(!covers("requirements.txt", "server.py"));
    }

    #[test]
    fn words() {
        assert!(contains_word(r#""command": "npx","#, "npx"));
        assert!(!contains_word("npxy", "npx"));
        assert!(contains_word("uvx mcp-x", "uvx"));
        assert!(under("a/b/c.ts", "a"));
        assert!(!under("ab/c.ts", "a"));
        assert!(under("x.ts", ""));
    }
}
