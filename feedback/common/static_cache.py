"""Compressed copies of our static files, made once per server at the strongest level, so that a
page can be compressed at the fastest one.

Flask-Compress asks this cache for every response it compresses. A page or an htmx answer is
made for one request and compressed with the app's own level (brotli 1: the vote's answer cost
8% more CPU at 4, for 100 bytes). A versioned static URL (asset_url) never changes its content,
so on the first request for it this cache reads the file and compresses it as small as it gets
(htmx: 17.4 KB at brotli 4, 15.3 KB at 11), and keeps it. Everything else passes through."""

from __future__ import annotations

import gzip
from threading import Lock

import brotli
from flask import Request, current_app
from werkzeug.security import safe_join

_PASS = "-"
# Brotli's strongest level takes about 2 s a megabyte: a larger file (plotly.js, 4.6 MB) gets 6,
# 0.25 s once per server, nearly as small.
_STRONGEST_UP_TO = 1024 * 1024


def cache_key(request: Request) -> str:
    if request.endpoint == "static" and request.args.get("v"):
        return f"{request.view_args['filename']}?v={request.args['v']}"
    return _PASS


def strongest(data: bytes, algorithm: str) -> bytes | None:
    if algorithm == "br":
        return brotli.compress(data, quality=11 if len(data) <= _STRONGEST_UP_TO else 6)
    if algorithm == "gzip":
        return gzip.compress(data, 9, mtime=0)
    return None


class StaticCache:
    def __init__(self, max_items: int = 64) -> None:
        self._items: dict[str, bytes] = {}
        self._lock = Lock()
        self._max = max_items

    def get(self, key: str) -> bytes | None:
        if key.endswith(_PASS):
            return None
        if (kept := self._items.get(key)) is not None:
            return kept
        algorithm, _, name = key.partition(";")
        path = safe_join(current_app.static_folder or "", name.rpartition("?v=")[0])
        try:
            with open(path or "", "rb") as fh:
                made = strongest(fh.read(), algorithm)
        except OSError:
            return None  # Flask-Compress compresses what Flask serves, as for a page
        if made is not None:
            self.set(key, made)
        return made

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(_PASS):
            return
        with self._lock:
            if key not in self._items and len(self._items) >= self._max:
                self._items.pop(next(iter(self._items)))
            self._items[key] = value
