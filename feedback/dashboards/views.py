"""Dashboards and the printable report, for staff, the steering group and admins."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request
from flask.wrappers import Response
from flask_login import current_user

from feedback.changes import services as changes
from feedback.changes.labels import ORIGIN_LABELS, STATUS_LABELS
from feedback.common.access import program_role_required
from feedback.common.clock import parse_day
from feedback.common.ids import parse_id
from feedback.dashboards import charts, exports, metrics
from feedback.dashboards.scope import PERIODS, Scope, period_bounds
from feedback.extensions import db
from feedback.programs.models import Program, Role
from feedback.topics.models import Topic

bp = Blueprint("dashboards", __name__, url_prefix="/staff/<int:program_id>")
office_required = program_role_required(Role.STAFF, Role.STEERING)
MAX_COMPARED = 6


def _scope(program_id: int) -> Scope:
    """The filters from the query string; programs she may not see are refused, not ignored."""
    ids = [program_id]
    for raw in request.args.getlist("compare")[: MAX_COMPARED * 2]:
        other = parse_id(raw)
        if other is None:
            abort(404)
        if other not in ids and len(ids) < MAX_COMPARED:
            ids.append(other)
    if len(ids) > 1:
        known = set(db.session.scalars(db.select(Program.id).where(Program.id.in_(ids))))
        if known != set(ids):
            abort(404)
        if not all(current_user.has_role(pid, Role.STAFF, Role.STEERING) for pid in ids):
            abort(403)
    today = changes.today()
    period = request.args.get("period", "12m")
    period = period if period in PERIODS else "12m"
    start, end = period_bounds(period, today, parse_day(request.args.get("from")), parse_day(request.args.get("to")))
    if period == "custom" and start is None and end == today and not request.args.get("to"):
        period = "all"
    topic_id = parse_id(request.args.get("topic"))
    return Scope(tuple(ids), start, end, topic_id, period, today, current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _query(scope: Scope) -> dict:
    """The filters as query arguments, for links that keep the view."""
    args: dict = {"period": scope.period}
    if scope.period == "custom":
        args["from"] = scope.start.isoformat() if scope.start else ""
        args["to"] = scope.end.isoformat()
    if scope.topic_id:
        args["topic"] = scope.topic_id
    if scope.comparing:
        args["compare"] = list(scope.program_ids[1:])
    return args


def _choices(scope: Scope) -> dict:
    topics = db.session.execute(
        db.select(Topic.id, Topic.name, Program.name)
        .join(Program, Program.id == Topic.program_id)
        .where(Topic.program_id.in_(scope.program_ids))
        .order_by(Program.name, Topic.position, Topic.name)
    ).all()
    if current_user.is_admin:
        others = db.select(Program.id, Program.name).where(Program.active.is_(True))
    else:
        others = db.select(Program.id, Program.name).where(
            Program.id.in_(current_user.program_ids(Role.STAFF, Role.STEERING, Role.ADMIN))
        )
    programs = db.session.execute(others.order_by(Program.name)).all()
    return {"topics": topics, "programs": [p for p in programs if p.id != scope.program_ids[0]]}


@bp.route("/dashboard")
@office_required
def index(program_id: int):
    scope = _scope(program_id)
    data = charts.Data(scope)
    context = {
        "scope": scope, "query": _query(scope), "sections": charts.sections(data),
        "key_numbers": charts.key_numbers(data), "names": data.names, "period": charts.period_phrase(scope),
    }
    if request.htmx:
        return render_template("dashboards/_charts.html", **context)
    return render_template("dashboards/index.html", periods=PERIODS, **_choices(scope), **context)


@bp.route("/dashboard/<key>.<fmt>")
@office_required
def download(program_id: int, key: str, fmt: str):
    if key not in charts.BUILDERS or fmt not in ("csv", "xlsx"):
        abort(404)
    scope = _scope(program_id)
    chart = charts.BUILDERS[key](charts.Data(scope))
    name = f"{g.program.slug}-{key}-{scope.start or 'start'}-{scope.end}.{fmt}"
    if fmt == "csv":
        body, mime = exports.to_csv(chart), "text/csv; charset=utf-8"
    else:
        body, mime = exports.to_xlsx(chart), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/report")
@office_required
def report(program_id: int):
    scope = _scope(program_id)
    data = charts.Data(scope)
    return render_template(
        "dashboards/report.html", scope=scope, query=_query(scope), sections=charts.sections(data),
        key_numbers=charts.key_numbers(data), names=data.names, period=charts.period_phrase(scope),
        changes=metrics.changes_in_period(scope), status_labels=STATUS_LABELS, origin_labels=ORIGIN_LABELS,
    )
