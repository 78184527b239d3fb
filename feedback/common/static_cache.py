"""Keeps compressed copies of our static files, so a large one (plotly.js, 4.6 MB) is
compressed once per server instead of on every request.

Flask-Compress asks this cache for every response it compresses; only versioned static URLs
are kept (their content never changes), everything else is compressed fresh each time."""

from __future__ import annotations

from threading import Lock

from flask import Request

_PASS = "-"


def cache_key(request: Request) -> str:
    if request.endpoint == "static" and request.args.get("v"):
        return f"{request.path}?v={request.args['v']}"
    return _PASS


class StaticCache:
    def __init__(self, max_items: int = 64) -> None:
        self._items: dict[str, bytes] = {}
        self._lock = Lock()
        self._max = max_items

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(_PASS) else self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(_PASS):
            return
        with self._lock:
            if len(self._items) >= self._max:
                self._items.pop(next(iter(self._items)))
            self._items[key] = value
