#!/usr/bin/env bash
# The release build: the server and the WASM holding every island (cargo-leptos), then each page's
# own WASM holding only its islands (build.rs), which the pages link when the site holds them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo leptos build --release --precompress
for bundle in signup password space; do
  # Its own site folder (cargo-leptos empties the one it builds into) and hash file; the same
  # output name, which Leptos reads at compile time (another would rebuild it each time). The
  # files are renamed `hubpro-<bundle>.<hash>.*` in the site.
  root=target/bundles/$bundle
  LEPTOS_SITE_ROOT=$root LEPTOS_HASH_FILE_NAME=hash-$bundle.txt \
    cargo leptos build --release --precompress --frontend-only --lib-features "bundle-$bundle"
  for file in "$root"/pkg/hubpro.*.js* "$root"/pkg/hubpro.*.wasm*; do
    cp "$file" "target/site/pkg/hubpro-$bundle.${file#"$root"/pkg/hubpro.}"
  done
done
