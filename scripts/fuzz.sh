#!/usr/bin/env bash
# A long fuzzing campaign (issue 15): mcp-web-core/tests/fuzz.rs in release mode over several
# seeds, plus the splitter's differential test. scripts/test.sh runs the same tests briefly
# (1,500 inputs each, seed 1) as part of `cargo test`.
#
#   scripts/fuzz.sh                    # 8 seeds × 50,000 bodies and 50,000 argument sets
#   SEEDS="1 2" ITERATIONS=200000 scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seeds="${SEEDS:-1 2 3 4 5 6 7 8}"
iterations="${ITERATIONS:-50000}"
cargo test --release -p mcp-web-core --test fuzz --no-run
started=$SECONDS
for seed in $seeds; do
    echo "==> seed $seed, $iterations inputs per test"
    FUZZ_SEED="$seed" FUZZ_ITERATIONS="$iterations" \
        cargo test --release -q -p mcp-web-core --test fuzz
    FUZZ_SEED="$seed" FUZZ_ITERATIONS="$iterations" \
        cargo test --release -q -p mcp-web-core --lib splitter
done
count=$(wc -w <<<"$seeds")
echo "fuzz: $count seeds × $iterations inputs × 2 tests (+ splitter), $((SECONDS - started)) s, no failure"
