"""What a member may read about her certificate outside the PDF (a member-facing source in
babel-member.cfg, so it is translated into every member language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

UNAVAILABLE = _l("We cannot make the certificate right now. Please ask the staff of the group.")
