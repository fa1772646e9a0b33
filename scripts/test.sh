#!/usr/bin/env bash
# Sets up what is missing, then runs every check: formatting, lints for both feature sets, unit
# and integration tests (SQLite and PostgreSQL), and the Playwright suite against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --check

step "clippy (ssr)"
cargo clippy --features ssr --all-targets -- -D warnings
step "clippy (hydrate)"
cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL; nginx in front for the proxy tests)"
source scripts/postgres.sh
cargo test --features ssr

step "release build"
bash scripts/build.sh
bash scripts/wasm-size.sh

step "browser tests (Playwright, Debian Chromium)"
(cd end2end && npx playwright test)
