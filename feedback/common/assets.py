"""Our static files: URLs that carry a content hash (so they are cached for a year) and
responses small enough to compress."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, current_app, request, url_for


@lru_cache(maxsize=128)
def _file_version(path: str, mtime: float) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:10]


def asset_url(filename: str) -> str:
    """A static URL with a content hash, so it can be cached for a year."""
    path = os.path.join(current_app.static_folder or "", filename)
    try:
        version = _file_version(path, os.path.getmtime(path))
    except OSError:
        version = "missing"
    return url_for("static", filename=filename, v=version)


def init_app(app: Flask) -> None:
    @app.after_request
    def buffer_static(resp):
        # Registered after Flask-Compress, so it runs before it: our static files are small,
        # and read into memory they get compressed like any page (htmx: 52 KB -> 16 KB).
        if request.endpoint == "static" and resp.status_code == 200 and resp.is_streamed:
            stream = resp.response
            resp.direct_passthrough = False
            data = b"".join(resp.iter_encoded())
            if hasattr(stream, "close"):
                stream.close()
            resp.set_data(data)
        if request.endpoint == "static" and request.args.get("v"):
            resp.cache_control.immutable = True  # the URL changes whenever the file does
        return resp
