"""message choice: her channel, the kinds she stopped, push in the outbox, a message's page,
and when a program reminds members of a meeting

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_channel', sa.String(length=10), nullable=True))
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_hours', sa.String(length=20), server_default='48,3', nullable=False))
    op.create_table('message_stops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_message_stops_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_stops')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_message_stops_user_id_kind'))
    )
    with op.batch_alter_table('message_stops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_stops_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link', sa.String(length=300), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_channel_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_outbox_messages_channel_known'), "channel IN ('sms','email','push')")


def downgrade():
    # Push messages have nowhere to go in the older schema.
    op.execute("DELETE FROM outbox_messages WHERE channel = 'push'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_channel_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_outbox_messages_channel_known'), "channel IN ('sms','email')")
        batch_op.drop_column('link')
    with op.batch_alter_table('message_stops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_stops_user_id'))
    op.drop_table('message_stops')
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('reminder_hours')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('message_channel')
