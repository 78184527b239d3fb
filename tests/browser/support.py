"""Helpers for the browser tests: seeding through the app's own services, reading the
database, the app's own wording, axe-core, and the 44 px touch-target rule."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import Locator, Page, expect

from feedback.auth.models import User
from feedback.auth.services import issue_member_link, revoke_member_links
from feedback.common.clock import local_now
from feedback.demo import DEMO_PASSWORD, DEMO_SLUG
from feedback.extensions import db
from feedback.meetings.models import Meeting
from feedback.members.services import add_member
from feedback.programs.models import Program
from feedback.proposals import services as proposals
from feedback.proposals.models import Proposal
from feedback.votes import services as votes
from feedback.votes.models import Vote

_seq = itertools.count(1)

# The phone's voices, as a test can set them: Swedish and Arabic, nothing for Somali.
FAKE_VOICES = """
(() => {
  const voices = [{lang: "sv-SE", name: "Alva"}, {lang: "ar-SA", name: "Maged"}];
  window.__spoken = [];
  Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
    speaking: false, getVoices: () => voices, cancel() {}, addEventListener() {},
    speak(u) { window.__spoken.push({lang: u.lang, text: u.text}); },
  }});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""

STAFF_EMAIL = "staff@demo.example"  # demo users, see feedback/demo/
ADMIN_EMAIL = "admin@demo.example"
STEERING_EMAIL = "steering@demo.example"


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    language: str
    link: str  # the path of her personal link, /in/<token>


@dataclass(frozen=True)
class OwnProgram:
    """A program of a test's own, with its own office users (they log in with the demo password)
    and a closed loop: members who voted and wrote, a decision, and a change linked to both."""

    id: int
    name: str
    slug: str
    staff_email: str
    steering_email: str
    names: tuple[str, ...]  # every person's name: none may show on the public page
    proposal_title: str
    decision_id: int
    decision_reason: str
    change_id: int
    change_title: str
    change_description: str


class Live:
    """The running app: its address, and set-up and checks done in its own app context."""

    def __init__(self, app: Flask, url: str) -> None:
        self.app = app
        self.url = url
        with self.ctx():
            self.program_id = db.session.scalar(sa.select(Program.id).where(Program.slug == DEMO_SLUG))

    @contextmanager
    def ctx(self) -> Iterator[None]:
        with self.app.app_context():
            try:
                yield
                db.session.commit()  # the seeding is the caller here: services only flush
            finally:
                db.session.remove()

    # --- seeding -------------------------------------------------------------------

    def member(self, language: str = "sv", name: str | None = None) -> Member:
        """A new member of the demo program with a fresh personal link."""
        n = next(_seq)
        with self.ctx():
            user = add_member(self.program_id, name or f"Testmedlem {n:04d}", language)
            token = issue_member_link(user, None)
            return Member(user.id, user.name, language, f"/in/{token}")

    def revoke(self, member: Member) -> None:
        with self.ctx():
            revoke_member_links(db.session.get(User, member.id))
            db.session.commit()

    def proposal(
        self,
        status: str = "voting",
        translations: dict[str, tuple[str, str]] | None = None,
        votes_cast: tuple[str, ...] = (),
        **fields,
    ) -> int:
        """A new proposal in the demo program: draft, voting, or voted (closed, with results).
        votes_cast: choices cast by new members before it closes."""
        n = next(_seq)
        fields = {"title": f"Förslag {n}: fika på träffarna", "summary": "Vi dricker kaffe tillsammans.",
                  "icon": "idea", **fields}
        with self.ctx():
            p = proposals.create_proposal(self.program_id, None, **fields)
            for lang, (title, summary) in (translations or {}).items():
                proposals.set_translation(p, lang, title, summary, None)
            if status in ("voting", "voted"):
                proposals.open_voting(p, None)
            for choice in votes_cast:
                user = add_member(self.program_id, f"Röstare {next(_seq):04d}", "sv")
                votes.cast_vote(p, user, choice, None)
            if status == "voted":
                proposals.close_voting(p, None)
            return p.id

    def priority_poll(self, status: str = "open", options: int = 3, dots_per_member: int = 3,
                      max_per_option: int = 2, **fields) -> tuple[int, list[int]]:
        """A new priority poll of the demo program (draft, open or closed), its first option
        from a proposal, the others of their own with Arabic translations; (id, option ids)."""
        from feedback.priorities import services as priorities

        n = next(_seq)
        proposal_id = self.proposal(title=f"Förslag {n}: en mentor till var och en")
        with self.ctx():
            poll = priorities.create_poll(self.program_id, None, title=f"Prioritering {n}: vad är viktigast?",
                                          summary="Ge dina prickar till det som är viktigast.",
                                          dots_per_member=dots_per_member, max_per_option=max_per_option,
                                          proposal_ids=(proposal_id,), **fields)
            for i, (icon, title) in enumerate([("bus", "Besök på ett företag"), ("book", "Kurs i svenska"),
                                               ("child", "Barnpassning")][:options - 1]):
                option = priorities.add_option(poll, icon=icon, title=title, summary=f"Kort text {i + 1}.")
                priorities.set_translation(option, "ar", f"فكرة {i + 1}", "نص قصير.")
            if status in ("open", "closed"):
                priorities.open_poll(poll, None)
            if status == "closed":
                priorities.close_poll(poll, None)
            return poll.id, [o.id for o in poll.options]

    def give_dot(self, poll_id: int, member: Member, option_id: int) -> None:
        from feedback.priorities import services as priorities
        from feedback.priorities.models import PriorityPoll

        with self.ctx():
            priorities.add_dot(db.session.get(PriorityPoll, poll_id), db.session.get(User, member.id), option_id)

    def close_poll(self, poll_id: int) -> int:
        from feedback.priorities import services as priorities
        from feedback.priorities.models import PriorityPoll

        with self.ctx():
            return priorities.close_poll(db.session.get(PriorityPoll, poll_id), None).id

    def dots_of(self, poll_id: int, member: Member) -> dict[int, int]:
        """Her dots on each option, as stored."""
        from feedback.priorities import services as priorities
        from feedback.priorities.models import PriorityPoll

        with self.ctx():
            return priorities.my_dots(db.session.get(PriorityPoll, poll_id), db.session.get(User, member.id)).on

    def meeting(self, proposal_id: int) -> int:
        """A new planned meeting of the demo program with this proposal on its agenda."""
        from datetime import timedelta

        from feedback.meetings.services import add_to_agenda, create_meeting

        with self.ctx():
            m = create_meeting(self.program_id, f"Live {next(_seq)}", local_now() + timedelta(hours=1))
            add_to_agenda(m, db.session.get(Proposal, proposal_id), None)
            return m.id

    def run(self, meeting_id: int, action: str, *args) -> None:
        """Drive the live meeting as staff would (live.start, live.open_voting, ...)."""
        from feedback.meetings import live

        with self.ctx():
            getattr(live, action)(db.session.get(Meeting, meeting_id), *args)

    def record_by_hand(self, proposal_id: int, member: Member, choice: str) -> None:
        from feedback.votes import by_hand

        with self.ctx():
            by_hand.record_for_member(db.session.get(Proposal, proposal_id), db.session.get(User, member.id), choice)

    # --- feedback threads ----------------------------------------------------------

    def topic(self, name: str | None = None, icon: str = "chat") -> int:
        """A new open topic in the demo program (its own, so a test's threads are easy to find)."""
        from feedback.topics.services import add_topic

        with self.ctx():
            return add_topic(self.program_id, name or f"Testämne {next(_seq):04d}", icon).id

    def topic_id(self) -> int:
        """The demo program's first open topic."""
        from feedback.topics.models import Topic

        with self.ctx():
            return db.session.scalar(
                sa.select(Topic.id)
                .where(Topic.program_id == self.program_id, Topic.archived.is_(False))
                .order_by(Topic.position, Topic.id)
                .limit(1)
            )

    def _writer(self, who: Member | int | None) -> User:
        """A member (Member), a user id, or None for the demo staff user."""
        if who is None:
            return db.session.scalar(sa.select(User).where(User.email == STAFF_EMAIL))
        return db.session.get(User, who.id if isinstance(who, Member) else who)

    def thread(self, member: Member, text: str | None = None, topic_id: int | None = None,
               voice: bytes | None = None, anonymous: bool = False) -> tuple[int, int]:
        """A new conversation on a topic, opened by this member: (thread id, first post id)."""
        from feedback.threads import services as threads
        from feedback.topics.models import Topic

        with self.ctx():
            topic = db.session.get(Topic, topic_id or self.topic_id())
            t = threads.start_thread(self._writer(member), topic, text, voice, anonymous=anonymous)
            return t.id, t.posts[0].id

    def reply(self, who: Member | int | None, thread_id: int, text: str | None = None,
              voice: bytes | None = None, anonymous: bool = False, official: bool = False) -> int:
        """A reply by a member, or by the demo staff user when who is None: the post id."""
        from feedback.threads import services as threads
        from feedback.threads.models import Thread

        with self.ctx():
            post = threads.reply(self._writer(who), db.session.get(Thread, thread_id), text, voice,
                                 anonymous=anonymous, official=official)
            return post.id

    def staff_reply(self, thread_id: int, text: str, official: bool = True) -> int:
        return self.reply(None, thread_id, text, official=official)

    def staff_hide(self, post_id: int, reason: str) -> None:
        from feedback.threads import services as threads
        from feedback.threads.models import Post

        with self.ctx():
            threads.hide(self._writer(None), db.session.get(Post, post_id), reason)

    def staff_transcript(self, post_id: int, text: str) -> None:
        from feedback.threads import services as threads
        from feedback.threads.models import Post

        with self.ctx():
            threads.set_transcript(self._writer(None), db.session.get(Post, post_id), text)

    def report_post(self, member: Member, post_id: int) -> None:
        from feedback.threads import services as threads
        from feedback.threads.models import Post

        with self.ctx():
            threads.report(self._writer(member), db.session.get(Post, post_id))

    def agreements_on(self, post_id: int) -> list[int]:
        from feedback.threads.models import Agreement

        with self.ctx():
            return sorted(db.session.scalars(sa.select(Agreement.user_id).where(Agreement.post_id == post_id)))

    def reports_on(self, post_id: int) -> list[int]:
        from feedback.threads.models import Report

        with self.ctx():
            return sorted(db.session.scalars(sa.select(Report.user_id).where(Report.post_id == post_id)))

    def posts_in(self, thread_id: int) -> list[dict]:
        """The thread's posts as stored, oldest first."""
        from feedback.threads.models import Post

        with self.ctx():
            posts = db.session.scalars(sa.select(Post).where(Post.thread_id == thread_id).order_by(Post.id))
            return [
                {"id": p.id, "author_id": p.author_id, "author_role": p.author_role, "body": p.body,
                 "anonymous": p.anonymous, "official": p.official,
                 "voice": None if p.voice is None else (p.voice.mime, p.voice.size, p.voice.duration_ms)}
                for p in posts
            ]

    def thread_answered(self, thread_id: int) -> bool:
        from feedback.threads.models import Thread

        with self.ctx():
            return db.session.get(Thread, thread_id).answered_at is not None

    def member_elsewhere(self, language: str = "sv") -> Member:
        """A member of a new program of her own (not the demo program)."""
        from feedback.programs.services import create_program

        n = next(_seq)
        with self.ctx():
            program = create_program(f"Annat program {n}", f"annat-program-{n}-{id(self)}")
            user = add_member(program.id, f"Annan medlem {n:04d}", language)
            token = issue_member_link(user, None)
            return Member(user.id, user.name, language, f"/in/{token}")

    # --- decisions, program changes, follow-up ------------------------------------------

    def vote(self, proposal_id: int, member: Member, choice: str, reason: str | None = None) -> None:
        """Her vote, cast through the service (as if on her phone)."""
        with self.ctx():
            votes.cast_vote(db.session.get(Proposal, proposal_id), db.session.get(User, member.id), choice, reason)

    def close_voting(self, proposal_id: int) -> None:
        with self.ctx():
            proposals.close_voting(db.session.get(Proposal, proposal_id), None)

    def today(self):
        """The program's today (the app's own time zone), as the follow-up question uses it."""
        from feedback.changes.services import today

        with self.ctx():
            return today()

    def decide(self, proposal_id: int, outcome: str = "accepted", reason: str = "Ja. Vi gör det.",
               changes: str | None = None, postponed_until=None, translations: dict | None = None,
               by: str = STEERING_EMAIL) -> int:
        """The steering group's decision on a voted proposal, through the service: its id.
        translations: {lang: (reason, changes or None)}."""
        from feedback.decisions import services as decisions

        with self.ctx():
            user = db.session.scalar(sa.select(User).where(User.email == by))
            return decisions.decide(user, db.session.get(Proposal, proposal_id), outcome, reason, changes,
                                    postponed_until, translations).id

    def set_decided_at(self, decision_id: int, at) -> None:
        """Move a decision's time (naive UTC, as stored), e.g. to just before midnight UTC."""
        from feedback.decisions.models import Decision

        with self.ctx():
            db.session.get(Decision, decision_id).decided_at = at
            db.session.commit()

    def decision_on(self, proposal_id: int) -> dict | None:
        """The decision in force on the proposal, as stored."""
        from feedback.decisions.services import current_decision

        with self.ctx():
            d = current_decision(proposal_id)
            if d is None:
                return None
            return {"id": d.id, "outcome": d.outcome, "reason": d.reason, "changes": d.changes,
                    "decided_by_id": d.decided_by_id, "status": d.proposal.status,
                    "translations": {t.language: t.reason for t in d.translations}}

    def change(self, title: str | None = None, description: str = "Nu har vi fika på varje träff.",
               review_on=None, decision_ids: tuple[int, ...] = (), proposal_ids: tuple[int, ...] = (),
               post_ids: tuple[int, ...] = (), status: str = "in_progress", progress: int = 50,
               origin: str = "expert_group", program_id: int | None = None, by: str = STAFF_EMAIL) -> int:
        """A program change recorded by staff through the service: its id. review_on="today"
        opens the follow-up question today."""
        from feedback.changes import services as changes

        with self.ctx():
            if review_on == "today":
                review_on = changes.today()
            user = db.session.scalar(sa.select(User).where(User.email == by))
            return changes.create_change(user, program_id or self.program_id, changes.ChangeFields(
                title=title or f"Ändring {next(_seq):04d}: fika", description=description,
                changed_on=changes.today(), status=status, progress=progress, origin=origin,
                review_on=review_on, decision_ids=decision_ids, proposal_ids=proposal_ids, post_ids=post_ids,
            )).id

    def change_titled(self, title: str) -> dict | None:
        """The program change with this title, as stored, with what it links to."""
        from feedback.changes.models import ProgramChange

        with self.ctx():
            c = db.session.scalar(sa.select(ProgramChange).where(ProgramChange.title == title))
            if c is None:
                return None
            return {"id": c.id, "program_id": c.program_id, "description": c.description, "status": c.status,
                    "progress": c.progress, "origin": c.origin, "changed_on": c.changed_on,
                    "review_on": c.review_on, "decision_ids": [d.id for d in c.decisions],
                    "proposal_ids": [p.id for p in c.proposals], "post_ids": [p.id for p in c.posts]}

    def follow_up_answers(self, change_id: int) -> list[tuple[int, str, str | None]]:
        from feedback.changes.models import ChangeFeedback

        with self.ctx():
            rows = db.session.execute(
                sa.select(ChangeFeedback.user_id, ChangeFeedback.answer, ChangeFeedback.reason)
                .where(ChangeFeedback.change_id == change_id).order_by(ChangeFeedback.user_id)
            ).all()
            return [tuple(r) for r in rows]

    def answer_follow_up(self, member: Member, change_id: int, answer: str, reason: str | None = None) -> None:
        """Her answer to "Did this change help?", through the service."""
        from feedback.changes.models import ProgramChange
        from feedback.changes.services import answer_follow_up

        with self.ctx():
            answer_follow_up(db.session.get(User, member.id), db.session.get(ProgramChange, change_id), answer, reason)

    def set_public_page(self, program_id: int, on: bool) -> None:
        with self.ctx():
            db.session.get(Program, program_id).public_page = on
            db.session.commit()

    def public_page_on(self, program_id: int) -> bool:
        with self.ctx():
            return db.session.get(Program, program_id).public_page

    def program_slug(self, program_id: int | None = None) -> str:
        with self.ctx():
            return db.session.get(Program, program_id or self.program_id).slug

    def audit_entries(self, record_type: str, record_id: int | str) -> list[dict]:
        from feedback.audit.models import AuditEntry

        with self.ctx():
            rows = db.session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.record_type == record_type, AuditEntry.record_id == str(record_id))
                .order_by(AuditEntry.id)
            )
            return [{"id": e.id, "actor_id": e.actor_id, "actor_name": e.actor_name, "action": e.action,
                     "program_id": e.program_id, "changes": json.loads(e.changes) if e.changes else {}}
                    for e in rows]

    def add_audit_entry(self, at, actor_name: str, record_type: str, record_id: str) -> None:
        """An audit row at a chosen time (naive UTC, as the recorder stores it)."""
        from feedback.audit.models import AuditEntry

        with self.ctx():
            db.session.add(AuditEntry(at=at, actor_name=actor_name, program_id=self.program_id, action="update",
                                      record_type=record_type, record_id=record_id, changes=None))
            db.session.commit()

    def own_program(self) -> OwnProgram:
        """A new program with its own staff and steering users (demo password), two members who
        voted with a reason, a member's post that the change links to, a decision and a change.
        Its public page is off."""
        from feedback.auth.services import create_user
        from feedback.changes import services as changes
        from feedback.decisions import services as decisions
        from feedback.programs.models import Membership, Role
        from feedback.programs.services import create_program
        from feedback.threads import services as threads
        from feedback.topics.models import Topic

        n = next(_seq)
        tag = f"{n:04d}x{id(self) % 10_000:04d}"
        with self.ctx():
            program = create_program(f"Eget program {tag}", f"eget-program-{tag}", city="Uppsala")
            staff = create_user(f"Sara Samordnarsson {tag}", f"staff-{tag}@test.example", DEMO_PASSWORD)
            steering = create_user(f"Stina Styrelsedotter {tag}", f"steering-{tag}@test.example", DEMO_PASSWORD)
            db.session.add_all([Membership(user_id=staff.id, program_id=program.id, role=Role.STAFF),
                                Membership(user_id=steering.id, program_id=program.id, role=Role.STEERING)])
            db.session.commit()
            voters = [add_member(program.id, f"{first} {tag}", lang)
                      for first, lang in (("Warda Röstadottir", "sv"), ("Nadia Skribentsson", "ar"))]
            title = f"Kvällsträffar {tag}"
            p = proposals.create_proposal(program.id, staff.id, title=title,
                                          summary="Vi träffas på kvällen. Då kan fler komma.", icon="clock")
            proposals.open_voting(p, staff.id)
            votes.cast_vote(p, voters[0], "agree", "Jag jobbar på dagen.")
            votes.cast_vote(p, voters[1], "unsure", None)
            proposals.close_voting(p, staff.id)
            topic = db.session.scalar(sa.select(Topic).where(Topic.program_id == program.id).limit(1))
            thread = threads.start_thread(voters[1], topic, "Jag kan inte komma på dagen. Kan vi ses på kvällen?",
                                          None)
            post_id = thread.posts[0].id
            reason = "Ja. Vi provar kvällsträffar i vår. Många i gruppen ville det."
            decision = decisions.decide(steering, db.session.get(Proposal, p.id), "accepted", reason)
            change_title = f"Träffar klockan 18 {tag}"
            description = "Nu börjar varannan träff klockan 18. Det finns mat och barnpassning."
            change = changes.create_change(staff, program.id, changes.ChangeFields(
                title=change_title, description=description, changed_on=changes.today(), status="in_progress",
                progress=30, origin="expert_group", decision_ids=(decision.id,), post_ids=(post_id,)))
            return OwnProgram(
                id=program.id, name=program.name, slug=program.slug, staff_email=staff.email, steering_email=steering.email,
                names=(staff.name, steering.name, *(v.name for v in voters)), proposal_title=title,
                decision_id=decision.id, decision_reason=reason, change_id=change.id, change_title=change_title,
                change_description=description,
            )

    # --- reading -------------------------------------------------------------------

    def votes_on(self, proposal_id: int) -> list[tuple[int | None, str, str | None]]:
        with self.ctx():
            rows = db.session.execute(
                sa.select(Vote.user_id, Vote.choice, Vote.reason).where(Vote.proposal_id == proposal_id)
            ).all()
            return [tuple(r) for r in rows]

    def meeting_with_agenda(self) -> int:
        """The latest demo meeting that has something on its agenda."""
        with self.ctx():
            return db.session.scalar(
                sa.select(Meeting.id)
                .where(Meeting.program_id == self.program_id, Meeting.agenda.any())
                .order_by(Meeting.starts_at.desc())
                .limit(1)
            )

    def proposal_titled(self, title: str) -> int:
        with self.ctx():
            return db.session.scalar(
                sa.select(Proposal.id).where(Proposal.program_id == self.program_id, Proposal.title == title)
            )

    def user_by_email(self, email: str) -> int:
        with self.ctx():
            return db.session.scalar(sa.select(User.id).where(User.email == email))

    def member_with_phone(self, phone: str, language: str = "sv") -> Member:
        member = self.member(language)
        with self.ctx():
            db.session.get(User, member.id).phone = phone
        return member

    def message_choice(self, member: Member) -> tuple[str | None, set[str]]:
        """Her channel as stored, and the kinds of message she stopped."""
        from feedback.outbox.choice import stopped_kinds

        with self.ctx():
            return db.session.get(User, member.id).message_channel, stopped_kinds(member.id)

    def stop_link(self, user_id: int, kind: str) -> str:
        """The path of the stop link her messages of this kind carry."""
        from feedback.outbox.links import stop_token

        with self.ctx():
            return f"/stop/{stop_token(user_id, kind)}"

    def language_of(self, member: Member) -> str:
        with self.ctx():
            return db.session.get(User, member.id).preferred_language

    def t(self, lang: str, msgid: str, **kw) -> str:
        """The app's own wording in lang (so the tests follow the translation catalogs)."""
        with self.app.test_request_context(), force_locale(lang):
            return gettext(msgid, **kw)

    def nt(self, lang: str, singular: str, plural: str, num: int) -> str:
        """The app's own plural wording in lang, e.g. "%(num)s member agrees"."""
        with self.app.test_request_context(), force_locale(lang):
            return ngettext(singular, plural, num)


# --- axe-core ------------------------------------------------------------------------

AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def record_two_seconds(box: Locator) -> Locator:
    """Record about two seconds with the in-page recorder inside box (Chromium's fake microphone)
    and stop; the recorder, for more checks. Its file field is hidden: the recorder is there."""
    recorder = box.locator("[data-recorder]")
    expect(recorder).to_be_visible()
    expect(box.locator("[data-file-fallback]")).to_be_hidden()
    record = recorder.locator("button[data-record]")
    record.click()
    expect(recorder.locator("[data-time]")).to_contain_text("0:02 /", timeout=5_000)
    record.click()  # stop
    expect(recorder.locator("audio[data-preview]")).to_be_visible()
    return recorder


def axe_problems(page: Page, what: str) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now, one text block each."""
    page.evaluate(AXE.axe_script)
    # Only the violations come back: the whole result (passes and all) was 37 KB of JSON to send
    # and parse for each page, a tenth of the check (about 30 ms a page).
    violations = page.evaluate("(options) => axe.run(document, options).then((r) => r.violations)",
                               {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    problems = []
    for v in violations:
        if v["impact"] not in ("serious", "critical"):
            continue
        lines = [f"{what} ({page.url}): {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})"]
        for node in v["nodes"][:10]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {json.dumps(node['target'])}: {summary[:300]}")
        problems.append("\n".join(lines))
    return problems


def assert_accessible(page: Page, what: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    problems = axe_problems(page, what)
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


# --- our own 44 x 44 px touch-target rule for member pages ---------------------------

MIN_TARGET = 44

_SMALL_TARGETS_JS = """
(min) => {
  const sel = 'button, a[href], label.choice, select, summary';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('.inline-link, .visually-hidden, [hidden]')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    // Outside the page until focused (the skip link): checked separately when it has focus.
    const left = r.left + window.scrollX, top = r.top + window.scrollY;
    if (left + r.width <= 0 || top + r.height <= 0 || left >= document.documentElement.scrollWidth) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      out.push(`${el.outerHTML.slice(0, 120)} is ${r.width.toFixed(1)} x ${r.height.toFixed(1)} px`);
    }
  }
  return out;
}
"""


def assert_touch_targets(page: Page, what: str) -> None:
    # The page must also fit the phone: no sideways scrolling at 360 px.
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{what} ({page.url}) is {widths[0]} px wide on a {widths[1]} px screen"
    small = page.evaluate(_SMALL_TARGETS_JS, MIN_TARGET)
    assert not small, f"{what} ({page.url}): targets smaller than {MIN_TARGET} px:\n" + "\n".join(small)


