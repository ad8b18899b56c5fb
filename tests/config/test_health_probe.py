"""The containers' health check against gunicorn with production settings (docker-compose.yml, web).

The probe asks `http://127.0.0.1:<port>/healthz` from inside the container: plain HTTP, its Host header the
address. /healthz must answer it, while every other page keeps refusing a host that is not the public name
and keeps redirecting plain HTTP to https.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_HOST = "rehab.example.org"


@contextmanager
def production_server(tmp_path, database_url):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-production-like-secret-key-for-the-probe-0123456789-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS=PUBLIC_HOST,
        SITE_URL=f"https://{PUBLIC_HOST}",
        DATABASE_URL=database_url,
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        # Port 0: the system picks a free one (tests may run in parallel); gunicorn logs which.
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:0",
             "--workers", "1", "--no-control-socket", "--access-logfile", "-"],
            cwd=ROOT,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
            if found:
                port = int(found.group(1))
            else:
                time.sleep(0.1)
        assert port, log.read_text()
        yield port, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(port, path, host=None, headers=None):
    """(status, headers, body) of a plain-HTTP GET, never following a redirect."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_the_probe_passes_while_other_pages_keep_refusing_its_host(tmp_path):
    with production_server(tmp_path, f"sqlite:///{tmp_path / 'probe.sqlite3'}") as (port, _log):
        # Exactly what docker-compose.yml runs: urlopen raises on anything but 2xx (and would follow a 301).
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
            assert response.status == 200
            assert response.url == f"http://127.0.0.1:{port}/healthz"
            assert response.headers["Content-Type"] == "application/json"
            body = json.loads(response.read())
        assert body == {"status": "ok", "database": "ok", "broker": "not configured (tasks run in-process)"}

        status, _headers, body = get(port, "/accounts/login/")
        assert status == 400, body  # the address is not an allowed host for any page but the probe's
        status, _headers, _body = get(port, "/healthz/")
        assert status == 400
        # The public name passes the host check (a disallowed host raises before the redirect is built).
        status, headers, _body = get(port, "/accounts/login/", host=PUBLIC_HOST)
        assert status == 301
        assert headers["Location"] == f"https://{PUBLIC_HOST}/accounts/login/"


def test_the_probe_fails_when_the_database_is_down(tmp_path):
    # Nothing listens on port 1: the database cannot be reached.
    with production_server(tmp_path, "postgres://postgres@127.0.0.1:1/rehab_down") as (port, _log):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert refused.value.code == 503
        assert json.loads(refused.value.read())["database"] == "error"
