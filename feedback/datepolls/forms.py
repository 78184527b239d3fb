"""The staff form of a new date poll: a title, a note, and rows of dates that work without
JavaScript (empty rows are left out; "Add another date" gives one row more)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from feedback.common.forms import Form
from feedback.datepolls.services import NOTE_MAX, OPTIONS_MAX, OPTIONS_MIN, TITLE_MAX, OptionInput

ROWS_FIRST = 4
ROW_FIELDS = ("day", "start", "end", "place")


class PollForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        description=_l("For example: Meeting in February"))
    note = TextAreaField(_l("Note for members (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])


def row_count(data: Mapping) -> int:
    """How many date rows the form shows: the number it carried (one more after "Add another
    date"), between the first four and the most a poll takes."""
    try:
        n = int(data.get("rows", ROWS_FIRST))
    except (TypeError, ValueError):
        n = ROWS_FIRST
    if "more" in data:
        n += 1
    return max(OPTIONS_MIN, min(n, OPTIONS_MAX))


@dataclass
class Rows:
    count: int
    values: list[dict[str, str]]
    errors: dict[str, str] = field(default_factory=dict)  # "option-2-start" -> message
    options: list[OptionInput] = field(default_factory=list)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _time(text: str) -> time | None:
    try:
        return time.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        return None


def read_rows(data: Mapping, count: int) -> Rows:
    """The dates typed in the rows; a row with nothing in it is left out."""
    values = [{name: (data.get(f"option-{i}-{name}") or "").strip() for name in ROW_FIELDS} for i in range(count)]
    rows = Rows(count, values)
    for i, v in enumerate(values):
        if not (v["day"] or v["start"] or v["end"] or v["place"]):
            continue
        day, start = _day(v["day"]), _time(v["start"])
        end = _time(v["end"]) if v["end"] else None
        if day is None:
            rows.errors[f"option-{i}-day"] = str(_l("Write the date, for example 2027-02-09."))
        if start is None:
            rows.errors[f"option-{i}-start"] = str(_l("Write the time, for example 17:30."))
        if v["end"] and end is None:
            rows.errors[f"option-{i}-end"] = str(_l("Write the time, for example 19:30."))
        if day and start and (end or not v["end"]):
            rows.options.append(OptionInput(datetime.combine(day, start), datetime.combine(day, end) if end else None,
                                            v["place"] or None, row=i))
    return rows


def blank_rows(count: int = ROWS_FIRST) -> Rows:
    return Rows(count, [dict.fromkeys(ROW_FIELDS, "") for _ in range(count)])
