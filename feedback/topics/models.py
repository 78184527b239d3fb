"""Topics: the themes that feedback and proposals are filed under."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.extensions import db


class Topic(db.Model):
    __tablename__ = "topics"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    icon: so.Mapped[str] = so.mapped_column(sa.String(30), default="chat")
    position: so.Mapped[int] = so.mapped_column(default=0)
    archived: so.Mapped[bool] = so.mapped_column(default=False)
