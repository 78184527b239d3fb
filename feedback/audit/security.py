"""Security events: written when a request is refused for a reason an admin should be able to see."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_login import current_user

from feedback.audit.models import SecurityEvent
from feedback.common.clock import utcnow
from feedback.extensions import db

LOGIN_FAILED, LINK_REFUSED, PASSWORD_LINK_REFUSED = "login_failed", "link_refused", "password_link_refused"
FORBIDDEN, RATE_LIMITED, SECOND_FACTOR_FAILED = "forbidden", "rate_limited", "second_factor_failed"
CSRF_REFUSED = "csrf_refused"
CARD_BY_SMS = "card_by_sms"  # "I lost my card" on the login page: a new link asked for by SMS
KINDS = (LOGIN_FAILED, LINK_REFUSED, PASSWORD_LINK_REFUSED, FORBIDDEN, RATE_LIMITED, SECOND_FACTOR_FAILED,
         CSRF_REFUSED, CARD_BY_SMS)


def network_of(address: str | None) -> str | None:
    """The client's network, not her address: enough to see many tries from one place."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def record(kind: str, detail: str | None = None) -> None:
    """Write one event on its own: whatever the refused request had begun is rolled back first."""
    db.session.rollback()
    user_id = None
    if has_request_context() and current_user and current_user.is_authenticated:
        user_id = current_user.id
    db.session.execute(sa.insert(SecurityEvent).values(
        at=utcnow(), kind=kind, user_id=user_id,
        network=network_of(request.remote_addr) if has_request_context() else None,
        path=(request.path[:200] if has_request_context() and not request.path.startswith(("/in/", "/password/"))
              else None),  # never the token in a link's address
        detail=(detail or None) and detail[:200],
    ))
    db.session.commit()


def delete_old(now=None) -> int:
    """Events older than SECURITY_LOG_DAYS go (run by `flask retention`, which commits)."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["SECURITY_LOG_DAYS"])
    result = db.session.execute(sa.delete(SecurityEvent).where(SecurityEvent.at < cutoff))
    return result.rowcount or 0
