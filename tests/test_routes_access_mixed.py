"""Who may open which page, for people with more than one role: every route of the app.

The matrix in tests/route_specs.py (tests/test_routes_access.py) has one role per person. Here, two more:

- "member_steering": a member of program A who is also in A's steering group. She has every
  member page and action of A (she votes, writes, agrees, answers follow-ups) and every
  steering page of A (review queue, decisions, dashboard, report). She holds an office role, so
  she is not "member only": the /account/ pages are hers, and she cannot erase her own data
  (an admin closes office accounts). Staff pages of A refuse her, as they refuse "steering".
- "member_and_other_staff": a member of program A who is staff in program B. In A she is a
  member (the member pages of A, as "member"); the matrix's staff routes are A's, so they refuse
  her, as they refuse "other_staff". She holds an office role: /account/ is hers, and she cannot
  erase her own data. Site-admin routes refuse her.

Every route has a row in MIXED, written out by hand: a new route without one fails
test_every_route_has_a_mixed_row.
"""
from __future__ import annotations

from typing import Any

import pytest

from tests.route_specs import LOGIN, SPEC_BY_ID, SPECS, check_roles
from tests.routes_support import build_world

MIXED_ROLES = ["member_steering", "member_and_other_staff"]


def mixed(member_steering: Any, member_and_other_staff: Any) -> dict[str, Any]:
    return {"member_steering": member_steering, "member_and_other_staff": member_and_other_staff}


def both(status: Any) -> dict[str, Any]:
    return mixed(status, status)


# A's staff pages: neither is staff of A.
STAFF_OF_A = both(403)
# A's pages for staff and steering: hers as steering of A; the other is staff of B only.
STEERING_OF_A = mixed(member_steering=200, member_and_other_staff=403)
# Site admin only.
SITE_ADMIN = both(403)

MIXED: dict[str, dict[str, Any]] = {
    # web
    "GET /": both(302),  # to the staff overview (her steering, or B's staff pages)
    "GET /healthz": both(200),
    # auth
    "GET /login": both(302),
    "POST /login": both(302),
    "POST /logout": both(LOGIN),
    "POST /language": both(302),
    "GET /in/<token>": both(200),  # another member's link: asked before switching
    "POST /in/<token>": both(302),
    # her own account: both hold an office role
    "GET /account/": both(200),
    "POST /account/password": both(400),
    "GET /login/lost-card": both(200),
    "POST /login/lost-card": both(302),
    "GET /login/code": both(LOGIN),
    "POST /login/code": both(LOGIN),
    "GET /account/two-factor": both(200),
    "POST /account/two-factor": both(400),
    "POST /account/two-factor/codes": both(400),
    "POST /account/two-factor/off": both(302),
    "POST /account/sessions/<int:session_id>/end": both(404),
    "GET /password/<token>": both(200),
    "POST /password/<token>": both(302),
    # member pages of A: both are members of A
    "GET /me": both(200),
    "GET /p/<int:proposal_id>": both(200),
    "GET /p/<int:proposal_id>/results": both(200),
    "POST /p/<int:proposal_id>/vote": both(302),
    "GET /me/priorities/<int:poll_id>": both(200),
    "POST /me/priorities/<int:poll_id>/dots": both(302),
    "GET /me/meetings/<int:meeting_id>.ics": both(200),
    "GET /me/meetings/<int:meeting_id>": both(200),
    "POST /me/meetings/<int:meeting_id>": both(302),
    "GET /me/meetings/<int:meeting_id>/evaluation": both(200),
    "POST /me/meetings/<int:meeting_id>/evaluation": both(409),
    "POST /me/understand/<any(proposal, decision, agenda_item):kind>/<int:text_id>": both(302),
    "GET /staff/<int:program_id>/meetings/<int:meeting_id>/evaluations/<int:answer_id>/voice": STAFF_OF_A,
    # the live meeting
    "GET /join": both(200),
    "POST /join": both(404),
    "GET /live/<int:meeting_id>": both(200),
    "GET /live/<int:meeting_id>/now": both(200),
    "POST /live/<int:meeting_id>/here": both(409),  # a member, but the meeting has not started
    "GET /staff/<int:program_id>/meetings/<int:meeting_id>/live": STAFF_OF_A,
    "GET /staff/<int:program_id>/meetings/<int:meeting_id>/projector": STAFF_OF_A,
    "GET /staff/<int:program_id>/meetings/<int:meeting_id>/projector/now": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/live/<any(start, next, prev, open, close, reveal, end, code):action>":
        STAFF_OF_A,
    "GET /calendar/<int:user_id>/<token>.ics": both(200),
    # staff and steering
    "GET /staff/<int:program_id>/": STEERING_OF_A,
    "GET /staff/<int:program_id>/members/": STAFF_OF_A,
    "GET /staff/<int:program_id>/members/new": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/new": STAFF_OF_A,
    "GET /staff/<int:program_id>/members/<int:user_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/<int:user_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/<int:user_id>/card": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/cards": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/<int:user_id>/send-link": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/<int:user_id>/revoke": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/<int:user_id>/leave": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/<int:user_id>/come-back": STAFF_OF_A,
    "GET /staff/<int:program_id>/meetings/": STAFF_OF_A,
    "GET /staff/<int:program_id>/meetings/new": STAFF_OF_A,
    # date polls: both are members of A (they answer); neither is staff of A
    "GET /me/date-polls/<int:poll_id>": both(200),
    "POST /me/date-polls/<int:poll_id>": both(302),
    "GET /staff/<int:program_id>/date-polls/": STAFF_OF_A,
    "GET /staff/<int:program_id>/date-polls/new": STAFF_OF_A,
    "POST /staff/<int:program_id>/date-polls/new": STAFF_OF_A,
    "GET /staff/<int:program_id>/date-polls/<int:poll_id>": STAFF_OF_A,
    "POST /staff/<int:program_id>/date-polls/<int:poll_id>/close": STAFF_OF_A,
    "POST /staff/<int:program_id>/date-polls/<int:poll_id>/options": STAFF_OF_A,
    "POST /staff/<int:program_id>/date-polls/<int:poll_id>/options/<int:option_id>/delete": STAFF_OF_A,
    "POST /staff/<int:program_id>/date-polls/<int:poll_id>/options/<int:option_id>/meeting": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/new": STAFF_OF_A,
    "GET /staff/<int:program_id>/meetings/<int:meeting_id>": STAFF_OF_A,
    "GET /staff/<int:program_id>/meetings/<int:meeting_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/agenda": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/agenda/<int:item_id>/remove": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/agenda/topic": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/agenda/free": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/agenda/<int:item_id>/move/<any(up, down):direction>":
        STAFF_OF_A,
    "GET /staff/<int:program_id>/meetings/<int:meeting_id>/log": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/log/summary": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/log/attendance": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/log/actions": STAFF_OF_A,
    "GET /staff/<int:program_id>/meetings/actions": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/log/notes": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/<int:meeting_id>/log/recommend/<int:proposal_id>": STAFF_OF_A,
    "POST /staff/<int:program_id>/meetings/actions/<int:action_id>/<any(open, done, dropped):status>": STAFF_OF_A,
    "GET /staff/<int:program_id>/proposals/": STAFF_OF_A,
    "GET /staff/<int:program_id>/proposals/new": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/new": STAFF_OF_A,
    "GET /staff/<int:program_id>/proposals/<int:proposal_id>": STAFF_OF_A,
    "GET /staff/<int:program_id>/priorities/": STAFF_OF_A,
    "GET /staff/<int:program_id>/priorities/new": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/new": STAFF_OF_A,
    "GET /staff/<int:program_id>/priorities/<int:poll_id>": STAFF_OF_A,
    "GET /staff/<int:program_id>/priorities/<int:poll_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/options": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/options/<int:option_id>/delete": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/options/<int:option_id>/photo": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/options/<int:option_id>/photo/remove": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/translations/<lang_code>": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/options/<int:option_id>/translations/<lang_code>":
        STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/agenda": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/open": STAFF_OF_A,
    "POST /staff/<int:program_id>/priorities/<int:poll_id>/close": STAFF_OF_A,
    "GET /staff/<int:program_id>/proposals/<int:proposal_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/translations/<lang_code>": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/open": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/close": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/remind": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/by-hand/member": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/by-hand/counts": STAFF_OF_A,
    "POST /staff/<int:program_id>/recordings/<any(proposal, decision, change, meeting):kind>/<int:subject_id>/<lang_code>": STAFF_OF_A,
    "POST /staff/<int:program_id>/recordings/<any(proposal, decision, change, meeting):kind>/<int:subject_id>/<lang_code>/delete": STAFF_OF_A,
    "GET /recordings/<int:recording_id>": both(200),  # a member of A hears A's recordings
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/photo": STAFF_OF_A,
    "POST /staff/<int:program_id>/proposals/<int:proposal_id>/photo/remove": STAFF_OF_A,
    "GET /photos/<int:photo_id>/<version>/<int:width>.webp": both(200),  # members of A
    # feedback threads of A: both read and write there as members of A; moderation is for A's staff
    "GET /talk": both(200),
    "GET /talk/<any(topic, proposal, meeting):kind>/<int:subject_id>": both(200),
    "POST /talk/<any(topic, proposal, meeting):kind>/<int:subject_id>": both(302),
    "GET /talk/t/<int:thread_id>": both(200),
    "POST /talk/t/<int:thread_id>": both(302),
    "POST /talk/t/<int:thread_id>/proposal": both(403),
    "POST /talk/posts/<int:post_id>/agree": both(302),
    "POST /talk/posts/<int:post_id>/report": both(302),
    # "member"'s own post: not theirs
    "GET /talk/posts/<int:post_id>/edit": both(403),
    "POST /talk/posts/<int:post_id>/edit": both(403),
    "POST /talk/posts/<int:post_id>/delete": both(403),
    "GET /talk/posts/<int:post_id>/voice": both(200),
    "POST /talk/posts/<int:post_id>/hide": both(403),
    "POST /talk/posts/<int:post_id>/show": both(403),
    "POST /talk/posts/<int:post_id>/official": both(403),
    "POST /talk/posts/<int:post_id>/transcript": both(403),
    "GET /staff/<int:program_id>/feedback": STAFF_OF_A,
    "GET /staff/<int:program_id>/messages/": STAFF_OF_A,
    "POST /staff/<int:program_id>/messages/test": STAFF_OF_A,
    "GET /me/messages": both(200),
    "POST /me/messages": both(302),
    "GET /stop/<token>": both(200),
    "POST /stop/<token>": both(200),
    "GET /staff/<int:program_id>/topics/": STAFF_OF_A,
    "POST /staff/<int:program_id>/topics/": STAFF_OF_A,
    "GET /staff/<int:program_id>/topics/<int:topic_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/topics/<int:topic_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/topics/<int:topic_id>/move/<any(up, down):direction>": STAFF_OF_A,
    "GET /me/news": both(200),
    "POST /staff/<int:program_id>/readability": STEERING_OF_A,
    # steering review, program changes, what happened with our ideas
    "GET /staff/<int:program_id>/review/": STEERING_OF_A,
    "GET /staff/<int:program_id>/review/<int:proposal_id>": STEERING_OF_A,
    "POST /staff/<int:program_id>/review/<int:proposal_id>": mixed(member_steering=302, member_and_other_staff=403),
    "POST /staff/<int:program_id>/review/<int:proposal_id>/reopen":
        mixed(member_steering=302, member_and_other_staff=403),
    "GET /staff/<int:program_id>/changes/": STAFF_OF_A,
    "GET /staff/<int:program_id>/changes/new": STAFF_OF_A,
    "POST /staff/<int:program_id>/changes/new": STAFF_OF_A,
    "GET /staff/<int:program_id>/changes/<int:change_id>/edit": STAFF_OF_A,
    "POST /staff/<int:program_id>/changes/<int:change_id>/edit": STAFF_OF_A,
    "POST /changes/<int:change_id>/follow-up": both(302),  # members of A answer "did it help?"
    "GET /me/ideas": both(200),
    "GET /public/<slug>": both(200),
    "GET /public/<slug>/feed.atom": both(200),
    "POST /staff/<int:program_id>/public": STAFF_OF_A,
    "GET /admin/audit": SITE_ADMIN,
    "GET /admin/security": SITE_ADMIN,
    # dashboards
    "GET /staff/<int:program_id>/dashboard": STEERING_OF_A,
    "GET /staff/<int:program_id>/dashboard/<key>.<fmt>": STEERING_OF_A,
    "GET /staff/<int:program_id>/report": STEERING_OF_A,
    # the web app on the home screen
    "GET /manifest.webmanifest": both(200),
    "GET /sw.js": both(200),
    "GET /offline": both(200),
    # her own data; an office account is not erased by its owner
    "GET /me/welcome": both(200),
    "POST /me/welcome": both(302),
    "GET /me/data": both(200),
    "GET /me/data.json": both(200),
    "GET /me/certificate.pdf": both(200),  # both are members of A
    "GET /goodbye": both(200),
    "POST /me/push/subscribe": both(400),  # a form, not the JSON her browser sends
    "POST /me/push/unsubscribe": both(400),
    "POST /me/data/erase": both(403),
    "POST /staff/<int:program_id>/members/<int:user_id>/sessions/<int:session_id>/end": STAFF_OF_A,
    "GET /staff/<int:program_id>/members/<int:user_id>/data.json": STAFF_OF_A,
    "GET /staff/<int:program_id>/members/<int:user_id>/certificate.pdf": STAFF_OF_A,
    "POST /staff/<int:program_id>/members/<int:user_id>/erase": STAFF_OF_A,
    # site admin
    "GET /admin/programs": SITE_ADMIN,
    "GET /admin/programs/new": SITE_ADMIN,
    "POST /admin/programs/new": SITE_ADMIN,
    "GET /admin/programs/<int:program_id>/edit": SITE_ADMIN,
    "POST /admin/programs/<int:program_id>/edit": SITE_ADMIN,
    "GET /admin/users": SITE_ADMIN,
    "GET /admin/users/new": SITE_ADMIN,
    "POST /admin/users/new": SITE_ADMIN,
    "GET /admin/users/<int:user_id>/edit": SITE_ADMIN,
    "POST /admin/users/<int:user_id>/edit": SITE_ADMIN,
    "POST /admin/users/<int:user_id>/password-link": SITE_ADMIN,
}

# Routes where the app does not do what the row says (a bug, kept visible): spec id -> reason.
KNOWN_BUGS: dict[str, str] = {}


def test_every_route_has_a_mixed_row():
    assert SPEC_BY_ID.keys() - MIXED.keys() == set(), "routes without a row in MIXED"
    assert MIXED.keys() - SPEC_BY_ID.keys() == set(), "rows in MIXED for routes not in the access matrix"
    assert all(set(row) == set(MIXED_ROLES) for row in MIXED.values())


def _cases():
    for spec in SPECS:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[spec.id])] if spec.id in KNOWN_BUGS else []
        yield pytest.param(spec, id=spec.id, marks=marks)


@pytest.mark.parametrize("spec", list(_cases()))
def test_access_mixed_roles(app, make, login, spec):
    """Both people on one route, checked as test_access checks one role each."""
    problems = check_roles(app, login, spec, MIXED_ROLES, MIXED[spec.id], lambda: build_world(make))
    assert not problems, "\n".join(problems)
