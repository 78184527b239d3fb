"""Recordings of program texts: the rules (one per text and language, the voice-message checks),
the staff upload and removal, who hears them, and what a member's Listen control offers."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.recordings import services
from feedback.recordings.models import Recording
from tests.databases import needs_postgres
from tests.routes_support import at_once, client_as, new_client, snapshot, text, upload
from tests.sounds import wav

FIXTURES = Path(__file__).parent / "fixtures"

WEBM = (FIXTURES / "voice-1s.webm").read_bytes()
M4A = (FIXTURES / "voice-1s.m4a").read_bytes()


def rows() -> list[Recording]:
    return list(db.session.scalars(sa.select(Recording).order_by(Recording.id)))


# --- rules ---------------------------------------------------------------------------------------


def test_a_second_recording_in_a_language_replaces_the_first(app, make):
    prog = make.program()
    staff = make.staff(prog)
    p = make.proposal(prog, "voting")
    first = services.save("proposal", p, "so", WEBM, staff.id)
    db.session.commit()
    second = services.save("proposal", p, "so", M4A, None)
    db.session.commit()
    assert second.id == first.id
    [rec] = rows()
    assert (rec.language, rec.mime, rec.size, rec.data, rec.recorded_by_id) == ("so", "audio/mp4", len(M4A), M4A, None)
    assert rec.kind == "proposal" and rec.subject_id == p.id and rec.program_id == prog.id


def test_one_per_language_and_text(app, make):
    prog = make.program()
    p, q = make.proposal(prog), make.proposal(prog)
    services.save("proposal", p, "so", WEBM, None)
    services.save("proposal", p, "sv", WEBM, None)
    services.save("proposal", q, "so", WEBM, None)
    db.session.commit()
    assert sorted(services.recorded("proposal", p.id)) == ["so", "sv"]
    assert list(services.recorded("proposal", q.id)) == ["so"]
    # The database itself refuses a second one for the same text and language.
    db.session.add(Recording(program_id=prog.id, proposal_id=p.id, language="so", mime="audio/webm",
                             size=1, duration_ms=1, data=b"x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # ...and a recording of no text, or of two.
    db.session.add(Recording(program_id=prog.id, language="ti", mime="audio/webm", size=1, duration_ms=1, data=b"x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Not a recording, only text that someone renamed." * 20, "not a sound recording"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 500, "not a sound recording"),
        (wav(121.5), "too long"),
        (WEBM + b"\0" * (5 * 1024 * 1024), "too big"),
        (b"", "Choose a recording"),
    ],
    ids=["text", "image", "too-long", "too-big", "empty"],
)
def test_the_voice_message_checks_refuse_and_nothing_is_stored(app, make, data, message):
    prog = make.program()
    p = make.proposal(prog)
    with force_locale("en"), pytest.raises(RuleError, match=message):
        services.save("proposal", p, "so", data, None)
    assert rows() == []


def test_a_language_not_offered_is_refused(app, make):
    p = make.proposal(make.program())
    with pytest.raises(RuleError):
        services.save("proposal", p, "xx", WEBM, None)


def test_playback_prefers_her_language_then_swedish(app, make):
    prog = make.program()
    p = make.proposal(prog, "voting")
    assert not services.playback("proposal", p.id, "so")
    sv = services.save("proposal", p, "sv", WEBM, None)
    so = services.save("proposal", p, "so", WEBM, None)
    db.session.commit()
    mine = services.playback("proposal", p.id, "so")
    assert (mine.own, mine.swedish, mine.fallback) == (so, None, so)
    other = services.playback("proposal", p.id, "ti")
    assert (other.own, other.swedish, other.fallback) == (None, sv, sv)
    swedish = services.playback("proposal", p.id, "sv")
    assert (swedish.own, swedish.swedish) == (sv, None)


def test_recordings_go_with_their_text_and_stay_when_the_recorder_goes(app, make):
    from feedback.auth.models import User

    prog = make.program()
    staff = make.staff(prog)
    p, q = make.proposal(prog), make.proposal(prog)
    services.save("proposal", p, "so", WEBM, staff.id)
    services.save("proposal", q, "so", WEBM, staff.id)
    db.session.commit()
    db.session.execute(sa.delete(User).where(User.id == staff.id))
    db.session.commit()
    assert [r.recorded_by_id for r in rows()] == [None, None]
    from feedback.proposals.models import Proposal

    db.session.execute(sa.delete(Proposal).where(Proposal.id == p.id))
    db.session.commit()
    assert [r.proposal_id for r in rows()] == [q.id]


def test_voice_retention_leaves_recordings_alone(app, make):
    from datetime import timedelta

    from feedback.common.clock import utcnow
    from feedback.operations.retention import delete_old_voice_notes

    prog = make.program()
    p = make.proposal(prog)
    rec = services.save("proposal", p, "so", WEBM, None)
    rec.created_at = utcnow() - timedelta(days=5000)
    db.session.commit()
    delete_old_voice_notes()
    db.session.commit()
    assert len(rows()) == 1


def test_the_backup_holds_recordings(app, make, tmp_path):
    from feedback.operations.backup import backup

    p = make.proposal(make.program())
    services.save("proposal", p, "so", WEBM, None)
    db.session.commit()
    counts = backup(str(tmp_path / "b.jsonl.gz"))
    assert counts["recordings"] == 1


# --- routes --------------------------------------------------------------------------------------


def _upload_url(w, lang: str, proposal=None) -> str:
    return f"/staff/{w.prog.id}/recordings/proposal/{(proposal or w.p_voting).id}/{lang}"


def test_staff_record_replace_and_remove_per_language(app, login, english_world):
    w = english_world
    c = client_as(app, login, w, "staff")
    page = text(c.get(f"/staff/{w.prog.id}/proposals/{w.p_voting.id}"))
    assert "No recordings yet." in page and 'id="rec-proposal-so"' in page and 'id="rec-proposal-ti"' in page
    resp = upload(c, _upload_url(w, "so"), WEBM, "anything.bin")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/proposals/{w.p_voting.id}#rec-proposal-so")
    page = text(c.get(resp.headers["Location"]))
    assert "The recording is saved." in page and re.search(r"Recorded in:\s*Soomaali", page)
    [rec] = rows()
    assert rec.recorded_by_id == w.users["staff"].id and rec.mime == "audio/webm"
    assert f'src="/recordings/{rec.id}"' in page
    # Again: replaced, still one.
    upload(c, _upload_url(w, "so"), M4A, "again.m4a")
    db.session.expire_all()
    [rec] = rows()
    assert rec.mime == "audio/mp4"
    resp = c.post(_upload_url(w, "so") + "/delete")
    assert resp.status_code == 303 and "The recording is removed." in text(c.get(resp.headers["Location"]))
    assert rows() == []


@pytest.mark.parametrize(("data", "message"), [
    (b"<script>alert(1)</script>" * 10, "This file is not a sound recording"),
    (wav(125), "too long"),
    (WEBM + b"\0" * (5 * 1024 * 1024), "too big"),
], ids=["not-audio", "too-long", "too-big"])
def test_a_bad_upload_gets_a_message_and_stores_nothing(app, login, english_world, data, message):
    w = english_world
    c = client_as(app, login, w, "staff")
    before = snapshot()
    resp = upload(c, _upload_url(w, "so"), data, "voice.webm")
    assert resp.status_code == 303
    assert message in text(c.get(resp.headers["Location"]))
    assert snapshot() == before


def test_a_request_far_over_the_limit_is_refused_unread(app, login, english_world):
    w = english_world
    c = client_as(app, login, w, "staff")
    before = snapshot()
    resp = c.post(_upload_url(w, "so"), data=b"\0" * (8 * 1024 * 1024),
                  content_type="multipart/form-data; boundary=xyz")
    assert resp.status_code == 413
    assert snapshot() == before


def test_the_sound_is_served_to_those_who_may_read_the_text(app, login, world):
    w = world
    voting = services.save("proposal", w.p_voting, "so", WEBM, None)
    draft = services.save("proposal", w.p_draft, "so", M4A, None)
    db.session.commit()
    c = client_as(app, login, w, "member")
    got = c.get(f"/recordings/{voting.id}")
    assert got.status_code == 200 and got.data == WEBM and got.mimetype == "audio/webm"
    assert "private" in got.headers["Cache-Control"]
    assert got.headers["Content-Disposition"].startswith("inline")
    # Drafts are not for members; other programs and strangers get nothing.
    assert c.get(f"/recordings/{draft.id}").status_code == 404
    assert client_as(app, login, w, "staff").get(f"/recordings/{draft.id}").status_code == 200
    assert client_as(app, login, w, "other_member").get(f"/recordings/{voting.id}").status_code == 404
    assert client_as(app, login, w, "other_staff").get(f"/recordings/{voting.id}").status_code == 404
    assert new_client(app).get(f"/recordings/{voting.id}").status_code == 302
    assert c.get("/recordings/999999").status_code == 404


def _member_page(app, login, w, lang: str) -> str:
    member = w.users["member"]
    member.preferred_language = lang
    db.session.commit()
    return text(client_as(app, login, w, "member").get(f"/p/{w.p_voting.id}"))


def test_her_page_plays_her_recording_else_the_swedish_one_with_a_note(app, login, world):
    w = world
    page = _member_page(app, login, w, "so")
    assert "data-listen-audio" not in page and "data-recording=" not in page  # as before: the phone's voice only
    sv = services.save("proposal", w.p_voting, "sv", WEBM, None)
    db.session.commit()
    page = _member_page(app, login, w, "ti")
    assert re.search(rf'<audio controls preload="none" data-listen-audio src="/recordings/{sv.id}"', page)
    assert 'data-recording="sv"' in page and "data-listen-note" in page
    so = services.save("proposal", w.p_voting, "so", M4A, None)
    db.session.commit()
    page = _member_page(app, login, w, "so")
    assert f'src="/recordings/{so.id}"' in page and 'data-recording="own"' in page
    assert "data-listen-note" not in page


@needs_postgres
def test_the_same_recording_sent_twice_at_once_is_stored_once(app, login, make):
    prog = make.program()
    staff = make.staff(prog)
    for n in range(3):  # a race is not lost every time: each round is a new chance
        p = make.proposal(prog, "voting", title=f"Fika {n}")
        url = f"/staff/{prog.id}/recordings/proposal/{p.id}/so"
        codes = at_once(app, [(login(staff, new_client(app)), url, {"voice": (io.BytesIO(WEBM), "röst.webm")})
                              for _ in range(2)])
        assert codes == [303, 303], codes  # the second replaced the first's
        assert len(services.recorded("proposal", p.id)) == 1


# --- decisions, program changes and meeting summaries --------------------------------------------


def test_a_timeline_asks_for_all_its_recordings_in_one_statement(app, make, count_queries):
    prog = make.program()
    ps = [make.proposal(prog, "voting") for _ in range(5)]
    services.save("proposal", ps[0], "so", WEBM, None)
    services.save("proposal", ps[1], "sv", WEBM, None)
    services.save("proposal", ps[2], "ti", WEBM, None)
    db.session.commit()
    ids = [p.id for p in ps]
    with count_queries() as statements:
        got = services.playbacks("proposal", ids, "so")
    assert len(statements) == 1
    assert got[ps[0].id].own.language == "so" and got[ps[0].id].swedish is None
    assert got[ps[1].id].own is None and got[ps[1].id].swedish.language == "sv"
    assert not got[ps[2].id] and not got[ps[3].id]  # Tigrinya is not hers; nothing else recorded
    with count_queries() as statements:
        assert services.playbacks("proposal", [], "so") == {}
    assert statements == []


@pytest.mark.parametrize(("kind", "page", "anchor"), [
    ("decision", lambda w: f"/staff/{w.prog.id}/proposals/{w.p_decided.id}", "Spoken versions of the decision"),
    ("change", lambda w: f"/staff/{w.prog.id}/changes/{w.change.id}/edit", "Spoken versions of the change"),
    ("meeting", lambda w: f"/staff/{w.prog.id}/meetings/{w.meeting.id}/log",
     "Spoken versions of the summary for members"),
])
def test_staff_record_decisions_changes_and_summaries_on_the_page_where_they_write_them(
        app, login, english_world, kind, page, anchor):
    w = english_world
    subject = {"decision": lambda: _decision(w), "change": lambda: w.change, "meeting": lambda: w.meeting}[kind]()
    c = client_as(app, login, w, "staff")
    assert anchor in text(c.get(page(w)))
    url = f"/staff/{w.prog.id}/recordings/{kind}/{subject.id}/ar"
    resp = upload(c, url, WEBM, "voice.webm")
    assert resp.status_code == 303 and resp.headers["Location"] == page(w) + f"#rec-{kind}-ar"
    [rec] = rows()
    assert (rec.kind, rec.subject_id, rec.language) == (kind, subject.id, "ar")
    assert f'src="/recordings/{rec.id}"' in text(c.get(page(w)))
    # Members hear it; a text of another program, or another program's staff, get nothing.
    assert client_as(app, login, w, "member").get(f"/recordings/{rec.id}").status_code == 200
    assert client_as(app, login, w, "other_member").get(f"/recordings/{rec.id}").status_code == 404
    assert client_as(app, login, w, "other_staff").post(url, data={}).status_code in (403, 404)
    assert client_as(app, login, w, "member").post(url + "/delete").status_code in (302, 403)
    assert len(rows()) == 1
    assert c.post(f"/staff/{w.prog.id}/recordings/{kind}/999999/ar", data={}).status_code == 404
    resp = c.post(url + "/delete")
    assert resp.status_code == 303 and rows() == []


def _decision(w):
    from feedback.decisions.services import current_decision

    return current_decision(w.p_decided.id)


def _as_member(app, login, w, lang: str):
    member = w.users["member"]
    member.preferred_language = lang
    db.session.commit()
    return client_as(app, login, w, "member")


def test_her_timeline_and_proposal_page_play_the_decision_and_change_recordings(app, login, world):
    w = world
    decision = _decision(w)
    d_sv = services.save("decision", decision, "sv", WEBM, None)
    c_so = services.save("change", w.change, "so", M4A, None)
    db.session.commit()
    c = _as_member(app, login, w, "so")
    ideas = text(c.get("/me/ideas"))
    # The decision only in Swedish (with the note), the change in her language.
    assert re.search(rf'data-speak="#decision-{decision.id}-text"[^>]*data-recording="sv"', ideas)
    assert f'src="/recordings/{d_sv.id}"' in ideas and f'src="/recordings/{c_so.id}"' in ideas
    assert re.search(rf'data-speak="#change-{w.change.id}-text"[^>]*data-recording="own"', ideas)
    page = text(c.get(f"/p/{w.p_decided.id}"))
    assert 'data-speak="#decision-text"' in page and f'src="/recordings/{d_sv.id}"' in page
    # The public page is for everyone: recordings need a login, so it offers none.
    public = text(new_client(app).get(f"/public/{w.prog.slug}"))
    assert "/recordings/" not in public and "Childcare" in public


def test_her_home_page_plays_the_last_meetings_summary(app, login, world):
    from datetime import timedelta

    from feedback.common.clock import local_now

    w = world
    w.meeting.starts_at = local_now() - timedelta(days=2)
    w.meeting.member_summary = "Vi pratade om barnpassning."
    rec = services.save("meeting", w.meeting, "ar", WEBM, None)
    db.session.commit()
    home = text(_as_member(app, login, w, "ar").get("/me"))
    assert 'data-speak="#last-meeting-text"' in home and f'src="/recordings/{rec.id}"' in home
    assert 'data-recording="own"' in home
