"""The dashboard, its downloads and the report, as staff, steering and admins use them; filters
from the address; the number of queries does not grow with the data."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from feedback.extensions import db
from feedback.programs.models import Membership
from tests.dashboard_support import MEMBER_NAMES, _change, _decide, _post, _proposal, _thread, _votes

PERIOD = {"period": "custom", "from": "2026-01-01", "to": "2026-06-30"}


@pytest.fixture
def office(known, make, login, client):
    """Staff of the known program, reading in English."""
    user = make.user(known.program, "staff", language="en")
    login(user)
    return user


def get(client, known, path="dashboard", **args):
    return client.get(f"/staff/{known.program.id}/{path}", query_string={**PERIOD, **args})


def text_of(resp) -> str:
    return re.sub(r"\s+", " ", resp.get_data(as_text=True))


def test_the_dashboard_says_each_chart_in_a_sentence(client, known, office):
    page = text_of(get(client, known))
    assert "members wrote 4 feedback posts and 7 proposals were made, 2 of them from feedback" in page
    assert "2 of 3 changes (67%) came from the expert group" in page
    assert "In 2 of 3 decisions (67%), the steering group did what most of the group voted for" in page
    assert "took 42.5 days (median) for 2 proposals" in page
    assert "Staff answered 1 of 3 threads members started (33%) within 14 days" in page
    assert "In 2 meetings, on average 62% of the members came and 88% voted" in page
    assert "4 members use the app in 3 languages" in page
    assert "4 answers about 2 meetings: 50% said the meeting was good" in page
    # plotly.js and the figures: on this page only, with a table behind every chart.
    assert "vendor/plotly.min.js" in page
    assert page.count('class="chart-plot"') >= 10
    assert page.count("<details") == 14


def test_nothing_on_the_dashboard_names_a_member(client, known, office):
    for path in ("dashboard", "report"):
        page = get(client, known, path).get_data(as_text=True)
        assert not [name for name in MEMBER_NAMES if name in page]
    for key in ("loop", "agreement", "attendance", "active", "helped"):
        body = get(client, known, f"dashboard/{key}.csv").get_data(as_text=True)
        assert not [name for name in MEMBER_NAMES if name in body]


def test_htmx_swaps_only_the_charts(client, known, office):
    resp = client.get(f"/staff/{known.program.id}/dashboard", query_string={**PERIOD, "topic": known.work.id},
                      headers={"HX-Request": "true"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert body.lstrip().startswith("<div id=\"dashboard-charts\"")
    assert "<html" not in body
    assert "members wrote 3 feedback posts and 2 proposals were made" in re.sub(r"\s+", " ", body)


def test_the_filters_stay_in_the_links(client, known, office):
    page = get(client, known, topic=known.work.id).get_data(as_text=True)
    assert f"/staff/{known.program.id}/dashboard/loop.csv?period=custom&amp;from=2026-01-01&amp;to=2026-06-30" \
           f"&amp;topic={known.work.id}" in page
    assert f'<option value="{known.work.id}" selected>' in page
    assert '<option value="custom" selected>' in page


@pytest.mark.parametrize("args", [{"period": "forever"}, {"period": "custom", "from": "soon", "to": "2026-99-01"},
                                  {"topic": "abc"}, {"topic": "99999999"}, {"period": "custom", "from": "", "to": ""}])
def test_odd_filters_fall_back_to_defaults(client, known, office, args):
    resp = client.get(f"/staff/{known.program.id}/dashboard", query_string=args)
    assert resp.status_code == 200


def test_an_empty_program_shows_friendly_empty_states(client, make, login):
    program = make.program()
    login(make.user(program, "staff", language="en"))
    page = text_of(client.get(f"/staff/{program.id}/dashboard?period=all"))
    assert page.count("Nothing to show for these filters yet.") == 15
    assert 'class="chart-plot"' not in page
    assert "No program changes are recorded for this period." in page
    assert "No meetings were held in this period." in page
    assert "No member has answered “How was today&#39;s meeting?” about a meeting of this period yet." in page


# --- comparing programs ---------------------------------------------------------------------------


def test_admin_compares_programs_side_by_side(client, known, make, login):
    login(make.user(None, "staff", is_admin=True, language="en"))
    page = text_of(client.get(f"/staff/{known.program.id}/dashboard",
                              query_string={**PERIOD, "compare": known.other.id}))
    assert '<table class="compare">' in page
    assert "<th scope=\"col\">Known</th><th scope=\"col\">Other</th>" in page
    assert "members wrote 5 feedback posts and 8 proposals were made" in page  # both programs together


def test_staff_of_both_programs_may_compare(client, known, office):
    db.session.add(Membership(user_id=office.id, program_id=known.other.id, role="steering"))
    db.session.commit()
    assert get(client, known, compare=known.other.id).status_code == 200


def test_staff_may_not_compare_with_a_program_she_does_not_work_in(client, known, office):
    before = get(client, known, "dashboard/loop.csv").get_data()
    assert get(client, known, compare=known.other.id).status_code == 403
    assert get(client, known, "dashboard/loop.csv", compare=known.other.id).status_code == 403
    assert get(client, known, "report", compare=known.other.id).status_code == 403
    assert get(client, known, "dashboard/loop.csv").get_data() == before


@pytest.mark.parametrize("other", ["999999", "x", "-1"])
def test_unknown_programs_to_compare_are_404(client, known, office, other):
    assert get(client, known, compare=other).status_code == 404


# --- downloads ------------------------------------------------------------------------------------


def test_csv_download_parses_back_to_the_table(client, known, office):
    resp = get(client, known, "dashboard/influence.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert 'filename="known-influence-2026-01-01-2026-06-30.csv"' in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert rows == [["Quarter", "From the expert group", "From elsewhere", "Share"],
                    ["2026 Q1", "0", "1", "0%"], ["2026 Q2", "2", "0", "100%"]]


def test_xlsx_download_parses_back_to_the_table(client, known, office):
    resp = get(client, known, "dashboard/loop.xlsx")
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.get_data())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Step", "Known"]
    assert rows[1:7] == [["Feedback posts", 4], ["Proposals", 7], ["of them from feedback", 2], ["Voted on", 5],
                         ["Decided", 5], ["Change done", 1]]
    assert ["Decided: Accepted", 3] in rows


def test_text_from_users_never_becomes_a_spreadsheet_formula(client, known, office):
    """A change titled "=Saturday meetings" is a text cell in both downloads."""
    report = get(client, known, "report").get_data(as_text=True)
    assert "=Saturday meetings" in report  # shown as it is on the page
    c2 = known.changes["c2"]
    c2.review_on = date(2026, 6, 1)
    db.session.commit()
    body = get(client, known, "dashboard/helped.csv").get_data().decode("utf-8-sig")
    assert "'=Saturday meetings" in body
    sheet = load_workbook(io.BytesIO(get(client, known, "dashboard/helped.xlsx").get_data())).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "Saturday" in c.value]
    assert [(c.value, c.data_type) for c in cells] == [("'=Saturday meetings", "s")]


@pytest.mark.parametrize("path", ["dashboard/nothing.csv", "dashboard/loop.pdf", "dashboard/loop.CSV"])
def test_unknown_downloads_are_404(client, known, office, path):
    assert get(client, known, path).status_code == 404


# --- the report -----------------------------------------------------------------------------------


def test_the_report_lists_changes_with_their_origin(client, known, office):
    page = text_of(get(client, known, "report"))
    assert "How the expert group shaped the program" in page
    assert "css/dashboard.css" in page  # the print stylesheet (A4)
    assert re.search(r"<th scope=\"row\">Childcare</th><td>2026-04-10</td><td>Done</td><td>The expert group</td>", page)
    assert re.search(r"New room</th><td>2026-02-01</td><td>Done</td><td>Staff</td>", page)
    assert "Longer program" not in page  # 2025: outside the period
    assert "Download the numbers" not in page


# --- members --------------------------------------------------------------------------------------


def test_members_see_their_groups_impact_in_big_numbers_without_plotly(client, known, login):
    member = known.members[0]
    member.preferred_language = "en"
    db.session.commit()
    login(member)
    for url in ("/", "/me/ideas"):
        resp = client.get(url, follow_redirects=True)
        page = text_of(resp)
        assert "What our group has done" in page
        assert "<strong>6</strong> <span>proposals we voted on</span>" in page
        assert "<strong>4</strong> <span>proposals got a yes from the steering group</span>" in page
        assert "<strong>1</strong> <span>change in the program came from us</span>" in page
        assert "plotly" not in page
    assert client.get(f"/staff/{known.program.id}/dashboard").status_code == 403


# --- queries do not grow with the data ------------------------------------------------------------


def grow(program, members, staff, topic, rounds: int, start: int = 0) -> None:
    """One month of everything per round: posts, a proposal with named and anonymous votes, a
    decision, a change, a meeting with attendance, an action item."""
    from feedback.changes.models import ChangeFeedback, change_proposals
    from feedback.meetings.models import ActionItem, AgendaItem, Attendance, Meeting
    from feedback.threads.models import ProposalSource

    base = datetime(2024, 1, 1)
    for i in range(start, start + rounds):
        at = base + timedelta(days=30 * i)
        t = _thread(program, members[0], topic, at, answered=at + timedelta(days=i % 20))
        first = _post(t, members[0], at)
        _post(t, members[1], at + timedelta(hours=1), voice=True)
        p = _proposal(program, f"P{i}", at, topic, "member_feedback", "decided", closed=at + timedelta(days=10),
                      anonymous=i % 2 == 0)
        db.session.add(ProposalSource(proposal_id=p.id, post_id=first.id))
        _votes(p, [(m, ("agree", "disagree", "unsure")[(i + j) % 3]) for j, m in enumerate(members)],
               at + timedelta(days=5))
        _decide(p, ("accepted", "adapted", "declined", "postponed")[i % 4], at + timedelta(days=20))
        c = _change(program, f"C{i}", (at + timedelta(days=40)).date(), "done", "expert_group", topic,
                    review_on=(at + timedelta(days=60)).date())
        db.session.execute(change_proposals.insert().values(change_id=c.id, proposal_id=p.id))
        db.session.add(ChangeFeedback(change_id=c.id, user_id=members[0].id, answer="yes"))
        m = Meeting(program_id=program.id, title=f"M{i}", starts_at=at + timedelta(days=3), status="closed")
        db.session.add(m)
        db.session.flush()
        db.session.add(AgendaItem(meeting_id=m.id, proposal_id=p.id))
        db.session.add_all(Attendance(meeting_id=m.id, user_id=u.id) for u in members[: 2 + i % 3])
        db.session.add(ActionItem(program_id=program.id, title="Do", owner="S", due_on=at.date()))
    db.session.commit()


def test_queries_stay_the_same_when_the_data_grows_tenfold(client, make, login, count_queries):
    def queries(url: str) -> int:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    program = make.program()
    members = [make.member(program) for _ in range(4)]
    staff = make.staff(program, language="en")
    topic = program_topic(program)
    login(staff)
    urls = [f"/staff/{program.id}/dashboard?period=all", f"/staff/{program.id}/report?period=all",
            f"/staff/{program.id}/dashboard?period=all&topic={topic.id}",
            f"/staff/{program.id}/dashboard/flow.csv?period=all"]
    grow(program, members, staff, topic, 3)
    small = [queries(url) for url in urls]
    grow(program, members, staff, topic, 27, start=3)
    assert [queries(url) for url in urls] == small
    page = text_of(client.get(urls[0]))
    assert "30 proposals were made" in page  # the data did grow


def program_topic(program):
    from feedback.topics.models import Topic

    topic = Topic(program_id=program.id, name="Growth")
    db.session.add(topic)
    db.session.commit()
    return topic


# --- plotly.js: our own origin, compressed once, cached for a year ----------------------------------


def test_plotly_is_served_compressed_and_cached_for_a_year(app, client):
    from feedback.common.assets import asset_url

    with app.test_request_context():
        url = asset_url("vendor/plotly.min.js")
    size = (Path(app.static_folder) / "vendor/plotly.min.js").stat().st_size
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "br"
    assert len(first.data) < size * 0.4
    assert "max-age=31536000" in first.headers["Cache-Control"]
    assert "immutable" in first.headers["Cache-Control"]
    again = client.get(url, headers={"Accept-Encoding": "br"})
    assert again.data == first.data


def test_only_versioned_static_files_are_kept_compressed(app):
    from feedback.common.static_cache import StaticCache

    cache = StaticCache(max_items=2)
    with app.app_context():
        cache.set("br;-", b"a page")
        assert cache.get("br;-") is None  # pages are never kept
        for n in range(3):
            cache.set(f"br;x{n}.js?v=1", b"x")
        assert cache.get("br;x0.js?v=1") is None  # the oldest made room, and there is no such file to read
        assert cache.get("br;x2.js?v=1") == b"x"
        assert cache.get("br;../feedback/config.py?v=1") is None  # nothing outside static/ is read


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_static_file_is_compressed_once_at_the_strongest_level(app, client, encoding):
    import gzip

    import brotli

    from feedback.common.assets import asset_url

    with app.test_request_context():
        url = asset_url("vendor/htmx.min.js")
    plain = (Path(app.static_folder) / "vendor/htmx.min.js").read_bytes()
    first = client.get(url, headers={"Accept-Encoding": encoding})
    assert first.headers["Content-Encoding"] == encoding
    strongest = brotli.compress(plain, quality=11) if encoding == "br" else gzip.compress(plain, 9, mtime=0)
    assert first.data == strongest
    assert (brotli.decompress(first.data) if encoding == "br" else gzip.decompress(first.data)) == plain
    assert client.get(url, headers={"Accept-Encoding": encoding}).data == first.data


def test_a_page_is_compressed_at_the_fastest_level(app, client):
    import brotli

    page = client.get("/login", headers={"Accept-Encoding": "br"})
    assert page.headers["Content-Encoding"] == "br"
    html = brotli.decompress(page.data)
    assert b"<html" in html
    assert page.data == brotli.compress(html, quality=1)  # not kept: made for this request


def test_attendance_is_of_the_members_there_were_at_the_meeting(client, known, office):
    """Found by a review: a meeting's attendance was divided by today's members, so after two
    women left, February said "3 came of 2 members (150%)"."""
    for member in known.members[2:]:
        db.session.execute(db.update(Membership).where(Membership.user_id == member.id)
                           .values(left_at=datetime(2026, 3, 15, 12)))
    db.session.commit()
    rows = list(csv.reader(io.StringIO(get(client, known, "dashboard/attendance.csv").get_data().decode("utf-8-sig"))))
    by_title = {r[0]: r for r in rows[1:]}
    assert by_title["February"][2:5] == ["3", "4", "75%"]  # all four were members then
    assert by_title["May"][2:5] == ["2", "2", "100%"]  # two were left in May, and both came


def test_a_control_character_in_a_title_does_not_break_the_spreadsheet(client, known, office):
    """Found by a review: a change title pasted from a PDF held \\x02, and the XLSX download was a 500."""
    from feedback.changes.models import ProgramChange

    change = db.session.scalars(db.select(ProgramChange).where(ProgramChange.program_id == known.program.id)).first()
    change.title = "Barnpassning\x02vid varje möte"
    db.session.commit()
    resp = get(client, known, "dashboard/helped.xlsx")
    assert resp.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(resp.get_data())).active.iter_rows(values_only=True) for c in row]
    assert "Barnpassningvid varje möte" in cells
