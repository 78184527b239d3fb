"""When the database is away: a friendly 503 in her language, nothing shown as saved, and
/healthz tells the load balancer. Logging out leaves nothing of hers in the browser."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from feedback.extensions import db
from feedback.votes.models import Vote
from tests.databases import USE_POSTGRES
from tests.routes_support import new_client


def test_healthz_reports_the_database(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok"}


def _database_away(monkeypatch):
    def fail(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", fail)


def test_healthz_says_503_when_the_database_is_away(client, monkeypatch):
    _database_away(monkeypatch)
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_a_vote_when_the_database_is_away_gets_a_friendly_503_and_is_not_saved(app, make, login, monkeypatch):
    program = make.program()
    member = make.member(program, language="en")
    proposal = make.proposal(program, "voting")
    c = login(member, new_client(app))
    from feedback.votes import services as votes

    def away(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(votes, "cast_vote_and_count", away)
    resp = c.post(f"/p/{proposal.id}/vote", data={"choice": "agree"})
    assert resp.status_code == 503
    page = resp.get_data(as_text=True)
    assert "We cannot reach our data right now. Nothing was saved." in page
    assert "Your vote is saved" not in page
    resp = c.post(f"/p/{proposal.id}/vote", data={"choice": "agree"}, headers={"HX-Request": "true"})
    assert resp.status_code == 503
    assert resp.headers["HX-Retarget"] == "#live-errors"  # shown beside the form she filled in
    monkeypatch.undo()
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 0
    # Back again: the next vote just works.
    assert c.post(f"/p/{proposal.id}/vote", data={"choice": "agree"}).status_code == 302


def test_logging_out_clears_what_the_browser_kept(app, make, login):
    program = make.program()
    c = login(make.member(program), new_client(app))
    resp = c.post("/logout")
    assert resp.status_code == 302
    assert resp.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_htmx_keeps_no_page_history_in_the_browser(client):
    page = client.get("/login").get_data(as_text=True)
    assert '"historyCacheSize": 0' in page
    assert '"selfRequestsOnly": true' in page
    assert '"allowEval": false' in page


@pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres")
def test_the_app_recovers_by_itself_when_postgres_drops_its_connections(app, client):
    """A database restart cuts every connection: at most one request sees a 503, then it works."""
    import psycopg

    assert client.get("/healthz").status_code == 200
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    statuses = [client.get("/healthz").status_code for _ in range(3)]
    assert statuses[-1] == 200
    assert statuses.count(503) <= 1


def test_a_post_whose_commit_fails_is_not_saved_nor_shown(app, make, login, monkeypatch):
    """The database goes away between writing the post and committing it: she gets the 503
    page, the half-written post is rolled back, and the thread does not show it."""
    from feedback.threads import services as threads
    from feedback.threads.models import Post
    from feedback.topics.models import Topic

    program = make.program()
    member = make.member(program, language="en")
    topic = db.session.scalar(db.select(Topic).where(Topic.program_id == program.id).limit(1))
    thread = threads.start_thread(member, topic, "The first post stays.")
    c = login(member, new_client(app))

    def away(*_args, **_kwargs):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(db.session, "commit", away)
    resp = c.post(f"/talk/t/{thread.id}", data={"body": "This one is lost."})
    monkeypatch.undo()
    assert resp.status_code == 503
    assert "Nothing was saved." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(db.select(Post.body).where(Post.thread_id == thread.id)).all() == [
        "The first post stays."]
    page = c.get(f"/talk/t/{thread.id}").get_data(as_text=True)
    assert "The first post stays." in page and "This one is lost." not in page
