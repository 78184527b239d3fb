"""The photo of a priority poll's own option: staff add, replace and remove it while the poll is a
draft (the rules and the pipeline of proposal photos), members see it on the dots panel, and only
those who may see the poll get it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.priorities import services as prio
from feedback.priorities.models import PriorityOption, PriorityPoll
from feedback.priorities.photos import remove_option_photo, save_option_photo
from feedback.proposals.photo_models import PhotoAlt, PhotoRendition, ProposalPhoto
from tests import photo_support as ps
from tests.priority_support import make_poll
from tests.routes_support import client_as, count, new_client, snapshot, text


def _stored() -> int:
    return count(ProposalPhoto) + count(PhotoRendition) + count(PhotoAlt)


def _said(refused) -> str:
    with force_locale("en"):
        return str(refused.value.message)


@pytest.fixture
def draft(make):
    return make_poll(make.program(), status="draft")


# --- rules -------------------------------------------------------------------------------------


def test_a_photo_is_stored_on_the_option_with_its_alt_texts(draft):
    option = draft.options[0]
    prio.set_translation(option, "ar", "فكرة", "نص قصير.")
    photo = save_option_photo(draft, option, ps.jpeg(1200, 900), " Barn  leker. ", {"ar": "أطفال يلعبون."}, None)
    db.session.commit()
    assert photo.option_id == option.id and photo.proposal_id is None
    assert option.photo is photo and option.shown_photo is photo and photo.owner is option
    assert photo.alt_text == "Barn leker."
    assert photo.alt_in("ar") == ("أطفال يلعبون.", "ar")
    assert photo.alt_in("so") == ("Barn leker.", "sv")
    assert [r.width for r in photo.renditions] == [360, 720, 1080]
    assert len(photo.renditions[0].data) <= 30 * 1024
    assert draft.options[1].photo is None


def test_replacing_makes_a_new_version_and_alt_only_keeps_the_photo(draft):
    option = draft.options[0]
    first = save_option_photo(draft, option, ps.jpeg(), "Kaffe.", {}, None)
    old_version, old_id = first.version, first.id
    same = save_option_photo(draft, option, None, "Kaffe och te.", {}, None)
    assert same.id == old_id and same.version == old_version and same.alt_text == "Kaffe och te."
    second = save_option_photo(draft, option, ps.jpeg(color=(10, 200, 90)), "Te.", {}, None)
    db.session.commit()
    assert second.version != old_version
    assert count(ProposalPhoto) == 1 and count(PhotoRendition) == 2
    assert db.session.scalars(sa.select(ProposalPhoto.version)).all() == [second.version]


def test_remove_the_photo(draft):
    option = draft.options[0]
    save_option_photo(draft, option, ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    assert remove_option_photo(draft, option) and not remove_option_photo(draft, option)
    db.session.commit()
    assert _stored() == 0 and option.photo is None


@pytest.mark.parametrize(("data", "alt", "alts", "field"), [
    (b"just some text\n" * 50, "Kaffe.", {}, "photo"),
    (ps.png_claiming(50_000, 50_000), "Kaffe.", {}, "photo"),
    (ps.jpeg(), "  ", {}, "alt_text"),
    (None, "Kaffe.", {}, "photo"),  # alt texts alone need a photo first
])
def test_refused_files_and_alt_texts_change_nothing(draft, data, alt, alts, field):
    with pytest.raises(RuleError) as refused:
        save_option_photo(draft, draft.options[0], data, alt, alts, None)
    assert refused.value.field == field
    db.session.rollback()
    assert _stored() == 0


def test_a_refused_replacement_keeps_the_old_photo(draft):
    option = draft.options[0]
    old = save_option_photo(draft, option, ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    version = old.version
    with pytest.raises(RuleError):
        save_option_photo(draft, option, ps.jpeg()[:400], "Te.", {}, None)
    db.session.rollback()
    assert db.session.scalars(sa.select(ProposalPhoto.version)).all() == [version]
    assert db.session.scalar(sa.select(ProposalPhoto.alt_text)) == "Kaffe."


def test_each_translated_language_of_the_option_needs_its_alt_text(draft):
    option = draft.options[0]
    prio.set_translation(option, "en", "Idea", "A short text.")
    with pytest.raises(RuleError) as refused:
        save_option_photo(draft, option, ps.jpeg(), "Kaffe.", {"en": ""}, None)
    assert "English" in _said(refused) and refused.value.field == "alt_text"
    db.session.rollback()
    assert _stored() == 0


@pytest.mark.parametrize("status", ["open", "closed"])
def test_options_of_a_poll_past_its_draft_are_refused(make, status):
    prog = make.program()
    poll = make_poll(prog, status="draft")
    save_option_photo(poll, poll.options[0], ps.jpeg(), "Kaffe.", {}, None)
    prio.open_poll(poll, None)
    if status == "closed":
        prio.close_poll(poll, None)
    db.session.commit()
    before = snapshot()
    for act in (lambda: save_option_photo(poll, poll.options[1], ps.jpeg(), "Te.", {}, None),
                lambda: save_option_photo(poll, poll.options[0], None, "Te.", {}, None),
                lambda: remove_option_photo(poll, poll.options[0])):
        with pytest.raises(RuleError) as refused:
            act()
        assert refused.value.status == 409 and "cannot change" in _said(refused)
        db.session.rollback()
    assert snapshot() == before


def test_an_option_from_a_proposal_shows_the_proposals_photo_and_has_none_of_its_own(make):
    from feedback.proposals import photos

    prog = make.program()
    proposal = make.proposal(prog, "voting")
    poll = prio.create_poll(prog.id, None, title="Vad först?", proposal_ids=(proposal.id,))
    db.session.commit()
    option = poll.options[0]
    with pytest.raises(RuleError) as refused:
        save_option_photo(poll, option, ps.jpeg(), "Kaffe.", {}, None)
    assert refused.value.status == 409 and "its proposal" in _said(refused)
    db.session.rollback()
    assert _stored() == 0
    photo = photos.save_photo(proposal, ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    assert option.shown_photo is photo and option.photo is None


def test_the_photo_goes_with_its_option_and_its_poll(draft):
    a, b = draft.options[0], draft.options[1]
    save_option_photo(draft, a, ps.jpeg(), "Kaffe.", {}, None)
    save_option_photo(draft, b, ps.jpeg(), "Te.", {}, None)
    db.session.commit()
    prio.remove_option(draft, a)  # through the ORM
    db.session.commit()
    assert count(ProposalPhoto) == 1 and db.session.scalar(sa.select(ProposalPhoto.option_id)) == b.id
    db.session.execute(sa.delete(PriorityOption).where(PriorityOption.id == b.id))  # the database's own cascade
    db.session.commit()
    assert _stored() == 0
    save_option_photo(draft, draft.options[0], ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    db.session.execute(sa.delete(PriorityPoll).where(PriorityPoll.id == draft.id))
    db.session.commit()
    assert _stored() == 0


def test_a_photo_belongs_to_exactly_one_owner(make, draft):
    proposal = make.proposal(make.program(), "voting")
    for owner in ({}, {"proposal_id": proposal.id, "option_id": draft.options[0].id}):
        db.session.add(ProposalPhoto(**owner, version="0" * 16, alt_text="x", width=1, height=1))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_the_backup_has_the_option_photo(draft, tmp_path):
    from feedback.operations.backup import backup

    save_option_photo(draft, draft.options[0], ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    counts = backup(tmp_path / "b.jsonl.gz")
    assert counts["proposal_photos"] == 1 and counts["proposal_photo_renditions"] == 2


# --- pages -------------------------------------------------------------------------------------


@pytest.fixture
def people(make):
    people = ps.photo_people(make)
    people["steering"] = make.user(people["program"], "steering", language="en")
    people["other_staff"] = make.staff(people["other"])
    people["poll"] = make_poll(people["program"], status="draft")
    return people


def _photo_url(people, option_id: int) -> str:
    return f"/staff/{people['program'].id}/priorities/{people['poll'].id}/options/{option_id}/photo"


def _upload(app, login, people, option, data, filename="photo.jpg", **fields):
    client = login(people["staff"], new_client(app))
    return ps.post_photo(client, _photo_url(people, option.id), data, filename, **fields)


def test_staff_upload_and_a_member_sees_it_on_the_dots_page_in_her_language(app, login, people):
    poll, option = people["poll"], people["poll"].options[1]
    prio.set_translation(option, "en", "Idea two", "A short text.")
    db.session.commit()
    staff_page = text(login(people["staff"], new_client(app)).get(f"/staff/{people['program'].id}/priorities/{poll.id}"))
    assert f'action="{_photo_url(people, option.id)}"' in staff_page and 'enctype="multipart/form-data"' in staff_page
    assert f'id="option-{option.id}-photo-alt-en" name="alt_en"' in staff_page
    resp = _upload(app, login, people, option, ps.jpeg(1600, 1200), alt_text="Två barn leker.",
                   alt_en="Two children play.")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#option-{option.id}")
    photo = option.photo
    assert photo is not None and photo.created_by_id == people["staff"].id
    prio.open_poll(poll, None)
    db.session.commit()
    member = login(people["member"], new_client(app))
    html = text(member.get(f"/me/priorities/{poll.id}"))
    card = html.split(f'id="option-{option.id}"')[1].split("</li>")[0]
    img = re.search(r'<img class="proposal-photo-img"[^>]*>', card).group(0)
    assert 'alt="Two children play."' in img and 'lang="en"' in img and 'loading="lazy"' in img
    base = f"/photos/{photo.id}/{photo.version}"
    assert f'srcset="{base}/360.webp 360w, {base}/720.webp 720w, {base}/1080.webp 1080w"' in img
    assert html.count('class="proposal-photo-img"') == 1  # the other options have none
    arabic = text(login(people["arabic"], new_client(app)).get(f"/me/priorities/{poll.id}"))
    assert re.search(r'alt="Två barn leker." lang="sv"', arabic)
    got = member.get(f"{base}/360.webp")
    assert got.status_code == 200 and got.mimetype == "image/webp" and len(got.data) <= 30 * 1024
    # A dot with htmx swaps only her row of the idea: the photo above it stays as it is.
    row = text(member.post(f"/me/priorities/{poll.id}/dots", data={"option": str(option.id), "step": "add"},
                           headers={"HX-Request": "true"}))
    assert row.lstrip().startswith(f'<div class="dot-row has-dots" id="dot-row-{option.id}">') and "<img" not in row


def test_only_people_who_may_see_the_poll_get_the_photo(app, login, people):
    poll = people["poll"]
    photo = save_option_photo(poll, poll.options[0], ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    url = f"/photos/{photo.id}/{photo.version}/360.webp"

    def get(role):
        c = new_client(app) if role is None else login(people[role], new_client(app))
        return c.get(url).status_code

    # A draft: staff only.
    assert get("staff") == 200
    assert get("member") == 404 and get("steering") == 404
    prio.open_poll(poll, None)
    db.session.commit()
    assert get("member") == 200 and get("steering") == 200 and get("staff") == 200
    assert get("other_member") == 404 and get("other_staff") == 404
    assert get(None) == 302
    prio.close_poll(poll, None)
    db.session.commit()
    assert get("member") == 200 and get("other_member") == 404
    assert login(people["member"], new_client(app)).get(
        f"/photos/{photo.id}/0123456789abcdef/360.webp").status_code == 404


@pytest.mark.parametrize(("data", "fields", "says"), [
    (ps.jpeg(), {"alt_text": ""}, "alt text"),
    (b"just some text\n" * 50, {"alt_text": "Kaffe."}, "not a photo"),
    (ps.png_claiming(50_000, 50_000), {"alt_text": "Kaffe."}, "too many pixels"),
    (ps.plain_png(400, 20000), {"alt_text": "Kaffe."}, "too tall"),
])
def test_a_refused_upload_says_why_keeps_what_she_typed_and_stores_nothing(app, login, people, data, fields, says):
    option = people["poll"].options[0]
    before = snapshot()
    resp = _upload(app, login, people, option, data, **fields)
    assert resp.status_code == 400
    page = text(resp)
    assert says in page
    if fields["alt_text"]:
        assert re.search(rf'id="option-{option.id}-photo-alt"[^>]*value="Kaffe."', page, re.S)
        # only the form she sent keeps it
        assert not re.search(rf'id="option-{people["poll"].options[1].id}-photo-alt"[^>]*value="Kaffe."', page, re.S)
    assert snapshot() == before


def test_an_open_poll_refuses_over_http_too(app, login, people):
    poll = people["poll"]
    prio.open_poll(poll, None)
    db.session.commit()
    before = snapshot()
    resp = _upload(app, login, people, poll.options[0], ps.jpeg(), alt_text="Kaffe.")
    assert resp.status_code == 409 and "cannot change after voting has started" in text(resp)
    staff = login(people["staff"], new_client(app))
    assert staff.post(_photo_url(people, poll.options[0].id) + "/remove").status_code == 409
    assert snapshot() == before
    assert 'name="alt_text"' not in text(staff.get(f"/staff/{people['program'].id}/priorities/{poll.id}"))


def test_staff_remove_the_photo_and_unknown_options_are_404(app, login, people):
    poll = people["poll"]
    save_option_photo(poll, poll.options[0], ps.jpeg(), "Kaffe.", {}, None)
    db.session.commit()
    staff = login(people["staff"], new_client(app))
    resp = staff.post(_photo_url(people, poll.options[0].id) + "/remove")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#option-{poll.options[0].id}")
    assert _stored() == 0
    assert staff.post(_photo_url(people, 999_999) + "/remove").status_code == 404


def test_audit_log_records_the_action_without_photo_bytes(app, login, people):
    from feedback.audit.models import AuditEntry

    _upload(app, login, people, people["poll"].options[0], ps.jpeg(), alt_text="Kaffe.")
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.record_type.like("proposal_photo%"))).all()
    assert {e.record_type for e in entries} >= {"proposal_photos", "proposal_photo_renditions"}
    assert any('"option_id"' in (e.changes or "") for e in entries)
    assert {e.program_id for e in entries} == {people["program"].id}  # found through the option's poll
    assert not any('"data"' in (e.changes or "") for e in entries)


def test_the_live_meetings_dots_panel_shows_the_option_photo(app, login, english_world):
    from feedback.meetings import live

    w = english_world
    poll = make_poll(w.prog, status="draft")
    save_option_photo(poll, poll.options[2], ps.jpeg(), "Ett bord med kaffe.", {}, None)
    prio.add_to_agenda(poll, w.meeting.id)
    live.start(w.meeting, 0)
    while w.meeting.current_item.poll_id != poll.id:
        live.step(w.meeting, 1, w.meeting.live_version)
    live.open_voting(w.meeting, None, w.meeting.live_version)
    db.session.commit()
    page = text(client_as(app, login, w, "member").get(f"/live/{w.meeting.id}"))
    card = page.split(f'id="option-{poll.options[2].id}"')[1].split("</li>")[0]
    assert 'class="proposal-photo-img"' in card and 'alt="Ett bord med kaffe."' in card
