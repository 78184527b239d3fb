"""Her certificate as a PDF: she downloads her own from her home page; staff print it for her."""

from __future__ import annotations

from babel.dates import format_date
from flask import Blueprint, abort, current_app, render_template, request
from flask.wrappers import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.certificate import pdf, services
from feedback.certificate.messages import UNAVAILABLE
from feedback.common.access import staff_required
from feedback.common.errors import RuleError
from feedback.common.request_guards import per_user
from feedback.extensions import limiter
from feedback.members import services as members
from feedback.programs.models import Role

bp = Blueprint("certificate", __name__)

# A PDF costs the server about a hundred times a page: a loop of downloads must not take the
# workers from everyone else. Counted per person, since staff print a whole group at once.
pdf_limit = limiter.limit(lambda: current_app.config["PDF_RATE_LIMIT"], key_func=per_user)


def _pdf_response(cert: services.Certificate | None) -> Response:
    if cert is None:
        abort(404)
    if not pdf.available():
        raise RuleError(UNAVAILABLE, status=503)
    with force_locale(cert.language):
        title = _("Certificate of participation")
        html = render_template("certificate/certificate.html", c=cert, title=title,
                               day=lambda d: format_date(d, "long", locale=cert.language))
    try:
        body = pdf.render_pdf(html, title=f"{title}: {cert.member_name}", author=cert.program_name,
                              language=cert.language)
    except pdf.Unavailable:
        raise RuleError(UNAVAILABLE, status=503) from None
    # No name in the file name: it shows up in download lists and shared folders.
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="certificate-{cert.issued_on.isoformat()}.pdf"',
        "Cache-Control": "no-store",
    })


@bp.route("/me/certificate.pdf")
@login_required
@pdf_limit
def mine():
    """Her own, for her group (the first, or ?program= one of hers); Swedish, or ?lang=en."""
    programs = current_user.program_ids(Role.MEMBER)
    asked = request.args.get("program", type=int)
    program_id = asked if asked is not None else (programs[0] if programs else None)
    if program_id not in programs:
        abort(404)
    return _pdf_response(services.gather(current_user, program_id, request.args.get("lang")))


@bp.route("/staff/<int:program_id>/members/<int:user_id>/certificate.pdf")
@staff_required
@pdf_limit
def for_member(program_id: int, user_id: int):
    """Staff print it for her (also after she left), signed with their own name."""
    user = members.get_member(program_id, user_id)
    if user is None:
        abort(404)
    return _pdf_response(services.gather(user, program_id, request.args.get("lang"), coordinator=current_user.name))
