"""A crawl of the demo at awkward moments: every page reachable by links, as every demo role,
answers without a server error. Each route is visited a few times, not every link to it, so the
crawl stays quick."""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound

from feedback.auth.models import User
from feedback.demo import build_demo
from feedback.extensions import db
from tests.moments import MIDNIGHT, NEW_YEARS_EVE, local
from tests.routes_support import new_client

MOMENTS = {
    "new-years-eve": NEW_YEARS_EVE,
    "leap-day-evening": local(2028, 2, 29, 23, 45),
    "spring-switch-night": local(2027, 3, 28, 3, 15),  # a quarter of an hour into summer time
    "autumn-switch-night": local(2027, 10, 31, 2, 30, fold=1),  # the second 02:30
    "midnight": MIDNIGHT,
}
ROLES = {"admin": "admin@demo.example", "staff": "staff@demo.example", "steering": "steering@demo.example",
         "member (sv)": "Leyla", "member (ar)": "Amina", "visitor": None}
# Routes each role reaches on the demo today (39, 34, 9, 11, 11, 2): a crawl that finds far fewer
# has stopped following links, and would pass without looking.
AT_LEAST = {"admin": 30, "staff": 25, "steering": 7, "member (sv)": 9, "member (ar)": 9, "visitor": 2}
PER_ROUTE = 2  # visits of one route with different addresses
HREF = re.compile(r'href="([^"#][^"]*)"')
SKIP = ("/static/", "/logout")


def _client(app, who: str | None):
    from feedback.auth.sessions import start

    client = new_client(app)
    if who is None:
        return client, "/"
    user = db.session.scalar(sa.select(User).where(sa.or_(User.email == who, User.name == who)))
    with client.session_transaction() as sess:
        sess["_user_id"], sess["sid"], sess["_fresh"] = user.get_id(), start(user, "crawl"), True
    return client, ("/me" if user.is_member_only else "/")


def _crawl(app, client, start: str) -> tuple[int, list[str]]:
    adapter = app.url_map.bind("localhost")
    seen, per_route, errors = {start}, Counter(), []
    todo = deque([start])
    while todo:
        url = todo.popleft()
        resp = client.get(url)
        if resp.status_code >= 500:
            errors.append(f"{resp.status_code} {url}")
        if resp.status_code in (301, 302, 303):
            links = [resp.headers["Location"]]
        elif resp.mimetype == "text/html":
            links = [unescape(h) for h in HREF.findall(resp.get_data(as_text=True))]
        else:
            links = []
        for link in links:
            parts = urlsplit(urldefrag(link)[0])
            if parts.netloc not in ("", "localhost") or not parts.path.startswith("/") or parts.path.startswith(SKIP):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen:
                continue
            try:
                endpoint, _args = adapter.match(parts.path, method="GET")
            except (NotFound, MethodNotAllowed):
                continue
            except Exception:  # a redirect rule (trailing slash): follow the page it names
                endpoint = parts.path
            seen.add(target)
            if per_route[endpoint] < PER_ROUTE:
                per_route[endpoint] += 1
                todo.append(target)
    return len(per_route), errors


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_every_linked_page_answers_at_an_awkward_moment(moment, app, time_machine):
    time_machine.move_to(MOMENTS[moment], tick=False)
    build_demo()
    errors, reached = [], {}
    for role, who in ROLES.items():
        client, start = _client(app, who)
        reached[role], found = _crawl(app, client, start)
        errors += [f"{role}: {e}" for e in found]
    assert errors == []
    assert all(reached[role] >= n for role, n in AT_LEAST.items()), reached
