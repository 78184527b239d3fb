"""Erasing her data reaches what only her key ties to her, and staff of one group reach only that
group (issue 15, findings 8 and 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from feedback.extensions import db
from feedback.privacy import services as privacy
from feedback.programs.models import Membership
from feedback.proposals import services as proposals
from feedback.threads import services as threads
from feedback.threads.models import Post, VoiceNote
from feedback.topics.models import Topic
from feedback.votes import services as votes
from feedback.votes.models import Vote
from tests.routes_support import new_client, snapshot

VOICE = (Path(__file__).parent / "fixtures" / "voice-1s.webm").read_bytes()


@pytest.fixture
def her(make):
    """Warda wrote a voice reply in a fully anonymous conversation and cast a secret ballot with a reason."""
    program = make.program()
    staff = make.staff(program, language="en")
    warda = make.member(program, name="Warda", language="en")
    others = [make.member(program, language="en") for _ in range(2)]
    topic = db.session.scalar(sa.select(Topic).where(Topic.program_id == program.id))
    room = threads.start_thread(staff, topic, "Say anything, nobody sees who.", fully_anonymous=True)
    post = threads.reply(warda, room, "Spoken, and written down here.", VOICE)
    post.transcript = "What staff wrote from her voice."
    secret = proposals.create_proposal(program.id, None, title="Saturdays", summary="We meet on Saturdays.",
                                       anonymous=True)
    proposals.open_voting(secret, None)
    votes.cast_vote(secret, warda, "disagree", "My own private reason.")
    for o in others:
        votes.cast_vote(secret, o, "agree")
    db.session.commit()
    return program, staff, warda, post.id, secret


def test_her_own_file_finds_her_anonymous_posts_and_staff_never_see_them(app, login, her):
    program, staff, warda, post_id, _secret = her
    own = login(warda, new_client(app)).get("/me/data.json").get_json()
    assert [p["id"] for p in own["posts_without_your_name"]] == [post_id]
    assert login(warda, new_client(app)).get("/me/data").status_code == 200
    staffs = login(staff, new_client(app)).get(f"/staff/{program.id}/members/{warda.id}/data.json").get_json()
    assert "posts_without_your_name" not in staffs and str(post_id) not in str(staffs["posts"])


def test_erasing_reaches_her_anonymous_post_and_her_secret_ballot(app, login, her):
    _program, _staff, warda, post_id, secret = her
    before_total = votes.results(secret.id).total
    resp = login(warda, new_client(app)).post("/me/data/erase", data={"confirm": "yes"})
    assert resp.status_code == 302
    post = db.session.get(Post, post_id)
    db.session.refresh(post)
    # Still "a member"'s post, as every post there, under a random key: nothing leads to her.
    assert post.transcript is None and not post.by_former_member and post.author_id is None
    assert len(post.author_key) == 64 and post.author_key != threads.author_key(post.thread_id, warda.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoiceNote).where(VoiceNote.post_id == post_id)) == 0
    ballots = list(db.session.scalars(sa.select(Vote).where(Vote.proposal_id == secret.id)))
    assert "My own private reason." not in {b.reason for b in ballots}
    # Her ballot is sealed while the vote is open: sealed again without her reason, still counted.
    assert votes.reasons(secret.id) == [] and votes.results(secret.id).counts["disagree"] == 1
    # Hers is still counted, under a random key of a real key's shape: tied to nobody, and no
    # ballot stands out by an empty key.
    assert all(b.ballot_key is not None and len(b.ballot_key) == 64 for b in ballots)
    assert votes.ballot_key(secret.id, warda.id) not in {b.ballot_key for b in ballots}
    assert votes.results(secret.id).total == before_total


def test_staff_of_one_group_see_and_erase_only_that_group(app, login, make, her):
    program, staff, warda, _post_id, _secret = her
    other = make.program()
    db.session.add(Membership(user_id=warda.id, program_id=other.id, role="member"))
    db.session.commit()
    elsewhere = proposals.create_proposal(other.id, None, title="Elsewhere", summary="In the other group.")
    proposals.open_voting(elsewhere, None)
    votes.cast_vote(elsewhere, warda, "agree", "Said in the other group.")
    client = login(staff, new_client(app))
    data = client.get(f"/staff/{program.id}/members/{warda.id}/data.json").get_json()
    assert [g["program"] for g in data["groups"]] == [program.name]
    assert "Said in the other group." not in str(data)
    before = snapshot()
    resp = client.post(f"/staff/{program.id}/members/{warda.id}/erase", data={"confirm": "yes"})
    assert resp.status_code == 409 and "also in another group" in resp.get_data(as_text=True)
    assert snapshot() == before
    assert privacy.my_data(warda)["groups"]  # her own file still has both groups
