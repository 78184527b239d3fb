"""Staff keep the program's topics: name, icon, order, closed or open."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError, show_on_form
from feedback.common.icons import ICONS
from feedback.threads.forms import TopicForm
from feedback.threads.services import thread_counts
from feedback.topics import services
from feedback.topics.models import Topic

bp = Blueprint("topics", __name__, url_prefix="/staff/<int:program_id>/topics")


def _form(obj: Topic | None = None) -> TopicForm:
    form = TopicForm(obj=obj)
    form.icon.choices = [(k, str(label)) for k, (label, _path) in ICONS.items()]
    return form


def _page(program_id: int, form: TopicForm, status: int = 200):
    topics = services.program_topics(program_id)
    return render_template(
        "topics/index.html", topics=topics, form=form, counts=thread_counts("topic", [t.id for t in topics])
    ), status


@bp.route("/", methods=["GET", "POST"])
@staff_required
def index(program_id: int):
    form = _form()
    if request.method == "GET":
        return _page(program_id, form)
    if form.validate_on_submit():
        try:
            services.add_topic(program_id, form.name.data, form.icon.data)
        except RuleError as e:
            show_on_form(form, e, "name")
            return _page(program_id, form, e.status)
        flash(_("The topic is added."), "success")
        return redirect(url_for("topics.index", program_id=program_id))
    return _page(program_id, form, 400)


@bp.route("/<int:topic_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(program_id: int, topic_id: int):
    topic = get_or_404(Topic, topic_id, program_id)
    form = _form(topic)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_topic(topic, form.name.data, form.icon.data, form.archived.data)
        except RuleError as e:
            show_on_form(form, e, "name")
            status = e.status
        else:
            flash(_("The topic is saved."), "success")
            return redirect(url_for("topics.index", program_id=program_id))
    elif form.is_submitted():
        status = 400
    return render_template("topics/form.html", topic=topic, form=form), status


@bp.route("/<int:topic_id>/move/<any(up, down):direction>", methods=["POST"])
@staff_required
def move(program_id: int, topic_id: int, direction: str):
    topic = get_or_404(Topic, topic_id, program_id)
    services.move_topic(topic, -1 if direction == "up" else 1)
    return redirect(url_for("topics.index", program_id=program_id) + f"#topic-{topic.id}")
