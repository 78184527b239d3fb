"""The demo is built relative to now and has the same shape on every day of the year: at both
ends of every month, and at the awkward moments (tests/moments.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from feedback.changes.models import ChangeStatus, ProgramChange
from feedback.common import clock
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.meetings.models import Meeting, MeetingStatus
from feedback.programs.models import Membership
from feedback.proposals.models import Proposal, ProposalEvent, Status
from feedback.threads.models import Post
from feedback.votes.models import Vote
from tests.moments import AWKWARD, local
from tests.routes_support import new_client

YEAR = 2027


def _ends_of_months() -> dict[str, datetime]:
    """Five past midnight on the first of each month and five to midnight on its last day."""
    moments = {}
    for month in range(1, 13):
        moments[f"{YEAR}-{month:02}-01"] = local(YEAR, month, 1, 0, 5)
        last = clock.add_months(date(YEAR, month, 1), 1) - timedelta(days=1)
        moments[last.isoformat()] = local(YEAR, month, last.day, 23, 55)
    return moments


MOMENTS = {**_ends_of_months(), **AWKWARD}


def _seed(runner) -> str:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _logins(output: str) -> tuple[list[tuple[str, str]], list[str]]:
    office = re.findall(r" email (\S+) password (\S+)", output)
    links = re.findall(r"(\S+/in/\S+)", output)
    return office, links


@pytest.mark.parametrize("name", list(MOMENTS))
def test_the_demo_has_the_same_shape_and_every_login_works(name, app, runner, time_machine):
    time_machine.move_to(MOMENTS[name], tick=False)
    output = _seed(runner)
    now, local_now = clock.utcnow(), clock.local_now()

    # Every lifecycle state of a proposal is there, with a history that never lies in the future.
    statuses = set(db.session.scalars(sa.select(Proposal.status)))
    assert statuses == set(Status), f"{name}: missing {set(Status) - statuses}"
    assert db.session.scalar(sa.select(sa.func.max(ProposalEvent.at))) <= now
    assert db.session.scalar(sa.select(sa.func.max(Vote.created_at))) <= now
    assert db.session.scalar(sa.select(sa.func.max(Post.created_at))) <= now
    assert db.session.scalar(sa.select(sa.func.max(Decision.decided_at))) <= now
    assert {d.outcome for d in db.session.scalars(sa.select(Decision))} == {"accepted", "adapted"}

    # A year of meetings held, one next meeting ahead and one after it; each titled by its month.
    meetings = list(db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)))
    held = [m for m in meetings if m.starts_at < local_now]
    ahead = [m for m in meetings if m.starts_at >= local_now]
    assert len(held) == 12 and len(ahead) == 2, name
    assert {m.status for m in held} == {MeetingStatus.CLOSED}
    assert {m.status for m in ahead} == {MeetingStatus.PLANNED}
    assert ahead[0].starts_at - local_now < timedelta(days=32)
    months = [(m.starts_at.year, m.starts_at.month) for m in meetings]
    assert len(set(months)) == len(months), "one meeting a month"
    from feedback.demo import MONTHS

    assert all(m.title.endswith(MONTHS[m.starts_at.month - 1]) for m in meetings)
    # The next meeting has its agenda; the last one held has a voice message in its conversation.
    assert len(ahead[0].agenda) >= 3

    # The loop's other states: a change done, one under way, one whose "did it help?" is asked.
    changes = list(db.session.scalars(sa.select(ProgramChange)))
    assert {c.status for c in changes} >= {ChangeStatus.DONE, ChangeStatus.IN_PROGRESS}
    assert all(c.changed_on <= local_now.date() for c in changes)
    assert any(c.review_on and c.review_on <= local_now.date() for c in changes)
    # One member left three weeks ago; her data is not yet due to go.
    left = db.session.scalar(sa.select(Membership).where(Membership.left_at.is_not(None)))
    assert left is not None and timedelta(days=20) < now - left.left_at < timedelta(days=22)

    office, links = _logins(output)
    assert len(office) == 3 and len(links) == 12, output
    for email, password in office:
        c = new_client(app)
        r = c.post("/login", data={"email": email, "password": password})
        assert r.status_code == 302, f"{name}: {email} could not log in"
        assert c.get(r.headers["Location"], follow_redirects=True).status_code == 200
    for link in links:
        c = new_client(app)
        r = c.get(urlsplit(link).path)
        assert r.status_code == 302 and r.headers["Location"].endswith("/me"), f"{name}: {link}"
        home = c.get("/me")
        assert home.status_code == 200
        # Her home shows the next meeting, on its own date.
        assert str(ahead[0].starts_at.day) in home.get_data(as_text=True)
