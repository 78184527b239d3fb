"""Bad input at scale: hypothesis sends random and hostile values to every form and every
parameter of every route, as a role that may use the route, and proves two things:

* no request gets a server error (5xx, or an exception escaping the app);
* a refused request (4xx, or a redirect with an error message) leaves every table as it was,
  and a GET changes nothing at all (except the few reads that are writes by design, listed in
  GET_WRITES with the columns they may touch).

The routes come from the access matrix (tests/test_routes_access.SPECS), so a new route is
covered as soon as it has its row there. The field names of a form are the example data of its
row plus the names found in the HTML of the pages that show the form; the query parameters of a
page are the ones the code reads plus the ones its links and filter forms carry.

Each route first gets a few fixed corner cases (hypothesis explicit examples: numbers beyond
every integer column, null bytes in multipart bodies, unquotable field names, letters outside
ASCII), then random examples. Runs are reproducible: each route has a fixed seed, and no example
database is kept. A failure names the route in the test id and prints the role, the address, the
query, the form and the answer (hypothesis's failing example, as found: see SETTINGS for why it
is not shrunk).
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field, fields, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, example, given, note, seed, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.test import encode_multipart

from feedback.extensions import db
from tests.payloads import CORPUS
from tests.route_specs import DEFAULT_ARGS, LOGIN, SPECS, Spec
from tests.routes_support import (
    PLACEHOLDER,
    ROLES,
    World,
    _ref,
    build_world,
    fill,
    new_client,
    put_back,
    revive_world,
    rows_now,
    snapshot,
)

# --- what we send ----------------------------------------------------------------------------

HOSTILE = [
    *CORPUS,
    # emptiness and invisible characters
    "", " ", "\t", "\r\n", "\u00a0", "\u200b", "\ufeff", "\u202e", "\u2028", "\u0301",
    # numbers as text: what int(), float() and the database make of them differ
    "0", "-1", "-0", "+1", "1.5", "1e3", "1e309", "NaN", "inf", "-inf", "0x10", "1_000", "٣", "１２",
    "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
    str(10**30), str(-(10**30)),
    # booleans and nothing, as other stacks spell them
    "true", "false", "yes", "no", "on", "y", "None", "null", "undefined", "[]", "{}",
    # injection and template syntax
    "' OR '1'='1", "'; DROP TABLE users; --", '"', "\\", "%", "%00", "%s%s%n", "{{7*7}}", "{% raw %}", "${7*7}",
    # addresses elsewhere, header splitting
    "../../../etc/passwd", "//evil.example/", "https://evil.example/", "/\\evil.example", "\r\nLocation: /x",
    # dates and times that do not exist or are out of range
    "2030-02-30", "2030-13-01", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "2030-03-01T25:61",
    "1970-01-01T00:00", "2030-03-01T18:00:00+99:00",
    # what PostgreSQL cannot store, and control characters
    "\x00", "a\x00b", "\x01\x1f\x7f",
    # beyond the basic plane, right to left, long, and longer than the server takes
    "👍🏽", "𝕏" * 10, "ا" * 300, "x" * 5001, "x" * (1024 * 1024 + 1),
]

# Plausible values: the choices the forms offer, so that a hostile field can sit next to valid ones.
PLAUSIBLE = [
    "agree", "unsure", "disagree", "accepted", "rejected", "postponed", "done", "open", "dropped", "in_progress",
    "planned", "staff", "admin", "member", "steering", "expert_group", "sv", "en", "ar", "fa", "so", "ti",
    "idea", "star", "globe", "1", "y", "queue", "12m", "year", "last_year", "all", "custom",
    "2030-03-01", "2030-03-01T18:00", "a-good-long-password", "someone@example.org",
]

# The query parameters the views read (request.args), and a few a prober would try.
QUERY_KEYS = [
    "code", "from", "to", "k", "lang", "next", "page", "period", "topic", "v", "voted", "compare",
    "program", "actor", "record_type", "action", "q", "status", "id", "format", "sort",
]

# Names a form does not have, but an attacker adds: mass assignment and smuggling.
EXTRA_NAMES = [
    "csrf_token", "id", "user_id", "program_id", "proposal_id", "is_admin", "role", "active", "next", "status",
    "choice", "email", "password", "name", "body", "voice", "submit", "_method",
]
# Odd names: some a multipart body cannot quote (browsers do not escape a backslash in name="..."),
# and prefixes the views split off ("notes-<id>", "roles-<id>", "count-<choice>").
ODD_NAMES = ["\\", '"', 'a"b', "x;y", "\u202e", "ä" * 200, "notes-", "notes-x", "roles-", "count-", "t-", "-"]

NUMBERS = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.integers(min_value=-(10**40), max_value=10**40),
).map(str)
# Where the integer columns end (PostgreSQL: 32 and 64 bits; SQLite: 64), and beyond.
BOUNDARIES = st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30]).map(str)
LONG = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(min_value=100, max_value=3000))
TEXT = st.text(max_size=40)


def values(ids: list[str]) -> st.SearchStrategy[str]:
    """One form or query value: hostile, random, numeric, long, or a real id or choice."""
    return st.one_of(st.sampled_from(HOSTILE), TEXT, NUMBERS, BOUNDARIES, LONG, st.sampled_from(PLAUSIBLE + ids))


def world_ids(w: World) -> list[str]:
    """The ids of the world's records, as text: an id of the wrong kind or of the other program
    gets further than a made-up one."""
    records = [w.prog, w.other_prog, w.target, w.p_voting, w.p_draft, w.p_agenda, w.p_other, w.meeting,
               w.other_meeting, w.item, w.topic, w.thread, w.post, w.own_post, w.staff_post, w.p_voted,
               w.p_decided, w.change, *w.users.values()]
    return sorted({str(r.id) for r in records if r is not None})


def path_values() -> st.SearchStrategy[Any]:
    """A value for a placeholder in the address: ids that do not exist or overflow, and any text."""
    return st.one_of(
        st.integers(min_value=-5, max_value=60),
        st.sampled_from([2**31, 2**63, 10**30, -(2**63) - 1]),
        st.sampled_from(HOSTILE[:-1]),  # not the megabyte: an address that long is not a form
        TEXT,
    )


# --- who may use a route ---------------------------------------------------------------------


def allowed_roles(spec: Spec) -> list[str]:
    """The roles that get past the access checks, so the input reaches the form and the rules.
    A few routes answer 404 or the login page to everyone (a wrong meeting code, logging out):
    then every logged-in role that is not refused outright."""
    roles = [r for r in ROLES if spec.expect[r] not in (LOGIN, 403, 404)]
    return roles or [r for r in ROLES if r != "anon" and spec.expect[r] != 403]


def placeholders(spec: Spec) -> list[str]:
    return list(dict.fromkeys(PLACEHOLDER.findall(spec.rule)))


def real_args(spec: Spec, w: World) -> dict[str, Any]:
    args = {**DEFAULT_ARGS, **spec.args}
    return {name: args[name](w) for name in placeholders(spec)}


def is_int_placeholder(spec: Spec, name: str) -> bool:
    return f"<int:{name}>" in spec.rule


# --- reading forms and links out of the pages ------------------------------------------------


@dataclass
class Form:
    action: str | None
    method: str
    names: set[str] = field(default_factory=set)


class FormReader(HTMLParser):
    """Every form of a page with the names of its fields (also fields outside it, tied to it by
    form="id"), and every address in a link or an htmx attribute."""

    FIELDS = ("input", "select", "textarea", "button")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._open: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._outside: list[tuple[str, str]] = []
        self.feed(html)
        self.close()
        for form_id, name in self._outside:
            if form_id in self._by_id:
                self._by_id[form_id].names.add(name)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for attr in ("href", "hx-get", "src"):
            if a.get(attr):
                self.links.append(a[attr])
        if tag == "form":
            method = "post" if a.get("hx-post") else (a.get("method") or "get")
            form = Form(a.get("hx-post") or a.get("action") or None, method.upper())
            self.forms.append(form)
            self._open.append(form)
            if a.get("id"):
                self._by_id[a["id"]] = form
        elif tag in self.FIELDS and a.get("name"):
            if a.get("form"):
                self._outside.append((a["form"], a["name"]))
            elif self._open:
                self._open[-1].names.add(a["name"])
        if tag in self.FIELDS and a.get("formaction"):
            self.forms.append(Form(a["formaction"], "POST", set(self._open[-1].names) if self._open else set()))
        if tag != "form" and a.get("hx-post"):
            self.forms.append(Form(a["hx-post"], "POST", {a["name"]} if a.get("name") else set()))

    def handle_endtag(self, tag):
        if tag == "form" and self._open:
            self._open.pop()


# --- one world for the whole module ------------------------------------------------------------
#
# build_world costs a tenth of a second, and a run needs one per route and one after every
# example that changed data. So the world is built once, its rows kept, and put back (with the
# same ids) before each test and after each example that changed something.

Rows = dict[str, list[dict[str, Any]]]


@dataclass
class Template:
    rows: Rows
    refs: dict[str, Any]  # the World's fields, records as (model, id)
    names: dict[str, set[str]]  # POST route -> the names of its form's fields, as the pages show them
    query_keys: dict[str, set[str]]  # GET route -> query parameters its links and filter forms use

    def world(self) -> World:
        put_back(self.rows)
        return revive_world(self.refs)


_TEMPLATE: list[Template] = []
SPEC_BY_ID = {s.id: s for s in SPECS}
CRAWL_ROLES = ("anon", "member", "staff", "steering", "admin")  # the others see the same forms as one of these


def _route_of(adapter, address: str, page_path: str, method: str) -> str | None:
    parts = urlsplit(address)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
        return None
    try:
        rule, _args = adapter.match(parts.path or page_path, method=method, return_rule=True)
    except (HTTPException, RequestRedirect):
        return None
    key = f"{method} {rule.rule}"
    return key if key in SPEC_BY_ID else None


def template(app, make, login) -> Template:
    """The world, and what its pages show: opened once, as every kind of role that may see them.
    A form route that has a page of its own is also opened with its row's ids (the steering
    group's decision form is only there for a voted proposal)."""
    if _TEMPLATE:
        return _TEMPLATE[0]
    w = build_world(make)
    rows, refs = rows_now(), {f.name: _ref(getattr(w, f.name)) for f in fields(World)}
    names: dict[str, set[str]] = {}
    query_keys: dict[str, set[str]] = {}
    adapter = app.url_map.bind("localhost")
    pages = [s for s in SPECS if s.method == "GET"]
    pages += [replace(SPEC_BY_ID[f"GET {s.rule}"], args={**SPEC_BY_ID[f"GET {s.rule}"].args, **s.args})
              for s in SPECS if s.method != "GET" and s.args and f"GET {s.rule}" in SPEC_BY_ID]
    for page in pages:
        for role in (r for r in CRAWL_ROLES if r in allowed_roles(page)):
            client = new_client(app)
            if role != "anon":
                login(w.users[role], client)
            page_path = fill(page.rule, real_args(page, w))
            resp = client.get(page_path)
            if resp.status_code != 200 or resp.mimetype != "text/html":
                continue
            reader = FormReader(resp.get_data(as_text=True))
            for form in reader.forms:
                route = _route_of(adapter, form.action or page_path, page_path, form.method)
                if route is not None:
                    (names if form.method == "POST" else query_keys).setdefault(route, set()).update(form.names)
            for link in reader.links:
                route = _route_of(adapter, link, page_path, "GET")
                if route is not None:
                    query_keys.setdefault(route, set()).update(k for k, _v in parse_qsl(urlsplit(link).query))
    for found in names.values():
        found.discard("csrf_token")  # CSRF is off in tests (conftest); a bad token has tests of its own
    _TEMPLATE.append(Template(rows, refs, names, query_keys))
    return _TEMPLATE[0]


# --- checking an answer ----------------------------------------------------------------------

# GET routes that write by design. Each may change only the listed columns of the listed tables
# (ALL: any row of that table).
ALL: set[str] = set()
NOTIFICATIONS_READ = {"notifications": {"read_at"}}  # opening a page marks its news as read
GET_WRITES: dict[str, dict[str, set[str]]] = {
    # Her login link logs her in: it notes when it was used, and the audit log keeps that change.
    "GET /in/<token>": {"login_tokens": {"used_at"}, "audit_log": ALL},
    "GET /me": NOTIFICATIONS_READ,
    "GET /me/news": NOTIFICATIONS_READ,
    "GET /me/ideas": NOTIFICATIONS_READ,
    "GET /p/<int:proposal_id>": NOTIFICATIONS_READ,
    "GET /me/meetings/<int:meeting_id>": NOTIFICATIONS_READ,  # the meeting's "new meeting" notice
    "GET /talk/t/<int:thread_id>": NOTIFICATIONS_READ,
    "GET /staff/<int:program_id>/feedback": NOTIFICATIONS_READ,
}


def masked(snap: dict[str, list[tuple]], columns: dict[str, set[str]]) -> dict[str, list[tuple]]:
    if not columns:
        return snap
    out = dict(snap)
    for table_name, cols in columns.items():
        if cols is ALL:
            del out[table_name]
            continue
        keep = [i for i, c in enumerate(db.metadata.tables[table_name].columns) if c.name not in cols]
        out[table_name] = sorted((tuple(row[i] for i in keep) for row in snap[table_name]), key=repr)
    return out


def ended_sessions() -> int:
    """snapshot() leaves sessions out (each example logs in anew); but a request that ends one
    (logging out, staff ending a member's session) changes what the next example finds."""
    table = db.metadata.tables["user_sessions"]
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(table).where(table.c.ended_at.is_not(None)))


def differences(before: dict, after: dict) -> str:
    lines = []
    for table in sorted(before.keys() | after.keys()):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        if old != new:
            removed, added = sorted(old - new, key=repr)[:3], sorted(new - old, key=repr)[:3]
            lines.append(f"{table}: removed {removed!r:.600} added {added!r:.600}")
    return "\n".join(lines)


def error_flashed(client) -> bool:
    with client.session_transaction() as sess:
        return any(category == "error" for category, _message in sess.get("_flashes", []))


def is_refusal(resp, client) -> bool:
    """4xx, or back to a page with an error message (the routes that answer a broken rule so).
    Every example has a client of its own, so a message in its session is this request's."""
    return resp.status_code >= 400 or (resp.status_code in (301, 302, 303) and error_flashed(client))


# --- the strategies that depend on the route -------------------------------------------------


def path_overrides(spec: Spec, hostile_ints: bool) -> st.SearchStrategy[dict[str, str]]:
    """Placeholders to replace in the address: none, one, or (GET) any. POST routes keep their
    ids, so that the form is reached: their bad ids have test_unknown_id_is_404."""
    free = [name for name in placeholders(spec) if hostile_ints or not is_int_placeholder(spec, name)]
    none: st.SearchStrategy[dict[str, str]] = st.just({})
    if not free:
        return none
    bad = path_values().map(str)
    one_bad = st.tuples(st.sampled_from(free), bad).map(lambda nb: {nb[0]: nb[1]})
    if hostile_ints:
        return st.one_of(none, one_bad, st.fixed_dictionaries({}, optional=dict.fromkeys(free, bad)))
    return st.integers(min_value=0, max_value=3).flatmap(lambda pick: one_bad if pick == 3 else none)


def url_of(spec: Spec, w: World, overrides: dict[str, str]) -> str:
    """Worked out for each example: a route's ids may be made by the example (a session to end)."""
    real = {name: str(value) for name, value in real_args(spec, w).items()}
    return fill(spec.rule, {k: quote(overrides.get(k, v), safe="") for k, v in real.items()})


def query(own: set[str], ids: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Query parameters: the page's own (from its links and filters) more often than the others
    the code reads, and now and then a made-up one."""
    key = st.one_of(*([st.sampled_from(sorted(own))] if own else []), st.sampled_from(QUERY_KEYS), TEXT.filter(bool))
    return st.lists(st.tuples(key, values(ids)), max_size=4)


def form(names: list[str], valid: dict[str, Any], ids: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """The valid example, or the valid example with one field made hostile (so it reaches the
    deeper rules), or every field at random: kept, left out, hostile, or sent several times.
    Plus unknown fields."""
    value = values(ids)
    keep = {n: [str(valid[n])] for n in names if n in valid}

    def targeted(name: str) -> st.SearchStrategy[dict[str, list[str]]]:
        return st.lists(value, min_size=1, max_size=2).map(lambda vs, name=name: {**keep, name: vs})

    def each(name: str) -> st.SearchStrategy[list[str]]:
        return st.one_of(st.just(keep.get(name, [])), st.just([]), value.map(lambda v: [v]),
                         st.lists(value, min_size=2, max_size=3))

    chosen = st.fixed_dictionaries({n: each(n) for n in names})
    if names:
        chosen = st.one_of(st.just(keep), st.sampled_from(names).flatmap(targeted), chosen)
    name = st.one_of(st.sampled_from(EXTRA_NAMES), st.sampled_from(ODD_NAMES), TEXT.filter(bool))
    extras = st.lists(st.tuples(name, value), max_size=3)
    return st.tuples(chosen, extras).map(lambda ce: [(n, v) for n, vs in ce[0].items() for v in vs] + ce[1])


# --- corner cases, tried on every route before the random examples ------------------------------
#
# Random examples are few per route; these inputs have each broken a route, so every run tries
# them. For a form: unquotable and prefixed names next to the valid example; then each field in
# turn, the rest valid, as a number beyond every integer column and as text with a null byte in a
# multipart body (where the app does not refuse null bytes for us). For a page: every known query
# parameter beyond every integer column, and letters outside ASCII in every parameter and every
# text placeholder.

HUGE = str(10**30)
NOT_ASCII = "ä€𝕏"


def form_corners(role: str, names: list[str], valid: dict[str, str]) -> list[dict[str, Any]]:
    base = {"role": role, "path": {}, "args": [], "htmx": False}
    corners = [{**base, "pairs": [*valid.items(), *((n, "x") for n in ODD_NAMES)], "multipart": True}]
    for name in names:
        others = [(k, v) for k, v in valid.items() if k != name]
        corners.append({**base, "pairs": [*others, (name, HUGE)], "multipart": False})
        corners.append({**base, "pairs": [*others, (name, "a\x00b")], "multipart": True})
    return corners


def page_corners(spec: Spec, role: str, keys: list[str]) -> list[dict[str, Any]]:
    text_placeholders = {n: NOT_ASCII for n in placeholders(spec) if not is_int_placeholder(spec, n)}
    return [
        {"role": role, "path": {}, "args": [(k, HUGE) for k in keys], "htmx": False},
        {"role": role, "path": text_placeholders, "args": [(k, NOT_ASCII) for k in keys], "htmx": False},
    ]


def with_corners(test, corners: list[dict[str, Any]]):
    for corner in reversed(corners):
        test = example(**corner)(test)
    return test


SETTINGS = {
    "deadline": None,
    "database": None,  # nothing written into the checkout; each route has its own fixed seed instead
    "print_blob": False,
    # No shrinking: every example is a request, and shrinking one failure took minutes. The
    # failing input is printed as found, and the route's seed finds it again on every run.
    "phases": (Phase.explicit, Phase.reuse, Phase.generate),
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
}


# Random examples per route, on top of the fixed corner cases: enough to vary the input from
# route to route, few enough that both database passes of the suite stay well under ten minutes.
FORM_EXAMPLES, FORM_EXAMPLES_NO_FIELDS, PAGE_EXAMPLES = 6, 3, 5


def route_seed(spec: Spec) -> int:
    """Reproducible runs, and different examples for each route (derandomize would seed every
    route's inner check the same)."""
    return zlib.crc32(spec.id.encode())


def send(client, method: str, url: str, args: list[tuple[str, str]], pairs=None, multipart=False, htmx=False):
    kw: dict[str, Any] = {"query_string": MultiDict(args), "headers": {"HX-Request": "true"} if htmx else {}}
    if pairs is not None and multipart:
        # Encoded here, in memory: the test client spools a big multipart body to a temporary
        # file it never closes.
        boundary, body = encode_multipart(MultiDict(pairs))
        kw.update(data=body, content_type=f'multipart/form-data; boundary="{boundary}"')
    elif pairs is not None:
        kw["data"] = MultiDict(pairs)
    try:
        return client.open(url, method=method, **kw)
    except Exception:
        db.session.rollback()  # the escaped error left the session broken; the next example needs it
        raise


# --- forms -----------------------------------------------------------------------------------

FORM_SPECS = [s for s in SPECS if s.method != "GET"]


@pytest.mark.parametrize("spec", FORM_SPECS, ids=[s.id for s in FORM_SPECS])
def test_hostile_forms_give_no_server_error_and_refusals_change_nothing(app, make, login, spec):
    tpl = template(app, make, login)
    w = tpl.world()
    roles = allowed_roles(spec)
    valid = {k: str(v) for k, v in spec.data(w).items()}
    names = sorted(tpl.names.get(spec.id, set()) | set(valid))
    ids = world_ids(w)  # the same after every restore
    dirty = [False]

    @given(role=st.sampled_from(roles), path=path_overrides(spec, hostile_ints=False),
           args=query(tpl.query_keys.get(spec.id, set()), ids), pairs=form(names, valid, ids),
           multipart=st.booleans(), htmx=st.booleans())
    def check(role, path, args, pairs, multipart, htmx):
        if dirty[0]:  # the last example changed data: start again from the world as built
            put_back(tpl.rows)
        client = new_client(app)
        if role != "anon":
            login(w.users[role], client)
        url = url_of(spec, w, path)
        note(f"{spec.method} {url} as {role}")
        before, ended = snapshot(), ended_sessions()
        dirty[0] = True  # until we know otherwise: a request that raised may have written
        resp = send(client, spec.method, url, args, pairs, multipart, htmx)
        after = snapshot()
        # Before the checks, so that the replay of a failure starts from the same data.
        dirty[0] = after != before or ended_sessions() != ended
        note(f"answer: {resp.status_code} {resp.headers.get('Location', '')}")
        assert resp.status_code < 500, f"server error {resp.status_code}"
        if is_refusal(resp, client):
            assert after == before, f"refused with {resp.status_code}, yet changed:\n{differences(before, after)}"

    check = with_corners(check, form_corners(roles[0], names, valid))
    seed(route_seed(spec))(settings(max_examples=FORM_EXAMPLES if names else FORM_EXAMPLES_NO_FIELDS, **SETTINGS)(check))()


# --- pages and their parameters ----------------------------------------------------------------

PAGE_SPECS = [s for s in SPECS if s.method == "GET"]


@pytest.mark.parametrize("spec", PAGE_SPECS, ids=[s.id for s in PAGE_SPECS])
def test_hostile_parameters_give_no_server_error_and_change_nothing(app, make, login, spec):
    tpl = template(app, make, login)
    w = tpl.world()
    roles = allowed_roles(spec)
    own_keys = tpl.query_keys.get(spec.id, set())
    may_write = GET_WRITES.get(spec.id, {})
    ids = world_ids(w)
    dirty = [False]

    @given(role=st.sampled_from(roles), path=path_overrides(spec, hostile_ints=True), args=query(own_keys, ids),
           htmx=st.booleans())
    def check(role, path, args, htmx):
        if dirty[0]:  # a page that writes by design, or a failure: the next example starts afresh
            put_back(tpl.rows)
        client = new_client(app)
        if role != "anon":
            login(w.users[role], client)
        url = url_of(spec, w, path)
        note(f"GET {url} as {role}")
        before = snapshot()
        dirty[0] = True
        resp = send(client, "GET", url, args, htmx=htmx)
        after = snapshot()
        dirty[0] = after != before
        note(f"answer: {resp.status_code}")
        assert resp.status_code < 500, f"server error {resp.status_code}"
        assert masked(after, may_write) == masked(before, may_write), f"a GET changed:\n{differences(before, after)}"

    check = with_corners(check, page_corners(spec, roles[0], sorted(own_keys | set(QUERY_KEYS))))
    seed(route_seed(spec))(settings(max_examples=PAGE_EXAMPLES, **SETTINGS)(check))()
