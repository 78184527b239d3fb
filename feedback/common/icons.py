"""Our own small icon set: simple line drawings on a 24 x 24 grid (stroke, no fill).

Each icon goes beside a word, never instead of one."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

# name -> (label for staff pickers, SVG path data)
ICONS: dict[str, tuple[str, str]] = {
    "idea": (_l("Idea"), "M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c.8.8 1 1.5 1 2.5h6c0-1 .2-1.7 1-2.5A6 6 0 0 0 12 3z"),
    "calendar": (_l("Calendar"), "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5"),
    "people": (
        _l("People"),
        "M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20c0-3.3 2.7-6 6-6s6 2.7 6 6M16 11a3 3 0 1 0 0-6M18 14c2 .7 3 3 3 6",
    ),
    "work": (_l("Work"), "M3 8h18v12H3zM9 8V5h6v3M3 13h18"),
    "book": (_l("Learning"), "M4 5c3-1 6-1 8 1 2-2 5-2 8-1v14c-3-1-6-1-8 1-2-2-5-2-8-1zM12 6v14"),
    "child": (_l("Children"), "M12 8a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM8 11h8M12 11v5M9 21l3-5 3 5"),
    "bus": (_l("Travel"), "M5 4h14v13H5zM5 11h14M8 17v3M16 17v3M8 14h.01M16 14h.01"),
    "chat": (_l("Talk"), "M4 5h16v11H9l-5 4z"),
    "document": (_l("CV and letter"), "M6 3h9l4 4v14H6zM15 3v4h4M9 12h7M9 16h7"),
    "star": (_l("Goals"), "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z"),
    "house": (_l("Place"), "M3 11l9-7 9 7M5 10v10h14V10M10 20v-6h4v6"),
    "heart": (_l("Support"), "M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z"),
    "clock": (_l("Time"), "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 3"),
    "globe": (_l("Languages"), "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"),
    "road": (_l("The way forward"), "M8 21L10 3M16 21L14 3M12 6v2M12 11v2M12 16v2"),
}

# Icons used by the interface itself.
UI_ICONS: dict[str, str] = {
    "agree": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM7.5 12.5l3 3 6-6.5",
    "unsure": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7M12 17h.01",
    "disagree": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM9 9l6 6M15 9l-6 6",
    "speaker": "M4 9h4l5-4v14l-5-4H4zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12",
    "home": "M3 11l9-7 9 7M5 10v10h14V10",
    "logout": "M10 4H5v16h5M14 8l4 4-4 4M18 12H9",
    "check": "M5 12.5l4.5 4.5L19 7",
    "back": "M15 5l-7 7 7 7",
    "pin": "M12 21s-6-5.5-6-11a6 6 0 0 1 12 0c0 5.5-6 11-6 11zM12 12a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
    "lock": "M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3",
    "print": "M7 9V3h10v6M5 9h14v8H5zM8 14h8v7H8z",
    "bell": "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0",
    "bell-off": "M6 16v-5a6 6 0 0 1 9-5.2M18 11v5l2 2H8M10 20a2 2 0 0 0 4 0M3 3l18 18",
    "phone": "M8 3h8a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM11 18h2",
    "mail": "M3 6h18v12H3zM3 6l9 7 9-7",
    "mic": "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M9 21h6",
    "stop": "M7 7h10v10H7z",
    "flag": "M5 21V4M5 4h11l-2 4 2 4H5",
    "pencil": "M4 20l4-1 11-11-3-3L5 16zM14 6l3 3",
    "trash": "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
    "thumb": "M7 11v9H4v-9zM7 11l4-7c1.5 0 2.5 1 2 3l-1 3h6a2 2 0 0 1 2 2.3l-1.2 6A2 2 0 0 1 16.8 20H7",
    "eye-off": "M3 3l18 18M10.6 6.1A9.6 9.6 0 0 1 12 6c5 0 9 6 9 6a16 16 0 0 1-2.6 3.2M6.4 7.5C4.3 9 3 12 3 12s4 6 9 6c1.5 0 2.9-.4 4.1-1.1M9.9 10a3 3 0 0 0 4.2 4.2",
    "plus": "M12 5v14M5 12h14",
    "minus": "M5 12h14",
    "info": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v6M12 7.5v.5",
    "filter": "M4 5h16l-6 7.5V19l-4 2v-8.5z",
    "chart": "M4 20V4M4 20h16M8 16v-5M12 16V8M16 16v-3",
    "no-signal": "M2 8.5a15 15 0 0 1 20 0M5 12a10 10 0 0 1 14 0M8.5 15.5a5 5 0 0 1 7 0M12 19h.01M3 3l18 18",
}

CHOICE_ICONS = {"agree": UI_ICONS["agree"], "unsure": UI_ICONS["unsure"], "disagree": UI_ICONS["disagree"]}


@lru_cache(maxsize=256)
def icon(name: str, cls: str = "icon") -> Markup:
    """The inline SVG for an icon; decorative, since a word always stands beside it."""
    return Markup(
        '<svg class="{}" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="{}"/></svg>'
    ).format(cls, icon_path(name))


def icon_path(name: str) -> str:
    if name in UI_ICONS:
        return UI_ICONS[name]
    return ICONS.get(name, ICONS["idea"])[1]
