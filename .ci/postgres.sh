#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the SQL back end's tests (test/sql-*.test.ts):
# 127.0.0.1:${LEADDEF_PG_PORT:-54329}, trust auth, user `postgres`, database `postgres`,
# data under /tmp/leaddef-pg. Idempotent: does nothing when the server already answers.
# Installs Debian's postgresql when no server binaries are found.
#   bash .ci/postgres.sh          start (the default)
#   bash .ci/postgres.sh status   exit 0 when the server answers, non-zero otherwise (installs nothing)
#   bash .ci/postgres.sh stop     stop the server on the data directory, if it runs
set -euo pipefail
PORT="${LEADDEF_PG_PORT:-54329}"
DATA="${LEADDEF_PG_DATA:-/tmp/leaddef-pg}"
MODE="${1:-start}"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  return 1
}

if [[ "$MODE" == status ]]; then
  BIN="$(find_bin)" || exit 1
  exec "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"
fi

if ! BIN="$(find_bin)"; then
  [[ "$MODE" == stop ]] && exit 0
  if [[ ! -f /tmp/.leaddef-apt-updated ]]; then apt-get update -qq && touch /tmp/.leaddef-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
  BIN="$(find_bin)"
fi

as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    # runuser keeps root's cwd, which postgres may not be able to read
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

if [[ "$MODE" == stop ]]; then
  if [[ -f "$DATA/postmaster.pid" ]]; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
    echo "postgres.sh: stopped the server on 127.0.0.1:$PORT"
  fi
  exit 0
fi

if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  echo "postgres.sh: already running on 127.0.0.1:$PORT"
  exit 0
fi

if [[ ! -f "$DATA/PG_VERSION" ]]; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$DATA"
  chmod 700 "$DATA"
  # C.UTF-8: lower() folds non-ASCII letters too, as JavaScript's toLowerCase does
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi

as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"$BIN/pg_isready" -h 127.0.0.1 -p "$PORT"
echo "postgres.sh: $("$BIN/postgres" --version) on 127.0.0.1:$PORT (data $DATA)"
