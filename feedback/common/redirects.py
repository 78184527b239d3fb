"""Where to go after a form: a `next` from the address or a form, checked in one place."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import url_for


def safe_next(target: str | None, fallback_endpoint: str = "index") -> str:
    """`target` if it is a path on this site, else the fallback page. Never another site: not
    "//host", not "/\\host", and no control characters, which browsers drop ("/\\t/host" becomes
    "//host") and which would break the Location header ("\\r\\n"). Checked as written and
    once decoded, so "/%09/host" is refused too."""
    if target and _local_path(target) and _local_path(unquote(target)):
        return target
    return url_for(fallback_endpoint)


def _local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//"):
        return False
    if any(ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
