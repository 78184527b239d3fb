"""Staff record program changes; members answer "Did this change help?"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.changes import services
from feedback.changes.forms import ChangeForm, ChangeTranslationForm
from feedback.changes.labels import HELPED_LABELS, ORIGIN_LABELS, STATUS_LABELS
from feedback.changes.member_forms import FollowUpForm
from feedback.changes.models import ProgramChange
from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError, show_on_form
from feedback.common.i18n import translation_forms
from feedback.programs.models import Role
from feedback.topics.services import program_topics

bp = Blueprint("changes", __name__)


def _form(program_id: int, change: ProgramChange | None = None) -> ChangeForm:
    form = ChangeForm(obj=change)
    links = services.linkable(program_id)
    form.topic_id.choices = [(0, _("No topic"))] + [(t.id, t.name) for t in program_topics(program_id)]
    form.decision_ids.choices = [(d.id, d.proposal.title) for d in links["decisions"]]
    form.proposal_ids.choices = [(p.id, p.title) for p in links["proposals"]]
    form.post_ids.choices = [(p.id, (p.body or p.transcript or _("Voice message"))[:90]) for p in links["posts"]]
    if change is not None:
        known = {c for c, _label in form.post_ids.choices}
        form.post_ids.choices += [(p.id, (p.body or "")[:90]) for p in change.posts if p.id not in known]
    if request.method == "GET":
        if change is not None:
            form.topic_id.data = change.topic_id or 0
            form.decision_ids.data = [d.id for d in change.decisions]
            form.proposal_ids.data = [p.id for p in change.proposals]
            form.post_ids.data = [p.id for p in change.posts]
        else:
            form.changed_on.data = services.today()
    return form


def _translation_forms(change: ProgramChange | None) -> dict[str, ChangeTranslationForm]:
    return translation_forms(ChangeTranslationForm, change.translations if change else [], "t-{}")


def _fields(form: ChangeForm, translations: dict[str, ChangeTranslationForm]) -> services.ChangeFields:
    return services.ChangeFields(
        title=form.title.data or "",
        description=form.description.data or "",
        changed_on=form.changed_on.data,
        status=form.status.data,
        progress=form.progress.data,
        origin=form.origin.data,
        topic_id=form.topic_id.data or None,
        review_on=form.review_on.data,
        decision_ids=tuple(form.decision_ids.data or ()),
        proposal_ids=tuple(form.proposal_ids.data or ()),
        post_ids=tuple(form.post_ids.data or ()),
        translations={code: (t.title.data or "", t.description.data or "") for code, t in translations.items()},
    )


@bp.route("/staff/<int:program_id>/changes/")
@staff_required
def index(program_id: int):
    changes = services.program_changes(program_id)
    return render_template(
        "changes/index.html",
        changes=changes,
        answers=services.follow_up_results([c.id for c in changes]),
        share=services.share_from_group(program_id),
        status_labels=STATUS_LABELS,
        origin_labels=ORIGIN_LABELS,
        helped_labels=HELPED_LABELS,
    )


def _save(program_id: int, change: ProgramChange | None):
    form = _form(program_id, change)
    translations = _translation_forms(change)
    status = 200
    if request.method == "POST":
        # Choices the form does not know (another program's records) are checked by the service:
        # it says so clearly instead of WTForms' "Not a valid choice".
        for name in ("decision_ids", "proposal_ids", "post_ids"):
            getattr(form, name).pre_validate = lambda _form: None
        if form.validate_on_submit() and all(t.validate() for t in translations.values()):
            try:
                if change is None:
                    services.create_change(current_user, program_id, _fields(form, translations))
                else:
                    services.update_change(current_user, change, _fields(form, translations))
            except RuleError as e:
                show_on_form(form, e, "title")
                status = e.status
            else:
                flash(_("The change is saved."), "success")
                return redirect(url_for("changes.index", program_id=program_id))
        else:
            status = 400
    return render_template("changes/form.html", form=form, change=change, translations=translations), status


@bp.route("/staff/<int:program_id>/changes/new", methods=["GET", "POST"])
@staff_required
def new(program_id: int):
    return _save(program_id, None)


@bp.route("/staff/<int:program_id>/changes/<int:change_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(program_id: int, change_id: int):
    return _save(program_id, get_or_404(ProgramChange, change_id, program_id))


@bp.route("/changes/<int:change_id>/follow-up", methods=["POST"])
@login_required
def follow_up(change_id: int):
    change = get_or_404(ProgramChange, change_id)
    if change.program_id not in current_user.program_ids(Role.MEMBER):
        abort(404)
    form = FollowUpForm()
    try:
        if not form.validate_on_submit():
            raise RuleError(_("Choose one of the answers."))
        services.answer_follow_up(current_user, change, form.answer.data or "", form.reason.data)
    except RuleError as e:
        flash(str(e.message), "error")
        return redirect(url_for("outcomes.ideas") + f"#change-{change.id}"), 303
    flash(_("Thank you for your answer!"), "success")
    return redirect(url_for("outcomes.ideas") + f"#change-{change.id}")
