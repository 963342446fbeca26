use std::collections::HashMap;

use skillaudit_model::image::{Image, InstrKind, Stage, Var};
use skillaudit_model::Span;
use skillaudit_syntax::dockerfile;

use crate::analysis::{base_name, unwrap_command};
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a final stage (or a stage it builds on) that installs Node
    /// packages — `npm ci`, `npm install`, `yarn install`, `pnpm install` —
    /// without a production-only flag (`--omit=dev`, `--production`,
    /// `--only=production`, `--prod`) and without `NODE_ENV=production` set
    /// before it (by `ENV`, by an `ARG` default — build arguments are in the
    /// environment of `RUN` — or inline in the `RUN`; `${NODE_ENV}`
    /// references are resolved from defaults). Installs of named packages
    /// (`npm install -g pnpm`) are not flagged, nor are installs whose
    /// `node_modules` is later replaced by a production-only one (`npm prune
    /// --omit=dev`, a production `npm ci`/`pnpm install --prod`, or
    /// `rm -rf node_modules` before one); build stages whose `node_modules`
    /// are not kept are not looked at.
    ///
    /// Dockerfiles of test infrastructure (under `test/`, `tests/`, `e2e/`,
    /// …) are not held to this hardening rule.
    ///
    /// ## Why is this bad?
    /// Development dependencies (test runners, bundlers, type checkers) add
    /// hundreds of packages the server never uses: more code an attacker can
    /// reach from inside the container, more vulnerabilities to patch, a
    /// larger image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix
    /// `RUN npm ci --omit=dev` in the runtime stage, or build in a separate
    /// stage and copy only production `node_modules` into the final one.
    pub struct DevDependenciesInImage {
        id: "dev-dependencies-in-image",
        severity: Low,
        target: Image,
        contexts: Deployed,
        summary: "the final stage installs Node dev dependencies",
    }
}

impl Rule for DevDependenciesInImage {
    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        // Each stage that runs; an instruction two of them share is reported once.
        let mut found: Vec<Finding> = Vec::new();
        for st in cx.run_stages() {
            let mut more = Vec::new();
            check_stage(cx.image, st.stage, &mut more);
            for f in more {
                if !found.iter().any(|g| g.span == f.span) {
                    found.push(f);
                }
            }
        }
        out.extend(found);
    }
}

fn check_stage(image: &Image, stage: &Stage, out: &mut Vec<Finding>) {
    let mut vars = NodeEnv::new(image);
    let mut installs: Vec<(Span, String)> = Vec::new();
    let mut chain = image.chain(stage);
    chain.reverse();
    for s in chain {
        // Build arguments are scoped to their stage; ENV is inherited.
        vars.args.clear();
        for instr in &s.instructions {
            match &instr.kind {
                InstrKind::Env(v) => vars.env(v),
                InstrKind::Arg(v) => vars.arg(v),
                InstrKind::Run(run) => {
                    let mut exported = vars.is_production();
                    for cmd in &run.commands {
                        let argv = unwrap_command(&cmd.words);
                        let words: Vec<&str> = argv.iter().map(|w| w.value.as_str()).collect();
                        // `export NODE_ENV=production` / `NODE_ENV=production npm ci` / `env NODE_ENV=production …`.
                        let sets_env = |s: &str| s == "NODE_ENV=production";
                        if matches!(words.first(), Some(&"export"))
                            && words.iter().any(|w| sets_env(w))
                        {
                            exported = true;
                        }
                        let inline = cmd.assignments.iter().any(|a| sets_env(a))
                            || cmd.words.iter().any(|w| sets_env(&w.value));
                        if prunes_dev(&words) || removes_node_modules(&words) {
                            installs.clear();
                        }
                        match project_install(&words) {
                            // A production-only install of the tree leaves no dev packages behind.
                            Some(Install::Production) => installs.clear(),
                            Some(Install::Dev(_)) if exported || inline => installs.clear(),
                            Some(Install::Dev(what)) => {
                                // `npm ci` starts from an empty node_modules.
                                if is_clean_install(&words) {
                                    installs.clear();
                                }
                                installs.push((cmd.span, what));
                            }
                            None => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for (span, what) in installs {
        out.push(
            Finding::new(
                &DevDependenciesInImage::META,
                image.file,
                span,
                format!("`{what}` installs development dependencies into the final image"),
            )
            .fix(
                "use `npm ci --omit=dev` (or set NODE_ENV=production) in the final stage",
                Applicability::Manual,
            ),
        );
    }
}

/// The ARG and ENV values in scope while walking a stage chain, enough to
/// know what `NODE_ENV` a `RUN` sees: build arguments are in the
/// environment of `RUN` too, ENV wins over ARG, and `${NODE_ENV}`-style
/// references are resolved from defaults.
struct NodeEnv<'a> {
    image: &'a Image,
    env: HashMap<String, String>,
    args: HashMap<String, String>,
}

impl<'a> NodeEnv<'a> {
    fn new(image: &'a Image) -> Self {
        NodeEnv {
            image,
            env: HashMap::new(),
            args: HashMap::new(),
        }
    }

    fn lookup(&self, name: &str) -> Option<String> {
        self.env.get(name).or_else(|| self.args.get(name)).cloned()
    }

    fn expand(&self, raw: &str) -> String {
        dockerfile::expand(raw, '\\', &|n: &str| self.lookup(n)).value
    }

    fn env(&mut self, vars: &[Var]) {
        for v in vars {
            let value = self.expand(v.value.as_deref().unwrap_or(""));
            self.env.insert(v.key.clone(), value);
        }
    }

    fn arg(&mut self, vars: &[Var]) {
        for v in vars {
            let value = match &v.value {
                Some(raw) => Some(self.expand(raw)),
                // `ARG X` in a stage takes the default of a global `ARG X=…`.
                None => self.global_default(&v.key),
            };
            match value {
                Some(value) => self.args.insert(v.key.clone(), value),
                None => self.args.remove(&v.key),
            };
        }
    }

    fn global_default(&self, key: &str) -> Option<String> {
        let mut found = None;
        for instr in &self.image.preamble {
            if let InstrKind::Arg(vars) = &instr.kind {
                for v in vars.iter().filter(|v| v.key == key) {
                    found = v.value.clone();
                }
            }
        }
        found
    }

    fn is_production(&self) -> bool {
        self.lookup("NODE_ENV")
            .is_some_and(|v| v.trim_matches(['"', '\'']) == "production")
    }
}

const PROD_FLAGS: &[&str] = &[
    "--omit=dev",
    "--production",
    "--only=production",
    "--only=prod",
    "--prod",
    "-P",
    "--production=true",
];

/// An install of the project's whole dependency tree.
enum Install {
    /// Without a production-only flag: the command as written.
    Dev(String),
    Production,
}

/// `npm ci` and friends without a production flag: the command as written.
#[cfg(test)]
fn dev_install(words: &[&str]) -> Option<String> {
    match project_install(words)? {
        Install::Dev(what) => Some(what),
        Install::Production => None,
    }
}

/// `npm ci`, `npm install`, `yarn [install]`, `pnpm install` of the project's
/// dependency tree (not named packages, not a global tool).
fn project_install(words: &[&str]) -> Option<Install> {
    let tool = base_name(words.first()?);
    let verb = words.get(1).copied();
    let args = words.get(2..).unwrap_or(&[]);
    let is_install = match tool {
        "npm" => matches!(verb, Some("ci" | "install" | "i" | "clean-install")),
        "yarn" => {
            verb.is_none()
                || matches!(verb, Some("install"))
                || verb.is_some_and(|v| v.starts_with('-'))
        }
        "pnpm" => matches!(verb, Some("install" | "i")),
        _ => false,
    };
    if !is_install {
        return None;
    }
    let flags: Vec<&str> = if tool == "yarn" && verb.is_some_and(|v| v.starts_with('-')) {
        words[1..].to_vec()
    } else {
        args.to_vec()
    };
    let omit_dev = flags.windows(2).any(|w| w[0] == "--omit" && w[1] == "dev");
    let production = omit_dev || flags.iter().any(|f| PROD_FLAGS.contains(f));
    // Named packages or a global tool: not the project's dependency tree.
    if flags
        .iter()
        .any(|f| matches!(*f, "-g" | "--global" | "--location=global"))
    {
        return None;
    }
    let mut skip_next = false;
    for f in &flags {
        if skip_next {
            skip_next = false;
            continue;
        }
        if matches!(
            *f,
            "--omit"
                | "--include"
                | "--cache"
                | "--registry"
                | "--prefix"
                | "-C"
                | "--dir"
                | "--filter"
                | "--workspace"
                | "-w"
        ) {
            skip_next = true;
            continue;
        }
        if !f.starts_with('-') {
            return None;
        }
    }
    Some(if production {
        Install::Production
    } else {
        Install::Dev(words.join(" "))
    })
}

/// `npm ci` / `npm clean-install`: removes node_modules before installing.
fn is_clean_install(words: &[&str]) -> bool {
    words.first().is_some_and(|w| base_name(w) == "npm")
        && matches!(words.get(1), Some(&("ci" | "clean-install")))
}

/// `rm -rf node_modules` (or a path ending in it).
fn removes_node_modules(words: &[&str]) -> bool {
    words.first().is_some_and(|w| base_name(w) == "rm")
        && words[1..].iter().any(|w| {
            !w.starts_with('-')
                && w.trim_end_matches('/').rsplit('/').next() == Some("node_modules")
        })
}

/// `npm prune --omit=dev` / `npm prune --production` / `pnpm prune --prod`.
fn prunes_dev(words: &[&str]) -> bool {
    let Some(tool) = words.first().map(|w| base_name(w)) else {
        return false;
    };
    matches!(tool, "npm" | "pnpm")
        && words.get(1) == Some(&"prune")
        && words[2..]
            .iter()
            .any(|f| PROD_FLAGS.contains(f) || *f == "dev")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dev_installs() {
        assert!(dev_install(&["npm", "ci"]).is_some());
        assert!(dev_install(&["npm", "install"]).is_some());
        assert!(dev_install(&["yarn"]).is_some());
        assert!(dev_install(&["yarn", "--frozen-lockfile"]).is_some());
        assert!(dev_install(&["pnpm", "install", "--frozen-lockfile"]).is_some());
        assert!(dev_install(&["npm", "ci", "--omit=dev"]).is_none());
        assert!(dev_install(&["npm", "ci", "--omit", "dev"]).is_none());
        assert!(dev_install(&["npm", "ci", "--only=production"]).is_none());
        assert!(dev_install(&["yarn", "install", "--production"]).is_none());
        assert!(dev_install(&["pnpm", "install", "--prod"]).is_none());
        assert!(dev_install(&["npm", "install", "-g", "pnpm"]).is_none());
        assert!(dev_install(&["npm", "install", "express"]).is_none());
        assert!(dev_install(&["npm", "run", "build"]).is_none());
        assert!(prunes_dev(&["npm", "prune", "--omit=dev"]));
        assert!(matches!(
            project_install(&["npm", "ci", "--omit=dev"]),
            Some(Install::Production)
        ));
        assert!(is_clean_install(&["npm", "ci"]));
        assert!(!is_clean_install(&["npm", "install"]));
        assert!(removes_node_modules(&["rm", "-rf", "/app/node_modules/"]));
        assert!(!removes_node_modules(&["rm", "-rf", "node_modules/.cache"]));
    }
}
