"""Demo priority polls: one the group held in the spring, whose ranking the steering group
decided on and a change came from, and one open now, on the next meeting's agenda."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from PIL import Image, ImageDraw

from feedback.auth.models import User
from feedback.changes.models import ChangeOrigin, ChangeStatus, ProgramChange
from feedback.common.clock import local_today, utcnow
from feedback.decisions.models import Decision, Outcome
from feedback.extensions import db
from feedback.meetings.models import Meeting
from feedback.priorities import services as priorities
from feedback.priorities.models import PriorityPoll
from feedback.priorities.photos import save_option_photo
from feedback.programs.models import Program
from feedback.proposals.models import Status

# icon, title, summary, {lang: (title, summary)}
HELD = [
    ("work", "Besök på arbetsplatser", "Vi besöker ett företag varje månad.",
     {"en": ("Visits to workplaces", "We visit a company every month."),
      "ar": ("زيارات إلى أماكن العمل", "نزور شركة كل شهر.")}),
    ("document", "Hjälp med CV", "En mentor läser ditt CV med dig.",
     {"en": ("Help with your CV", "A mentor reads your CV with you."),
      "ar": ("مساعدة في السيرة الذاتية", "مرشدة تقرأ سيرتك الذاتية معك.")}),
    ("book", "Mer svenska", "Vi övar svenska en timme på varje träff.",
     {"en": ("More Swedish", "We practise Swedish for an hour at every meeting."),
      "ar": ("المزيد من السويدية", "نتدرب على السويدية ساعة في كل لقاء.")}),
    ("people", "Nätverksträffar", "Vi träffar kvinnor som redan arbetar i Sverige.",
     {"en": ("Network meetings", "We meet women who already work in Sweden."),
      "ar": ("لقاءات التواصل", "نلتقي بنساء يعملن بالفعل في السويد.")}),
]
OPEN = [
    ("star", "Mina mål", "Vi pratar om vad du vill göra om ett år.",
     {"en": ("My goals", "We talk about what you want to do in a year."),
      "ar": ("أهدافي", "نتحدث عما تريدين فعله بعد سنة.")}),
    ("chat", "Intervjuträning", "Vi övar på en intervju för ett jobb.",
     {"en": ("Interview practice", "We practise a job interview."),
      "ar": ("التدريب على المقابلة", "نتدرب على مقابلة عمل.")}),
    ("road", "Vägen framåt", "Vi gör en plan för tiden efter programmet.",
     {"en": ("The way forward", "We make a plan for the time after the program."),
      "ar": ("الطريق إلى الأمام", "نضع خطة لما بعد البرنامج.")}),
]


def _poll(program: Program, staff: User, title: str, summary: str, options, translations) -> PriorityPoll:
    poll = priorities.create_poll(program.id, staff.id, title=title, summary=summary, dots_per_member=3,
                                  max_per_option=2)
    for lang, (t, s) in translations.items():
        priorities.set_translation(poll, lang, t, s)
    for icon, t, s, langs in options:
        option = priorities.add_option(poll, icon=icon, title=t, summary=s)
        for lang, (lt, ls) in langs.items():
            priorities.set_translation(option, lang, lt, ls)
    return poll

INTERVIEW_ALT = ("Två kvinnor sitter vid ett bord och övar på en intervju.",
                 {"en": "Two women sit at a table and practise a job interview.",
                  "ar": "امرأتان تجلسان إلى طاولة وتتدربان على مقابلة عمل."})


def _interview_picture() -> bytes:
    """A simple drawing for the demo: two women facing each other across a table, a window behind."""
    im = Image.new("RGB", (960, 640), (236, 228, 214))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 470, 960, 640), fill=(196, 170, 138))  # floor
    d.rectangle((360, 60, 600, 300), fill=(170, 205, 230), outline=(120, 100, 80), width=10)  # window
    d.line((480, 60, 480, 300), fill=(120, 100, 80), width=8)
    for x, dress, scarf in ((250, (46, 94, 140), (160, 60, 90)), (710, (120, 70, 40), None)):
        d.rounded_rectangle((x - 80, 280, x + 80, 520), radius=40, fill=dress)  # body
        d.ellipse((x - 55, 150, x + 55, 260), fill=(160, 112, 80))  # face
        if scarf:
            d.chord((x - 65, 140, x + 65, 290), 180, 360, fill=scarf)
        else:
            d.pieslice((x - 60, 140, x + 60, 240), 180, 360, fill=(40, 30, 25))
    d.rectangle((300, 400, 660, 430), fill=(110, 80, 50))  # table
    d.rectangle((320, 430, 340, 560), fill=(110, 80, 50))
    d.rectangle((620, 430, 640, 560), fill=(110, 80, 50))
    d.rectangle((420, 370, 540, 400), fill=(250, 250, 250), outline=(150, 150, 150))  # papers: her CV
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def _give(poll: PriorityPoll, members: list[User], rng: random.Random) -> None:
    """Members share out their dots through the same rules as on their phones."""
    for user in members:
        for _ in range(poll.dots_per_member):
            mine = priorities.my_dots(poll, user)
            room = [o for o in poll.options if mine.on.get(o.id, 0) < poll.max_per_option]
            option = rng.choices(room, weights=[len(room) - i for i in range(len(room))])[0]
            priorities.add_dot(poll, user, option.id)


def build_demo_priorities(program: Program, staff: User, steering: User, members: list[User],
                          next_meeting: Meeting) -> None:
    rng = random.Random(20)
    now = utcnow()
    held = _poll(program, staff, "Vad ska vi göra mer av i höst?", "Du har tre prickar. Ge dem till det som är viktigast.",
                 HELD, {"en": ("What should we do more of this autumn?", "You have three dots. Give them to what "
                                                                          "matters most."),
                        "ar": ("ماذا نفعل أكثر في الخريف؟", "لديك ثلاث نقاط. أعطيها لما هو أهم.")})
    priorities.open_poll(held, staff.id)
    _give(held, members[1:11], rng)
    item = priorities.close_poll(held, staff.id)
    opened, closed = now - timedelta(days=150), now - timedelta(days=140)
    held.opened_at, held.closed_at = opened, closed
    item.created_at, item.voting_opened_at, item.voting_closed_at = opened, opened, closed
    for event in item.events:
        event.at = closed
    decided_at = closed + timedelta(days=14)
    item.move_to(Status.DECIDED, steering.id, note=Outcome.ACCEPTED).at = decided_at
    top = priorities.ranking(held).rows[0].title
    decision = Decision(program_id=program.id, proposal_id=item.id, outcome=Outcome.ACCEPTED, decided_by_id=steering.id,
                        decided_at=decided_at,
                        reason=f"Ja. Gruppen gav flest prickar till: {top}. Vi börjar med det i höst.")
    db.session.add(decision)
    db.session.flush()
    db.session.add(ProgramChange(
        program_id=program.id, title=top, description="Det här kom först när gruppen gav sina prickar.",
        changed_on=local_today() - timedelta(days=60), status=ChangeStatus.IN_PROGRESS, progress=50,
        origin=ChangeOrigin.EXPERT_GROUP, created_by_id=staff.id, decisions=[decision], proposals=[item]))

    # Open now, and on the next meeting's agenda; the first member has not given her dots yet.
    voting = _poll(program, staff, "Vilka teman vill du ha nästa termin?", "Ge dina prickar till de teman du vill ha.",
                   OPEN, {"en": ("Which themes do you want next term?", "Give your dots to the themes you want."),
                          "ar": ("ما المواضيع التي تريدينها في الفصل القادم؟", "أعطي نقاطك للمواضيع التي تريدينها.")})
    interview = next(o for o in voting.options if o.icon == "chat")
    save_option_photo(voting, interview, _interview_picture(), *INTERVIEW_ALT, staff.id)
    priorities.open_poll(voting, staff.id)
    voting.opened_at = now - timedelta(days=3)
    _give(voting, members[1:6], rng)
    priorities.add_to_agenda(voting, next_meeting.id)
    db.session.flush()



