"""Sealed ballots (votes.sealing): an open secret vote's choice and reason, encrypted so that the
tables alone tell nothing, and read back by the app for her own vote, the count and the reasons."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from feedback.extensions import db
from feedback.proposals import services as proposals
from feedback.votes import services as votes
from feedback.votes.models import CHOICES, Vote
from feedback.votes.sealing import SEALED_BYTES, BrokenSeal, seal, unseal

LONGEST = [None, "", "Nej.", "لا أستطيع يوم السبت" * 20, "🙂" * 500, "x" * 500]


@pytest.mark.parametrize("reason", LONGEST)
@pytest.mark.parametrize("choice", CHOICES)
def test_a_seal_opens_to_what_was_sealed_and_is_always_as_long(app, choice, reason):
    sealed = seal(7, choice, reason)
    assert len(sealed) == SEALED_BYTES
    assert unseal(7, sealed) == (choice, reason or None)


def test_the_same_ballot_sealed_twice_looks_different(app):
    assert seal(7, "agree", None) != seal(7, "agree", None)  # a fresh nonce each time


def test_a_seal_does_not_open_elsewhere_changed_or_with_another_key(app, monkeypatch):
    sealed = seal(7, "agree", "Yes")
    with pytest.raises(BrokenSeal):
        unseal(8, sealed)  # copied to another proposal
    changed = bytearray(sealed)
    changed[40] ^= 1
    with pytest.raises(BrokenSeal):
        unseal(7, bytes(changed))
    monkeypatch.setitem(app.config, "BALLOT_SECRET", "another key")
    with pytest.raises(BrokenSeal):
        unseal(7, sealed)


def test_a_reason_longer_than_the_seal_holds_is_refused(app):
    with pytest.raises(ValueError):
        seal(7, "agree", "🙂" * 501)


@pytest.fixture
def secret(make):
    program = make.program()
    voters = [make.member(program, language="en") for _ in range(4)]
    p = make.proposal(program, "voting", anonymous=True)
    return p, voters


def test_an_open_secret_vote_reads_sealed_and_plain_ballots_alike(secret):
    p, (amina, beatriz, dilan, eva) = secret
    votes.cast_vote(p, amina, "agree", "Good for the children.")
    votes.cast_vote(p, beatriz, "disagree")
    votes.cast_vote(p, dilan, "disagree", "I work then.")
    # A plain ballot stored before sealing came (migration 0028 leaves those as they were).
    db.session.add(Vote(proposal_id=p.id, ballot_key=votes.ballot_key(p.id, eva.id), choice="unsure",
                        reason="Not sure yet.", channel="phone"))
    db.session.flush()
    assert votes.results(p.id).counts == {"agree": 1, "unsure": 1, "disagree": 2}
    assert votes.results_many([p.id])[p.id].total == 4
    assert votes.reasons(p.id) == [("agree", "Good for the children."), ("disagree", "I work then."),
                                   ("unsure", "Not sure yet.")]
    assert votes.my_vote(p, amina) == votes.MyVote("agree", "Good for the children.")
    assert votes.my_choices(eva, [p]) == {p.id: "unsure"} and votes.my_choices(dilan, [p]) == {p.id: "disagree"}
    # Eva votes again: her ballot is sealed now, still one.
    votes.cast_vote(p, eva, "agree")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.sealed.is_(None))) == 0
    assert votes.results(p.id).counts == {"agree": 2, "unsure": 0, "disagree": 2}


def test_closing_opens_every_seal_into_plain_ballots(secret):
    p, voters = secret
    for voter, choice in zip(voters, ("agree", "unsure", "disagree", "agree"), strict=True):
        votes.cast_vote(p, voter, choice, f"Because {choice}.")
    proposals.close_voting(p, None)
    db.session.flush()
    rows = db.session.execute(sa.select(Vote.choice, Vote.reason, Vote.sealed, Vote.ballot_key)
                              .where(Vote.proposal_id == p.id)).all()
    assert sorted(r.choice for r in rows) == ["agree", "agree", "disagree", "unsure"]
    assert all(r.sealed is None and r.reason == f"Because {r.choice}." and r.ballot_key for r in rows)
    assert [votes.my_vote(p, v).choice for v in voters] == ["agree", "unsure", "disagree", "agree"]
