#!/usr/bin/env bash
# The whole signup journey under load, on demand: `bash bench/journey.sh`. Virtual centres
# (goose, bench/journey/) each follow the approval notice's link with a new approved SIRET,
# check it, « CRÉER », read « Créer mon mot de passe » from an SMTP sink, set their password,
# log in and see their space; then returning centres log in again and again. Production
# settings (LEPTOS_ENV=PROD), behind nginx with the shipped scripts/nginx/*.conf, INSEE doubled
# at its real latency (100–300 ms, bench/fake_insee_quota.py):
#   A1  2 instances on PostgreSQL, INSEE's quota (30/min per key; the app's budget, 28/min)
#   A2  the same with the quota lifted (double and app): the app's own capacity
#   B   1 instance on SQLite, the quota lifted
# Each virtual centre comes from its own client address (X-Forwarded-For, which nginx extends
# and the app believes from it): the app's per-address limits stay at their production values.
# Then the emails (counted in goose) and the database are checked, each instance's RSS sampled;
# the summary goes to target/bench/journey.txt. BENCH_SECONDS (60): each journey phase;
# BENCH_USERS (20); BENCH_LOGIN_SECONDS (20); BENCH_SKIP_BUILD=1 reuses the release build;
# PostgreSQL: the server of HUBPRO_TEST_POSTGRES_URL (default
# postgres://postgres@127.0.0.1:5432/postgres), where hubpro_journey is created, then dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
secs=${BENCH_SECONDS:-60}
users=${BENCH_USERS:-20}
login_secs=${BENCH_LOGIN_SECONDS:-20}
work=target/bench/journey
summary=target/bench/journey.txt
front=3410 app_ports=(3411 3412) insee=3413 smtp=3414
pg_admin=${HUBPRO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_db="${pg_admin%/*}/hubpro_journey"
# Enough approved SIRETs for the fastest run (≈ 50 journeys/s would be well above 2 cores).
approvals=$((50 * secs + 1000))

for port in "$front" "${app_ports[@]}" "$insee" "$smtp"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken: stop what runs there first" >&2
    exit 1
  fi
done
nginx=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [ -z "$nginx" ]; then
  if [ "$(id -u)" = 0 ]; then sudo_=(); else sudo_=(sudo); fi
  "${sudo_[@]}" apt-get install -y -qq nginx-light >/dev/null
  nginx=/usr/sbin/nginx
fi
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build.sh
fi
CARGO_TARGET_DIR=target/journey cargo build --release --manifest-path bench/journey/Cargo.toml
rm -rf "$work" && mkdir -p "$work"

apps=() others=() db_made=""
stop() { for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
cleanup() {
  stop "${apps[@]}" "${others[@]}"
  if [ -n "$db_made" ]; then psql "$pg_admin" -qc 'drop database if exists hubpro_journey' >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
# say LINE…: each argument a line, on the screen and in the summary.
say() { printf '%s\n' "$@" | tee -a "$summary"; }
random_hex() { python3 -c 'import secrets; print(secrets.token_hex(32))'; }

# The bench SIRETs (bench/sirets.lua), each approved, its notices to banc<N>@example.fr.
python3 bench/approvals.py "$work/agrements.csv" "$approvals"

# start_nginx COUNT: nginx in front of the first COUNT instances, with the shipped settings.
start_nginx() {
  local d="$PWD/$work/nginx" upstreams=""
  rm -rf "$d" && mkdir -p "$d"
  for port in "${app_ports[@]:0:$1}"; do upstreams+="server 127.0.0.1:$port; "; done
  cat >"$d/nginx.conf" <<EOF
worker_processes auto;
error_log $d/error.log;
pid $d/nginx.pid;
events { worker_connections 4096; }
http {
  include $PWD/scripts/nginx/hubpro-log.conf;
  access_log $d/access.log hubpro;
  client_body_temp_path $d/body; proxy_temp_path $d/proxy; fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi; scgi_temp_path $d/scgi;
  upstream hubpro { $upstreams keepalive 32; }
  server {
    listen 127.0.0.1:$front;
    location = /metrics { return 404; }
    location / {
      include $PWD/scripts/nginx/hubpro-proxy.conf;
      proxy_pass http://hubpro;
    }
  }
}
EOF
  "$nginx" -p "$d" -c nginx.conf -g 'daemon off;' >/dev/null 2>&1 &
  others+=($!)
  until curl -s -o /dev/null "http://127.0.0.1:$front/"; do sleep 0.05; done
}

# start_apps COUNT DATABASE_URL [VAR=VALUE…]: COUNT release instances in production mode, their
# RSS sampled every 0.2 s into $work/rss-<port>.txt.
start_apps() {
  local count=$1 db=$2 port
  shift 2
  for port in "${app_ports[@]:0:$count}"; do
    env LEPTOS_ENV=PROD LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
      DATABASE_URL="$db" HUBPRO_PUBLIC_URL="http://127.0.0.1:$front" \
      HUBPRO_TRUSTED_PROXIES=127.0.0.1 HUBPRO_SMTP_URL="smtp://127.0.0.1:$smtp" \
      HUBPRO_SIRENE_URL="http://127.0.0.1:$insee" HUBPRO_SIRENE_API_KEY=banc-d-essai \
      HUBPRO_DEMO_DATA=false HUBPRO_SECRET_KEY="$secret_key" HUBPRO_METRICS_TOKEN="$(random_hex)" \
      HUBPRO_LEGAL_OPERATOR="Banc d'essai, 1 rue du Banc, 75001 Paris, banc@example.fr" \
      HUBPRO_LEGAL_DIRECTOR="Banc d'essai" HUBPRO_LEGAL_HOST="Banc d'essai, 75001 Paris, 01 02 03 04 05" \
      HUBPRO_LOG_FORMAT=json "$@" target/release/hubpro >"$work/$name-app-$port.log" 2>&1 &
    apps+=($!)
    local pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/sante"; do
      kill -0 "$pid" 2>/dev/null || { tail -5 "$work/$name-app-$port.log" >&2; exit 1; }
      sleep 0.05
    done
    ( while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid" || true; sleep 0.2; done ) \
      >"$work/rss-$name-$port.txt" &
  done
}

# query DATABASE_URL SQL: one number.
query() {
  case $1 in
    sqlite://*) python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "${1#sqlite://}" "$2" ;;
    *) psql "$1" -qAtc "$2" ;;
  esac
}

# check_database DATABASE_URL: nothing half-written, as many accounts as completed journeys.
check_database() {
  local db=$1 completed accounts
  completed=$(cat "$work/$name.completed")
  accounts=$(query "$db" 'SELECT COUNT(*) FROM accounts')
  local incomplete ended holds unsent links signups addresses retried
  incomplete=$(query "$db" "SELECT COUNT(*) FROM accounts WHERE state <> 'active' OR password_hash IS NULL")
  ended=$(query "$db" 'SELECT COUNT(*) FROM ended_accounts')
  holds=$(query "$db" 'SELECT COUNT(*) FROM siret_holds')
  unsent=$(query "$db" 'SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL')
  retried=$(query "$db" 'SELECT COUNT(*) FROM outbox WHERE attempts > 0')
  links=$(query "$db" "SELECT COUNT(*) FROM tokens WHERE used_at IS NULL AND purpose IN ('password_setup', 'password_flow')")
  signups=$(query "$db" "SELECT COUNT(*) FROM audit_events WHERE kind = 'signup'")
  addresses=$(query "$db" "SELECT COUNT(DISTINCT ip) FROM audit_events WHERE kind = 'signup'")
  local verdict=OK
  if [ "$accounts" != "$completed" ] || [ "$incomplete$ended$holds$unsent$links" != 00000 ] ||
    [ "$signups" != "$completed" ]; then verdict="NOT OK"; fi
  say "  database: $accounts accounts for $completed completed journeys; without password or not active: $incomplete; ended: $ended; SIRET holds: $holds; emails unsent: $unsent (sent after a failed try: $retried); password links left unused: $links; signups in the audit trail: $signups, from $addresses client addresses: $verdict"
}

# run NAME TITLE INSTANCES DATABASE_URL QUOTA [VAR=VALUE…]: one journey run and its checks.
run() {
  name=$1
  local title=$2 count=$3 db=$4 quota=$5
  shift 5
  say "" "== $name: $title (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 bench/fake_insee_quota.py "$insee" 100 300 "$quota" &
  others+=($!)
  DATABASE_URL="$db" target/release/hubpro approvals import "$work/agrements.csv" --no-notify >/dev/null
  start_apps "$count" "$db" "$@"
  start_nginx "$count"
  JOURNEY_HOST="http://127.0.0.1:$front" JOURNEY_USERS="$users" JOURNEY_SECONDS="$secs" \
    JOURNEY_LOGIN_SECONDS="$login_secs" JOURNEY_FIRST=1 JOURNEY_LAST="$approvals" \
    JOURNEY_SMTP_PORT="$smtp" JOURNEY_OUT="$work/$name" \
    target/journey/release/hubpro-journey >"$work/$name-goose.log" 2>&1 ||
    { tail -20 "$work/$name-goose.log" >&2; exit 1; }
  sed 's/^/  /' "$work/$name.txt" | tee -a "$summary"
  say "  INSEE double: $(curl -s "http://127.0.0.1:$insee/_stats") (refused_quota > 0: the app overran INSEE's quota)"
  stop "${apps[@]}" "${others[@]}"
  apps=() others=()
  local port peak
  for port in "${app_ports[@]:0:$count}"; do
    peak=$(sort -n "$work/rss-$name-$port.txt" | tail -1)
    say "  instance :$port: peak RSS $((peak / 1024)) MB; its log's WARN and ERROR lines by message:"
    grep '"level":"\(WARN\|ERROR\)"' "$work/$name-app-$port.log" |
      sed 's/.*"level":"\([A-Z]*\)".*"message":"\([^"]*\)".*"error":"\([^"]*\)".*/\1 \2: \3/; s/^{.*"level":"\([A-Z]*\)".*"message":"\([^"]*\)".*/\1 \2/' |
      sort | uniq -c | sort -rn | head -6 | sed 's/^/    /' | tee -a "$summary" || true
  done
  check_database "$db"
}

secret_key=$(random_hex)
rm -f "$summary"
say "== Hub Pro Transport, the whole journey under load (goose $(grep -A1 '^name = "goose"' bench/journey/Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p')), $(date -u +%Y-%m-%d), $(nproc) cores"
say "$users virtual users, journeys for ${secs} s then password logins for ${login_secs} s; production mode behind nginx; each centre from its own client address (X-Forwarded-For), the app's per-address limits at their production values; INSEE double 100–300 ms"
if psql "$pg_admin" -qc 'select 1' >/dev/null 2>&1; then
  new_pg() {
    psql "$pg_admin" -qc 'drop database if exists hubpro_journey' -qc 'create database hubpro_journey' >/dev/null 2>&1
    db_made=1
  }
  new_pg
  run A1 "2 instances, PostgreSQL; INSEE's quota: 30/min per key (the app's budget: 28/min) — the real-world figure" \
    2 "$pg_db" 30
  new_pg
  run A2 "2 instances, PostgreSQL; INSEE quota LIFTED (double and app) — the app's own capacity, not a real-world figure" \
    2 "$pg_db" 0 HUBPRO_SIRENE_PER_MINUTE=100000000
else
  say "(PostgreSQL not reachable at $pg_admin: runs A skipped)"
fi
run B "1 instance, SQLite; INSEE quota LIFTED (double and app) — the app's own capacity" \
  1 "sqlite://$work/journey.db" 0 HUBPRO_SIRENE_PER_MINUTE=100000000
say "" "goose's reports: $work/*-journeys.html, $work/*-logins.html; summary: $summary"
