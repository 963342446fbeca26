use skillaudit_model::normalise::runtime::{classify_security_opt, SecurityOpt};

use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a container whose seccomp, AppArmor or SELinux confinement is
    /// switched off: `seccomp:unconfined`, `seccomp=unconfined`,
    /// `apparmor:unconfined`, `apparmor=unconfined`, `label:disable`,
    /// `label=disable`, `systempaths=unconfined`, Kubernetes
    /// `seccompProfile.type: Unconfined` (or the legacy
    /// `seccomp.security.alpha.kubernetes.io` annotations saying
    /// `unconfined`), Kubernetes `appArmorProfile.type: Unconfined` or its
    /// legacy annotation. A custom profile file is fine.
    ///
    /// A Kubernetes container whose pod and container set no seccomp
    /// profile at all is reported at `low`: unlike Docker, which applies its
    /// default profile, the kubelet runs it `Unconfined` — `RuntimeDefault`
    /// is the default only on clusters whose kubelets run with
    /// `--seccomp-default` (opt-in; GA in Kubernetes 1.27). Privileged
    /// containers (reported as such) and test or CI manifests are left out.
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
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        if c.seccomp_unset() && c.privileged.is_none() && c.purpose.is_deployed() {
            let mut f = Finding::new(
                &Self::META,
                c.file,
                c.definition,
                format!(
                    "{} sets no seccomp profile: it runs Unconfined unless the kubelet defaults to RuntimeDefault (`--seccomp-default`, opt-in on most clusters)",
                    c.source.describe()
                ),
            )
            .fix(
                "set `securityContext.seccompProfile.type: RuntimeDefault` on the pod",
                Applicability::Manual,
            );
            f.severity = Severity::Low;
            out.push(f);
        }
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
