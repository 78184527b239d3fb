"""Votes without a phone, recorded by staff."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.votes import by_hand
from feedback.votes import services as votes
from feedback.votes.models import Vote, VoterRoll
from tests.routes_support import new_client, snapshot


@pytest.mark.parametrize("anonymous", [False, True])
def test_phone_vote_and_staff_vote_never_both_count(make, anonymous):
    prog = make.program()
    ana, bea = make.member(prog), make.member(prog)
    p = make.proposal(prog, "voting", anonymous=anonymous)
    votes.cast_vote(p, ana, "agree")
    with pytest.raises(RuleError) as e:
        by_hand.record_for_member(p, ana, "disagree")  # her own vote counts
    assert e.value.status == 409
    by_hand.record_for_member(p, bea, "unsure")
    by_hand.record_for_member(p, bea, "disagree")  # staff correct it
    r = votes.results(p.id)
    assert (r.counts, r.total, r.by_hand) == ({"agree": 1, "unsure": 0, "disagree": 1}, 2, 1)
    votes.cast_vote(p, bea, "agree")  # she votes on her phone after all: hers replaces theirs
    r = votes.results(p.id)
    assert (r.counts["agree"], r.total, r.by_hand) == (2, 2, 0)
    assert by_hand.by_channel(p.id) == by_hand.Channels(phone=2, staff=0)
    if anonymous:
        assert db.session.scalar(sa.select(sa.func.count()).select_from(VoterRoll)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.user_id.is_not(None))) == 0


def test_show_of_hands_counts_replace_each_other(make):
    prog = make.program()
    p = make.proposal(prog, "voting")
    member = make.member(prog)
    votes.cast_vote(p, member, "unsure")
    by_hand.set_hand_counts(p, {"agree": 3, "unsure": 0, "disagree": 1})
    by_hand.set_hand_counts(p, {"agree": 2, "unsure": 1, "disagree": 1})
    assert by_hand.hand_counts(p.id) == {"agree": 2, "unsure": 1, "disagree": 1}
    r = votes.results(p.id)
    assert (r.counts, r.by_hand) == ({"agree": 2, "unsure": 2, "disagree": 1}, 4)
    db.session.commit()
    for bad in ({"agree": -1}, {"maybe": 1}, {"agree": 501}):
        with pytest.raises(RuleError):
            by_hand.set_hand_counts(p, bad)
    db.session.rollback()
    assert votes.results(p.id).total == 5


@pytest.mark.parametrize("status", ["draft", "voted"])
def test_nothing_recorded_unless_voting_is_open(make, status):
    prog = make.program()
    member = make.member(prog)
    p = make.proposal(prog, status)
    with pytest.raises(RuleError):
        by_hand.record_for_member(p, member, "agree")
    with pytest.raises(RuleError):
        by_hand.set_hand_counts(p, {"agree": 1})
    assert votes.results(p.id).total == 0


def test_staff_record_votes_through_the_page(app, make, login):
    prog, other = make.program(), make.program()
    staff = make.staff(prog)
    member = make.member(prog, name="Fatima Hand")
    outsider = make.member(other)
    p = make.proposal(prog, "voting")
    client = login(staff, new_client(app))
    page = client.get(f"/staff/{prog.id}/proposals/{p.id}").get_data(as_text=True)
    assert "Fatima Hand" in page and 'id="by-hand"' in page
    base = f"/staff/{prog.id}/proposals/{p.id}/by-hand"
    before = snapshot()
    assert client.post(f"{base}/member", data={"member_id": outsider.id, "choice": "agree"}).status_code == 400
    assert client.post(f"{base}/member", data={"member_id": "abc", "choice": "agree"}).status_code == 400
    assert client.post(f"{base}/member", data={"member_id": member.id, "choice": "yes"}).status_code == 400
    assert client.post(f"{base}/counts", data={"count-agree": "many"}).status_code == 400
    assert snapshot() == before
    assert client.post(f"{base}/member", data={"member_id": member.id, "choice": "agree"}).status_code == 302
    assert client.post(f"{base}/counts", data={"count-agree": "2", "count-disagree": "1"}).status_code == 302
    r = votes.results(p.id)
    assert (r.total, r.by_hand) == (4, 4)
    row = db.session.scalar(sa.select(Vote).where(Vote.user_id == member.id))
    assert row.channel == "staff"
