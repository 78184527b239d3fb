"""Priority polls through HTTP: the member's + and - with and without htmx, refusals with a
message that change nothing, and staff making, opening and closing a poll."""
from __future__ import annotations

import pytest

from feedback.extensions import db
from feedback.priorities import services as prio
from feedback.priorities.models import PriorityPoll
from tests.databases import needs_postgres
from tests.priority_support import make_poll
from tests.routes_support import at_once, client_as, new_client, snapshot, text

HX = {"HX-Request": "true"}


def dot(c, poll, option_id, step="add", **kw):
    return c.post(f"/me/priorities/{poll.id}/dots", data={"option": str(option_id), "step": step}, **kw)


def test_member_gives_and_takes_back_dots_without_javascript(app, login, english_world):
    w = english_world
    c = client_as(app, login, w, "member")
    page = text(c.get(f"/me/priorities/{w.poll.id}"))
    assert "Vad är viktigast?" in page and "You have 3 dots left." in page
    assert "Open question" in page and "Resor" in page  # the proposal's text, and an option's own
    a, _b = w.poll.options
    resp = dot(c, w.poll, a.id)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#option-{a.id}")
    dot(c, w.poll, a.id)
    page = text(c.get(resp.headers["Location"]))
    assert "You have 1 dot left." in page and "2 dots" in page
    resp = dot(c, w.poll, a.id, "remove")
    assert resp.status_code == 302
    assert prio.my_dots(w.poll, w.users["member"]).on == {a.id: 1}


def test_member_gives_dots_with_htmx_and_gets_her_row_back(app, login, english_world):
    w = english_world
    c = client_as(app, login, w, "member")
    a, b = w.poll.options
    resp = dot(c, w.poll, a.id, headers=HX)
    body = text(resp)
    # Her row of that idea, then out of band the dots she has left, no message, the voter count.
    assert resp.status_code == 200 and body.lstrip().startswith(f'<div class="dot-row has-dots" id="dot-row-{a.id}">')
    assert "1 dot</span>" in body and f'id="minus-{a.id}"' in body and f'id="minus-{b.id}"' not in body
    assert '<p class="dots-left" id="dots-left" hx-swap-oob="true">' in body and "You have 2 dots left." in body
    assert '<div id="dots-error" hx-swap-oob="true"></div>' in body
    assert 'id="dots-result" hx-swap-oob="true"' in body and "1 member has voted." in body
    assert "<html" not in body and "Open question" not in body and "HX-Retarget" not in resp.headers
    body = text(dot(c, w.poll, a.id, "remove", headers=HX))
    assert body.lstrip().startswith(f'<div class="dot-row" id="dot-row-{a.id}">') and " disabled>" in body
    assert "You have 3 dots left." in body and "0 members have voted." in body


def test_with_live_results_a_dot_sends_the_whole_panel(app, login, english_world):
    w = english_world
    poll = make_poll(w.prog, results_live=True)
    c = client_as(app, login, w, "member")
    resp = dot(c, poll, poll.options[1].id, headers=HX)
    body = text(resp)
    assert resp.headers["HX-Retarget"] == "#dots-panel" and resp.headers["HX-Reswap"] == "outerHTML"
    assert body.lstrip().startswith('<section id="dots-panel"') and "You have 2 dots left." in body
    assert "Place 1:" in body and "Idea 2" in body and "Kort text 1." in body


@pytest.mark.parametrize(("setup", "message"), [
    ("full", "You have no dots left."),
    ("most", "At most 2 dots on one idea."),
    ("none", "You have no dot on this idea."),
    ("other", "This idea is not in this vote."),
    ("closed", "The vote is closed."),
])
@pytest.mark.parametrize("htmx", [False, True])
def test_refused_dots_get_a_clear_message_and_change_nothing(app, login, english_world, setup, message, htmx):
    w = english_world
    member = w.users["member"]
    a, b = w.poll.options
    option, step = a.id, "add"
    if setup == "full":
        for o in (a, a, b):
            prio.add_dot(w.poll, member, o.id)
        option = b.id
    elif setup == "most":
        prio.add_dot(w.poll, member, a.id)
        prio.add_dot(w.poll, member, a.id)
    elif setup == "none":
        step = "remove"
    elif setup == "other":
        option = make_poll(w.prog).options[0].id
    elif setup == "closed":
        prio.close_poll(w.poll, None)
    db.session.commit()
    c = client_as(app, login, w, "member")
    before = snapshot()
    resp = dot(c, w.poll, option, step, headers=HX if htmx else {})
    body = text(resp)
    assert message in body and 'role="alert"' in body
    assert resp.status_code == (200 if htmx else (404 if setup == "other" else 409))
    assert snapshot() == before
    if htmx and setup in ("full", "most", "none"):  # her row as it was, and the reason out of band
        assert body.lstrip().startswith('<div class="dot-row') and f'id="dot-row-{option}"' in body
        assert '<div id="dots-error" hx-swap-oob="true"><p class="flash flash-error"' in body
        left = {"full": "You have 0 dots left.", "most": "You have 1 dot left.", "none": "You have 3 dots left."}
        assert left[setup] in body  # as before the refused tap: her ballot's count was undone with it
    elif htmx:  # the poll or the idea is not what her page shows: the whole panel, as it is now
        assert resp.headers["HX-Retarget"] == "#dots-panel" and body.lstrip().startswith('<section id="dots-panel"')


def test_staff_make_open_and_close_a_poll_that_goes_to_review(app, login, english_world):
    w = english_world
    c = client_as(app, login, w, "staff")
    base = f"/staff/{w.prog.id}/priorities"
    assert "Make a priority poll" in text(c.get(base + "/"))
    resp = c.post(base + "/new", data={"title": "Vad först?", "dots_per_member": "2", "max_per_option": "1",
                                       "proposal_ids": [str(w.p_voting.id)]})
    assert resp.status_code == 302
    poll = db.session.scalars(db.select(PriorityPoll).where(PriorityPoll.title == "Vad först?")).one()
    assert [o.proposal_id for o in poll.options] == [w.p_voting.id]
    assert c.post(f"{base}/{poll.id}/open").status_code == 409  # one option is not enough
    resp = c.post(f"{base}/{poll.id}/options", data={"proposal_id": "0", "title": "Fika", "summary": "Kaffe.",
                                                      "icon": "heart"})
    assert resp.status_code == 302
    resp = c.post(f"{base}/{poll.id}/options/{poll.options[1].id}/translations/en",
                  data={f"o{poll.options[1].id}-en-title": "Coffee", f"o{poll.options[1].id}-en-summary": "Coffee."})
    assert resp.status_code == 302
    assert poll.options[1].text_in("en")[0] == "Coffee"
    assert c.post(f"{base}/{poll.id}/open").status_code == 302
    page = text(c.get(f"{base}/{poll.id}"))
    assert "0 members have voted." in page
    member = client_as(app, login, w, "member")
    assert dot(member, poll, poll.options[1].id).status_code == 302
    assert c.post(f"{base}/{poll.id}/close").status_code == 302
    db.session.expire_all()
    poll = db.session.get(PriorityPoll, poll.id)
    assert poll.status == "closed" and poll.proposal.kind == "priorities"
    queue = text(client_as(app, login, w, "steering").get(f"/staff/{w.prog.id}/review/"))
    assert "Gruppens viktigaste idéer: Vad först?" in queue  # written in the poll's language
    page = text(client_as(app, login, w, "member").get(f"/me/priorities/{poll.id}"))
    assert "Place 1:" in page and "The vote is closed." in page


def test_bad_poll_settings_get_a_message(app, login, english_world):
    w = english_world
    c = client_as(app, login, w, "staff")
    before = snapshot()
    resp = c.post(f"/staff/{w.prog.id}/priorities/new",
                  data={"title": "X", "dots_per_member": "2", "max_per_option": "3"})
    assert resp.status_code == 400 and "The most dots on one option" in text(resp)
    assert snapshot() == before


def test_secret_open_poll_shows_only_how_many_voted(app, login, english_world):
    w = english_world
    poll = make_poll(w.prog, anonymous=True)
    prio.add_dot(poll, w.users["member"], poll.options[0].id)
    db.session.commit()
    staff_page = text(client_as(app, login, w, "staff").get(f"/staff/{w.prog.id}/priorities/{poll.id}"))
    assert "1 member has voted." in staff_page and "Place 1" not in staff_page
    member_page = text(client_as(app, login, w, "member").get(f"/me/priorities/{poll.id}"))
    assert "1 member has voted." in member_page and "Place 1" not in member_page


def test_home_shows_the_open_poll(app, login, english_world):
    w = english_world
    page = text(client_as(app, login, w, "member").get("/me"))
    assert f"/me/priorities/{w.poll.id}" in page and "Give your dots" in page
    assert f"/me/priorities/{w.poll_draft.id}" not in page


def test_the_steering_group_decides_on_the_ranking_and_a_change_links_to_it(app, login, english_world):
    from feedback.changes import services as changes
    from feedback.decisions.models import Decision

    w = english_world
    _a, b = w.poll.options
    prio.add_dot(w.poll, w.users["member"], b.id)
    item = prio.close_poll(w.poll, w.users["staff"].id)
    db.session.commit()
    c = client_as(app, login, w, "steering")
    page = text(c.get(f"/staff/{w.prog.id}/review/{item.id}"))
    assert "Place 1:" in page and "Resor" in page and "1 members gave 1 dots." in page
    resp = c.post(f"/staff/{w.prog.id}/review/{item.id}", data={"outcome": "accepted", "reason": "Ja. Vi börjar med resor."})
    assert resp.status_code == 302
    decision = db.session.scalars(db.select(Decision).where(Decision.proposal_id == item.id)).one()
    change = changes.create_change(w.users["staff"], w.prog.id, changes.ChangeFields(
        title="Resor", description="Vi åker till ett företag.", changed_on=changes.today(), status="planned",
        progress=0, origin="expert_group", review_on=None, proposal_ids=(item.id,)))
    db.session.commit()
    assert decision.outcome == "accepted" and item.id in [p.id for p in change.proposals]
    member = client_as(app, login, w, "member")
    assert member.get(f"/p/{item.id}").headers["Location"].endswith(f"/me/priorities/{w.poll.id}")
    ideas = text(member.get("/me/ideas"))
    assert "The group" in ideas and "Resor" in ideas


def test_staff_of_a_program_cannot_reach_another_programs_poll(app, login, english_world):
    w = english_world
    theirs = make_poll(w.other_prog, status="draft")
    staff = client_as(app, login, w, "staff")
    before = snapshot()
    for method, path, data in [
        ("GET", f"/staff/{w.prog.id}/priorities/{theirs.id}", {}),
        ("POST", f"/staff/{w.prog.id}/priorities/{theirs.id}/open", {}),
        ("POST", f"/staff/{w.prog.id}/priorities/{theirs.id}/options", {"proposal_id": "0", "title": "X", "icon": "idea"}),
        ("POST", f"/staff/{w.prog.id}/priorities/{w.poll.id}/options/{theirs.options[0].id}/delete", {}),
        ("POST", f"/staff/{w.prog.id}/priorities/{w.poll.id}/agenda", {"meeting_id": str(w.other_meeting.id)}),
        ("POST", f"/staff/{w.prog.id}/priorities/new", {**{"title": "X", "dots_per_member": "3", "max_per_option": "2"},
                                                        "proposal_ids": [str(w.p_other.id)]}),
    ]:
        resp = staff.get(path) if method == "GET" else staff.post(path, data=data)
        assert resp.status_code in (400, 404), (path, resp.status_code)
    assert snapshot() == before


def test_staff_see_where_the_groups_priorities_came_from(app, login, english_world):
    w = english_world
    item = prio.close_poll(w.poll, None)
    db.session.commit()
    page = text(client_as(app, login, w, "staff").get(f"/staff/{w.prog.id}/proposals/{item.id}"))
    assert f"/staff/{w.prog.id}/priorities/{w.poll.id}" in page


def test_home_shows_a_recent_result_and_forgets_an_old_one(app, login, english_world):
    from datetime import timedelta

    from feedback.common.clock import utcnow

    w = english_world
    recent, old = make_poll(w.prog, title="Recent one", status="closed"), make_poll(w.prog, title="Old one", status="closed")
    old.closed_at = utcnow() - timedelta(days=31)
    db.session.commit()
    page = text(client_as(app, login, w, "member").get("/me"))
    assert f"/me/priorities/{recent.id}" in page and "Result" in page
    assert f"/me/priorities/{old.id}" not in page


def test_staff_change_a_draft_poll_and_not_an_open_one(app, login, english_world):
    w = english_world
    c = client_as(app, login, w, "staff")
    base = f"/staff/{w.prog.id}/priorities"
    draft = w.poll_draft
    show = text(c.get(f"{base}/{draft.id}"))
    assert f'href="{base}/{draft.id}/edit"' in show
    form = text(c.get(f"{base}/{draft.id}/edit"))
    assert "Change the priority poll" in form and f'value="{draft.title}"' in form and "proposal_ids" not in form
    resp = c.post(f"{base}/{draft.id}/edit", data={"title": "  Vad gör vi i vår? ", "summary": "Välj tre.",
                                                    "dots_per_member": "4", "max_per_option": "1", "anonymous": "y"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/priorities/{draft.id}")
    db.session.expire_all()
    draft = db.session.get(PriorityPoll, draft.id)
    assert (draft.title, draft.summary, draft.dots_per_member, draft.max_per_option, draft.anonymous,
            draft.results_live) == ("Vad gör vi i vår?", "Välj tre.", 4, 1, True, False)
    # Settings the rules refuse: a message next to the field, and nothing changes.
    before = snapshot()
    resp = c.post(f"{base}/{draft.id}/edit", data={"title": "X", "dots_per_member": "2", "max_per_option": "3"})
    assert resp.status_code == 400 and "The most dots on one option must be from 1" in text(resp)
    resp = c.post(f"{base}/{draft.id}/edit", data={"title": "X", "dots_per_member": "2", "max_per_option": "1",
                                                    "anonymous": "y", "results_live": "y"})
    assert resp.status_code == 400 and "A secret vote shows its result only when voting closes." in text(resp)
    resp = c.post(f"{base}/{draft.id}/edit", data={"title": "", "dots_per_member": "2", "max_per_option": "1"})
    assert resp.status_code == 400
    assert snapshot() == before
    # Open: the form is gone, and a post changes nothing.
    opened = w.poll
    assert f'{base}/{opened.id}/edit"' not in text(c.get(f"{base}/{opened.id}"))
    resp = c.get(f"{base}/{opened.id}/edit", follow_redirects=True)
    assert "The poll cannot change after voting has started." in text(resp)
    resp = c.post(f"{base}/{opened.id}/edit", data={"title": "Ny", "dots_per_member": "1", "max_per_option": "1"})
    assert resp.status_code == 302 and snapshot() == before


def test_the_rules_keep_an_open_poll_as_members_saw_it(make):
    poll = make_poll(make.program())
    with pytest.raises(prio.RuleError):
        prio.update_poll(poll, title="Ny", summary="", dots_per_member=1, max_per_option=1, anonymous=False,
                         results_live=False)
    db.session.rollback()
    assert db.session.get(PriorityPoll, poll.id).title == "What matters most?"


@needs_postgres
@pytest.mark.parametrize("of", ["poll", "option"])
def test_a_translation_saved_twice_at_once_is_one_row(app, login, make, of):
    prog = make.program()
    staff = make.staff(prog)
    for n in range(3):  # a race is not lost every time: each round is a new chance
        poll = make_poll(prog, status="draft", options=2, title=f"Vad är viktigast {n}?")
        owner = poll if of == "poll" else poll.options[0]
        base = f"/staff/{prog.id}/priorities/{poll.id}"
        url, prefix = ((f"{base}/translations/en", "poll-en") if of == "poll" else
                       (f"{base}/options/{owner.id}/translations/en", f"o{owner.id}-en"))
        form = {f"{prefix}-title": "What matters most?", f"{prefix}-summary": ""}
        codes = at_once(app, [(login(staff, new_client(app)), url, dict(form)) for _ in range(2)])
        assert codes == [302, 302], codes  # the second changed the row the first added
        assert [t.language for t in owner.translations] == ["en"]


@needs_postgres
def test_a_proposal_added_twice_at_once_is_one_option(app, login, make):
    """Found by a review: a double click on "add" made the same proposal an option twice (no
    constraint says no, so it was no 500, only a poll with the same idea twice)."""
    prog = make.program()
    staff = make.staff(prog)
    for n in range(3):  # a race is not lost every time: each round is a new chance
        poll = make_poll(prog, status="draft", options=1, title=f"Vad först {n}?")
        idea = make.proposal(prog, "voted", title=f"Fika {n}")
        url = f"/staff/{prog.id}/priorities/{poll.id}/options"
        codes = at_once(app, [(login(staff, new_client(app)), url, {"proposal_id": str(idea.id)}) for _ in range(2)])
        assert sorted(codes) == [302, 400], codes  # the second: "This proposal is an option already."
        assert [o.proposal_id for o in poll.options].count(idea.id) == 1
        assert len({o.position for o in poll.options}) == len(poll.options)
