"""At erasure, her keyed rows (secret ballots, presses, anonymous answers and posts) get random
keys, and every peer row is written again in the same statement.

Why random keys and not NULL: hers would be the only row with an empty key, so its choice, dots
or words could be read off as hers. secrets.token_hex(32) has the length of a real key (an
HMAC-SHA256 in hex), so neither emptiness nor length marks it.

Why the peers too: PostgreSQL stamps every row an UPDATE writes with the transaction's id (xmin),
and erasure also writes her user row. Her keyed rows changed alone would carry the stamp of her
user row, and be moved to the end of the table. Changed in one statement with all the rows of
the same kind in her groups (whether or not she has one among them), every row gets the same
stamp and keeps its place, so neither says which was hers, nor which texts or meetings she
answered. The same SQL runs on SQLite, where it costs little: erasure is rare."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from feedback.extensions import db


def random_key() -> str:
    return secrets.token_hex(32)


def rekey(table: Any, key: sa.Column, peers: sa.ColumnElement[bool], hers: Iterable[str],
          blank: Iterable[sa.Column] = (), reset: Mapping[sa.Column, Mapping[str, Any]] | None = None) -> None:
    """Give each of her keys (old key -> new random key) in `table` a random one; set the `blank`
    columns of her rows to NULL and the `reset` columns of her rows to the value given for her
    old key; write every row matching `peers` again, unchanged otherwise. One statement."""
    hers = list(hers)
    values: dict[Any, Any] = {key: key}  # a peer is written again as it is
    if hers:
        mine = key.in_(hers)
        values[key] = sa.case({old: random_key() for old in hers}, value=key, else_=key)
        for column in blank:
            values[column] = sa.case((mine, sa.null()), else_=column)
        for column, by_key in (reset or {}).items():
            values[column] = sa.case(dict(by_key), value=key, else_=column) if by_key else column
    db.session.execute(sa.update(table).where(sa.or_(peers, key.in_(hers)) if hers else peers).values(values))
