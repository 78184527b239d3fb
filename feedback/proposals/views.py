"""Staff pages: write proposals, translate them, open and close voting."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError
from feedback.common.i18n import languages
from feedback.common.icons import ICONS
from feedback.common.ids import parse_id
from feedback.decisions.labels import OUTCOME_LABELS
from feedback.decisions.services import current_decision
from feedback.extensions import db
from feedback.members.services import get_member, program_members
from feedback.priorities import services as priorities
from feedback.proposals import services
from feedback.proposals.forms import HandVoteForm, ProposalForm, TranslationForm
from feedback.proposals.models import Proposal
from feedback.threads import services as threads
from feedback.topics.models import Topic
from feedback.votes import by_hand
from feedback.votes import services as votes
from feedback.votes.labels import CHOICE_LABELS
from feedback.votes.models import CHOICES

bp = Blueprint("proposals", __name__, url_prefix="/staff/<int:program_id>/proposals")


def _form(program_id: int, obj=None) -> ProposalForm:
    form = ProposalForm(obj=obj)
    form.icon.choices = [(k, str(label)) for k, (label, _path) in ICONS.items()]
    topics = db.session.scalars(
        db.select(Topic).where(Topic.program_id == program_id, Topic.archived.is_(False)).order_by(Topic.position)
    )
    form.topic_id.choices = [(0, _("No topic"))] + [(t.id, t.name) for t in topics]
    if obj is not None and request.method == "GET":
        form.topic_id.data = obj.topic_id or 0
    return form


def _fields(form: ProposalForm) -> dict:
    return {
        "title": form.title.data,
        "summary": form.summary.data,
        "body": form.body.data,
        "icon": form.icon.data,
        "topic_id": form.topic_id.data or None,
        "anonymous": form.anonymous.data,
        "results_live": form.results_live.data,
    }


@bp.route("/")
@staff_required
def index(program_id: int):
    return render_template("proposals/index.html", proposals=services.program_proposals(program_id))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new(program_id: int):
    form = _form(program_id)
    if form.validate_on_submit():
        try:
            p = services.create_proposal(program_id, current_user.id, **_fields(form))
        except RuleError as e:
            form.icon.errors = [*form.icon.errors, e.message]
        else:
            flash(_("The proposal is saved as a draft."), "success")
            return redirect(url_for("proposals.show", program_id=program_id, proposal_id=p.id))
    return render_template("proposals/form.html", form=form, proposal=None), 400 if form.errors else 200


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(program_id: int, proposal_id: int):
    p = get_or_404(Proposal, proposal_id, program_id)
    form = _form(program_id, p)
    if form.validate_on_submit():
        try:
            services.update_proposal(p, **_fields(form))
        except RuleError as e:
            form.anonymous.errors = [*form.anonymous.errors, e.message]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("proposals.show", program_id=program_id, proposal_id=p.id))
    return render_template("proposals/form.html", form=form, proposal=p), 400 if form.errors else 200


def _translation_forms(p: Proposal) -> dict[str, TranslationForm]:
    forms = {}
    for code, _native in languages():
        if code == p.source_language:
            continue
        existing = next((t for t in p.translations if t.language == code), None)
        forms[code] = TranslationForm(obj=existing, prefix=code)
    return forms


@bp.route("/<int:proposal_id>")
@staff_required
def show(program_id: int, proposal_id: int):
    p = get_or_404(Proposal, proposal_id, program_id)
    return render_template(
        "proposals/show.html",
        proposal=p,
        translation_forms=_translation_forms(p),
        results=None if p.secret_and_open else votes.results(p.id),
        reasons=[] if p.secret_and_open else votes.reasons(p.id),
        channels=by_hand.by_channel(p.id),
        hands=by_hand.hand_counts(p.id),
        members=program_members(program_id) if p.status == "voting" else [],
        voters=votes.voters_count(p),
        labels=CHOICE_LABELS,
        sources=threads.feedback_sources(p),
        thread_count=threads.thread_counts("proposal", [p.id]).get(p.id, 0),
        decision=current_decision(p.id),
        outcome_labels=OUTCOME_LABELS,
        poll=priorities.poll_of_proposal(p),  # the group's priorities: the poll it came from
    )


@bp.route("/<int:proposal_id>/translations/<lang_code>", methods=["POST"])
@staff_required
def translation(program_id: int, proposal_id: int, lang_code: str):
    p = get_or_404(Proposal, proposal_id, program_id)
    if lang_code not in dict(languages()) or lang_code == p.source_language:
        abort(404)
    form = TranslationForm(prefix=lang_code)
    if form.validate_on_submit():
        try:
            services.set_translation(p, lang_code, form.title.data or "", form.summary.data or "", form.body.data)
        except RuleError as e:
            flash(e.message, "error")
        else:
            flash(_("The translation is saved."), "success")
    else:
        flash(_("The translation is too long."), "error")
    return redirect(url_for("proposals.show", program_id=program_id, proposal_id=p.id) + f"#tr-{lang_code}")


@bp.route("/<int:proposal_id>/open", methods=["POST"])
@staff_required
def open_voting(program_id: int, proposal_id: int):
    p = get_or_404(Proposal, proposal_id, program_id)
    services.open_voting(p, current_user.id)
    flash(_("Voting is open."), "success")
    return redirect(url_for("proposals.show", program_id=program_id, proposal_id=p.id))


@bp.route("/<int:proposal_id>/remind", methods=["POST"])
@staff_required
def remind(program_id: int, proposal_id: int):
    p = get_or_404(Proposal, proposal_id, program_id)
    if services.remind_non_voters(p):
        flash(_("A reminder goes to the members who have not voted yet. Who has voted is not shown."), "success")
    else:
        flash(_("No new reminder: it was sent for this vote already, or no member can get messages."), "info")
    return redirect(url_for("proposals.show", program_id=program_id, proposal_id=p.id))


@bp.route("/<int:proposal_id>/close", methods=["POST"])
@staff_required
def close_voting(program_id: int, proposal_id: int):
    p = get_or_404(Proposal, proposal_id, program_id)
    services.close_voting(p, current_user.id)
    flash(_("Voting is closed."), "success")
    return redirect(url_for("proposals.show", program_id=program_id, proposal_id=p.id))


@bp.route("/<int:proposal_id>/by-hand/member", methods=["POST"])
@staff_required
def hand_vote(program_id: int, proposal_id: int):
    """A member present who voted by hand or on paper."""
    p = get_or_404(Proposal, proposal_id, program_id)
    form = HandVoteForm()
    member_id = parse_id(form.member_id.data)
    member = get_member(program_id, member_id) if member_id is not None else None
    if member is None:
        raise RuleError(_("Choose a member of this group."), status=400)
    by_hand.record_for_member(p, member, form.choice.data or "")
    flash(_("The vote of %(name)s is recorded.", name=member.name), "success")
    return redirect(url_for("proposals.show", program_id=program_id, proposal_id=p.id) + "#by-hand")


@bp.route("/<int:proposal_id>/by-hand/counts", methods=["POST"])
@staff_required
def hand_counts(program_id: int, proposal_id: int):
    """A show of hands: counts per answer."""
    p = get_or_404(Proposal, proposal_id, program_id)
    try:
        counts = {c: int(request.form.get(f"count-{c}", "0") or 0) for c in CHOICES}
    except ValueError:
        raise RuleError(_("Give a count from 0 for each answer, at most %(n)s in all.", n=by_hand.HANDS_MAX)) from None
    by_hand.set_hand_counts(p, counts)
    flash(_("The show of hands is recorded."), "success")
    return redirect(url_for("proposals.show", program_id=program_id, proposal_id=p.id) + "#by-hand")
