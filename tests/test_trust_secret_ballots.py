"""A secret vote tells nobody anything but "how many have voted" while it is open (issue 15,
finding 2): reloading a page after each ballot must not tie a ballot to the member who just voted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from feedback.common.clock import local_now
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings import live
from feedback.meetings import services as meetings
from feedback.proposals import services as proposals
from feedback.proposals.models import Proposal
from feedback.votes import services as votes
from feedback.votes.sealing import SEALED_BYTES
from tests.databases import USE_POSTGRES
from tests.routes_support import count, new_client

REASON = "I work on Saturdays, so no."


@pytest.fixture
def secret(make):
    program = make.program()
    staff = make.staff(program, language="en")
    steering = make.user(program, "steering", language="en")
    voters = [make.member(program, name=f"Voter {i}", language="en") for i in range(3)]
    p = proposals.create_proposal(program.id, None, title="Saturdays", summary="We meet on Saturdays.", anonymous=True)
    proposals.open_voting(p, None)
    return program, staff, steering, voters, p


def test_staff_see_only_how_many_have_voted_until_it_closes(app, login, secret):
    program, staff, _steering, voters, p = secret
    client = login(staff, new_client(app))
    url = f"/staff/{program.id}/proposals/{p.id}"
    for n, voter in enumerate(voters, start=1):
        votes.cast_vote(p, voter, "disagree" if n == 2 else "agree", REASON if n == 2 else None)
        page = client.get(url).get_data(as_text=True)
        assert f"{n} member" in page  # "1 member has voted", "2 members have voted"
        assert "result-count" not in page and REASON not in page and "This is a secret vote" in page
    proposals.close_voting(p, None)
    page = client.get(url).get_data(as_text=True)
    assert "result-count" in page and REASON in page


def test_the_steering_groups_review_page_shows_no_counts_or_reasons_until_it_closes(app, login, secret):
    """Found by a review: the review page opened the seals and showed counts and reasons of an
    open secret vote, so reloading it after each ballot told who voted what."""
    program, _staff, steering, voters, p = secret
    client = login(steering, new_client(app))
    url = f"/staff/{program.id}/review/{p.id}"
    for n, voter in enumerate(voters, start=1):
        votes.cast_vote(p, voter, "disagree" if n == 2 else "agree", REASON if n == 2 else None)
        db.session.commit()
        page = client.get(url).get_data(as_text=True)
        assert "result-row" not in page and REASON not in page and "This is a secret vote" in page
    proposals.close_voting(p, None)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "result-row result-disagree" in page and REASON in page and "This is a secret vote" not in page


def test_live_results_are_never_shown_for_an_open_secret_vote(app, login, secret):
    program, staff, _steering, voters, p = secret
    # A secret proposal stored with live results on (as the demo and older versions made them).
    p.results_live = True
    db.session.commit()
    votes.cast_vote(p, voters[0], "agree")
    member = login(voters[1], new_client(app))
    assert "result-count" not in member.get(f"/p/{p.id}/results").get_data(as_text=True)
    assert "result-count" not in member.get(f"/p/{p.id}").get_data(as_text=True)
    # The live meeting: the control page, the projector and the phones show the counter only.
    meeting = meetings.create_meeting(program.id, "Now", local_now())
    meetings.add_to_agenda(meeting, p, None)
    live.start(meeting, 0)
    db.session.commit()
    office = login(staff, new_client(app))
    for url in (f"/staff/{program.id}/meetings/{meeting.id}/live", f"/staff/{program.id}/meetings/{meeting.id}/projector",
                f"/live/{meeting.id}"):
        page = (office if "/staff/" in url else member).get(url).get_data(as_text=True)
        assert "result-count" not in page and "result-row" not in page, url
    with pytest.raises(RuleError):
        live.reveal(meeting, meeting.live_version)


@pytest.mark.parametrize("when", ["new", "draft", "voting"])
def test_live_results_cannot_be_switched_on_for_a_secret_vote(app, make, login, when):
    program = make.program()
    staff = make.staff(program, language="en")
    client = login(staff, new_client(app))
    form = {"title": "Saturdays", "summary": "We meet on Saturdays.", "icon": "idea", "topic_id": "0",
            "anonymous": "y", "results_live": "y"}
    if when == "new":
        resp = client.post(f"/staff/{program.id}/proposals/new", data=form)
        assert resp.status_code == 400 and "A secret vote shows its result only when voting closes" in \
            resp.get_data(as_text=True)
        assert count(Proposal) == 0
        return
    p = proposals.create_proposal(program.id, None, title="Saturdays", summary="We meet on Saturdays.", anonymous=True)
    if when == "voting":
        proposals.open_voting(p, None)
    db.session.commit()
    resp = client.post(f"/staff/{program.id}/proposals/{p.id}/edit", data=form)
    assert resp.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(Proposal.results_live).where(Proposal.id == p.id)) is False


@pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres")
def test_postgres_row_stamps_do_not_tie_a_ballot_to_its_voter_while_voting_is_open(make):
    """Issue 15, finding 4: a ballot and its voter-roll line written in one transaction share
    that transaction's id (xmin). The stamp may tie her to her ballot, but the ballot is sealed
    while voting is open: no choice, no reason, and seals of one length. Closing opens them and
    writes every ballot again, in a random order, in one transaction. Each ballot here is a
    transaction of its own, as each vote is a request of its own."""
    program = make.program()
    voters = [make.member(program) for _ in range(16)]
    p = proposals.create_proposal(program.id, None, title="Saturdays", summary="We meet on Saturdays.", anonymous=True)
    proposals.open_voting(p, None)
    db.session.commit()
    came_in = []
    for i, voter in enumerate(voters):
        choice = ("agree", "unsure", "disagree")[(i * 7 + i // 5) % 3]
        votes.cast_vote(p, voter, choice, REASON if i % 4 == 0 else None)
        db.session.commit()
        came_in.append(choice)
    votes.cast_vote(p, voters[3], "agree")  # a change of mind
    db.session.commit()
    came_in[3] = "agree"

    def read(sql: str) -> list:
        return [tuple(r) for r in db.session.execute(sa.text(sql), {"p": p.id})]

    ballots = read("SELECT xmin::text, choice, reason, length(sealed) FROM votes WHERE proposal_id = :p ORDER BY ctid")
    roll = read("SELECT xmin::text, user_id FROM voter_roll WHERE proposal_id = :p ORDER BY ctid")
    assert len(ballots) == len(roll) == 16
    assert {(c, r, n) for _, c, r, n in ballots} == {(None, None, SEALED_BYTES)}  # nothing to read in any
    assert [votes.my_vote(p, v).choice for v in voters] == came_in

    proposals.close_voting(p, None)
    db.session.commit()
    ballots = read("SELECT xmin::text, choice FROM votes WHERE proposal_id = :p AND sealed IS NULL ORDER BY ctid")
    roll = read("SELECT xmin::text, user_id FROM voter_roll WHERE proposal_id = :p ORDER BY ctid")
    # Closed, every row of both tables carries the stamp of the closing, the roll is in member
    # order and the ballots in an order of their own.
    assert len(ballots) == 16 and len({x for x, _ in ballots} | {x for x, _ in roll}) == 1
    assert [u for _, u in roll] == sorted(v.id for v in voters)
    assert [c for _, c in ballots] != came_in and sorted(c for _, c in ballots) == sorted(came_in)
    assert [votes.my_vote(p, v).choice for v in voters] == came_in
