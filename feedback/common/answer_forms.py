"""A member's answer on her own page (will she come, which dates suit her, how the meeting was):
one POST that works the same with htmx and without JavaScript, wherever she answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _

from feedback.common.errors import RuleError


def answer_post(save: Callable[[], Any], context: Callable[..., dict], *, form: dict, page: str, panel: str,
                back: str):
    """save() stores her answer, or raises RuleError and changes nothing. context(error=, form=)
    and context(just_saved=) give the templates' variables. htmx gets the panel back, with 200 for
    a refusal too so that it swaps the message in; a plain post gets the whole page with the
    refusal's status, or goes back to the panel with a thank-you."""
    try:
        saved = save()
    except RuleError as e:
        variables = context(error=e, form=form)
        if request.htmx:
            return render_template(panel, **variables)
        return render_template(page, **variables), e.status
    if request.htmx:
        return render_template(panel, **context(just_saved=saved))
    flash(_("Thank you! Your answer is saved."), "success")
    return redirect(back)
