"""The live meeting: the staff control page, and members joining and following it."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError
from feedback.extensions import limiter
from feedback.meetings import live, log
from feedback.meetings.forms import JoinForm, LiveControlForm
from feedback.meetings.models import Meeting, MeetingStatus
from feedback.meetings.views import bp as meetings_bp
from feedback.members.cards import absolute_url, qr_data_uri
from feedback.members.services import member_count
from feedback.priorities import services as priorities
from feedback.priorities.labels import POLL_STATUS_LABELS
from feedback.priorities.member_views import panel_context as dots_panel_context
from feedback.programs.models import Role
from feedback.votes import services as votes
from feedback.votes.labels import CHOICE_LABELS

bp = Blueprint("live", __name__)

ACTIONS = {
    "start": lambda m, v: live.start(m, v),
    "next": lambda m, v: live.step(m, 1, v),
    "prev": lambda m, v: live.step(m, -1, v),
    "open": lambda m, v: live.open_voting(m, current_user.id, v),
    "close": lambda m, v: live.close_voting(m, current_user.id, v),
    "reveal": lambda m, v: live.reveal(m, v),
    "end": lambda m, v: live.end(m, v),
    "code": lambda m, v: live.new_code(m, v),
}


def _state(meeting: Meeting) -> dict:
    item = meeting.current_item
    proposal = item.proposal if item else None
    poll = item.poll if item else None
    asked = poll or proposal
    # Revealed holds for the vote staff revealed once it closed: a vote opened again (from its
    # proposal's page) hides its results again until it closes, as on her proposal page.
    show_results = asked is not None and not asked.secret_and_open and (
        (meeting.results_revealed and asked.results_visible) or asked.results_live)
    return {
        "meeting": meeting,
        "item": item,
        "proposal": proposal,
        "poll": poll,
        "voters": _voters(item),
        "members": member_count(meeting.program_id),
        "results": votes.results(proposal.id) if show_results and proposal else None,
        "ranking": priorities.ranking(poll, str(get_locale())) if show_results and poll else None,
        "labels": CHOICE_LABELS,
        "poll_status_labels": POLL_STATUS_LABELS,
    }


def _voters(item) -> int:
    if item is not None and item.poll is not None:
        return priorities.voters_count(item.poll)
    return votes.voters_count(item.proposal) if item is not None and item.proposal is not None else 0


def _member_state(meeting: Meeting) -> dict:
    """The state in her language, and for a priority poll running now her dots panel, right on the
    live page."""
    state = {**_state(meeting), "lang": str(get_locale())}
    if state["poll"] is not None and state["poll"].status != "draft":
        ranking = state["ranking"]
        state.update(dots_panel_context(priorities.poll_with_texts(state["poll"].id)))
        state["ranking"] = ranking  # shown when staff reveal it, as on the projector
    return state


@meetings_bp.route("/<int:meeting_id>/live")
@staff_required
def control(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    return render_template("live/control.html", join_code=live.join_code(meeting), **_state(meeting))


@meetings_bp.route("/<int:meeting_id>/live/<any(start, next, prev, open, close, reveal, end, code):action>", methods=["POST"])
@staff_required
def control_action(program_id: int, meeting_id: int, action: str):
    meeting = live.lock(meeting_id)
    if meeting is None or meeting.program_id != program_id:
        abort(404)
    try:
        seen = int(LiveControlForm().version.data or "")
    except ValueError:
        seen = None
    try:
        ACTIONS[action](meeting, seen)
    except RuleError as e:
        flash(e.message, "error")
    return redirect(url_for("meetings.control", program_id=program_id, meeting_id=meeting_id))


def _member_meeting(meeting_id: int) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)
    if not current_user.has_role(meeting.program_id, Role.MEMBER, Role.STAFF):
        abort(404)
    return meeting


@bp.route("/join", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["LINK_RATE_LIMIT"], methods=["POST"])
def join():
    """The code on the projector takes her to the live meeting; it never logs anyone in."""
    error = None
    form = JoinForm()
    if request.method == "POST":
        try:
            meeting = live.find_by_code(form.code.data or "")
            if not current_user.has_role(meeting.program_id, Role.MEMBER, Role.STAFF):
                raise RuleError(_("This code does not work. Look at the screen and try again."), status=404)
        except RuleError as e:
            error = e.message
        else:
            # She typed the code off the screen: she is in the room.
            if meeting.status == MeetingStatus.OPEN and Role.MEMBER in current_user.roles_in(meeting.program_id):
                log.mark_self_present(meeting, current_user.id)
            return redirect(url_for("live.follow", meeting_id=meeting.id))
    code = form.code.data or request.args.get("code", "")
    return render_template("live/join.html", error=error, code=code[:12]), 404 if error else 200


@bp.route("/live/<int:meeting_id>")
@login_required
def follow(meeting_id: int):
    """Reading it changes nothing: "I am here" is a POST (sent by htmx when the page loads, or a
    button with JavaScript off), so a link someone else sends her cannot mark her present."""
    meeting = _member_meeting(meeting_id)
    return render_template("live/follow.html", here=_here_state(meeting), **_member_state(meeting))


def _here_state(meeting: Meeting) -> str | None:
    """None: nothing to ask; "ask": show "I am here"; "noted": she is on today's list."""
    if meeting.status != MeetingStatus.OPEN or Role.MEMBER not in current_user.roles_in(meeting.program_id):
        return None
    mine = log.attendance(meeting).get(current_user.id)
    return "noted" if mine is not None and mine.present else "ask"


@bp.route("/live/<int:meeting_id>/here", methods=["POST"])
@login_required
def here(meeting_id: int):
    meeting = _member_meeting(meeting_id)
    if Role.MEMBER not in current_user.roles_in(meeting.program_id):
        abort(403)
    if meeting.status != MeetingStatus.OPEN:
        raise RuleError(_("The meeting is not on now."), status=409)
    log.mark_self_present(meeting, current_user.id)
    if request.htmx:
        return render_template("live/_here.html", meeting=meeting, here="noted")
    return redirect(url_for("live.follow", meeting_id=meeting.id))


@bp.route("/live/<int:meeting_id>/now")
@login_required
def now(meeting_id: int):
    """What the phone polls. Unchanged: an empty 204 (or 304 for an ETag), one read, no write."""
    meeting = _member_meeting(meeting_id)
    version = str(meeting.live_version)
    if request.args.get("v") == version:
        return "", 204
    if request.if_none_match.contains(version):
        return "", 304
    resp = current_app.make_response(render_template("live/_now.html", **_member_state(meeting)))
    resp.set_etag(version)
    return resp


def _projector_key(meeting: Meeting) -> str:
    # Votes do not bump the meeting's version, so the counter is part of the key.
    item = meeting.current_item
    return f"{meeting.live_version}-{_voters(item)}"


def _projector_state(meeting: Meeting) -> dict:
    state = _state(meeting)
    code = live.join_code(meeting)
    join_url = absolute_url(url_for("live.join", code=code)) if code else None
    state.update(
        join_code=code,
        join_url=join_url,
        qr=qr_data_uri(join_url) if join_url else None,
        key=f"{meeting.live_version}-{state['voters']}",
    )
    return state


@meetings_bp.route("/<int:meeting_id>/projector")
@staff_required
def projector(program_id: int, meeting_id: int):
    """For the big screen: large type, the join code and QR code, the current item, the counter."""
    meeting = get_or_404(Meeting, meeting_id, program_id)
    return render_template("live/projector.html", **_projector_state(meeting))


@meetings_bp.route("/<int:meeting_id>/projector/now")
@staff_required
def projector_now(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    # Unchanged: answer before building the results and the QR code.
    if request.args.get("k") == _projector_key(meeting):
        return "", 204
    return render_template("live/_projector_now.html", **_projector_state(meeting))
