"""Every dashboard metric against the hand-made program in dashboard_support, with answers
worked out by hand; and the edge cases: an empty program, all declined, no votes."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from feedback.common.clock import local_today, parse_day
from feedback.dashboards import metrics
from feedback.dashboards.scope import Scope, period_bounds
from feedback.extensions import db
from feedback.threads import services as threads
from feedback.topics.models import Topic
from tests.dashboard_support import TODAY, _decide, _proposal, _votes
from tests.moments import local


def scope_2026(k, topic=None, programs=None) -> Scope:
    return Scope(programs or (k.program.id,), date(2026, 1, 1), TODAY, topic, "custom", TODAY)


def all_time(k) -> Scope:
    return Scope((k.program.id,), None, TODAY, None, "all", TODAY)


# --- the period -----------------------------------------------------------------------------------


def test_period_bounds():
    today = date(2026, 6, 30)
    assert period_bounds("12m", today, None, None) == (date(2025, 7, 1), today)
    assert period_bounds("year", today, None, None) == (date(2026, 1, 1), today)
    assert period_bounds("last_year", today, None, None) == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_bounds("all", today, None, None) == (None, today)
    assert period_bounds("custom", today, date(2026, 5, 1), date(2026, 2, 1)) == (date(2026, 2, 1), date(2026, 5, 1))
    assert period_bounds("custom", today, date(2026, 5, 1), None) == (date(2026, 5, 1), today)
    assert period_bounds("12m", date(2026, 1, 15), None, None) == (date(2025, 2, 1), date(2026, 1, 15))


@pytest.mark.parametrize("raw", ["", "yesterday", "2026-13-01", "1900-01-01", "0001-01-01", "9999-12-31", None, "2026-02-30"])
def test_bad_dates_are_ignored(raw):
    assert parse_day(raw) is None


def test_period_is_the_local_day_in_utc():
    scope = Scope((1,), date(2026, 1, 1), date(2026, 6, 30), timezone="Europe/Stockholm")
    start, end = scope.utc_bounds()
    assert start == datetime(2025, 12, 31, 23)  # midnight in Stockholm, winter time
    assert end == datetime(2026, 6, 30, 22)  # the next midnight, summer time


# --- 1. the loop ----------------------------------------------------------------------------------


def test_loop(known):
    loop = metrics.loop(scope_2026(known))[known.program.id]
    assert (loop.posts, loop.posts_to_proposals) == (4, 2)  # a taken-back post and staff posts do not count
    assert (loop.proposals, loop.from_feedback, loop.voted, loop.decided, loop.changed) == (7, 2, 5, 5, 1)
    # The replaced decision on A3 does not count; its current one (postponed) does.
    assert loop.outcomes == {"accepted": 3, "adapted": 1, "declined": 0, "postponed": 1}


def test_loop_over_all_time_takes_last_year_in(known):
    loop = metrics.loop(all_time(known))[known.program.id]
    assert (loop.proposals, loop.decided, loop.outcomes["declined"]) == (8, 6, 1)


def test_loop_by_topic(known):
    loop = metrics.loop(scope_2026(known, topic=known.work.id))[known.program.id]
    assert (loop.posts, loop.proposals, loop.decided) == (3, 2, 2)


def test_loop_compares_programs_side_by_side(known):
    loops = metrics.loop(scope_2026(known, programs=(known.program.id, known.other.id)))
    assert loops[known.program.id].proposals == 7
    assert (loops[known.other.id].posts, loops[known.other.id].proposals) == (1, 1)


def test_flows_from_topic_through_decision_to_change(known):
    flows = {(f.topic, f.outcome, f.change): f.count for f in metrics.flows(scope_2026(known))}
    assert flows == {
        ("Work", "accepted", "done"): 1,
        ("Practical", "accepted", "none"): 1,
        ("Work", "postponed", "none"): 1,
        ("Practical", "adapted", "in_progress"): 1,
        (None, "accepted", "none"): 1,
    }


# --- 2. influence ---------------------------------------------------------------------------------


def test_changes_by_quarter(known):
    quarters = metrics.changes_by_quarter(scope_2026(known))
    assert [(q.label, q.from_group, q.other) for q in quarters] == [("2026 Q1", 0, 1), ("2026 Q2", 2, 0)]
    assert next((q.label, q.from_group, q.other) for q in metrics.changes_by_quarter(all_time(known))) == (
        "2025 Q4", 0, 1)
    assert metrics.changes_from_group(scope_2026(known)) == {known.program.id: (2, 3)}


def test_agreement_counts_anonymous_ballots_and_leaves_out_the_unclear(known):
    matrix = metrics.agreement(scope_2026(known))
    assert matrix == {
        ("agree", "accepted"): 1,  # A1
        ("disagree", "accepted"): 1,  # A2, anonymous: most said no
        ("tie", "postponed"): 1,  # A3
        ("agree", "adapted"): 1,  # A4
        ("no_votes", "accepted"): 1,  # A5
    }
    assert metrics.followed_majority(matrix) == (2, 3)


def test_follow_ups_per_change(known):
    items = metrics.follow_ups(scope_2026(known))
    assert [(i.title, i.answers, i.total) for i in items] == [("Childcare", {"yes": 2, "a_little": 0, "no": 1}, 3)]


# --- 3. speed -------------------------------------------------------------------------------------


def test_days_from_feedback_to_decision(known):
    spread = metrics.days_to_decision(scope_2026(known))
    assert spread.counts == {40: 1, 45: 1}
    assert spread.median == 42.5


def test_days_from_feedback_to_change_takes_the_first_linked_post(known):
    spread = metrics.days_to_change(scope_2026(known))
    assert spread.counts == {89: 1}  # from 10 January 10:00 (the post behind A1) to 10 April


def test_answer_speed(known):
    result = metrics.answer_speed(scope_2026(known))
    assert result.answered_hours.counts == {48: 1, 456: 1}
    assert (result.waiting, result.asked, result.within_days(14)) == (1, 3, 1)
    assert result.answered_hours.median == 252


@pytest.mark.parametrize(("counts", "median"), [({}, None), ({5: 4}, 5), ({1: 1, 2: 1, 10: 1}, 2),
                                                ({1: 1, 3: 1}, 2), ({0: 3, 100: 1}, 0)])
def test_median_of_a_distribution(counts, median):
    assert metrics.Spread(counts).median == median


def test_buckets():
    spread = metrics.Spread({0: 1, 7: 2, 8: 1, 400: 3})
    assert spread.buckets((7, 30)) == [(0, 7, 3), (8, 30, 1), (31, None, 3)]


# --- 4. participation -----------------------------------------------------------------------------


def test_members_leave_out_those_who_left(known):
    assert metrics.member_counts((known.program.id,)) == {known.program.id: 4}
    assert metrics.languages((known.program.id,)) == {"ar": 2, "en": 1, "sv": 1}


def test_attendance_and_turnout_per_meeting(known):
    scope = scope_2026(known)
    sessions = metrics.sessions(scope)
    assert [(s.title, s.present, s.members, s.proposals, s.ballots) for s in sessions] == [
        ("February", 3, 4, 2, 8), ("May", 2, 4, 2, 6)]  # the planned July meeting is not counted
    assert [(s.attendance, s.turnout) for s in sessions] == [(0.75, 1.0), (0.5, 0.75)]


def test_how_members_found_the_meetings_follows_the_period_and_programs(known):
    from flask_babel import force_locale

    from feedback.dashboards import charts

    with force_locale("en"):
        chart = charts.evaluation_chart(charts.Data(scope_2026(known)))
        both = charts.evaluation_chart(charts.Data(scope_2026(known, programs=(known.program.id, known.other.id))))
    assert [row[:5] for row in chart.rows] == [["February", date(2026, 2, 10), 2, 1, 0], ["May", date(2026, 5, 1), 0, 0, 1]]
    assert [t.y for t in chart.figure.data] == [(2, 0), (1, 0), (0, 1)]
    assert "4 answers about 2 meetings" in chart.sentence and not chart.empty
    spring = Scope((known.program.id,), date(2026, 4, 1), TODAY, None, "custom", TODAY)
    assert [row[0] for row in charts.evaluation_chart(charts.Data(spring)).rows] == ["May"]
    assert both.columns[0] == "Program" and [row[:2] for row in both.rows] == [["Known", "February"], ["Known", "May"]]
    nothing = charts.evaluation_chart(charts.Data(scope_2026(known, programs=(known.other.id,))))
    assert nothing.empty and nothing.rows == []


def test_active_members_per_month(known):
    assert metrics.active_members(scope_2026(known)) == {
        "2026-01": 1, "2026-02": 4, "2026-03": 1, "2026-04": 4, "2026-05": 2, "2026-06": 1}


def test_written_and_voice_posts(known):
    assert metrics.post_kinds(scope_2026(known)) == {
        "2026-01": (1, 0), "2026-02": (0, 1), "2026-03": (1, 0), "2026-06": (1, 0)}


# --- 5. open work ---------------------------------------------------------------------------------


def test_open_work(known):
    work = metrics.open_work(scope_2026(known))[known.program.id]
    assert (work.actions_open, work.actions_overdue, work.proposals_waiting) == (2, 1, 1)
    assert (work.threads_waiting, work.threads_overdue) == (1, 1)


def test_open_work_counts_14_days_from_the_programs_midnight(app, make, time_machine):
    program = make.program()
    member = make.member(program)
    topic = db.session.scalar(db.select(Topic).where(Topic.program_id == program.id))
    # 01:00 on 1 June in Stockholm (23:00 UTC on 31 May).
    time_machine.move_to(local(2027, 6, 1, 1, 0), tick=False)
    threads.start_thread(member, topic, "Who answers?")
    db.session.commit()
    scope = lambda: Scope((program.id,), None, local_today(), None, "all", local_today())  # noqa: E731
    # 00:10 on 15 June: 13 days and 23 hours later, not overdue yet.
    time_machine.move_to(local(2027, 6, 15, 0, 10), tick=False)
    work = metrics.open_work(scope())[program.id]
    assert (work.threads_waiting, work.threads_overdue) == (1, 0)
    # 00:10 on 16 June: started before midnight 14 days ago.
    time_machine.move_to(local(2027, 6, 16, 0, 10), tick=False)
    assert metrics.open_work(scope())[program.id].threads_overdue == 1


def test_group_impact_for_members(known):
    impact = metrics.group_impact([known.program.id])
    assert (impact.voted, impact.said_yes, impact.changes) == (6, 4, 1)
    assert metrics.group_impact([known.other.id]) == metrics.Impact(0, 0, 0)


def test_changes_in_the_report(known):
    lines = metrics.changes_in_period(scope_2026(known))
    assert [(c.title, c.origin, c.status, c.proposals) for c in lines] == [
        ("=Saturday meetings", "expert_group", "in_progress", 0),
        ("Childcare", "expert_group", "done", 1),
        ("New room", "staff", "done", 0),
    ]


# --- edge cases -----------------------------------------------------------------------------------


def test_an_empty_program_gives_zeros_not_errors(app, make):
    program = make.program()
    scope = Scope((program.id,), None, TODAY, None, "all", TODAY)
    loop = metrics.loop(scope)[program.id]
    assert (loop.posts, loop.proposals, loop.decided) == (0, 0, 0)
    assert metrics.flows(scope) == []
    assert metrics.changes_by_quarter(scope) == []
    assert metrics.agreement(scope) == {}
    assert metrics.followed_majority({}) == (0, 0)
    assert metrics.follow_ups(scope) == []
    assert metrics.days_to_decision(scope).median is None
    assert metrics.answer_speed(scope).asked == 0
    assert metrics.sessions(scope) == []
    assert metrics.active_members(scope) == {}
    assert metrics.languages(scope.program_ids) == {}
    assert metrics.open_work(scope)[program.id] == metrics.OpenWork()


def test_all_declined(app, make):
    program = make.program()
    member = make.member(program)
    for title in ("X", "Y"):
        p = _proposal(program, title, datetime(2026, 3, 1), status="decided", closed=datetime(2026, 3, 10))
        _votes(p, [(member, "agree")], datetime(2026, 3, 5))
        _decide(p, "declined", datetime(2026, 3, 20))
    db.session.commit()
    scope = Scope((program.id,), None, TODAY, None, "all", TODAY)
    assert metrics.loop(scope)[program.id].outcomes == {"accepted": 0, "adapted": 0, "declined": 2, "postponed": 0}
    matrix = metrics.agreement(scope)
    assert matrix == {("agree", "declined"): 2}
    assert metrics.followed_majority(matrix) == (0, 2)
    assert {f.change for f in metrics.flows(scope)} == {"none"}
    assert metrics.group_impact([program.id]) == metrics.Impact(2, 0, 0)


def test_text_from_users_reaches_plotly_as_text(known):
    """plotly reads tags in labels: a topic or change title must not become markup in a chart."""
    from feedback.dashboards import charts

    known.work.name = '<a href="javascript:alert(1)">Work</a>'
    known.changes["c1"].title = "<b>Childcare</b> & more"
    db.session.commit()
    data = charts.Data(scope_2026(known))
    flow = charts.flow_chart(data)
    labels = flow.figure.data[0].node.label
    assert '&lt;a href="javascript:alert(1)"&gt;Work&lt;/a&gt;' in labels
    assert not [label for label in labels if "<" in label]
    assert '<a href="javascript:alert(1)">Work</a>' in [row[0] for row in flow.rows]  # the table keeps it as written
    helped = charts.helped_chart(data)
    assert helped.figure.data[0].y == ("&lt;b&gt;Childcare&lt;/b&gt; &amp; more",)
