"""The Jinja environment keeps each template's globals as a plain dict (feedback/common/templating.py):
a global added after a template was loaded would be missing from it, so none may be."""

from __future__ import annotations

from feedback.common.templating import Environment


def test_every_loaded_template_sees_every_global(app, client, make, login):
    assert isinstance(app.jinja_env, Environment)
    program = make.program()
    proposal = make.proposal(program, status="voting", results_live=True)
    assert client.get("/login").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    login(make.member(program))
    assert client.get(f"/p/{proposal.id}").status_code == 200
    assert client.post(f"/p/{proposal.id}/vote", data={"choice": "agree"}, headers={"HX-Request": "true"}).status_code == 200
    loaded = list(app.jinja_env.cache.values())
    assert {"portal/proposal.html", "portal/_vote_step.html", "_macros.html"} <= {t.name for t in loaded}
    for template in loaded:
        missing = {k for k, v in app.jinja_env.globals.items() if template.globals.get(k) is not v}
        assert not missing, f"{template.name} misses {missing}"


def test_a_template_keeps_its_own_globals_apart(app):
    with app.app_context():
        own = app.jinja_env.from_string("{{ word }}", globals={"word": "hers"})
        other = app.jinja_env.from_string("{{ word }}")
        assert own.render() == "hers"
        assert other.render() == ""
        assert "word" not in app.jinja_env.globals
