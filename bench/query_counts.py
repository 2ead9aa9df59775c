"""Counts the SQL queries each page runs, in-process, against the bench database.

Called by bench/harness.py with DATABASE_URL set; prints {page name: query count} as JSON.
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


counts = {}
for name, (path, role) in json.loads(sys.argv[1]).items():
    client = client_for(role)
    client.get(path)  # warm: first request of a session
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    counts[name] = len(queries)
print(json.dumps(counts))
