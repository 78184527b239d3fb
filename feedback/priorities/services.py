"""The rules of priority polls: staff make and run them, members give and take back dots, and
the ranked result goes to the steering group as one item."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.common.errors import RuleError
from feedback.common.icons import ICONS
from feedback.common.ids import parse_id
from feedback.common.locks import lock
from feedback.common.security import ballot_secret, keyed_digest
from feedback.common.upsert import insert_ignore
from feedback.extensions import db
from feedback.meetings.models import AgendaItem, Meeting, MeetingStatus
from feedback.priorities.models import (
    DOTS_MAX,
    PollStatus,
    PriorityBallot,
    PriorityDot,
    PriorityOption,
    PriorityOptionTranslation,
    PriorityPoll,
    PriorityPollTranslation,
    PriorityVoterRoll,
)
from feedback.proposals.models import Kind, Proposal, ProposalEvent, Status
from feedback.votes.models import new_ballot_id
from feedback.votes.services import is_voter

OPTIONS_MAX = 20


# --- staff: making a poll -------------------------------------------------------------------


def _check_settings(dots_per_member: int, max_per_option: int, anonymous: bool, results_live: bool) -> None:
    if not 1 <= dots_per_member <= DOTS_MAX:
        raise RuleError(_l("Give each member from 1 to %(n)s dots.", n=DOTS_MAX), field="dots_per_member")
    if not 1 <= max_per_option <= dots_per_member:
        raise RuleError(_l("The most dots on one option must be from 1 to the dots each member gets."),
                        field="max_per_option")
    if anonymous and results_live:
        raise RuleError(_l("A secret vote shows its result only when voting closes. Untick \"Show results while "
                           "voting is open\"."), field="results_live")


def create_poll(program_id: int, actor_id: int | None, *, title: str, summary: str = "", dots_per_member: int = 3,
                max_per_option: int = 2, anonymous: bool = False, results_live: bool = False,
                proposal_ids: tuple[int, ...] = ()) -> PriorityPoll:
    _check_settings(dots_per_member, max_per_option, anonymous, results_live)
    poll = PriorityPoll(program_id=program_id, created_by_id=actor_id, title=title.strip(),
                        summary=(summary or "").strip(), dots_per_member=dots_per_member,
                        max_per_option=max_per_option, anonymous=anonymous, results_live=results_live,
                        status=PollStatus.DRAFT)
    db.session.add(poll)
    db.session.flush()
    for pid in proposal_ids:
        add_option(poll, proposal_id=pid)
    return poll


def update_poll(poll: PriorityPoll, *, title: str, summary: str, dots_per_member: int, max_per_option: int,
                anonymous: bool, results_live: bool) -> None:
    """A draft's question and settings; once voting has started they stay as members saw them."""
    check_draft(poll)
    _check_settings(dots_per_member, max_per_option, anonymous, results_live)
    poll.title, poll.summary = title.strip(), (summary or "").strip()
    poll.dots_per_member, poll.max_per_option = dots_per_member, max_per_option
    poll.anonymous, poll.results_live = anonymous, results_live
    db.session.flush()


def check_draft(poll: PriorityPoll) -> None:
    if poll.status != PollStatus.DRAFT:
        raise RuleError(_l("The options cannot change after voting has started."), status=409)


def add_option(poll: PriorityPoll, *, proposal_id: int | None = None, icon: str = "idea", title: str = "",
               summary: str = "") -> PriorityOption:
    """An option of its own (icon, title, summary), or one that shows an existing proposal."""
    # Added twice at once (a double click): the second waits here and then sees the first's
    # option, so a proposal is not an option twice and two options do not share a place.
    lock(poll)
    check_draft(poll)
    if len(poll.options) >= OPTIONS_MAX:
        raise RuleError(_l("A poll has at most %(n)s options.", n=OPTIONS_MAX))
    position = max((o.position for o in poll.options), default=0) + 1
    if proposal_id is not None:
        proposal = db.session.get(Proposal, proposal_id)
        if proposal is None or proposal.program_id != poll.program_id or proposal.kind != Kind.PROPOSAL:
            raise RuleError(_l("Choose a proposal from the list."), field="proposal_id")
        if any(o.proposal_id == proposal.id for o in poll.options):
            raise RuleError(_l("This proposal is an option already."), field="proposal_id")
        option = PriorityOption(proposal_id=proposal.id, icon=proposal.icon, title=proposal.title,
                                summary=proposal.summary, source_language=proposal.source_language,
                                position=position)
    else:
        if icon not in ICONS:
            raise RuleError(_l("Choose an icon from the list."), field="icon")
        if not title.strip():
            raise RuleError(_l("Write a title."), field="title")
        option = PriorityOption(icon=icon, title=title.strip(), summary=(summary or "").strip(), position=position)
    poll.options.append(option)
    db.session.flush()
    return option


def remove_option(poll: PriorityPoll, option: PriorityOption) -> None:
    check_draft(poll)
    poll.options.remove(option)
    db.session.flush()


def option_of(poll: PriorityPoll, raw_id: object) -> PriorityOption:
    """One of this poll's options, from a form or an address; any other id is refused."""
    option_id = parse_id(raw_id)
    option = next((o for o in poll.options if o.id == option_id), None)
    if option is None:
        raise RuleError(_l("This idea is not in this vote."), status=404)
    return option


def set_translation(owner: PriorityPoll | PriorityOption, language: str, title: str, summary: str) -> None:
    """Add, change or (with an empty title) remove the text of a poll or an option in one language."""
    row_class = PriorityPollTranslation if isinstance(owner, PriorityPoll) else PriorityOptionTranslation
    # Saved twice at once: the second waits here, then changes the row the first added (both
    # adding one was a unique violation, a 500).
    lock(owner)
    existing = next((t for t in owner.translations if t.language == language), None)
    title, summary = title.strip(), (summary or "").strip()
    if not title:
        if existing is not None:
            owner.translations.remove(existing)
        db.session.flush()
        return
    if existing is None:
        existing = row_class(language=language)
        owner.translations.append(existing)
    existing.title, existing.summary = title, summary
    db.session.flush()


# --- staff: opening and closing -------------------------------------------------------------


def _lock(poll: PriorityPoll) -> None:
    # Two staff pressing at once: the second waits, then sees the step already taken.
    db.session.refresh(poll, with_for_update=True)


def open_poll(poll: PriorityPoll, actor_id: int | None) -> None:
    _lock(poll)
    if poll.status != PollStatus.DRAFT:
        raise RuleError(_l("This vote has started already."), status=409)
    if len(poll.options) < 2:
        raise RuleError(_l("Add at least two options first."), status=409)
    poll.status, poll.opened_at = PollStatus.OPEN, utcnow()
    db.session.flush()
    from feedback.outbox import news

    news.priorities_opened(poll)


def close_poll(poll: PriorityPoll, actor_id: int | None) -> Proposal:
    """Close the poll and put its ranked result to the steering group: a proposal of the kind
    "priorities", straight into review, that decisions and program changes link to."""
    _lock(poll)
    if poll.status != PollStatus.OPEN:
        raise RuleError(_l("The vote is not open, so it cannot be closed."), status=409)
    poll.status, poll.closed_at = PollStatus.CLOSED, utcnow()
    if poll.anonymous:
        scatter_secret_ballots(poll.id)
    db.session.flush()
    return _steering_item(poll, actor_id)


def _steering_item(poll: PriorityPoll, actor_id: int | None) -> Proposal:
    from feedback.proposals.services import create_proposal

    ranked = ranking(poll)
    top = ", ".join(row.title for row in ranked.rows[:3] if row.dots)
    with force_locale(poll.source_language):  # the item is written in the poll's language
        title = _("The group's priorities: %(title)s", title=poll.title)[:160]
        summary = (_("Most dots: %(top)s.", top=top) if top else _("Nobody gave dots."))[:600]
        note = _("Priority poll closed: %(n)s members gave dots.", n=ranked.voters)
    proposal = create_proposal(poll.program_id, actor_id, title=title, summary=summary, icon="star",
                               kind=Kind.PRIORITIES, source_language=poll.source_language)
    proposal.events.append(ProposalEvent(from_status=Status.DRAFT, to_status=Status.IN_REVIEW, actor_id=actor_id,
                                         note=note))
    proposal.status = Status.IN_REVIEW
    proposal.voting_opened_at, proposal.voting_closed_at = poll.opened_at, poll.closed_at
    poll.proposal_id = proposal.id
    db.session.flush()
    return proposal


# --- the live meeting ----------------------------------------------------------------------


def add_to_agenda(poll: PriorityPoll, meeting_id: object) -> AgendaItem:
    """The poll as an item of one of its program's coming meetings, which can then run it."""
    meeting = db.session.get(Meeting, parse_id(meeting_id) or 0)
    if meeting is None or meeting.program_id != poll.program_id or meeting.status == MeetingStatus.CLOSED:
        raise RuleError(_l("Choose a coming meeting from the list."), status=404)
    if poll.status == PollStatus.CLOSED:
        raise RuleError(_l("This vote is closed, so no meeting can run it."), status=409)
    if any(item.poll_id == poll.id for item in meeting.agenda):
        raise RuleError(_l("This poll is already on the agenda."), status=409)
    item = AgendaItem(kind="priority", poll_id=poll.id, title=poll.title[:200],
                      position=max((i.position for i in meeting.agenda), default=0) + 1)
    meeting.agenda.append(item)
    db.session.flush()
    return item


def coming_meetings(program_id: int) -> list[Meeting]:
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.program_id == program_id, Meeting.status != MeetingStatus.CLOSED)
        .order_by(Meeting.starts_at)))


# --- members: giving dots -------------------------------------------------------------------


# The field of a refusal about her dots alone (none left, the most on one idea, none to take back):
# the poll and its other ideas are as they were, so the page needs only the message.
DOTS_FIELD = "dots"


def ballot_key(poll_id: int, user_id: int) -> str:
    return keyed_digest(ballot_secret(), "priority", poll_id, user_id)


def _check_can_give(poll: PriorityPoll, user: User) -> None:
    if not is_voter(user, poll.program_id):
        raise RuleError(_l("Only members of the group can vote on this."), status=403)
    # Read under a lock shared with the other voters: staff closing the poll wait for the dots
    # being given now, and a dot that comes after the close sees it closed. A secret poll takes
    # the lock alone, since a new ballot there writes all the poll's ballots again.
    status = db.session.execute(
        sa.select(PriorityPoll.status).where(PriorityPoll.id == poll.id)
        .with_for_update(read=not poll.anonymous, key_share=not poll.anonymous)
    ).scalar_one()
    if status == PollStatus.DRAFT:
        raise RuleError(_l("Voting has not started yet."), status=409)
    if status != PollStatus.OPEN:
        raise RuleError(_l("The vote is closed. You cannot change your dots now."), status=409)


def _ballot_where(poll: PriorityPoll, user: User):
    if poll.anonymous:
        return PriorityBallot.ballot_key == ballot_key(poll.id, user.id)
    return sa.and_(PriorityBallot.poll_id == poll.id, PriorityBallot.user_id == user.id)


def _ensure_ballot(poll: PriorityPoll, user: User) -> None:
    values = {"id": new_ballot_id(), "poll_id": poll.id, "dots_allowed": poll.dots_per_member, "dots_used": 0}
    if poll.anonymous:
        created = insert_ignore(db.session, PriorityBallot.__table__,
                                {**values, "ballot_key": ballot_key(poll.id, user.id)}, ["ballot_key"])
        if created:
            insert_ignore(db.session, PriorityVoterRoll.__table__, {"poll_id": poll.id, "user_id": user.id},
                          ["poll_id", "user_id"])
            if db.session.get_bind().dialect.name == "postgresql":
                scatter_secret_ballots(poll.id)
        return
    insert_ignore(db.session, PriorityBallot.__table__, {**values, "user_id": user.id, "updated_at": utcnow()},
                  ["poll_id", "user_id"])


def _move_ballot(poll: PriorityPoll, user: User, step: int) -> sa.Row | None:
    """Her ballot's count of given dots moved by step, as long as it stays within 0..allowed: its
    id, dots_used and dots_allowed after the move, or None when no row moved. This UPDATE comes
    first in every + and -, so her own parallel requests queue here on PostgreSQL; the CHECK on
    the table holds the limit anyway."""
    guard = (PriorityBallot.dots_used < PriorityBallot.dots_allowed) if step > 0 else (PriorityBallot.dots_used > 0)
    values = {"dots_used": PriorityBallot.dots_used + step}
    if not poll.anonymous:
        values["updated_at"] = utcnow()
    return db.session.execute(
        sa.update(PriorityBallot).where(_ballot_where(poll, user), guard).values(**values)
        .returning(PriorityBallot.id, PriorityBallot.dots_used, PriorityBallot.dots_allowed)
    ).first()


@dataclass(frozen=True)
class DotStep:
    """What one + or - left: her dots on that option, and on the whole poll."""

    option_id: int
    dots: int
    allowed: int
    used: int

    @property
    def left(self) -> int:
        return self.allowed - self.used


def add_dot(poll: PriorityPoll, user: User, raw_option_id: object) -> DotStep:
    """One more of her dots on this option. Refused, changing nothing, when she has none left,
    the option has the most it may, the poll is not open or the option is not in it."""
    option = option_of(poll, raw_option_id)
    _check_can_give(poll, user)
    ballot = _move_ballot(poll, user, +1)
    if ballot is None:  # her first dot (or none left): her ballot is made when there is none
        _ensure_ballot(poll, user)
        ballot = _move_ballot(poll, user, +1)
    if ballot is None:
        raise RuleError(_l("You have no dots left. Take one back from another idea first."), status=409,
                        field=DOTS_FIELD)
    dots = db.session.execute(
        sa.update(PriorityDot)
        .where(PriorityDot.ballot_id == ballot.id, PriorityDot.option_id == option.id,
               PriorityDot.dots < PriorityDot.max_dots)
        .values(dots=PriorityDot.dots + 1).returning(PriorityDot.dots)
    ).scalar_one_or_none()
    if dots is None:
        if not insert_ignore(db.session, PriorityDot.__table__,
                             {"ballot_id": ballot.id, "option_id": option.id, "dots": 1,
                              "max_dots": poll.max_per_option}, ["ballot_id", "option_id"]):
            raise RuleError(_l("At most %(n)s dots on one idea.", n=poll.max_per_option), status=409, field=DOTS_FIELD)
        dots = 1
    return DotStep(option.id, dots, ballot.dots_allowed, ballot.dots_used)


def remove_dot(poll: PriorityPoll, user: User, raw_option_id: object) -> DotStep:
    """Take one of her dots back from this option."""
    option = option_of(poll, raw_option_id)
    _check_can_give(poll, user)
    ballot = _move_ballot(poll, user, -1)
    dots = None
    if ballot is not None:
        dots = db.session.execute(
            sa.update(PriorityDot)
            .where(PriorityDot.ballot_id == ballot.id, PriorityDot.option_id == option.id, PriorityDot.dots > 0)
            .values(dots=PriorityDot.dots - 1).returning(PriorityDot.dots)
        ).scalar_one_or_none()
    if dots is None:
        raise RuleError(_l("You have no dot on this idea."), status=409, field=DOTS_FIELD)
    return DotStep(option.id, dots, ballot.dots_allowed, ballot.dots_used)


@dataclass(frozen=True)
class MyDots:
    allowed: int
    used: int
    on: dict[int, int]  # option id -> her dots there

    @property
    def left(self) -> int:
        return self.allowed - self.used


def my_dots(poll: PriorityPoll, user: User) -> MyDots:
    row = db.session.execute(
        sa.select(PriorityBallot.id, PriorityBallot.dots_allowed, PriorityBallot.dots_used)
        .where(_ballot_where(poll, user))
    ).first()
    if row is None:
        return MyDots(poll.dots_per_member, 0, {})
    on = dict(db.session.execute(
        sa.select(PriorityDot.option_id, PriorityDot.dots).where(PriorityDot.ballot_id == row.id, PriorityDot.dots > 0)
    ).all())
    return MyDots(row.dots_allowed, row.dots_used, on)


# --- secrecy --------------------------------------------------------------------------------


def scatter_secret_ballots(poll_id: int) -> None:
    """Write a secret poll's ballots and dots again in a random order, and its voter roll in the
    order of the members' ids, in the caller's transaction: afterwards nothing in the tables
    (row order, PostgreSQL's row stamps) lines a ballot up with a voter. Done on PostgreSQL
    when a new voter's ballot is written, and on every database when the poll closes. The
    ballot ids were random from the start and stay."""
    ballots = [dict(r._mapping) for r in db.session.execute(
        sa.select(PriorityBallot.id, PriorityBallot.poll_id, PriorityBallot.ballot_key, PriorityBallot.dots_allowed,
                  PriorityBallot.dots_used)
        .where(PriorityBallot.poll_id == poll_id, PriorityBallot.user_id.is_(None)))]
    if not ballots:
        return
    ids = [b["id"] for b in ballots]
    dots = [dict(r._mapping) for r in db.session.execute(sa.select(*PriorityDot.__table__.c).where(PriorityDot.ballot_id.in_(ids)))]
    voters = list(db.session.scalars(
        sa.select(PriorityVoterRoll.user_id).where(PriorityVoterRoll.poll_id == poll_id)
        .order_by(PriorityVoterRoll.user_id)))
    rng = secrets.SystemRandom()
    rng.shuffle(ballots)
    rng.shuffle(dots)
    db.session.execute(sa.delete(PriorityDot).where(PriorityDot.ballot_id.in_(ids)))
    db.session.execute(sa.delete(PriorityBallot).where(PriorityBallot.id.in_(ids)))
    db.session.execute(sa.delete(PriorityVoterRoll).where(PriorityVoterRoll.poll_id == poll_id))
    db.session.execute(sa.insert(PriorityBallot), ballots)
    if dots:
        db.session.execute(sa.insert(PriorityDot), dots)
    if voters:
        db.session.execute(sa.insert(PriorityVoterRoll), [{"poll_id": poll_id, "user_id": u} for u in voters])


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedOption:
    option: PriorityOption
    title: str
    dots: int
    givers: int  # members with at least one dot on it
    rank: int


@dataclass(frozen=True)
class Ranking:
    rows: list[RankedOption]
    voters: int
    dots: int

    def share(self, row: RankedOption) -> int:
        return round(100 * row.dots / self.dots) if self.dots else 0


def voters_count(poll: PriorityPoll) -> int:
    """How many members have a dot on the poll now (named and secret alike)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(PriorityBallot)
        .where(PriorityBallot.poll_id == poll.id, PriorityBallot.dots_used > 0)
    ) or 0


def ranking(poll: PriorityPoll, lang: str | None = None) -> Ranking:
    """The options by their dots, most first; options with as many dots share a rank. Counted in
    one query, however many members and options."""
    totals = {
        option_id: (dots, givers) for option_id, dots, givers in db.session.execute(
            sa.select(PriorityDot.option_id, sa.func.sum(PriorityDot.dots), sa.func.count())
            .join(PriorityOption, PriorityOption.id == PriorityDot.option_id)
            .where(PriorityOption.poll_id == poll.id, PriorityDot.dots > 0)
            .group_by(PriorityDot.option_id)
        )
    }
    ordered = sorted(poll.options, key=lambda o: (-(totals.get(o.id, (0, 0))[0]), o.position, o.id))
    rows: list[RankedOption] = []
    for i, option in enumerate(ordered):
        dots, givers = totals.get(option.id, (0, 0))
        rank = rows[-1].rank if rows and rows[-1].dots == dots else i + 1
        title = option.text_in(lang)[0] if lang else option.title
        rows.append(RankedOption(option, title, int(dots), givers, rank))
    return Ranking(rows, voters_count(poll), sum(r.dots for r in rows))


# --- lists ----------------------------------------------------------------------------------


def _with_texts(q: sa.Select) -> sa.Select:
    """The poll with everything its pages show, in two queries however many options: texts in
    every language, the options' own photos, and the proposals behind options with their texts and
    photos (joined: this
    runs on every + and -, where each further query cost more than its rows)."""
    from feedback.proposals.photo_models import ProposalPhoto

    options = so.selectinload(PriorityPoll.options)
    proposal = options.joinedload(PriorityOption.proposal)
    return q.options(
        so.joinedload(PriorityPoll.translations),
        options.joinedload(PriorityOption.translations),
        proposal.joinedload(Proposal.translations),
        proposal.joinedload(Proposal.photo).joinedload(ProposalPhoto.renditions),
        options.joinedload(PriorityOption.photo).joinedload(ProposalPhoto.renditions),
    )


RECENT = timedelta(days=30)  # how long her home page shows a closed poll's result


def home_polls(program_ids: list[int]) -> list[PriorityPoll]:
    """For her home page, in one query: the polls open now, then those closed in the last 30 days
    (their ranking is there to see)."""
    if not program_ids:
        return []
    recent = sa.and_(PriorityPoll.status == PollStatus.CLOSED, PriorityPoll.closed_at >= utcnow() - RECENT)
    return list(db.session.scalars(
        sa.select(PriorityPoll)
        .where(PriorityPoll.program_id.in_(program_ids), sa.or_(PriorityPoll.status == PollStatus.OPEN, recent))
        .options(so.selectinload(PriorityPoll.translations))
        .order_by(PriorityPoll.status.desc(), PriorityPoll.opened_at, PriorityPoll.id)))


def given_in(polls: list[PriorityPoll], user: User) -> set[int]:
    """Which of these polls she has given dots in, in at most two queries."""
    named = [p.id for p in polls if not p.anonymous]
    keys = {ballot_key(p.id, user.id): p.id for p in polls if p.anonymous}
    done: set[int] = set()
    if named:
        done.update(db.session.scalars(sa.select(PriorityBallot.poll_id).where(
            PriorityBallot.poll_id.in_(named), PriorityBallot.user_id == user.id, PriorityBallot.dots_used > 0)))
    if keys:
        done.update(keys[k] for k in db.session.scalars(sa.select(PriorityBallot.ballot_key).where(
            PriorityBallot.ballot_key.in_(list(keys)), PriorityBallot.dots_used > 0)))
    return done


def option_proposals(program_id: int) -> list[Proposal]:
    """Proposals that can be options: the program's own, past the draft, not another poll's result."""
    return list(db.session.scalars(
        sa.select(Proposal).where(Proposal.program_id == program_id, Proposal.kind == Kind.PROPOSAL,
                                  Proposal.status != Status.DRAFT)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())))


def program_polls(program_id: int) -> list[PriorityPoll]:
    return list(db.session.scalars(
        sa.select(PriorityPoll).where(PriorityPoll.program_id == program_id)
        .order_by(PriorityPoll.created_at.desc(), PriorityPoll.id.desc())))


@cache
def _poll_with_texts() -> sa.Select:
    # Built once: SQLAlchemy then finds it in its compiled cache instead of working out its cache
    # key again on every + and - (as common/access.py does for get_or_404).
    return _with_texts(sa.select(PriorityPoll).where(PriorityPoll.id == sa.bindparam("ident")))


def poll_with_texts(poll_id: int) -> PriorityPoll | None:
    return db.session.execute(_poll_with_texts(), {"ident": poll_id}).unique().scalar_one_or_none()


@cache
def _poll_with_options() -> sa.Select:
    return sa.select(PriorityPoll).where(PriorityPoll.id == sa.bindparam("ident")).options(
        so.joinedload(PriorityPoll.options))


def poll_for_dots(poll_id: int) -> PriorityPoll | None:
    """The poll and its options without their texts and photos: enough to judge a + or -, whose
    answer shows only her row. texts() loads the rest when the whole panel is shown after all."""
    return db.session.execute(_poll_with_options(), {"ident": poll_id}).unique().scalar_one_or_none()


def texts(poll: PriorityPoll) -> PriorityPoll:
    """The poll loaded by poll_for_dots, now with everything its panel shows."""
    db.session.expire(poll, ["options"])
    return poll_with_texts(poll.id) or poll


def poll_of_proposal(proposal: Proposal) -> PriorityPoll | None:
    """The poll whose result this steering item is."""
    if proposal.kind != Kind.PRIORITIES:
        return None
    return db.session.scalar(sa.select(PriorityPoll).where(PriorityPoll.proposal_id == proposal.id))


def polls_of_proposals(proposals: list[Proposal]) -> dict[int, PriorityPoll]:
    ids = [p.id for p in proposals if p.kind == Kind.PRIORITIES]
    if not ids:
        return {}
    return {poll.proposal_id: poll for poll in db.session.scalars(
        sa.select(PriorityPoll).where(PriorityPoll.proposal_id.in_(ids)))}
