"""Words for proposal states, shown on staff pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "on_agenda": _l("On the agenda"),
    "voting": _l("Voting open"),
    "voted": _l("Voted"),
    "in_review": _l("In review"),
    "decided": _l("Decided"),
    "implemented": _l("Implemented"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
