//! Criterion benchmarks of the pipeline's stages on realistic inputs
//! (`benches/inputs/`) and of a whole `scan` of a small example repository.
//!
//! `cargo bench -p skillaudit-engine` runs them (about a minute);
//! `cargo bench -p skillaudit-engine -- dockerfile` runs a subset.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use skillaudit_engine::{scan, ScanOptions};
use skillaudit_model::normalise::{
    compose, dockerfile as df_norm, mcp_config, readme, shell_script,
};
use skillaudit_model::{link, FileId, FileKind, Project, SourceFile};
use skillaudit_rules::registry;
use skillaudit_rules::{ContainerCx, ImageCx};
use skillaudit_syntax::{dockerfile, json, markdown, shell, tree::yaml};

const DOCKERFILE: &str = include_str!("inputs/Dockerfile");
const COMPOSE: &str = include_str!("inputs/compose.yaml");
const SCRIPT: &str = include_str!("inputs/run.sh");
const MCP_JSON: &str = include_str!("inputs/mcp.json");
const README: &str = include_str!("inputs/README.md");

fn parsers(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");

    g.throughput(Throughput::Bytes(DOCKERFILE.len() as u64));
    g.bench_function("dockerfile_parse_normalise", |b| {
        b.iter(|| {
            let parsed = dockerfile::parse(black_box(DOCKERFILE));
            df_norm::image(FileId(0), &parsed)
        })
    });

    g.throughput(Throughput::Bytes(COMPOSE.len() as u64));
    g.bench_function("compose_yaml_parse_normalise", |b| {
        b.iter(|| {
            let stream = yaml::parse(black_box(COMPOSE));
            compose::containers(FileId(0), &stream)
        })
    });

    g.throughput(Throughput::Bytes(SCRIPT.len() as u64));
    g.bench_function("shell_parse", |b| {
        b.iter(|| shell::parse(black_box(SCRIPT)))
    });
    g.bench_function("shell_parse_normalise", |b| {
        b.iter(|| {
            let script = shell::parse(black_box(SCRIPT));
            shell_script::containers(FileId(0), &script, &|s| s)
        })
    });

    g.throughput(Throughput::Bytes(MCP_JSON.len() as u64));
    g.bench_function("jsonc_parse", |b| {
        b.iter(|| json::parse(black_box(MCP_JSON)))
    });
    g.bench_function("mcp_config_parse_normalise", |b| {
        b.iter(|| {
            let stream = json::parse(black_box(MCP_JSON));
            mcp_config::containers(FileId(0), &stream)
        })
    });

    g.throughput(Throughput::Bytes(README.len() as u64));
    g.bench_function("readme_code_blocks", |b| {
        b.iter(|| markdown::code_blocks(black_box(README)))
    });
    g.bench_function("readme_code_blocks_normalise", |b| {
        b.iter(|| readme::read(FileId(0), black_box(README)))
    });

    g.finish();
}

/// A linked project of the five inputs, as the engine builds it.
fn project() -> Project {
    let mut p = Project::default();
    let add = |p: &mut Project, name: &str, kind: FileKind, text: &str| {
        let id = FileId(p.files.len() as u32);
        p.files.push(SourceFile::new(
            id,
            name.into(),
            PathBuf::from(name),
            kind,
            text.into(),
        ));
        id
    };
    let id = add(&mut p, "Dockerfile", FileKind::Dockerfile, DOCKERFILE);
    let image = df_norm::image(id, &dockerfile::parse(DOCKERFILE));
    p.images.push(image);
    let id = add(&mut p, "compose.yaml", FileKind::Compose, COMPOSE);
    p.containers
        .extend(compose::containers(id, &yaml::parse(COMPOSE)));
    let id = add(&mut p, "run.sh", FileKind::ShellScript, SCRIPT);
    let script = shell::parse(SCRIPT);
    for found in shell_script::containers(id, &script, &|s| s) {
        p.push_container(found);
    }
    p.builds.extend(
        shell_script::builds(&script, &|s| s)
            .into_iter()
            .map(|b| (id, b)),
    );
    let id = add(&mut p, ".mcp.json", FileKind::McpConfig, MCP_JSON);
    for found in mcp_config::containers(id, &json::parse(MCP_JSON)) {
        p.push_container(found);
    }
    let id = add(&mut p, "README.md", FileKind::Readme, README);
    let (containers, builds) = readme::read(id, README);
    for found in containers {
        p.push_container(found);
    }
    p.builds.extend(builds.into_iter().map(|b| (id, b)));
    link::link(&mut p);
    p
}

fn rules(c: &mut Criterion) {
    let p = project();
    let mut g = c.benchmark_group("rules");
    g.bench_function(
        format!(
            "all_rules_{}_images_{}_containers",
            p.images.len(),
            p.containers.len()
        ),
        |b| {
            b.iter(|| {
                let mut out = Vec::new();
                for (index, image) in p.images.iter().enumerate() {
                    for rule in registry::judging(image.purpose) {
                        let cx = ImageCx {
                            project: &p,
                            index,
                            image,
                            contexts: rule.meta().contexts,
                        };
                        rule.check_image(&cx, &mut out);
                    }
                }
                for (index, container) in p.containers.iter().enumerate() {
                    let cx = ContainerCx {
                        project: &p,
                        index,
                        container,
                    };
                    for rule in registry::judging(container.purpose) {
                        rule.check_container(&cx, &mut out);
                    }
                }
                out
            })
        },
    );
    g.finish();
}

fn whole_scan(c: &mut Criterion) {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/vulnerable-mcp-server"
    );
    let options = ScanOptions {
        targets: vec![root.into()],
        ..ScanOptions::default()
    };
    let mut g = c.benchmark_group("scan");
    g.bench_function("examples_vulnerable_mcp_server", |b| {
        b.iter(|| scan(black_box(&options)).expect("scan"))
    });
    let inputs = ScanOptions {
        targets: vec![concat!(env!("CARGO_MANIFEST_DIR"), "/benches/inputs").into()],
        ..ScanOptions::default()
    };
    g.bench_function("benches_inputs", |b| {
        b.iter(|| scan(black_box(&inputs)).expect("scan"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2)).sample_size(50);
    targets = parsers, rules, whole_scan
}
criterion_main!(benches);
