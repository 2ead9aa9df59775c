#!/usr/bin/env bash
# `make run`: set up, migrate, seed demo data, then start web + Celery worker + beat on the
# embedded defaults (SQLite in var/, filesystem broker). Ctrl+C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}
if ! .venv/bin/python - "$HOST" "$PORT" <<'PY'
import socket, sys
with socket.socket() as s:
    try:
        s.bind((sys.argv[1], int(sys.argv[2])))
    except OSError:
        sys.exit(1)
PY
then
  echo "error: port $PORT is in use. Stop what uses it, or choose another: PORT=8001 make run" >&2
  exit 1
fi

PY=.venv/bin/python
echo "== migrating the database"
$PY manage.py migrate --no-input >/dev/null
echo "== demo data (fictional)"
$PY manage.py seed_demo

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

LOG_DIR=${VAR_DIR:-var}/log
mkdir -p "$LOG_DIR"
.venv/bin/celery -A cse_framework worker --loglevel=INFO --concurrency=1 --pool=solo \
  >"$LOG_DIR/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A cse_framework beat --loglevel=INFO >"$LOG_DIR/beat.log" 2>&1 &
pids+=($!)
echo
echo "CSE Framework is running at http://$HOST:$PORT/ (Ctrl+C to stop)"
echo "Worker and beat logs: $LOG_DIR/worker.log, $LOG_DIR/beat.log"
$PY manage.py runserver --noreload "$HOST:$PORT" &
pids+=($!)
wait -n "${pids[@]}"
