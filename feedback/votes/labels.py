"""The words members see for each choice (WORDS.md: Ja, bra / Vet inte / Nej, inte bra)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CHOICE_LABELS = {
    "agree": _l("Yes, good"),
    "unsure": _l("Not sure"),
    "disagree": _l("No, not good"),
}
