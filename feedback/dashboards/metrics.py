"""The numbers behind the dashboards, each counted by the database with GROUP BY.

Every function runs a fixed number of queries whatever the amount of data, and returns only
aggregates: nothing here can tell how one member voted. The proposals "of the period" are
those created in it; their later steps (vote, decision, change) count wherever they fall, so
the loop follows the same proposals from start to end."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from feedback.auth.models import User
from feedback.changes.models import (
    ChangeFeedback,
    ChangeOrigin,
    ProgramChange,
    change_decisions,
    change_posts,
    change_proposals,
)
from feedback.common.clock import day_start_utc, utc_to_local
from feedback.common.sqltime import days_between, local_month_of, month_of, whole_days
from feedback.dashboards.scope import Scope
from feedback.decisions.models import Decision, Outcome
from feedback.extensions import db
from feedback.meetings.models import ActionItem, ActionStatus, AgendaItem, Attendance, Meeting, MeetingStatus
from feedback.priorities.models import PollStatus, PriorityBallot, PriorityDot, PriorityOption, PriorityPoll
from feedback.programs.models import Membership, Program, Role
from feedback.proposals.models import Kind, Origin, Proposal, Status
from feedback.threads.models import Post, ProposalSource, Thread, VoiceNote
from feedback.topics.models import Topic
from feedback.votes.models import Choice, Vote, VoterRoll

WAITING = (Status.VOTED, Status.IN_REVIEW)
# A change linked to a proposal, ranked: the furthest one tells where the proposal got to.
CHANGE_RANK = {0: "none", 1: "planned", 2: "in_progress", 3: "done"}


# --- shared filters -------------------------------------------------------------------------------


def _between(column, start, end):
    conditions = [column < end]
    if start is not None:
        conditions.append(column >= start)
    return sa.and_(*conditions)


def _utc_period(scope: Scope, column):
    return _between(column, *scope.utc_bounds())


def _date_in(scope: Scope, column):
    conditions = [column <= scope.end]
    if scope.start is not None:
        conditions.append(column >= scope.start)
    return sa.and_(*conditions)


def _topic(scope: Scope, column):
    return sa.true() if scope.topic_id is None else column == scope.topic_id


# The subqueries below name the programs too: PostgreSQL does not push a filter from outside
# into a GROUP BY, and without it they would count every program in the database.


def _current_decisions(scope: Scope):
    return (
        sa.select(Decision)
        .where(Decision.replaced_at.is_(None), Decision.program_id.in_(scope.program_ids))
        .subquery("cur")
    )


def _change_rank(scope: Scope):
    """Per proposal, how far its furthest linked change got (1 planned, 2 in progress, 3 done)."""
    rank = sa.case(
        (ProgramChange.status == "done", 3), (ProgramChange.status == "in_progress", 2), else_=1
    )
    mine = ProgramChange.program_id.in_(scope.program_ids)
    direct = (
        sa.select(change_proposals.c.proposal_id.label("proposal_id"), rank.label("rank"))
        .join(ProgramChange, ProgramChange.id == change_proposals.c.change_id)
        .where(mine)
    )
    via_decision = (
        sa.select(Decision.proposal_id.label("proposal_id"), rank.label("rank"))
        .join(change_decisions, change_decisions.c.decision_id == Decision.id)
        .join(ProgramChange, ProgramChange.id == change_decisions.c.change_id)
        .where(mine)
    )
    both = sa.union_all(direct, via_decision).subquery("linked")
    return (
        sa.select(both.c.proposal_id, sa.func.max(both.c.rank).label("rank"))
        .group_by(both.c.proposal_id)
        .subquery("change_rank")
    )


def _member_posts(scope: Scope):
    """Member posts of the period (not taken back), with the topic they are filed under."""
    return (
        sa.select(Post.id, Thread.program_id)
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(Proposal, Proposal.id == Thread.proposal_id)
        .where(
            Thread.program_id.in_(scope.program_ids),
            Post.author_role == "member",
            Post.deleted_at.is_(None),
            _utc_period(scope, Post.created_at),
            _topic(scope, sa.func.coalesce(Thread.topic_id, Proposal.topic_id)),
        )
    )


def _cohort(scope: Scope):
    """The proposals of the period."""
    return (
        Proposal.program_id.in_(scope.program_ids),
        _utc_period(scope, Proposal.created_at),
        _topic(scope, Proposal.topic_id),
    )


# --- 1. the loop ----------------------------------------------------------------------------------


@dataclass
class Loop:
    posts: int = 0
    posts_to_proposals: int = 0
    proposals: int = 0
    from_feedback: int = 0
    voted: int = 0
    decided: int = 0
    changed: int = 0  # led to a change that is done
    outcomes: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})


def loop(scope: Scope) -> dict[int, Loop]:
    """The loop per program: posts, proposals, votes, decisions by outcome, changes done."""
    result = {pid: Loop() for pid in scope.program_ids}
    posts = _member_posts(scope).subquery()
    rows = db.session.execute(
        sa.select(posts.c.program_id, sa.func.count(sa.distinct(posts.c.id)), sa.func.count(sa.distinct(ProposalSource.post_id)))
        .outerjoin(ProposalSource, ProposalSource.post_id == posts.c.id)
        .group_by(posts.c.program_id)
    )
    for pid, n, to_proposals in rows:
        result[pid].posts, result[pid].posts_to_proposals = n, to_proposals

    cur, rank = _current_decisions(scope), _change_rank(scope)
    has_source = sa.exists().where(ProposalSource.proposal_id == Proposal.id)
    from_feedback = sa.or_(Proposal.origin == Origin.MEMBER_FEEDBACK, has_source)
    counts = [
        sa.func.count(),
        sa.func.sum(sa.case((from_feedback, 1), else_=0)),
        sa.func.sum(sa.case((Proposal.voting_closed_at.is_not(None), 1), else_=0)),
        sa.func.sum(sa.case((cur.c.id.is_not(None), 1), else_=0)),
        sa.func.sum(sa.case((rank.c.rank == 3, 1), else_=0)),
        *(sa.func.sum(sa.case((cur.c.outcome == o.value, 1), else_=0)) for o in Outcome),
    ]
    rows = db.session.execute(
        sa.select(Proposal.program_id, *counts)
        .outerjoin(cur, cur.c.proposal_id == Proposal.id)
        .outerjoin(rank, rank.c.proposal_id == Proposal.id)
        .where(*_cohort(scope))
        .group_by(Proposal.program_id)
    )
    for pid, total, feedback, voted, decided, changed, *by_outcome in rows:
        item = result[pid]
        item.proposals, item.from_feedback, item.voted = total, feedback or 0, voted or 0
        item.decided, item.changed = decided or 0, changed or 0
        item.outcomes = {o.value: n or 0 for o, n in zip(Outcome, by_outcome, strict=True)}
    return result


@dataclass(frozen=True)
class Flow:
    topic: str | None  # None: no topic
    outcome: str
    change: str  # none, planned, in_progress, done
    count: int


def flows(scope: Scope) -> list[Flow]:
    """Decided proposals of the period, from topic through decision to change: for the Sankey."""
    cur, rank = _current_decisions(scope), _change_rank(scope)
    change_rank = sa.func.coalesce(rank.c.rank, 0)
    rows = db.session.execute(
        sa.select(Topic.name, cur.c.outcome, change_rank, sa.func.count())
        .select_from(Proposal)
        .join(cur, cur.c.proposal_id == Proposal.id)
        .outerjoin(rank, rank.c.proposal_id == Proposal.id)
        .outerjoin(Topic, Topic.id == Proposal.topic_id)
        .where(*_cohort(scope))
        .group_by(Topic.name, cur.c.outcome, change_rank)
        .order_by(Topic.name, cur.c.outcome, change_rank)
    )
    return [Flow(topic, outcome, CHANGE_RANK[r], n) for topic, outcome, r, n in rows]


# --- 2. influence ---------------------------------------------------------------------------------


@dataclass
class Quarter:
    label: str  # "2025 Q3"
    from_group: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.from_group + self.other


def changes_by_quarter(scope: Scope) -> list[Quarter]:
    """Program changes made in the period, per quarter: from the expert group or not."""
    year = sa.extract("year", ProgramChange.changed_on)
    month = sa.extract("month", ProgramChange.changed_on)
    group = ProgramChange.origin == ChangeOrigin.EXPERT_GROUP
    rows = db.session.execute(
        sa.select(year, month, group, sa.func.count())
        .where(
            ProgramChange.program_id.in_(scope.program_ids),
            _date_in(scope, ProgramChange.changed_on),
            _topic(scope, ProgramChange.topic_id),
        )
        .group_by(year, month, group)
    )
    quarters: dict[str, Quarter] = {}
    for y, m, from_group, n in rows:
        label = f"{int(y)} Q{(int(m) - 1) // 3 + 1}"
        q = quarters.setdefault(label, Quarter(label))
        if from_group:
            q.from_group += n
        else:
            q.other += n
    return [quarters[k] for k in sorted(quarters)]


MAJORITIES = ("agree", "disagree", "unsure", "tie", "no_votes")


def agreement(scope: Scope) -> dict[tuple[str, str], int]:
    """How the group's majority and the steering group's decision line up, per pair.

    Anonymous ballots count like named ones: only the choice is read, never the voter."""
    tally = (
        sa.select(
            Vote.proposal_id,
            *(sa.func.sum(sa.case((Vote.choice == c.value, 1), else_=0)).label(c.value) for c in Choice),
        )
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Proposal.program_id.in_(scope.program_ids))
        .group_by(Vote.proposal_id)
        .subquery("tally")
    )
    agree, unsure, disagree = (sa.func.coalesce(tally.c[c.value], 0) for c in Choice)
    majority = sa.case(
        (tally.c.proposal_id.is_(None), "no_votes"),
        (sa.and_(agree > unsure, agree > disagree), "agree"),
        (sa.and_(disagree > agree, disagree > unsure), "disagree"),
        (sa.and_(unsure > agree, unsure > disagree), "unsure"),
        else_="tie",
    )
    cur = _current_decisions(scope)
    rows = db.session.execute(
        sa.select(majority, cur.c.outcome, sa.func.count())
        .select_from(Proposal)
        .join(cur, cur.c.proposal_id == Proposal.id)
        .outerjoin(tally, tally.c.proposal_id == Proposal.id)
        .where(*_cohort(scope), Proposal.kind == Kind.PROPOSAL)  # the group's priorities have no majority
        .group_by(majority, cur.c.outcome)
    )
    return {(m, o): n for m, o, n in rows}


def followed_majority(matrix: dict[tuple[str, str], int]) -> tuple[int, int]:
    """Decisions that did what the majority wanted, of those where the majority was for or
    against and the steering group said yes or no (postponed and unclear votes are left out)."""
    yes, no = (Outcome.ACCEPTED, Outcome.ADAPTED), (Outcome.DECLINED,)
    followed = sum(matrix.get(("agree", o), 0) for o in yes) + sum(matrix.get(("disagree", o), 0) for o in no)
    clear = sum(n for (m, o), n in matrix.items() if m in ("agree", "disagree") and o != Outcome.POSTPONED)
    return followed, clear


@dataclass
class FollowUp:
    change_id: int
    title: str
    answers: dict[str, int] = field(default_factory=lambda: {"yes": 0, "a_little": 0, "no": 0})

    @property
    def total(self) -> int:
        return sum(self.answers.values())


def follow_ups(scope: Scope) -> list[FollowUp]:
    """Members' answers to "did this change help?", per change of the period that asked."""
    rows = db.session.execute(
        sa.select(ProgramChange.id, ProgramChange.title, ChangeFeedback.answer, sa.func.count(ChangeFeedback.user_id))
        .outerjoin(ChangeFeedback, ChangeFeedback.change_id == ProgramChange.id)
        .where(
            ProgramChange.program_id.in_(scope.program_ids),
            ProgramChange.review_on.is_not(None),
            ProgramChange.review_on <= scope.today,
            _date_in(scope, ProgramChange.changed_on),
            _topic(scope, ProgramChange.topic_id),
        )
        .group_by(ProgramChange.id, ProgramChange.title, ChangeFeedback.answer)
        .order_by(ProgramChange.id)
    )
    result: dict[int, FollowUp] = {}
    for cid, title, answer, n in rows:
        item = result.setdefault(cid, FollowUp(cid, title))
        if answer:
            item.answers[answer] = n
    return list(result.values())


# --- 3. speed -------------------------------------------------------------------------------------


@dataclass
class Spread:
    """A distribution of whole days (or hours), and what can be said of it."""

    counts: dict[int, int] = field(default_factory=dict)  # value -> how many

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def median(self) -> float | None:
        n = self.n
        if not n:
            return None
        middle = [(n - 1) // 2, n // 2]
        values, seen = [], 0
        for value in sorted(self.counts):
            count = self.counts[value]
            for i in middle:
                if seen <= i < seen + count:
                    values.append(value)
            seen += count
        return sum(values) / 2

    def share_within(self, limit: int) -> int:
        return sum(c for v, c in self.counts.items() if v <= limit)

    def buckets(self, edges: tuple[int, ...]) -> list[tuple[int, int | None, int]]:
        """Counts in ranges [low, high]; the last range is open."""
        result = []
        lows = (0, *(e + 1 for e in edges))
        for low, high in zip(lows, (*edges, None), strict=True):
            result.append((low, high, sum(c for v, c in self.counts.items() if v >= low and (high is None or v <= high))))
        return result


def _first_feedback(scope: Scope):
    """Per proposal, when the first post it came from was written."""
    return (
        sa.select(ProposalSource.proposal_id, sa.func.min(Post.created_at).label("first_at"))
        .join(Post, Post.id == ProposalSource.post_id)
        .join(Proposal, Proposal.id == ProposalSource.proposal_id)
        .where(Proposal.program_id.in_(scope.program_ids))
        .group_by(ProposalSource.proposal_id)
        .subquery("first_feedback")
    )


def days_to_decision(scope: Scope) -> Spread:
    """Days from the first post a proposal came from to its decision, for the period's proposals."""
    first, cur = _first_feedback(scope), _current_decisions(scope)
    days = whole_days(first.c.first_at, cur.c.decided_at)
    rows = db.session.execute(
        sa.select(days, sa.func.count())
        .select_from(Proposal)
        .join(first, first.c.proposal_id == Proposal.id)
        .join(cur, cur.c.proposal_id == Proposal.id)
        .where(*_cohort(scope))
        .group_by(days)
    )
    return Spread({max(d, 0): n for d, n in rows})


def days_to_change(scope: Scope) -> Spread:
    """Days from the first linked feedback to the change done, for changes done in the period.

    A change's feedback is the posts linked to it, and the posts behind its proposals and
    decisions."""
    mine = ProgramChange.program_id.in_(scope.program_ids)
    direct = (
        sa.select(change_posts.c.change_id, Post.created_at)
        .join(Post, Post.id == change_posts.c.post_id)
        .join(ProgramChange, ProgramChange.id == change_posts.c.change_id)
        .where(mine)
    )
    via_proposal = (
        sa.select(change_proposals.c.change_id, Post.created_at)
        .join(ProposalSource, ProposalSource.proposal_id == change_proposals.c.proposal_id)
        .join(Post, Post.id == ProposalSource.post_id)
        .join(ProgramChange, ProgramChange.id == change_proposals.c.change_id)
        .where(mine)
    )
    via_decision = (
        sa.select(change_decisions.c.change_id, Post.created_at)
        .join(Decision, Decision.id == change_decisions.c.decision_id)
        .join(ProposalSource, ProposalSource.proposal_id == Decision.proposal_id)
        .join(Post, Post.id == ProposalSource.post_id)
        .join(ProgramChange, ProgramChange.id == change_decisions.c.change_id)
        .where(mine)
    )
    linked = sa.union_all(direct, via_proposal, via_decision).subquery("linked_posts")
    first = (
        sa.select(linked.c.change_id, sa.func.min(linked.c.created_at).label("first_at"))
        .group_by(linked.c.change_id)
        .subquery("first_post")
    )
    days = whole_days(first.c.first_at, ProgramChange.changed_on)
    rows = db.session.execute(
        sa.select(days, sa.func.count())
        .select_from(ProgramChange)
        .join(first, first.c.change_id == ProgramChange.id)
        .where(
            ProgramChange.program_id.in_(scope.program_ids),
            ProgramChange.status == "done",
            _date_in(scope, ProgramChange.changed_on),
            _topic(scope, ProgramChange.topic_id),
        )
        .group_by(days)
    )
    return Spread({max(d, 0): n for d, n in rows})


@dataclass
class Answers:
    answered_hours: Spread = field(default_factory=Spread)
    waiting: int = 0  # no answer yet

    @property
    def asked(self) -> int:
        return self.answered_hours.n + self.waiting

    def within_days(self, days: int) -> int:
        return self.answered_hours.share_within(days * 24 - 1)


def answer_speed(scope: Scope) -> Answers:
    """How fast the program answered the threads members opened in the period."""
    hours = sa.case(
        (Thread.answered_at.is_(None), -1),
        else_=sa.cast(sa.func.floor(days_between(Thread.created_at, Thread.answered_at) * 24), sa.Integer),
    )
    rows = db.session.execute(
        sa.select(hours, sa.func.count())
        .outerjoin(Proposal, Proposal.id == Thread.proposal_id)
        .where(
            Thread.program_id.in_(scope.program_ids),
            Thread.needs_answer.is_(True),
            _utc_period(scope, Thread.created_at),
            _topic(scope, sa.func.coalesce(Thread.topic_id, Proposal.topic_id)),
        )
        .group_by(hours)
    )
    result = Answers()
    for h, n in rows:
        if h < 0:
            result.waiting += n
        else:
            result.answered_hours.counts[h] = n
    return result


# --- 4. participation -----------------------------------------------------------------------------


def member_counts(program_ids: tuple[int, ...]) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Membership.program_id, sa.func.count(sa.distinct(Membership.user_id)))
        .join(User, User.id == Membership.user_id)
        .where(Membership.program_id.in_(program_ids), Membership.role == Role.MEMBER,
               Membership.left_at.is_(None), User.active.is_(True))
        .group_by(Membership.program_id)
    )
    return {pid: n for pid, n in rows}


@dataclass
class Session:
    meeting_id: int
    program_id: int
    title: str
    day: str  # ISO date
    present: int
    members: int
    proposals: int  # proposals on its agenda that were voted on
    ballots: int

    @property
    def attendance(self) -> float | None:
        return self.present / self.members if self.members else None

    @property
    def turnout(self) -> float | None:
        possible = self.members * self.proposals
        return min(self.ballots / possible, 1.0) if possible else None


def members_at(meetings: list[tuple[int, int, datetime]]) -> dict[int, int]:
    """How many were in the group at each of these meetings (id, program, local start): the
    members who had joined by its start and not left before it (with an account that is open,
    as member_counts counts them), and whoever was marked present (a newcomer staff added after
    the meeting she came to). Not today's members: after women leave, a past meeting would say
    that more than all of them came. Two queries however many meetings; the memberships are a
    program's few dozen rows."""
    if not meetings:
        return {}
    program_ids = {pid for _, pid, _ in meetings}
    spans = defaultdict(list)
    for pid, uid, joined, left in db.session.execute(
        sa.select(Membership.program_id, Membership.user_id, Membership.created_at, Membership.left_at)
        .join(User, User.id == Membership.user_id)
        .where(Membership.program_id.in_(program_ids), Membership.role == Role.MEMBER, User.active.is_(True))
    ):
        # Stored in UTC; a meeting's start is the program's wall clock.
        spans[pid].append((uid, utc_to_local(joined), utc_to_local(left) if left else None))
    came = defaultdict(set)
    for mid, uid in db.session.execute(
        sa.select(Attendance.meeting_id, Attendance.user_id)
        .where(Attendance.present.is_(True), Attendance.meeting_id.in_([mid for mid, _, _ in meetings]))
    ):
        came[mid].add(uid)
    return {mid: len({uid for uid, joined, left in spans[pid] if joined <= starts and (left is None or left > starts)}
                     | came[mid])
            for mid, pid, starts in meetings}


def sessions(scope: Scope) -> list[Session]:
    """Attendance and vote turnout per meeting held in the period, of the members there were then."""
    present = (
        sa.select(Attendance.meeting_id, sa.func.count().label("n"))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.present.is_(True), Meeting.program_id.in_(scope.program_ids))
        .group_by(Attendance.meeting_id)
        .subquery("present")
    )
    voted = (
        sa.select(AgendaItem.meeting_id, sa.func.count(sa.distinct(AgendaItem.proposal_id)).label("proposals"))
        .join(Proposal, Proposal.id == AgendaItem.proposal_id)
        .where(Proposal.voting_closed_at.is_not(None), Proposal.program_id.in_(scope.program_ids))
        .group_by(AgendaItem.meeting_id)
        .subquery("voted")
    )
    ballots = (
        sa.select(AgendaItem.meeting_id, sa.func.count(Vote.id).label("n"))
        .join(Proposal, Proposal.id == AgendaItem.proposal_id)
        .join(Vote, Vote.proposal_id == AgendaItem.proposal_id)
        .where(Proposal.voting_closed_at.is_not(None), Proposal.program_id.in_(scope.program_ids))
        .group_by(AgendaItem.meeting_id)
        .subquery("ballots")
    )
    start, end = scope.local_bounds()
    rows = db.session.execute(
        sa.select(
            Meeting.id, Meeting.program_id, Meeting.title, Meeting.starts_at,
            sa.func.coalesce(present.c.n, 0), sa.func.coalesce(voted.c.proposals, 0), sa.func.coalesce(ballots.c.n, 0),
        )
        .outerjoin(present, present.c.meeting_id == Meeting.id)
        .outerjoin(voted, voted.c.meeting_id == Meeting.id)
        .outerjoin(ballots, ballots.c.meeting_id == Meeting.id)
        .where(
            Meeting.program_id.in_(scope.program_ids),
            Meeting.status != MeetingStatus.PLANNED,
            _between(Meeting.starts_at, start, end),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    members = members_at([(mid, pid, starts) for mid, pid, _, starts, *_ in rows])
    return [
        Session(mid, pid, title, starts.date().isoformat(), n_present, members[mid], n_voted, n_ballots)
        for mid, pid, title, starts, n_present, n_voted, n_ballots in rows
    ]


def active_members(scope: Scope) -> dict[str, int]:
    """Members who took part each month: wrote, voted, or came to a meeting."""
    wrote = (
        sa.select(Post.author_id.label("user_id"), local_month_of(Post.created_at, scope.timezone).label("month"))
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Thread.program_id.in_(scope.program_ids), Post.author_role == "member", Post.author_id.is_not(None),
            _utc_period(scope, Post.created_at),
        )
    )
    voted = (
        sa.select(Vote.user_id, local_month_of(Vote.created_at, scope.timezone))
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Proposal.program_id.in_(scope.program_ids), Vote.user_id.is_not(None), _utc_period(scope, Vote.created_at))
    )
    # An anonymous ballot has no time: the month voting opened stands in for it.
    voted_anonymously = (
        sa.select(VoterRoll.user_id, local_month_of(Proposal.voting_opened_at, scope.timezone))
        .join(Proposal, Proposal.id == VoterRoll.proposal_id)
        .where(Proposal.program_id.in_(scope.program_ids), _utc_period(scope, Proposal.voting_opened_at))
    )
    start, end = scope.local_bounds()
    came = (
        sa.select(Attendance.user_id, month_of(Meeting.starts_at))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.program_id.in_(scope.program_ids), Attendance.present.is_(True),
               _between(Meeting.starts_at, start, end))
    )
    active = sa.union(wrote, voted, voted_anonymously, came).subquery("active")
    rows = db.session.execute(
        sa.select(active.c.month, sa.func.count(sa.distinct(active.c.user_id)))
        .group_by(active.c.month)
        .order_by(active.c.month)
    )
    return {month: n for month, n in rows if month}


def post_kinds(scope: Scope) -> dict[str, tuple[int, int]]:
    """Member posts per month: (written, spoken)."""
    posts = _member_posts(scope).add_columns(local_month_of(Post.created_at, scope.timezone).label("month")).subquery()
    spoken = VoiceNote.id.is_not(None)
    rows = db.session.execute(
        sa.select(posts.c.month, spoken, sa.func.count())
        .select_from(posts)
        .outerjoin(VoiceNote, VoiceNote.post_id == posts.c.id)
        .group_by(posts.c.month, spoken)
        .order_by(posts.c.month)
    )
    result: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for month, is_voice, n in rows:
        result[month][1 if is_voice else 0] += n
    return {m: (w, s) for m, (w, s) in result.items()}


def languages(program_ids: tuple[int, ...]) -> dict[str, int]:
    """The languages members chose for the app."""
    rows = db.session.execute(
        sa.select(User.preferred_language, sa.func.count(sa.distinct(User.id)))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.program_id.in_(program_ids), Membership.role == Role.MEMBER,
               Membership.left_at.is_(None), User.active.is_(True))
        .group_by(User.preferred_language)
        .order_by(sa.func.count(sa.distinct(User.id)).desc(), User.preferred_language)
    )
    return {lang: n for lang, n in rows}


# --- 5. open work ---------------------------------------------------------------------------------


@dataclass
class OpenWork:
    actions_open: int = 0
    actions_overdue: int = 0
    proposals_waiting: int = 0
    threads_waiting: int = 0
    threads_overdue: int = 0  # waiting more than 14 days


def open_work(scope: Scope) -> dict[int, OpenWork]:
    """What is still to do now, per program; the period does not apply."""
    result = {pid: OpenWork() for pid in scope.program_ids}
    overdue = sa.case((ActionItem.due_on < scope.today, 1), else_=0)
    for pid, n, late in db.session.execute(
        sa.select(ActionItem.program_id, sa.func.count(), sa.func.sum(overdue))
        .where(ActionItem.program_id.in_(scope.program_ids), ActionItem.status == ActionStatus.OPEN)
        .group_by(ActionItem.program_id)
    ):
        result[pid].actions_open, result[pid].actions_overdue = n, late or 0
    for pid, n in db.session.execute(
        sa.select(Proposal.program_id, sa.func.count())
        .where(Proposal.program_id.in_(scope.program_ids), Proposal.status.in_(WAITING))
        .group_by(Proposal.program_id)
    ):
        result[pid].proposals_waiting = n
    # Threads keep UTC; "older than 14 days" counts from the program's midnight 14 days ago.
    two_weeks_ago = day_start_utc(scope.today - timedelta(days=14), scope.timezone)
    old = sa.case((Thread.created_at < two_weeks_ago, 1), else_=0)
    for pid, n, late in db.session.execute(
        sa.select(Thread.program_id, sa.func.count(), sa.func.sum(old))
        .where(Thread.program_id.in_(scope.program_ids), Thread.needs_answer.is_(True), Thread.answered_at.is_(None))
        .group_by(Thread.program_id)
    ):
        result[pid].threads_waiting, result[pid].threads_overdue = n, late or 0
    return result


def program_names(program_ids: tuple[int, ...]) -> dict[int, str]:
    return dict(db.session.execute(sa.select(Program.id, Program.name).where(Program.id.in_(program_ids))).all())


def changes_from_group(scope: Scope) -> dict[int, tuple[int, int]]:
    """Per program: changes of the period from the expert group, and all changes of the period."""
    group = sa.case((ProgramChange.origin == ChangeOrigin.EXPERT_GROUP, 1), else_=0)
    rows = db.session.execute(
        sa.select(ProgramChange.program_id, sa.func.sum(group), sa.func.count())
        .where(
            ProgramChange.program_id.in_(scope.program_ids),
            _date_in(scope, ProgramChange.changed_on),
            _topic(scope, ProgramChange.topic_id),
        )
        .group_by(ProgramChange.program_id)
    )
    return {pid: (n_group or 0, n) for pid, n_group, n in rows}


@dataclass(frozen=True)
class ChangeLine:
    program_id: int
    title: str
    changed_on: object
    status: str
    origin: str
    topic: str | None
    proposals: int


def changes_in_period(scope: Scope) -> list[ChangeLine]:
    """The report's list of changes: what changed, when, and where it came from."""
    linked = (
        sa.select(change_proposals.c.change_id, sa.func.count().label("n"))
        .join(ProgramChange, ProgramChange.id == change_proposals.c.change_id)
        .where(ProgramChange.program_id.in_(scope.program_ids))
        .group_by(change_proposals.c.change_id)
        .subquery("linked")
    )
    rows = db.session.execute(
        sa.select(
            ProgramChange.program_id, ProgramChange.title, ProgramChange.changed_on, ProgramChange.status,
            ProgramChange.origin, Topic.name, sa.func.coalesce(linked.c.n, 0),
        )
        .outerjoin(Topic, Topic.id == ProgramChange.topic_id)
        .outerjoin(linked, linked.c.change_id == ProgramChange.id)
        .where(
            ProgramChange.program_id.in_(scope.program_ids),
            _date_in(scope, ProgramChange.changed_on),
            _topic(scope, ProgramChange.topic_id),
        )
        .order_by(ProgramChange.changed_on.desc(), ProgramChange.id.desc())
    )
    return [ChangeLine(*row) for row in rows]


# --- 9. for members -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Impact:
    voted: int  # proposals the group voted on
    said_yes: int  # of them, accepted by the steering group (as proposed or with changes)
    changes: int  # changes done that came from the group

    @property
    def any(self) -> bool:
        return bool(self.voted or self.said_yes or self.changes)


def group_impact(program_ids: list[int]) -> Impact:
    """The group's impact since the start, in three numbers: one query."""
    voted = (
        sa.select(sa.func.count())
        .select_from(Proposal)
        .where(Proposal.program_id.in_(program_ids), Proposal.voting_closed_at.is_not(None))
        .scalar_subquery()
    )
    said_yes = (
        sa.select(sa.func.count())
        .select_from(Decision)
        .where(
            Decision.program_id.in_(program_ids),
            Decision.replaced_at.is_(None),
            Decision.outcome.in_((Outcome.ACCEPTED, Outcome.ADAPTED)),
        )
        .scalar_subquery()
    )
    changes = (
        sa.select(sa.func.count())
        .select_from(ProgramChange)
        .where(
            ProgramChange.program_id.in_(program_ids),
            ProgramChange.origin == ChangeOrigin.EXPERT_GROUP,
            ProgramChange.status == "done",
        )
        .scalar_subquery()
    )
    return Impact(*db.session.execute(sa.select(voted, said_yes, changes)).one())


# --- priority polls -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollLine:
    program_id: int
    title: str
    status: str
    opened_at: datetime | None
    voters: int  # members with at least one dot on it
    dots: int
    top: str | None  # the option with most dots (first by position when tied)
    outcome: str | None  # the steering group's decision on the ranking, when there is one
    change: str  # none, planned, in_progress, done: how far the changes linked to it got


def poll_lines(scope: Scope) -> list[PollLine]:
    """The priority polls opened in the period, oldest first."""
    voters = (
        sa.select(PriorityBallot.poll_id, sa.func.count().label("n"), sa.func.sum(PriorityBallot.dots_used).label("dots"))
        .join(PriorityPoll, PriorityPoll.id == PriorityBallot.poll_id)
        .where(PriorityPoll.program_id.in_(scope.program_ids), PriorityBallot.dots_used > 0)
        .group_by(PriorityBallot.poll_id)
        .subquery("voters")
    )
    cur, rank = _current_decisions(scope), _change_rank(scope)
    rows = db.session.execute(
        sa.select(PriorityPoll.id, PriorityPoll.program_id, PriorityPoll.title, PriorityPoll.status,
                  PriorityPoll.opened_at, sa.func.coalesce(voters.c.n, 0), sa.func.coalesce(voters.c.dots, 0),
                  cur.c.outcome, sa.func.coalesce(rank.c.rank, 0))
        .outerjoin(voters, voters.c.poll_id == PriorityPoll.id)
        .outerjoin(cur, cur.c.proposal_id == PriorityPoll.proposal_id)
        .outerjoin(rank, rank.c.proposal_id == PriorityPoll.proposal_id)
        .where(PriorityPoll.program_id.in_(scope.program_ids), PriorityPoll.status != PollStatus.DRAFT,
               _utc_period(scope, PriorityPoll.opened_at))
        .order_by(PriorityPoll.opened_at, PriorityPoll.id)
    ).all()
    tops = _top_options([r[0] for r in rows])
    return [
        PollLine(program_id, title, status, opened, n, int(dots), tops.get(poll_id), outcome, CHANGE_RANK[change])
        for poll_id, program_id, title, status, opened, n, dots, outcome, change in rows
    ]


def _top_options(poll_ids: list[int]) -> dict[int, str]:
    """The first option of each poll by its dots, in one query."""
    if not poll_ids:
        return {}
    rows = db.session.execute(
        sa.select(PriorityOption.poll_id, PriorityOption.title, sa.func.coalesce(sa.func.sum(PriorityDot.dots), 0))
        .outerjoin(PriorityDot, PriorityDot.option_id == PriorityOption.id)
        .where(PriorityOption.poll_id.in_(poll_ids))
        .group_by(PriorityOption.poll_id, PriorityOption.id, PriorityOption.title, PriorityOption.position)
        .order_by(PriorityOption.poll_id, sa.func.coalesce(sa.func.sum(PriorityDot.dots), 0).desc(),
                  PriorityOption.position, PriorityOption.id)
    )
    tops: dict[int, str] = {}
    for poll_id, title, dots in rows:
        if dots and poll_id not in tops:
            tops[poll_id] = title
    return tops
