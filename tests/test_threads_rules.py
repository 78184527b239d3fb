"""The rules of feedback threads, tested on the services without HTTP."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.notifications import services as notifications
from feedback.notifications.models import Kind, Notification
from feedback.proposals.models import Origin, Status
from feedback.threads import services as threads
from feedback.threads.models import Agreement, Post, ProposalSource, Report, Thread
from feedback.topics.models import Topic
from tests.routes_support import snapshot

VOICE = (Path(__file__).parent / "fixtures" / "voice-1s.webm").read_bytes()


@pytest.fixture
def group(make):
    program = make.program()
    topic = db.session.scalar(sa.select(Topic).where(Topic.program_id == program.id).limit(1))
    return {
        "program": program,
        "topic": topic,
        "amal": make.member(program, name="Amal"),
        "berhane": make.member(program, name="Berhane"),
        "carmen": make.member(program, name="Carmen"),
        "dina": make.member(program, name="Dina"),
        "staff": make.staff(program, name="Sara"),
        "steering": make.user(program, "steering", name="Stina"),
    }


def refused(fn, *args, status: int | None = None, **kw) -> RuleError:
    before = snapshot()
    with pytest.raises(RuleError) as info:
        fn(*args, **kw)
    db.session.rollback()
    assert snapshot() == before, "a refused action changed the database"
    if status is not None:
        assert info.value.status == status
    return info.value


# --- writing ----------------------------------------------------------------------------------


def test_a_member_starts_a_thread_in_her_own_words(group):
    t = threads.start_thread(group["amal"], group["topic"], "  مرحبا! Can we meet on Saturdays?  ")
    post = t.posts[0]
    assert post.body == "مرحبا! Can we meet on Saturdays?"  # stored as written, only trimmed
    assert post.author_id == group["amal"].id and post.author_role == "member"
    assert t.needs_answer and t.answered_at is None
    assert t.topic_id == group["topic"].id and t.program_id == group["program"].id


def test_staff_are_told_of_a_new_post_and_members_of_a_reply(group):
    t = threads.start_thread(group["amal"], group["topic"], "Hello")
    assert notifications.unread_count(group["staff"]) == 1
    assert notifications.unread_count(group["amal"]) == 0
    threads.reply(group["berhane"], t, "Me too")
    # One badge per thread: the second post does not add another for staff.
    assert notifications.unread_count(group["staff"]) == 1
    assert notifications.unread_count(group["amal"]) == 1
    assert notifications.unread_count(group["berhane"]) == 0  # not for her own reply
    threads.reply(group["staff"], t, "We will look at it.", official=True)
    kinds = set(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == group["amal"].id)))
    assert kinds == {Kind.REPLY, Kind.ANSWER}
    notifications.mark_read(group["amal"], thread_id=t.id)
    assert notifications.unread_count(group["amal"]) == 0


@pytest.mark.parametrize("body", ["", "   ", None])
def test_an_empty_post_is_refused(group, body):
    e = refused(threads.start_thread, group["amal"], group["topic"], body)
    assert e.field == "body"


def test_text_over_2000_characters_is_refused_and_2000_is_fine(group):
    refused(threads.start_thread, group["amal"], group["topic"], "x" * 2001, status=400)
    t = threads.start_thread(group["amal"], group["topic"], "x" * 2000)
    refused(threads.reply, group["berhane"], t, "y" * 2001)
    assert len(t.posts) == 1


def test_a_voice_note_alone_is_a_post(group):
    t = threads.start_thread(group["amal"], group["topic"], None, VOICE)
    note = t.posts[0].voice
    assert note.mime == "audio/webm" and note.size == len(VOICE) and 1000 < note.duration_ms < 2000
    assert db.session.get(type(note), note.id).data == VOICE


def test_a_file_that_is_not_audio_is_refused(group):
    e = refused(threads.start_thread, group["amal"], group["topic"], "hi", b"This is a text file, not a recording." * 3)
    assert e.field == "voice"


def test_a_recording_over_5_mb_is_refused(group):
    e = refused(threads.start_thread, group["amal"], group["topic"], None, VOICE + b"\0" * (5 * 1024 * 1024))
    assert e.status == 413 and e.field == "voice"


def test_steering_reads_but_does_not_write(group):
    assert threads.can_read(group["steering"], group["program"].id)
    refused(threads.start_thread, group["steering"], group["topic"], "Hello", status=403)


def test_a_member_of_another_program_cannot_write_here(group, make):
    other = make.member(make.program())
    refused(threads.start_thread, other, group["topic"], "Hello", status=403)
    t = threads.start_thread(group["amal"], group["topic"], "Hello")
    refused(threads.reply, other, t, "Hi", status=403)


def test_a_closed_topic_takes_no_new_threads(group):
    group["topic"].archived = True
    db.session.commit()
    refused(threads.start_thread, group["amal"], group["topic"], "Hello", status=409)


def test_threads_on_a_proposal_and_a_meeting(group, make):
    p = make.proposal(group["program"], "voting")
    m = make.meeting(group["program"])
    tp = threads.start_thread(group["amal"], p, "About the proposal")
    tm = threads.start_thread(group["amal"], m, "About the meeting")
    assert (tp.subject_kind, tp.subject_id) == ("proposal", p.id)
    assert (tm.subject_kind, tm.subject_id) == ("meeting", m.id)
    assert threads.thread_counts("proposal", [p.id]) == {p.id: 1}
    assert [t.id for t in threads.threads_on(m)] == [tm.id]


def test_a_thread_must_have_exactly_one_subject(group):
    db.session.add(Thread(program_id=group["program"].id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- anonymity ----------------------------------------------------------------------------------


def test_anonymous_to_the_group_hides_her_name_from_members_only(group):
    t = threads.start_thread(group["amal"], group["topic"], "Something personal", anonymous=True)
    post = t.posts[0]
    pid = group["program"].id
    assert post.author_id == group["amal"].id  # staff can still answer her
    assert not threads.shows_name(post, group["berhane"], pid)
    assert not threads.shows_name(post, group["steering"], pid)
    assert threads.shows_name(post, group["staff"], pid)
    assert threads.shows_name(post, group["amal"], pid)


def test_staff_never_post_anonymously(group):
    t = threads.start_thread(group["staff"], group["topic"], "A question to you all", anonymous=True)
    assert t.posts[0].anonymous is False and not t.needs_answer


def test_a_fully_anonymous_thread_stores_no_member_author(group):
    t = threads.start_thread(group["staff"], group["topic"], "What is hard for you?", fully_anonymous=True)
    post = threads.reply(group["amal"], t, "Finding a mentor who understands me.")
    assert post.author_id is None and post.author_key
    assert not threads.shows_name(post, group["staff"], group["program"].id)
    # She can still find and change her own post; nobody else can.
    assert threads.is_mine(post, group["amal"])
    assert not threads.is_mine(post, group["berhane"])
    threads.edit_post(group["amal"], post, "Finding a mentor.")
    refused(threads.edit_post, group["berhane"], post, "Hacked", status=403)
    # She is not told of replies there: that would tie her to the thread.
    threads.reply(group["staff"], t, "Thank you.")
    assert notifications.unread_count(group["amal"]) == 0


def test_only_staff_open_a_fully_anonymous_thread(group):
    refused(threads.start_thread, group["amal"], group["topic"], "Hi", fully_anonymous=True, status=403)


# --- me too and reports -------------------------------------------------------------------------


def test_me_too_once_per_member(group):
    t = threads.start_thread(group["amal"], group["topic"], "Saturdays please")
    post = t.posts[0]
    threads.agree(group["berhane"], post)
    threads.agree(group["carmen"], post)
    refused(threads.agree, group["berhane"], post, status=409)
    refused(threads.agree, group["amal"], post, status=409)  # her own post
    refused(threads.agree, group["staff"], post, status=403)  # members only
    assert threads.thread_view(t, group["berhane"]).agreements == {post.id: 2}
    assert threads.thread_view(t, group["berhane"]).i_agreed == {post.id}


def test_three_reports_hold_a_post_until_staff_look(group):
    t = threads.start_thread(group["amal"], group["topic"], "Something rude")
    post = t.posts[0]
    assert threads.report(group["berhane"], post) is False
    refused(threads.report, group["berhane"], post, status=409)  # twice
    refused(threads.report, group["amal"], post, status=409)  # her own
    assert threads.report(group["carmen"], post) is False
    assert not post.is_hidden
    assert threads.report(group["dina"], post) is True
    assert post.held_for_review and post.is_hidden
    assert [(p.id, n) for p, n in threads.reported_posts(group["program"].id)] == [(post.id, 3)]
    refused(threads.agree, group["staff"], post)  # nothing to agree with while it is held
    # Staff find it fine: shown again, and the old reports no longer count.
    threads.show_again(group["staff"], post)
    assert not post.is_hidden and post.body == "Something rude"
    assert threads.reported_posts(group["program"].id) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 3  # nothing deleted


def test_staff_hide_with_a_reason_and_nothing_is_deleted(group):
    t = threads.start_thread(group["amal"], group["topic"], "Call me on 070-123 45 67")
    post = t.posts[0]
    refused(threads.hide, group["staff"], post, "   ")
    refused(threads.hide, group["staff"], post, "x" * 301)
    refused(threads.hide, group["berhane"], post, "I do not like it", status=403)
    threads.hide(group["staff"], post, "Phone numbers are private.")
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert post.hidden_at and post.hidden_reason == "Phone numbers are private."
    assert post.body == "Call me on 070-123 45 67"  # kept for staff; members see the reason


# --- official answers ----------------------------------------------------------------------------


def test_an_official_answer_marks_the_thread_answered(group):
    t = threads.start_thread(group["amal"], group["topic"], "When is the next meeting?")
    assert [x.id for x in threads.waiting_for_answer(group["program"].id)] == [t.id]
    refused(threads.reply, group["berhane"], t, "I think Tuesday", official=True, status=403)
    answer = threads.reply(group["staff"], t, "On the 12th.", official=True)
    assert t.answered_at is not None
    assert threads.waiting_for_answer(group["program"].id) == []
    # Hiding the answer puts the thread back in the queue.
    threads.hide(group["staff"], answer, "Wrong date.")
    assert t.answered_at is None
    assert [x.id for x in threads.waiting_for_answer(group["program"].id)] == [t.id]


def test_only_staff_posts_can_be_official(group):
    t = threads.start_thread(group["amal"], group["topic"], "Hello")
    refused(threads.set_official, group["staff"], t.posts[0], True, status=409)
    staff_post = threads.reply(group["staff"], t, "Hi!")
    threads.set_official(group["staff"], staff_post, True)
    assert t.answered_at is not None
    threads.set_official(group["staff"], staff_post, False)
    assert t.answered_at is None


def test_waiting_list_is_oldest_first_and_leaves_out_staff_questions(group):
    first = threads.start_thread(group["amal"], group["topic"], "First")
    second = threads.start_thread(group["berhane"], group["topic"], "Second")
    threads.start_thread(group["staff"], group["topic"], "A question from staff")
    first.created_at -= timedelta(days=3)
    db.session.commit()
    assert [t.id for t in threads.waiting_for_answer(group["program"].id)] == [first.id, second.id]
    assert threads.waiting_count(group["program"].id) == 2


# --- editing within 15 minutes --------------------------------------------------------------------


def test_she_edits_or_takes_back_her_post_within_15_minutes(group):
    t = threads.start_thread(group["amal"], group["topic"], "Typo hre", VOICE)
    post = t.posts[0]
    refused(threads.edit_post, group["berhane"], post, "Not hers", status=403)
    threads.edit_post(group["amal"], post, "Typo here")
    assert post.body == "Typo here" and post.edited_at is not None
    threads.delete_post(group["amal"], post)
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert post.deleted_at and post.body is None and post.voice is None  # her words and voice are gone
    assert post.thread_id == t.id  # a line in the thread says so


def test_after_15_minutes_the_post_stays(group):
    t = threads.start_thread(group["amal"], group["topic"], "Old post")
    t.posts[0].created_at -= timedelta(minutes=16)
    db.session.commit()
    refused(threads.edit_post, group["amal"], t.posts[0], "New words", status=409)
    refused(threads.delete_post, group["amal"], t.posts[0], status=409)


def test_a_voice_post_can_lose_its_text_but_a_text_post_cannot(group):
    t = threads.start_thread(group["amal"], group["topic"], "Words", VOICE)
    threads.edit_post(group["amal"], t.posts[0], "")
    assert t.posts[0].body is None
    t2 = threads.start_thread(group["amal"], group["topic"], "Only words")
    refused(threads.edit_post, group["amal"], t2.posts[0], "  ")


# --- transcripts and proposals ---------------------------------------------------------------------


def test_staff_write_down_a_voice_message(group):
    t = threads.start_thread(group["amal"], group["topic"], None, VOICE)
    refused(threads.set_transcript, group["amal"], t.posts[0], "Hers", status=403)
    threads.set_transcript(group["staff"], t.posts[0], "She asks about Saturdays.")
    assert t.posts[0].transcript == "She asks about Saturdays."
    text_only = threads.reply(group["berhane"], t, "Yes")
    refused(threads.set_transcript, group["staff"], text_only, "x", status=409)


def test_posts_become_a_draft_proposal_linked_both_ways(group):
    t = threads.start_thread(group["amal"], group["topic"], "We want meetings on Saturdays because we work on weekdays.")
    second = threads.reply(group["berhane"], t, "Yes, and childcare on Saturdays too.")
    refused(threads.proposal_from_posts, group["amal"], t, [t.posts[0].id], status=403)
    refused(threads.proposal_from_posts, group["staff"], t, [])
    p = threads.proposal_from_posts(group["staff"], t, [t.posts[0].id, second.id])
    assert p.status == Status.DRAFT and p.origin == Origin.MEMBER_FEEDBACK
    assert p.topic_id == group["topic"].id
    assert "Saturdays" in p.title and "childcare" in p.body
    assert [x.id for x in threads.feedback_sources(p)] == [t.posts[0].id, second.id]
    assert [x.id for x in threads.thread_view(t, group["staff"]).sources[second.id]] == [p.id]


def test_a_post_of_another_thread_cannot_be_a_source(group):
    t = threads.start_thread(group["amal"], group["topic"], "One")
    other = threads.start_thread(group["berhane"], group["topic"], "Two")
    refused(threads.proposal_from_posts, group["staff"], t, [t.posts[0].id, other.posts[0].id])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProposalSource)) == 0


# --- reading -------------------------------------------------------------------------------------


def test_thread_view_takes_the_same_number_of_queries_for_many_posts(group, app, count_queries):
    def queries(thread) -> int:
        db.session.expire_all()
        thread = db.session.get(Thread, thread.id)
        with count_queries() as statements:
            view = threads.thread_view(thread, group["carmen"])
            for post in view.thread.posts:
                _ = post.voice, post.author
        return len(statements)

    small = threads.start_thread(group["amal"], group["topic"], "Small")
    big = threads.start_thread(group["amal"], group["topic"], "Big")
    for i in range(12):
        threads.reply(group["berhane"] if i % 2 else group["dina"], big, f"Reply {i}")
        threads.agree(group["carmen"], big.posts[-1])
    assert queries(big) <= queries(small) + 1  # authors: one more user at most


def test_topics_list_counts_threads(group):
    threads.start_thread(group["amal"], group["topic"], "One")
    threads.start_thread(group["amal"], group["topic"], "Two")
    counts = dict((t.id, n) for t, n in threads.topics_with_counts([group["program"].id]))
    assert counts[group["topic"].id] == 2


def test_my_threads_are_hers_only(group):
    mine = threads.start_thread(group["amal"], group["topic"], "Mine")
    threads.start_thread(group["berhane"], group["topic"], "Hers")
    assert [t.id for t in threads.my_threads(group["amal"], [group["program"].id])] == [mine.id]


def test_agreements_are_counted_in_sql(group):
    t = threads.start_thread(group["amal"], group["topic"], "Count me")
    for m in ("berhane", "carmen", "dina"):
        threads.agree(group[m], t.posts[0])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 3


def test_staff_taking_back_their_answer_leave_the_question_waiting(app, group, login):
    """Found by a review: the thread stayed "answered" (out of the staff's queue, counted on the
    dashboard) and the taken-back post kept the answer mark."""
    from tests.routes_support import new_client

    g = group
    t = threads.start_thread(g["amal"], g["topic"], "When is the next meeting?")
    answer = threads.reply(g["staff"], t, "On the 12th.", official=True)
    db.session.commit()
    assert t.answered_at is not None and threads.waiting_count(g["program"].id) == 0
    threads.delete_post(g["staff"], answer)
    db.session.commit()
    assert t.answered_at is None and not answer.official
    assert threads.waiting_count(g["program"].id) == 1
    page = login(g["amal"], new_client(app)).get(f"/talk/t/{t.id}").get_data(as_text=True)
    assert "The program&#39;s answer" not in page and "official-mark" not in page


def test_a_second_answer_does_not_move_the_time_it_was_answered(group, time_machine):
    """Found by a review: each official reply set answered_at again, so the dashboard's "hours
    until the program answered" read the latest answer, not the first."""
    from tests.moments import local

    g = group
    time_machine.move_to(local(2027, 5, 4, 10, 0), tick=False)
    t = threads.start_thread(g["amal"], g["topic"], "When is the next meeting?")
    time_machine.shift(timedelta(hours=2))
    first = threads.reply(g["staff"], t, "On the 12th.", official=True)
    time_machine.shift(timedelta(days=3))
    threads.reply(g["staff"], t, "Update: the room is 4B.", official=True)
    db.session.commit()
    assert t.answered_at == first.created_at


def test_a_member_who_left_gets_no_news_of_a_conversation_she_cannot_open(app, group, make, login):
    """Found by a review: replies and answers in her old group's conversations still gave her
    notices (and a badge) that led to a 404."""
    from feedback.members.services import leave
    from feedback.programs.models import Membership
    from tests.routes_support import new_client

    g = group
    t = threads.start_thread(g["amal"], g["topic"], "Can we meet on Saturdays?")
    threads.reply(g["dina"], t, "Yes please.")
    db.session.add(Membership(user_id=g["amal"].id, program_id=make.program().id, role="member"))  # she goes on elsewhere
    db.session.commit()
    leave(g["program"].id, g["amal"])
    db.session.commit()
    before = notifications.unread_count(g["amal"])  # Dina's reply, while she was in the group
    threads.reply(g["berhane"], t, "Me too")
    answer = threads.reply(g["staff"], t, "We will look at it.")
    threads.set_official(g["staff"], answer, True)
    db.session.commit()
    assert login(g["amal"], new_client(app)).get(f"/talk/t/{t.id}").status_code == 404
    assert notifications.unread_count(g["amal"]) == before == 1
    assert notifications.unread_count(g["dina"]) == 2  # a reply, and the answer: she is still in the group
