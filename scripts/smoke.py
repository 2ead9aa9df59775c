"""Smoke test of the embedded default, as a newcomer meets it (called by scripts/smoke.sh).

Signs in over HTTP with a printed demo login and backup code, loads a page, then checks that the
real Celery worker sends an outbox message handed over by one beat sweep.
"""

import http.cookiejar
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

BASE, LOGINS_FILE = sys.argv[1], sys.argv[2]


def fail(message: str) -> None:
    print(f"smoke test FAILED: {message}", file=sys.stderr)
    sys.exit(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def get(path: str) -> tuple[int, str, str]:
    with opener.open(BASE + path, timeout=30) as response:
        return response.status, response.geturl(), response.read().decode()


def post(path: str, data: dict) -> tuple[int, str, str]:
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(BASE + path, data=body, headers={"Referer": BASE + path})
    with opener.open(request, timeout=30) as response:
        return response.status, response.geturl(), response.read().decode()


with open(LOGINS_FILE) as handle:
    logins = handle.read()
password = re.search(r"Password for every demo user: (\S+)", logins).group(1)
line = next(row for row in logins.splitlines() if "mash.worker@example.org" in row)
code = line.split("codes:")[1].split()[0]

status, url, page = get("/account/sign-in/")
if "Sign in to CSE Framework" not in page:
    fail("the sign-in page did not load")
status, url, page = post(
    "/account/sign-in/", {"email": "mash.worker@example.org", "password": password}
)
if not url.endswith("/account/sign-in/security-code/"):
    fail(f"password step went to {url}")
status, url, page = post("/account/sign-in/security-code/", {"code": code})
if "MASH social worker" not in get("/account/")[2]:
    fail("the printed backup code did not sign in")
status, url, page = get("/referrals/children/")
if status != 200 or "Child register" not in page:
    fail("the child register did not load")
print("smoke: signed in with a printed demo login and backup code; the child register loaded")

# One beat sweep through the real worker: a pending outbox message must become sent.
python = sys.executable
make = subprocess.run(  # noqa: S603
    [
        python,
        "manage.py",
        "shell",
        "-v",
        "0",
        "-c",
        "from cse_framework.notices.models import OutboxMessage as M;"
        "from cse_framework.accounts.models import User;"
        "m=M.objects.create(recipient=User.objects.get(email='mash.worker@example.org'),"
        "subject='Smoke test',reference='SMOKE-1',link='/');print(m.pk)",
    ],
    capture_output=True,
    text=True,
    check=True,
)
message_id = make.stdout.strip().splitlines()[-1]
subprocess.run(  # noqa: S603
    [
        python,
        "-m",
        "celery",
        "-A",
        "cse_framework",
        "call",
        "cse_framework.notices.tasks.outbox_sweep",
    ],
    check=True,
    capture_output=True,
)
for _ in range(120):
    state = (
        subprocess.run(  # noqa: S603
            [
                python,
                "manage.py",
                "shell",
                "-v",
                "0",
                "-c",
                f"from cse_framework.notices.models import OutboxMessage as M;"
                f"print(M.objects.get(pk={message_id}).status)",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if state == "sent":
        print("smoke: one beat sweep ran on the real worker and sent the outbox message")
        sys.exit(0)
    time.sleep(1)
fail("the worker did not send the outbox message within 2 minutes")
