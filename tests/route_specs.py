"""Every route of the app, with what each role gets there (tests/test_routes_access.py checks the
matrix; tests/test_routes_access_mixed.py and tests/test_property_input.py reuse the routes),
and check_roles, which tries a route as each role."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.routes_support import (
    PLACEHOLDER,
    ROLES,
    World,
    fill,
    is_login_redirect,
    new_client,
    reset_database,
    snapshot,
)

LOGIN = "login"  # 302 to the login page


def staff_only(ok: int) -> dict[str, Any]:
    return {"anon": LOGIN, "member": 403, "other_member": 403, "staff": ok, "other_staff": 403,
            "steering": 403, "prog_admin": ok, "admin": ok}


def staff_or_steering(ok: int) -> dict[str, Any]:
    return {**staff_only(ok), "steering": ok}


def admin_only(ok: int) -> dict[str, Any]:
    return {**dict.fromkeys(ROLES, 403), "anon": LOGIN, "admin": ok}


def everyone(status: Any, anon: Any = None) -> dict[str, Any]:
    return {**dict.fromkeys(ROLES, status), "anon": status if anon is None else anon}


# A voting proposal of program A, as the member pages show it.
PORTAL_VIEW = {"anon": LOGIN, "member": 200, "other_member": 404, "staff": 200, "other_staff": 404,
               "steering": 200, "prog_admin": 200, "admin": 200}
# Only members of the program vote; the others see the proposal but are refused.
PORTAL_VOTE = {**PORTAL_VIEW, "member": 302, "staff": 403, "steering": 403, "prog_admin": 403, "admin": 403}

PASSWORD = "a-good-long-password"


@dataclass
class Spec:
    rule: str
    method: str
    expect: dict[str, Any]
    data: Callable[[World], dict] = field(default=lambda w: {})
    args: dict[str, Callable[[World], Any]] = field(default_factory=dict)
    mutates: bool = True  # for POST: give each allowed role fresh data

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}"


DEFAULT_ARGS: dict[str, Callable[[World], Any]] = {
    "program_id": lambda w: w.prog.id,
    "proposal_id": lambda w: w.p_voting.id,
    "meeting_id": lambda w: w.meeting.id,
    "item_id": lambda w: w.item.id,
    "user_id": lambda w: w.target.id,
    "token": lambda w: w.link_token,
    "lang_code": lambda w: "en",
    "direction": lambda w: "down",
    "status": lambda w: "done",
    "action": lambda w: "start",
    "action_id": lambda w: _action_id(w),
    "kind": lambda w: "topic",
    "subject_id": lambda w: w.topic.id,
    "topic_id": lambda w: w.topic.id,
    "thread_id": lambda w: w.thread.id,
    "post_id": lambda w: w.post.id,
    "change_id": lambda w: w.change.id,
    "slug": lambda w: w.prog.slug,
    "poll_id": lambda w: w.poll.id,
    "option_id": lambda w: w.poll.options[-1].id,
}


def _action_id(w: World) -> int:
    from feedback.extensions import db
    from feedback.meetings.models import ActionItem

    return db.session.scalar(db.select(ActionItem.id).where(ActionItem.program_id == w.prog.id).limit(1))


def _topic_id(w: World) -> int:
    from feedback.extensions import db
    from feedback.topics.models import Topic

    return db.session.scalar(db.select(Topic.id).where(Topic.program_id == w.prog.id).limit(1))


def _member_session(w: World) -> int:
    from feedback.auth.models import User, UserSession
    from feedback.auth.sessions import start
    from feedback.extensions import db

    start(db.session.get(User, w.target.id), "Mozilla/5.0 (Linux; Android 14) Chrome/131 Mobile")
    return db.session.scalar(db.select(UserSession.id).where(UserSession.user_id == w.target.id).limit(1))


def _leaver(w: World) -> int:
    """A member of the program who left it: the one staff can bring back (made once per world)."""
    from feedback.members import services

    leavers = services.left_members(w.prog.id)
    if leavers:
        return leavers[0].user.id
    user = services.add_member(w.prog.id, "Left earlier", "sv")
    services.leave(w.prog.id, user)
    return user.id


def _recording(w: World) -> int:
    """The Somali recording of the voting proposal of A (made once per world)."""
    from feedback.extensions import db
    from feedback.recordings import services
    from feedback.recordings.models import Recording

    found = db.session.scalar(db.select(Recording.id).where(Recording.proposal_id == w.p_voting.id))
    if found:
        return found
    rec = services.save("proposal", w.p_voting, "so", _VOICE.read_bytes(), None)
    db.session.commit()
    return rec.id


_VOICE = Path(__file__).parent / "fixtures" / "voice-1s.webm"


def _stop_token(w: World) -> str:
    from feedback.outbox.links import stop_token

    return stop_token(w.target.id, "vote")


def _feed_token(w: World) -> str:
    from feedback.meetings.calendar import feed_token

    return feed_token(w.target)


def _date_poll(w: World):
    """An open date poll of program A with three dates (made once per world)."""
    from feedback.datepolls.models import DatePoll
    from feedback.extensions import db
    from tests.datepoll_support import new_poll

    found = db.session.scalar(db.select(DatePoll).where(DatePoll.program_id == w.prog.id).limit(1))
    return found or new_poll(w.prog)


def _date_answers(w: World) -> dict:
    return {f"option-{o.id}": "yes" for o in _date_poll(w).options}


DATE_POLL = {"poll_id": lambda w: _date_poll(w).id}
DATE_OPTION = {**DATE_POLL, "option_id": lambda w: _date_poll(w).options[0].id}
DATE_POLL_FORM = {"title": "Träff i mars", "rows": "4", "option-0-day": "2030-03-04", "option-0-start": "17:30",
                  "option-1-day": "2030-03-05", "option-1-start": "17:30"}


def _photo(w: World):
    """A photo on the voting proposal (made once per world)."""
    from feedback.proposals import photos
    from tests.photo_support import jpeg

    return w.p_voting.photo or photos.save_photo(w.p_voting, jpeg(), "En kopp kaffe.", {}, None)


def _photo_form(w: World) -> dict:
    import io

    from tests.photo_support import jpeg

    return {"photo": (io.BytesIO(jpeg()), "coffee.jpg"), "alt_text": "En kopp kaffe."}


PHOTO = {"photo_id": lambda w: _photo(w).id, "version": lambda w: _photo(w).version, "width": lambda w: 360}

DRAFT = {"proposal_id": lambda w: w.p_draft.id}
POLL_DRAFT = {"poll_id": lambda w: w.poll_draft.id, "option_id": lambda w: w.poll_draft.options[0].id}
PRIORITIES = "/staff/<int:program_id>/priorities"
POLL_FORM = {"title": "Vad först?", "dots_per_member": "3", "max_per_option": "2"}
RECORDING_OF_PROPOSAL = {"kind": lambda w: "proposal", "subject_id": lambda w: w.p_voting.id, "lang_code": lambda w: "so"}
OFFICE_USER = {"user_id": lambda w: w.users["staff"].id}
PROPOSAL_FORM = {"title": "Coffee at meetings", "summary": "We drink coffee.", "icon": "idea", "topic_id": "0"}
MEETING_FORM = {"title": "March meeting", "starts_at": "2030-03-01T18:00", "ends_at": "2030-03-01T20:00"}

# Conversations of program A: read by its members, staff and steering; written by members and staff.
TALK_READ = {"anon": LOGIN, "member": 200, "other_member": 404, "staff": 200, "other_staff": 404,
             "steering": 200, "prog_admin": 200, "admin": 200}
TALK_WRITE = {**TALK_READ, "member": 302, "staff": 302, "steering": 403, "prog_admin": 302, "admin": 302}
# "Me too" and reports are for members only.
TALK_MEMBER = {**TALK_READ, "member": 302, "staff": 403, "steering": 403, "prog_admin": 403, "admin": 403}
# Moderation is for staff only; the program's members and steering get 403, other programs 404.
TALK_STAFF = {**TALK_READ, "member": 403, "staff": 302, "steering": 403, "prog_admin": 302, "admin": 302}
# Her own post, just written: only she may change it.
OWN_POST = {"post_id": lambda w: w.own_post.id}
OWN_EDIT = {**TALK_READ, "staff": 403, "steering": 403, "prog_admin": 403, "admin": 403}
CHANGE_FORM = {"title": "Fika", "description": "Nu finns fika.", "changed_on": "2026-11-01", "status": "done",
               "progress": "100", "origin": "staff", "topic_id": "0"}
KEEP_DAYS = {"voice_retention_days": "365", "left_retention_days": "90"}
POST_TEXT = {"body": "We would like coffee at the meetings."}

SPECS = [
    # web
    Spec("/", "GET", everyone(302, anon=LOGIN)),
    Spec("/healthz", "GET", everyone(200)),
    # auth
    Spec("/login", "GET", everyone(302, anon=200)),
    Spec("/login", "POST", everyone(302, anon=400), mutates=False,
         data=lambda w: {"email": "nobody@example.org", "password": "wrong-password"}),
    Spec("/logout", "POST", everyone(LOGIN), mutates=False),
    Spec("/language", "POST", everyone(302), mutates=False, data=lambda w: {"lang": "en", "next": "/"}),
    # The link is for another member: anyone logged in is asked before switching accounts.
    Spec("/in/<token>", "GET", {**everyone(200), "anon": 302}),
    Spec("/in/<token>", "POST", everyone(302)),
    # Her own account: office users only (members have "My data").
    Spec("/account/", "GET", {**everyone(200), "anon": LOGIN, "member": 404, "other_member": 404}),
    Spec("/account/password", "POST", {**everyone(400), "anon": LOGIN, "member": 404, "other_member": 404},
         mutates=False),
    # The second step of a login: without a login waiting for its code, back to the login page.
    # A lost card: the same answer for anyone, whoever's number it is (tests/test_lost_card.py).
    Spec("/login/lost-card", "GET", everyone(200)),
    Spec("/login/lost-card", "POST", everyone(302), data=lambda w: {"phone": "070-123 45 67"}),
    Spec("/login/code", "GET", everyone(LOGIN)),
    Spec("/login/code", "POST", everyone(LOGIN), mutates=False, data=lambda w: {"code": "123456"}),
    Spec("/account/two-factor", "GET", {**everyone(200), "anon": LOGIN, "member": 404, "other_member": 404}),
    Spec("/account/two-factor", "POST", {**everyone(400), "anon": LOGIN, "member": 404, "other_member": 404},
         mutates=False),
    Spec("/account/two-factor/codes", "POST", {**everyone(400), "anon": LOGIN, "member": 404, "other_member": 404},
         mutates=False),
    Spec("/account/two-factor/off", "POST", {**everyone(302), "anon": LOGIN, "member": 404, "other_member": 404},
         mutates=False),
    Spec("/account/sessions/<int:session_id>/end", "POST", {**everyone(404), "anon": LOGIN}, mutates=False,
         args={"session_id": lambda w: 2_000_000_000}),
    Spec("/password/<token>", "GET", everyone(200), args={"token": lambda w: w.password_token}),
    Spec("/password/<token>", "POST", everyone(302), args={"token": lambda w: w.password_token},
         data=lambda w: {"password": PASSWORD, "confirm": PASSWORD}),
    # member pages
    Spec("/me", "GET", {**everyone(302, anon=LOGIN), "member": 200, "other_member": 200}),
    Spec("/p/<int:proposal_id>", "GET", PORTAL_VIEW),
    Spec("/p/<int:proposal_id>/results", "GET", PORTAL_VIEW),
    Spec("/p/<int:proposal_id>/vote", "POST", PORTAL_VOTE, data=lambda w: {"choice": "agree"}),
    # a priority poll: its page, and her + and - (only members give dots)
    Spec("/me/priorities/<int:poll_id>", "GET", PORTAL_VIEW),
    Spec("/me/priorities/<int:poll_id>/dots", "POST", PORTAL_VOTE,
         data=lambda w: {"option": str(w.poll.options[0].id), "step": "add"}),
    Spec("/me/meetings/<int:meeting_id>.ics", "GET",
         {**PORTAL_VIEW, "steering": 404}),
    # Her answer to a coming meeting: the group's staff see the page, only members answer.
    Spec("/me/meetings/<int:meeting_id>", "GET", {**PORTAL_VIEW, "steering": 404}),
    Spec("/me/meetings/<int:meeting_id>", "POST", {**PORTAL_VOTE, "steering": 404},
         data=lambda w: {"answer": "coming"}),
    # A date poll of A: its members answer for each date; its staff see the page but do not answer.
    Spec("/me/date-polls/<int:poll_id>", "GET", {**PORTAL_VIEW, "steering": 404}, args=DATE_POLL),
    Spec("/me/date-polls/<int:poll_id>", "POST", {**PORTAL_VOTE, "steering": 404}, args=DATE_POLL,
         data=_date_answers),
    # "How was the meeting?": the world's meeting has not been yet, so members are told to wait (409).
    Spec("/me/meetings/<int:meeting_id>/evaluation", "GET", {**PORTAL_VIEW, "steering": 404}),
    Spec("/me/meetings/<int:meeting_id>/evaluation", "POST",
         {**PORTAL_VOTE, "member": 409, "steering": 404}, data=lambda w: {"answer": "good"}, mutates=False),
    # "I don't understand": members of the group press; the group's office roles are refused.
    Spec("/me/understand/<any(proposal, decision, agenda_item):kind>/<int:text_id>", "POST",
         {**PORTAL_VOTE, "steering": 403}, args={"kind": lambda w: "proposal", "text_id": lambda w: w.p_voting.id}),
    # The live meeting: members of the program and its staff follow it.
    Spec("/join", "GET", everyone(200, anon=LOGIN)),
    Spec("/join", "POST", everyone(404, anon=LOGIN), mutates=False, data=lambda w: {"code": "QQQQQQ"}),
    Spec("/live/<int:meeting_id>", "GET", {**PORTAL_VIEW, "steering": 404}),
    Spec("/live/<int:meeting_id>/now", "GET", {**PORTAL_VIEW, "steering": 404}),
    # "I am here" is for members of the group, while the meeting runs (the world's has not started).
    Spec("/live/<int:meeting_id>/here", "POST", {**PORTAL_VIEW, "member": 409, "staff": 403, "steering": 404,
                                                 "prog_admin": 403, "admin": 403}, mutates=False),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/live", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/evaluations/<int:answer_id>/voice", "GET",
         staff_only(404), args={"answer_id": lambda w: 1}),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/projector", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/projector/now", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/live/<any(start, next, prev, open, close, reveal, end, code):action>",
         "POST", staff_only(302)),
    # The calendar feed's key is its login: the same answer whoever's browser asks.
    Spec("/calendar/<int:user_id>/<token>.ics", "GET", everyone(200), args={"token": _feed_token}),
    # staff and steering
    Spec("/staff/<int:program_id>/", "GET", staff_or_steering(200)),
    Spec("/staff/<int:program_id>/members/", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/members/new", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/members/new", "POST", staff_only(200),
         data=lambda w: {"name": "Nadia New", "preferred_language": "sv"}),
    Spec("/staff/<int:program_id>/members/<int:user_id>/edit", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/members/<int:user_id>/edit", "POST", staff_only(302),
         data=lambda w: {"name": "Tove T", "preferred_language": "en"}),
    Spec("/staff/<int:program_id>/members/<int:user_id>/card", "POST", staff_only(200)),
    Spec("/staff/<int:program_id>/members/cards", "POST", staff_only(200)),
    Spec("/staff/<int:program_id>/members/<int:user_id>/send-link", "POST", staff_only(302)),
    Spec("/staff/<int:program_id>/members/<int:user_id>/revoke", "POST", staff_only(302)),
    Spec("/staff/<int:program_id>/members/<int:user_id>/leave", "POST", staff_only(302)),
    Spec("/staff/<int:program_id>/members/<int:user_id>/come-back", "POST", staff_only(302),
         args={"user_id": _leaver}),
    Spec("/staff/<int:program_id>/meetings/", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/date-polls/", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/date-polls/new", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/date-polls/new", "POST", staff_only(302), data=lambda w: DATE_POLL_FORM),
    Spec("/staff/<int:program_id>/date-polls/<int:poll_id>", "GET", staff_only(200), args=DATE_POLL),
    Spec("/staff/<int:program_id>/date-polls/<int:poll_id>/close", "POST", staff_only(302), args=DATE_POLL),
    Spec("/staff/<int:program_id>/date-polls/<int:poll_id>/options", "POST", staff_only(302), args=DATE_POLL,
         data=lambda w: {"option-0-day": "2030-03-06", "option-0-start": "17:30"}),
    Spec("/staff/<int:program_id>/date-polls/<int:poll_id>/options/<int:option_id>/delete", "POST",
         staff_only(302), args=DATE_OPTION),
    Spec("/staff/<int:program_id>/date-polls/<int:poll_id>/options/<int:option_id>/meeting", "POST",
         staff_only(302), args=DATE_OPTION),
    Spec("/staff/<int:program_id>/meetings/new", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/meetings/new", "POST", staff_only(302), data=lambda w: MEETING_FORM),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/edit", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/edit", "POST", staff_only(302),
         data=lambda w: MEETING_FORM),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/agenda", "POST", staff_only(302),
         data=lambda w: {"proposal_id": str(w.p_draft.id)}),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/agenda/<int:item_id>/remove", "POST", staff_only(302)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/agenda/topic", "POST", staff_only(302),
         data=lambda w: {"t-topic_id": str(_topic_id(w))}),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/agenda/free", "POST", staff_only(302),
         data=lambda w: {"f-title": "Coffee and introductions"}),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/agenda/<int:item_id>/move/<any(up, down):direction>",
         "POST", staff_only(302)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/log", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/log/summary", "POST", staff_only(302),
         data=lambda w: {"s-summary": "We met.", "s-member_summary": "Vi träffades."}),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/log/attendance", "POST", staff_only(302),
         data=lambda w: {"a-guests": "2", "present": str(w.users["member"].id)}),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/log/actions", "POST", staff_only(302),
         data=lambda w: {"x-title": "Book a room", "x-owner": "Sara", "x-due_on": "2030-01-01"}),
    Spec("/staff/<int:program_id>/meetings/actions", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/log/notes", "POST", staff_only(302),
         data=lambda w: {f"notes-{w.item.id}": "We talked about Saturdays."}),
    # The world's agenda proposal is not voted yet: staff get the clear refusal (409), others 403.
    Spec("/staff/<int:program_id>/meetings/<int:meeting_id>/log/recommend/<int:proposal_id>", "POST",
         staff_only(409), args={"proposal_id": lambda w: w.p_agenda.id}, data=lambda w: {"recommendation": "Yes"}),
    Spec("/staff/<int:program_id>/meetings/actions/<int:action_id>/<any(open, done, dropped):status>", "POST",
         staff_only(302)),
    Spec("/staff/<int:program_id>/proposals/", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/proposals/new", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/proposals/new", "POST", staff_only(302), data=lambda w: PROPOSAL_FORM),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/edit", "GET", staff_only(200), args=DRAFT),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/edit", "POST", staff_only(302), args=DRAFT,
         data=lambda w: PROPOSAL_FORM),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/translations/<lang_code>", "POST", staff_only(302),
         data=lambda w: {"en-title": "Open question", "en-summary": "In English."}),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/open", "POST", staff_only(302), args=DRAFT),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/close", "POST", staff_only(302)),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/remind", "POST", staff_only(302)),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/by-hand/member", "POST", staff_only(302),
         data=lambda w: {"member_id": str(w.users["member"].id), "choice": "agree"}),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/by-hand/counts", "POST", staff_only(302),
         data=lambda w: {"count-agree": "2", "count-unsure": "0", "count-disagree": "1"}),
    # priority polls
    Spec(PRIORITIES + "/", "GET", staff_only(200)),
    Spec(PRIORITIES + "/new", "GET", staff_only(200)),
    Spec(PRIORITIES + "/new", "POST", staff_only(302), data=lambda w: POLL_FORM),
    Spec(PRIORITIES + "/<int:poll_id>", "GET", staff_only(200)),
    Spec(PRIORITIES + "/<int:poll_id>/edit", "GET", staff_only(200), args=POLL_DRAFT),
    Spec(PRIORITIES + "/<int:poll_id>/edit", "POST", staff_only(302), args=POLL_DRAFT, data=lambda w: POLL_FORM),
    Spec(PRIORITIES + "/<int:poll_id>/options", "POST", staff_only(302), args=POLL_DRAFT,
         data=lambda w: {"proposal_id": "0", "title": "Fika", "summary": "Kaffe.", "icon": "heart"}),
    Spec(PRIORITIES + "/<int:poll_id>/options/<int:option_id>/delete", "POST", staff_only(302), args=POLL_DRAFT),
    Spec(PRIORITIES + "/<int:poll_id>/options/<int:option_id>/photo", "POST", staff_only(302), args=POLL_DRAFT,
         data=_photo_form),
    Spec(PRIORITIES + "/<int:poll_id>/options/<int:option_id>/photo/remove", "POST", staff_only(302),
         args=POLL_DRAFT),
    Spec(PRIORITIES + "/<int:poll_id>/translations/<lang_code>", "POST", staff_only(302),
         data=lambda w: {"poll-en-title": "What first?", "poll-en-summary": "Give your dots."}),
    Spec(PRIORITIES + "/<int:poll_id>/options/<int:option_id>/translations/<lang_code>", "POST", staff_only(302),
         data=lambda w: {f"o{w.poll.options[-1].id}-en-title": "Trips"}),
    Spec(PRIORITIES + "/<int:poll_id>/agenda", "POST", staff_only(302),
         data=lambda w: {"meeting_id": str(w.meeting.id)}),
    Spec(PRIORITIES + "/<int:poll_id>/open", "POST", staff_only(302), args=POLL_DRAFT),
    Spec(PRIORITIES + "/<int:poll_id>/close", "POST", staff_only(302)),
    # recordings of a proposal (an empty upload: staff get the page back with the reason)
    Spec("/staff/<int:program_id>/recordings/<any(proposal, decision, change, meeting):kind>/<int:subject_id>/<lang_code>", "POST",
         staff_only(303), args=RECORDING_OF_PROPOSAL),
    Spec("/staff/<int:program_id>/recordings/<any(proposal, decision, change, meeting):kind>/<int:subject_id>/<lang_code>/delete", "POST",
         staff_only(303), args=RECORDING_OF_PROPOSAL),
    Spec("/recordings/<int:recording_id>", "GET", PORTAL_VIEW, args={"recording_id": lambda w: _recording(w)}),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/photo", "POST", staff_only(302), data=_photo_form),
    Spec("/staff/<int:program_id>/proposals/<int:proposal_id>/photo/remove", "POST", staff_only(302),
         args={"proposal_id": lambda w: _photo(w).proposal_id}),
    Spec("/photos/<int:photo_id>/<version>/<int:width>.webp", "GET", PORTAL_VIEW, args=PHOTO),
    # feedback threads
    Spec("/talk", "GET", {**everyone(200, anon=LOGIN), "admin": 302}),
    Spec("/talk/<any(topic, proposal, meeting):kind>/<int:subject_id>", "GET", TALK_READ),
    Spec("/talk/<any(topic, proposal, meeting):kind>/<int:subject_id>", "POST", TALK_WRITE, data=lambda w: POST_TEXT),
    Spec("/talk/t/<int:thread_id>", "GET", TALK_READ),
    Spec("/talk/t/<int:thread_id>", "POST", TALK_WRITE, data=lambda w: POST_TEXT),
    Spec("/talk/t/<int:thread_id>/proposal", "POST", {**TALK_STAFF},
         data=lambda w: {"post_ids": str(w.post.id)}),
    Spec("/talk/posts/<int:post_id>/agree", "POST", TALK_MEMBER),
    Spec("/talk/posts/<int:post_id>/report", "POST", TALK_MEMBER),
    Spec("/talk/posts/<int:post_id>/edit", "GET", OWN_EDIT, args=OWN_POST),
    Spec("/talk/posts/<int:post_id>/edit", "POST", {**OWN_EDIT, "member": 302}, args=OWN_POST,
         data=lambda w: {"body": "Yes, Saturdays are best."}),
    Spec("/talk/posts/<int:post_id>/delete", "POST", {**OWN_EDIT, "member": 302}, args=OWN_POST),
    Spec("/talk/posts/<int:post_id>/voice", "GET", TALK_READ),
    Spec("/talk/posts/<int:post_id>/hide", "POST", TALK_STAFF, data=lambda w: {"reason": "Off topic."}),
    Spec("/talk/posts/<int:post_id>/show", "POST", TALK_STAFF),
    Spec("/talk/posts/<int:post_id>/official", "POST", TALK_STAFF, args={"post_id": lambda w: w.staff_post.id},
         data=lambda w: {"official": "1"}),
    Spec("/talk/posts/<int:post_id>/transcript", "POST", TALK_STAFF, data=lambda w: {"transcript": "Saturdays?"}),
    Spec("/staff/<int:program_id>/feedback", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/messages/", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/messages/test", "POST", staff_only(302)),
    # Her settings: anyone logged in chooses her own; an invalid choice is a 400 that changes nothing.
    Spec("/me/messages", "GET", everyone(200, anon=LOGIN)),
    Spec("/me/messages", "POST", everyone(302, anon=LOGIN), data=lambda w: {"channel": "none", "kinds": ["vote"]}),
    # A stop link works for whoever holds it, logged in or not: it stops that one kind and nothing else.
    Spec("/stop/<token>", "GET", everyone(200), args={"token": _stop_token}),
    Spec("/stop/<token>", "POST", everyone(200), args={"token": _stop_token}),
    Spec("/staff/<int:program_id>/topics/", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/topics/", "POST", staff_only(302), data=lambda w: {"name": "Språk", "icon": "globe"}),
    Spec("/staff/<int:program_id>/topics/<int:topic_id>/edit", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/topics/<int:topic_id>/edit", "POST", staff_only(302),
         data=lambda w: {"name": "Mina mål", "icon": "star"}),
    Spec("/staff/<int:program_id>/topics/<int:topic_id>/move/<any(up, down):direction>", "POST", staff_only(302)),
    Spec("/me/news", "GET", everyone(200, anon=LOGIN)),
    Spec("/staff/<int:program_id>/readability", "POST", staff_or_steering(200), mutates=False,
         data=lambda w: {"lix_field": "summary", "lix_target": "summary-lix", "summary": "Vi ses på lördag."}),
    # steering review, program changes, what happened with our ideas
    Spec("/staff/<int:program_id>/review/", "GET", staff_or_steering(200)),
    Spec("/staff/<int:program_id>/review/<int:proposal_id>", "GET", staff_or_steering(200)),
    Spec("/staff/<int:program_id>/review/<int:proposal_id>", "POST", {**staff_or_steering(302), "staff": 403},
         args={"proposal_id": lambda w: w.p_voted.id},
         data=lambda w: {"outcome": "accepted", "reason": "Ja. Vi gör det."}),
    Spec("/staff/<int:program_id>/review/<int:proposal_id>/reopen", "POST", {**staff_or_steering(302), "staff": 403},
         args={"proposal_id": lambda w: w.p_decided.id}, data=lambda w: {"note": "New facts."}),
    Spec("/staff/<int:program_id>/changes/", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/changes/new", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/changes/new", "POST", staff_only(302), data=lambda w: CHANGE_FORM),
    Spec("/staff/<int:program_id>/changes/<int:change_id>/edit", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/changes/<int:change_id>/edit", "POST", staff_only(302), data=lambda w: CHANGE_FORM),
    Spec("/changes/<int:change_id>/follow-up", "POST", {**everyone(404, anon=LOGIN), "member": 302},
         data=lambda w: {"answer": "yes", "reason": "Bra."}),
    Spec("/me/ideas", "GET", {**everyone(404, anon=LOGIN), "member": 200, "other_member": 200}),
    Spec("/public/<slug>", "GET", everyone(200)),
    Spec("/public/<slug>/feed.atom", "GET", everyone(200)),
    Spec("/staff/<int:program_id>/public", "POST", staff_only(302), data=lambda w: {"public": "0"}),
    Spec("/admin/audit", "GET", admin_only(200)),
    Spec("/admin/security", "GET", admin_only(200)),
    # dashboards
    Spec("/staff/<int:program_id>/dashboard", "GET", staff_or_steering(200)),
    Spec("/staff/<int:program_id>/dashboard/<key>.<fmt>", "GET", staff_or_steering(200),
         args={"key": lambda w: "loop", "fmt": lambda w: "csv"}),
    Spec("/staff/<int:program_id>/report", "GET", staff_or_steering(200)),
    # the web app on the home screen: the same for everyone, no personal data
    Spec("/manifest.webmanifest", "GET", everyone(200)),
    Spec("/sw.js", "GET", everyone(200)),
    Spec("/offline", "GET", everyone(200)),
    # her own data, and her yes to what is kept
    Spec("/me/welcome", "GET", everyone(200, anon=LOGIN)),
    Spec("/me/welcome", "POST", everyone(302, anon=LOGIN), data=lambda w: {"agree": "yes"}),
    Spec("/me/data", "GET", everyone(200, anon=LOGIN)),
    Spec("/me/data.json", "GET", everyone(200, anon=LOGIN)),
    # her certificate: only a member of a group has one (staff print it for her)
    Spec("/me/certificate.pdf", "GET", {**everyone(404, anon=LOGIN), "member": 200, "other_member": 200}),
    Spec("/goodbye", "GET", everyone(200)),
    # her phone says yes (or no more) to push messages: JSON from app.js, so a form is a 400
    # (tests/test_push.py sends the real thing)
    Spec("/me/push/subscribe", "POST", everyone(400, anon=LOGIN), data=lambda w: {"endpoint": "x"}, mutates=False),
    Spec("/me/push/unsubscribe", "POST", everyone(400, anon=LOGIN), data=lambda w: {"endpoint": "x"},
         mutates=False),
    Spec("/me/data/erase", "POST", {**everyone(403, anon=LOGIN), "member": 302, "other_member": 302},
         data=lambda w: {"confirm": "yes"}),
    Spec("/staff/<int:program_id>/members/<int:user_id>/sessions/<int:session_id>/end", "POST", staff_only(302),
         args={"session_id": lambda w: _member_session(w)}),
    Spec("/staff/<int:program_id>/members/<int:user_id>/data.json", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/members/<int:user_id>/certificate.pdf", "GET", staff_only(200)),
    Spec("/staff/<int:program_id>/members/<int:user_id>/erase", "POST", staff_only(302),
         data=lambda w: {"confirm": "yes"}),
    # site admin
    Spec("/admin/programs", "GET", admin_only(200)),
    Spec("/admin/programs/new", "GET", admin_only(200)),
    Spec("/admin/programs/new", "POST", admin_only(302), data=lambda w: {"name": "Gamma", "slug": "gamma", **KEEP_DAYS}),
    Spec("/admin/programs/<int:program_id>/edit", "GET", admin_only(200)),
    Spec("/admin/programs/<int:program_id>/edit", "POST", admin_only(302),
         data=lambda w: {"name": "Alpha renamed", "slug": w.prog.slug, **KEEP_DAYS}),
    Spec("/admin/users", "GET", admin_only(200)),
    Spec("/admin/users/new", "GET", admin_only(200)),
    Spec("/admin/users/new", "POST", admin_only(302),
         data=lambda w: {"name": "Nils New", "email": "nils@example.org", f"roles-{w.prog.id}": "staff"}),
    Spec("/admin/users/<int:user_id>/edit", "GET", admin_only(200), args=OFFICE_USER),
    Spec("/admin/users/<int:user_id>/edit", "POST", admin_only(302), args=OFFICE_USER,
         data=lambda w: {"name": "Sara S", "email": w.users["staff"].email, "active": "y",
                         f"roles-{w.prog.id}": "staff"}),
    Spec("/admin/users/<int:user_id>/password-link", "POST", admin_only(200), args=OFFICE_USER),
]

SPEC_BY_ID = {s.id: s for s in SPECS}
assert len(SPEC_BY_ID) == len(SPECS), "a route is listed twice"


def url_for_spec(spec: Spec, w: World) -> str:
    # Only the rule's own placeholders: each argument reads a record of the world, which costs a
    # query once the test client has expired it.
    args = {**DEFAULT_ARGS, **spec.args}
    return fill(spec.rule, {name: args[name](w) for name in set(PLACEHOLDER.findall(spec.rule))})


def request(client, spec: Spec, url: str, data: dict | None = None):
    if spec.method == "GET":
        return client.get(url)
    return client.post(url, data=data or {})


def _check(spec: Spec, role: str, resp, expect: dict[str, Any]) -> str | None:
    expected = expect[role]
    if expected == LOGIN:
        if not is_login_redirect(resp):
            return f"{role}: expected a redirect to the login page, got {resp.status_code} {resp.headers.get('Location')}"
        return None
    if resp.status_code != expected:
        return f"{role}: expected {expected}, got {resp.status_code}"
    if expected == 302 and spec.rule != "/logout" and is_login_redirect(resp):
        return f"{role}: expected 302 elsewhere, got a redirect to the login page"
    return None


def check_roles(app, login, spec: Spec, roles: list[str], expect: dict[str, Any],
                new_world: Callable[[], World]) -> list[str]:
    """These roles (keys of World.users, or "anon") on one route, against `expect`; the problems
    found. Refused requests must leave the database exactly as it was, so they share one set of
    data; every allowed POST gets fresh data of its own (new_world, on an empty database)."""
    w = new_world()
    refused = [r for r in roles if expect[r] in (LOGIN, 403, 404)]
    allowed = [r for r in roles if r not in refused]
    problems = []
    url_for_spec(spec, w)  # an argument may first make what the route needs: before the snapshot
    before = snapshot() if refused else None
    for role in refused + allowed:
        if spec.method == "POST" and spec.mutates and role in allowed and role != allowed[0]:
            reset_database()
            w = new_world()
        client = new_client(app)
        if role != "anon":
            login(w.users[role], client)
        resp = request(client, spec, url_for_spec(spec, w), spec.data(w))
        problem = _check(spec, role, resp, expect)
        if problem is None and role in refused and snapshot() != before:
            problem = f"{role}: the refused request changed the database"
        if problem:
            problems.append(problem)
    return problems
