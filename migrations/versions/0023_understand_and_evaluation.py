"""'I don't understand' presses and members' evaluations of a meeting, both without who

Revision ID: 0023
Revises: 0024
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('understand_presses',
    sa.Column('press_key', sa.String(length=64), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('text_kind', sa.String(length=12), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("text_kind IN ('proposal','decision','agenda_item')",
                       name=op.f('ck_understand_presses_text_kind_known')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_understand_presses_program_id_programs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('press_key', name=op.f('pk_understand_presses')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('understand_presses', schema=None) as batch_op:
        batch_op.create_index('ix_understand_presses_text', ['text_kind', 'text_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_understand_presses_program_id'), ['program_id'], unique=False)

    op.create_table('meeting_evaluations',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('answer_key', sa.String(length=64), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('voice_mime', sa.String(length=40), nullable=True),
    sa.Column('voice_ms', sa.Integer(), nullable=True),
    sa.Column('voice_data', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint("answer IN ('good','ok','bad')", name=op.f('ck_meeting_evaluations_answer_known')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_evaluations_meeting_id_meetings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_evaluations_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_evaluations')),
    sa.UniqueConstraint('answer_key', name=op.f('uq_meeting_evaluations_answer_key'))
    )
    with op.batch_alter_table('meeting_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_evaluations_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_evaluations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_evaluations_user_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_evaluations_meeting_id'))
    op.drop_table('meeting_evaluations')
    with op.batch_alter_table('understand_presses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_understand_presses_program_id'))
        batch_op.drop_index('ix_understand_presses_text')
    op.drop_table('understand_presses')
