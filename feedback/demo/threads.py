"""Demo conversations: what members of the demo program said, and what staff answered."""

from __future__ import annotations

import io
import math
import struct
import wave
from datetime import timedelta

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.meetings.models import Meeting
from feedback.proposals.models import Proposal
from feedback.threads import services as threads
from feedback.threads.models import Post, ProposalSource
from feedback.topics.models import Topic

# (topic index, days ago, opener by member index, anonymous, text, replies, staff answer or None)
CONVERSATIONS = [
    (1, 80, 2, False, "Hur hittar jag praktik? Jag har skickat många brev men ingen svarar.",
     [(5, "Samma för mig. Jag ringde i stället och det gick bättre.")],
     "Bra fråga! På nästa träff kommer en person från Arbetsförmedlingen. Hon berättar om praktik."),
    (2, 60, 4, True, "Jag vet inte hur långt ett CV ska vara i Sverige. Två sidor?",
     [], "Ett CV i Sverige är ofta en eller två sidor. Vi tittar på era CV på träffen i mars."),
    (3, 35, 7, False, "Kan vi öva intervju på engelska också? See https://www.arbetsformedlingen.se for tips.",
     [(1, "Ja, det vill jag också!"), (9, "Jag vill öva på svenska först.")], None),
    (7, 20, 0, False, "Barnpassningen var mycket bra. Tack! Men fikat tog slut tidigt.",
     [], "Tack! Vi köper mer fika till nästa gång."),
    (0, 6, 10, False, "Mitt mål är att bli undersköterska. Vem kan jag prata med?", [], None),
]


def _tone_wav(seconds: float = 1.5, hz: int = 440) -> bytes:
    """A short tone as a real WAV file: the demo's stand-in for a recorded voice."""
    rate = 8000
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = (int(8000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(int(rate * seconds)))
        w.writeframes(b"".join(struct.pack("<h", f) for f in frames))
    return buf.getvalue()


def build_demo_threads(topics: list[Topic], members: list[User], staff: User, meeting: Meeting | None,
                       proposal: Proposal | None) -> None:
    now = utcnow()
    for topic_i, days, who, anonymous, text, replies, answer in CONVERSATIONS:
        thread = threads.start_thread(members[who], topics[topic_i], text, anonymous=anonymous)
        at = now - timedelta(days=days)
        for member_i, reply_text in replies:
            threads.reply(members[member_i], thread, reply_text)
        if answer:
            threads.reply(staff, thread, answer, official=True)
        for i, post in enumerate(thread.posts):
            post.created_at = at + timedelta(hours=3 * i)
        thread.created_at = at
        thread.last_post_at = thread.posts[-1].created_at
        if thread.answered_at:
            thread.answered_at = thread.posts[-1].created_at
        for member in members[3:6]:
            if not threads.is_mine(thread.posts[0], member):
                threads.agree(member, thread.posts[0])
    if meeting is not None:
        voice = threads.start_thread(members[6], meeting, None, _tone_wav())
        voice.posts[0].transcript = "Röstmeddelande (demo): Jag kommer, men jag blir lite sen."
    if proposal is not None:
        threads.start_thread(members[8], proposal, "Jag tycker det är bra. Då kan fler komma.")
        # The proposal grew out of a member's words: the link shows both ways.
        first = db.session.scalar(db.select(Post).order_by(Post.id).limit(1))
        db.session.add(ProposalSource(proposal_id=proposal.id, post_id=first.id))
    db.session.flush()
