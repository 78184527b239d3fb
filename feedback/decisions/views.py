"""The steering group's pages: the review queue and deciding one proposal."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.common.access import get_or_404, program_role_required
from feedback.common.errors import RuleError, show_on_form
from feedback.common.i18n import translation_forms
from feedback.decisions import services
from feedback.decisions.forms import DecisionForm, DecisionTranslationForm, ReopenForm
from feedback.decisions.labels import OUTCOME_LABELS
from feedback.priorities import services as priorities
from feedback.programs.models import Role
from feedback.proposals.models import Proposal
from feedback.threads import services as threads
from feedback.votes import services as votes
from feedback.votes.labels import CHOICE_LABELS

bp = Blueprint("decisions", __name__, url_prefix="/staff/<int:program_id>/review")

steering_or_staff = program_role_required(Role.STEERING, Role.STAFF)


@bp.route("/")
@steering_or_staff
def queue(program_id: int):
    waiting = services.review_queue(program_id)
    return render_template(
        "decisions/queue.html",
        waiting=waiting,
        results=votes.results_many([p.id for p in waiting]),
        polls=priorities.polls_of_proposals(waiting),
        decided=services.decisions_of(program_id)[:20],
        labels=OUTCOME_LABELS,
        can_decide=services.is_steering(current_user, program_id),
    )


def _translation_forms(decision=None) -> dict[str, DecisionTranslationForm]:
    return translation_forms(DecisionTranslationForm, decision.translations if decision else [])


@bp.route("/<int:proposal_id>", methods=["GET", "POST"])
@steering_or_staff
def decide(program_id: int, proposal_id: int):
    p = get_or_404(Proposal, proposal_id, program_id)
    form = DecisionForm()
    translations = _translation_forms()
    status = 200
    if request.method == "POST":
        if not services.is_steering(current_user, program_id):
            abort(403)
        if form.validate_on_submit():
            try:
                services.decide(
                    current_user, p, form.outcome.data or "", form.reason.data, form.changes.data,
                    form.postponed_until.data,
                    {code: (f.reason.data, f.changes.data) for code, f in translations.items()},
                )
            except RuleError as e:
                if e.status == 403:
                    abort(403)
                show_on_form(form, e, "outcome")
                if e.status == 409:
                    flash(str(e.message), "error")  # the form may not be on the page any more
                status = e.status
            else:
                flash(_("The decision is saved. Members can see it now."), "success")
                return redirect(url_for("decisions.queue", program_id=program_id))
        else:
            status = 400
    return render_template(
        "decisions/decide.html",
        proposal=p,
        form=form,
        translations=translations,
        # While a secret vote is open its counts and reasons stay closed here too: reloading the
        # page after each ballot would tell who voted what (as on the staff proposal page).
        results=None if p.secret_and_open else votes.results(p.id),
        reasons=[] if p.secret_and_open else votes.reasons(p.id),
        **_priorities_context(p),
        sources=threads.feedback_sources(p),
        notes=[(item.meeting, item.notes) for item in p.agenda_items if item.notes],
        recommendations=[e for e in p.events if e.to_status == "in_review" and e.note],
        decision=services.current_decision(p.id),
        history=[e for e in p.events],
        labels=OUTCOME_LABELS,
        choice_labels=CHOICE_LABELS,
        can_decide=services.is_steering(current_user, program_id),
        reopen_form=ReopenForm(formdata=None),
    ), status


def _priorities_context(p: Proposal) -> dict:
    """For the group's priorities: the poll and its ranking, shown instead of vote counts."""
    poll = priorities.poll_of_proposal(p)
    return {"poll": poll, "ranking": priorities.ranking(poll) if poll is not None else None}


@bp.route("/<int:proposal_id>/reopen", methods=["POST"])
@program_role_required(Role.STEERING)
def reopen(program_id: int, proposal_id: int):
    p = get_or_404(Proposal, proposal_id, program_id)
    form = ReopenForm()
    try:
        if not form.validate_on_submit():
            raise RuleError(_("The note is too long."), status=400)
        services.reopen(current_user, p, form.note.data)
    except RuleError as e:
        flash(str(e.message), "error")
        return redirect(url_for("decisions.decide", program_id=program_id, proposal_id=p.id)), 303
    flash(_("The proposal is open for a new decision. The old decision stays on record."), "success")
    return redirect(url_for("decisions.decide", program_id=program_id, proposal_id=p.id))
