"""A fully anonymous post stays anonymous (issue 15, finding 3): nothing staff can read gives its
time to the minute or its writer, also when she holds an office role, and the audit log keeps out
what anyone writes as a member."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from feedback.audit.models import AuditEntry
from feedback.auth.sessions import start as start_session
from feedback.extensions import db
from feedback.programs.models import Membership
from feedback.threads import services as threads
from feedback.threads.models import Post
from feedback.topics.models import Topic
from tests.moments import local
from tests.routes_support import new_client

SECRET_WORDS = "The coordinator shouts at us in meetings."
TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


@pytest.fixture
def room(make, time_machine):
    """A fully anonymous conversation opened by staff; Dunja is a member and also on the steering group."""
    time_machine.move_to(local(2027, 5, 4, 14, 37), tick=False)
    program = make.program()
    admin = make.user(None, "member", email="admin@example.org", is_admin=True, language="en")
    staff = make.staff(program, language="en")
    dunja = make.member(program, name="Dunja", language="en")
    db.session.add(Membership(user_id=dunja.id, program_id=program.id, role="steering"))
    dunja.email = "dunja@example.org"
    db.session.commit()
    topic = db.session.scalar(sa.select(Topic).where(Topic.program_id == program.id))
    thread = threads.start_thread(staff, topic, "Tell us anything. Nobody sees who wrote it.", fully_anonymous=True)
    return program, admin, staff, dunja, thread


def test_what_she_writes_as_a_member_is_not_in_the_audit_log(app, login, room):
    _program, admin, staff, dunja, thread = room
    resp = login(dunja, new_client(app)).post(f"/talk/t/{thread.id}", data={"body": SECRET_WORDS})
    assert resp.status_code in (302, 303)
    post = db.session.scalar(sa.select(Post).where(Post.body == SECRET_WORDS))
    assert post.author_id is None  # stored without her
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.actor_id == dunja.id)) == 0
    page = login(admin, new_client(app)).get("/admin/audit").get_data(as_text=True)
    assert SECRET_WORDS not in page
    # What staff do to a post is still audited.
    assert login(staff, new_client(app)).post(f"/talk/posts/{post.id}/hide",
                                              data={"reason": "Names a person."}).status_code in (302, 303)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.actor_id == staff.id, AuditEntry.record_type == "posts")) == 1


def test_a_fully_anonymous_post_shows_its_day_and_no_time(app, login, room, time_machine):
    program, _admin, staff, dunja, thread = room
    threads.reply(dunja, thread, SECRET_WORDS)
    time_machine.move_to(local(2027, 5, 4, 16, 0), tick=False)
    for viewer in (staff, dunja):
        page = login(viewer, new_client(app)).get(f"/talk/t/{thread.id}").get_data(as_text=True)
        post_html = page[page.index(SECRET_WORDS) - 1500: page.index(SECRET_WORDS)]
        stamp = post_html[post_html.rindex('<time class="post-time"'):]
        stamp = stamp[: stamp.index("</time>")]
        if viewer is staff:
            assert "4 May" in stamp and not TIME.search(stamp), stamp
        else:
            assert "14:37" in stamp  # her own post: she sees her time
    feedback = login(staff, new_client(app)).get(f"/staff/{program.id}/feedback").get_data(as_text=True)
    assert "14:37" not in feedback
    # Nor the staff's news of it (found by a review: "A member wrote in a conversation", 14:37).
    news = login(staff, new_client(app)).get("/me/news").get_data(as_text=True)
    assert "A member wrote in a conversation." in news and "4 May" in news
    assert "14:37" not in news and "T12:37" not in news


def test_staff_see_her_last_use_by_the_day(app, login, room, time_machine):
    program, _admin, staff, _dunja, _thread = room
    member = _member_with_a_phone(program, login, app)
    time_machine.move_to(local(2027, 5, 4, 15, 12), tick=False)
    page = login(staff, new_client(app)).get(f"/staff/{program.id}/members/{member.id}/edit").get_data(as_text=True)
    sessions = page[page.index('id="sessions"'):page.index('id="membership"')]
    assert "4 May 2027" in sessions and not TIME.search(sessions)
    data = login(staff, new_client(app)).get(f"/staff/{program.id}/members/{member.id}/data.json").get_json()
    assert data["logged_in_on"][0]["last_seen"] == "2027-05-04"


def _member_with_a_phone(program, login, app):
    from feedback.members.services import add_member

    member = add_member(program.id, "Lina", "en")
    start_session(member, "Mozilla/5.0 (Linux; Android 13) Chrome/120")
    return member
