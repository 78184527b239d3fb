"""The hot paths keep their cost: how many SQL statements a vote, her home page and a live poll
send. Counted, not timed, so the figures hold on any machine; a change that adds a statement to
one of them fails here and must lower the figure it replaces or say why it grew."""

from __future__ import annotations

import pytest

from feedback.extensions import db
from feedback.meetings import live
from feedback.meetings.services import add_to_agenda

# Today's figures (issue 17). A logged-in request starts with one statement that loads her, her
# memberships and her server session together.
VOTE = 4  # her + session; the proposal; the ballot (an upsert); the live count
VOTE_SECRET = 4  # her + session; the proposal; her line on the voter roll; the ballot (no live count)
HOME = 18  # her + session, and what the page shows (meetings, the agenda, proposals in her language,
# her votes, news, changes, meetings she can still evaluate, open priority polls, date polls she has not
# answered): the same however many proposals there are
DOT = 6  # her + session; the poll with its options; its status under lock; her ballot's count (RETURNING);
# the dot (RETURNING); how many have voted. The same however many ideas the poll has.
POLL_UNCHANGED = 2  # her + session; the meeting and its version: no write
POLL_CHANGED = 9  # the same, and the agenda, the item, the proposal and its count that the phone shows,
# and whether she pressed "I don't understand" on the item


@pytest.fixture
def voting(make, login):
    program = make.program()
    member = make.member(program, language="en")
    named = make.proposal(program, "voting", results_live=True)
    secret = make.proposal(program, "voting", anonymous=True, title="A secret vote")
    meeting = make.meeting(program)
    add_to_agenda(meeting, named, None)
    live.start(meeting, 0)
    member.consented_at = member.created_at  # she has been here before: no welcome page
    db.session.commit()
    phone = login(member)
    return phone, named, secret, meeting


def _statements(count_queries, phone, method, url, **kw) -> list[str]:
    phone.open(url, method=method, **kw)  # warm: the first request of a client writes her seen-at
    db.session.commit()
    with count_queries() as statements:
        resp = phone.open(url, method=method, **kw)
    assert resp.status_code in (200, 204), (url, resp.status_code)
    return statements


def test_a_vote_sends_four_statements(voting, count_queries):
    phone, named, _secret, _meeting = voting
    htmx = {"HX-Request": "true"}
    statements = _statements(count_queries, phone, "POST", f"/p/{named.id}/vote", data={"choice": "agree"},
                             headers=htmx)
    assert len(statements) == VOTE, statements


def test_a_secret_vote_sends_four(voting, count_queries, app):
    phone, _named, secret, _meeting = voting
    url = f"/p/{secret.id}"
    phone.get(url)  # warm: the first request of a client writes her seen-at
    db.session.commit()
    htmx = {"HX-Request": "true"}
    # Her ballot is sealed (votes.sealing): one row written, on both databases, for her first
    # ballot and for a change of mind, however many ballots the proposal has.
    for choice in ("agree", "unsure"):
        with count_queries() as statements:
            assert phone.post(f"{url}/vote", data={"choice": choice}, headers=htmx).status_code == 200
        assert len(statements) == VOTE_SECRET, statements
        assert not any("FOR UPDATE" in s.upper() or s.lstrip().upper().startswith("DELETE") for s in statements)


def test_her_home_page_sends_the_same_statements_however_many_proposals(voting, count_queries, make):
    phone, named, _secret, meeting = voting
    statements = _statements(count_queries, phone, "GET", "/me")
    assert len(statements) == HOME, statements
    from feedback.proposals.models import ProposalTranslation

    program = named.program
    for n in range(4):  # more open proposals, each with translations, and on the agenda
        p = make.proposal(program, "voting", title=f"More {n}")
        p.translations.append(ProposalTranslation(language="en", title=f"More {n}", summary="More."))
        add_to_agenda(meeting, p, None)
    db.session.commit()
    assert len(_statements(count_queries, phone, "GET", "/me")) == HOME


def test_a_live_poll_reads_and_never_writes(voting, count_queries):
    phone, _named, _secret, meeting = voting
    first = phone.get(f"/live/{meeting.id}/now")
    version = first.headers["ETag"].strip('"')
    unchanged = _statements(count_queries, phone, "GET", f"/live/{meeting.id}/now?v={version}")
    assert len(unchanged) == POLL_UNCHANGED, unchanged
    changed = _statements(count_queries, phone, "GET", f"/live/{meeting.id}/now")
    assert len(changed) == POLL_CHANGED, changed
    for statement in unchanged + changed:
        assert not statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")), statement


@pytest.mark.parametrize("ideas", [2, 8])
def test_a_dot_sends_six_statements_however_many_ideas(voting, count_queries, ideas):
    from tests.priority_support import make_poll

    phone, named, _secret, _meeting = voting
    poll = make_poll(named.program, options=ideas, dots_per_member=3, max_per_option=3)
    url, form = f"/me/priorities/{poll.id}/dots", {"option": str(poll.options[-1].id), "step": "add"}
    statements = _statements(count_queries, phone, "POST", url, data=form, headers={"HX-Request": "true"})
    assert len(statements) == DOT, statements
