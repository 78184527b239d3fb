"""The expert-group feedback platform: create_app builds the Flask application."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from feedback.common.ids import DB_INT_MAX
from feedback.common.sqltime import local_month
from feedback.common.templating import App
from feedback.config import DEV_SECRET, Config, ProductionConfig

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def _database_url(app: Flask) -> str:
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or ""
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        return "sqlite:///" + os.path.join(app.instance_path, "feedback.db")
    # psycopg 3 is the driver; accept the plain URLs hosting platforms hand out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_app(config: Any = None) -> Flask:
    # templates/ and static/ sit beside the package, at the top of the repository.
    app = App(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    if config is None:
        config = ProductionConfig if os.environ.get("APP_ENV") == "production" else Config
    if isinstance(config, dict):
        app.config.from_object(Config)
        app.config.update(config)
    else:
        app.config.from_object(config)
    if app.config.get("PRODUCTION") and app.config["SECRET_KEY"] in (DEV_SECRET, "", None):
        raise RuntimeError("Set SECRET_KEY in the environment: production refuses the default key.")
    if app.config.get("PRODUCTION") and app.config.get("BALLOT_SECRET") in (DEV_SECRET, "", None):
        raise RuntimeError("Set BALLOT_SECRET in the environment: the key of secret ballots (see the README).")
    if app.config.get("VAPID_PRIVATE_KEY"):
        _check_vapid_keys(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite needs a wait instead of an instant "database is locked" under concurrent writes.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}

    from feedback import extensions as ext
    from feedback.common import i18n

    ext.db.init_app(app)
    ext.migrate.init_app(
        app, ext.db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True
    )
    ext.csrf.init_app(app)
    ext.login_manager.init_app(app)
    ext.babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=os.path.join(app.root_path, "translations"),
    )
    ext.compress.init_app(app)
    ext.limiter.init_app(app)
    _limit_only_where_decorated(app, ext.limiter)
    ext.htmx.init_app(app)  # request.htmx

    app.url_map.converters["int"] = DatabaseIdConverter
    _import_models()
    from feedback.audit import recorder

    recorder.install()
    _setup_login(app)
    _register_blueprints(app)

    from feedback import cli, routes
    from feedback.common import (
        assets,
        cookie_session,
        error_pages,
        headers,
        request_guards,
        template_helpers,
        transaction,
    )

    # after_request hooks run last-registered first: the commit (so a failed one still gets
    # the headers), then the headers, then buffer_static, then compression.
    for part in (cookie_session, assets, request_guards, headers, error_pages, template_helpers, routes, cli, transaction):
        part.init_app(app)
    return app


def _limit_only_where_decorated(app: Flask, limiter: Any) -> None:
    """Every rate limit of ours sits on its route (@limiter.limit), and Flask-Limiter checks those
    in the route's own wrapper. Its check before every request looks for default, application,
    meta and blueprint limits, which we have none of: it found nothing on every request and cost
    a tenth of a /healthz (bench/request_cpu --instructions). So it is taken out, and a limit of
    one of those kinds in the settings stops the app from starting instead of going unchecked."""
    configured = [key for key in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META") if app.config.get(key)]
    if configured:
        raise RuntimeError(f"{', '.join(configured)}: only limits on routes (@limiter.limit) are checked here.")
    app.before_request_funcs[None].remove(limiter._check_request_limit)


def _check_vapid_keys(app: Flask) -> None:
    """A VAPID key that does not load, or a public key that is not its own, would turn push off
    (or leave every phone's subscription unusable) without a word: refuse to start instead."""
    from feedback.outbox.push import load_private_key, public_key_of

    try:
        derived = public_key_of(load_private_key(app.config["VAPID_PRIVATE_KEY"]))
    except ValueError as e:
        raise RuntimeError(f"VAPID_PRIVATE_KEY is not a P-256 key (PEM or 32 bytes base64url): {e}") from None
    if app.config.get("VAPID_PUBLIC_KEY", "").rstrip("=") not in ("", derived):
        raise RuntimeError("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY (leave it empty to derive it).")


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in URLs: only values a database id can hold, so an absurd id is a 404,
    never an overflow error in SQLite or PostgreSQL."""

    def __init__(
        self, url_map, fixed_digits: int = 0, min: int | None = 1, max: int | None = DB_INT_MAX, signed: bool = False
    ) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _import_models() -> None:
    # Every model module, so metadata (and Alembic) sees all tables.
    from feedback.audit import models as _au  # noqa: F401
    from feedback.auth import models as _a  # noqa: F401
    from feedback.changes import models as _c  # noqa: F401
    from feedback.datepolls import models as _dp  # noqa: F401
    from feedback.decisions import models as _d  # noqa: F401
    from feedback.meetings import models as _m  # noqa: F401
    from feedback.notifications import models as _n  # noqa: F401
    from feedback.outbox import models as _o  # noqa: F401
    from feedback.outbox import push as _push  # noqa: F401
    from feedback.priorities import models as _prio  # noqa: F401
    from feedback.programs import models as _p  # noqa: F401
    from feedback.proposals import models as _pr  # noqa: F401
    from feedback.proposals import photo_models as _ph  # noqa: F401
    from feedback.recordings import models as _rec  # noqa: F401
    from feedback.threads import models as _th  # noqa: F401
    from feedback.topics import models as _t  # noqa: F401
    from feedback.understanding import models as _u  # noqa: F401
    from feedback.votes import models as _v  # noqa: F401


def _setup_login(app: Flask) -> None:
    from flask import g, session
    from flask_babel import lazy_gettext as _l

    from feedback.auth import sessions
    from feedback.auth.models import User
    from feedback.extensions import login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, request, url_for
        from htmx_flask import make_response as htmx_response

        flash(login_manager.login_message, "info")
        target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
        if request.htmx:
            # htmx would otherwise swap the login page into the vote panel: load it as a page.
            return htmx_response("", 401, redirect=target)
        return redirect(target)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        ident, _, version = user_id.partition(":")
        if not ident.isdigit() or not version.isdigit():
            return None
        # Her memberships (every page checks roles) and her server session come in the same query;
        # auth.views.check_server_session reads the session from g.
        user, record = sessions.user_and_session(int(ident), session.get(sessions.COOKIE_KEY))
        if user is None or user.session_version != int(version):
            return None
        g.server_session = record
        return user


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        # SQLite knows no time zones: dashboards ask Python for a moment's month in the program's zone.
        dbapi_connection.create_function("feedback_local_month", 2, local_month, deterministic=True)


def _register_blueprints(app: Flask) -> None:
    from feedback.account.views import bp as account_bp
    from feedback.admin.views import bp as admin_bp
    from feedback.audit.views import bp as audit_bp
    from feedback.auth.views import bp as auth_bp
    from feedback.certificate.views import bp as certificate_bp
    from feedback.changes.views import bp as changes_bp
    from feedback.dashboards.views import bp as dashboards_bp
    from feedback.decisions.views import bp as decisions_bp
    from feedback.meetings import log_views  # noqa: F401  (the log's routes, on the meetings blueprint)
    from feedback.meetings.live_views import bp as live_bp
    from feedback.meetings.views import bp as meetings_bp
    from feedback.members.views import bp as members_bp
    from feedback.notifications.views import bp as notifications_bp
    from feedback.outbox.member_views import bp as messages_bp
    from feedback.outbox.push_views import bp as push_bp
    from feedback.outbox.views import bp as outbox_bp
    from feedback.outcomes.views import bp as outcomes_bp
    from feedback.portal.views import bp as portal_bp
    from feedback.priorities.member_views import bp as dots_bp
    from feedback.priorities.views import bp as priorities_bp
    from feedback.privacy.views import bp as privacy_bp
    from feedback.proposals.photo_views import bp as photos_bp
    from feedback.proposals.views import bp as proposals_bp
    from feedback.pwa.views import bp as pwa_bp
    from feedback.recordings.views import bp as recordings_bp
    from feedback.staff.views import bp as staff_bp
    from feedback.threads.views import bp as threads_bp
    from feedback.topics.views import bp as topics_bp

    for bp in (auth_bp, portal_bp, live_bp, staff_bp, members_bp, meetings_bp, proposals_bp, admin_bp,
               threads_bp, topics_bp, notifications_bp, decisions_bp, changes_bp, outcomes_bp, audit_bp, dashboards_bp, pwa_bp,
               privacy_bp, account_bp, outbox_bp, messages_bp, push_bp, recordings_bp, certificate_bp,
               photos_bp, priorities_bp, dots_bp):
        app.register_blueprint(bp)
    from feedback.understanding import views as understanding  # "I don't understand" and meeting evaluations

    understanding.init_app(app)
    from feedback.datepolls import member_views as datepolls  # choosing the next meeting's date together

    datepolls.init_app(app)
