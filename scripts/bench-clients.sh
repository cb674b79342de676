#!/usr/bin/env bash
# What real MCP clients feel (BENCHMARKS.md, "Issue 14"): 200 sequential `callTool get_ticket`
# (after 20 warm-up calls) per client × framework × protocol era, against release builds of
# examples/axum-tickets and examples/actix-tickets, printing ms per call and the clients' transport errors.
#
# Clients:
# - the official TypeScript SDK, newest 1.x on npm (or $TS_SDK_VERSION), installed into
#   .cache/bench-clients/ts, in a 2025-era session (what the Inspector, mcp-remote and many
#   editors use);
# - the official Python SDK from tests/e2e/requirements.txt in .venv (as scripts/test.sh sets it
#   up), `Client(url, mode="legacy")` and `mode="2026-07-28"`;
# - the floor under each: the HTTP client the SDK uses (Node's fetch, httpx2) sending the same
#   tools/call POST without the SDK, and the REST call the tool wraps.
#
#   scripts/bench-clients.sh
#   CALLS=1000 scripts/bench-clients.sh
#   AXUM_TICKETS_BIN=… ACTIX_TICKETS_BIN=… scripts/bench-clients.sh   # prebuilt binaries
#
# Servers listen on 127.0.0.1 only, on ports the OS picks, and are stopped at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

calls="${CALLS:-200}"
token="bench-token"
repo="$(pwd)"

ticket_examples

bench_step "TypeScript SDK into .cache/bench-clients/ts"
ts_dir="$repo/.cache/bench-clients/ts"
mkdir -p "$ts_dir"
ts_version="${TS_SDK_VERSION:-$(newest_ts_sdk)}"
installed="$(cd "$ts_dir" && node -p 'require("./node_modules/@modelcontextprotocol/sdk/package.json").version' 2>/dev/null || true)"
if [[ "$installed" != "$ts_version" ]]; then
    (cd "$ts_dir" && { [[ -f package.json ]] || npm init -y >/dev/null; } &&
        npm install --silent --no-audit --no-fund "@modelcontextprotocol/sdk@$ts_version")
fi
cp benches/clients/ts-calls.mjs benches/clients/fetch-floor.mjs "$ts_dir/"
echo "@modelcontextprotocol/sdk $ts_version, node $(node --version)" >&2

bench_step "python venv (.venv) + tests/e2e/requirements.txt"
if ! .venv/bin/python -c '' 2>/dev/null; then
    rm -rf .venv
    if ! python3 -m venv .venv; then
        rm -rf .venv
        python3 -m virtualenv --version >/dev/null 2>&1 ||
            python3 -m pip install -q --user virtualenv
        python3 -m virtualenv -q .venv
    fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r tests/e2e/requirements.txt

source scripts/server-lib.sh

machine_load
rows=()
for framework in axum actix; do
    binary="${framework}_bin"
    bench_step "$framework: $calls sequential calls per client"
    start_server "$framework" env DEMO_TOKEN="$token" "${!binary}"
    rows+=("$(cd "$ts_dir" && node ts-calls.mjs "$framework" "$server_url" "$token" "$calls")")
    rows+=("$(cd "$ts_dir" && node fetch-floor.mjs "$framework" "$server_url" "$token" "$calls")")
    for mode in legacy 2026-07-28 floor; do
        rows+=("$(.venv/bin/python benches/clients/py_calls.py "$framework" "$server_url" "$token" "$calls" "$mode")")
    done
    stop_server
done

echo
echo "$calls sequential calls after 20 warm-up calls, one client connection each"
echo
echo "| client | server | protocol | mean ms/call | p50 | max | transport errors | failed calls |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
