"""Template strings come in the language in force: the page's, or the one force_locale sets for
a while (the manifest, the offline page), and the page's again afterwards."""
from __future__ import annotations

from flask_babel import force_locale


def test_template_strings_follow_the_language_in_force(app):
    template = app.jinja_env.from_string('{{ _("Send my vote") }}|{{ ngettext("%(num)s person voted.", '
                                         '"%(num)s people voted.", 2) }}')
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        assert template.render().startswith("إرسال صوتي|")
        with force_locale("sv"):
            assert template.render() == "Skicka min röst|2 personer har röstat."
            with force_locale("en"):
                assert template.render() == "Send my vote|2 people voted."
            assert template.render().startswith("Skicka min röst|")
        assert template.render().startswith("إرسال صوتي|")

