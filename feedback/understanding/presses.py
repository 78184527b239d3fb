""""I don't understand": a member presses it on a proposal, a decision or a live agenda item;
staff see how many pressed, never who.

How it is stored (like the secret ballot's key, feedback/votes/services.py): a press is one row
whose only key is press_key = HMAC(BALLOT_SECRET, "understand", kind, text id, member id). The
digest makes a second press the same row (exact counts, one per member per text) and lets her see
and undo her own press, since the app can compute her key again. Nobody can compute it from the
database alone, and the row has no user id, no surrogate id and no time, so its place in the table
says nothing either: SQLite keeps the table without row ids in the order of the (random-looking)
keys; PostgreSQL keeps rows where they arrive and stamps each with its transaction (xmin), which
could be matched with her session row written in the same request, so there every press or undo
rewrites all the presses of that text in a random order in the same transaction.

When she is erased her keys are replaced by random ones, in one statement that writes every
press of her groups again (feedback/privacy/rekey.py): her presses still count, and nothing, not
even the app with its secret or the rows' stamps, leads back to her."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.errors import RuleError
from feedback.common.lix import readability
from feedback.common.security import ballot_secret, keyed_digest
from feedback.common.upsert import insert_ignore
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.meetings.models import AgendaItem, Meeting
from feedback.privacy.rekey import rekey
from feedback.programs.models import Membership, Role
from feedback.proposals.models import Proposal, Status
from feedback.understanding.models import TEXT_KINDS, TextKind, UnderstandPress


def press_key(kind: str, text_id: int, user_id: int) -> str:
    return keyed_digest(ballot_secret(), "understand", kind, text_id, user_id)


def program_of(kind: str, text_id: int) -> int | None:
    """The program a text belongs to, or None when there is no such text a member can see."""
    if kind == TextKind.PROPOSAL:
        return db.session.scalar(sa.select(Proposal.program_id).where(
            Proposal.id == text_id, Proposal.status.not_in((Status.DRAFT, Status.ON_AGENDA))))
    if kind == TextKind.DECISION:
        return db.session.scalar(sa.select(Proposal.program_id).join(Decision, Decision.proposal_id == Proposal.id)
                                 .where(Decision.id == text_id))
    if kind == TextKind.AGENDA_ITEM:
        return db.session.scalar(sa.select(Meeting.program_id).join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
                                 .where(AgendaItem.id == text_id))
    return None


def check_can_press(kind: str, text_id: int, user: User) -> int:
    """The text's program; RuleError 404 for an unknown text or one of another group, 403 for
    someone who is not a member of the group (staff explain, they do not press)."""
    program_id = program_of(kind, text_id) if kind in TEXT_KINDS else None
    if program_id is None or not user.has_role(program_id, Role.MEMBER, Role.STAFF, Role.STEERING):
        raise RuleError(_l("This text does not exist."), status=404)
    if Role.MEMBER not in user.roles_in(program_id):
        raise RuleError(_l("Only members of the group can press this."), status=403)
    return program_id


def press(kind: str, text_id: int, user: User) -> bool:
    """She does not understand the text. A second press is the same press. True: pressed now."""
    program_id = check_can_press(kind, text_id, user)
    insert_ignore(db.session, UnderstandPress.__table__,
                  {"press_key": press_key(kind, text_id, user.id), "program_id": program_id,
                   "text_kind": kind, "text_id": text_id}, ["press_key"])
    scatter(kind, text_id)
    return True


def undo(kind: str, text_id: int, user: User) -> bool:
    """She takes her press back (nothing happens when there was none). False: not pressed now."""
    check_can_press(kind, text_id, user)
    db.session.execute(sa.delete(UnderstandPress).where(UnderstandPress.press_key == press_key(kind, text_id, user.id)))
    scatter(kind, text_id)
    return False


_PG_SCATTER = sa.text("""
    WITH moved AS (
        DELETE FROM understand_presses WHERE text_kind = :k AND text_id = :t
        RETURNING press_key, program_id, text_kind, text_id)
    INSERT INTO understand_presses (press_key, program_id, text_kind, text_id)
    SELECT press_key, program_id, text_kind, text_id FROM moved ORDER BY gen_random_uuid()""")


def scatter(kind: str, text_id: int) -> None:
    """On PostgreSQL, write the text's presses again in a random order (see the module's note)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_PG_SCATTER, {"k": kind, "t": text_id})


def is_pressed(kind: str, text_id: int, user: User) -> bool:
    if not user.is_authenticated:
        return False
    return db.session.scalar(sa.select(sa.literal(True)).where(
        UnderstandPress.press_key == press_key(kind, text_id, user.id))) is not None


def count(kind: str, text_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(UnderstandPress).where(
        UnderstandPress.text_kind == kind, UnderstandPress.text_id == text_id)) or 0


@dataclass(frozen=True)
class HardText:
    kind: str
    text_id: int
    title: str
    count: int
    lix: float | None
    proposal_id: int | None


def least_understood(program_id: int, limit: int = 10) -> list[HardText]:
    """The texts of the program most members did not understand, most presses first: one query
    for the counts and one per kind for the texts (at most ten rows)."""
    top = db.session.execute(
        sa.select(UnderstandPress.text_kind, UnderstandPress.text_id, sa.func.count().label("n"))
        .where(UnderstandPress.program_id == program_id)
        .group_by(UnderstandPress.text_kind, UnderstandPress.text_id)
        .order_by(sa.func.count().desc(), UnderstandPress.text_kind, UnderstandPress.text_id)
        .limit(limit)
    ).all()
    ids = {k: [t for kind, t, _ in top if kind == k] for k in TEXT_KINDS}
    texts: dict[tuple[str, int], tuple[str, str, int | None]] = {}
    if ids[TextKind.PROPOSAL]:
        for pid, title, summary in db.session.execute(
                sa.select(Proposal.id, Proposal.title, Proposal.summary).where(Proposal.id.in_(ids[TextKind.PROPOSAL]))):
            texts[(TextKind.PROPOSAL, pid)] = (title, f"{title}. {summary or ''}", pid)
    if ids[TextKind.DECISION]:
        for did, pid, title, reason in db.session.execute(
                sa.select(Decision.id, Proposal.id, Proposal.title, Decision.reason)
                .join(Proposal, Proposal.id == Decision.proposal_id).where(Decision.id.in_(ids[TextKind.DECISION]))):
            texts[(TextKind.DECISION, did)] = (title, reason or "", pid)
    if ids[TextKind.AGENDA_ITEM]:
        for iid, title, ptitle, summary, pid in db.session.execute(
                sa.select(AgendaItem.id, AgendaItem.title, Proposal.title, Proposal.summary, Proposal.id)
                .outerjoin(Proposal, Proposal.id == AgendaItem.proposal_id)
                .where(AgendaItem.id.in_(ids[TextKind.AGENDA_ITEM]))):
            name = ptitle or title or ""
            texts[(TextKind.AGENDA_ITEM, iid)] = (name, f"{ptitle}. {summary or ''}" if ptitle else name, pid)
    out = []
    for kind, text_id, n in top:
        title, body, pid = texts.get((kind, text_id), ("", "", None))
        r = readability(body)
        out.append(HardText(kind, text_id, title, n, r.score if r else None, pid))
    return out


def erase_member(user_id: int, program_ids: list[int]) -> int:
    """Her presses keep counting under random keys nobody can compute: found by computing her key
    for every pressed text of her groups (one query), and changed in one statement that writes
    every press of her groups again (privacy.rekey: on PostgreSQL the stamp of her user row then
    lies on all of them, not on the texts she pressed)."""
    if not program_ids:
        return 0
    pressed = db.session.execute(sa.select(UnderstandPress.text_kind, UnderstandPress.text_id).distinct()
                                 .where(UnderstandPress.program_id.in_(program_ids))).all()
    keys = [press_key(k, t, user_id) for k, t in pressed]
    mine = list(db.session.scalars(sa.select(UnderstandPress.press_key).where(UnderstandPress.press_key.in_(keys)))) \
        if keys else []
    rekey(UnderstandPress, UnderstandPress.press_key, UnderstandPress.program_id.in_(program_ids), mine)
    return len(mine)


def _titles(texts: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The title of each text (a decision and an agenda item go by their proposal's), one query a kind."""
    ids = {k: [t for kind, t in texts if kind == k] for k in TEXT_KINDS}
    found: dict[tuple[str, int], str] = {}
    if ids[TextKind.PROPOSAL]:
        found.update(((TextKind.PROPOSAL, i), title) for i, title in db.session.execute(
            sa.select(Proposal.id, Proposal.title).where(Proposal.id.in_(ids[TextKind.PROPOSAL]))))
    if ids[TextKind.DECISION]:
        found.update(((TextKind.DECISION, i), title) for i, title in db.session.execute(
            sa.select(Decision.id, Proposal.title).join(Proposal, Proposal.id == Decision.proposal_id)
            .where(Decision.id.in_(ids[TextKind.DECISION]))))
    if ids[TextKind.AGENDA_ITEM]:
        found.update(((TextKind.AGENDA_ITEM, i), ptitle or title or "") for i, title, ptitle in db.session.execute(
            sa.select(AgendaItem.id, AgendaItem.title, Proposal.title)
            .outerjoin(Proposal, Proposal.id == AgendaItem.proposal_id)
            .where(AgendaItem.id.in_(ids[TextKind.AGENDA_ITEM]))))
    return found


def her_presses(user_id: int, program_ids: list[int]) -> list[dict]:
    """For her own data file and page: the texts she pressed, with their titles (found by her
    keys; never in a file for staff)."""
    if not program_ids:
        return []
    pressed = db.session.execute(sa.select(UnderstandPress.text_kind, UnderstandPress.text_id).distinct()
                                 .where(UnderstandPress.program_id.in_(program_ids))).all()
    keys = {press_key(k, t, user_id): (k, t) for k, t in pressed}
    if not keys:
        return []
    mine = [keys[k] for k in db.session.scalars(
        sa.select(UnderstandPress.press_key).where(UnderstandPress.press_key.in_(list(keys))))]
    titles = _titles(mine)
    return sorted(({"text": k, "id": t, "title": titles.get((k, t), "")} for k, t in mine),
                  key=lambda d: (d["text"], d["id"]))


def member_program_ids(user_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Membership.program_id).where(
        Membership.user_id == user_id, Membership.role == Role.MEMBER)))
