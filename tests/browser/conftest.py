"""A live server and headless Chromium (Debian's, never a downloaded one) for the phone flows.

One server and one seeded database (its own SQLite file) for the whole session; tests that
change state make their own members and proposals through `live`, so they do not depend on
each other's order."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from feedback import create_app
from feedback.config import TestConfig
from feedback.demo import DEMO_PASSWORD, build_demo
from feedback.extensions import db

from .support import ADMIN_EMAIL, STAFF_EMAIL, STEERING_EMAIL, Live

# Debian's old headless shell: the same Chromium without the desktop browser around it, and the
# browser tests, most of whose CPU time is Chromium's, take 126 s instead of 235 s on 2 cores.
# CHROMIUM=/usr/bin/chromium runs them in the full browser instead.
CHROMIUM = os.environ.get("CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if os.path.exists(path)),
    "/usr/bin/chromium-headless-shell")


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> Iterator[Live]:
    """The app on its own SQLite file, CSRF on, served by werkzeug in a thread on a free port."""
    db_file = tmp_path_factory.mktemp("browser-db") / "browser.db"

    class BrowserConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_file}"
        WTF_CSRF_ENABLED = True  # real forms, real tokens
        # Pages ask for news as they do on a phone, only sooner: tests wait for what arrives.
        POLL_SECONDS = {"live": 0.5, "projector": 0.5, "thread": 1, "results": 1}

    app = create_app(BrowserConfig)
    with app.app_context():
        db.create_all()
        build_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield Live(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live: Live) -> str:
    # pytest-playwright puts this into browser_context_args, so page.goto("/me") works.
    return live.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            # A pretend microphone that needs no permission prompt: the voice-note recorder.
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):  # a phone
    return {
        **browser_context_args,
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
    }


@pytest.fixture
def nojs_page(new_context) -> Page:
    """The same phone with JavaScript switched off."""
    return new_context(java_script_enabled=False).new_page()


def _login_state(browser: Browser, browser_context_args: dict, email: str) -> dict:
    """Log in once through the real /login form and keep the cookies."""
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/login" not in page.url, f"{email} could not log in"
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="session")
def staff_state(browser, browser_context_args) -> dict:
    return _login_state(browser, browser_context_args, STAFF_EMAIL)


@pytest.fixture(scope="session")
def admin_state(browser, browser_context_args) -> dict:
    return _login_state(browser, browser_context_args, ADMIN_EMAIL)


@pytest.fixture
def staff_page(new_context, staff_state) -> Page:
    return new_context(storage_state=staff_state).new_page()


@pytest.fixture
def admin_page(new_context, admin_state) -> Page:
    return new_context(storage_state=admin_state).new_page()


@pytest.fixture(scope="session")
def steering_state(browser, browser_context_args) -> dict:
    return _login_state(browser, browser_context_args, STEERING_EMAIL)


@pytest.fixture
def steering_page(new_context, steering_state) -> Page:
    """The demo steering group member (steering@demo.example), logged in on the same phone."""
    return new_context(storage_state=steering_state).new_page()


@pytest.fixture
def log_in_as(browser, browser_context_args, new_context):
    """A logged-in page for any user with the demo password (e.g. a test's own program's staff)."""

    def page_for(email: str, **context_args) -> Page:
        state = _login_state(browser, browser_context_args, email)
        return new_context(storage_state=state, **context_args).new_page()

    return page_for
