"""The rules of recordings: what may be stored (the same checks and limits as voice messages),
one per text and language, and which one a member hears."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from feedback.changes.models import ProgramChange
from feedback.common.clock import utcnow
from feedback.common.errors import RuleError
from feedback.common.locks import lock
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.meetings.models import Meeting
from feedback.programs.models import Role
from feedback.proposals.models import Proposal, Status
from feedback.recordings.models import KINDS, Recording
from feedback.threads import audio
from feedback.threads.services import check_voice as check_voice_message  # the same checks, messages and limits

SUBJECT_MODELS = {"proposal": Proposal, "decision": Decision, "change": ProgramChange, "meeting": Meeting}
SWEDISH = "sv"


def check_sound(data: bytes | None) -> audio.Sound:
    """The sound in an upload, checked exactly as a voice message is (by content, never the name;
    at most 2 minutes and 5 MB, feedback/threads/audio.py); RuleError with the reason otherwise."""
    sound = check_voice_message(data)
    if sound is None:
        raise RuleError(_l("Choose a recording first."), field="voice")
    return sound


def _where(kind: str, subject_id: int) -> sa.ColumnElement[bool]:
    return getattr(Recording, KINDS[kind]) == subject_id


def save(kind: str, subject, language: str, data: bytes | None, user_id: int | None) -> Recording:
    """Store the recording of a text in a language; one already there is replaced."""
    if language not in current_app.config["LANGUAGES"]:
        raise RuleError(_l("This language is not offered."), status=404)
    sound = check_sound(data)
    # Sent twice at once: the second waits here, then replaces the recording the first stored
    # (one a text and language; both inserting one was a unique violation, a 500).
    lock(subject)
    rec = db.session.scalar(sa.select(Recording).where(_where(kind, subject.id), Recording.language == language))
    if rec is None:
        rec = Recording(program_id=subject.program_id, language=language, **{KINDS[kind]: subject.id})
        db.session.add(rec)
    rec.mime, rec.size, rec.duration_ms, rec.data = sound.mime, len(data or b""), sound.duration_ms, data
    rec.recorded_by_id = user_id
    rec.created_at = utcnow()
    db.session.flush()
    return rec


def delete(kind: str, subject_id: int, language: str) -> bool:
    """Take away the recording of a text in a language; False when there was none."""
    rec = db.session.scalar(sa.select(Recording).where(_where(kind, subject_id), Recording.language == language))
    if rec is None:
        return False
    db.session.delete(rec)
    db.session.flush()
    return True


def recorded(kind: str, subject_id: int) -> dict[str, Recording]:
    """The recordings of a text by language (their sound is not loaded)."""
    rows = db.session.scalars(sa.select(Recording).where(_where(kind, subject_id)))
    return {r.language: r for r in rows}


@dataclass(frozen=True)
class Playback:
    """What a member's Listen control offers: the recording in her language, else (when the phone
    has no voice for it) the Swedish recording with a note. Ids, for the audio route."""

    language: str
    own: Recording | None
    swedish: Recording | None

    def __bool__(self) -> bool:
        return self.own is not None or self.swedish is not None

    @property
    def fallback(self) -> Recording | None:
        """The one that plays without JavaScript: hers, else the Swedish one."""
        return self.own or self.swedish


def playback(kind: str, subject_id: int, language: str) -> Playback:
    return playbacks(kind, [subject_id], language)[subject_id]


def playbacks(kind: str, subject_ids: list[int], language: str) -> dict[int, Playback]:
    """What each text's Listen control plays, for a list of texts in one query (a timeline must
    not make a query per item)."""
    col = getattr(Recording, KINDS[kind])
    found: dict[int, dict[str, Recording]] = {i: {} for i in subject_ids}
    if subject_ids:
        rows = db.session.scalars(
            sa.select(Recording).where(col.in_(subject_ids), Recording.language.in_({language, SWEDISH}))
        )
        for r in rows:
            found[r.subject_id][r.language] = r
    result = {}
    for subject_id, by_lang in found.items():
        own = by_lang.get(language)
        swedish = None if own is not None or language == SWEDISH else by_lang.get(SWEDISH)
        result[subject_id] = Playback(language, own, swedish)
    return result


def can_hear(user, rec: Recording) -> bool:
    """Whoever may read the text: members, staff and steering of its program; a proposal that is
    still a draft (or only on the agenda) only its staff."""
    if not user.is_authenticated:
        return False
    if rec.proposal_id is not None:
        proposal = db.session.get(Proposal, rec.proposal_id)
        if proposal.status in (Status.DRAFT, Status.ON_AGENDA):
            return user.has_role(rec.program_id, Role.STAFF)
    return user.has_role(rec.program_id, Role.MEMBER, Role.STAFF, Role.STEERING)
