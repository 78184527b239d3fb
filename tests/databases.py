"""Which database the suite runs on: SQLite by default, PostgreSQL with TEST_DB=postgres (at
TEST_DATABASE_URL, which may name a database that each run makes new ones beside)."""
from __future__ import annotations

import os
import re

import pytest

USE_POSTGRES = os.environ.get("TEST_DB") == "postgres"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
# Requests that really run at once: SQLite lets one writer at a time, so a race cannot happen there.
needs_postgres = pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres")


def with_psycopg(url: str) -> str:
    """The address with the driver SQLAlchemy should use (psycopg 3) named in it."""
    return re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", url)
