"""The headers every response carries: what the browser may load, frame, sniff, send and keep."""

from __future__ import annotations

from flask import Flask, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

_EVERY_RESPONSE = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),  # login links stay out of referrers
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), geolocation=(), microphone=(self)"),
)
# Pages carry personal data: never store them in shared caches.
_PAGES = (("Cache-Control", "no-store"),)


def init_app(app: Flask) -> None:
    every = _EVERY_RESPONSE
    if app.config.get("PRODUCTION"):
        every += (("Strict-Transport-Security", "max-age=31536000"),)
    pages = every + _PAGES

    @app.after_request
    def security_headers(resp):
        page = request.endpoint != "static"
        # One look at the headers a view set itself (it keeps its own), instead of one per header.
        own = {name.lower() for name, _value in resp.headers}
        resp.headers.extend([(name, value) for name, value in (pages if page else every) if name.lower() not in own])
        if page:
            resp.vary.add("Cookie")
        return resp
