"""Her phone on new year's eve: at 23:30 UTC it is already 1 January in Stockholm, and the
meeting of the evening before is over. The live server's clock moves with the test's."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from feedback.auth.services import issue_member_link
from feedback.meetings.services import create_meeting
from feedback.members.services import add_member
from feedback.programs.services import create_program
from tests.moments import NEW_YEARS_EVE, local

from .support import Live

pytestmark = [pytest.mark.browser]


def _group_with_two_meetings(live: Live, n: int) -> str:
    """A program of its own with last night's meeting and January's: her link's path."""
    with live.ctx():
        program = create_program(f"Nyårsgruppen {n}", f"nyar-{n}")
        member = add_member(program.id, f"Nyårsmedlem {n}", "sv")
        create_meeting(program.id, "Nyårsaftonens träff", datetime(2027, 12, 31, 18, 0),
                       ends_at=datetime(2027, 12, 31, 20, 0))
        create_meeting(program.id, "Januariträffen", datetime(2028, 1, 12, 17, 30))
        return f"/in/{issue_member_link(member, None)}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_on_new_years_night_her_next_meeting_is_in_january(javascript, live: Live, new_context, time_machine):
    time_machine.move_to(local(2027, 12, 1), tick=True)
    link = _group_with_two_meetings(live, 1 if javascript else 2)
    time_machine.move_to(NEW_YEARS_EVE, tick=True)
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(link)
    expect(page).to_have_url(f"{live.url}/me")
    card = page.locator("section[aria-labelledby=meeting-h]")
    expect(card).to_contain_text("Januariträffen")
    expect(card).to_contain_text("onsdag 12 januari, 17:30")
    expect(card).not_to_contain_text("Nyårsaftonens träff")
