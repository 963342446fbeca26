use crate::analysis::{classify_mount, MountClass};
use crate::{declare_rule, Applicability, ContainerCx, Finding, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a bind mount of the whole working directory or project root:
    /// `.`, `./`, `$(pwd)`, `${PWD}`, `$PWD`, `%cd%`,
    /// `${{ github.workspace }}`.
    ///
    /// ## Why is this bad?
    /// The project root holds more than the server needs: `.env` files,
    /// `.git` (with remotes and sometimes tokens), build scripts that run on
    /// the next `npm install`. A compromised server that can write there can
    /// plant code the developer runs outside the container.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v "$(pwd)":/workspace mcp/filesystem /workspace
    /// ```
    ///
    /// ## Fix
    /// Mount the specific sub-directory the server works on, read-only if it
    /// only reads: `-v "$(pwd)/docs":/workspace/docs:ro`.
    pub struct ProjectRootMount {
        id: "project-root-mount",
        severity: Medium,
        target: Container,
        summary: "the whole working directory is mounted",
    }
}

impl Rule for ProjectRootMount {
    fn check_container(&self, cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
        let c = cx.container;
        for m in &c.mounts {
            if classify_mount(m) == MountClass::ProjectRoot {
                let ro = if m.read_only == Some(true) {
                    " read-only"
                } else {
                    ""
                };
                out.push(
                    Finding::at(
                        &Self::META,
                        c.file,
                        m.origin,
                        format!(
                            "{} mounts the whole project directory ({}){ro}",
                            c.source.describe(),
                            m.source
                        ),
                    )
                    .fix(
                        "mount only the sub-directory the server needs",
                        Applicability::Manual,
                    ),
                );
            }
        }
    }
}
