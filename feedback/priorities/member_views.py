"""The member's page of a priority poll: her dots, given and taken back with big + and - buttons.
Each is a plain form post; htmx swaps the panel in place."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from feedback.common.errors import RuleError
from feedback.common.ids import parse_id
from feedback.priorities import services
from feedback.priorities.models import PollStatus, PriorityPoll
from feedback.programs.models import Role
from feedback.votes.services import is_voter

bp = Blueprint("dots", __name__, url_prefix="/me/priorities")


def visible_poll(poll_id: int, load=services.poll_with_texts) -> PriorityPoll:
    """A poll of her group past its draft (staff see drafts too, and steering what is open);
    another program's polls do not exist for her."""
    poll = load(parse_id(poll_id) or 0)
    if poll is None or not current_user.has_role(poll.program_id, Role.MEMBER, Role.STAFF, Role.STEERING):
        abort(404)
    if poll.status == PollStatus.DRAFT and not current_user.has_role(poll.program_id, Role.STAFF):
        abort(404)
    return poll


def panel_context(poll: PriorityPoll, *, mine: services.MyDots | None = None, error: str | None = None) -> dict:
    lang = str(get_locale())
    return {
        "poll": poll,
        "mine": mine or services.my_dots(poll, current_user),
        "can_give": is_voter(current_user, poll.program_id),
        "error": error,
        "ranking": services.ranking(poll, lang) if poll.results_visible else None,
        "voters": services.voters_count(poll),
        "lang": lang,
    }


@bp.route("/<int:poll_id>")
@login_required
def poll(poll_id: int):
    p = visible_poll(poll_id)
    return render_template("priorities/poll.html", **panel_context(p))


@bp.route("/<int:poll_id>/dots", methods=["POST"])
@login_required
def dot(poll_id: int):
    # Judged on the poll without its texts: with htmx the answer is her row of the idea alone.
    p = visible_poll(poll_id, load=services.poll_for_dots)
    # CSRFProtect has checked the token; the rules judge the option and the step.
    option_id, step = request.form.get("option", ""), request.form.get("step", "")
    give = services.add_dot if step == "add" else services.remove_dot
    try:
        done = give(p, current_user, option_id)
    except RuleError as e:
        if request.htmx and e.field == services.DOTS_FIELD:  # her row as it was, and the reason
            mine, oid = services.my_dots(p, current_user), parse_id(option_id)
            return _step(p, services.DotStep(oid, mine.on.get(oid, 0), mine.allowed, mine.used), error=e.message)
        ctx = panel_context(services.texts(p), error=e.message)
        if request.htmx:  # 200: htmx swaps the message in, with the panel as it now is
            return render_template("priorities/_dots_panel.html", **ctx), WHOLE_PANEL
        return render_template("priorities/poll.html", **ctx), e.status
    if not request.htmx:
        live_meeting = parse_id(request.form.get("live"))
        back = url_for("live.follow", meeting_id=live_meeting) if live_meeting else url_for("dots.poll", poll_id=p.id)
        return redirect(f"{back}#option-{option_id}")
    if p.results_visible:  # the live ranking moved too
        return render_template("priorities/_dots_panel.html", **panel_context(services.texts(p))), WHOLE_PANEL
    return _step(p, done)


# The answer to a + or - replaces her row of the idea; these headers send the whole panel instead.
WHOLE_PANEL = {"HX-Retarget": "#dots-panel", "HX-Reswap": "outerHTML"}


def _step(poll: PriorityPoll, done: services.DotStep, error: str | None = None):
    option = next(o for o in poll.options if o.id == done.option_id)
    return render_template("priorities/_dot_step.html", poll=poll, o=option, n=done.dots, mine=done, error=error,
                           voters=services.voters_count(poll), ranking=None,
                           live_meeting=parse_id(request.form.get("live")))
