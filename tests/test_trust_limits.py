"""Rate limits count per person, not per proxy (issue 15, finding 6): behind the README's proxy,
the client's own address from X-Forwarded-For (trusting exactly PROXY_COUNT proxies), and a limit
per account that holds however many addresses the guesses come from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feedback import create_app
from feedback.config import TestConfig
from feedback.extensions import db
from tests.routes_support import new_client

PASSWORD = "the right password 123"


@pytest.fixture
def behind_proxy(tmp_path):
    """The app as deployed behind one proxy, on a database of its own."""

    class Proxied(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/proxied.db"
        WTF_CSRF_ENABLED = False
        PROXY_COUNT = 1
        LOGIN_RATE_LIMIT = "3 per minute"
        ACCOUNT_LOGIN_RATE_LIMIT = "10000 per minute"
        RATELIMIT_STORAGE_URI = "memory://"

    app = create_app(Proxied)
    with app.app_context():
        db.create_all()
        from feedback.auth.services import create_user

        create_user("Sara", "sara@example.org", PASSWORD)
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _try(client, address: str, password: str = "a wrong guess 1", email: str = "sara@example.org") -> int:
    return client.post("/login", data={"email": email, "password": password},
                       headers={"X-Forwarded-For": address}).status_code


def test_behind_a_proxy_each_client_has_her_own_count(behind_proxy):
    client = new_client(behind_proxy)
    assert [_try(client, "203.0.113.7") for _ in range(4)] == [400, 400, 400, 429]
    # Someone else behind the same proxy is not locked out by her neighbour's mistakes.
    assert _try(new_client(behind_proxy), "203.0.113.8", PASSWORD) == 302


def test_only_the_configured_proxies_are_trusted(behind_proxy):
    """A client that adds addresses of her own to the header gets no fresh count from them."""
    client = new_client(behind_proxy)
    codes = [_try(client, f"198.51.100.{i}, 203.0.113.9") for i in range(4)]
    assert codes == [400, 400, 400, 429]


def test_without_a_proxy_the_header_is_ignored(app, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = new_client(app)
    assert [_try(client, f"203.0.113.{i}") for i in range(4)] == [400, 400, 400, 429]


def test_wrong_passwords_for_one_account_are_limited_from_any_address(app, make):
    make.staff(make.program(), email="karin@example.org", password=PASSWORD)
    app.config["ACCOUNT_LOGIN_RATE_LIMIT"] = "3 per 15 minutes"
    codes = [new_client(app).post("/login", environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
                                  data={"email": "Karin@Example.org ", "password": "a wrong guess 1"}).status_code
             for i in range(4)]
    assert codes == [400, 400, 400, 429]
    # Another account is not affected, and right logins never used up the count.
    make.staff(make.program(), email="lena@example.org", password=PASSWORD)
    for _ in range(5):
        assert new_client(app).post("/login", data={"email": "lena@example.org", "password": PASSWORD}).status_code == 302


def test_the_count_is_over_the_last_minute_at_every_moment(behind_proxy, time_machine):
    """A count that starts again a minute after the first try would let a guesser who waits
    through most of it send twice the limit in a few seconds; the last minute is what counts."""
    client = new_client(behind_proxy)
    start = datetime(2027, 1, 12, 10, 59, 0, tzinfo=UTC)
    statuses = []
    for seconds in (0, 58, 59, 61, 61.5):
        time_machine.move_to(start + timedelta(seconds=seconds), tick=False)
        statuses.append(_try(client, "203.0.113.8"))
    # At 61.5 s the tries at 58, 59 and 61 are three in the last minute: the fourth is refused.
    assert statuses == [400, 400, 400, 400, 429]


def test_every_limit_is_on_a_route_and_still_counts(behind_proxy):
    """The limiter's check before every request is taken out (feedback/__init__.py): it is only
    safe while every limit sits on a route, which the route's own wrapper checks."""
    from feedback.extensions import limiter

    manager = limiter.limit_manager
    assert not manager._default_limits and not manager._application_limits and not manager._blueprint_limits
    assert not list(limiter._meta_limits)
    assert limiter._check_request_limit not in behind_proxy.before_request_funcs.get(None, [])
    # A limit on a route still refuses the fourth try of the minute.
    client = new_client(behind_proxy)
    assert [_try(client, "203.0.113.9") for _ in range(4)] == [400, 400, 400, 429]


@pytest.mark.parametrize("key", ["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META"])
def test_a_limit_that_only_the_removed_check_would_count_stops_the_start(key):
    class Configured(TestConfig):
        pass

    setattr(Configured, key, "100 per minute")
    with pytest.raises(RuntimeError, match=key):
        create_app(Configured)
