"""Password links (issue 15, finding 10): one open link at a time, spent links take the others
with them, and no link works for a closed account."""

from __future__ import annotations

import pytest

from feedback.auth import services as auth
from feedback.auth.models import TokenPurpose
from feedback.common.errors import RuleError
from feedback.extensions import db
from tests.routes_support import new_client


def test_a_new_password_link_stops_the_ones_before(app, make):
    karin = make.staff(make.program())
    first = auth.create_password_link(karin, None, 24)
    second = auth.create_password_link(karin, None, 24)
    db.session.commit()
    client = new_client(app)
    assert client.get(f"/password/{first}").status_code == 410
    assert client.get(f"/password/{second}").status_code == 200


def test_using_a_password_link_stops_every_other_open_one(app, make):
    karin = make.staff(make.program())
    # Two open links, as an older version of the app could leave them.
    one = auth._make_token(karin, TokenPurpose.PASSWORD_SET, None, None)
    other = auth._make_token(karin, TokenPurpose.PASSWORD_SET, None, None)
    db.session.commit()
    auth.use_password_link(one, "a long new password")
    with pytest.raises(RuleError):
        auth.check_password_link(other)


def test_no_password_link_works_for_a_closed_account(app, make):
    karin = make.staff(make.program())
    link = auth.create_password_link(karin, None, 24)
    karin.active = False
    db.session.commit()
    before = karin.password_hash
    resp = new_client(app).get(f"/password/{link}")
    assert resp.status_code == 410 and "Kontot är stängt" in resp.get_data(as_text=True)
    with pytest.raises(RuleError):
        auth.use_password_link(link, "a long new password")
    db.session.rollback()
    db.session.refresh(karin)
    assert karin.password_hash == before
