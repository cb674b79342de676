#!/usr/bin/env bash
# Replicas behind a real load balancer (issue 9): one tickets API, two MCP replicas
# (`split-deployment --remote`, MCP_STATELESS=1) reaching it over HTTP, and Debian's nginx in
# front of them, round-robin with no stickiness, with the settings SSE needs (no buffering, long
# read timeouts, HTTP/1.1 keep-alive to the upstreams). The official Python SDK runs both eras
# through nginx, then a bounded concurrent load (tests/replicas/client.py); every call must get
# its own answer, and nginx's log must show both replicas serving.
#
# Usage: scripts/replicas.sh [SPLIT_DEPLOYMENT_BIN]   (default: a debug build)
# Env: REPLICA_CLIENTS (16), REPLICA_CALLS (300 per client and round; two rounds). The replicas'
# memory after the second round must not have grown past the first's (plus allocator noise).
# nginx runs unprivileged from its own config in a temporary directory, on a free loopback port;
# everything started here is stopped on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
    bench_step "apt-get install nginx-light (Debian)"
    apt_install nginx-light || apt_install nginx
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

if [[ $# -ge 1 ]]; then
    split_bin="$1"
else
    cargo build -p split-deployment
    split_bin="$target_dir/debug/split-deployment"
fi

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Start "$@" with its output in $work/NAME.out; wait for a line matching PATTERN and print the
# port in it.
start() {
    local name="$1" pattern="$2"
    shift 2
    RUST_LOG=warn "$@" >"$work/$name.out" 2>"$work/$name.err" &
    echo $! >"$work/$name.pid"
    for _ in $(seq 300); do
        local port
        port="$(grep -o "$pattern" "$work/$name.out" | grep -o '[0-9]*$' | head -1 || true)"
        if [[ -n "$port" ]]; then
            echo "$port"
            return 0
        fi
        kill -0 "$(cat "$work/$name.pid")" 2>/dev/null || break
        sleep 0.1
    done
    echo "$name did not start: $(cat "$work/$name.out" "$work/$name.err")" >&2
    return 1
}

bench_step "the tickets API and two stateless MCP replicas reaching it over HTTP"
api_port="$(PORT=0 MCP_PORT=0 start api 'API listening on http://127.0.0.1:[0-9]*' "$split_bin")"
pids+=("$(cat "$work/api.pid")")
replica_ports=()
replica_pids=()
for replica in 1 2; do
    replica_ports+=("$(MCP_PORT=0 MCP_STATELESS=1 start "replica$replica" \
        'MCP endpoint: http://127.0.0.1:[0-9]*' "$split_bin" --remote "http://127.0.0.1:$api_port")")
    replica_pids+=("$(cat "$work/replica$replica.pid")")
    pids+=("${replica_pids[-1]}")
done

bench_step "nginx $("$nginx_bin" -v 2>&1 | grep -o '[0-9.]*$') round-robin over replicas ${replica_ports[*]}"
nginx_port="$(free_port)"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    log_format upstream '\$request_method \$uri \$status \$upstream_addr';
    access_log $work/nginx/access.log upstream;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    upstream mcp_replicas {
        server 127.0.0.1:${replica_ports[0]};
        server 127.0.0.1:${replica_ports[1]};
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        location /mcp {
            proxy_pass http://mcp_replicas;
            # Keep-alive to the replicas, and SSE streamed as it is written.
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_buffering off;
            proxy_cache off;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
    }
}
EOF
"$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" >"$work/nginx.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $nginx_port), 0.2)" 2>/dev/null && break
    sleep 0.1
done

# Resident memory of the replicas (kB), whose state must not grow with the calls they served.
replica_rss() {
    local rss=()
    for pid in "${replica_pids[@]}"; do
        rss+=("$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")")
    done
    echo "${rss[*]}"
}

# Two identical rounds: what the first leaves in memory is the baseline of the second.
rounds=2
rss_before="$(replica_rss)"
rss_after=()
for round in $(seq "$rounds"); do
    bench_step "round $round/$rounds, official Python SDK through nginx: both eras, then ${REPLICA_CLIENTS:-16} clients x ${REPLICA_CALLS:-300} calls"
    .venv/bin/python tests/replicas/client.py "http://127.0.0.1:$nginx_port/mcp" demo-token \
        "${REPLICA_CLIENTS:-16}" "${REPLICA_CALLS:-300}"
    sleep 2
    rss_after+=("$(replica_rss)")
done
echo "replica RSS (kB): at start ${rss_before}; after round 1 ${rss_after[0]}; after round 2 ${rss_after[1]}"
read -r -a first <<<"${rss_after[0]}"
read -r -a second <<<"${rss_after[1]}"
for i in "${!first[@]}"; do
    # Allocator noise is allowed; growth in proportion to the calls served is a leak.
    if (( second[i] > first[i] + first[i] / 10 + 8192 )); then
        echo "replicas: replica $((i + 1)) grew from ${first[i]} kB to ${second[i]} kB over an identical second round" >&2
        exit 1
    fi
done

# Round-robin really spread the calls: both replicas answered MCP requests.
for port in "${replica_ports[@]}"; do
    served="$(grep -c "127.0.0.1:$port\$" "$work/nginx/access.log" || true)"
    echo "replica on port $port served $served requests"
    if [[ "$served" -eq 0 ]]; then
        echo "replicas: the replica on port $port served nothing; nginx did not spread the load" >&2
        exit 1
    fi
done
if grep -q '\[error\]' "$work/nginx/error.log"; then
    echo "replicas: nginx logged errors:" >&2
    cat "$work/nginx/error.log" >&2
    exit 1
fi
echo "replicas: ok"
