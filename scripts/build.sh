#!/usr/bin/env bash
# The release build: the server and the WASM holding every island (cargo-leptos), then each page's
# own WASM holding only its islands (build.rs), which the pages link when the site holds them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo leptos build --release --precompress
for bundle in signup password space; do
  # Its own site folder: cargo-leptos empties the one it builds into.
  root=target/bundles/$bundle
  LEPTOS_OUTPUT_NAME=hubpro-$bundle LEPTOS_SITE_ROOT=$root LEPTOS_HASH_FILE_NAME=hash-$bundle.txt \
    cargo leptos build --release --precompress --frontend-only --lib-features "bundle-$bundle"
  rm -f target/site/pkg/hubpro-"$bundle".*
  cp "$root"/pkg/hubpro-"$bundle".*.js* "$root"/pkg/hubpro-"$bundle".*.wasm* target/site/pkg/
done
