"""Admin pages: programs, and staff, steering and admin users with their roles."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from feedback.admin.forms import ProgramForm, UserForm
from feedback.auth.models import User
from feedback.auth.services import create_password_link, create_user, normalise_email
from feedback.auth.sessions import end_all as end_sessions
from feedback.common.access import admin_required, get_or_404
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.members.cards import absolute_url
from feedback.programs import services
from feedback.programs.models import Program

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/programs")
@admin_required
def programs():
    return render_template("admin/programs.html", programs=services.all_programs())


@bp.route("/programs/new", methods=["GET", "POST"])
@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
@admin_required
def program_form(program_id: int | None = None):
    program = get_or_404(Program, program_id) if program_id is not None else None
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        try:
            if program is None:
                program = services.create_program(form.name.data, form.slug.data, form.city.data, form.description.data)
            else:
                services.update_program(program, form.name.data, form.slug.data, form.city.data, form.description.data)
            services.set_retention(program, form.voice_retention_days.data, form.left_retention_days.data)
            services.set_reminder_hours(program, form.reminder_hours.data)
        except RuleError as e:
            field = form.reminder_hours if e.field == "reminder_hours" else form.slug
            field.errors = [*field.errors, e.message]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.programs"))
    return render_template("admin/program_form.html", form=form, program=program), 400 if form.errors else 200


@bp.route("/users")
@admin_required
def users():
    programs = services.all_programs()
    return render_template(
        "admin/users.html", users=services.office_users(), program_names={p.id: p.name for p in programs}
    )


def _wanted_roles(programs: list[Program]) -> dict[int, set[str]]:
    wanted: dict[int, set[str]] = {}
    for p in programs:
        roles = set(request.form.getlist(f"roles-{p.id}"))
        if roles:
            wanted[p.id] = roles
    return wanted


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_form(user_id: int | None = None):
    user = get_or_404(User, user_id) if user_id is not None else None
    programs = services.all_programs()
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            if user is None:
                user = create_user(form.name.data, form.email.data, is_admin=form.is_admin.data)
            else:
                email = normalise_email(form.email.data)
                if email != user.email and db.session.scalar(db.select(User.id).where(User.email == email)):
                    raise RuleError(_("A user with this email already exists."))
                if user.id == current_user.id and not (form.is_admin.data and form.active.data):
                    raise RuleError(_("You cannot take away your own admin rights or login."))
                user.name, user.email, user.is_admin = form.name.data.strip(), email, form.is_admin.data
                if user.active and not form.active.data:
                    user.session_version += 1
                    end_sessions(user)
                user.active = form.active.data
            services.set_office_roles(user, _wanted_roles(programs))
        except RuleError as e:
            form.email.errors = [*form.email.errors, e.message]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    roles = {(m.program_id, m.role) for m in user.memberships} if user else set()
    if request.method == "POST":
        roles = {(pid, r) for pid, rs in _wanted_roles(programs).items() for r in rs}
    return render_template(
        "admin/user_form.html", form=form, user=user, programs=programs, roles=roles
    ), 400 if form.errors else 200


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@admin_required
def password_link(user_id: int):
    user = get_or_404(User, user_id)
    if not user.email:
        flash(_("Members log in with their personal link, not a password."), "error")
        return redirect(url_for("admin.users"))
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    raw = create_password_link(user, current_user, hours)
    url = absolute_url(url_for("auth.set_password", token=raw))
    return render_template("admin/password_link.html", user=user, url=url, hours=hours)
