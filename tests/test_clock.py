"""The one clock: nothing else reads the system time, and its rules hold on the awkward days."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from feedback.common import clock
from tests.moments import AUTUMN_SWITCH, LEAP_DAY, NEW_YEARS_EVE, SPRING_SWITCH

ROOT = Path(__file__).resolve().parent.parent
CLOCK = ROOT / "feedback" / "common" / "clock.py"
# Reading the wall clock for "now": only feedback/common/clock.py may.
NOW_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
             ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime"),
             ("time", "ctime"), ("time", "strftime")}
# The database's own clock cannot be moved by a test, and differs between SQLite and PostgreSQL.
SQL_NOW = ("func.now", "func.current_timestamp", "func.current_date", "CURRENT_TIMESTAMP", "CURRENT_DATE",
           "datetime('now')", "LOCALTIMESTAMP")


def _sources() -> list[Path]:
    files = [*ROOT.glob("feedback/**/*.py"), *ROOT.glob("tests/**/*.py"), ROOT / "wsgi.py",
             *(p for p in ROOT.glob("bench/*") if p.is_file() and p.suffix in ("", ".py")),
             *ROOT.glob("migrations/**/*.py"), *ROOT.glob("tools/**/*.py")]
    return [p for p in files if p != CLOCK and p.is_file()]


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def test_nothing_but_the_clock_module_reads_the_system_time():
    found = []
    for path in _sources():
        text = path.read_text()
        for node in ast.walk(ast.parse(text, str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = _dotted(node.func.value).rsplit(".", 1)[-1]
                if (owner, node.func.attr) in NOW_CALLS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {owner}.{node.func.attr}()")
        if path.is_relative_to(ROOT / "feedback") or path.is_relative_to(ROOT / "migrations"):
            found += [f"{path.relative_to(ROOT)}: {word}" for word in SQL_NOW if word in text]
    assert found == [], "use feedback.common.clock instead:\n" + "\n".join(found)


def test_the_check_would_find_a_stray_clock(tmp_path):
    """The scan above is only worth something if it sees each way of asking for the time."""
    code = "import datetime as d\nfrom datetime import date\nimport time\nd.datetime.now()\ndate.today()\ntime.time()\n"
    calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]
    seen = {(_dotted(c.func.value).rsplit(".", 1)[-1], c.func.attr) for c in calls}
    assert seen <= NOW_CALLS and len(seen) == 3


def test_new_years_eve_is_already_new_year_in_stockholm(time_machine):
    time_machine.move_to(NEW_YEARS_EVE, tick=False)
    assert clock.utcnow() == datetime(2027, 12, 31, 23, 30)
    assert clock.local_now() == datetime(2028, 1, 1, 0, 30)
    assert clock.local_today() == date(2028, 1, 1)
    assert clock.epoch_seconds() == int(NEW_YEARS_EVE.timestamp())


def test_the_zone_comes_from_the_app_when_there_is_one(app, time_machine):
    time_machine.move_to(NEW_YEARS_EVE, tick=False)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "America/New_York"
    try:
        assert clock.local_today() == date(2027, 12, 31)
    finally:
        app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Stockholm"
    assert clock.local_today() == date(2028, 1, 1)


def test_utc_and_wall_clock_convert_both_ways_across_the_switches():
    # Winter: one hour apart; summer: two.
    assert clock.utc_to_local(datetime(2027, 1, 15, 16, 30)) == datetime(2027, 1, 15, 17, 30)
    assert clock.utc_to_local(datetime(2027, 7, 15, 15, 30)) == datetime(2027, 7, 15, 17, 30)
    assert clock.local_to_utc(datetime(2027, 7, 15, 17, 30)) == datetime(2027, 7, 15, 15, 30)
    # 02:30 twice on the autumn night: the first, in summer time (00:30 UTC), as RFC 5545 reads it.
    assert clock.local_to_utc(datetime(2027, 10, 31, 2, 30)) == datetime(2027, 10, 31, 0, 30)
    assert clock.utc_to_local(datetime(2027, 10, 31, 1, 30)) == datetime(2027, 10, 31, 2, 30)


@pytest.mark.parametrize(("wall", "problem"), [
    (datetime(2027, 3, 28, 2, 30), "missing"),   # spring: 02:00 jumps to 03:00
    (datetime(2027, 3, 28, 2, 0), "missing"),
    (datetime(2027, 3, 28, 3, 0), None),
    (datetime(2027, 3, 28, 1, 59), None),
    (datetime(2027, 10, 31, 2, 30), "twice"),    # autumn: 03:00 goes back to 02:00
    (datetime(2027, 10, 31, 2, 0), "twice"),
    (datetime(2027, 10, 31, 3, 0), None),
    (datetime(2027, 10, 31, 1, 30), None),
    (datetime(2028, 3, 26, 2, 15), "missing"),   # the next year's switches fall on other dates
    (datetime(2028, 10, 29, 2, 45), "twice"),
    (datetime(2027, 12, 31, 23, 59), None),
    (datetime(2028, 2, 29, 0, 0), None),
])
def test_clock_times_that_the_switches_skip_or_repeat(wall, problem):
    assert clock.wall_time_problem(wall) == problem


def test_the_awkward_moments_are_what_they_say():
    assert clock.wall_time_problem(datetime(2027, 3, 28, 2, 30)) == "missing"
    assert SPRING_SWITCH.date() == date(2027, 3, 28) and AUTUMN_SWITCH.date() == date(2027, 10, 31)
    assert LEAP_DAY.astimezone(UTC).date() == date(2028, 2, 29)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # a leap year
    (date(2028, 2, 29), 1, date(2028, 3, 29)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2027, 12, 15), 1, date(2028, 1, 15)),  # over new year
    (date(2027, 12, 31), 2, date(2028, 2, 29)),
    (date(2027, 3, 31), 1, date(2027, 4, 30)),
    (date(2027, 1, 15), -1, date(2026, 12, 15)),
    (date(2027, 3, 31), -1, date(2027, 2, 28)),
    (date(2027, 6, 1), 0, date(2027, 6, 1)),
])
def test_one_month_later_is_the_same_day_or_the_months_last(day, months, expected):
    assert clock.add_months(day, months) == expected


def test_at_moves_the_whole_session(request):
    """`pytest --at MOMENT` (or FEEDBACK_TEST_AT) starts the session's clock there."""
    at = request.config.getoption("--at")
    if at is None:  # run this very test in a session of its own that starts on new year's eve
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::{request.node.name}",
             "--at", "2027-12-31T23:30Z"],
            capture_output=True, text=True, cwd=ROOT, timeout=120,
            env={k: v for k, v in os.environ.items() if k != "FEEDBACK_TEST_AT"})
        assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr
        return
    start = datetime.fromisoformat(at.replace("Z", "+00:00"))
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    now = clock.utcnow().replace(tzinfo=UTC)
    assert start <= now < start + timedelta(days=1), "the clock ticks on from the moment given"
    if at == "2027-12-31T23:30Z":
        assert clock.local_today() == date(2028, 1, 1)
