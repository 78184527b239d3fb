"""Date polls for tests: a poll of program with dates some days ahead, at 17:30 (committed)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from feedback.common.clock import local_now
from feedback.datepolls import services
from feedback.datepolls.services import OptionInput
from feedback.extensions import db


def day_at(days_ahead: int, at: time = time(17, 30)) -> datetime:
    return datetime.combine(local_now().date() + timedelta(days=days_ahead), at)


def new_poll(program, days: tuple[int, ...] = (7, 8, 9), title: str = "Träff i februari", note: str | None = None,
             place: str | None = "Stadsbiblioteket", actor_id: int | None = None):
    options = [OptionInput(day_at(d), day_at(d, time(19, 30)), place, row=i) for i, d in enumerate(days)]
    poll = services.create_poll(program.id, title, note, options, actor_id)
    db.session.commit()
    return poll
