# The one example server a script runs at a time (sourced by scripts/bench-clients.sh and
# scripts/interop.sh, not run): `start_server NAME COMMAND...` starts COMMAND with PORT=0 and
# RUST_LOG=warn, its output in $logs/NAME.out and $logs/NAME.err, and waits for the MCP URL it
# prints (set in server_url); `stop_server` stops it, and so does the script's exit.

logs="$(mktemp -d)"
server_pid=""
stop_server() {
    if [[ -n "$server_pid" ]]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap 'stop_server; rm -rf "$logs"' EXIT

start_server() {
    local name="$1"
    shift
    PORT=0 RUST_LOG=warn "$@" >"$logs/$name.out" 2>"$logs/$name.err" &
    server_pid=$!
    for _ in $(seq 300); do
        server_url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' "$logs/$name.out" || true)"
        [[ -n "$server_url" ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "$name did not start: $(cat "$logs/$name.out" "$logs/$name.err")" >&2
    return 1
}
