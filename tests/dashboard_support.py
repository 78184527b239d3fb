"""A small hand-made program whose dashboard numbers are known, written down in the tests.

Everything is inserted directly, with exact timestamps, so that each metric can be checked
against numbers worked out by hand (see the comments beside each row)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from feedback.auth.models import User
from feedback.changes.models import ChangeFeedback, ProgramChange, change_decisions, change_posts, change_proposals
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.meetings.models import ActionItem, AgendaItem, Attendance, Meeting
from feedback.programs.models import Membership, Program
from feedback.proposals.models import Proposal
from feedback.threads.models import Post, ProposalSource, Thread, VoiceNote
from feedback.topics.models import Topic
from feedback.understanding.models import MeetingEvaluation
from feedback.votes.models import Vote, VoterRoll
from feedback.votes.services import ballot_key

TODAY = date(2026, 6, 30)
MEMBER_NAMES = ("Amina", "Bahar", "Carmen", "Dalia", "Efua")


@dataclass
class Known:
    program: Program
    other: Program
    members: list[User]
    staff: User
    work: Topic
    practical: Topic
    proposals: dict[str, Proposal] = field(default_factory=dict)
    changes: dict[str, ProgramChange] = field(default_factory=dict)


JOINED = datetime(2025, 12, 1, 9)


def _user(name: str, program: Program, role: str = "member", language: str = "sv", active: bool = True) -> User:
    user = User(name=name, preferred_language=language, active=active,
                email=None if role == "member" else f"{name.lower()}-{program.slug}@example.org")
    db.session.add(user)
    db.session.flush()
    # In the group since before the first meeting of the known year (the dashboards count the
    # members there were at each meeting).
    db.session.add(Membership(user_id=user.id, program_id=program.id, role=role, created_at=JOINED))
    return user


def _thread(program, author, topic, at, answered=None, needs_answer=True) -> Thread:
    t = Thread(program_id=program.id, topic_id=topic.id if topic else None, created_at=at, last_post_at=at,
               needs_answer=needs_answer, answered_at=answered)
    db.session.add(t)
    db.session.flush()
    return t


def _post(thread, author, at, role="member", voice=False, deleted=False) -> Post:
    p = Post(thread_id=thread.id, author_id=author.id, author_role=role, body=None if voice else "Text",
             created_at=at, deleted_at=at if deleted else None)
    db.session.add(p)
    db.session.flush()
    if voice:
        db.session.add(VoiceNote(post_id=p.id, mime="audio/webm", size=3, duration_ms=1000, data=b"abc"))
    return p


def _proposal(program, title, created, topic=None, origin="staff", status="draft", closed=None, opened=None,
              anonymous=False) -> Proposal:
    p = Proposal(program_id=program.id, title=title, summary="Kort.", topic_id=topic.id if topic else None,
                 origin=origin, status=status, created_at=created, voting_opened_at=opened or closed,
                 voting_closed_at=closed, anonymous=anonymous)
    db.session.add(p)
    db.session.flush()
    return p


def _votes(p: Proposal, voters_choices: list[tuple[User, str]], at: datetime | None = None) -> None:
    for user, choice in voters_choices:
        if p.anonymous:
            db.session.add(VoterRoll(proposal_id=p.id, user_id=user.id))
            db.session.add(Vote(proposal_id=p.id, ballot_key=ballot_key(p.id, user.id), choice=choice))
        else:
            db.session.add(Vote(proposal_id=p.id, user_id=user.id, choice=choice, created_at=at, updated_at=at))


def _decide(p, outcome, at, replaced=None) -> Decision:
    d = Decision(program_id=p.program_id, proposal_id=p.id, outcome=outcome, reason="Skäl.", decided_at=at,
                 changes="Lite annorlunda." if outcome == "adapted" else None,
                 postponed_until=date(2026, 9, 1) if outcome == "postponed" else None, replaced_at=replaced)
    db.session.add(d)
    db.session.flush()
    return d


def _change(program, title, on, status, origin, topic=None, review_on=None) -> ProgramChange:
    c = ProgramChange(program_id=program.id, title=title, description="Nu är det så.", changed_on=on, status=status,
                      origin=origin, topic_id=topic.id if topic else None, review_on=review_on,
                      progress=100 if status == "done" else 50)
    db.session.add(c)
    db.session.flush()
    return c


def build_known() -> Known:
    program = Program(name="Known", slug="known")
    other = Program(name="Other", slug="other")
    db.session.add_all([program, other])
    db.session.flush()
    work = Topic(program_id=program.id, name="Work", position=1)
    practical = Topic(program_id=program.id, name="Practical", position=2)
    other_topic = Topic(program_id=other.id, name="Elsewhere")
    db.session.add_all([work, practical, other_topic])
    m1 = _user("Amina", program, language="sv")
    m2 = _user("Bahar", program, language="ar")
    m3 = _user("Carmen", program, language="ar")
    m4 = _user("Dalia", program, language="en")
    _user("Efua", program, language="so", active=False)  # has left: not counted
    staff = _user("Staff", program, role="staff")
    members = [m1, m2, m3, m4]
    k = Known(program, other, members, staff, work, practical)

    # Threads: A answered in 48 hours, B in 19 days, C waits (and is older than 14 days on TODAY).
    a = _thread(program, m1, work, datetime(2026, 1, 10, 10), answered=datetime(2026, 1, 12, 10))
    p1 = _post(a, m1, datetime(2026, 1, 10, 10))
    p2 = _post(a, m2, datetime(2026, 2, 5, 12), voice=True)
    _post(a, staff, datetime(2026, 1, 12, 10), role="staff")  # staff posts are not feedback posts
    b = _thread(program, m3, practical, datetime(2026, 3, 1, 9), answered=datetime(2026, 3, 20, 9))
    p3 = _post(b, m3, datetime(2026, 3, 1, 9))
    c = _thread(program, m4, work, datetime(2026, 6, 1, 8))
    _post(c, m4, datetime(2026, 6, 1, 8))
    _post(c, m4, datetime(2026, 6, 2, 8), deleted=True)  # taken back: not counted
    _thread(program, staff, work, datetime(2026, 2, 1), needs_answer=False)  # staff's question: waits for no one
    elsewhere = _thread(other, staff, other_topic, datetime(2026, 2, 1))
    _post(elsewhere, staff, datetime(2026, 2, 1), role="member")

    # Proposals of 2026. A1 from feedback, decided in 40 days, led to a change that is done.
    a1 = _proposal(program, "A1", datetime(2026, 1, 20), work, "member_feedback", "implemented",
                   closed=datetime(2026, 2, 10, 20), opened=datetime(2026, 2, 1))
    db.session.add(ProposalSource(proposal_id=a1.id, post_id=p1.id))
    _votes(a1, [(m1, "agree"), (m2, "agree"), (m3, "agree"), (m4, "disagree")], datetime(2026, 2, 5))
    d1 = _decide(a1, "accepted", datetime(2026, 2, 19, 10))
    # A2: anonymous, most said no, accepted all the same (not what the majority wanted).
    a2 = _proposal(program, "A2", datetime(2026, 2, 1), practical, status="decided",
                   closed=datetime(2026, 2, 10, 20), opened=datetime(2026, 2, 1), anonymous=True)
    _votes(a2, [(m1, "agree"), (m2, "disagree"), (m3, "disagree"), (m4, "disagree")])
    _decide(a2, "accepted", datetime(2026, 3, 1))
    # A3: from feedback p3; a tie; decided once, reopened, now postponed after 45 days.
    a3 = _proposal(program, "A3", datetime(2026, 3, 5), work, status="decided",
                   closed=datetime(2026, 5, 1, 20), opened=datetime(2026, 4, 1))
    db.session.add(ProposalSource(proposal_id=a3.id, post_id=p3.id))
    _votes(a3, [(m1, "agree"), (m2, "unsure"), (m3, "disagree")], datetime(2026, 4, 1))
    _decide(a3, "accepted", datetime(2026, 3, 20), replaced=datetime(2026, 4, 1))
    _decide(a3, "postponed", datetime(2026, 4, 15, 9))
    # A4: most said yes, accepted with changes; its change is in progress.
    a4 = _proposal(program, "A4", datetime(2026, 4, 1), practical, status="decided",
                   closed=datetime(2026, 5, 1, 20), opened=datetime(2026, 4, 20))
    _votes(a4, [(m1, "agree"), (m2, "agree"), (m4, "disagree")], datetime(2026, 4, 25))
    d4 = _decide(a4, "adapted", datetime(2026, 5, 10))
    # A5: no topic and no votes, accepted. A6: a draft. A8: voted, waiting for a decision.
    a5 = _proposal(program, "A5", datetime(2026, 5, 1), status="decided")
    _decide(a5, "accepted", datetime(2026, 5, 20))
    _proposal(program, "A6", datetime(2026, 6, 1))
    a8 = _proposal(program, "A8", datetime(2026, 6, 10), status="voted", closed=datetime(2026, 6, 20))
    # A0: last year, declined.
    a0 = _proposal(program, "A0", datetime(2025, 6, 1), work, status="decided", closed=datetime(2025, 6, 20))
    _votes(a0, [(m1, "agree")], datetime(2025, 6, 10))
    _decide(a0, "declined", datetime(2025, 7, 1))
    # The other program: one proposal.
    _proposal(other, "B1", datetime(2026, 3, 1))
    k.proposals.update(a0=a0, a1=a1, a2=a2, a3=a3, a4=a4, a5=a5, a8=a8)

    # Changes: two from the group in Q2 2026 (one done), one by staff in Q1, one from the funder in 2025.
    c1 = _change(program, "Childcare", date(2026, 4, 10), "done", "expert_group", work, review_on=date(2026, 5, 1))
    db.session.execute(change_proposals.insert().values(change_id=c1.id, proposal_id=a1.id))
    db.session.execute(change_decisions.insert().values(change_id=c1.id, decision_id=d1.id))
    db.session.execute(change_posts.insert().values(change_id=c1.id, post_id=p2.id))
    c2 = _change(program, "=Saturday meetings", date(2026, 5, 15), "in_progress", "expert_group", practical)
    db.session.execute(change_decisions.insert().values(change_id=c2.id, decision_id=d4.id))
    c3 = _change(program, "New room", date(2026, 2, 1), "done", "staff")
    c4 = _change(program, "Longer program", date(2025, 11, 1), "done", "funder")
    db.session.add_all([
        ChangeFeedback(change_id=c1.id, user_id=m1.id, answer="yes"),
        ChangeFeedback(change_id=c1.id, user_id=m2.id, answer="yes"),
        ChangeFeedback(change_id=c1.id, user_id=m3.id, answer="no"),
    ])
    k.changes.update(c1=c1, c2=c2, c3=c3, c4=c4)

    # Meetings: February (A1, A2 on the agenda; three of four came), May (A3, A4; two came), July (planned).
    feb = Meeting(program_id=program.id, title="February", starts_at=datetime(2026, 2, 10, 18), status="closed")
    may = Meeting(program_id=program.id, title="May", starts_at=datetime(2026, 5, 1, 18), status="closed")
    july = Meeting(program_id=program.id, title="July", starts_at=datetime(2026, 7, 10, 18), status="planned")
    db.session.add_all([feb, may, july])
    db.session.flush()
    db.session.add_all([
        AgendaItem(meeting_id=feb.id, proposal_id=a1.id, position=1),
        AgendaItem(meeting_id=feb.id, proposal_id=a2.id, position=2),
        AgendaItem(meeting_id=may.id, proposal_id=a3.id, position=1),
        AgendaItem(meeting_id=may.id, proposal_id=a4.id, position=2),
        *(Attendance(meeting_id=feb.id, user_id=u.id, present=True) for u in (m1, m2, m3)),
        Attendance(meeting_id=feb.id, user_id=m4.id, present=False),
        *(Attendance(meeting_id=may.id, user_id=u.id, present=True) for u in (m1, m2)),
        # "How was today's meeting?": February good, good, OK (one named); May not good.
        *(MeetingEvaluation(meeting_id=feb.id, answer_key=f"feb-{i}", answer=a) for i, a in enumerate(("good", "ok"))),
        MeetingEvaluation(meeting_id=feb.id, answer_key="feb-named", user_id=m3.id, answer="good"),
        MeetingEvaluation(meeting_id=may.id, answer_key="may-0", answer="bad"),
        ActionItem(program_id=program.id, title="Book", owner="S", due_on=date(2026, 6, 1)),  # overdue
        ActionItem(program_id=program.id, title="Ask", owner="S", due_on=date(2026, 7, 15)),
        ActionItem(program_id=program.id, title="Done", owner="S", due_on=date(2026, 1, 1), status="done"),
    ])
    db.session.commit()
    return k
