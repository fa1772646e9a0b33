#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there at the right version.
# Safe to run again and again. Needs: Debian, rustup with Rust >= 1.88, Node.js >= 18 with npm.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup] %s\n' "$*"; }
start=$(date +%s)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1; fi
}

# 1. The WASM target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. cargo-leptos 0.3.6 (0.3.11 needs a newer rustc than ours; no_downloads: never fetch tools).
if ! cargo leptos --version 2>/dev/null | grep -q ' 0\.3\.6$'; then
  say "installing cargo-leptos 0.3.6 (about 14 minutes on 2 cores)"
  cargo install cargo-leptos --locked --version 0.3.6 --features no_downloads
fi

# 3. wasm-bindgen-cli: exactly the wasm-bindgen version in Cargo.lock. No --locked (one locked
#    dependency is gone from the registry).
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
  say "installing wasm-bindgen-cli $wbg"
  cargo install wasm-bindgen-cli --version "$wbg" --force
fi

# 4. wasm-opt from npm's binaryen 132 (Debian's 108 breaks hydration), kept in .tools/.
if ! .tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  say "installing wasm-opt (npm binaryen 132) into .tools/"
  npm install --silent --no-audit --no-fund --prefix .tools binaryen@132.0.0 >/dev/null
fi

# 5. Debian's Chromium for the browser tests, brotli for the WASM size budget, nginx for the
#    reverse-proxy tests (never started as a service: the tests run their own), and OpenSSL's
#    headers for webauthn-rs (passkeys).
missing=()
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
command -v chromium >/dev/null || missing+=(chromium)
command -v brotli >/dev/null || missing+=(brotli)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 6. The Playwright suite's npm packages (never its own browser download).
lock_sum=$(sha256sum end2end/package-lock.json | cut -d' ' -f1)
if [ ! -f end2end/node_modules/.lock-sum ] || [ "$(cat end2end/node_modules/.lock-sum)" != "$lock_sum" ]; then
  say "installing end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null)
  echo "$lock_sum" > end2end/node_modules/.lock-sum
fi

say "ready in $(( $(date +%s) - start )) s"
