from tests.test_property_input import *  # noqa
from tests.test_property_input import form_names, site_map, FORM_SPECS
from tests.routes_support import build_world

def test_names(app, make, login):
    site = site_map(app, make, login)
    w = build_world(make)
    for spec in FORM_SPECS:
        print("\nNAMES", spec.id, [p.id + " as " + r for p, r in site.pages.get(spec.id, [])][:3], form_names(app, login, spec, w, site))
    for k, v in sorted(site.query_keys.items()):
        print("\nQKEYS", k, sorted(v))
