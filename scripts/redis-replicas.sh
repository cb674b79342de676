#!/usr/bin/env bash
# Two replicas of mcp-web-redis's `redis-replica` example on a real Redis (issue 9): sessions
# moving between replicas, streams resumed with Last-Event-ID after a replica is SIGKILLed,
# expiry in Redis, an `initialize` flood, Redis going down. Installs redis-server if missing,
# runs it unprivileged on a free loopback port with its own config (no persistence), and
# removes everything it started on exit. Exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "installing redis-server (Debian package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

WORKDIR=$(mktemp -d /tmp/redis-replicas.XXXXXX)
REDIS_PID=
cleanup() {
    status=$?
    if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -d "$WORKDIR" ]; then
        echo "--- logs ($WORKDIR) ---" >&2
        tail -n 20 "$WORKDIR"/*.log >&2 2>/dev/null || true
    fi
    rm -rf "$WORKDIR"
    exit "$status"
}
trap cleanup EXIT INT TERM

echo "building the replica"
cargo build --quiet -p mcp-web-redis --example redis-replica
BINARY="${CARGO_TARGET_DIR:-target}/debug/examples/redis-replica"

REDIS_PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$WORKDIR/redis.conf" <<CONF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
save ""
appendonly no
dir $WORKDIR
logfile $WORKDIR/redis.log
maxmemory 64mb
maxmemory-policy volatile-ttl
CONF
# Unprivileged: as nobody when run as root.
RUN_AS=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    chmod 777 "$WORKDIR"
    RUN_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
"${RUN_AS[@]}" redis-server "$WORKDIR/redis.conf" &
REDIS_PID=$!
for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping >/dev/null
echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"

WORKDIR="$WORKDIR" REDIS_PORT="$REDIS_PORT" REDIS_PID="$REDIS_PID" REDIS_CLI="$(command -v redis-cli)" \
    "$PYTHON" scripts/redis_replicas.py "$BINARY"
