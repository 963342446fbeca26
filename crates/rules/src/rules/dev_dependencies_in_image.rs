use skillaudit_model::image::{InstrKind, ShellCommand};
use skillaudit_model::Span;

use crate::analysis::{base_name, unwrap_command};
use crate::{declare_rule, Applicability, Finding, ImageCx, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a final stage (or a stage it builds on) that installs Node
    /// packages — `npm ci`, `npm install`, `yarn install`, `pnpm install` —
    /// without a production-only flag (`--omit=dev`, `--production`,
    /// `--only=production`, `--prod`) and without `NODE_ENV=production` set
    /// before it. Installs of named packages (`npm install -g pnpm`) and
    /// installs followed by `npm prune --omit=dev` are not flagged; build
    /// stages whose `node_modules` are not kept are not looked at.
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
        summary: "the final stage installs Node dev dependencies",
    }
}

impl Rule for DevDependenciesInImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
        let image = cx.image;
        let Some(stage) = image.final_stage() else { return };
        let mut production_env = false;
        let mut installs: Vec<(Span, String)> = Vec::new();
        for instr in image.instructions_in_order(stage) {
            match &instr.kind {
                InstrKind::Env(vars) => {
                    for v in vars.iter().filter(|v| v.key == "NODE_ENV") {
                        production_env = v.value.as_deref().is_some_and(|x| x.trim_matches(['"', '\'']) == "production");
                    }
                }
                InstrKind::Run(run) => {
                    let mut exported = production_env;
                    for cmd in &run.commands {
                        let argv = unwrap_command(&cmd.words);
                        let words: Vec<&str> = argv.iter().map(|w| w.value.as_str()).collect();
                        // `export NODE_ENV=production` / `NODE_ENV=production npm ci` / `env NODE_ENV=production …`.
                        let sets_env = |s: &str| s == "NODE_ENV=production";
                        if matches!(words.first(), Some(&"export")) && words.iter().any(|w| sets_env(w)) {
                            exported = true;
                        }
                        let inline = cmd.assignments.iter().any(|a| sets_env(a)) || cmd.words.iter().any(|w| sets_env(&w.value));
                        if prunes_dev(&words) {
                            installs.clear();
                        }
                        if !(exported || inline) {
                            if let Some(what) = dev_install(&words) {
                                installs.push((command_span(cmd), what));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for (span, what) in installs {
            out.push(
                Finding::new(&Self::META, image.file, span, format!("`{what}` installs development dependencies into the final image"))
                    .fix("use `npm ci --omit=dev` (or set NODE_ENV=production) in the final stage", Applicability::Manual),
            );
        }
    }
}

fn command_span(cmd: &ShellCommand) -> Span {
    cmd.span
}

const PROD_FLAGS: &[&str] = &["--omit=dev", "--production", "--only=production", "--only=prod", "--prod", "-P", "--production=true"];

/// `npm ci` and friends without a production flag: the command as written.
fn dev_install(words: &[&str]) -> Option<String> {
    let tool = base_name(words.first()?);
    let verb = words.get(1).copied();
    let args = words.get(2..).unwrap_or(&[]);
    let is_install = match tool {
        "npm" => matches!(verb, Some("ci" | "install" | "i" | "clean-install")),
        "yarn" => verb.is_none() || matches!(verb, Some("install")) || verb.is_some_and(|v| v.starts_with('-')),
        "pnpm" => matches!(verb, Some("install" | "i")),
        _ => false,
    };
    if !is_install {
        return None;
    }
    let flags: Vec<&str> = if tool == "yarn" && verb.is_some_and(|v| v.starts_with('-')) { words[1..].to_vec() } else { args.to_vec() };
    let omit_dev = flags.windows(2).any(|w| w[0] == "--omit" && w[1] == "dev");
    if omit_dev || flags.iter().any(|f| PROD_FLAGS.contains(f)) {
        return None;
    }
    // Named packages or a global tool: not the project's dependency tree.
    if flags.iter().any(|f| matches!(*f, "-g" | "--global" | "--location=global")) {
        return None;
    }
    let mut skip_next = false;
    for f in &flags {
        if skip_next {
            skip_next = false;
            continue;
        }
        if matches!(*f, "--omit" | "--include" | "--cache" | "--registry" | "--prefix" | "-C" | "--dir" | "--filter" | "--workspace" | "-w") {
            skip_next = true;
            continue;
        }
        if !f.starts_with('-') {
            return None;
        }
    }
    Some(words.join(" "))
}

/// `npm prune --omit=dev` / `npm prune --production` / `pnpm prune --prod`.
fn prunes_dev(words: &[&str]) -> bool {
    let Some(tool) = words.first().map(|w| base_name(w)) else { return false };
    matches!(tool, "npm" | "pnpm")
        && words.get(1) == Some(&"prune")
        && words[2..].iter().any(|f| PROD_FLAGS.contains(f) || *f == "dev")
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
    }
}
