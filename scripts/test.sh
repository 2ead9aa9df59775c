#!/usr/bin/env bash
# `make test`: the whole suite, browser tests included, against real PostgreSQL and Redis.
# Starts throwaway servers on free ports unless DATABASE_URL and REDIS_URL are set.
# Extra arguments go to pytest: `make test` runs everything; `bash scripts/test.sh -k audit`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/services.sh
PYTHON=.venv/bin/python
ensure_packages
trap stop_services EXIT
start_services
echo "== ruff"
.venv/bin/ruff check .
export DJANGO_ENV=test
.venv/bin/pytest "$@"
