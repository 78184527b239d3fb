"""The rules of feedback threads: who may write what where, moderation, and what it led to.

Every write checks its rules first and changes nothing when one says no (RuleError)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from feedback.audit import recorder as audit
from feedback.auth.models import User
from feedback.common.clock import local_today, utcnow
from feedback.common.errors import RuleError
from feedback.common.security import ballot_secret, keyed_digest
from feedback.common.transaction import asked
from feedback.common.upsert import insert_ignore
from feedback.extensions import db
from feedback.meetings.models import Meeting
from feedback.notifications import services as notifications
from feedback.notifications.models import Kind
from feedback.outbox import news
from feedback.programs.models import Role
from feedback.proposals import services as proposals
from feedback.proposals.models import Origin, Proposal
from feedback.threads import audio
from feedback.threads.models import Agreement, Post, ProposalSource, Report, Thread, VoiceNote
from feedback.topics.models import Topic

BODY_MAX = 2000
TRANSCRIPT_MAX = 4000
REASON_MAX = 300
EDIT_WINDOW = timedelta(minutes=15)
REPORTS_TO_HOLD = 3


# --- who is who -----------------------------------------------------------------------------


def can_read(user: User, program_id: int) -> bool:
    return user.has_role(program_id, Role.MEMBER, Role.STAFF, Role.STEERING)


def is_staff(user: User, program_id: int) -> bool:
    return user.has_role(program_id, Role.STAFF)


def is_member(user: User, program_id: int) -> bool:
    return Role.MEMBER in user.roles_in(program_id)


def writer_role(user: User, program_id: int) -> str:
    """Staff write as staff (never anonymously); members as members; others do not write."""
    if is_staff(user, program_id):
        return Role.STAFF
    if is_member(user, program_id):
        return Role.MEMBER
    raise RuleError(_l("Only members of the group and staff can write here."), status=403)


def author_key(thread_id: int, user_id: int) -> str:
    return keyed_digest(ballot_secret(), "post-author", thread_id, user_id)


def is_mine(post: Post, user: User) -> bool:
    if post.author_id is not None:
        return post.author_id == user.id
    return post.author_key is not None and post.author_key == author_key(post.thread_id, user.id)


def shows_name(post: Post, viewer: User, program_id: int) -> bool:
    """Whether this viewer may see who wrote the post."""
    if post.author_id is None:
        return False  # fully anonymous: nobody can
    if not post.anonymous:
        return True
    return is_staff(viewer, program_id) or post.author_id == viewer.id


# --- writing ----------------------------------------------------------------------------------


def _clean_body(body: str | None) -> str | None:
    body = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if len(body) > BODY_MAX:
        raise RuleError(
            _l("Your text is too long. Write at most %(n)s letters.", n=BODY_MAX), status=400, field="body"
        )
    return body or None


def check_voice(data: bytes | None) -> audio.Sound | None:
    """The checks of every uploaded recording (posts, meeting evaluations, staff recordings): the
    same limits and the same words, in her language."""
    if not data:
        return None
    if len(data) > audio.MAX_BYTES:
        raise RuleError(_l("The recording is too big. It can be at most 5 MB."), status=413, field="voice")
    try:
        return audio.inspect(data)
    except audio.TooLong:
        raise RuleError(_l("The recording is too long. It can be at most 2 minutes."), field="voice") from None
    except audio.NotAudio:
        raise RuleError(_l("This file is not a sound recording. Record your voice again."), field="voice") from None


def _new_post(
    user: User, thread: Thread, body: str | None, voice: bytes | None, anonymous: bool, official: bool
) -> Post:
    role = writer_role(user, thread.program_id)
    if role == Role.MEMBER:
        audit.as_member(db.session)
    text = _clean_body(body)
    sound = check_voice(voice)
    if text is None and sound is None:
        raise RuleError(_l("Write something or record your voice."), field="body")
    if official and role != Role.STAFF:
        raise RuleError(_l("Only staff can give the program's answer."), status=403)
    now = utcnow()
    post = Post(body=text, author_role=role, official=official, created_at=now)
    if role == Role.MEMBER and thread.fully_anonymous:
        post.author_key, post.anonymous = author_key(thread.id, user.id), True
    else:
        post.author_id, post.anonymous = user.id, anonymous and role == Role.MEMBER
    if sound is not None:
        post.voice = VoiceNote(mime=sound.mime, size=len(voice or b""), duration_ms=sound.duration_ms, data=voice)
    thread.posts.append(post)
    thread.last_post_at = now
    if official and thread.answered_at is None:  # when it was first answered, as _refresh_answered counts
        thread.answered_at = now
    return post


def start_thread(
    user: User,
    subject: Topic | Proposal | Meeting,
    body: str | None,
    voice: bytes | None = None,
    anonymous: bool = False,
    fully_anonymous: bool = False,
) -> Thread:
    program_id = subject.program_id
    role = writer_role(user, program_id)
    if role == Role.MEMBER:
        audit.as_member(db.session)
    if fully_anonymous and role != Role.STAFF:
        raise RuleError(_l("Only staff can open a fully anonymous conversation."), status=403)
    if isinstance(subject, Topic) and subject.archived:
        raise RuleError(_l("This topic is closed. Choose another topic."), status=409)
    key = {Topic: "topic_id", Proposal: "proposal_id", Meeting: "meeting_id"}[type(subject)]
    thread = Thread(program_id=program_id, fully_anonymous=fully_anonymous, needs_answer=role == Role.MEMBER)
    setattr(thread, key, subject.id)
    db.session.add(thread)
    db.session.flush()  # the anonymous author key is made from the thread's id
    _new_post(user, thread, body, voice, anonymous, official=False)
    db.session.flush()
    if role == Role.MEMBER:
        notifications.notify_staff(program_id, Kind.NEW_POST, thread_id=thread.id)
        news.posts_waiting(program_id, thread.id, local_today().isoformat())
    db.session.flush()
    return thread


def reply(
    user: User, thread: Thread, body: str | None, voice: bytes | None = None, anonymous: bool = False,
    official: bool = False,
) -> Post:
    post = _new_post(user, thread, body, voice, anonymous, official)
    db.session.flush()
    # Everyone who wrote in the thread before hears that it has an answer, except the writer.
    earlier = {p.author_id for p in thread.posts if p.author_id and p.author_role == Role.MEMBER and p is not post}
    earlier.discard(user.id)
    notifications.notify_members_among(earlier, thread.program_id, Kind.ANSWER if official else Kind.REPLY,
                                       thread_id=thread.id)
    if post.author_role == Role.MEMBER:
        notifications.notify_staff(thread.program_id, Kind.NEW_POST, thread_id=thread.id)
        news.posts_waiting(thread.program_id, thread.id, local_today().isoformat())
    db.session.flush()
    return post


def check_can_change(post: Post, user: User) -> None:
    if not is_mine(post, user):
        raise RuleError(_l("You can only change your own posts."), status=403)
    if post.is_gone or post.is_hidden:
        raise RuleError(_l("This post cannot be changed now."), status=409)
    if utcnow() - post.created_at > EDIT_WINDOW:
        raise RuleError(_l("You can change a post only in the first 15 minutes."), status=409)


def can_change(post: Post, user: User) -> bool:
    return asked(check_can_change, post, user)


def edit_post(user: User, post: Post, body: str | None) -> None:
    check_can_change(post, user)
    if post.author_role == Role.MEMBER:
        audit.as_member(db.session)
    text = _clean_body(body)
    if text is None and post.voice is None:
        raise RuleError(_l("Write something or record your voice."), field="body")
    if text != post.body:
        post.body, post.edited_at = text, utcnow()
    db.session.flush()


def delete_post(user: User, post: Post) -> None:
    """Her own post, taken back: the words and the sound are gone; a line says so in its place."""
    check_can_change(post, user)
    if post.author_role == Role.MEMBER:
        audit.as_member(db.session)
    post.body, post.transcript, post.voice, post.deleted_at = None, None, None, utcnow()
    # Staff taking back their answer: it is no answer any more, and the question waits again.
    post.official = False
    _refresh_answered(post.thread)
    db.session.execute(sa.delete(ProposalSource).where(ProposalSource.post_id == post.id))
    db.session.flush()


# --- agreeing and reporting -------------------------------------------------------------------


def _member_action_allowed(user: User, post: Post, own_message) -> None:
    if not is_member(user, post.thread.program_id):
        raise RuleError(_l("Only members of the group can do this."), status=403)
    if is_mine(post, user):
        raise RuleError(own_message, status=409)
    if post.is_gone or post.is_hidden:
        raise RuleError(_l("You cannot do this with this post now."), status=409)


def agree(user: User, post: Post) -> None:
    _member_action_allowed(user, post, _l("This is your own post."))
    if not insert_ignore(db.session, Agreement.__table__, {"post_id": post.id, "user_id": user.id, "created_at": utcnow()},
                         ["post_id", "user_id"]):
        raise RuleError(_l("You have already said that you agree."), status=409)
    db.session.flush()


def report(user: User, post: Post) -> bool:
    """Returns True when this report put the post on hold until staff look at it."""
    _member_action_allowed(user, post, _l("You cannot report your own post."))
    if not insert_ignore(db.session, Report.__table__, {"post_id": post.id, "user_id": user.id, "created_at": utcnow()},
                         ["post_id", "user_id"]):
        raise RuleError(_l("You have already reported this post. Staff will look at it."), status=409)
    since = post.reports_cleared_at
    count_q = sa.select(sa.func.count()).select_from(Report).where(Report.post_id == post.id)
    if since is not None:
        count_q = count_q.where(Report.created_at > since)
    held = (db.session.scalar(count_q) or 0) >= REPORTS_TO_HOLD
    if held:
        post.held_for_review = True
        _refresh_answered(post.thread)
    notifications.notify_staff(post.thread.program_id, Kind.REPORT, thread_id=post.thread_id)
    news.post_reported(post.thread.program_id, post.thread_id, post.id)
    db.session.flush()
    return held


# --- staff ------------------------------------------------------------------------------------


def _staff_only(user: User, post: Post) -> None:
    if not is_staff(user, post.thread.program_id):
        raise RuleError(_l("Only staff can do this."), status=403)


def _refresh_answered(thread: Thread) -> None:
    answers = [p.created_at for p in thread.posts if p.official and not p.is_hidden and not p.is_gone]
    thread.answered_at = min(answers) if answers else None


def hide(user: User, post: Post, reason: str) -> None:
    _staff_only(user, post)
    reason = (reason or "").strip()
    if not reason:
        raise RuleError(_l("Write why the post is hidden. Members will see the reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise RuleError(_l("The reason is too long. Write at most %(n)s letters.", n=REASON_MAX), field="reason")
    now = utcnow()
    post.hidden_at, post.hidden_reason, post.hidden_by_id = now, reason, user.id
    post.held_for_review, post.reports_cleared_at = False, now
    _refresh_answered(post.thread)
    db.session.flush()


def show_again(user: User, post: Post) -> None:
    """Staff looked at a hidden or reported post and found it fine."""
    _staff_only(user, post)
    post.hidden_at = post.hidden_reason = post.hidden_by_id = None
    post.held_for_review, post.reports_cleared_at = False, utcnow()
    _refresh_answered(post.thread)
    db.session.flush()


def set_official(user: User, post: Post, official: bool) -> None:
    _staff_only(user, post)
    if official and post.author_role != Role.STAFF:
        raise RuleError(_l("Only a post by staff can be the program's answer."), status=409)
    if official and (post.is_hidden or post.is_gone):
        raise RuleError(_l("A hidden post cannot be the program's answer."), status=409)
    post.official = official
    _refresh_answered(post.thread)
    if official:
        authors = {p.author_id for p in post.thread.posts if p.author_id and p.author_role == Role.MEMBER}
        notifications.notify_members_among(authors, post.thread.program_id, Kind.ANSWER, thread_id=post.thread_id)
    db.session.flush()


def set_transcript(user: User, post: Post, text: str | None) -> None:
    _staff_only(user, post)
    if post.voice is None:
        raise RuleError(_l("Only a voice message can have a written version."), status=409)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > TRANSCRIPT_MAX:
        raise RuleError(_l("The text is too long. Write at most %(n)s letters.", n=TRANSCRIPT_MAX), field="transcript")
    post.transcript = text or None
    db.session.flush()


def _excerpt(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def proposal_from_posts(user: User, thread: Thread, post_ids: list[int]) -> Proposal:
    """A draft proposal that starts from members' words, linked to the posts it came from."""
    if not is_staff(user, thread.program_id):
        raise RuleError(_l("Only staff can do this."), status=403)
    chosen = [p for p in thread.posts if p.id in set(post_ids) and not p.is_gone]
    if not chosen or len(chosen) != len(set(post_ids)):
        raise RuleError(_l("Choose one or more posts from this conversation."), field="post_ids")
    words = [p.body or p.transcript or "" for p in chosen]
    first = next((w for w in words if w), "")
    title = _excerpt(first, 80) if first else str(_l("Proposal from the group's feedback"))
    body = "\n\n".join(f"“{w}”" for w in words if w) or None
    proposal = proposals.create_proposal(
        thread.program_id,
        user.id,
        title=title,
        summary=_excerpt(first, 300) if first else title,
        body=body,
        topic_id=thread.topic_id,
        origin=Origin.MEMBER_FEEDBACK,
        commit=False,
    )
    db.session.add_all(ProposalSource(proposal_id=proposal.id, post_id=p.id) for p in chosen)
    db.session.flush()
    return proposal


# --- reading ----------------------------------------------------------------------------------


@dataclass
class ThreadView:
    """A thread with everything its page shows, gathered in a fixed number of queries."""

    thread: Thread
    agreements: dict[int, int] = field(default_factory=dict)
    i_agreed: set[int] = field(default_factory=set)
    i_reported: set[int] = field(default_factory=set)
    reports: dict[int, int] = field(default_factory=dict)
    sources: dict[int, list[Proposal]] = field(default_factory=dict)


def thread_view(thread: Thread, viewer: User) -> ThreadView:
    post_ids = [p.id for p in thread.posts]
    view = ThreadView(thread)
    if not post_ids:
        return view
    # Every writer in one query: each post's author is then found without a query of its own.
    author_ids = {p.author_id for p in thread.posts if p.author_id is not None}
    list(db.session.scalars(sa.select(User).where(User.id.in_(author_ids))))
    view.agreements = dict(
        db.session.execute(
            sa.select(Agreement.post_id, sa.func.count()).where(Agreement.post_id.in_(post_ids)).group_by(Agreement.post_id)
        ).all()
    )
    mine = db.session.execute(
        sa.select(Agreement.post_id, sa.literal("agree"))
        .where(Agreement.post_id.in_(post_ids), Agreement.user_id == viewer.id)
        .union_all(
            sa.select(Report.post_id, sa.literal("report")).where(Report.post_id.in_(post_ids), Report.user_id == viewer.id)
        )
    ).all()
    view.i_agreed = {pid for pid, what in mine if what == "agree"}
    view.i_reported = {pid for pid, what in mine if what == "report"}
    if is_staff(viewer, thread.program_id):
        view.reports = dict(
            db.session.execute(
                sa.select(Report.post_id, sa.func.count()).where(Report.post_id.in_(post_ids)).group_by(Report.post_id)
            ).all()
        )
    for source in db.session.scalars(
        sa.select(ProposalSource).where(ProposalSource.post_id.in_(post_ids)).options(so.joinedload(ProposalSource.proposal))
    ):
        view.sources.setdefault(source.post_id, []).append(source.proposal)
    return view


def _thread_list_query():
    return sa.select(Thread).options(
        so.selectinload(Thread.posts).selectinload(Post.author),
        so.joinedload(Thread.topic),
        so.joinedload(Thread.proposal),
        so.joinedload(Thread.meeting),
    )


def threads_on(subject: Topic | Proposal | Meeting) -> list[Thread]:
    key = {Topic: Thread.topic_id, Proposal: Thread.proposal_id, Meeting: Thread.meeting_id}[type(subject)]
    return list(db.session.scalars(_thread_list_query().where(key == subject.id).order_by(Thread.last_post_at.desc())))


def _waiting(program_id: int) -> tuple:
    return (Thread.program_id == program_id, Thread.needs_answer.is_(True), Thread.answered_at.is_(None))


def waiting_for_answer(program_id: int) -> list[Thread]:
    """Threads members opened that have no program answer yet, oldest first."""
    return list(
        db.session.scalars(_thread_list_query().where(*_waiting(program_id)).order_by(Thread.created_at, Thread.id))
    )


def waiting_count(program_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(*_waiting(program_id))) or 0


def reported_posts(program_id: int) -> list[tuple[Post, int]]:
    """Posts with reports staff have not looked at yet, most reported first."""
    open_reports = (
        sa.select(Report.post_id, sa.func.count().label("n"))
        .join(Post, Post.id == Report.post_id)
        .where(sa.or_(Post.reports_cleared_at.is_(None), Report.created_at > Post.reports_cleared_at))
        .group_by(Report.post_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Post, open_reports.c.n)
        .join(open_reports, open_reports.c.post_id == Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.program_id == program_id, Post.hidden_at.is_(None))
        .options(so.joinedload(Post.thread), so.joinedload(Post.author))
        .order_by(open_reports.c.n.desc(), Post.id)
    ).all()
    return [(post, n) for post, n in rows]


def recent_posts(program_id: int, limit: int = 30) -> list[Post]:
    return list(
        db.session.scalars(
            sa.select(Post)
            .join(Thread)
            .where(Thread.program_id == program_id, Post.author_role == Role.MEMBER)
            .options(so.joinedload(Post.thread), so.joinedload(Post.author))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )


def topics_with_counts(program_ids: list[int]) -> list[tuple[Topic, int]]:
    counts = (
        sa.select(Thread.topic_id, sa.func.count().label("n"))
        .where(Thread.topic_id.is_not(None))
        .group_by(Thread.topic_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Topic, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.topic_id == Topic.id)
        .where(Topic.program_id.in_(program_ids), Topic.archived.is_(False))
        .order_by(Topic.program_id, Topic.position, Topic.id)
    ).all()
    return [(t, n) for t, n in rows]


def thread_counts(kind: str, subject_ids: list[int]) -> dict[int, int]:
    column = {"proposal": Thread.proposal_id, "meeting": Thread.meeting_id, "topic": Thread.topic_id}[kind]
    if not subject_ids:
        return {}
    return dict(
        db.session.execute(sa.select(column, sa.func.count()).where(column.in_(subject_ids)).group_by(column)).all()
    )


def my_threads(user: User, program_ids: list[int], limit: int = 10) -> list[Thread]:
    """Conversations she wrote in (by name or anonymously to the group), latest first."""
    wrote = sa.select(Post.thread_id).where(Post.author_id == user.id)
    return list(
        db.session.scalars(
            _thread_list_query()
            .where(Thread.program_id.in_(program_ids), Thread.id.in_(wrote))
            .order_by(Thread.last_post_at.desc())
            .limit(limit)
        )
    )


def feedback_sources(proposal: Proposal) -> list[Post]:
    """The posts a proposal came from."""
    return list(
        db.session.scalars(
            sa.select(Post)
            .join(ProposalSource, ProposalSource.post_id == Post.id)
            .where(ProposalSource.proposal_id == proposal.id)
            .options(so.joinedload(Post.thread), so.joinedload(Post.author))
            .order_by(Post.id)
        )
    )
