"""The demo's date poll: staff ask which of four dates suits the group for the meeting after next;
most members have answered, one of them with two children and one who needs an interpreter."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from feedback.auth.models import User
from feedback.common.clock import local_today
from feedback.datepolls import services
from feedback.datepolls.services import OptionInput
from feedback.programs.models import Program

# Each member's answers for the four dates, with her childcare places and interpreter need.
ANSWERS = (
    (("yes", "no", "if_needed", "yes"), 2, False),
    (("yes", "yes", "no", "if_needed"), 0, True),
    (("no", "yes", "yes", "yes"), 1, False),
    (("if_needed", "no", "yes", "yes"), 0, True),
    (("no", "no", "yes", "if_needed"), 0, False),
    (("yes", "if_needed", "no", "yes"), 0, False),
    (("no", "yes", "if_needed", "no"), 1, False),
)


def build_demo_date_poll(program: Program, staff: User, members: list[User]) -> None:
    start = local_today() + timedelta(weeks=6)
    monday = start - timedelta(days=start.weekday())
    days = [(monday + timedelta(days=1), time(17, 30)), (monday + timedelta(days=2), time(17, 30)),
            (monday + timedelta(days=3), time(13, 0)), (monday + timedelta(days=5), time(10, 0))]
    options = [OptionInput(datetime.combine(d, t), datetime.combine(d, t) + timedelta(hours=2), "Stadsbiblioteket, rum 2",
                           row=i) for i, (d, t) in enumerate(days)]
    poll = services.create_poll(program.id, "Träff om arbete och praktik",
                                "Välj de dagar som passar dig. Vi bjuder på fika.", options, staff.id)
    # The last seven members answered; the first ones have not: her home page asks them.
    for member, (answers, children, interpreter) in zip(members[-len(ANSWERS):], ANSWERS, strict=False):
        services.answer(poll, member, {str(o.id): a for o, a in zip(poll.options, answers, strict=True)},
                        children, interpreter)
