"""The words members see for each choice (WORDS.md: Ja, bra / Vet inte / Nej, inte bra)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CHOICE_LABELS = {
    "agree": _l("Yes, good"),
    "unsure": _l("Not sure"),
    "disagree": _l("No, not good"),
}


def choice_labels() -> dict[str, str]:
    """The three words in the language in force, translated once: a vote panel shows each up to
    three times, and a lazy string is translated again at every use."""
    return {choice: str(label) for choice, label in CHOICE_LABELS.items()}
