#!/usr/bin/env bash
# Django's deployment checks with production environment variables (no servers needed).
set -euo pipefail
cd "$(dirname "$0")/.."
DJANGO_ENV=production \
SECRET_KEY=${SECRET_KEY:-check-deploy-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')} \
ALLOWED_HOSTS=${ALLOWED_HOSTS:-cse.example.org} \
DATABASE_URL=${DATABASE_URL:-postgres://cse:cse@db.invalid:5432/cse_framework} \
REDIS_URL=${REDIS_URL:-redis://redis.invalid:6379/0} \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
