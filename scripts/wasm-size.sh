#!/usr/bin/env bash
# Prints the size of each release WASM as built and as served (the .br and .gz variants written
# by `scripts/build.sh`), and fails when a page's own WASM is over the brotli budget. The WASM
# holding every island is printed too: only `cargo leptos watch` pages link it.
set -euo pipefail
cd "$(dirname "$0")/.."
budget_brotli=${HUBPRO_WASM_BUDGET_BROTLI:-150000}
over=0
for name in hubpro hubpro-signup hubpro-password hubpro-space; do
  hash_file=target/release/hash${name#hubpro}.txt
  hash=$(sed -n 's/^wasm: *//p' "$hash_file" 2>/dev/null || true)
  wasm=target/site/pkg/$name${hash:+.$hash}.wasm
  for f in "$wasm" "$wasm.br" "$wasm.gz"; do
    [ -f "$f" ] || { echo "missing $f: build with scripts/build.sh"; exit 1; }
  done
  raw=$(stat -c %s "$wasm")
  gz=$(stat -c %s "$wasm.gz")
  br=$(stat -c %s "$wasm.br")
  if [ "$name" = hubpro ]; then
    echo "release WASM, every island ($(basename "$wasm")): raw $raw B, gzip $gz B, brotli $br B"
  else
    echo "release WASM, ${name#hubpro-} page ($(basename "$wasm")): raw $raw B, gzip $gz B, brotli $br B (budget $budget_brotli B brotli)"
    if [ "$br" -gt "$budget_brotli" ]; then echo "  over budget"; over=1; fi
  fi
done
exit $over
