"""The dashboard in a real browser: plotly draws the charts, a filter swaps them through htmx
and keeps the address, the page works without JavaScript, and axe finds nothing serious."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import STAFF_EMAIL, Live, axe_problems

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def staff_browser(browser, browser_context_args, staff_state):
    """One logged-in staff browser for the module: its tabs share the cache, so plotly.js
    (4.6 MB) comes from the server once, as on her computer."""
    context = browser.new_context(**browser_context_args, storage_state=staff_state)
    yield context
    context.close()


@pytest.fixture
def dashboard_tab(staff_browser) -> Page:
    tab = staff_browser.new_page()
    yield tab
    tab.close()


def _funnel(page: Page) -> list[int]:
    plot = page.locator("#chart-loop .chart-plot")
    expect(plot).to_have_attribute("data-drawn", "1")
    expect(plot.locator("svg.main-svg").first).to_be_attached()
    # What plotly drew: the funnel's values as the chart holds them.
    return page.evaluate("() => document.querySelector('#chart-loop .chart-plot').data[0].x")


def test_a_filter_changes_the_charts_without_a_reload(dashboard_tab: Page, live: Live):
    page = dashboard_tab
    page.goto(f"/staff/{live.program_id}/dashboard?period=all")
    before = _funnel(page)
    assert before[1] > 0  # the demo has proposals
    sentence = page.locator("#chart-loop .chart-sentence").inner_text()
    page.evaluate("() => { window.__sameDocument = true; }")

    topic = page.locator("#filter-topic option").nth(1)
    topic_id = topic.get_attribute("value")
    page.locator("#filter-topic").select_option(topic_id)

    expect(page).to_have_url(f"{live.url}/staff/{live.program_id}/dashboard?period=all&from=&to=&topic={topic_id}")
    expect(page.locator("#chart-loop .chart-sentence")).not_to_have_text(sentence)
    after = _funnel(page)
    assert after != before
    assert after[1] < before[1]  # one topic has fewer proposals than all of them
    assert page.evaluate("() => window.__sameDocument") is True  # htmx swapped; the page did not reload

    # The shared address shows the same view when opened fresh.
    page.goto(page.url)
    assert _funnel(page) == after
    expect(page.locator("#filter-topic")).to_have_value(topic_id)


def test_choosing_dates_chooses_the_custom_period(dashboard_tab: Page, live: Live):
    page = dashboard_tab
    page.goto(f"/staff/{live.program_id}/dashboard?period=all")
    _funnel(page)
    page.locator("#filter-from").fill("2001-01-01")
    expect(page).to_have_url(re.compile(r"period=custom&from=2001-01-01"))
    expect(page.locator("#filter-period")).to_have_value("custom")
    page.locator("#filter-to").fill("2001-12-31")
    expect(page).to_have_url(re.compile(r"from=2001-01-01&to=2001-12-31"))
    expect(page.locator("#chart-loop .chart-empty")).to_be_visible()  # nothing happened in 2001
    page.locator("#filter-period").select_option("all")
    expect(page).to_have_url(re.compile(r"period=all&from=&to="))
    expect(page.locator("#filter-from")).to_have_value("")
    expect(page.locator("#chart-loop .chart-plot")).to_be_visible()


def test_the_table_behind_the_toggle_and_the_downloads(dashboard_tab: Page, live: Live):
    page = dashboard_tab
    page.goto(f"/staff/{live.program_id}/dashboard?period=all")
    card = page.locator("#chart-influence")
    table = card.locator("details table")
    expect(table).to_be_hidden()
    card.locator("details summary").click()
    expect(table).to_be_visible()
    expect(table.locator("thead th").first).to_have_text("Kvartal")
    with page.expect_download() as download:
        card.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_the_dashboard_works_without_javascript(log_in_as, live: Live):
    page = log_in_as(STAFF_EMAIL, java_script_enabled=False)
    page.goto(f"/staff/{live.program_id}/dashboard?period=all")
    expect(page.locator("#chart-loop .chart-sentence")).to_be_visible()
    expect(page.locator("#chart-loop svg.main-svg")).to_have_count(0)
    page.locator("#filter-period").select_option("year")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    assert "period=year" in page.url
    expect(page.locator("#filter-period")).to_have_value("year")


def test_dashboard_and_report_are_accessible(dashboard_tab: Page, live: Live):
    page = dashboard_tab
    problems: list[str] = []
    page.goto(f"/staff/{live.program_id}/dashboard?period=all")
    _funnel(page)
    problems += axe_problems(page, "dashboard")
    page.locator("#chart-loop details summary").click()
    problems += axe_problems(page, "dashboard with a table open")
    page.goto(f"/staff/{live.program_id}/dashboard?period=custom&from=2001-01-01&to=2001-12-31")
    expect(page.locator(".chart-empty").first).to_be_visible()
    problems += axe_problems(page, "dashboard, empty period")
    page.goto(f"/staff/{live.program_id}/report?period=all")
    _funnel(page)
    problems += axe_problems(page, "report")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


def test_the_report_prints_on_a4(dashboard_tab: Page, live: Live):
    page = dashboard_tab
    page.goto(f"/staff/{live.program_id}/report?period=all")
    _funnel(page)
    page.emulate_media(media="print")
    expect(page.locator(".staff-nav")).to_be_hidden()
    expect(page.locator(".report-actions")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2
