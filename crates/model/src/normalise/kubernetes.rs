//! Kubernetes manifests → one Container per container of every Pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob), pod and container securityContext merged, hostPath volumes joined to volumeMounts.
//! (Being written.)

use crate::container::Container;
use crate::project::FileId;
use skillaudit_syntax::yaml::Stream;

pub fn containers(_file: FileId, _stream: &Stream) -> Vec<Container> {
    unimplemented!("kubernetes")
}
