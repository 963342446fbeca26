use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags host devices passed into the container (`devices:`,
    /// `--device`). GPUs requested with `--gpus` or a compose device
    /// reservation are not flagged.
    ///
    /// ## Why is this bad?
    /// A device node is direct access to host hardware through the host
    /// kernel's drivers: raw disks (`/dev/sda`), input devices, `/dev/mem`,
    /// `/dev/kvm`. Several escapes go through writable device nodes.
    ///
    /// ## Example
    /// ```yaml
    /// devices:
    ///   - /dev/sda:/dev/sda
    /// ```
    ///
    /// ## Fix
    /// Remove the device, or pass the narrowest one with the narrowest
    /// permissions (`/dev/ttyUSB0:/dev/ttyUSB0:r`).
    pub struct DeviceAccess {
        id: "device-access",
        severity: High,
        target: Container,
        summary: "host devices are passed in",
    }
}

impl Rule for DeviceAccess {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for d in &c.devices {
            out.push(
                Finding::at(
                    &Self::META,
                    c.file,
                    d.origin,
                    format!("{} gets the host device {}", c.source.describe(), d.value),
                )
                .fix(
                    "remove the device or pass the narrowest one read-only",
                    Applicability::Manual,
                ),
            );
        }
    }
}
