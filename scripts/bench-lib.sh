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
