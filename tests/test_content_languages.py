"""Content in her language: a change told in Arabic is shown in Arabic; where a version is
missing, the Swedish is shown and marked as Swedish, in her language."""
from __future__ import annotations

import re

from feedback.changes.models import ChangeTranslation, ProgramChange
from feedback.extensions import db
from tests.routes_support import new_client, snapshot

CHANGE = {"title": "Fika", "description": "Nu finns fika.", "changed_on": "2026-11-01", "status": "in_progress",
          "progress": "50", "origin": "expert_group", "topic_id": "0"}


def _save_change(app, login, world, **extra):
    c = login(world.users["staff"], new_client(app))
    return c.post(f"/staff/{world.prog.id}/changes/{world.change.id}/edit", data={**CHANGE, **extra})


def test_staff_add_a_translation_and_an_arabic_member_reads_it(app, login, world):
    resp = _save_change(app, login, world, **{"t-ar-title": "قهوة", "t-ar-description": "الآن توجد قهوة."})
    assert resp.status_code == 302
    db.session.expire_all()
    change = db.session.get(ProgramChange, world.change.id)
    assert [(t.language, t.title, t.description) for t in change.translations] == [("ar", "قهوة", "الآن توجد قهوة.")]
    assert change.text_in("ar") == ("قهوة", "الآن توجد قهوة.", "ar")
    assert change.text_in("fa") == ("Fika", "Nu finns fika.", "sv")

    member = world.users["member"]
    member.preferred_language = "ar"
    db.session.commit()
    page = login(member, new_client(app)).get("/me/ideas").get_data(as_text=True)
    assert '<span lang="ar">قهوة</span>' in page
    assert '<p class="body-text" lang="ar">الآن توجد قهوة.</p>' in page


def test_a_missing_version_shows_the_swedish_marked_in_her_language(app, login, world):
    _save_change(app, login, world)
    member = world.users["member"]
    member.preferred_language = "fa"
    db.session.commit()
    page = login(member, new_client(app)).get("/me/ideas").get_data(as_text=True)
    assert '<p class="body-text" lang="sv">Nu finns fika.</p>' in page
    note = re.search(r'<span class="tag tag-lang" lang="fa">.*?</span>', page, re.S)
    assert note and "سوئدی" in note.group(0)  # "Swedish", in Persian


def test_an_empty_title_removes_the_translation(app, login, world):
    _save_change(app, login, world, **{"t-so-title": "Kaafi", "t-so-description": ""})
    assert db.session.scalar(db.select(ChangeTranslation.title).where(ChangeTranslation.language == "so")) == "Kaafi"
    _save_change(app, login, world, **{"t-so-title": "", "t-so-description": ""})
    db.session.expire_all()
    assert db.session.get(ProgramChange, world.change.id).translations == []


def test_a_too_long_translation_is_refused_and_changes_nothing(app, login, world):
    before = snapshot()
    resp = _save_change(app, login, world, **{"t-ar-title": "ق" * 161})
    assert resp.status_code == 400
    assert snapshot() == before


def test_a_language_the_app_does_not_offer_is_ignored(app, login, world):
    from feedback.changes import services

    services.update_change(world.users["staff"], world.change, services.ChangeFields(
        title="Fika", description="Nu finns fika.", changed_on=world.change.changed_on, status="in_progress",
        progress=50, origin="expert_group", translations={"xx": ("Nope", ""), "ti": ("ቡን", "")}))
    assert [t.language for t in world.change.translations] == ["ti"]


# --- the members' summary of a meeting --------------------------------------------------------------


def test_the_members_summary_in_her_language_or_the_swedish_marked(app, login, world):
    from datetime import timedelta

    from feedback.common.clock import local_now
    from feedback.meetings.models import Meeting

    meeting = db.session.get(Meeting, world.meeting.id)
    meeting.starts_at = local_now() - timedelta(days=2)
    db.session.commit()
    staff = login(world.users["staff"], new_client(app))
    resp = staff.post(f"/staff/{world.prog.id}/meetings/{meeting.id}/log/summary", data={
        "s-summary": "Protokoll.", "s-member_summary": "Vi pratade om fika.",
        "s-member_summary-ar": "تحدثنا عن القهوة.", "s-member_summary-xx": "ignored"})
    assert resp.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, world.meeting.id)
    assert [(t.language, t.member_summary) for t in meeting.summary_translations] == [("ar", "تحدثنا عن القهوة.")]

    member = world.users["member"]
    member.preferred_language = "ar"
    db.session.commit()
    page = login(member, new_client(app)).get("/me").get_data(as_text=True)
    assert '<div class="body-text" lang="ar">تحدثنا عن القهوة.</div>' in page
    member.preferred_language = "so"
    db.session.commit()
    page = login(member, new_client(app)).get("/me").get_data(as_text=True)
    assert '<div class="body-text" lang="sv">Vi pratade om fika.</div>' in page
    assert 'class="tag tag-lang" lang="so"' in page

    # An empty box removes that language again.
    staff.post(f"/staff/{world.prog.id}/meetings/{meeting.id}/log/summary", data={
        "s-summary": "Protokoll.", "s-member_summary": "Vi pratade om fika.", "s-member_summary-ar": ""})
    db.session.expire_all()
    assert db.session.get(Meeting, world.meeting.id).summary_translations == []


def test_a_too_long_summary_translation_is_refused_and_changes_nothing(app, login, world):
    from feedback.meetings.log import SUMMARY_MAX

    before = snapshot()
    staff = login(world.users["staff"], new_client(app))
    resp = staff.post(f"/staff/{world.prog.id}/meetings/{world.meeting.id}/log/summary", data={
        "s-summary": "", "s-member_summary": "Kort.", "s-member_summary-fa": "x" * (SUMMARY_MAX + 1)})
    assert resp.status_code == 400
    assert snapshot() == before
