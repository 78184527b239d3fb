"""Her dots in priority polls, in her data file and at erasure.

Named dots are hers to see and staff's to download. Secret dots are tied to her only by her
key: her own file finds them; a file staff download for her says only in which closed secret
polls she gave dots (an open one would tell staff, file after file, which ballot was hers)."""

from __future__ import annotations

import sqlalchemy as sa

from feedback.extensions import db
from feedback.priorities.models import (
    PollStatus,
    PriorityBallot,
    PriorityDot,
    PriorityOption,
    PriorityPoll,
    PriorityVoterRoll,
)
from feedback.priorities.services import ballot_key
from feedback.privacy.rekey import rekey
from feedback.programs.models import Membership


def _her_secret_keys(uid: int) -> list[str]:
    """Her ballot key in every secret poll of her groups."""
    polls = db.session.scalars(sa.select(PriorityPoll.id).where(
        PriorityPoll.anonymous.is_(True),
        PriorityPoll.program_id.in_(sa.select(Membership.program_id).where(Membership.user_id == uid))))
    return [ballot_key(pid, uid) for pid in polls]


def _dots(where) -> list[dict]:
    rows = db.session.execute(
        sa.select(PriorityPoll.id, PriorityPoll.title, PriorityOption.title, PriorityDot.dots)
        .join(PriorityBallot, PriorityBallot.poll_id == PriorityPoll.id)
        .join(PriorityDot, PriorityDot.ballot_id == PriorityBallot.id)
        .join(PriorityOption, PriorityOption.id == PriorityDot.option_id)
        .where(where, PriorityDot.dots > 0)
        .order_by(PriorityPoll.id, PriorityOption.position, PriorityOption.id)
    ).all()
    return [{"poll_id": pid, "poll": poll, "option": option, "dots": dots} for pid, poll, option, dots in rows]


def her_data(uid: int, program_id: int | None) -> dict:
    staff_file = program_id is not None
    in_program = (PriorityPoll.program_id == program_id,) if staff_file else ()
    data = {
        "your_dots": _dots(sa.and_(PriorityBallot.user_id == uid, *in_program)),
        "secret_priority_polls_voted_in": [
            {"poll_id": pid, "poll": title} for pid, title in db.session.execute(
                sa.select(PriorityPoll.id, PriorityPoll.title)
                .join(PriorityVoterRoll, PriorityVoterRoll.poll_id == PriorityPoll.id)
                .where(PriorityVoterRoll.user_id == uid, *in_program,
                       *((PriorityPoll.status == PollStatus.CLOSED,) if staff_file else ()))
                .order_by(PriorityPoll.id))],
    }
    if not staff_file:
        keys = _her_secret_keys(uid)
        data["your_secret_dots"] = _dots(PriorityBallot.ballot_key.in_(keys)) if keys else []
    return data


def erase(uid: int) -> None:
    """Her dots keep counting for the group, without her name; her secret ballots under random
    keys, written with every ballot of the secret polls of her groups (privacy.rekey). Her lines
    on the secret polls' voter rolls stay, so "how many gave dots" does not change. Before her
    memberships go (they say where to look for her keys)."""
    keys = _her_secret_keys(uid)
    secret_polls = sa.select(PriorityPoll.id).where(
        PriorityPoll.anonymous.is_(True),
        PriorityPoll.program_id.in_(sa.select(Membership.program_id).where(Membership.user_id == uid)))
    mine = db.session.scalars(sa.select(PriorityBallot.ballot_key).where(PriorityBallot.ballot_key.in_(keys))).all() \
        if keys else []
    rekey(PriorityBallot, PriorityBallot.ballot_key, PriorityBallot.poll_id.in_(secret_polls), mine)
    db.session.execute(sa.update(PriorityBallot).where(PriorityBallot.user_id == uid)
                       .values(user_id=None, updated_at=None))
