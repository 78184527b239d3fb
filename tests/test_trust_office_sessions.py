"""Office sessions end after OFFICE_SESSION_HOURS (12) in all, however busy (ASVS 5.0 level 2,
issue 15): a session taken over does not last. Members' phones are not affected."""

from __future__ import annotations

from datetime import timedelta

from tests.moments import local
from tests.routes_support import new_client


def test_an_office_session_ends_after_twelve_hours_even_when_busy(app, make, login, time_machine):
    program = make.program()
    staff = make.staff(program, language="en")
    member = make.member(program, language="en")
    start = local(2027, 5, 4, 7, 0)
    time_machine.move_to(start, tick=False)
    office, phone = login(staff, new_client(app)), login(member, new_client(app))
    for hour in range(1, 12):  # a request every hour: never idle
        time_machine.move_to(start + timedelta(hours=hour, minutes=59), tick=False)
        assert office.get(f"/staff/{program.id}/").status_code == 200, hour
    time_machine.move_to(start + timedelta(hours=12, minutes=1), tick=False)
    resp = office.get(f"/staff/{program.id}/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert "logged out after 12 hours" in office.get("/login").get_data(as_text=True)
    assert office.get(f"/staff/{program.id}/").status_code == 302  # ended on the server, not just once
    assert phone.get("/me").status_code == 200
