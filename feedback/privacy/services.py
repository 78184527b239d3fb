"""A member's own data: everything the app holds about her, and erasing it.

Erasing keeps what the group did together and removes who she was: her votes stay counted but
lose their link to her, her posts with her name stay as "a former member" (those without her
name stay "a member"), and her name, phone, email, links, sessions, notices, "I agree" marks,
reports and answers to meetings are gone. The user row stays, empty, so that the numbers of past
meetings (who came) and of secret votes (how many voted: her lines on their voter rolls stay)
stay right without saying who."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from feedback.audit.models import AuditEntry
from feedback.auth.models import LoginToken, User, UserSession
from feedback.auth.sessions import end_all as end_sessions
from feedback.changes.models import ChangeFeedback, ProgramChange
from feedback.common.clock import utc_to_local, utcnow
from feedback.extensions import db
from feedback.meetings.models import Attendance, Meeting, MeetingReply
from feedback.notifications.models import Notification
from feedback.outbox.models import MessageStop, OutboxMessage
from feedback.outbox.push import PushSubscription
from feedback.outbox.services import seen_by_program
from feedback.privacy.rekey import rekey
from feedback.programs.models import Membership, Program
from feedback.proposals.models import Proposal, Status
from feedback.threads.models import Agreement, Post, Report, Thread, VoiceNote
from feedback.threads.services import author_key
from feedback.votes.models import Vote, VoterRoll
from feedback.votes.sealing import seal, unseal
from feedback.votes.services import ballot_key


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _day(value: datetime | None) -> str | None:
    """The day only, in the program's zone: times of logins and last use could be matched with
    the times of anonymous posts and secret ballots."""
    return utc_to_local(value).date().isoformat() if value else None


def my_data(user: User, *, program_id: int | None = None) -> dict:
    """Everything stored about her, as plain data: shown on her page and given as JSON.

    With a program, it is the file staff of that program download for her: only what she did in
    that group, and not the secret votes still open there (reloading the file after each ballot
    would tell staff which one was hers), nor her fully anonymous posts (they would tell staff
    who wrote them). Her own file has both: only she can find them, by her key."""
    uid = user.id
    staff_file = program_id is not None

    def in_program(column):
        return (column == program_id,) if staff_file else ()

    groups = db.session.execute(
        sa.select(Program.name, Membership.role, Membership.created_at, Membership.left_at)
        .join(Program, Program.id == Membership.program_id)
        .where(Membership.user_id == uid, *in_program(Membership.program_id))
        .order_by(Program.name)
    ).all()
    votes = db.session.execute(
        sa.select(Proposal.id, Proposal.title, Vote.choice, Vote.reason, Vote.updated_at)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.user_id == uid, *in_program(Proposal.program_id))
        .order_by(Proposal.id)
    ).all()
    secret = db.session.execute(
        sa.select(Proposal.id, Proposal.title)
        .join(VoterRoll, VoterRoll.proposal_id == Proposal.id)
        .where(VoterRoll.user_id == uid, *in_program(Proposal.program_id),
               *((Proposal.status != Status.VOTING,) if staff_file else ()))
        .order_by(Proposal.id)
    ).all()
    posts = db.session.execute(
        sa.select(Post.id, Post.thread_id, Post.body, Post.transcript, Post.anonymous, Post.created_at,
                  Post.deleted_at, VoiceNote.duration_ms)
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(VoiceNote, VoiceNote.post_id == Post.id)
        .where(Post.author_id == uid, *in_program(Thread.program_id))
        .order_by(Post.id)
    ).all()
    unnamed = [] if staff_file else db.session.execute(
        sa.select(Post.id, Post.thread_id, Post.body, Post.transcript, Post.created_at, Post.deleted_at)
        .where(Post.id.in_(list(_her_keyed_posts(uid)))).order_by(Post.id)
    ).all()
    her_posts = sa.select(Post.id).join(Thread, Thread.id == Post.thread_id).where(*in_program(Thread.program_id))
    agreed = db.session.scalars(sa.select(Agreement.post_id).where(
        Agreement.user_id == uid, *((Agreement.post_id.in_(her_posts),) if staff_file else ()))
        .order_by(Agreement.post_id))
    reported = db.session.scalars(sa.select(Report.post_id).where(
        Report.user_id == uid, *((Report.post_id.in_(her_posts),) if staff_file else ()))
        .order_by(Report.post_id))
    answers = db.session.execute(
        sa.select(ProgramChange.title, ChangeFeedback.answer, ChangeFeedback.reason, ChangeFeedback.answered_at)
        .join(ProgramChange, ProgramChange.id == ChangeFeedback.change_id)
        .where(ChangeFeedback.user_id == uid, *in_program(ProgramChange.program_id))
        .order_by(ChangeFeedback.answered_at)
    ).all()
    came = db.session.execute(
        sa.select(Meeting.title, Meeting.starts_at)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.user_id == uid, Attendance.present.is_(True), *in_program(Meeting.program_id))
        .order_by(Meeting.starts_at)
    ).all()
    meeting_replies = db.session.execute(
        sa.select(Meeting.title, Meeting.starts_at, MeetingReply.answer, MeetingReply.children,
                  MeetingReply.interpreter, MeetingReply.updated_at)
        .join(MeetingReply, MeetingReply.meeting_id == Meeting.id)
        .where(MeetingReply.user_id == uid, *in_program(Meeting.program_id))
        .order_by(Meeting.starts_at)
    ).all()
    links = db.session.execute(
        sa.select(LoginToken.purpose, LoginToken.created_at, LoginToken.used_at, LoginToken.revoked_at)
        .where(LoginToken.user_id == uid)
        .order_by(LoginToken.created_at)
    ).all()
    # Every session row kept about her, ended ones too: they stay until she is erased.
    browsers = db.session.execute(
        sa.select(UserSession.device, UserSession.created_at, UserSession.last_seen_at, UserSession.ended_at)
        .where(UserSession.user_id == uid)
        .order_by(UserSession.created_at, UserSession.id)
    ).all()
    notices = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == uid))
    messages = db.session.execute(
        sa.select(OutboxMessage.channel, OutboxMessage.kind, OutboxMessage.state, OutboxMessage.created_at,
                  OutboxMessage.sent_at)
        # Staff of a program see what it sent her, not what another group she is in sent her.
        .where(OutboxMessage.user_id == uid, *((seen_by_program(program_id),) if staff_file else ()))
        .order_by(OutboxMessage.created_at)
    ).all()
    stopped = list(db.session.scalars(sa.select(MessageStop.kind).where(MessageStop.user_id == uid)
                                      .order_by(MessageStop.kind)))
    phones = db.session.execute(
        sa.select(PushSubscription.endpoint, PushSubscription.created_at, PushSubscription.last_used_at)
        .where(PushSubscription.user_id == uid).order_by(PushSubscription.created_at, PushSubscription.id)
    ).all()
    from feedback.datepolls import privacy as datepolls  # her answers to date polls
    from feedback.priorities import privacy as priorities  # her dots in priority polls
    from feedback.understanding import privacy as understanding  # her presses and meeting evaluations

    return {
        **understanding.her_data(uid, program_id),
        **priorities.her_data(uid, program_id),
        **datepolls.her_data(uid, program_id),
        "about_you": {"name": user.name, "phone": user.phone, "email": user.email,
                      "language": user.preferred_language, "since": _iso(user.created_at),
                      "messages_by": user.message_channel, "messages_you_stopped": stopped},
        "groups": [{"program": name, "role": role, "since": _iso(at), "left": _iso(left)}
                   for name, role, at, left in groups],
        "votes": [{"proposal_id": pid, "proposal": title, "choice": choice, "reason": reason, "at": _iso(at)}
                  for pid, title, choice, reason, at in votes],
        # A secret ballot is stored without her: the app knows only that she voted.
        "secret_votes_cast": [{"proposal_id": pid, "proposal": title} for pid, title in secret],
        "posts": [{"id": pid, "conversation": tid, "text": body, "written_by_staff_from_voice": transcript,
                   "voice_seconds": round(ms / 1000) if ms else None, "name_hidden_from_members": anonymous,
                   "at": _iso(at), "taken_back": _iso(gone)}
                  for pid, tid, body, transcript, anonymous, at, gone, ms in posts],
        # In fully anonymous conversations nothing ties a post to her but a key only the app can
        # compute: it is found here for her, and never shown to staff.
        **({} if staff_file else {"posts_without_your_name": [
            {"id": pid, "conversation": tid, "text": body, "written_by_staff_from_voice": transcript,
             "day": _day(at), "taken_back": _iso(gone)} for pid, tid, body, transcript, at, gone in unnamed]}),
        "i_agree_on_posts": list(agreed),
        "reported_posts": list(reported),
        "did_it_help_answers": [{"change": title, "answer": answer, "reason": reason, "at": _iso(at)}
                                for title, answer, reason, at in answers],
        "meetings_you_came_to": [{"meeting": title, "at": _iso(at)} for title, at in came],
        "your_answers_to_meetings": [{"meeting": title, "starts": _iso(starts), "answer": answer,
                                      "children_in_childcare": children, "interpreter": interpreter, "at": _iso(at)}
                                     for title, starts, answer, children, interpreter, at in meeting_replies],
        "login_links": [{"kind": purpose, "made": _iso(made), "last_used": _day(used), "stopped": _iso(stopped)}
                        for purpose, made, used, stopped in links],
        "logged_in_on": [{"device": device, "since": _day(since), "last_seen": _day(seen), "ended": _day(ended)}
                         for device, since, seen, ended in browsers],
        "notices": notices,
        "messages_to_you": [{"by": channel, "about": kind, "state": state, "made": _iso(made), "sent": _iso(sent)}
                            for channel, kind, state, made, sent in messages],
        # The browsers that get her push messages. The address at the push service is hers to see;
        # staff see only which service and when (it would let anyone with our key reach her phone).
        "push_messages_to": [{**({"push_service": urlsplit(endpoint).hostname} if staff_file
                                 else {"endpoint": endpoint}), "since": _day(made), "last_used": _day(used)}
                             for endpoint, made, used in phones],
    }


def _her_programs(uid: int) -> sa.Select:
    """Her groups, as a subquery: each search below stays one query."""
    return sa.select(Membership.program_id).where(Membership.user_id == uid)


def _her_keyed_posts(uid: int) -> dict[int, str]:
    """Her posts in fully anonymous conversations (id -> key), found by computing her key for each of them."""
    threads = db.session.scalars(sa.select(Thread.id).where(
        Thread.fully_anonymous.is_(True), Thread.program_id.in_(_her_programs(uid))))
    keys = [author_key(tid, uid) for tid in threads]
    return dict(db.session.execute(sa.select(Post.id, Post.author_key).where(Post.author_key.in_(keys))).tuples().all()) \
        if keys else {}


def _her_keyed_ballots(uid: int) -> list[tuple[str, int, bytes | None]]:
    """Her secret ballots (key, proposal, seal), found by computing her ballot key for each secret
    proposal of her groups."""
    secret = db.session.scalars(sa.select(Proposal.id).where(
        Proposal.anonymous.is_(True), Proposal.program_id.in_(_her_programs(uid))))
    keys = [ballot_key(pid, uid) for pid in secret]
    return list(db.session.execute(sa.select(Vote.ballot_key, Vote.proposal_id, Vote.sealed)
                                   .where(Vote.ballot_key.in_(keys))).tuples()) if keys else []


def _unkey_ballots(uid: int) -> None:
    """Her secret ballots keep counting under random keys and without her reason: a sealed one
    (an open vote holds her reason inside the seal) is sealed again without it. Written in one
    statement with every ballot of the secret votes of her groups (see privacy.rekey)."""
    mine = _her_keyed_ballots(uid)
    reseal = {key: seal(pid, unseal(pid, sealed)[0], None) for key, pid, sealed in mine if sealed is not None}
    secret_votes = sa.select(Proposal.id).where(Proposal.anonymous.is_(True), Proposal.program_id.in_(_her_programs(uid)))
    rekey(Vote, Vote.ballot_key, Vote.proposal_id.in_(secret_votes), [key for key, _, _ in mine],
          blank=[Vote.reason], reset={Vote.sealed: reseal})


def _unkey_posts(uid: int) -> None:
    """Her posts in fully anonymous conversations keep their words for the group, as "a member"
    like every post there, under random keys; her voice and staff's transcript of it go (her
    voice would tell who she is). Written with every post of the fully anonymous conversations
    of her groups (see privacy.rekey)."""
    mine = _her_keyed_posts(uid)
    if mine:
        db.session.execute(sa.delete(VoiceNote).where(VoiceNote.post_id.in_(list(mine))))
    rooms = sa.select(Thread.id).where(Thread.fully_anonymous.is_(True), Thread.program_id.in_(_her_programs(uid)))
    rekey(Post, Post.author_key, Post.thread_id.in_(rooms), mine.values(), blank=[Post.transcript])


def give_consent(user: User) -> None:
    if user.consented_at is None:
        user.consented_at = utcnow()
        db.session.flush()


def erase(user: User) -> None:
    """Erase her personal data; what the group did together stays, without her name.

    Nothing that stays may single her rows out, to the group or to someone reading the database
    who knows whom they erased:
    - her posts with her name become "a former member"'s; those she wrote without her name for
      the group, and those in fully anonymous conversations, stay "a member"'s, as every other
      anonymous post there (a "former member" there would tell the group who wrote it);
    - what only her key ties to her (secret ballots and dots, presses, anonymous answers, posts
      in fully anonymous conversations) gets random keys, written with all its peers in one
      statement (privacy.rekey);
    - her lines on the voter rolls of secret votes stay (they name her emptied user row): without
      them "how many voted" would drop beside the counted ballots, and during an open vote the
      drop would tell staff she had voted;
    - the audit log loses what staff typed about her: her user row, and her posts with her name
      (named or hidden from members), where staff write down what her voice message says. Not
      the audit rows of her posts in fully anonymous conversations: emptying those, and only
      those, would mark them as hers; what staff typed there never had her name."""
    uid = user.id
    # First what only her key ties to her (while her memberships still say where to look).
    _unkey_ballots(uid)
    _unkey_posts(uid)
    from feedback.datepolls import privacy as datepolls  # her answers to date polls
    from feedback.priorities import privacy as priorities  # her dots in priority polls
    from feedback.understanding import privacy as understanding  # her presses and meeting evaluations

    understanding.erase(uid)
    priorities.erase(uid)
    datepolls.erase(uid)
    db.session.execute(sa.update(Vote).where(Vote.user_id == uid)
                       .values(user_id=None, created_at=None, updated_at=None, reason=None))
    her_post_ids = [str(pid) for pid in db.session.scalars(sa.select(Post.id).where(Post.author_id == uid))]
    her_posts = sa.select(Post.id).where(Post.author_id == uid)
    db.session.execute(sa.delete(VoiceNote).where(VoiceNote.post_id.in_(her_posts)))
    db.session.execute(sa.update(Post).where(Post.author_id == uid).values(
        author_id=None, author_key=None, by_former_member=sa.not_(Post.anonymous), transcript=None))
    for model in (Agreement, Report, ChangeFeedback, MeetingReply, Notification, OutboxMessage, MessageStop,
                  PushSubscription, LoginToken, Membership, UserSession):
        db.session.execute(sa.delete(model).where(model.user_id == uid))
    user.name = "–"
    user.email = user.phone = user.password_hash = user.message_channel = None
    user.active = False
    user.session_version += 1  # every phone she was logged in on is logged out
    end_sessions(user)
    user.erased_at = utcnow()
    db.session.flush()  # the audit log writes its row now (when staff erase), so it can be emptied below
    # The audit log holds what staff once typed about her (her name, her phone, her spoken words
    # written down): only the fact stays.
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.record_type == "users", AuditEntry.record_id == str(uid))
                       .values(changes=None))
    if her_post_ids:
        db.session.execute(sa.update(AuditEntry).where(AuditEntry.record_type == "posts",
                                                       AuditEntry.record_id.in_(her_post_ids)).values(changes=None))
    db.session.flush()
