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


def _sealed_as_first_released(proposal_id: int, choice: str, reason: str) -> bytes:
    """A seal made as the first release with sealed ballots made it (up to 0e80936): its key was
    HMAC-SHA256(ballot key, "feedback sealed ballot v1"). Written out here, not imported, so that
    a change to the app's key cannot change what this test holds it to."""
    import hashlib
    import hmac
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from feedback.common.security import ballot_secret
    from feedback.votes.sealing import NONCE, REASON_BYTES

    text = reason.encode()
    plain = bytes([CHOICES.index(choice) + 1]) + (len(text) + 1).to_bytes(2, "big") + text
    plain += bytes(1 + 2 + REASON_BYTES - len(plain))
    key = hmac.new(ballot_secret().encode(), b"feedback sealed ballot v1", hashlib.sha256).digest()
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plain, f"proposal:{proposal_id}".encode())


def test_seals_from_before_the_key_changed_still_count_and_close(app, secret, monkeypatch):
    """A secret vote open while the app was upgraded: its older seals open, count and close with
    the new ones."""
    p, (amina, beatriz, dilan, _eva) = secret
    assert unseal(p.id, _sealed_as_first_released(p.id, "unsure", "Later.")) == ("unsure", "Later.")
    for voter, choice in ((amina, "agree"), (beatriz, "disagree")):
        db.session.add(Vote(proposal_id=p.id, ballot_key=votes.ballot_key(p.id, voter.id), channel="phone",
                            sealed=_sealed_as_first_released(p.id, choice, f"Because {choice}.")))
    db.session.flush()
    votes.cast_vote(p, dilan, "agree", "Because agree.")  # sealed with today's key
    assert votes.results(p.id).counts == {"agree": 2, "unsure": 0, "disagree": 1}
    assert votes.my_vote(p, beatriz) == votes.MyVote("disagree", "Because disagree.")
    proposals.close_voting(p, None)
    db.session.flush()
    rows = db.session.execute(sa.select(Vote.choice, Vote.reason, Vote.sealed).where(Vote.proposal_id == p.id)).all()
    assert sorted(r.choice for r in rows) == ["agree", "agree", "disagree"]
    assert all(r.sealed is None and r.reason == f"Because {r.choice}." for r in rows)
    old_seal = _sealed_as_first_released(p.id, "agree", "x")
    monkeypatch.setitem(app.config, "BALLOT_SECRET", "another key")
    with pytest.raises(BrokenSeal):  # another ballot key opens neither kind
        unseal(p.id, old_seal)
