"""The photo of a proposal: staff add, replace and remove it; people of the program see it.
The rendition route serves the photos of priority poll options too (to those who see the poll)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, make_response, redirect, request, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError
from feedback.common.request_guards import accepts_upload
from feedback.proposals import photos
from feedback.proposals.models import Proposal
from feedback.proposals.photo_models import ProposalPhoto

bp = Blueprint("photos", __name__)

# A year: the address changes with the photo (its version), so a copy is never stale.
CACHE = "private, max-age=31536000, immutable"


@bp.app_template_global("photo_alt_languages")
def photo_alt_languages(owner: photos.Owner) -> list[str]:
    return photos.required_languages(owner)


def _back(program_id: int, proposal_id: int) -> Response:
    return redirect(url_for("proposals.show", program_id=program_id, proposal_id=proposal_id) + "#photo")


def _uploaded() -> bytes | None:
    storage = request.files.get("photo")
    if storage is None:
        return None
    return storage.read() or None


def photo_input(owner: photos.Owner) -> tuple[bytes | None, str, dict[str, str]]:
    """The posted photo form: the file (or None), the Swedish alt text and the others by language."""
    alt_sv = request.form.get("alt_text", "")
    alts = {lang: request.form.get(f"alt_{lang}", "") for lang in photos.required_languages(owner)}
    return _uploaded(), alt_sv, alts


def keep_typed(error: RuleError, alt_sv: str, alts: dict[str, str], key: str = "") -> None:
    """The message at the photo, and what she typed kept for the page shown again. `key` says
    which photo form of the page it was (an option's, on the poll page)."""
    flash(error.message, "error")
    g.photo_form = {"key": key, "alt_text": alt_sv, **{f"alt_{k}": v for k, v in alts.items()}}


@bp.route("/staff/<int:program_id>/proposals/<int:proposal_id>/photo", methods=["POST"])
@accepts_upload(photos.MAX_BYTES + 64 * 1024)
@staff_required
def save(program_id: int, proposal_id: int):
    """Add or replace the photo, or change its alt texts (without a new file)."""
    p = get_or_404(Proposal, proposal_id, program_id)
    data, alt_sv, alts = photo_input(p)
    try:
        photos.save_photo(p, data, alt_sv, alts, current_user.id)
    except RuleError as e:
        from feedback.proposals import views as proposal_pages

        # The staff page again, with the message at the photo and what she typed kept.
        keep_typed(e, alt_sv, alts)
        resp = make_response(proposal_pages.show(program_id=program_id, proposal_id=proposal_id))
        resp.status_code = e.status
        return resp
    flash(_("The photo is saved."), "success")
    return _back(program_id, p.id)


@bp.route("/staff/<int:program_id>/proposals/<int:proposal_id>/photo/remove", methods=["POST"])
@staff_required
def remove(program_id: int, proposal_id: int):
    p = get_or_404(Proposal, proposal_id, program_id)
    if photos.remove_photo(p):
        flash(_("The photo is removed."), "success")
    return _back(program_id, p.id)


@bp.route("/photos/<int:photo_id>/<version>/<int:width>.webp")
@login_required
def rendition(photo_id: int, version: str, width: int):
    """One rendition, for people who may see the proposal or the poll of the option; 404 for
    anyone else (the member pages' rules: drafts are staff's, other programs do not exist)."""
    from feedback.portal.views import _visible_proposal
    from feedback.priorities.member_views import visible_poll

    photo = get_or_404(ProposalPhoto, photo_id)
    if photo.version != version:
        abort(404)
    if photo.proposal_id is not None:
        _visible_proposal(photo.proposal_id)
    else:
        visible_poll(photo.option.poll_id)
    found = photos.rendition(photo, width)
    if found is None:
        abort(404)
    resp = Response(found.data, mimetype="image/webp")
    resp.headers["Cache-Control"] = CACHE
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
