"""Decisions, changes, the timeline, the public page and the audit log through HTTP."""

from __future__ import annotations

from datetime import UTC
from xml.etree import ElementTree as ET

import pytest

from feedback.audit.models import AuditEntry
from feedback.extensions import db
from tests.moments import local
from tests.routes_support import client_as, new_client, snapshot, text

CHANGE = {"title": "Fika", "description": "Nu finns fika.", "changed_on": "2026-11-01", "status": "in_progress",
          "progress": "50", "origin": "expert_group", "topic_id": "0"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Ja."}, "Choose what the steering group decided."),
        ({"outcome": "maybe", "reason": "Ja."}, "Not a valid choice"),
        ({"outcome": "accepted", "reason": ""}, "Write the reason in easy words"),
        ({"outcome": "adapted", "reason": "Ja, men."}, "Write what is different"),
        ({"outcome": "postponed", "reason": "Sen."}, "Write until when"),
        ({"outcome": "postponed", "reason": "Sen.", "postponed_until": "2001-01-01"}, "must be after today"),
        ({"outcome": "postponed", "reason": "Sen.", "postponed_until": "not a date"}, "Not a valid date"),
    ],
)
def test_bad_decisions_get_a_message_and_change_nothing(app, login, english_world, data, message):
    c = client_as(app, login, english_world, "steering")
    before = snapshot()
    resp = c.post(f"/staff/{english_world.prog.id}/review/{english_world.p_voted.id}", data=data)
    assert resp.status_code in (400, 409) and message in text(resp)
    assert snapshot() == before


def test_a_decided_proposal_is_not_decided_twice(app, login, english_world):
    c = client_as(app, login, english_world, "steering")
    page = text(c.get(f"/staff/{english_world.prog.id}/review/{english_world.p_decided.id}"))
    assert "Reopen for a new decision" in page and 'name="outcome"' not in page
    before = snapshot()
    resp = c.post(f"/staff/{english_world.prog.id}/review/{english_world.p_decided.id}", data={"outcome": "declined", "reason": "Nej."})
    assert resp.status_code == 409 and "Reopen it first" in text(resp)
    assert snapshot() == before


def test_staff_see_the_review_but_cannot_decide(app, login, english_world):
    c = client_as(app, login, english_world, "staff")
    page = text(c.get(f"/staff/{english_world.prog.id}/review/{english_world.p_voted.id}"))
    assert "The steering group decides on this proposal." in page and 'name="outcome"' not in page


def test_records_of_another_program_are_404(app, login, english_world, make):
    from feedback.changes import services as changes

    other_change = changes.create_change(english_world.users["other_staff"], english_world.other_prog.id, changes.ChangeFields(
        title="X", description="Y", changed_on=changes.today(), status="done", progress=100, origin="staff"))
    before = snapshot()
    s = client_as(app, login, english_world, "steering")
    assert s.post(f"/staff/{english_world.prog.id}/review/{english_world.p_other.id}", data={"outcome": "accepted", "reason": "J"}
                  ).status_code == 404
    st = client_as(app, login, english_world, "staff")
    assert st.get(f"/staff/{english_world.prog.id}/changes/{other_change.id}/edit").status_code == 404
    assert st.post(f"/staff/{english_world.prog.id}/changes/{other_change.id}/edit", data=CHANGE).status_code == 404
    m = client_as(app, login, english_world, "member")
    assert m.post(f"/changes/{other_change.id}/follow-up", data={"answer": "yes"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"progress": "150"}, "Progress is a number from 0 to 100."),
        ({"progress": "-5"}, "Progress is a number from 0 to 100."),
        ({"title": ""}, "Write a title"),
        ({"changed_on": ""}, "Write the date of the change."),
        ({"status": "finished"}, "Not a valid choice"),
        ({"proposal_ids": "OTHER"}, "Link only to records of this program."),
    ],
)
def test_bad_changes_get_a_message_and_change_nothing(app, login, english_world, extra, message):
    if extra.get("proposal_ids") == "OTHER":
        extra = {"proposal_ids": str(english_world.p_other.id)}
    c = client_as(app, login, english_world, "staff")
    before = snapshot()
    resp = c.post(f"/staff/{english_world.prog.id}/changes/new", data={**CHANGE, **extra})
    assert resp.status_code == 400 and message in text(resp)
    assert snapshot() == before


def test_the_member_sees_the_loop_and_her_own_vote(app, login, english_world):
    page = text(client_as(app, login, english_world, "member").get("/me/ideas"))
    assert "Decided idea" in page and "Ja. Vi gör det." in page and "Childcare" in page
    assert "You voted: Yes, good" in page
    assert "Did this change help?" in page  # the change asks from today
    resp = client_as(app, login, english_world, "member").post(f"/changes/{english_world.change.id}/follow-up", data={"answer": "sometimes"})
    assert resp.status_code == 303


def test_public_page_is_off_until_staff_switch_it_on_and_has_no_names(app, login, english_world):
    staff = client_as(app, login, english_world, "staff")
    staff.post(f"/staff/{english_world.prog.id}/public", data={"public": "0"})
    anon = new_client(app)
    assert anon.get(f"/public/{english_world.prog.slug}").status_code == 404
    assert anon.get(f"/public/{english_world.prog.slug}/feed.atom").status_code == 404
    staff.post(f"/staff/{english_world.prog.id}/public", data={"public": "1"})
    page = text(anon.get(f"/public/{english_world.prog.slug}"))
    assert "Childcare" in page and "Decided idea" in page
    for user in (*english_world.users.values(), english_world.target):
        assert user.name not in page
    feed = anon.get(f"/public/{english_world.prog.slug}/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 2 and all(e.find("{http://www.w3.org/2005/Atom}id").text for e in entries)
    for user in english_world.users.values():
        assert user.name.encode() not in feed.data


def test_readability_hint(app, login, english_world):
    c = client_as(app, login, english_world, "staff")
    resp = c.post(f"/staff/{english_world.prog.id}/readability", data={
        "lix_field": "summary", "lix_target": "summary-lix",
        "summary": "Verksamhetsutvecklingens kvalitetssäkringsprocesser implementeras kontinuerligt"})
    html = text(resp)
    assert 'id="summary-lix"' in html and "hard to read" in html and "Verksamhetsutvecklingens" in html
    easy = text(c.post(f"/staff/{english_world.prog.id}/readability", data={
        "lix_field": "summary", "lix_target": "summary-lix", "summary": "Vi ses på lördag."}))
    assert "hard to read" not in easy
    assert c.post(f"/staff/{english_world.prog.id}/readability", data={"lix_target": '"><script>'}).status_code == 400
    # The proposal form shows it for the text already there.
    form = text(c.get(f"/staff/{english_world.prog.id}/proposals/{english_world.p_draft.id}/edit"))
    assert 'id="summary-lix"' in form and "hx-post" in form


def test_audit_log_filters(app, login, english_world):
    assert client_as(app, login, english_world, "staff").post(f"/staff/{english_world.prog.id}/changes/new", data=CHANGE).status_code == 302
    assert client_as(app, login, english_world, "steering").post(f"/staff/{english_world.prog.id}/review/{english_world.p_voted.id}",
                                                  data={"outcome": "accepted", "reason": "Ja."}).status_code == 302
    admin = client_as(app, login, english_world, "admin")
    everything = text(admin.get("/admin/audit"))
    assert "Stina Steering" in everything and "decisions" in everything
    only = text(admin.get("/admin/audit?record_type=program_changes&action=create"))
    assert "program_changes" in only and "Sara Staff" in only and "Stina Steering" not in only
    assert admin.get("/admin/audit?from=nonsense&page=abc").status_code == 200


@pytest.mark.parametrize(("day", "inside", "outside"), [
    # 25-hour day: 23:30 on 31 October is still 31 October.
    ("2027-10-31", local(2027, 10, 31, 23, 30), local(2027, 11, 1, 0, 30)),
    # 23-hour day: 00:30 on 29 March is not 28 March any more.
    ("2027-03-28", local(2027, 3, 28, 22, 30), local(2027, 3, 29, 0, 30)),
], ids=["autumn-switch", "spring-switch"])
def test_audit_log_day_filter_is_the_local_day_on_switch_days(app, login, english_world, day, inside, outside):
    for name, at in (("inside-the-day", inside), ("next-day", outside)):
        db.session.add(AuditEntry(at=at.astimezone(UTC).replace(tzinfo=None), actor_name="Tester", action="create",
                                  record_type="probe", record_id=name))
    db.session.commit()
    admin = client_as(app, login, english_world, "admin")
    page = text(admin.get(f"/admin/audit?from={day}&to={day}&record_type=probe"))
    assert "probe inside-the-day" in page
    assert "probe next-day" not in page


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=1999-12-31&to=2101-01-01"])
def test_audit_log_a_day_outside_the_apps_years_is_left_out(app, login, english_world, query):
    admin = client_as(app, login, english_world, "admin")
    db.session.add(AuditEntry(actor_name="Tester", action="create", record_type="probe", record_id="kept"))
    db.session.commit()
    resp = admin.get(f"/admin/audit?record_type=probe&{query}")
    assert resp.status_code == 200 and "probe kept" in text(resp)


def test_the_decision_is_on_the_members_proposal_page(app, login, english_world):
    page = text(client_as(app, login, english_world, "member").get(f"/p/{english_world.p_decided.id}"))
    assert "The steering group decided:" in page and "Ja. Vi gör det." in page
    assert "The steering group decided:" not in text(client_as(app, login, english_world, "member").get(f"/p/{english_world.p_voted.id}"))
