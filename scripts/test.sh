#!/usr/bin/env bash
# The project's single test command: lint, unit/integration tests, docs, the end-to-end suite
# (official MCP Python SDK against examples/axum-tickets, examples/actix-tickets and
# tests/fidelity-app), and the official MCP conformance suite against examples/conformance-server
# (scripts/conformance.sh).
# Runs from any directory; debug profile only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (-D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "OpenAPI corpus: tests/corpus/fetch.sh (pinned npm packages into .cache/corpus)"
tests/corpus/fetch.sh

step "cargo test"
cargo test --workspace

step "cargo test: OpenAPI corpus (mcp-web-core/tests/corpus.rs)"
cargo test -p mcp-web-core --test corpus -- --ignored --nocapture

step "cargo test: tool search on the GitHub corpus document (mcp-web-core/tests/search_quality.rs)"
# Debug, like every other step: the hit rates are the same, and a release build of the core and
# its dependencies only for this test cost CI several minutes. Timings: BENCHMARKS.md.
cargo test -p mcp-web-core --test search_quality -- --ignored --nocapture

step "cargo doc (-D warnings)"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps

step "cargo build -p axum-tickets -p actix-tickets -p fidelity-app -p conformance-server -p oauth-tickets -p split-deployment"
cargo build -p axum-tickets -p actix-tickets -p fidelity-app -p conformance-server -p oauth-tickets -p split-deployment

step "python venv (.venv) + tests/e2e/requirements.txt"
if ! .venv/bin/python -c '' 2>/dev/null; then
    rm -rf .venv
    # Some distributions ship python3 without ensurepip; fall back to virtualenv there.
    if ! python3 -m venv .venv; then
        rm -rf .venv
        python3 -m virtualenv --version >/dev/null 2>&1 ||
            python3 -m pip install -q --user virtualenv
        python3 -m virtualenv -q .venv
    fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r tests/e2e/requirements.txt

step "pytest tests/e2e"
# The binaries just built (honour CARGO_TARGET_DIR / build.target-dir).
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
AXUM_TICKETS_BIN="$target_dir/debug/axum-tickets" \
    ACTIX_TICKETS_BIN="$target_dir/debug/actix-tickets" \
    FIDELITY_APP_BIN="$target_dir/debug/fidelity-app" \
    OAUTH_TICKETS_BIN="$target_dir/debug/oauth-tickets" \
    .venv/bin/python -m pytest tests/e2e -q

step "replicas: two stateless MCP replicas behind Debian's nginx, Python SDK both eras + 2 rounds of 16 clients x 300 calls"
scripts/replicas.sh "$target_dir/debug/split-deployment"

step "redis: 2025-era sessions and resumable streams across replicas through a real redis-server (kills, expiry, flood, Redis down)"
scripts/redis-replicas.sh

step "interop matrix: TypeScript SDK 1.10/1.17/newest 1.x, Python SDK 1.9.4/1.30.0/2.3.0, on axum and actix"
scripts/interop.sh "$target_dir/debug/conformance-server"

step "conformance: @modelcontextprotocol/conformance 0.1.16 (every active scenario) + 2026-07-28 alpha (gated at its count), on axum and actix"
# Node 22 and both suite versions are installed into .cache once; a free port avoids clashes.
conformance_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
for framework in axum actix; do
    echo "--- conformance-server --framework $framework"
    OUT="$target_dir/conformance/$framework" \
        scripts/conformance.sh --port "$conformance_port" "$target_dir/debug/conformance-server" --framework "$framework"
done
