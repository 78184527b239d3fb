"""The member's pages: her home and one proposal per screen where she votes."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.wrappers import Response
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.auth.models import User
from feedback.changes import services as changes
from feedback.common.access import get_or_404
from feedback.common.answer_forms import answer_post
from feedback.common.clock import local_now
from feedback.common.errors import RuleError
from feedback.dashboards.metrics import group_impact
from feedback.decisions import services as decisions
from feedback.decisions.labels import OUTCOME_LABELS
from feedback.extensions import db, limiter
from feedback.meetings import calendar, log, replies
from feedback.meetings.models import Meeting
from feedback.meetings.services import current_or_next, with_agenda
from feedback.members.cards import absolute_url
from feedback.notifications import services as notifications
from feedback.notifications.models import Kind
from feedback.priorities import services as priorities
from feedback.programs.models import Role
from feedback.proposals import services as proposals
from feedback.proposals.models import Proposal, Status
from feedback.threads import services as threads
from feedback.votes import services as votes
from feedback.votes.labels import choice_labels

bp = Blueprint("portal", __name__)
# The vote form's htmx answer replaces its news slot; a refusal about the vote itself sends the panel.
WHOLE_PANEL = {"HX-Retarget": "#vote-panel", "HX-Reswap": "outerHTML"}


def _member_programs() -> list[int]:
    return current_user.program_ids(Role.MEMBER)


@bp.route("/me")
@login_required
def home():
    program_ids = _member_programs()
    if not program_ids and not current_user.is_member_only:
        return redirect(url_for("index"))
    now = local_now()
    notifications.mark_read(current_user, kinds=(Kind.MEETING,))  # the home page shows the next meeting
    open_now = proposals.open_for_voting(program_ids)
    voted = votes.voted_on(open_now, current_user)
    polls = priorities.home_polls(program_ids)
    return render_template(
        "portal/home.html",
        meeting=current_or_next(program_ids, now, with_agenda()),
        last_meeting=log.last_summary(program_ids, now),
        open_now=open_now,
        voted=voted,
        priority_polls=polls,
        dots_given=priorities.given_in([p for p in polls if p.is_open], current_user),
        closed=proposals.recently_closed(program_ids),
        due=changes.due_follow_ups(current_user, program_ids),
        impact=group_impact(program_ids),
        feed_url=absolute_url(
            url_for("portal.calendar_feed", user_id=current_user.id, token=calendar.feed_token(current_user))
        ),
        lang=str(get_locale()),
    )


def _visible_proposal(proposal_id: int, *, shared: bool = False) -> Proposal:
    proposal = get_or_404(Proposal, proposal_id, shared=shared)
    # Drafts are not shown to members, and another program's proposals do not exist for her.
    if proposal.program_id not in _member_programs() and not current_user.has_role(
        proposal.program_id, Role.STAFF, Role.STEERING
    ):
        abort(404)
    if proposal.status in (Status.DRAFT, Status.ON_AGENDA) and not current_user.has_role(
        proposal.program_id, Role.STAFF
    ):
        abort(404)
    return proposal


def _panel_context(
    proposal: Proposal,
    error: str | None = None,
    just_voted: bool = False,
    form_choice: str | None = None,
    form_reason: str | None = None,
    just_cast: votes.MyVote | None = None,
    counted: votes.Results | None = None,
) -> dict:
    # After a vote the view passes the vote just stored: she is a voter and it is hers,
    # so the panel needs no query for either.
    mine = just_cast or votes.my_vote(proposal, current_user)
    can_vote = just_cast is not None or votes.is_voter(current_user, proposal.program_id)
    return {
        "proposal": proposal,
        "mine": mine,
        "can_vote": can_vote,
        "error": error,
        "just_voted": just_voted,
        "form_choice": form_choice if form_choice is not None else (mine.choice if mine else None),
        "form_reason": form_reason if form_reason is not None else (mine.reason if mine and mine.reason else ""),
        "results": counted or (votes.results(proposal.id) if proposal.results_visible else None),
        "labels": choice_labels(),
        "reason_max": votes.REASON_MAX,
    }


@bp.route("/p/<int:proposal_id>")
@login_required
def proposal(proposal_id: int):
    p = _visible_proposal(proposal_id)
    if (poll := priorities.poll_of_proposal(p)) is not None:
        # The group's priorities have no vote of their own: she sees the poll and its ranking.
        return redirect(url_for("dots.poll", poll_id=poll.id))
    notifications.mark_read(current_user, proposal_id=p.id)
    ctx = _panel_context(p, just_voted=request.args.get("voted") == "1")
    return render_template("portal/proposal.html", text=p.text_in(str(get_locale())), **ctx, **_talk_context(p))


def _talk_context(p: Proposal) -> dict:
    return {
        "sources": threads.feedback_sources(p),
        "thread_count": threads.thread_counts("proposal", [p.id]).get(p.id, 0),
        "decision": decisions.current_decision(p.id) if p.status in (Status.DECIDED, Status.IMPLEMENTED) else None,
        "outcome_labels": OUTCOME_LABELS,
        "lang": str(get_locale()),
    }


@bp.route("/p/<int:proposal_id>/vote", methods=["POST"])
@login_required
def vote(proposal_id: int):
    # Read under a shared lock: staff closing the vote (which locks it for update) wait for the
    # ballot, or the ballot waits and finds the vote closed. Without it a ballot on its way was
    # written after the close and counted, or stayed sealed among the opened ballots.
    p = _visible_proposal(proposal_id, shared=True)
    # The busiest request we have: a form object cost 6% of it (bench/vote_load --profile).
    # CSRFProtect has checked the token; the vote rules judge these two values.
    choice = request.form.get("choice", "")
    reason = request.form.get("reason", "")
    try:
        mine, counted = votes.cast_vote_and_count(p, current_user, choice, reason)
    except RuleError as e:
        if request.htmx and e.field:
            # About what she sent: the message, and her form stays as she filled it.
            return render_template("portal/_vote_news.html", error=e.message)
        ctx = _panel_context(p, error=e.message, form_choice=choice, form_reason=reason)
        if request.htmx:
            # About the vote itself (closed, not hers): the whole panel, with 200 so htmx swaps it in.
            return render_template("portal/_vote_panel.html", **ctx), WHOLE_PANEL
        return render_template(
            "portal/proposal.html", text=p.text_in(str(get_locale())), **ctx, **_talk_context(p)
        ), e.status
    if request.htmx:
        ctx = _panel_context(p, just_voted=True, just_cast=mine, counted=counted)
        return render_template("portal/_vote_step.html", **ctx)
    return redirect(url_for("portal.proposal", proposal_id=p.id, voted=1) + "#vote-panel")


@bp.route("/p/<int:proposal_id>/results")
@login_required
def results(proposal_id: int):
    """The results block alone, for live results (htmx polling)."""
    p = _visible_proposal(proposal_id)
    return render_template("portal/_results.html", **_panel_context(p))


def _ics_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _visible_meeting(meeting_id: int) -> Meeting:
    """A meeting of her group (its staff may look too, as on the calendar file and the live page);
    another program's meetings do not exist for her."""
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.program_id not in _member_programs() and not current_user.has_role(meeting.program_id, Role.STAFF):
        abort(404)
    return meeting


def _reply_context(meeting: Meeting, *, error: RuleError | None = None, just_saved: replies.MyReply | None = None,
                   form: dict | None = None) -> dict:
    mine = just_saved or replies.answer_of(meeting.id, current_user.id)
    form = form or {}
    return {
        "meeting": meeting,
        "mine": mine,
        "can_reply": replies.is_member(current_user, meeting.program_id),
        "open": replies.is_open(meeting),
        "interpreter_lang": replies.interpreter_language(meeting, current_user),
        "labels": replies.answer_labels(),
        "answer_icons": replies.ANSWER_ICONS,
        "children_max": replies.CHILDREN_MAX,
        "form_answer": form.get("answer", mine.answer if mine else None),
        "form_children": form.get("children", mine.children if mine and mine.children else ""),
        "form_interpreter": form.get("interpreter", mine.interpreter if mine else False),
        "error": error.message if error else None,
        "just_saved": just_saved is not None,
    }


@bp.route("/me/meetings/<int:meeting_id>", methods=["GET", "POST"])
@login_required
def meeting(meeting_id: int):
    """One meeting in her language, and her answer: will she come, and what she needs there."""
    m = _visible_meeting(meeting_id)
    if request.method == "GET":
        notifications.mark_read(current_user, meeting_id=m.id)
        return render_template("portal/meeting.html", **_reply_context(m))
    # CSRFProtect has checked the token; the reply rules judge these values.
    form = {"answer": request.form.get("answer", ""), "children": request.form.get("children", ""),
            "interpreter": request.form.get("interpreter") == "yes"}
    return answer_post(
        lambda: replies.reply(m, current_user, form["answer"], form["children"], form["interpreter"]),
        partial(_reply_context, m), form=form, page="portal/meeting.html", panel="portal/_reply_panel.html",
        back=url_for("portal.meeting", meeting_id=m.id) + "#reply-panel")


@bp.route("/me/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    """One meeting for her phone's calendar."""
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.program_id not in _member_programs() and not current_user.has_role(meeting.program_id, Role.STAFF):
        abort(404)
    body = calendar.to_ics([meeting], request.host, meeting.title)
    return _ics_response(body, f"meeting-{meeting.id}.ics")


@bp.route("/calendar/<int:user_id>/<token>.ics")
@limiter.limit(lambda: current_app.config["LINK_RATE_LIMIT"])
def calendar_feed(user_id: int, token: str):
    """All her group's meetings, for a calendar app to follow; the key in the address is the login."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or not calendar.check_feed_token(user, token):
        abort(404)
    since = local_now() - timedelta(days=90)
    with force_locale(user.preferred_language):
        body = calendar.to_ics(calendar.member_meetings(user, since), request.host, _("Expert group"))
    return _ics_response(body, "meetings.ics")
