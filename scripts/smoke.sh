#!/usr/bin/env bash
# The embedded default, end to end: start the app as `make run` does (SQLite, filesystem broker,
# web + worker + beat) in a throwaway var/ folder, sign in with a printed demo login and backup
# code, load a page, run one beat sweep through the real worker, stop.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
unset DATABASE_URL REDIS_URL DJANGO_ENV
export VAR_DIR
VAR_DIR=$(mktemp -d /tmp/cse-smoke.XXXXXX)
PORT=$(.venv/bin/python scripts/free_port.py)
export PORT
log="$VAR_DIR/run.log"
bash scripts/run.sh >"$log" 2>&1 &
run_pid=$!
cleanup() {
  kill "$run_pid" 2>/dev/null || true
  pkill -f "celery -A cse_framework" 2>/dev/null || true
  wait "$run_pid" 2>/dev/null || true
  rm -rf "$VAR_DIR"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$run_pid" 2>/dev/null; then cat "$log"; echo "smoke: make run exited" >&2; exit 1; fi
  sleep 1
done
grep -q "CSE Framework is running" "$log" || { cat "$log"; echo "smoke: app did not start" >&2; exit 1; }
.venv/bin/python scripts/smoke.py "http://127.0.0.1:$PORT" "$log" || { cat "$log"; cat "$VAR_DIR"/log/*.log; exit 1; }
echo "smoke: OK"
