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


def visible_poll(poll_id: int) -> PriorityPoll:
    """A poll of her group past its draft (staff see drafts too, and steering what is open);
    another program's polls do not exist for her."""
    poll = services.poll_with_texts(parse_id(poll_id) or 0)
    if poll is None or not current_user.has_role(poll.program_id, Role.MEMBER, Role.STAFF, Role.STEERING):
        abort(404)
    if poll.status == PollStatus.DRAFT and not current_user.has_role(poll.program_id, Role.STAFF):
        abort(404)
    return poll


def panel_context(poll: PriorityPoll, *, mine: services.MyDots | None = None, error: str | None = None,
                  changed: int | None = None) -> dict:
    lang = str(get_locale())
    return {
        "poll": poll,
        "mine": mine or services.my_dots(poll, current_user),
        "can_give": is_voter(current_user, poll.program_id),
        "error": error,
        "changed": changed,
        "ranking": services.ranking(poll, lang) if poll.results_visible else None,
        "voters": services.voters_count(poll),
        "lang": lang,
    }


@bp.route("/<int:poll_id>")
@login_required
def poll(poll_id: int):
    p = visible_poll(poll_id)
    return render_template("priorities/poll.html", **panel_context(p, changed=request.args.get("changed", type=int)))


@bp.route("/<int:poll_id>/dots", methods=["POST"])
@login_required
def dot(poll_id: int):
    p = visible_poll(poll_id)
    # CSRFProtect has checked the token; the rules judge the option and the step.
    option_id, step = request.form.get("option", ""), request.form.get("step", "")
    give = services.add_dot if step == "add" else services.remove_dot
    try:
        mine = give(p, current_user, option_id)
    except RuleError as e:
        ctx = panel_context(p, error=e.message)
        if request.htmx:
            return render_template("priorities/_dots_panel.html", **ctx)  # 200: htmx swaps the message in
        return render_template("priorities/poll.html", **ctx), e.status
    if request.htmx:
        return render_template("priorities/_dots_panel.html", **panel_context(p, mine=mine, changed=int(option_id)))
    return redirect(url_for("dots.poll", poll_id=p.id, changed=option_id) + f"#option-{option_id}")
