"""axe-core on every page type, in Swedish, English and Arabic: zero serious or critical violations.

PAGES is the one list of page types. A GET route that is neither in PAGES nor in NOT_PAGES (with
the reason it is not a page) fails test_every_page_type_is_listed, so a new page cannot be left
out. Member pages are opened by a member of that language; staff, steering and admin pages by
the demo users, switched to that language for the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.demo import DEMO_PASSWORD
from feedback.extensions import db

from .support import ADMIN_EMAIL, STAFF_EMAIL, STEERING_EMAIL, Live, axe_problems

pytestmark = [pytest.mark.browser]

VOICE = Path(__file__).parent.parent / "fixtures" / "voice-1s.webm"

LANGUAGES = ("sv", "en", "ar")


@dataclass
class Ids:
    member: dict[str, str]  # language -> her link
    proposal: int
    voted: int
    decided: int
    meeting: int
    thread: dict[str, int]
    own_post: dict[str, int]
    topic: int
    change: int
    member_id: int
    member_ids: dict[str, int]  # language -> her id
    staff_id: int
    password_token: str
    poll: int = 0  # an open priority poll
    poll_draft: int = 0
    date_poll: int = 0  # open, with answers from other members


@dataclass(frozen=True)
class PageType:
    role: str  # anon, member, staff, steering, admin
    path: Callable[[Live, Ids, str], str]
    ready: str = "main"  # a selector that is there once the page is drawn


P = "/staff/{pid}"
PAGES: dict[str, PageType] = {
    # members
    "portal.home": PageType("member", lambda lv, i, lang: "/me"),
    "portal.proposal": PageType("member", lambda lv, i, lang: f"/p/{i.proposal}", "#vote-panel"),
    "portal.meeting": PageType("member", lambda lv, i, lang: f"/me/meetings/{i.meeting}", "#reply-panel"),
    # A coming meeting: "not yet"; the open form is checked by axe in tests/browser/test_understanding.py.
    "understanding.evaluate": PageType("member", lambda lv, i, lang: f"/me/meetings/{i.meeting}/evaluation",
                                       "#evaluation-panel"),
    # Her form (she has not answered); after her answer and closed: tests/browser/test_date_poll.py.
    "datepoll_member.poll": PageType("member", lambda lv, i, lang: f"/me/date-polls/{i.date_poll}", "#poll-panel"),
    "outcomes.ideas": PageType("member", lambda lv, i, lang: "/me/ideas"),
    "dots.poll": PageType("member", lambda lv, i, lang: f"/me/priorities/{i.poll}", "#dots-panel"),
    "notifications.news": PageType("member", lambda lv, i, lang: "/me/news"),
    "threads.index": PageType("member", lambda lv, i, lang: "/talk"),
    "threads.subject": PageType("member", lambda lv, i, lang: f"/talk/topic/{i.topic}"),
    "threads.thread": PageType("member", lambda lv, i, lang: f"/talk/t/{i.thread[lang]}"),
    "threads.edit": PageType("member", lambda lv, i, lang: f"/talk/posts/{i.own_post[lang]}/edit"),
    "live.join": PageType("member", lambda lv, i, lang: "/join"),
    "live.follow": PageType("member", lambda lv, i, lang: f"/live/{i.meeting}"),
    "privacy.consent": PageType("member", lambda lv, i, lang: "/me/welcome", "#agree-tick"),
    "privacy.my_data": PageType("member", lambda lv, i, lang: "/me/data", "#erase"),
    "messages.settings": PageType("member", lambda lv, i, lang: "/me/messages"),
    # another member's link, opened on her phone: asks before switching
    "auth.member_link": PageType("member", lambda lv, i, lang: i.member["en" if lang == "sv" else "sv"]),
    # anyone
    "auth.login": PageType("anon", lambda lv, i, lang: "/login"),
    "auth.lost_card_page": PageType("anon", lambda lv, i, lang: "/login/lost-card", "#phone"),
    "auth.set_password": PageType("anon", lambda lv, i, lang: f"/password/{i.password_token}"),
    "outcomes.public": PageType("anon", lambda lv, i, lang: f"/public/{lv.program_slug()}"),
    "privacy.goodbye": PageType("anon", lambda lv, i, lang: "/goodbye"),
    "pwa.offline": PageType("anon", lambda lv, i, lang: f"/offline?lang={lang}"),
    # the page a stop link in an SMS opens, in the language of the member it was sent to
    "messages.stop": PageType("anon", lambda lv, i, lang: lv.stop_link(i.member_ids[lang], "vote")),
    # staff
    "staff.overview": PageType("staff", lambda lv, i, lang: f"{P}/"),
    "members.index": PageType("staff", lambda lv, i, lang: f"{P}/members/"),
    "members.new": PageType("staff", lambda lv, i, lang: f"{P}/members/new"),
    "members.edit": PageType("staff", lambda lv, i, lang: f"{P}/members/{i.member_id}/edit"),
    "meetings.index": PageType("staff", lambda lv, i, lang: f"{P}/meetings/"),
    "meetings.show": PageType("staff", lambda lv, i, lang: f"{P}/meetings/{i.meeting}"),
    "meetings.form": PageType("staff", lambda lv, i, lang: f"{P}/meetings/{i.meeting}/edit"),
    "meetings.control": PageType("staff", lambda lv, i, lang: f"{P}/meetings/{i.meeting}/live"),
    "meetings.log_page": PageType("staff", lambda lv, i, lang: f"{P}/meetings/{i.meeting}/log"),
    "meetings.projector": PageType("staff", lambda lv, i, lang: f"{P}/meetings/{i.meeting}/projector"),
    "meetings.actions": PageType("staff", lambda lv, i, lang: f"{P}/meetings/actions"),
    "datepolls.index": PageType("staff", lambda lv, i, lang: f"{P}/date-polls/"),
    "datepolls.new": PageType("staff", lambda lv, i, lang: f"{P}/date-polls/new"),
    "datepolls.show": PageType("staff", lambda lv, i, lang: f"{P}/date-polls/{i.date_poll}", "#date-results"),
    "proposals.index": PageType("staff", lambda lv, i, lang: f"{P}/proposals/"),
    "proposals.show": PageType("staff", lambda lv, i, lang: f"{P}/proposals/{i.proposal}"),
    "proposals.edit": PageType("staff", lambda lv, i, lang: f"{P}/proposals/{i.proposal}/edit"),
    "proposals.new": PageType("staff", lambda lv, i, lang: f"{P}/proposals/new"),
    "priorities.index": PageType("staff", lambda lv, i, lang: f"{P}/priorities/"),
    "priorities.new": PageType("staff", lambda lv, i, lang: f"{P}/priorities/new"),
    "priorities.show": PageType("staff", lambda lv, i, lang: f"{P}/priorities/{i.poll_draft}"),
    "priorities.edit": PageType("staff", lambda lv, i, lang: f"{P}/priorities/{i.poll_draft}/edit"),
    "threads.staff_feedback": PageType("staff", lambda lv, i, lang: f"{P}/feedback"),
    "topics.index": PageType("staff", lambda lv, i, lang: f"{P}/topics/"),
    "outbox.index": PageType("staff", lambda lv, i, lang: f"{P}/messages/"),
    "topics.edit": PageType("staff", lambda lv, i, lang: f"{P}/topics/{i.topic}/edit"),
    "changes.index": PageType("staff", lambda lv, i, lang: f"{P}/changes/"),
    "changes.new": PageType("staff", lambda lv, i, lang: f"{P}/changes/new"),
    "changes.edit": PageType("staff", lambda lv, i, lang: f"{P}/changes/{i.change}/edit"),
    "dashboards.index": PageType("staff", lambda lv, i, lang: f"{P}/dashboard?period=all", "#chart-loop"),
    "dashboards.report": PageType("steering", lambda lv, i, lang: f"{P}/report?period=all", "#chart-loop"),
    # steering
    "decisions.queue": PageType("steering", lambda lv, i, lang: f"{P}/review/"),
    "decisions.decide": PageType("steering", lambda lv, i, lang: f"{P}/review/{i.voted}"),
    # site admin
    "admin.programs": PageType("admin", lambda lv, i, lang: "/admin/programs"),
    "admin.program_form": PageType("admin", lambda lv, i, lang: "/admin/programs/new"),
    "admin.users": PageType("admin", lambda lv, i, lang: "/admin/users"),
    "admin.user_form": PageType("admin", lambda lv, i, lang: f"/admin/users/{i.staff_id}/edit"),
    "audit.log": PageType("admin", lambda lv, i, lang: "/admin/audit"),
    "audit.security_events": PageType("admin", lambda lv, i, lang: "/admin/security"),
    # her own account (any office user)
    "account.index": PageType("staff", lambda lv, i, lang: "/account/"),
    "account.two_factor": PageType("staff", lambda lv, i, lang: "/account/two-factor", "img.qr"),
}

NOT_PAGES = {
    "static": "files",
    "index": "redirects to the right start page",
    "healthz": "plain text for the load balancer",
    "portal.calendar_feed": "a calendar file",
    "portal.meeting_ics": "a calendar file",
    "outcomes.feed": "an Atom feed",
    "portal.results": "the results part that the proposal page polls (checked on portal.proposal)",
    "live.now": "the part of the live page that polling swaps in (checked on live.follow)",
    "meetings.projector_now": "the part of the projector page that polling swaps in",
    "dashboards.download": "CSV and XLSX files",
    "threads.voice": "a sound file",
    "recordings.play": "a sound file",
    # recordings.upload and recordings.delete are POST only; the recorder is on proposals.show.
    "understanding.voice": "a sound file (a meeting evaluation's voice message)",
    "photos.rendition": "an image (the proposal pages that show it are checked)",
    "pwa.manifest": "JSON",
    "pwa.service_worker": "JavaScript",
    "privacy.download": "her data as JSON",
    "privacy.staff_download": "a member's data as JSON, the same file (test_privacy)",
    "certificate.mine": "her certificate, a PDF (test_certificate; the link on portal.home)",
    "certificate.for_member": "her certificate printed by staff, a PDF (test_certificate; the link on members.edit)",
    # push.subscribe and push.unsubscribe are POST only (JSON from app.js, tests/test_push.py): no page
    # to list; the push button is on privacy.my_data.
    "auth.second_step": "only with a login waiting for its code (else a redirect); test_second_step_page below",
}

OFFICE = {"staff": STAFF_EMAIL, "steering": STEERING_EMAIL, "admin": ADMIN_EMAIL}


def test_every_page_type_is_listed(live: Live):
    endpoints = {r.endpoint for r in live.app.url_map.iter_rules() if "GET" in r.methods}
    missing = endpoints - set(PAGES) - set(NOT_PAGES)
    assert not missing, f"GET routes with no page type in PAGES (or a reason in NOT_PAGES): {sorted(missing)}"
    assert not set(PAGES) & set(NOT_PAGES)
    assert not (set(PAGES) | set(NOT_PAGES)) - endpoints, "listed endpoints that do not exist"


@pytest.fixture(scope="module")
def ids(live: Live) -> Ids:
    member_links, threads, own_posts, member_id, member_ids = {}, {}, {}, 0, {}
    for lang in LANGUAGES:
        m = live.member(language=lang)
        member_links[lang], member_ids[lang] = m.link, m.id
        threads[lang], own_posts[lang] = live.thread(m, f"Ett samtal på {lang}.")
        member_id = m.id
    proposal = live.proposal(status="voting", translations={"ar": ("عنوان", "ملخص")})
    # Spoken versions in Swedish and Arabic: the Listen control plays hers (sv, ar) or the Swedish one
    # with a note (en); the staff page lists them.
    with live.ctx():
        from feedback.proposals.models import Proposal
        from feedback.recordings import services as recordings

        for lang in ("sv", "ar"):
            recordings.save("proposal", db.session.get(Proposal, proposal), lang, VOICE.read_bytes(), None)
    voted = live.proposal(status="voted", votes_cast=("agree", "agree", "unsure"))
    decided = live.proposal(status="voted", votes_cast=("agree",))
    live.decide(decided)
    change = live.change(title="Fika på varje träff", review_on="today", proposal_ids=(decided,))
    leaver = live.member(name="Lina Slutat")  # the members page then shows its "Members who left" table
    with live.ctx():
        from feedback.auth.services import create_password_link, create_user
        from feedback.members.services import leave

        leave(live.program_id, db.session.get(User, leaver.id))

        staff_id = db.session.scalar(sa.select(User.id).where(User.email == STAFF_EMAIL))
        newcomer = create_user("Nora Ny", "nora.ny@example.org")
        password_token = create_password_link(newcomer, None, 24)
    live.set_public_page(live.program_id, True)
    poll, _options = live.priority_poll()
    poll_draft, _options = live.priority_poll(status="draft")
    return Ids(member_links, proposal, voted, decided, live.meeting(proposal), threads, own_posts, live.topic_id(),
               change, member_id, member_ids, staff_id, password_token, poll, poll_draft, _date_poll(live))


def _date_poll(live: Live) -> int:
    """An open date poll that two other members (Arabic, with needs; Swedish) have answered."""
    from feedback.datepolls import services as datepolls
    from feedback.programs.models import Program
    from tests.datepoll_support import new_poll

    answerers = [live.member(language="ar"), live.member(language="sv")]
    with live.ctx():
        poll = new_poll(db.session.get(Program, live.program_id), title="Träff i februari")
        for n, m in enumerate(answerers):
            raw = {str(o.id): ("yes", "if_needed", "no")[(i + n) % 3] for i, o in enumerate(poll.options)}
            datepolls.answer(poll, db.session.get(User, m.id), raw, 2 - n, n == 0)
        return poll.id


@pytest.fixture
def office_language(live: Live) -> Iterator[Callable[[str, str], None]]:
    """Switch a demo office user's language for one test, and back."""
    changed: list[tuple[str, str]] = []

    def switch(email: str, lang: str) -> None:
        with live.ctx():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            changed.append((email, user.preferred_language))
            user.preferred_language = lang
            db.session.commit()

    yield switch
    with live.ctx():
        for email, lang in reversed(changed):
            db.session.scalar(sa.select(User).where(User.email == email)).preferred_language = lang
        db.session.commit()


@pytest.fixture(scope="module")
def shared_pages(browser: Browser, browser_context_args: dict) -> Iterator[dict[tuple[str, str], Page]]:
    """One phone per member language, one for each office role (her language is switched on the
    server), kept for the whole module: each page type is a new address on it, as when she goes
    from page to page, instead of a new browser and a new login per page type (and the browser
    keeps plotly.js in its cache from one chart page to the next)."""
    pages: dict[tuple[str, str], Page] = {}
    yield pages
    for page in pages.values():
        page.context.close()


def _page_for(request, shared_pages, browser: Browser, browser_context_args: dict, page_type: PageType, lang: str,
              ids: Ids, office_language) -> Page:
    if page_type.role in OFFICE:
        office_language(OFFICE[page_type.role], lang)
    key = (page_type.role, "" if page_type.role in OFFICE else lang)
    if key in shared_pages:
        return shared_pages[key]
    if page_type.role == "member":
        page = browser.new_context(**browser_context_args).new_page()
        page.goto(ids.member[lang])
    elif page_type.role == "anon":
        page = browser.new_context(**browser_context_args, locale=lang,
                                   extra_http_headers={"Accept-Language": lang}).new_page()
    else:
        state = request.getfixturevalue(f"{page_type.role}_state")
        page = browser.new_context(**browser_context_args, storage_state=state).new_page()
    shared_pages[key] = page
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_page_is_accessible(request, shared_pages, browser, browser_context_args, live: Live, ids: Ids,
                            office_language, endpoint: str, lang: str):
    page_type = PAGES[endpoint]
    page = _page_for(request, shared_pages, browser, browser_context_args, page_type, lang, ids, office_language)
    path = page_type.path(live, ids, lang).replace("{pid}", str(live.program_id))
    resp = page.goto(path)
    assert resp is not None and resp.status < 400, f"{endpoint}: {path} answered {resp and resp.status}"
    expect(page.locator(page_type.ready).first).to_be_attached()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    problems = axe_problems(page, f"{endpoint} ({lang})")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_second_step_page(new_context, live: Live, lang: str):
    """The page that asks an office user for the code from her app: accessible, and it logs her in."""
    import pyotp

    from feedback.auth.services import create_user

    email = f"tvasteg.{lang}@example.org"
    with live.ctx():
        user = create_user("Tova Tvåsteg", email, DEMO_PASSWORD, language=lang)
        user.totp_secret, user.totp_since = pyotp.random_base32(), utcnow()
        secret = user.totp_secret
        db.session.commit()
    page = new_context(locale=lang, extra_http_headers={"Accept-Language": lang}).new_page()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{live.url}/login/code")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    problems = axe_problems(page, f"auth.second_step ({lang})")
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)
    page.fill("#code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/login" not in page.url
