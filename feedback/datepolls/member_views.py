"""Her page of a date poll: yes / if needed / no for each date, and what she needs to come. One
form that saves all at once, as a plain post with JavaScript off; htmx swaps the panel when on."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Flask, abort, render_template, request, url_for
from flask_login import current_user, login_required

from feedback.common.access import get_or_404
from feedback.common.answer_forms import answer_post
from feedback.common.errors import RuleError
from feedback.common.ids import parse_id
from feedback.datepolls import services
from feedback.datepolls.models import DatePoll
from feedback.extensions import db
from feedback.meetings import replies
from feedback.meetings.models import Meeting
from feedback.programs.models import Role

bp = Blueprint("datepoll_member", __name__)


def _visible_poll(poll_id: int) -> DatePoll:
    """A poll of her group (its staff may look too); another program's polls do not exist for her."""
    poll = get_or_404(DatePoll, poll_id)
    if not current_user.has_role(poll.program_id, Role.MEMBER, Role.STAFF):
        abort(404)
    return poll


def _context(poll: DatePoll, *, error: RuleError | None = None, form: dict | None = None,
             just_saved: services.MyAnswers | None = None) -> dict:
    mine = just_saved or services.answers_of(poll, current_user.id)
    form = form or {}
    return {
        "poll": poll,
        "mine": mine,
        "can_answer": services.can_answer(current_user, poll),
        "over": not services.has_date_ahead(poll),
        "results": {r.option.id: r for r in services.results(poll)},
        "meeting": db.session.get(Meeting, poll.meeting_id) if poll.meeting_id else None,
        "interpreter_lang": services.interpreter_language(current_user),
        "labels": services.answer_labels(),
        "answer_icons": services.ANSWER_ICONS,
        "children_max": replies.CHILDREN_MAX,
        "form_answers": form.get("answers", mine.answers if mine else {}),
        "form_children": form.get("children", mine.children if mine and mine.children else ""),
        "form_interpreter": form.get("interpreter", mine.interpreter if mine else False),
        "error": error.message if error else None,
        "just_saved": just_saved is not None,
    }


def _posted_answers() -> dict[str, str]:
    # A hostile multipart body can carry a part without a name: only "option-<id>" keys count.
    return {key.removeprefix("option-"): value for key, value in request.form.items()
            if isinstance(key, str) and key.startswith("option-")}


@bp.route("/me/date-polls/<int:poll_id>", methods=["GET", "POST"])
@login_required
def poll(poll_id: int):
    p = _visible_poll(poll_id)
    if request.method == "GET":
        return render_template("datepolls/poll.html", **_context(p))
    # CSRFProtect has checked the token; the poll's rules judge these values.
    answers = _posted_answers()
    form = {"answers": {parse_id(k): v for k, v in answers.items()},
            "children": request.form.get("children", ""), "interpreter": request.form.get("interpreter") == "yes"}
    return answer_post(
        lambda: services.answer(p, current_user, answers, form["children"], form["interpreter"]),
        partial(_context, p), form=form, page="datepolls/poll.html", panel="datepolls/_panel.html",
        back=url_for("datepoll_member.poll", poll_id=p.id) + "#poll-panel")


# --- for the shared templates ------------------------------------------------------------------


def _polls_for_me() -> list[DatePoll]:
    if not current_user.is_authenticated:
        return []
    return services.open_unanswered(current_user, current_user.program_ids(Role.MEMBER))


def init_app(app: Flask) -> None:
    from feedback.datepolls.staff_views import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.jinja_env.globals.update(date_polls_for_me=_polls_for_me)
