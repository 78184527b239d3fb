"""ballots without order

Nothing in the tables may line an anonymous ballot up with its voter: ballots get random ids
(votes.id becomes 64 bits on PostgreSQL; SQLite's is already), the anonymous ballots already
stored are written again in a random order with new ids, and the voter roll is written again in
the order of the members' ids (on SQLite without the hidden row id that counts up).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 06:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

votes = sa.table(
    'votes', sa.column('id', sa.BigInteger), sa.column('proposal_id', sa.Integer), sa.column('user_id', sa.Integer),
    sa.column('ballot_key', sa.String), sa.column('choice', sa.String), sa.column('reason', sa.String),
    sa.column('channel', sa.String),
)
roll = sa.table('voter_roll', sa.column('proposal_id', sa.Integer), sa.column('user_id', sa.Integer))


def _new_id() -> int:
    return secrets.randbelow(2**62 - 1) + 1


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.alter_column('votes', 'id', type_=sa.BigInteger(), existing_nullable=False)

    anonymous = votes.c.user_id.is_(None)
    ballots = [dict(r._mapping) for r in bind.execute(
        sa.select(votes.c.proposal_id, votes.c.ballot_key, votes.c.choice, votes.c.reason, votes.c.channel)
        .where(anonymous))]
    secrets.SystemRandom().shuffle(ballots)
    bind.execute(sa.delete(votes).where(anonymous))
    for ballot in ballots:
        bind.execute(sa.insert(votes).values(id=_new_id(), **ballot))

    voters = [dict(r._mapping) for r in bind.execute(
        sa.select(roll.c.proposal_id, roll.c.user_id).order_by(roll.c.proposal_id, roll.c.user_id))]
    if bind.dialect.name == 'sqlite':
        # A table changes to WITHOUT ROWID only by being made again.
        with op.batch_alter_table('voter_roll', recreate='always', table_kwargs={'sqlite_with_rowid': False}):
            pass
    bind.execute(sa.delete(roll))
    if voters:
        bind.execute(sa.insert(roll), voters)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # Number the ballots again so that they fit 32 bits: through negative numbers, so that
        # no new id meets an old one on the way.
        op.execute("UPDATE votes SET id = -n.rn FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM votes) n "
                   "WHERE votes.id = n.id")
        op.execute("UPDATE votes SET id = -id")
        op.alter_column('votes', 'id', type_=sa.Integer(), existing_nullable=False)
        op.execute("SELECT setval(pg_get_serial_sequence('votes', 'id'), COALESCE(max(id), 0) + 1, false) FROM votes")
