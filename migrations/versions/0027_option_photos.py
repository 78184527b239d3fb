"""option photos: a priority poll's own option can have a photo, kept in the proposal photo tables

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

ONE_OWNER = ('(CASE WHEN proposal_id IS NULL THEN 0 ELSE 1 END) + '
             '(CASE WHEN option_id IS NULL THEN 0 ELSE 1 END) = 1')


def upgrade():
    with op.batch_alter_table('proposal_photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('option_id', sa.Integer(), nullable=True))
        batch_op.alter_column('proposal_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_proposal_photos_option_id'), ['option_id'])
        batch_op.create_foreign_key(batch_op.f('fk_proposal_photos_option_id_priority_options'), 'priority_options',
                                    ['option_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(batch_op.f('ck_proposal_photos_one_owner'), ONE_OWNER)


def downgrade():
    op.execute('DELETE FROM proposal_photos WHERE proposal_id IS NULL')
    with op.batch_alter_table('proposal_photos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_proposal_photos_one_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_proposal_photos_option_id_priority_options'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_proposal_photos_option_id'), type_='unique')
        batch_op.alter_column('proposal_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('option_id')
