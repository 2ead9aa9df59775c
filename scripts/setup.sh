#!/usr/bin/env bash
# Installs what the project needs into .venv and node_modules, and builds the front-end.
# Safe to run again: it only does work when something changed.
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "error: '$1' is missing. $2" >&2
    exit 1
  fi
}
need npm "Install Node.js 20 and npm (Debian: apt-get install nodejs npm)."
need node "Install Node.js 20 (Debian: apt-get install nodejs)."

PYTHON=$(command -v python3.11 || command -v python3 || true)
if [ -z "$PYTHON" ]; then
  echo "error: Python 3.11 is missing. Install python3.11 and python3.11-venv." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "error: Python 3.11 is needed (found $("$PYTHON" --version)). Install python3.11." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  echo "== installing Python dependencies (pyproject.toml)"
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

nstamp=node_modules/.installed-$(sha1sum package-lock.json | cut -c1-12)
if [ ! -f "$nstamp" ]; then
  echo "== installing front-end packages (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$nstamp"
fi
echo "== building the front-end (GOV.UK Design System)"
node frontend/build.mjs
