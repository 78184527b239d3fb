"""priority polls ("give your dots"): polls, options, ballots of dots, a secret poll's voter roll;
proposals.kind ("priorities" for the steering group's item of a closed poll)

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-06 14:18:14

"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('priority_polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.String(length=600), nullable=False),
    sa.Column('source_language', sa.String(length=10), nullable=False),
    sa.Column('dots_per_member', sa.Integer(), nullable=False),
    sa.Column('max_per_option', sa.Integer(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('results_live', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft','open','closed')", name=op.f('ck_priority_polls_status_known')),
    sa.CheckConstraint('NOT (anonymous AND results_live)', name=op.f('ck_priority_polls_secret_not_live')),
    sa.CheckConstraint('dots_per_member BETWEEN 1 AND 10', name=op.f('ck_priority_polls_dots_in_range')),
    sa.CheckConstraint('max_per_option BETWEEN 1 AND dots_per_member', name=op.f('ck_priority_polls_max_per_option_in_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_priority_polls_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_priority_polls_program_id_programs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_priority_polls_proposal_id_proposals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_polls')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_priority_polls_proposal_id'))
    )
    with op.batch_alter_table('priority_polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_polls_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_priority_polls_status'), ['status'], unique=False)

    op.create_table('priority_ballots',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('ballot_key', sa.String(length=64), nullable=True),
    sa.Column('dots_allowed', sa.Integer(), nullable=False),
    sa.Column('dots_used', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('dots_used >= 0 AND dots_used <= dots_allowed', name=op.f('ck_priority_ballots_dots_within_allowed')),
    sa.CheckConstraint('user_id IS NULL OR ballot_key IS NULL', name=op.f('ck_priority_ballots_named_or_secret')),
    sa.ForeignKeyConstraint(['poll_id'], ['priority_polls.id'], name=op.f('fk_priority_ballots_poll_id_priority_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_priority_ballots_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_ballots')),
    sa.UniqueConstraint('ballot_key', name=op.f('uq_priority_ballots_ballot_key')),
    sa.UniqueConstraint('poll_id', 'user_id', name='uq_priority_ballots_poll_user')
    )
    with op.batch_alter_table('priority_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_ballots_poll_id'), ['poll_id'], unique=False)

    op.create_table('priority_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('icon', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.String(length=600), nullable=False),
    sa.Column('source_language', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['priority_polls.id'], name=op.f('fk_priority_options_poll_id_priority_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_priority_options_proposal_id_proposals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_options'))
    )
    with op.batch_alter_table('priority_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_options_poll_id'), ['poll_id'], unique=False)

    op.create_table('priority_poll_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.String(length=600), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['priority_polls.id'], name=op.f('fk_priority_poll_translations_poll_id_priority_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_poll_translations')),
    sa.UniqueConstraint('poll_id', 'language', name='uq_priority_poll_translations_poll_language')
    )
    op.create_table('priority_voter_roll',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['priority_polls.id'], name=op.f('fk_priority_voter_roll_poll_id_priority_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_priority_voter_roll_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'user_id', name=op.f('pk_priority_voter_roll')),
    sqlite_with_rowid=False
    )
    op.create_table('priority_dots',
    sa.Column('ballot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('dots', sa.Integer(), nullable=False),
    sa.Column('max_dots', sa.Integer(), nullable=False),
    sa.CheckConstraint('dots >= 0 AND dots <= max_dots', name=op.f('ck_priority_dots_dots_within_max')),
    sa.ForeignKeyConstraint(['ballot_id'], ['priority_ballots.id'], name=op.f('fk_priority_dots_ballot_id_priority_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['priority_options.id'], name=op.f('fk_priority_dots_option_id_priority_options'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ballot_id', 'option_id', name=op.f('pk_priority_dots')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('priority_dots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_dots_option_id'), ['option_id'], unique=False)

    op.create_table('priority_option_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.String(length=600), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['priority_options.id'], name=op.f('fk_priority_option_translations_option_id_priority_options'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_option_translations')),
    sa.UniqueConstraint('option_id', 'language', name='uq_priority_option_translations_option_language')
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='proposal', nullable=False))
        batch_op.create_check_constraint(op.f('ck_proposals_kind_known'), "kind IN ('proposal','priorities')")

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('poll_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agenda_items_poll_id'), ['poll_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agenda_items_poll_id_priority_polls'), 'priority_polls',
                                    ['poll_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(op.f('ck_agenda_items_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_agenda_items_kind_known'),
                                         "kind IN ('proposal','topic','free','priority')")



def downgrade():
    op.execute("DELETE FROM agenda_items WHERE kind = 'priority'")
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agenda_items_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_agenda_items_kind_known'), "kind IN ('proposal','topic','free')")
        batch_op.drop_constraint(batch_op.f('fk_agenda_items_poll_id_priority_polls'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agenda_items_poll_id'))
        batch_op.drop_column('poll_id')

    op.execute("DELETE FROM proposals WHERE kind = 'priorities'")
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_proposals_kind_known'), type_='check')
        batch_op.drop_column('kind')

    op.drop_table('priority_option_translations')
    with op.batch_alter_table('priority_dots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_dots_option_id'))

    op.drop_table('priority_dots')
    op.drop_table('priority_voter_roll')
    op.drop_table('priority_poll_translations')
    with op.batch_alter_table('priority_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_options_poll_id'))

    op.drop_table('priority_options')
    with op.batch_alter_table('priority_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_ballots_poll_id'))

    op.drop_table('priority_ballots')
    with op.batch_alter_table('priority_polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_polls_status'))
        batch_op.drop_index(batch_op.f('ix_priority_polls_program_id'))

    op.drop_table('priority_polls')
