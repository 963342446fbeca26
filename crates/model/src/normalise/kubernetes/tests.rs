use super::*;
use skillaudit_syntax::tree::yaml::parse;
use skillaudit_syntax::LineIndex;

fn read(text: &str) -> Vec<Container> {
    let stream = parse(text);
    assert!(stream.error.is_none(), "{:?}", stream.error);
    containers(FileId(0), &stream)
}

/// 1-based line of an origin.
fn line(text: &str, span: Span) -> u32 {
    LineIndex::new(text).line_col(text, span.start).line
}

fn src(text: &str, span: Span) -> &str {
    span.slice(text)
}

fn named<'c>(cs: &'c [Container], container: &str) -> &'c Container {
    cs.iter()
            .find(|c| matches!(&c.source, ContainerSource::Kubernetes { container: n, .. } if n == container))
            .unwrap_or_else(|| panic!("no container {container}"))
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mcp-server
  namespace: tools
spec:
  replicas: 1
  template:
    metadata:
      labels: {app: mcp}
    spec:
      hostNetwork: true
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile:
          type: Unconfined
      volumes:
        - name: docker-sock
          hostPath:
            path: /var/run/docker.sock
            type: Socket
        - name: cache
          emptyDir: {}
        - name: run
          hostPath:
            path: /var/run
      initContainers:
        - name: init
          image: busybox:1.36
      containers:
        - name: server
          image: ghcr.io/acme/mcp:1.2.0
          securityContext:
            runAsUser: 0
            privileged: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
              add: [NET_ADMIN]
            seccompProfile:
              type: RuntimeDefault
          volumeMounts:
            - name: docker-sock
              mountPath: /var/run/docker.sock
            - name: cache
              mountPath: /cache
            - name: run
              mountPath: /host/docker.sock
              subPath: docker.sock
              readOnly: true
          ports:
            - containerPort: 8080
            - containerPort: 9090
              hostPort: 9090
              hostIP: 127.0.0.1
          resources:
            limits:
              memory: 512Mi
              cpu: 500m
            requests:
              memory: 128Mi
          env:
            - name: GITHUB_TOKEN
              value: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB
            - name: FROM_SECRET
              valueFrom:
                secretKeyRef: {name: s, key: k}
            - name: EMPTY
";

#[test]
fn deployment_container_overrides_pod_security_context() {
    let cs = read(DEPLOYMENT);
    assert_eq!(cs.len(), 2);
    let server = named(&cs, "server");
    assert_eq!(
        server.source,
        ContainerSource::Kubernetes {
            kind: "Deployment".into(),
            name: "mcp-server".into(),
            container: "server".into()
        }
    );
    assert_eq!(src(DEPLOYMENT, server.definition), "name: server");
    assert_eq!(
        server.image.as_ref().map(|i| i.value.as_str()),
        Some("ghcr.io/acme/mcp:1.2.0")
    );
    // Container runAsUser: 0 wins over the pod's 1000; runAsNonRoot comes from the pod.
    let user = server.user.as_ref().expect("user");
    assert_eq!(user.value, "0");
    assert_eq!(src(DEPLOYMENT, user.origin.span), "runAsUser: 0");
    assert_eq!(line(DEPLOYMENT, user.origin.span), 35);
    let non_root = server.run_as_non_root().expect("runAsNonRoot");
    assert!(non_root.value);
    assert_eq!(line(DEPLOYMENT, non_root.origin.span), 14);
    // The container's seccompProfile (RuntimeDefault) replaces the pod's Unconfined.
    assert!(
        server.security_opts.is_empty(),
        "{:?}",
        server.security_opts
    );
    // The init container inherits the pod's user and seccomp profile.
    let init = named(&cs, "init");
    assert_eq!(init.user.as_ref().map(|u| u.value.as_str()), Some("1000"));
    assert_eq!(init.security_opts.len(), 1);
    assert_eq!(init.security_opts[0].value, "seccomp=unconfined");
    assert_eq!(
        src(DEPLOYMENT, init.security_opts[0].origin.span),
        "type: Unconfined"
    );
    assert_eq!(line(DEPLOYMENT, init.security_opts[0].origin.span), 17);
    assert!(
        init.privileged.is_none() && init.no_new_privileges.is_none() && init.read_only.is_none()
    );
}

#[test]
fn container_only_security_fields() {
    let cs = read(DEPLOYMENT);
    let server = named(&cs, "server");
    let privileged = server.privileged.expect("privileged");
    assert_eq!(src(DEPLOYMENT, privileged.span), "privileged: true");
    assert_eq!(line(DEPLOYMENT, privileged.span), 36);
    assert_eq!(
        line(DEPLOYMENT, server.no_new_privileges.expect("nnp").span),
        37
    );
    assert_eq!(server.read_only.as_ref().map(|r| r.value), Some(true));
    assert_eq!(
        server
            .cap_drop
            .iter()
            .map(|c| c.value.as_str())
            .collect::<Vec<_>>(),
        ["ALL"]
    );
    assert_eq!(server.cap_add.len(), 1);
    assert_eq!(server.cap_add[0].value, "NET_ADMIN");
    assert_eq!(src(DEPLOYMENT, server.cap_add[0].origin.span), "NET_ADMIN");
    assert_eq!(line(DEPLOYMENT, server.cap_add[0].origin.span), 41);
}

#[test]
fn host_network_points_at_the_pod_spec() {
    let cs = read(DEPLOYMENT);
    for c in &cs {
        let ns: Vec<_> = c.host_namespaces().collect();
        assert_eq!(ns.len(), 1);
        assert_eq!(ns[0].kind, NamespaceKind::Network);
        assert_eq!(src(DEPLOYMENT, ns[0].origin.span), "hostNetwork: true");
        assert_eq!(line(DEPLOYMENT, ns[0].origin.span), 12);
    }
}

#[test]
fn host_path_volumes_join_volume_mounts() {
    let cs = read(DEPLOYMENT);
    let server = named(&cs, "server");
    assert_eq!(server.mounts.len(), 3);
    let sock = &server.mounts[0];
    assert_eq!(
        (sock.kind, sock.source.as_str(), sock.target.as_str()),
        (
            MountKind::Bind,
            "/var/run/docker.sock",
            "/var/run/docker.sock"
        )
    );
    assert_eq!(sock.read_only, None);
    assert_eq!(line(DEPLOYMENT, sock.origin.span), 45);
    assert!(src(DEPLOYMENT, sock.origin.span).starts_with("name: docker-sock"));
    let cache = &server.mounts[1];
    assert_eq!(
        (cache.kind, cache.source.as_str()),
        (MountKind::Volume, "cache")
    );
    // subPath selects the socket inside a hostPath directory.
    let sub = &server.mounts[2];
    assert_eq!(
        (sub.kind, sub.source.as_str(), sub.read_only),
        (MountKind::Bind, "/var/run/docker.sock", Some(true))
    );
    // The init container mounts nothing.
    assert!(named(&cs, "init").mounts.is_empty());
}

#[test]
fn resources_ports_env() {
    let cs = read(DEPLOYMENT);
    let server = named(&cs, "server");
    assert_eq!(
        src(DEPLOYMENT, server.memory_limit.expect("memory").span),
        "memory: 512Mi"
    );
    assert_eq!(line(DEPLOYMENT, server.cpu_limit.expect("cpu").span), 61);
    // Kubernetes has no per-container pids limit.
    assert!(server.pids_limit.is_none());
    let init = named(&cs, "init");
    assert!(init.memory_limit.is_none() && init.cpu_limit.is_none());
    // Only the hostPort is published on the host.
    assert_eq!(server.ports.len(), 1);
    let p = &server.ports[0];
    assert_eq!(
        (
            p.host_ip.as_deref(),
            p.host_port.as_deref(),
            p.container_port.as_str()
        ),
        (Some("127.0.0.1"), Some("9090"), "9090")
    );
    assert!(!p.on_all_interfaces());
    assert_eq!(line(DEPLOYMENT, p.origin.span), 55);
    let env: Vec<_> = server
        .env
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_deref()))
        .collect();
    assert_eq!(
        env,
        [
            (
                "GITHUB_TOKEN",
                Some("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB")
            ),
            ("FROM_SECRET", None),
            ("EMPTY", Some(""))
        ]
    );
    assert_eq!(line(DEPLOYMENT, server.env[0].origin.span), 65);
}

#[test]
fn cronjob_pod_template() {
    let text = "\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: '0 3 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: sync
              image: ghcr.io/acme/sync:2
              securityContext:
                runAsNonRoot: false
";
    let cs = read(text);
    assert_eq!(cs.len(), 1);
    let c = &cs[0];
    assert_eq!(
        c.source.describe(),
        "container \"sync\" of CronJob \"nightly\""
    );
    assert_eq!(line(text, c.definition), 13);
    let nr = c.run_as_non_root().expect("runAsNonRoot");
    assert!(!nr.value);
    assert_eq!(line(text, nr.origin.span), 16);
}

#[test]
fn multi_document_with_a_service() {
    let text = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
---
";
    let stream = parse(text);
    assert!(is_manifest(&stream));
    let cs = containers(FileId(3), &stream);
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0].file, FileId(3));
    assert_eq!(line(text, cs[0].definition), 16);
    assert_eq!(line(text, cs[0].image.as_ref().unwrap().origin.span), 17);
}

#[test]
fn pod_list_and_statefulset() {
    let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: debug}
    spec:
      hostPID: true
      hostIPC: true
      containers:
        - image: alpine
          securityContext:
            procMount: Unmasked
            appArmorProfile: {type: Unconfined}
            seLinuxOptions: {type: spc_t}
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db}
    spec:
      template:
        spec:
          containers:
            - name: db
              image: postgres:16
";
    let cs = read(text);
    assert_eq!(cs.len(), 2);
    let debug = &cs[0];
    // No name: the list item is the definition.
    assert_eq!(
        debug.source.describe(),
        "container \"containers[0]\" of Pod \"debug\""
    );
    assert_eq!(line(text, debug.definition), 11);
    let kinds: Vec<_> = debug.host_namespaces().map(|n| n.kind).collect();
    assert_eq!(kinds, [NamespaceKind::Pid, NamespaceKind::Ipc]);
    let opts: Vec<_> = debug
        .security_opts
        .iter()
        .map(|o| (o.value.as_str(), line(text, o.origin.span)))
        .collect();
    assert_eq!(
        opts,
        [
            ("apparmor=unconfined", 14),
            ("label=disable", 15),
            ("systempaths=unconfined", 13)
        ]
    );
    assert_eq!(
        cs[1].source.describe(),
        "container \"db\" of StatefulSet \"db\""
    );
}

#[test]
fn apparmor_annotation() {
    let text = "\
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/a: unconfined
    container.apparmor.security.beta.kubernetes.io/b: runtime/default
spec:
  containers:
    - {name: a, image: x}
    - {name: b, image: x}
";
    let cs = read(text);
    assert_eq!(cs[0].security_opts.len(), 1);
    assert_eq!(cs[0].security_opts[0].value, "apparmor=unconfined");
    assert_eq!(line(text, cs[0].security_opts[0].origin.span), 6);
    assert!(cs[1].security_opts.is_empty());
}

#[test]
fn seccomp_fields_and_legacy_annotations_in_the_kubelets_order() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    metadata:
      annotations:
        seccomp.security.alpha.kubernetes.io/pod: runtime/default
        container.seccomp.security.alpha.kubernetes.io/a: unconfined
        container.seccomp.security.alpha.kubernetes.io/b: localhost/profiles/b.json
    spec:
      containers:
        - {name: a, image: x}
        - name: b
          image: x
          securityContext:
            seccompProfile: {type: Unconfined}
        - {name: c, image: x}
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - {name: d, image: x}
---
apiVersion: v1
kind: Pod
metadata:
  name: q
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
    - {name: e, image: x}
    - name: f
      image: x
      securityContext:
        seccompProfile: {type: Localhost, localhostProfile: f.json}
---
apiVersion: v1
kind: Pod
metadata:
  name: nothing
spec:
  containers:
    - {name: g, image: x}
";
    let cs = read(text);
    let opts = |n: &str| -> Vec<(String, u32)> {
        named(&cs, n)
            .security_opts
            .iter()
            .map(|o| (o.value.clone(), line(text, o.origin.span)))
            .collect()
    };
    // The container's annotation wins over the pod's.
    assert_eq!(opts("a"), [("seccomp=unconfined".to_string(), 10)]);
    // The container's field wins over its annotation.
    assert_eq!(opts("b"), [("seccomp=unconfined".to_string(), 18)]);
    assert!(opts("c").is_empty());
    assert_eq!(opts("d"), [("seccomp=unconfined".to_string(), 26)]);
    assert!(opts("e").is_empty() && opts("f").is_empty());
    for n in ["a", "b", "c", "d", "e", "f"] {
        assert!(!named(&cs, n).seccomp_unset(), "{n}");
    }
    assert!(named(&cs, "g").seccomp_unset());
}

#[test]
fn limit_range_defaults_apply_in_the_same_namespace() {
    let text = "\
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: tools}
spec:
  limits:
    - type: Container
      default: {memory: 256Mi}
      max: {cpu: '1'}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: tools}
spec:
  containers: [{name: a, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  containers: [{name: b, image: x}]
";
    let cs = read(text);
    assert_eq!(
        line(text, cs[0].memory_limit.expect("default memory").span),
        7
    );
    assert_eq!(line(text, cs[0].cpu_limit.expect("max cpu").span), 8);
    assert!(cs[1].memory_limit.is_none() && cs[1].cpu_limit.is_none());
}

#[test]
fn anchors_point_at_the_use_site() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x
      securityContext: &sc
        privileged: true
    - name: b
      image: x
      securityContext: *sc
";
    let cs = read(text);
    let a = cs[0].privileged.expect("a");
    assert_eq!((line(text, a.span), a.anchor), (9, None));
    let b = cs[1].privileged.expect("b");
    assert_eq!(line(text, b.span), 12);
    assert_eq!(b.anchor.map(|s| line(text, s)), Some(9));
}

#[test]
fn not_workloads_and_odd_shapes() {
    for text in [
            "",
            "just a string",
            "[1, 2]",
            "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n",
            "apiVersion: v1\nkind: Pod\nspec: 3\n",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers: 3\n",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers: [1, [2], null]\n",
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: [x]\n",
            "kind: List\nitems: {a: 1}\n",
            "kind: List\nitems:\n  - kind: List\n    items:\n      - kind: List\n        items:\n          - kind: List\n            items:\n              - kind: List\n                items:\n                  - kind: Pod\n                    spec: {containers: [{name: deep}]}\n",
        ] {
            let cs = containers(FileId(0), &parse(text));
            assert!(cs.is_empty(), "{text:?}: {}", cs.len());
        }
    // Null values mean "not set".
    let cs = read("kind: Pod\nspec:\n  securityContext:\n  containers:\n    - name: a\n      securityContext:\n        runAsUser:\n        privileged: null\n");
    assert!(cs[0].user.is_none() && cs[0].privileged.is_none());
    assert!(!is_manifest(&parse("kind: Pod\n")));
    assert!(!is_manifest(&parse("apiVersion: v1\nkind: ~\n")));
    assert!(!is_manifest(&parse("- apiVersion: v1\n  kind: Pod\n")));
}

#[test]
fn every_prefix_is_safe() {
    // Truncated files (each a different parse error or odd shape) never panic.
    for (i, _) in DEPLOYMENT.char_indices() {
        let prefix = &DEPLOYMENT[..i];
        let stream = parse(prefix);
        let _ = containers(FileId(0), &stream);
        let _ = is_manifest(&stream);
        let _ = is_helm_template(prefix);
    }
}

#[test]
fn alias_bombs_stay_bounded() {
    // 100 pods × 100 containers × 100 env entries through aliases would be
    // a million entries; the budget stops it early.
    let mut text = String::from("kind: List\nx-env: &e [");
    text.push_str(&vec!["{name: A, value: b}"; 100].join(", "));
    text.push_str("]\nx-c: &c {name: c, env: *e}\nx-cs: &cs [");
    text.push_str(&vec!["*c"; 100].join(", "));
    text.push_str("]\nx-pod: &pod {kind: Pod, spec: {containers: *cs}}\nitems: [");
    text.push_str(&vec!["*pod"; 1000].join(", "));
    text.push_str("]\n");
    let start = std::time::Instant::now();
    let cs = containers(FileId(0), &parse(&text));
    assert!(!cs.is_empty());
    let entries: usize = cs.iter().map(|c| c.env.len()).sum();
    assert!(entries <= WORK_BUDGET, "{entries}");
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn helm_templates() {
    assert!(is_helm_template(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"chart.fullname\" . }}\nspec:\n  replicas: {{ .Values.replicas }}\n"
        ));
    assert!(is_helm_template(
        "{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n"
    ));
    assert!(is_helm_template(
        "image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n"
    ));
    // Not YAML at all once the action is there: some other template engine.
    assert!(is_helm_template(
        "kind: Pod\nspec:\n  image: {{ image }}:{{ tag }}\n"
    ));
    // A plain manifest.
    assert!(!is_helm_template(DEPLOYMENT));
    // Actions only in comments.
    assert!(!is_helm_template(
        "# {{ .Values.x }}\nkind: Pod # {{ .Values.y }}\n"
    ));
    // Go-template text inside values of a plain manifest (Prometheus rules).
    assert!(!is_helm_template(
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n    - rules:\n        - alert: Down\n          annotations:\n            summary: \"Pod {{ $labels.pod }} is down\"\n            description: Instance {{ $labels.instance }} down\n"
        ));
    // `#` inside a value is not a comment.
    assert!(is_helm_template("color: a#{{ .Values.c }}\n"));
    // Unterminated actions and odd bytes do not panic.
    assert!(!is_helm_template("a: {{ é"));
    assert!(!is_helm_template("}}{{"));
}
