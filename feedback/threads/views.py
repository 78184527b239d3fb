"""Feedback threads, for members and staff alike: the same pages, with staff tools for staff."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.common.access import get_or_404, staff_required
from feedback.common.error_pages import error_fragment
from feedback.common.errors import RuleError, show_on_form
from feedback.common.request_guards import accepts_upload, per_user
from feedback.common.transaction import asked
from feedback.extensions import db, limiter
from feedback.meetings.models import Meeting
from feedback.notifications import services as notifications
from feedback.notifications.models import Kind
from feedback.programs.models import Program, Role
from feedback.proposals.models import Proposal, Status
from feedback.threads import audio, services
from feedback.threads.forms import EditForm, HideForm, OfficialForm, PostForm, ShowAgainForm, TranscriptForm
from feedback.threads.models import Post, Thread
from feedback.topics.models import Topic

bp = Blueprint("threads", __name__)

SUBJECT_MODELS = {"topic": Topic, "proposal": Proposal, "meeting": Meeting}


post_limit = limiter.limit(lambda: current_app.config["POST_RATE_LIMIT"], key_func=per_user, methods=["POST"])
tap_limit = limiter.limit(lambda: current_app.config["TAP_RATE_LIMIT"], key_func=per_user, methods=["POST"])


def _check_visible(program_id: int, proposal: Proposal | None) -> None:
    """Another program's conversations do not exist for her; nor do those on drafts."""
    if not services.can_read(current_user, program_id):
        abort(404)
    hidden_draft = proposal is not None and proposal.status in (Status.DRAFT, Status.ON_AGENDA)
    if hidden_draft and not services.is_staff(current_user, program_id):
        abort(404)
    if services.is_staff(current_user, program_id):
        g.program = db.session.get(Program, program_id)


def _subject(kind: str, subject_id: int) -> Topic | Proposal | Meeting:
    subject = get_or_404(SUBJECT_MODELS[kind], subject_id)
    _check_visible(subject.program_id, subject if isinstance(subject, Proposal) else None)
    return subject


def _thread(thread_id: int) -> Thread:
    thread = get_or_404(Thread, thread_id)
    _check_visible(thread.program_id, thread.proposal)
    return thread


def _post(post_id: int) -> Post:
    post = get_or_404(Post, post_id)
    _check_visible(post.thread.program_id, post.thread.proposal)
    return post


def _layout(program_id: int) -> str:
    return "staff/_layout.html" if services.is_staff(current_user, program_id) else "base.html"


def _voice_bytes(form: PostForm) -> bytes | None:
    storage = form.voice.data
    if not storage or (not getattr(storage, "filename", None) and not getattr(storage, "content_length", 0)):
        return None
    data = storage.read()
    return data or None


def _flag(form: PostForm, name: str) -> bool:
    field = getattr(form, name, None)  # fields a role does not have are removed from its form
    return bool(field is not None and field.data)


# A voice note may be up to 5 MB: a post may be bigger than the usual 1 MB limit.
takes_voice = accepts_upload(audio.MAX_BYTES + 512 * 1024)


def _post_form(program_id: int) -> PostForm:
    form = PostForm()
    if not services.is_staff(current_user, program_id):
        del form.official
        del form.fully_anonymous
    else:
        del form.anonymous
    return form


# --- member-facing pages ----------------------------------------------------------------------


@bp.route("/talk")
@login_required
def index():
    program_ids = current_user.program_ids(Role.MEMBER, Role.STAFF, Role.STEERING, Role.ADMIN)
    if not program_ids and current_user.is_admin:
        return redirect(url_for("admin.programs"))
    return render_template(
        "threads/index.html",
        topics=services.topics_with_counts(program_ids),
        mine=services.my_threads(current_user, program_ids),
        programs={p.id: p for p in db.session.scalars(db.select(Program).where(Program.id.in_(program_ids)))},
    )


@bp.route("/talk/<any(topic, proposal, meeting):kind>/<int:subject_id>", methods=["GET", "POST"])
@takes_voice
@login_required
@post_limit
def subject(kind: str, subject_id: int):
    subj = _subject(kind, subject_id)
    form = _post_form(subj.program_id)
    status = 200
    if form.validate_on_submit():
        thread, status = _sent(form, lambda: services.start_thread(
            current_user, subj, form.body.data, _voice_bytes(form),
            anonymous=_flag(form, "anonymous"), fully_anonymous=_flag(form, "fully_anonymous"),
        ))
        if thread is not None:
            return redirect(url_for("threads.thread", thread_id=thread.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "threads/subject.html",
        layout=_layout(subj.program_id),
        kind=kind,
        subject=subj,
        threads=services.threads_on(subj),
        form=form,
        can_write=_can_write(subj.program_id),
    ), status


def _can_write(program_id: int) -> bool:
    return asked(services.writer_role, current_user, program_id)


def _thread_context(thread: Thread, form: PostForm | None = None) -> dict:
    return {
        "layout": _layout(thread.program_id),
        "thread": thread,
        "view": services.thread_view(thread, current_user),
        "form": form or _post_form(thread.program_id),
        "can_write": _can_write(thread.program_id),
        "staff": services.is_staff(current_user, thread.program_id),
        "member": services.is_member(current_user, thread.program_id),
        "version": _version(thread),
        **_post_helpers(),
    }


def _post_helpers() -> dict:
    return {"is_mine": services.is_mine, "shows_name": services.shows_name, "can_change": services.can_change}


def _version(thread: Thread) -> str:
    """Changes whenever what the thread shows changes (a post, an answer, moderation)."""
    marks = [(p.id, p.edited_at, p.deleted_at, p.hidden_at, p.held_for_review, p.official) for p in thread.posts]
    # A stable digest, not hash(): every app server must compute the same version.
    return hashlib.sha1(repr((marks, thread.answered_at)).encode(), usedforsecurity=False).hexdigest()[:16]


@bp.route("/talk/t/<int:thread_id>", methods=["GET", "POST"])
@takes_voice
@login_required
@post_limit
def thread(thread_id: int):
    t = _thread(thread_id)
    if request.method == "GET":
        if request.htmx and request.args.get("v") is not None:
            # Polling for new posts: nothing new is a 204, which htmx leaves alone.
            if request.args["v"] == _version(t):
                return "", 204
            notifications.mark_read(current_user, thread_id=t.id)  # the news is on her screen now
            return render_template("threads/_posts.html", **_thread_context(t))
        notifications.mark_read(current_user, thread_id=t.id)
        return render_template("threads/thread.html", **_thread_context(t))
    form = _post_form(t.program_id)
    status = 400
    if form.validate_on_submit():
        post, status = _sent(form, lambda: services.reply(
            current_user, t, form.body.data, _voice_bytes(form),
            anonymous=_flag(form, "anonymous"), official=_flag(form, "official"),
        ))
        if post is not None:
            return redirect(url_for("threads.thread", thread_id=t.id) + f"#post-{post.id}")
    return render_template("threads/thread.html", **_thread_context(t, form)), status


def _sent(form: PostForm, write):
    """Writes a new thread or a reply: (what it made, 200), or (None, status) with the refusal
    shown under the text box. A refusal of her role is the 403 page."""
    try:
        made = write()
    except RuleError as e:
        if e.status == 403:
            abort(403)
        show_on_form(form, e, "body")
        return None, e.status
    flash(_("Thank you! Your post is sent."), "success")
    return made, 200


def _back_to(post: Post, anchor: bool = True) -> str:
    return url_for("threads.thread", thread_id=post.thread_id) + (f"#post-{post.id}" if anchor else "")


def _refused(post: Post, e: RuleError):
    if e.status == 403:
        abort(403)
    if request.htmx:
        return error_fragment(e.message, e.status)
    flash(str(e.message), "error")
    return redirect(_back_to(post)), 303


@bp.route("/talk/posts/<int:post_id>/agree", methods=["POST"])
@login_required
@tap_limit
def agree(post_id: int):
    post = _post(post_id)
    try:
        services.agree(current_user, post)
    except RuleError as e:
        return _refused(post, e)
    if request.htmx:
        view = services.thread_view(post.thread, current_user)
        return render_template(
            "threads/_agree.html", post=post, view=view, member=True, mine=False, just_agreed=True
        )
    return redirect(_back_to(post))


@bp.route("/talk/posts/<int:post_id>/report", methods=["POST"])
@login_required
@tap_limit
def report(post_id: int):
    post = _post(post_id)
    try:
        services.report(current_user, post)
    except RuleError as e:
        return _refused(post, e)
    flash(_("Thank you. Staff will look at the post."), "success")
    return redirect(_back_to(post))


@bp.route("/talk/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@post_limit
def edit(post_id: int):
    post = _post(post_id)
    try:
        services.check_can_change(post, current_user)
    except RuleError as e:
        return _refused(post, e)
    form = EditForm(obj=post)
    status = 200
    if form.validate_on_submit():
        try:
            services.edit_post(current_user, post, form.body.data)
        except RuleError as e:
            show_on_form(form, e, "body")
            status = e.status
        else:
            flash(_("Your post is changed."), "success")
            return redirect(_back_to(post))
    elif form.is_submitted():
        status = 400
    return render_template("threads/edit.html", layout=_layout(post.thread.program_id), post=post, form=form), status


@bp.route("/talk/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete(post_id: int):
    post = _post(post_id)
    try:
        services.delete_post(current_user, post)
    except RuleError as e:
        return _refused(post, e)
    flash(_("Your post is taken back."), "success")
    return redirect(_back_to(post))




@bp.route("/talk/posts/<int:post_id>/voice")
@login_required
def voice(post_id: int):
    """The recording, only for people of the program: never a public file."""
    post = _post(post_id)
    if post.voice is None or (post.is_hidden and not services.is_staff(current_user, post.thread.program_id)):
        abort(404)
    note = post.voice
    return audio.sound_response(note.data, note.mime, f"voice-{post.id}", etag=f"voice-{note.id}")


# --- staff tools ------------------------------------------------------------------------------


def _staff_post(post_id: int) -> Post:
    post = _post(post_id)
    if not services.is_staff(current_user, post.thread.program_id):
        abort(403)
    return post


@bp.route("/talk/posts/<int:post_id>/hide", methods=["POST"])
@login_required
def hide(post_id: int):
    post = _staff_post(post_id)
    form = HideForm()
    try:
        if not form.validate_on_submit():
            raise RuleError(_("Write why the post is hidden. Members will see the reason."))
        services.hide(current_user, post, form.reason.data)
    except RuleError as e:
        return _refused(post, e)
    flash(_("The post is hidden."), "success")
    return redirect(_back_to(post))


@bp.route("/talk/posts/<int:post_id>/show", methods=["POST"])
@login_required
def show_again(post_id: int):
    post = _staff_post(post_id)
    services.show_again(current_user, post)
    flash(_("The post is shown again."), "success")
    if ShowAgainForm().next.data == "queue":
        return redirect(url_for("threads.staff_feedback", program_id=post.thread.program_id))
    return redirect(_back_to(post))


@bp.route("/talk/posts/<int:post_id>/official", methods=["POST"])
@login_required
def official(post_id: int):
    post = _staff_post(post_id)
    try:
        services.set_official(current_user, post, OfficialForm().official.data == "1")
    except RuleError as e:
        return _refused(post, e)
    return redirect(_back_to(post))


@bp.route("/talk/posts/<int:post_id>/transcript", methods=["POST"])
@login_required
def transcript(post_id: int):
    post = _staff_post(post_id)
    form = TranscriptForm()
    try:
        if not form.validate_on_submit():
            raise RuleError(_("The text is too long. Write at most %(n)s letters.", n=services.TRANSCRIPT_MAX))
        services.set_transcript(current_user, post, form.transcript.data)
    except RuleError as e:
        return _refused(post, e)
    flash(_("The written version is saved."), "success")
    return redirect(_back_to(post))


@bp.route("/talk/t/<int:thread_id>/proposal", methods=["POST"])
@login_required
def to_proposal(thread_id: int):
    t = _thread(thread_id)
    if not services.is_staff(current_user, t.program_id):
        abort(403)
    try:
        post_ids = [int(x) for x in request.form.getlist("post_ids")]
    except ValueError:
        post_ids = [-1]
    try:
        proposal = services.proposal_from_posts(current_user, t, post_ids)
    except RuleError as e:
        flash(str(e.message), "error")
        return redirect(url_for("threads.thread", thread_id=t.id) + "#to-proposal"), 303
    flash(_("A draft proposal is made from the feedback. Check and finish it."), "success")
    return redirect(url_for("proposals.edit", program_id=t.program_id, proposal_id=proposal.id))


@bp.route("/staff/<int:program_id>/feedback")
@staff_required
def staff_feedback(program_id: int):
    notifications.mark_read(current_user, kinds=(Kind.NEW_POST, Kind.REPORT), program_id=program_id)
    return render_template(
        "threads/staff.html",
        waiting=services.waiting_for_answer(program_id),
        reported=services.reported_posts(program_id),
        recent=services.recent_posts(program_id),
    )
