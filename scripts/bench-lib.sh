# Shared by the scripts/bench-*.sh scripts and scripts/interop.sh (sourced, not run): the
# repository root, the cargo target directory, release builds, the ticket examples' binaries,
# and the newest 1.x TypeScript SDK.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Honour CARGO_TARGET_DIR / build.target-dir, as scripts/test.sh does.
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

bench_step() { printf '\n==> %s\n' "$*" >&2; }

# cargo build --release of the given packages.
build_release() {
    local args=()
    for package in "$@"; do args+=(-p "$package"); done
    bench_step "cargo build --release ${args[*]}"
    cargo build --release "${args[@]}"
}

# Sets axum_bin and actix_bin: $AXUM_TICKETS_BIN / $ACTIX_TICKETS_BIN when both are given (to
# measure prebuilt binaries, such as an older commit's), otherwise fresh release builds.
ticket_examples() {
    if [[ -n "${AXUM_TICKETS_BIN:-}" && -n "${ACTIX_TICKETS_BIN:-}" ]]; then
        axum_bin="$AXUM_TICKETS_BIN"
        actix_bin="$ACTIX_TICKETS_BIN"
    else
        build_release axum-tickets actix-tickets
        axum_bin="$target_dir/release/axum-tickets"
        actix_bin="$target_dir/release/actix-tickets"
    fi
}

# The newest 1.x release of the official TypeScript SDK on npm.
newest_ts_sdk() {
    npm view @modelcontextprotocol/sdk versions --json |
        python3 -c 'import json, sys
ones = [v for v in json.load(sys.stdin) if v.startswith("1.") and "-" not in v]
print(max(ones, key=lambda v: tuple(int(p) for p in v.split("."))))'
}

# The machine's load, printed next to figures that depend on it.
machine_load() {
    printf 'commit %s, %s cores, load average %s\n' \
        "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" "$(nproc)" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
}

# Installs a Debian package (with sudo when not root), updating the package lists only when the
# first attempt fails: apt_install PACKAGE.
apt_install() {
    local sudo_cmd=""
    [[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get install -y -q "$1" >/dev/null 2>&1 ||
        { $sudo_cmd apt-get update -q >/dev/null && $sudo_cmd apt-get install -y -q "$1" >/dev/null; }
}

# Debian packages, installed when missing: need COMMAND PACKAGE.
need() {
    command -v "$1" >/dev/null && return
    bench_step "apt-get install $2 (Debian)"
    apt_install "$2"
}

# wrk scripts for the three kinds of request in DIR (rest.lua, stateless.lua, session.lua), as
# bench-load's client sends them: unique ids inside a session, whose id is read from $SID.
wrk_requests() {
    cat >"$1/rest.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer demo-token"
LUA
    cat >"$1/stateless.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_ticket","arguments":{"ticket_id":1},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Authorization"] = "Bearer demo-token"
wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = "tools/call"
wrk.headers["Mcp-Name"] = "get_ticket"
LUA
    cat >"$1/session.lua" <<'LUA'
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
}

# The path a kind of request goes to.
kind_path() {
    if [[ $1 == rest ]]; then echo /tickets/1; else echo /mcp; fi
}

# The port a ticket example printed to the file STDOUT, waiting up to a minute for it.
listening_port() {
    local port=""
    for _ in $(seq 240); do
        port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$1")"
        [[ -n "$port" ]] && break
        sleep 0.25
    done
    echo "$port"
}

# Opens a 2025-11-25 session at URL (initialize, notifications/initialized) and exports SID.
open_session() {
    local headers=(-H 'Authorization: Bearer demo-token' -H 'Content-Type: application/json'
        -H 'Accept: application/json, text/event-stream')
    SID="$(curl -s -D - -o /dev/null "${headers[@]}" "$1/mcp" -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' |
        awk -F': ' 'tolower($1)=="mcp-session-id" {print $2}' | tr -d '\r')"
    export SID
    curl -s -o /dev/null "${headers[@]}" -H "Mcp-Session-Id: $SID" \
        -H 'MCP-Protocol-Version: 2025-11-25' "$1/mcp" \
        -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
}
