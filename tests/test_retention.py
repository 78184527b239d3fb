"""Keeping data no longer than the program's admins set: voice messages, and the personal data
of members who left. Staff mark that a member left (or came back); `flask retention` does the rest."""
from __future__ import annotations

from datetime import timedelta

import pytest

from feedback.auth.models import LoginToken, User, UserSession
from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.members import services as members
from feedback.operations import retention
from feedback.programs.models import Membership, Program
from feedback.threads.models import Post, VoiceNote
from feedback.votes import services as votes
from feedback.votes.models import Vote
from tests.routes_support import new_client, snapshot


def _left_days_ago(program_id: int, user: User, days: int) -> None:
    members.leave(program_id, user)
    mine = members.membership(program_id, user)
    mine.left_at = utcnow() - timedelta(days=days)
    db.session.commit()


def _count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


# --- voice messages ----------------------------------------------------------------------------------


def test_old_voice_messages_go_after_their_programs_period_and_the_post_stays(app, login, english_world, runner, make):
    from feedback.threads import services as threads
    from tests.routes_support import VOICE

    spoken = threads.reply(english_world.users["member"], english_world.thread, None, VOICE.read_bytes())  # a voice-only post
    from feedback.topics.models import Topic

    other_prog = make.program()
    topic = db.session.scalar(db.select(Topic).where(Topic.program_id == other_prog.id).limit(1))
    other_thread = threads.start_thread(make.member(other_prog), topic, "Hello", VOICE.read_bytes())
    for voice in db.session.scalars(db.select(VoiceNote)):
        voice.created_at = utcnow() - timedelta(days=400)
    english_world.prog.voice_retention_days = 365
    other_prog.voice_retention_days = 500  # its admins keep them longer
    db.session.commit()

    result = runner.invoke(args=["retention"])
    assert "Deleted 2 voice messages" in result.output, result.output
    db.session.expire_all()
    left = db.session.scalars(db.select(VoiceNote)).all()
    assert [v.post.thread_id for v in left] == [other_thread.id]
    assert db.session.get(Post, english_world.post.id).body == "Can we meet on Saturdays?"
    assert db.session.get(Post, spoken.id) is not None
    page = login(english_world.users["member"], new_client(app)).get(f"/talk/t/{english_world.thread.id}").get_data(as_text=True)
    assert "Voice message (no longer kept)" in page
    assert "Deleted 0 voice messages" in runner.invoke(args=["retention"]).output


# --- members who leave ---------------------------------------------------------------------------------


def test_staff_mark_that_she_left_and_she_is_out(app, login, english_world):
    member, pid = english_world.users["member"], english_world.prog.id
    phone = login(member, new_client(app))
    assert phone.get(f"/p/{english_world.p_voting.id}").status_code == 200
    staff = login(english_world.users["staff"], new_client(app))

    resp = staff.post(f"/staff/{pid}/members/{member.id}/leave", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Mona Member has left the group. Her link is stopped." in page
    assert "She came back" in page and "Her personal data is deleted on" in page
    db.session.expire_all()
    assert members.membership(pid, member).left_at is not None
    assert member not in members.program_members(pid)
    assert _count(UserSession, UserSession.user_id == member.id, UserSession.ended_at.is_(None)) == 0
    assert _count(LoginToken, LoginToken.user_id == member.id, LoginToken.revoked_at.is_(None)) == 0
    assert phone.get(f"/p/{english_world.p_voting.id}").status_code in (302, 404)  # logged out, and no way back in

    listing = staff.get(f"/staff/{pid}/members/").get_data(as_text=True)
    left_part = listing[listing.index("Members who left"):]
    assert "Mona Member" in left_part and "Her data is deleted on" in left_part
    # Links and cards are for the group's members now.
    assert staff.post(f"/staff/{pid}/members/{member.id}/card").status_code == 404
    assert staff.post(f"/staff/{pid}/members/{member.id}/revoke").status_code == 404

    before = snapshot()
    again = staff.post(f"/staff/{pid}/members/{member.id}/leave", follow_redirects=True)
    assert "She is not a member of this group now." in again.get_data(as_text=True)
    assert snapshot() == before

    back = staff.post(f"/staff/{pid}/members/{member.id}/come-back", follow_redirects=True)
    assert "Mona Member is a member again. Give her a new link or card." in back.get_data(as_text=True)
    db.session.expire_all()
    assert member in members.program_members(pid) and members.membership(pid, member).left_at is None
    before = snapshot()
    twice = staff.post(f"/staff/{pid}/members/{member.id}/come-back", follow_redirects=True)
    assert "She has not left this group." in twice.get_data(as_text=True)
    assert snapshot() == before


def test_leaving_one_group_keeps_her_in_the_other(app, login, english_world):
    member, pid = english_world.users["member"], english_world.prog.id
    db.session.add(Membership(user_id=member.id, program_id=english_world.other_prog.id, role="member"))
    db.session.commit()
    members_before = members.member_count(pid)
    phone = login(member, new_client(app))
    staff = login(english_world.users["staff"], new_client(app))
    resp = staff.post(f"/staff/{pid}/members/{member.id}/leave", follow_redirects=True)
    assert "She is still in another group." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert phone.get(f"/p/{english_world.p_other.id}").status_code == 200  # still logged in, in the other group
    assert phone.get(f"/p/{english_world.p_voting.id}").status_code == 404  # not in the group she left
    assert members.member_count(pid) == members_before - 1  # she is not counted in A any more
    assert [(lv.user.id, lv.erase_on) for lv in members.left_members(pid)] == [(member.id, None)]
    page = staff.get(f"/staff/{pid}/members/{member.id}/edit").get_data(as_text=True)
    assert "She is still in another group, so her data is kept." in page
    assert "Kept: she is in another group" in staff.get(f"/staff/{pid}/members/").get_data(as_text=True)
    assert phone.post(f"/p/{english_world.p_voting.id}/vote", data={"choice": "agree"}).status_code == 404


def test_retention_erases_those_who_left_long_enough_ago(app, english_world, runner, make):
    pid = english_world.prog.id
    english_world.prog.left_retention_days = 90
    long_gone, recent, back_again = english_world.users["member"], english_world.target, make.member(english_world.prog, name="Back Again")
    in_other_group = make.member(english_world.prog, name="Still Elsewhere")
    db.session.add(Membership(user_id=in_other_group.id, program_id=english_world.other_prog.id, role="member"))
    votes.cast_vote(english_world.p_voting, long_gone, "agree")
    _left_days_ago(pid, long_gone, 91)
    _left_days_ago(pid, recent, 89)
    _left_days_ago(pid, back_again, 200)
    members.come_back(pid, back_again)
    _left_days_ago(pid, in_other_group, 200)

    assert [u.id for u in retention.due_for_erasure()] == [long_gone.id]
    result = runner.invoke(args=["retention"])
    assert "Erased the personal data of 1 members who left." in result.output, result.output
    db.session.expire_all()
    gone = db.session.get(User, long_gone.id)
    assert gone.erased_at is not None and gone.name == "–" and gone.memberships == []
    assert _count(Vote, Vote.proposal_id == english_world.p_voting.id, Vote.choice == "agree") == 1  # still counted
    assert _count(Vote, Vote.user_id == long_gone.id) == 0  # but not hers any more
    for kept in (recent, back_again, in_other_group):
        assert db.session.get(User, kept.id).erased_at is None
    assert "Erased the personal data of 0 members" in runner.invoke(args=["retention"]).output


def test_a_longer_period_of_another_group_she_left_counts(english_world, make):
    member = english_world.users["member"]
    db.session.add(Membership(user_id=member.id, program_id=english_world.other_prog.id, role="member"))
    english_world.prog.left_retention_days, english_world.other_prog.left_retention_days = 30, 365
    db.session.commit()
    _left_days_ago(english_world.prog.id, member, 100)
    _left_days_ago(english_world.other_prog.id, member, 100)
    assert retention.due_for_erasure() == []
    assert retention.due_for_erasure(utcnow() + timedelta(days=266)) == [member]


# --- what she is told ------------------------------------------------------------------------------------


def test_her_pages_say_how_long_things_are_kept(app, login, english_world):
    english_world.prog.voice_retention_days, english_world.prog.left_retention_days = 200, 45
    db.session.commit()
    phone = login(english_world.users["member"], new_client(app))
    for path in ("/me/data", "/me/welcome"):
        page = phone.get(path).get_data(as_text=True)
        assert "We delete voice messages after 200 days. The text stays." in page, path
        assert "If you leave the group, we delete your data 45 days later." in page, path
    data = phone.get("/me/data.json").get_json()
    assert data["groups"][0]["left"] is None
    staff_page = login(english_world.users["staff"], new_client(app)).get(
        f"/staff/{english_world.prog.id}/members/{english_world.users['member'].id}/edit").get_data(as_text=True)
    assert "Her personal data is deleted 45 days later" in staff_page


def test_periods_are_the_longest_of_her_groups_and_the_defaults_without_one(english_world, make):
    member = english_world.users["member"]
    db.session.add(Membership(user_id=member.id, program_id=english_world.other_prog.id, role="member"))
    english_world.prog.voice_retention_days, english_world.other_prog.voice_retention_days = 30, 400
    english_world.prog.left_retention_days, english_world.other_prog.left_retention_days = 120, 20
    db.session.commit()
    assert retention.periods_for(member) == retention.Periods(400, 120)
    assert retention.periods_for(english_world.users["admin"]) == retention.Periods(365, 90)


def test_new_programs_start_with_the_default_periods(make):
    from feedback.common.errors import RuleError
    from feedback.programs.services import create_program, set_retention

    prog = create_program("Fresh", "fresh")
    assert (prog.voice_retention_days, prog.left_retention_days) == (365, 90)
    for bad in ((6, 90), (365, 3651), (0, 0)):
        with pytest.raises(RuleError):
            set_retention(prog, *bad)
    db.session.refresh(prog)
    assert (db.session.get(Program, prog.id).voice_retention_days, prog.left_retention_days) == (365, 90)
