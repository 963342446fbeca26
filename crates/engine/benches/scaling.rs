//! How a scan's time grows with the size of one file: a compose file of N
//! services (each privileged, with the Docker socket mounted: eight
//! findings a service, every one with a fix), N from 1,250 to 10,000 (a
//! 1 MiB file at 10,000).
//!
//! `cargo bench -p skillaudit-engine --bench scaling` prints, per N, the
//! time of a whole scan as the command line runs it (fix edits resolved,
//! so that reports say whether `--fix` can act) and as the hosted audit
//! runs it (untrusted, no fix edits). Criterion's throughput line gives
//! services per second: a linear scan keeps it flat as N grows (issue 11:
//! the compose editor was quadratic, 26.7 s at 10,000 services).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use skillaudit_engine::{scan, ScanOptions, Trust};

/// A compose file of `n` privileged services with the socket mounted.
fn compose(n: usize) -> String {
    let mut out = String::from("services:\n");
    for i in 0..n {
        out.push_str(&format!(
            "  s{i}:\n    image: nginx\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"
        ));
    }
    out
}

fn compose_services(c: &mut Criterion) {
    let mut g = c.benchmark_group("compose_services");
    g.sample_size(10);
    for n in [1_250, 2_500, 5_000, 10_000] {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("compose.yaml"), compose(n)).expect("write compose.yaml");
        let cli = ScanOptions {
            targets: vec![dir.path().to_string_lossy().into_owned()],
            ..ScanOptions::default()
        };
        let hosted = ScanOptions {
            trust: Trust::Untrusted,
            fix_edits: false,
            ..cli.clone()
        };
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("cli", n), &cli, |b, o| {
            b.iter(|| scan(black_box(o)).expect("scan").findings.len())
        });
        g.bench_with_input(BenchmarkId::new("hosted", n), &hosted, |b, o| {
            b.iter(|| scan(black_box(o)).expect("scan").findings.len())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = compose_services
}
criterion_main!(benches);
