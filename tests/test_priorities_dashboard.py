"""Priority polls on the dashboard and in its downloads: participation, the first idea, and how
the ranking became a decision and a change."""
from __future__ import annotations

from feedback.changes import services as changes
from feedback.dashboards import metrics
from feedback.dashboards.scope import Scope
from feedback.decisions import services as decisions
from feedback.extensions import db
from feedback.priorities import services as prio
from tests.priority_support import make_poll
from tests.routes_support import client_as, text


def _scope(program_id: int) -> Scope:
    from feedback.common.clock import local_today

    return Scope(program_ids=(program_id,), start=None, end=local_today(), period="all")


def test_participation_and_what_the_ranking_became(app, login, english_world):
    w = english_world
    poll = make_poll(w.prog, title="What first?")
    first, second, _ = poll.options
    prio.add_dot(poll, w.users["member"], second.id)
    prio.add_dot(poll, w.users["member"], second.id)
    prio.add_dot(poll, w.target, first.id)
    item = prio.close_poll(poll, None)
    decision = decisions.decide(w.users["steering"], item, "accepted", "Ja. Vi gör det.")
    changes.create_change(w.users["staff"], w.prog.id, changes.ChangeFields(
        title="Resor", description="Vi åker.", changed_on=changes.today(), status="planned", progress=0,
        origin="expert_group", review_on=None, proposal_ids=(), decision_ids=(decision.id,)))
    make_poll(w.prog, status="draft")  # a draft is not counted
    db.session.commit()
    (line,) = [p for p in metrics.poll_lines(_scope(w.prog.id)) if p.title == "What first?"]
    assert (line.voters, line.dots, line.top, line.outcome, line.change) == (2, 3, "Idea 2", "accepted", "planned")
    staff = client_as(app, login, w, "staff")
    page = text(staff.get(f"/staff/{w.prog.id}/dashboard?period=all"))
    assert "Priority polls" in page and "The steering group decided on 1" in page
    csv = staff.get(f"/staff/{w.prog.id}/dashboard/priorities.csv?period=all").get_data(as_text=True)
    assert "What first?" in csv and "Idea 2" in csv and "Accepted" in csv
