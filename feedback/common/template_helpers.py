"""What every template can use: the language and its direction, labels, icons, filters."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from feedback.audit.labels import security_kind_label
from feedback.common import i18n
from feedback.common.assets import asset_url
from feedback.common.i18n import page_translations
from feedback.common.icons import CHOICE_ICONS, ICONS, icon, icon_path
from feedback.common.lix import readability
from feedback.common.text import linkify
from feedback.meetings.labels import action_button_label, action_label
from feedback.outbox.labels import channel_label, state_label
from feedback.programs.labels import role_label
from feedback.proposals.labels import status_label
from feedback.votes.labels import CHOICE_LABELS, count_words

LIX_BANDS = {
    "very_easy": _l("very easy"),
    "easy": _l("easy"),
    "medium": _l("medium"),
    "hard": _l("hard"),
    "very_hard": _l("very hard"),
}


def lix_band_label(band: str) -> str:
    return str(LIX_BANDS[band])


def _unread_news() -> int:
    """The badge in the menu: called only by the pages that show it."""
    if not current_user.is_authenticated:
        return 0
    from feedback.notifications.services import unread_count

    if "unread_news" not in g:
        g.unread_news = unread_count(current_user)
    return g.unread_news


def poll_trigger(kind: str) -> str:
    """htmx's trigger for a page part that asks for news every POLL_SECONDS[kind] seconds."""
    return f"every {round(current_app.config['POLL_SECONDS'][kind] * 1000)}ms"


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _wallclock(value, fmt: str = "medium"):
    # Meeting times are stored as the program's wall-clock time: show them as they are.
    return format_datetime(value, fmt, rebase=False)


def init_app(app: Flask) -> None:
    @app.context_processor
    def template_helpers():
        lang = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "lang": lang,
            "text_dir": i18n.text_direction(lang),
            "languages": i18n.languages,
            "language_info": i18n.language_info,
            "language_name": lambda code: i18n.language_name(code, lang),
            "asset": asset_url,
            "ICONS": ICONS,
            "icon_path": icon_path,
            "status_label": status_label,
            "role_label": role_label,
            "security_kind_label": security_kind_label,
            "action_label": action_label,
            "action_button_label": action_button_label,
            "CHOICE_ICONS": CHOICE_ICONS,
            "unread_news": _unread_news,
        }

    app.jinja_env.globals["g"] = g
    app.jinja_env.install_gettext_callables(  # in place of Flask-Babel's, which look up the catalog each time
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # For the shared macros, which are imported without the page's context (see _macros.html).
    app.jinja_env.globals["page_lang"] = lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
    app.jinja_env.globals["language_name_in"] = i18n.language_name
    app.jinja_env.globals["icon"] = icon
    app.jinja_env.globals["poll_trigger"] = poll_trigger
    app.jinja_env.globals["outbox_channel_label"] = channel_label
    app.jinja_env.globals["outbox_state_label"] = state_label
    app.jinja_env.globals["choice_label"] = lambda choice: str(CHOICE_LABELS.get(choice, choice))
    app.jinja_env.globals["count_words"] = count_words
    app.jinja_env.globals["readability"] = readability
    app.jinja_env.globals["lix_band_label"] = lix_band_label
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["reject_page"] = lambda args: {k: v for k, v in args.items() if k != "page"}
    app.jinja_env.filters["duration"] = _duration
    app.jinja_env.filters["wallclock"] = _wallclock
