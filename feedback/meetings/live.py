"""The live meeting: its state machine, driven by staff, followed by members' phones.

Every change checks the version the staff member saw and bumps it, so two staff acting at
once never act on an old view: the second gets a clear "the meeting moved on" and the
current state, and both views converge on what the server decided."""

from __future__ import annotations

import hmac
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from feedback.common.clock import utcnow
from feedback.common.errors import RuleError
from feedback.common.security import hash_token, keyed_digest
from feedback.extensions import db
from feedback.meetings.models import AgendaItem, Meeting, MeetingStatus
from feedback.priorities import services as priorities
from feedback.priorities.models import PriorityPoll
from feedback.proposals import services as proposals
from feedback.proposals.models import Status

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read off a projector and type on a phone.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3469"
CODE_LENGTH = 6


def lock(meeting_id: int) -> Meeting | None:
    """The meeting, locked for this transaction where the database can (PostgreSQL)."""
    return db.session.scalar(
        sa.select(Meeting).where(Meeting.id == meeting_id).with_for_update().execution_options(populate_existing=True)
    )


def _check(meeting: Meeting, seen_version: int | None, *, open_: bool = True) -> None:
    if seen_version is not None and seen_version != meeting.live_version:
        raise RuleError(_l("Someone else changed the meeting just now. This is where it is."), status=409)
    if open_ and meeting.status != MeetingStatus.OPEN:
        raise RuleError(_l("The meeting is not running."), status=409)


def _changed(meeting: Meeting) -> None:
    meeting.live_version += 1
    db.session.flush()


def _ordered(meeting: Meeting) -> list[AgendaItem]:
    return sorted(meeting.agenda, key=lambda i: (i.position, i.id))


def _derive_code(meeting_id: int, salt: str) -> str:
    number = int(keyed_digest(current_app.config["SECRET_KEY"], "join", meeting_id, salt), 16)
    letters = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    return "".join(letters)


def _normalise(code: str | None) -> str:
    return "".join((code or "").split()).upper()


def join_code(meeting: Meeting) -> str | None:
    """The code to show on the projector, or None when there is none to show.

    None too when the secret key changed since the code was made: the derived code would not
    match the stored hash, so staff make a new one rather than show a code that fails."""
    if meeting.status != MeetingStatus.OPEN or not meeting.join_salt or not meeting.join_code_hash:
        return None
    code = _derive_code(meeting.id, meeting.join_salt)
    return code if hmac.compare_digest(hash_token(code), meeting.join_code_hash) else None


def _issue_code(meeting: Meeting) -> None:
    while True:
        salt = secrets.token_hex(16)
        digest = hash_token(_derive_code(meeting.id, salt))
        taken = db.session.scalar(
            sa.select(Meeting.id).where(Meeting.join_code_hash == digest, Meeting.id != meeting.id)
        )
        if taken is None:
            meeting.join_salt, meeting.join_code_hash = salt, digest
            return


def _drop_code(meeting: Meeting) -> None:
    meeting.join_salt = meeting.join_code_hash = None


def start(meeting: Meeting, seen_version: int | None = None) -> None:
    _check(meeting, seen_version, open_=False)
    if meeting.status != MeetingStatus.PLANNED:
        raise RuleError(_l("This meeting has already started or ended."), status=409)
    meeting.status = MeetingStatus.OPEN
    meeting.started_at = utcnow()
    _issue_code(meeting)
    items = _ordered(meeting)
    meeting.current_item_id = items[0].id if items else None
    meeting.results_revealed = False
    _changed(meeting)


def step(meeting: Meeting, direction: int, seen_version: int | None = None) -> None:
    """Go to the next (+1) or previous (-1) agenda item."""
    _check(meeting, seen_version)
    items = _ordered(meeting)
    ids = [i.id for i in items]
    index = ids.index(meeting.current_item_id) if meeting.current_item_id in ids else -1
    target = index + direction
    if direction not in (-1, 1) or not 0 <= target < len(items):
        raise RuleError(_l("This is the last item.") if direction == 1 else _l("This is the first item."), status=409)
    meeting.current_item_id = ids[target]
    meeting.results_revealed = False
    _changed(meeting)


def _current_vote(meeting: Meeting):
    """What the current item asks the group: a proposal, or a priority poll."""
    item = meeting.current_item
    if item is not None and item.poll is not None:
        return item.poll
    if item is None or item.proposal is None:
        raise RuleError(_l("The current item is not a proposal, so there is nothing to vote on."), status=409)
    return item.proposal


def open_voting(meeting: Meeting, actor_id: int | None, seen_version: int | None = None) -> None:
    _check(meeting, seen_version)
    asked = _current_vote(meeting)
    if isinstance(asked, PriorityPoll):
        priorities.open_poll(asked, actor_id)
    else:
        proposals.open_voting(asked, actor_id)
    meeting.results_revealed = False
    _changed(meeting)


def close_voting(meeting: Meeting, actor_id: int | None, seen_version: int | None = None) -> None:
    _check(meeting, seen_version)
    asked = _current_vote(meeting)
    if isinstance(asked, PriorityPoll):
        priorities.close_poll(asked, actor_id)
    else:
        proposals.close_voting(asked, actor_id)
    _changed(meeting)


def reveal(meeting: Meeting, seen_version: int | None = None) -> None:
    _check(meeting, seen_version)
    asked = _current_vote(meeting)
    # A poll has a result to show once it closed (or live, when staff chose so); a proposal as before.
    still_open = asked.status != "closed" if isinstance(asked, PriorityPoll) else asked.status == Status.VOTING
    if still_open and not asked.results_visible:
        raise RuleError(_l("Close the voting before you show the result."), status=409)
    meeting.results_revealed = True
    _changed(meeting)


def end(meeting: Meeting, seen_version: int | None = None) -> None:
    _check(meeting, seen_version, open_=False)
    if meeting.status != MeetingStatus.OPEN:
        raise RuleError(_l("This meeting is not running, so it cannot be ended."), status=409)
    meeting.status = MeetingStatus.CLOSED
    meeting.ended_at = utcnow()
    _drop_code(meeting)  # an old code must never lead anywhere
    meeting.current_item_id = None
    _changed(meeting)


def new_code(meeting: Meeting, seen_version: int | None = None) -> None:
    """Revoke the code on the screen and show a new one, say after a photo of it went round.
    Phones that already follow the meeting go on following it."""
    _check(meeting, seen_version)
    _issue_code(meeting)
    _changed(meeting)


def find_by_code(code: str) -> Meeting:
    """The running meeting behind a join code. The code never logs anyone in by itself.

    The lookup is by the code's hash, so the time it takes tells nothing about how close a
    guess came to the code."""
    code = _normalise(code)
    meeting = None
    if 0 < len(code) <= 12:
        meeting = db.session.scalar(
            sa.select(Meeting).where(Meeting.join_code_hash == hash_token(code), Meeting.status == MeetingStatus.OPEN)
        )
    if meeting is None:
        raise RuleError(_l("This code does not work. Look at the screen and try again."), status=404)
    return meeting
