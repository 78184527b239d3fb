"""What every request must pass before a view sees it: no null bytes, and a body no larger than
the view takes."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_login import current_user


def per_user() -> str:
    """The rate-limit key of a logged-in person (members share addresses: a meeting room's wifi,
    a phone carrier's gateway); her address otherwise."""
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else request.remote_addr or "-"


def accepts_upload(max_bytes: int):
    """Marks a view that takes a file of up to max_bytes. The larger body limit is set before
    anything reads the body (refuse_null_bytes below reads every form's text fields)."""
    def mark(view):
        view.upload_limit = max_bytes
        return view
    return mark


def init_app(app: Flask) -> None:
    def allow_upload():
        limit = getattr(app.view_functions.get(request.endpoint), "upload_limit", None)
        if limit and request.method == "POST":
            request.max_content_length = limit

    # First of all the request hooks: CSRFProtect's, registered earlier, reads the form too, and
    # with the usual 1 MB limit it refused every larger upload (413) whenever CSRF was on.
    app.before_request_funcs.setdefault(None, []).insert(0, allow_upload)

    @app.before_request
    def refuse_null_bytes():
        # No person types a null byte; PostgreSQL cannot store one. Refused here, for every
        # form, multipart ones too (their text fields; files are bytes and stay as they are).
        values = [*request.args.values(), *(request.form.values() if request.method != "GET" else ())]
        if any("\x00" in v for v in values) or "\x00" in request.path:
            abort(400)
