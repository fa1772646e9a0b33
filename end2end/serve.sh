#!/usr/bin/env bash
# Starts the release server for the browser tests: own port, fresh SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-3100}
# The public URL's host: passkeys need a name, not an IP address (the passkey spec's server).
host=${2:-127.0.0.1}
dir=target/e2e-$port
rm -rf "$dir" && mkdir -p "$dir"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
export LEPTOS_SITE_ROOT=target/site
# Not production: the suite reads its emails in the dev mailbox and uses the demo data.
export LEPTOS_ENV=DEV
export HUBPRO_DEV_MAILBOX=true
export DATABASE_URL="sqlite://$dir/hubpro.db"
export HUBPRO_PUBLIC_URL="http://$host:$port"
# The abuse specs send X-Forwarded-For to play clients at many addresses.
export HUBPRO_TRUSTED_PROXIES=127.0.0.1
exec target/release/hubpro
