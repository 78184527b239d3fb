"""Staff manage members' accounts, never office accounts (issue 15, finding 1): a member card or
link logs in a member-only account and nothing else."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from feedback.auth import services as auth
from feedback.auth.models import LoginToken, TokenPurpose, UserSession
from feedback.auth.sessions import start as start_session
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.members.services import add_member
from feedback.programs.services import set_office_roles
from tests.routes_support import count, new_client


@pytest.fixture
def office_member(make):
    """Hiba joined the group as a member with an e-mail address; an admin later made her steering."""
    program = make.program()
    staff = make.staff(program, language="en")
    hiba = add_member(program.id, "Hiba", "en", None, "hiba@example.org")
    phone_key = start_session(hiba, "Android phone")
    old_link = auth.issue_member_link(hiba, staff)
    set_office_roles(hiba, {program.id: {"steering"}})
    db.session.commit()
    return program, staff, hiba, old_link, phone_key


def _refused(resp) -> bool:
    return resp.status_code == 403 and "An admin manages her account" in resp.get_data(as_text=True)


def test_staff_cannot_take_over_a_member_who_is_also_steering(app, login, office_member):
    program, staff, hiba, _old, _key = office_member
    sid = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == hiba.id))
    client = login(staff, new_client(app))
    base = f"/staff/{program.id}/members/{hiba.id}"
    links_before = count(LoginToken, LoginToken.user_id == hiba.id)
    assert _refused(client.post(f"{base}/card"))
    assert _refused(client.get(f"{base}/edit"))
    assert _refused(client.post(f"{base}/edit", data={"name": "Staff's name", "preferred_language": "sv",
                                                       "email": "staff-controls@example.org"}))
    assert _refused(client.post(f"{base}/revoke"))
    assert _refused(client.get(f"{base}/data.json"))
    assert _refused(client.post(f"{base}/sessions/{sid}/end"))
    assert _refused(client.post(f"{base}/erase", data={"confirm": "yes"}))
    db.session.refresh(hiba)
    assert (hiba.name, hiba.email) == ("Hiba", "hiba@example.org")
    assert count(LoginToken, LoginToken.user_id == hiba.id) == links_before
    # "New cards for everyone" leaves her out; the list says why there is no button.
    cards = client.post(f"/staff/{program.id}/members/cards").get_data(as_text=True)
    assert "Hiba" not in cards
    assert count(LoginToken, LoginToken.user_id == hiba.id) == links_before
    page = client.get(f"/staff/{program.id}/members/").get_data(as_text=True)
    assert "Hiba" in page and f"{base}/card" not in page and "logs in with her password" in page


def test_her_old_card_and_phone_stop_when_she_gets_an_office_role(app, office_member):
    program, _staff, hiba, old_link, _phone = office_member
    client = new_client(app)
    resp = client.get(f"/in/{old_link}")
    assert resp.status_code == 410
    assert client.get(f"/staff/{program.id}/review/").status_code == 302  # not logged in as her
    assert db.session.scalar(sa.select(UserSession.ended_at).where(UserSession.user_id == hiba.id)) is not None


def test_a_link_never_logs_in_an_office_account(app, make):
    """Even a link that exists (made before the rule, or by hand) is refused and stopped."""
    program = make.program()
    both = make.member(program, name="Samira")
    raw = auth._make_token(both, TokenPurpose.MEMBER_LINK, None, None)
    db.session.commit()
    other = make.program()
    make.user(other, "staff", email="samira@example.org")  # a new account: not hers
    from feedback.programs.models import Membership

    db.session.add(Membership(user_id=both.id, program_id=other.id, role="staff"))
    db.session.commit()
    with pytest.raises(RuleError):
        auth.login_with_member_link(raw)
    assert db.session.scalar(sa.select(LoginToken.revoked_at).where(LoginToken.user_id == both.id)) is not None
    with pytest.raises(RuleError):
        auth.issue_member_link(both, None)


def test_a_member_who_is_staff_in_another_program_is_not_managed_by_this_programs_staff(app, make, login):
    a, b = make.program(), make.program()
    staff_a = make.staff(a, language="en")
    nour = make.member(a, name="Nour")
    from feedback.programs.models import Membership

    nour.email = "nour@example.org"
    db.session.add(Membership(user_id=nour.id, program_id=b.id, role="staff"))
    db.session.commit()
    client = login(staff_a, new_client(app))
    assert _refused(client.post(f"/staff/{a.id}/members/{nour.id}/card"))
    assert _refused(client.get(f"/staff/{a.id}/members/{nour.id}/data.json"))


def test_a_member_in_two_groups_is_still_a_member_staff_can_help(app, make, login):
    a, b = make.program(), make.program()
    staff_a = make.staff(a, language="en")
    amal = make.member(a, name="Amal")
    from feedback.programs.models import Membership

    db.session.add(Membership(user_id=amal.id, program_id=b.id, role="member"))
    db.session.commit()
    client = login(staff_a, new_client(app))
    resp = client.post(f"/staff/{a.id}/members/{amal.id}/card")
    assert resp.status_code == 200 and "/in/" in resp.get_data(as_text=True)
