"""The dashboards' figures and the plotly.js that draws them come from the same plotly package:
the figures are plotly graph objects, written by plotly.io, without plotly's default template,
and the page loads the plotly.js bundle that package carries, byte for byte."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from tests.dashboard_support import build_known

PACKAGE_PLOTLY_JS = Path(os.path.dirname(plotly.__file__)) / "package_data" / "plotly.min.js"
FIGURE_BLOCK = re.compile(r'<script type="application/json" id="fig-([a-z_]+)">(.*?)</script>', re.S)


@pytest.fixture
def dashboard_program(app, make, login):
    known = build_known()
    login(make.user(known.program, "staff", language="en"))
    return known.program


def _blocks(client, program, path: str = "dashboard") -> dict[str, str]:
    resp = client.get(f"/staff/{program.id}/{path}", query_string={"period": "all"})
    assert resp.status_code == 200
    return dict(FIGURE_BLOCK.findall(resp.get_data(as_text=True)))


def test_the_served_plotly_js_is_the_plotly_packages_own(app, client):
    from feedback.common.assets import asset_url

    with app.test_request_context():
        url = asset_url("vendor/plotly.min.js")
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.headers.get("Content-Encoding") is None
    assert resp.get_data() == PACKAGE_PLOTLY_JS.read_bytes()


@pytest.mark.parametrize("path", ["dashboard", "report"])
def test_each_figure_is_what_plotly_io_writes_of_a_go_figure(client, dashboard_program, path):
    blocks = _blocks(client, dashboard_program, path)
    assert len(blocks) >= 10
    for key, text in blocks.items():
        figure = json.loads(text)
        assert "template" not in figure["layout"], key  # plotly's default template is about 9 KB a chart
        assert "<" not in text, key  # nothing in the block can end it
        # plotly reads it back as a valid figure (every property in the schema of the plotly.js it
        # carries) and writes the very same text again.
        again = pio.from_json(text, skip_invalid=False)
        again.layout.template = None
        assert pio.to_json(again) == text, key


def test_the_charts_hold_graph_objects(app, dashboard_program):
    from feedback.changes.services import today as changes_today
    from feedback.dashboards import charts
    from feedback.dashboards.scope import Scope

    with app.test_request_context():
        today = changes_today()
        data = charts.Data(Scope((dashboard_program.id,), None, today, None, "all", today))
        built = [chart for section in charts.sections(data) for chart in section.charts if chart.figure is not None]
        assert len(built) >= 10
        for chart in built:
            assert isinstance(chart.figure, go.Figure)
            assert chart.figure.layout.template is None or not chart.figure.layout.template.to_plotly_json()
            assert str(chart.figure_json) == pio.to_json(chart.figure)
