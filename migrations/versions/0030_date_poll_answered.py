"""date poll answered: how many members answered a poll, kept when retention deletes the answers

`flask retention` deletes members' answers to a date poll (and what they need) once its last date
is REPLY_KEEP_DAYS old; the dashboards' count of who answered went to 0 with them. The count is
now written on the poll first. Polls whose answers are already gone stay without a count: it
cannot be known any more.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 10:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('date_polls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_before_deletion', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('date_polls', schema=None) as batch_op:
        batch_op.drop_column('answered_before_deletion')
