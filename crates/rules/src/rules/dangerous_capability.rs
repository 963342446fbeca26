use crate::analysis::{capability_name, DANGEROUS_CAPABILITIES};
use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an added capability that hands the container a way out: `ALL`,
    /// `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `SYS_BOOT`,
    /// `DAC_READ_SEARCH`, `NET_ADMIN`, `BPF`, `PERFMON`, `MAC_ADMIN`,
    /// `MAC_OVERRIDE` — with or without the `CAP_` prefix, in any case.
    ///
    /// ## Why is this bad?
    /// `SYS_ADMIN` alone allows mounting filesystems and several known
    /// escapes; `SYS_MODULE` loads kernel code; `SYS_PTRACE` reads other
    /// processes' memory; `DAC_READ_SEARCH` was the "shocker" escape.
    ///
    /// ## Example
    /// ```yaml
    /// cap_add:
    ///   - SYS_ADMIN
    /// ```
    ///
    /// ## Fix
    /// Remove it; find the narrow capability or the configuration change
    /// that makes it unnecessary.
    pub struct DangerousCapability {
        id: "dangerous-capability",
        severity: High,
        target: Container,
        summary: "a capability that allows escaping is added",
    }
}

impl Rule for DangerousCapability {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for cap in &c.cap_add {
            let name = capability_name(&cap.value);
            if DANGEROUS_CAPABILITIES.contains(&name.as_str()) {
                out.push(
                    Finding::at(
                        &Self::META,
                        c.file,
                        cap.origin,
                        format!("{} adds the capability {name}", c.source.describe()),
                    )
                    .fix("remove the capability", Applicability::Manual),
                );
            }
        }
    }
}
