#!/usr/bin/env bash
# The interop matrix (issue 15): official MCP clients of every protocol version still deployed,
# against examples/conformance-server on axum and on actix-web. Each client initializes, lists
# the tools, calls one with arguments, reads a resource and ends its session; the check fails on
# any error or warning logged on the client's side, and on any WARN/ERROR line in the server's log.
#
#   scripts/interop.sh [CONFORMANCE_SERVER_BIN]     # default: a fresh debug build
#
# Clients (installed once into .cache/interop):
#   TypeScript SDK 1.10.2 (2025-03-26), 1.17.5 (2025-06-18), the newest 1.x (2025-11-25);
#   Python SDK mcp 1.9.4 (2025-03-26), 1.30.0 (newest 1.x), and 2.3.0 from .venv in its legacy
#   (2025-11-25) and 2026-07-28 modes.
# Servers listen on 127.0.0.1 on ports the OS picks, and are stopped at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
cache="$(pwd)/.cache/interop"
mkdir -p "$cache"

if [[ $# -ge 1 ]]; then
    server_bin="$1"
else
    cargo build -p conformance-server
    server_bin="$target_dir/debug/conformance-server"
fi

ts_versions=(1.10.2 1.17.5 "$(newest_ts_sdk)")
for ts in "${ts_versions[@]}"; do
    dir="$cache/ts-$ts"
    if [[ ! -f "$dir/node_modules/@modelcontextprotocol/sdk/package.json" ]]; then
        bench_step "TypeScript SDK $ts into $dir"
        mkdir -p "$dir"
        (cd "$dir" && { [[ -f package.json ]] || npm init -y >/dev/null; } &&
            npm install --silent --no-audit --no-fund "@modelcontextprotocol/sdk@$ts")
    fi
    cp tests/interop/client.mjs "$dir/"
done

# mcp 1.9.4 imports a pydantic internal that pydantic 2.12 removed: pinned as its users had it.
py_versions=(1.9.4 1.30.0)
declare -A py_pins=([1.9.4]="pydantic<2.12")
for py in "${py_versions[@]}"; do
    venv="$cache/py-mcp-$py"
    if ! "$venv/bin/python" -c "import mcp.client.streamable_http" 2>/dev/null; then
        bench_step "Python SDK mcp $py into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv" 2>/dev/null || python3 -m virtualenv -q "$venv"
        # shellcheck disable=SC2086 # the pin is one word or none
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "mcp==$py" ${py_pins[$py]:-}
    fi
done
if ! .venv/bin/python -c "import mcp" 2>/dev/null; then
    echo "interop: .venv with tests/e2e/requirements.txt is needed (scripts/test.sh makes it)" >&2
    exit 1
fi

source scripts/server-lib.sh

failures=0
rows=()
for framework in axum actix; do
    bench_step "conformance-server --framework $framework"
    start_server "$framework" "$server_bin" --framework "$framework"
    run() { # label, command...
        local label="$1" output
        shift
        if output="$("$@" 2>&1)"; then
            rows+=("$framework  $output")
        else
            rows+=("$framework  $label: $output")
            failures=$((failures + 1))
        fi
    }
    for ts in "${ts_versions[@]}"; do
        run "TypeScript SDK $ts" node "$cache/ts-$ts/client.mjs" "$server_url"
    done
    for py in "${py_versions[@]}"; do
        run "python mcp $py" "$cache/py-mcp-$py/bin/python" tests/interop/client.py "$server_url"
    done
    for mode in legacy 2026-07-28; do
        run "python mcp (.venv) $mode" .venv/bin/python tests/interop/client.py "$server_url" "$mode"
    done
    stop_server
    # Anything the server logged at WARN or above during the matrix is a failure too.
    if grep -E ' (WARN|ERROR) ' "$logs/$framework.err" >/dev/null; then
        rows+=("$framework  server log: $(grep -E ' (WARN|ERROR) ' "$logs/$framework.err" | head -5)")
        failures=$((failures + 1))
    fi
done

echo
printf '%s\n' "${rows[@]}"
if [[ $failures -gt 0 ]]; then
    echo "interop: $failures failure(s)" >&2
    exit 1
fi
echo "interop: every client on both frameworks, nothing logged as an error"
