#!/usr/bin/env bash
# The owner's login during a flood of wrong passwords (issue 20, item 4): `bash bench/login-flood.sh`
# on a release build (`bash scripts/build.sh` first, or run bench/run.sh). A flood of 300
# concurrent wrong logins from 60 client addresses runs for BENCH_SECONDS (default 20); meanwhile
# the owner logs in from its known browser (device cookie) once every 250 ms, and a stranger's
# browser too. Prints each one's login time p50 / p99 and what the flood received.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export BENCH_DIR="$PWD/bench"
secs=${BENCH_SECONDS:-20}
work=target/bench-flood
rm -rf "$work" && mkdir -p "$work"
port=3310
base=http://127.0.0.1:$port
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
env LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=DEV HUBPRO_DEV_MAILBOX=true \
  DATABASE_URL="sqlite://$work/flood.db" HUBPRO_PUBLIC_URL=$base RUST_LOG=warn \
  HUBPRO_TRUSTED_PROXIES=127.0.0.1 target/release/hubpro >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "$base/sante"; do sleep 0.01; done

# The owner: signup, password through the emailed link, one login that leaves a device cookie.
jar=$work/owner.jar
post=(curl -sf -o /dev/null -b "$jar" -c "$jar" -H "Origin: $base" -H 'Accept: text/html')
"${post[@]}" --data 'siret=477+280+846+03753&organisation=Banc&last_name=Banc&first_name=Banc&email=banc%40example.fr&email_confirmation=banc%40example.fr' "$base/api/creer-compte"
token=""
for id in $(curl -sf "$base/dev/boite-mail" | grep -o 'boite-mail/[0-9]*' | cut -d/ -f2); do
  token=$(curl -sf "$base/dev/boite-mail/$id" | grep -o 'mot-de-passe/creer?jeton=[0-9a-f]*' | head -1 | cut -d= -f2 || true)
  [ -n "$token" ] && break
done
"${post[@]}" --data "token=$token" "$base/api/continuer"
"${post[@]}" --data 'password=Banc-d%27essai-2026%21&confirmation=Banc-d%27essai-2026%21' "$base/api/valider-mot-de-passe"
"${post[@]}" --data 'email=banc%40example.fr&password=Banc-d%27essai-2026%21' "$base/api/connexion"
device=$(awk '$6 ~ /device/ { print $6 "=" $7 }' "$jar")
[ -n "$device" ] || { echo "no device cookie" >&2; exit 1; }

# login COOKIE: one login's time in ms and its status.
login() {
  curl -s -o /dev/null -w '%{time_total} %{http_code}\n' ${1:+-H "Cookie: $1"} -H "Origin: $base" \
    -H 'Accept: application/json' --data 'email=banc%40example.fr&password=Banc-d%27essai-2026%21' \
    "$base/api/connexion"
}
wrk -t1 -c300 -d"${secs}s" --latency -s bench/login-flood.lua "$base" >"$work/flood.txt" &
flood=$!
sleep 1
: >"$work/owner.txt"
: >"$work/stranger.txt"
end=$(( $(date +%s) + secs - 2 ))
while [ "$(date +%s)" -lt "$end" ]; do
  login "$device" >>"$work/owner.txt"
  login "" >>"$work/stranger.txt"
  sleep 0.25
done
wait $flood
stats() { # file: count, statuses, p50 and p99 of the times in ms
  sort -n "$1" | awk '{ t[NR] = $1 * 1000; s[$2]++ } END {
    p50 = t[int((NR + 1) * 0.5)]; p99 = t[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1];
    printf "%d logins, p50 %.0f ms, p99 %.0f ms, statuses:", NR, p50, p99;
    for (k in s) printf " %s×%d", k, s[k]; printf "\n" }'
}
echo "== owner's login during a flood of wrong passwords, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "flood (wrk -t1 -c300, 60 addresses, ${secs} s): $(awk '/Requests\/sec/ {print $2}' "$work/flood.txt") req/s," \
  "p99 $(awk '$1 == "99%" {print $2}' "$work/flood.txt"), non-2xx $(awk '/Non-2xx/ {print $5}' "$work/flood.txt")"
echo "owner, known browser:        $(stats "$work/owner.txt")"
echo "new browser, right password: $(stats "$work/stranger.txt")"
