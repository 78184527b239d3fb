"""The member pages as an app on the home screen: the manifest, the service worker and the
offline page, each in the member's language (given in the address, since the service worker
fetches them without her session)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask.wrappers import Response
from flask_babel import force_locale
from flask_babel import gettext as _

from feedback.common import i18n
from feedback.common.assets import asset_url

bp = Blueprint("pwa", __name__)
WORKER = Path(__file__).resolve().parent.parent.parent / "static" / "js" / "sw.js"


def _lang() -> str:
    wanted = request.args.get("lang", "")
    return wanted if wanted in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.route("/manifest.webmanifest")
def manifest():
    lang = _lang()
    with force_locale(lang):
        body = {
            "name": _("Expert group"),
            "short_name": _("Expert group"),
            "description": _("Vote and say what you think about the program."),
            "lang": lang,
            "dir": i18n.text_direction(lang),
            "start_url": url_for("portal.home"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#f3f1ec",
            "theme_color": "#23427a",
            "icons": [
                {"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
                 "purpose": "maskable"},
                {"src": asset_url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        }
    resp = jsonify(body)
    resp.mimetype = "application/manifest+json"
    return resp


@bp.route("/sw.js")
def service_worker():
    # Served from the root so that it may look after every page; never cached for long, so a
    # new version reaches the phones.
    resp = Response(WORKER.read_text(encoding="utf-8"), mimetype="text/javascript")
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.route("/offline")
def offline():
    lang = _lang()
    with force_locale(lang):
        return render_template("offline.html", lang=lang, text_dir=i18n.text_direction(lang))
