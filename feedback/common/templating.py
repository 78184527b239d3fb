"""The Flask application class, with a Jinja environment that keeps each template's globals as one
plain dict.

Jinja 3 keeps them as a ChainMap over the environment's globals. Every render, include and macro
import then copies or searches that map one key at a time in Python (about 45 keys): in the vote's
htmx answer, which includes four small templates, that was a third of the rendering
(bench/request_cpu; callgrind counted the instructions). A dict is copied and searched in C.

The cost is the one Jinja's own documentation already asks of us: no global is added after a
template is loaded. create_app adds them all before the first request, and
tests/test_templating.py checks that every loaded template sees every global."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask import Flask
from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class App(Flask):
    jinja_environment = Environment
