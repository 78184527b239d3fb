"""join code hashed

Only the hash of a join code is kept; the code itself is derived from the secret key and a
salt. A meeting running during the upgrade loses its code: staff press "New join code", and
phones that already joined stay in the meeting.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 05:31:54.314924

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_salt', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('join_code_hash', sa.String(length=64), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_meetings_join_code'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_meetings_join_code_hash'), ['join_code_hash'])
        batch_op.drop_column('join_code')


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_code', sa.VARCHAR(length=8), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_meetings_join_code_hash'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_meetings_join_code'), ['join_code'])
        batch_op.drop_column('join_code_hash')
        batch_op.drop_column('join_salt')
