"""Her "I don't understand" presses and meeting evaluations in her data file, and at erasure.

Her own file lists what only her key ties to her (her presses, her anonymous evaluations); a file
staff download for her has only her named evaluations, since the others would tell staff which
anonymous answer or press was hers."""

from __future__ import annotations

import sqlalchemy as sa

from feedback.extensions import db
from feedback.programs.models import Membership, Role
from feedback.understanding import evaluation, presses


def _her_programs(uid: int) -> list[int]:
    return list(db.session.scalars(sa.select(Membership.program_id).where(
        Membership.user_id == uid, Membership.role == Role.MEMBER)))


def her_data(uid: int, program_id: int | None) -> dict:
    if program_id is not None:
        return evaluation.her_answers(uid, [program_id], staff_file=True)
    programs = _her_programs(uid)
    return {"texts_you_did_not_understand": presses.her_presses(uid, programs),
            **evaluation.her_answers(uid, programs, staff_file=False)}


def erase(uid: int) -> None:
    """Before her memberships go (they say where to look for her keys)."""
    programs = _her_programs(uid)
    presses.erase_member(uid, programs)
    evaluation.erase_member(uid, programs)
