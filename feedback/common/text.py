"""Showing what people wrote: always escaped, with web addresses made into safe links."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# http(s) addresses and bare www. addresses; a closing bracket or full stop at the end
# belongs to the sentence, not to the address.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE)


def linkify(text: str | None) -> Markup:
    """Text as HTML: every character escaped, addresses as links that open without our
    referrer or any power over our page. Nothing else of the text becomes markup."""
    if not text:
        return Markup("")
    out: list[str] = []
    last = 0
    for m in _URL.finditer(text):
        out.append(escape(text[last : m.start()]))
        shown = m.group(0)
        href = shown if shown.lower().startswith("http") else f"https://{shown}"
        out.append(
            Markup('<a href="{}" rel="nofollow noopener noreferrer ugc" class="post-link inline-link">{}</a>').format(href, shown)
        )
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
