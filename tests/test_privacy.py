"""A member's own data: she sees all of it, downloads it, and can have it erased; what the
group did together stays counted, without her."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback.audit.models import AuditEntry
from feedback.auth.models import LoginToken, User
from feedback.extensions import db
from feedback.privacy import services as privacy
from feedback.threads import services as threads
from feedback.threads.models import Agreement, Post
from feedback.votes import services as votes
from feedback.votes.models import Vote, VoterRoll
from tests.routes_support import new_client, snapshot

VOICE = (Path(__file__).parent / "fixtures" / "voice-1s.webm").read_bytes()


@pytest.fixture
def world_with_secret_vote(english_world, make):
    """The world in English, and the member with a phone number and a vote in a secret ballot."""
    world = english_world
    member = world.users["member"]
    member.phone = "070-1234567"
    secret = make.proposal(world.prog, "voting", title="Secret idea", anonymous=True)
    votes.cast_vote(secret, member, "disagree")
    world.secret = secret
    db.session.commit()
    return world


def test_she_sees_everything_about_her(app, login, world_with_secret_vote):
    c = login(world_with_secret_vote.users["member"], new_client(app))
    page = c.get("/me/data").get_data(as_text=True)
    for text in ("Mona Member", "070-1234567", "Decided idea", "Yes, good", "Yes, Saturdays are good.",
                 "You voted in 1 secret vote. What you voted is not kept with your name."):
        assert text in page
    assert "Secret idea" not in page.split("Your votes")[1].split("secret vote")[0]  # no choice shown for it
    data = json.loads(c.get("/me/data.json").data)
    assert data["about_you"]["phone"] == "070-1234567"
    assert {v["proposal"] for v in data["votes"]} >= {"Decided idea", "Voted idea"}
    assert data["secret_votes_cast"] == [{"proposal_id": world_with_secret_vote.secret.id, "proposal": "Secret idea"}]
    assert "disagree" not in json.dumps(data["secret_votes_cast"])
    assert [p["text"] for p in data["posts"]] == ["Yes, Saturdays are good."]


def test_erasing_keeps_the_counts_and_removes_her(app, login, world_with_secret_vote):
    member = world_with_secret_vote.users["member"]
    uid = member.id
    c = login(member, new_client(app))
    before_votes = db.session.scalar(db.select(db.func.count()).select_from(Vote))
    resp = c.post("/me/data/erase", data={"confirm": "yes"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/goodbye")
    assert resp.headers["Clear-Site-Data"] == '"cache", "storage"'
    db.session.expire_all()
    user = db.session.get(User, uid)
    assert (user.name, user.phone, user.email, user.active) == ("–", None, None, False)
    assert user.erased_at is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == before_votes  # still counted
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote).where(Vote.user_id == uid)) == 0
    # Her line on the secret vote's roll stays, naming her emptied row: "how many voted" stays right.
    assert db.session.scalar(db.select(db.func.count()).select_from(VoterRoll).where(VoterRoll.user_id == uid)) == 1
    post = db.session.get(Post, world_with_secret_vote.own_post.id)
    assert (post.author_id, post.by_former_member, post.body) == (None, True, "Yes, Saturdays are good.")
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginToken).where(LoginToken.user_id == uid)) == 0
    # She is logged out everywhere; the page of the thread says "a former member".
    assert c.get("/me").status_code == 302
    staff = login(world_with_secret_vote.users["staff"], new_client(app))
    page = staff.get(f"/talk/t/{world_with_secret_vote.thread.id}").get_data(as_text=True)
    assert "A former member" in page
    assert "Mona Member" not in page


def test_without_the_tick_nothing_is_erased(app, login, world_with_secret_vote):
    before = snapshot()
    c = login(world_with_secret_vote.users["member"], new_client(app))
    resp = c.post("/me/data/erase", data={})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/me/data#erase")
    assert snapshot() == before


def test_staff_give_her_the_same_file_on_request(app, login, world_with_secret_vote):
    member = world_with_secret_vote.users["member"]
    own = login(member, new_client(app)).get("/me/data.json").get_json()
    staff = login(world_with_secret_vote.users["staff"], new_client(app))
    assert "Download her data" in staff.get(f"/staff/{world_with_secret_vote.prog.id}/members/{member.id}/edit").get_data(as_text=True)
    resp = staff.get(f"/staff/{world_with_secret_vote.prog.id}/members/{member.id}/data.json")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    assert "attachment" in resp.headers["Content-Disposition"]
    got = resp.get_json()
    assert own["about_you"]["phone"] == "070-1234567"
    # The same file, but for secret votes still open: reloading it after each ballot would tell
    # staff which ballot was hers (issue 15, finding 2). Once voting closes they are listed.
    assert [v["proposal"] for v in own["secret_votes_cast"]] == ["Secret idea"] and got["secret_votes_cast"] == []
    # Her fully anonymous posts are found for her alone: staff would learn who wrote them.
    assert "posts_without_your_name" in own and "posts_without_your_name" not in got
    mine_only = ("secret_votes_cast", "posts_without_your_name", "texts_you_did_not_understand",
                 "meeting_evaluations_without_your_name", "your_secret_dots", "secret_priority_polls_voted_in")
    assert {k: v for k, v in got.items() if k not in mine_only} == {k: v for k, v in own.items() if k not in mine_only}
    from feedback.proposals import services as proposals
    from feedback.proposals.models import Proposal

    secret = db.session.scalar(db.select(Proposal).where(Proposal.title == "Secret idea"))
    proposals.close_voting(secret, None)
    again = staff.get(f"/staff/{world_with_secret_vote.prog.id}/members/{member.id}/data.json").get_json()
    assert again["secret_votes_cast"] == own["secret_votes_cast"]
    # Only for a member of this program, and only for its staff.
    other = login(world_with_secret_vote.users["other_staff"], new_client(app))
    assert other.get(f"/staff/{world_with_secret_vote.prog.id}/members/{member.id}/data.json").status_code in (403, 404)
    assert staff.get(f"/staff/{world_with_secret_vote.prog.id}/members/{world_with_secret_vote.users['staff'].id}/data.json").status_code == 404


def test_staff_erase_on_her_request_and_the_audit_log_forgets_her_name(app, login, world_with_secret_vote):
    staff = login(world_with_secret_vote.users["staff"], new_client(app))
    member = world_with_secret_vote.users["member"]
    # Staff once edited her: the audit log has her name and phone.
    staff.post(f"/staff/{world_with_secret_vote.prog.id}/members/{member.id}/edit",
               data={"name": "Mona M", "preferred_language": "en", "phone": "070-1234567", "email": ""})
    assert "Mona M" in (db.session.scalar(db.select(AuditEntry.changes).where(
        AuditEntry.record_type == "users", AuditEntry.record_id == str(member.id))) or "")
    resp = staff.post(f"/staff/{world_with_secret_vote.prog.id}/members/{member.id}/erase", data={"confirm": "yes"})
    assert resp.status_code == 302
    logged = db.session.scalars(db.select(AuditEntry.changes).where(
        AuditEntry.record_type == "users", AuditEntry.record_id == str(member.id))).all()
    assert logged and all(c is None for c in logged)
    assert not any("Mona" in (c or "") for c in db.session.scalars(db.select(AuditEntry.changes)))



def test_erasure_removes_the_transcript_of_her_voice_from_the_audit_log(app, login, world_with_secret_vote):
    """What staff wrote down from her voice message is in the audit log of her post: it goes with her."""
    member, staff = world_with_secret_vote.users["member"], world_with_secret_vote.users["staff"]
    spoken = threads.reply(member, world_with_secret_vote.thread, None, VOICE)  # a voice-only post
    db.session.commit()
    said = "My husband does not let me work, please help"
    resp = login(staff, new_client(app)).post(f"/talk/posts/{spoken.id}/transcript", data={"transcript": said})
    assert resp.status_code in (200, 302, 303)
    db.session.expire_all()
    assert any(said in (c or "") for c in db.session.scalars(db.select(AuditEntry.changes)))  # audited

    resp = login(staff, new_client(app)).post(
        f"/staff/{world_with_secret_vote.prog.id}/members/{member.id}/erase", data={"confirm": "yes"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, spoken.id).transcript is None  # gone from the post...
    assert not [c for c in db.session.scalars(db.select(AuditEntry.changes)) if said in (c or "")]  # ...and the log
    assert db.session.scalars(db.select(AuditEntry.id).where(  # the fact that staff wrote it stays
        AuditEntry.record_type == "posts", AuditEntry.record_id == str(spoken.id))).all()

def test_staff_cannot_erase_an_office_user_or_another_programs_member(app, login, world_with_secret_vote):
    staff = login(world_with_secret_vote.users["staff"], new_client(app))
    before = snapshot()
    assert staff.post(f"/staff/{world_with_secret_vote.prog.id}/members/{world_with_secret_vote.users['staff'].id}/erase",
                      data={"confirm": "yes"}).status_code == 404
    assert staff.post(f"/staff/{world_with_secret_vote.prog.id}/members/{world_with_secret_vote.users['other_member'].id}/erase",
                      data={"confirm": "yes"}).status_code == 404
    assert snapshot() == before


def test_office_users_cannot_erase_themselves_here(app, login, world_with_secret_vote):
    staff = login(world_with_secret_vote.users["staff"], new_client(app))
    assert staff.post("/me/data/erase", data={"confirm": "yes"}).status_code == 403
    assert db.session.get(User, world_with_secret_vote.users["staff"].id).erased_at is None


def test_her_agreements_go_with_her(app, login, world_with_secret_vote, make):
    other = make.member(world_with_secret_vote.prog)
    from feedback.threads import services as threads

    threads.agree(world_with_secret_vote.users["member"], world_with_secret_vote.staff_post)
    assert db.session.scalar(db.select(db.func.count()).select_from(Agreement)) == 1
    login(world_with_secret_vote.users["member"], new_client(app)).post("/me/data/erase", data={"confirm": "yes"})
    assert db.session.scalar(db.select(db.func.count()).select_from(Agreement)) == 0
    assert db.session.get(User, other.id).erased_at is None


# --- retention and idle office sessions ------------------------------------------------------------


def test_an_idle_office_session_ends_by_itself(app, login, world_with_secret_vote):
    from feedback.common.clock import epoch_seconds

    staff = login(world_with_secret_vote.users["staff"], new_client(app))
    assert staff.get(f"/staff/{world_with_secret_vote.prog.id}/").status_code == 200
    with staff.session_transaction() as s:
        s["seen"] = epoch_seconds() - 61 * 60
    resp = staff.get(f"/staff/{world_with_secret_vote.prog.id}/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert staff.get(f"/staff/{world_with_secret_vote.prog.id}/").status_code == 302  # logged out, not just sent away once
    from feedback.auth.models import UserSession

    assert db.session.scalar(db.select(UserSession.ended_at).where(UserSession.user_id == world_with_secret_vote.users["staff"].id)) \
        is not None  # ended on the server too


def test_members_stay_logged_in_on_their_phone(app, login, world_with_secret_vote):
    from feedback.common.clock import epoch_seconds

    member = login(world_with_secret_vote.users["member"], new_client(app))
    assert member.get("/me").status_code == 200
    with member.session_transaction() as s:
        s["seen"] = epoch_seconds() - 30 * 24 * 3600
    assert member.get("/me").status_code == 200


# --- what her page shows -------------------------------------------------------------------------


def test_her_data_lists_every_session_row_kept_about_her(make):
    from feedback.auth import sessions
    from feedback.auth.models import UserSession

    warda = make.member(make.program(), name="Warda")
    android = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/17.0 Mobile/15E148 Safari/604.1")
    key = sessions.start(warda, android)
    db.session.commit()
    sessions.end(key)  # she logged out on her sister's phone: the row stays until she is erased
    sessions.start(warda, iphone)
    db.session.commit()
    kept = db.session.scalars(db.select(UserSession.device).where(UserSession.user_id == warda.id)).all()
    shown = privacy.my_data(warda)["logged_in_on"]
    assert sorted(b["device"] for b in shown) == sorted(kept) and len(kept) == 2
    assert sorted(b["ended"] is None for b in shown) == [False, True]  # by the day, like the others
    assert all(b["ended"] is None or len(b["ended"]) == len("2027-05-04") for b in shown)


def test_her_data_page_shows_what_the_download_has(app, login, make):
    """Her evaluations, her presses (by the text's title), her secret dots and the messages sent
    to her are on her page, not only in the file."""
    import time_machine

    from feedback.outbox.models import OutboxMessage
    from feedback.priorities import services as prio
    from feedback.understanding import evaluation, presses
    from tests.moments import local
    from tests.priority_support import make_poll

    program = make.program()
    warda = make.member(program, name="Warda", language="en")
    p = make.proposal(program, "voting", title="Fika on Saturdays")
    secret = make_poll(program, title="Hemlig", anonymous=True)
    prio.add_dot(secret, warda, secret.options[0].id)
    with time_machine.travel(local(2027, 5, 10, 12), tick=False):
        may = make.meeting(program, days_ahead=0, title="May meeting")
        june = make.meeting(program, days_ahead=0, title="June meeting")
    with time_machine.travel(local(2027, 5, 10, 15), tick=False):
        evaluation.answer(may, warda, "bad", "Too long and nobody listened", named=True)
        evaluation.answer(june, warda, "good", "Better without my name")
        presses.press("proposal", p.id, warda)
        db.session.add(OutboxMessage(idempotency_key="test-vote", user_id=warda.id, channel="email", kind="vote",
                                     body="A new vote"))
        db.session.commit()
        page = login(warda, new_client(app)).get("/me/data").get_data(as_text=True)
    assert "Here you see everything the app keeps about you." in page
    for shown in ("Too long and nobody listened", "with your name", "Better without my name", "without your name",
                  "Not good", "Fika on Saturdays", "You gave dots in 1 secret vote.", "Messages from the app",
                  "A new vote: E-mail"):
        assert shown in page, shown

