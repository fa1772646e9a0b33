#!/usr/bin/env bash
# Sets up what is missing, then builds and serves the app at http://127.0.0.1:3000 on its
# embedded defaults (SQLite under data/, bundled demo data) with the dev mailbox: not production.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
export LEPTOS_ENV=DEV
# Emails stay in the dev mailbox (/dev/boite-mail) unless an SMTP server is given.
if [ -z "${HUBPRO_SMTP_URL:-}" ]; then export HUBPRO_DEV_MAILBOX=true; fi
bash scripts/build.sh
exec target/release/hubpro
