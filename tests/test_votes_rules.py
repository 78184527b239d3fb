"""The voting rules, tested on the services without HTTP."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.proposals import services as proposals
from feedback.votes import services as votes
from feedback.votes.models import Vote, VoterRoll
from feedback.votes.sealing import SEALED_BYTES


def count_votes(p) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.proposal_id == p.id))


def test_member_votes_and_changes_her_vote(make):
    prog = make.program()
    alice = make.member(prog)
    p = make.proposal(prog, "voting")
    votes.cast_vote(p, alice, "agree", " good idea ")
    assert votes.my_vote(p, alice).choice == "agree"
    assert votes.my_vote(p, alice).reason == "good idea"
    votes.cast_vote(p, alice, "disagree", "")
    assert votes.my_vote(p, alice).choice == "disagree"
    assert votes.my_vote(p, alice).reason is None
    assert count_votes(p) == 1
    assert votes.results(p.id).counts == {"agree": 0, "unsure": 0, "disagree": 1}


@pytest.mark.parametrize("status", ["draft", "on_agenda", "voted"])
def test_no_vote_unless_voting_is_open(make, status):
    prog = make.program()
    alice = make.member(prog)
    p = make.proposal(prog, status)
    with pytest.raises(RuleError) as e:
        votes.cast_vote(p, alice, "agree")
    assert e.value.status == 409
    assert count_votes(p) == 0


def test_member_of_another_program_cannot_vote(make):
    prog, other = make.program(), make.program()
    outsider = make.member(other)
    p = make.proposal(prog, "voting")
    with pytest.raises(RuleError) as e:
        votes.cast_vote(p, outsider, "agree")
    assert e.value.status == 403
    assert count_votes(p) == 0


def test_staff_are_not_voters(make):
    prog = make.program()
    staff = make.staff(prog)
    p = make.proposal(prog, "voting")
    with pytest.raises(RuleError):
        votes.cast_vote(p, staff, "agree")


@pytest.mark.parametrize("choice", ["", "yes", "AGREE", "agree "])
def test_invalid_choice_changes_nothing(make, choice):
    prog = make.program()
    alice = make.member(prog)
    p = make.proposal(prog, "voting")
    votes.cast_vote(p, alice, "unsure")
    with pytest.raises(RuleError):
        votes.cast_vote(p, alice, choice)
    assert votes.my_vote(p, alice).choice == "unsure"


def test_too_long_reason_is_refused(make):
    prog = make.program()
    alice = make.member(prog)
    p = make.proposal(prog, "voting")
    with pytest.raises(RuleError):
        votes.cast_vote(p, alice, "agree", "x" * (votes.REASON_MAX + 1))
    assert count_votes(p) == 0
    votes.cast_vote(p, alice, "agree", "x" * votes.REASON_MAX)
    assert count_votes(p) == 1


def test_anonymous_ballot_is_stored_without_the_voter(make):
    prog = make.program()
    alice, bea = make.member(prog), make.member(prog)
    p = make.proposal(prog, "voting", anonymous=True)
    votes.cast_vote(p, alice, "agree")
    votes.cast_vote(p, alice, "disagree")  # she changes her mind
    votes.cast_vote(p, bea, "agree")
    rows = db.session.execute(sa.select(Vote.user_id, Vote.created_at, Vote.choice).where(Vote.proposal_id == p.id)).all()
    assert len(rows) == 2
    assert all(r.user_id is None and r.created_at is None for r in rows)
    roll = db.session.scalars(sa.select(VoterRoll.user_id).where(VoterRoll.proposal_id == p.id)).all()
    assert sorted(roll) == sorted([alice.id, bea.id])
    assert votes.my_vote(p, alice).choice == "disagree"
    assert votes.results(p.id).counts == {"agree": 1, "unsure": 0, "disagree": 1}
    assert votes.voters_count(p) == 2


def test_the_tables_alone_cannot_tie_a_secret_ballot_to_its_voter(make):
    """What someone with the database but not the app's secret sees: no voter, no time, and no
    order that lines the ballots up with the voter roll (by id, or as the rows come back)."""
    prog = make.program()
    voters = [make.member(prog) for _ in range(24)]
    p = make.proposal(prog, "voting", anonymous=True)
    came_in = []  # the choices in the order the ballots were cast: what must not be recoverable
    for i, voter in enumerate(voters):
        choice = ("agree", "unsure", "disagree")[(i * 7 + i // 5) % 3]
        votes.cast_vote(p, voter, choice)
        came_in.append(choice)

    def read(sql: str) -> list:
        return [tuple(r) for r in db.session.execute(sa.text(sql), {"p": p.id})]

    # While voting is open, every ballot is sealed: no choice, no reason, and seals of one length.
    open_rows = read("SELECT choice, reason, sealed FROM votes WHERE proposal_id = :p")
    assert len(open_rows) == 24 and all(c is None and r is None for c, r, _ in open_rows)
    assert {len(sealed) for _, _, sealed in open_rows} == {SEALED_BYTES}
    proposals.close_voting(p, None)
    db.session.expire_all()

    rows = read("SELECT id, user_id, created_at, updated_at, choice FROM votes WHERE proposal_id = :p")
    assert all(r[1] is None and r[2] is None and r[3] is None for r in rows)
    as_stored = [r[4] for r in rows]
    by_id = [c for (c,) in read("SELECT choice FROM votes WHERE proposal_id = :p ORDER BY id")]
    assert sorted(as_stored) == sorted(came_in)
    assert as_stored != came_in and by_id != came_in
    roll = [u for (u,) in read("SELECT user_id FROM voter_roll WHERE proposal_id = :p")]
    assert roll == sorted(v.id for v in voters)  # the roll says who, in the order of their ids only
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(sa.exc.OperationalError):  # no hidden row id that counts up
            read("SELECT rowid FROM voter_roll WHERE proposal_id = :p")
    # The count and each member's own ballot (through the app's secret) are unchanged.
    assert votes.results(p.id).counts == {c: came_in.count(c) for c in ("agree", "unsure", "disagree")}
    assert [votes.my_vote(p, v).choice for v in voters] == came_in


def test_database_refuses_a_second_named_vote(make):
    prog = make.program()
    alice = make.member(prog)
    p = make.proposal(prog, "voting")
    votes.cast_vote(p, alice, "agree")
    db.session.commit()
    db.session.add(Vote(proposal_id=p.id, user_id=alice.id, choice="agree", channel="phone"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count_votes(p) == 1


def test_results_shares_and_vote_after_close_refused(make):
    prog = make.program()
    ms = [make.member(prog) for _ in range(3)]
    p = make.proposal(prog, "voting")
    for m, c in zip(ms, ["agree", "agree", "unsure"], strict=True):
        votes.cast_vote(p, m, c)
    assert not p.results_visible
    proposals.close_voting(p, None)
    r = votes.results(p.id)
    assert (r.total, r.share("agree"), r.share("unsure"), r.share("disagree")) == (3, 67, 33, 0)
    assert p.results_visible
    with pytest.raises(RuleError):
        votes.cast_vote(p, ms[2], "disagree")
    assert votes.my_vote(p, ms[2]).choice == "unsure"


def test_live_results_visible_while_voting(make):
    prog = make.program()
    p = make.proposal(prog, "voting", results_live=True)
    assert p.results_visible


def test_reasons_are_listed_without_names(make):
    prog = make.program()
    a, b, c = make.member(prog), make.member(prog), make.member(prog)
    p = make.proposal(prog, "voting")
    votes.cast_vote(p, a, "agree", "Bra för oss med barn.")
    votes.cast_vote(p, b, "disagree", "Jag arbetar då.")
    votes.cast_vote(p, c, "unsure")
    assert votes.reasons(p.id) == [("agree", "Bra för oss med barn."), ("disagree", "Jag arbetar då.")]


def test_voted_on_finds_named_and_secret_votes_in_two_queries(make, app, count_queries):
    prog = make.program()
    alice = make.member(prog)
    named = [make.proposal(prog, "voting") for _ in range(3)]
    secret = [make.proposal(prog, "voting", anonymous=True) for _ in range(3)]
    votes.cast_vote(named[0], alice, "agree")
    votes.cast_vote(secret[1], alice, "unsure")
    for p in [*named, *secret, alice]:
        db.session.refresh(p)  # loaded already, as on the home page
    with count_queries() as statements:
        done = votes.voted_on(named + secret, alice)
    assert done == {named[0].id, secret[1].id}
    assert len(statements) == 2


@pytest.mark.parametrize("lang", ["sv", "en", "ar", "fa", "so", "ti"])
def test_the_panel_words_are_the_choice_labels_in_her_language(app, lang):
    from flask_babel import force_locale

    from feedback.votes.labels import CHOICE_LABELS, choice_labels

    with app.test_request_context(), force_locale(lang):
        words = choice_labels()
        assert words == {choice: str(label) for choice, label in CHOICE_LABELS.items()}
    if lang == "sv":
        assert words == {"agree": "Ja, bra", "unsure": "Vet inte", "disagree": "Nej, inte bra"}


@pytest.mark.parametrize("lang", ["sv", "en", "ar", "fa", "so", "ti"])
def test_a_result_line_reads_as_the_template_would_say_it(app, lang):
    from flask import render_template_string
    from flask_babel import force_locale

    from feedback.votes.labels import count_words

    with app.test_request_context(), force_locale(lang):
        said = render_template_string('{{ _("%(n)s of %(total)s (%(pct)s%%)", n=3, total=6, pct=50) }}')
        assert count_words(3, 6, 50) == said
        assert "3" in said and "6" in said and "50" in said and "%%" not in said
