use skillaudit_model::normalise::runtime::{classify_security_opt, SecurityOpt};

use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a container whose seccomp, AppArmor or SELinux confinement is
    /// switched off: `seccomp:unconfined`, `seccomp=unconfined`,
    /// `apparmor:unconfined`, `apparmor=unconfined`, `label:disable`,
    /// `label=disable`, `systempaths=unconfined`, Kubernetes
    /// `seccompProfile.type: Unconfined`. A custom profile file is fine.
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks dozens of syscalls that
    /// container escapes rely on (`mount`, `unshare`, `keyctl`, `bpf` …);
    /// AppArmor and SELinux confine file access. Turning them off removes a
    /// layer that stops real exploits.
    ///
    /// ## Example
    /// ```yaml
    /// security_opt:
    ///   - seccomp:unconfined
    /// ```
    ///
    /// ## Fix
    /// Remove the option, or use a custom profile that allows just the
    /// extra syscall needed (`seccomp:./seccomp/profile.json`).
    pub struct SecurityProfileDisabled {
        id: "security-profile-disabled",
        severity: High,
        target: Container,
        summary: "seccomp, AppArmor or SELinux confinement is disabled",
    }
}

impl Rule for SecurityProfileDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for opt in &c.security_opts {
            if let SecurityOpt::Unconfined(what) = classify_security_opt(&opt.value) {
                out.push(
                    Finding::at(
                        &Self::META,
                        c.file,
                        opt.origin,
                        format!(
                            "{} disables {what} confinement ({})",
                            c.source.describe(),
                            opt.value
                        ),
                    )
                    .fix(
                        "remove the option or use a custom profile",
                        Applicability::Manual,
                    ),
                );
            }
        }
    }
}
