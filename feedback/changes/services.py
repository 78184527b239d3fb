"""Recording program changes, linking them to what led to them, and asking members if they helped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.changes.models import (
    ChangeFeedback,
    ChangeOrigin,
    ChangeStatus,
    ChangeTranslation,
    Helped,
    ProgramChange,
)
from feedback.common.clock import local_today, utcnow
from feedback.common.errors import RuleError
from feedback.common.i18n import translation_languages
from feedback.common.ids import fits
from feedback.common.upsert import upsert
from feedback.decisions.models import Decision, Outcome
from feedback.extensions import db
from feedback.notifications import services as notifications
from feedback.notifications.models import Kind
from feedback.programs.models import Role
from feedback.proposals.models import Proposal, Status
from feedback.threads.models import Post, Thread
from feedback.topics.models import Topic

DESCRIPTION_MAX = 3000
FEEDBACK_REASON_MAX = 500


def today() -> date:
    return local_today()


@dataclass
class ChangeFields:
    title: str
    description: str
    changed_on: date | None
    status: str
    progress: int | None
    origin: str
    topic_id: int | None = None
    review_on: date | None = None
    decision_ids: tuple[int, ...] = ()
    proposal_ids: tuple[int, ...] = ()
    post_ids: tuple[int, ...] = ()
    # language -> (title, description); an empty title removes that language's version.
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)


def _owned(model, ids: tuple[int, ...], program_id: int, program_col) -> list:
    """The records, all of this program; a link elsewhere is refused."""
    ids = tuple(dict.fromkeys(ids))
    if not ids:
        return []
    if not all(fits(i) for i in ids):
        raise RuleError(_l("Link only to records of this program."), status=400)
    query = sa.select(model).where(model.id.in_(ids))
    if program_col is not None:
        query = query.where(program_col == program_id)
    found = list(db.session.scalars(query))
    if len(found) != len(ids):
        raise RuleError(_l("Link only to records of this program."), status=400)
    return sorted(found, key=lambda r: r.id)


def _apply(change: ProgramChange, f: ChangeFields) -> None:
    title = " ".join((f.title or "").split())
    if not title or len(title) > 160:
        raise RuleError(_l("Write a title of at most %(n)s letters.", n=160), field="title")
    description = (f.description or "").replace("\r\n", "\n").strip()
    if not description or len(description) > DESCRIPTION_MAX:
        raise RuleError(_l("Write what changed in easy words, at most %(n)s letters.", n=DESCRIPTION_MAX),
                        field="description")
    if f.changed_on is None:
        raise RuleError(_l("Write the date of the change."), field="changed_on")
    if f.status not in set(ChangeStatus):
        raise RuleError(_l("Choose a status from the list."), field="status")
    if f.origin not in set(ChangeOrigin):
        raise RuleError(_l("Choose where the change came from."), field="origin")
    if f.progress is None or not 0 <= f.progress <= 100:
        raise RuleError(_l("Progress is a number from 0 to 100."), field="progress")
    if f.topic_id is not None:
        topic = db.session.get(Topic, f.topic_id)
        if topic is None or topic.program_id != change.program_id:
            raise RuleError(_l("Choose a topic from the list."), field="topic_id")
    pid = change.program_id
    change.decisions = _owned(Decision, f.decision_ids, pid, Decision.program_id)
    change.proposals = _owned(Proposal, f.proposal_ids, pid, Proposal.program_id)
    posts = _owned(Post, f.post_ids, pid, None)
    if any(p.thread.program_id != pid for p in posts):
        raise RuleError(_l("Link only to records of this program."), status=400)
    change.posts = posts
    change.title, change.description, change.changed_on = title, description, f.changed_on
    change.status = f.status
    change.progress = 100 if f.status == ChangeStatus.DONE else f.progress
    change.origin, change.topic_id, change.review_on = f.origin, f.topic_id, f.review_on
    _apply_translations(change, f.translations)


def _apply_translations(change: ProgramChange, translations: dict[str, tuple[str, str]]) -> None:
    offered = set(translation_languages())
    existing = {t.language: t for t in change.translations}
    for lang, (t_title, t_description) in translations.items():
        if lang not in offered:
            continue
        t_title = " ".join((t_title or "").split())
        t_description = (t_description or "").replace("\r\n", "\n").strip() or None
        if len(t_title) > 160 or len(t_description or "") > DESCRIPTION_MAX:
            raise RuleError(_l("A translation is too long. Keep it as short as the Swedish."), field="title")
        if not t_title:
            if lang in existing:
                change.translations.remove(existing[lang])
            continue
        if lang in existing:
            existing[lang].title, existing[lang].description = t_title, t_description
        else:
            change.translations.append(ChangeTranslation(language=lang, title=t_title, description=t_description))


def _mark_implemented(change: ProgramChange, actor_id: int) -> None:
    """A change that is done implements the decided proposals behind it: the last lifecycle
    event, and the end of "time from feedback to change". Only what the steering group said yes
    to, in the decision in force: a declined or postponed proposal is not implemented by a change
    linked to it (a postponed one must still be able to come back), nor is one whose accepted
    decision was reopened and replaced."""
    if change.status != ChangeStatus.DONE:
        return
    decided = [p for p in {*change.proposals, *(d.proposal for d in change.decisions)} if p.status == Status.DECIDED]
    if not decided:
        return
    said_yes = set(db.session.scalars(
        sa.select(Decision.proposal_id).where(
            Decision.proposal_id.in_([p.id for p in decided]), Decision.replaced_at.is_(None),
            Decision.outcome.in_((Outcome.ACCEPTED, Outcome.ADAPTED)))))
    for proposal in sorted(decided, key=lambda p: p.id):
        if proposal.id in said_yes:
            proposal.move_to(Status.IMPLEMENTED, actor_id, note=f"change {change.id}")


def create_change(user: User, program_id: int, f: ChangeFields) -> ProgramChange:
    change = ProgramChange(program_id=program_id, created_by_id=user.id)
    with db.session.no_autoflush:  # checked first, stored only when every rule says yes
        _apply(change, f)
    db.session.add(change)
    db.session.flush()
    _mark_implemented(change, user.id)
    if change.origin == ChangeOrigin.EXPERT_GROUP:
        notifications.notify_members(program_id, Kind.CHANGE, change_id=change.id)
    db.session.flush()
    return change


def update_change(user: User, change: ProgramChange, f: ChangeFields) -> None:
    """Changes are corrected, never deleted; the audit log keeps what they said before."""
    with db.session.no_autoflush:
        _apply(change, f)
    _mark_implemented(change, user.id)
    db.session.flush()


def program_changes(program_id: int) -> list[ProgramChange]:
    return list(
        db.session.scalars(
            sa.select(ProgramChange)
            .where(ProgramChange.program_id == program_id)
            .options(
                so.selectinload(ProgramChange.decisions).joinedload(Decision.proposal),
                so.selectinload(ProgramChange.proposals),
                so.selectinload(ProgramChange.posts),
                so.joinedload(ProgramChange.topic),
                so.selectinload(ProgramChange.translations),
            )
            .order_by(ProgramChange.changed_on.desc(), ProgramChange.id.desc())
        )
    )


def share_from_group(program_id: int) -> tuple[int, int]:
    """How many changes came from the expert group, of all recorded: an honest share."""
    rows = dict(
        db.session.execute(
            sa.select(ProgramChange.origin, sa.func.count())
            .where(ProgramChange.program_id == program_id)
            .group_by(ProgramChange.origin)
        ).all()
    )
    return rows.get(ChangeOrigin.EXPERT_GROUP, 0), sum(rows.values())


# --- "did this change help?" --------------------------------------------------------------------


def follow_up_open(change: ProgramChange) -> bool:
    return change.review_on is not None and change.review_on <= today()


def answer_follow_up(user: User, change: ProgramChange, answer: str, reason: str | None) -> None:
    if Role.MEMBER not in user.roles_in(change.program_id):
        raise RuleError(_l("Only members of the group can answer this."), status=403)
    if not follow_up_open(change):
        raise RuleError(_l("This question is not open yet."), status=409)
    if answer not in set(Helped):
        raise RuleError(_l("Choose one of the answers."), field="answer")
    reason = (reason or "").strip()
    if len(reason) > FEEDBACK_REASON_MAX:
        raise RuleError(_l("Your reason is too long. Write at most %(n)s letters.", n=FEEDBACK_REASON_MAX),
                        field="reason")
    upsert(
        db.session,
        ChangeFeedback.__table__,
        {"change_id": change.id, "user_id": user.id, "answer": answer, "reason": reason or None,
         "answered_at": utcnow()},
        conflict=["change_id", "user_id"],
        update=["answer", "reason", "answered_at"],
    )
    db.session.flush()


def follow_up_results(change_ids: list[int]) -> dict[int, dict[str, int]]:
    """Answers per change, counted in SQL."""
    if not change_ids:
        return {}
    out: dict[int, dict[str, int]] = {}
    for change_id, answer, n in db.session.execute(
        sa.select(ChangeFeedback.change_id, ChangeFeedback.answer, sa.func.count())
        .where(ChangeFeedback.change_id.in_(change_ids))
        .group_by(ChangeFeedback.change_id, ChangeFeedback.answer)
    ):
        out.setdefault(change_id, {})[answer] = n
    return out


def follow_up_reasons(change_id: int) -> list[tuple[str, str]]:
    return [
        (a, r)
        for a, r in db.session.execute(
            sa.select(ChangeFeedback.answer, ChangeFeedback.reason)
            .where(ChangeFeedback.change_id == change_id, ChangeFeedback.reason.is_not(None))
            .order_by(ChangeFeedback.answered_at)
        )
    ]


def my_follow_up(user: User, change_ids: list[int]) -> dict[int, str]:
    if not change_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(ChangeFeedback.change_id, ChangeFeedback.answer).where(
                ChangeFeedback.change_id.in_(change_ids), ChangeFeedback.user_id == user.id
            )
        ).all()
    )


def due_follow_ups(user: User, program_ids: list[int]) -> list[ProgramChange]:
    """Changes she is asked about now and has not answered."""
    answered = sa.select(ChangeFeedback.change_id).where(ChangeFeedback.user_id == user.id)
    return list(
        db.session.scalars(
            sa.select(ProgramChange)
            .where(
                ProgramChange.program_id.in_(program_ids),
                ProgramChange.review_on.is_not(None),
                ProgramChange.review_on <= today(),
                ProgramChange.id.not_in(answered),
            )
            .order_by(ProgramChange.review_on)
        )
    )


def linkable(program_id: int) -> dict[str, list]:
    """What a change can be linked to, for the staff form."""
    return {
        "decisions": list(db.session.scalars(
            sa.select(Decision).where(Decision.program_id == program_id, Decision.replaced_at.is_(None))
            .options(so.joinedload(Decision.proposal)).order_by(Decision.decided_at.desc()))),
        "proposals": list(db.session.scalars(
            sa.select(Proposal).where(Proposal.program_id == program_id).order_by(Proposal.id.desc()))),
        "posts": list(db.session.scalars(
            sa.select(Post).join(Thread).where(Thread.program_id == program_id, Post.author_role == "member",
                                                Post.deleted_at.is_(None), Post.hidden_at.is_(None))
            .order_by(Post.id.desc()).limit(60))),
    }
