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

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=builder /usr/local/bin/skillaudit /usr/local/bin/skillaudit
# distroless's `nonroot` user, by number so that runAsNonRoot can verify it.
USER 65532:65532
WORKDIR /src
# A one-shot command-line tool: nothing listens, nothing to probe.
HEALTHCHECK NONE
ENTRYPOINT ["skillaudit"]
CMD ["scan", "/src"]
