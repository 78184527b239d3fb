"""Which language a page is shown in, and facts about each language."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_translations
from flask_login import current_user


@lru_cache(maxsize=64)
def language_info(code: str) -> tuple[str, str]:
    """(native name, text direction) from CLDR, so a new language needs no code."""
    loc = Locale.parse(code)
    name = loc.get_display_name(loc) or code
    return name[:1].upper() + name[1:], loc.text_direction


def language_name(code: str, reader: str) -> str:
    """A language named in the reader's language, with its own name beside it when that differs:
    "arabiska (العربية)". The reader understands the first; the second helps the one who speaks it."""
    native = language_info(code)[0]
    try:
        local = Locale.parse(code).get_display_name(Locale.parse(reader)) or native
    except (ValueError, UnknownLocaleError):
        return native
    return local if local.lower() == native.lower() else f"{local} ({native})"


def languages() -> list[tuple[str, str]]:
    return [(code, language_info(code)[0]) for code in current_app.config["LANGUAGES"]]


def select_locale() -> str:
    offered = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and services outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.preferred_language in offered:
        return current_user.preferred_language
    chosen = session.get("lang")
    if chosen in offered:
        return chosen
    return request.accept_languages.best_match(offered) or current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction(code: str) -> str:
    return language_info(code)[1]


def translation_languages() -> list[str]:
    """The languages content can be translated into: every one offered but the source, Swedish."""
    source = current_app.config["BABEL_DEFAULT_LOCALE"]
    return [code for code in current_app.config["LANGUAGES"] if code != source]


def translation_forms(form_class, translations, prefix: str = "{}") -> dict:
    """One small form per translation language, filled from the record's translations on GET
    and from the posted form otherwise."""
    existing = {t.language: t for t in translations}
    return {
        code: form_class(prefix=prefix.format(code), obj=existing.get(code) if request.method == "GET" else None)
        for code in translation_languages()
    }


def page_translations():
    """The catalog for the language in force. Flask-Babel looks it up anew for every string (its
    request namespace, the locale, the cache key), which was a third of rendering the vote panel;
    here it is kept on that namespace per locale, so force_locale (an e-mail or a calendar file in
    her language) still switches it."""
    ns = g.get("_flask_babel")
    locale = getattr(ns, "babel_locale", None)
    if locale is None:  # the first string of the request: Flask-Babel picks the language
        return get_translations()
    kept = getattr(ns, "page_translations", None)
    if kept is None or kept[0] is not locale:
        kept = (locale, get_translations())
        ns.page_translations = kept
    return kept[1]
