"""Staff pages: the members of the expert group, their links and QR cards."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.auth.services import (
    active_member_link,
    issue_member_link,
    revoke_member_links,
)
from feedback.auth.sessions import active as active_sessions
from feedback.common.access import staff_required
from feedback.common.errors import RuleError, show_on_form
from feedback.common.i18n import languages
from feedback.common.phones import e164
from feedback.members import lost_card, services
from feedback.members.cards import login_url, qr_data_uri
from feedback.members.forms import MemberForm
from feedback.outbox import choice

bp = Blueprint("members", __name__, url_prefix="/staff/<int:program_id>/members")


def _member_or_404(program_id: int, user_id: int):
    user = services.get_member(program_id, user_id)
    if user is None:
        abort(404)
    return user


def _form(obj=None) -> MemberForm:
    form = MemberForm(obj=obj)
    form.preferred_language.choices = languages()
    return form


def _card(user) -> dict:
    url = login_url(issue_member_link(user, current_user))
    return {"user": user, "url": url, "qr": qr_data_uri(url)}


def _current_member_or_404(program_id: int, user_id: int):
    """Links and cards are for members of the group now, not for one who left, and only for
    accounts that log in with a link alone."""
    return services.managed_member(program_id, user_id, current=True)


@bp.route("/")
@staff_required
def index(program_id: int):
    members = services.program_members(program_id)
    links = {m.id: active_member_link(m) for m in members}
    return render_template("members/index.html", members=members, links=links,
                           office=services.office_user_ids(members), leavers=services.left_members(program_id))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new(program_id: int):
    form = _form()
    if form.validate_on_submit():
        try:
            user = services.add_member(
                program_id, form.name.data, form.preferred_language.data, form.phone.data, form.email.data
            )
            choice.set_channel(user, form.message_channel.data or None, by_staff=True)
        except RuleError as e:
            show_on_form(form, e, "email")
        else:
            flash(_("%(name)s is added. Here is her personal link and card.", name=user.name), "success")
            # Shown straight away: the link exists only in this response, never in the database.
            return render_template("members/cards.html", cards=[_card(user)])
    return render_template("members/form.html", form=form, member=None), 400 if form.errors else 200


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(program_id: int, user_id: int):
    # Staff still open the page of a woman who left (her data, its deletion date, "she came
    # back"), but change her details only while she is in the group.
    user = services.managed_member(program_id, user_id, current=request.method == "POST")
    form = _form(user)
    if form.validate_on_submit():
        try:
            services.update_member(user, form.name.data, form.preferred_language.data, form.phone.data, form.email.data)
            choice.set_channel(user, form.message_channel.data or None, by_staff=True)
        except RuleError as e:
            show_on_form(form, e, "email")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("members.index", program_id=program_id))
    left = services.membership(program_id, user).left_at
    return render_template("members/form.html", form=form, member=user, sessions=active_sessions(user),
                           left_at=left, can_text=e164(user.phone) is not None, erase_on=services.erase_on(user, left, g.program) if left else None), \
        400 if form.errors else 200


@bp.route("/<int:user_id>/leave", methods=["POST"])
@staff_required
def leave(program_id: int, user_id: int):
    user = _member_or_404(program_id, user_id)
    try:
        stopped = services.leave(program_id, user)
    except RuleError as e:
        flash(e.message, "error")
    else:
        flash(_("%(name)s has left the group. Her link is stopped.", name=user.name) if stopped
              else _("%(name)s has left the group. She is still in another group.", name=user.name), "success")
    return redirect(url_for("members.edit", program_id=program_id, user_id=user_id))


@bp.route("/<int:user_id>/come-back", methods=["POST"])
@staff_required
def come_back(program_id: int, user_id: int):
    user = _member_or_404(program_id, user_id)
    try:
        services.come_back(program_id, user)
    except RuleError as e:
        flash(e.message, "error")
    else:
        flash(_("%(name)s is a member again. Give her a new link or card.", name=user.name), "success")
    return redirect(url_for("members.edit", program_id=program_id, user_id=user_id))


@bp.route("/<int:user_id>/card", methods=["POST"])
@staff_required
def card(program_id: int, user_id: int):
    """Make a new link and card. The old card stops working."""
    user = _current_member_or_404(program_id, user_id)
    return render_template("members/cards.html", cards=[_card(user)])


@bp.route("/<int:user_id>/send-link", methods=["POST"])
@staff_required
def send_link(program_id: int, user_id: int):
    """Her link by SMS: a new card that the outbox mints when it sends it. The old card stops then."""
    user = _current_member_or_404(program_id, user_id)
    try:
        lost_card.send_by_staff(program_id, user, current_user)
    except RuleError as e:
        flash(e.message, "error")
    else:
        flash(_("A new link is on its way to %(name)s by SMS. Her old link stops when it is sent.", name=user.name),
              "success")
    return redirect(url_for("members.edit", program_id=program_id, user_id=user_id) + "#link-by-sms")


@bp.route("/cards", methods=["POST"])
@staff_required
def all_cards(program_id: int):
    members = services.program_members(program_id)
    office = services.office_user_ids(members)
    return render_template("members/cards.html", cards=[_card(m) for m in members if m.active and m.id not in office])


@bp.route("/<int:user_id>/revoke", methods=["POST"])
@staff_required
def revoke(program_id: int, user_id: int):
    user = _current_member_or_404(program_id, user_id)
    revoke_member_links(user)
    flash(_("The link of %(name)s is stopped. She is logged out on every phone.", name=user.name), "success")
    return redirect(url_for("members.index", program_id=program_id))
