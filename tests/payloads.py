"""Hostile text for the tests, and a check that a page shows it as text and runs nothing:
tests/test_threads_xss.py (the threads), tests/test_payloads_everywhere.py (every other text
field) and tests/test_property_input.py (any input at all) use them."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import escape

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</textarea><svg onload=alert(1)>",
    'https://example.org/"onmouseover="alert(1)',
    "<a href='javascript:alert(1)'>klicka</a>",
]

URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


# --- reading a page as a browser would -------------------------------------------------------


class Page(HTMLParser):
    """The page's visible text, its links, and anything that would run script."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.problems: list[str] = []
        self.links: list[dict[str, str]] = []
        self._text: list[str] = []
        self._script = False
        self._data = False
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return " ".join("".join(self._text).split())

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for name, value in a.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>: an event handler")
            if name in URL_ATTRS and "javascript:" in re.sub(r"\s", "", value).lower():
                self.problems.append(f"<{tag} {name}={value!r}>: a javascript: address")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>")
        if tag == "script" and a.get("type") == "application/json":
            self._data = True  # a chart's figure: data the browser never runs (checked below)
        elif tag == "script":
            self._script = True
            if not a.get("src"):
                self.problems.append("<script> without src")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")
        if tag == "img" and a.get("src") == "x":
            self.problems.append("<img src=x>: a payload became markup")
        if tag == "a":
            self.links.append(a)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = self._data = False

    def handle_data(self, data):
        if self._data:
            if "<" in data:  # tojson writes < as \u003c, so no text can close the block early
                self.problems.append("a JSON data block with a raw <")
            return
        if self._script:
            if data.strip():
                self.problems.append("<script> with inline code")
            return
        self._text.append(data)


def check(html: str, where: str, shown: list[str] = (), in_attributes: list[str] = ()) -> Page:
    """The page is safe, and each text in `shown` is on it as text (escaped in the HTML);
    each text in `in_attributes` is in the HTML escaped (e.g. the value of an input)."""
    page = Page(html)
    problems = [f"{where}: {p}" for p in page.problems]
    for payload in PAYLOADS:
        if str(escape(payload)) != payload and payload in html:
            problems.append(f"{where}: the raw payload {payload!r} is in the HTML")
    for text in shown:
        if " ".join(text.split()) not in page.text:
            problems.append(f"{where}: {text!r} is not shown as text")
        if not _escaped_in(html, text):
            problems.append(f"{where}: {text!r} is not in the HTML in its escaped form")
    for text in in_attributes:
        if str(escape(text)) not in html:
            problems.append(f"{where}: {text!r} is not in the HTML in its escaped form")
    assert not problems, "\n".join(problems)
    return page


_POST_LINK = re.compile(r"<a [^>]*\bclass=\"post-link inline-link\"[^>]*>|</a>")


def _escaped_in(html: str, text: str) -> bool:
    """The text escaped; where the app made web addresses in it into links, the escaped text
    with those links around parts of it."""
    escaped = str(escape(text))
    return escaped in html or escaped in _POST_LINK.sub("", html)


# The payloads, and text that plays with direction and length.
CORPUS = [*PAYLOADS, "\u202egnp.exe\u202c <b>fet</b>", "ا" * 150 + "<i>x</i>"]
