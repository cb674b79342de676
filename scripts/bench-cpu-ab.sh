#!/usr/bin/env bash
# Server CPU per request of two builds of one ticket example, the two taking turns
# (BENCHMARKS.md, "Eighth session on issue 14").
#
#   scripts/bench-cpu-ab.sh OLD_BINARY NEW_BINARY [KIND ...]    # KIND: rest, stateless, session
#   ROUNDS=10 scripts/bench-cpu-ab.sh old/actix-tickets target/release/actix-tickets stateless
#
# On a shared VM the speed of the machine drifts by ±10% between minutes, more than a change of a
# few percent moves a measurement taken one server after the other. Here both servers run at
# once and take turns, ROUNDS times (default 10), each turn one `wrk -t1 -c16 -d3s` run of one
# kind on one server with the server's `utime + stime` read around it: drift hits both alike, and
# the medians of the two columns compare. Every answer must be 2xx.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

[[ $# -ge 2 ]] || { sed -n '5,6p' "$0" >&2; exit 2; }
old="$1" new="$2"
shift 2
kinds=("${@:-stateless}")
rounds="${ROUNDS:-10}"
need wrk wrk

work="$(mktemp -d)"
# The servers are started in process substitutions, so they are not this shell's jobs: their
# pids are killed instead.
trap 'kill ${old_pid:-} ${new_pid:-} $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
wrk_requests "$work"

# start NAME BINARY: runs a server, prints its pid and port.
start() {
    PORT=0 RUST_LOG=warn DEMO_TOKEN=demo-token "$2" >"$work/$1.stdout" 2>"$work/$1.log" &
    local pid=$! port
    port="$(listening_port "$work/$1.stdout")"
    [[ -n "$port" ]] || { echo "$2 did not start (log: $work/$1.log)" >&2; exit 1; }
    echo "$pid $port"
}
read -r old_pid old_port < <(start old "$old")
read -r new_pid new_port < <(start new "$new")
ticks="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# turn PID PORT KIND: µs of server CPU per request over one wrk run.
turn() {
    local before after report requests path
    path="$(kind_path "$3")"
    before="$(cpu_ticks "$1")"
    report="$(wrk -t1 -c16 -d3s -s "$work/$3.lua" "http://127.0.0.1:$2$path")"
    after="$(cpu_ticks "$1")"
    if grep -qi 'non-2xx' <<<"$report"; then
        echo "$3 on port $2: answers that are not 2xx:" >&2
        echo "$report" >&2
        exit 1
    fi
    requests="$(awk '/requests in/ {print $1}' <<<"$report")"
    python3 -c "print(f'{($after - $before) / $ticks * 1e6 / $requests:.1f}')"
}

machine_load
printf '| kind | old µs/request (median) | new µs/request (median) | new ÷ old | rounds |\n'
printf '|---|---:|---:|---:|---:|\n'
for kind in "${kinds[@]}"; do
    for port in "$old_port" "$new_port"; do
        [[ $kind == session ]] && open_session "http://127.0.0.1:$port"
        wrk -t1 -c16 -d1s -s "$work/$kind.lua" "http://127.0.0.1:$port$(kind_path "$kind")" >/dev/null
    done
    old_runs=() new_runs=()
    for _ in $(seq "$rounds"); do
        # A session is per server: opened afresh before each server's turn.
        [[ $kind == session ]] && open_session "http://127.0.0.1:$old_port"
        old_runs+=("$(turn "$old_pid" "$old_port" "$kind")")
        [[ $kind == session ]] && open_session "http://127.0.0.1:$new_port"
        new_runs+=("$(turn "$new_pid" "$new_port" "$kind")")
    done
    python3 - "$kind" "${#old_runs[@]}" "${old_runs[@]}" "${new_runs[@]}" <<'PY'
import statistics, sys
kind, n = sys.argv[1], int(sys.argv[2])
runs = [float(x) for x in sys.argv[3:]]
old, new = statistics.median(runs[:n]), statistics.median(runs[n:])
print(f"| {kind} | {old:.1f} | {new:.1f} | {new / old:.3f} | {n} |")
PY
done
