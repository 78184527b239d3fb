"""Staff pages of priority polls: make one, add options and translations, open and close it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError, show_on_form
from feedback.common.i18n import translation_forms, translation_languages
from feedback.common.request_guards import accepts_upload
from feedback.priorities import services
from feedback.priorities.forms import OptionForm, PollForm, PollSettingsForm, PollTranslationForm
from feedback.priorities.labels import POLL_STATUS_LABELS
from feedback.priorities.models import PollStatus, PriorityPoll
from feedback.priorities.photos import remove_option_photo, save_option_photo
from feedback.proposals.photo_views import keep_typed, photo_input
from feedback.proposals.photos import MAX_BYTES as PHOTO_MAX_BYTES

bp = Blueprint("priorities", __name__, url_prefix="/staff/<int:program_id>/priorities")


def _poll(program_id: int, poll_id: int) -> PriorityPoll:
    get_or_404(PriorityPoll, poll_id, program_id)
    return services.poll_with_texts(poll_id)


def _show(poll: PriorityPoll, option_form: OptionForm | None = None, status: int = 200):
    return render_template(
        "priorities/staff_show.html",
        poll=poll,
        option_form=option_form or OptionForm(proposals=services.option_proposals(poll.program_id), formdata=None),
        poll_translations=translation_forms(PollTranslationForm, poll.translations, prefix="poll-{}"),
        option_translations={o.id: translation_forms(PollTranslationForm, o.translations, prefix=f"o{o.id}-{{}}")
                             for o in poll.options if o.proposal_id is None},
        status_labels=POLL_STATUS_LABELS,
        meetings=services.coming_meetings(poll.program_id) if poll.status != "closed" else [],
        ranking=None if poll.secret_and_open else services.ranking(poll),
        voters=services.voters_count(poll),
    ), status


@bp.route("/")
@staff_required
def index(program_id: int):
    return render_template("priorities/staff_index.html", polls=services.program_polls(program_id),
                           status_labels=POLL_STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new(program_id: int):
    form = PollForm()
    form.proposal_ids.choices = [SelectChoice(p.id, p.title) for p in services.option_proposals(program_id)]
    if form.validate_on_submit():
        try:
            poll = services.create_poll(
                program_id, current_user.id, title=form.title.data, summary=form.summary.data or "",
                dots_per_member=form.dots_per_member.data, max_per_option=form.max_per_option.data,
                anonymous=form.anonymous.data, results_live=form.results_live.data,
                proposal_ids=tuple(form.proposal_ids.data or ()))
        except RuleError as e:
            show_on_form(form, e, "title")
        else:
            flash(_("The priority poll is saved as a draft. Add its options."), "success")
            return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id))
    return render_template("priorities/staff_form.html", form=form), 400 if form.errors else 200


@bp.route("/<int:poll_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(program_id: int, poll_id: int):
    poll = _poll(program_id, poll_id)
    if poll.status != PollStatus.DRAFT:
        flash(_("The poll cannot change after voting has started."), "error")
        return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id))
    form = PollSettingsForm(obj=poll)
    if form.validate_on_submit():
        try:
            services.update_poll(poll, title=form.title.data, summary=form.summary.data or "",
                                 dots_per_member=form.dots_per_member.data, max_per_option=form.max_per_option.data,
                                 anonymous=form.anonymous.data, results_live=form.results_live.data)
        except RuleError as e:
            show_on_form(form, e, "title")
        else:
            flash(_("The poll is saved."), "success")
            return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id))
    return render_template("priorities/staff_form.html", form=form, poll=poll), 400 if form.errors else 200


@bp.route("/<int:poll_id>")
@staff_required
def show(program_id: int, poll_id: int):
    return _show(_poll(program_id, poll_id))


@bp.route("/<int:poll_id>/options", methods=["POST"])
@staff_required
def add_option(program_id: int, poll_id: int):
    poll = _poll(program_id, poll_id)
    form = OptionForm(proposals=services.option_proposals(program_id))
    if not form.validate_on_submit():
        return _show(poll, form, 400)
    try:
        services.add_option(poll, proposal_id=form.proposal_id.data or None, icon=form.icon.data or "",
                            title=form.title.data or "", summary=form.summary.data or "")
    except RuleError as e:
        show_on_form(form, e, "title")
        return _show(poll, form, e.status)
    flash(_("The option is added."), "success")
    return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id) + "#options")


@bp.route("/<int:poll_id>/options/<int:option_id>/delete", methods=["POST"])
@staff_required
def remove_option(program_id: int, poll_id: int, option_id: int):
    poll = _poll(program_id, poll_id)
    services.remove_option(poll, services.option_of(poll, option_id))
    flash(_("The option is removed."), "success")
    return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id) + "#options")


def _option_back(program_id: int, poll: PriorityPoll, option_id: int):
    return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id) + f"#option-{option_id}")


@bp.route("/<int:poll_id>/options/<int:option_id>/photo", methods=["POST"])
@accepts_upload(PHOTO_MAX_BYTES + 64 * 1024)
@staff_required
def option_photo(program_id: int, poll_id: int, option_id: int):
    """Add or replace the photo of an option of its own, or change its alt texts (without a new file)."""
    poll = _poll(program_id, poll_id)
    option = services.option_of(poll, option_id)
    data, alt_sv, alts = photo_input(option)
    try:
        save_option_photo(poll, option, data, alt_sv, alts, current_user.id)
    except RuleError as e:
        keep_typed(e, alt_sv, alts, key=f"option-{option.id}-photo")
        return _show(poll, status=e.status)
    flash(_("The photo is saved."), "success")
    return _option_back(program_id, poll, option.id)


@bp.route("/<int:poll_id>/options/<int:option_id>/photo/remove", methods=["POST"])
@staff_required
def remove_photo(program_id: int, poll_id: int, option_id: int):
    poll = _poll(program_id, poll_id)
    option = services.option_of(poll, option_id)
    if remove_option_photo(poll, option):
        flash(_("The photo is removed."), "success")
    return _option_back(program_id, poll, option.id)


def _save_translation(owner, lang_code: str, prefix: str) -> None:
    if lang_code not in translation_languages():
        abort(404)
    form = PollTranslationForm(prefix=prefix)
    if not form.validate_on_submit():
        flash(_("The translation is too long."), "error")
        return
    services.set_translation(owner, lang_code, form.title.data or "", form.summary.data or "")
    flash(_("The translation is saved."), "success")


@bp.route("/<int:poll_id>/translations/<lang_code>", methods=["POST"])
@staff_required
def translation(program_id: int, poll_id: int, lang_code: str):
    poll = _poll(program_id, poll_id)
    _save_translation(poll, lang_code, f"poll-{lang_code}")
    return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id) + f"#tr-{lang_code}")


@bp.route("/<int:poll_id>/options/<int:option_id>/translations/<lang_code>", methods=["POST"])
@staff_required
def option_translation(program_id: int, poll_id: int, option_id: int, lang_code: str):
    poll = _poll(program_id, poll_id)
    option = services.option_of(poll, option_id)
    _save_translation(option, lang_code, f"o{option.id}-{lang_code}")
    return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id) + f"#option-{option.id}")


@bp.route("/<int:poll_id>/agenda", methods=["POST"])
@staff_required
def agenda(program_id: int, poll_id: int):
    """Put the poll on a coming meeting's agenda: the live meeting then runs it."""
    poll = _poll(program_id, poll_id)
    item = services.add_to_agenda(poll, request.form.get("meeting_id"))
    flash(_("Added to the agenda."), "success")
    return redirect(url_for("meetings.show", program_id=program_id, meeting_id=item.meeting_id) + "#agenda")


@bp.route("/<int:poll_id>/open", methods=["POST"])
@staff_required
def open_poll(program_id: int, poll_id: int):
    poll = _poll(program_id, poll_id)
    services.open_poll(poll, current_user.id)
    flash(_("Voting is open."), "success")
    return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id))


@bp.route("/<int:poll_id>/close", methods=["POST"])
@staff_required
def close_poll(program_id: int, poll_id: int):
    poll = _poll(program_id, poll_id)
    services.close_poll(poll, current_user.id)
    flash(_("Voting is closed. The result waits for the steering group."), "success")
    return redirect(url_for("priorities.show", program_id=program_id, poll_id=poll.id))
