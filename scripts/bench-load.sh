#!/usr/bin/env bash
# REST vs. MCP tools/call as a client sees it (BENCHMARKS.md, "Issue 14"): release builds of
# examples/axum-tickets and examples/actix-tickets, loaded over loopback by benches/mcp-load.
#
#   scripts/bench-load.sh                      # 16 connections, 3 rounds × 3 s per kind of call
#   scripts/bench-load.sh --duration 5 --rounds 5 --connections 64
#   AXUM_TICKETS_BIN=… ACTIX_TICKETS_BIN=… scripts/bench-load.sh   # prebuilt binaries
#
# Extra arguments go to mcp-load (see `--help` there). Servers are started on ports the OS picks
# and stopped at the end; nothing but 127.0.0.1 is contacted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

ticket_examples
build_release mcp-load
machine_load
"$target_dir/release/mcp-load" --server "axum=$axum_bin" --server "actix=$actix_bin" "$@"
