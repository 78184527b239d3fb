"""A chart's table as CSV or XLSX, for reading in a spreadsheet."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from feedback.dashboards.charts import Chart

# A cell that starts like this is read as a formula by spreadsheets: text from users (a change's
# title, a meeting's name) must never run as one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(chart: Chart) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(c) for c in chart.columns])
    writer.writerows([[_cell(v) for v in row] for row in chart.rows])
    # The byte order mark lets Excel read the Swedish letters right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(value):
    # The control characters a spreadsheet file cannot hold (text pasted from a PDF brings them):
    # openpyxl refuses them, and the whole download was a 500. The CSV keeps them as they are.
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return _cell(value)


def to_xlsx(chart: Chart) -> bytes:
    book = Workbook()
    sheet = book.active
    # Sheet names: at most 31 characters and none of []:*?/\
    title = ILLEGAL_CHARACTERS_RE.sub("", chart.title)
    sheet.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or chart.key
    sheet.append([_xlsx_cell(c) for c in chart.columns])
    for row in chart.rows:
        sheet.append([_xlsx_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
