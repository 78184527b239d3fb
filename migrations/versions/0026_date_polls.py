"""date polls: staff propose dates, members answer yes / if needed / no and say what they need

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('date_polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open','closed')", name=op.f('ck_date_polls_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_date_polls_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_date_polls_meeting_id_meetings'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_date_polls_program_id_programs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_polls'))
    )
    with op.batch_alter_table('date_polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_date_polls_program_id'), ['program_id'], unique=False)

    op.create_table('date_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['date_polls.id'], name=op.f('fk_date_options_poll_id_date_polls'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_options')),
    sa.UniqueConstraint('poll_id', 'starts_at', name='uq_date_options_poll_start')
    )
    with op.batch_alter_table('date_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_date_options_poll_id'), ['poll_id'], unique=False)

    op.create_table('date_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("answer IN ('yes','if_needed','no')", name=op.f('ck_date_votes_answer_known')),
    sa.ForeignKeyConstraint(['option_id'], ['date_options.id'], name=op.f('fk_date_votes_option_id_date_options'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_date_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_votes')),
    sa.UniqueConstraint('option_id', 'user_id', name='uq_date_votes_option_user')
    )
    with op.batch_alter_table('date_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_date_votes_option_id'), ['option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_date_votes_user_id'), ['user_id'], unique=False)

    op.create_table('date_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('children', sa.Integer(), server_default='0', nullable=False),
    sa.Column('interpreter', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('children >= 0 AND children <= 10', name=op.f('ck_date_needs_children_range')),
    sa.ForeignKeyConstraint(['poll_id'], ['date_polls.id'], name=op.f('fk_date_needs_poll_id_date_polls'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_date_needs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_needs')),
    sa.UniqueConstraint('poll_id', 'user_id', name='uq_date_needs_poll_user')
    )
    with op.batch_alter_table('date_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_date_needs_poll_id'), ['poll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_date_needs_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('date_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_date_needs_user_id'))
        batch_op.drop_index(batch_op.f('ix_date_needs_poll_id'))
    op.drop_table('date_needs')
    with op.batch_alter_table('date_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_date_votes_user_id'))
        batch_op.drop_index(batch_op.f('ix_date_votes_option_id'))
    op.drop_table('date_votes')
    with op.batch_alter_table('date_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_date_options_poll_id'))
    op.drop_table('date_options')
    with op.batch_alter_table('date_polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_date_polls_program_id'))
    op.drop_table('date_polls')
