#!/usr/bin/env bash
# Benchmarks, run on demand (not in CI): `bash bench/run.sh`. Builds the release app (skip with
# BENCH_SKIP_BUILD=1), starts it on local ports with fresh databases and local doubles of INSEE,
# and prints the numbers kept in bench/RESULTS.md (the current ones in the README). Needs wrk (installed if missing).
# BENCH_SECONDS (default 10) sets each wrk run's length; PostgreSQL runs are skipped when
# HUBPRO_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) does not answer.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export BENCH_DIR="$PWD/bench"
secs=${BENCH_SECONDS:-10}
work=target/bench
rm -rf "$work" && mkdir -p "$work"
port=3300
pg_admin=${HUBPRO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}

if ! command -v wrk >/dev/null; then
  apt-get install -y -qq wrk >/dev/null 2>&1 || { sudo apt-get update -qq && sudo apt-get install -y -qq wrk; }
fi
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build.sh
fi
cargo build --release --features ssr --example argon2_cost -q

pids=()
cleanup() { stop_server; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

say() { printf '%s\n' "$*" | tee -a "$work/results.txt"; }

# Two INSEE doubles: immediate, and 100 ms late.
python3 bench/fake_insee.py 3301 0 & pids+=($!)
python3 bench/fake_insee.py 3302 100 & pids+=($!)

server=""
if curl -sf -o /dev/null "http://127.0.0.1:$port/sante"; then echo "port $port is taken: stop what runs there first" >&2; exit 1; fi
# start NAME DATABASE_URL [VAR=VALUE…]: starts the release server, prints its cold start.
start() {
  local name=$1 db=$2; shift 2
  stop_server
  local t0
  t0=$(date +%s%N)
  env LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=DEV HUBPRO_DEV_MAILBOX=true \
    DATABASE_URL="$db" HUBPRO_PUBLIC_URL=http://127.0.0.1:$port RUST_LOG=warn \
    HUBPRO_RATE_ELIGIBILITY=100000000 HUBPRO_RATE_SIGNUP=100000000 \
    HUBPRO_SIRENE_PER_MINUTE=100000000 HUBPRO_SIRENE_PER_CLIENT=100000000 "$@" target/release/hubpro >"$work/$name.log" 2>&1 &
  server=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/sante"; do sleep 0.002; done
  say "[$name] cold start (spawn → /sante answers): $(( ($(date +%s%N) - t0) / 1000000 )) ms;" \
    "idle RSS $(( $(ps -o rss= -p "$server") / 1024 )) MB"
}
stop_server() { if [ -n "$server" ]; then kill "$server"; wait "$server" 2>/dev/null || true; server=""; fi; }

# bench LABEL CONNECTIONS URL [wrk args…]: one wrk run, its throughput and latencies, peak RSS.
bench() {
  local label=$1 conns=$2 url=$3; shift 3
  local peak=0 out="$work/wrk-${label//[^A-Za-z0-9]/_}.txt"
  ( while kill -0 "$server" 2>/dev/null; do ps -o rss= -p "$server"; sleep 0.1; done ) >"$work/rss.txt" &
  local sampler=$!
  wrk -t1 -c"$conns" -d"${secs}s" --latency "$@" "$url" >"$out"
  kill "$sampler" 2>/dev/null || true
  peak=$(sort -n "$work/rss.txt" | tail -1)
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  errors=$(awk '/Non-2xx/ {print $5}' "$out")
  say "  $label (wrk -t1 -c$conns): $rps req/s, p50 $p50, p99 $p99, peak RSS $(( peak / 1024 )) MB${errors:+, non-2xx $errors}"
}

# session_cookie BASE: signs up the demo centre, sets its password through the emailed link and
# logs in; prints the session cookie (name=value) for wrk.
session_cookie() {
  local base=$1 jar
  jar=$(mktemp)
  local post=(curl -sf -o /dev/null -b "$jar" -c "$jar" -H "Origin: $base" -H 'Accept: text/html')
  "${post[@]}" --data 'siret=477+280+846+03753&organisation=Banc&last_name=Banc&first_name=Banc&email=banc%40example.fr&email_confirmation=banc%40example.fr' \
    "$base/api/creer-compte" || true
  local id token=""
  for id in $(curl -sf "$base/dev/boite-mail" | grep -o 'boite-mail/[0-9]*' | cut -d/ -f2); do
    token=$(curl -sf "$base/dev/boite-mail/$id" | grep -o 'mot-de-passe/creer?jeton=[0-9a-f]*' | head -1 | cut -d= -f2 || true)
    [ -n "$token" ] && break
  done
  "${post[@]}" --data "token=$token" "$base/api/continuer" || true
  "${post[@]}" --data 'password=Banc-d%27essai-2026%21&confirmation=Banc-d%27essai-2026%21' "$base/api/valider-mot-de-passe" || true
  "${post[@]}" --data 'email=banc%40example.fr&password=Banc-d%27essai-2026%21' "$base/api/connexion" || true
  awk '$6 ~ /session/ { print $6 "=" $7 }' "$jar"
  rm -f "$jar"
}

# bench SIRETs (see bench/sirets.lua) with an approval each, for the signup runs.
python3 bench/approvals.py "$work/agrements-banc.csv" 40000

say "== Hub Pro Transport benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores"
bash scripts/wasm-size.sh | tee -a "$work/results.txt"

# 1. Pages and the cached eligibility check (SQLite, demo extract).
start pages "sqlite://$work/pages.db"
bench "GET /inscription" 32 "http://127.0.0.1:$port/inscription"
bench "GET /" 32 "http://127.0.0.1:$port/"
bench "GET /connexion" 32 "http://127.0.0.1:$port/connexion"
# The same pages rendered at each request (a query string bypasses the page cache).
bench "GET /inscription?x=1 (rendered)" 32 "http://127.0.0.1:$port/inscription?x=1"
bench "GET /inscription?siret=… (rendered, live check in the page)" 32 \
  "http://127.0.0.1:$port/inscription?siret=47728084603753"
# The login page as a refused login (without JavaScript) brings it back, with its error.
bench "GET /connexion?__err=… (rendered, login refused)" 32 \
  "http://127.0.0.1:$port/connexion?__path=%2Fapi%2Fconnexion&__err=eyJmb3JtIjoiYUBiLmZyIiwiZmllbGRzIjpbXSwiZ2VuZXJhbCI6eyJjb2RlIjoibG9naW4uYmFkX2NyZWRlbnRpYWxzIn19"
bench "GET /espace (rendered, logged in)" 32 "http://127.0.0.1:$port/espace" \
  -H "Cookie: $(session_cookie "http://127.0.0.1:$port")"
# The password link page (« Créer mon mot de passe »): a link of a fresh signup, never used.
curl -sf -o /dev/null -H "Origin: http://127.0.0.1:$port" -H 'Accept: text/html' \
  --data 'siret=391+582+749+00019&organisation=Banc&last_name=Banc&first_name=Banc&email=lien%40example.fr&email_confirmation=lien%40example.fr' \
  "http://127.0.0.1:$port/api/creer-compte" || true
# The mailbox lists the newest first: the first password link is this signup's.
link=""
for id in $(curl -sf "http://127.0.0.1:$port/dev/boite-mail" | grep -o 'boite-mail/[0-9]*' | cut -d/ -f2); do
  link=$(curl -sf "http://127.0.0.1:$port/dev/boite-mail/$id" | grep -o 'mot-de-passe/creer?jeton=[0-9a-f]\{64\}' | head -1 || true)
  [ -n "$link" ] && break
done
[ -n "$link" ] || { echo "no password link in the dev mailbox" >&2; exit 1; }
bench "GET /mot-de-passe/creer?jeton=… (rendered, reads the link)" 32 "http://127.0.0.1:$port/$link"
bench "POST check, warm cache" 32 "http://127.0.0.1:$port/api/verifier-siret" -s bench/eligibility-cached.lua

# 2. Eligibility through INSEE 100 ms late: every request a new SIRET (cache misses), then one
#    SIRET again and again (warm cache).
# The bench SIRETs are approved: a SIRET without approval is refused before any INSEE call.
DATABASE_URL="sqlite://$work/insee.db" target/release/hubpro approvals import "$work/agrements-banc.csv" --no-notify >/dev/null
start insee-100ms "sqlite://$work/insee.db" HUBPRO_SIRENE_URL=http://127.0.0.1:3302 \
  HUBPRO_SIRENE_API_KEY=bench HUBPRO_SIRENE_TIMEOUT_MS=5000
bench "POST check, INSEE +100 ms, cache misses" 32 "http://127.0.0.1:$port/api/verifier-siret" \
  -s bench/eligibility-distinct.lua
BENCH_SIRET=80000000000011 bench "POST check, INSEE +100 ms, warm cache" 32 \
  "http://127.0.0.1:$port/api/verifier-siret" -s bench/eligibility-cached.lua

# 3. Signups per second: new approved SIRET and address each time, INSEE immediate.
signups() {
  local name=$1 db=$2
  DATABASE_URL="$db" target/release/hubpro approvals import "$work/agrements-banc.csv" --no-notify >/dev/null
  start "$name" "$db" HUBPRO_SIRENE_URL=http://127.0.0.1:3301 HUBPRO_SIRENE_API_KEY=bench HUBPRO_DEMO_DATA=false
  bench "POST « CRÉER » ($name)" 32 "http://127.0.0.1:$port/api/creer-compte" -s bench/signup.lua
  say "  accounts created: $(DATABASE_URL="$db" target/release/hubpro accounts list | tail -1)"
}
signups signup-sqlite "sqlite://$work/signup.db"
if psql "$pg_admin" -qc 'select 1' >/dev/null 2>&1; then
  psql "$pg_admin" -qc 'drop database if exists hubpro_bench' -qc 'create database hubpro_bench' >/dev/null
  signups signup-postgres "${pg_admin%/*}/hubpro_bench"
  # The same warm-cache check as in 2., with the per-client budgets in PostgreSQL (one atomic
  # statement per request, shared by every instance).
  start checks-postgres "${pg_admin%/*}/hubpro_bench" HUBPRO_SIRENE_URL=http://127.0.0.1:3301 \
    HUBPRO_SIRENE_API_KEY=bench HUBPRO_DEMO_DATA=false
  BENCH_SIRET=80000000000011 bench "POST check, warm cache (PostgreSQL: shared budgets)" 32 \
    "http://127.0.0.1:$port/api/verifier-siret" -s bench/eligibility-cached.lua
else
  say "  (PostgreSQL not reachable at $pg_admin: skipped)"
fi

# 4. Password creation: argon2id cost, and the signup page while 50 passwords are being set.
say "  $(target/release/examples/argon2_cost)"
DATABASE_URL="sqlite://$work/passwords.db" target/release/hubpro approvals import \
  "$work/agrements-banc.csv" --no-notify >/dev/null
start passwords "sqlite://$work/passwords.db" HUBPRO_SIRENE_URL=http://127.0.0.1:3301 \
  HUBPRO_SIRENE_API_KEY=bench HUBPRO_DEMO_DATA=false
base="http://127.0.0.1:$port"
flows=()
for n in $(seq 1 50); do
  siret=$(python3 bench/approvals.py --siret "$n")
  curl -sf -o /dev/null "$base/api/creer-compte" --data "siret=$siret&organisation=Centre&last_name=Martin&first_name=Léa&email=pw$n@example.fr&email_confirmation=pw$n@example.fr"
done
sleep 1
for id in $(curl -sf "$base/dev/boite-mail" | grep -o 'boite-mail/[0-9]*' | cut -d/ -f2); do
  # Password emails only (the official addresses also get « Ce n'est pas nous » links).
  token=$(curl -sf "$base/dev/boite-mail/$id" | grep -o 'mot-de-passe/creer?jeton=[0-9a-f]\{64\}' | head -1 | cut -d= -f2 || true)
  [ -n "$token" ] || continue
  flow=$(curl -si "$base/api/continuer" --data "token=$token" | grep -io 'hubpro_flow=[^;]*' | head -1 || true)
  [ -n "$flow" ] || continue
  flows+=("$flow")
done
say "  password flows opened: ${#flows[@]}"
t0=$(date +%s%N)
creations=()
for flow in "${flows[@]}"; do
  ( curl -sf -o /dev/null -H "Cookie: $flow" "$base/api/valider-mot-de-passe" \
      --data-urlencode "password=Vélo-Cargo sur le Pont Neuf!" \
      --data-urlencode "confirmation=Vélo-Cargo sur le Pont Neuf!"
    date +%s%N >>"$work/created.txt" ) &
  creations+=($!)
done
secs_saved=$secs; secs=3
bench "GET /inscription?x=1 (rendered, not cached) while 50 passwords are set" 32 "$base/inscription?x=1"
secs=$secs_saved
wait "${creations[@]}" 2>/dev/null || true
last=$(sort -n "$work/created.txt" | tail -1)
say "  ${#creations[@]} password creations done in $(( (last - t0) / 1000000 )) ms"
stop_server
say "results: $work/results.txt"
