"""Words for the kinds of security events (admin pages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from feedback.audit import security

SECURITY_KIND_LABELS = {
    security.LOGIN_FAILED: _l("Wrong password"),
    security.LINK_REFUSED: _l("Member link refused"),
    security.PASSWORD_LINK_REFUSED: _l("Password link refused"),
    security.FORBIDDEN: _l("Page refused (403)"),
    security.RATE_LIMITED: _l("Too many tries (429)"),
    security.SECOND_FACTOR_FAILED: _l("Wrong code (second step)"),
    security.CSRF_REFUSED: _l("Form without a valid token (CSRF)"),
    security.CARD_BY_SMS: _l("Lost card: a new link asked for by SMS"),
}


def security_kind_label(kind: str) -> str:
    return str(SECURITY_KIND_LABELS.get(kind, kind))
