"""A corpus of hostile text in every text field staff and members fill in, outside the threads
(those have tests/test_threads_xss.py): every page that shows them carries them as escaped text,
never as markup, script, an event handler or a javascript: address. And a null byte in a form
is refused with a clear 400, on SQLite and PostgreSQL alike, instead of a 500."""
from __future__ import annotations

from datetime import date

import pytest

from feedback.changes.models import ChangeTranslation, ProgramChange
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.meetings.models import ActionItem, AgendaItem, Meeting, MeetingSummaryTranslation
from feedback.proposals.models import Proposal, ProposalTranslation
from feedback.topics.models import Topic
from tests.payloads import CORPUS, check
from tests.routes_support import build_world, new_client, snapshot


def _fill(w, payload: str) -> None:
    short = payload[:150]
    topic = db.session.get(Topic, w.topic.id)
    topic.name = short[:120]
    for p in (w.p_voting, w.p_decided, w.p_voted):
        p = db.session.get(Proposal, p.id)
        p.title, p.summary, p.body = short, payload, payload
        p.translations.append(ProposalTranslation(language="ar", title=short, summary=payload))
    meeting = db.session.get(Meeting, w.meeting.id)
    meeting.title, meeting.place, meeting.bring, meeting.notes = short, short, short, payload
    meeting.summary = meeting.member_summary = payload
    meeting.summary_translations.append(MeetingSummaryTranslation(language="ar", member_summary=payload))
    db.session.add(AgendaItem(meeting_id=meeting.id, kind="free", title=short, position=9))
    db.session.add(ActionItem(program_id=w.prog.id, meeting_id=meeting.id, title=short, owner=short[:120],
                              due_on=date(2030, 1, 1)))
    decision = db.session.scalar(db.select(Decision).where(Decision.proposal_id == w.p_decided.id))
    decision.reason = payload
    change = db.session.get(ProgramChange, w.change.id)
    change.title, change.description = short, payload
    change.translations.append(ChangeTranslation(language="ar", title=short, description=payload))
    w.target.name = short[:120]
    db.session.commit()


def _pages(w) -> dict[str, list[str]]:
    pid = w.prog.id
    return {
        "member": ["/me", f"/p/{w.p_voting.id}", f"/p/{w.p_decided.id}", "/me/ideas", "/me/news", "/talk",
                   f"/talk/topic/{w.topic.id}"],
        "staff": [f"/staff/{pid}/", f"/staff/{pid}/proposals/", f"/staff/{pid}/proposals/{w.p_voting.id}",
                  f"/staff/{pid}/meetings/", f"/staff/{pid}/meetings/{w.meeting.id}",
                  f"/staff/{pid}/meetings/{w.meeting.id}/log", f"/staff/{pid}/meetings/{w.meeting.id}/live",
                  f"/staff/{pid}/meetings/{w.meeting.id}/projector", f"/staff/{pid}/meetings/actions",
                  f"/staff/{pid}/changes/", f"/staff/{pid}/changes/{w.change.id}/edit", f"/staff/{pid}/topics/",
                  f"/staff/{pid}/members/", f"/staff/{pid}/dashboard?period=all", f"/staff/{pid}/report?period=all"],
        "steering": [f"/staff/{pid}/review/", f"/staff/{pid}/review/{w.p_voted.id}"],
        "anon": [f"/public/{w.prog.slug}"],
    }


@pytest.mark.parametrize(("payload", "language"), [(p, ("sv", "ar")[i % 2]) for i, p in enumerate(CORPUS)],
                         ids=range(len(CORPUS)))
def test_hostile_text_is_shown_as_text_everywhere(app, make, login, payload, language):
    w = build_world(make)
    _fill(w, payload)
    for role, paths in _pages(w).items():  # each payload in one language: half of them right to left
        client = new_client(app)
        if role != "anon":
            user = w.users[role]
            user.preferred_language = language
            db.session.commit()
            login(user, client)
        for path in paths:
            resp = client.get(path)
            assert resp.status_code == 200, f"{role} {path}: {resp.status_code}"
            check(resp.get_data(as_text=True), f"{role} {path} ({language})")
    feed = new_client(app).get(f"/public/{w.prog.slug}/feed.atom").get_data(as_text=True)
    assert "<script>" not in feed and "<img" not in feed and "<svg" not in feed


@pytest.mark.parametrize(("path", "data"), [
    ("/talk/topic/{topic}", {"body": "Hej\x00då"}),
    ("/p/{proposal}/vote", {"choice": "agree", "reason": "bra\x00"}),
])
def test_a_null_byte_is_refused_and_changes_nothing(app, make, login, path, data):
    w = build_world(make)
    client = login(w.users["member"], new_client(app))
    before = snapshot()
    resp = client.post(path.format(topic=w.topic.id, proposal=w.p_voting.id), data=data)
    assert resp.status_code == 400
    assert snapshot() == before


def test_a_null_byte_in_a_post_with_a_voice_message_is_refused_too(app, make, login):
    """The text fields of an upload are checked like any form's (the file is bytes, left alone)."""
    from tests.routes_support import VOICE

    w = build_world(make)
    client = login(w.users["member"], new_client(app))
    before = snapshot()
    resp = client.post(f"/talk/topic/{w.topic.id}", data={"body": "Hej\x00då", "voice": (VOICE.open("rb"), "v.webm")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400
    assert snapshot() == before
