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

# Debian packages, installed when missing (with sudo when not root).
need() {
    command -v "$1" >/dev/null && return
    bench_step "apt-get install $2 (Debian)"
    local sudo_cmd=""
    [[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get install -y -q "$2" >/dev/null 2>&1 ||
        { $sudo_cmd apt-get update -q >/dev/null && $sudo_cmd apt-get install -y -q "$2" >/dev/null; }
}
need valgrind valgrind
need callgrind_control valgrind
need wrk wrk

ticket_examples
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# One request per kind, as bench-load's client sends them (unique ids inside a session).
cat >"$work/rest.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer demo-token"
LUA
cat >"$work/stateless.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_ticket","arguments":{"ticket_id":1},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Authorization"] = "Bearer demo-token"
wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = "tools/call"
wrk.headers["Mcp-Name"] = "get_ticket"
LUA
cat >"$work/session.lua" <<'LUA'
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"jsonrpc":"2.0","id":' .. counter .. ',"method":"tools/call","params":{"name":"get_ticket","arguments":{"ticket_id":1}}}'
  return wrk.format("POST", "/mcp", {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["Authorization"] = "Bearer demo-token",
    ["MCP-Protocol-Version"] = "2025-11-25",
    ["Mcp-Session-Id"] = os.getenv("SID"),
  }, body)
end
LUA

# count BINARY KIND: prints the instructions per request of one kind on a fresh server.
count() {
    local bin=$1 kind=$2 out="$work/$RANDOM" port="" pid
    PORT=0 RUST_LOG=warn DEMO_TOKEN=demo-token valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$out.cg" "$bin" >"$out.stdout" 2>"$out.log" &
    pid=$!
    for _ in $(seq 240); do
        port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$out.stdout")"
        [[ -n "$port" ]] && break
        sleep 0.25
    done
    [[ -n "$port" ]] || { echo "$bin did not start under valgrind (log: $out.log)" >&2; exit 1; }
    local url="http://127.0.0.1:$port" path=/mcp
    [[ $kind == rest ]] && path=/tickets/1
    if [[ $kind == session ]]; then
        local headers=(-H 'Authorization: Bearer demo-token' -H 'Content-Type: application/json'
            -H 'Accept: application/json, text/event-stream')
        SID="$(curl -s -D - -o /dev/null "${headers[@]}" "$url/mcp" -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' |
            awk -F': ' 'tolower($1)=="mcp-session-id" {print $2}' | tr -d '\r')"
        export SID
        curl -s -o /dev/null "${headers[@]}" -H "Mcp-Session-Id: $SID" \
            -H 'MCP-Protocol-Version: 2025-11-25' "$url/mcp" \
            -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
    fi
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
