//! No import cycle between the modules of any crate of the workspace.
//!
//! For every crate under `crates/` (its `src/lib.rs` and `src/main.rs`
//! roots), this test parses every module file with `syn`, builds the
//! crate's module tree (`mod x;` files and inline `mod x { … }` blocks,
//! test modules included) and its **dependency graph**, and fails on any
//! cycle, listing the references that make it up.
//!
//! What a dependency is: code in module A names a path that resolves to an
//! item of module B — a `use` (not a `pub use` re-export, which only
//! exposes an item), or a path in a type, expression, pattern, attribute
//! or macro body. Paths are resolved as rustc does for `crate::…`,
//! `super::…`, `self::…`, paths starting at a child module, and names
//! brought into scope by a `use` (a glob `use m::*` is a dependency on
//! `m`); the item's module is the longest module prefix of the path, and a
//! re-export is followed to the module that defines the item (so
//! `crate::Notice`, re-exported by the crate root from `notice`, is a
//! dependency on `notice`). Paths into other crates are not dependencies.
//!
//! What a cycle is: a module is made of its own items and its child
//! modules, so a dependency between a module and one of its own
//! descendants (a child using its parent's `super::Ctx`, a `mod.rs`
//! calling its children) is not a cycle. Every other dependency, from A to
//! B, is lifted to the two children of their nearest common ancestor that
//! contain A and B: for every module, its children (each with its whole
//! subtree) and these edges form a graph, and every strongly connected
//! component of more than one child is a cycle — two sibling subtrees that
//! depend on each other, directly or through other siblings. So
//! `crate::a::x` using `crate::b` and `crate::b::y` using `crate::a` is the
//! cycle `crate::a, crate::b`, whatever their depth. (The crate root's own
//! items are outside the check: a module calling back into `lib.rs` is not
//! seen, which is why the engine's pipeline lives in `pipeline.rs`.)
//!
//! Cycles still to be broken are listed in [`KNOWN`]; any other cycle
//! fails the test, and so does a listed one that is gone.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// One module of a crate.
struct Module {
    /// Its path from the crate root (`[]` for the root).
    path: Vec<String>,
    /// The file its own code is in.
    file: PathBuf,
    parent: Option<usize>,
    children: BTreeMap<String, usize>,
    /// Names brought into scope by `use`: name → path as written (with the
    /// module it was written in), and whether the `use` is a re-export.
    uses: BTreeMap<String, Vec<String>>,
    /// Paths named by its own code (not its children's): path, and how it
    /// was named for the report.
    refs: Vec<Vec<String>>,
}

struct Crate {
    name: String,
    modules: Vec<Module>,
}

fn workspace_crates() -> Vec<PathBuf> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&crates)
        .expect("crates/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Load a crate from its root file.
fn load_crate(name: String, root: &Path) -> Crate {
    let mut c = Crate {
        name,
        modules: Vec::new(),
    };
    let dir = root.parent().expect("src").to_path_buf();
    let text = std::fs::read_to_string(root).expect("crate root");
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    add_module(&mut c, Vec::new(), None, root, &dir, &file.items);
    c
}

/// Add a module with these items; `dir` is where its `mod x;` files are.
fn add_module(
    c: &mut Crate,
    path: Vec<String>,
    parent: Option<usize>,
    file: &Path,
    dir: &Path,
    items: &[syn::Item],
) -> usize {
    let index = c.modules.len();
    c.modules.push(Module {
        path: path.clone(),
        file: file.to_path_buf(),
        parent,
        children: BTreeMap::new(),
        uses: BTreeMap::new(),
        refs: Vec::new(),
    });
    let mut collector = Collector::default();
    for item in items {
        match item {
            syn::Item::Mod(m) => {
                let name = m.ident.to_string();
                let mut child_path = path.clone();
                child_path.push(name.clone());
                let child = match &m.content {
                    Some((_, inner)) => {
                        add_module(c, child_path, Some(index), file, &dir.join(&name), inner)
                    }
                    None => {
                        let flat = dir.join(format!("{name}.rs"));
                        let nested = dir.join(&name).join("mod.rs");
                        let (child_file, child_dir) = if flat.is_file() {
                            (flat, dir.join(&name))
                        } else if nested.is_file() {
                            (nested, dir.join(&name))
                        } else {
                            panic!("{}: module {name} not found", file.display());
                        };
                        let text = std::fs::read_to_string(&child_file).expect("module");
                        let parsed = syn::parse_file(&text)
                            .unwrap_or_else(|e| panic!("{}: {e}", child_file.display()));
                        add_module(
                            c,
                            child_path,
                            Some(index),
                            &child_file,
                            &child_dir,
                            &parsed.items,
                        )
                    }
                };
                c.modules[index].children.insert(name, child);
                // Attributes of the declaration are the parent's code.
                for a in &m.attrs {
                    collector.visit_attribute(a);
                }
            }
            syn::Item::Use(u) => {
                let export = !matches!(u.vis, syn::Visibility::Inherited);
                let mut flat = Vec::new();
                flatten_use(&u.tree, &mut Vec::new(), &mut flat);
                for (name, target) in flat {
                    match name {
                        Some(name) => {
                            c.modules[index].uses.insert(name, target.clone());
                        }
                        None => {
                            // A glob: a dependency on that module.
                        }
                    }
                    if !export {
                        collector.paths.push(target);
                    }
                }
            }
            other => collector.visit_item(other),
        }
    }
    c.modules[index].refs = collector.paths;
    index
}

/// `use a::{b, c as d, e::*}` → (Some("b"), [a, b]), (Some("d"), [a, c]),
/// (None, [a, e]).
fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Option<String>, Vec<String>)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                let last = prefix.last().cloned();
                out.push((last, prefix.clone()));
            } else {
                let mut p = prefix.clone();
                p.push(name.clone());
                out.push((Some(name), p));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut p = prefix.clone();
            let name = r.ident.to_string();
            if name != "self" {
                p.push(name);
            }
            out.push((Some(r.rename.to_string()), p));
        }
        syn::UseTree::Glob(_) => out.push((None, prefix.clone())),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix, out);
            }
        }
    }
}

/// Every path a module's own code names (nested modules and `use` items
/// are handled by [`add_module`]).
#[derive(Default)]
struct Collector {
    paths: Vec<Vec<String>>,
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {}

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        // A `use` inside a function body: a dependency too.
        let mut flat = Vec::new();
        flatten_use(&u.tree, &mut Vec::new(), &mut flat);
        self.paths.extend(flat.into_iter().map(|(_, p)| p));
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.paths
            .push(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        syn::visit::visit_macro(self, m);
        macro_paths(m.tokens.clone(), &mut self.paths);
    }
}

/// Paths (`a::b::c`) in a macro's tokens.
fn macro_paths(tokens: proc_macro2::TokenStream, out: &mut Vec<Vec<String>>) {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => {
                macro_paths(g.stream(), out);
                i += 1;
            }
            TokenTree::Ident(first) => {
                let mut path = vec![first.to_string()];
                let mut j = i + 1;
                while j + 2 < tokens.len() && is_colons(&tokens[j], &tokens[j + 1]) {
                    match &tokens[j + 2] {
                        TokenTree::Ident(next) => {
                            path.push(next.to_string());
                            j += 3;
                        }
                        _ => break,
                    }
                }
                if path.len() > 1 {
                    out.push(path);
                }
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
}

fn is_colons(a: &proc_macro2::TokenTree, b: &proc_macro2::TokenTree) -> bool {
    use proc_macro2::{Spacing, TokenTree};
    matches!((a, b), (TokenTree::Punct(x), TokenTree::Punct(y))
        if x.as_char() == ':' && x.spacing() == Spacing::Joint && y.as_char() == ':')
}

impl Crate {
    /// The absolute path (from the crate root) a path written in module
    /// `m` stands for, or `None` (another crate, a local name, the prelude).
    fn absolute(&self, m: usize, path: &[String], depth: usize) -> Option<Vec<String>> {
        if depth > 16 {
            return None;
        }
        let first = path.first()?;
        let module = &self.modules[m];
        match first.as_str() {
            "crate" => Some(path[1..].to_vec()),
            "self" => Some([&module.path[..], &path[1..]].concat()),
            "super" => {
                let mut at = m;
                let mut rest = path;
                while rest.first().is_some_and(|s| s == "super") {
                    at = self.modules[at].parent?;
                    rest = &rest[1..];
                }
                Some([&self.modules[at].path[..], rest].concat())
            }
            _ if module.children.contains_key(first) => Some([&module.path[..], path].concat()),
            _ => {
                let target = module.uses.get(first)?;
                if target.first() == Some(first) && target.len() == 1 {
                    return None; // `use foo;` of an extern crate
                }
                let base = self.absolute(m, target, depth + 1)?;
                Some([&base[..], &path[1..]].concat())
            }
        }
    }

    /// The module that defines the item at an absolute path (following
    /// re-exports), or `None` when it lies in another crate.
    fn defining_module(&self, abs: &[String], depth: usize) -> Option<usize> {
        if depth > 16 {
            return None;
        }
        let mut at = 0;
        for (i, seg) in abs.iter().enumerate() {
            if let Some(&child) = self.modules[at].children.get(seg) {
                at = child;
                continue;
            }
            if let Some(target) = self.modules[at].uses.get(seg) {
                let base = self.absolute(at, target, 0)?;
                let full = [&base[..], &abs[i + 1..]].concat();
                return self.defining_module(&full, depth + 1);
            }
            return Some(at);
        }
        Some(at)
    }

    fn ancestors(&self, m: usize) -> Vec<usize> {
        let mut out = vec![m];
        let mut at = m;
        while let Some(p) = self.modules[at].parent {
            out.push(p);
            at = p;
        }
        out.reverse();
        out
    }

    fn name(&self, m: usize) -> String {
        if self.modules[m].path.is_empty() {
            "crate".into()
        } else {
            format!("crate::{}", self.modules[m].path.join("::"))
        }
    }
}

/// A node of one level's graph: the level's own items, or a child subtree.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Node {
    Own,
    Child(usize),
}

/// The cycles of one crate, described.
fn cycles(c: &Crate) -> Vec<String> {
    // level (module) → edges between its nodes, with an example reference.
    let mut levels: BTreeMap<usize, BTreeMap<(Node, Node), BTreeSet<String>>> = BTreeMap::new();
    for (m, module) in c.modules.iter().enumerate() {
        for path in &module.refs {
            let Some(abs) = c.absolute(m, path, 0) else {
                continue;
            };
            let Some(target) = c.defining_module(&abs, 0) else {
                continue;
            };
            if target == m {
                continue;
            }
            let from = c.ancestors(m);
            let to = c.ancestors(target);
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            let level = from[common - 1];
            let node = |chain: &Vec<usize>| match chain.get(common) {
                Some(&child) => Node::Child(child),
                None => Node::Own,
            };
            let (a, b) = (node(&from), node(&to));
            if a == Node::Own || b == Node::Own {
                continue; // a module and its own descendant
            }
            let example = format!(
                "{} ({}) names `{}` in {}",
                c.name(m),
                relative(&module.file),
                path.join("::"),
                c.name(target)
            );
            levels
                .entry(level)
                .or_default()
                .entry((a, b))
                .or_default()
                .insert(example);
        }
    }
    let mut out = Vec::new();
    for (level, edges) in levels {
        let nodes: BTreeSet<Node> = edges.keys().flat_map(|&(a, b)| [a, b]).collect();
        let reach = |start: Node| -> BTreeSet<Node> {
            let mut seen = BTreeSet::new();
            let mut stack = vec![start];
            while let Some(n) = stack.pop() {
                for &(a, b) in edges.keys() {
                    if a == n && seen.insert(b) {
                        stack.push(b);
                    }
                }
            }
            seen
        };
        let reachable: BTreeMap<Node, BTreeSet<Node>> =
            nodes.iter().map(|&n| (n, reach(n))).collect();
        let mut done = BTreeSet::new();
        for &n in &nodes {
            if done.contains(&n) {
                continue;
            }
            let scc: BTreeSet<Node> = nodes
                .iter()
                .copied()
                .filter(|&o| o == n || (reachable[&n].contains(&o) && reachable[&o].contains(&n)))
                .collect();
            done.extend(scc.iter().copied());
            if scc.len() < 2 {
                continue;
            }
            let label = |node: Node| match node {
                Node::Own => format!("{} (own items)", c.name(level)),
                Node::Child(m) => c.name(m),
            };
            let mut text = format!(
                "{}: cycle between {}\n",
                c.name,
                scc.iter().map(|&n| label(n)).collect::<Vec<_>>().join(", ")
            );
            for ((a, b), examples) in &edges {
                if scc.contains(a) && scc.contains(b) {
                    let _ = writeln!(text, "  {} → {}", label(*a), label(*b));
                    for e in examples.iter().take(3) {
                        let _ = writeln!(text, "      {e}");
                    }
                }
            }
            out.push(text);
        }
    }
    out
}

fn relative(p: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().unwrap_or(root);
    let p = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    p.strip_prefix(&root).unwrap_or(&p).display().to_string()
}

fn crate_roots() -> Vec<(String, PathBuf)> {
    let mut roots = Vec::new();
    for dir in workspace_crates() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        for root in ["src/lib.rs", "src/main.rs"] {
            let file = dir.join(root);
            if file.is_file() {
                roots.push((format!("{name} ({root})"), file));
            }
        }
    }
    roots
}

/// Cycles not broken yet, each in a crate another change reworks: the
/// first line of its report. The test fails when one of them is gone, so
/// that this list only ever shrinks.
const KNOWN: &[&str] = &[];

#[test]
fn no_module_cycle_in_any_crate() {
    let roots = crate_roots();
    assert!(roots.len() >= 10, "the workspace's crates: {roots:?}");
    let mut found = Vec::new();
    for (name, root) in roots {
        found.extend(cycles(&load_crate(name, &root)));
    }
    let first_line = |c: &String| c.lines().next().unwrap_or_default().to_string();
    let new: Vec<&String> = found
        .iter()
        .filter(|c| !KNOWN.contains(&first_line(c).as_str()))
        .collect();
    assert!(
        new.is_empty(),
        "{} cycles:\n{}",
        new.len(),
        new.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let gone: Vec<&&str> = KNOWN
        .iter()
        .filter(|k| !found.iter().any(|c| first_line(c) == **k))
        .collect();
    assert!(
        gone.is_empty(),
        "no longer cycles, remove from KNOWN: {gone:#?}"
    );
}

/// The check sees a cycle through re-exports and `super::`, and accepts a
/// child using its parent's items.
#[test]
fn the_check_finds_a_cycle_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("b")).unwrap();
    std::fs::write(
        src.join("lib.rs"),
        "mod a; mod b; mod c; pub use c::Thing;\n",
    )
    .unwrap();
    std::fs::write(src.join("a.rs"), "pub fn f() -> crate::Thing { todo!() }\n").unwrap();
    std::fs::write(src.join("b.rs"), "mod inner; pub struct B;\n").unwrap();
    std::fs::write(src.join("b/inner.rs"), "use super::B; pub fn g(_: B) {}\n").unwrap();
    std::fs::write(
        src.join("c.rs"),
        "pub struct Thing; fn h() { crate::b::inner::g(crate::b::B); let _ = super::a::f; }\n",
    )
    .unwrap();
    let found = cycles(&load_crate("t".into(), &src.join("lib.rs")));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("cycle between crate::a, crate::c"),
        "{}",
        found[0]
    );
    assert!(!found[0].contains("crate::b"), "{}", found[0]);
}
