"""retention periods and members who left

The voice retention period moves from the VOICE_RETENTION_DAYS setting into each program, where
admins set it: a value set for the old setting is carried over (0 meant "keep": the longest).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 05:37:55.116401

"""
import os

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voice_retention_days', sa.Integer(), server_default='365', nullable=False))
        batch_op.add_column(sa.Column('left_retention_days', sa.Integer(), server_default='90', nullable=False))

    old = os.environ.get("VOICE_RETENTION_DAYS", "").strip()
    if old.isdigit():
        days = min(max(int(old), 7), 3650) if int(old) else 3650
        op.execute(sa.text("UPDATE programs SET voice_retention_days = :days").bindparams(days=days))


def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('left_retention_days')
        batch_op.drop_column('voice_retention_days')

    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('left_at')
