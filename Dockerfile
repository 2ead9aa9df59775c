# syntax=docker/dockerfile:1
# CSE Framework: one image for the web server (gunicorn), the Celery worker and Celery beat.
# docker-compose.yml runs it; docs/running-the-full-stack.md explains the stack.

# --- Stage 1: the front-end (GOV.UK Design System, compiled with Dart Sass) ------------------
# Node.js and npm from Debian. sass 1.108 needs Node.js 20.19 or later: Debian 13 (trixie)
# has it, Debian 12 (bookworm) has only 18. Nothing from this stage but the built files is kept.
FROM debian:trixie-slim AS frontend
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --engine-strict --no-audit --no-fund --loglevel=error
COPY frontend/ frontend/
# Writes static/build/ (CSS, JavaScript) and static/govuk/assets/.
RUN node frontend/build.mjs

# --- Stage 2: the application ------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# Libraries WeasyPrint loads at run time (PDF agendas), and a font for them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system cse \
    && useradd --system --gid cse --create-home --home-dir /home/cse cse

WORKDIR /app

# Dependencies first, from pyproject.toml, so that a code change does not reinstall them.
# The project itself is not installed into site-packages: settings.py finds templates/ and
# static/ beside manage.py (BASE_DIR), and a wheel of this project would not contain them.
# The code runs from /app (PYTHONPATH above).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=frontend /build/static/build/ static/build/
COPY --from=frontend /build/static/govuk/ static/govuk/

# Static files into var/staticfiles (STATIC_ROOT). Production settings are used so that
# whitenoise's CompressedManifestStaticFilesStorage writes its manifest and compressed copies;
# the secret and host below exist only for this command and are not kept in the image.
# VAR_DIR must stay /app/var at run time too, or the app will not find these files.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --no-input \
    && mkdir -p /var/lib/celery \
    && chown cse:cse var /var/lib/celery \
    && chown -R cse:cse var/broker

USER cse
EXPOSE 8000
# The web server by default; docker-compose.yml gives the worker, beat and migrate their commands.
CMD ["gunicorn", "cse_framework.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
