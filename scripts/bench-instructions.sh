#!/usr/bin/env bash
# Instructions per request, REST vs. MCP tools/call, counted by valgrind's callgrind on the
# running ticket examples (BENCHMARKS.md, "Seventh session on issue 14").
#
#   scripts/bench-instructions.sh
#   AXUM_TICKETS_BIN=… ACTIX_TICKETS_BIN=… scripts/bench-instructions.sh   # prebuilt binaries
#
# Throughput and CPU time on a shared 2-core VM move by ±10% between runs of one binary; an
# instruction count does not, so a change of a few percent shows here first. Each server runs
# under callgrind with instrumentation off while it starts and warms up (validators compiled,
# pools filled), then on for one wrk run of a single kind of request; the count is divided by
# the requests wrk completed. valgrind serializes the server's threads, so this counts work,
# not time: wake-ups and syscalls cost the same one instruction each here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

need valgrind valgrind
need callgrind_control valgrind
need wrk wrk

ticket_examples
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

wrk_requests "$work"

# count BINARY KIND: prints the instructions per request of one kind on a fresh server.
count() {
    local bin=$1 kind=$2 out="$work/$RANDOM" port="" pid
    PORT=0 RUST_LOG=warn DEMO_TOKEN=demo-token valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$out.cg" "$bin" >"$out.stdout" 2>"$out.log" &
    pid=$!
    port="$(listening_port "$out.stdout")"
    [[ -n "$port" ]] || { echo "$bin did not start under valgrind (log: $out.log)" >&2; exit 1; }
    local url="http://127.0.0.1:$port" path
    path="$(kind_path "$kind")"
    [[ $kind == session ]] && open_session "$url"
    wrk -t1 -c2 -d3s -s "$work/$kind.lua" "$url$path" >/dev/null
    callgrind_control -i on "$pid" >/dev/null 2>&1
    local report
    report="$(wrk -t1 -c2 -d8s -s "$work/$kind.lua" "$url$path")"
    callgrind_control -i off "$pid" >/dev/null 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    local requests non2xx instructions
    requests="$(awk '/requests in/ {print $1}' <<<"$report")"
    non2xx="$(grep -ci 'non-2xx' <<<"$report" || true)"
    [[ "$non2xx" == 0 ]] || { echo "$bin $kind: answers that are not 2xx:" >&2; echo "$report" >&2; exit 1; }
    instructions="$(awk '/^totals:/ {sum += $2} END {print sum}' "$out".cg*)"
    echo $((instructions / requests))
}

machine_load
printf '| framework | REST | 2026-07-28 stateless | 2025-11-25 session | REST ÷ MCP (stateless / session) |\n'
printf '|---|---:|---:|---:|---:|\n'
for name in axum actix; do
    bin="${name}_bin"
    rest="$(count "${!bin}" rest)"
    stateless="$(count "${!bin}" stateless)"
    session="$(count "${!bin}" session)"
    python3 -c "print(f'| $name | {$rest:,} | {$stateless:,} | {$session:,} | {$rest/$stateless:.2f} / {$rest/$session:.2f} |')"
done
