"""The certificate as a PDF: our own HTML template printed by WeasyPrint.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0 and libpangoft2-1.0-0). Where it
cannot be loaded the app still starts; the certificate answers 503 (available() says False).
It never fetches anything: the template carries its own style, and every URL is refused."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

log = logging.getLogger(__name__)


class Unavailable(RuntimeError):
    """WeasyPrint (or Pango under it) cannot be loaded on this machine."""


@cache
def _weasyprint() -> Any | None:
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: the library is there, Pango is not
        log.warning("WeasyPrint cannot be loaded: certificates are not available", exc_info=True)
        return None
    return weasyprint


def available() -> bool:
    return _weasyprint() is not None


def refuse_every_url(url: str, *args: Any, **kwargs: Any):
    """The url_fetcher: nothing leaves the server while a certificate is printed, not even a
    request to ourselves (the template needs no file)."""
    raise ValueError(f"the certificate fetches nothing: {url[:80]}")


def _no_network_fetcher(weasyprint: Any) -> Any:
    class NoNetwork(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            return refuse_every_url(url)

    return NoNetwork()


def render_pdf(html: str, *, title: str, author: str, language: str) -> bytes:
    """The PDF of this HTML, with its title, author (the program) and language in the metadata."""
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise Unavailable("WeasyPrint cannot be loaded")
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_no_network_fetcher(weasyprint)).render()
    document.metadata.title = title
    document.metadata.authors = [author]
    document.metadata.lang = language
    return document.write_pdf()
