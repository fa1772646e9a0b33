#!/usr/bin/env bash
# First-visit benchmark (issue #13): starts the release server on its own port with a fresh
# database and measures, in Chromium with a cold cache, bytes over the wire and time to
# interactive, unthrottled and on slow 4G. Run on demand, not in CI: `bash bench/first-visit.sh`
# (BENCH_SKIP_BUILD=1 reuses the current release build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build.sh
fi
port=3400
bash end2end/serve.sh "$port" > target/first-visit-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/sante" >/dev/null && break
  sleep 0.1
done
node bench/first-visit.mjs "http://127.0.0.1:$port"
