"""The words for the steering group's decisions; members read them too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from feedback.decisions.models import Outcome

OUTCOME_LABELS = {
    Outcome.ACCEPTED: _l("Accepted"),
    Outcome.ADAPTED: _l("Accepted with changes"),
    Outcome.DECLINED: _l("Declined"),
    Outcome.POSTPONED: _l("Postponed"),
}
