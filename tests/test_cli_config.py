"""Commands and configuration."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from feedback import create_app
from feedback.auth.models import LoginToken, User
from feedback.changes.models import ProgramChange
from feedback.config import ProductionConfig
from feedback.extensions import db
from feedback.proposals.models import Proposal
from feedback.votes.models import Vote


def test_production_refuses_default_secret():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_with_a_secret_uses_secure_cookies(monkeypatch, tmp_path):
    class Prod(ProductionConfig):
        SECRET_KEY = "a-real-secret-from-the-environment"
        BALLOT_SECRET = "another-real-secret"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/p.db"

    app = create_app(Prod)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_production_refuses_to_start_without_a_ballot_secret(tmp_path):
    class Prod(ProductionConfig):
        SECRET_KEY = "a-real-secret-from-the-environment"
        BALLOT_SECRET = ""
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/p.db"

    with pytest.raises(RuntimeError, match="BALLOT_SECRET"):
        create_app(Prod)


def test_the_ballot_secret_comes_from_the_environment(monkeypatch):
    import importlib

    import feedback.config as config

    monkeypatch.setenv("BALLOT_SECRET", "from-the-environment")
    try:
        assert importlib.reload(config).Config.BALLOT_SECRET == "from-the-environment"
    finally:
        monkeypatch.delenv("BALLOT_SECRET")
        importlib.reload(config)


def test_secret_ballots_and_anonymous_authors_are_keyed_with_the_ballot_secret(app):
    from feedback.threads.services import author_key
    from feedback.votes.services import ballot_key

    before = ballot_key(7, 11), author_key(7, 11)
    app.config["BALLOT_SECRET"] = "a-ballot-secret"
    try:
        keyed = ballot_key(7, 11), author_key(7, 11)
        app.config["SECRET_KEY"] = "a-rotated-session-key"
        assert (ballot_key(7, 11), author_key(7, 11)) == keyed != before  # the session key can rotate
    finally:
        app.config["BALLOT_SECRET"], app.config["SECRET_KEY"] = "", "test-secret"
    assert (ballot_key(7, 11), author_key(7, 11)) == before


def test_postgres_urls_use_psycopg3(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://u@h/db", "TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_seed_demo_builds_every_state_and_prints_working_links(app, runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    statuses = set(db.session.scalars(sa.select(Proposal.status)))
    assert {"draft", "on_agenda", "voting", "voted", "in_review", "decided"} <= statuses
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgramChange)) == 4  # one from priorities
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) > 20
    lines = [line for line in result.output.splitlines() if line.startswith("member")]
    assert len(lines) == 12
    for role in ("admin", "staff", "steering"):
        assert any(line.startswith(role) for line in result.output.splitlines())
    link = re.search(r"(/in/[\w-]+)", lines[0]).group(1)
    assert client.get(link).status_code == 302
    assert client.get("/me").status_code == 200
    # Running it again loads nothing twice, and the new links replace the old ones.
    again = runner.invoke(args=["seed-demo"])
    assert "already has data" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.name == "Leyla")) == 1
    assert client.get(link).status_code == 410
    # Raw tokens never reach the database.
    hashes = set(db.session.scalars(sa.select(LoginToken.token_hash)))
    assert link.rsplit("/", 1)[1] not in hashes
    # --force where the demo is already: a message, not a traceback (found by a review).
    forced = runner.invoke(args=["seed-demo", "--force"])
    assert forced.exit_code == 1 and "the demo could not be loaded" in forced.output, forced.exception


def test_create_admin(app, runner):
    result = runner.invoke(args=["create-admin", "--email", "Boss@Example.org", "--name", "Boss",
                                 "--password", "long-enough-password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "boss@example.org"))
    assert user.is_admin and user.password_hash.startswith("$argon2")
    dup = runner.invoke(args=["create-admin", "--email", "boss@example.org", "--name", "B",
                              "--password", "long-enough-password"])
    assert dup.exit_code != 0
    short = runner.invoke(args=["create-admin", "--email", "x@example.org", "--name", "X", "--password", "short"])
    assert short.exit_code != 0
    assert db.session.scalar(sa.select(User).where(User.email == "x@example.org")) is None
    # Found by a review: an address the admin form refuses was taken here.
    bad = runner.invoke(args=["create-admin", "--email", "not-an-email", "--name", "N",
                              "--password", "long-enough-password"])
    assert bad.exit_code == 1 and "is not an email address" in bad.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
