"""recordings: a spoken version of a proposal, a decision's reason, a program change or a meeting summary, one per language

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-06 12:52:24.464199

"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('change_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(CASE WHEN proposal_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN decision_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN change_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN meeting_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_recordings_one_subject')),
    sa.ForeignKeyConstraint(['change_id'], ['program_changes.id'], name=op.f('fk_recordings_change_id_program_changes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_recordings_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_recordings_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_recordings_program_id_programs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_recordings_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_recordings_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recordings')),
    sa.UniqueConstraint('change_id', 'language', name='uq_recordings_change_language'),
    sa.UniqueConstraint('decision_id', 'language', name='uq_recordings_decision_language'),
    sa.UniqueConstraint('meeting_id', 'language', name='uq_recordings_meeting_language'),
    sa.UniqueConstraint('proposal_id', 'language', name='uq_recordings_proposal_language')
    )
    with op.batch_alter_table('recordings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recordings_program_id'), ['program_id'], unique=False)



def downgrade():
    with op.batch_alter_table('recordings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recordings_program_id'))

    op.drop_table('recordings')
