""""I don't understand" presses and the meeting's evaluation (feedback/understanding/): the rules,
what the tables hold (never who, unless she allowed it), privacy, and the staff pages."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings import live
from feedback.meetings.services import add_agenda_item
from feedback.privacy.services import erase, my_data
from feedback.understanding import evaluation, presses
from feedback.understanding.models import MeetingEvaluation, UnderstandPress
from tests.moments import local

VOICE = (Path(__file__).parent / "fixtures" / "voice-1s.webm").read_bytes()


def press_rows() -> list[dict]:
    db.session.expire_all()
    return [dict(r._mapping) for r in db.session.execute(sa.select(UnderstandPress.__table__))]


def eval_rows(meeting_id: int) -> list[dict]:
    db.session.expire_all()
    return [dict(r._mapping) for r in db.session.execute(
        sa.select(MeetingEvaluation.__table__).where(MeetingEvaluation.meeting_id == meeting_id))]


@pytest.fixture
def group(make):
    prog = make.program()
    amina = make.member(prog, name="Amina Hassan")
    leyla = make.member(prog, name="Leyla Karimi")
    staff = make.staff(prog, name="Sara Staff")
    p = make.proposal(prog, "voting", title="Fika på lördagar", summary="Vi fikar på lördagar.")
    return prog, amina, leyla, staff, p


# --- presses ---------------------------------------------------------------------------------


def test_a_press_counts_once_per_member_and_stores_no_one(group):
    _prog, amina, leyla, _staff, p = group
    presses.press("proposal", p.id, amina)
    presses.press("proposal", p.id, amina)  # a second press is the same press
    db.session.commit()
    assert presses.count("proposal", p.id) == 1
    presses.press("proposal", p.id, leyla)
    db.session.commit()
    assert presses.count("proposal", p.id) == 2
    rows = press_rows()
    assert set(rows[0]) == {"press_key", "program_id", "text_kind", "text_id"}  # no user, no time, no id
    for row in rows:
        assert len(row["press_key"]) == 64 and row["press_key"] != presses.press_key("proposal", p.id, 0)
        assert amina.name not in str(row) and leyla.name not in str(row)
    assert presses.is_pressed("proposal", p.id, amina) and presses.is_pressed("proposal", p.id, leyla)


def test_she_undoes_her_own_press_only(group):
    _prog, amina, leyla, _staff, p = group
    presses.press("proposal", p.id, amina)
    presses.press("proposal", p.id, leyla)
    presses.undo("proposal", p.id, amina)
    presses.undo("proposal", p.id, amina)  # nothing left to undo: nothing happens
    db.session.commit()
    assert presses.count("proposal", p.id) == 1
    assert not presses.is_pressed("proposal", p.id, amina)
    assert presses.is_pressed("proposal", p.id, leyla)


def test_texts_are_counted_apart(group, make):
    prog, amina, _leyla, _staff, p = group
    other = make.proposal(prog, "voting", title="Annat")
    presses.press("proposal", p.id, amina)
    db.session.commit()
    assert presses.count("proposal", other.id) == 0


def test_who_may_press(group, make):
    prog, amina, _leyla, staff, p = group
    with pytest.raises(RuleError) as e:
        presses.press("proposal", p.id, staff)
    assert e.value.status == 403
    stranger = make.member(make.program())
    for kind, text_id in (("proposal", p.id), ("proposal", 999999), ("decision", 999999),
                          ("agenda_item", 999999), ("nonsense", p.id)):
        with pytest.raises(RuleError) as e:
            presses.press(kind, text_id, stranger if text_id == p.id else amina)
        assert e.value.status == 404
    draft = make.proposal(prog, "draft")
    with pytest.raises(RuleError) as e:
        presses.press("proposal", draft.id, amina)
    assert e.value.status == 404
    assert press_rows() == []


def test_decisions_and_agenda_items(group, make):
    prog, amina, leyla, _staff, p = group
    meeting = make.meeting(prog)
    item = add_agenda_item(meeting, title="Barnpassning")
    db.session.commit()
    presses.press("agenda_item", item.id, amina)
    presses.press("agenda_item", item.id, leyla)
    db.session.commit()
    assert presses.count("agenda_item", item.id) == 2
    assert presses.count("proposal", p.id) == 0


def test_least_understood_top_texts_with_lix(group, make):
    prog, amina, leyla, _staff, p = group
    hard = make.proposal(prog, "voting", title="Kompetensutvecklingsinsatser",
                         summary="Arbetsmarknadsintegrationen förutsätter kontinuerlig kompetensutveckling.")
    for who in (amina, leyla):
        presses.press("proposal", hard.id, who)
    presses.press("proposal", p.id, amina)
    db.session.commit()
    top = presses.least_understood(prog.id)
    assert [(t.text_id, t.count) for t in top] == [(hard.id, 2), (p.id, 1)]
    assert top[0].lix > top[1].lix
    assert presses.least_understood(make.program().id) == []


# --- evaluation window -----------------------------------------------------------------------


def _live_meeting(make, prog, start: datetime):
    with time_machine.travel(start, tick=False):
        m = make.meeting(prog, days_ahead=0)
        live.start(m)
        db.session.commit()
    return m


def test_window_opens_when_the_live_meeting_ends_and_closes_72_hours_later(group, make):
    prog, amina, *_ = group
    m = _live_meeting(make, prog, local(2027, 5, 10, 18))
    with time_machine.travel(local(2027, 5, 10, 19), tick=False):
        assert evaluation.state(m) == "not_yet"
        with pytest.raises(RuleError) as e:
            evaluation.answer(m, amina, "good")
        assert e.value.status == 409
    with time_machine.travel(local(2027, 5, 10, 20), tick=False):
        live.end(m)
        db.session.commit()
        assert evaluation.state(m) == "open"
    with time_machine.travel(local(2027, 5, 13, 19, 59), tick=False):
        assert evaluation.is_open(m)
    with time_machine.travel(local(2027, 5, 13, 20, 0), tick=False):
        assert evaluation.state(m) == "closed"
        with pytest.raises(RuleError) as e:
            evaluation.answer(m, amina, "good")
        assert e.value.status == 409
        assert str(e.value.message) == str(evaluation._l(
            "It is too late to answer. You could answer for 3 days after the meeting."))
    assert eval_rows(m.id) == []


def test_a_meeting_logged_without_live_mode_opens_at_its_start(group, make):
    prog, _amina, *_ = group
    with time_machine.travel(local(2027, 6, 1, 12), tick=False):
        m = make.meeting(prog, days_ahead=2)  # 3 June 12:00
        assert evaluation.state(m) == "not_yet"
    with time_machine.travel(local(2027, 6, 3, 12), tick=False):
        assert evaluation.is_open(m)
    with time_machine.travel(local(2027, 6, 6, 11, 59), tick=False):
        assert evaluation.is_open(m)
    with time_machine.travel(local(2027, 6, 6, 12), tick=False):
        assert evaluation.state(m) == "closed"


def test_72_hours_over_the_autumn_switch_end_an_hour_earlier_by_the_clock(group, make):
    """Friday 29 October 2027 18:00 + 72 real hours is Monday 1 November 17:00 on the wall clock
    (the night of 31 October has 25 hours)."""
    prog, *_ = group
    with time_machine.travel(local(2027, 10, 28, 12), tick=False):
        m = make.meeting(prog, days_ahead=1)
        m.starts_at = datetime(2027, 10, 29, 18, 0)
        db.session.commit()
    with time_machine.travel(local(2027, 11, 1, 16, 59), tick=False):
        assert evaluation.is_open(m)
    with time_machine.travel(local(2027, 11, 1, 17, 0), tick=False):
        assert evaluation.state(m) == "closed"


def test_72_hours_over_the_spring_switch(group, make):
    prog, *_ = group
    with time_machine.travel(local(2027, 3, 25, 12), tick=False):
        m = make.meeting(prog, days_ahead=1)
        m.starts_at = datetime(2027, 3, 26, 18, 0)
        db.session.commit()
    with time_machine.travel(local(2027, 3, 29, 18, 59), tick=False):
        assert evaluation.is_open(m)
    with time_machine.travel(local(2027, 3, 29, 19, 0), tick=False):
        assert evaluation.state(m) == "closed"


# --- evaluation answers ----------------------------------------------------------------------


@pytest.fixture
def ended(group, make):
    prog, _amina, _leyla, _staff, _p = group
    with time_machine.travel(local(2027, 5, 10, 12), tick=False):
        m = make.meeting(prog, days_ahead=0)
    return m


def _at_meeting():
    return time_machine.travel(local(2027, 5, 10, 15), tick=False)


def test_anonymous_by_default_one_answer_she_can_change(group, ended):
    _prog, amina, leyla, *_ = group
    with _at_meeting():
        evaluation.answer(ended, amina, "good", "Bra fika")
        evaluation.answer(ended, amina, "ok", "Lite lång")
        evaluation.answer(ended, leyla, "bad")
        db.session.commit()
        rows = eval_rows(ended.id)
        assert len(rows) == 2
        assert all(r["user_id"] is None for r in rows)
        assert sorted(r["answer"] for r in rows) == ["bad", "ok"]
        assert evaluation.answer_of(ended, amina) == evaluation.MyAnswer("ok", "Lite lång", False, False)
        assert evaluation.for_staff(ended.id).counts == {"good": 0, "ok": 1, "bad": 1}
        assert [r.name for r in evaluation.for_staff(ended.id).rows] == [None]


def test_named_when_she_allows_it_and_back_again(group, ended):
    _prog, amina, *_ = group
    with _at_meeting():
        evaluation.answer(ended, amina, "good", "Tack", named=True)
        db.session.commit()
        assert [r["user_id"] for r in eval_rows(ended.id)] == [amina.id]
        assert [r.name for r in evaluation.for_staff(ended.id).rows] == ["Amina Hassan"]
        evaluation.answer(ended, amina, "good", "Tack", named=False)
        db.session.commit()
        assert [r["user_id"] for r in eval_rows(ended.id)] == [None]


def test_bad_input_changes_nothing(group, ended):
    _prog, amina, _leyla, staff, _p = group
    with _at_meeting():
        evaluation.answer(ended, amina, "good", "Bra")
        db.session.commit()
        for face, reason, voice in (("great", None, None), ("", None, None), ("ok", "x" * 501, None),
                                    ("ok", None, b"not a sound at all, just text")):
            with pytest.raises(RuleError):
                evaluation.answer(ended, amina, face, reason, voice)
            db.session.rollback()
        with pytest.raises(RuleError) as e:
            evaluation.answer(ended, staff, "good")
        assert e.value.status == 403
        assert [(r["answer"], r["reason"]) for r in eval_rows(ended.id)] == [("good", "Bra")]


def test_voice_message_kept_then_removed(group, ended):
    _prog, amina, *_ = group
    with _at_meeting():
        evaluation.answer(ended, amina, "bad", voice=VOICE)
        db.session.commit()
        assert evaluation.answer_of(ended, amina).has_voice
        evaluation.answer(ended, amina, "ok")  # no new recording: the old one stays
        db.session.commit()
        assert evaluation.answer_of(ended, amina).has_voice
        evaluation.answer(ended, amina, "ok", keep_voice=False)
        db.session.commit()
        assert not evaluation.answer_of(ended, amina).has_voice


def test_voice_follows_the_programs_retention(group, ended):
    prog, amina, *_ = group
    with _at_meeting():
        evaluation.answer(ended, amina, "bad", "Varför", voice=VOICE)
        db.session.commit()
    with time_machine.travel(local(2027, 5, 10, 15) + timedelta(days=prog.voice_retention_days - 1), tick=False):
        assert evaluation.delete_old_voice() == 0
    with time_machine.travel(local(2027, 5, 10, 15) + timedelta(days=prog.voice_retention_days + 1), tick=False):
        assert evaluation.delete_old_voice() == 1
        db.session.commit()
    row = eval_rows(ended.id)[0]
    assert row["voice_data"] is None and row["reason"] == "Varför"


def test_voice_goes_when_the_period_since_the_meeting_is_over_in_summer(group, make):
    """Meeting times are the program's wall clock: at 14:00 in June (12:00 UTC) a meeting at
    noon the retention period ago is two hours past it, not still ahead."""
    prog, amina, *_ = group
    with time_machine.travel(local(2027, 6, 1, 12), tick=False):
        meeting = make.meeting(prog, days_ahead=0)  # 1 June 2027, 12:00 in Stockholm
        evaluation.answer(meeting, amina, "bad", voice=VOICE)
        db.session.commit()
    with time_machine.travel(local(2027, 6, 1, 14) + timedelta(days=prog.voice_retention_days), tick=False):
        assert evaluation.delete_old_voice() == 1
        db.session.commit()
    assert eval_rows(meeting.id)[0]["voice_data"] is None


def test_trend_per_meeting(group, make):
    prog, amina, leyla, *_ = group
    with time_machine.travel(local(2027, 5, 10, 12), tick=False):
        first = make.meeting(prog, days_ahead=0, title="Maj")
        evaluation.answer(first, amina, "good")
        evaluation.answer(first, leyla, "bad")
        db.session.commit()
    with time_machine.travel(local(2027, 6, 10, 12), tick=False):
        second = make.meeting(prog, days_ahead=0, title="Juni")
        evaluation.answer(second, amina, "good")
        db.session.commit()
    every = evaluation.trend([prog.id], None, datetime(2028, 1, 1))
    assert [(r.title, r.good, r.ok, r.bad) for r in every] == [("Maj", 1, 0, 1), ("Juni", 1, 0, 0)]
    # The period is the meetings' own wall-clock time, [start, end): June alone.
    june = evaluation.trend([prog.id], datetime(2027, 6, 1), datetime(2027, 7, 1))
    assert [r.title for r in june] == ["Juni"]
    assert evaluation.trend([make.program().id], None, datetime(2028, 1, 1)) == []


def test_open_for_her_home_page(group, ended):
    prog, amina, *_ = group
    with _at_meeting():
        assert evaluation.open_for(amina, [prog.id]) == [ended]
    with time_machine.travel(local(2027, 5, 14, 12), tick=False):
        assert evaluation.open_for(amina, [prog.id]) == []


# --- privacy ---------------------------------------------------------------------------------


def test_her_data_and_erasure(group, ended, make):
    prog, amina, leyla, _staff, p = group
    with _at_meeting():
        presses.press("proposal", p.id, amina)
        presses.press("proposal", p.id, leyla)
        evaluation.answer(ended, amina, "bad", "Anonymt", voice=VOICE)
        evaluation.answer(ended, leyla, "good", "Med namn", named=True)
        db.session.commit()
        hers = my_data(amina)
        assert hers["texts_you_did_not_understand"] == [{"text": "proposal", "id": p.id, "title": p.title}]
        assert [a["reason"] for a in hers["meeting_evaluations_without_your_name"]] == ["Anonymt"]
        assert hers["meeting_evaluations_with_your_name"] == []
        staff_file = my_data(amina, program_id=prog.id)
        assert "texts_you_did_not_understand" not in staff_file
        assert "meeting_evaluations_without_your_name" not in staff_file
        assert [a["reason"] for a in my_data(leyla)["meeting_evaluations_with_your_name"]] == ["Med namn"]

        erase(amina)
        erase(leyla)
        db.session.commit()
    # The presses still count, with keys nobody can compute.
    assert presses.count("proposal", p.id) == 2
    assert not presses.is_pressed("proposal", p.id, amina)
    # Her anonymous answer stays under a random key (a key of a real one's shape: no empty key
    # marks it) and without her voice; Leyla's named one is gone.
    rows = eval_rows(ended.id)
    assert [(r["answer"], r["reason"], r["voice_data"], r["user_id"]) for r in rows] == [
        ("bad", "Anonymt", None, None)]
    assert len(rows[0]["answer_key"]) == 64 and rows[0]["answer_key"] != evaluation.answer_key(ended.id, amina.id)
