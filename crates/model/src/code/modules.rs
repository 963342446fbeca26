//! Which file of the repository a module specifier names, from paths
//! alone: `./x.js` → `x.ts`, `.utils` → `utils.py`, `pkg.mod` → a file
//! ending in `pkg/mod.py`, a Go import path → the package's directory.
//!
//! Built over the lowered units by the [`Resolver`](super::resolve), and over
//! every source file's path before any is parsed, to find the files the
//! analysed code imports ([`reach`](super::reach)).

use std::collections::HashMap;

use super::ir::Lang;

/// Languages whose files see each other's names.
pub fn family(lang: Option<Lang>) -> u8 {
    match lang {
        Some(Lang::TypeScript | Lang::Tsx | Lang::JavaScript) => 0,
        Some(Lang::Python) => 1,
        Some(Lang::Go) => 2,
        None => 3,
    }
}

pub(crate) fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// `a/b/../c/./d` → `a/c/d`; `None` when it climbs above the root.
pub(crate) fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    Some(out.join("/"))
}

/// Files by path, by file name and (Go) by directory; indices are the
/// positions in the list the index was built from.
#[derive(Default)]
pub struct ModuleIndex<'a> {
    paths: Vec<&'a str>,
    by_path: HashMap<&'a str, u32>,
    /// By file name (`exec.ts`, `__init__.py`), for suffix lookups.
    by_name: HashMap<&'a str, Vec<u32>>,
    /// Go files by directory.
    go_dirs: HashMap<&'a str, Vec<u32>>,
}

impl<'a> ModuleIndex<'a> {
    /// Index `(path, language family)` pairs; the i-th is file `i`.
    pub fn new(files: impl IntoIterator<Item = (&'a str, u8)>) -> ModuleIndex<'a> {
        let mut ix = ModuleIndex::default();
        for (i, (path, fam)) in files.into_iter().enumerate() {
            let i = i as u32;
            ix.paths.push(path);
            ix.by_path.insert(path, i);
            let name = path.rsplit('/').next().unwrap_or(path);
            ix.by_name.entry(name).or_default().push(i);
            if fam == 2 {
                ix.go_dirs.entry(dir_of(path)).or_default().push(i);
            }
        }
        ix
    }

    /// Go: the files of the package in `dir` (the same package).
    pub fn go_dir(&self, dir: &str) -> &[u32] {
        self.go_dirs.get(dir).map_or(&[], Vec::as_slice)
    }

    /// The file a module names, seen from `from` (a file of `family`).
    pub fn module(
        &self,
        family: u8,
        from: &str,
        module: &str,
        member: Option<&str>,
    ) -> Option<u32> {
        match family {
            0 => self.js_module(from, module),
            1 => self.py_module(from, module, member),
            _ => None,
        }
    }

    pub fn js_module(&self, from: &str, module: &str) -> Option<u32> {
        let base = if module.starts_with('.') {
            normalize(&format!("{}/{}", dir_of(from), module))?
        } else if let Some(rest) = module
            .strip_prefix("@/")
            .or_else(|| module.strip_prefix("~/"))
        {
            // A `paths` alias for the source root: find it by suffix.
            return self.by_suffix(rest, JS_EXTENSIONS);
        } else {
            return None;
        };
        let stem = base
            .strip_suffix(".js")
            .or_else(|| base.strip_suffix(".mjs"))
            .or_else(|| base.strip_suffix(".cjs"))
            .or_else(|| base.strip_suffix(".jsx"))
            .unwrap_or(&base);
        for candidate in [base.clone()]
            .into_iter()
            .chain(JS_EXTENSIONS.iter().map(|e| format!("{stem}{e}")))
            .chain(JS_EXTENSIONS.iter().map(|e| format!("{stem}/index{e}")))
        {
            if let Some(&u) = self.by_path.get(candidate.as_str()) {
                return Some(u);
            }
        }
        None
    }

    /// The one unit whose path ends with `rest` + one of `exts` (at a
    /// directory boundary); `None` when none or several do.
    pub fn by_suffix(&self, rest: &str, exts: &[&str]) -> Option<u32> {
        let mut found = None;
        for e in exts {
            let want = format!("{rest}{e}");
            let name = want.rsplit('/').next().unwrap_or(&want);
            for &u in self.by_name.get(name).into_iter().flatten() {
                let path = self.paths[u as usize];
                if path.ends_with(&want)
                    && (path.len() == want.len() || path[..path.len() - want.len()].ends_with('/'))
                {
                    if found.is_some_and(|f| f != u) {
                        return None;
                    }
                    found = Some(u);
                }
            }
        }
        found
    }

    pub fn py_module(&self, from: &str, module: &str, member: Option<&str>) -> Option<u32> {
        let dots = module.len() - module.trim_start_matches('.').len();
        let rest = module.trim_start_matches('.').replace('.', "/");
        let try_paths = |base: &str| -> Option<u32> {
            let mut cands = Vec::new();
            if let Some(m) = member {
                let with = if base.is_empty() {
                    m.to_string()
                } else {
                    format!("{base}/{m}")
                };
                cands.push(format!("{with}.py"));
                cands.push(format!("{with}/__init__.py"));
            }
            if !base.is_empty() {
                cands.push(format!("{base}.py"));
                cands.push(format!("{base}/__init__.py"));
            }
            cands
                .iter()
                .find_map(|c| self.by_path.get(c.as_str()).copied())
        };
        if dots > 0 {
            let mut dir = dir_of(from).to_string();
            for _ in 1..dots {
                dir = dir_of(&dir).to_string();
            }
            let base = match (dir.is_empty(), rest.is_empty()) {
                (true, _) => rest.clone(),
                (false, true) => dir,
                (false, false) => format!("{dir}/{rest}"),
            };
            return try_paths(&base);
        }
        // An absolute import of the repository's own package: by suffix.
        if let Some(m) = member {
            if let Some(u) = self.by_suffix(&format!("{rest}/{m}"), &[".py", "/__init__.py"]) {
                return Some(u);
            }
        }
        self.by_suffix(&rest, &[".py", "/__init__.py"])
    }

    /// Go: the units of the package an import path names (the directory
    /// whose path is the longest suffix of the import path).
    pub fn go_package(&self, import: &str) -> Vec<u32> {
        let parts: Vec<&str> = import.split('/').collect();
        for start in 0..parts.len() {
            let suffix = parts[start..].join("/");
            let mut found: Vec<u32> = self
                .go_dirs
                .iter()
                .filter(|(dir, _)| {
                    **dir == suffix
                        || (dir.ends_with(&suffix)
                            && dir[..dir.len() - suffix.len()].ends_with('/'))
                })
                .flat_map(|(_, us)| us.iter().copied())
                .collect();
            if !found.is_empty() {
                found.sort_unstable();
                return found;
            }
        }
        Vec::new()
    }
}

const JS_EXTENSIONS: &[&str] = &[".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise() {
        assert_eq!(normalize("a/b/../c/./d").as_deref(), Some("a/c/d"));
        assert_eq!(normalize("../x"), None);
    }

    #[test]
    fn modules_from_paths_alone() {
        let ix = ModuleIndex::new([
            ("src/index.ts", 0),
            ("src/tools/git.ts", 0),
            ("src/tools/index.ts", 0),
            ("pkg/server.py", 1),
            ("pkg/utils/__init__.py", 1),
            ("cmd/main.go", 2),
            ("internal/run/run.go", 2),
            ("internal/run/exec.go", 2),
        ]);
        assert_eq!(
            ix.module(0, "src/index.ts", "./tools/git.js", None),
            Some(1)
        );
        assert_eq!(ix.module(0, "src/index.ts", "./tools", None), Some(2));
        assert_eq!(ix.module(0, "src/index.ts", "zod", None), None);
        assert_eq!(ix.module(1, "pkg/server.py", ".utils", None), Some(4));
        assert_eq!(ix.go_package("github.com/o/r/internal/run"), vec![6, 7]);
        assert_eq!(ix.go_dir("cmd"), &[5]);
    }
}
