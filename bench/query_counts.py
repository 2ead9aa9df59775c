"""Counts the SQL queries each page runs, in-process, against the bench database.

Called by bench/harness.py with DATABASE_URL set and {page name: [method, path, role, form]} as
JSON (form: the POSTed fields, or null for a GET); prints {page name: query count} as JSON.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_framework.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402

from cse_framework.accounts.models import User  # noqa: E402
from cse_framework.synthetic.users import bench_email  # noqa: E402


def client_for(role: str | None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if role:
        user = User.objects.get(email=bench_email(role))
        device = StaticDevice.objects.filter(user=user).first()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def fetch(client: Client, method: str, path: str, form: dict | None):
    # The test client does not enforce CSRF, so a POST needs no token here.
    return client.post(path, form) if method == "POST" else client.get(path)


counts = {}
for name, (method, path, role, form) in json.loads(sys.argv[1]).items():
    client = client_for(role)
    fetch(client, method, path, form)  # warm: first request of a session
    with CaptureQueriesContext(connection) as queries:
        fetch(client, method, path, form)
    counts[name] = len(queries)
print(json.dumps(counts))
