"""'What happened with our ideas': decisions and changes, in order, with what the group said
and, for one member, her own part."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from feedback.auth.models import User
from feedback.changes import services as changes
from feedback.changes.models import ChangeOrigin, ProgramChange, change_posts
from feedback.common.clock import utc_to_local
from feedback.decisions import services as decisions
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.threads.models import Post, ProposalSource
from feedback.votes import services as votes


@dataclass
class Item:
    kind: str  # "decision" or "change"
    on: date
    decision: Decision | None = None
    change: ProgramChange | None = None
    results: votes.Results | None = None
    my_choice: str | None = None
    my_post: bool = False
    follow_up: dict[str, int] = field(default_factory=dict)


def _local_day(at_utc: datetime) -> date:
    """The day it was in the program's time zone: a decision at 00:30 in Uppsala is that day."""
    return utc_to_local(at_utc).date()


def timeline(program_ids: list[int], user: User | None = None, from_group_only: bool = False) -> list[Item]:
    """Newest first. With a user, her vote and her posts are marked. The number of queries
    does not grow with the number of items."""
    decided: list[Decision] = [d for pid in program_ids for d in decisions.decisions_of(pid)]
    made: list[ProgramChange] = [c for pid in program_ids for c in changes.program_changes(pid)]
    if from_group_only:
        made = [c for c in made if c.origin == ChangeOrigin.EXPERT_GROUP]
    results = votes.results_many([d.proposal_id for d in decided])
    answers = changes.follow_up_results([c.id for c in made])
    mine: dict[int, str] = {}
    my_post_proposals: set[int] = set()
    my_post_changes: set[int] = set()
    if user is not None:
        mine = votes.my_choices(user, [d.proposal for d in decided])
        my_post_proposals = set(db.session.scalars(
            sa.select(ProposalSource.proposal_id).join(Post, Post.id == ProposalSource.post_id)
            .where(Post.author_id == user.id)))
        my_post_changes = set(db.session.scalars(
            sa.select(change_posts.c.change_id).join(Post, Post.id == change_posts.c.post_id)
            .where(Post.author_id == user.id)))
    items = [
        Item("decision", _local_day(d.decided_at), decision=d, results=results.get(d.proposal_id),
             my_choice=mine.get(d.proposal_id), my_post=d.proposal_id in my_post_proposals)
        for d in decided
    ]
    for c in made:
        linked = {p.id for p in c.proposals} | {d.proposal_id for d in c.decisions}
        items.append(Item(
            "change", c.changed_on, change=c, follow_up=answers.get(c.id, {}),
            my_choice=next((mine[pid] for pid in linked if pid in mine), None),
            my_post=c.id in my_post_changes or bool(linked & my_post_proposals),
        ))
    items.sort(key=lambda i: (i.on, i.kind == "change"), reverse=True)
    return items
