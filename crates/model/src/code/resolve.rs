//! Linking code across files: which function of the repository a call, or
//! a handler given by name, refers to.
//!
//! Names are resolved as the languages do, as far as a model without types
//! can: local functions (innermost scope first), the file's top level, the
//! file's imports (relative and package imports resolved to files of the
//! repository: `./x.js` → `x.ts`, `.utils` → `utils.py`, a Go import path →
//! the package's directory), Go's same-package files, and `this.m()` /
//! `self.m()` in the enclosing class. A method called on a value of unknown
//! type (`this.service.fetch(x)`) resolves when exactly one method of the
//! repository (same language family) has that name — how real servers reach
//! the helper that finally runs the command. Library callees (with
//! `Call::qualified`) are never resolved into the repository.

use std::cell::RefCell;

use super::ir::{CodeFile, Expr, FuncId};
use super::modules::{dir_of, family, ModuleIndex};
use crate::code::hash::HashMap;
use crate::FileId;

/// A lowered file of the project.
#[derive(Clone, Debug)]
pub struct CodeUnit {
    pub file: FileId,
    /// The path shown in reports (relative, `/`-separated).
    pub path: String,
    pub code: CodeFile,
    /// A test file (code-rules.md "test code").
    pub test: bool,
}

/// A function of the project: (unit index, function index).
pub type GFn = (u32, u32);

/// A module lookup: (importing unit, module as written, imported member).
type ModuleKey = (u32, String, Option<String>);

/// Lookup tables over every unit, built once.
pub struct Resolver<'a> {
    units: &'a [CodeUnit],
    /// Per unit: top-level functions by name.
    top: Vec<HashMap<&'a str, u32>>,
    /// Per unit: nested named functions by (parent, name).
    nested: Vec<HashMap<(u32, &'a str), u32>>,
    /// Methods by (family, class, name).
    methods: HashMap<(u8, &'a str, &'a str), Vec<GFn>>,
    /// Methods by (family, name), any class.
    method_names: HashMap<(u8, &'a str), Vec<GFn>>,
    /// Exported top-level functions by (family, name).
    exported: HashMap<(u8, &'a str), Vec<GFn>>,
    /// Units by path, file name and Go directory.
    index: ModuleIndex<'a>,
    /// Module lookups already answered: (unit, module, member) → unit.
    modules: RefCell<HashMap<ModuleKey, Option<u32>>>,
}

impl<'a> Resolver<'a> {
    pub fn new(units: &'a [CodeUnit]) -> Resolver<'a> {
        let mut r = Resolver {
            units,
            top: Vec::with_capacity(units.len()),
            nested: Vec::with_capacity(units.len()),
            methods: HashMap::default(),
            method_names: HashMap::default(),
            exported: HashMap::default(),
            index: ModuleIndex::new(units.iter().map(|u| (u.path.as_str(), family(u.code.lang)))),
            modules: RefCell::new(HashMap::default()),
        };
        for (ui, u) in units.iter().enumerate() {
            let ui = ui as u32;
            let fam = family(u.code.lang);
            let mut top = HashMap::default();
            let mut nested = HashMap::default();
            for (fi, f) in u.code.funcs.iter().enumerate().skip(1) {
                let fi = fi as u32;
                let Some(name) = f.name.as_deref() else {
                    continue;
                };
                if let Some(class) = f.class.as_deref() {
                    r.methods
                        .entry((fam, class, name))
                        .or_default()
                        .push((ui, fi));
                    r.method_names
                        .entry((fam, name))
                        .or_default()
                        .push((ui, fi));
                    continue;
                }
                match f.parent {
                    None | Some(FuncId::TOP) => {
                        top.entry(name).or_insert(fi);
                        if f.exported {
                            r.exported.entry((fam, name)).or_default().push((ui, fi));
                        }
                    }
                    Some(p) => {
                        nested.entry((p.0, name)).or_insert(fi);
                    }
                }
            }
            r.top.push(top);
            r.nested.push(nested);
        }
        r
    }

    pub fn unit(&self, ui: u32) -> &'a CodeUnit {
        &self.units[ui as usize]
    }

    /// The function `callee` refers to when called from function `func` of
    /// unit `ui`.
    pub fn callee(&self, ui: u32, func: u32, callee: &Expr) -> Option<GFn> {
        match callee {
            Expr::Name(name, _) => self.name(ui, func, name),
            Expr::Member { obj, prop, .. } => self.member(ui, func, obj, prop),
            _ => None,
        }
    }

    fn name(&self, ui: u32, func: u32, name: &str) -> Option<GFn> {
        let unit = self.unit(ui);
        // Innermost scope first.
        let mut scope = Some(func);
        while let Some(s) = scope {
            if let Some(&f) = self.nested[ui as usize].get(&(s, name)) {
                return Some((ui, f));
            }
            scope = unit
                .code
                .funcs
                .get(s as usize)
                .and_then(|f| f.parent)
                .map(|p| p.0);
        }
        if let Some(&f) = self.top[ui as usize].get(name) {
            return Some((ui, f));
        }
        if let Some(imp) = unit.code.imports.iter().find(|i| i.local == name) {
            let target = self.module(ui, &imp.module, imp.member.as_deref())?;
            let member = imp.member.as_deref().unwrap_or(name);
            return self.top[target as usize]
                .get(member)
                .map(|&f| (target, f))
                .or_else(|| self.default_export(target));
        }
        if family(unit.code.lang) == 2 {
            // Same package: every file of the directory.
            for &other in self.index.go_dir(dir_of(&unit.path)) {
                if let Some(&f) = self.top[other as usize].get(name) {
                    return Some((other, f));
                }
            }
        }
        None
    }

    /// A module's only exported function (a default import of it).
    fn default_export(&self, ui: u32) -> Option<GFn> {
        let mut found = self
            .unit(ui)
            .code
            .funcs
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.exported && f.class.is_none() && matches!(f.parent, None | Some(FuncId::TOP))
            });
        let (fi, _) = found.next()?;
        found.next().is_none().then_some((ui, fi as u32))
    }

    fn member(&self, ui: u32, func: u32, obj: &Expr, prop: &str) -> Option<GFn> {
        let unit = self.unit(ui);
        let fam = family(unit.code.lang);
        let class = unit
            .code
            .funcs
            .get(func as usize)
            .and_then(|f| self.class_of(ui, f));
        let is_self = match obj {
            Expr::This(_) => true,
            Expr::Name(n, _) => {
                n == "self" || n == "cls" || (fam == 2 && self.is_receiver(ui, func, n))
            }
            _ => false,
        };
        if is_self {
            if let Some(c) = class {
                if let Some(found) = self.methods.get(&(fam, c, prop)) {
                    return found
                        .iter()
                        .find(|(u, _)| *u == ui)
                        .or(found.first())
                        .copied();
                }
            }
        }
        if let Expr::Name(alias, _) = obj {
            // Python `from . import helpers` / `from pkg import mod`: a module.
            if let Some(imp) = unit
                .code
                .imports
                .iter()
                .find(|i| &i.local == alias && i.member.is_some() && fam == 1)
            {
                let m = imp.member.as_deref().unwrap_or_default();
                let spec = if imp.module.ends_with('.') {
                    format!("{}{m}", imp.module)
                } else {
                    format!("{}.{m}", imp.module)
                };
                if let Some(target) = self.index.py_module(&unit.path, &spec, None) {
                    if let Some(&f) = self.top[target as usize].get(prop) {
                        return Some((target, f));
                    }
                }
            }
            if let Some(imp) = unit
                .code
                .imports
                .iter()
                .find(|i| &i.local == alias && i.member.is_none())
            {
                if fam == 2 {
                    for target in self.index.go_package(&imp.module) {
                        if let Some(&f) = self.top[target as usize].get(prop) {
                            return Some((target, f));
                        }
                    }
                    return None;
                }
                if let Some(target) = self.module(ui, &imp.module, None) {
                    return self.top[target as usize].get(prop).map(|&f| (target, f));
                }
            }
        }
        // A method of unknown receiver: unique by name.
        match self.method_names.get(&(fam, prop)) {
            Some(found) if found.len() == 1 => Some(found[0]),
            _ => None,
        }
    }

    /// The class of a function, or of the method it is nested in.
    fn class_of(&self, ui: u32, f: &'a super::ir::Func) -> Option<&'a str> {
        let funcs = &self.unit(ui).code.funcs;
        let mut at = Some(f);
        for _ in 0..64 {
            let g = at?;
            if let Some(c) = g.class.as_deref() {
                return Some(c);
            }
            at = g.parent.and_then(|p| funcs.get(p.0 as usize));
        }
        None
    }

    /// Go: `n` is the receiver (first parameter) of the enclosing method.
    fn is_receiver(&self, ui: u32, func: u32, n: &str) -> bool {
        let funcs = &self.unit(ui).code.funcs;
        let mut at = funcs.get(func as usize);
        for _ in 0..64 {
            let Some(f) = at else { return false };
            if f.class.is_some() {
                return matches!(
                    f.params.first().map(|p| &p.pattern),
                    Some(super::ir::Pattern::Name(r, _)) if r == n
                );
            }
            at = f.parent.and_then(|p| funcs.get(p.0 as usize));
        }
        false
    }

    /// The unit a module specifier names, seen from unit `ui`.
    pub fn module(&self, ui: u32, module: &str, member: Option<&str>) -> Option<u32> {
        let key = (ui, module.to_string(), member.map(str::to_string));
        if let Some(found) = self.modules.borrow().get(&key) {
            return *found;
        }
        let found = self.module_uncached(ui, module, member);
        self.modules.borrow_mut().insert(key, found);
        found
    }

    fn module_uncached(&self, ui: u32, module: &str, member: Option<&str>) -> Option<u32> {
        let unit = self.unit(ui);
        self.index
            .module(family(unit.code.lang), &unit.path, module, member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::ir::{Func, Import, Lang};
    use crate::Span;

    fn unit(
        path: &str,
        lang: Lang,
        funcs: &[(&str, Option<&str>)],
        imports: &[Import],
    ) -> CodeUnit {
        let mut code = CodeFile {
            lang: Some(lang),
            funcs: vec![Func::default()],
            imports: imports.to_vec(),
            ..CodeFile::default()
        };
        for (name, class) in funcs {
            code.funcs.push(Func {
                name: Some(name.to_string()),
                class: class.map(str::to_string),
                parent: Some(FuncId::TOP),
                exported: true,
                ..Func::default()
            });
        }
        CodeUnit {
            file: FileId(0),
            path: path.into(),
            code,
            test: false,
        }
    }

    fn import(local: &str, module: &str, member: Option<&str>) -> Import {
        Import {
            local: local.into(),
            module: module.into(),
            member: member.map(str::to_string),
            span: Span::empty(0),
        }
    }

    fn name(n: &str) -> Expr {
        Expr::Name(n.into(), Span::empty(0))
    }

    #[test]
    fn js_relative_imports_find_ts_files() {
        let units = vec![
            unit(
                "src/index.ts",
                Lang::TypeScript,
                &[],
                &[import("runGit", "./tools/git.js", Some("runGit"))],
            ),
            unit(
                "src/tools/git.ts",
                Lang::TypeScript,
                &[("runGit", None)],
                &[],
            ),
        ];
        let r = Resolver::new(&units);
        assert_eq!(r.callee(0, 0, &name("runGit")), Some((1, 1)));
        assert_eq!(r.callee(0, 0, &name("other")), None);
    }

    #[test]
    fn python_relative_and_package_imports() {
        let units = vec![
            unit(
                "src/pkg/server.py",
                Lang::Python,
                &[],
                &[
                    import("run_cmd", ".utils", Some("run_cmd")),
                    import("helpers", ".", Some("helpers")),
                    import("fetch", "pkg.net", Some("fetch")),
                ],
            ),
            unit("src/pkg/utils.py", Lang::Python, &[("run_cmd", None)], &[]),
            unit("src/pkg/helpers.py", Lang::Python, &[("go", None)], &[]),
            unit("src/pkg/net.py", Lang::Python, &[("fetch", None)], &[]),
        ];
        let r = Resolver::new(&units);
        assert_eq!(r.callee(0, 0, &name("run_cmd")), Some((1, 1)));
        let helpers_go = Expr::Member {
            obj: Box::new(name("helpers")),
            prop: "go".into(),
            span: Span::empty(0),
        };
        assert_eq!(r.callee(0, 0, &helpers_go), Some((2, 1)));
        assert_eq!(r.callee(0, 0, &name("fetch")), Some((3, 1)));
    }

    #[test]
    fn go_same_package_and_imported_package() {
        let units = vec![
            unit(
                "cmd/server/main.go",
                Lang::Go,
                &[],
                &[import("tools", "github.com/o/r/internal/tools", None)],
            ),
            unit("cmd/server/handlers.go", Lang::Go, &[("ping", None)], &[]),
            unit("internal/tools/run.go", Lang::Go, &[("Run", None)], &[]),
        ];
        let r = Resolver::new(&units);
        assert_eq!(r.callee(0, 0, &name("ping")), Some((1, 1)));
        let run = Expr::Member {
            obj: Box::new(name("tools")),
            prop: "Run".into(),
            span: Span::empty(0),
        };
        assert_eq!(r.callee(0, 0, &run), Some((2, 1)));
    }

    #[test]
    fn methods_of_unknown_receivers_resolve_only_when_unique() {
        let units = vec![
            unit(
                "a.ts",
                Lang::TypeScript,
                &[("fetchImage", Some("FigmaService")), ("get", Some("A"))],
                &[],
            ),
            unit("b.ts", Lang::TypeScript, &[("get", Some("B"))], &[]),
        ];
        let r = Resolver::new(&units);
        let call = |m: &str| Expr::Member {
            obj: Box::new(Expr::Member {
                obj: Box::new(Expr::This(Span::empty(0))),
                prop: "svc".into(),
                span: Span::empty(0),
            }),
            prop: m.into(),
            span: Span::empty(0),
        };
        assert_eq!(r.callee(1, 0, &call("fetchImage")), Some((0, 1)));
        assert_eq!(r.callee(1, 0, &call("get")), None, "two methods named get");
    }
}
