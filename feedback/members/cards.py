"""Login links and QR cards for members."""

from __future__ import annotations

import segno
from flask import current_app, request, url_for


def absolute_url(path: str) -> str:
    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + path


def login_url(token: str) -> str:
    return absolute_url(url_for("auth.member_link", token=token))


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI, usable both as <img src> and as a download.
    Error level M survives a crease or a smudge on a printed card."""
    return segno.make(url, error="m").svg_data_uri(scale=5, border=4)
