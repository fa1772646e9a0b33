#!/usr/bin/env bash
# Sets up what is missing, then builds and serves the app at http://127.0.0.1:3000 on its
# embedded defaults (SQLite under data/, dev mailbox, bundled demo data).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
exec cargo leptos serve --release
