from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "member": _l("Member"),
    "staff": _l("Staff"),
    "steering": _l("Steering group"),
    "admin": _l("Program admin"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
