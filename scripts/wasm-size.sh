#!/usr/bin/env bash
# Prints the release WASM size as built and as served (the .br and .gz variants written by
# `cargo leptos build --release --precompress`), and fails over the brotli budget.
set -euo pipefail
cd "$(dirname "$0")/.."
hash=$(sed -n 's/^wasm: *//p' target/release/hash.txt 2>/dev/null || true)
wasm=target/site/pkg/hubpro${hash:+.$hash}.wasm
budget_brotli=${HUBPRO_WASM_BUDGET_BROTLI:-174000}
for f in "$wasm" "$wasm.br" "$wasm.gz"; do
  [ -f "$f" ] || { echo "missing $f: build with cargo leptos build --release --precompress"; exit 1; }
done
raw=$(stat -c %s "$wasm")
gz=$(stat -c %s "$wasm.gz")
br=$(stat -c %s "$wasm.br")
echo "release WASM $(basename "$wasm"): raw $raw B, served gzip $gz B, brotli $br B (budget $budget_brotli B brotli)"
if [ "$br" -gt "$budget_brotli" ]; then echo "WASM over budget"; exit 1; fi
