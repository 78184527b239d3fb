"""Security headers, no inline script anywhere, and the htmx partials."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from feedback.extensions import db
from feedback.proposals import services as proposals
from feedback.votes import services as votes
from tests.routes_support import client_as, new_client


class PageAudit(HTMLParser):
    """Collects what a strict Content-Security-Policy would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> inline event handler")
            if name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"<{tag} {name}=...> htmx inline handler")
            if name == "style":
                self.problems.append(f"<{tag} style=...> inline style (style-src 'self')")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "script":
            self._in_script = True
            if not attrs.get("src"):
                self.problems.append("<script> without src")
            else:
                self.scripts.append(attrs["src"])
        if tag == "style":
            self.problems.append("<style> block")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("<script> with inline code")


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser


def csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def pages(w) -> list[tuple[str | None, str]]:
    a = w.prog.id
    return [
        (None, "/login"),
        (None, f"/password/{w.password_token}"),
        (None, "/in/unknown-token"),
        (None, "/no-such-page"),
        ("member", "/me"),
        ("member", f"/p/{w.p_voting.id}"),
        ("member", f"/p/{w.p_draft.id}"),  # 404 page
        ("member", f"/staff/{a}/"),  # 403 page
        ("steering", f"/staff/{a}/"),
        ("staff", f"/staff/{a}/"),
        ("staff", f"/staff/{a}/members/"),
        ("staff", f"/staff/{a}/members/new"),
        ("staff", f"/staff/{a}/members/{w.target.id}/edit"),
        ("staff", f"/staff/{a}/meetings/"),
        ("staff", f"/staff/{a}/meetings/new"),
        ("staff", f"/staff/{a}/meetings/{w.meeting.id}"),
        ("staff", f"/staff/{a}/meetings/{w.meeting.id}/edit"),
        ("staff", f"/staff/{a}/proposals/"),
        ("staff", f"/staff/{a}/proposals/new"),
        ("staff", f"/staff/{a}/proposals/{w.p_voting.id}"),
        ("staff", f"/staff/{a}/proposals/{w.p_draft.id}/edit"),
        ("staff", f"/p/{w.p_voting.id}"),
        ("member", "/talk"),
        ("member", f"/talk/topic/{w.topic.id}"),
        ("member", f"/talk/t/{w.thread.id}"),
        ("member", f"/talk/posts/{w.own_post.id}/edit"),
        ("member", "/me/news"),
        ("staff", f"/talk/t/{w.thread.id}"),
        ("staff", f"/staff/{a}/feedback"),
        ("staff", f"/staff/{a}/topics/"),
        ("staff", f"/staff/{a}/topics/{w.topic.id}/edit"),
        ("admin", "/admin/programs"),
        ("admin", "/admin/programs/new"),
        ("admin", f"/admin/programs/{a}/edit"),
        ("admin", "/admin/users"),
        ("admin", "/admin/users/new"),
        ("admin", f"/admin/users/{w.users['staff'].id}/edit"),
    ]


POSTED_PAGES = [  # pages that answer a POST with HTML
    ("staff", "/staff/{a}/members/{target}/card", {}),
    ("staff", "/staff/{a}/members/cards", {}),
    ("staff", "/staff/{a}/members/new", {"name": "Nadia", "preferred_language": "sv"}),
    ("staff", "/staff/{a}/members/new", {"name": "", "preferred_language": "sv"}),
    ("admin", "/admin/users/{staff}/password-link", {}),
    ("member", "/p/{p}/vote", {"choice": "nonsense"}),
    (None, "/login", {"email": "x@example.org", "password": "wrong-wrong"}),
]


@pytest.fixture
def world_with_a_vote(world):
    """The world, with the member's vote (and its reason) on the voting proposal."""
    votes.cast_vote(world.p_voting, world.users["member"], "agree", "a reason")
    return world


def test_security_headers_and_no_inline_script_on_every_page(app, login, world_with_a_vote):
    world = world_with_a_vote
    problems = []
    seen_scripts = set()
    for role, url in pages(world):
        resp = client_as(app, login, world, role).get(url)
        assert resp.status_code in (200, 403, 404), (url, resp.status_code)
        problems += [f"{role} {url}: {p}" for p in header_problems(resp)]
        html = resp.get_data(as_text=True)
        page = audit(html)
        problems += [f"{role} {url}: {p}" for p in page.problems]
        seen_scripts.update(page.scripts)
    for role, pattern, data in POSTED_PAGES:
        url = pattern.format(a=world.prog.id, target=world.target.id, staff=world.users["staff"].id,
                             p=world.p_voting.id)
        resp = client_as(app, login, world, role).post(url, data=data)
        problems += [f"POST {url}: {p}" for p in header_problems(resp) + audit(resp.get_data(as_text=True)).problems]
    assert not problems, "\n".join(problems)
    # Scripts come from our own origin only.
    assert seen_scripts and all(s.startswith("/static/") for s in seen_scripts), seen_scripts


def header_problems(resp) -> list[str]:
    problems = []
    csp = resp.headers.get("Content-Security-Policy")
    if not csp:
        return ["no Content-Security-Policy"]
    d = csp_directives(csp)
    script_src = d.get("script-src", d.get("default-src"))
    if script_src is None:
        problems.append("CSP without script-src or default-src")
    elif any(v in script_src for v in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")):
        problems.append(f"weak script-src: {script_src}")
    if d.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    if d.get("frame-ancestors") not in (["'none'"], ["'self'"]):
        problems.append("frame-ancestors missing")
    if resp.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if "no-store" not in resp.headers.get("Cache-Control", ""):
        problems.append("pages must be Cache-Control: no-store")
    if resp.headers.get("Referrer-Policy") not in ("no-referrer", "same-origin"):
        problems.append("login links could leak through the Referer header")
    return problems


@pytest.mark.parametrize("url", ["/healthz", "/login", "/no-such-page"])
def test_headers_on_simple_responses(app, url):
    resp = new_client(app).get(url)
    assert header_problems(resp) == []


def test_redirects_carry_the_headers_too(app, make):
    resp = new_client(app).get("/me")
    assert resp.status_code == 302
    assert header_problems(resp) == []


def test_a_view_keeps_its_own_headers_and_each_header_is_sent_once(app):
    """The service worker keeps its own Cache-Control; a page gets no-store; no header comes twice."""
    resp = new_client(app).get("/login")
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                 "Permissions-Policy", "Cache-Control"):
        assert len(resp.headers.getlist(name)) == 1, name
    assert "Cookie" in resp.headers["Vary"]
    worker = new_client(app).get("/sw.js")
    assert worker.headers.getlist("Cache-Control") == ["no-cache"]  # its own, not no-store
    assert worker.headers["X-Frame-Options"] == "DENY"


def test_production_adds_strict_transport_security(app, tmp_path):
    from feedback import create_app
    from feedback.config import TestConfig

    class Production(TestConfig):
        PRODUCTION = True
        TWO_FACTOR_REQUIRED = False
        SECRET_KEY = "a-real-secret-for-this-test-" + "x" * 16
        BALLOT_SECRET = "another-real-secret"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/production.db"

    resp = create_app(Production).test_client().get("/login")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in new_client(app).get("/login").headers


def test_static_files_are_cached_long_and_typed(app):
    resp = new_client(app).get("/login")
    src = re.search(r'<script src="([^"]+)"', resp.get_data(as_text=True)).group(1)
    assert "?v=" in src  # the URL changes when the file does
    static = new_client(app).get(src)
    static.close()
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")
    assert "max-age=31536000" in static.headers.get("Cache-Control", "")
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    assert "javascript" in static.headers["Content-Type"]


def test_session_cookie_is_httponly_and_samesite(app, make):
    from feedback.auth.services import issue_member_link

    raw = issue_member_link(make.member(make.program()), None)
    resp = new_client(app).get(f"/in/{raw}")
    cookies = resp.headers.getlist("Set-Cookie")
    assert cookies
    for c in cookies:
        assert "HttpOnly" in c
        assert "SameSite=Lax" in c


# --- htmx ------------------------------------------------------------------------------


def normalise(html: str) -> str:
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
    return re.sub(r"\s+", " ", html).strip()


def element(html: str, ident: str) -> str:
    """The element with this id, from its start tag to its matching end tag."""
    start = re.search(rf'<(\w+)[^>]*\bid="{ident}"', html)
    assert start, f"no #{ident}"
    tag, depth, pos = start.group(1), 0, start.start()
    for m in re.finditer(rf"<(/?){tag}\b[^>]*>", html[pos:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return html[pos:pos + m.end()]
    raise AssertionError(f"#{ident} is not closed")


def test_htmx_vote_returns_what_changed_and_a_plain_post_redirects(app, make, login):
    prog = make.program()
    member = make.member(prog)
    p = make.proposal(prog, "voting", results_live=True)
    client = login(member, new_client(app))

    plain = client.post(f"/p/{p.id}/vote", data={"choice": "agree"})
    assert plain.status_code == 302
    assert plain.headers["Location"].endswith(f"/p/{p.id}?voted=1#vote-panel")

    partial = client.post(f"/p/{p.id}/vote", data={"choice": "disagree"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    fragment = partial.get_data(as_text=True)
    assert "<html" not in fragment and "<body" not in fragment and "<head" not in fragment
    # Her news in place; the heading, the button and the results out of band. Her form (choice,
    # reason, CSRF token) stays on her page as she sent it.
    assert fragment.lstrip().startswith('<div id="vote-news"')
    assert "<form" not in fragment and "csrf_token" not in fragment
    assert fragment.count('hx-swap-oob="true"') == 3
    assert header_problems(partial) == []
    assert "Vary" in partial.headers  # the same address answers with a page or a part

    # The very same templates make the full page: each part is as the page has it after the vote.
    full = client.get(f"/p/{p.id}?voted=1").get_data(as_text=True)
    assert "<html" in full
    for part in ("vote-news", "vote-head", "vote-send", "results"):
        sent = element(fragment, part).replace(' hx-swap-oob="true"', "")
        assert normalise(sent) == normalise(element(element(full, "vote-panel"), part)), part


def test_htmx_vote_refusal_of_her_answer_is_shown_above_her_form(app, make, login):
    prog = make.program()
    member = make.member(prog, language="en")
    p = make.proposal(prog, "voting")
    client = login(member, new_client(app))
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "maybe", "reason": "kept text"},
                       headers={"HX-Request": "true"})
    assert resp.status_code == 200  # htmx only swaps 2xx answers in
    assert "HX-Retarget" not in resp.headers
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="vote-news"') and "<form" not in html
    assert 'role="alert"' in html and "Choose one of the answers." in html
    # What she wrote is not sent back: it is still in her form, which this answer leaves alone.
    assert "kept text" not in html
    assert votes.my_vote(p, member) is None


def test_htmx_vote_on_a_closed_vote_sends_the_whole_panel(app, make, login):
    prog = make.program()
    member = make.member(prog, language="en")
    p = make.proposal(prog, "voting")
    client = login(member, new_client(app))
    page = client.get(f"/p/{p.id}").get_data(as_text=True)
    assert "<form" in element(page, "vote-panel")
    proposals.close_voting(p, None)
    db.session.commit()
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "agree"}, headers={"HX-Request": "true"})
    assert resp.status_code == 200
    assert resp.headers["HX-Retarget"] == "#vote-panel" and resp.headers["HX-Reswap"] == "outerHTML"
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="vote-panel"')
    assert "Voting is closed. You cannot vote now." in html and "<form" not in html
    assert votes.my_vote(p, member) is None


def test_htmx_errors_are_fragments(app, make, login):
    member = make.member(make.program())
    client = login(member, new_client(app))
    resp = client.get("/p/999999", headers={"HX-Request": "true"})
    assert resp.status_code == 404
    assert "<html" not in resp.get_data(as_text=True)
    full = client.get("/p/999999")
    assert "<html" in full.get_data(as_text=True)


def test_results_partial_is_a_fragment(app, make, login):
    prog = make.program()
    member = make.member(prog)
    p = make.proposal(prog, "voting", results_live=True)
    votes.cast_vote(p, member, "agree")
    client = login(member, new_client(app))
    resp = client.get(f"/p/{p.id}/results", headers={"HX-Request": "true"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<html" not in html and html.strip()
    assert "100" in html


def test_results_are_hidden_until_voting_closes(app, make, login):
    prog = make.program()
    alice, bea = make.member(prog), make.member(prog)
    p = make.proposal(prog, "voting")
    votes.cast_vote(p, alice, "agree")
    client = login(bea, new_client(app))
    hidden = client.get(f"/p/{p.id}/results").get_data(as_text=True)
    assert "100" not in hidden
    p.move_to("voted", None)
    from feedback.extensions import db

    db.session.commit()
    shown = client.get(f"/p/{p.id}/results").get_data(as_text=True)
    assert "100" in shown


def test_the_page_audit_catches_what_csp_would_block():
    bad = ('<script>alert(1)</script><script src="/static/x.js"></script><a href="javascript:x()">x</a>'
           '<button onclick="x()">b</button><div style="color:red" hx-on:click="x()"></div><style>p{}</style>')
    assert len(audit(bad).problems) == 7
    assert audit('<script src="/static/a.js" defer></script><p class="x">ok</p>').problems == []


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize("asset", ["css/app.css", "js/app.js", "vendor/htmx.min.js"])
def test_static_files_are_sent_compressed(app, asset, encoding):
    import gzip

    import brotli

    client = new_client(app)
    plain = client.get(f"/static/{asset}").get_data()
    resp = client.get(f"/static/{asset}", headers={"Accept-Encoding": encoding})
    assert resp.status_code == 200
    assert resp.headers["Content-Encoding"] == encoding
    body = resp.get_data()
    assert len(body) < len(plain) / 2
    assert (brotli.decompress(body) if encoding == "br" else gzip.decompress(body)) == plain


def test_htmx_error_goes_to_the_error_region_and_keeps_the_form(app, make, login):
    app.config["WTF_CSRF_ENABLED"] = True
    prog = make.program()
    member = make.member(prog)
    p = make.proposal(prog, "voting")
    client = login(member, new_client(app))
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "agree", "csrf_token": "stale"},
                       headers={"HX-Request": "true"})
    assert resp.status_code == 400
    assert resp.headers["HX-Retarget"] == "#live-errors"
    assert resp.headers["HX-Reswap"] == "innerHTML"
    assert "<html" not in resp.get_data(as_text=True)
    assert 'id="live-errors"' in client.get(f"/p/{p.id}").get_data(as_text=True)


def test_htmx_request_without_login_sends_the_browser_to_login(app, make):
    p = make.proposal(make.program(), "voting")
    resp = new_client(app).post(f"/p/{p.id}/vote", data={"choice": "agree"}, headers={"HX-Request": "true"})
    assert resp.status_code == 401
    assert resp.headers["HX-Redirect"].startswith("/login")
    plain = new_client(app).get(f"/p/{p.id}")
    assert plain.status_code == 302 and "/login?next=" in plain.headers["Location"]
