"""Who may open which page: every route of the app, for every role.

The matrix is SPECS in tests/route_specs.py: a new route without a row there makes
test_every_route_is_in_the_matrix fail."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from feedback.extensions import db
from tests.route_specs import (
    DEFAULT_ARGS,
    MEETING_FORM,
    PROPOSAL_FORM,
    SPEC_BY_ID,
    SPECS,
    Spec,
    check_roles,
    request,
    url_for_spec,
)
from tests.routes_support import PLACEHOLDER, ROLES, World, build_world, fill, new_client, snapshot


def test_every_route_is_in_the_matrix(app):
    routes = {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - SPEC_BY_ID.keys() == set(), "routes without a row in the access matrix"
    assert SPEC_BY_ID.keys() - routes == set(), "rows in the access matrix for routes that no longer exist"


def test_a_snapshot_sees_a_new_row_and_a_changed_value(app, make):
    """The refused-request checks compare snapshots: on both databases, a change must show."""
    program = make.program()
    before = snapshot()
    assert before["programs"], "the program is in it"
    member = make.member(program)
    after = snapshot()
    assert after != before
    member.name = "Another name"
    db.session.commit()
    changed = snapshot()
    assert changed != after
    # Snapshots are read again only after a commit that wrote: each way of writing must show.
    from feedback.programs.models import Program

    with db.engine.connect() as conn:  # a connection of its own, as a request or a thread has
        conn.execute(sa.update(Program).values(name="Renamed"))
        conn.commit()
    renamed = snapshot()
    assert renamed != changed and ("Renamed" in repr(renamed["programs"]))
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM memberships")
    assert snapshot()["memberships"] == []
    member.name = "Undone"
    db.session.flush()
    db.session.rollback()  # written, then undone: the same rows
    assert snapshot() == snapshot() and "Undone" not in repr(snapshot()["users"])


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_access(app, make, login, spec):
    """Every role on one route."""
    problems = check_roles(app, login, spec, ROLES, spec.expect, lambda: build_world(make))
    assert not problems, "\n".join(problems)


# --- unknown and foreign ids --------------------------------------------------------------


def _url_with(spec: Spec, w: World, name: str, value: str) -> str:
    args = {**DEFAULT_ARGS, **spec.args, name: lambda w: value}
    return fill(spec.rule, {k: args[k](w) for k in set(PLACEHOLDER.findall(spec.rule))})


ID_SPECS = [s for s in SPECS if PLACEHOLDER.search(s.rule)]


@pytest.mark.parametrize("spec", ID_SPECS, ids=[s.id for s in ID_SPECS])
def test_unknown_id_is_404(app, make, login, spec):
    """Each id in the address, replaced by an unknown or malformed one, gives a plain 404
    (never a 500) and changes nothing. As the site admin, who may open everything."""
    w = build_world(make)
    url_for_spec(spec, w)  # an argument may first make what the route needs: before the snapshot
    before = snapshot()
    problems = []
    for name in dict.fromkeys(PLACEHOLDER.findall(spec.rule)):
        client = new_client(app)
        if name != "token":
            login(w.users["admin"], client)
        for bad in ("999999", "0", "-1", "abc", "2147483648", "99999999999999999999"):
            resp = request(client, spec, _url_with(spec, w, name, bad), spec.data(w))
            if resp.status_code != 404:
                problems.append(f"{name}={bad}: {resp.status_code}")
    assert not problems, problems
    assert snapshot() == before


FOREIGN = [
    ("GET", "/staff/{a}/proposals/{p_other}"),
    ("GET", "/staff/{a}/proposals/{p_other}/edit"),
    ("POST", "/staff/{a}/proposals/{p_other}/edit"),
    ("POST", "/staff/{a}/proposals/{p_other}/translations/en"),
    ("POST", "/staff/{a}/proposals/{p_other}/open"),
    ("POST", "/staff/{a}/proposals/{p_other}/close"),
    ("GET", "/staff/{a}/meetings/{other_meeting}"),
    ("GET", "/staff/{a}/meetings/{other_meeting}/edit"),
    ("POST", "/staff/{a}/meetings/{other_meeting}/edit"),
    ("POST", "/staff/{a}/meetings/{other_meeting}/agenda"),
    ("POST", "/staff/{a}/meetings/{other_meeting}/agenda/{item}/remove"),
    ("GET", "/staff/{a}/members/{other_member}/edit"),
    ("POST", "/staff/{a}/members/{other_member}/edit"),
    ("POST", "/staff/{a}/members/{other_member}/card"),
    ("POST", "/staff/{a}/members/{other_member}/revoke"),
    # a staff user of A is not a member of A: staff pages for members do not reach her
    ("GET", "/staff/{a}/members/{staff}/edit"),
    ("POST", "/staff/{a}/members/{staff}/revoke"),
]


@pytest.mark.parametrize(("method", "pattern"), FOREIGN, ids=[f"{m} {p}" for m, p in FOREIGN])
def test_records_of_another_program_are_404_for_staff(app, make, login, method, pattern):
    w = build_world(make)
    client = login(w.users["staff"], new_client(app))
    url = pattern.format(a=w.prog.id, p_other=w.p_other.id, other_meeting=w.other_meeting.id, item=w.item.id,
                         other_member=w.other_member.id, staff=w.users["staff"].id)
    data = {**PROPOSAL_FORM, **MEETING_FORM, "name": "X", "preferred_language": "sv",
            "proposal_id": str(w.p_other.id), "en-title": "T", "en-summary": "S"}
    before = snapshot()
    resp = client.get(url) if method == "GET" else client.post(url, data=data)
    assert resp.status_code == 404
    assert snapshot() == before


def test_agenda_item_of_another_meeting_is_404(app, make, login):
    w = build_world(make)
    second = make.meeting(w.prog, days_ahead=30)
    client = login(w.users["staff"], new_client(app))
    before = snapshot()
    resp = client.post(f"/staff/{w.prog.id}/meetings/{second.id}/agenda/{w.item.id}/remove")
    assert resp.status_code == 404
    assert snapshot() == before


def test_agenda_cannot_take_a_proposal_of_another_program(app, make, login):
    w = build_world(make)
    client = login(w.users["staff"], new_client(app))
    before = snapshot()
    resp = client.post(f"/staff/{w.prog.id}/meetings/{w.meeting.id}/agenda", data={"proposal_id": w.p_other.id})
    assert resp.status_code in (400, 404)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["member", "steering"])
@pytest.mark.parametrize("status", ["draft", "on_agenda"])
def test_drafts_are_404_on_member_pages(app, make, login, role, status):
    w = build_world(make)
    p = make.proposal(w.prog, status)
    client = login(w.users[role], new_client(app))
    for url in (f"/p/{p.id}", f"/p/{p.id}/results"):
        assert client.get(url).status_code == 404
    before = snapshot()
    assert client.post(f"/p/{p.id}/vote", data={"choice": "agree"}).status_code == 404
    assert snapshot() == before


def test_staff_see_their_own_drafts_on_member_pages(app, make, login):
    w = build_world(make)
    client = login(w.users["staff"], new_client(app))
    assert client.get(f"/p/{w.p_draft.id}").status_code == 200
