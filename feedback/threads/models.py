"""Feedback threads: posts on a topic, a proposal or a meeting, and what members do with them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.auth.models import User
    from feedback.meetings.models import Meeting
    from feedback.proposals.models import Proposal
    from feedback.topics.models import Topic

SUBJECTS = ("topic", "proposal", "meeting")


class Thread(db.Model):
    """A conversation: its first post opens it, the rest reply to it (one level)."""

    __tablename__ = "threads"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN topic_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN proposal_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN meeting_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
        sa.Index("ix_threads_program_waiting", "program_id", "needs_answer", "answered_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("topics.id"), index=True)
    proposal_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    # Set by staff when they open the thread: then not even staff see who wrote a member's post.
    fully_anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    # A thread a member opened waits for the program's answer; a question staff asked does not.
    needs_answer: so.Mapped[bool] = so.mapped_column(default=True)
    answered_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_post_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    topic: so.Mapped[Topic | None] = so.relationship()
    proposal: so.Mapped[Proposal | None] = so.relationship()
    meeting: so.Mapped[Meeting | None] = so.relationship()
    posts: so.Mapped[list[Post]] = so.relationship(
        back_populates="thread", order_by="Post.id", cascade="all, delete-orphan"
    )

    @property
    def subject_kind(self) -> str:
        if self.topic_id is not None:
            return "topic"
        return "proposal" if self.proposal_id is not None else "meeting"

    @property
    def subject_id(self) -> int:
        return self.topic_id or self.proposal_id or self.meeting_id  # type: ignore[return-value]


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        sa.CheckConstraint("author_role IN ('member','staff')", name="author_role_known"),
        sa.Index("ix_posts_thread_created", "thread_id", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    # Empty for a member's post in a fully anonymous thread: then only author_key, a keyed
    # digest of thread and member, lets her find her own post again.
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    author_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    author_role: so.Mapped[str] = so.mapped_column(sa.String(10), default="member")
    anonymous: so.Mapped[bool] = so.mapped_column(default=False)  # other members do not see her name
    body: so.Mapped[str | None] = so.mapped_column(sa.Text)
    transcript: so.Mapped[str | None] = so.mapped_column(sa.Text)  # staff's written version of a voice note
    official: so.Mapped[bool] = so.mapped_column(default=False)  # the program's answer
    # Written with her name by a member who has since had her data erased: shown as "a former
    # member". Her posts without her name stay "a member"'s, like every anonymous post.
    by_former_member: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    edited_at: so.Mapped[datetime | None]
    deleted_at: so.Mapped[datetime | None]  # taken back by the writer: text and sound are gone
    hidden_at: so.Mapped[datetime | None]
    hidden_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    hidden_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Hidden because enough members reported it; shown again or kept hidden once staff look.
    held_for_review: so.Mapped[bool] = so.mapped_column(default=False)
    reports_cleared_at: so.Mapped[datetime | None]

    thread: so.Mapped[Thread] = so.relationship(back_populates="posts")
    author: so.Mapped[User | None] = so.relationship(foreign_keys=[author_id])
    voice: so.Mapped[VoiceNote | None] = so.relationship(
        back_populates="post", cascade="all, delete-orphan", uselist=False, lazy="selectin"
    )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None or self.held_for_review

    @property
    def is_gone(self) -> bool:
        return self.deleted_at is not None


class VoiceNote(db.Model):
    """A recorded voice note, kept in the database so every app server and every backup has it."""

    __tablename__ = "voice_notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    mime: so.Mapped[str] = so.mapped_column(sa.String(40))
    size: so.Mapped[int]
    duration_ms: so.Mapped[int]
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    post: so.Mapped[Post] = so.relationship(back_populates="voice")


class Agreement(db.Model):
    """One member's "me too" on one post."""

    __tablename__ = "post_agreements"

    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Report(db.Model):
    __tablename__ = "post_reports"

    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class ProposalSource(db.Model):
    """This proposal came from this post: kept and shown both ways."""

    __tablename__ = "proposal_sources"

    proposal_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    proposal: so.Mapped[Proposal] = so.relationship()
    post: so.Mapped[Post] = so.relationship()
