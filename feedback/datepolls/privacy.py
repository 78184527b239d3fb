"""Her answers to date polls in her data file, and gone when she is erased. They are named
answers (staff see them), so the file staff download for her has them too."""

from __future__ import annotations

import sqlalchemy as sa

from feedback.common.clock import utc_to_local
from feedback.datepolls.models import DateNeed, DateOption, DatePoll, DateVote
from feedback.extensions import db


def her_data(uid: int, program_id: int | None) -> dict:
    in_program = (DatePoll.program_id == program_id,) if program_id is not None else ()
    votes = db.session.execute(
        sa.select(DatePoll.id, DatePoll.title, DateOption.starts_at, DateVote.answer, DateVote.updated_at)
        .join(DateOption, DateOption.id == DateVote.option_id)
        .join(DatePoll, DatePoll.id == DateOption.poll_id)
        .where(DateVote.user_id == uid, *in_program)
        .order_by(DatePoll.id, DateOption.starts_at)
    ).all()
    needs = dict((pid, (kids, interp)) for pid, kids, interp in db.session.execute(
        sa.select(DateNeed.poll_id, DateNeed.children, DateNeed.interpreter)
        .join(DatePoll, DatePoll.id == DateNeed.poll_id)
        .where(DateNeed.user_id == uid, *in_program)
    ))
    polls: dict[int, dict] = {}
    for pid, title, starts, answer, at in votes:
        kids, interp = needs.get(pid, (0, False))
        poll = polls.setdefault(pid, {"poll": title, "children_in_childcare": kids, "interpreter": interp, "dates": []})
        poll["dates"].append({"date": starts.isoformat(timespec="minutes"), "answer": answer,
                              "at": utc_to_local(at).isoformat(timespec="seconds")})
    return {"your_answers_to_date_polls": list(polls.values())}


def erase(uid: int) -> None:
    db.session.execute(sa.delete(DateVote).where(DateVote.user_id == uid))
    db.session.execute(sa.delete(DateNeed).where(DateNeed.user_id == uid))
