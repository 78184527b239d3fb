"""Fetch-or-404 and role checks, reused by every view."""

from __future__ import annotations

from functools import cache, wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user, login_required

from feedback.common.ids import parse_id
from feedback.extensions import db
from feedback.programs.models import Program, Role

T = TypeVar("T")


@cache
def _by_id(model: type) -> sa.Select:
    # A select built once runs from SQLAlchemy's compiled cache; Session.get builds its query
    # anew each time, which cost 7% of a vote request (bench/vote_load).
    (key,) = sa.inspect(model).primary_key  # every model get_or_404 serves has a one-column key
    return sa.select(model).where(key == sa.bindparam("ident"))


@cache
def _by_id_shared(model: type) -> sa.Select:
    return _by_id(model).with_for_update(read=True)


def get_or_404(model: type[T], ident: Any, program_id: int | None = None, *, shared: bool = False) -> T:
    """The record, or 404 when it is unknown or belongs to another program. With shared, read
    under a shared lock (FOR SHARE on PostgreSQL; SQLite has one writer anyway) held until the
    request commits: what the request decides from it (a vote still open) stays true until its
    write is in, while requests that only read it, or share it, go on at once."""
    ident = parse_id(ident)
    if ident is None:
        abort(404)
    obj = db.session.execute((_by_id_shared if shared else _by_id)(model), {"ident": ident}).scalar_one_or_none()
    if obj is None or (program_id is not None and getattr(obj, "program_id", None) != program_id):
        abort(404)
    return obj


def program_role_required(*roles: str):
    """For views under /<int:program_id>/: 404 for an unknown program, 403 without the role.
    Puts the program in g.program."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, program_id: int, **kwargs):
            program = get_or_404(Program, program_id)
            if not current_user.has_role(program.id, *roles):
                abort(403)
            g.program = program
            return view(*args, program_id=program_id, **kwargs)

        return wrapped

    return decorator


staff_required = program_role_required(Role.STAFF)


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
