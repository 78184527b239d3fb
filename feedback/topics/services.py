"""The program's list of topics, kept by staff."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.common.errors import RuleError
from feedback.common.icons import ICONS
from feedback.extensions import db
from feedback.topics.models import Topic


def program_topics(program_id: int) -> list[Topic]:
    return list(
        db.session.scalars(sa.select(Topic).where(Topic.program_id == program_id).order_by(Topic.position, Topic.id))
    )


def _check(program_id: int, name: str, icon: str, topic: Topic | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RuleError(_l("Write a name for the topic."), field="name")
    if len(name) > 120:
        raise RuleError(_l("The name is too long. Write at most %(n)s letters.", n=120), field="name")
    if icon not in ICONS:
        raise RuleError(_l("Choose an icon from the list."), field="icon")
    same = sa.select(Topic.id).where(Topic.program_id == program_id, sa.func.lower(Topic.name) == name.lower())
    if topic is not None:
        same = same.where(Topic.id != topic.id)
    if db.session.scalar(same) is not None:
        raise RuleError(_l("There is already a topic with this name."), field="name")
    return name


def add_topic(program_id: int, name: str, icon: str) -> Topic:
    name = _check(program_id, name, icon, None)
    last = db.session.scalar(sa.select(sa.func.max(Topic.position)).where(Topic.program_id == program_id))
    topic = Topic(program_id=program_id, name=name, icon=icon, position=(last or 0) + 1)
    db.session.add(topic)
    db.session.flush()
    return topic


def update_topic(topic: Topic, name: str, icon: str, archived: bool) -> None:
    topic.name = _check(topic.program_id, name, icon, topic)
    topic.icon, topic.archived = icon, bool(archived)
    db.session.flush()


def move_topic(topic: Topic, step: int) -> None:
    """One place up (-1) or down (+1) in the list members see."""
    topics = program_topics(topic.program_id)
    i = topics.index(topic)
    j = i + step
    if 0 <= j < len(topics):
        topics[i], topics[j] = topics[j], topics[i]
        for position, t in enumerate(topics):
            t.position = position
        db.session.flush()
