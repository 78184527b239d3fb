"""Thread pages through HTTP: uploads, bad input, what each role sees, htmx and plain posts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from feedback.extensions import db
from feedback.notifications.models import Notification
from feedback.threads import services as threads
from feedback.threads.models import Agreement, Post, Report, Thread
from tests.routes_support import client_as, new_client, snapshot, text, upload

FIXTURES = Path(__file__).parent / "fixtures"
WEBM = (FIXTURES / "voice-1s.webm").read_bytes()
M4A = (FIXTURES / "voice-1s.m4a").read_bytes()


# --- voice uploads -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "filename", "mime"), [(WEBM, "voice.webm", "audio/webm"),
                                                        (M4A, "voice.m4a", "audio/mp4")])
def test_a_real_recording_is_stored_and_served_to_the_program_only(app, login, english_world, data, filename, mime):
    c = client_as(app, login, english_world, "member")
    resp = upload(c, f"/talk/topic/{english_world.topic.id}", data, filename)
    assert resp.status_code == 302
    post = db.session.scalar(sa.select(Post).order_by(Post.id.desc()).limit(1))
    assert post.voice.mime == mime and post.voice.size == len(data)
    voice_url = f"/talk/posts/{post.id}/voice"
    assert voice_url in text(c.get(resp.headers["Location"]))
    got = c.get(voice_url)
    assert got.status_code == 200 and got.data == data and got.mimetype == mime
    assert "no-store" in got.headers["Cache-Control"] and "private" in got.headers["Cache-Control"]
    # Played in the page, saved under a name of its own, and no exact time (issue 15, findings 3 and 13).
    assert got.headers["Content-Disposition"] == f"inline; filename=voice-{post.id}{filename[5:]}"
    assert "Last-Modified" not in got.headers
    # A part of it, as a phone's player asks when she seeks.
    part = c.get(voice_url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == data[:100]
    # Never for anyone outside the program.
    assert client_as(app, login, english_world, "other_member").get(voice_url).status_code == 404
    assert new_client(app).get(voice_url).status_code == 302


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"Not a recording, only text that someone renamed." * 20, "voice.webm"),
        (b"<script>alert(1)</script>" * 10, "voice.m4a"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 500, "photo.ogg"),
    ],
    ids=["renamed-text", "renamed-html", "renamed-image"],
)
def test_a_file_that_is_not_audio_gets_a_message_and_changes_nothing(app, login, english_world, data, filename):
    c = client_as(app, login, english_world, "member")
    before = snapshot()
    resp = upload(c, f"/talk/topic/{english_world.topic.id}", data, filename, body="Hello")
    assert resp.status_code == 400
    assert "This file is not a sound recording" in text(resp)
    assert "Hello" in text(resp)  # what she wrote is still in the form
    assert snapshot() == before


def test_an_oversized_recording_is_refused(app, login, english_world):
    c = client_as(app, login, english_world, "member")
    before = snapshot()
    # Just over 5 MB: the form says why.
    resp = upload(c, f"/talk/t/{english_world.thread.id}", WEBM + b"\0" * (5 * 1024 * 1024), "voice.webm")
    assert resp.status_code == 413 and "at most 5 MB" in text(resp)
    # Far over: the request itself is refused before it is read.
    # (sent as raw bytes: the test client's own spooled file would be left open when the
    # server, rightly, does not read the body)
    resp = c.post(f"/talk/t/{english_world.thread.id}", data=b"\0" * (8 * 1024 * 1024),
                  content_type="multipart/form-data; boundary=xyz")
    assert resp.status_code == 413
    assert snapshot() == before


def test_other_posts_stay_within_the_usual_size_limit(app, login, english_world):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: the token check reads the form
    c = client_as(app, login, english_world, "member")
    resp = c.post(f"/talk/posts/{english_world.post.id}/report", data={"x": "y" * (2 * 1024 * 1024)})
    assert resp.status_code == 413


# --- text --------------------------------------------------------------------------------------


def test_text_over_2000_is_refused_with_a_message(app, login, english_world):
    c = client_as(app, login, english_world, "member")
    before = snapshot()
    resp = c.post(f"/talk/t/{english_world.thread.id}", data={"body": "x" * 2001})
    assert resp.status_code == 400 and "at most 2000 letters" in text(resp)
    resp = c.post(f"/talk/topic/{english_world.topic.id}", data={"body": "   "})
    assert resp.status_code == 400 and "Write something or record your voice" in text(resp)
    assert snapshot() == before
    assert c.post(f"/talk/t/{english_world.thread.id}", data={"body": "x" * 2000}).status_code == 302


def test_posts_are_rate_limited_per_member(app, login, english_world):
    app.config["POST_RATE_LIMIT"] = "3 per minute"
    c = client_as(app, login, english_world, "member")
    codes = [c.post(f"/talk/t/{english_world.thread.id}", data={"body": f"Post {i}"}).status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]
    # Another member is not slowed down by her.
    other = client_as(app, login, english_world, "staff")
    assert other.post(f"/talk/t/{english_world.thread.id}", data={"body": "Staff"}).status_code == 302
    # Reading is not limited.
    assert c.get(f"/talk/t/{english_world.thread.id}").status_code == 200


def test_posting_needs_a_csrf_token(app, login, english_world):
    app.config["WTF_CSRF_ENABLED"] = True
    c = client_as(app, login, english_world, "member")
    c.get(f"/talk/t/{english_world.thread.id}")
    before = snapshot()
    resp = c.post(f"/talk/t/{english_world.thread.id}", data={"body": "Hi"})
    assert resp.status_code == 400 and "This form was too old or not complete" in text(resp)
    resp = c.post(f"/talk/posts/{english_world.post.id}/agree", data={})
    assert resp.status_code == 400
    assert snapshot() == before
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                      text(c.get(f"/talk/t/{english_world.thread.id}")))
    assert c.post(f"/talk/t/{english_world.thread.id}", data={"body": "Hi", "csrf_token": token.group(1) or token.group(2)}
                  ).status_code == 302


# --- me too, reports, moderation -----------------------------------------------------------------


def test_me_too_with_htmx_returns_the_counter_and_a_second_is_refused(app, login, english_world):
    c = client_as(app, login, english_world, "member")
    resp = c.post(f"/talk/posts/{english_world.post.id}/agree", headers={"HX-Request": "true"})
    assert resp.status_code == 200
    assert f'id="agree-{english_world.post.id}"' in text(resp) and "<html" not in text(resp)
    assert "1 member agrees" in text(resp)
    before = snapshot()
    again = c.post(f"/talk/posts/{english_world.post.id}/agree", headers={"HX-Request": "true"})
    assert again.status_code == 409 and "already said that you agree" in text(again)
    assert again.headers["HX-Retarget"] == "#live-errors"
    plain = c.post(f"/talk/posts/{english_world.post.id}/agree")
    assert plain.status_code == 303
    assert snapshot() == before
    assert "already said that you agree" in text(c.get(plain.headers["Location"]))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1


def test_reports_hold_the_post_and_members_see_why_it_is_gone(app, login, english_world, make):
    reporters = [english_world.users["member"], make.member(english_world.prog), make.member(english_world.prog)]
    for m in reporters:
        c = new_client(app)
        login(m, c)
        assert c.post(f"/talk/posts/{english_world.post.id}/report").status_code == 302
    c = client_as(app, login, english_world, "member")
    again = c.post(f"/talk/posts/{english_world.post.id}/report")
    assert again.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 3
    page = text(c.get(f"/talk/t/{english_world.thread.id}"))
    assert "Can we meet on Saturdays?" not in page and "Hidden until staff have looked at it." in page
    assert c.get(f"/talk/posts/{english_world.post.id}/voice").status_code == 404  # the sound is held too
    staff = client_as(app, login, english_world, "staff")
    queue = text(staff.get(f"/staff/{english_world.prog.id}/feedback"))
    assert "Can we meet on Saturdays?" in queue and "On hold until you decide" in queue
    assert staff.get(f"/talk/posts/{english_world.post.id}/voice").status_code == 200
    assert staff.post(f"/talk/posts/{english_world.post.id}/show", data={"next": "queue"}).status_code == 302
    assert "Can we meet on Saturdays?" in text(c.get(f"/talk/t/{english_world.thread.id}"))


def test_hidden_post_shows_the_reason_to_members(app, login, english_world):
    staff = client_as(app, login, english_world, "staff")
    before = snapshot()
    resp = staff.post(f"/talk/posts/{english_world.post.id}/hide", data={"reason": ""})
    assert resp.status_code == 303
    assert snapshot() == before
    assert staff.post(f"/talk/posts/{english_world.post.id}/hide", data={"reason": "Private details."}).status_code == 302
    page = text(client_as(app, login, english_world, "member").get(f"/talk/t/{english_world.thread.id}"))
    assert "Hidden by staff:" in page and "Private details." in page and "Can we meet on Saturdays?" not in page
    assert "Can we meet on Saturdays?" in text(staff.get(f"/talk/t/{english_world.thread.id}"))


def test_official_answer_stands_out_and_ends_the_wait(app, login, english_world):
    staff = client_as(app, login, english_world, "staff")
    assert "Can we meet on Saturdays?" in text(staff.get(f"/staff/{english_world.prog.id}/feedback"))
    assert staff.post(f"/talk/posts/{english_world.staff_post.id}/official", data={"official": "1"}).status_code == 302
    page = text(client_as(app, login, english_world, "member").get(f"/talk/t/{english_world.thread.id}"))
    assert "post-official" in page and re.search(r"The program(&#39;|')s answer", page) and "Answered" in page
    # A member's post cannot be made official.
    before = snapshot()
    assert staff.post(f"/talk/posts/{english_world.post.id}/official", data={"official": "1"}).status_code == 303
    assert snapshot() == before


def test_a_staff_reply_can_be_official_when_written(app, login, english_world):
    staff = client_as(app, login, english_world, "staff")
    staff.post(f"/talk/t/{english_world.thread.id}", data={"body": "Yes, from March.", "official": "y"})
    assert db.session.get(Thread, english_world.thread.id).answered_at is not None
    # A member who ticks the box anyway is not official: members have no such field.
    member = client_as(app, login, english_world, "member")
    member.post(f"/talk/t/{english_world.thread.id}", data={"body": "Great", "official": "y"})
    last = db.session.scalar(sa.select(Post).order_by(Post.id.desc()).limit(1))
    assert last.body == "Great" and last.official is False


# --- names and anonymity ----------------------------------------------------------------------------


def test_anonymous_to_the_group_on_the_pages(app, login, english_world):
    member = client_as(app, login, english_world, "member")
    form = text(member.get(f"/talk/topic/{english_world.topic.id}"))
    assert "Other members will not see your name. Staff will see it." in form
    member.post(f"/talk/topic/{english_world.topic.id}", data={"body": "A private worry", "anonymous": "y"})
    t = db.session.scalar(sa.select(Thread).order_by(Thread.id.desc()).limit(1))
    others = text(client_as(app, login, english_world, "steering").get(f"/talk/t/{t.id}"))
    assert "A private worry" in others and "Mona Member" not in others and "A member" in others
    staff = text(client_as(app, login, english_world, "staff").get(f"/talk/t/{t.id}"))
    assert "Mona Member" in staff and "name hidden from other members" in staff


def test_a_fully_anonymous_thread_says_so_and_hides_names_from_staff(app, login, english_world):
    staff = client_as(app, login, english_world, "staff")
    staff.post(f"/talk/topic/{english_world.topic.id}", data={"body": "What is hard?", "fully_anonymous": "y"})
    t = db.session.scalar(sa.select(Thread).order_by(Thread.id.desc()).limit(1))
    assert t.fully_anonymous
    member = client_as(app, login, english_world, "member")
    assert "Nobody sees your name here. Not even staff." in text(member.get(f"/talk/t/{t.id}"))
    member.post(f"/talk/t/{t.id}", data={"body": "The language"})
    assert "Mona Member" not in text(staff.get(f"/talk/t/{t.id}"))
    queue = text(staff.get(f"/staff/{english_world.prog.id}/feedback"))
    entry = re.search(r'<li class="card">(?:(?!</li>).)*The language(?:(?!</li>).)*</li>', queue, re.S).group(0)
    assert "Mona Member" not in entry and "A member" in entry
    post = db.session.scalar(sa.select(Post).order_by(Post.id.desc()).limit(1))
    assert post.author_id is None
    # She can still change it in the first 15 minutes.
    assert member.get(f"/talk/posts/{post.id}/edit").status_code == 200


# --- edit and take back --------------------------------------------------------------------------------


def test_edit_and_take_back_own_post(app, login, english_world):
    c = client_as(app, login, english_world, "member")
    assert c.post(f"/talk/posts/{english_world.own_post.id}/edit", data={"body": "x" * 2001}).status_code == 400
    assert c.post(f"/talk/posts/{english_world.own_post.id}/edit", data={"body": "Saturdays, yes!"}).status_code == 302
    assert "Saturdays, yes!" in text(c.get(f"/talk/t/{english_world.thread.id}"))
    assert c.post(f"/talk/posts/{english_world.own_post.id}/delete").status_code == 302
    page = text(c.get(f"/talk/t/{english_world.thread.id}"))
    assert "Saturdays, yes!" not in page and "The writer took back this post." in page
    # Taken back is final: no second edit.
    assert c.post(f"/talk/posts/{english_world.own_post.id}/edit", data={"body": "Again"}).status_code == 303


def test_after_15_minutes_the_edit_page_says_why_not(app, login, english_world):
    from datetime import timedelta

    english_world.own_post.created_at -= timedelta(minutes=20)
    db.session.commit()
    c = client_as(app, login, english_world, "member")
    resp = c.get(f"/talk/posts/{english_world.own_post.id}/edit")
    assert resp.status_code == 303
    assert "only in the first 15 minutes" in text(c.get(resp.headers["Location"]))
    assert "Change or take back" not in text(c.get(f"/talk/t/{english_world.thread.id}"))


# --- live updates and news ---------------------------------------------------------------------------------


def test_polling_is_204_until_something_changes(app, login, english_world):
    c = client_as(app, login, english_world, "member")
    page = text(c.get(f"/talk/t/{english_world.thread.id}"))
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="every 10000ms"', page).group(1).replace("&amp;", "&")
    assert c.get(poll, headers={"HX-Request": "true"}).status_code == 204
    threads.reply(english_world.users["staff"], db.session.get(Thread, english_world.thread.id), "Here is the answer.", official=True)
    resp = c.get(poll, headers={"HX-Request": "true"})
    assert resp.status_code == 200 and "Here is the answer." in text(resp) and "<html" not in text(resp)


def test_news_badge_and_list(app, login, english_world):
    c = client_as(app, login, english_world, "member")
    # Mona wrote in the thread; the staff reply in build_world told her.
    home = text(c.get("/me"))
    unread = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == english_world.users["member"].id, Notification.read_at.is_(None)))
    assert unread >= 1 and re.search(rf'class="badge"><span aria-hidden="true">{unread}<', home)
    news = text(c.get("/me/news"))
    assert "Someone answered in a conversation where you wrote." in news
    assert f"/talk/t/{english_world.thread.id}" in news
    assert not re.search(r'class="badge">', text(c.get("/me")))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == english_world.users["member"].id, Notification.read_at.is_(None))) == 0


def test_a_new_meeting_and_an_open_vote_are_news_for_members(app, login, english_world, make):
    from feedback.proposals import services as proposals

    make.meeting(english_world.prog, days_ahead=20, title="Spring meeting")
    proposals.open_voting(english_world.p_draft, None)
    news = text(client_as(app, login, english_world, "member").get("/me/news"))
    assert "Spring meeting" in news and "Draft idea" in news
    assert "Spring meeting" not in text(client_as(app, login, english_world, "other_member").get("/me/news"))


# --- drafts and the subject pages -------------------------------------------------------------------------


def test_conversations_on_a_draft_are_staff_only(app, login, english_world):
    assert client_as(app, login, english_world, "member").get(f"/talk/proposal/{english_world.p_draft.id}").status_code == 404
    assert client_as(app, login, english_world, "staff").get(f"/talk/proposal/{english_world.p_draft.id}").status_code == 200


def test_feedback_to_proposal_and_back(app, login, english_world):
    staff = client_as(app, login, english_world, "staff")
    resp = staff.post(f"/talk/t/{english_world.thread.id}/proposal", data={"post_ids": [str(english_world.post.id), str(english_world.own_post.id)]})
    assert resp.status_code == 302 and "/edit" in resp.headers["Location"]
    pid = int(re.search(r"/proposals/(\d+)/edit", resp.headers["Location"]).group(1))
    show = text(staff.get(f"/staff/{english_world.prog.id}/proposals/{pid}"))
    assert "This proposal came from the group" in show and f"#post-{english_world.post.id}" in show
    thread_page = text(staff.get(f"/talk/t/{english_world.thread.id}"))
    assert "This became a proposal:" in thread_page and f"/proposals/{pid}" in thread_page
    # Members see that staff are writing it, without a link to the draft.
    member_page = text(client_as(app, login, english_world, "member").get(f"/talk/t/{english_world.thread.id}"))
    assert "staff are writing it now." in member_page and f"/p/{pid}" not in member_page
    # Bad choices change nothing.
    before = snapshot()
    for data in ({}, {"post_ids": "abc"}, {"post_ids": "999999"}):
        assert staff.post(f"/talk/t/{english_world.thread.id}/proposal", data=data).status_code == 303
    assert snapshot() == before


def test_topics_bad_input(app, login, english_world):
    staff = client_as(app, login, english_world, "staff")
    before = snapshot()
    assert staff.post(f"/staff/{english_world.prog.id}/topics/", data={"name": "", "icon": "star"}).status_code == 400
    assert staff.post(f"/staff/{english_world.prog.id}/topics/", data={"name": "X", "icon": "nonsense"}).status_code == 400
    dup = staff.post(f"/staff/{english_world.prog.id}/topics/", data={"name": english_world.topic.name.upper(), "icon": "star"})
    assert dup.status_code == 400 and "already a topic with this name" in text(dup)
    assert snapshot() == before


def test_a_closed_topic_is_read_only(app, login, english_world):
    staff = client_as(app, login, english_world, "staff")
    staff.post(f"/staff/{english_world.prog.id}/topics/{english_world.topic.id}/edit", data={"name": english_world.topic.name, "icon": "star",
                                                                      "archived": "y"})
    member = client_as(app, login, english_world, "member")
    page = text(member.get(f"/talk/topic/{english_world.topic.id}"))
    assert "This topic is closed." in page and 'id="write"' not in page
    before = snapshot()
    assert member.post(f"/talk/topic/{english_world.topic.id}", data={"body": "Hi"}).status_code == 409
    assert snapshot() == before


def test_a_recording_over_the_usual_limit_gets_past_the_body_limit(app, login, english_world):
    """A post with a voice message may be bigger than the usual 1 MB: the larger limit is set
    before anything reads the body (the null-byte check reads every form)."""
    c = client_as(app, login, english_world, "member")
    resp = upload(c, f"/talk/t/{english_world.thread.id}", WEBM + b"\0" * (1536 * 1024), "voice.webm", body="Hello")
    assert resp.status_code != 413
