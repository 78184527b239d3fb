"""The live meeting's state machine: every allowed step and every refused one."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from feedback.common.errors import RuleError
from feedback.common.security import hash_token
from feedback.extensions import db
from feedback.meetings import live, services
from feedback.meetings.live import CODE_ALPHABET, CODE_LENGTH


@pytest.fixture
def meeting(make):
    """A planned meeting with a free item, a proposal and a feedback topic on its agenda."""
    prog = make.program()
    m = make.meeting(prog)
    services.add_agenda_item(m, title="Welcome")
    services.add_to_agenda(m, make.proposal(prog, title="Saturdays"), None)
    services.add_agenda_item(m, title="Coffee")
    return m


def item_titles(m):
    item = m.current_item
    return item.proposal.title if item and item.proposal else (item.title if item else None)


def test_a_whole_meeting(meeting):
    m = meeting
    assert m.status == "planned" and m.live_version == 0
    live.start(m, 0)
    assert m.status == "open" and m.started_at and item_titles(m) == "Welcome"
    code = live.join_code(m)
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    live.step(m, 1, m.live_version)
    assert item_titles(m) == "Saturdays"
    live.open_voting(m, None, m.live_version)
    proposal = m.current_item.proposal
    assert proposal.status == "voting"
    live.close_voting(m, None, m.live_version)
    live.reveal(m, m.live_version)
    assert proposal.status == "voted" and m.results_revealed
    live.step(m, 1, m.live_version)
    assert item_titles(m) == "Coffee" and not m.results_revealed
    live.step(m, -1, m.live_version)
    assert item_titles(m) == "Saturdays"
    version = m.live_version
    live.end(m, version)
    assert m.status == "closed" and live.join_code(m) is None and m.ended_at and m.live_version == version + 1
    assert m.join_salt is None and m.join_code_hash is None


def test_refused_steps_change_nothing(meeting):
    m = meeting
    for action in (lambda: live.step(m, 1), lambda: live.open_voting(m, None), lambda: live.end(m),
                   lambda: live.reveal(m)):
        with pytest.raises(RuleError):
            action()  # not started
    live.start(m)
    with pytest.raises(RuleError):
        live.start(m)  # twice
    with pytest.raises(RuleError):
        live.step(m, -1)  # before the first item
    with pytest.raises(RuleError):
        live.open_voting(m, None)  # "Welcome" is not a proposal
    live.step(m, 1)
    with pytest.raises(RuleError):
        live.close_voting(m, None)  # not open yet
    live.open_voting(m, None)
    with pytest.raises(RuleError):
        live.reveal(m)  # results are hidden until voting closes
    live.close_voting(m, None)
    live.step(m, 1)
    with pytest.raises(RuleError):
        live.step(m, 1)  # past the last item
    state = (m.current_item_id, m.live_version, m.status)
    live.end(m)
    with pytest.raises(RuleError):
        live.end(m)  # twice
    with pytest.raises(RuleError):
        live.step(m, -1)  # after the end
    assert state[0] != m.current_item_id  # ending clears the current item; the refusals changed nothing else
    assert m.live_version == state[1] + 1


def test_an_old_view_is_refused(meeting):
    m = meeting
    live.start(m, 0)
    seen = m.live_version
    live.step(m, 1, seen)  # one staff member moves on
    db.session.commit()
    with pytest.raises(RuleError) as e:
        live.step(m, 1, seen)  # the other acts on the page she saw before
    assert e.value.status == 409
    db.session.rollback()
    assert item_titles(m) == "Saturdays"


def test_join_code_finds_only_a_running_meeting(meeting):
    m = meeting
    with pytest.raises(RuleError):
        live.find_by_code("")
    live.start(m)
    code = live.join_code(m)
    assert live.find_by_code(f" {code.lower()[:3]} {code.lower()[3:]} ") == m
    with pytest.raises(RuleError):
        live.find_by_code("AAAAAA" if code != "AAAAAA" else "CCCCCC")
    live.end(m)
    with pytest.raises(RuleError) as e:
        live.find_by_code(code)  # an expired code
    assert e.value.status == 404


def test_the_join_code_is_stored_only_as_a_hash(app, meeting):
    m = meeting
    live.start(m)
    code = live.join_code(m)
    row = db.session.execute(sa.text("SELECT * FROM meetings WHERE id = :id"), {"id": m.id}).mappings().one()
    assert code not in " ".join(str(v) for v in row.values())
    assert row["join_code_hash"] == hash_token(code)
    # The database alone does not give the code: without the app's secret key it is not derivable.
    app.config["SECRET_KEY"], old_key = "another key", app.config["SECRET_KEY"]
    try:
        assert live.join_code(m) is None  # staff are asked to make a new code, not shown a wrong one
    finally:
        app.config["SECRET_KEY"] = old_key
    assert live.join_code(m) == code


def test_a_new_code_revokes_the_old_one(meeting):
    m = meeting
    live.start(m)
    old, version = live.join_code(m), m.live_version
    live.new_code(m, version)
    new = live.join_code(m)
    assert new and new != old and m.live_version == version + 1
    assert live.find_by_code(new) == m
    with pytest.raises(RuleError) as e:
        live.find_by_code(old)
    assert e.value.status == 404
    with pytest.raises(RuleError):
        live.new_code(m, version)  # an old view of the meeting
    assert live.join_code(m) == new
    live.end(m)
    with pytest.raises(RuleError):
        live.new_code(m)  # no codes for a meeting that is not running
    assert live.join_code(m) is None


def test_a_new_code_through_the_control_page(app, make, login):
    from tests.routes_support import new_client

    prog = make.program()
    m = make.meeting(prog)
    control = login(make.staff(prog), new_client(app))
    base = f"/staff/{prog.id}/meetings/{m.id}/live"
    control.post(f"{base}/start", data={"version": "0"})
    db.session.expire_all()
    old = live.join_code(m)
    assert control.post(f"{base}/code", data={"version": str(m.live_version)}).status_code == 302
    db.session.expire_all()
    new = live.join_code(m)
    page = control.get(base).get_data(as_text=True)
    assert new != old and new in page and old not in page
    projector = control.get(f"/staff/{prog.id}/meetings/{m.id}/projector").get_data(as_text=True)
    assert new in projector and old not in projector


def test_empty_agenda_can_start_and_end(make):
    m = make.meeting(make.program())
    live.start(m)
    assert m.current_item_id is None
    with pytest.raises(RuleError):
        live.step(m, 1)
    live.end(m)
    assert m.status == "closed"


def test_live_meeting_through_the_pages(app, make, login):
    from feedback.meetings import log
    from feedback.votes import services as votes
    from tests.routes_support import new_client

    prog, other = make.program(), make.program()
    staff = make.staff(prog)
    member = make.member(prog, language="en")
    outsider = make.member(other)
    m = make.meeting(prog)
    p = make.proposal(prog, title="Saturdays", summary="We meet on Saturdays.")
    services.add_to_agenda(m, p, None)
    control = login(staff, new_client(app))
    phone = login(member, new_client(app))
    base = f"/staff/{prog.id}/meetings/{m.id}/live"

    assert control.post(f"{base}/start", data={"version": "0"}).status_code == 302
    db.session.expire_all()
    code = live.join_code(m)
    assert code in control.get(base).get_data(as_text=True)

    # The code takes a logged-in member to the meeting; a wrong one, or another group's member, goes nowhere.
    assert phone.post("/join", data={"code": "QQQQQQ"}).status_code == 404
    assert login(outsider, new_client(app)).post("/join", data={"code": code}).status_code == 404
    resp = phone.post("/join", data={"code": code.lower()})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/live/{m.id}")
    page = phone.get(f"/live/{m.id}").get_data(as_text=True)
    assert "Saturdays" in page
    assert log.attendance(m)[member.id].present and log.attendance(m)[member.id].source == "self"

    # Polling: nothing changed -> an empty 204; staff open voting -> the new state.
    version = m.live_version
    assert phone.get(f"/live/{m.id}/now?v={version}").status_code == 204
    assert control.post(f"{base}/open", data={"version": str(version)}).status_code == 302
    resp = phone.get(f"/live/{m.id}/now?v={version}")
    assert resp.status_code == 200 and f"/p/{p.id}" in resp.get_data(as_text=True)
    etag = resp.headers["ETag"]
    assert phone.get(f"/live/{m.id}/now", headers={"If-None-Match": etag}).status_code == 304

    # A second staff page still showing the old version is refused and changes nothing.
    db.session.expire_all()
    before = (m.live_version, p.status)
    control.post(f"{base}/close", data={"version": str(version)})
    db.session.expire_all()
    assert (m.live_version, p.status) == before
    votes.cast_vote(p, member, "agree")
    assert re.search(r"\b1 (of|av) 1\b", control.get(base).get_data(as_text=True))
    assert control.post(f"{base}/close", data={"version": str(m.live_version)}).status_code == 302
    db.session.expire_all()
    assert control.post(f"{base}/reveal", data={"version": str(m.live_version)}).status_code == 302
    db.session.expire_all()
    now = phone.get(f"/live/{m.id}/now").get_data(as_text=True)
    assert 'class="results' in now
    projector = control.get(f"/staff/{prog.id}/meetings/{m.id}/projector").get_data(as_text=True)
    assert code in projector and "data:image/svg+xml" in projector
    key = re.search(r"projector/now\?k=([\w-]+)", projector).group(1)
    assert control.get(f"/staff/{prog.id}/meetings/{m.id}/projector/now?k={key}").status_code == 204
    assert control.post(f"{base}/end", data={"version": str(m.live_version)}).status_code == 302
    assert phone.post("/join", data={"code": code}).status_code == 404  # the code has expired


def test_projector_counter_changes_when_a_vote_comes_in(app, make, login):
    from feedback.votes import services as votes
    from tests.routes_support import new_client

    prog = make.program()
    staff, member = make.staff(prog), make.member(prog)
    m = make.meeting(prog)
    services.add_to_agenda(m, make.proposal(prog), None)
    live.start(m)
    live.open_voting(m, None)
    client = login(staff, new_client(app))
    url = f"/staff/{prog.id}/meetings/{m.id}/projector"
    key = re.search(r"projector/now\?k=([\w-]+)", client.get(url).get_data(as_text=True)).group(1)
    assert client.get(f"{url}/now?k={key}").status_code == 204
    votes.cast_vote(m.current_item.proposal, member, "agree")
    resp = client.get(f"{url}/now?k={key}")
    assert resp.status_code == 200 and re.search(r"\b1 (of|av) 1\b", resp.get_data(as_text=True))


def test_a_vote_opened_again_hides_the_result_that_was_revealed(app, make, login):
    """Found by a review: staff closed a vote, showed its result, then opened it again from the
    proposal's page; the projector and the phones showed the counts of the open vote live,
    though its results were to stay hidden until it closed (her proposal page hid them)."""
    from feedback.votes import services as votes
    from tests.routes_support import new_client

    prog = make.program()
    staff = make.staff(prog)
    amal, dina = make.member(prog, language="en"), make.member(prog, language="en")
    m = make.meeting(prog)
    p = make.proposal(prog, title="Saturdays")  # results not live
    services.add_to_agenda(m, p, None)
    live.start(m)
    live.open_voting(m, staff.id)
    votes.cast_vote(p, amal, "agree")
    live.close_voting(m, staff.id)
    live.reveal(m)
    db.session.commit()
    control = login(staff, new_client(app))
    assert 'class="results' in control.get(f"/staff/{prog.id}/meetings/{m.id}/projector").get_data(as_text=True)
    assert control.post(f"/staff/{prog.id}/proposals/{p.id}/open").status_code == 302
    votes.cast_vote(p, amal, "disagree")
    db.session.commit()
    phone = login(dina, new_client(app))
    for page in (phone.get(f"/p/{p.id}"), phone.get(f"/live/{m.id}"),
                 control.get(f"/staff/{prog.id}/meetings/{m.id}/projector")):
        assert page.status_code == 200 and 'class="results' not in page.get_data(as_text=True)
