"""The messages the app sends when something happens, each in the language of the person it goes
to and in easy words: no ballot or post content, no names of other members, no login link.

Each function is called inside the transaction of its event, so the messages are stored with
the event or not at all; a key per event makes a second call queue nothing new."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from feedback.auth.models import User
from feedback.extensions import db
from feedback.outbox import choice, links
from feedback.outbox.choice import Kind
from feedback.outbox.models import Channel
from feedback.outbox.services import enqueue
from feedback.programs.models import Membership, Role

# What a message says to her: (subject for an e-mail, the text), written in her language.
Writer = Callable[[User], tuple[str, str]]


def holders(program_id: int, *roles: str) -> list[int]:
    """The people of a program in these roles now (who left is not asked)."""
    return list(db.session.scalars(
        sa.select(Membership.user_id).where(
            Membership.program_id == program_id, Membership.role.in_(roles), Membership.left_at.is_(None))
        .distinct()
    ))


def compose(channel: str, text: str, link: str | None, user_id: int, kind: str) -> str:
    """The whole text of an SMS or e-mail: what happened, the page, and how to stop this kind.
    A push shows the text alone and opens the page when she taps it."""
    if channel == Channel.PUSH:
        return text
    parts = [text]
    if link:
        parts.append(links.absolute(link))
    parts.append(_("Stop these messages: %(url)s", url=links.stop_url(user_id, kind)))
    return "\n\n".join(parts) if channel == Channel.EMAIL else "\n".join(parts)


def tell(user_ids: Iterable[int], kind: str, key: str, link: str | None, write: Writer, *, program_id: int) -> int:
    """Queue the message for each of these people who wants this kind; how many were queued.
    program_id is the program whose event it is: only its staff see the messages."""
    queued = 0
    for user, channel in choice.recipients(user_ids, kind):
        with force_locale(user.preferred_language):
            subject, text = write(user)
            body = compose(channel, text, link, user.id, kind)
        queued += enqueue(user, channel, kind, key, body, subject=subject, link=link, program_id=program_id)
    return queued


def _when(at) -> str:
    # Meeting times are the program's wall-clock time: shown as they are stored.
    return format_datetime(at, "EEEE d MMMM, HH:mm", rebase=False)


def _meeting_lines(meeting, lang: str) -> list[str]:
    lines = [_("Time: %(when)s.", when=_when(meeting.starts_at))]
    if meeting.place:
        lines.append(_("Place: %(place)s.", place=meeting.place))
    if meeting.childcare:
        lines.append(_("There is child care."))
    if lang in (meeting.interpreter_languages or "").split(","):
        lines.append(_("There is an interpreter in your language."))
    if meeting.travel_costs:
        lines.append(_("You get money for the trip."))
    return lines


def meeting_planned(meeting) -> int:
    def write(user: User) -> tuple[str, str]:
        lines = [_("New meeting in the expert group."), *_meeting_lines(meeting, user.preferred_language)]
        lines.append(_("Tell us if you come:"))
        return _("New meeting"), " ".join(lines)

    return tell(holders(meeting.program_id, Role.MEMBER), Kind.MEETING, f"meeting:{meeting.id}",
                f"/me/meetings/{meeting.id}", write, program_id=meeting.program_id)


def meeting_reminder(meeting, hours: int, user_ids: Iterable[int]) -> int:
    def write(user: User) -> tuple[str, str]:
        lines = [_("The expert group meets soon."), *_meeting_lines(meeting, user.preferred_language)]
        return _("The meeting is soon"), " ".join(lines)

    return tell(user_ids, Kind.REMINDER, f"reminder-{hours}h:{meeting.id}", f"/me/meetings/{meeting.id}", write,
                program_id=meeting.program_id)


def _title(proposal, lang: str) -> str:
    translated = proposal.translation_in(lang, "title")
    return translated.title if translated else proposal.title


def _round(proposal) -> str:
    """Which opening of the vote: a vote opened again is news again (and may be reminded again)."""
    opened = proposal.voting_opened_at
    return opened.strftime("%Y%m%d%H%M%S") if opened else "0"


def voting_opened(proposal) -> int:
    def write(user: User) -> tuple[str, str]:
        title = _title(proposal, user.preferred_language)
        return _("A new vote"), _("You can vote now: %(title)s. Vote here:", title=title)

    return tell(holders(proposal.program_id, Role.MEMBER), Kind.VOTE, f"vote:{proposal.id}:{_round(proposal)}",
                f"/p/{proposal.id}", write, program_id=proposal.program_id)


def priorities_opened(poll) -> int:
    """A priority poll opened: a vote too, so it goes with "A new vote" (she can stop both)."""
    def write(user: User) -> tuple[str, str]:
        title = poll.text_in(user.preferred_language)[0]
        return _("Give your dots"), _("Which ideas matter most to you? Give your dots: %(title)s. Here:", title=title)

    return tell(holders(poll.program_id, Role.MEMBER), Kind.VOTE, f"priorities:{poll.id}",
                f"/me/priorities/{poll.id}", write, program_id=poll.program_id)


def vote_reminder(proposal) -> int:
    """A reminder to the members who have not voted. It is queued for every member: the worker
    looks at the voter roll when it sends (feedback/outbox/worker.py), so that for a secret
    vote nothing that staff can see tells who has voted."""
    def write(user: User) -> tuple[str, str]:
        title = _title(proposal, user.preferred_language)
        return _("You have not voted yet"), _("The vote closes soon: %(title)s. You have not voted yet. Vote here:",
                                              title=title)

    return tell(holders(proposal.program_id, Role.MEMBER), Kind.VOTE_REMINDER, f"vote-reminder:{proposal.id}:{_round(proposal)}",
                f"/p/{proposal.id}", write, program_id=proposal.program_id)


def decided(proposal, decision_id: int, user_ids: Iterable[int]) -> int:
    def write(user: User) -> tuple[str, str]:
        title = _title(proposal, user.preferred_language)
        return _("The steering group has decided"), _(
            "The steering group has decided about an idea you voted on or wrote about: %(title)s. Read more:",
            title=title)

    return tell(user_ids, Kind.DECISION, f"decision:{decision_id}",
                "/me/ideas", write, program_id=proposal.program_id)


def follow_up_open(change, user_ids: Iterable[int]) -> int:
    def write(user: User) -> tuple[str, str]:
        return _("Did the change help?"), _("The program changed after your ideas. Did the change help? Answer here:")

    return tell(user_ids, Kind.FOLLOW_UP, f"follow-up:{change.id}", "/me/ideas", write, program_id=change.program_id)


def posts_waiting(program_id: int, thread_id: int, day: str) -> int:
    def write(user: User) -> tuple[str, str]:
        return _("A post waits for an answer"), _("A member wrote in the app. The post waits for an answer.")

    return tell(holders(program_id, Role.STAFF, Role.ADMIN), Kind.NEW_POSTS, f"new-posts:{thread_id}:{day}",
                f"/talk/t/{thread_id}", write, program_id=program_id)


def post_reported(program_id: int, thread_id: int, post_id: int) -> int:
    def write(user: User) -> tuple[str, str]:
        return _("A post was reported"), _("Someone reported a post in the app. Please look at it.")

    return tell(holders(program_id, Role.STAFF, Role.ADMIN), Kind.REPORTS, f"report:{post_id}",
                f"/talk/t/{thread_id}", write, program_id=program_id)
