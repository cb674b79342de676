#!/usr/bin/env bash
# Resident memory of 10,000 idle 2025-11-25 sessions (BENCHMARKS.md, "Issue 14"): release builds of
# examples/axum-tickets and examples/actix-tickets, each started fresh, measured by
# benches/mcp-load's session-memory over loopback.
#
#   scripts/bench-sessions.sh                  # 10,000 sessions (the default max_sessions)
#   scripts/bench-sessions.sh --sessions 2000
#   AXUM_TICKETS_BIN=… ACTIX_TICKETS_BIN=… scripts/bench-sessions.sh
#
# Extra arguments go to session-memory (see `--help` there).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

ticket_examples
build_release mcp-load
machine_load
"$target_dir/release/session-memory" --server "axum=$axum_bin" --server "actix=$actix_bin" "$@"
