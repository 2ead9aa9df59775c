#!/usr/bin/env bash
# Sourced by test.sh and smoke.sh: makes sure PostgreSQL, Redis and Chromium are present, and
# starts a throwaway PostgreSQL cluster and Redis server on free local ports.

PG_PACKAGES="postgresql redis-server chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation"

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

ensure_packages() {
  local missing=()
  if [ -z "${DATABASE_URL:-}" ]; then pg_bindir >/dev/null || missing+=(postgresql); fi
  if [ -z "${REDIS_URL:-}" ]; then command -v redis-server >/dev/null || missing+=(redis-server); fi
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -e /usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libpangoft2-1.0.so.0 ] \
    || missing+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
  else
    echo "error: missing packages: ${missing[*]}" >&2
    echo "Install them (Debian: sudo apt-get install ${missing[*]})," >&2
    echo "or set DATABASE_URL and REDIS_URL to running servers." >&2
    exit 1
  fi
}

SERVICES_DIR=""
start_services() {
  SERVICES_DIR=$(mktemp -d /tmp/cse-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  local py=${PYTHON:-python3}
  if [ -z "${DATABASE_URL:-}" ]; then
    local bindir port pgdata
    bindir=$(pg_bindir)
    port=$($py scripts/free_port.py)
    pgdata="$SERVICES_DIR/pgdata"
    mkdir -p "$pgdata"
    local as_pg=()
    if [ "$(id -u)" = 0 ]; then
      chown -R postgres:postgres "$SERVICES_DIR"
      as_pg=(runuser -u postgres --)
    fi
    "${as_pg[@]}" "$bindir/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 >/dev/null
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdata" -l "$SERVICES_DIR/postgres.log" -w \
      -o "-p $port -k $SERVICES_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    PG_STOP=("${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdata" -m fast stop)
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/cse_framework"
    echo "== PostgreSQL on 127.0.0.1:$port (throwaway)"
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    local rport
    rport=$($py scripts/free_port.py)
    redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log" --dir "$SERVICES_DIR"
    REDIS_STOP_PORT=$rport
    export REDIS_URL="redis://127.0.0.1:$rport/0"
    echo "== Redis on 127.0.0.1:$rport (throwaway)"
  fi
}

stop_services() {
  if [ -n "${PG_STOP:-}" ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; fi
  if [ -n "${REDIS_STOP_PORT:-}" ]; then redis-cli -p "$REDIS_STOP_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  [ -n "$SERVICES_DIR" ] && rm -rf "$SERVICES_DIR"
}
