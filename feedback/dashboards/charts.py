"""Each dashboard chart: a title, one plain sentence with the numbers, the data as a table, and
a plotly figure, built with plotly's graph objects (which check every property against the
schema of the plotly.js the plotly package carries, the one the pages load) and sent to the
browser as `plotly.io.to_json` writes it.

The table is the chart's data itself: the page shows it behind a toggle, and the CSV and XLSX
downloads are made from it, so the three can never disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import plotly.graph_objects as go
import plotly.io as pio
from flask_babel import format_date, format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from feedback.changes.labels import HELPED_LABELS, STATUS_LABELS
from feedback.common.i18n import language_name
from feedback.dashboards import metrics
from feedback.dashboards.scope import Scope
from feedback.decisions.labels import OUTCOME_LABELS
from feedback.decisions.models import Outcome
from feedback.priorities.labels import POLL_STATUS_LABELS
from feedback.understanding import evaluation

# Colours told apart by people with the common colour-vision deficiencies; every chart also
# carries its numbers as text, so no value is told by colour alone.
BLUE, ORANGE, GREEN, PURPLE, GREY = "#1f5fa8", "#c25e00", "#2e7d32", "#6a3d9a", "#6b6b6b"
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, "#8c564b", "#0f7c7c", GREY)

MAJORITY_LABELS = {
    "agree": _l("Most said yes"),
    "disagree": _l("Most said no"),
    "unsure": _l("Most were not sure"),
    "tie": _l("No clear majority"),
    "no_votes": _l("No votes"),
}
CHANGE_LABELS = {
    "none": _l("No change yet"),
    "planned": STATUS_LABELS["planned"],
    "in_progress": STATUS_LABELS["in_progress"],
    "done": STATUS_LABELS["done"],
}
SPEED_EDGES = (7, 30, 90, 180, 365)


@dataclass
class Chart:
    key: str
    title: str
    sentence: str
    columns: list[str]
    rows: list[list]
    figure: go.Figure | None = None
    empty: bool = False
    note: str = ""  # what the filters do not apply to, and the like

    @property
    def figure_json(self) -> Markup:
        """The figure for the page's `<script type="application/json">` block. plotly.io writes
        <, > and / as \\u escapes, so no text in it can end the block."""
        return Markup(pio.to_json(self.figure))


@dataclass
class Section:
    key: str
    title: str
    charts: list[Chart] = field(default_factory=list)


class Data:
    """The metrics of one scope, each counted once however many charts use it."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @cached_property
    def names(self) -> dict[int, str]:
        return metrics.program_names(self.scope.program_ids)

    @cached_property
    def loop(self) -> dict[int, metrics.Loop]:
        return metrics.loop(self.scope)

    @cached_property
    def loop_total(self) -> metrics.Loop:
        total = metrics.Loop()
        for item in self.loop.values():
            for name in ("posts", "posts_to_proposals", "proposals", "from_feedback", "voted", "decided", "changed"):
                setattr(total, name, getattr(total, name) + getattr(item, name))
            for outcome, n in item.outcomes.items():
                total.outcomes[outcome] += n
        return total

    @cached_property
    def quarters(self) -> list[metrics.Quarter]:
        return metrics.changes_by_quarter(self.scope)

    @cached_property
    def members(self) -> dict[int, int]:
        return metrics.member_counts(self.scope.program_ids)

    @cached_property
    def open_work(self) -> dict[int, metrics.OpenWork]:
        return metrics.open_work(self.scope)


def _plain(text: str) -> str:
    """Text from users as plotly shows it: plotly reads tags like <b> or <a href> in labels, so
    a topic or a change title must reach it with those characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pct(part: int | float, whole: int | float) -> str:
    return format_percent(part / whole if whole else 0)


def period_phrase(scope: Scope) -> str:
    if scope.period == "year":
        return _("In %(year)s so far", year=scope.today.year)
    if scope.period == "last_year":
        return _("In %(year)s", year=scope.today.year - 1)
    if scope.period == "all":
        return _("Since the start")
    if scope.period == "custom":
        if scope.start:
            return _("From %(start)s to %(end)s", start=format_date(scope.start), end=format_date(scope.end))
        return _("Until %(end)s", end=format_date(scope.end))
    return _("In the last 12 months")


def _figure(traces: list, **layout) -> go.Figure:
    """A figure of these traces in the dashboards' layout, without a template: plotly.py would
    copy its default one (about 9 KB of JSON) into every figure, and plotly.js needs none. The
    layout goes in as a dict, so that go.Figure checks it once."""
    figure = go.Figure(data=traces, layout={**_layout(**layout), "template": {}})
    figure.layout.template = None
    return figure


def _layout(**extra) -> dict:
    layout = {
        "margin": {"l": 48, "r": 16, "t": 8, "b": 48},
        "height": 320,
        "font": {"family": "system-ui, sans-serif", "size": 14, "color": "#1a1a1a"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.2},
        "separators": ", " if str(get_locale()) == "sv" else ".,",
    }
    layout.update(extra)
    return layout


# --- the loop -------------------------------------------------------------------------------------


def _stages() -> list[tuple[str, str]]:
    return [
        ("posts", _("Feedback posts")),
        ("proposals", _("Proposals")),
        ("voted", _("Voted on")),
        ("decided", _("Decided")),
        ("changed", _("Change done")),
    ]


def loop_chart(data: Data) -> Chart:
    scope, total = data.scope, data.loop_total
    stages = _stages()
    traces = []
    for i, pid in enumerate(scope.program_ids):
        item = data.loop[pid]
        traces.append(go.Funnel(
            name=_plain(data.names.get(pid, "")),
            y=[label for _key, label in stages],
            x=[getattr(item, key) for key, _label in stages],
            textinfo="value",
            marker={"color": PALETTE[i % len(PALETTE)]},
            connector={"line": {"color": GREY, "width": 1}},
        ))
    columns = [_("Step")] + [data.names.get(pid, "") for pid in scope.program_ids]
    rows = [[label] + [getattr(data.loop[pid], key) for pid in scope.program_ids] for key, label in stages]
    rows.insert(2, [_("of them from feedback")] + [data.loop[pid].from_feedback for pid in scope.program_ids])
    for outcome in Outcome:
        rows.append([_("Decided: %(outcome)s", outcome=OUTCOME_LABELS[outcome])]
                    + [data.loop[pid].outcomes[outcome] for pid in scope.program_ids])
    sentence = _(
        "%(period)s, members wrote %(posts)s feedback posts and %(proposals)s proposals were made, "
        "%(from_feedback)s of them from feedback. %(voted)s were voted on, %(decided)s decided, "
        "and %(changed)s led to a change that is done.",
        period=period_phrase(scope), posts=total.posts, proposals=total.proposals,
        from_feedback=total.from_feedback, voted=total.voted, decided=total.decided, changed=total.changed,
    )
    return Chart(
        "loop", _("From feedback to change"), sentence, columns, rows,
        _figure(traces, margin={"l": 8, "r": 16, "t": 8, "b": 32}, yaxis={"automargin": True},
                showlegend=scope.comparing, funnelmode="group"),
        empty=not (total.posts or total.proposals),
    )


def flow_chart(data: Data) -> Chart:
    flows = metrics.flows(data.scope)
    no_topic = _("No topic")
    topics = sorted({f.topic or no_topic for f in flows})
    outcomes = [o.value for o in Outcome]
    changes = list(metrics.CHANGE_RANK.values())
    labels = topics + [str(OUTCOME_LABELS[o]) for o in outcomes] + [str(CHANGE_LABELS[c]) for c in changes]
    index_outcome = {o: len(topics) + i for i, o in enumerate(outcomes)}
    index_change = {c: len(topics) + len(outcomes) + i for i, c in enumerate(changes)}
    links: dict[tuple[int, int], int] = {}
    for f in flows:
        a, b, c = topics.index(f.topic or no_topic), index_outcome[f.outcome], index_change[f.change]
        links[(a, b)] = links.get((a, b), 0) + f.count
        links[(b, c)] = links.get((b, c), 0) + f.count
    decided = sum(f.count for f in flows)
    said_yes = sum(f.count for f in flows if f.outcome in (Outcome.ACCEPTED, Outcome.ADAPTED))
    done = sum(f.count for f in flows if f.outcome in (Outcome.ACCEPTED, Outcome.ADAPTED) and f.change == "done")
    sentence = _(
        "Of %(decided)s decided proposals, %(yes)s were accepted (%(share)s), and %(done)s of those led to a "
        "change that is done.",
        decided=decided, yes=said_yes, share=_pct(said_yes, decided), done=done,
    )
    figure = _figure(
        [go.Sankey(
            arrangement="snap",
            node={"label": [_plain(label) for label in labels], "pad": 14, "thickness": 16,
                  "color": [BLUE] * len(topics) + [ORANGE] * len(outcomes) + [GREEN] * len(changes)},
            link={"source": [a for a, _b in links], "target": [b for _a, b in links],
                  "value": list(links.values()), "color": "rgba(31,95,168,0.25)"},
        )],
        margin={"l": 8, "r": 8, "t": 8, "b": 8}, height=380,
    )
    rows = [[f.topic or no_topic, str(OUTCOME_LABELS[f.outcome]), str(CHANGE_LABELS[f.change]), f.count] for f in flows]
    return Chart("flow", _("Topic, decision and change"), sentence,
                 [_("Topic"), _("Decision"), _("Program change"), _("Proposals")], rows, figure, empty=not flows)


# --- influence ------------------------------------------------------------------------------------


def influence_chart(data: Data) -> Chart:
    quarters = data.quarters
    from_group = sum(q.from_group for q in quarters)
    total = sum(q.total for q in quarters)
    labels = [q.label for q in quarters]
    figure = _figure(
        [
            go.Bar(name=_("From the expert group"), x=labels, y=[q.from_group for q in quarters],
                   marker={"color": BLUE}, text=[q.from_group or "" for q in quarters], textposition="inside"),
            go.Bar(name=_("From elsewhere"), x=labels, y=[q.other for q in quarters],
                   marker={"color": GREY, "pattern": {"shape": "/"}}, text=[q.other or "" for q in quarters],
                   textposition="inside"),
        ],
        barmode="stack", yaxis={"title": {"text": _("Changes")}, "rangemode": "tozero"},
    )
    rows = [[q.label, q.from_group, q.other, _pct(q.from_group, q.total)] for q in quarters]
    sentence = _("%(period)s, %(group)s of %(total)s changes (%(share)s) came from the expert group.",
                 period=period_phrase(data.scope), group=from_group, total=total, share=_pct(from_group, total))
    if not total:
        sentence = _("No program changes are recorded for this period.")
    return Chart("influence", _("Changes that came from the expert group"), sentence,
                 [_("Quarter"), _("From the expert group"), _("From elsewhere"), _("Share")], rows, figure,
                 empty=not total)


def agreement_chart(data: Data) -> Chart:
    matrix = metrics.agreement(data.scope)
    followed, clear = metrics.followed_majority(matrix)
    majorities = [m for m in metrics.MAJORITIES if any(k[0] == m for k in matrix)] or ["agree", "disagree"]
    outcomes = list(Outcome)
    z = [[matrix.get((m, o.value), 0) for o in outcomes] for m in majorities]
    figure = _figure(
        [go.Heatmap(
            x=[str(OUTCOME_LABELS[o]) for o in outcomes],
            y=[str(MAJORITY_LABELS[m]) for m in majorities],
            z=z,
            text=[[str(v) for v in row] for row in z],
            texttemplate="%{text}",
            textfont={"size": 16},
            colorscale=[[0, "#f4f7fb"], [1, "#7fa6d6"]],
            showscale=False,
            zsmooth=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y} → %{x}: %{z}<extra></extra>",
        )],
        margin={"l": 8, "r": 16, "t": 8, "b": 64}, height=260,
        yaxis={"autorange": "reversed", "automargin": True}, xaxis={"automargin": True},
    )
    rows = [[str(MAJORITY_LABELS[m]), *row] for m, row in zip(majorities, z, strict=True)]
    if clear:
        sentence = _("In %(followed)s of %(clear)s decisions (%(share)s), the steering group did what most of "
                     "the group voted for.", followed=followed, clear=clear, share=_pct(followed, clear))
    else:
        sentence = _("No decision yet where the group had a clear yes or no.")
    return Chart("agreement", _("The group's vote and the decision"), sentence,
                 [_("The group's vote")] + [str(OUTCOME_LABELS[o]) for o in outcomes], rows, figure,
                 empty=not matrix,
                 note=_("Postponed decisions and votes without a clear majority are not counted in the share."))


def helped_chart(data: Data) -> Chart:
    items = metrics.follow_ups(data.scope)
    answers = {k: sum(i.answers[k] for i in items) for k in ("yes", "a_little", "no")}
    total = sum(answers.values())
    colours = {"yes": GREEN, "a_little": ORANGE, "no": PURPLE}
    titles = [_plain(i.title) for i in items]
    figure = _figure(
        [
            go.Bar(orientation="h", name=str(HELPED_LABELS[k]), y=titles,
                   x=[i.answers[k] for i in items], marker={"color": colours[k]},
                   text=[i.answers[k] or "" for i in items], textposition="inside")
            for k in ("yes", "a_little", "no")
        ],
        barmode="stack", margin={"l": 8, "r": 16, "t": 8, "b": 48},
        height=max(200, 60 + 48 * len(items)), yaxis={"automargin": True},
    )
    sentence = ngettext(
        "%(num)s answer about %(changes)s changes: %(yes)s yes, %(little)s a little, %(no)s no.",
        "%(num)s answers about %(changes)s changes: %(yes)s yes, %(little)s a little, %(no)s no.",
        total, changes=len(items), yes=answers["yes"], little=answers["a_little"], no=answers["no"],
    )
    if not total:
        sentence = _("No member has answered “Did this change help?” about a change of this period yet.")
    rows = [[i.title, i.answers["yes"], i.answers["a_little"], i.answers["no"]] for i in items]
    return Chart("helped", _("Did the change help?"), sentence,
                 [_("Program change")] + [str(HELPED_LABELS[k]) for k in ("yes", "a_little", "no")], rows, figure,
                 empty=not total)


# --- speed ----------------------------------------------------------------------------------------


def _range_label(low: int, high: int | None) -> str:
    if high is None:
        return _("more than %(days)s days", days=low - 1)
    return _("%(low)s–%(high)s days", low=low, high=high)


def _days(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, format="#,##0.#")


def _speed_chart(key: str, title: str, spread: metrics.Spread, sentence: str, unit: str) -> Chart:
    buckets = spread.buckets(SPEED_EDGES)
    labels = [_range_label(low, high) for low, high, _n in buckets]
    figure = _figure(
        [go.Bar(x=labels, y=[n for *_r, n in buckets], marker={"color": BLUE},
                text=[n or "" for *_r, n in buckets], textposition="outside")],
        yaxis={"title": {"text": unit}, "rangemode": "tozero"},
    )
    rows = [[label, n] for label, (*_r, n) in zip(labels, buckets, strict=True)]
    return Chart(key, title, sentence, [_("Days"), unit], rows, figure, empty=not spread.n)


def to_decision_chart(data: Data) -> Chart:
    spread = metrics.days_to_decision(data.scope)
    sentence = ngettext(
        "From the first feedback to the decision took %(median)s days (median) for %(num)s proposal.",
        "From the first feedback to the decision took %(median)s days (median) for %(num)s proposals.",
        spread.n, median=_days(spread.median),
    ) if spread.n else _("No proposal of this period has both feedback it came from and a decision yet.")
    return _speed_chart("to_decision", _("Days from feedback to decision"), spread, sentence, _("Proposals"))


def to_change_chart(data: Data) -> Chart:
    spread = metrics.days_to_change(data.scope)
    sentence = ngettext(
        "From the first feedback to the change done took %(median)s days (median) for %(num)s change.",
        "From the first feedback to the change done took %(median)s days (median) for %(num)s changes.",
        spread.n, median=_days(spread.median),
    ) if spread.n else _("No change done in this period is linked to feedback yet.")
    return _speed_chart("to_change", _("Days from feedback to change"), spread, sentence, _("Changes"))


ANSWER_EDGES = ((0, 23), (24, 71), (72, 167), (168, 335))


def answers_chart(data: Data) -> Chart:
    result = metrics.answer_speed(data.scope)
    hours = result.answered_hours
    labels = [_("within a day"), _("1–3 days"), _("3–7 days"), _("7–14 days"), _("more than 14 days"),
              _("no answer yet")]
    counts = [sum(c for h, c in hours.counts.items() if low <= h <= high) for low, high in ANSWER_EDGES]
    counts += [sum(c for h, c in hours.counts.items() if h >= 336), result.waiting]
    colours = [GREEN] * 4 + [ORANGE, PURPLE]
    figure = _figure(
        [go.Bar(x=labels, y=counts, marker={"color": colours}, text=[n or "" for n in counts],
                textposition="outside")],
        yaxis={"title": {"text": _("Threads")}, "rangemode": "tozero"},
    )
    within = result.within_days(14)
    median = hours.median
    sentence = _(
        "Staff answered %(within)s of %(asked)s threads members started (%(share)s) within 14 days; "
        "the median time to an answer was %(days)s days.",
        within=within, asked=result.asked, share=_pct(within, result.asked),
        days=_days(None if median is None else round(median / 24, 1)),
    )
    if not result.asked:
        sentence = _("Members started no threads in this period.")
    elif median is None:
        sentence = _("No thread members started in this period has an answer yet (%(num)s waiting).", num=result.waiting)
    return Chart("answers", _("How fast members get an answer"), sentence, [_("Time to answer"), _("Threads")],
                 [[label, n] for label, n in zip(labels, counts, strict=True)], figure, empty=not result.asked)


# --- participation --------------------------------------------------------------------------------


def _name_programs(data: Data, columns: list[str], rows: list[list], program_ids: list[int]) -> None:
    """When programs are compared, each row of the table starts with its program's name."""
    if data.scope.comparing:
        columns.insert(0, _("Program"))
        for row, pid in zip(rows, program_ids, strict=True):
            row.insert(0, data.names.get(pid, ""))


def attendance_chart(data: Data) -> Chart:
    sessions = metrics.sessions(data.scope)
    traces = []
    for i, pid in enumerate(data.scope.program_ids):
        mine = [s for s in sessions if s.program_id == pid]
        suffix = f" – {_plain(data.names.get(pid, ''))}" if data.scope.comparing else ""
        colour = PALETTE[i % len(PALETTE)]
        traces.append(go.Scatter(mode="lines+markers", name=_("Came to the meeting") + suffix,
                                 x=[s.day for s in mine], y=[_ratio(s.attendance) for s in mine],
                                 line={"color": colour}, marker={"symbol": "circle", "size": 9}))
        traces.append(go.Scatter(mode="lines+markers", name=_("Voted on the proposals") + suffix,
                                 x=[s.day for s in mine], y=[_ratio(s.turnout) for s in mine],
                                 line={"color": colour, "dash": "dash"}, marker={"symbol": "square", "size": 9}))
    figure = _figure(traces, yaxis={"title": {"text": "%"}, "range": [0, 105]})
    came = [s.attendance for s in sessions if s.attendance is not None]
    voted = [s.turnout for s in sessions if s.turnout is not None]
    sentence = ngettext(
        "In %(num)s meeting, on average %(came)s of the members came and %(voted)s voted.",
        "In %(num)s meetings, on average %(came)s of the members came and %(voted)s voted.",
        len(sessions), came=format_percent(sum(came) / len(came)) if came else "–",
        voted=format_percent(sum(voted) / len(voted)) if voted else "–",
    ) if sessions else _("No meetings were held in this period.")
    rows = [[s.title, s.day, s.present, s.members, _fmt_ratio(s.attendance), s.proposals, s.ballots,
             _fmt_ratio(s.turnout)] for s in sessions]
    columns = [_("Meeting"), _("Date"), _("Came"), _("Members"), _("Attendance"), _("Proposals voted on"),
               _("Votes"), _("Turnout")]
    _name_programs(data, columns, rows, [s.program_id for s in sessions])
    return Chart("attendance", _("Attendance and votes per meeting"), sentence, columns, rows, figure,
                 empty=not sessions, note=_("The topic filter does not apply here."))


def date_polls_chart(data: Data) -> Chart:
    from feedback.datepolls.services import participation

    polls = participation(data.scope.program_ids, *data.scope.utc_bounds())
    shares = [p.answered / data.members[p.program_id] if data.members.get(p.program_id) else None for p in polls]
    labels = [f"{p.title} ({format_date(p.created_at, 'd MMM y')})" for p in polls]
    figure = _figure(
        [go.Bar(x=labels, y=[_ratio(s) for s in shares], marker={"color": GREEN, "pattern": {"shape": "/"}},
                text=[p.answered for p in polls], textposition="outside")],
        xaxis={"type": "category"}, yaxis={"title": {"text": "%"}, "range": [0, 105]},
    )
    known = [s for s in shares if s is not None]
    sentence = ngettext(
        "%(num)s date poll for a meeting; on average %(share)s of the members answered.",
        "%(num)s date polls for meetings; on average %(share)s of the members answered.",
        len(polls), share=format_percent(sum(known) / len(known)) if known else "–",
    ) if polls else _("No date polls were opened in this period.")
    rows = [[p.title, format_date(p.created_at, "yyyy-MM-dd"), p.answered, data.members.get(p.program_id, 0),
             _fmt_ratio(s)] for p, s in zip(polls, shares, strict=True)]
    columns = [_("Date poll"), _("Opened"), _("Answered"), _("Members"), _("Share")]
    _name_programs(data, columns, rows, [p.program_id for p in polls])
    return Chart("date_polls", _("Members who answered date polls"), sentence, columns, rows, figure,
                 empty=not polls, note=_("The topic filter does not apply here."))


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _fmt_ratio(value: float | None) -> str:
    return "–" if value is None else format_percent(value)


def active_chart(data: Data) -> Chart:
    months = metrics.active_members(data.scope)
    labels, counts = list(months), list(months.values())
    figure = _figure(
        [go.Bar(x=labels, y=counts, marker={"color": BLUE}, text=counts, textposition="outside")],
        xaxis={"type": "category"}, yaxis={"title": {"text": _("Members")}, "rangemode": "tozero"},
    )
    average = round(sum(counts) / len(counts), 1) if counts else 0
    sentence = _("On average %(average)s members took part each month (wrote, voted or came to a meeting).",
                 average=format_decimal(average, format="#,##0.#")) if counts else _("No member took part in this period.")
    return Chart("active", _("Active members per month"), sentence, [_("Month"), _("Members")],
                 [[m, n] for m, n in months.items()], figure, empty=not months,
                 note=_("The topic filter does not apply here."))


def priorities_chart(data: Data) -> Chart:
    """Priority polls: how many members gave their dots, what came first, and where it led."""
    lines = metrics.poll_lines(data.scope)
    traces = []
    for i, pid in enumerate(data.scope.program_ids):
        mine = [p for p in lines if p.program_id == pid]
        members = data.members.get(pid, 0)
        shares = [_ratio(p.voters / members) if members else None for p in mine]
        traces.append(go.Bar(name=_plain(data.names.get(pid, "")), x=[_plain(p.title) for p in mine], y=shares,
                             marker={"color": PALETTE[i % len(PALETTE)]},
                             text=[_fmt_ratio(p.voters / members) if members else "–" for p in mine],
                             textposition="outside"))
    figure = _figure(traces, barmode="group", showlegend=data.scope.comparing,
                     xaxis={"type": "category", "automargin": True}, yaxis={"title": {"text": "%"}, "range": [0, 110]})
    decided = sum(1 for p in lines if p.outcome)
    changed = sum(1 for p in lines if p.change != "none")
    sentence = ngettext(
        "%(num)s priority poll: %(voters)s dot-givers in all. The steering group decided on %(decided)s, "
        "and %(changed)s led to a change.",
        "%(num)s priority polls: %(voters)s dot-givers in all. The steering group decided on %(decided)s, "
        "and %(changed)s led to a change.",
        len(lines), voters=sum(p.voters for p in lines), decided=decided, changed=changed,
    ) if lines else _("No priority poll was held in this period.")
    columns = [_("Priority poll"), _("Status"), _("Members who gave dots"), _("Members"), _("Participation"),
               _("Dots given"), _("Most dots"), _("Decision"), _("Change")]
    rows = []
    for p in lines:
        members = data.members.get(p.program_id, 0)
        rows.append([p.title, str(POLL_STATUS_LABELS[p.status]), p.voters, members,
                     _fmt_ratio(p.voters / members) if members else "–", p.dots, p.top or "–",
                     str(OUTCOME_LABELS[p.outcome]) if p.outcome else _("Not decided yet"),
                     str(CHANGE_LABELS[p.change])])
    if data.scope.comparing:
        columns.insert(0, _("Program"))
        for row, p in zip(rows, lines, strict=True):
            row.insert(0, data.names.get(p.program_id, ""))
    return Chart("priorities", _("Priority polls"), sentence, columns, rows, figure, empty=not lines,
                 note=_("The topic filter does not apply here."))


def voice_chart(data: Data) -> Chart:
    months = metrics.post_kinds(data.scope)
    labels = list(months)
    written = [w for w, _s in months.values()]
    spoken = [s for _w, s in months.values()]
    figure = _figure(
        [
            go.Bar(name=_("Written"), x=labels, y=written, marker={"color": BLUE},
                   text=[n or "" for n in written], textposition="inside"),
            go.Bar(name=_("Voice"), x=labels, y=spoken, marker={"color": ORANGE, "pattern": {"shape": "x"}},
                   text=[n or "" for n in spoken], textposition="inside"),
        ],
        barmode="stack", xaxis={"type": "category"}, yaxis={"rangemode": "tozero"},
    )
    total_w, total_s = sum(written), sum(spoken)
    sentence = _("Members wrote %(written)s posts and recorded %(spoken)s voice posts (%(share)s voice).",
                 written=total_w, spoken=total_s, share=_pct(total_s, total_w + total_s))
    if not labels:
        sentence = _("Members wrote no posts in this period.")
    return Chart("voice", _("Written and voice posts"), sentence, [_("Month"), _("Written"), _("Voice")],
                 [[m, w, s] for m, (w, s) in months.items()], figure, empty=not labels)


def languages_chart(data: Data) -> Chart:
    counts = metrics.languages(data.scope.program_ids)
    reader = str(get_locale())
    names = [language_name(code, reader) for code in counts]
    figure = _figure(
        [go.Bar(orientation="h", y=names, x=list(counts.values()), marker={"color": BLUE},
                text=list(counts.values()), textposition="outside")],
        margin={"l": 8, "r": 32, "t": 8, "b": 32}, height=max(180, 60 + 40 * len(counts)),
        yaxis={"autorange": "reversed", "automargin": True},
    )
    total = sum(counts.values())
    top = names[0] if names else "–"
    sentence = ngettext(
        "%(num)s member uses the app in %(languages)s languages; most use %(top)s.",
        "%(num)s members use the app in %(languages)s languages; most use %(top)s.",
        total, languages=len(counts), top=top,
    ) if counts else _("The program has no members yet.")
    return Chart("languages", _("The languages members use"), sentence, [_("Language"), _("Members")],
                 [[n, c] for n, c in zip(names, counts.values(), strict=True)], figure, empty=not counts,
                 note=_("Members today; the period and the topic do not apply here."))


def evaluation_chart(data: Data) -> Chart:
    """How members found each meeting ("How was today's meeting?"), meeting by meeting."""
    scope = data.scope
    meetings = evaluation.trend(scope.program_ids, *scope.local_bounds())
    faces = evaluation.face_labels()

    def label(m: evaluation.TrendRow) -> str:
        name = f"{format_date(m.starts_at.date())} {_plain(m.title)}"
        return f"{name} – {_plain(data.names.get(m.program_id, ''))}" if scope.comparing else name

    labels = [label(m) for m in meetings]
    look = {"good": (GREEN, ""), "ok": (ORANGE, "."), "bad": (PURPLE, "x")}
    figure = _figure(
        [go.Bar(name=faces[face], x=labels, y=[getattr(m, face) for m in meetings],
                marker={"color": colour, "pattern": {"shape": shape}},
                text=[getattr(m, face) or "" for m in meetings], textposition="inside")
         for face, (colour, shape) in look.items()],
        barmode="stack", xaxis={"type": "category", "automargin": True},
        yaxis={"title": {"text": _("Answers")}, "rangemode": "tozero"},
    )
    answers = sum(m.total for m in meetings)
    good = sum(m.good for m in meetings)
    sentence = ngettext(
        "%(num)s answer about %(meetings)s meetings: %(share)s said the meeting was good.",
        "%(num)s answers about %(meetings)s meetings: %(share)s said the meeting was good.",
        answers, meetings=len(meetings), share=_pct(good, answers),
    ) if answers else _("No member has answered “How was today's meeting?” about a meeting of this period yet.")
    rows = [[m.title, m.starts_at.date(), m.good, m.ok, m.bad, _pct(m.good, m.total)] for m in meetings]
    columns = [_("Meeting"), _("Date"), faces["good"], faces["ok"], faces["bad"], _("Share good")]
    if scope.comparing:
        columns.insert(0, _("Program"))
        for row, m in zip(rows, meetings, strict=True):
            row.insert(0, data.names.get(m.program_id, ""))
    return Chart("evaluation", _("How members found the meetings"), sentence, columns, rows, figure,
                 empty=not answers, note=_("The topic filter does not apply here."))


# --- open work ------------------------------------------------------------------------------------


def open_chart(data: Data) -> Chart:
    work = data.open_work
    total = metrics.OpenWork()
    for item in work.values():
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(item, name))
    lines = [
        ("actions_open", _("Open action items")),
        ("actions_overdue", _("of them overdue")),
        ("proposals_waiting", _("Proposals waiting for a decision")),
        ("threads_waiting", _("Threads waiting for an answer")),
        ("threads_overdue", _("of them waiting more than 14 days")),
    ]
    rows = [[label] + [getattr(work[pid], key) for pid in data.scope.program_ids] for key, label in lines]
    sentence = _(
        "Now open: %(actions)s action items (%(overdue)s overdue), %(proposals)s proposals waiting for a decision "
        "and %(threads)s threads waiting for an answer.",
        actions=total.actions_open, overdue=total.actions_overdue, proposals=total.proposals_waiting,
        threads=total.threads_waiting,
    )
    return Chart("open", _("Open work"), sentence,
                 [_("What")] + [data.names.get(pid, "") for pid in data.scope.program_ids], rows,
                 note=_("Today; the period and the topic do not apply here."))


# --- the page -------------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[Data], Chart]] = {
    "loop": loop_chart,
    "flow": flow_chart,
    "influence": influence_chart,
    "agreement": agreement_chart,
    "helped": helped_chart,
    "to_decision": to_decision_chart,
    "to_change": to_change_chart,
    "answers": answers_chart,
    "attendance": attendance_chart,
    "active": active_chart,
    "priorities": priorities_chart,
    "date_polls": date_polls_chart,
    "voice": voice_chart,
    "languages": languages_chart,
    "evaluation": evaluation_chart,
    "open": open_chart,
}

SECTIONS = (
    ("loop", _l("The loop"), ("loop", "flow")),
    ("influence", _l("Influence"), ("influence", "agreement", "helped")),
    ("speed", _l("Speed"), ("to_decision", "to_change", "answers")),
    ("participation", _l("Participation"), ("attendance", "evaluation", "active", "priorities", "date_polls", "voice",
                                            "languages")),
    ("open", _l("Open work"), ("open",)),
)


def sections(data: Data) -> list[Section]:
    return [Section(key, str(title), [BUILDERS[k](data) for k in keys]) for key, title, keys in SECTIONS]


@dataclass
class KeyNumber:
    label: str
    values: list[str]  # one per program


def key_numbers(data: Data) -> list[KeyNumber]:
    """The few numbers a funder asks for first, per program."""
    pids = data.scope.program_ids
    changes = metrics.changes_from_group(data.scope)
    return [
        KeyNumber(_("Feedback posts"), [str(data.loop[p].posts) for p in pids]),
        KeyNumber(_("Proposals"), [str(data.loop[p].proposals) for p in pids]),
        KeyNumber(_("Decided"), [str(data.loop[p].decided) for p in pids]),
        KeyNumber(_("Changes from the expert group"),
                  [_("%(group)s of %(total)s", group=changes.get(p, (0, 0))[0], total=changes.get(p, (0, 0))[1])
                   for p in pids]),
        KeyNumber(_("Members"), [str(data.members.get(p, 0)) for p in pids]),
    ]
