"""moto_server for the emulator suite, with one test-only endpoint that moto lacks.

Usage: python3 test/emulator/moto_server.py PORT

Serves moto's own application (the same one `moto_server` runs) on 127.0.0.1:PORT, and in front
of it answers one extra request:

    POST /credsweep-emulator/iam-dates
    {"accountId": "123456789012",
     "users": [{"userName": "alice", "createdAt": "ISO", "passwordLastUsed": "ISO or null",
                "accessKeys": [{"accessKeyId": "AKIA...", "createdAt": "ISO", "lastUsed": "ISO or null"}]}]}

It sets those dates on moto's IAM models. IAM itself has no API to do that, and moto records
"now" for every creation and "never" for every use, so without it no credential could be stale.
The dates can only be set inside moto's process, hence this launcher. Everything else is moto.
"""

import json
import signal
import sys
from datetime import datetime, timezone

from moto.iam.models import AccessKeyLastUsed, iam_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

PATH = "/credsweep-emulator/iam-dates"


def naive_utc(value):
    """moto keeps naive UTC datetimes."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def set_dates(body):
    backend = iam_backends[body.get("accountId", "123456789012")]["aws"]
    for wanted in body["users"]:
        user = backend.get_user(wanted["userName"])
        if wanted.get("createdAt"):
            user.create_date = naive_utc(wanted["createdAt"])
        if "passwordLastUsed" in wanted:
            user.password_last_used = naive_utc(wanted["passwordLastUsed"])
        for key_dates in wanted.get("accessKeys", []):
            key = next(k for k in user.access_keys if k.access_key_id == key_dates["accessKeyId"])
            if key_dates.get("createdAt"):
                key.create_date = naive_utc(key_dates["createdAt"])
            if "lastUsed" in key_dates:
                last = naive_utc(key_dates["lastUsed"])
                key.last_used = None if last is None else AccessKeyLastUsed(last, "iam", "us-east-1")


class WithIamDates:
    def __init__(self, inner):
        self.inner = inner

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "POST":
            try:
                set_dates(json.loads(Request(environ).get_data()))
                response = Response('{"ok":true}', content_type="application/json")
            except Exception as err:  # the test names what it sent; say what failed
                response = Response(json.dumps({"error": repr(err)}), status=400, content_type="application/json")
            return response(environ, start_response)
        return self.inner(environ, start_response)


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple("127.0.0.1", port, WithIamDates(app), threaded=True)


if __name__ == "__main__":
    main()
