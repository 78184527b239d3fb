"""A believable demo program: a mentor program in Uppsala with a year of meetings."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from feedback.auth.services import create_user
from feedback.common.clock import local_now, utcnow
from feedback.demo.outcomes import build_demo_outcomes
from feedback.demo.priorities import build_demo_priorities
from feedback.demo.threads import build_demo_threads
from feedback.extensions import db
from feedback.meetings.models import AgendaItem, Attendance, Meeting, MeetingReply, MeetingStatus
from feedback.programs.models import Membership, Role
from feedback.programs.services import create_program
from feedback.proposals.models import (
    Proposal,
    ProposalEvent,
    ProposalTranslation,
    Status,
)
from feedback.topics.models import Topic
from feedback.votes import services as votes
from feedback.votes.models import Vote

DEMO_SLUG = "uppsala-demo"
DEMO_PASSWORD = "demo-password-2026"
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]

MEMBERS = [
    ("Leyla", "sv"),
    ("Amina", "ar"),
    ("Tigist", "en"),
    ("Fatima", "ar"),
    ("Nasrin", "sv"),
    ("Hodan", "sv"),
    ("Rahel", "en"),
    ("Samira", "ar"),
    ("Mariam", "ar"),
    ("Elif", "sv"),
    ("Zainab", "ar"),
    ("Ayan", "en"),
]

# title, summary, icon, topic index, final status, months ago voting closed (None: not voted),
# anonymous, translations {lang: (title, summary)}
PROPOSALS = [
    (
        "Träffar på lördagar",
        "Vi träffas en lördag i månaden. Då kan fler komma. Många arbetar på vardagar.",
        "calendar",
        7,
        Status.IN_REVIEW,
        8,
        False,
        {
            "en": (
                "Meetings on Saturdays",
                "We meet one Saturday a month. Then more people can come. Many work on weekdays.",
            ),
            "ar": (
                "اللقاءات يوم السبت",
                "نلتقي يوم سبت واحد في الشهر. هكذا يستطيع عدد أكبر الحضور. كثيرات يعملن في أيام الأسبوع.",
            ),
        },
    ),
    (
        "Barnpassning på träffarna",
        "Det finns barnpassning när vi träffas. Då kan mammor med små barn vara med.",
        "child",
        7,
        Status.IN_REVIEW,
        6,
        False,
        {
            "en": (
                "Childcare at the meetings",
                "There is childcare when we meet. Then mothers with small children can take part.",
            )
        },
    ),
    (
        "Mer intervjuträning",
        "Vi övar intervjuer två gånger i stället för en. Du får öva med en riktig chef.",
        "chat",
        3,
        Status.VOTED,
        5,
        False,
        {},
    ),
    (
        "Nätverksträff med företag",
        "Vi bjuder in tre företag i Uppsala. Du kan prata med dem om jobb.",
        "work",
        6,
        Status.VOTED,
        3,
        False,
        {},
    ),
    (
        "Påminnelse med SMS",
        "Du får ett SMS dagen före träffen. Då glömmer du inte tiden.",
        "clock",
        7,
        Status.VOTED,
        2,
        True,
        {},
    ),
    (
        "Mentorn och du träffas varje vecka",
        "Du och din mentor träffas en gång i veckan. I dag är det en gång varannan vecka.",
        "people",
        5,
        Status.VOTING,
        None,
        False,
        {
            "en": (
                "You and your mentor meet every week",
                "You and your mentor meet once a week. Today it is once every two weeks.",
            ),
            "ar": ("تلتقين بمرشدتك كل أسبوع", "تلتقين أنت ومرشدتك مرة في الأسبوع. الآن اللقاء مرة كل أسبوعين."),
        },
    ),
    (
        "Ett nytt rum för träffarna",
        "Vi träffas i ett större rum på biblioteket. Rummet ligger nära bussen.",
        "house",
        7,
        Status.VOTING,
        None,
        True,
        {
            "en": (
                "A new room for the meetings",
                "We meet in a bigger room at the library. The room is close to the bus.",
            ),
            "ar": ("غرفة جديدة للقاءات", "نلتقي في غرفة أكبر في المكتبة. الغرفة قريبة من الحافلة."),
        },
    ),
    (
        "Studiebesök på en arbetsplats",
        "Gruppen besöker en arbetsplats. Du ser hur en vanlig arbetsdag ser ut.",
        "work",
        1,
        Status.ON_AGENDA,
        None,
        False,
        {},
    ),
    (
        "CV-verkstad med volontärer",
        "Volontärer hjälper dig med ditt CV. Du tar med ditt CV på papper eller i telefonen.",
        "document",
        2,
        Status.DRAFT,
        None,
        False,
        {},
    ),
]

REASONS = [
    "Det passar mig bra.",
    "Jag arbetar på lördagar.",
    "Bra för oss med barn.",
    "Jag vet inte än.",
    "Svårt med bussen.",
    "Det hjälper mig att hitta jobb.",
    None,
    None,
    None,
]


MEETING_DAY, MEETING_TIME = 12, time(17, 30)  # the 12th of every month, after work


def meeting_time(local: datetime, before_next: int) -> datetime:
    """The wall-clock start of the monthly meeting `before_next` months before the next one:
    0 is the next meeting (always ahead of `local`, whatever the day), 1 the last one held,
    -1 the one after the next."""
    month_index = local.year * 12 + local.month - 1 - before_next
    if local >= datetime.combine(local.date().replace(day=MEETING_DAY), MEETING_TIME):
        month_index += 1  # this month's meeting has begun: the next one is next month's
    year, month = divmod(month_index, 12)
    return datetime.combine(datetime(year, month + 1, MEETING_DAY), MEETING_TIME)


def _demo_votes(p: Proposal, voters: list, rng: random.Random, at: datetime) -> None:
    """Members vote through the same rule as on their phones; named votes are dated to the
    time voting was open (the first member of the open vote has not voted yet)."""
    lean = rng.choice([(6, 2, 2), (4, 3, 3), (3, 2, 5)])
    for user in voters:
        if rng.random() < 0.15:
            continue
        votes.cast_vote(p, user, rng.choices(["agree", "unsure", "disagree"], weights=lean)[0], rng.choice(REASONS))
    if not p.anonymous:
        db.session.execute(sa.update(Vote).where(Vote.proposal_id == p.id).values(created_at=at, updated_at=at))


def build_demo() -> None:
    rng = random.Random(2026)
    now = utcnow()
    program = create_program(
        "Mentorprogrammet Uppsala",
        DEMO_SLUG,
        "Uppsala",
        "Ett mentorprogram för utrikesfödda kvinnor som vill arbeta i Sverige.",
    )
    admin = create_user("Ali Admin", "admin@demo.example", DEMO_PASSWORD, is_admin=True)
    staff = create_user("Karin Samordnare", "staff@demo.example", DEMO_PASSWORD)
    steering = create_user("Maria Styrgrupp", "steering@demo.example", DEMO_PASSWORD)
    for user, role in ((admin, Role.ADMIN), (staff, Role.STAFF), (steering, Role.STEERING)):
        db.session.add(Membership(user_id=user.id, program_id=program.id, role=role))
    members = []
    for name, lang in MEMBERS:
        user = create_user(name, language=lang)
        db.session.add(Membership(user_id=user.id, program_id=program.id, role=Role.MEMBER))
        members.append(user)
    # How members get news: five by SMS (numbers from the range kept for films and books,
    # 070-174 06 05 to 06 99), one wants none; the office by e-mail. `make run` sends them
    # through the console provider, so the server's log shows each message.
    for i, user in enumerate(members[:5]):
        user.phone = f"+467017406{10 + i}"
    members[5].message_channel = "none"
    # One member left three weeks ago: staff see on the members page when her data goes.
    former = create_user("Hani Yusuf", language="so")
    db.session.add(Membership(user_id=former.id, program_id=program.id, role=Role.MEMBER,
                              left_at=now - timedelta(days=21)))
    db.session.flush()
    topics = list(db.session.scalars(db.select(Topic).where(Topic.program_id == program.id).order_by(Topic.position)))

    # A year of meetings held, the next one and the one after: the same shape on every day.
    local = local_now()
    meetings = {}
    for before_next in range(12, -2, -1):
        starts = meeting_time(local, before_next)
        past = before_next > 0
        m = Meeting(
            program_id=program.id,
            title=f"Träff i {MONTHS[starts.month - 1]}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="Stadsbiblioteket, Uppsala",
            status=MeetingStatus.CLOSED if past else MeetingStatus.PLANNED,
            childcare=True,
            interpreter_languages="ar,so,ti",
            travel_costs=True,
            bring="Ditt CV på papper eller i telefonen." if before_next % 3 == 0 else None,
        )
        db.session.add(m)
        meetings[before_next] = m
    db.session.flush()
    # Who came to the meetings that were held: most members, most months (for the dashboards).
    came = random.Random(7)  # its own dice, so the rest of the demo stays as it was
    for m in meetings.values():
        if m.status == MeetingStatus.CLOSED:
            share = 0.55 + 0.3 * came.random()
            db.session.add_all(
                Attendance(meeting_id=m.id, user_id=u.id, present=True) for u in members if came.random() < share
            )

    for i, (title, summary, icon, topic_i, status, closed_ago, anonymous, translations) in enumerate(PROPOSALS):
        created = now - timedelta(days=30 * (closed_ago or 1) + 20)
        p = Proposal(
            program_id=program.id,
            topic_id=topics[topic_i].id,
            title=title,
            summary=summary,
            icon=icon,
            status=Status.DRAFT,
            anonymous=anonymous,
            created_by_id=staff.id,
            created_at=created,
            results_live=(status == Status.VOTING and not anonymous),
        )
        for lang, (t, s) in translations.items():
            p.translations.append(ProposalTranslation(language=lang, title=t, summary=s))
        p.events.append(ProposalEvent(from_status=None, to_status=Status.DRAFT, actor_id=staff.id, at=created))
        db.session.add(p)
        db.session.flush()
        path = {
            Status.DRAFT: [],
            Status.ON_AGENDA: [Status.ON_AGENDA],
            Status.VOTING: [Status.ON_AGENDA, Status.VOTING],
            Status.VOTED: [Status.ON_AGENDA, Status.VOTING, Status.VOTED],
            Status.IN_REVIEW: [Status.ON_AGENDA, Status.VOTING, Status.VOTED, Status.IN_REVIEW],
        }[status]
        # Voting goes on after the last meeting; the proposal on the agenda waits for the next.
        meeting = meetings[closed_ago + 1 if closed_ago is not None else (0 if status == Status.ON_AGENDA else 1)]
        if path:
            db.session.add(AgendaItem(meeting_id=meeting.id, proposal_id=p.id, kind="proposal", position=i))
        at = created
        for step in path:
            at = min(at + timedelta(days=10), now - timedelta(hours=1))
            event = p.move_to(step, staff.id)
            event.at = at
            if step == Status.VOTING:
                p.voting_opened_at = at
                _demo_votes(p, members if status != Status.VOTING else members[1:8], rng, at)
            if step == Status.VOTED:
                p.voting_closed_at = at
                if anonymous:
                    votes.scatter_anonymous_ballots(p.id)  # as closing a secret vote does
    # The next meeting also opens with coffee and discusses a feedback topic.
    upcoming = meetings[0]
    db.session.add(AgendaItem(meeting_id=upcoming.id, kind="free", title="Fika och presentation", position=0))
    db.session.add(
        AgendaItem(
            meeting_id=upcoming.id,
            kind="topic",
            topic_id=topics[3].id,
            title=topics[3].name,
            position=len(PROPOSALS) + 1,
        )
    )
    # Some members have answered whether they come to the next meeting: staff see the counts.
    for user, answer, children, interpreter in zip(
        members,
        ("coming", "coming", "coming", "coming", "not_coming", "maybe", "maybe"),
        (2, 0, 1, 0, 0, 0, 0),
        (False, True, False, True, False, False, False),
        strict=False,
    ):
        offered = user.preferred_language in upcoming.interpreter_codes
        db.session.add(MeetingReply(meeting_id=upcoming.id, user_id=user.id, answer=answer, children=children,
                                    interpreter=interpreter and offered, updated_at=now))
    db.session.flush()
    voting = db.session.scalar(
        db.select(Proposal).where(Proposal.program_id == program.id, Proposal.status == Status.VOTING).limit(1)
    )
    build_demo_threads(topics, members, staff, meetings[2], voting)
    build_demo_outcomes(program, steering, staff, members)
    build_demo_priorities(program, staff, steering, members, upcoming)
    from feedback.datepolls.demo import build_demo_date_poll  # choosing the next meeting's date together

    build_demo_date_poll(program, staff, members)
    db.session.commit()  # the demo is built in one transaction, like any command
