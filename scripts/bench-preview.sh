#!/usr/bin/env bash
# GitHub's REST description through examples/openapi-preview (BENCHMARKS.md, "Issue 14"): the
# whole process timed, and the size of the tools/list it previews.
#
#   scripts/bench-preview.sh                   # hyperfine if installed, else a timed loop
#   OPENAPI_PREVIEW_BIN=… scripts/bench-preview.sh   # a prebuilt binary (an older commit's)
#   RUNS=20 scripts/bench-preview.sh
#
# The corpus comes from tests/corpus/fetch.sh (pinned npm packages into .cache/corpus).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

runs="${RUNS:-10}"
build_release mcp-load
if [[ -n "${OPENAPI_PREVIEW_BIN:-}" ]]; then
    preview="$OPENAPI_PREVIEW_BIN"
else
    build_release openapi-preview
    preview="$target_dir/release/openapi-preview"
fi
tests/corpus/fetch.sh >&2
spec="${MCP_WEB_CORPUS_DIR:-.cache/corpus}/github-rest.json"

bench_step "tools/list of GitHub's REST description (compact JSON)"
"$preview" "$spec" | "$target_dir/release/tools-list-size"

bench_step "openapi-preview on GitHub's REST description, whole process, output to a pipe"
machine_load
# Pretty output needs --pretty when stdout is not a terminal; builds without the flag always
# printed pretty JSON.
variants=("default:")
if [[ "$("$preview" --help)" == *--pretty* ]]; then variants+=("pretty:--pretty"); fi
if command -v hyperfine >/dev/null; then
    commands=()
    for variant in "${variants[@]}"; do
        commands+=(-n "${variant%%:*}" "$preview ${variant#*:} $spec")
    done
    hyperfine --warmup 2 --runs "$runs" --output=pipe -N "${commands[@]}"
else
    echo "(hyperfine not installed: apt-get install hyperfine; timing a loop instead)" >&2
    for variant in "${variants[@]}"; do
        times=()
        for _ in $(seq "$runs"); do
            start=$(date +%s%N)
            # shellcheck disable=SC2086 # the flag is empty or one word
            "$preview" ${variant#*:} "$spec" | cat >/dev/null
            times+=($(( ($(date +%s%N) - start) / 1000000 )))
        done
        echo "openapi-preview ${variant%%:*}: ms per run, sorted: $(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')"
    done
fi
