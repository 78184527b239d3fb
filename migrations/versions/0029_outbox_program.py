"""outbox program: each message knows the program whose event it is (outbox_messages.program_id)

Staff of a program saw the messages of everyone who ever was in it, also what another program
sent to a woman in both, or after she left. Now a program's staff see the messages of its own
events, and the ones of no program (her link by SMS asked for on the login page) to its people.

The rows already stored get their program from their key, which names the event
("meeting:12:sms:7" is about meeting 12): read in batches by id, each event looked up in its
table. A key of no event (a link by SMS, a test message) leaves the row without a program.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-08 09:00:00

"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

BATCH = 500

outbox = sa.table('outbox_messages', sa.column('id', sa.Integer), sa.column('idempotency_key', sa.String),
                  sa.column('program_id', sa.Integer))

# The first word of a key (feedback/outbox/news.py, schedule.py, datepolls/messages.py), the
# number after it, and the query that finds that event's program: "SELECT <event id>, <program id>".
EVENTS = {
    'meeting': 'SELECT id, program_id FROM meetings WHERE id IN :ids',
    'reminder': 'SELECT id, program_id FROM meetings WHERE id IN :ids',  # "reminder-48h:<meeting>"
    'vote': 'SELECT id, program_id FROM proposals WHERE id IN :ids',  # "vote:<proposal>:<round>"
    'vote-reminder': 'SELECT id, program_id FROM proposals WHERE id IN :ids',
    'priorities': 'SELECT id, program_id FROM priority_polls WHERE id IN :ids',
    'date-poll': 'SELECT id, program_id FROM date_polls WHERE id IN :ids',
    'decision': 'SELECT id, program_id FROM decisions WHERE id IN :ids',
    'follow-up': 'SELECT id, program_id FROM program_changes WHERE id IN :ids',
    'new-posts': 'SELECT id, program_id FROM threads WHERE id IN :ids',  # "new-posts:<thread>:<day>"
    'report': 'SELECT posts.id, threads.program_id FROM posts JOIN threads ON threads.id = posts.thread_id '
              'WHERE posts.id IN :ids',  # "report:<post>"
    'digest': 'SELECT id, id FROM programs WHERE id IN :ids',  # "digest:<program>:<week>"
}
KEY = re.compile(r'^(reminder)-\d+h:(\d+):|^([a-z-]+):(\d+):')


def event_of(key: str) -> tuple[str, int] | None:
    """The kind of event a stored key names and its id, or None (a login link, a test)."""
    match = KEY.match(key)
    if match is None:
        return None
    word, number = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return (word, int(number)) if word in EVENTS else None


def backfill(bind) -> None:
    after = 0
    while True:
        rows = bind.execute(
            sa.select(outbox.c.id, outbox.c.idempotency_key)
            .where(outbox.c.id > after, outbox.c.program_id.is_(None))
            .order_by(outbox.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1].id
        wanted: dict[str, dict[int, list[int]]] = {}  # word -> event id -> message ids
        for message_id, key in rows:
            event = event_of(key)
            if event is not None:
                wanted.setdefault(event[0], {}).setdefault(event[1], []).append(message_id)
        updates = []
        for word, by_event in wanted.items():
            query = sa.text(EVENTS[word]).bindparams(sa.bindparam('ids', expanding=True))
            for event_id, program_id in bind.execute(query, {'ids': list(by_event)}):
                if program_id is not None:
                    updates += [{'message_id': m, 'program': program_id} for m in by_event.get(event_id, ())]
        if updates:
            bind.execute(
                sa.update(outbox).where(outbox.c.id == sa.bindparam('message_id'))
                .values(program_id=sa.bindparam('program')),
                updates,
            )


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('program_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_program_id'), ['program_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_program_id_programs'), 'programs',
                                    ['program_id'], ['id'], ondelete='CASCADE')
    backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_program_id_programs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_program_id'))
        batch_op.drop_column('program_id')
