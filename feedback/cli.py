"""flask commands: create-admin, seed-demo, backup, restore, retention, outbox."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app, url_for
from flask.cli import with_appcontext

from feedback.auth import services as auth
from feedback.auth.models import User
from feedback.common.errors import RuleError
from feedback.extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(outbox_group)


@click.group("outbox")
def outbox_group() -> None:
    """Send the messages in the outbox (SMS, e-mail, push)."""


@outbox_group.command("vapid-keys")
def outbox_vapid_keys() -> None:
    """Print a new VAPID key pair for Web Push, as lines for the environment. Keep the private
    key secret; changing it later means every phone must say yes to messages again."""
    from feedback.outbox.push import new_key_pair

    private, public = new_key_pair()
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo(f"VAPID_PUBLIC_KEY={public}")


@outbox_group.command("run-once")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="messages claimed at a time")
@with_appcontext
def outbox_run_once(limit: int) -> None:
    """Send what is due now and stop (for cron)."""
    from feedback.outbox.worker import run_once

    done = run_once(current_app._get_current_object(), limit)  # type: ignore[attr-defined]
    click.echo("Outbox: " + (", ".join(f"{n} {what}" for what, n in sorted(done.items())) or "nothing was due") + ".")


@outbox_group.command("work")
@click.option("--idle", default=5.0, show_default=True, help="seconds to wait when nothing is due")
@with_appcontext
def outbox_work(idle: float) -> None:
    """Keep sending as messages come due, until stopped (several may run on PostgreSQL)."""
    from feedback.outbox.worker import work

    click.echo("Outbox worker started; Ctrl-C stops it.")
    try:
        work(current_app._get_current_object(), idle)  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        click.echo("Outbox worker stopped.")


@click.command("retention")
@with_appcontext
def retention_command() -> None:
    """Delete what each program keeps no longer than its admins set: run it daily."""
    from feedback.operations.retention import (
        delete_old_meeting_replies,
        delete_old_outbox_messages,
        delete_old_voice_notes,
        erase_members_who_left,
    )

    voices = delete_old_voice_notes()
    click.echo(f"Deleted {voices} voice messages older than their program keeps them.")
    from feedback.understanding.evaluation import delete_old_voice

    click.echo(f"Deleted {delete_old_voice()} voice messages of meeting evaluations older than their program keeps them.")
    erased = erase_members_who_left()
    click.echo(f"Erased the personal data of {erased} members who left.")
    outbox = delete_old_outbox_messages()
    click.echo(f"Deleted {outbox} sent messages older than {current_app.config['OUTBOX_KEEP_DAYS']} days.")
    answers = delete_old_meeting_replies()
    click.echo(f"Deleted {answers} answers to meetings more than {current_app.config['REPLY_KEEP_DAYS']} days ago.")
    from feedback.datepolls.services import delete_old as delete_old_date_answers

    dates = delete_old_date_answers(current_app.config["REPLY_KEEP_DAYS"])
    click.echo(f"Deleted the answers of {dates} members to date polls whose dates are more than "
               f"{current_app.config['REPLY_KEEP_DAYS']} days ago.")
    from feedback.audit.security import delete_old

    click.echo(f"Deleted {delete_old()} security events older than {current_app.config['SECURITY_LOG_DAYS']} days.")
    db.session.commit()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Write all data (voice notes too) to PATH, a consistent moment of the database."""
    from feedback.operations import backup

    try:
        counts = backup.backup(path)
    except OSError as e:  # a folder that is not there, a full disk: said, not a traceback
        raise click.ClickException(f"could not write {path}: {e.strerror or e}") from e
    click.echo(f"Saved {sum(counts.values())} rows from {len(counts)} tables to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(path: str) -> None:
    """Load a backup into this database: it must be empty and migrated to the backup's revision."""
    from feedback.operations import backup

    try:
        counts = backup.restore(path)
    except backup.BackupError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Restored {sum(counts.values())} rows into {len(counts)} tables from {path}.")


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, name: str, password: str) -> None:
    """Create a site admin who logs in with email and password."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)  # as the admin's form checks it (wtforms Email)
    except EmailNotValidError as e:
        raise click.ClickException(f"{email!r} is not an email address: {e}") from None
    try:
        auth.create_user(name, email, password, is_admin=True)
    except RuleError as e:
        raise click.ClickException(str(e.message)) from None
    db.session.commit()
    click.echo(f"Admin {email} created.")


def _base_url() -> str:
    return (current_app.config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even if the database has data.")
def seed_demo(force: bool) -> None:
    """Load the demo program when the database is empty; print a login line per demo user."""
    from feedback.demo import DEMO_PASSWORD, DEMO_SLUG, build_demo
    from feedback.programs.models import Membership, Program, Role

    empty = db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    if empty or force:
        try:
            build_demo()
        except RuleError as e:  # --force where the demo is already: its program's short name is taken
            raise click.ClickException(f"the demo could not be loaded: {e.message}") from e
        click.echo("Demo data loaded.")
    else:
        click.echo("The database already has data; not loading demo data again.")
    base = _base_url()
    program = db.session.scalar(sa.select(Program).where(Program.slug == DEMO_SLUG))
    if program is None:
        return
    # Only the demo program's people: real members' links are never touched here.
    in_demo = sa.select(Membership.user_id).where(Membership.program_id == program.id)
    with current_app.test_request_context(base_url=base):
        office = db.session.scalars(
            sa.select(User).where(User.id.in_(in_demo), User.email.like("%@demo.example")).order_by(User.id)
        ).all()
        for user in office:
            role = "admin" if user.is_admin else ",".join(sorted(user.roles_in(program.id)))
            click.echo(
                f"{role:9} {user.name:22} {base}{url_for('auth.login')}  email {user.email} password {DEMO_PASSWORD}"
            )
        members = db.session.scalars(
            sa.select(User)
            .join(Membership)
            .where(Membership.program_id == program.id, Membership.role == Role.MEMBER, Membership.left_at.is_(None))
            .order_by(User.id)
        ).all()
        for user in members:
            raw = auth.issue_member_link(user, None)
            click.echo(
                f"{'member':9} {user.name:22} {base}{url_for('auth.member_link', token=raw)}"
                f"  ({user.preferred_language})"
            )
    db.session.commit()  # the new links
