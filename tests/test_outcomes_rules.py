"""Closing the loop: LIX, steering decisions, program changes, follow-up, the timeline and the audit log."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from feedback.audit.models import AuditEntry
from feedback.changes import services as changes
from feedback.changes.models import ChangeFeedback
from feedback.common.clock import local_today
from feedback.common.errors import RuleError
from feedback.common.lix import readability
from feedback.decisions import services as decisions
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.notifications import services as notifications
from feedback.proposals import services as proposals
from feedback.proposals.models import Status
from feedback.threads import services as threads
from feedback.votes import services as votes
from tests.routes_support import new_client, snapshot

# --- LIX, checked against hand-computed values ------------------------------------------------------


def test_lix_of_an_easy_text():
    # 9 words, 2 sentences, 1 long word (träffas: 7 letters): 9/2 + 100*1/9 = 4.5 + 11.1 = 15.6
    r = readability("Vi träffas på lördag. Du kan ta med barnen.")
    assert (r.words, r.sentences, r.long_words, r.score) == (9, 2, ("träffas",), 15.6)
    assert r.band == "very_easy" and not r.hard


def test_lix_of_a_hard_text():
    # 6 words, 1 sentence (no full stop), 5 long: 6/1 + 100*5/6 = 6 + 83.3 = 89.3
    r = readability("Programmets utvärderingsinstrument möjliggör kvalitetssäkring av verksamhetsutvecklingen")
    assert (r.words, r.sentences, r.score) == (6, 1, 89.3)
    assert r.hard and r.band == "very_hard"
    assert r.long_words[0] == "verksamhetsutvecklingen"  # the longest first


def test_lix_counts_exactly_six_letters_as_short_and_ignores_numbers():
    # "Mentor" has 6 letters (short), "mentorn" 7 (long); "12" is not a word.
    # 5 words: Mentorn, träffar, dig, kl, och... -> see below
    r = readability("Mentorn ringer 12 gånger. Mentor: ja!")
    # words: Mentorn, ringer, gånger, Mentor, ja = 5; sentences: ". : !" = 3; long: Mentorn = 1
    assert (r.words, r.sentences, r.long_words) == (5, 3, ("Mentorn",))
    assert r.score == round(5 / 3 + 100 * 1 / 5, 1)  # 21.7


def test_lix_of_nothing():
    assert readability("") is None and readability("123 456") is None


# --- decisions ---------------------------------------------------------------------------------------


@pytest.fixture
def loop(make):
    program = make.program()
    people = {
        "member": make.member(program, name="Hodan"),
        "member2": make.member(program, name="Leyla"),
        "staff": make.staff(program, name="Karin"),
        "steering": make.user(program, "steering", name="Maria", email=None),
    }
    p = make.proposal(program, "voting", title="Fika på träffarna")
    votes.cast_vote(p, people["member"], "agree", "Gott")
    votes.cast_vote(p, people["member2"], "disagree")
    proposals.close_voting(p, None)
    return {"program": program, "p": p, **people}


def refused(fn, *args, status=None, field=None, **kw):
    before = snapshot()
    with pytest.raises(RuleError) as info:
        fn(*args, **kw)
    db.session.rollback()
    assert snapshot() == before
    if status is not None:
        assert info.value.status == status
    if field is not None:
        assert info.value.field == field
    return info.value


def test_the_steering_group_decides_and_members_hear_of_it(loop):
    d = decisions.decide(loop["steering"], loop["p"], "accepted", "Ja! Vi har fika varje gång.")
    assert loop["p"].status == Status.DECIDED
    steps = [(e.from_status, e.to_status, e.actor_id) for e in loop["p"].events][-2:]
    assert steps == [("voted", "in_review", loop["steering"].id), ("in_review", "decided", loop["steering"].id)]
    assert d.decided_by_id == loop["steering"].id and d.replaced_at is None
    assert notifications.unread_count(loop["member"]) >= 1
    assert decisions.review_queue(loop["program"].id) == []


@pytest.mark.parametrize("who", ["staff", "member"])
def test_only_steering_decides(loop, who):
    refused(decisions.decide, loop[who], loop["p"], "accepted", "Ja.", status=403)


@pytest.mark.parametrize("status", ["draft", "on_agenda", "voting"])
def test_no_decision_before_the_group_has_voted(loop, make, status):
    p = make.proposal(loop["program"], status)
    refused(decisions.decide, loop["steering"], p, "accepted", "Ja.", status=409)


def test_a_second_decision_needs_reopening(loop):
    first = decisions.decide(loop["steering"], loop["p"], "declined", "Nej, det kostar för mycket.")
    refused(decisions.decide, loop["steering"], loop["p"], "accepted", "Ja ändå.", status=409)
    refused(decisions.reopen, loop["staff"], loop["p"], status=403)
    decisions.reopen(loop["steering"], loop["p"], "Nya pengar.")
    assert loop["p"].status == Status.IN_REVIEW and first.replaced_at is not None
    second = decisions.decide(loop["steering"], loop["p"], "accepted", "Ja, nu finns pengar.")
    assert decisions.current_decision(loop["p"].id).id == second.id
    # Nothing is deleted: both decisions are on record.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 2


def test_only_a_decided_proposal_can_be_reopened(loop):
    refused(decisions.reopen, loop["steering"], loop["p"], status=409)


def test_postponed_needs_a_future_date(loop):
    refused(decisions.decide, loop["steering"], loop["p"], "postponed", "Vi väntar.", field="postponed_until")
    refused(decisions.decide, loop["steering"], loop["p"], "postponed", "Vi väntar.",
            postponed_until=local_today() - timedelta(days=1), field="postponed_until")
    d = decisions.decide(loop["steering"], loop["p"], "postponed", "Vi väntar på budgeten.",
                         postponed_until=local_today() + timedelta(days=60))
    assert d.postponed_until is not None


def test_adapted_says_what_is_different_and_reasons_are_required(loop):
    refused(decisions.decide, loop["steering"], loop["p"], "adapted", "Ja, men...", field="changes")
    refused(decisions.decide, loop["steering"], loop["p"], "accepted", "   ", field="reason")
    refused(decisions.decide, loop["steering"], loop["p"], "maybe", "Hm.", field="outcome")
    refused(decisions.decide, loop["steering"], loop["p"], "accepted", "x" * 1501, field="reason")
    d = decisions.decide(loop["steering"], loop["p"], "adapted", "Ja, men fika varannan gång.",
                         changes="Varannan gång i stället för varje gång.",
                         translations={"en": ("Yes, but every other time.", None), "ar": ("", None)})
    assert d.reason_in("en")[0] == "Yes, but every other time."
    assert d.reason_in("ar")[0] == "Ja, men fika varannan gång."  # empty translation: Swedish shown


# --- program changes -----------------------------------------------------------------------------------


def fields(**kw) -> changes.ChangeFields:
    base = dict(title="Fika", description="Nu finns fika.", changed_on=date(2026, 11, 1), status="in_progress",
                progress=50, origin="expert_group")
    return changes.ChangeFields(**{**base, **kw})


@pytest.mark.parametrize("progress", [-1, 101, None])
def test_progress_is_0_to_100(loop, progress):
    refused(changes.create_change, loop["staff"], loop["program"].id, fields(progress=progress), field="progress")


def test_done_means_100_percent(loop):
    c = changes.create_change(loop["staff"], loop["program"].id, fields(status="done", progress=20))
    assert c.progress == 100


def test_links_to_another_programs_records_are_refused(loop, make):
    other = make.program()
    other_p = make.proposal(other, "draft")
    other_member = make.member(other)
    other_thread = threads.start_thread(other_member, make.meeting(other), "Hej")
    for kw in ({"proposal_ids": (other_p.id,)}, {"post_ids": (other_thread.posts[0].id,)},
               {"decision_ids": (999999,)}):
        refused(changes.create_change, loop["staff"], loop["program"].id, fields(**kw), status=400)


def test_a_change_links_to_what_led_to_it(loop):
    d = decisions.decide(loop["steering"], loop["p"], "accepted", "Ja.")
    t = threads.start_thread(loop["member"], loop["p"], "Fika är viktigt")
    c = changes.create_change(loop["staff"], loop["program"].id, fields(
        decision_ids=(d.id,), proposal_ids=(loop["p"].id,), post_ids=(t.posts[0].id,)))
    assert [x.id for x in c.decisions] == [d.id] and [x.id for x in c.posts] == [t.posts[0].id]


def test_the_share_from_the_group_is_honest(loop):
    changes.create_change(loop["staff"], loop["program"].id, fields())
    changes.create_change(loop["staff"], loop["program"].id, fields(origin="funder"))
    changes.create_change(loop["staff"], loop["program"].id, fields(origin="staff"))
    assert changes.share_from_group(loop["program"].id) == (1, 3)


def test_follow_up_question(loop):
    later = changes.create_change(loop["staff"], loop["program"].id, fields(review_on=local_today() + timedelta(days=9)))
    refused(changes.answer_follow_up, loop["member"], later, "yes", None, status=409)
    c = changes.create_change(loop["staff"], loop["program"].id, fields(review_on=local_today()))
    refused(changes.answer_follow_up, loop["staff"], c, "yes", None, status=403)
    refused(changes.answer_follow_up, loop["member"], c, "perhaps", None, field="answer")
    refused(changes.answer_follow_up, loop["member"], c, "yes", "x" * 501, field="reason")
    changes.answer_follow_up(loop["member"], c, "a_little", "Bra men kort.")
    changes.answer_follow_up(loop["member"], c, "yes", None)  # she may change her answer
    changes.answer_follow_up(loop["member2"], c, "no", "Inget ändrades.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangeFeedback)) == 2
    assert changes.follow_up_results([c.id]) == {c.id: {"yes": 1, "no": 1}}
    assert [x.id for x in changes.due_follow_ups(loop["member2"], [loop["program"].id])] == []
    assert [x.id for x in changes.due_follow_ups(loop["staff"], [loop["program"].id])] == [c.id]


# --- the timeline -------------------------------------------------------------------------------------


def test_timeline_marks_her_vote_and_her_post(loop, make):
    from feedback.outcomes.services import timeline

    secret = make.proposal(loop["program"], "voting", title="Hemligt", anonymous=True)
    votes.cast_vote(secret, loop["member"], "unsure")
    proposals.close_voting(secret, None)
    t = threads.start_thread(loop["member"], loop["p"], "Fika!")
    threads.proposal_from_posts(loop["staff"], t, [t.posts[0].id])  # a second proposal from her post
    d1 = decisions.decide(loop["steering"], loop["p"], "accepted", "Ja.")
    d2 = decisions.decide(loop["steering"], secret, "declined", "Nej.")
    c = changes.create_change(loop["staff"], loop["program"].id, fields(decision_ids=(d1.id,)))
    items = {(i.kind, (i.decision or i.change).id): i for i in timeline([loop["program"].id], loop["member"])}
    assert items[("decision", d1.id)].my_choice == "agree"
    assert items[("decision", d1.id)].results.counts == {"agree": 1, "unsure": 0, "disagree": 1}
    assert items[("decision", d2.id)].my_choice == "unsure"  # found through her secret ballot key
    assert items[("change", c.id)].my_choice == "agree"
    other = {(i.kind, (i.decision or i.change).id): i for i in timeline([loop["program"].id], loop["member2"])}
    assert other[("decision", d1.id)].my_choice == "disagree" and other[("decision", d2.id)].my_choice is None
    assert not other[("decision", d1.id)].my_post


# --- the audit log --------------------------------------------------------------------------------------


def audit_rows(**where):
    q = sa.select(AuditEntry).order_by(AuditEntry.id)
    for k, v in where.items():
        q = q.where(getattr(AuditEntry, k) == v)
    return list(db.session.scalars(q))


def test_office_actions_are_logged_and_members_votes_are_not(app, make, login):
    program = make.program()
    staff = make.staff(program, name="Karin")
    member = make.member(program)
    p = make.proposal(program, "voting")
    before = len(audit_rows())
    c = login(member, new_client(app))
    assert c.post(f"/p/{p.id}/vote", data={"choice": "agree", "reason": "hemligt"}).status_code == 302
    assert len(audit_rows()) == before  # her vote is not in a log that staff read
    s = login(staff, new_client(app))
    assert s.post(f"/staff/{program.id}/proposals/{p.id}/close").status_code == 302
    rows = audit_rows(record_type="proposals", actor_id=staff.id)
    assert rows and rows[-1].action == "update" and rows[-1].actor_name == "Karin"
    assert json.loads(rows[-1].changes)["status"] == ["voting", "voted"]
    assert rows[-1].program_id == program.id
    assert audit_rows(record_type="proposal_events", actor_id=staff.id)[-1].action == "create"


def test_secrets_never_reach_the_audit_log(app, make, login):
    program = make.program()
    admin = make.user(None, "member", is_admin=True, name="Ada")
    target = make.staff(program)
    c = login(admin, new_client(app))
    c.post(f"/admin/users/{target.id}/password-link")
    for row in audit_rows(actor_id=admin.id):
        assert "token_hash" not in (row.changes or "") and "password_hash" not in (row.changes or "")
    assert any(r.record_type == "login_tokens" for r in audit_rows(actor_id=admin.id))


def test_corrections_of_a_change_keep_the_old_words_in_the_log(app, make, login):
    program = make.program()
    staff = make.staff(program)
    s = login(staff, new_client(app))
    form = {"title": "Fika", "description": "Nu finns fika.", "changed_on": "2026-11-01", "status": "done",
            "progress": "100", "origin": "staff", "topic_id": "0"}
    assert s.post(f"/staff/{program.id}/changes/new", data=form).status_code == 302
    change_id = audit_rows(record_type="program_changes")[-1].record_id
    assert s.post(f"/staff/{program.id}/changes/{change_id}/edit", data={**form, "title": "Fika och frukt"}
                  ).status_code == 302
    last = audit_rows(record_type="program_changes", action="update")[-1]
    assert json.loads(last.changes)["title"] == ["Fika", "Fika och frukt"]


@pytest.mark.parametrize("outcome", ["declined", "postponed"])
def test_a_done_change_does_not_implement_what_was_declined_or_postponed(loop, outcome):
    """Found by a review: any decided proposal linked to a done change became "implemented",
    and a postponed one could then never come back."""
    later = local_today() + timedelta(days=30) if outcome == "postponed" else None
    decisions.decide(loop["steering"], loop["p"], outcome, "Nej.", postponed_until=later)
    changes.create_change(loop["staff"], loop["program"].id, fields(proposal_ids=(loop["p"].id,), status="done"))
    assert loop["p"].status == Status.DECIDED and loop["p"].events[-1].to_status == "decided"
    decisions.reopen(loop["steering"], loop["p"], "Nu har vi pengar.")  # it can still come back
    assert loop["p"].status == Status.IN_REVIEW


def test_a_change_linked_to_a_replaced_decision_does_not_implement_the_new_one(loop):
    first = decisions.decide(loop["steering"], loop["p"], "accepted", "Ja.")
    c = changes.create_change(loop["staff"], loop["program"].id, fields(decision_ids=(first.id,), status="planned"))
    decisions.reopen(loop["steering"], loop["p"], "Pengarna tog slut.")
    decisions.decide(loop["steering"], loop["p"], "declined", "Nej, inga pengar.")
    changes.update_change(loop["staff"], c, fields(decision_ids=(first.id,), status="done"))
    assert loop["p"].status == Status.DECIDED


def test_a_done_change_implements_the_decided_proposal(loop):
    d = decisions.decide(loop["steering"], loop["p"], "accepted", "Ja.")
    c = changes.create_change(loop["staff"], loop["program"].id, fields(decision_ids=(d.id,), status="in_progress"))
    assert loop["p"].status == Status.DECIDED
    changes.update_change(loop["staff"], c, fields(decision_ids=(d.id,), status="done"))
    assert loop["p"].status == Status.IMPLEMENTED
    assert loop["p"].events[-1].to_status == "implemented" and loop["p"].events[-1].actor_id == loop["staff"].id
