"""Meetings as iCalendar (RFC 5545): one file per meeting and a feed per member."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from feedback.auth.models import User
from feedback.common.clock import local_now, utcnow
from feedback.common.i18n import language_name
from feedback.common.security import keyed_digest
from feedback.extensions import db
from feedback.meetings.models import Meeting


def feed_token(user: User) -> str:
    """Calendar apps cannot log in, so the feed address carries a key. It is computed, not
    stored, and changes when her link is stopped or renewed (session_version)."""
    return keyed_digest(current_app.config["SECRET_KEY"], "calendar", user.id, user.session_version)[:32]


def check_feed_token(user: User, token: str) -> bool:
    # As bytes: compare_digest refuses str with letters outside ASCII, and the token is whatever
    # the address says.
    return hmac.compare_digest(feed_token(user).encode(), token.encode())


def _description(meeting: Meeting) -> str:
    lines = []
    if meeting.bring:
        lines.append(f"{_('Bring:')} {meeting.bring}")
    if meeting.childcare:
        lines.append(_("There is childcare."))
    if meeting.interpreter_codes:
        names = ", ".join(language_name(c, str(get_locale())) for c in meeting.interpreter_codes)
        lines.append(f"{_('There is an interpreter for:')} {names}")
    if meeting.travel_costs:
        lines.append(_("We pay your travel costs."))
    if meeting.notes:
        lines.append(meeting.notes)
    return "\n".join(lines)


def to_ics(meetings: list[Meeting], host: str, name: str) -> bytes:
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    cal = Calendar()
    cal.add("prodid", "-//Expert group feedback//meetings//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    now, stamp = local_now(), utcnow().replace(tzinfo=UTC)
    for m in meetings:
        event = Event()
        event.add("uid", f"meeting-{m.id}@{host}")
        event.add("summary", m.title)
        # Meeting times are the program's wall-clock time.
        event.add("dtstart", m.starts_at.replace(tzinfo=tz))
        event.add("dtend", (m.ends_at or m.starts_at + timedelta(hours=2)).replace(tzinfo=tz))
        event.add("dtstamp", stamp)
        if m.place:
            event.add("location", m.place)
        description = _description(m)
        if description:
            event.add("description", description)
        if m.status == "closed" and m.starts_at < now:
            event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def member_meetings(user: User, since: datetime) -> list[Meeting]:
    program_ids = user.program_ids("member")
    if not program_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.program_id.in_(program_ids), Meeting.starts_at >= since)
            .order_by(Meeting.starts_at)
        )
    )
