# syntax=docker/dockerfile:1
#
# skillaudit in a container: a release build on Debian bookworm, then the
# binary alone on distroless (glibc, no shell, no package manager), run as
# the unprivileged distroless user. It scans what is mounted at /src:
#
#   docker build -t skillaudit .
#   docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges \
#     --network none -v /path/to/repo:/src:ro skillaudit
#
# Git URL targets need `git`, which this image deliberately lacks: clone
# first and mount the checkout. docs/INTEGRATIONS.md has the details.

FROM rust:1.95-slim-bookworm AS builder
WORKDIR /build
# Only the manifests and the crates' sources reach the build (.dockerignore).
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    cargo build --release --locked -p skillaudit \
    && install -m 0755 target/release/skillaudit /usr/local/bin/skillaudit

# The hosted audit (`skillaudit serve`, docs/DEPLOYMENT.md): it clones the
# submitted repositories, so it needs git (and CA certificates), which
# distroless lacks. Build it with `--target serve`:
#
#   docker build --target serve -t skillaudit-serve .
#   docker run -d -p 127.0.0.1:8080:8080 --read-only --tmpfs /tmp \
#     --cap-drop ALL --security-opt no-new-privileges \
#     -v skillaudit-data:/var/lib/skillaudit skillaudit-serve
FROM debian:bookworm-slim AS serve
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/skillaudit --create-home skillaudit
COPY --from=builder /usr/local/bin/skillaudit /usr/local/bin/skillaudit
USER 10001:10001
WORKDIR /var/lib/skillaudit
EXPOSE 8080
# The orchestrator probes GET /healthz; the image has no HTTP client.
HEALTHCHECK NONE
ENTRYPOINT ["skillaudit", "serve", "--bind", "0.0.0.0:8080", "--db", "/var/lib/skillaudit/audits.db"]

# The default target: the command-line scanner alone.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=builder /usr/local/bin/skillaudit /usr/local/bin/skillaudit
# distroless's `nonroot` user, by number so that runAsNonRoot can verify it.
USER 65532:65532
WORKDIR /src
# A one-shot command-line tool: nothing listens, nothing to probe.
HEALTHCHECK NONE
ENTRYPOINT ["skillaudit"]
CMD ["scan", "/src"]
