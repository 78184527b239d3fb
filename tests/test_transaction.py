"""One transaction per request (feedback/common/transaction.py): what a successful request
flushed is committed at its end; a refused one leaves nothing behind, even when the view caught
the refusal to show it; and only the places that must commit on their own do."""

from __future__ import annotations

import ast
import contextlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import redirect

from feedback import create_app
from feedback.common.errors import RuleError
from feedback.common.transaction import asked
from feedback.config import TestConfig
from feedback.extensions import db
from feedback.programs.models import Program

ROOT = Path(__file__).resolve().parent.parent

# The only commits outside the end of a request, and why each is there.
OWN_COMMITS = {
    "feedback/common/transaction.py": "the end of a request",
    "feedback/cli.py": "flask commands commit once at their end",
    "feedback/demo/__init__.py": "the demo is built in one transaction, like a command",
    "feedback/audit/security.py": "a security event is written for a refused request",
    "feedback/auth/services.py": "a link stopped on refusal must stay stopped",
    "feedback/outbox/worker.py": "the outbox worker runs outside requests: a claim, and each message, commit",
}


def _no(message="No."):
    raise RuleError(message, status=409)


@pytest.fixture
def tx_app(database_url, app):
    """An app of its own on the test database, with routes that write and then succeed or fail."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False

    other = create_app(Config)

    def add(slug: str) -> None:
        db.session.add(Program(name=slug, slug=slug))
        db.session.flush()

    @other.post("/t/ok")
    def ok():
        add("kept")
        return "", 204

    @other.post("/t/caught")
    def caught():
        add("before")
        with contextlib.suppress(RuleError):  # caught, as a view that shows it next to a field does
            _no()
        add("after")
        return redirect("/")  # a 302, as views that flash a refusal answer

    @other.post("/t/uncaught")
    def uncaught():
        add("before")
        _no()

    @other.post("/t/bad-form")
    def bad_form():
        add("before")
        return "", 400

    @other.post("/t/asked")
    def question():
        add("asked")
        assert asked(_no) is False
        assert asked(lambda: None) is True
        return "", 204

    yield other
    with other.app_context():
        db.engine.dispose()


def _slugs(app) -> set[str]:
    with app.app_context():
        db.session.commit()
        with db.engine.connect() as conn:  # what another connection sees: what was committed
            return set(conn.scalars(sa.select(Program.slug)))


@pytest.mark.parametrize(("path", "status", "kept"), [
    ("/t/ok", 204, {"kept"}),
    ("/t/caught", 302, set()),
    ("/t/uncaught", 409, set()),
    ("/t/bad-form", 400, set()),
    ("/t/asked", 204, {"asked"}),
])
def test_the_end_of_a_request_commits_only_a_success(app, tx_app, path, status, kept):
    before = _slugs(app)
    resp = tx_app.test_client().post(path)
    assert resp.status_code == status
    assert _slugs(app) - before == kept


def test_a_refusal_outside_a_request_leaves_the_session_to_its_caller(app):
    db.session.add(Program(name="Mine", slug="mine"))
    db.session.flush()
    with pytest.raises(RuleError):
        _no()
    assert asked(_no) is False
    db.session.commit()
    assert db.session.scalar(sa.select(Program.slug).where(Program.slug == "mine")) == "mine"


def _commit_calls(path: Path) -> int:
    tree = ast.parse(path.read_text())
    return sum(
        1 for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    )


def test_services_and_views_never_commit():
    found = {
        str(path.relative_to(ROOT)): n
        for path in sorted((ROOT / "feedback").rglob("*.py"))
        if (n := _commit_calls(path))
    }
    assert set(found) <= set(OWN_COMMITS), {k: v for k, v in found.items() if k not in OWN_COMMITS}
    assert found["feedback/auth/services.py"] == 1 and found["feedback/demo/__init__.py"] == 1
