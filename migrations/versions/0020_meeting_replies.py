"""meeting replies: a member's "I will come / I can't / not sure", with childcare and interpreter

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=12), nullable=False),
    sa.Column('children', sa.Integer(), server_default='0', nullable=False),
    sa.Column('interpreter', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("answer IN ('coming','not_coming','maybe')", name=op.f('ck_meeting_replies_answer_known')),
    sa.CheckConstraint('children >= 0 AND children <= 10', name=op.f('ck_meeting_replies_children_range')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_replies_meeting_id_meetings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_replies_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_replies')),
    sa.UniqueConstraint('meeting_id', 'user_id', name='uq_meeting_replies_meeting_user')
    )
    with op.batch_alter_table('meeting_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_replies_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_replies_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_replies_user_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_replies_meeting_id'))
    op.drop_table('meeting_replies')
