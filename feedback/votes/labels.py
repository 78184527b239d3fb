"""The words members see for each choice (WORDS.md: Ja, bra / Vet inte / Nej, inte bra)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from feedback.common.i18n import page_translations

CHOICE_LABELS = {
    "agree": _l("Yes, good"),
    "unsure": _l("Not sure"),
    "disagree": _l("No, not good"),
}
# The same words as message ids, for the request's own catalog (tests/test_votes_rules.py checks
# that the two agree).
_MESSAGE_IDS = {"agree": "Yes, good", "unsure": "Not sure", "disagree": "No, not good"}


def choice_labels() -> dict[str, str]:
    """The three words in the language in force, for one vote panel. A lazy string looks
    Flask-Babel's catalog up again at each use (a tenth of a vote request); the page's catalog is
    kept for the request."""
    catalog = page_translations()
    return {choice: catalog.ugettext(msgid) for choice, msgid in _MESSAGE_IDS.items()}


def count_words(n: int, total: int, pct: int) -> str:
    """One line of the results, "3 of 6 (50%)", in the language in force. Jinja's gettext with
    arguments formats through Markup, which was a quarter of rendering the results: every vote's
    answer and every live-results refresh in a meeting shows three of these."""
    return page_translations().ugettext("%(n)s of %(total)s (%(pct)s%%)") % {"n": n, "total": total, "pct": pct}
