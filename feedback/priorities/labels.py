"""Words for the states of a priority poll, shown on staff pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

POLL_STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Voting open"),
    "closed": _l("Closed"),
}
