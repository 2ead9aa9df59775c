#!/usr/bin/env bash
# The benchmark harness (docs/performance.md). Examples:
#   bash bench/run.sh --children 10000 100000
#   bash bench/run.sh --load --users 50 --duration 120 --children 100000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
exec .venv/bin/python bench/harness.py "$@"
