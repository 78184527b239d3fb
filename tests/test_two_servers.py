"""Two app servers (gunicorn, each its own processes) on different ports, against the same
PostgreSQL and Redis, behave as one app: a member logged in through one is logged in on the
other, a rate limit counts across both, a vote cast through one shows in the other's results,
and the live meeting looks the same from both. Runs with TEST_DB=postgres (CI does)."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.databases import USE_POSTGRES

pytestmark = pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres (and Redis)")

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/9"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prefix(secret: str) -> str:
    return f"test-{secret[-16:]}"


@contextmanager
def _server(database_url: str, secret: str) -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secret, "REDIS_URL": REDIS,
           "LOGIN_RATE_LIMIT": "3 per minute", "CONSENT_REQUIRED": "0",
           # Both servers share the counts; another run (or xdist worker) on this Redis does not.
           "RATELIMIT_KEY_PREFIX": _prefix(secret)}
    env.pop("APP_ENV", None)  # plain HTTP on loopback
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                             "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


class Browser:
    """A cookie jar that may talk to either server, like a phone behind a load balancer."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept-Language": "en"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        for value in resp.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        conn.close()
        return resp.status, text, dict(resp.headers)


def _get(port: int, path: str) -> tuple[int, str]:
    status, text, _h = Browser().request(port, "GET", path)
    return status, text


@pytest.fixture(scope="module")
def _running(database_url):
    secret = "two-servers-" + os.urandom(8).hex()
    with _server(database_url, secret) as a, _server(database_url, secret) as b:
        yield a, b, _prefix(secret)


@pytest.fixture
def servers(app, _running):
    import redis

    # Counts start at zero for each test. Only this pair's keys go: a flush of the whole database
    # wiped the counts of the other xdist worker's pair in the middle of its rate-limit test.
    a, b, prefix = _running
    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(match=f"*/{prefix}/*"):
        store.delete(key)
    return a, b


def test_two_servers_behave_as_one(app, make, servers):
    from feedback.auth.services import issue_member_link
    from feedback.extensions import db
    from feedback.meetings import live
    from feedback.meetings.services import add_to_agenda

    a, b = servers
    program = make.program()
    member = make.member(program, language="en")
    proposal = make.proposal(program, "voting", title="Saturdays", results_live=True)
    meeting = make.meeting(program)
    add_to_agenda(meeting, proposal, None)
    db.session.commit()
    token = issue_member_link(member, None)
    db.session.commit()

    # Logged in through A, she is logged in on B.
    phone = Browser()
    status, _text, headers = phone.request(a, "GET", f"/in/{token}")
    assert status == 302 and headers["Location"].endswith("/me")
    status, text, _h = phone.request(b, "GET", "/me")
    assert status == 200 and "Hello" in text

    # A vote through B shows in A's results.
    status, page, _h = phone.request(b, "GET", f"/p/{proposal.id}")
    csrf = CSRF.search(page).group(1)
    status, _text, _h = phone.request(b, "POST", f"/p/{proposal.id}/vote", {"csrf_token": csrf, "choice": "agree"})
    assert status == 302
    status, results, _h = phone.request(a, "GET", f"/p/{proposal.id}/results")
    assert status == 200 and "1 person voted" in " ".join(results.split())

    # Logging out through A ends the session on B too.
    csrf = CSRF.search(phone.request(a, "GET", "/me")[1]).group(1)
    phone.request(a, "POST", "/logout", {"csrf_token": csrf})
    assert phone.request(b, "GET", "/me")[0] == 302

    # The live meeting looks the same from both.
    live.start(meeting)
    link = issue_member_link(member, None)
    db.session.commit()
    watcher = Browser()
    watcher.request(a, "GET", f"/in/{link}")
    now_a = watcher.request(a, "GET", f"/live/{meeting.id}/now")[1]
    now_b = watcher.request(b, "GET", f"/live/{meeting.id}/now")[1]
    strip = re.compile(r'name="csrf_token" value="[^"]+"')
    assert strip.sub("", now_a) == strip.sub("", now_b)
    assert "Saturdays" in now_a


def test_a_rate_limit_counts_across_both_servers(app, make, servers):
    a, b = servers
    tries = []
    for port in (a, b, a, b):
        visitor = Browser()
        csrf = CSRF.search(visitor.request(port, "GET", "/login")[1]).group(1)
        status, _text, _h = visitor.request(port, "POST", "/login",
                                            {"csrf_token": csrf, "email": "nobody@example.org", "password": "wrong"})
        tries.append(status)
    assert tries[:3] == [400, 400, 400]  # wrong password, three times: allowed, refused with a message
    assert tries[3] == 429  # the fourth, on the other server: the shared count says stop
