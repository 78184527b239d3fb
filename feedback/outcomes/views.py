"""'What happened with our ideas' for members, and the program's public page and feed."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.wrappers import Response
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.changes import services as changes
from feedback.changes.labels import HELPED_LABELS, ORIGIN_LABELS, STATUS_LABELS
from feedback.changes.member_forms import FollowUpForm
from feedback.common.access import staff_required
from feedback.dashboards.metrics import group_impact
from feedback.decisions.labels import OUTCOME_LABELS
from feedback.extensions import db
from feedback.notifications import services as notifications
from feedback.notifications.models import Kind
from feedback.outcomes import services
from feedback.outcomes.forms import PublicPageForm
from feedback.programs.models import Program, Role
from feedback.recordings.services import playbacks

bp = Blueprint("outcomes", __name__)


def _labels() -> dict:
    return {"outcome_labels": OUTCOME_LABELS, "status_labels": STATUS_LABELS, "origin_labels": ORIGIN_LABELS,
            "helped_labels": HELPED_LABELS}


@bp.route("/me/ideas")
@login_required
def ideas():
    program_ids = current_user.program_ids(Role.MEMBER)
    if not program_ids:
        abort(404)
    notifications.mark_read(current_user, kinds=(Kind.DECISION, Kind.CHANGE))
    items = services.timeline(program_ids, current_user)
    change_ids = [i.change.id for i in items if i.change]
    lang = str(get_locale())
    return render_template(
        "outcomes/ideas.html",
        items=items,
        lang=lang,
        # Recordings need a login: only her own timeline offers them, not the public page.
        listen={"decision": playbacks("decision", [i.decision.id for i in items if i.decision], lang),
                "change": playbacks("change", change_ids, lang)},
        answered=changes.my_follow_up(current_user, change_ids),
        open_follow_up={i.change.id for i in items if i.change and changes.follow_up_open(i.change)},
        follow_up_form=FollowUpForm(formdata=None),
        impact=group_impact(program_ids),
        **_labels(),
    )


def _public_program(slug: str) -> Program:
    program = db.session.scalar(db.select(Program).where(Program.slug == slug))
    if program is None or not program.public_page:
        abort(404)
    return program


@bp.route("/public/<slug>")
def public(slug: str):
    program = _public_program(slug)
    items = services.timeline([program.id])
    from_group, total = changes.share_from_group(program.id)
    return render_template("outcomes/public.html", program=program, items=items, from_group=from_group,
                           total=total, lang=str(get_locale()), **_labels())


@bp.route("/public/<slug>/feed.atom")
def feed(slug: str):
    """An Atom feed of the public page: no personal data, a stable id for every entry."""
    program = _public_program(slug)
    items = services.timeline([program.id])
    ns = "http://www.w3.org/2005/Atom"
    root = ET.Element("feed", xmlns=ns)
    page_url = url_for("outcomes.public", slug=slug, _external=True)
    ET.SubElement(root, "title").text = _("%(program)s: what the expert group changed", program=program.name)
    ET.SubElement(root, "id").text = page_url
    ET.SubElement(root, "link", href=page_url)
    ET.SubElement(root, "link", rel="self", href=url_for("outcomes.feed", slug=slug, _external=True))
    updated = max((i.on for i in items), default=program.created_at.date())
    ET.SubElement(root, "updated").text = f"{updated.isoformat()}T00:00:00Z"
    for item in items[:50]:
        entry = ET.SubElement(root, "entry")
        if item.decision:
            d = item.decision
            ET.SubElement(entry, "id").text = f"{page_url}#decision-{d.id}"
            ET.SubElement(entry, "title").text = f"{OUTCOME_LABELS[d.outcome]}: {d.proposal.title}"
            ET.SubElement(entry, "summary").text = d.reason
            anchor = f"decision-{d.id}"
        else:
            c = item.change
            ET.SubElement(entry, "id").text = f"{page_url}#change-{c.id}"
            ET.SubElement(entry, "title").text = c.title
            ET.SubElement(entry, "summary").text = c.description
            anchor = f"change-{c.id}"
        ET.SubElement(entry, "updated").text = f"{item.on.isoformat()}T00:00:00Z"
        ET.SubElement(entry, "link", href=f"{page_url}#{anchor}")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


@bp.route("/staff/<int:program_id>/public", methods=["POST"])
@staff_required
def toggle_public(program_id: int):
    program = db.session.get(Program, program_id)
    program.public_page = PublicPageForm().public.data == "1"
    flash(_("The public page is on.") if program.public_page else _("The public page is off."), "success")
    return redirect(url_for("changes.index", program_id=program_id))
