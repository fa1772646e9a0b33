#!/usr/bin/env bash
# Prints the release WASM size (raw, gzip, brotli) and fails over the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
wasm=target/site/pkg/hubpro.wasm
budget_brotli=${HUBPRO_WASM_BUDGET_BROTLI:-320000}
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
if command -v brotli >/dev/null; then br=$(brotli -q 11 -c "$wasm" | wc -c); else br=$gz; fi
echo "release WASM: raw $raw B, gzip $gz B, brotli $br B (budget $budget_brotli B brotli)"
if [ "$br" -gt "$budget_brotli" ]; then echo "WASM over budget"; exit 1; fi
