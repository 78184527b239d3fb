"""Priority polls for tests (not a test module itself)."""
from __future__ import annotations

from feedback.extensions import db


def make_poll(program, status: str = "open", options: int = 3, **kw):
    """A poll of program with `options` options of its own, committed; opened unless status says."""
    from feedback.priorities import services

    fields = {"title": "What matters most?", "dots_per_member": 3, "max_per_option": 2, **kw}
    poll = services.create_poll(program.id, None, **fields)
    for i in range(options):
        services.add_option(poll, icon="idea", title=f"Idea {i + 1}", summary=f"Kort text {i + 1}.")
    if status in ("open", "closed"):
        services.open_poll(poll, None)
    if status == "closed":
        services.close_poll(poll, None)
    db.session.commit()
    return poll
