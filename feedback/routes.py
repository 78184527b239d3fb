"""The two routes that belong to no domain: the start page, which sends each person to hers,
and the load balancer's health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from feedback.extensions import db


def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_admin:
        return redirect(url_for("admin.programs"))
    staff_programs = current_user.program_ids("staff", "admin", "steering")
    if staff_programs:
        return redirect(url_for("staff.overview", program_id=staff_programs[0]))
    return redirect(url_for("portal.home"))


def healthz():
    """For the load balancer: 200 when this server can reach the database, else 503."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


def init_app(app: Flask) -> None:
    app.add_url_rule("/", view_func=index)
    app.add_url_rule("/healthz", view_func=healthz)
