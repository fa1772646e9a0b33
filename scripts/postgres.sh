# Sourced by scripts/test.sh: makes a PostgreSQL server available to the tests, so that the
# PostgreSQL tests run (they fail, never skip, without one). The server at
# HUBPRO_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) when it answers;
# otherwise a throw-away cluster in a temporary folder (Debian's postgresql installed if missing),
# stopped and removed when the tests end.
pg_url=${HUBPRO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
pg_say() { printf '[postgres] %s\n' "$*"; }
pg_answers() { command -v psql >/dev/null && psql "$1" -qAtc 'select 1' >/dev/null 2>&1; }

if pg_answers "$pg_url"; then
  pg_say "using $pg_url"
else
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    pg_say "installing Debian's postgresql"
    if [ "$(id -u)" = 0 ]; then sudo_=(); else sudo_=(sudo); fi
    "${sudo_[@]}" apt-get update -qq
    "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  # initdb refuses to run as root: the cluster then belongs to the postgres user.
  if [ "$(id -u)" = 0 ]; then pg_as=(runuser -u postgres --); else pg_as=(); fi
  pg_dir=$(mktemp -d /tmp/hubpro-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$pg_dir"
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres >/dev/null
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap '"${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
  pg_url="postgres://postgres@127.0.0.1:$pg_port/postgres"
  pg_say "no server answered: started a throw-away cluster at $pg_url"
fi
export HUBPRO_TEST_POSTGRES_URL=$pg_url
