"""flask backup / flask restore: a round trip changes nothing, between SQLite and PostgreSQL in
both directions when PostgreSQL is there; a restore refuses a database that is not empty."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from feedback.extensions import db
from tests.databases import USE_POSTGRES
from tests.migration_support import migrated_app


def everything(app) -> dict[str, list]:
    with app.app_context(), db.engine.connect() as conn:
        return {t.name: sorted((tuple(r) for r in conn.execute(sa.select(t))), key=repr)
                for t in db.metadata.sorted_tables}


def seed(app) -> None:
    from feedback.demo import build_demo
    from feedback.threads.models import Post, VoiceNote

    with app.app_context():
        build_demo()
        post = db.session.scalar(sa.select(Post).where(Post.body.is_not(None)).limit(1))
        if post.voice is None:
            db.session.add(VoiceNote(post_id=post.id, mime="audio/webm", size=5, duration_ms=900,
                                     data=bytes(range(256)) * 4))
        db.session.commit()


KINDS = [("sqlite", "sqlite")] + ([("sqlite", "postgres"), ("postgres", "sqlite"), ("postgres", "postgres")]
                                  if USE_POSTGRES else [])


@pytest.mark.parametrize(("source_kind", "target_kind"), KINDS)
def test_a_round_trip_changes_nothing(tmp_path, source_kind, target_kind):
    backup_file = tmp_path / "backup.jsonl.gz"
    with migrated_app(source_kind) as source:
        seed(source)
        result = source.test_cli_runner().invoke(args=["backup", str(backup_file)])
        assert result.exit_code == 0, result.output
        assert "Saved" in result.output
        original = everything(source)
    assert sum(len(rows) for rows in original.values()) > 300  # the whole demo
    assert original["voice_notes"]
    with migrated_app(target_kind) as target:
        result = target.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert result.exit_code == 0, result.output
        assert everything(target) == original
        # The restored database goes on working: new rows get new ids.
        with target.app_context():
            from feedback.programs.services import create_program

            program = create_program("After the restore", "after-restore")
            assert program.id > max(row[0] for row in original["programs"])


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    backup_file = tmp_path / "backup.jsonl.gz"
    with migrated_app("sqlite") as source:
        seed(source)
        assert source.test_cli_runner().invoke(args=["backup", str(backup_file)]).exit_code == 0
        before = everything(source)
        result = source.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert result.exit_code != 0
        assert "not empty" in result.output
        assert everything(source) == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    import gzip

    bad = tmp_path / "bad.gz"
    with gzip.open(bad, "wt") as fh:
        fh.write('{"hello": 1}\n')
    with migrated_app("sqlite") as target:
        result = target.test_cli_runner().invoke(args=["restore", str(bad)])
        assert result.exit_code != 0
        assert "not a backup file" in result.output


def test_restore_says_what_is_wrong_with_a_file_that_is_not_whole(tmp_path):
    """Found by a review: a file that is not gzip, and a backup cut off half way, gave tracebacks;
    one cut off at a line's end would have been restored as if it were whole."""
    import gzip

    full = tmp_path / "full.jsonl.gz"
    with migrated_app("sqlite") as source:
        seed(source)
        assert source.test_cli_runner().invoke(args=["backup", str(full)]).exit_code == 0
    text = gzip.decompress(full.read_bytes()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    plain = tmp_path / "plain.txt"
    plain.write_text(text)
    mid_line, at_line_end = tmp_path / "mid.gz", tmp_path / "end.gz"
    mid_line.write_bytes(gzip.compress(text[: len(text) // 2].encode()))
    at_line_end.write_bytes(gzip.compress("".join(lines[: len(lines) // 2]).encode()))
    cut_stream = tmp_path / "stream.gz"
    cut_stream.write_bytes(full.read_bytes()[: len(full.read_bytes()) // 2])
    for bad, says in ((plain, "not a backup file"), (mid_line, "cut off"), (at_line_end, "cut off"),
                      (cut_stream, "cut off")):
        with migrated_app("sqlite") as target:
            result = target.test_cli_runner().invoke(args=["restore", str(bad)])
            assert result.exit_code == 1 and says in result.output, (bad.name, result.output, result.exception)
            assert not any(everything(target).values())  # nothing half restored


def test_backup_into_a_folder_that_is_not_there_says_so(tmp_path):
    with migrated_app("sqlite") as app:
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no-such-dir" / "b.jsonl.gz")])
        assert result.exit_code == 1 and "could not write" in result.output and "no-such-dir" in result.output
