"""The words for a change's status, origin and follow-up answers; members read them too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from feedback.changes.models import ChangeOrigin, ChangeStatus, Helped

STATUS_LABELS = {
    ChangeStatus.PLANNED: _l("Planned"),
    ChangeStatus.IN_PROGRESS: _l("In progress"),
    ChangeStatus.DONE: _l("Done"),
}
ORIGIN_LABELS = {
    ChangeOrigin.EXPERT_GROUP: _l("The expert group"),
    ChangeOrigin.STAFF: _l("Staff"),
    ChangeOrigin.FUNDER: _l("The funder"),
    ChangeOrigin.OTHER: _l("Somewhere else"),
}
HELPED_LABELS = {Helped.YES: _l("Yes"), Helped.A_LITTLE: _l("A little"), Helped.NO: _l("No")}
