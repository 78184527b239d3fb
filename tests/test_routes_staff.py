"""Admin and staff pages through the test client: what they save and what they refuse."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from feedback.auth.models import User
from feedback.extensions import db
from feedback.meetings.models import AgendaItem, Meeting
from feedback.programs.models import Membership, Program
from feedback.programs.services import DEFAULT_TOPICS
from feedback.proposals.models import Proposal, ProposalEvent, ProposalTranslation
from feedback.topics.models import Topic
from tests.databases import needs_postgres
from tests.routes_support import at_once, count, new_client, snapshot

# --- admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(app, make, login):
    admin = make.user(None, "admin", is_admin=True, language="en")
    return admin, login(admin, new_client(app))


KEEP_DAYS = {"voice_retention_days": "200", "left_retention_days": "30"}


def roles_of(user_id: int) -> set[tuple[int, str]]:
    db.session.expire_all()
    return set(db.session.execute(
        sa.select(Membership.program_id, Membership.role).where(Membership.user_id == user_id)).tuples())


def test_admin_creates_a_program_with_default_topics(admin_client):
    _admin, client = admin_client
    resp = client.post("/admin/programs/new", data={"name": " Uppsala mentors ", "slug": "uppsala",
                                                    "city": "Uppsala", "description": "Vocational", **KEEP_DAYS})
    assert resp.status_code == 302
    prog = db.session.scalar(sa.select(Program).where(Program.slug == "uppsala"))
    assert prog.name == "Uppsala mentors" and prog.city == "Uppsala"
    assert (prog.voice_retention_days, prog.left_retention_days) == (200, 30)
    topics = db.session.scalars(sa.select(Topic.name).where(Topic.program_id == prog.id).order_by(Topic.position))
    assert list(topics) == [name for name, _icon in DEFAULT_TOPICS]
    assert "Uppsala mentors" in client.get("/admin/programs").get_data(as_text=True)


@pytest.mark.parametrize("form", [
    {"name": "", "slug": "ok", **KEEP_DAYS},
    {"name": "X", "slug": "", **KEEP_DAYS},
    {"name": "X", "slug": "Not A Slug!", **KEEP_DAYS},
    {"name": "X", "slug": "taken", **KEEP_DAYS},
    {"name": "X" * 121, "slug": "long-name", **KEEP_DAYS},
    {"name": "X", "slug": "no-days"},
    {"name": "X", "slug": "too-short", **KEEP_DAYS, "voice_retention_days": "6"},
    {"name": "X", "slug": "too-long", **KEEP_DAYS, "left_retention_days": "3651"},
    {"name": "X", "slug": "not-a-number", **KEEP_DAYS, "left_retention_days": "ninety"},
    {"name": "X", "slug": "negative", **KEEP_DAYS, "voice_retention_days": "-1"},
])
def test_admin_program_form_refuses_bad_input(admin_client, make, form):
    _admin, client = admin_client
    from feedback.programs.services import create_program

    create_program("Taken", "taken")
    before = snapshot()
    assert client.post("/admin/programs/new", data=form).status_code == 400
    assert snapshot() == before


def test_admin_edits_a_program(admin_client, make):
    _admin, client = admin_client
    prog = make.program()
    other = make.program()
    page = client.get(f"/admin/programs/{prog.id}/edit").get_data(as_text=True)
    assert 'name="voice_retention_days"' in page and 'value="365"' in page and 'value="90"' in page
    resp = client.post(f"/admin/programs/{prog.id}/edit",
                       data={"name": "Renamed", "slug": "renamed", "voice_retention_days": "30",
                             "left_retention_days": "14"})
    assert resp.status_code == 302
    db.session.refresh(prog)
    assert (prog.name, prog.slug, prog.voice_retention_days, prog.left_retention_days) == ("Renamed", "renamed", 30, 14)
    before = snapshot()
    assert client.post(f"/admin/programs/{prog.id}/edit",
                       data={"name": "R", "slug": other.slug, **KEEP_DAYS}).status_code == 400
    resp = client.post(f"/admin/programs/{prog.id}/edit",
                       data={"name": "R", "slug": "r", "voice_retention_days": "5", "left_retention_days": "14"})
    assert resp.status_code == 400 and "between 7 and 3650" in resp.get_data(as_text=True)
    assert snapshot() == before


def test_admin_creates_a_staff_user_with_roles(admin_client, make):
    _admin, client = admin_client
    a, b = make.program(), make.program()
    resp = client.post("/admin/users/new", data={
        "name": "Nils", "email": "Nils@Example.ORG",
        f"roles-{a.id}": ["staff", "steering"], f"roles-{b.id}": "admin"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    nils = db.session.scalar(sa.select(User).where(User.email == "nils@example.org"))
    assert nils is not None and not nils.is_admin and nils.password_hash is None
    assert roles_of(nils.id) == {(a.id, "staff"), (a.id, "steering"), (b.id, "admin")}


@pytest.mark.parametrize("form", [
    {"name": "N", "email": "not-an-email"},
    {"name": "N", "email": ""},
    {"name": "", "email": "n@example.org"},
    {"name": "N", "email": "taken@example.org"},
    {"name": "N", "email": "TAKEN@example.org"},
    {"name": "N", "email": "n@example.org", "roles-{a}": "member"},  # members are made by staff
    {"name": "N", "email": "n@example.org", "roles-{a}": "boss"},
])
def test_admin_user_form_refuses_bad_input(admin_client, make, form):
    _admin, client = admin_client
    a = make.program()
    make.staff(a, email="taken@example.org")
    before = snapshot()
    data = {k.replace("{a}", str(a.id)): v for k, v in form.items()}
    assert client.post("/admin/users/new", data=data).status_code == 400
    assert snapshot() == before


def test_admin_edits_roles(admin_client, make):
    _admin, client = admin_client
    a, b = make.program(), make.program()
    user = make.staff(a, email="u@example.org")
    db.session.add(Membership(user_id=user.id, program_id=b.id, role="steering"))
    db.session.add(Membership(user_id=user.id, program_id=b.id, role="member"))  # staff's business, kept
    db.session.commit()
    resp = client.post(f"/admin/users/{user.id}/edit", data={
        "name": "U", "email": "u@example.org", "active": "y", f"roles-{a.id}": ["steering", "admin"]})
    assert resp.status_code == 302
    assert roles_of(user.id) == {(a.id, "steering"), (a.id, "admin"), (b.id, "member")}
    # The form shows what is saved.
    html = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert f'id="roles-{a.id}-admin" name="roles-{a.id}" value="admin" checked' in html
    assert f'id="roles-{a.id}-staff" name="roles-{a.id}" value="staff" checked' not in html


def test_admin_cannot_take_away_own_admin_rights(admin_client):
    admin, client = admin_client
    before = snapshot()
    resp = client.post(f"/admin/users/{admin.id}/edit", data={"name": "Ada", "email": admin.email, "active": "y"})
    assert resp.status_code == 400
    assert "You cannot take away your own admin rights or login." in resp.get_data(as_text=True)
    assert snapshot() == before
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_admin


def test_admin_cannot_deactivate_herself(admin_client):
    admin, client = admin_client
    before = snapshot()
    resp = client.post(f"/admin/users/{admin.id}/edit", data={"name": "Ada", "email": admin.email, "is_admin": "y"})
    assert resp.status_code == 400
    assert snapshot() == before


def test_admin_can_take_away_another_admins_rights(admin_client, make):
    _admin, client = admin_client
    other = make.user(None, "admin", is_admin=True, email="other@example.org")
    resp = client.post(f"/admin/users/{other.id}/edit", data={"name": "O", "email": "other@example.org",
                                                              "active": "y"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, other.id).is_admin


def test_admin_cannot_steal_an_email(admin_client, make):
    _admin, client = admin_client
    make.staff(make.program(), email="first@example.org")
    second = make.staff(make.program(), email="second@example.org")
    before = snapshot()
    resp = client.post(f"/admin/users/{second.id}/edit", data={"name": "S", "email": "FIRST@example.org",
                                                               "active": "y"})
    assert resp.status_code == 400
    assert snapshot() == before


# --- staff: members ------------------------------------------------------------------------


@pytest.fixture
def office(app, make, login):
    prog = make.program()
    staff = make.staff(prog, language="en")
    return prog, staff, login(staff, new_client(app))


def members_of(prog) -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(User).join(Membership).where(
        Membership.program_id == prog.id, Membership.role == "member")))


def test_staff_add_a_member_and_get_her_card(office):
    prog, _staff, client = office
    resp = client.post(f"/staff/{prog.id}/members/new", data={
        "name": " Amina ", "preferred_language": "ar", "phone": "+46 70-123 45 67", "email": "Amina@Example.org"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "/in/" in html and "data:image/svg+xml" in html
    [amina] = members_of(prog)
    assert (amina.name, amina.preferred_language, amina.email) == ("Amina", "ar", "amina@example.org")
    assert amina.phone == "+46701234567"  # written one way, as an SMS provider wants it
    assert amina.password_hash is None


@pytest.mark.parametrize("form", [
    {"name": "", "preferred_language": "sv"},
    {"name": "   ", "preferred_language": "sv"},
    {"name": "N" * 121, "preferred_language": "sv"},
    {"name": "Nadia", "preferred_language": "xx"},
    {"name": "Nadia", "preferred_language": ""},
    {"name": "Nadia", "preferred_language": "sv", "email": "not-an-email"},
    {"name": "Nadia", "preferred_language": "sv", "email": "taken@example.org"},
    {"name": "Nadia", "preferred_language": "sv", "phone": "call me"},
    {"name": "Nadia", "preferred_language": "sv", "phone": "123"},
    {"name": "Nadia", "preferred_language": "sv", "phone": "+46 70 123"},
])
def test_new_member_form_refuses_bad_input(office, make, form):
    prog, _staff, client = office
    make.staff(prog, email="taken@example.org")
    before = snapshot()
    assert client.post(f"/staff/{prog.id}/members/new", data=form).status_code == 400
    assert snapshot() == before


def test_a_phone_number_that_is_no_number_is_refused_next_to_its_field(office):
    prog, _staff, client = office
    resp = client.post(f"/staff/{prog.id}/members/new", data={"name": "Nadia", "preferred_language": "sv",
                                                              "phone": "0701"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "This is not a phone number we can send an SMS to" in page or "inte ett telefonnummer" in page
    assert members_of(prog) == []


def test_staff_edit_a_member(office, make):
    prog, _staff, client = office
    member = make.member(prog, name="Old")
    make.member(prog, email="taken@example.org")
    resp = client.post(f"/staff/{prog.id}/members/{member.id}/edit",
                       data={"name": "New name", "preferred_language": "en", "phone": "", "email": ""})
    assert resp.status_code == 302
    db.session.refresh(member)
    assert (member.name, member.preferred_language, member.email, member.phone) == ("New name", "en", None, None)
    before = snapshot()
    for bad in ({"name": "", "preferred_language": "en"},
                {"name": "X", "preferred_language": "en", "email": "bad"},
                {"name": "X", "preferred_language": "en", "email": "taken@example.org"}):
        assert client.post(f"/staff/{prog.id}/members/{member.id}/edit", data=bad).status_code == 400
    assert snapshot() == before


def test_staff_cannot_change_the_login_email_of_an_admin_who_is_also_a_member(office, make):
    prog, _staff, client = office
    boss = make.user(None, "admin", is_admin=True, email="boss@example.org", password="long-enough-pass")
    db.session.add(Membership(user_id=boss.id, program_id=prog.id, role="member"))
    db.session.commit()
    client.post(f"/staff/{prog.id}/members/{boss.id}/edit",
                data={"name": "Boss", "preferred_language": "sv", "email": "staff-controlled@example.org"})
    db.session.expire_all()
    assert db.session.get(User, boss.id).email == "boss@example.org"


def test_member_list_shows_who_has_a_working_link(office, make):
    prog, _staff, client = office
    make.member(prog, name="Linda")
    html = client.get(f"/staff/{prog.id}/members/").get_data(as_text=True)
    assert "Linda" in html


# --- staff: meetings -----------------------------------------------------------------------


def test_staff_create_and_edit_a_meeting(office):
    prog, _staff, client = office
    resp = client.post(f"/staff/{prog.id}/meetings/new", data={
        "title": "March", "starts_at": "2030-03-01T18:00", "ends_at": "2030-03-01T20:00", "place": " Library "})
    assert resp.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.program_id == prog.id))
    assert meeting.title == "March" and meeting.place == "Library"
    assert meeting.starts_at.isoformat() == "2030-03-01T18:00:00"
    assert "March" in client.get(resp.headers["Location"]).get_data(as_text=True)
    resp = client.post(f"/staff/{prog.id}/meetings/{meeting.id}/edit", data={
        "title": "April", "starts_at": "2030-04-01T18:00", "ends_at": "", "place": "", "notes": ""})
    assert resp.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.title, meeting.place, meeting.ends_at) == ("April", None, None)


def test_meeting_edit_cleans_the_title_like_create(office, make):
    prog, _staff, client = office
    meeting = make.meeting(prog)
    resp = client.post(f"/staff/{prog.id}/meetings/{meeting.id}/edit", data={
        "title": "  April  ", "starts_at": "2030-04-01T18:00", "ends_at": "", "place": "", "notes": ""})
    assert resp.status_code == 302
    db.session.expire_all()
    assert meeting.title == "April"


@pytest.mark.parametrize("form", [
    {"title": "X", "starts_at": "2030-03-01T18:00", "ends_at": "2030-03-01T17:00"},
    {"title": "X", "starts_at": "2030-03-01T18:00", "ends_at": "2030-03-01T18:00"},
    {"title": "", "starts_at": "2030-03-01T18:00"},
    {"title": "X", "starts_at": ""},
    {"title": "X", "starts_at": "tomorrow"},
    {"title": "X", "starts_at": "2030-02-30T18:00"},
])
def test_meeting_forms_refuse_bad_input(office, make, form):
    prog, _staff, client = office
    meeting = make.meeting(prog)
    before = snapshot()
    assert client.post(f"/staff/{prog.id}/meetings/new", data=form).status_code == 400
    assert client.post(f"/staff/{prog.id}/meetings/{meeting.id}/edit", data=form).status_code == 400
    assert snapshot() == before


def test_end_before_start_names_the_problem(office):
    prog, _staff, client = office
    resp = client.post(f"/staff/{prog.id}/meetings/new", data={
        "title": "X", "starts_at": "2030-03-01T18:00", "ends_at": "2030-03-01T17:00"})
    assert "The end must be after the start." in resp.get_data(as_text=True)


# --- staff: proposals, agenda, voting ------------------------------------------------------


def test_staff_create_a_proposal(office):
    prog, staff, client = office
    topic = db.session.scalar(sa.select(Topic).where(Topic.program_id == prog.id).limit(1))
    resp = client.post(f"/staff/{prog.id}/proposals/new", data={
        "title": " Meet on Saturdays ", "summary": "We meet on Saturdays.", "icon": "idea",
        "topic_id": str(topic.id), "anonymous": "y"})
    assert resp.status_code == 302
    p = db.session.scalar(sa.select(Proposal).where(Proposal.program_id == prog.id))
    assert (p.title, p.status, p.topic_id, p.anonymous, p.created_by_id) == (
        "Meet on Saturdays", "draft", topic.id, True, staff.id)
    assert [(e.from_status, e.to_status, e.actor_id) for e in p.events] == [(None, "draft", staff.id)]


@pytest.mark.parametrize("form", [
    {"title": "", "summary": "S", "icon": "idea"},
    {"title": "T", "summary": "", "icon": "idea"},
    {"title": "T" * 161, "summary": "S", "icon": "idea"},
    {"title": "T", "summary": "S", "icon": "no-such-icon"},
    {"title": "T", "summary": "S", "icon": "idea", "topic_id": "{foreign_topic}"},
    {"title": "T", "summary": "S", "icon": "idea", "topic_id": "abc"},
])
def test_proposal_form_refuses_bad_input(office, make, form):
    prog, _staff, client = office
    other = make.program()
    foreign_topic = db.session.scalar(sa.select(Topic.id).where(Topic.program_id == other.id).limit(1))
    data = {k: v.replace("{foreign_topic}", str(foreign_topic)) for k, v in form.items()}
    before = snapshot()
    assert client.post(f"/staff/{prog.id}/proposals/new", data=data).status_code == 400
    assert snapshot() == before


def test_secrecy_cannot_change_once_voting_started(office, make):
    prog, _staff, client = office
    p = make.proposal(prog, "voting")
    before = snapshot()
    resp = client.post(f"/staff/{prog.id}/proposals/{p.id}/edit", data={
        "title": p.title, "summary": p.summary, "icon": "idea", "topic_id": "0", "anonymous": "y"})
    assert resp.status_code == 400
    assert snapshot() == before


def test_agenda_add_and_remove(office, make):
    prog, staff, client = office
    meeting = make.meeting(prog)
    p = make.proposal(prog, "draft")
    url = f"/staff/{prog.id}/meetings/{meeting.id}/agenda"
    assert client.post(url, data={"proposal_id": p.id}).status_code == 302
    db.session.expire_all()
    assert p.status == "on_agenda"
    [item] = db.session.scalars(sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
    before = snapshot()
    assert client.post(url, data={"proposal_id": p.id}).status_code == 400  # already there
    assert client.post(url, data={"proposal_id": "abc"}).status_code == 400
    assert client.post(url, data={}).status_code == 400
    assert snapshot() == before
    assert client.post(f"{url}/{item.id}/remove").status_code == 302
    db.session.expire_all()
    assert p.status == "draft"
    assert count(AgendaItem) == 0
    steps = [(e.from_status, e.to_status, e.actor_id) for e in p.events]
    assert steps[1:] == [("draft", "on_agenda", staff.id), ("on_agenda", "draft", staff.id)]


def test_no_agenda_changes_on_a_closed_meeting(office, make):
    prog, _staff, client = office
    meeting = make.meeting(prog, days_ahead=-30)
    meeting.status = "closed"
    db.session.commit()
    p = make.proposal(prog, "draft")
    before = snapshot()
    assert client.post(f"/staff/{prog.id}/meetings/{meeting.id}/agenda", data={"proposal_id": p.id}
                       ).status_code == 400
    assert snapshot() == before


def test_open_and_close_voting(office, make):
    prog, staff, client = office
    p = make.proposal(prog, "draft")
    base = f"/staff/{prog.id}/proposals/{p.id}"
    before = snapshot()
    assert client.post(f"{base}/close").status_code == 409  # not open yet
    assert snapshot() == before
    assert client.post(f"{base}/open").status_code == 302
    db.session.expire_all()
    assert p.status == "voting" and p.voting_opened_at is not None
    before = snapshot()
    assert client.post(f"{base}/open").status_code == 409
    assert snapshot() == before
    assert client.post(f"{base}/close").status_code == 302
    db.session.expire_all()
    assert p.status == "voted" and p.voting_closed_at is not None
    assert [e.to_status for e in p.events] == ["draft", "voting", "voted"]
    assert all(e.actor_id == staff.id for e in p.events[1:])
    assert client.get(base).status_code == 200


def test_open_and_close_are_post_only(office, make):
    prog, _staff, client = office
    p = make.proposal(prog, "draft")
    for action in ("open", "close"):
        assert client.get(f"/staff/{prog.id}/proposals/{p.id}/{action}").status_code == 405
    db.session.expire_all()
    assert p.status == "draft"


def translations_of(p) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(sa.select(ProposalTranslation.language, ProposalTranslation.title,
                                        ProposalTranslation.summary).where(
        ProposalTranslation.proposal_id == p.id)).all()


def test_save_change_and_remove_a_translation(office, make):
    prog, _staff, client = office
    p = make.proposal(prog, "draft")
    url = f"/staff/{prog.id}/proposals/{p.id}/translations/en"
    resp = client.post(url, data={"en-title": "Saturdays", "en-summary": "We meet on Saturdays."})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#tr-en")
    assert translations_of(p) == [("en", "Saturdays", "We meet on Saturdays.")]
    client.post(url, data={"en-title": "On Saturdays", "en-summary": "Short."})
    assert translations_of(p) == [("en", "On Saturdays", "Short.")]
    client.post(url, data={"en-title": "", "en-summary": ""})
    assert translations_of(p) == []


@needs_postgres
def test_a_translation_saved_twice_at_once_is_one_row(app, login, office, make):
    prog, staff, _client = office
    for n in range(3):  # a race is not lost every time: each round is a new chance
        p = make.proposal(prog, "draft", title=f"Lördagar {n}")
        url = f"/staff/{prog.id}/proposals/{p.id}/translations/en"
        form = {"en-title": "Saturdays", "en-summary": "We meet on Saturdays."}
        codes = at_once(app, [(login(staff, new_client(app)), url, dict(form)) for _ in range(2)])
        assert codes == [302, 302], codes  # the second changed the row the first added
        assert translations_of(p) == [("en", "Saturdays", "We meet on Saturdays.")]


@pytest.mark.parametrize(("lang", "form", "status"), [
    ("en", {"en-title": "Title only"}, 302),  # refused with a message
    ("en", {"en-title": "T" * 161, "en-summary": "S"}, 302),
    ("en", {"title": "wrong prefix", "summary": "S"}, 302),
    ("xx", {"xx-title": "T", "xx-summary": "S"}, 404),
    ("sv", {"sv-title": "T", "sv-summary": "S"}, 404),  # the source language is the proposal itself
])
def test_translation_refuses_bad_input(office, make, lang, form, status):
    prog, _staff, client = office
    p = make.proposal(prog, "draft")
    before = snapshot()
    resp = client.post(f"/staff/{prog.id}/proposals/{p.id}/translations/{lang}", data=form)
    assert resp.status_code == status
    assert snapshot() == before
    assert translations_of(p) == []


def test_proposal_events_are_kept_when_editing(office, make):
    prog, _staff, client = office
    p = make.proposal(prog, "draft")
    resp = client.post(f"/staff/{prog.id}/proposals/{p.id}/edit", data={
        "title": "New title", "summary": "New summary", "icon": "idea", "topic_id": "0"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert p.title == "New title"
    assert count(ProposalEvent, ProposalEvent.proposal_id == p.id) == 1


def test_staff_proposal_page_shows_reasons_without_names(office, make):
    from feedback.votes import services as votes

    prog, _staff, client = office
    p = make.proposal(prog, "voting")
    member = make.member(prog, name="Hodan Unique")
    votes.cast_vote(p, member, "agree", "<b>Bra</b> tid")
    from feedback.proposals.services import close_voting

    close_voting(p, None)  # while voting is open her name is in the by-hand member list
    html = client.get(f"/staff/{prog.id}/proposals/{p.id}").get_data(as_text=True)
    assert "&lt;b&gt;Bra&lt;/b&gt; tid" in html
    assert "Hodan Unique" not in html


def test_member_home_shows_the_next_meeting_and_its_agenda(app, make, login):
    from feedback.meetings import services as meetings
    from feedback.meetings.models import AgendaItem
    from tests.routes_support import new_client

    prog = make.program()
    member = make.member(prog, language="en")
    meeting = make.meeting(prog, title="Meeting in May", place="Library")
    shown = make.proposal(prog, title="Childcare at meetings")
    meetings.add_to_agenda(meeting, shown, None)
    hidden = make.proposal(prog, title="Secret draft")
    meeting.agenda.append(AgendaItem(kind="proposal", proposal=hidden, position=9))
    db.session.commit()
    html = login(member, new_client(app)).get("/me").get_data(as_text=True)
    assert "Meeting in May" in html and "Library" in html
    assert "Childcare at meetings" in html
    assert "Secret draft" not in html
